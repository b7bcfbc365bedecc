//! Demo contacts: contact `i` of seed `s` is drawn from its own generator, so it is the
//! same whatever the book's size; contact 0 is the showcase, every part of its card
//! filled in by hand.

use super::catalog::{DemoCatalog, CATEGORIES, SEGMENTS};
use super::countries::{Country, COUNTRIES};
use super::SHOWCASE;
use crate::random::SampleRng;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use contactkit::{
    Address, ContactInput, DeviceInput, FieldInput, LocationInput, LocationSource, Patch, Platform,
    Telegram, WebPushInput,
};
use std::collections::BTreeMap;

/// The two apps push devices belong to.
const SHOP_APP: &str = "com.example.shop";
const CLUB_APP: &str = "com.example.club";

/// One generated contact.
pub(super) struct Person {
    /// Its place in the book (0 is the showcase).
    pub(super) index: usize,
    pub(super) external_id: String,
    pub(super) country: &'static Country,
    first_name: &'static str,
    last_name: &'static str,
    pub(super) email: Option<String>,
    pub(super) phone: Option<String>,
    /// Category titles.
    pub(super) categories: Vec<&'static str>,
    /// Segment names.
    segments: Vec<&'static str>,
    pub(super) devices: Vec<DeviceInput>,
    pub(super) web_push: Option<WebPushInput>,
    telegram: Option<Telegram>,
    address: Address,
    location: Option<LocationInput>,
    timezone: &'static str,
    fields: BTreeMap<String, Option<FieldInput>>,
    contact_key: Option<String>,
}

impl Person {
    /// Contact `index` of the book made with `seed`; contact 0 is the showcase.
    pub(super) fn generate(seed: u64, index: usize) -> Person {
        let mut rng = super::draws(seed, index, super::Draw::Profile);
        if index == 0 {
            return Person::showcase(&mut rng);
        }
        let mut roll = rng.below(100);
        let country = COUNTRIES
            .iter()
            .find(|c| {
                if roll < c.weight {
                    true
                } else {
                    roll -= c.weight;
                    false
                }
            })
            .unwrap_or(&COUNTRIES[0]);
        let first_name = *rng.pick(country.first_names);
        let last_name = *rng.pick(country.last_names);
        let domain = rng.pick(&["example.com", "example.org", "example.net"]);
        // Contacts 7, 11 and 13 carry the suppressed addresses: they always have an email.
        let email = (rng.chance(92) || matches!(index, 7 | 11 | 13)).then(|| {
            format!(
                "{}.{}{}@{domain}",
                ascii(first_name),
                ascii(last_name),
                index
            )
        });
        let phone = (rng.chance(70) || email.is_none()).then(|| mobile(&mut rng, country, index));
        let categories = some_of(&mut rng, CATEGORIES, [55, 35, 20]);
        let segments = some_of(&mut rng, SEGMENTS, [10, 6, 12]);
        let mut devices = Vec::new();
        if rng.chance(45) {
            devices.push(device(&mut rng, SHOP_APP, index, 0));
        }
        if rng.chance(20) {
            devices.push(device(&mut rng, CLUB_APP, index, 0));
        }
        let web_push = rng.chance(20).then(|| web_push(&mut rng, country.language));
        let telegram = rng.chance(10).then(|| Telegram {
            bot_id: "7001".into(),
            chat_id: rng.digits(9),
        });
        let town = rng.pick(country.towns);
        let address = Address {
            country: Some(country.code.into()),
            region: Some(town.0.into()),
            town: Some(town.1.into()),
            street_address: Some(format!(
                "{} {}",
                rng.pick(country.streets),
                1 + rng.below(120)
            )),
            postcode: Some(town.2.into()),
        };
        let location = rng.chance(60).then(|| LocationInput {
            latitude: round4(town.3 + (rng.below(1000) as f64 - 500.0) / 10_000.0),
            longitude: round4(town.4 + (rng.below(1000) as f64 - 500.0) / 10_000.0),
            accuracy: Some(if rng.chance(50) { 25.0 } else { 1500.0 }),
            country: Some(country.code.into()),
            region: Some(town.0.into()),
            city: Some(town.1.into()),
            source: if rng.chance(50) {
                LocationSource::Gps
            } else {
                LocationSource::Ip
            },
        });
        let fields = fields(&mut rng);
        let contact_key = rng.chance(30).then(|| format!("ck-{index:05}"));
        let timezone = *rng.pick(country.timezones);
        Person {
            index,
            external_id: format!("crm-{}", 100_000 + index),
            country,
            first_name,
            last_name,
            email,
            phone,
            categories,
            segments,
            devices,
            web_push,
            telegram,
            address,
            location,
            timezone,
            fields,
            contact_key,
        }
    }

    /// The contact the demo prints: every part of the card filled in.
    fn showcase(rng: &mut SampleRng) -> Person {
        let country = &COUNTRIES[0];
        // Generated devices (tokens, app versions) with the hardware the card shows.
        let mut named =
            |app, slot, id: &str, platform, model: &str, os: &str, version: &str| DeviceInput {
                device_id: id.into(),
                platform: Some(platform),
                model: Some(model.into()),
                os: Some(os.into()),
                os_version: Some(version.into()),
                ..device(rng, app, 0, slot)
            };
        let shop_phone = named(
            SHOP_APP,
            0,
            "pixel-8",
            Platform::Android,
            "Pixel 8",
            "Android",
            "14",
        );
        let shop_tablet = DeviceInput {
            active: Some(false),
            ..named(
                SHOP_APP,
                1,
                "ipad-air",
                Platform::Ios,
                "iPad13,16",
                "iPadOS",
                "17.5",
            )
        };
        let club_phone = named(
            CLUB_APP,
            2,
            "pixel-8",
            Platform::Android,
            "Pixel 8",
            "Android",
            "14",
        );
        let mut fields = BTreeMap::new();
        fields.insert(
            "birthday".into(),
            Some(FieldInput::Text("1990-03-09".into())),
        );
        fields.insert("loyalty_tier".into(), Some(FieldInput::Text("gold".into())));
        fields.insert(
            "interests".into(),
            Some(FieldInput::List(vec!["running".into(), "travel".into()])),
        );
        fields.insert("loyalty_points".into(), Some(FieldInput::Integer(4820)));
        fields.insert(
            "average_basket".into(),
            Some(FieldInput::Text("1249.90".into())),
        );
        fields.insert(
            "member_since".into(),
            Some(FieldInput::Text("2021-04-17T09:30:00+03:00".into())),
        );
        fields.insert("paper_receipts".into(), Some(FieldInput::Bool(false)));
        Person {
            index: 0,
            external_id: SHOWCASE.into(),
            country,
            first_name: "Olena",
            last_name: "Koval",
            email: Some("olena.koval@example.com".into()),
            phone: Some("+380671234567".into()),
            categories: vec!["Weekly news", "Promotions"],
            segments: vec!["VIP", "Beta testers"],
            devices: vec![shop_phone, shop_tablet, club_phone],
            web_push: Some(web_push(rng, "uk")),
            telegram: Some(Telegram {
                bot_id: "7001".into(),
                chat_id: "384112907".into(),
            }),
            address: Address {
                country: Some("UA".into()),
                region: Some("Kyiv".into()),
                town: Some("Kyiv".into()),
                street_address: Some("Khreshchatyk St 22, apt 5".into()),
                postcode: Some("01001".into()),
            },
            location: Some(LocationInput {
                latitude: 50.4474,
                longitude: 30.5219,
                accuracy: Some(25.0),
                country: Some("UA".into()),
                region: Some("Kyiv".into()),
                city: Some("Kyiv".into()),
                source: LocationSource::Gps,
            }),
            timezone: "Europe/Kyiv",
            fields,
            contact_key: Some("olena.koval".into()),
        }
    }

    /// The contact as import input, with the catalogue's segment ids.
    pub(super) fn input(&self, catalog: &DemoCatalog) -> ContactInput {
        ContactInput {
            external_id: Patch::Set(self.external_id.clone()),
            contact_key: self.contact_key.clone().map_or(Patch::Keep, Patch::Set),
            first_name: Patch::Set(self.first_name.into()),
            last_name: Patch::Set(self.last_name.into()),
            email: self.email.clone().into(),
            phone: self.phone.clone().into(),
            mobile_push: if self.devices.is_empty() {
                Patch::Keep
            } else {
                Patch::Set(self.devices.clone())
            },
            web_push: self
                .web_push
                .clone()
                .map_or(Patch::Keep, |s| Patch::Set(vec![s])),
            telegram: self.telegram.clone().into(),
            categories: Patch::Set(
                self.categories
                    .iter()
                    .map(|title| title.to_lowercase().replace(' ', "-"))
                    .collect(),
            ),
            segments: Patch::Set(
                self.segments
                    .iter()
                    .filter_map(|name| catalog.segments.get(name).cloned())
                    .collect(),
            ),
            address: Patch::Set(self.address.clone()),
            location: self.location.clone().into(),
            timezone: Patch::Set(self.timezone.into()),
            language: Patch::Set(self.country.language.into()),
            fields: self.fields.clone(),
            ..Default::default()
        }
    }
}

/// Each of `items` drawn with its own chance, in percent.
fn some_of<const N: usize>(
    rng: &mut SampleRng,
    items: [&'static str; N],
    percents: [u32; N],
) -> Vec<&'static str> {
    items
        .into_iter()
        .zip(percents)
        .filter(|(_, percent)| rng.chance(*percent))
        .map(|(item, _)| item)
        .collect()
}

/// A mobile number of `country` no other demo contact has: its last four digits are
/// `5000 + index` (the demo holds at most 5000 contacts), the digits before them
/// random. Random digits alone collide (the US numbers have four), and a colliding
/// phone is a duplicate the book refuses. No tail is below 5000, so none meets the
/// showcase's `+380671234567`.
fn mobile(rng: &mut SampleRng, country: &Country, index: usize) -> String {
    let (prefix, digits) = country.mobile;
    format!("{prefix}{}{:04}", rng.digits(digits - 4), 5000 + index)
}

/// A device of app `app` with a token unique to (contact, slot).
fn device(rng: &mut SampleRng, app: &str, index: usize, slot: usize) -> DeviceInput {
    let android = rng.chance(60);
    let (platform, model, os, version) = if android {
        (
            Platform::Android,
            *rng.pick(&["Pixel 8", "Galaxy S23", "Redmi Note 12"]),
            "Android",
            *rng.pick(&["13", "14"]),
        )
    } else {
        (
            Platform::Ios,
            *rng.pick(&["iPhone15,2", "iPhone14,5", "iPhone16,1"]),
            "iOS",
            *rng.pick(&["17.5", "17.6", "18.0"]),
        )
    };
    let token = if android {
        format!("fcm-{index:05}-{slot}-{}", rng.hex(20))
    } else {
        rng.hex(32)
    };
    DeviceInput {
        app_id: app.into(),
        device_id: format!("dev-{index:05}-{slot}"),
        token: Some(token),
        platform: Some(platform),
        model: Some(model.into()),
        os: Some(os.into()),
        os_version: Some(version.into()),
        locale: None,
        app_version: Some(format!("3.{}.{}", rng.below(3), rng.below(10))),
        active: Some(true),
    }
}

/// A browser push subscription with a well-formed P-256 key and secret, in base64url
/// without padding as browsers write them.
fn web_push(rng: &mut SampleRng, language: &str) -> WebPushInput {
    let mut key = vec![0x04];
    key.extend(rng.bytes(64));
    let (browser, os) = *rng.pick(&[
        ("Chrome 126", "Windows"),
        ("Firefox 127", "Linux"),
        ("Chrome 126", "macOS"),
        ("Edge 126", "Windows"),
    ]);
    WebPushInput {
        endpoint: format!("https://fcm.googleapis.com/fcm/send/{}", rng.hex(24)),
        p256dh: Some(URL_SAFE_NO_PAD.encode(&key)),
        auth: Some(URL_SAFE_NO_PAD.encode(rng.bytes(16))),
        keys: None,
        user_agent: Some(browser.into()),
        language: Some(language.into()),
        os: Some(os.into()),
        subscription_page: Some("https://shop.example.com/".into()),
    }
}

fn fields(rng: &mut SampleRng) -> BTreeMap<String, Option<FieldInput>> {
    let mut fields = BTreeMap::new();
    if rng.chance(70) {
        let date = format!(
            "{}-{:02}-{:02}",
            1960 + rng.below(45),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        fields.insert("birthday".into(), Some(FieldInput::Text(date)));
    }
    let tier = *rng.pick(&["bronze", "bronze", "silver", "silver", "gold", "platinum"]);
    fields.insert("loyalty_tier".into(), Some(FieldInput::Text(tier.into())));
    if rng.chance(60) {
        let interests: Vec<String> = ["running", "hiking", "yoga", "cycling", "travel"]
            .iter()
            .filter(|_| rng.chance(35))
            .map(|s| s.to_string())
            .collect();
        fields.insert("interests".into(), Some(FieldInput::List(interests)));
    }
    fields.insert(
        "loyalty_points".into(),
        Some(FieldInput::Integer(rng.below(6000) as i64)),
    );
    if rng.chance(50) {
        let cents = 1500 + rng.below(20_000);
        fields.insert(
            "average_basket".into(),
            Some(FieldInput::Text(format!(
                "{}.{:02}",
                cents / 100,
                cents % 100
            ))),
        );
    }
    if rng.chance(40) {
        fields.insert(
            "paper_receipts".into(),
            Some(FieldInput::Bool(rng.chance(30))),
        );
    }
    fields
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// Letters of a name as plain ASCII for an email's local part.
fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'á' | 'à' | 'ã' | 'â' | 'Á' => 'a',
            'é' | 'è' | 'ê' => 'e',
            'í' => 'i',
            'ó' | 'ô' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            'ł' => 'l',
            'ń' => 'n',
            'ś' => 's',
            'ż' | 'ź' => 'z',
            'ñ' => 'n',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_ascii() {
        assert_eq!(ascii("Wójcik"), "wojcik");
        assert_eq!(ascii("Müller"), "muller");
        assert_eq!(ascii("João"), "joao");
    }

    #[test]
    fn every_generated_phone_and_email_is_valid() {
        for index in 0..600 {
            let person = Person::generate(2024, index);
            if let Some(phone) = &person.phone {
                contactkit::validate::normalize_phone(phone, None)
                    .unwrap_or_else(|e| panic!("contact {index}: {e}"));
            }
            if let Some(email) = &person.email {
                contactkit::validate::normalize_email(email)
                    .unwrap_or_else(|e| panic!("contact {index}: {e}"));
            }
        }
    }

    #[test]
    fn no_two_contacts_of_the_largest_book_share_a_phone() {
        let mut seen = std::collections::HashMap::new();
        for seed in [2024, 7] {
            seen.clear();
            for index in 0..5000 {
                if let Some(phone) = Person::generate(seed, index).phone {
                    if let Some(other) = seen.insert(phone.clone(), index) {
                        panic!("seed {seed}: contacts {other} and {index} share {phone}");
                    }
                }
            }
        }
    }
}
