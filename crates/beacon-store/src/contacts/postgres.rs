//! Contacts in PostgreSQL: an import, a purge and an erasure are each one transaction; two
//! imports of the same new reference cannot both add it (the reference is unique, and the
//! loser's transaction fails whole).

use super::columns::{
    ADDRESSES_SQL, CAMPAIGNS_OF_SQL, CONSENTS_SQL, CONTACT_TOTAL_SQL, DELETE_CONSENTS_SQL,
    DELETE_CONTACT_SQL, DETACH_RECIPIENTS_SQL, INSERT_CONSENT_SQL, INSERT_CONTACT_SQL,
    IS_SUPPRESSED_SQL, PURGE_CONSENTS_SQL, PURGE_CONTACTS_SQL, PURGE_DETACH_SQL, SUPPRESS_SQL,
    SUPPRESSIONS_OF_SQL, TALLY_SQL, UPDATE_CONTACT_SQL, WITHDRAW_SQL, consent_from, contact_from,
    contact_sql, contact_texts, fold_count, known_from, known_sql, mark_suppressed_sql,
    member_from, page_sql, segment_count_sql, segment_members_sql, summary_from, suppression_from,
    tally_from,
};
use super::{
    ContactExport, ContactPage, ContactTally, Contacts, ImportOutcome, NewContact, SegmentCount,
    SegmentMember, StoredContact, SuppressionReason, address_hash,
};
use crate::neutral::{Columns, dollar};
use crate::postgres::{PostgresStore, big, bound_values, pg_opt_text, pg_text, refs};
use crate::{StoreError, StoreResult};
use beacon_core::Channel;
use beacon_core::protect::{LawfulBasis, SegmentRule};
use postgres::GenericClient;
use postgres::types::ToSql;
use time::OffsetDateTime;

impl Contacts for PostgresStore {
    fn import_contacts(
        &mut self,
        contacts: &[NewContact],
        at: OffsetDateTime,
    ) -> StoreResult<ImportOutcome> {
        let mut transaction = self.client.transaction()?;
        let mut outcome = ImportOutcome::default();
        let known_statement = transaction.prepare(&dollar(&known_sql()))?;
        let insert_statement = transaction.prepare(&dollar(INSERT_CONTACT_SQL))?;
        let update_statement = transaction.prepare(&dollar(UPDATE_CONTACT_SQL))?;
        for contact in contacts {
            let texts = contact_texts(contact)?;
            let known = transaction
                .query(&known_statement, &[&pg_text(&contact.reference)])?
                .iter()
                .map(known_from)
                .next()
                .transpose()?;
            let attributes = &contact.attributes;
            let ward = pg_opt_text(attributes.ward.as_deref());
            let sector = pg_opt_text(attributes.sector.as_deref());
            let email = pg_opt_text(contact.email.as_deref());
            let mobile = pg_opt_text(contact.mobile.as_deref());
            let individual = attributes.is_individual();
            let rest: [&(dyn ToSql + Sync); 14] = [
                &texts.kind,
                &attributes.sole_trader,
                &texts.district,
                &ward,
                &texts.age_band,
                &sector,
                &texts.size,
                &individual,
                &email,
                &texts.email_hash,
                &mobile,
                &texts.mobile_hash,
                &at,
                &contact.purge_after,
            ];
            match known {
                None => {
                    let reference = pg_text(&contact.reference);
                    let mut values: Vec<&(dyn ToSql + Sync)> = vec![&reference];
                    values.extend(rest);
                    let id: i64 = transaction
                        .query_one(&insert_statement, &values)?
                        .try_get(0)?;
                    add_consents(&mut transaction, id, contact)?;
                    outcome.added += 1;
                }
                Some((id, held, email, mobile)) => {
                    let same =
                        held == *attributes && email == contact.email && mobile == contact.mobile;
                    let added = add_consents(&mut transaction, id, contact)?;
                    if same && added == 0 {
                        outcome.unchanged += 1;
                    } else {
                        let mut values: Vec<&(dyn ToSql + Sync)> = vec![&id];
                        values.extend(rest);
                        transaction.execute(&update_statement, &values)?;
                        outcome.updated += 1;
                    }
                }
            }
        }
        transaction.commit()?;
        Ok(outcome)
    }

    fn contact(&mut self, id: i64) -> StoreResult<Option<StoredContact>> {
        contact_in(&mut self.client, id)
    }

    fn contacts_page(&mut self, offset: u64, limit: u32) -> StoreResult<ContactPage> {
        let total: i64 = self.client.query_one(CONTACT_TOTAL_SQL, &[])?.try_get(0)?;
        let contacts = self
            .client
            .query(&*dollar(&page_sql()), &[&i64::from(limit), &big(offset)?])?
            .iter()
            .map(summary_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(ContactPage {
            total: u64::try_from(total).unwrap_or(0),
            contacts,
        })
    }

    fn contact_tallies(&mut self) -> StoreResult<Vec<ContactTally>> {
        self.client
            .query(TALLY_SQL, &[])?
            .iter()
            .map(tally_from)
            .collect()
    }

    fn segment_count(
        &mut self,
        rule: &SegmentRule,
        channel: Channel,
        basis: LawfulBasis,
        at: OffsetDateTime,
    ) -> StoreResult<SegmentCount> {
        let ((sql, values), permitted) = segment_count_sql(rule, channel, basis, at);
        let params = bound_values(values);
        let rows = self
            .client
            .query(&*dollar(&sql), &refs(&params))?
            .iter()
            .map(|row| Ok((Columns::get::<i32>(row, 0).map(i64::from)?, row.count(1)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        let permitted = match permitted {
            Some((sql, values)) => {
                let params = bound_values(values);
                let row = self.client.query_one(&*dollar(&sql), &refs(&params))?;
                row.count(0)?
            }
            None => 0,
        };
        Ok(fold_count(rows, permitted))
    }

    fn segment_members(
        &mut self,
        rule: &SegmentRule,
        channel: Channel,
        basis: LawfulBasis,
        at: OffsetDateTime,
    ) -> StoreResult<Vec<SegmentMember>> {
        let Some((sql, values)) = segment_members_sql(rule, channel, basis, at) else {
            return Ok(Vec::new());
        };
        let params = bound_values(values);
        self.client
            .query(&*dollar(&sql), &refs(&params))?
            .iter()
            .map(member_from)
            .collect()
    }

    fn is_suppressed(&mut self, channel: Channel, address: &str) -> StoreResult<bool> {
        let held: i64 = self
            .client
            .query_one(
                &*dollar(IS_SUPPRESSED_SQL),
                &[&channel.as_str(), &address_hash(channel, address)],
            )?
            .try_get(0)?;
        Ok(held > 0)
    }

    fn suppress(
        &mut self,
        channel: Channel,
        address: &str,
        reason: SuppressionReason,
        source: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        suppress_in(&mut self.client, channel, address, reason, source, at)
    }

    fn suppress_contact(
        &mut self,
        contact_id: i64,
        channel: Channel,
        reason: SuppressionReason,
        source: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let mut transaction = self.client.transaction()?;
        let Some(row) = transaction.query_opt(&*dollar(ADDRESSES_SQL), &[&contact_id])? else {
            return Err(StoreError::NotFound {
                what: "contact",
                id: contact_id,
            });
        };
        let address: Option<String> = match channel {
            Channel::Email => row.try_get(0)?,
            Channel::Sms => row.try_get(1)?,
            Channel::Webhook | Channel::Social => None,
        };
        let added = match address {
            Some(address) => suppress_in(&mut transaction, channel, &address, reason, source, at)?,
            None => false,
        };
        transaction.commit()?;
        Ok(added)
    }

    fn withdraw_consent(
        &mut self,
        contact_id: i64,
        channel: Channel,
        at: OffsetDateTime,
    ) -> StoreResult<u64> {
        Ok(self.client.execute(
            &*dollar(WITHDRAW_SQL),
            &[&contact_id, &channel.as_str(), &at],
        )?)
    }

    fn purge_expired_contacts(&mut self, at: OffsetDateTime) -> StoreResult<u64> {
        let mut transaction = self.client.transaction()?;
        transaction.execute(&*dollar(PURGE_DETACH_SQL), &[&at])?;
        transaction.execute(&*dollar(PURGE_CONSENTS_SQL), &[&at])?;
        let purged = transaction.execute(&*dollar(PURGE_CONTACTS_SQL), &[&at])?;
        transaction.commit()?;
        Ok(purged)
    }

    fn export_contact(&mut self, id: i64) -> StoreResult<Option<ContactExport>> {
        let Some(contact) = contact_in(&mut self.client, id)? else {
            return Ok(None);
        };
        let email_hash = contact
            .email
            .as_deref()
            .map(|email| address_hash(Channel::Email, email));
        let mobile_hash = contact
            .mobile
            .as_deref()
            .map(|mobile| address_hash(Channel::Sms, mobile));
        let suppressions = self
            .client
            .query(&*dollar(SUPPRESSIONS_OF_SQL), &[&email_hash, &mobile_hash])?
            .iter()
            .map(suppression_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let campaigns = self
            .client
            .query(&*dollar(CAMPAIGNS_OF_SQL), &[&id])?
            .iter()
            .map(|row| Columns::get::<i64>(row, 0))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(ContactExport {
            contact,
            suppressions,
            campaigns,
        }))
    }

    fn erase_contact(&mut self, id: i64) -> StoreResult<bool> {
        let mut transaction = self.client.transaction()?;
        transaction.execute(&*dollar(DETACH_RECIPIENTS_SQL), &[&id])?;
        transaction.execute(&*dollar(DELETE_CONSENTS_SQL), &[&id])?;
        let erased = transaction.execute(&*dollar(DELETE_CONTACT_SQL), &[&id])?;
        transaction.commit()?;
        Ok(erased > 0)
    }
}

/// Adds a contact's consent evidence that is not held yet; how many were added.
fn add_consents(
    client: &mut impl GenericClient,
    id: i64,
    contact: &NewContact,
) -> StoreResult<u64> {
    let insert = client.prepare(&dollar(INSERT_CONSENT_SQL))?;
    let mut added = 0;
    for consent in &contact.consents {
        added += client.execute(
            &insert,
            &[
                &id,
                &consent.channel.as_str(),
                &consent.basis.as_str(),
                &consent.given_at,
                &pg_text(&consent.how),
                &pg_text(&consent.wording),
                &consent.withdrawn_at,
            ],
        )?;
    }
    Ok(added)
}

/// One contact with its consent evidence.
fn contact_in(client: &mut impl GenericClient, id: i64) -> StoreResult<Option<StoredContact>> {
    let Some(row) = client.query_opt(&*dollar(&contact_sql()), &[&id])? else {
        return Ok(None);
    };
    let mut contact = contact_from(&row)?;
    contact.consents = client
        .query(&*dollar(CONSENTS_SQL), &[&id])?
        .iter()
        .map(consent_from)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(contact))
}

/// Adds a suppression unless held.
fn suppress_in(
    client: &mut impl GenericClient,
    channel: Channel,
    address: &str,
    reason: SuppressionReason,
    source: &str,
    at: OffsetDateTime,
) -> StoreResult<bool> {
    let hash = address_hash(channel, address);
    let added = client.execute(
        &*dollar(SUPPRESS_SQL),
        &[
            &channel.as_str(),
            &hash,
            &reason.as_str(),
            &at,
            &pg_text(source),
        ],
    )?;
    if let Some(mark) = mark_suppressed_sql(channel) {
        client.execute(&*dollar(mark), &[&hash])?;
    }
    Ok(added > 0)
}
