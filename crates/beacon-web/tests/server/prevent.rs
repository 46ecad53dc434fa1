//! Cyber Choices' pages: the Cyber Choices officer opens a referral from the form (a form
//! with missing answers or a future date is shown again with a GOV.UK error summary and
//! nothing is opened), records its stages one by one (out of order is refused with why),
//! and reads the list with the contact measure; every read is audited; a vulnerability
//! officer and an analyst are refused.

use super::*;

scenarios!(the_officer_opens_a_referral_and_records_its_stages,);

fn the_officer_opens_a_referral_and_records_its_stages(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let officer_name = world.account(Role::CyberChoicesOfficer).username.clone();
    let mut officer = Client::signed_in(&server, &officer_name);
    // Signing in lands on the referrals.
    assert_eq!(officer.get("/").expect(303).location(), "/cyber-choices");
    let empty = officer.get("/cyber-choices");
    empty.expect(200).shows("No referrals yet.");
    let csrf = empty.hidden("csrf_token");

    let today = time::OffsetDateTime::now_utc().date();
    let tomorrow = today.next_day().expect("a day");
    let (year, month, day) = (
        tomorrow.year().to_string(),
        u8::from(tomorrow.month()).to_string(),
        tomorrow.day().to_string(),
    );
    let refused = officer.post_form(
        "/cyber-choices/new",
        &[
            ("csrf_token", csrf.as_str()),
            ("referrer", "school"),
            ("district", "E06000016"),
            ("concern", "ddos"),
            ("received-day", day.as_str()),
            ("received-month", month.as_str()),
            ("received-year", year.as_str()),
            ("note", "<script>alert(1)</script>"),
        ],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Select the person's age")
        .shows("The day the summary was received must be today or in the past");
    assert!(refused.body.contains("<title>Error: "), "{}", refused.body);
    assert!(refused.body.contains("href=\"#age_band\""));
    assert!(refused.body.contains("href=\"#received-day\""));
    assert!(!refused.body.contains("<script>alert(1)</script>"));
    assert!(
        refused.text().contains("<script>alert(1)</script>"),
        "what was typed is kept, as text"
    );

    let (year, month, day) = (
        today.year().to_string(),
        u8::from(today.month()).to_string(),
        today.day().to_string(),
    );
    let opened = officer.post_form(
        "/cyber-choices/new",
        &[
            ("csrf_token", csrf.as_str()),
            ("referrer", "school"),
            ("age_band", "13_15"),
            ("district", "E06000016"),
            ("concern", "ddos"),
            ("received-day", day.as_str()),
            ("received-month", month.as_str()),
            ("received-year", year.as_str()),
            ("note", "Year 10, booter site"),
        ],
    );
    assert_eq!(opened.expect(303).location(), "/cyber-choices/CC00001");
    let page = officer.get("/cyber-choices/CC00001");
    page.expect(200)
        .shows("Referral CC00001")
        .shows("Booter or DDoS services")
        .shows("Leicester")
        .shows("Anonymised summary received")
        .shows("Year 10, booter site")
        .shows("Suitability check");

    let stage = |officer: &mut Client, step: &str, result: &str| {
        officer.post_form(
            "/cyber-choices/CC00001/stages",
            &[
                ("csrf_token", csrf.as_str()),
                ("step", step),
                ("result", result),
                ("on-day", day.as_str()),
                ("on-month", month.as_str()),
                ("on-year", year.as_str()),
            ],
        )
    };
    stage(&mut officer, "meeting", "")
        .expect(400)
        .shows("There is a problem")
        .shows("Record the full referral received first");
    stage(&mut officer, "suitability", "suitable").expect(303);
    stage(&mut officer, "full_referral", "").expect(303);
    stage(&mut officer, "contact", "").expect(303);
    officer
        .get("/cyber-choices/CC00001")
        .expect(200)
        .shows("First contact made")
        .shows("Contacted in time (0 working days)");
    officer
        .get("/cyber-choices")
        .expect(200)
        .shows("CC00001")
        .shows("1 of 1 (100%)");
    // No such referral: not found.
    officer.get("/cyber-choices/CC09999").expect(404);

    // Everyone else is refused.
    for role in [Role::VulnerabilityOfficer, Role::Analyst] {
        let mut other = Client::signed_in(&server, &world.account(role).username);
        other.get("/cyber-choices").expect(403);
        other.get("/cyber-choices/CC00001").expect(403);
    }
    let audit = world
        .place
        .open()
        .audit_events(500)
        .expect("audit")
        .into_iter()
        .filter(|event| event.event.actor == officer_name)
        .map(|event| event.event.action)
        .collect::<Vec<_>>();
    let count = |action: &str| audit.iter().filter(|a| *a == action).count();
    assert_eq!(count("open_cyber_choices_referral"), 1);
    assert_eq!(count("update_cyber_choices_referral"), 3);
    assert_eq!(count("view_cyber_choices"), 2);
    // The referral's page: after opening, after the refused stage, after the last stage,
    // and the unknown one.
    assert_eq!(count("view_cyber_choices_referral"), 4);
}
