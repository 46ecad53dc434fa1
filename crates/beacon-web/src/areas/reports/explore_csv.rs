//! The explorer's downloads as CSV: the filtered groups (no victim data), and the
//! filtered reports at victim level (audited, capped and streamed).

use super::download;
use super::explore::{ExploreQuery, describe, resolve_or_refuse};
use crate::auth::Viewer;
use crate::chrome::error::WebResult;
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use beacon_core::Permission;
use beacon_store::{AuditEvent, ReportGroup, ReportRow, ReportSort};

/// The most victim-level rows one download carries.
const MAX_DOWNLOAD_ROWS: u32 = 50_000;

/// The filtered groups as CSV (no victim data).
pub async fn groups_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<ExploreQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewStatistics)?;
    let resolved = resolve_or_refuse(&state, &query).await?;
    let filter = resolved.filter;
    let groups: Vec<ReportGroup> = state
        .blocking(move |store| store.report_groups(&filter))
        .await??;
    download::csv(
        "beacon-report-groups.csv",
        &[
            "district_code",
            "fraud_type",
            "reports",
            "loss_pence",
            "cyber_enabled",
        ],
        groups.into_iter().map(|g| {
            vec![
                g.district_code.unwrap_or_else(|| "unknown".into()),
                g.fraud_type,
                g.reports.to_string(),
                g.loss_pence.to_string(),
                g.cyber_enabled.to_string(),
            ]
        }),
    )
}

/// Victim-level rows read from the store at a time for the CSV download.
const DOWNLOAD_CHUNK: u32 = 1_000;

/// The filtered reports at victim level as CSV (audited): at most
/// `MAX_DOWNLOAD_ROWS`, read and sent `DOWNLOAD_CHUNK` rows at a time so that a
/// big download (summaries run to 10,000 characters) never sits whole in memory.
pub async fn reports_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<ExploreQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewVictimDetails)?;
    let resolved = resolve_or_refuse(&state, &query).await?;
    let filter = resolved.filter;
    let actor = viewer.user.username.clone();
    let counted = filter.clone();
    let (total, _) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let detail = describe(store, &counted)?;
            store.audit(&AuditEvent {
                actor,
                action: "download_report_rows".into(),
                subject: "reports".into(),
                detail,
            })?;
            store.report_rows(&counted, ReportSort::NewestFirst, 0, 0)
        })
        .await??;
    if total > u64::from(MAX_DOWNLOAD_ROWS) {
        tracing::info!(total, "victim-level download capped");
    }
    let rows = total.min(u64::from(MAX_DOWNLOAD_ROWS));
    let filter = std::sync::Arc::new(filter);
    let reader = state.clone();
    let body = download::csv_stream(
        &[
            "reference",
            "reported_on",
            "district_code",
            "fraud_type",
            "category",
            "victim_type",
            "victim_age",
            "postcode",
            "loss_pence",
            "cyber_enabled",
            "local_issues",
            "summary",
        ],
        move |chunk| {
            let state = reader.clone();
            let filter = std::sync::Arc::clone(&filter);
            async move {
                let offset = chunk.saturating_mul(u64::from(DOWNLOAD_CHUNK));
                if offset >= rows {
                    return Ok(None);
                }
                let limit = u32::try_from((rows - offset).min(u64::from(DOWNLOAD_CHUNK)))
                    .unwrap_or(DOWNLOAD_CHUNK);
                let (_, found) = state
                    .blocking(move |store| {
                        store.report_rows(&filter, ReportSort::NewestFirst, limit, offset)
                    })
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|e| e.to_string())?;
                if found.is_empty() {
                    return Ok(None);
                }
                Ok(Some(found.into_iter().map(report_record).collect()))
            }
        },
    );
    Ok(download::streamed_attachment(
        "text/csv; charset=utf-8",
        "beacon-reports.csv",
        body,
    ))
}

/// One victim-level row as the CSV download writes it.
fn report_record(r: ReportRow) -> Vec<String> {
    vec![
        r.reference,
        r.reported_on,
        r.district_code.unwrap_or_default(),
        r.fraud_type,
        r.category,
        r.victim_type,
        r.victim_age.map(|a| a.to_string()).unwrap_or_default(),
        r.postcode.unwrap_or_default(),
        r.loss_pence.map(|l| l.to_string()).unwrap_or_default(),
        r.cyber_enabled.map(|c| c.to_string()).unwrap_or_default(),
        r.local_issues,
        r.summary.unwrap_or_default(),
    ]
}
