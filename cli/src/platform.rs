//! The seed platform's contact JSON, mapped onto a [`ContactInput`], so a user can
//! move their data in.
//!
//! The platform sends a contact as
//!
//! ```json
//! {"firstName": "John", "lastName": "Smith",
//!  "channels": [{"type": "email", "value": "john@example.com"},
//!               {"type": "sms", "value": "+380671234567"},
//!               {"type": "mobilepush", "value": "<token>",
//!                "device": {"appId": "…", "deviceModel": "iPhone 13", "os": "iOS", "locale": "uk-UA", "appVersion": "4.1.7"}},
//!               {"type": "webpush", "value": "{\"endpoint\":\"https://…\",\"keys\":{…}}"},
//!               {"type": "telegram", "value": "<chat id>", "botId": "<bot id>"}],
//!  "address": {"region": "…", "town": "…", "address": "…", "postcode": "…"},
//!  "fields": [{"id": 12345, "value": "writer"}],
//!  "contactKey": "…", "externalCustomerId": "…", "languageCode": "uk", "timeZone": "Europe/Kyiv"}
//! ```
//!
//! Additional fields come by the platform's numeric id: `--map-field 12345=job`
//! names the field here; an id without a mapping is read as a field key. Keys this
//! book has no use for (`id`, `addressBookId`, `ordersInfo`, `groups`, …) are ignored.

use contactkit::validate::unreadable::{from_json, ReadAs};
use contactkit::{
    Address, ContactInput, DeviceInput, Error, FieldInput, Patch, Platform, Telegram, WebPushInput,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Keys only the platform's shape has: one of them marks a line as platform JSON.
const PLATFORM_KEYS: [&str; 8] = [
    "channels",
    "firstName",
    "lastName",
    "contactKey",
    "externalCustomerId",
    "languageCode",
    "timeZone",
    "addressBookId",
];

/// True when a JSON object is in the platform's shape.
pub fn is_platform(object: &Map<String, Value>) -> bool {
    PLATFORM_KEYS.iter().any(|k| object.contains_key(*k))
}

/// How platform ids map to this book.
#[derive(Debug, Default)]
pub struct Mapping {
    /// Platform field id → field key.
    pub fields: BTreeMap<String, String>,
    /// Bot id for `telegram` channels that carry none.
    pub telegram_bot: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlatformContact {
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(default)]
    channels: Vec<PlatformChannel>,
    address: Option<PlatformAddress>,
    #[serde(default)]
    fields: Vec<PlatformField>,
    contact_key: Option<String>,
    external_customer_id: Option<String>,
    language_code: Option<String>,
    time_zone: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlatformChannel {
    #[serde(rename = "type")]
    kind: String,
    value: Value,
    device: Option<PlatformDevice>,
    bot_id: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlatformDevice {
    app_id: Option<String>,
    device_id: Option<String>,
    device_model: Option<String>,
    os: Option<String>,
    os_version: Option<String>,
    locale: Option<String>,
    app_version: Option<String>,
    active: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlatformAddress {
    country: Option<String>,
    region: Option<String>,
    town: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PlatformField {
    id: Value,
    #[serde(default)]
    value: Value,
}

/// Converts one platform contact. An error is the book's validation error naming the
/// platform's field (`channels[2].device.appId`), as for any other row.
pub fn to_input(value: &Value, mapping: &Mapping) -> Result<ContactInput, Error> {
    let contact: PlatformContact = from_json(value, ReadAs::Attributes("(row)"))?;
    let mut input = ContactInput {
        first_name: set(contact.first_name),
        last_name: set(contact.last_name),
        contact_key: set(contact.contact_key),
        external_id: set(contact.external_customer_id),
        language: set(contact.language_code),
        timezone: set(contact.time_zone),
        ..Default::default()
    };
    if let Some(address) = contact.address {
        input.address = Patch::Set(Address {
            country: address.country,
            region: address.region,
            town: address.town,
            street_address: address.address,
            postcode: address.postcode,
        });
    }
    let mut devices = Vec::new();
    let mut subscriptions = Vec::new();
    for (i, channel) in contact.channels.into_iter().enumerate() {
        let at = |part: &str| format!("channels[{i}].{part}");
        let text = || -> Result<String, Error> {
            match &channel.value {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                other => Err(Error::validation(
                    at("value"),
                    other.to_string(),
                    "expected a string",
                )),
            }
        };
        match channel.kind.to_ascii_lowercase().as_str() {
            "email" => input.email = Patch::Set(text()?),
            "sms" | "phone" => input.phone = Patch::Set(text()?),
            "mobilepush" => {
                let token = text()?;
                let device = channel.device.unwrap_or_default();
                let app_id = device.app_id.ok_or_else(|| {
                    Error::validation(
                        at("device.appId"),
                        "",
                        "a mobilepush channel needs the app it belongs to",
                    )
                })?;
                devices.push(DeviceInput {
                    app_id,
                    device_id: device.device_id.unwrap_or_else(|| token.clone()),
                    platform: platform_of(device.os.as_deref()),
                    token: Some(token),
                    model: device.device_model,
                    os: device.os,
                    os_version: device.os_version,
                    locale: device.locale,
                    app_version: device.app_version,
                    active: device.active,
                });
            }
            "webpush" => {
                // The platform keeps the browser's PushSubscription as a JSON string.
                let subscription = match channel.value {
                    Value::String(s) => serde_json::from_str::<Value>(&s).map_err(|e| {
                        Error::validation(
                            at("value"),
                            &s,
                            format!("not a push subscription JSON: {e}"),
                        )
                    })?,
                    other => other,
                };
                subscriptions.push(from_json::<WebPushInput>(
                    &subscription,
                    ReadAs::Value(&at("value")),
                )?);
            }
            "telegram" => {
                let chat_id = text()?;
                let bot_id = match channel.bot_id {
                    Some(Value::String(s)) => Some(s),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => mapping.telegram_bot.clone(),
                }
                .ok_or_else(|| {
                    Error::validation(
                        at("botId"),
                        "",
                        "a telegram channel needs its bot: add botId or pass --telegram-bot",
                    )
                })?;
                input.telegram = Patch::Set(Telegram { bot_id, chat_id });
            }
            other => {
                return Err(Error::validation(
                    at("type"),
                    other,
                    "unknown channel type: expected email, sms, mobilepush, webpush or telegram",
                ))
            }
        }
    }
    if !devices.is_empty() {
        input.mobile_push = Patch::Set(devices);
    }
    if !subscriptions.is_empty() {
        input.web_push = Patch::Set(subscriptions);
    }
    for (i, field) in contact.fields.into_iter().enumerate() {
        let id = match &field.id {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(Error::validation(
                    format!("fields[{i}].id"),
                    other.to_string(),
                    "expected a field id",
                ))
            }
        };
        let key = mapping.fields.get(&id).cloned().unwrap_or(id);
        let value = match field.value {
            Value::Null => None,
            Value::Bool(b) => Some(FieldInput::Bool(b)),
            // A JSON number is decimal text: an exact decimal field keeps it as written.
            Value::Number(n) => Some(match n.as_i64() {
                Some(i) => FieldInput::Integer(i),
                None => FieldInput::Text(n.to_string()),
            }),
            Value::String(s) => Some(FieldInput::Text(s)),
            Value::Array(items) => Some(FieldInput::List(
                items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect(),
            )),
            Value::Object(_) => {
                return Err(Error::validation(
                    format!("fields[{i}].value"),
                    "{…}",
                    "expected a value, got an object",
                ))
            }
        };
        input.fields.insert(key, value);
    }
    Ok(input)
}

/// A present value sets; an absent one keeps (the platform omits what it has not).
fn set(value: Option<String>) -> Patch<String> {
    match value {
        Some(v) => Patch::Set(v),
        None => Patch::Keep,
    }
}

/// The platform a device's OS name tells; `None` without one, so a device registered
/// again keeps the platform it had.
fn platform_of(os: Option<&str>) -> Option<Platform> {
    let os = os?.to_ascii_lowercase();
    Some(if os.contains("android") {
        Platform::Android
    } else if os.contains("ios") || os.contains("ipados") {
        Platform::Ios
    } else if os.contains("huawei") || os.contains("harmony") {
        Platform::Huawei
    } else {
        Platform::Other
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_every_documented_key() {
        let value = json!({
            "firstName": "John", "lastName": "Smith",
            "channels": [
                {"type": "email", "value": "john@example.com"},
                {"type": "sms", "value": "+380671234567"},
                {"type": "mobilepush", "value": "tok-1",
                 "device": {"appId": "shop", "deviceModel": "iPhone 13", "os": "iOS", "locale": "uk-UA", "appVersion": "4.1.7"}},
                {"type": "telegram", "value": "4412", "botId": 7001}
            ],
            "address": {"region": "Kyiv oblast", "town": "Kyiv", "address": "Khreshchatyk 1", "postcode": "01001"},
            "fields": [{"id": 12345, "value": "writer"}],
            "contactKey": "jk", "externalCustomerId": "crm-1", "languageCode": "uk", "timeZone": "Europe/Kyiv",
            "addressBookId": 1
        });
        let mapping = Mapping {
            fields: [("12345".to_string(), "job".to_string())].into(),
            telegram_bot: None,
        };
        let input = to_input(&value, &mapping).unwrap();
        assert_eq!(input.email, Patch::Set("john@example.com".into()));
        assert_eq!(input.external_id, Patch::Set("crm-1".into()));
        assert_eq!(input.timezone, Patch::Set("Europe/Kyiv".into()));
        let devices = input.mobile_push.as_set().unwrap();
        assert_eq!(devices[0].app_id, "shop");
        assert_eq!(devices[0].device_id, "tok-1");
        assert_eq!(devices[0].platform, Some(Platform::Ios));
        assert_eq!(
            input.telegram,
            Patch::Set(Telegram {
                bot_id: "7001".into(),
                chat_id: "4412".into()
            })
        );
        assert_eq!(
            input.address.as_set().unwrap().street_address.as_deref(),
            Some("Khreshchatyk 1")
        );
        assert_eq!(
            input.fields.get("job"),
            Some(&Some(FieldInput::Text("writer".into())))
        );
    }

    #[test]
    fn errors_name_the_platform_field() {
        let fails = |value: Value| match to_input(&value, &Mapping::default()) {
            Err(Error::Validation { field, value, .. }) => (field, value),
            other => panic!("expected a validation error, got {other:?}"),
        };
        let (field, value) = fails(json!({"channels": [{"type": "fax", "value": "1"}]}));
        assert_eq!(
            (field.as_str(), value.as_str()),
            ("channels[0].type", "fax")
        );
        let (field, _) = fails(json!({"channels": [{"type": "mobilepush", "value": "t"}]}));
        assert_eq!(field, "channels[0].device.appId");
        // serde's errors go through the book's one conversion: path and quoted value.
        let (field, value) = fails(json!({"channels": [{"type": 5, "value": "t"}]}));
        assert_eq!((field.as_str(), value.as_str()), ("channels[0].type", "5"));
        let (field, value) = fails(json!({"channels": [
            {"type": "webpush", "value": {"endpoint": "https://push.example/1", "keys": {"p256dh": 7}}}
        ]}));
        assert_eq!(
            (field.as_str(), value.as_str()),
            ("channels[0].value.keys.p256dh", "7")
        );
    }
}
