//! The stored form of campaigns, shared by both dialects: statements written with `?N`
//! placeholders (PostgreSQL's dialect rewrites them with `neutral::dollar`), the mapping
//! from result rows, and the checks a launch's recipients pass before anything is
//! written.

use super::{
    ArmFigures, CampaignRecipientRecord, CampaignRecord, CampaignState, ClusterFigures,
    EVENT_DETAIL_CHARS, LockedPlanRecord, NewCampaign, NewCampaignRecipient, StratumFigures,
};
use crate::neutral::Columns;
use crate::outbox::MessageKind;
use crate::{StoreError, StoreResult};
use beacon_core::Channel;
use beacon_core::protect::{LawfulBasis, RecipientStatus, SegmentRule};
use std::collections::{BTreeMap, HashSet};

/// Adds a draft (`?1` name, `?2` advice slug, `?3` channel, `?4` basis, `?5` segment JSON,
/// `?6` starts at, `?7` evaluated, `?8` created by, `?9` created at, `?10` control advice
/// slug).
pub(super) const INSERT_CAMPAIGN_SQL: &str = "INSERT INTO campaigns
        (name, advice_slug, channel, basis, segment, starts_at, evaluated, created_by,
         created_at, control_advice_slug, state)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'draft') RETURNING id";

/// Changes a draft whose plan is not locked (`?8` id; `?1` to `?7` as
/// [`INSERT_CAMPAIGN_SQL`], `?9` control advice slug; who built it and when stay).
pub(super) const UPDATE_CAMPAIGN_SQL: &str = "UPDATE campaigns SET name = ?1, advice_slug = ?2,
        channel = ?3, basis = ?4, segment = ?5, starts_at = ?6, evaluated = ?7, control_advice_slug = ?9
     WHERE id = ?8 AND state = 'draft' AND plan IS NULL";

/// The columns [`campaign_from`] reads, in its order.
const CAMPAIGN_COLUMNS: &str = "SELECT id, name, advice_slug, advice_version, channel, basis,
        segment, starts_at, evaluated, state, created_by, created_at, launched_at,
        finished_at, plan, plan_fingerprint, plan_locked_by, plan_locked_at,
        control_advice_slug, control_advice_version
     FROM campaigns";

/// One campaign (`?1` id).
pub(super) fn campaign_sql() -> String {
    format!("{CAMPAIGN_COLUMNS} WHERE id = ?1")
}

/// Every campaign, newest first.
pub(super) fn campaigns_sql() -> String {
    format!("{CAMPAIGN_COLUMNS} ORDER BY created_at DESC, id DESC")
}

/// Locks an evaluated draft's plan (`?1` id, `?2` plan JSON, `?3` fingerprint, `?4` by,
/// `?5` at).
pub(super) const LOCK_PLAN_SQL: &str = "UPDATE campaigns SET plan = ?2, plan_fingerprint = ?3,
        plan_locked_by = ?4, plan_locked_at = ?5
     WHERE id = ?1 AND state = 'draft' AND evaluated AND plan IS NULL";

/// A campaign's state and whether it is evaluated and locked (`?1` id).
pub(super) const LAUNCH_CHECK_SQL: &str =
    "SELECT state, evaluated, plan IS NOT NULL FROM campaigns WHERE id = ?1";

/// Marks a draft launched (`?1` id, `?2` advice version, `?3` at, `?4` the control
/// arm's advice version).
pub(super) const MARK_LAUNCHED_SQL: &str = "UPDATE campaigns
     SET state = 'launched', advice_version = ?2, launched_at = ?3,
         control_advice_version = ?4
     WHERE id = ?1 AND state = 'draft'";

/// Adds a recipient (`?1` campaign, `?2` contact, `?3` arm, `?4` stratum, `?5` cluster,
/// `?6` district, `?7` token hash, `?8` outbox message or NULL).
pub(super) const INSERT_RECIPIENT_SQL: &str = "INSERT INTO campaign_recipients
        (campaign_id, contact_id, arm, stratum, cluster, district, token_hash, message_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// Whether a token hash is already used (`?1`).
pub(super) const TOKEN_TAKEN_SQL: &str = "SELECT id FROM campaign_recipients WHERE token_hash = ?1";

/// Whether a message with this dedupe key is already queued (`?1`).
pub(super) const MESSAGE_QUEUED_SQL: &str = "SELECT id FROM outbox_messages WHERE dedupe_key = ?1";

/// Finishes a launched campaign (`?1` id, `?2` at).
pub(super) const FINISH_SQL: &str = "UPDATE campaigns SET state = 'finished', finished_at = ?2
     WHERE id = ?1 AND state = 'launched'";

/// The columns [`recipient_from`] reads, in its order.
const RECIPIENT_COLUMNS: &str = "SELECT r.id, r.campaign_id, c.state,
        CASE WHEN r.arm = 'control' AND c.control_advice_slug IS NOT NULL
             THEN c.control_advice_slug ELSE c.advice_slug END,
        r.arm,
        r.cluster, r.message_id, m.sent_at,
        EXISTS (SELECT 1 FROM campaign_events e WHERE e.recipient_id = r.id
                AND e.kind = 'survey'),
        r.contact_id, c.channel,
        EXISTS (SELECT 1 FROM campaign_events e WHERE e.recipient_id = r.id
                AND e.kind = 'unsubscribed')
     FROM campaign_recipients r
     JOIN campaigns c ON c.id = r.campaign_id
     LEFT JOIN outbox_messages m ON m.id = r.message_id";

/// The recipient whose token hashes to `?1`.
pub(super) fn recipient_by_token_sql() -> String {
    format!("{RECIPIENT_COLUMNS} WHERE r.token_hash = ?1")
}

/// The recipient whose message has the Message-ID `?1`.
pub(super) fn recipient_by_message_id_sql() -> String {
    format!("{RECIPIENT_COLUMNS} WHERE m.message_id = ?1")
}

/// Whether a recipient exists (`?1`).
pub(super) const RECIPIENT_EXISTS_SQL: &str = "SELECT id FROM campaign_recipients WHERE id = ?1";

/// Whether a recipient has answered the survey (`?1`).
pub(super) const SURVEYED_SQL: &str =
    "SELECT id FROM campaign_events WHERE recipient_id = ?1 AND kind = 'survey'";

/// Records an event (`?1` recipient, `?2` kind, `?3` at, `?4` detail).
pub(super) const INSERT_EVENT_SQL: &str = "INSERT INTO campaign_events
        (recipient_id, kind, occurred_at, detail) VALUES (?1, ?2, ?3, ?4)";

/// One row per recipient of campaign `?1` with its derived status and outcomes: the
/// status is the channel's last word when it has one (unsubscribed over complained over
/// bounced over delivered), else the outbox's (a give-up for a suppressed address is
/// `suppressed`).
const RECIPIENT_OUTCOMES: &str = "SELECT r.id, r.arm, r.cluster,
        CASE
          WHEN r.message_id IS NULL THEN 'held_back'
          WHEN COUNT(CASE WHEN e.kind = 'unsubscribed' THEN 1 END) > 0 THEN 'unsubscribed'
          WHEN COUNT(CASE WHEN e.kind = 'complained' THEN 1 END) > 0 THEN 'complained'
          WHEN COUNT(CASE WHEN e.kind = 'bounced' THEN 1 END) > 0 THEN 'bounced'
          WHEN COUNT(CASE WHEN e.kind = 'delivered' THEN 1 END) > 0 THEN 'delivered'
          WHEN m.status = 'sent' THEN 'sent'
          WHEN m.status = 'given_up'
               AND m.last_error LIKE 'not sent: the address is on the suppression list%'
            THEN 'suppressed'
          WHEN m.status = 'given_up' THEN 'failed'
          ELSE 'queued'
        END AS status,
        CASE WHEN COUNT(CASE WHEN e.kind = 'click' THEN 1 END) > 0 THEN 1 ELSE 0 END
          AS clicked,
        COUNT(CASE WHEN e.kind = 'scanner_click' THEN 1 END) AS scanner_clicks,
        CASE WHEN COUNT(CASE WHEN e.kind = 'open' THEN 1 END) > 0 THEN 1 ELSE 0 END
          AS opened,
        CASE WHEN COUNT(CASE WHEN e.kind = 'survey' THEN 1 END) > 0 THEN 1 ELSE 0 END
          AS surveyed,
        CASE WHEN COUNT(CASE WHEN e.kind = 'survey' AND e.detail = 'yes' THEN 1 END) > 0
          THEN 1 ELSE 0 END AS acted
     FROM campaign_recipients r
     LEFT JOIN outbox_messages m ON m.id = r.message_id
     LEFT JOIN campaign_events e ON e.recipient_id = r.id
     WHERE r.campaign_id = ?1
     GROUP BY r.id, r.arm, r.cluster, r.message_id, m.status, m.last_error";

/// Each arm × status of campaign `?1` with its counts, read by [`fold_arms`].
pub(super) fn arm_figures_sql() -> String {
    format!(
        "SELECT o.arm, o.status, COUNT(*),
            COUNT(CASE WHEN o.clicked = 1 THEN 1 END),
            CAST(COALESCE(SUM(o.scanner_clicks), 0) AS BIGINT),
            COUNT(CASE WHEN o.opened = 1 THEN 1 END),
            COUNT(CASE WHEN o.surveyed = 1 THEN 1 END),
            COUNT(CASE WHEN o.acted = 1 THEN 1 END)
         FROM ({RECIPIENT_OUTCOMES}) o
         GROUP BY o.arm, o.status
         ORDER BY o.arm, o.status"
    )
}

/// Each arm × cluster of campaign `?1` with its counts.
pub(super) fn cluster_figures_sql() -> String {
    format!(
        "SELECT o.arm, o.cluster, COUNT(*),
            COUNT(CASE WHEN o.clicked = 1 THEN 1 END),
            COUNT(CASE WHEN o.acted = 1 THEN 1 END)
         FROM ({RECIPIENT_OUTCOMES}) o
         WHERE o.cluster IS NOT NULL
         GROUP BY o.arm, o.cluster
         ORDER BY o.arm, o.cluster"
    )
}

/// Each arm × stratum × district of campaign `?1` with its recipients.
pub(super) const STRATUM_FIGURES_SQL: &str = "SELECT arm, stratum, district, COUNT(*)
     FROM campaign_recipients
     WHERE campaign_id = ?1
     GROUP BY arm, stratum, district
     ORDER BY arm, stratum, district";

/// A stratum's figures from a row of [`STRATUM_FIGURES_SQL`].
pub(super) fn stratum_from(row: &impl Columns) -> StoreResult<StratumFigures> {
    Ok(StratumFigures {
        arm: row.get(0)?,
        stratum: row.get(1)?,
        district: row.get(2)?,
        recipients: row.count(3)?,
    })
}

/// The segment rule as stored.
pub(super) fn segment_json(segment: &SegmentRule) -> String {
    serde_json::to_string(segment).unwrap_or_else(|_| "{}".to_owned())
}

/// A stored spelling that this Beacon does not know.
fn unknown(what: &str, text: &str) -> StoreError {
    StoreError::Corrupt(format!("unknown campaign {what} {text:?}"))
}

/// A campaign from a row of [`campaign_sql`] or [`campaigns_sql`].
pub(super) fn campaign_from(row: &impl Columns) -> StoreResult<CampaignRecord> {
    let channel: String = row.get(4)?;
    let basis: String = row.get(5)?;
    let segment: String = row.get(6)?;
    let state: String = row.get(9)?;
    let plan_json: Option<String> = row.get(14)?;
    let plan = match plan_json {
        Some(json) => Some(LockedPlanRecord {
            json,
            fingerprint: row.get(15)?,
            locked_by: row.get(16)?,
            locked_at: row.moment(17)?,
        }),
        None => None,
    };
    Ok(CampaignRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        advice_slug: row.get(2)?,
        advice_version: row.get(3)?,
        channel: Channel::from_stored(&channel).ok_or_else(|| unknown("channel", &channel))?,
        basis: LawfulBasis::from_stored(&basis).ok_or_else(|| unknown("basis", &basis))?,
        segment: serde_json::from_str(&segment)
            .map_err(|error| StoreError::Corrupt(format!("campaign segment: {error}")))?,
        starts_at: row.moment(7)?,
        evaluated: row.get(8)?,
        state: CampaignState::from_stored(&state).ok_or_else(|| unknown("state", &state))?,
        created_by: row.get(10)?,
        created_at: row.moment(11)?,
        launched_at: row.opt_moment(12)?,
        finished_at: row.opt_moment(13)?,
        plan,
        control_advice_slug: row.get(18)?,
        control_advice_version: row.get(19)?,
    })
}

/// A recipient from a row of [`recipient_by_token_sql`] or
/// [`recipient_by_message_id_sql`].
pub(super) fn recipient_from(row: &impl Columns) -> StoreResult<CampaignRecipientRecord> {
    let state: String = row.get(2)?;
    Ok(CampaignRecipientRecord {
        id: row.get(0)?,
        campaign_id: row.get(1)?,
        campaign_state: CampaignState::from_stored(&state)
            .ok_or_else(|| unknown("state", &state))?,
        advice_slug: row.get(3)?,
        arm: row.get(4)?,
        cluster: row.get(5)?,
        message_id: row.get(6)?,
        sent_at: row.opt_moment(7)?,
        surveyed: row.get(8)?,
        contact_id: row.get(9)?,
        channel: {
            let channel: String = row.get(10)?;
            Channel::from_stored(&channel).ok_or_else(|| unknown("channel", &channel))?
        },
        unsubscribed: row.get(11)?,
    })
}

/// One arm × status row of [`arm_figures_sql`].
pub(super) struct ArmStatusRow {
    arm: String,
    status: String,
    counts: [u64; 6],
}

/// Reads one row of [`arm_figures_sql`].
pub(super) fn arm_status_from(row: &impl Columns) -> StoreResult<ArmStatusRow> {
    let mut counts = [0; 6];
    for (index, count) in counts.iter_mut().enumerate() {
        *count = row.count(index + 2)?;
    }
    Ok(ArmStatusRow {
        arm: row.get(0)?,
        status: row.get(1)?,
        counts,
    })
}

/// Folds arm × status rows into one [`ArmFigures`] per arm, by arm name.
pub(super) fn fold_arms(rows: Vec<ArmStatusRow>) -> StoreResult<Vec<ArmFigures>> {
    let mut arms: BTreeMap<String, ArmFigures> = BTreeMap::new();
    for row in rows {
        let figures = arms.entry(row.arm.clone()).or_insert_with(|| ArmFigures {
            arm: row.arm.clone(),
            ..ArmFigures::default()
        });
        let [recipients, clicked, scanner, opened, surveyed, acted] = row.counts;
        figures.recipients += recipients;
        figures.clicked += clicked;
        figures.scanner_clicks += scanner;
        figures.opened += opened;
        figures.surveyed += surveyed;
        figures.acted += acted;
        if row.status == "held_back" {
            figures.held_back += recipients;
        } else {
            let status = RecipientStatus::from_stored(&row.status)
                .ok_or_else(|| unknown("recipient status", &row.status))?;
            figures.by_status.push((status, recipients));
        }
    }
    Ok(arms.into_values().collect())
}

/// A cluster's figures from a row of [`cluster_figures_sql`].
pub(super) fn cluster_from(row: &impl Columns) -> StoreResult<ClusterFigures> {
    Ok(ClusterFigures {
        arm: row.get(0)?,
        cluster: row.get(1)?,
        recipients: row.count(2)?,
        clicked: row.count(3)?,
        acted: row.count(4)?,
    })
}

/// The columns of a new campaign, in [`INSERT_CAMPAIGN_SQL`]'s order from `?1` to `?4`
/// as text (the rest are typed per dialect).
pub(super) fn campaign_texts(campaign: &NewCampaign) -> [String; 5] {
    [
        campaign.name.clone(),
        campaign.advice_slug.clone(),
        campaign.channel.as_str().to_owned(),
        campaign.basis.as_str().to_owned(),
        segment_json(&campaign.segment),
    ]
}

/// Refuses recipients that cannot be stored, before anything is written: a message of
/// another kind, a token used twice, a recipient without a contact on a channel with
/// addresses.
pub(super) fn check_recipients(
    channel: Channel,
    recipients: &[NewCampaignRecipient],
) -> StoreResult<()> {
    let mut tokens = HashSet::new();
    for recipient in recipients {
        if !tokens.insert(recipient.token_hash.as_str()) {
            return Err(StoreError::Corrupt(
                "two campaign recipients share a link token".to_owned(),
            ));
        }
        if channel != Channel::Social && recipient.contact_id.is_none() {
            return Err(StoreError::Corrupt(
                "a campaign recipient on a channel with addresses needs a contact".to_owned(),
            ));
        }
        if let Some(message) = &recipient.message
            && (message.kind != MessageKind::Campaign || message.channel != channel)
        {
            return Err(StoreError::Corrupt(format!(
                "a campaign on {} can only queue {} campaign messages",
                channel.as_str(),
                channel.as_str()
            )));
        }
    }
    Ok(())
}

/// An event's detail as kept: at most [`EVENT_DETAIL_CHARS`] characters.
pub(super) fn kept_detail(detail: Option<&str>) -> Option<String> {
    detail.map(|text| text.chars().take(EVENT_DETAIL_CHARS).collect())
}

/// What a failed launch check says, from the stored state and flags.
pub(super) fn launch_refusal(
    state: &str,
    evaluated: bool,
    locked: bool,
) -> StoreResult<Option<super::LaunchOutcome>> {
    use super::LaunchOutcome;
    Ok(
        match CampaignState::from_stored(state).ok_or_else(|| unknown("state", state))? {
            CampaignState::Launched => Some(LaunchOutcome::AlreadyLaunched),
            CampaignState::Finished => Some(LaunchOutcome::Finished),
            CampaignState::Draft if evaluated && !locked => Some(LaunchOutcome::PlanNotLocked),
            CampaignState::Draft => None,
        },
    )
}
