//! Contacts in SQLite: an import, a purge and an erasure are each one IMMEDIATE
//! transaction.

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
use crate::neutral::{Columns, utc_text};
use crate::sqlite::{SqliteStore, bound_values, collect};
use crate::{StoreError, StoreResult};
use beacon_core::Channel;
use beacon_core::protect::{LawfulBasis, SegmentRule};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};
use time::OffsetDateTime;

impl Contacts for SqliteStore {
    fn import_contacts(
        &mut self,
        contacts: &[NewContact],
        at: OffsetDateTime,
    ) -> StoreResult<ImportOutcome> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcome = ImportOutcome::default();
        let at_text = utc_text(at);
        for contact in contacts {
            let texts = contact_texts(contact)?;
            let known = {
                let mut statement = transaction.prepare_cached(&known_sql())?;
                collect(statement.query([&contact.reference])?, |row| {
                    known_from(row)
                })?
                .pop()
            };
            let attributes = &contact.attributes;
            let purge_after = contact.purge_after.map(utc_text);
            let rest: [&dyn ToSql; 14] = [
                &texts.kind,
                &attributes.sole_trader,
                &texts.district,
                &attributes.ward,
                &texts.age_band,
                &attributes.sector,
                &texts.size,
                &attributes.is_individual(),
                &contact.email,
                &texts.email_hash,
                &contact.mobile,
                &texts.mobile_hash,
                &at_text,
                &purge_after,
            ];
            match known {
                None => {
                    let mut values: Vec<&dyn ToSql> = vec![&contact.reference];
                    values.extend(rest);
                    let id: i64 = transaction.query_row(
                        INSERT_CONTACT_SQL,
                        params_from_iter(values),
                        |row| row.get(0),
                    )?;
                    add_consents(&transaction, id, contact)?;
                    outcome.added += 1;
                }
                Some((id, held, email, mobile)) => {
                    let same =
                        held == *attributes && email == contact.email && mobile == contact.mobile;
                    let added = add_consents(&transaction, id, contact)?;
                    if same && added == 0 {
                        outcome.unchanged += 1;
                    } else {
                        let mut values: Vec<&dyn ToSql> = vec![&id];
                        values.extend(rest);
                        transaction.execute(UPDATE_CONTACT_SQL, params_from_iter(values))?;
                        outcome.updated += 1;
                    }
                }
            }
        }
        transaction.commit()?;
        Ok(outcome)
    }

    fn contact(&mut self, id: i64) -> StoreResult<Option<StoredContact>> {
        contact_in(&self.connection, id)
    }

    fn contacts_page(&mut self, offset: u64, limit: u32) -> StoreResult<ContactPage> {
        let total: i64 = self
            .connection
            .query_row(CONTACT_TOTAL_SQL, [], |row| row.get(0))?;
        let mut statement = self.connection.prepare_cached(&page_sql())?;
        let contacts = collect(
            statement.query(params![
                i64::from(limit),
                i64::try_from(offset).unwrap_or(i64::MAX)
            ])?,
            |row| summary_from(row),
        )?;
        Ok(ContactPage {
            total: u64::try_from(total).unwrap_or(0),
            contacts,
        })
    }

    fn contact_tallies(&mut self) -> StoreResult<Vec<ContactTally>> {
        let mut statement = self.connection.prepare_cached(TALLY_SQL)?;
        collect(statement.query([])?, |row| tally_from(row))
    }

    fn segment_count(
        &mut self,
        rule: &SegmentRule,
        channel: Channel,
        basis: LawfulBasis,
        at: OffsetDateTime,
    ) -> StoreResult<SegmentCount> {
        let ((sql, values), permitted) = segment_count_sql(rule, channel, basis, at);
        let mut statement = self.connection.prepare_cached(&sql)?;
        let rows = collect(
            statement.query(params_from_iter(bound_values(values)))?,
            |row| Ok((Columns::get::<i64>(row, 0)?, row.count(1)?)),
        )?;
        let permitted = match permitted {
            Some((sql, values)) => {
                let counted: i64 = self
                    .connection
                    .prepare_cached(&sql)?
                    .query_row(params_from_iter(bound_values(values)), |row| row.get(0))?;
                u64::try_from(counted).unwrap_or(0)
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
        let mut statement = self.connection.prepare_cached(&sql)?;
        collect(
            statement.query(params_from_iter(bound_values(values)))?,
            |row| member_from(row),
        )
    }

    fn is_suppressed(&mut self, channel: Channel, address: &str) -> StoreResult<bool> {
        let held: i64 = self.connection.query_row(
            IS_SUPPRESSED_SQL,
            params![channel.as_str(), address_hash(channel, address)],
            |row| row.get(0),
        )?;
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
        suppress_in(&self.connection, channel, address, reason, source, at)
    }

    fn suppress_contact(
        &mut self,
        contact_id: i64,
        channel: Channel,
        reason: SuppressionReason,
        source: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let addresses: Option<(Option<String>, Option<String>)> = transaction
            .query_row(ADDRESSES_SQL, [contact_id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let Some((email, mobile)) = addresses else {
            return Err(StoreError::NotFound {
                what: "contact",
                id: contact_id,
            });
        };
        let address = match channel {
            Channel::Email => email,
            Channel::Sms => mobile,
            Channel::Webhook | Channel::Social => None,
        };
        let added = match address {
            Some(address) => suppress_in(&transaction, channel, &address, reason, source, at)?,
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
        let withdrawn = self.connection.execute(
            WITHDRAW_SQL,
            params![contact_id, channel.as_str(), utc_text(at)],
        )?;
        Ok(withdrawn as u64)
    }

    fn purge_expired_contacts(&mut self, at: OffsetDateTime) -> StoreResult<u64> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = utc_text(at);
        transaction.execute(PURGE_DETACH_SQL, [&at])?;
        transaction.execute(PURGE_CONSENTS_SQL, [&at])?;
        let purged = transaction.execute(PURGE_CONTACTS_SQL, [&at])?;
        transaction.commit()?;
        Ok(purged as u64)
    }

    fn export_contact(&mut self, id: i64) -> StoreResult<Option<ContactExport>> {
        let Some(contact) = contact_in(&self.connection, id)? else {
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
        let suppressions = {
            let mut statement = self.connection.prepare_cached(SUPPRESSIONS_OF_SQL)?;
            collect(statement.query(params![email_hash, mobile_hash])?, |row| {
                suppression_from(row)
            })?
        };
        let campaigns = {
            let mut statement = self.connection.prepare_cached(CAMPAIGNS_OF_SQL)?;
            collect(statement.query([id])?, |row| Columns::get::<i64>(row, 0))?
        };
        Ok(Some(ContactExport {
            contact,
            suppressions,
            campaigns,
        }))
    }

    fn erase_contact(&mut self, id: i64) -> StoreResult<bool> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(DETACH_RECIPIENTS_SQL, [id])?;
        transaction.execute(DELETE_CONSENTS_SQL, [id])?;
        let erased = transaction.execute(DELETE_CONTACT_SQL, [id])?;
        transaction.commit()?;
        Ok(erased > 0)
    }
}

/// Adds a contact's consent evidence that is not held yet; how many were added.
fn add_consents(connection: &Connection, id: i64, contact: &NewContact) -> StoreResult<u64> {
    let mut insert = connection.prepare_cached(INSERT_CONSENT_SQL)?;
    let mut added = 0;
    for consent in &contact.consents {
        added += insert.execute(params![
            id,
            consent.channel.as_str(),
            consent.basis.as_str(),
            utc_text(consent.given_at),
            consent.how,
            consent.wording,
            consent.withdrawn_at.map(utc_text),
        ])? as u64;
    }
    Ok(added)
}

/// One contact with its consent evidence.
fn contact_in(connection: &Connection, id: i64) -> StoreResult<Option<StoredContact>> {
    let mut statement = connection.prepare_cached(&contact_sql())?;
    let Some(mut contact) = collect(statement.query([id])?, |row| contact_from(row))?.pop() else {
        return Ok(None);
    };
    let mut consents = connection.prepare_cached(CONSENTS_SQL)?;
    contact.consents = collect(consents.query([id])?, |row| consent_from(row))?;
    Ok(Some(contact))
}

/// Adds a suppression unless held.
fn suppress_in(
    connection: &Connection,
    channel: Channel,
    address: &str,
    reason: SuppressionReason,
    source: &str,
    at: OffsetDateTime,
) -> StoreResult<bool> {
    let hash = address_hash(channel, address);
    let added = connection.execute(
        SUPPRESS_SQL,
        params![
            channel.as_str(),
            hash,
            reason.as_str(),
            utc_text(at),
            source
        ],
    )?;
    if let Some(mark) = mark_suppressed_sql(channel) {
        connection.execute(mark, [&hash])?;
    }
    Ok(added > 0)
}
