// Beacon in a real browser: signs in, walks the main pages, uploads a file and follows
// its load to the quarantine table, then (with EXPECTATIONS.partner) signs in as a
// partner IT manager, opens its queue and an advisory and marks its asset fixed, then
// (with EXPECTATIONS.readiness) takes the self-assessment, reads its own debrief and, as a
// member of its staff joining by invitation, completes a module's quiz; then, each in a
// fresh browser context: on a phone-sized screen (EXPECTATIONS.phone) the victim-care
// pages, checked for sideways scrolling; as the Cyber Choices officer
// (EXPECTATIONS.cyberChoices) at desktop and phone sizes, the referrals and the opening
// form sent empty; signed out on a phone (EXPECTATIONS.frontDoor), the public front door
// walked as a resident and as a business, its bad answers, its rate limit and the links to
// it (the server must allow reports sent at once and be limited to
// frontDoor.rateLimit.perAddress reports per address); checks
// keyboard focus on the sign-in page, runs axe-core (WCAG 2.0/2.1/2.2 A and AA) on every
// page visited and saves full-page screenshots. Run by crates/beacon/tests/browser.rs; it
// can also be run by hand:
//
//   BASE_URL=http://127.0.0.1:8080 USERNAME=demo-coordinator PASSWORD=... \
//   SCREENSHOTS_DIR=target/screenshots UPLOAD_CSV=upload.csv \
//   BEACON_BROWSER_NODE_MODULES=/tmp/beacon-browser-node/node_modules \
//   node crates/beacon/tests/browser/run.mjs
//
// Third-party modules (playwright-core, axe-core) are not part of the repository: they
// are found in BEACON_BROWSER_NODE_MODULES, else through NODE_PATH. Chromium is
// /usr/bin/chromium unless CHROMIUM says otherwise.
//
// Optional: EXPECTED_QUARANTINED (how many rows the upload must quarantine), CHROMIUM,
// EXPECTATIONS (a JSON file: the pages to visit, each with its expected heading, texts and
// headline figures, and the error pages with their status and error summary; see
// crates/beacon/tests/browser.rs, which writes it for the demo data), BAD_UPLOAD_CSV (a
// file of bad rows only, whose run page must warn and paginate), LABEL (prefixes the
// screenshots' names, e.g. "postgres-"), BEACON_AXE_ALLOW (comma-separated axe rule ids
// reported without failing, for a known problem while its fix is under way; empty by
// default).
//
// Every console error, Content Security Policy violation, failed request and sub-resource
// answered 4xx or 5xx fails the check; a page's own status only where it is not the one
// expected (error pages are visited on purpose).
//
// Exits 0 when every check passed; otherwise prints each failure and exits 1.
// Also writes SCREENSHOTS_DIR/axe-results.json with every page's findings.

import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`browser check: the environment variable ${name} must be set`);
    process.exit(2);
  }
  return value;
};

const BASE_URL = env('BASE_URL').replace(/\/+$/, '');
const USERNAME = env('USERNAME');
const PASSWORD = env('PASSWORD');
const SCREENSHOTS_DIR = env('SCREENSHOTS_DIR');
const UPLOAD_CSV = env('UPLOAD_CSV');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const EXPECTED_QUARANTINED = process.env.EXPECTED_QUARANTINED
  ? Number(process.env.EXPECTED_QUARANTINED)
  : undefined;
const EXPECTATIONS = process.env.EXPECTATIONS
  ? JSON.parse(readFileSync(process.env.EXPECTATIONS, 'utf8'))
  : { pages: [], errorPages: [] };
const BAD_UPLOAD_CSV = process.env.BAD_UPLOAD_CSV || '';
if (BAD_UPLOAD_CSV && !existsSync(BAD_UPLOAD_CSV)) {
  console.error(`browser check: BAD_UPLOAD_CSV ${BAD_UPLOAD_CSV} does not exist`);
  process.exit(2);
}
const LABEL = process.env.LABEL || '';
const NAV_TIMEOUT_MS = Number(process.env.BROWSER_NAV_TIMEOUT_MS || 60000);
const TOTAL_TIMEOUT_MS = Number(process.env.BROWSER_TOTAL_TIMEOUT_MS || 8 * 60000);

// Resolve third-party modules from BEACON_BROWSER_NODE_MODULES (a node_modules folder),
// falling back to NODE_PATH, which the CommonJS loader honours.
const nodeModules = process.env.BEACON_BROWSER_NODE_MODULES;
const require = nodeModules
  ? createRequire(join(nodeModules, '..', 'beacon-browser-check.cjs'))
  : createRequire(import.meta.url);

let chromium;
let axeSource;
try {
  ({ chromium } = require('playwright-core'));
  axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (error) {
  console.error(
    'browser check: cannot load playwright-core and axe-core. Install them outside the repository with\n' +
      '  npm install --no-save --prefix /tmp/beacon-browser-node playwright-core axe-core\n' +
      'and set BEACON_BROWSER_NODE_MODULES=/tmp/beacon-browser-node/node_modules.\n' +
      `(${error.message})`,
  );
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`browser check: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(2);
}
if (!existsSync(UPLOAD_CSV)) {
  console.error(`browser check: UPLOAD_CSV ${UPLOAD_CSV} does not exist`);
  process.exit(2);
}
mkdirSync(SCREENSHOTS_DIR, { recursive: true });

// The rules that gate: WCAG 2.0, 2.1 and 2.2, levels A and AA. axe-core has no
// "wcag22a" tag (2.2's A criteria are tagged wcag2a/wcag21a); it is kept only if present.
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const GATING_IMPACTS = new Set(['serious', 'critical']);
// Rule ids to report without failing (comma-separated), for a known problem while its
// fix is under way. Empty by default: every serious or critical violation fails.
const AXE_ALLOW = new Set(
  (process.env.BEACON_AXE_ALLOW || '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean),
);

const began = Date.now();
/** Seconds since the check began, for the log. */
const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;
const failures = [];
const fail = (message) => {
  failures.push(message);
  console.error(`FAIL: ${message}`);
};
const check = (condition, message) => {
  if (!condition) fail(message);
  return Boolean(condition);
};

/** Per page: name, path, axe violations (all impacts), advisory best-practice findings. */
const accessibility = [];
const consoleProblems = [];

const watchdog = setTimeout(() => {
  console.error(`browser check: gave up after ${TOTAL_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

let page;
let step = 'starting';
let exitCode = 0;
try {
  // The document the browser was last sent to, and whether its status was expected (an
  // error page visited on purpose), so that Chromium's own "Failed to load resource" line
  // for that document is not counted as a problem.
  let expectedDocument = { url: '', status: 200 };
  const sameDocument = (url) => url.split('#')[0] === expectedDocument.url.split('#')[0];

  /** A fresh browser context (no cookies) with one page, watched for problems. */
  const newPage = async (options = {}) => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
      acceptDownloads: false,
      ...options,
    });
    // Content Security Policy violations, reported by the page itself: the listener is
    // added through the DevTools protocol, so the page's CSP does not block it.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(
          `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}` +
            (event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : ''),
        );
      });
    });
    const opened = await context.newPage();
    opened.setDefaultTimeout(30000);
    opened.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
    opened.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      const location = message.location()?.url || '';
      if (/^Failed to load resource/.test(text) && sameDocument(location) && expectedDocument.status >= 400) {
        return; // The error page we asked for.
      }
      consoleProblems.push(`${pathOf(opened.url())}: console error: ${text}${location ? ` (${pathOf(location)})` : ''}`);
    });
    opened.on('pageerror', (error) => consoleProblems.push(`${pathOf(opened.url())}: script error: ${error.message}`));
    opened.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText || 'failed';
      // A navigation that the next one interrupts (the progress page's refresh), or that
      // turns into a download, is not a failure of the page.
      if (request.isNavigationRequest() && /ERR_ABORTED/.test(reason)) return;
      consoleProblems.push(`${pathOf(opened.url())}: request failed: ${request.method()} ${pathOf(request.url())} (${reason})`);
    });
    opened.on('response', (response) => {
      const request = response.request();
      if (response.status() < 400) return;
      if (request.isNavigationRequest() && request.frame() === opened.mainFrame()) {
        if (sameDocument(response.url()) && response.status() === expectedDocument.status) return;
        consoleProblems.push(`${pathOf(response.url())}: answered HTTP ${response.status()}, expected ${expectedDocument.status}`);
        return;
      }
      consoleProblems.push(`${pathOf(opened.url())}: sub-resource ${pathOf(response.url())} answered HTTP ${response.status()}`);
    });
    return opened;
  };
  page = await newPage();

  let availableTags;

  /** Opens `path`, checks the response has `status` (200 unless an error page is meant), and returns it. */
  const open = async (path, status = 200) => {
    step = `opening ${path}`;
    expectedDocument = { url: BASE_URL + path, status };
    const response = await page.goto(BASE_URL + path, { waitUntil: 'load' });
    const got = response ? response.status() : 0;
    if (!response || got !== status) {
      throw new Error(`${path} answered HTTP ${got}, expected ${status}`);
    }
    if (pathOf(page.url()).startsWith('/sign-in') && !path.startsWith('/sign-in')) {
      throw new Error(`${path} sent the browser back to /sign-in: the session was lost`);
    }
    return response;
  };

  /** Runs axe-core on the current page and records what it found. */
  const audit = async (name) => {
    step = `running axe-core on ${name}`;
    const path = pathOf(page.url());
    // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts)
    // stays in force for the page itself.
    const present = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!present) {
      await page.evaluate(axeSource);
    }
    if (!availableTags) {
      availableTags = new Set(
        await page.evaluate(() => window.axe.getRules().flatMap((rule) => rule.tags)),
      );
    }
    const tags = WCAG_TAGS.filter((tag) => availableTags.has(tag));
    const results = await page.evaluate(
      async (tags) => {
        const summarise = (items) =>
          items.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            helpUrl: v.helpUrl,
            tags: v.tags,
            nodes: v.nodes.map((n) => ({
              target: n.target.join(' '),
              html: n.html.slice(0, 300),
              summary: n.failureSummary,
            })),
          }));
        const wcag = await window.axe.run(document, {
          runOnly: { type: 'tag', values: tags },
          resultTypes: ['violations', 'incomplete'],
        });
        const advisory = await window.axe.run(document, {
          runOnly: { type: 'tag', values: ['best-practice'] },
          resultTypes: ['violations'],
        });
        return {
          violations: summarise(wcag.violations),
          incomplete: wcag.incomplete.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length })),
          advisory: summarise(advisory.violations),
        };
      },
      tags,
    );
    accessibility.push({ name, path, ...results });
    const counts = countByImpact(results.violations);
    console.log(
      `axe ${name} (${path}): ${results.violations.length === 0 ? 'no WCAG violations' : describeCounts(counts)}` +
        (results.advisory.length ? `; best-practice: ${results.advisory.map((v) => `${v.id} (${v.impact})`).join(', ')}` : ''),
    );
    for (const violation of results.violations) {
      const line = `  ${violation.impact}: ${violation.id} – ${violation.help}`;
      console.log(line);
      for (const node of violation.nodes) {
        console.log(`      at ${node.target}`);
      }
      if (GATING_IMPACTS.has(violation.impact) && AXE_ALLOW.has(violation.id)) {
        console.log(`      (${violation.id} is in BEACON_AXE_ALLOW: reported, not failed)`);
      } else if (GATING_IMPACTS.has(violation.impact)) {
        fail(
          `${name} (${path}): axe ${violation.impact} violation ${violation.id} (${violation.help}) at ` +
            violation.nodes.map((n) => n.target).join(', '),
        );
      }
    }
  };

  const screenshot = async (name) => {
    step = `screenshot of ${name}`;
    const file = join(SCREENSHOTS_DIR, `${LABEL}${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot ${file}`);
  };

  /** The page's headline figures: label → value, as shown. */
  const headlineFigures = async () =>
    Object.fromEntries(
      await page.locator('.beacon-figure').evaluateAll((figures) =>
        figures.map((figure) => [
          (figure.querySelector('.beacon-figure__label')?.textContent || '').trim(),
          (figure.querySelector('.beacon-figure__value')?.textContent || '').trim(),
        ]),
      ),
    );

  /** Checks the open page against an expectation: heading, texts, figures, error summary, kept inputs. */
  const expect = async (path, { heading, texts = [], figures = {}, summary = [], inputs = {} }) => {
    step = `checking ${path}`;
    const h1 = page.locator('h1').first();
    if (!check(await h1.isVisible(), `${path}: no visible h1`)) return;
    const text = (await h1.innerText()).trim();
    if (heading !== undefined) {
      check(text === heading, `${path}: the heading is "${text}", expected "${heading}"`);
    }
    const body = (await page.locator('main').first().innerText()).replace(/\s+/g, ' ');
    for (const wanted of texts) {
      check(body.includes(wanted), `${path}: the page does not say "${wanted}"`);
    }
    if (Object.keys(figures).length) {
      const shown = await headlineFigures();
      for (const [label, value] of Object.entries(figures)) {
        check(
          shown[label] === value,
          `${path}: the figure "${label}" is ${JSON.stringify(shown[label])}, expected "${value}" (shown: ${JSON.stringify(shown)})`,
        );
      }
    }
    if (summary.length) {
      const box = page.locator('.govuk-error-summary');
      if (check(await box.isVisible(), `${path}: no GOV.UK error summary`)) {
        const said = (await box.innerText()).replace(/\s+/g, ' ');
        check(said.includes('There is a problem'), `${path}: the error summary has no "There is a problem" title`);
        for (const wanted of summary) {
          check(said.includes(wanted), `${path}: the error summary does not say "${wanted}": ${said}`);
        }
        const links = await box.locator('a[href^="#"]').evaluateAll((anchors) =>
          anchors.map((a) => a.getAttribute('href').slice(1)),
        );
        for (const id of links) {
          check((await page.locator(`[id="${id}"]`).count()) === 1, `${path}: the error summary links to #${id}, which is not on the page`);
        }
      }
    }
    for (const [selector, value] of Object.entries(inputs)) {
      const field = page.locator(selector).first();
      if (check((await field.count()) > 0, `${path}: no field ${selector} to keep the input in`)) {
        const kept = await field.inputValue();
        check(kept === value, `${path}: ${selector} holds "${kept}", expected the input "${value}" kept`);
      }
    }
    console.log(`${path}: "${text}"` + (Object.keys(figures).length ? `, figures ${JSON.stringify(figures)}` : ''));
  };

  /** Opens a page, checks it as expected, audits it and optionally screenshots it. */
  const visit = async (name, path, { shot = true, status = 200, ...expected } = {}) => {
    await open(path, status);
    await expect(path, expected);
    await audit(name);
    if (shot) await screenshot(name);
  };

  // --- Sign-in page: keyboard first, then accessibility, then sign in.
  await open('/sign-in');
  step = 'keyboard check on /sign-in';
  await page.keyboard.press('Tab');
  const firstFocus = await page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
      tag: element.tagName.toLowerCase(),
      className: String(element.className),
      href: element.getAttribute('href'),
      text: element.textContent.trim(),
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
      boxShadow: style.boxShadow,
      width: box.width,
      height: box.height,
    };
  });
  if (check(firstFocus, 'sign-in: the first Tab focused nothing')) {
    check(
      firstFocus.tag === 'a' && firstFocus.href === '#main-content',
      `sign-in: the first Tab should reach the skip link, but focused <${firstFocus.tag} class="${firstFocus.className}"> "${firstFocus.text}"`,
    );
    const outlineVisible = firstFocus.outlineStyle !== 'none' && firstFocus.outlineWidth !== '0px';
    const shadowVisible = firstFocus.boxShadow !== 'none';
    check(
      outlineVisible || shadowVisible,
      `sign-in: the focused skip link shows no focus indicator (outline ${firstFocus.outlineStyle} ${firstFocus.outlineWidth}, box-shadow ${firstFocus.boxShadow})`,
    );
    check(
      firstFocus.width > 1 && firstFocus.height > 1,
      `sign-in: the focused skip link is not visible (${firstFocus.width}×${firstFocus.height} px)`,
    );
    console.log(
      `keyboard: first Tab -> ${firstFocus.tag} "${firstFocus.text}" (outline ${firstFocus.outlineStyle} ${firstFocus.outlineWidth}, box-shadow ${firstFocus.boxShadow})`,
    );
  }
  // Onwards with Tab: the form's fields and button are reachable, in order.
  const order = [];
  for (let i = 0; i < 25 && !order.includes('button:Sign in'); i += 1) {
    await page.keyboard.press('Tab');
    order.push(
      await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return 'body';
        return e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}:${e.textContent.trim()}`;
      }),
    );
  }
  const at = (what) => order.indexOf(what);
  check(
    at('#username') >= 0 && at('#username') < at('#password') && at('#password') < at('button:Sign in'),
    `sign-in: Tab should reach #username, #password and the Sign in button in that order; it went ${order.join(' → ')}`,
  );
  await audit('sign-in');
  await page.evaluate(() => document.activeElement?.blur());
  await screenshot('sign-in');

  step = 'signing in';
  await page.fill('#username', USERNAME);
  await page.fill('#password', PASSWORD);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  if (pathOf(page.url()).startsWith('/sign-in')) {
    const problem = await page.locator('.govuk-error-summary, .govuk-error-message').allInnerTexts();
    throw new Error(`signing in as ${USERNAME} failed: ${problem.join(' ') || 'still on /sign-in'}`);
  }
  console.log(`signed in as ${USERNAME}; landed on ${pathOf(page.url())}`);

  // --- Dashboard: map, headline figures, a district.
  const dashboard = EXPECTATIONS.dashboard || { path: '/dashboard' };
  await visit('dashboard', dashboard.path, { ...dashboard, shot: false });
  step = 'checking the dashboard';
  const map = page.locator('svg.map, figure.beacon-map').first();
  check(await map.isVisible(), 'dashboard: the district map (svg.map or figure.beacon-map) is not visible');
  const figures = await page.locator('.beacon-figure').count();
  check(figures > 0, 'dashboard: no headline figures (.beacon-figure)');
  console.log(`dashboard: ${figures} headline figures, map visible: ${await map.isVisible()}`);
  await screenshot('dashboard');

  step = 'following a district link';
  const district = EXPECTATIONS.district || {};
  const districtLinks = page.locator('table a[href^="/districts/"]');
  const districtLink = district.name
    ? districtLinks.filter({ hasText: new RegExp(`^\\s*${district.name}\\s*$`) }).first()
    : districtLinks.first();
  if (!(await districtLink.count())) {
    throw new Error(`dashboard: the district table has no link to ${district.name || '/districts/{code}'}`);
  }
  const districtName = (await districtLink.innerText()).trim();
  const districtHref = await districtLink.getAttribute('href');
  expectedDocument = { url: new URL(districtHref, BASE_URL).href, status: 200 };
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), districtLink.click()]);
  check(
    /^\/districts\/[^/?]+/.test(pathOf(page.url())),
    `district: the link ${districtHref} led to ${pathOf(page.url())}`,
  );
  const districtHeading = (await page.locator('h1').first().innerText()).trim();
  check(
    districtHeading.includes(districtName),
    `district: the heading "${districtHeading}" does not name ${districtName}`,
  );
  await expect(pathOf(page.url()), district);
  console.log(`district: ${districtHref} -> "${districtHeading}"`);
  await audit('district');
  await screenshot('district');

  // --- The other pages, each with its heading and figures.
  const pages = EXPECTATIONS.pages?.length
    ? EXPECTATIONS.pages
    : ['explore', 'board', 'runs', 'audit', 'users', 'account'].map((name) => ({ name, path: `/${name}` }));
  for (const { name, path, ...expected } of pages) {
    await visit(name, path, expected);
    if (name === 'explore-rows') {
      step = `checking ${path}`;
      check((await page.locator('#reports, table').count()) > 0, `${name}: no table of reports on ${path}`);
    }
  }

  // --- Error pages, visited on purpose: the status, the GOV.UK error summary, the input
  // kept, and the layout (menu and sign-out) around them.
  for (const { name, path, ...expected } of EXPECTATIONS.errorPages || []) {
    await visit(name, path, expected);
    step = `checking the layout of ${path}`;
    check(
      (await page.getByRole('button', { name: 'Sign out' }).count()) +
        (await page.getByRole('link', { name: 'Sign out' }).count()) >
        0,
      `${name}: the error page ${path} has no way to sign out`,
    );
    check(
      (await page.locator('nav a[href="/dashboard"], header a[href="/dashboard"]').count()) > 0,
      `${name}: the error page ${path} has no menu (no link to /dashboard in the header)`,
    );
  }

  /** Uploads `file` through the form, follows its progress page to the run page, and returns the run page's path. */
  const upload = async (file, name) => {
    await visit(name === 'run' ? 'upload' : `upload-${name}`, '/upload', { heading: 'Upload reports', shot: name === 'run' });
    step = `uploading ${file}`;
    await page.setInputFiles('#file', file);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('button', { name: 'Upload and load' }).click(),
    ]);
    const afterUpload = pathOf(page.url());
    console.log(`upload: the form led to ${afterUpload}`);
    if (afterUpload.startsWith('/upload/')) {
      // The progress page reloads itself every second, so axe may be interrupted by
      // the reload; one clean run is enough.
      step = 'checking the progress page';
      const failed = await page.locator('.govuk-error-summary').count();
      if (failed) {
        throw new Error(`upload: the load failed: ${await page.locator('.govuk-error-summary').innerText()}`);
      }
      try {
        await audit(`${name}-progress`);
      } catch (error) {
        if (!/context was destroyed|navigat/i.test(error.message)) throw error;
        console.log(`${name}-progress: the page moved on before axe-core finished; not audited`);
      }
    } else {
      check(/^\/runs\/\d+/.test(afterUpload), `upload: the form led to ${afterUpload}, not a progress page or a load`);
    }
    step = 'waiting for the load to finish (/runs/{id})';
    await page.waitForURL(/\/runs\/\d+(\?|#|$)/, { timeout: NAV_TIMEOUT_MS * 2, waitUntil: 'load' });
    // The progress page may have moved on mid-audit; make sure the run page is loaded.
    await page.waitForLoadState('load');
    return pathOf(page.url());
  };

  /** The quarantined rows' reasons listed on the open run page. */
  const quarantinedReasons = async (runPath) => {
    step = `checking ${runPath}`;
    const quarantineHeading = page.getByRole('heading', { name: 'Quarantined rows' });
    check(await quarantineHeading.isVisible(), `run: ${runPath} has no visible "Quarantined rows" heading`);
    const reasons = await page
      .locator('#quarantine ~ .beacon-table-wrap table tbody tr td:nth-child(2)')
      .allInnerTexts();
    check(reasons.length > 0, `run: ${runPath} lists no quarantined rows`);
    check(
      reasons.every((reason) => reason.trim().length > 0),
      `run: ${runPath} has quarantined rows without a reason`,
    );
    return reasons;
  };

  // --- Upload, its progress, and the quarantine table.
  const runPath = await upload(UPLOAD_CSV, 'run');
  const reasons = await quarantinedReasons(runPath);
  if (EXPECTED_QUARANTINED !== undefined) {
    check(
      reasons.length === EXPECTED_QUARANTINED,
      `run: ${runPath} lists ${reasons.length} quarantined rows, expected ${EXPECTED_QUARANTINED}`,
    );
  }
  console.log(`run ${runPath}: ${reasons.length} quarantined rows, e.g. "${(reasons[0] || '').trim()}"`);
  await audit('run');
  await screenshot('run');

  // --- A big upload where every row is bad: the run page warns, shows one page of the
  // quarantined rows with GOV.UK pagination, and stays small enough to open at once.
  const bad = EXPECTATIONS.badUpload;
  if (BAD_UPLOAD_CSV && bad) {
    const badRun = (await upload(BAD_UPLOAD_CSV, 'bad-run')).split('#')[0].split('?')[0];
    step = `checking ${badRun}`;
    // Measured on a fresh request, as a browser opening the page would.
    const started = Date.now();
    const fresh = await page.request.get(BASE_URL + badRun);
    const bytes = (await fresh.body()).length;
    const took = Date.now() - started;
    check(fresh.status() === 200, `bad-run: ${badRun} answered HTTP ${fresh.status()}`);
    check(bytes <= bad.maxBytes, `bad-run: ${badRun} is ${bytes} bytes, more than ${bad.maxBytes}`);
    check(took <= bad.maxMillis, `bad-run: ${badRun} took ${took} ms, more than ${bad.maxMillis}`);
    console.log(`bad-run ${badRun}: ${bytes} bytes in ${took} ms`);
    await expect(badRun, bad.first);
    const banner = page.locator('.govuk-notification-banner').first();
    check(
      !(await banner.evaluate((element) => element.classList.contains('govuk-notification-banner--success'))),
      `bad-run: ${badRun} shows a green success panel though nothing was stored`,
    );
    const title = (await page.locator('.govuk-notification-banner__title').first().innerText()).trim();
    check(title === bad.bannerTitle, `bad-run: the panel's title is "${title}", expected "${bad.bannerTitle}"`);
    const listed = await quarantinedReasons(badRun);
    check(listed.length === bad.perPage, `bad-run: ${badRun} lists ${listed.length} rows, expected one page of ${bad.perPage}`);
    const pagination = page.locator('nav.govuk-pagination');
    if (check(await pagination.isVisible(), `bad-run: ${badRun} has no GOV.UK pagination`)) {
      check(
        (await pagination.locator('.govuk-pagination__item--ellipses').count()) > 0,
        `bad-run: the pagination of ${bad.pages} pages has no ellipses`,
      );
      check(
        (await pagination.locator(`a[aria-label="Page ${bad.pages}"]`).count()) === 1,
        `bad-run: the pagination has no link to the last page, ${bad.pages}`,
      );
    }
    await audit('bad-run');
    await screenshot('bad-run');
    step = `following Next from ${badRun}`;
    const next = page.locator('nav.govuk-pagination a[rel="next"]');
    const nextHref = await next.getAttribute('href');
    expectedDocument = { url: new URL(nextHref, BASE_URL).href, status: 200 };
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), next.click()]);
    await expect(pathOf(page.url()), bad.second);
    const second = await quarantinedReasons(pathOf(page.url()));
    check(second.length === bad.perPage, `bad-run: page 2 lists ${second.length} rows, expected ${bad.perPage}`);
    check(
      (await page.locator('nav.govuk-pagination a[rel="prev"]').count()) === 1,
      'bad-run: page 2 has no Previous link',
    );
    await audit('bad-run-page-2');
    await screenshot('bad-run-page-2');
  }

  // --- Protect campaigns (with EXPECTATIONS.campaign): the coordinator builds a
  // campaign on the builder (first with the name left out, refused with an error
  // summary), sees its page, then reads the demo trial's evaluation report and plan.
  const campaign = EXPECTATIONS.campaign;
  if (campaign) {
    const save = async (what, status) => {
      step = what;
      expectedDocument = { url: `${BASE_URL}/campaigns/new`, status };
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('#save-campaign').click(),
      ]);
    };
    await visit('campaign-builder', '/campaigns/new', { heading: 'Build a campaign' });
    step = 'filling in the campaign builder';
    await page.selectOption('#advice', campaign.advice);
    await page.check('#kinds-resident');
    await page.fill('#start-day', '1');
    await page.fill('#start-month', '5');
    await page.fill('#start-year', '2026');
    await save('saving a campaign without a name', 400);
    await expect(pathOf(page.url()), {
      heading: 'Build a campaign',
      summary: ['Enter a name for the campaign'],
    });
    await audit('campaign-builder-error');
    await screenshot('campaign-builder-error');
    await page.fill('#name', campaign.name);
    expectedDocument = { url: '', status: 200 };
    step = 'saving the campaign';
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('#save-campaign').click(),
    ]);
    const saved = pathOf(page.url());
    check(/^\/campaigns\/\d+$/.test(saved), `the saved campaign went to ${saved}, not its page`);
    await expect(saved, { heading: campaign.name, texts: ['Draft', campaign.segment] });
    await audit('campaign-page');
    await screenshot('campaign-page');
    await visit('campaign-evaluation', campaign.evaluation.path, campaign.evaluation);
    step = 'checking the evaluation chart has its table';
    check(
      (await page.locator('main svg[role="img"]').count()) > 0,
      'the evaluation report has no chart',
    );
    check(
      (await page.locator('main table caption').count()) >= 3,
      'the evaluation report has no data tables beside its chart',
    );
    await visit('campaign-plan', campaign.plan.path, campaign.plan);
    await visit('campaign-targets', '/campaigns/targets', { heading: 'Who is most at risk' });
    // The segment builder counts as choices change, without submitting the form.
    await visit('segments', '/segments', { heading: 'Segments', shot: false });
    step = 'ticking a segment choice for the live count';
    const before = page.url();
    await page.check('#kind-1');
    await page.waitForFunction(
      () => /can be reached/.test(document.querySelector('#segment-result')?.textContent ?? ''),
      null,
      { timeout: 10000 },
    );
    check(
      pathOf(before) === '/segments',
      `the live count navigated away from the builder (to ${pathOf(page.url())})`,
    );
    const live = await page.locator('#segment-count').innerText();
    check(/\d+ can be reached/.test(live), `the live count says "${live}"`);
    await audit('segments-live-count');
    await screenshot('segments-live-count');
  }

  // --- The partner loop: the demo partner IT manager signs in, opens its queue, opens
  // the advisory matched to its inventory, marks its asset fixed and sees the status
  // change; then its advisories list and inventory.
  const partner = EXPECTATIONS.partner;
  if (partner) {
    step = 'signing out the coordinator';
    expectedDocument = { url: `${BASE_URL}/sign-in`, status: 200 };
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    step = `signing in as ${partner.username}`;
    await open('/sign-in');
    await page.fill('#username', partner.username);
    await page.fill('#password', PASSWORD);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    if (pathOf(page.url()).startsWith('/sign-in')) {
      throw new Error(`signing in as ${partner.username} failed`);
    }
    console.log(`signed in as ${partner.username}; landed on ${pathOf(page.url())}`);
    await visit('partner-queue', '/advisories/queue', {
      heading: 'Your advisories to act on',
      texts: [partner.advisory, '1 of 1'],
    });
    step = 'opening the advisory from the queue';
    const advisoryLink = page
      .locator('table a[href^="/advisories/"]')
      .filter({ hasText: partner.advisory })
      .first();
    if (!(await advisoryLink.count())) {
      throw new Error(`the queue has no link to "${partner.advisory}"`);
    }
    const advisoryHref = await advisoryLink.getAttribute('href');
    expectedDocument = { url: new URL(advisoryHref, BASE_URL).href, status: 200 };
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), advisoryLink.click()]);
    const advisoryPath = pathOf(page.url());
    await expect(advisoryPath, {
      heading: partner.advisory,
      texts: ['TLP:CLEAR', 'What it means', 'What to do', partner.asset, 'Not yet reviewed'],
    });
    await audit('partner-advisory');
    await screenshot('partner-advisory');
    step = `marking ${partner.asset} fixed`;
    const card = page
      .locator('.govuk-summary-card')
      .filter({ hasText: `Where does ${partner.asset} stand?` })
      .first();
    await card.getByLabel('Fixed', { exact: true }).check();
    await card.locator('textarea').fill('Upgraded to 1.1 during the browser check');
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      card.getByRole('button', { name: `Save the status of ${partner.asset}` }).click(),
    ]);
    const savedPath = pathOf(page.url());
    check(
      savedPath.startsWith(`${advisoryPath}?saved=`),
      `saving the status led to ${savedPath}, not back to ${advisoryPath}`,
    );
    await expect(savedPath, {
      heading: partner.advisory,
      texts: [`Status of ${partner.asset} saved`, 'Upgraded to 1.1 during the browser check', 'Closed'],
    });
    step = 'checking the status tag';
    const tag = (
      await page
        .locator('.govuk-summary-card')
        .filter({ hasText: `Where does ${partner.asset} stand?` })
        .first()
        .locator('.govuk-tag')
        .first()
        .innerText()
    ).trim();
    check(tag === 'Fixed', `after saving, ${partner.asset}'s status tag says "${tag}", expected "Fixed"`);
    console.log(`${savedPath}: ${partner.asset} is now "${tag}"`);
    await audit('partner-advisory-fixed');
    await screenshot('partner-advisory-fixed');
    // The demo partner has other advisories still open; this one has left the queue.
    await visit('partner-queue-done', '/advisories/queue', {
      heading: 'Your advisories to act on',
      shot: false,
    });
    const queueText = await page.locator('main').innerText();
    check(
      !queueText.includes(partner.advisory),
      `after every matched asset was fixed, the queue still lists "${partner.advisory}"`,
    );
    await visit('partner-advisories', '/advisories', { heading: 'Advisories', texts: [partner.advisory] });
    await visit('partner-inventory', '/inventory', {
      heading: partner.inventoryHeading,
      texts: [partner.asset, 'Acme Gateway 1.0'],
    });
  }

  // --- Readiness (with EXPECTATIONS.readiness): the partner takes the self-assessment
  // and reads its own part of the exercise debrief; then, signed out, a member of its
  // staff joins through an invitation link, completes a module with its quiz and opens
  // the certificate.
  const readiness = EXPECTATIONS.readiness;
  if (readiness && partner) {
    const submit = async (what) => {
      step = what;
      const button = page.locator('main form button[type="submit"]').last();
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
    };
    await visit('assessment', '/assessment', { heading: readiness.assessment.heading });
    step = 'answering the self-assessment';
    const groups = page.locator('main form fieldset:has(input[type="radio"])');
    const questions = await groups.count();
    check(questions >= readiness.assessment.minQuestions, `the self-assessment asks ${questions} questions`);
    for (let i = 0; i < questions; i += 1) {
      const answer = i === 0 ? readiness.assessment.firstAnswer : readiness.assessment.otherAnswer;
      await groups.nth(i).getByLabel(answer, { exact: true }).check();
    }
    expectedDocument = { url: '', status: 200 };
    await submit('submitting the self-assessment');
    await expect(pathOf(page.url()), readiness.assessment.results);
    await audit('assessment-results');
    await screenshot('assessment-results');

    await visit('partner-debrief', readiness.debrief.path, readiness.debrief.partner);
    step = 'checking the partner sees only its own part of the debrief';
    const debriefText = await page.locator('main').innerText();
    for (const other of readiness.debrief.others) {
      check(!debriefText.includes(other), `the partner's debrief names another player, ${other}`);
    }

    step = `signing out ${partner.username}`;
    expectedDocument = { url: `${BASE_URL}/sign-in`, status: 200 };
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    await visit('learn-join', readiness.learner.invitation, { heading: readiness.learner.joinHeading });
    step = 'joining as a learner';
    await page.locator('main form input[type="text"]').first().fill(readiness.learner.name);
    expectedDocument = { url: '', status: 200 };
    await submit('joining as a learner');
    await expect(pathOf(page.url()), { heading: readiness.learner.homeHeading, texts: [readiness.module.title] });
    await audit('learn-home');
    await screenshot('learn-home');
    await visit('learn-module', `/learn/modules/${readiness.module.id}`, { heading: readiness.module.title });
    step = 'answering the quiz';
    const quiz = page.locator('main form fieldset:has(input[type="radio"])');
    check((await quiz.count()) === readiness.module.answers.length, 'the quiz has the module\'s questions');
    for (const [i, answer] of readiness.module.answers.entries()) {
      await quiz.nth(i).getByLabel(answer, { exact: true }).check();
    }
    expectedDocument = { url: '', status: 200 };
    await submit('submitting the quiz');
    await expect(pathOf(page.url()), readiness.module.results);
    await audit('learn-results');
    await screenshot('learn-results');
    step = 'opening the certificate';
    const certificate = page.locator('main a[href^="/learn/certificates/"]').first();
    if (!(await certificate.count())) {
      throw new Error('the results page has no link to a certificate');
    }
    const certificateHref = await certificate.getAttribute('href');
    expectedDocument = { url: new URL(certificateHref, BASE_URL).href, status: 200 };
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), certificate.click()]);
    await expect(pathOf(page.url()), {
      heading: readiness.certificate.heading,
      texts: [readiness.learner.name, readiness.module.title],
    });
    await audit('learn-certificate');
    await screenshot('learn-certificate');
  }

  // --- Helpers for the checks below, each in a fresh browser context of its own.

  /** Signs in as `username` on the open page and returns the path it lands on. */
  const signIn = async (username) => {
    await open('/sign-in');
    step = `signing in as ${username}`;
    await page.fill('#username', username);
    await page.fill('#password', PASSWORD);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    const landed = pathOf(page.url());
    if (landed.startsWith('/sign-in')) {
      throw new Error(`signing in as ${username} failed`);
    }
    console.log(`signed in as ${username}; landed on ${landed}`);
    return landed;
  };

  /** Clicks a form's submit `button`, waits for the page it leads to, and checks that page's status; its response. */
  const send = async (button, status, what) => {
    step = what;
    const action = await button.evaluate((b) => (b.getAttribute('formaction') ? b.formAction : b.form.action));
    expectedDocument = { url: action, status };
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
    const got = response ? response.status() : 0;
    if (got !== status) {
      throw new Error(`${what}: ${pathOf(action)} answered HTTP ${got}, expected ${status}`);
    }
    return response;
  };

  /** Checks that the open page does not scroll sideways on a screen `width` pixels wide, naming what sticks out. */
  const noSidewaysScroll = async (name, width) => {
    step = `checking ${name} for sideways scrolling`;
    const measured = await page.evaluate(() => {
      const limit = window.innerWidth;
      const scrolls = (element) => {
        for (let e = element.parentElement; e && e !== document.body; e = e.parentElement) {
          if (/(auto|scroll|hidden)/.test(getComputedStyle(e).overflowX)) return true;
        }
        return false;
      };
      const describe = (e) =>
        e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.classList.length ? `.${[...e.classList].join('.')}` : '');
      // The outermost elements that stick out: their parent still fits.
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > limit + 1 && !scrolls(e))
        .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= limit + 1)
        .slice(0, 5)
        .map((e) => `${describe(e)} (${Math.round(e.getBoundingClientRect().width)} px)`);
      // Tables in their own scrolling region (GOV.UK's answer to wide tables) may scroll.
      const regions = [...document.querySelectorAll('[role="region"]')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => `${e.getAttribute('aria-label') || describe(e)} scrolls ${e.scrollWidth} px in ${e.clientWidth} px`);
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide, regions };
    });
    const fits = measured.scrollWidth <= Math.min(measured.innerWidth, width) + 1;
    check(
      fits,
      `${name} (${pathOf(page.url())}): the page scrolls sideways on a ${width} px screen ` +
        `(scrollWidth ${measured.scrollWidth}, innerWidth ${measured.innerWidth}); sticking out: ${measured.wide.join(', ') || 'nothing found'}`,
    );
    console.log(
      `${name}: ${measured.scrollWidth} px wide on a ${width} px screen${fits ? '' : ' (scrolls sideways)'}` +
        (measured.regions.length ? `; ${measured.regions.join('; ')}` : ''),
    );
  };

  /** Checks the page opened by a form against `expected`, audits it and screenshots it; with `width`, no sideways scrolling. */
  const landedOn = async (name, expected, { width, shot = true } = {}) => {
    await expect(pathOf(page.url()), expected);
    await audit(name);
    if (shot) await screenshot(name);
    if (width) await noSidewaysScroll(name, width);
  };

  /**
   * Checks a refused form: the expected heading and error summary, "Error: " in the title,
   * and (unless the form is refused as a whole) an inline error for each problem.
   */
  const refusedForm = async (name, expected, { whole = false, ...options } = {}) => {
    await landedOn(name, expected, options);
    step = `checking the refusal on ${name}`;
    const title = await page.title();
    check(title.startsWith('Error: '), `${name}: the title "${title}" does not start with "Error: "`);
    check(
      whole ||
      (await page.locator('main .govuk-error-message').count()) >= (expected.summary || []).length,
      `${name}: fewer inline errors than the error summary's ${(expected.summary || []).length}`,
    );
    const links = await page.locator('.govuk-error-summary a[href^="#"]').count();
    check(
      links >= (expected.summary || []).length,
      `${name}: the error summary has ${links} links to fields, fewer than its ${(expected.summary || []).length} problems`,
    );
  };

  const phone = EXPECTATIONS.phone;
  const phoneViewport = phone?.viewport || { width: 375, height: 667 };
  const phoneContext = { viewport: phoneViewport, isMobile: true, hasTouch: true };

  // --- A phone-sized screen: the victim-care queue and a case, as the coordinator.
  console.log(`signed-in pages done after ${elapsed()}`);
  if (phone) {
    page = await newPage(phoneContext);
    await signIn(USERNAME);
    for (const { name, path, ...expected } of phone.pages) {
      await visit(name, path, expected);
      await noSidewaysScroll(name, phoneViewport.width);
    }
    await page.context().close();
  }

  // --- Cyber Choices as its officer, at desktop and phone sizes: the list, a referral
  // followed from it, and the opening form sent empty.
  const cyberChoices = EXPECTATIONS.cyberChoices;
  if (cyberChoices) {
    for (const [size, options] of [['desktop', {}], ['phone', phoneContext]]) {
      page = await newPage(options);
      const width = size === 'phone' ? phoneViewport.width : undefined;
      const suffix = size === 'phone' ? '-phone' : '';
      const landed = await signIn(cyberChoices.username);
      check(
        landed === cyberChoices.landing,
        `${cyberChoices.username} landed on ${landed} after signing in, not ${cyberChoices.landing}`,
      );
      await visit(`cyber-choices${suffix}`, cyberChoices.list.path, cyberChoices.list);
      if (width) await noSidewaysScroll(`cyber-choices${suffix}`, width);
      step = `following ${cyberChoices.referral.path} from the list`;
      const link = page.locator(`main a[href="${cyberChoices.referral.path}"]`).first();
      if (!(await link.count())) {
        throw new Error(`the Cyber Choices list has no link to ${cyberChoices.referral.path}`);
      }
      expectedDocument = { url: BASE_URL + cyberChoices.referral.path, status: 200 };
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
      await landedOn(`cyber-choices-referral${suffix}`, cyberChoices.referral, { width });
      const empty = cyberChoices.empty;
      await visit(`cyber-choices-new${suffix}`, empty.path, { heading: empty.heading, shot: false });
      if (width) await noSidewaysScroll(`cyber-choices-new${suffix}`, width);
      await send(page.getByRole('button', { name: empty.button }), 400, 'sending the referral form empty');
      await refusedForm(`cyber-choices-new-empty${suffix}`, empty, { width });
      step = 'checking the title of the refused referral form';
      const title = await page.title();
      check(title.startsWith(empty.title), `the refused referral form's title is "${title}", not "${empty.title}"`);
      await page.context().close();
    }
  }

  // --- The public front door on a phone, signed out, in a context with no cookies: a
  // resident's report from start to finish (script in the description shown as text,
  // never run), a business's, bad answers with their error summaries, the rate limit,
  // and the public pages that link to it.
  const frontDoor = EXPECTATIONS.frontDoor;
  if (frontDoor) {
    console.log(`phone and Cyber Choices pages done after ${elapsed()}`);
    page = await newPage({ ...phoneContext, acceptDownloads: true });
    const width = phoneViewport.width;
    const onPhone = { width };
    const forward = () => page.locator('main form button.govuk-button[type="submit"]:not([name])').first();
    const answer = async ({ choose = [], fill = {} }) => {
      for (const label of choose) await page.getByLabel(label, { exact: true }).check();
      for (const [selector, value] of Object.entries(fill)) await page.fill(selector, value);
    };
    const start = async (name, audited) => {
      if (audited) {
        await visit(name, frontDoor.start.path, frontDoor.start);
        await noSidewaysScroll(name, width);
      } else {
        await open(frontDoor.start.path);
        await expect(frontDoor.start.path, { heading: frontDoor.start.heading });
      }
      await send(page.getByRole('button', { name: 'Start now' }), 200, 'starting a report');
    };
    /** Answers each page of `steps` in turn; audited pages are screenshotted as `report-{label}-{n}`. The last answer's response. */
    const walk = async (label, steps, { audited = true, lastStatus = 200 } = {}) => {
      let response;
      for (const [i, question] of steps.entries()) {
        const expected = { heading: question.heading, texts: question.texts || [] };
        if (audited) {
          await landedOn(`report-${label}-${i + 1}`, expected, onPhone);
        } else {
          await expect(pathOf(page.url()), expected);
        }
        step = `${label}: answering "${question.heading}"`;
        await answer(question);
        const status = i === steps.length - 1 ? lastStatus : 200;
        response = await send(forward(), status, `${label}: answering "${question.heading}"`);
      }
      return response;
    };
    const notRun = async (where) => {
      step = `checking the script typed in was not run on ${where}`;
      const ran = await page.evaluate(() => typeof window.__pwned !== 'undefined' || document.querySelectorAll('main script').length > 0);
      check(!ran, `${where}: the script typed into the description ran or was put in the page as a script`);
    };
    /** Checks a result page and returns its summary's text. */
    const result = async (name, done, { reference }) => {
      await landedOn(name, done, onPhone);
      step = `checking the result ${name}`;
      const summary = await page.locator('#summary').inputValue();
      for (const wanted of done.actionFraud || []) {
        check(summary.includes(wanted), `${name}: the summary for Action Fraud does not say "${wanted}"`);
      }
      const panel = page.locator('.govuk-panel--confirmation');
      if (reference) {
        const shown = (await panel.locator('strong').first().innerText().catch(() => '')).trim();
        if (check(/^LR-[A-Z0-9]{8}$/.test(shown), `${name}: the local reference is "${shown}"`)) {
          check(summary.includes(`Local reference: ${shown}`), `${name}: the summary does not give the reference ${shown}`);
        }
      } else {
        check((await panel.count()) === 0, `${name}: a confirmation panel is shown though no record was kept`);
        check(!summary.includes('Local reference'), `${name}: the summary gives a reference though no record was kept`);
      }
      if (done.texts.includes('Advice for you')) {
        const advice = await page.locator('main a[href^="/advice/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
        check(advice.length > 0, `${name}: the result gives no advice links (/advice/...)`);
        console.log(`${name}: advice ${advice.join(', ')}`);
      }
      return summary;
    };
    let stored = 0;

    // A resident, from start to finish.
    await start('report-start', true);
    await walk('resident', frontDoor.resident.steps.slice(0, -2));
    const checkStep = frontDoor.resident.steps.at(-2);
    await landedOn('report-resident-check', { heading: checkStep.heading, texts: checkStep.texts }, onPhone);
    step = 'checking the description is shown as text on check your answers';
    const shownWords = await page.locator('main .govuk-summary-list').innerText();
    check(shownWords.includes(frontDoor.script), `check your answers does not show "${frontDoor.script}" as text`);
    await notRun('check your answers');
    await send(forward(), 200, 'continuing from check your answers');
    await walk('resident-consent', frontDoor.resident.steps.slice(-1));
    stored += 1;
    const residentSummary = await result('report-resident-done', frontDoor.resident.done, { reference: true });
    check(residentSummary.includes(frontDoor.script), `the summary does not carry "${frontDoor.script}" as text`);
    await notRun('the result page');

    step = 'downloading the summary';
    const downloadButton = page.getByRole('button', { name: 'Download the summary' });
    const [download, downloaded] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForResponse((response) => pathOf(response.url()) === '/report/download'),
      downloadButton.click(),
    ]);
    const headers = downloaded.headers();
    check(downloaded.status() === 200, `the download answered HTTP ${downloaded.status()}`);
    check(
      /^text\/plain/.test(headers['content-type'] || ''),
      `the download is ${headers['content-type']}, not text/plain`,
    );
    check(
      /^attachment/.test(headers['content-disposition'] || ''),
      `the download's Content-Disposition is "${headers['content-disposition']}", not an attachment`,
    );
    const file = readFileSync(await download.path(), 'utf8');
    check(
      file.includes('Summary of a fraud or cyber crime') && file.includes(frontDoor.script),
      'the downloaded summary does not hold the answers and the description',
    );
    console.log(`download: ${download.suggestedFilename()}, ${headers['content-type']}, ${file.length} characters`);
    await notRun('the result page after the download');

    // A business: the page about the business appears.
    await start('report-business-start', false);
    await walk('business', frontDoor.business.steps);
    stored += 1;
    await result('report-business-done', frontDoor.business.done, { reference: true });

    // Bad answers, each refused with the GOV.UK error summary, then answered properly.
    const bad = frontDoor.bad;
    await start('report-bad-start', false);
    await send(forward(), 400, 'sending the first question empty');
    await refusedForm('report-error-empty', bad.empty, onPhone);
    await answer(bad.empty.then);
    await send(forward(), 200, 'answering the first question');
    await walk('bad-what', [bad.what], { audited: false });
    step = 'giving a date in the future';
    await expect(pathOf(page.url()), { heading: bad.future.heading });
    const nextYear = String(new Date().getFullYear() + 1);
    await answer({ fill: { '#when-day': '1', '#when-month': '6', '#when-year': nextYear } });
    await send(forward(), 400, 'sending a date in the future');
    await refusedForm(
      'report-error-future-date',
      { ...bad.future, inputs: { '#when-day': '1', '#when-month': '6', '#when-year': nextYear } },
      onPhone,
    );
    await answer({ fill: { '#when-day': '', '#when-month': '', '#when-year': '' }, ...bad.future.then });
    await send(forward(), 200, 'answering that the date is not known');
    await walk('bad-before', bad.before, { audited: false });
    step = 'typing a description of a megabyte';
    await expect(pathOf(page.url()), { heading: bad.huge.heading });
    await page.locator('#description').evaluate((field, bytes) => {
      field.value = 'x'.repeat(bytes);
    }, bad.huge.bytes);
    const hugeAnswer = await send(forward(), 400, 'sending a description of a megabyte');
    const hugeBytes = (await hugeAnswer.body()).length;
    check(
      hugeBytes <= bad.huge.maxBytes,
      `the page refusing a megabyte's description is ${hugeBytes} bytes, more than ${bad.huge.maxBytes}`,
    );
    await refusedForm('report-error-too-long', bad.huge, onPhone);
    const kept = (await page.locator('#description').inputValue()).length;
    check(kept < bad.huge.bytes / 100, `the refused description is shown again with ${kept} characters`);
    console.log(`a description of ${bad.huge.bytes} bytes: refused in a page of ${hugeBytes} bytes, ${kept} characters kept`);
    await answer({ fill: { '#description': '' } });
    await send(forward(), 200, 'sending no description');
    await expect(pathOf(page.url()), bad.check);
    await send(forward(), 200, 'continuing from check your answers');
    await send(forward(), 400, 'sending the consent question empty');
    await refusedForm('report-error-consent', bad.consent, onPhone);
    await answer(bad.consent.then);
    await send(forward(), 200, 'saying no to keeping a record');
    await result('report-no-record', bad.done, { reference: false });

    // The rate limit: consented reports until one more than the limit is refused.
    const limit = frontDoor.rateLimit;
    while (stored < limit.perAddress) {
      await start(`report-limit-start-${stored + 1}`, false);
      await walk(`limit-${stored + 1}`, limit.steps, { audited: false });
      stored += 1;
      await expect(pathOf(page.url()), { heading: frontDoor.resident.done.heading });
    }
    await start('report-limit-start-over', false);
    const limited = await walk('limit-over', limit.steps, { audited: false, lastStatus: limit.status });
    await refusedForm('report-rate-limited', limit, { ...onPhone, whole: true });
    step = 'checking the rate-limited page';
    const title = await page.title();
    check(title.startsWith(limit.title), `the rate-limited page's title is "${title}", not "${limit.title}"`);
    const retryAfter = limited.headers()['retry-after'];
    check(retryAfter === limit.retryAfter, `the rate-limited page's Retry-After is ${retryAfter}, expected ${limit.retryAfter}`);
    console.log(`rate limit: ${stored} reports stored, the next answered ${limited.status()} (Retry-After ${retryAfter})`);

    step = 'checking the front door set no cookie';
    const cookies = await page.context().cookies();
    check(cookies.length === 0, `the front door set cookies: ${cookies.map((c) => c.name).join(', ')}`);

    // The public pages that lead to the front door.
    for (const from of frontDoor.links.from) {
      const name = `phone${from.replace(/\//g, '-')}`;
      await visit(name, from, {});
      await noSidewaysScroll(name, width);
      step = `following "${frontDoor.links.name}" from ${from}`;
      const link = page.locator('main').getByRole('link', { name: frontDoor.links.name, exact: true }).first();
      if (!(await link.count())) {
        throw new Error(`${from} has no link "${frontDoor.links.name}"`);
      }
      check((await link.getAttribute('href')) === frontDoor.start.path, `${from}: "${frontDoor.links.name}" does not go to ${frontDoor.start.path}`);
      expectedDocument = { url: BASE_URL + frontDoor.start.path, status: 200 };
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
      check(pathOf(page.url()) === frontDoor.start.path, `${from}: the link led to ${pathOf(page.url())}`);
      await expect(pathOf(page.url()), { heading: frontDoor.start.heading });
    }
    await page.context().close();
    console.log(`front door done after ${elapsed()}`);
  }
} catch (error) {
  fail(`while ${step}: ${error.message.split('\n')[0]}`);
  if (page) {
    const file = join(SCREENSHOTS_DIR, 'failure.png');
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    console.error(`the page at the failure (${page.url()}) is in ${file}`);
  }
} finally {
  await browser.close().catch(() => {});
}

// --- Summary.
writeFileSync(
  join(SCREENSHOTS_DIR, 'axe-results.json'),
  JSON.stringify({ pages: accessibility, console: consoleProblems }, null, 2),
);
console.log('\naxe-core summary (WCAG 2.0/2.1/2.2 A and AA), violations by impact:');
for (const entry of accessibility) {
  const counts = countByImpact(entry.violations);
  const ids = entry.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`).join(', ');
  console.log(`  ${entry.name.padEnd(16)} ${describeCounts(counts).padEnd(48)} ${ids}`);
}
if (consoleProblems.length) {
  console.log('\nbrowser console errors, CSP violations and failed requests:');
  for (const problem of consoleProblems) {
    console.log(`  ${problem}`);
    failures.push(problem);
  }
}
if (failures.length) {
  console.error(`\nbrowser check FAILED (${failures.length}):`);
  for (const failure of failures) console.error(`  - ${failure}`);
  exitCode = 1;
} else {
  console.log(`\nbrowser check passed: ${accessibility.length} pages audited in ${elapsed()}, screenshots in ${SCREENSHOTS_DIR}`);
}
process.exit(exitCode);

function pathOf(url) {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

function countByImpact(violations) {
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) counts[v.impact ?? 'minor'] = (counts[v.impact ?? 'minor'] ?? 0) + 1;
  return counts;
}

function describeCounts(counts) {
  return Object.entries(counts)
    .map(([impact, n]) => `${impact} ${n}`)
    .join(', ');
}
