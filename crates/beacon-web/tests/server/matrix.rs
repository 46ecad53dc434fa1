//! Who may open what: every route the router declares, for every role.

use super::*;

// ---------------------------------------------------------------------------------------
// 4. Who may open what: every route for every role.
// ---------------------------------------------------------------------------------------

/// What a route asks of the person.
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// Nothing: anyone, signed in or not.
    Nothing,
    /// Only to be signed in.
    SignedIn,
    /// A permission of the role.
    Permission(Permission),
    /// Either of two permissions (a partner's own organisation, or everyone's).
    Either(Permission, Permission),
}

/// The requests the access matrix sends: one per route and method.
#[derive(Debug, Clone, Copy)]
enum Body {
    None,
    /// A form, the session's anti-forgery token added.
    Form(&'static [(&'static str, &'static str)]),
    /// The upload form with a one-row file, the token first.
    Upload,
}

/// Columns of the expected statuses, in this order.
const COLUMNS: [Option<Role>; 7] = [
    Some(Role::Coordinator),
    Some(Role::Analyst),
    Some(Role::VulnerabilityOfficer),
    Some(Role::CyberChoicesOfficer),
    Some(Role::PartnerItManager),
    Some(Role::BusinessUser),
    None,
];

/// A row of [`MATRIX`]: method, route, query, what it needs, the request's body, and
/// the statuses in [`COLUMNS`] order.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    Needs,
    Body,
    [u16; 7],
);

/// Every route (as the router declares it) and method, what it needs, the request sent,
/// and the status each role gets: 200 shown; 303 sent on (anonymous pages: to sign in);
/// 400 allowed, but the request itself is wrong (as sent here); 401 the API without a
/// token; 403 refused; 404 allowed, but there is no such thing.
///
/// `{code}`, `{id}` (a run, or under `/users/` an account), `{job}`, `{token}`, `{slug}`
/// and `{reference}` are
/// filled in; the query is appended.
#[rustfmt::skip]
const MATRIX: &[Row] = {
    use Needs::{Nothing, SignedIn, Permission as P, Either};
    use Permission::*;
    &[
    //  method  route                       query          needs                       body                 coord ana  off  choic partn busin anon
        ("GET",  "/healthz",                "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        ("GET",  "/assets/beacon.css",      "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        ("GET",  "/assets/progress.js",     "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        ("GET",  "/assets/segments.js",     "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        ("GET",  "/ack/{token}",            "",            Nothing,                    Body::None,          [400, 400, 400, 400, 400, 400, 400]),
        ("POST", "/ack/{token}",            "",            Nothing,                    Body::None,          [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/sign-in",                "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        // Without the sign-in form's cookie, a sign-in is refused as forged.
        ("POST", "/sign-in",                "",            Nothing,                    Body::Form(&[("username", "x"), ("password", "y")]), [403, 403, 403, 403, 403, 403, 403]),
        ("GET",  "/",                       "",            SignedIn,                   Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("GET",  "/account",                "",            SignedIn,                   Body::None,          [200, 200, 200, 200, 200, 200, 303]),
        // A new password that is too short: allowed, and refused for what it says.
        ("POST", "/account/password",       "",            SignedIn,                   Body::Form(&[("current", "wrong"), ("new", "short")]), [400, 400, 400, 400, 400, 400, 303]),
        ("GET",  "/dashboard",              PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 403, 303]),
        ("GET",  "/districts/{code}",       PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 403, 303]),
        ("GET",  "/explore",                PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 403, 303]),
        ("GET",  "/explore/groups.csv",     PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 403, 303]),
        ("GET",  "/explore/reports.csv",    PERIOD,        P(ViewVictimDetails),       Body::None,          [200, 403, 200, 403, 403, 403, 303]),
        ("GET",  "/upload",                 "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("POST", "/upload",                 "",            P(LoadData),                Body::Upload,        [303, 303, 403, 403, 403, 403, 303]),
        // Someone else's (or no) upload: allowed to ask, but there is none.
        ("GET",  "/upload/{job}",           "",            P(LoadData),                Body::None,          [404, 404, 403, 403, 403, 403, 303]),
        ("GET",  "/upload/{job}/status",    "",            P(LoadData),                Body::None,          [404, 404, 403, 403, 403, 403, 303]),
        ("GET",  "/runs",                   "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("GET",  "/runs/{id}",              "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("GET",  "/runs/{id}/rejects.csv",  "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("GET",  "/board",                  PERIOD,        P(ViewBoard),               Body::None,          [200, 200, 200, 403, 403, 403, 303]),
        ("GET",  "/care",                   "",            P(WorkVictimCare),          Body::None,          [200, 403, 200, 403, 403, 403, 303]),
        ("POST", "/care/triage",            "",            P(WorkVictimCare),          Body::Form(&[]),     [303, 403, 303, 403, 403, 403, 303]),
        ("GET",  "/care/cases/{reference}", "",            P(WorkVictimCare),          Body::None,          [404, 403, 404, 403, 403, 403, 303]),
        ("POST", "/care/cases/{reference}/events", "",     P(WorkVictimCare),          Body::Form(&[("kind", "closed"), ("detail-closed", "supported")]), [404, 403, 404, 403, 403, 403, 303]),
        // Cyber Choices: officers who run it and coordinators; an empty form is refused
        // for what it lacks, and no referral is called NO-SUCH-CASE.
        ("GET",  "/cyber-choices",          "",            P(WorkCyberChoices),        Body::None,          [200, 403, 403, 200, 403, 403, 303]),
        ("GET",  "/cyber-choices/new",      "",            P(WorkCyberChoices),        Body::None,          [200, 403, 403, 200, 403, 403, 303]),
        ("POST", "/cyber-choices/new",      "",            P(WorkCyberChoices),        Body::Form(&[]),     [400, 403, 403, 400, 403, 403, 303]),
        ("GET",  "/cyber-choices/{reference}", "",         P(WorkCyberChoices),        Body::None,          [404, 403, 403, 404, 403, 403, 303]),
        ("POST", "/cyber-choices/{reference}/stages", "",  P(WorkCyberChoices),        Body::Form(&[("step", "contact"), ("on-day", "2"), ("on-month", "1"), ("on-year", "2020")]), [404, 403, 403, 404, 403, 403, 303]),
        ("GET",  "/board.md",               PERIOD,        P(ViewBoard),               Body::None,          [200, 200, 200, 403, 403, 403, 303]),
        // No Chromium on the test server: allowed, and told so.
        ("GET",  "/board.pdf",              PERIOD,        P(ViewBoard),               Body::None,          [400, 400, 400, 403, 403, 403, 303]),
        ("GET",  "/audit",                  "",            P(ViewAudit),               Body::None,          [200, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/users",                  "",            P(ManageUsers),             Body::None,          [200, 403, 403, 403, 403, 403, 303]),
        ("POST", "/users",                  "",            P(ManageUsers),             Body::Form(&[("username", "made-in-matrix"), ("display_name", "Made In Matrix"), ("role", "business_user"), ("organisation", ""), ("password", "a long enough password")]), [200, 403, 403, 403, 403, 403, 303]),
        ("POST", "/users/{id}",             "",            P(ManageUsers),             Body::Form(&[("role", "business_user")]), [303, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/register/addresses",     "",            P(ViewRegister),            Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("GET",  "/register/organisations", "",            P(ViewRegister),            Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("GET",  "/register/outbox",        "",            P(ViewRegister),            Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        // The partner is linked to an organisation; the coordinator is not.
        ("GET",  "/my-organisation",        "",            P(ViewOwnOrganisation),     Body::None,          [400, 403, 403, 403, 200, 403, 303]),
        // Advisories: every one for coordinators and analysts, a partner's own; `{id}`
        // here is an advisory or asset that does not exist. The coordinator's account is
        // linked to no organisation, so it cannot act as a partner.
        ("GET",  "/advisories",             "",            Either(ViewAdvisories, ViewOwnOrganisation), Body::None, [200, 200, 403, 403, 200, 403, 303]),
        ("GET",  "/advisories/new",         "",            P(ManageAdvisories),        Body::None,          [200, 403, 403, 403, 403, 403, 303]),
        ("POST", "/advisories/new",         "",            P(ManageAdvisories),        Body::Form(&[("title", "Matrix advisory"), ("summary", "A flaw."), ("action", "Patch it."), ("tlp", "TLP:GREEN"), ("priority", "normal")]), [303, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/advisories/queue",       "",            Either(ViewAdvisories, ViewOwnOrganisation), Body::None, [200, 200, 403, 403, 200, 403, 303]),
        ("GET",  "/advisories/overdue",     "",            P(ViewAdvisories),          Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("GET",  "/advisories/{id}",        "",            Either(ViewAdvisories, ViewOwnOrganisation), Body::None, [404, 404, 403, 403, 404, 403, 303]),
        ("POST", "/advisories/{id}/acknowledge", "",       P(ViewOwnOrganisation),     Body::Form(&[]),     [400, 403, 403, 403, 404, 403, 303]),
        ("POST", "/advisories/{id}/status", "",            P(ViewOwnOrganisation),     Body::Form(&[("asset", "999999"), ("status", "fixed")]), [400, 403, 403, 403, 404, 403, 303]),
        // Inventories: a partner's own, or (coordinators) the one chosen with ?organisation.
        ("GET",  "/inventory",              "",            Either(ManageAdvisories, ViewOwnOrganisation), Body::None, [200, 403, 403, 403, 200, 403, 303]),
        ("GET",  "/inventory/new",          "",            Either(ManageAdvisories, ViewOwnOrganisation), Body::None, [400, 403, 403, 403, 200, 403, 303]),
        ("POST", "/inventory/new",          "",            Either(ManageAdvisories, ViewOwnOrganisation), Body::Form(&[("name", "Matrix server"), ("product-1-cpe", "cpe:2.3:a:acme:gateway:1.0:*:*:*:*:*:*:*")]), [400, 403, 403, 403, 303, 403, 303]),
        ("GET",  "/inventory/{id}/edit",    "",            Either(ManageAdvisories, ViewOwnOrganisation), Body::None, [404, 403, 403, 403, 404, 403, 303]),
        ("POST", "/inventory/{id}/edit",    "",            Either(ManageAdvisories, ViewOwnOrganisation), Body::Form(&[("product-1-cpe", "cpe:2.3:a:acme:gateway:1.0:*:*:*:*:*:*:*")]), [404, 403, 403, 403, 404, 403, 303]),
        ("GET",  "/inventory/{id}/remove",  "",            Either(ManageAdvisories, ViewOwnOrganisation), Body::None, [404, 403, 403, 403, 404, 403, 303]),
        ("POST", "/inventory/{id}/remove",  "",            Either(ManageAdvisories, ViewOwnOrganisation), Body::Form(&[]), [404, 403, 403, 403, 404, 403, 303]),
        // Readiness: every run for coordinators and analysts, a partner's own; `{id}` here
        // is an exercise or scenario that does not exist. The coordinator is linked to no
        // organisation, so its self-assessment pages send it to the area's summary; the
        // business user is linked to none either, so it is told so.
        ("GET",  "/exercises",              "",            Either(ViewReadiness, ViewOwnOrganisation), Body::None, [200, 200, 403, 403, 200, 403, 303]),
        // No scenario, mode, start or organisation chosen: allowed, and told what to fix.
        ("POST", "/exercises",              "",            P(ManageReadiness),         Body::Form(&[("title", "Matrix exercise")]), [400, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/exercises/new",          "",            P(ManageReadiness),         Body::None,          [200, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/exercises/library",      "",            P(ViewReadiness),           Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        // A CSV row is not an exercise file: allowed, refused for what it says.
        ("POST", "/exercises/library",      "",            P(ManageReadiness),         Body::Upload,        [400, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/exercises/library/{id}", "",            P(ViewReadiness),           Body::None,          [404, 404, 403, 403, 403, 403, 303]),
        ("GET",  "/exercises/{id}",         "",            Either(ViewReadiness, ViewOwnOrganisation), Body::None, [404, 404, 403, 403, 404, 403, 303]),
        ("POST", "/exercises/{id}/advance", "",            P(ManageReadiness),         Body::Form(&[]),     [404, 403, 403, 403, 403, 403, 303]),
        ("POST", "/exercises/{id}/finish",  "",            P(ManageReadiness),         Body::Form(&[]),     [404, 403, 403, 403, 403, 403, 303]),
        ("POST", "/exercises/{id}/responses", "",          Either(ManageReadiness, ViewOwnOrganisation), Body::Form(&[("phase", "first-signs"), ("kind", "response"), ("text", "We isolated the share.")]), [404, 403, 403, 403, 404, 403, 303]),
        ("POST", "/exercises/{id}/observations", "",       P(ManageReadiness),         Body::Form(&[("point", "easy-reporting"), ("observation", "met")]), [404, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/exercises/{id}/debrief", "",            Either(ViewReadiness, ViewOwnOrganisation), Body::None, [404, 404, 403, 403, 404, 403, 303]),
        ("GET",  "/exercises/{id}/debrief.html", "",       Either(ViewReadiness, ViewOwnOrganisation), Body::None, [404, 404, 403, 403, 404, 403, 303]),
        // No Chromium on the test server: allowed, and told so.
        ("GET",  "/exercises/{id}/debrief.pdf", "",        Either(ViewReadiness, ViewOwnOrganisation), Body::None, [400, 400, 403, 403, 400, 403, 303]),
        ("GET",  "/assessment",             "",            P(SelfAssess),              Body::None,          [303, 403, 403, 403, 200, 400, 303]),
        // No answer at all: allowed, and told to answer at least one question.
        ("POST", "/assessment",             "",            P(SelfAssess),              Body::Form(&[]),     [303, 403, 403, 403, 400, 400, 303]),
        ("GET",  "/assessment/results",     "",            P(SelfAssess),              Body::None,          [303, 403, 403, 403, 200, 400, 303]),
        ("GET",  "/assessment/summary",     "",            P(ViewReadiness),           Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        // Staff learning: every organisation's for coordinators and analysts, a partner's
        // own. `{id}` is an invitation that does not exist: no row before this one makes one
        // (the partner's link, made in the next row, is then revoked by nobody).
        ("GET",  "/learning",               "",            Either(ViewReadiness, ViewOwnOrganisation), Body::None, [200, 200, 403, 403, 200, 403, 303]),
        ("POST", "/learning/invitations/{id}/revoke", "",  Either(ManageReadiness, ViewOwnOrganisation), Body::Form(&[]), [404, 403, 403, 403, 404, 403, 303]),
        // The coordinator chose no organisation: allowed, and told to; a partner's own is used.
        ("POST", "/learning/invitations",   "",            Either(ManageReadiness, ViewOwnOrganisation), Body::Form(&[]), [400, 403, 403, 403, 200, 403, 303]),
        ("GET",  "/learning/phishing",      "",            Either(ViewReadiness, ViewOwnOrganisation), Body::None, [200, 200, 403, 403, 200, 403, 303]),
        // Nothing chosen: allowed, and told what is missing.
        ("POST", "/learning/phishing",      "",            P(ManageReadiness),         Body::Form(&[]),     [400, 403, 403, 403, 403, 403, 303]),
        // The learners' pages, public: `{token}`, `{id}` and `{code}` name nothing there is.
        ("GET",  "/learn",                  "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        ("GET",  "/learn/join/{token}",     "",            Nothing,                    Body::None,          [404, 404, 404, 404, 404, 404, 404]),
        ("POST", "/learn/join/{token}",     "",            Nothing,                    Body::Form(&[("name", "Matrix Learner")]), [404, 404, 404, 404, 404, 404, 404]),
        ("GET",  "/learn/modules/{id}",     "",            Nothing,                    Body::None,          [404, 404, 404, 404, 404, 404, 404]),
        ("POST", "/learn/modules/{id}",     "",            Nothing,                    Body::Form(&[]),     [404, 404, 404, 404, 404, 404, 404]),
        ("GET",  "/learn/certificates/{code}", "",         Nothing,                    Body::None,          [404, 404, 404, 404, 404, 404, 404]),
        ("GET",  "/learn/s/{token}",        "",            Nothing,                    Body::None,          [404, 404, 404, 404, 404, 404, 404]),
        // Protect campaigns: `{id}` names no campaign.
        ("GET",  "/campaigns",              "",            P(ViewCampaigns),           Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("GET",  "/campaigns/targets",      "",            P(ViewCampaigns),           Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("GET",  "/campaigns/new",          "",            P(ManageCampaigns),         Body::None,          [200, 403, 403, 403, 403, 403, 303]),
        // Nothing chosen: allowed, and told what is missing.
        ("POST", "/campaigns/new",          "",            P(ManageCampaigns),         Body::Form(&[]),     [400, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/campaigns/{id}/edit",    "",            P(ManageCampaigns),         Body::None,          [404, 403, 403, 403, 403, 403, 303]),
        ("POST", "/campaigns/{id}/edit",    "",            P(ManageCampaigns),         Body::Form(&[]),     [400, 403, 403, 403, 403, 403, 303]),
        ("POST", "/campaigns/{id}/launch",  "",            P(ManageCampaigns),         Body::Form(&[]),     [404, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/campaigns/{id}",         "",            P(ViewCampaigns),           Body::None,          [404, 404, 403, 403, 403, 403, 303]),
        ("POST", "/campaigns/{id}/finish",  "",            P(ManageCampaigns),         Body::Form(&[]),     [404, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/campaigns/{id}/plan",    "",            P(ViewCampaigns),           Body::None,          [404, 404, 403, 403, 403, 403, 303]),
        ("POST", "/campaigns/{id}/plan",    "",            P(ManageCampaigns),         Body::Form(&[]),     [404, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/campaigns/{id}/evaluation", "",         P(ViewCampaigns),           Body::None,          [404, 404, 403, 403, 403, 403, 303]),
        ("GET",  "/p/{token}",              "",            Nothing,                    Body::None,          [404, 404, 404, 404, 404, 404, 404]),
        ("GET",  "/p/{token}/o.gif",        "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        ("GET",  "/p/{token}/survey",       "",            Nothing,                    Body::None,          [404, 404, 404, 404, 404, 404, 404]),
        ("POST", "/p/{token}/survey",       "",            Nothing,                    Body::Form(&[]),     [404, 404, 404, 404, 404, 404, 404]),
        ("GET",  "/p/{token}/unsubscribe",  "",            Nothing,                    Body::None,          [404, 404, 404, 404, 404, 404, 404]),
        ("POST", "/p/{token}/unsubscribe",  "",            Nothing,                    Body::Form(&[]),     [404, 404, 404, 404, 404, 404, 404]),
        ("GET",  "/advice",                 "threat=courier_fraud", Nothing,           Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        ("GET",  "/advice/{slug}",          "",            Nothing,                    Body::None,          [404, 404, 404, 404, 404, 404, 404]),
        ("GET",  "/protect/advice",         "",            P(ManageCampaigns),         Body::None,          [200, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/protect/advice/new",     "",            P(ManageCampaigns),         Body::None,          [200, 403, 403, 403, 403, 403, 303]),
        ("POST", "/protect/advice/new",     "",            P(ManageCampaigns),         Body::Form(&[("title", "x")]), [400, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/protect/advice/{slug}",  "",            P(ManageCampaigns),         Body::None,          [404, 403, 403, 403, 403, 403, 303]),
        ("POST", "/protect/advice/{slug}",  "",            P(ManageCampaigns),         Body::Form(&[("title", "x")]), [404, 403, 403, 403, 403, 403, 303]),
        ("POST", "/protect/advice/{slug}/publish", "",     P(ManageCampaigns),         Body::Form(&[("published", "yes")]), [404, 403, 403, 403, 403, 403, 303]),
        // The public front door: the same for everyone. A question opened without its form
        // starts again (answers are never in addresses); a form without a token this server
        // signed is refused for what it is.
        ("GET",  "/report",                 "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        ("GET",  "/report/who",             "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/who",             "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/what",            "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/what",            "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/when",            "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/when",            "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/money",           "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/money",           "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/contact",         "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/contact",         "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/business",        "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/business",        "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/where",           "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/where",           "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/describe",        "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/describe",        "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/check",           "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/check",           "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/consent",         "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/consent",         "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("GET",  "/report/done",            "",            Nothing,                    Body::None,          [303, 303, 303, 303, 303, 303, 303]),
        ("POST", "/report/done",            "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        ("POST", "/report/download",        "",            Nothing,                    Body::Form(&[]),     [400, 400, 400, 400, 400, 400, 400]),
        // Contacts and segments: counts for coordinators and analysts, imports for
        // coordinators (a report row is not a contacts file: allowed, refused for it).
        ("GET",  "/contacts",               "",            P(ViewCampaigns),           Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("POST", "/contacts/upload",        "",            P(ManageContacts),          Body::Upload,        [400, 403, 403, 403, 403, 403, 303]),
        ("GET",  "/segments",               "",            P(ViewCampaigns),           Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        // Business engagement: the reach for coordinators and analysts; recording for
        // coordinators (an empty form: allowed, and told what is missing).
        ("GET",  "/engagement",             PERIOD,        P(ViewCampaigns),           Body::None,          [200, 200, 403, 403, 403, 403, 303]),
        ("POST", "/engagement",             "",            P(ManageCampaigns),         Body::Form(&[]),     [400, 403, 403, 403, 403, 403, 303]),
        // The SMS gateway's callbacks: absent until a callback token is configured.
        ("POST", "/callbacks/sms/receipts", "",            Nothing,                    Body::Form(&[]),     [404, 404, 404, 404, 404, 404, 404]),
        ("POST", "/callbacks/sms/inbound",  "",            Nothing,                    Body::Form(&[]),     [404, 404, 404, 404, 404, 404, 404]),
        ("GET",  "/api/v1/openapi.json",    "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200, 200]),
        ("GET",  "/api/v1/me",              "",            SignedIn,                   Body::None,          [200, 200, 200, 200, 200, 200, 401]),
        ("GET",  "/api/v1/summary",         PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 403, 401]),
        ("GET",  "/api/v1/districts/{code}/summary", PERIOD, P(ViewStatistics),        Body::None,          [200, 200, 200, 403, 403, 403, 401]),
        ("GET",  "/api/v1/runs",            "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 403, 401]),
        ("GET",  "/api/v1/runs/{id}",       "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 403, 401]),
        ("GET",  "/api/v1/advisories",      "",            Either(ViewAdvisories, ViewOwnOrganisation), Body::None, [200, 200, 403, 403, 200, 403, 401]),
        ("GET",  "/api/v1/advisories/status", "",          P(ViewAdvisories),          Body::None,          [200, 200, 403, 403, 403, 403, 401]),
        ("GET",  "/api/v1/advisories/{id}", "",            Either(ViewAdvisories, ViewOwnOrganisation), Body::None, [404, 404, 403, 403, 404, 403, 401]),
        ("GET",  "/api/v1/inventory",       "",            Either(ManageAdvisories, ViewOwnOrganisation), Body::None, [200, 403, 403, 403, 200, 403, 401]),
        ("GET",  "/api/v1/exercises",       "",            Either(ViewReadiness, ViewOwnOrganisation), Body::None, [200, 200, 403, 403, 200, 403, 401]),
        ("GET",  "/api/v1/exercises/{id}/debrief", "",     Either(ViewReadiness, ViewOwnOrganisation), Body::None, [404, 404, 403, 403, 404, 403, 401]),
        ("GET",  "/api/v1/segments/count",  "",            P(ViewCampaigns),           Body::None,          [200, 200, 403, 403, 403, 403, 401]),
        ("GET",  "/api/v1/assessment/summary", "",         P(ViewReadiness),           Body::None,          [200, 200, 403, 403, 403, 403, 401]),
        // Last: it ends the session.
        ("POST", "/sign-out",               "",            SignedIn,                   Body::Form(&[]),       [303, 303, 303, 303, 303, 303, 303]),
    ]
};

/// Where `/` sends each role.
fn start_page(role: Role) -> &'static str {
    match role {
        Role::Coordinator | Role::Analyst => "/dashboard",
        Role::VulnerabilityOfficer => "/care",
        Role::CyberChoicesOfficer => "/cyber-choices",
        Role::PartnerItManager => "/my-organisation",
        Role::BusinessUser => "/account",
    }
}

/// Every `(method, route)` the router declares, read from its source: a route added
/// without a row in [`MATRIX`] fails the matrix test.
fn declared_routes() -> Vec<(String, String)> {
    // Every source file of the crate: the router's own routes, each area's `routes()`,
    // and the API's routes (`api.rs`, the API's own and each area's), which are nested
    // under `/api/v1`.
    fn sources_under(folder: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(folder).expect("a source folder") {
            let path = entry.expect("a source entry").path();
            if path.is_dir() {
                sources_under(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources_under(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let sources: Vec<(&str, String)> = files
        .iter()
        .map(|path| {
            let prefix = if path.file_name().is_some_and(|name| name == "api.rs") {
                "/api/v1"
            } else {
                ""
            };
            (
                prefix,
                std::fs::read_to_string(path).expect("a source file"),
            )
        })
        .collect();
    let mut routes = Vec::new();
    for (prefix, source) in &sources {
        for (at, _) in source.match_indices(".route(") {
            let call = &source[at + ".route(".len()..];
            let mut depth = 1;
            let end = call
                .char_indices()
                .find_map(|(i, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    (depth == 0).then_some(i)
                })
                .expect("a closed .route( call");
            let call = &call[..end];
            let path = call.split('"').nth(1).expect("a quoted path");
            let handlers = &call[call.find(',').expect("a handler")..];
            for method in ["get", "post"] {
                let declared = handlers.match_indices(&format!("{method}(")).any(|(i, _)| {
                    !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if declared {
                    routes.push((method.to_uppercase(), format!("{prefix}{path}")));
                }
            }
        }
    }
    routes.sort();
    routes
}

fn every_route_answers_each_role_as_its_permissions_say(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };

    // The table matches the router's routes, and the roles' permissions.
    let mut tabled: Vec<(String, String)> = MATRIX
        .iter()
        .map(|row| (row.0.to_owned(), row.1.to_owned()))
        .collect();
    tabled.sort();
    assert_eq!(
        tabled,
        declared_routes(),
        "every route the router declares has one row in MATRIX"
    );
    for (method, route, _, needs, _, statuses) in MATRIX {
        for (column, status) in COLUMNS.iter().zip(statuses) {
            let refused = *status == 403;
            match (needs, column) {
                (Needs::Permission(permission), Some(role)) => assert_eq!(
                    refused,
                    !role.may(*permission),
                    "{method} {route} for {role}: the table says {status}, but the role \
                     {} {permission:?}",
                    if role.may(*permission) {
                        "has"
                    } else {
                        "lacks"
                    }
                ),
                (Needs::Either(first, second), Some(role)) => assert_eq!(
                    refused,
                    !(role.may(*first) || role.may(*second)),
                    "{method} {route} for {role}: the table says {status}, but the role \
                     {} {first:?} or {second:?}",
                    if role.may(*first) || role.may(*second) {
                        "has"
                    } else {
                        "lacks both"
                    }
                ),
                (Needs::SignedIn | Needs::Nothing, Some(role)) => assert!(
                    !refused || *route == "/sign-in",
                    "{method} {route} needs no permission, yet {role} is refused"
                ),
                (Needs::Permission(_) | Needs::Either(..) | Needs::SignedIn, None) => assert!(
                    [303, 401].contains(status),
                    "{method} {route}: anonymous requests are sent to sign in"
                ),
                (Needs::Nothing, None) => {}
            }
        }
    }

    let server = Server::start(&world);
    let district = "E06000016";
    let run = world.data().outcome.run_id.to_string();
    let spare = world.spare.id.to_string();
    let one_row = UPLOAD.lines().take(2).collect::<Vec<_>>().join("\n");
    let mut failures = Vec::new();
    for (slot, column) in COLUMNS.into_iter().enumerate() {
        let mut browser = match column {
            Some(role) => Client::signed_in(&server, &world.account(role).username),
            None => Client::new(&server),
        };
        let csrf = match column {
            Some(_) => browser.csrf(),
            None => String::new(),
        };
        let who = column.map_or("anonymous", Role::as_str);
        for (index, (method, route, query, needs, body, statuses)) in MATRIX.iter().enumerate() {
            let expected = statuses[slot];
            let id: &str = if route.starts_with("/users/") {
                &spare
            } else if route.contains("/advisories/")
                || route.starts_with("/inventory/")
                || route.contains("/exercises/")
            {
                // No advisory, asset, exercise or scenario has this id: allowed roles are
                // told "not found".
                "999999"
            } else {
                &run
            };
            let mut path = route
                .replace("{code}", district)
                .replace("{id}", id)
                .replace("{job}", "0123456789abcdef")
                .replace("{token}", "not-a-real-token")
                .replace("{slug}", "no-such-advice")
                .replace("{reference}", "NO-SUCH-CASE");
            if !query.is_empty() {
                path = format!("{path}?{query}");
            }
            let reply = match body {
                Body::None => browser.send(method, &path, &[], None),
                Body::Form(fields) => {
                    let mut fields = fields.to_vec();
                    fields.push(("csrf_token", csrf.as_str()));
                    browser.post_form(&path, &fields)
                }
                Body::Upload => browser.post_multipart(
                    &path,
                    &[
                        ("csrf_token", None, csrf.as_bytes()),
                        (
                            "file",
                            Some(&format!("matrix-{index}.csv")),
                            one_row.as_bytes(),
                        ),
                    ],
                ),
            };
            if reply.status != expected {
                failures.push(format!(
                    "{who}: {method} {path} answered {}, expected {expected}",
                    reply.status
                ));
                continue;
            }
            // How each answer looks.
            let api = route.starts_with("/api/");
            match (expected, column) {
                (403, Some(_)) if api => {
                    assert_eq!(reply.json()["error"], "your role does not allow this");
                }
                (403, Some(_)) => assert_refused_page(&reply),
                (401, None) => {
                    assert!(api, "{path}");
                    assert!(
                        reply.json()["error"]
                            .as_str()
                            .is_some_and(|e| e.contains("Bearer")),
                        "{}",
                        reply.body
                    );
                }
                (303, None) if !matches!(needs, Needs::Nothing) => {
                    // A page is come back to after signing in; a form post is not.
                    let back = if *method == "GET" { path.as_str() } else { "/" };
                    assert_sent_to_sign_in(&reply, back);
                }
                (303, Some(role)) => {
                    let to = reply.location();
                    let fits = match *route {
                        "/" => to == start_page(role),
                        "/upload" => to.starts_with("/upload/"),
                        "/users/{id}" => to == "/users",
                        "/advisories/new" => to.starts_with("/advisories/"),
                        "/inventory/new" => to.starts_with("/inventory?"),
                        "/assessment" | "/assessment/results" => to == "/assessment/summary",
                        "/sign-out" => to == "/sign-in",
                        "/care/triage" => to == "/care",
                        front_door if front_door.starts_with("/report/") => to == "/report",
                        _ => false,
                    };
                    assert!(fits, "{who}: {method} {path} sent to {to}");
                    if *route == "/upload" {
                        browser.follow_upload(to);
                    }
                }
                _ => {}
            }
        }
        if column.is_some() && browser.get("/account").status != 303 {
            failures.push(format!("{who}: still signed in after signing out"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} requests answered otherwise than the table says:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

scenarios!(every_route_answers_each_role_as_its_permissions_say,);
