//! The debrief report in its outputs: a standalone HTML document (which the web prints to
//! PDF), and Markdown (the CLI's text), from one [`DebriefReport`].

use super::exercises::DebriefReport;
use beacon_report::debrief::{
    DebriefDocument, DebriefResponse, debrief_fragment, debrief_html, debrief_markdown,
};

/// The document the renderers take, borrowed from the report.
fn document(report: &DebriefReport) -> DebriefDocument<'_> {
    let names = report
        .run
        .players
        .iter()
        .map(|player| (player.organisation_id, player.name.clone()))
        .collect();
    let responses = report
        .responses
        .iter()
        .map(|response| DebriefResponse {
            organisation: response.organisation.clone(),
            phase: report
                .run
                .scenario
                .phase(&response.phase_id)
                .map_or_else(|| response.phase_id.clone(), |phase| phase.title.clone()),
            kind: response.kind,
            at: response.at,
            text: response.text.clone(),
        })
        .collect();
    DebriefDocument {
        run_id: report.run.id,
        title: &report.run.title,
        scenario: &report.run.scenario,
        mode: report.run.mode,
        starts_at: report.run.starts_at,
        finished_at: report.run.finished_at,
        names,
        debrief: &report.debrief,
        progress: &report.progress,
        responses,
    }
}

/// The debrief as a standalone HTML document.
pub fn html(report: &DebriefReport) -> String {
    debrief_html(&document(report))
}

/// The debrief's body as an HTML fragment, for a page.
pub fn fragment(report: &DebriefReport) -> String {
    debrief_fragment(&document(report))
}

/// The debrief as Markdown.
pub fn markdown(report: &DebriefReport) -> String {
    debrief_markdown(&document(report))
}
