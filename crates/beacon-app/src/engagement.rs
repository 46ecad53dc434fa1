//! Business engagement: import the log of businesses reached (a CSV, as an ingest run
//! with its quarantined rows), record one by hand, and the reach figures of a period.
//!
//! Who may do what is the caller's check: recording needs `Permission::ManageCampaigns`,
//! reading the figures and the log `Permission::ViewCampaigns`. Each import and each
//! engagement recorded by hand writes an audit event.

use beacon_analytics::engagement::{
    BusinessFigures, Contact, GapRow, ReachFigures, reach, reporting_gap,
};
use beacon_core::engagement::Engagement;
use beacon_core::front_door::BusinessSector;
use beacon_core::{Period, RejectedRow, RunStatus};
use beacon_ingest::engagement::{EngagementFileError, parse_engagements};
use beacon_store::runs::RunEnd;
use beacon_store::{AuditEvent, NewEngagement, Store, StoreError};
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};

/// The ingest run kind of an engagement import.
pub const RUN_KIND: &str = "engagement";

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum EngagementError {
    /// The file's header was refused: nothing was imported.
    #[error(transparent)]
    File(#[from] EngagementFileError),
    /// An engagement recorded by hand is not valid: why, in words.
    #[error("{0}")]
    Invalid(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EngagementImport {
    /// Its ingest run.
    pub run_id: i64,
    /// Data rows read.
    pub read: u64,
    /// Engagements stored.
    pub stored: u64,
    /// Engagements already stored.
    pub duplicates: u64,
    /// Rows quarantined, with line and reason.
    pub quarantined: Vec<RejectedRow>,
}

fn new_engagement(engagement: &Engagement) -> NewEngagement {
    NewEngagement {
        business: engagement.business.clone(),
        business_key: beacon_core::text::fold(&engagement.business),
        sector: engagement.sector.clone(),
        size: engagement.size.map(|size| size.as_str().to_owned()),
        district_code: engagement.district.as_str().to_owned(),
        how: engagement.how.clone(),
        on: engagement.on,
        note: engagement.note.clone(),
    }
}

/// Imports an engagement file as an ingest run: every row stored (once) or quarantined
/// with its line and reason, in one transaction; audited.
///
/// # Errors
/// A refused header (the run is recorded as failed); the store's failure.
pub fn import_file(
    store: &mut dyn Store,
    bytes: &[u8],
    source: &str,
    (actor, today, at): (&str, Date, OffsetDateTime),
) -> Result<EngagementImport, EngagementError> {
    let districts = store.districts()?;
    let run_id = store.begin_run(RUN_KIND, source, 3600)?;
    let sha256 = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(bytes))
    };
    let parsed = match parse_engagements(bytes, &districts, today) {
        Ok(parsed) => parsed,
        Err(refused) => {
            store.finish_run(
                run_id,
                &RunEnd {
                    status: RunStatus::Failed,
                    sha256: Some(sha256),
                    message: Some(refused.to_string()),
                },
            )?;
            return Err(refused.into());
        }
    };
    let engagements: Vec<NewEngagement> = parsed
        .engagements
        .iter()
        .map(|(_, engagement)| new_engagement(engagement))
        .collect();
    let written = match store.record_engagements(
        Some(run_id),
        &engagements,
        &parsed.quarantined,
        actor,
        at,
    ) {
        Ok(written) => written,
        Err(failed) => {
            store.fail_run(run_id, &failed.to_string())?;
            return Err(failed.into());
        }
    };
    let summary = format!(
        "{} read: {} stored, {} already stored, {} quarantined",
        parsed.read,
        written.stored,
        written.duplicates,
        parsed.quarantined.len()
    );
    store.finish_run(
        run_id,
        &RunEnd {
            status: RunStatus::Completed,
            sha256: Some(sha256),
            message: Some(summary.clone()),
        },
    )?;
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "import_engagements".into(),
        subject: format!("ingest_run:{run_id}"),
        detail: format!("{source}: {summary}"),
    })?;
    Ok(EngagementImport {
        run_id,
        read: parsed.read,
        stored: written.stored,
        duplicates: written.duplicates,
        quarantined: parsed.quarantined,
    })
}

/// Records one engagement (checked as an import's row would be); whether it was new.
/// Audited.
///
/// # Errors
/// [`EngagementError::Invalid`] with every reason; the store's failure.
pub fn record_one(
    store: &mut dyn Store,
    row: [&str; 7],
    (actor, today, at): (&str, Date, OffsetDateTime),
) -> Result<bool, EngagementError> {
    let districts = store.districts()?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let written = writer
        .write_record(beacon_ingest::engagement::ENGAGEMENT_COLUMNS)
        .and_then(|()| writer.write_record(row))
        .map_err(|error| EngagementError::Invalid(error.to_string()));
    written?;
    let bytes = writer
        .into_inner()
        .map_err(|error| EngagementError::Invalid(error.to_string()))?;
    let parsed = parse_engagements(&bytes, &districts, today)?;
    if let Some(reject) = parsed.quarantined.first() {
        return Err(EngagementError::Invalid(reject.reason.clone()));
    }
    let Some((_, engagement)) = parsed.engagements.first() else {
        return Err(EngagementError::Invalid("Nothing was entered".into()));
    };
    let written = store.record_engagements(None, &[new_engagement(engagement)], &[], actor, at)?;
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "record_engagement".into(),
        subject: format!("business:{}", beacon_core::text::fold(&engagement.business)),
        detail: format!("{} on {}", engagement.how, engagement.on),
    })?;
    Ok(written.stored == 1)
}

/// The reach figures of `period`, districts named as the area names them.
///
/// # Errors
/// When the store fails.
pub fn reach_figures(store: &mut dyn Store, period: Period) -> Result<ReachFigures, StoreError> {
    let from = period.from.min(period.to - Duration::days(365));
    let districts = store.districts()?;
    let name = |code: &str| {
        districts
            .list
            .iter()
            .find(|district| district.code.as_str() == code)
            .map_or_else(|| code.to_owned(), |district| district.name.clone())
    };
    let contacts: Vec<Contact> = store
        .engagement_facts(from, period.to)?
        .into_iter()
        .map(|fact| Contact {
            business: fact.business_id,
            district: name(&fact.district_code),
            sector: fact.sector,
            how: fact.how,
            on: fact.on,
        })
        .collect();
    Ok(reach(&contacts, (period.from, period.to)))
}

/// The reporting gap of `period` by sector: businesses' front-door reports against
/// organisations' Action Fraud reports, each source's sectors read into the front door's
/// list (`BusinessSector::from_words`) so they compare.
///
/// # Errors
/// When the store fails.
pub fn gap(store: &mut dyn Store, period: Period) -> Result<Vec<GapRow>, StoreError> {
    let label = |words: &str| BusinessSector::from_words(words).label().to_owned();
    let front_door: Vec<(String, u64)> = store
        .front_door_counts(period.from, period.to)?
        .by_sector
        .iter()
        .map(|count| {
            let sector = BusinessSector::from_key(&count.key).unwrap_or(BusinessSector::Other);
            (sector.label().to_owned(), count.reports)
        })
        .collect();
    let action_fraud: Vec<(String, u64)> = store
        .organisation_reports_by_sector(period.from, period.to)?
        .iter()
        .map(|(sector, count)| (label(sector), *count))
        .collect();
    Ok(reporting_gap(&front_door, &action_fraud))
}

/// The board's business figures for `period`; `None` when Beacon holds no engagement and
/// no front-door report from a business in it (the section is left out).
///
/// # Errors
/// When the store fails.
pub fn business_board(
    store: &mut dyn Store,
    period: Period,
) -> Result<Option<BusinessFigures>, StoreError> {
    let reach = reach_figures(store, period)?;
    let gap = gap(store, period)?;
    let figures = BusinessFigures { reach, gap };
    Ok((figures.reach.businesses > 0 || figures.front_door_reports() > 0).then_some(figures))
}
