//! Consent operations: suppressions per address, double opt-in, and `can_send`.

use super::timeline::checked_at;
use super::IMPORT_BATCH_ROWS;
use super::{ContactBook, Unit};
use crate::consent;
use crate::model::{
    Channel, Contact, ContactRecord, RejectedRow, RowProblem, SendDecision, SendReason,
    SuppressionImportReport, SuppressionInput, SuppressionKind, SuppressionRecord,
};
use crate::store::Parts;
use crate::validate::{self, limits, optional_text, required_text};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The longest reason or note a suppression record carries (recorded, lifted or restored).
pub(super) const MAX_REASON_CHARS: usize = 1000;
/// The reason recorded when a blacklist gives none.
const MANUAL: &str = "manual";

impl ContactBook {
    /// Blacklists the contact's address on `channel` (default reason `manual`).
    /// The record stays with the address, whoever holds it later. `at` is when it
    /// happened (history moved in from another system), at most the book's clock;
    /// the book's clock when `None`, as for every consent operation.
    pub fn blacklist(
        &self,
        id: &str,
        channel: Channel,
        reason: Option<&str>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Contact> {
        let reason = optional_text("reason", reason, MAX_REASON_CHARS)?
            .unwrap_or_else(|| MANUAL.to_string());
        self.suppress(id, channel, SuppressionKind::Blacklisted, Some(reason), at)
    }

    /// Lifts a blacklist; the note is required and kept on the record.
    pub fn unblacklist(&self, id: &str, channel: Channel, note: &str) -> Result<Contact> {
        let note = required_text("note", note, MAX_REASON_CHARS)?;
        self.lift(id, channel, &[SuppressionKind::Blacklisted], note)
    }

    /// Records that the person opted out of `channel` (`at` as for `blacklist`).
    pub fn unsubscribe(
        &self,
        id: &str,
        channel: Channel,
        reason: Option<&str>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Contact> {
        let reason = optional_text("reason", reason, MAX_REASON_CHARS)?;
        self.suppress(id, channel, SuppressionKind::Unsubscribed, reason, at)
    }

    /// The person opts back in: lifts their own unsubscribe and spam complaint on
    /// `channel` (a blacklist needs `unblacklist`).
    pub fn resubscribe(&self, id: &str, channel: Channel, note: Option<&str>) -> Result<Contact> {
        let note = optional_text("note", note, MAX_REASON_CHARS)?
            .unwrap_or_else(|| "resubscribed".to_string());
        self.lift(
            id,
            channel,
            &[
                SuppressionKind::Unsubscribed,
                SuppressionKind::SpamComplaint,
            ],
            note,
        )
    }

    /// Records that the person reported a message on `channel` as spam, with the
    /// reason if one is known (a feedback loop's report type, say); `at` as for
    /// `blacklist`.
    pub fn report_spam(
        &self,
        id: &str,
        channel: Channel,
        reason: Option<&str>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Contact> {
        let reason = optional_text("reason", reason, MAX_REASON_CHARS)?;
        self.suppress(id, channel, SuppressionKind::SpamComplaint, reason, at)
    }

    /// Records a suppression on an email or phone that no contact may hold yet
    /// (another sender's suppression list, an import of unsubscribes): a contact that
    /// takes the address later is suppressed. Recording the same kind again is a
    /// no-op. `at` is when it happened, as for `blacklist`. Returns the records now
    /// kept for the address on `channel`.
    pub fn suppress_address(
        &self,
        channel: Channel,
        address: &str,
        kind: SuppressionKind,
        reason: Option<&str>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Vec<SuppressionRecord>> {
        let address = self.address_to_suppress(channel, address)?;
        let reason = optional_text("reason", reason, MAX_REASON_CHARS)?;
        let at = checked_at(at)?;
        self.atomic(|unit| {
            let at = unit.happened_at(at)?;
            unit.reveal_erased(&address)?;
            unit.suppress(channel, &address, kind, at, reason.clone())?;
            let mut records = unit.tx.suppressions(&address)?;
            records.retain(|r| r.channel == channel);
            Ok(records)
        })
    }

    /// Records a suppression list (another sender's unsubscribes, an ESP's bounces and
    /// complaints), as [`ContactBook::suppress_address`] records each row, in batches of
    /// [`IMPORT_BATCH_ROWS`] rows per unit of work. A row that is refused (a malformed
    /// address, a date after the book's clock, an unknown channel) is reported with its
    /// index and writes nothing; the others are recorded. A storage failure stops it:
    /// the batches before are kept.
    pub fn import_suppressions<I>(&self, rows: I) -> Result<SuppressionImportReport>
    where
        I: IntoIterator<Item = Result<SuppressionInput>>,
    {
        let mut report = SuppressionImportReport::default();
        let mut rows = rows.into_iter().enumerate().peekable();
        while rows.peek().is_some() {
            let batch: Vec<(usize, Result<Suppression>)> = rows
                .by_ref()
                .take(IMPORT_BATCH_ROWS)
                .map(|(index, row)| (index, row.and_then(|row| self.check_suppression(row))))
                .collect();
            let mut batch = self.replayable(batch);
            let outcomes = self.atomic(|unit| {
                batch
                    .take()?
                    .into_iter()
                    .map(|(index, row)| {
                        let recorded = row.and_then(|(channel, address, kind, at, reason)| {
                            let at = unit.happened_at(at)?;
                            unit.reveal_erased(&address)?;
                            unit.suppress(channel, &address, kind, at, reason)
                        });
                        match recorded {
                            Err(e @ Error::Storage { .. }) => Err(e),
                            other => Ok((index, other)),
                        }
                    })
                    .collect::<Result<Vec<_>>>()
            })?;
            for (index, outcome) in outcomes {
                match outcome {
                    Ok(true) => report.recorded += 1,
                    Ok(false) => report.unchanged += 1,
                    Err(error) => report.rejected.push(RejectedRow {
                        index: index as u64,
                        field: error.field().map(str::to_string),
                        reason: error.to_string(),
                        problems: vec![RowProblem::of(&error)],
                    }),
                }
            }
        }
        Ok(report)
    }

    /// A suppression row's values checked as `suppress_address` checks them, all but
    /// its date against the clock.
    fn check_suppression(&self, row: SuppressionInput) -> Result<Suppression> {
        let SuppressionInput {
            channel,
            address,
            kind,
            reason,
            at,
        } = row;
        let address = self.address_to_suppress(channel, &address)?;
        let reason = optional_text("reason", reason.as_deref(), MAX_REASON_CHARS)?;
        let at = checked_at(at)?;
        Ok((channel, address, kind, at, reason))
    }

    /// Confirms a signed-up email (`email`) or phone (`sms`): double opt-in done.
    pub fn confirm(&self, id: &str, channel: Channel) -> Result<Contact> {
        self.atomic(|unit| {
            let mut record = unit.live_contact(id)?;
            match channel {
                Channel::Email if record.email.is_some() => record.email_confirmed = true,
                Channel::Sms if record.phone.is_some() => record.phone_confirmed = true,
                Channel::Email | Channel::Sms => {
                    return Err(Error::validation(
                        "channel",
                        channel.as_str(),
                        "the contact has no such address",
                    ))
                }
                _ => {
                    return Err(Error::validation(
                        "channel",
                        channel.as_str(),
                        "only email and sms are confirmed",
                    ))
                }
            }
            let record = unit.save(record)?;
            unit.view(record)
        })
    }

    /// Every suppression record kept for `address` on `channel`, lifted ones too,
    /// oldest first. The address is normalised like an email or phone; for push and
    /// Telegram channels it is the contact id.
    pub fn suppressions(&self, channel: Channel, address: &str) -> Result<Vec<SuppressionRecord>> {
        let address = self.suppression_key(channel, address)?;
        self.read(|unit| {
            let address = match channel {
                Channel::Email | Channel::Sms => address.clone(),
                // A merged-away id's records live on the contact it was merged into.
                // Only a contact's records are kept at an id.
                Channel::MobilePush | Channel::WebPush | Channel::Telegram => {
                    match unit.contact_with(&address, Parts::NONE)? {
                        Some(record) => record.id,
                        None => return Ok(Vec::new()),
                    }
                }
            };
            let mut records = unit.tx.suppressions(&address)?;
            records.extend(unit.erased_suppressions(&address)?);
            records.retain(|r| r.channel == channel);
            records.sort_by_key(|r| r.at);
            Ok(records)
        })
    }

    /// May a message go to this contact on `channel` (and, if given, in `category`)?
    /// `who` is any identifier a lookup takes: the contact's id (any case), email,
    /// phone, external id or contact key. An unknown or deleted contact is an answer
    /// (`unknown_contact`), not an error; an undefined category is an error.
    pub fn can_send(
        &self,
        who: &str,
        channel: Channel,
        category: Option<&str>,
    ) -> Result<SendDecision> {
        self.read(|unit| {
            unit.require_category(category)?;
            let mut decisions = unit.decide_all(&[who], channel, category)?;
            decisions
                .pop()
                .ok_or_else(|| Error::storage("a send decision went missing"))
        })
    }

    /// [`ContactBook::can_send`] for many recipients in one read (one snapshot of the
    /// book): one decision per entry of `ids` (any identifiers), in order.
    pub fn can_send_many<S: AsRef<str>>(
        &self,
        ids: &[S],
        channel: Channel,
        category: Option<&str>,
    ) -> Result<Vec<SendDecision>> {
        limits::check_count("ids", ids.len(), limits::MAX_PAGE as usize)?;
        self.read(|unit| {
            unit.require_category(category)?;
            unit.decide_all(ids, channel, category)
        })
    }

    fn suppress(
        &self,
        id: &str,
        channel: Channel,
        kind: SuppressionKind,
        reason: Option<String>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Contact> {
        let at = checked_at(at)?;
        self.atomic(|unit| {
            let at = unit.happened_at(at)?;
            let record = unit.live_contact(id)?;
            let address = require_address(&record, channel)?;
            unit.suppress(channel, &address, kind, at, reason.clone())?;
            unit.view(record)
        })
    }

    fn lift(
        &self,
        id: &str,
        channel: Channel,
        kinds: &[SuppressionKind],
        note: String,
    ) -> Result<Contact> {
        self.atomic(|unit| {
            let record = unit.live_contact(id)?;
            let address = require_address(&record, channel)?;
            let mut records = unit.tx.suppressions(&address)?;
            let mut lifted = false;
            for r in records
                .iter_mut()
                .filter(|r| r.channel == channel && r.is_active() && kinds.contains(&r.kind))
            {
                r.lifted_at = Some(unit.now);
                r.lift_note = Some(note.clone());
                lifted = true;
            }
            if !lifted {
                let what = kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ");
                return Err(Error::not_found(
                    format!("{what} record"),
                    format!("{channel} {address}"),
                ));
            }
            unit.tx.put_suppressions(&address, &records)?;
            unit.note_consent_at(channel, &address)?;
            unit.view(record)
        })
    }
}

fn require_address(record: &ContactRecord, channel: Channel) -> Result<String> {
    consent::suppression_address(record, channel)
        .map(str::to_string)
        .ok_or_else(|| {
            Error::validation(
                "channel",
                channel.as_str(),
                "the contact has no address on this channel",
            )
        })
}

/// A suppression to record, checked but for its date: where, what, when and why.
type Suppression = (
    Channel,
    String,
    SuppressionKind,
    Option<DateTime<Utc>>,
    Option<String>,
);

impl ContactBook {
    /// An email or phone as a suppression of no contact is kept under it; push and
    /// Telegram channels have no address apart from a contact.
    fn address_to_suppress(&self, channel: Channel, address: &str) -> Result<String> {
        if !matches!(channel, Channel::Email | Channel::Sms) {
            return Err(Error::validation(
                "channel",
                channel.as_str(),
                "only email and sms addresses are suppressed by address; push and Telegram suppressions belong to a contact",
            ));
        }
        self.suppression_key(channel, address)
    }

    /// An address as suppressions are kept under it: a normalised email or phone, or
    /// for push and Telegram channels the contact id.
    fn suppression_key(&self, channel: Channel, address: &str) -> Result<String> {
        match channel {
            Channel::Email => validate::normalize_email(address),
            Channel::Sms => validate::normalize_phone(address, self.phone_region(None)),
            Channel::MobilePush | Channel::WebPush | Channel::Telegram => {
                Ok(validate::canonical_id(address))
            }
        }
    }
}

impl Unit<'_> {
    fn require_category(&mut self, category: Option<&str>) -> Result<()> {
        match category {
            Some(key) if self.tx.category(key)?.is_none() => Err(Error::not_found("category", key)),
            _ => Ok(()),
        }
    }

    /// The `can_send` answer for the live contact `who` names.
    /// The send decision for each of `names` (any identifiers), in order, with three
    /// reads for all of them: the contacts they name, and the suppressions at the
    /// addresses `channel` sends to.
    fn decide_all<S: AsRef<str>>(
        &mut self,
        names: &[S],
        channel: Channel,
        category: Option<&str>,
    ) -> Result<Vec<SendDecision>> {
        let parts = consent::parts_deciding(channel, category);
        let records = self.live_contacts_named(names, parts)?;
        let addresses: Vec<&str> = records
            .iter()
            .flatten()
            .filter_map(|record| consent::suppression_address(record, channel))
            .collect();
        let suppressions: HashMap<String, Vec<SuppressionRecord>> =
            self.tx.suppressions_at(&addresses)?.into_iter().collect();
        Ok(records
            .iter()
            .map(|record| match record {
                None => SendReason::UnknownContact.into(),
                Some(record) => {
                    let held = consent::suppression_address(record, channel)
                        .and_then(|address| suppressions.get(address))
                        .map_or(&[][..], Vec::as_slice);
                    consent::decide(record, channel, held, category).into()
                }
            })
            .collect())
    }

    /// When a consent change given `at` happened: then, if it is not after the
    /// unit's clock, else now.
    pub(super) fn happened_at(&self, at: Option<DateTime<Utc>>) -> Result<DateTime<Utc>> {
        match at {
            Some(at) if at > self.now => Err(Error::validation(
                "at",
                at.to_rfc3339(),
                "is after the book's clock",
            )),
            Some(at) => Ok(at),
            None => Ok(self.now),
        }
    }

    /// Records a suppression at `address` unless one of the same kind is already in
    /// force there (the first date and reason stand); says whether it recorded one.
    /// Records stay oldest first, so one dated in the past takes its place in time.
    pub(super) fn suppress(
        &mut self,
        channel: Channel,
        address: &str,
        kind: SuppressionKind,
        at: DateTime<Utc>,
        reason: Option<String>,
    ) -> Result<bool> {
        let mut records = self.tx.suppressions(address)?;
        if records
            .iter()
            .any(|r| r.channel == channel && r.kind == kind && r.is_active())
        {
            return Ok(false);
        }
        records.push(SuppressionRecord {
            channel,
            address: address.to_string(),
            kind,
            at,
            reason,
            lifted_at: None,
            lift_note: None,
        });
        records.sort_by_key(|r| r.at);
        self.tx.put_suppressions(address, &records)?;
        self.note_consent_at(channel, address)?;
        Ok(true)
    }
}
