//! The protect advice library as use cases: loading the shipped library (embedded from
//! `data/protect/advice/`, so the binary works anywhere) or a directory of advice files,
//! editing an item with its checks, publishing and unpublishing, and the public's reads,
//! which see published items only.
//!
//! **Invariants:** nothing that fails `AdviceItem::validate` is stored; editing and
//! publishing need `Permission::ManageCampaigns`; the public functions never return an
//! unpublished item.

use beacon_core::protect::{AdviceItem, Audience, ReadingLevel, Threat};
use beacon_core::{Permission, Role};
use beacon_ingest::advice::{AdviceFileError, AdviceLibraryRead, read_advice_files};
use beacon_store::{AdviceFilter, AdviceLibrary, PutOutcome, StoreError, StoredAdvice};
use serde::Serialize;
use time::OffsetDateTime;

/// Why an advice use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AdviceError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The item has problems; every one is listed and nothing was stored.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
    /// There is no item of that slug.
    #[error("there is no advice item {0}")]
    NotFound(String),
    /// The person's role may not change the library.
    #[error("changing the advice library needs the coordinator role")]
    NotAllowed,
    /// A new item's slug is already an item's.
    #[error("an advice item called {0} already exists")]
    Taken(String),
}

/// A result of an advice use case.
pub type AdviceResult<T> = Result<T, AdviceError>;

/// What loading a library did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadOutcome {
    /// Items new to the store (published at once when the load asked for it).
    pub added: Vec<String>,
    /// Items whose content changed: a new version each.
    pub revised: Vec<String>,
    /// Items already stored as they are.
    pub unchanged: usize,
    /// Files refused, each problem with its file and line; nothing of them was stored.
    pub refused: Vec<String>,
}

/// Loads items read from advice files: each good item is put (a new version only when its
/// content changed), new items published when `publish_new` is set; refused files are
/// listed and stored nothing.
pub fn load_advice(
    store: &mut dyn AdviceLibrary,
    read: &AdviceLibraryRead,
    publish_new: bool,
    by: &str,
    at: OffsetDateTime,
) -> AdviceResult<LoadOutcome> {
    let mut outcome = LoadOutcome {
        refused: read.errors.iter().map(AdviceFileError::to_string).collect(),
        ..LoadOutcome::default()
    };
    for item in &read.items {
        match store.put_advice(item, by, at)? {
            PutOutcome::Added { .. } => {
                if publish_new {
                    store.set_published(&item.slug, true)?;
                }
                outcome.added.push(item.slug.clone());
            }
            PutOutcome::Revised { .. } => outcome.revised.push(item.slug.clone()),
            PutOutcome::Unchanged => outcome.unchanged += 1,
        }
    }
    Ok(outcome)
}

/// The library Beacon ships, read from the files embedded in the binary.
pub fn shipped_library() -> AdviceLibraryRead {
    read_advice_files(beacon_ingest::advice::SHIPPED_ADVICE_FILES.iter().copied())
}

/// Loads the shipped library, publishing the items new to the store.
pub fn load_shipped(
    store: &mut dyn AdviceLibrary,
    by: &str,
    at: OffsetDateTime,
) -> AdviceResult<LoadOutcome> {
    load_advice(store, &shipped_library(), true, by, at)
}

/// Stores an edited (or new) item after its checks, as a new version when its content
/// changed. Needs `Permission::ManageCampaigns`.
pub fn edit_advice(
    store: &mut dyn AdviceLibrary,
    role: Role,
    item: &AdviceItem,
    by: &str,
    at: OffsetDateTime,
) -> AdviceResult<PutOutcome> {
    checked(role, item)?;
    Ok(store.put_advice(item, by, at)?)
}

/// Adds a new item as its version 1 after the item's checks, with the same rights as
/// [`edit_advice`]; one whose slug is taken is refused in the same transaction that
/// would write it, so two people adding one slug at once cannot both succeed.
///
/// # Errors
/// [`AdviceError::Taken`] when an item has the slug; otherwise as [`edit_advice`].
pub fn add_advice(
    store: &mut dyn AdviceLibrary,
    role: Role,
    item: &AdviceItem,
    by: &str,
    at: OffsetDateTime,
) -> AdviceResult<PutOutcome> {
    checked(role, item)?;
    match store.add_advice(item, by, at) {
        Err(StoreError::Duplicate { .. }) => Err(AdviceError::Taken(item.slug.clone())),
        other => Ok(other?),
    }
}

/// Whether `role` may change the library and the item passes its checks.
fn checked(role: Role, item: &AdviceItem) -> AdviceResult<()> {
    if !role.may(Permission::ManageCampaigns) {
        return Err(AdviceError::NotAllowed);
    }
    let problems = item.validate();
    if !problems.is_empty() {
        return Err(AdviceError::Invalid(
            problems.iter().map(ToString::to_string).collect(),
        ));
    }
    Ok(())
}

/// Puts an item on the public pages or takes it off. Needs `Permission::ManageCampaigns`.
pub fn publish(
    store: &mut dyn AdviceLibrary,
    role: Role,
    slug: &str,
    published: bool,
) -> AdviceResult<()> {
    if !role.may(Permission::ManageCampaigns) {
        return Err(AdviceError::NotAllowed);
    }
    if store.set_published(slug, published)? {
        Ok(())
    } else {
        Err(AdviceError::NotFound(slug.to_owned()))
    }
}

/// A published item's latest version, for the public; `None` when it is unknown or not
/// published.
pub fn public_item(
    store: &mut dyn AdviceLibrary,
    slug: &str,
) -> AdviceResult<Option<StoredAdvice>> {
    Ok(store.advice(slug)?.filter(|stored| stored.published))
}

/// Published items for the public, filtered by threat and audience, by title.
pub fn public_list(
    store: &mut dyn AdviceLibrary,
    threat: Option<Threat>,
    audience: Option<Audience>,
) -> AdviceResult<Vec<StoredAdvice>> {
    Ok(store.advice_list(&AdviceFilter {
        threat,
        audience,
        published: Some(true),
    })?)
}

/// One item's check: its reading level, the grade it must meet, and its problems.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemCheck {
    /// The item's slug.
    pub slug: String,
    /// Flesch reading ease of the long form.
    pub reading_ease: f64,
    /// Flesch–Kincaid grade of the long form.
    pub grade: f64,
    /// The grade its audience needs.
    pub grade_target: f64,
    /// Characters in the short form.
    pub short_form_characters: usize,
    /// Problems, in words (empty when it may be published).
    pub problems: Vec<String>,
}

/// Checks an item: reading level and every validation rule.
pub fn check_item(item: &AdviceItem) -> ItemCheck {
    let level: ReadingLevel = item.reading_level();
    ItemCheck {
        slug: item.slug.clone(),
        reading_ease: level.reading_ease,
        grade: level.grade,
        grade_target: item.grade_target(),
        short_form_characters: item.short_form.chars().count(),
        problems: item.validate().iter().map(ToString::to_string).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_store::sqlite::SqliteStore;
    use time::macros::datetime;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let directory = tempfile::tempdir().expect("temporary directory");
        let store = SqliteStore::open(&directory.path().join("beacon.db")).expect("open");
        (directory, store)
    }

    #[test]
    fn the_shipped_library_loads_once_published_and_again_changes_nothing() {
        let (_directory, mut store) = store();
        let at = datetime!(2026-12-01 09:00 UTC);
        let first = load_shipped(&mut store, "demo", at).expect("load");
        assert!(first.added.len() >= 32);
        assert!(first.refused.is_empty());
        let again = load_shipped(&mut store, "demo", at).expect("load again");
        assert!(again.added.is_empty() && again.revised.is_empty());
        assert_eq!(again.unchanged, first.added.len());
        let listed = public_list(&mut store, Some(Threat::CourierFraud), None).expect("list");
        assert!(!listed.is_empty());
        assert!(listed.iter().all(|stored| stored.published));
    }

    #[test]
    fn editing_needs_the_coordinator_and_passing_checks() {
        let (_directory, mut store) = store();
        let at = datetime!(2026-12-01 09:00 UTC);
        load_shipped(&mut store, "demo", at).expect("load");
        let mut item = store
            .advice("courier-fraud-older-residents")
            .expect("read")
            .expect("shipped")
            .item;
        item.summary = "Criminals pose as police to take your card.".to_owned();
        assert!(matches!(
            edit_advice(&mut store, Role::Analyst, &item, "al", at),
            Err(AdviceError::NotAllowed)
        ));
        assert_eq!(
            edit_advice(&mut store, Role::Coordinator, &item, "co", at).expect("edit"),
            PutOutcome::Revised { version: 2 }
        );
        item.short_form = "x".repeat(200);
        let Err(AdviceError::Invalid(problems)) =
            edit_advice(&mut store, Role::Coordinator, &item, "co", at)
        else {
            panic!("a long short form is refused");
        };
        assert!(problems.iter().any(|problem| problem.contains("160")));
        assert_eq!(
            store
                .advice("courier-fraud-older-residents")
                .expect("read")
                .expect("kept")
                .version,
            2
        );
    }

    #[test]
    fn the_public_never_sees_an_unpublished_item() {
        let (_directory, mut store) = store();
        let at = datetime!(2026-12-01 09:00 UTC);
        load_shipped(&mut store, "demo", at).expect("load");
        publish(&mut store, Role::Coordinator, "phishing-texts", false).expect("unpublish");
        assert!(
            public_item(&mut store, "phishing-texts")
                .expect("read")
                .is_none()
        );
        assert!(
            public_item(&mut store, "phishing-emails")
                .expect("read")
                .is_some()
        );
        assert!(
            public_list(&mut store, None, None)
                .expect("list")
                .iter()
                .all(|stored| stored.item.slug != "phishing-texts")
        );
        assert!(matches!(
            publish(&mut store, Role::Coordinator, "nothing", true),
            Err(AdviceError::NotFound(_))
        ));
        assert!(matches!(
            publish(&mut store, Role::BusinessUser, "phishing-texts", true),
            Err(AdviceError::NotAllowed)
        ));
    }
}
