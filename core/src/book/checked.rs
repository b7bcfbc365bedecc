//! The first half of applying a [`ContactInput`]: every value that needs neither the
//! store nor the clock, validated and normalised up front. An import checks a batch
//! this way on the caller's thread while the writer applies the batch before it; a
//! single upsert or update checks its one input the same way, so each rule still
//! has one home (`Unit::merge` takes only a [`CheckedInput`]).

use super::consent::MAX_REASON_CHARS;
use super::ContactBook;
use crate::model::{
    Address, Channel, ChannelStatus, ContactInput, Identifier, Patch, SuppressionKind, Telegram,
};
use crate::validate::{self, limits, optional_text, required_text, MAX_IDENTIFIER_CHARS};
use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// An input whose store-independent values are checked: its id, names, external id, contact
/// key, address, time zone, language, Telegram, email and phone. The rest (id,
/// location, devices, web push, categories, segments, fields) is checked by the
/// merge, which needs the store or the unit of work's clock.
#[derive(Debug, Clone)]
pub(super) struct CheckedInput {
    /// The input as given: the merge reads the unchecked parts from it, and error
    /// messages quote its values.
    pub input: ContactInput,
    /// The caller's contact id, in its canonical form.
    pub id: Option<String>,
    pub first_name: Patch<String>,
    pub last_name: Patch<String>,
    pub external_id: Patch<String>,
    pub contact_key: Patch<String>,
    /// A set address that validated to nothing is `Set(None)`.
    pub address: Patch<Option<Address>>,
    pub timezone: Patch<String>,
    pub language: Patch<String>,
    pub telegram: Patch<Telegram>,
    /// Normalised.
    pub email: Patch<String>,
    pub phone: Patch<CheckedPhone>,
    /// The consent states the input carries (`email_status`, `phone_status`).
    pub consent: Vec<ConsentClaim>,
}

/// A consent state an input gives for its email or phone, checked but for what needs
/// the contact or the clock (an address to hold it, a date not after now).
#[derive(Debug, Clone)]
pub(super) struct ConsentClaim {
    pub channel: Channel,
    /// What to record, named by the status key (`email_status`).
    pub field: &'static str,
    pub status: ChannelStatus,
    pub at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

impl ConsentClaim {
    /// The suppression the state records, if it is one.
    pub fn suppression(&self) -> Option<SuppressionKind> {
        match self.status {
            ChannelStatus::Unsubscribed => Some(SuppressionKind::Unsubscribed),
            ChannelStatus::SpamComplaint => Some(SuppressionKind::SpamComplaint),
            ChannelStatus::Blacklisted => Some(SuppressionKind::Blacklisted),
            ChannelStatus::Active | ChannelStatus::Unconfirmed => None,
        }
    }
}

/// A phone read in the region its input implies (the input's own country, else the
/// book's default). The contact's region is only known to the merge when the input
/// leaves the address as it is; if it is another region the merge reads the number
/// again, so a failure here is kept rather than reported.
#[derive(Debug, Clone)]
pub(super) struct CheckedPhone {
    pub raw: String,
    pub region: Option<String>,
    pub normalized: Result<String>,
}

impl CheckedInput {
    /// The identifiers an upsert of this input looks up, as the store keeps them
    /// (an import asks for a whole batch's at once).
    pub fn identifiers(&self) -> Vec<Identifier> {
        let set = |patch: &Patch<String>| patch.as_set().cloned();
        let phone = self.phone.as_set().and_then(|p| p.normalized.clone().ok());
        set(&self.email)
            .map(Identifier::Email)
            .into_iter()
            .chain(phone.map(Identifier::Phone))
            .chain(set(&self.external_id).map(Identifier::ExternalId))
            .chain(set(&self.contact_key).map(Identifier::ContactKey))
            .chain(self.changeable_identifiers())
            .collect()
    }

    /// The push tokens, web push endpoints and Telegram chat the input gives: the
    /// identifiers that move to whoever registers them last.
    pub fn changeable_identifiers(&self) -> Vec<Identifier> {
        let tokens = self
            .input
            .mobile_push
            .as_set()
            .into_iter()
            .flatten()
            .filter_map(|d| d.token.as_deref())
            .map(|t| Identifier::PushToken(t.trim().to_string()));
        let endpoints = self
            .input
            .web_push
            .as_set()
            .into_iter()
            .flatten()
            .filter_map(|s| validate::normalize_endpoint(&s.endpoint).ok())
            .map(Identifier::WebPushEndpoint);
        let chat = self
            .telegram
            .as_set()
            .map(|t| Identifier::TelegramChat(t.chat_id.clone()));
        tokens.chain(endpoints).chain(chat).collect()
    }
}

impl CheckedPhone {
    /// The phone in E.164 form read in `region`: the checked answer when it was read
    /// in that region, else a new reading.
    pub fn in_region(&self, region: Option<&str>) -> Result<String> {
        if self.region.as_deref() == region {
            self.normalized.clone()
        } else {
            validate::normalize_phone(&self.raw, region)
        }
    }
}

impl ContactBook {
    /// Checks `input`'s store-independent values, in the order a caller reads them,
    /// and reports the first that fails.
    pub(super) fn check_input(&self, input: ContactInput) -> Result<CheckedInput> {
        self.check_values(&input).map(|checked| checked(input))
    }

    /// [`ContactBook::check_input`] without taking the input: what it returns makes the
    /// checked input from it, so an import can leave a refused value out of the same
    /// input and check it again.
    pub(super) fn check_values(
        &self,
        input: &ContactInput,
    ) -> Result<impl FnOnce(ContactInput) -> CheckedInput> {
        let id = input
            .id
            .as_deref()
            .map(validate::normalize_contact_id)
            .transpose()?;
        let size = limits::json_size(&input);
        if size > limits::MAX_IMPORT_ROW_BYTES {
            return Err(Error::validation(
                "input",
                format!("{size} bytes of JSON"),
                format!("larger than {} bytes", limits::MAX_IMPORT_ROW_BYTES),
            ));
        }
        let name = |field: &'static str| move |v: &String| validate::validate_name(field, v);
        let text =
            |field: &'static str| move |v: &String| required_text(field, v, MAX_IDENTIFIER_CHARS);
        let first_name = input.first_name.as_ref().try_map(name("first_name"))?;
        let last_name = input.last_name.as_ref().try_map(name("last_name"))?;
        let external_id = input.external_id.as_ref().try_map(text("external_id"))?;
        let contact_key = input.contact_key.as_ref().try_map(text("contact_key"))?;
        let address = input
            .address
            .as_ref()
            .try_map(|a| validate::validate_address(a).map_err(|e| e.within("address")))?;
        let timezone = input
            .timezone
            .as_ref()
            .try_map(|v| validate::normalize_timezone(v))?;
        let language = input
            .language
            .as_ref()
            .try_map(|v| validate::normalize_language(v))?;
        let telegram = input
            .telegram
            .as_ref()
            .try_map(|t| validate::validate_telegram(t).map_err(|e| e.within("telegram")))?;
        let email = input
            .email
            .as_ref()
            .try_map(|v| validate::normalize_email(v))?;
        let country = match &address {
            Patch::Set(Some(address)) => address.country.as_deref(),
            _ => None,
        };
        let region = self.phone_region(country).map(str::to_string);
        let phone = input.phone.as_ref().try_map(|raw| {
            Ok::<_, Error>(CheckedPhone {
                raw: raw.clone(),
                normalized: validate::normalize_phone(raw, region.as_deref()),
                region: region.clone(),
            })
        })?;
        let consent = [
            check_consent(
                Channel::Email,
                ["email_status", "email_status_at", "email_status_reason"],
                input.email_status,
                input.email_status_at,
                input.email_status_reason.as_deref(),
            )?,
            check_consent(
                Channel::Sms,
                ["phone_status", "phone_status_at", "phone_status_reason"],
                input.phone_status,
                input.phone_status_at,
                input.phone_status_reason.as_deref(),
            )?,
        ]
        .into_iter()
        .flatten()
        .collect();
        Ok(move |input| CheckedInput {
            id,
            first_name,
            last_name,
            external_id,
            contact_key,
            address,
            timezone,
            language,
            telegram,
            email,
            phone,
            consent,
            input,
        })
    }
}

/// A consent state with its date and reason, as the keys named `fields` give it.
fn check_consent(
    channel: Channel,
    fields: [&'static str; 3],
    status: Option<ChannelStatus>,
    at: Option<DateTime<Utc>>,
    reason: Option<&str>,
) -> Result<Option<ConsentClaim>> {
    let [status_field, at_field, reason_field] = fields;
    let reason = optional_text(reason_field, reason, MAX_REASON_CHARS)?;
    let at = at
        .map(|at| limits::check_instant(at_field, at))
        .transpose()?;
    let Some(status) = status else {
        return match (at, reason) {
            (None, None) => Ok(None),
            (Some(at), _) => Err(Error::validation(
                at_field,
                at.to_rfc3339(),
                format!("is the date of {status_field}, which is not given"),
            )),
            (None, Some(reason)) => Err(Error::validation(
                reason_field,
                reason,
                format!("is the reason of {status_field}, which is not given"),
            )),
        };
    };
    if matches!(status, ChannelStatus::Active | ChannelStatus::Unconfirmed)
        && (at.is_some() || reason.is_some())
    {
        return Err(Error::validation(
            status_field,
            status.as_str(),
            format!("records no suppression, so it takes no {at_field} or {reason_field}"),
        ));
    }
    Ok(Some(ConsentClaim {
        channel,
        field: status_field,
        status,
        at,
        reason,
    }))
}
