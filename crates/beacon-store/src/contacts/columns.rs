//! The stored form of contacts, shared by both dialects: statements written with `?N`
//! placeholders (PostgreSQL's dialect rewrites them with `neutral::dollar`), the segment
//! rule as a `WHERE` clause with bound values, and the mapping from result rows.

use super::{
    ContactSummary, ContactTally, NewContact, SegmentCount, SegmentMember, StoredContact,
    SuppressionReason, SuppressionRecord, address_hash,
};
use crate::neutral::{Bound, Columns};
use crate::{StoreError, StoreResult};
use beacon_core::protect::{
    ConsentEvidence, ContactAttributes, ContactKind, LawfulBasis, SegmentRule,
};
use beacon_core::{AgeBand, Channel, OrgSize};
use time::OffsetDateTime;

/// The attribute columns [`attributes_from`] reads, in its order, from `c`.
const ATTRIBUTE_COLUMNS: &str =
    "c.kind, c.sole_trader, c.district, c.ward, c.age_band, c.sector, c.size";

/// A contact's attributes and addresses by reference (`?1`): id then the attributes, email
/// and mobile.
pub(super) fn known_sql() -> String {
    format!("SELECT c.id, {ATTRIBUTE_COLUMNS}, c.email, c.mobile FROM contacts c WHERE c.ref = ?1")
}

/// Adds a contact (`?1` ref, `?2`–`?8` kind, sole trader, district, ward, age band,
/// sector, size, `?9` individual, `?10` email, `?11` email hash, `?12` mobile, `?13`
/// mobile hash, `?14` at (created and updated), `?15` purge after).
pub(super) const INSERT_CONTACT_SQL: &str = "INSERT INTO contacts
        (ref, kind, sole_trader, district, ward, age_band, sector, size, individual,
         email, email_hash, mobile, mobile_hash, created_at, updated_at, purge_after,
         email_suppressed, mobile_suppressed)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15,
        EXISTS (SELECT 1 FROM suppressions WHERE channel = 'email' AND address_hash = ?11),
        EXISTS (SELECT 1 FROM suppressions WHERE channel = 'sms' AND address_hash = ?13))
     RETURNING id";

/// Updates a contact (`?1` id; `?2`–`?15` as [`INSERT_CONTACT_SQL`], `?14` updated at).
pub(super) const UPDATE_CONTACT_SQL: &str = "UPDATE contacts SET
        kind = ?2, sole_trader = ?3, district = ?4, ward = ?5, age_band = ?6, sector = ?7,
        size = ?8, individual = ?9, email = ?10, email_hash = ?11, mobile = ?12,
        mobile_hash = ?13, updated_at = ?14, purge_after = ?15,
        email_suppressed =
          EXISTS (SELECT 1 FROM suppressions WHERE channel = 'email' AND address_hash = ?11),
        mobile_suppressed =
          EXISTS (SELECT 1 FROM suppressions WHERE channel = 'sms' AND address_hash = ?13)
     WHERE id = ?1";

/// Adds consent evidence unless the same is held (`?1` contact, `?2` channel, `?3` basis,
/// `?4` given at, `?5` how, `?6` wording, `?7` withdrawn at).
pub(super) const INSERT_CONSENT_SQL: &str = "INSERT INTO consents
        (contact_id, channel, basis, given_at, how, wording, withdrawn_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT (contact_id, channel, basis, given_at) DO NOTHING";

/// The columns [`contact_from`] reads, in its order.
fn contact_columns() -> String {
    format!(
        "SELECT c.id, c.ref, {ATTRIBUTE_COLUMNS}, c.email, c.mobile, c.created_at,
                c.updated_at, c.purge_after
         FROM contacts c"
    )
}

/// One contact (`?1` id).
pub(super) fn contact_sql() -> String {
    format!("{} WHERE c.id = ?1", contact_columns())
}

/// A contact's consent evidence, oldest first (`?1` contact).
pub(super) const CONSENTS_SQL: &str = "SELECT channel, basis, given_at, how, wording, withdrawn_at
     FROM consents WHERE contact_id = ?1 ORDER BY given_at, id";

/// Contacts in all.
pub(super) const CONTACT_TOTAL_SQL: &str = "SELECT COUNT(*) FROM contacts";

/// A page of contacts by id (`?1` limit, `?2` offset).
pub(super) fn page_sql() -> String {
    format!(
        "SELECT c.id, c.ref, {ATTRIBUTE_COLUMNS}, c.email IS NOT NULL, c.mobile IS NOT NULL,
                (SELECT COUNT(*) FROM consents k WHERE k.contact_id = c.id), c.updated_at
         FROM contacts c ORDER BY c.id LIMIT ?1 OFFSET ?2"
    )
}

/// Contacts by kind and district.
pub(super) const TALLY_SQL: &str = "SELECT kind, district, COUNT(*) FROM contacts
     GROUP BY kind, district ORDER BY kind, district";

/// Whether a hash is on a channel's list (`?1` channel, `?2` hash).
pub(super) const IS_SUPPRESSED_SQL: &str =
    "SELECT COUNT(*) FROM suppressions WHERE channel = ?1 AND address_hash = ?2";

/// Adds a suppression unless held (`?1` channel, `?2` hash, `?3` reason, `?4` at, `?5`
/// source).
pub(super) const SUPPRESS_SQL: &str = "INSERT INTO suppressions
        (channel, address_hash, reason, at, source) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (channel, address_hash) DO NOTHING";

/// Marks the contacts holding an email hash suppressed (`?1` hash).
const MARK_EMAIL_SUPPRESSED_SQL: &str =
    "UPDATE contacts SET email_suppressed = TRUE WHERE email_hash = ?1";

/// Marks the contacts holding a mobile hash suppressed (`?1` hash).
const MARK_MOBILE_SUPPRESSED_SQL: &str =
    "UPDATE contacts SET mobile_suppressed = TRUE WHERE mobile_hash = ?1";

/// The statement marking contacts suppressed on a channel (`None` for a channel without
/// contact addresses).
pub(super) fn mark_suppressed_sql(channel: Channel) -> Option<&'static str> {
    match channel {
        Channel::Email => Some(MARK_EMAIL_SUPPRESSED_SQL),
        Channel::Sms => Some(MARK_MOBILE_SUPPRESSED_SQL),
        Channel::Webhook | Channel::Social => None,
    }
}

/// A contact's addresses (`?1` id).
pub(super) const ADDRESSES_SQL: &str = "SELECT email, mobile FROM contacts WHERE id = ?1";

/// Withdraws standing consent (`?1` contact, `?2` channel, `?3` at).
pub(super) const WITHDRAW_SQL: &str = "UPDATE consents SET withdrawn_at = ?3
     WHERE contact_id = ?1 AND channel = ?2 AND withdrawn_at IS NULL";

/// Detaches the campaign recipient rows of contacts past retention (`?1` at).
pub(super) const PURGE_DETACH_SQL: &str = "UPDATE campaign_recipients SET contact_id = NULL
     WHERE contact_id IN (SELECT id FROM contacts
                          WHERE purge_after IS NOT NULL AND purge_after <= ?1)";

/// Deletes the consent evidence of contacts past retention (`?1` at).
pub(super) const PURGE_CONSENTS_SQL: &str = "DELETE FROM consents
     WHERE contact_id IN (SELECT id FROM contacts
                          WHERE purge_after IS NOT NULL AND purge_after <= ?1)";

/// Deletes contacts past retention (`?1` at).
pub(super) const PURGE_CONTACTS_SQL: &str =
    "DELETE FROM contacts WHERE purge_after IS NOT NULL AND purge_after <= ?1";

/// Detaches a contact's campaign recipient rows (`?1` contact).
pub(super) const DETACH_RECIPIENTS_SQL: &str =
    "UPDATE campaign_recipients SET contact_id = NULL WHERE contact_id = ?1";

/// Deletes a contact's consent evidence (`?1` contact).
pub(super) const DELETE_CONSENTS_SQL: &str = "DELETE FROM consents WHERE contact_id = ?1";

/// Deletes a contact (`?1` id).
pub(super) const DELETE_CONTACT_SQL: &str = "DELETE FROM contacts WHERE id = ?1";

/// Suppressions of a contact's address hashes (`?1` email hash, `?2` mobile hash).
pub(super) const SUPPRESSIONS_OF_SQL: &str = "SELECT channel, address_hash, reason, at, source
     FROM suppressions
     WHERE (channel = 'email' AND address_hash = ?1) OR (channel = 'sms' AND address_hash = ?2)
     ORDER BY at, id";

/// The campaigns a contact was a recipient of (`?1` contact).
pub(super) const CAMPAIGNS_OF_SQL: &str = "SELECT DISTINCT campaign_id FROM campaign_recipients WHERE contact_id = ?1 ORDER BY campaign_id";

/// The stored forms of a new contact's columns that are not given as they are: its kind,
/// district, age band and size as text, and its addresses' hashes.
pub(super) struct ContactTexts {
    /// Kind.
    pub kind: &'static str,
    /// District code.
    pub district: Option<String>,
    /// Age band label.
    pub age_band: Option<&'static str>,
    /// Size.
    pub size: Option<&'static str>,
    /// Email hash.
    pub email_hash: Option<String>,
    /// Mobile hash.
    pub mobile_hash: Option<String>,
}

/// What a new contact stores besides its given fields; a contact without a kind is refused.
pub(super) fn contact_texts(contact: &NewContact) -> StoreResult<ContactTexts> {
    let attributes = &contact.attributes;
    let kind = attributes
        .kind
        .ok_or_else(|| StoreError::Corrupt(format!("contact {} has no kind", contact.reference)))?;
    Ok(ContactTexts {
        kind: kind.as_str(),
        district: attributes.district.as_ref().map(ToString::to_string),
        age_band: attributes.age_band.map(AgeBand::as_str),
        size: attributes.size.map(OrgSize::as_str),
        email_hash: contact
            .email
            .as_deref()
            .map(|email| address_hash(Channel::Email, email)),
        mobile_hash: contact
            .mobile
            .as_deref()
            .map(|mobile| address_hash(Channel::Sms, mobile)),
    })
}

/// Reads the attribute columns from `first` on.
pub(super) fn attributes_from(row: &impl Columns, first: usize) -> StoreResult<ContactAttributes> {
    let kind: String = row.get(first)?;
    let district: Option<String> = row.get(first + 2)?;
    let age_band: Option<String> = row.get(first + 4)?;
    let size: Option<String> = row.get(first + 6)?;
    Ok(ContactAttributes {
        kind: Some(
            ContactKind::from_stored(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("contact kind {kind}")))?,
        ),
        sole_trader: row.get(first + 1)?,
        district: district
            .map(|code| {
                code.parse()
                    .map_err(|_| StoreError::Corrupt(format!("contact district {code}")))
            })
            .transpose()?,
        ward: row.get(first + 3)?,
        age_band: age_band
            .map(|label| {
                AgeBand::from_label(&label)
                    .ok_or_else(|| StoreError::Corrupt(format!("contact age band {label}")))
            })
            .transpose()?,
        sector: row.get(first + 5)?,
        size: size
            .map(|size| match OrgSize::parse(&size) {
                Ok(Some(size)) => Ok(size),
                _ => Err(StoreError::Corrupt(format!("contact size {size}"))),
            })
            .transpose()?,
    })
}

/// A row of [`known_sql`]: id, attributes, email, mobile.
pub(super) fn known_from(
    row: &impl Columns,
) -> StoreResult<(i64, ContactAttributes, Option<String>, Option<String>)> {
    Ok((
        row.get(0)?,
        attributes_from(row, 1)?,
        row.get(8)?,
        row.get(9)?,
    ))
}

/// A row of [`contact_sql`], without its consents.
pub(super) fn contact_from(row: &impl Columns) -> StoreResult<StoredContact> {
    Ok(StoredContact {
        id: row.get(0)?,
        reference: row.get(1)?,
        attributes: attributes_from(row, 2)?,
        email: row.get(9)?,
        mobile: row.get(10)?,
        consents: Vec::new(),
        created_at: row.moment(11)?,
        updated_at: row.moment(12)?,
        purge_after: row.opt_moment(13)?,
    })
}

/// A row of [`CONSENTS_SQL`].
pub(super) fn consent_from(row: &impl Columns) -> StoreResult<ConsentEvidence> {
    let channel: String = row.get(0)?;
    let basis: String = row.get(1)?;
    Ok(ConsentEvidence {
        channel: Channel::from_stored(&channel)
            .ok_or_else(|| StoreError::Corrupt(format!("consent channel {channel}")))?,
        basis: LawfulBasis::from_stored(&basis)
            .ok_or_else(|| StoreError::Corrupt(format!("consent basis {basis}")))?,
        given_at: row.moment(2)?,
        how: row.get(3)?,
        wording: row.get(4)?,
        withdrawn_at: row.opt_moment(5)?,
    })
}

/// A row of [`page_sql`].
pub(super) fn summary_from(row: &impl Columns) -> StoreResult<ContactSummary> {
    Ok(ContactSummary {
        id: row.get(0)?,
        reference: row.get(1)?,
        attributes: attributes_from(row, 2)?,
        has_email: row.get(9)?,
        has_mobile: row.get(10)?,
        consents: row.count(11)?,
        updated_at: row.moment(12)?,
    })
}

/// A row of [`TALLY_SQL`].
pub(super) fn tally_from(row: &impl Columns) -> StoreResult<ContactTally> {
    let kind: String = row.get(0)?;
    let district: Option<String> = row.get(1)?;
    Ok(ContactTally {
        kind: ContactKind::from_stored(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("contact kind {kind}")))?,
        district: district
            .map(|code| {
                code.parse()
                    .map_err(|_| StoreError::Corrupt(format!("contact district {code}")))
            })
            .transpose()?,
        contacts: row.count(2)?,
    })
}

/// A row of [`SUPPRESSIONS_OF_SQL`].
pub(super) fn suppression_from(row: &impl Columns) -> StoreResult<SuppressionRecord> {
    let channel: String = row.get(0)?;
    let reason: String = row.get(2)?;
    Ok(SuppressionRecord {
        channel: Channel::from_stored(&channel)
            .ok_or_else(|| StoreError::Corrupt(format!("suppression channel {channel}")))?,
        address_hash: row.get(1)?,
        reason: SuppressionReason::from_stored(&reason)
            .ok_or_else(|| StoreError::Corrupt(format!("suppression reason {reason}")))?,
        at: row.moment(3)?,
        source: row.get(4)?,
    })
}

/// SQL built at run time with its bound values.
pub(super) type BuiltSql = (String, Vec<Bound>);

/// The address and suppressed-flag columns of a channel (`None` for channels without addresses).
fn address_columns(channel: Channel) -> Option<(&'static str, &'static str)> {
    match channel {
        Channel::Email => Some(("c.email", "c.email_suppressed")),
        Channel::Sms => Some(("c.mobile", "c.mobile_suppressed")),
        Channel::Webhook | Channel::Social => None,
    }
}

/// The segment rule as `WHERE` terms over `c`, its values bound after those already in
/// `values` (which hold every placeholder from `?1`).
fn rule_terms(rule: &SegmentRule, values: &mut Vec<Bound>) -> Vec<String> {
    let mut terms = Vec::new();
    let mut within = |column: &str, texts: Vec<String>, values: &mut Vec<Bound>| {
        if texts.is_empty() {
            return;
        }
        let marks: Vec<String> = texts
            .into_iter()
            .map(|text| {
                values.push(Bound::Text(text));
                format!("?{}", values.len())
            })
            .collect();
        terms.push(format!("{column} IN ({})", marks.join(", ")));
    };
    within(
        "c.kind",
        rule.kinds
            .iter()
            .map(|kind| kind.as_str().to_owned())
            .collect(),
        values,
    );
    within(
        "c.district",
        rule.districts.iter().map(ToString::to_string).collect(),
        values,
    );
    within(
        "c.age_band",
        rule.age_bands
            .iter()
            .map(|band| band.as_str().to_owned())
            .collect(),
        values,
    );
    within("c.sector", rule.sectors.iter().cloned().collect(), values);
    within(
        "c.size",
        rule.sizes
            .iter()
            .map(|size| size.as_str().to_owned())
            .collect(),
        values,
    );
    match rule.sole_trader {
        Some(true) => terms.push("c.sole_trader".to_owned()),
        Some(false) => terms.push("NOT c.sole_trader".to_owned()),
        None => {}
    }
    terms
}

/// The consent test of a contact `c` on `?1` channel at `?2` moment under a basis, over
/// evidence `k`.
fn permitted_terms(basis: LawfulBasis) -> String {
    let basis_test = match basis {
        LawfulBasis::PublicTask => "",
        LawfulBasis::Consent => " AND (k.basis = 'consent' OR NOT c.individual)",
    };
    format!(
        "k.channel = ?1 AND k.given_at <= ?2 AND (k.withdrawn_at IS NULL OR k.withdrawn_at > ?2)
         {basis_test}"
    )
}

/// Counts a segment in two statements, neither looking anything up row by row: the first
/// gives one row per reason (`0` addressable, `1` no address, `2` suppressed) with its
/// contacts, its bound values the rule's from `?1`; the second (`None` for a channel
/// without addresses) counts the addressable contacts with permitting evidence by one pass
/// over the evidence, its bound values `?1` channel, `?2` at, then the rule's.
pub(super) fn segment_count_sql(
    rule: &SegmentRule,
    channel: Channel,
    basis: LawfulBasis,
    at: OffsetDateTime,
) -> (BuiltSql, Option<BuiltSql>) {
    let mut values = Vec::new();
    let terms = rule_terms(rule, &mut values);
    let clause = crate::neutral::where_of(&terms);
    let Some((address, suppressed)) = address_columns(channel) else {
        return (
            (
                format!("SELECT 1, COUNT(*) FROM contacts c {clause}"),
                values,
            ),
            None,
        );
    };
    let reasons = format!(
        "SELECT reason, COUNT(*) FROM (
             SELECT CASE WHEN {address} IS NULL THEN 1 WHEN {suppressed} THEN 2 ELSE 0 END
                    AS reason
             FROM contacts c {clause}) r
         GROUP BY reason"
    );
    let mut permitted_values = vec![Bound::Text(channel.as_str().to_owned()), Bound::Moment(at)];
    let mut terms = rule_terms(rule, &mut permitted_values);
    terms.push(format!("{address} IS NOT NULL"));
    terms.push(format!("NOT {suppressed}"));
    terms.push(permitted_terms(basis));
    let permitted = format!(
        "SELECT COUNT(DISTINCT k.contact_id) FROM consents k JOIN contacts c ON c.id = k.contact_id
         {}",
        crate::neutral::where_of(&terms)
    );
    ((reasons, values), Some((permitted, permitted_values)))
}

/// Folds [`segment_count_sql`]'s answers into a count: the rows of reasons, and how many
/// addressable contacts have permitting evidence.
pub(super) fn fold_count(
    rows: impl IntoIterator<Item = (i64, u64)>,
    permitted: u64,
) -> SegmentCount {
    let mut count = SegmentCount::default();
    let mut addressable = 0;
    for (reason, contacts) in rows {
        count.matching += contacts;
        match reason {
            0 => addressable += contacts,
            1 => count.no_address += contacts,
            _ => count.suppressed += contacts,
        }
    }
    count.reachable = permitted.min(addressable);
    count.no_consent = addressable - count.reachable;
    count
}

/// The reachable members of a segment by id, or `None` for a channel without addresses;
/// bound values as [`segment_count_sql`]. Columns: id, the attributes, the address.
pub(super) fn segment_members_sql(
    rule: &SegmentRule,
    channel: Channel,
    basis: LawfulBasis,
    at: OffsetDateTime,
) -> Option<BuiltSql> {
    let (address, suppressed) = address_columns(channel)?;
    let mut values = vec![Bound::Text(channel.as_str().to_owned()), Bound::Moment(at)];
    let mut terms = rule_terms(rule, &mut values);
    terms.push(format!("{address} IS NOT NULL"));
    terms.push(format!("NOT {suppressed}"));
    terms.push(format!(
        "EXISTS (SELECT 1 FROM consents k WHERE k.contact_id = c.id AND {})",
        permitted_terms(basis)
    ));
    Some((
        format!(
            "SELECT c.id, {ATTRIBUTE_COLUMNS}, {address} FROM contacts c {} ORDER BY c.id",
            crate::neutral::where_of(&terms)
        ),
        values,
    ))
}

/// A row of [`segment_members_sql`].
pub(super) fn member_from(row: &impl Columns) -> StoreResult<SegmentMember> {
    Ok(SegmentMember {
        contact_id: row.get(0)?,
        attributes: attributes_from(row, 1)?,
        address: row.get(8)?,
    })
}
