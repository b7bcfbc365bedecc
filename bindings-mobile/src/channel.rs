//! Ways to reach a contact besides email and phone (the core's `model::channel`): every
//! type crosses as the core declares it.

use crate::scalars::UtcDateTime;
use contactkit::{
    Application, Channel, DeviceInput, MobilePushDevice, Platform, Telegram, WebPushInput,
    WebPushKeys, WebPushSubscription,
};

/// A channel a message can be sent on; the unit of consent and `canSend`.
#[uniffi::remote(Enum)]
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

/// The operating system family of a push device.
#[uniffi::remote(Enum)]
pub enum Platform {
    /// Apple iOS / iPadOS (APNs).
    Ios,
    /// Google Android (FCM).
    Android,
    /// Huawei (HMS Push Kit).
    Huawei,
    /// Anything else.
    Other,
}

/// One app installation on one device, able to receive mobile push.
#[uniffi::remote(Record)]
pub struct MobilePushDevice {
    /// The app the token belongs to.
    pub app_id: String,
    /// The device's id within the app.
    pub device_id: String,
    /// The push token; null for an app registered without push permission.
    pub token: Option<String>,
    /// The device's OS family.
    pub platform: Platform,
    /// Device model.
    pub model: Option<String>,
    /// OS name.
    pub os: Option<String>,
    /// OS version.
    pub os_version: Option<String>,
    /// Device locale.
    pub locale: Option<String>,
    /// Version of the app on the device.
    pub app_version: Option<String>,
    /// False when pushes to this device should not be sent.
    pub active: bool,
    /// When the device was first registered on this contact.
    pub registered_at: UtcDateTime,
    /// When the device was last registered or refreshed.
    pub last_seen_at: UtcDateTime,
}

/// What a caller sends to register (or refresh) a mobile push device.
#[uniffi::remote(Record)]
pub struct DeviceInput {
    /// The app the token belongs to (bundle id or the customer's app key).
    pub app_id: String,
    /// The device's id within the app.
    pub device_id: String,
    /// The push token; required by `addMobilePush`, optional for `registerApp`.
    #[uniffi(default)]
    pub token: Option<String>,
    /// The device's OS family; `OTHER` for a new device when null, and kept as it was
    /// when a known device registers again without it (a token refresh need not know it).
    #[uniffi(default)]
    pub platform: Option<Platform>,
    /// Device model, e.g. `Pixel 8`.
    #[uniffi(default)]
    pub model: Option<String>,
    /// OS name.
    #[uniffi(default)]
    pub os: Option<String>,
    /// OS version.
    #[uniffi(default)]
    pub os_version: Option<String>,
    /// Device locale, e.g. `uk-UA`.
    #[uniffi(default)]
    pub locale: Option<String>,
    /// Version of the app on the device.
    #[uniffi(default)]
    pub app_version: Option<String>,
    /// Whether the device receives pushes; true for a new device when null, and kept as
    /// it was when a known device registers again without it.
    #[uniffi(default)]
    pub active: Option<bool>,
}

/// An app among a contact's devices, with the devices that have it installed.
#[uniffi::remote(Record)]
pub struct Application {
    /// The app.
    pub app_id: String,
    /// Its devices on this contact, in registration order.
    pub device_ids: Vec<String>,
}

/// A web push subscription of one browser.
#[uniffi::remote(Record)]
pub struct WebPushSubscription {
    /// The push service URL; unique in the book.
    pub endpoint: String,
    /// The browser's public key.
    pub p256dh: String,
    /// The authentication secret.
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
    pub created_at: UtcDateTime,
}

/// The keys of a web push subscription, as `PushSubscription.toJSON()` nests them.
#[uniffi::remote(Record)]
pub struct WebPushKeys {
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The 16-byte authentication secret, base64url.
    pub auth: String,
}

/// What a caller sends to register a web push subscription: keys either flat
/// (`p256dh`, `auth`) or nested in `keys`.
#[uniffi::remote(Record)]
pub struct WebPushInput {
    /// The push service URL (https).
    pub endpoint: String,
    /// Flat form of the public key.
    #[uniffi(default)]
    pub p256dh: Option<String>,
    /// Flat form of the authentication secret.
    #[uniffi(default)]
    pub auth: Option<String>,
    /// Nested form of both keys.
    #[uniffi(default)]
    pub keys: Option<WebPushKeys>,
    /// Browser user agent.
    #[uniffi(default)]
    pub user_agent: Option<String>,
    /// Browser language.
    #[uniffi(default)]
    pub language: Option<String>,
    /// Operating system.
    #[uniffi(default)]
    pub os: Option<String>,
    /// The page the person subscribed on.
    #[uniffi(default)]
    pub subscription_page: Option<String>,
}

/// A contact's Telegram binding: which bot talks to which chat.
#[uniffi::remote(Record)]
pub struct Telegram {
    /// The bot's id.
    pub bot_id: String,
    /// The chat's id with that bot.
    pub chat_id: String,
}

/// Reads a channel from its lowercase name (`email`, `sms`, `mobile_push`, `web_push`,
/// `telegram`), e.g. from a push payload or a server response. An unknown name is a
/// `Validation` error on field `channel`.
#[uniffi::export]
pub fn channel_from_name(name: String) -> crate::Result<Channel> {
    crate::error::guard(|| Ok(name.parse::<Channel>()?))
}

/// A channel's lowercase name, as every ContactKit surface and the server use it.
#[uniffi::export]
pub fn channel_name(channel: Channel) -> String {
    channel.as_str().to_string()
}
