//! The public front door at `/report`, as a browser without script walks it: a resident
//! and a business answer one question per page and get advice and the Action Fraud
//! summary; bad answers get GOV.UK error summaries (a 1 MB description too, and a body
//! too large to read gets a page); script in a description is shown as text; nothing is
//! stored without consent, for a filled honeypot, too soon after starting, or beyond the
//! rate limit; a consented form is stored once and counted.

use super::*;
use beacon_app::advice::load_shipped;

scenarios!(
    a_resident_reports_consents_and_is_stored_once,
    a_business_is_asked_its_size_and_sector_and_counted_by_them,
    bad_answers_are_asked_again_with_an_error_summary,
    nothing_is_stored_without_consent_or_from_a_honeypot,
    a_report_sent_too_soon_or_too_often_is_refused,
    forms_not_started_here_are_refused_and_questions_are_not_in_addresses,
    the_dashboard_counts_front_door_reports_as_their_own_source,
);

/// The front door with no minimum time, so the tests need not wait.
fn front_door(world: &World) -> Server {
    Server::start_with(world, |settings| {
        settings.front_door_min_duration = Duration::ZERO;
    })
}

/// A world with the advice library published.
fn world_with_advice(kind: Backend) -> Option<World> {
    let world = World::new(kind, false)?;
    load_shipped(
        world.place.open().as_mut(),
        "tests",
        time::OffsetDateTime::now_utc(),
    )
    .expect("the shipped library");
    Some(world)
}

/// The page's front-door form: its action and the fields a browser would send (the
/// honeypot left empty, as a person leaves it).
fn form_of(html: &str) -> (String, Vec<(String, String)>) {
    let start = html
        .find("<form method=\"post\" action=\"/report")
        .unwrap_or_else(|| panic!("a front-door form on the page: {html}"));
    let form = &html[start..];
    let form = &form[..form.find("</form>").expect("the form ends")];
    let action = attribute(tag_around(form, 1), "action").expect("an action");
    // Hidden fields, text fields as filled in, and the radios and boxes already checked.
    let fields: Vec<(String, String)> = form
        .match_indices("<input ")
        .filter_map(|(at, _)| {
            let tag = tag_around(form, at + 1);
            let sent = tag.contains("type=\"hidden\"")
                || tag.contains("type=\"text\"")
                || tag.contains(" checked");
            let value = if attribute(tag, "name")? == "website" {
                String::new()
            } else {
                attribute(tag, "value")?
            };
            sent.then(|| Some((attribute(tag, "name")?, value)))?
        })
        .collect();
    (action, fields)
}

/// Answers the page's question as a browser would: its hidden fields, the answers given
/// (replacing any carried value of the same name), posted to the form's action.
fn answer(client: &mut Client, page: &Reply, answers: &[(&str, &str)]) -> Reply {
    let (action, mut fields) = form_of(&page.body);
    fields.retain(|(name, _)| !answers.iter().any(|(given, _)| given == name));
    let mut sent: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    sent.extend_from_slice(answers);
    client.post_form(&action, &sent)
}

/// Starts the questions: the start page, then Start now.
fn start(client: &mut Client) -> Reply {
    let page = client.get("/report");
    page.expect(200)
        .shows("Report a scam, fraud or cyber attack")
        .shows("This is not an emergency service")
        .shows("does not replace reporting to Action Fraud");
    let first = answer(client, &page, &[]);
    first
        .expect(200)
        .shows("Are you reporting as a resident or for a business?");
    first
}

/// The resident's answers, page by page.
const RESIDENT: &[&[(&str, &str)]] = &[
    &[("reporter", "resident")],
    &[("what", "impersonation")],
    &[
        ("when-day", "1"),
        ("when-month", "12"),
        ("when-year", "2019"),
    ],
    &[("lost", "yes"), ("amount", "£1,250.50")],
    &[("contact", "phone_call")],
    &[("place", "E07000129")],
    &[(
        "description",
        "A man said he was from the bank <script>alert('x')</script>",
    )],
];

/// Walks the answers from the first question to check your answers.
fn walk(client: &mut Client, answers: &[&[(&str, &str)]]) -> Reply {
    let mut page = start(client);
    for step in answers {
        page = answer(client, &page, step);
        page.expect(200);
    }
    page
}

fn stored(world: &World) -> Vec<beacon_store::FrontDoorRecord> {
    world
        .place
        .open()
        .front_door_reports(date!(2000 - 01 - 01), date!(2100 - 12 - 31), 0, 100)
        .expect("listed")
        .reports
}

fn a_resident_reports_consents_and_is_stored_once(kind: Backend) {
    let Some(world) = world_with_advice(kind) else {
        return;
    };
    let server = front_door(&world);
    let mut browser = Client::new(&server);
    let check = walk(&mut browser, RESIDENT);
    check
        .shows("Check your answers")
        .shows("Someone pretending to be the police, a bank or a company")
        .shows("1 December 2019")
        .shows("£1,250.50")
        .shows("Blaby")
        .shows("<script>alert('x')</script>");
    // Script in a description is shown as text, never as markup.
    assert!(!check.body.contains("<script>alert"), "{}", check.body);
    assert!(check.body.contains("&#60;script&#62;") || check.body.contains("&lt;script&gt;"));
    // Nothing is stored before consent.
    assert!(stored(&world).is_empty());
    // Changed to a business from check your answers: the business's own question comes
    // next, unrefused, on the way back to check your answers.
    let (_, fields) = form_of(&check.body);
    let mut sent: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    sent.push(("change", "who"));
    let who = browser.post_form("/report/who", &sent);
    let business = answer(&mut browser, &who, &[("reporter", "business")]);
    business.expect(200).shows("About the business");
    assert!(!business.body.contains("govuk-error-summary"));
    assert!(business.body.contains("name=\"return\" value=\"check\""));
    let consent = answer(&mut browser, &check, &[]);
    consent
        .expect(200)
        .shows("May we keep a record of your report?");
    let done = answer(&mut browser, &consent, &[("consent", "yes")]);
    done.expect(200)
        .shows("Report complete")
        .shows("Your local reference");
    let records = stored(&world);
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert!(done.text().contains(&record.reference), "{}", done.text());
    assert!(record.reference.starts_with("LR-") && record.reference.len() == 11);
    assert_eq!(
        (
            record.reporter.as_str(),
            record.what_happened.as_str(),
            record.contact_method.as_str(),
            record.place.as_str()
        ),
        ("resident", "impersonation", "phone_call", "E07000129")
    );
    assert_eq!(record.occurred_on, Some(date!(2019 - 12 - 01)));
    assert_eq!(record.loss_pence, Some(125_050));
    // Advice that suits an impersonation of a resident, from the library.
    let advice = links(&done.body);
    assert!(
        advice
            .iter()
            .any(|link| link == "/advice/courier-fraud-older-residents"),
        "{advice:?}"
    );
    // The summary to copy, escaped in its text area, with how to report.
    let summary_start = done.body.find("<textarea").expect("the summary");
    let summary = &done.body[summary_start..];
    assert!(summary.contains("readonly"));
    assert!(summary.contains(&format!("Local reference: {}", record.reference)));
    assert!(summary.contains("script&#62;alert") || summary.contains("script&gt;alert"));
    assert!(!summary.contains("<script>"));
    assert!(summary.contains("0300 123 2040"));
    assert!(summary.contains("If you are in immediate danger call 999."));

    // The same consent sent again (a refresh) stores nothing new.
    let again = answer(&mut browser, &consent, &[("consent", "yes")]);
    again.expect(200);
    assert!(again.text().contains(&record.reference));
    assert_eq!(stored(&world).len(), 1);

    // The download is the summary as a text file.
    let file = answer(&mut browser, &done, &[]);
    file.expect(200);
    assert_eq!(
        file.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(
        file.header("content-disposition")
            .is_some_and(|value| value.starts_with("attachment;"))
    );
    assert!(
        file.body
            .contains("What happened: Someone pretending to be the police")
    );
    assert!(file.body.contains("<script>alert('x')</script>"));
    assert!(file.body.contains("https://www.actionfraud.police.uk"));
    // The answers never went into an address.
    assert_eq!(stored(&world).len(), 1);
}

fn a_business_is_asked_its_size_and_sector_and_counted_by_them(kind: Backend) {
    let Some(world) = world_with_advice(kind) else {
        return;
    };
    let server = front_door(&world);
    let mut browser = Client::new(&server);
    let mut page = start(&mut browser);
    for step in [
        &[("reporter", "business")][..],
        &[("what", "invoice_fraud")],
        &[("when-unsure", "yes")],
        &[("lost", "no")],
        &[("contact", "email")],
    ] {
        page = answer(&mut browser, &page, step);
        page.expect(200);
    }
    page.shows("About the business")
        .shows("How many staff does the business have?");
    let refused = answer(&mut browser, &page, &[("size", "micro")]);
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Select what the business does");
    let place = answer(
        &mut browser,
        &refused,
        &[("size", "micro"), ("sector", "construction")],
    );
    place.expect(200).shows("Where is the business?");
    let describe = answer(&mut browser, &place, &[("place", "E06000016")]);
    let check = answer(&mut browser, &describe, &[("description", "")]);
    check
        .expect(200)
        .shows("Fewer than 10 staff")
        .shows("Construction")
        .shows("Not sure")
        .shows("Not given");
    // Change the sector from check your answers: back to check after it.
    let (_, fields) = form_of(&check.body);
    let mut sent: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    sent.push(("change", "business"));
    let change = browser.post_form("/report/business", &sent);
    change.expect(200).shows("About the business");
    let check = answer(&mut browser, &change, &[("sector", "retail")]);
    check
        .expect(200)
        .shows("Check your answers")
        .shows("Retail");
    let consent = answer(&mut browser, &check, &[]);
    let done = answer(&mut browser, &consent, &[("consent", "yes")]);
    done.expect(200).shows("Report complete");
    assert!(
        links(&done.body)
            .iter()
            .any(|link| link == "/advice/invoice-fraud-construction"
                || link == "/advice/invoice-fraud-charities"),
        "{:?}",
        links(&done.body)
    );
    let today = time::OffsetDateTime::now_utc().date();
    let counts = world
        .place
        .open()
        .front_door_counts(
            today - time::Duration::days(1),
            today + time::Duration::days(1),
        )
        .expect("counted");
    assert_eq!((counts.total, counts.from_businesses), (1, 1));
    assert_eq!(counts.by_place[0].key, "E06000016");
    assert_eq!(counts.by_sector[0].key, "retail");
    assert_eq!(counts.by_place[0].loss_pence, 0);
}

/// Asserts a page is a GOV.UK question page refused for `message`.
#[track_caller]
fn refused_with(reply: &Reply, message: &str) {
    reply.expect(400).shows("There is a problem").shows(message);
    assert!(reply.body.contains("govuk-error-summary"));
    assert!(reply.body.contains("govuk-form-group--error"));
    assert!(reply.body.contains("<title>Error: "), "{}", reply.body);
}

fn bad_answers_are_asked_again_with_an_error_summary(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = front_door(&world);
    let mut browser = Client::new(&server);
    let who = start(&mut browser);
    refused_with(
        &answer(&mut browser, &who, &[]),
        "Select whether you are reporting as a resident or for a business",
    );
    let what = answer(&mut browser, &who, RESIDENT[0]);
    let when = answer(&mut browser, &what, RESIDENT[1]);
    refused_with(
        &answer(&mut browser, &when, &[]),
        "Enter the date it happened, or select that you are not sure",
    );
    let tomorrow = time::OffsetDateTime::now_utc().date() + time::Duration::days(2);
    let (day, month, year) = (
        tomorrow.day().to_string(),
        u8::from(tomorrow.month()).to_string(),
        tomorrow.year().to_string(),
    );
    let future = answer(
        &mut browser,
        &when,
        &[
            ("when-day", &day),
            ("when-month", &month),
            ("when-year", &year),
        ],
    );
    refused_with(&future, "The date it happened must be today or in the past");
    // What was typed is shown again.
    assert!(future.body.contains(&format!("value=\"{year}\"")));
    let money = answer(&mut browser, &future, RESIDENT[2]);
    refused_with(
        &answer(&mut browser, &money, &[("lost", "yes"), ("amount", "lots")]),
        "Enter how much money was lost, like 250 or 19.99",
    );
    // A 1 MB amount is refused the same way, and not shown back whole.
    let megabyte_amount = "9".repeat(1 << 20);
    let huge_amount = answer(
        &mut browser,
        &money,
        &[("lost", "yes"), ("amount", &megabyte_amount)],
    );
    refused_with(
        &huge_amount,
        "Enter how much money was lost, like 250 or 19.99",
    );
    assert!(
        huge_amount.body.len() < 100_000,
        "{} bytes",
        huge_amount.body.len()
    );
    let contact = answer(&mut browser, &money, RESIDENT[3]);
    let place = answer(&mut browser, &contact, RESIDENT[4]);
    refused_with(
        &answer(&mut browser, &place, &[("place", "E09000001")]),
        "Select where you live or where the business is",
    );
    let describe = answer(&mut browser, &place, RESIDENT[5]);
    describe.expect(200);
    // A 1 MB description is answered with the error summary, not a bare refusal.
    let megabyte = "a".repeat(1 << 20);
    let long = answer(&mut browser, &describe, &[("description", &megabyte)]);
    refused_with(&long, "Your description must be 1,000 characters or fewer");
    assert!(long.body.len() < 100_000, "{} bytes", long.body.len());
    // A body too large to read at all is a page with an error summary too.
    let (action, _) = form_of(&describe.body);
    let huge = "b".repeat(3 << 20);
    let too_large = browser.post_form(&action, &[("description", &huge)]);
    too_large
        .expect(413)
        .shows("Your answers are too long")
        .shows("There is a problem");
    assert!(too_large.body.contains("<title>Error: "));
    // Script typed into an answer that is a choice is just not a choice.
    refused_with(
        &answer(
            &mut browser,
            &who,
            &[("reporter", "<script>alert(1)</script>")],
        ),
        "Select whether you are reporting as a resident or for a business",
    );
    assert!(stored(&world).is_empty());
}

fn nothing_is_stored_without_consent_or_from_a_honeypot(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = front_door(&world);
    let mut browser = Client::new(&server);
    let check = walk(&mut browser, RESIDENT);
    let consent = answer(&mut browser, &check, &[]);
    refused_with(
        &answer(&mut browser, &consent, &[]),
        "Select yes if we may keep a record of your report",
    );
    let declined = answer(&mut browser, &consent, &[("consent", "no")]);
    declined
        .expect(200)
        .shows("We have not kept a record of your report")
        .shows("0300 123 2040");
    assert!(!declined.text().contains("Local reference"));
    assert!(stored(&world).is_empty());

    // A script fills the hidden honeypot: it is answered as if all were well.
    let check = walk(&mut browser, RESIDENT);
    let consent = answer(&mut browser, &check, &[]);
    let trapped = answer(
        &mut browser,
        &consent,
        &[("consent", "yes"), ("website", "http://spam.example")],
    );
    trapped.expect(200).shows("Report complete");
    assert!(stored(&world).is_empty());
    // The honeypot is hidden from people and assistive technology, and labelled.
    assert!(consent.body.contains("aria-hidden=\"true\""));
    assert!(consent.body.contains("tabindex=\"-1\""));
    assert!(consent.body.contains("Leave this blank"));
}

fn a_report_sent_too_soon_or_too_often_is_refused(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    {
        // A form sent sooner than the minimum is a script's (an hour here, so the test
        // never depends on how fast the machine is).
        let server = Server::start_with(&world, |settings| {
            settings.front_door_min_duration = Duration::from_secs(3600);
        });
        let mut browser = Client::new(&server);
        let check = walk(&mut browser, RESIDENT);
        let consent = answer(&mut browser, &check, &[]);
        let hurried = answer(&mut browser, &consent, &[("consent", "yes")]);
        hurried
            .expect(400)
            .shows("Your report was sent too quickly");
        assert!(stored(&world).is_empty());
    }
    let server = Server::start_with(&world, |settings| {
        settings.front_door_min_duration = Duration::ZERO;
        settings.front_door_reports_per_address = 2;
    });
    let mut browser = Client::new(&server);
    for _ in 0..2 {
        let check = walk(&mut browser, RESIDENT);
        let consent = answer(&mut browser, &check, &[]);
        answer(&mut browser, &consent, &[("consent", "yes")])
            .expect(200)
            .shows("Report complete");
    }
    let check = walk(&mut browser, RESIDENT);
    let consent = answer(&mut browser, &check, &[]);
    let limited = answer(&mut browser, &consent, &[("consent", "yes")]);
    limited
        .expect(429)
        .shows("You have sent too many reports. Try again in 10 minutes.");
    assert_eq!(limited.header("retry-after"), Some("600"));
    assert_eq!(stored(&world).len(), 2);
    // Without consent nothing is stored, so nothing is limited.
    answer(&mut browser, &consent, &[("consent", "no")]).expect(200);
}

fn forms_not_started_here_are_refused_and_questions_are_not_in_addresses(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = front_door(&world);
    let mut browser = Client::new(&server);
    let opened = browser.get("/report/where");
    opened.expect(303);
    assert_eq!(opened.location(), "/report");
    browser
        .post_form("/report/who", &[("reporter", "resident"), ("from", "who")])
        .expect(400)
        .shows("This form could not be accepted");
    browser
        .post_form(
            "/report/who",
            &[("token", "bm90LWEtdG9rZW4.c2ln"), ("from", "who")],
        )
        .expect(400)
        .shows("Start again");
    // The sign-in page and the advice pages lead here.
    let sign_in = browser.get("/sign-in");
    assert!(links(&sign_in.body).iter().any(|link| link == "/report"));
    let advice = browser.get("/advice");
    assert!(links(&advice.body).iter().any(|link| link == "/report"));
    // Signed in or not, the front door is the same public page.
    let mut analyst = Client::signed_in(&server, &world.account(Role::Analyst).username);
    analyst
        .get("/report")
        .expect(200)
        .shows("Report a scam, fraud or cyber attack");
}

fn the_dashboard_counts_front_door_reports_as_their_own_source(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = front_door(&world);
    let mut analyst = Client::signed_in(&server, &world.account(Role::Analyst).username);
    let before = analyst.get(&format!("/dashboard?{PERIOD}"));
    before
        .expect(200)
        .shows("Reports made through Beacon's front door")
        .shows("No reports were made through the front door in these days");
    let district_rows = |reply: &Reply| -> Vec<Vec<String>> {
        let table = &reply.body[reply.body.find("Reports by district").expect("the table")..];
        table_rows(&table[..table.find("</table>").expect("its end")])
    };
    {
        let mut store = world.place.open();
        for (index, (place, reporter)) in [
            ("E06000016", "resident"),
            ("E06000016", "business"),
            ("outside", "resident"),
        ]
        .into_iter()
        .enumerate()
        {
            store
                .add_front_door_report(&beacon_store::NewFrontDoorReport {
                    reference: format!("LR-TEST000{index}"),
                    submission_key: format!("key-{index}"),
                    submitted_at: time::macros::datetime!(2018-06-01 12:00 UTC),
                    reporter: reporter.to_owned(),
                    what_happened: "phishing".to_owned(),
                    occurred_on: None,
                    loss_pence: None,
                    contact_method: "email".to_owned(),
                    business_size: (reporter == "business").then(|| "small".to_owned()),
                    business_sector: (reporter == "business").then(|| "retail".to_owned()),
                    place: place.to_owned(),
                })
                .expect("stored");
        }
    }
    let after = analyst.get(&format!("/dashboard?{PERIOD}"));
    after.expect(200);
    let table = &after.body[after.body.find("id=\"front-door\"").expect("the section")..];
    let rows = table_rows(&table[..table.find("</table>").expect("its end")]);
    assert_eq!(
        rows[1..],
        [
            vec!["Leicester".to_owned(), "2".to_owned(), "1".to_owned()],
            vec![
                "Outside Leicester, Leicestershire and Rutland".to_owned(),
                "1".to_owned(),
                "0".to_owned()
            ],
        ]
    );
    // Never added to the Action Fraud figures.
    assert_eq!(district_rows(&before), district_rows(&after));
}
