//! Business engagement's page: the coordinator records an engagement (a refused one is
//! shown again with a GOV.UK error summary, nothing stored), the page shows it in the log
//! and the period's reach; an analyst reads but may not record; recording twice stores
//! it once.

use super::*;

scenarios!(the_coordinator_records_and_the_analyst_reads_the_reach,);

fn the_coordinator_records_and_the_analyst_reads_the_reach(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let page = coordinator.get("/engagement");
    page.expect(200)
        .shows("Business engagement")
        .shows("No engagement is recorded yet");
    let csrf = page.hidden("csrf_token");
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let refused = coordinator.post_form(
        "/engagement",
        &[
            ("csrf_token", csrf.as_str()),
            ("business", "<b>Corner</b> Shop"),
            ("sector", "retail"),
            ("district", "E06000016"),
            ("how", "phone"),
            ("on", today.as_str()),
        ],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("is not a way of reaching a business");
    assert!(
        !refused.body.contains("<b>Corner</b>"),
        "typed text is escaped"
    );
    for _ in 0..2 {
        coordinator
            .post_form(
                "/engagement",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("business", "<b>Corner</b> Shop"),
                    ("sector", "Retail"),
                    ("size", "micro"),
                    ("district", "E06000016"),
                    ("how", "visit"),
                    ("on", today.as_str()),
                    ("note", "Talked through backups"),
                ],
            )
            .expect(303);
    }
    let mut analyst = Client::signed_in(&server, &world.account(Role::Analyst).username);
    let read = analyst.get("/engagement");
    read.expect(200)
        .shows("The latest 1 of 1, newest first")
        .shows("<b>Corner</b> Shop")
        .shows("Talked through backups");
    assert!(
        !read.body.contains("Record an engagement"),
        "an analyst is not offered the form"
    );
    let own = analyst.csrf();
    analyst
        .post_form("/engagement", &[("csrf_token", own.as_str())])
        .expect(403);
}
