//! The web crate's layout holds: no module imports another in a loop, the chrome (the
//! bottom of the crate) imports nothing above it, no area imports another, and nothing
//! below the areas imports one.
//!
//! The module graph is read from the sources: every file under `src/` is a module, and
//! each path it names that starts with `crate::`, `super::`, `self::` or one of its own
//! child modules (in `use` declarations and in code alike, `use` groups included) is an
//! edge to the deepest module that path reaches. The `crate::` paths a file's templates
//! name (`#[template(path = ...)]`, with what they include or extend) count as the file's
//! too. Comments and string literals are left out, so an intra-doc link is no import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path, e.g. `crate::chrome::error`.
type Module = String;

/// Where askama looks for templates (as `askama.toml` says), from the crate's root.
const TEMPLATE_DIRS: [&str; 2] = ["templates", "src/areas"];

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `folder`.
fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("a source folder") {
        let path = entry.expect("a source entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The module a source file is: `src/lib.rs` is `crate`, `src/a/mod.rs` and `src/a.rs`
/// are `crate::a`.
fn module_of(src: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(src).expect("a file under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("lib" | "mod")) {
        parts.pop();
    }
    std::iter::once("crate".to_owned())
        .chain(parts)
        .collect::<Vec<_>>()
        .join("::")
}

/// The source with comments, string literals and character literals blanked out.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    while at < chars.len() {
        let rest = &chars[at..];
        if rest.starts_with(&['/', '/']) {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            let mut depth = 0;
            while at < chars.len() {
                if chars[at..].starts_with(&['/', '*']) {
                    depth += 1;
                    at += 2;
                } else if chars[at..].starts_with(&['*', '/']) {
                    depth -= 1;
                    at += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    at += 1;
                }
            }
            out.push(' ');
        } else if rest.starts_with(&['r', '#']) || rest.starts_with(&['r', '"']) {
            let hashes = rest[1..].iter().take_while(|c| **c == '#').count();
            if rest.get(1 + hashes) == Some(&'"') {
                let close: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                at += 2 + hashes;
                while at < chars.len() && !chars[at..].starts_with(&close) {
                    at += 1;
                }
                at += close.len();
                out.push_str("\"\"");
            } else {
                out.push(chars[at]);
                at += 1;
            }
        } else if chars[at] == '"' {
            at += 1;
            while at < chars.len() && chars[at] != '"' {
                at += if chars[at] == '\\' { 2 } else { 1 };
            }
            at += 1;
            out.push_str("\"\"");
        } else if chars[at] == '\'' {
            // A character literal ('a', '\n', '\''), or else a lifetime ('a).
            let literal = match rest.get(1) {
                Some('\\') => rest.iter().skip(2).position(|c| *c == '\'').map(|p| p + 3),
                Some(_) if rest.get(2) == Some(&'\'') => Some(3),
                _ => None,
            };
            match literal {
                Some(length) => {
                    at += length;
                    out.push_str("' '");
                }
                None => {
                    out.push('\'');
                    at += 1;
                }
            }
        } else {
            out.push(chars[at]);
            at += 1;
        }
    }
    out
}

/// The code as tokens: identifiers, `::`, and single punctuation characters.
fn tokens(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c.is_alphanumeric() || c == '_' {
            let start = at;
            while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                at += 1;
            }
            out.push(chars[start..at].iter().collect());
        } else if chars[at..].starts_with(&[':', ':']) {
            out.push("::".to_owned());
            at += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            at += 1;
        }
    }
    out
}

/// The paths in `tokens` from `at`, a `use` group (`a::{b, c::d}`) giving one per leaf.
fn paths_from(
    tokens: &[String],
    mut at: usize,
    prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix;
    loop {
        match tokens.get(at).map(String::as_str) {
            Some("{") => {
                at += 1;
                loop {
                    at = paths_from(tokens, at, path.clone(), out);
                    match tokens.get(at).map(String::as_str) {
                        Some(",") => at += 1,
                        Some("}") => return at + 1,
                        _ => return at,
                    }
                    if tokens.get(at).map(String::as_str) == Some("}") {
                        return at + 1;
                    }
                }
            }
            Some(word) if word.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                path.push(word.to_owned());
                at += 1;
                if tokens.get(at).map(String::as_str) == Some("::") {
                    at += 1;
                } else {
                    out.push(path);
                    // A renamed import: `Thing as Other`.
                    if tokens.get(at).map(String::as_str) == Some("as") {
                        at += 2;
                    }
                    return at;
                }
            }
            _ => {
                out.push(path);
                return at;
            }
        }
    }
}

/// The module `segments` reaches from `within` (the module whose code names it): the
/// deepest known module along the path, or `None` for a path outside the crate.
fn resolve(
    segments: &[String],
    within: &str,
    children: &BTreeSet<String>,
    modules: &BTreeSet<Module>,
) -> Option<Module> {
    let mut base: Vec<String> = within.split("::").map(str::to_owned).collect();
    let mut rest = segments;
    match segments.first().map(String::as_str) {
        Some("crate") => {
            base = vec!["crate".to_owned()];
            rest = &segments[1..];
        }
        Some("self") => rest = &segments[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        Some(first) if children.contains(first) => {}
        _ => return None,
    }
    for segment in rest {
        let deeper = format!("{}::{segment}", base.join("::"));
        if !modules.contains(&deeper) {
            break;
        }
        base.push(segment.clone());
    }
    Some(base.join("::"))
}

/// The `crate::` paths a file's code names, resolved from `module`, and its child modules.
fn references(code: &str, module: &str, modules: &BTreeSet<Module>) -> BTreeSet<Module> {
    let tokens = tokens(code);
    // Its own child modules (`mod x;` at the file's top level), which it may name bare.
    let children: BTreeSet<String> = tokens
        .windows(3)
        .filter(|w| w[0] == "mod" && w[2] == ";")
        .map(|w| w[1].clone())
        .collect();
    // Inline modules (`mod tests { ... }`) change what `super` means inside them.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut found = BTreeSet::new();
    let mut at = 0;
    while at < tokens.len() {
        let token = tokens[at].as_str();
        match token {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, opened)| *opened == depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(at + 2).map(String::as_str) == Some("{") => {
                let name = tokens[at + 1].clone();
                inline.push((name, depth));
                depth += 1;
                at += 3;
                continue;
            }
            _ => {}
        }
        let here = std::iter::once(module.to_owned())
            .chain(inline.iter().map(|(name, _)| name.clone()))
            .collect::<Vec<_>>()
            .join("::");
        let starts_path =
            (token == "crate" || token == "super" || token == "self" || children.contains(token))
                && tokens.get(at + 1).map(String::as_str) == Some("::")
                && (at == 0 || tokens[at - 1] != "::");
        if starts_path {
            let mut paths = Vec::new();
            let next = paths_from(&tokens, at, Vec::new(), &mut paths);
            for path in paths {
                if let Some(target) = resolve(&path, &here, &children, modules)
                    && target != module
                    && modules.contains(&target)
                {
                    found.insert(target);
                }
            }
            at = next.max(at + 1);
            continue;
        }
        at += 1;
    }
    found
}

/// Finds a template as askama does: beside the template that names it, then in each
/// template folder.
fn find_template(name: &str, beside: Option<&Path>) -> Option<PathBuf> {
    let root = crate_root();
    beside
        .and_then(Path::parent)
        .map(|folder| folder.join(name))
        .into_iter()
        .chain(TEMPLATE_DIRS.iter().map(|dir| root.join(dir).join(name)))
        .find(|path| path.exists())
}

/// The text of a template and of every template it includes, extends or imports.
fn template_texts(name: &str, beside: Option<&Path>, seen: &mut BTreeSet<PathBuf>) -> String {
    let Some(path) = find_template(name, beside) else {
        panic!("template {name} not found");
    };
    if !seen.insert(path.clone()) {
        return String::new();
    }
    let text = std::fs::read_to_string(&path).expect("a template");
    let mut all = text.clone();
    for tag in ["include", "extends", "import"] {
        for (at, _) in text.match_indices(tag) {
            let after = text[at + tag.len()..].trim_start();
            if let Some(quoted) = after.strip_prefix('"')
                && let Some(end) = quoted.find('"')
            {
                all.push('\n');
                all.push_str(&template_texts(&quoted[..end], Some(&path), seen));
            }
        }
    }
    all
}

/// The `crate::` paths in the templates a source file's pages render.
fn template_code(source: &str) -> String {
    let mut code = String::new();
    for (at, _) in source.match_indices("#[template(path = \"") {
        let name = &source[at + "#[template(path = \"".len()..];
        let name = &name[..name.find('"').expect("a quoted template path")];
        let text = template_texts(name, None, &mut BTreeSet::new());
        // Only the paths matter: keep each `crate::...` run of the template's code.
        for (start, _) in text.match_indices("crate::") {
            let path: String = text[start..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            code.push_str(&path);
            code.push_str(";\n");
        }
    }
    code
}

/// The crate's module graph: each module and the modules it names.
fn module_graph(files: &[(Module, String)]) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = files.iter().map(|(module, _)| module.clone()).collect();
    files
        .iter()
        .map(|(module, source)| {
            let code = format!("{}\n{}", code_only(source), template_code(source));
            (module.clone(), references(&code, module, &modules))
        })
        .collect()
}

/// Every cycle in the graph, each named once as `a → b → … → a`.
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    // Tarjan's strongly connected components; each with more than one module holds a
    // cycle, named by a walk through it.
    struct Search<'a> {
        graph: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        components: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(search: &mut Search<'a>, node: &'a str) {
        let number = search.index.len();
        search.index.insert(node, number);
        search.low.insert(node, number);
        search.stack.push(node);
        for next in search.graph.get(node).into_iter().flatten() {
            if !search.index.contains_key(next.as_str()) {
                visit(search, next);
                let low = search.low[next.as_str()].min(search.low[node]);
                search.low.insert(node, low);
            } else if search.stack.contains(&next.as_str()) {
                let low = search.index[next.as_str()].min(search.low[node]);
                search.low.insert(node, low);
            }
        }
        if search.low[node] == search.index[node] {
            let mut component = Vec::new();
            while let Some(top) = search.stack.pop() {
                component.push(top);
                if top == node {
                    break;
                }
            }
            search.components.push(component);
        }
    }
    let mut search = Search {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        components: Vec::new(),
    };
    for node in graph.keys() {
        if !search.index.contains_key(node.as_str()) {
            visit(&mut search, node);
        }
    }
    let mut named = Vec::new();
    for component in search.components.iter().filter(|c| c.len() > 1) {
        let members: BTreeSet<&str> = component.iter().copied().collect();
        let start = *members.iter().next().expect("a member");
        // Walk from the start to a module leading back to it, breadth first.
        let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut end = None;
        while let Some(node) = queue.pop_front() {
            for next in graph.get(node).into_iter().flatten() {
                let next = next.as_str();
                if next == start {
                    end = Some(node);
                    queue.clear();
                    break;
                }
                if members.contains(next) && !previous.contains_key(next) {
                    previous.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        let mut walk = vec![start];
        let mut node = end.expect("a way back in a cycle");
        while node != start {
            walk.push(node);
            node = previous[node];
        }
        walk.push(start);
        let last = walk.len() - 1;
        walk[1..last].reverse();
        named.push(walk.join(" → "));
    }
    named
}

fn the_crate() -> Vec<(Module, String)> {
    let src = crate_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .iter()
        .map(|file| {
            (
                module_of(&src, file),
                std::fs::read_to_string(file).expect("a source file"),
            )
        })
        .collect()
}

fn under(module: &str, parent: &str) -> bool {
    module == parent || module.starts_with(&format!("{parent}::"))
}

/// The area a module belongs to (`crate::areas::reports::board` → `reports`).
fn area_of(module: &str) -> Option<&str> {
    module.strip_prefix("crate::areas::")?.split("::").next()
}

#[test]
fn no_module_imports_another_in_a_loop() {
    let graph = module_graph(&the_crate());
    assert!(
        graph.len() > 20,
        "the sources were read: {:?}",
        graph.keys()
    );
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "modules import each other in a loop:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_chrome_imports_nothing_above_it() {
    let graph = module_graph(&the_crate());
    let mut wrong = Vec::new();
    for (module, imports) in graph.iter().filter(|(m, _)| under(m, "crate::chrome")) {
        for import in imports.iter().filter(|i| !under(i, "crate::chrome")) {
            wrong.push(format!("{module} imports {import}"));
        }
    }
    assert!(
        graph.keys().any(|m| m == "crate::chrome::layout"),
        "the chrome is where the layout says"
    );
    assert!(
        wrong.is_empty(),
        "the chrome must stay at the bottom:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_area_imports_another_and_nothing_below_the_areas_imports_one() {
    let graph = module_graph(&the_crate());
    let mut wrong = Vec::new();
    for (module, imports) in &graph {
        for import in imports {
            let Some(target) = area_of(import) else {
                continue;
            };
            let allowed = module == "crate" || area_of(module) == Some(target);
            if !allowed {
                wrong.push(format!("{module} imports {import}"));
            }
        }
    }
    assert!(
        graph.keys().filter_map(|m| area_of(m)).count() > 4,
        "the areas were read"
    );
    assert!(wrong.is_empty(), "areas stand apart:\n{}", wrong.join("\n"));
}

#[test]
fn the_reader_finds_a_loop_and_names_it() {
    let files = vec![
        ("crate".to_owned(), "pub mod a;\npub mod b;\npub mod c;\nfn main() { a::f(); }".to_owned()),
        (
            "crate::a".to_owned(),
            "use crate::b::{self, Thing as Other};\n// use crate::c;\nconst X: &str = \"crate::c\";".to_owned(),
        ),
        ("crate::b".to_owned(), "fn f<'a>(x: &'a str) -> char { let _ = super::c::g(); '}' }".to_owned()),
        (
            "crate::c".to_owned(),
            "#[cfg(test)]\nmod tests {\n    use super::*;\n}\npub fn g() { crate::a::f(); }".to_owned(),
        ),
    ];
    let graph = module_graph(&files);
    assert_eq!(graph["crate"], BTreeSet::from(["crate::a".to_owned()]));
    assert_eq!(graph["crate::a"], BTreeSet::from(["crate::b".to_owned()]));
    assert_eq!(graph["crate::b"], BTreeSet::from(["crate::c".to_owned()]));
    assert_eq!(graph["crate::c"], BTreeSet::from(["crate::a".to_owned()]));
    assert_eq!(
        cycles(&graph),
        ["crate::a → crate::b → crate::c → crate::a"]
    );
}
