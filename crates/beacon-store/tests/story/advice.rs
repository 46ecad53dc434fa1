//! The advice library: versions written only when content changes, numbered without gaps,
//! each readable for ever; publishing belongs to the slug; lists filter by threat, audience
//! and published.

use super::*;
use beacon_core::protect::{AdviceItem, Audience, ReportRoute, Threat};
use beacon_store::{AdviceFilter, PutOutcome};
use std::collections::BTreeSet;
use time::macros::datetime;

stories!(with_store =>
    a_new_version_is_written_only_when_the_content_changes,
    publishing_belongs_to_the_slug_and_unknown_slugs_say_so,
    lists_filter_by_threat_audience_and_published,
    adding_a_new_item_refuses_a_slug_that_is_taken,
);

fn adding_a_new_item_refuses_a_slug_that_is_taken(store: &mut dyn Store) {
    let first = item(
        "romance",
        "Romance fraud",
        Threat::RomanceFraud,
        Audience::OlderResidents,
    );
    let at = datetime!(2026-12-01 09:00 UTC);
    assert_eq!(
        store.add_advice(&first, "coordinator", at).expect("added"),
        PutOutcome::Added { version: 1 }
    );
    let mut other = first.clone();
    other.title = "Someone else's romance fraud".to_owned();
    assert!(matches!(
        store.add_advice(&other, "someone", at),
        Err(beacon_store::StoreError::Duplicate { .. })
    ));
    // Nothing was written: the item is still its first version.
    assert_eq!(store.advice_versions("romance").expect("versions").len(), 1);
    assert_eq!(
        store
            .advice("romance")
            .expect("read")
            .map(|stored| stored.item.title),
        Some("Romance fraud".to_owned())
    );
}

fn item(slug: &str, title: &str, threat: Threat, audience: Audience) -> AdviceItem {
    AdviceItem {
        slug: slug.to_owned(),
        title: title.to_owned(),
        summary: "What to do.".to_owned(),
        threats: [threat].into(),
        audiences: [audience].into(),
        sectors: BTreeSet::new(),
        short_form: "Hang up. Call 159.".to_owned(),
        body_markdown: "# What to do\n\nHang up and call 159.\n".to_owned(),
        report_to: vec![ReportRoute::Bank159, ReportRoute::ActionFraud],
        source: None,
        reviewed_on: date!(2026 - 11 - 30),
    }
}

fn a_new_version_is_written_only_when_the_content_changes(store: &mut dyn Store) {
    let first = item(
        "courier-fraud",
        "Courier fraud",
        Threat::CourierFraud,
        Audience::OlderResidents,
    );
    let at = datetime!(2026-12-01 09:00 UTC);
    assert_eq!(
        store.put_advice(&first, "ana", at).expect("put"),
        PutOutcome::Added { version: 1 }
    );
    assert_eq!(
        store.put_advice(&first, "ben", at).expect("put again"),
        PutOutcome::Unchanged
    );
    let mut second = first.clone();
    second.short_form = "The police never collect cards. Call 159.".to_owned();
    let later = datetime!(2026-12-02 10:30 UTC);
    assert_eq!(
        store.put_advice(&second, "ben", later).expect("revise"),
        PutOutcome::Revised { version: 2 }
    );
    assert_eq!(
        store.put_advice(&second, "cat", later).expect("same again"),
        PutOutcome::Unchanged
    );

    let latest = store
        .advice("courier-fraud")
        .expect("read")
        .expect("stored");
    assert_eq!(latest.version, 2);
    assert_eq!(latest.item, second);
    assert_eq!(latest.updated_by, "ben");
    assert_eq!(latest.updated_at, later);
    assert!(!latest.published, "a new item starts unpublished");

    let old = store
        .advice_version("courier-fraud", 1)
        .expect("read")
        .expect("version 1 is kept");
    assert_eq!(old.item, first);
    assert_eq!(old.updated_by, "ana");
    assert_eq!(old.updated_at, at);
    assert!(
        store
            .advice_version("courier-fraud", 3)
            .expect("read")
            .is_none()
    );

    let history = store.advice_versions("courier-fraud").expect("history");
    assert_eq!(
        history.iter().map(|line| line.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(history[0].written_by, "ana");
    assert_ne!(history[0].content_hash, history[1].content_hash);
    assert_eq!(history[1].content_hash, beacon_store::content_hash(&second));
    assert!(
        store
            .advice_versions("nothing")
            .expect("history")
            .is_empty()
    );
    assert!(store.advice("nothing").expect("read").is_none());
}

fn publishing_belongs_to_the_slug_and_unknown_slugs_say_so(store: &mut dyn Store) {
    let at = datetime!(2026-12-01 09:00 UTC);
    let first = item("backups", "Backups", Threat::Backups, Audience::Smes);
    store.put_advice(&first, "ana", at).expect("put");
    assert!(store.set_published("backups", true).expect("publish"));
    assert!(!store.set_published("no-such-item", true).expect("publish"));
    let mut second = first.clone();
    second.title = "Back up your files".to_owned();
    store.put_advice(&second, "ana", at).expect("revise");
    let latest = store.advice("backups").expect("read").expect("stored");
    assert!(latest.published, "a revision stays published");
    assert_eq!(latest.item.title, "Back up your files");
    assert!(
        store
            .advice_version("backups", 1)
            .expect("read")
            .expect("kept")
            .published
    );
    assert!(store.set_published("backups", false).expect("unpublish"));
    assert!(
        !store
            .advice("backups")
            .expect("read")
            .expect("stored")
            .published
    );
}

fn lists_filter_by_threat_audience_and_published(store: &mut dyn Store) {
    let at = datetime!(2026-12-01 09:00 UTC);
    let mut both = item(
        "phishing-and-passwords",
        "B phishing and passwords",
        Threat::Phishing,
        Audience::Smes,
    );
    both.threats.insert(Threat::Passwords2fa);
    both.audiences.insert(Audience::PartnerStaff);
    both.sectors.insert("retail".to_owned());
    for advice in [
        item(
            "romance-fraud",
            "C romance fraud",
            Threat::RomanceFraud,
            Audience::OlderResidents,
        ),
        both,
        item(
            "sextortion",
            "A sextortion",
            Threat::Sextortion,
            Audience::YoungPeople,
        ),
    ] {
        store.put_advice(&advice, "ana", at).expect("put");
    }
    store.set_published("romance-fraud", true).expect("publish");
    store.set_published("sextortion", true).expect("publish");

    let slugs = |store: &mut dyn Store, filter: AdviceFilter| -> Vec<String> {
        store
            .advice_list(&filter)
            .expect("list")
            .into_iter()
            .map(|stored| stored.item.slug)
            .collect()
    };
    assert_eq!(
        slugs(store, AdviceFilter::default()),
        ["sextortion", "phishing-and-passwords", "romance-fraud"],
        "by title"
    );
    assert_eq!(
        slugs(
            store,
            AdviceFilter {
                threat: Some(Threat::Passwords2fa),
                ..AdviceFilter::default()
            }
        ),
        ["phishing-and-passwords"]
    );
    assert_eq!(
        slugs(
            store,
            AdviceFilter {
                audience: Some(Audience::PartnerStaff),
                threat: Some(Threat::Phishing),
                ..AdviceFilter::default()
            }
        ),
        ["phishing-and-passwords"]
    );
    assert_eq!(
        slugs(
            store,
            AdviceFilter {
                published: Some(true),
                ..AdviceFilter::default()
            }
        ),
        ["sextortion", "romance-fraud"]
    );
    assert_eq!(
        slugs(
            store,
            AdviceFilter {
                published: Some(false),
                ..AdviceFilter::default()
            }
        ),
        ["phishing-and-passwords"]
    );
    assert!(
        slugs(
            store,
            AdviceFilter {
                threat: Some(Threat::Ransomware),
                ..AdviceFilter::default()
            }
        )
        .is_empty()
    );
    let listed = store.advice_list(&AdviceFilter::default()).expect("list");
    assert!(listed[1].item.sectors.contains("retail"));
}
