//! The changeable identifiers of a contact's channels: mobile push devices, W3C web
//! push subscriptions and the Telegram binding.

use super::{optional_text, required_text, MAX_IDENTIFIER_CHARS};
use crate::model::{DeviceInput, MobilePushDevice, Telegram, WebPushInput, WebPushSubscription};
use crate::{Error, Result};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};
use chrono::{DateTime, Utc};

/// Length of an uncompressed P-256 public key: 0x04, then X and Y.
const P256_POINT_BYTES: usize = 65;
const P256_UNCOMPRESSED_TAG: u8 = 0x04;
const AUTH_SECRET_BYTES: usize = 16;
const MAX_ENDPOINT_CHARS: usize = 2048;
const MAX_TOKEN_CHARS: usize = 4096;

/// Browsers emit base64url without padding, but some servers add it: accept both.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Checks a device registration; stamps both dates with `now`. A push
/// registration needs a token; an app installation may come without one.
pub fn validate_device(
    input: &DeviceInput,
    token_required: bool,
    now: DateTime<Utc>,
) -> Result<MobilePushDevice> {
    let token = optional_text("token", input.token.as_deref(), MAX_TOKEN_CHARS)?;
    if token_required && token.is_none() {
        return Err(Error::validation(
            "token",
            input.token.as_deref().unwrap_or_default(),
            "a push device needs a token",
        ));
    }
    let text = |field, value: &Option<String>| {
        optional_text(field, value.as_deref(), MAX_IDENTIFIER_CHARS)
    };
    Ok(MobilePushDevice {
        app_id: required_text("app_id", &input.app_id, MAX_IDENTIFIER_CHARS)?,
        device_id: required_text("device_id", &input.device_id, MAX_IDENTIFIER_CHARS)?,
        token,
        platform: input.platform.unwrap_or_default(),
        model: text("model", &input.model)?,
        os: text("os", &input.os)?,
        os_version: text("os_version", &input.os_version)?,
        locale: text("locale", &input.locale)?,
        app_version: text("app_version", &input.app_version)?,
        active: input.active.unwrap_or(true),
        registered_at: now,
        last_seen_at: now,
    })
}

/// Checks a web push subscription (https endpoint, a 65-byte P-256 point and a
/// 16-byte secret, flat or under `keys`); stamps `created_at` with `now`.
pub fn validate_web_push(input: &WebPushInput, now: DateTime<Utc>) -> Result<WebPushSubscription> {
    let endpoint = normalize_endpoint(&input.endpoint)?;
    let nested = input.keys.as_ref();
    let p256dh = input
        .p256dh
        .as_deref()
        .or(nested.map(|k| k.p256dh.as_str()))
        .unwrap_or_default();
    let auth = input
        .auth
        .as_deref()
        .or(nested.map(|k| k.auth.as_str()))
        .unwrap_or_default();
    let p256dh_bytes = decode_key("p256dh", p256dh, P256_POINT_BYTES)?;
    if p256dh_bytes.first() != Some(&P256_UNCOMPRESSED_TAG) {
        return Err(Error::validation(
            "p256dh",
            p256dh,
            "not an uncompressed P-256 point",
        ));
    }
    decode_key("auth", auth, AUTH_SECRET_BYTES)?;
    let text =
        |field, value: &Option<String>| optional_text(field, value.as_deref(), MAX_ENDPOINT_CHARS);
    Ok(WebPushSubscription {
        endpoint,
        p256dh: BASE64URL.encode(&p256dh_bytes),
        auth: auth.trim().trim_end_matches('=').to_string(),
        user_agent: text("user_agent", &input.user_agent)?,
        language: input
            .language
            .as_deref()
            .map(super::normalize_language)
            .transpose()?,
        os: text("os", &input.os)?,
        subscription_page: text("subscription_page", &input.subscription_page)?,
        created_at: now,
    })
}

/// A web push endpoint in its one canonical form (an https URL as the `url` crate
/// writes it), the form it is stored, looked up and removed by.
pub fn normalize_endpoint(raw: &str) -> Result<String> {
    let text = required_text("endpoint", raw, MAX_ENDPOINT_CHARS)?;
    let url = url::Url::parse(&text)
        .map_err(|e| Error::validation("endpoint", raw, format!("not a URL: {e}")))?;
    if url.scheme() != "https" || url.host_str().is_none() {
        return Err(Error::validation("endpoint", raw, "must be an https URL"));
    }
    Ok(url.to_string())
}

fn decode_key(field: &str, value: &str, expected_len: usize) -> Result<Vec<u8>> {
    let bytes = BASE64URL
        .decode(value.trim())
        .map_err(|e| Error::validation(field, value, format!("not base64url: {e}")))?;
    if bytes.len() != expected_len {
        return Err(Error::validation(
            field,
            value,
            format!("must decode to {expected_len} bytes, got {}", bytes.len()),
        ));
    }
    Ok(bytes)
}

/// Checks a Telegram binding: a bot id and a chat id.
pub fn validate_telegram(telegram: &Telegram) -> Result<Telegram> {
    Ok(Telegram {
        bot_id: required_text("bot_id", &telegram.bot_id, MAX_IDENTIFIER_CHARS)?,
        chat_id: required_text("chat_id", &telegram.chat_id, MAX_IDENTIFIER_CHARS)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WebPushKeys;

    pub(crate) const P256DH: &str =
        "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
    pub(crate) const AUTH: &str = "tBHItJI5svbpez7KI4CCXg";

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    #[test]
    fn accepts_flat_and_nested_keys() {
        let flat = WebPushInput {
            endpoint: "https://fcm.googleapis.com/fcm/send/abc".into(),
            p256dh: Some(P256DH.into()),
            auth: Some(format!("{AUTH}==")),
            ..Default::default()
        };
        let nested = WebPushInput {
            endpoint: flat.endpoint.clone(),
            keys: Some(WebPushKeys {
                p256dh: P256DH.into(),
                auth: AUTH.into(),
            }),
            ..Default::default()
        };
        let a = validate_web_push(&flat, now()).unwrap();
        let b = validate_web_push(&nested, now()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.auth, AUTH);
    }

    #[test]
    fn rejects_bad_subscriptions() {
        let good = WebPushInput {
            endpoint: "https://push.example.com/x".into(),
            p256dh: Some(P256DH.into()),
            auth: Some(AUTH.into()),
            ..Default::default()
        };
        let cases = [
            (
                WebPushInput {
                    endpoint: "http://push.example.com/x".into(),
                    ..good.clone()
                },
                "endpoint",
            ),
            (
                WebPushInput {
                    endpoint: "not a url".into(),
                    ..good.clone()
                },
                "endpoint",
            ),
            (
                WebPushInput {
                    p256dh: Some("AAAA".into()),
                    ..good.clone()
                },
                "p256dh",
            ),
            (
                WebPushInput {
                    p256dh: None,
                    ..good.clone()
                },
                "p256dh",
            ),
            (
                WebPushInput {
                    auth: Some("!!".into()),
                    ..good.clone()
                },
                "auth",
            ),
            (
                WebPushInput {
                    auth: Some(P256DH.into()),
                    ..good.clone()
                },
                "auth",
            ),
        ];
        for (input, field) in cases {
            assert_eq!(
                validate_web_push(&input, now()).unwrap_err().field(),
                Some(field)
            );
        }
    }

    #[test]
    fn devices_need_app_device_and_token() {
        let input = DeviceInput {
            app_id: "shop".into(),
            device_id: "d1".into(),
            token: Some("T".into()),
            ..Default::default()
        };
        let device = validate_device(&input, true, now()).unwrap();
        assert!(device.active);
        assert_eq!(device.registered_at, now());
        let no_token = DeviceInput {
            token: Some(" ".into()),
            ..input
        };
        assert_eq!(
            validate_device(&no_token, true, now()).unwrap_err().field(),
            Some("token")
        );
        assert_eq!(
            validate_device(&no_token, false, now()).unwrap().token,
            None,
            "an app install needs no token"
        );
        let no_app = DeviceInput {
            app_id: String::new(),
            ..no_token
        };
        assert_eq!(
            validate_device(&no_app, false, now()).unwrap_err().field(),
            Some("app_id")
        );
    }
}
