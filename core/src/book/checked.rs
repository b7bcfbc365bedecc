//! The first half of applying a [`ContactInput`]: every value that needs neither the
//! store nor the clock, validated and normalised up front. An import checks a batch
//! this way on the caller's thread while the writer applies the batch before it; a
//! single upsert or update checks its one input the same way, so each rule still
//! has one home (`Unit::merge` takes only a [`CheckedInput`]).

use super::ContactBook;
use crate::model::{Address, ContactInput, Identifier, Patch, Telegram};
use crate::validate::{self, limits, required_text, MAX_IDENTIFIER_CHARS};
use crate::{Error, Result};

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
            Ok(CheckedPhone {
                raw: raw.clone(),
                normalized: validate::normalize_phone(raw, region.as_deref()),
                region: region.clone(),
            })
        })?;
        Ok(CheckedInput {
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
            input,
        })
    }
}
