//! Retention is automatic: the scheduled `beacon notify run` deletes the contacts past
//! their retention (with their consent evidence) before it queues or sends anything, says
//! how many in words and JSON, and audits it; contacts still inside retention stay.

mod common;

use beacon_core::protect::{ContactAttributes, ContactKind};
use beacon_store::Backend;
use beacon_store::contacts::NewContact;
use beacon_testing::TestDatabase;
use common::{beacon, json, number};
use time::{Duration, OffsetDateTime};

fn resident(reference: &str, purge_after: OffsetDateTime) -> NewContact {
    NewContact {
        reference: reference.to_owned(),
        attributes: ContactAttributes {
            kind: Some(ContactKind::Resident),
            ..ContactAttributes::default()
        },
        email: Some(format!("{reference}@example.org")),
        mobile: None,
        consents: Vec::new(),
        purge_after: Some(purge_after),
    }
}

fn the_scheduled_run_purges_contacts_past_retention(backend: Backend) {
    let Some(database) = TestDatabase::fresh(backend, "retention") else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    let ids = {
        let mut store = database.open();
        store
            .import_contacts(
                &[
                    resident("expired-1", now - Duration::days(2)),
                    resident("expired-2", now - Duration::minutes(5)),
                    resident("kept", now + Duration::days(30)),
                ],
                now - Duration::days(800),
            )
            .expect("imported");
        store.contacts_page(0, 10).expect("page").contacts.len()
    };
    assert_eq!(ids, 3);
    let first = json(&beacon(
        database.location(),
        None,
        &["notify", "run", "--queue-only", "--json"],
        &[],
    ));
    assert_eq!(number(&first, "purged_contacts"), 2, "{first}");
    let again = json(&beacon(
        database.location(),
        None,
        &["notify", "run", "--queue-only", "--json"],
        &[],
    ));
    assert_eq!(number(&again, "purged_contacts"), 0, "{again}");
    let mut store = database.open();
    let left = store.contacts_page(0, 10).expect("page");
    assert_eq!(left.contacts.len(), 1);
    let audited: Vec<_> = store
        .audit_events(50)
        .expect("audit")
        .into_iter()
        .filter(|event| event.event.action == "purge_contacts")
        .collect();
    assert_eq!(audited.len(), 1, "one audit event for the run that purged");
    assert_eq!(audited[0].event.actor, "beacon notify run");
    assert!(
        audited[0].event.detail.starts_with("2 contacts"),
        "{:?}",
        audited[0]
    );
}

#[test]
fn the_scheduled_run_purges_contacts_past_retention_on_sqlite() {
    the_scheduled_run_purges_contacts_past_retention(Backend::Sqlite);
}

#[test]
fn the_scheduled_run_purges_contacts_past_retention_on_postgres() {
    the_scheduled_run_purges_contacts_past_retention(Backend::Postgres);
}
