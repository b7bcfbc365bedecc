//! Ways to reach a contact besides email and phone: mobile push devices, web push
//! subscriptions and a Telegram chat.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A channel a message can be sent on; the unit of consent and `can_send`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email to the contact's address.
    Email,
    /// Text messages to the contact's phone number.
    Sms,
    /// Mobile push to the contact's app devices.
    MobilePush,
    /// Browser push to the contact's web push subscriptions.
    WebPush,
    /// A Telegram bot chat.
    Telegram,
}

impl Channel {
    /// Every channel, in declaration order.
    pub const ALL: [Channel; 5] = [
        Channel::Email,
        Channel::Sms,
        Channel::MobilePush,
        Channel::WebPush,
        Channel::Telegram,
    ];

    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::MobilePush => "mobile_push",
            Channel::WebPush => "web_push",
            Channel::Telegram => "telegram",
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Channel {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                crate::Error::validation(
                    "channel",
                    s,
                    "expected one of email, sms, mobile_push, web_push, telegram",
                )
            })
    }
}

/// The operating system family of a push device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// Apple iOS / iPadOS (APNs).
    Ios,
    /// Google Android (FCM).
    Android,
    /// Huawei (HMS Push Kit).
    Huawei,
    /// Anything else.
    #[default]
    Other,
}

/// One app installation on one device, able to receive mobile push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MobilePushDevice {
    /// The app the token belongs to (bundle id or the customer's app key).
    pub app_id: String,
    /// The device's id within the app.
    pub device_id: String,
    /// The push token; unique in the book. `None` for an installed app that has
    /// no push permission (registered with `register_app`).
    pub token: Option<String>,
    /// The device's OS family.
    pub platform: Platform,
    /// Device model, e.g. `iPhone15,2`.
    pub model: Option<String>,
    /// OS name as reported by the SDK.
    pub os: Option<String>,
    /// OS version.
    pub os_version: Option<String>,
    /// Device locale, e.g. `uk-UA`.
    pub locale: Option<String>,
    /// Version of the app on the device.
    pub app_version: Option<String>,
    /// False when pushes to this device should not be sent (token revoked, app signed out).
    pub active: bool,
    /// When the device was first registered on this contact.
    pub registered_at: DateTime<Utc>,
    /// When the device was last registered or refreshed.
    pub last_seen_at: DateTime<Utc>,
}

/// What a caller sends to register (or refresh) a mobile push device.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct DeviceInput {
    /// The app the token belongs to.
    pub app_id: String,
    /// The device's id within the app.
    pub device_id: String,
    /// The push token; required by `add_mobile_push`, optional for `register_app`.
    pub token: Option<String>,
    /// The device's OS family; `other` for a new device when not given, and kept as it
    /// was when a known device registers again without it.
    pub platform: Option<Platform>,
    /// Device model.
    pub model: Option<String>,
    /// OS name.
    pub os: Option<String>,
    /// OS version.
    pub os_version: Option<String>,
    /// Device locale.
    pub locale: Option<String>,
    /// App version.
    pub app_version: Option<String>,
    /// Whether the device receives pushes; true for a new device when not given, and
    /// kept as it was when a known device registers again without it.
    pub active: Option<bool>,
}

/// An app among a contact's devices, with the devices that have it installed.
/// Derived from [`MobilePushDevice`]s; never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Application {
    /// The app.
    pub app_id: String,
    /// Its devices on this contact, in registration order.
    pub device_ids: Vec<String>,
}

/// A W3C Push API subscription of one browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebPushSubscription {
    /// The push service URL (https); unique in the book.
    pub endpoint: String,
    /// The browser's P-256 public key, base64url without padding.
    pub p256dh: String,
    /// The 16-byte authentication secret, base64url without padding.
    pub auth: String,
    /// Browser user agent at subscription time.
    pub user_agent: Option<String>,
    /// Browser language.
    pub language: Option<String>,
    /// Operating system.
    pub os: Option<String>,
    /// The page the person subscribed on.
    pub subscription_page: Option<String>,
    /// When the subscription was first registered.
    pub created_at: DateTime<Utc>,
}

/// The keys of a push subscription, as `PushSubscription.toJSON()` nests them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WebPushKeys {
    /// The browser's public key.
    pub p256dh: String,
    /// The authentication secret.
    pub auth: String,
}

/// What a caller sends to register a web push subscription: keys either flat
/// (`p256dh`, `auth`) or nested under `keys` as browsers serialise them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct WebPushInput {
    /// The push service URL.
    pub endpoint: String,
    /// Flat form of the public key.
    pub p256dh: Option<String>,
    /// Flat form of the authentication secret.
    pub auth: Option<String>,
    /// Nested form of both keys.
    pub keys: Option<WebPushKeys>,
    /// Browser user agent.
    pub user_agent: Option<String>,
    /// Browser language.
    pub language: Option<String>,
    /// Operating system.
    pub os: Option<String>,
    /// The page the person subscribed on.
    pub subscription_page: Option<String>,
}

/// A contact's Telegram binding: which bot talks to which chat.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Telegram {
    /// The bot's id.
    pub bot_id: String,
    /// The chat's id with that bot.
    pub chat_id: String,
}
