//! `contactkit demo`: a realistic sample book, then one contact's profile card.
//!
//! The book holds a few hundred contacts from eight countries with valid phone
//! numbers, push devices in two apps, web push subscriptions, Telegram chats,
//! subscription categories, static segments, typed additional fields, a blacklisted,
//! an unsubscribed and a spam-reporting address, and a year of campaigns, events and
//! orders. Everything comes from a small seeded generator, so the same seed builds
//! the same book.
//!
//! Re-running is safe: contacts are upserted by external id, catalogue entries are
//! created only when missing, and a contact's timeline is recorded only while it has
//! none. Dates count back from the day the book was first built (kept as the
//! showcase contact's creation day), so a second run writes the same timeline.

use crate::commands::{self, print};
use crate::failure::CliResult;
use crate::render::{escape, Style};
use crate::Context;
use chrono::{DateTime, Duration, TimeZone, Utc};
use contactkit::{
    Address, CampaignChannel, CampaignInput, CampaignStatus, ContactBook, ContactInput, DedupeOn,
    DeviceInput, EventInput, FieldDefinition, FieldInput, FieldType, LocationInput, LocationSource,
    OrderInput, OrderItem, OrderSource, OrderStatus, Patch, Period, Platform, Telegram,
    WebPushInput,
};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::ops::ControlFlow::Continue;

/// External id of the contact whose card the demo prints.
const SHOWCASE: &str = "crm-100000";
/// The two apps push devices belong to.
const SHOP_APP: &str = "com.example.shop";
const CLUB_APP: &str = "com.example.club";

/// A tiny deterministic generator (SplitMix64): enough for sample data, and the
/// same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `count` decimal digits.
    pub fn digits(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    /// `count` random bytes.
    pub fn bytes(&mut self, count: usize) -> Vec<u8> {
        (0..count).map(|_| self.next_u64() as u8).collect()
    }

    /// `count` random bytes as lowercase hex.
    pub fn hex(&mut self, count: usize) -> String {
        self.bytes(count)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Everything the generator varies by country.
struct Country {
    code: &'static str,
    timezones: &'static [&'static str],
    language: &'static str,
    currency: &'static str,
    /// International prefix of mobile numbers, and how many digits follow it.
    mobile: (&'static str, usize),
    first_names: &'static [&'static str],
    last_names: &'static [&'static str],
    /// Region, town, postcode, latitude, longitude.
    towns: &'static [(&'static str, &'static str, &'static str, f64, f64)],
    streets: &'static [&'static str],
    /// How many of 100 contacts come from here.
    weight: u64,
}

const COUNTRIES: [Country; 8] = [
    Country {
        code: "UA",
        timezones: &["Europe/Kyiv"],
        language: "uk",
        currency: "UAH",
        mobile: ("+38067", 7),
        first_names: &[
            "Olena", "Andrii", "Iryna", "Taras", "Oksana", "Dmytro", "Kateryna", "Bohdan",
        ],
        last_names: &[
            "Koval",
            "Shevchenko",
            "Bondarenko",
            "Tkachenko",
            "Kravchenko",
            "Melnyk",
            "Lysenko",
        ],
        towns: &[
            ("Kyiv", "Kyiv", "01001", 50.4501, 30.5234),
            ("Lviv oblast", "Lviv", "79000", 49.8397, 24.0297),
            ("Kharkiv oblast", "Kharkiv", "61000", 49.9935, 36.2304),
            ("Odesa oblast", "Odesa", "65000", 46.4825, 30.7233),
        ],
        streets: &[
            "Khreshchatyk St",
            "Shevchenka Ave",
            "Sadova St",
            "Franka St",
        ],
        weight: 25,
    },
    Country {
        code: "PL",
        timezones: &["Europe/Warsaw"],
        language: "pl",
        currency: "PLN",
        mobile: ("+4850", 7),
        first_names: &[
            "Anna",
            "Piotr",
            "Katarzyna",
            "Tomasz",
            "Magdalena",
            "Paweł",
            "Agnieszka",
        ],
        last_names: &["Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk", "Zając"],
        towns: &[
            ("Masovia", "Warsaw", "00-001", 52.2297, 21.0122),
            ("Lesser Poland", "Kraków", "30-001", 50.0647, 19.9450),
            ("Pomerania", "Gdańsk", "80-001", 54.3520, 18.6466),
        ],
        streets: &["ul. Marszałkowska", "ul. Floriańska", "ul. Długa"],
        weight: 15,
    },
    Country {
        code: "DE",
        timezones: &["Europe/Berlin"],
        language: "de",
        currency: "EUR",
        mobile: ("+49151", 8),
        first_names: &[
            "Lukas",
            "Hannah",
            "Felix",
            "Lea",
            "Jonas",
            "Sophie",
            "Maximilian",
        ],
        last_names: &[
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Wagner",
        ],
        towns: &[
            ("Berlin", "Berlin", "10115", 52.5200, 13.4050),
            ("Bavaria", "Munich", "80331", 48.1351, 11.5820),
            ("Hamburg", "Hamburg", "20095", 53.5511, 9.9937),
        ],
        streets: &["Hauptstraße", "Lindenallee", "Bahnhofstraße"],
        weight: 15,
    },
    Country {
        code: "US",
        timezones: &["America/New_York", "America/Chicago", "America/Los_Angeles"],
        language: "en-US",
        currency: "USD",
        mobile: ("+1212555", 4),
        first_names: &[
            "James", "Emily", "Michael", "Olivia", "David", "Sarah", "Daniel",
        ],
        last_names: &["Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis"],
        towns: &[
            ("NY", "New York", "10001", 40.7128, -74.0060),
            ("IL", "Chicago", "60601", 41.8781, -87.6298),
            ("CA", "San Francisco", "94103", 37.7749, -122.4194),
        ],
        streets: &["Main St", "Oak Ave", "Maple Dr", "5th Ave"],
        weight: 15,
    },
    Country {
        code: "GB",
        timezones: &["Europe/London"],
        language: "en-GB",
        currency: "GBP",
        mobile: ("+44740", 7),
        first_names: &["Oliver", "Amelia", "George", "Isla", "Harry", "Ava"],
        last_names: &["Taylor", "Wilson", "Evans", "Thomas", "Roberts", "Walker"],
        towns: &[
            ("England", "London", "SW1A 1AA", 51.5072, -0.1276),
            ("England", "Manchester", "M1 1AE", 53.4808, -2.2426),
            ("Scotland", "Edinburgh", "EH1 1YZ", 55.9533, -3.1883),
        ],
        streets: &["High Street", "Station Road", "Church Lane"],
        weight: 10,
    },
    Country {
        code: "BR",
        timezones: &["America/Sao_Paulo"],
        language: "pt-BR",
        currency: "BRL",
        mobile: ("+55119", 8),
        first_names: &["João", "Maria", "Pedro", "Ana", "Lucas", "Juliana"],
        last_names: &["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa"],
        towns: &[
            ("SP", "São Paulo", "01000-000", -23.5505, -46.6333),
            ("RJ", "Rio de Janeiro", "20000-000", -22.9068, -43.1729),
        ],
        streets: &["Rua Augusta", "Avenida Paulista", "Rua das Flores"],
        weight: 8,
    },
    Country {
        code: "FR",
        timezones: &["Europe/Paris"],
        language: "fr",
        currency: "EUR",
        mobile: ("+3361", 7),
        first_names: &["Camille", "Louis", "Chloé", "Hugo", "Manon", "Jules"],
        last_names: &["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard"],
        towns: &[
            ("Île-de-France", "Paris", "75001", 48.8566, 2.3522),
            ("Auvergne-Rhône-Alpes", "Lyon", "69001", 45.7640, 4.8357),
        ],
        streets: &["Rue de Rivoli", "Rue Victor Hugo", "Avenue Jean Jaurès"],
        weight: 7,
    },
    Country {
        code: "ES",
        timezones: &["Europe/Madrid"],
        language: "es",
        currency: "EUR",
        mobile: ("+346", 8),
        first_names: &["Lucía", "Hugo", "Martina", "Pablo", "Sofía", "Álvaro"],
        last_names: &[
            "García",
            "Fernández",
            "López",
            "Martínez",
            "Sánchez",
            "Romero",
        ],
        towns: &[
            ("Madrid", "Madrid", "28001", 40.4168, -3.7038),
            ("Catalonia", "Barcelona", "08001", 41.3874, 2.1686),
        ],
        streets: &["Calle Mayor", "Gran Vía", "Calle del Sol"],
        weight: 5,
    },
];

const PRODUCTS: [(&str, &str, i64); 8] = [
    ("sku-1001", "Trail running shoes", 8900),
    ("sku-1002", "Rain jacket", 12900),
    ("sku-1003", "Merino socks", 1500),
    ("sku-1004", "Water bottle", 1900),
    ("sku-1005", "Headlamp", 3900),
    ("sku-1006", "Backpack 30 l", 9900),
    ("sku-1007", "Yoga mat", 2900),
    ("sku-1008", "Fitness tracker", 14900),
];

/// Builds (or refreshes) the sample book and prints the showcase contact's card.
pub fn run(book: &ContactBook, context: &Context, contacts: usize, seed: u64) -> CliResult {
    let started = std::time::Instant::now();
    let catalog = define_catalog(book)?;
    let anchor = match book.find_by_external_id(SHOWCASE)? {
        Some(showcase) => start_of_day(showcase.created_at),
        None => start_of_day(book.now()),
    };
    let people: Vec<Person> = (0..contacts).map(|i| Person::generate(seed, i)).collect();
    let inputs: Vec<ContactInput> = people.iter().map(|p| p.input(&catalog)).collect();
    let report = book.import_contacts(inputs, DedupeOn::ExternalId, |_| Continue(()))?;
    if let Some(rejected) = report.rejected.first() {
        // The generator makes only valid data; a rejection is a bug worth seeing.
        return Err(crate::failure::Failure::storage(format!(
            "demo contact {} was rejected: {}",
            rejected.index, rejected.reason
        )));
    }
    let mut recorded = 0usize;
    for person in &people {
        let Some(contact) = book.find_by_external_id(&person.external_id)? else {
            continue;
        };
        let has_timeline = !book
            .activity(
                &contact.id,
                &contactkit::ActivityQuery {
                    period: Period::All,
                    limit: Some(1),
                    ..Default::default()
                },
            )?
            .items
            .is_empty();
        if has_timeline {
            continue;
        }
        recorded += person.record_timeline(book, &contact.id, anchor, seed)?;
    }
    let showcase = commands::require(book, context, SHOWCASE)?;
    // The book's path as given on the command line, shown escaped like any text.
    let db = escape(&context.db.display().to_string()).into_owned();
    let mut text = format!(
        "Demo book {}: {} contacts ({} new, {} refreshed), {} timeline items recorded, {} live contacts in the book ({:.1} s)\n\n",
        db,
        contacts,
        report.created,
        report.updated,
        recorded,
        book.count()?,
        started.elapsed().as_secs_f64()
    );
    let card = commands::card_text(
        book,
        &showcase,
        &commands::catalog(book)?,
        Period::All,
        12,
        Style {
            color: context.color,
        },
    )?;
    text.push_str(&card);
    let db_flag = if context.db.as_os_str() == "contacts.db" {
        String::new()
    } else {
        format!(" --db {db}")
    };
    text.push_str(&format!(
        "\nTry:\n  contactkit{db_flag} show olena.koval@example.com\n  contactkit{db_flag} activity +380671234567 --category orders\n  contactkit{db_flag} can-send {SHOWCASE} sms\n  contactkit{db_flag} export > book.jsonl\n"
    ));
    print(&text)
}

/// Ids of the demo's categories and segments in this book.
struct DemoCatalog {
    segments: BTreeMap<&'static str, String>,
}

const CATEGORIES: [&str; 3] = ["Weekly news", "Promotions", "Product updates"];
const SEGMENTS: [&str; 3] = ["VIP", "Beta testers", "Churn risk"];

/// Defines the fields, categories and segments the demo uses, where missing.
fn define_catalog(book: &ContactBook) -> CliResult<DemoCatalog> {
    let options = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let definitions = [
        FieldDefinition {
            title: "Birthday".into(),
            ..FieldDefinition::new("birthday", FieldType::Date)
        },
        FieldDefinition {
            title: "Loyalty tier".into(),
            options: options(&["bronze", "silver", "gold", "platinum"]),
            ..FieldDefinition::new("loyalty_tier", FieldType::List)
        },
        FieldDefinition {
            title: "Interests".into(),
            options: options(&["running", "hiking", "yoga", "cycling", "travel"]),
            ..FieldDefinition::new("interests", FieldType::Multilist)
        },
        FieldDefinition {
            title: "Loyalty points".into(),
            min: Some(Decimal::ZERO),
            ..FieldDefinition::new("loyalty_points", FieldType::Number)
        },
        FieldDefinition {
            title: "Average basket".into(),
            ..FieldDefinition::new("average_basket", FieldType::Decimal)
        },
        FieldDefinition {
            title: "Member since".into(),
            readonly: true,
            ..FieldDefinition::new("member_since", FieldType::Datetime)
        },
        FieldDefinition {
            title: "Prefers paper receipts".into(),
            ..FieldDefinition::new("paper_receipts", FieldType::Boolean)
        },
    ];
    for definition in definitions {
        book.define_field(definition)?;
    }
    let existing: Vec<String> = book.categories()?.into_iter().map(|c| c.title).collect();
    for title in CATEGORIES {
        if !existing.iter().any(|t| t == title) {
            book.define_category(title)?;
        }
    }
    let mut segments = BTreeMap::new();
    let existing = book.segments()?;
    for name in SEGMENTS {
        let id = match existing.iter().find(|s| s.name == name) {
            Some(segment) => segment.id.clone(),
            None => book.create_segment(name)?.id,
        };
        segments.insert(name, id);
    }
    Ok(DemoCatalog { segments })
}

fn start_of_day(at: DateTime<Utc>) -> DateTime<Utc> {
    Utc.from_utc_datetime(&at.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// One generated contact.
struct Person {
    index: usize,
    external_id: String,
    country: &'static Country,
    first_name: &'static str,
    last_name: &'static str,
    email: Option<String>,
    phone: Option<String>,
    categories: Vec<&'static str>,
    segments: Vec<&'static str>,
    devices: Vec<DeviceInput>,
    web_push: Option<WebPushInput>,
    telegram: Option<Telegram>,
    address: Address,
    location: Option<LocationInput>,
    timezone: &'static str,
    fields: BTreeMap<String, Option<FieldInput>>,
    contact_key: Option<String>,
}

impl Person {
    /// Contact `index` of the book made with `seed`; contact 0 is the showcase.
    fn generate(seed: u64, index: usize) -> Person {
        let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
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
        let phone = (rng.chance(70) || email.is_none())
            .then(|| format!("{}{}", country.mobile.0, rng.digits(country.mobile.1)));
        let categories = CATEGORIES
            .iter()
            .zip([55, 35, 20])
            .filter(|(_, p)| rng.chance(*p))
            .map(|(c, _)| *c)
            .collect();
        let segments = SEGMENTS
            .iter()
            .zip([10, 6, 12])
            .filter(|(_, p)| rng.chance(*p))
            .map(|(s, _)| *s)
            .collect();
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
            timezone: country.timezones[rng.below(country.timezones.len() as u64) as usize],
            fields,
            contact_key,
        }
    }

    /// The contact the demo prints: every part of the card filled in.
    fn showcase(rng: &mut Rng) -> Person {
        let country = &COUNTRIES[0];
        let mut shop_phone = device(rng, SHOP_APP, 0, 0);
        shop_phone.device_id = "pixel-8".into();
        shop_phone.platform = Some(Platform::Android);
        shop_phone.model = Some("Pixel 8".into());
        shop_phone.os = Some("Android".into());
        shop_phone.os_version = Some("14".into());
        let mut shop_tablet = device(rng, SHOP_APP, 0, 1);
        shop_tablet.device_id = "ipad-air".into();
        shop_tablet.platform = Some(Platform::Ios);
        shop_tablet.model = Some("iPad13,16".into());
        shop_tablet.os = Some("iPadOS".into());
        shop_tablet.os_version = Some("17.5".into());
        shop_tablet.active = Some(false);
        let mut club_phone = device(rng, CLUB_APP, 0, 2);
        club_phone.device_id = "pixel-8".into();
        club_phone.platform = Some(Platform::Android);
        club_phone.model = Some("Pixel 8".into());
        club_phone.os = Some("Android".into());
        club_phone.os_version = Some("14".into());
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

    fn input(&self, catalog: &DemoCatalog) -> ContactInput {
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

    /// Records a year of campaigns, events and orders; returns how many items.
    fn record_timeline(
        &self,
        book: &ContactBook,
        id: &str,
        anchor: DateTime<Utc>,
        seed: u64,
    ) -> CliResult<usize> {
        let mut rng =
            Rng::new(seed.rotate_left(17) ^ (self.index as u64).wrapping_mul(0x9E37_79B9));
        let mut count = 0;
        let day = |days_ago: u64, rng: &mut Rng| {
            anchor - Duration::days(days_ago as i64)
                + Duration::minutes(7 * 60 + rng.below(14 * 60) as i64)
        };
        let status = |rng: &mut Rng| match rng.below(100) {
            0..=9 => CampaignStatus::Sent,
            10..=49 => CampaignStatus::Delivered,
            50..=84 => CampaignStatus::Read,
            _ => CampaignStatus::Clicked,
        };
        let mut campaign = |book: &ContactBook,
                            message_id: String,
                            name: String,
                            channel: CampaignChannel,
                            status: CampaignStatus,
                            description: Option<&str>,
                            at: DateTime<Utc>|
         -> CliResult {
            book.record_campaign(
                id,
                CampaignInput {
                    message_id,
                    message_name: Some(name),
                    channel,
                    status,
                    status_description: description.map(str::to_string),
                    at: Some(at),
                },
            )?;
            count += 1;
            Ok(())
        };
        // The monthly newsletter, by email to subscribers of Weekly news.
        if self.email.is_some() && self.categories.contains(&"Weekly news") {
            for month in (0..12u64).rev() {
                let at = day(month * 30 + 3, &mut rng);
                campaign(
                    book,
                    format!("news-{month:02}"),
                    format!("Monthly news #{}", 12 - month),
                    CampaignChannel::Email,
                    status(&mut rng),
                    None,
                    at,
                )?;
            }
        }
        // Seasonal sales, by mobile push to app users and by SMS.
        if !self.devices.is_empty() {
            for (k, name) in ["Flash sale", "Members weekend", "Clearance"]
                .iter()
                .enumerate()
            {
                let at = day(300 - 110 * k as u64, &mut rng);
                campaign(
                    book,
                    format!("push-{k}"),
                    name.to_string(),
                    CampaignChannel::MobilePush,
                    status(&mut rng),
                    None,
                    at,
                )?;
            }
        }
        if self.phone.is_some() && rng.chance(50) {
            let at = day(45, &mut rng);
            campaign(
                book,
                "sms-1".into(),
                "Weekend discount".into(),
                CampaignChannel::Sms,
                CampaignStatus::Delivered,
                None,
                at,
            )?;
        }
        if self.web_push.is_some() {
            let at = day(20, &mut rng);
            campaign(
                book,
                "web-1".into(),
                "New arrivals".into(),
                CampaignChannel::WebPush,
                status(&mut rng),
                None,
                at,
            )?;
        }
        // The addresses the domain asks for: a hard bounce blacklists, an unsubscribe
        // from a message and a spam report suppress.
        if self.email.is_some() {
            let special = match self.index {
                7 => Some((CampaignStatus::Undelivered, Some("hard_bounce"))),
                11 => Some((CampaignStatus::Unsubscribed, Some("too many emails"))),
                13 => Some((CampaignStatus::Spam, None)),
                _ => None,
            };
            if let Some((status, description)) = special {
                let at = day(60, &mut rng);
                campaign(
                    book,
                    "promo-7".into(),
                    "Autumn promo".into(),
                    CampaignChannel::Email,
                    status,
                    description,
                    at,
                )?;
            }
        }
        if self.index == 0 {
            let at = day(9, &mut rng);
            campaign(
                book,
                "sms-stop".into(),
                "Flash deals by SMS".into(),
                CampaignChannel::Sms,
                CampaignStatus::Unsubscribed,
                Some("replied STOP"),
                at,
            )?;
        }
        // Events from the shop.
        let events = 2 + rng.below(6);
        for _ in 0..events {
            let (sku, _, _) = *rng.pick(&PRODUCTS);
            let (name, workflows): (&str, &[&str]) = match rng.below(4) {
                0 => ("viewed_product", &[]),
                1 => ("added_to_cart", &["Abandoned cart"]),
                2 => ("search", &[]),
                _ => ("wishlist_added", &["Back in stock"]),
            };
            let at = day(rng.below(365), &mut rng);
            book.record_event(
                id,
                EventInput {
                    name: name.into(),
                    key_value: (name != "search").then(|| sku.to_string()),
                    params: serde_json::Map::new(),
                    workflows: workflows.iter().map(|w| w.to_string()).collect(),
                    at: Some(at),
                },
            )?;
            count += 1;
        }
        // Orders.
        let orders = if self.index == 0 { 3 } else { rng.below(4) };
        for k in 0..orders {
            let lines = 1 + rng.below(3);
            let mut items = Vec::new();
            let mut total = Decimal::ZERO;
            for _ in 0..lines {
                let (sku, name, cents) = *rng.pick(&PRODUCTS);
                let quantity = Decimal::from(1 + rng.below(2));
                let price = price_in(cents, self.country.currency);
                total += price * quantity;
                items.push(OrderItem {
                    product_id: sku.into(),
                    name: Some(name.into()),
                    quantity,
                    price,
                });
            }
            let status = match (self.index, k, rng.below(100)) {
                (0, 0, _) => OrderStatus::InProgress,
                (_, _, 0..=69) => OrderStatus::Delivered,
                (_, _, 70..=79) => OrderStatus::InProgress,
                (_, _, 80..=89) => OrderStatus::Cancelled,
                _ => OrderStatus::AbandonedShoppingCart,
            };
            let days_ago = if self.index == 0 {
                2 + 40 * k
            } else {
                rng.below(365)
            };
            let at = day(days_ago, &mut rng);
            book.record_order(
                id,
                OrderInput {
                    external_id: format!("ORD-{:05}-{k}", self.index),
                    amount: total,
                    currency: self.country.currency.into(),
                    status,
                    items,
                    shipping: None,
                    discount: None,
                    taxes: None,
                    store_id: None,
                    source: if rng.chance(80) {
                        OrderSource::Online
                    } else {
                        OrderSource::Offline
                    },
                    delivery_address: None,
                    at: Some(at),
                },
            )?;
            count += 1;
        }
        Ok(count)
    }
}

/// A device of app `app` with a token unique to (contact, slot).
fn device(rng: &mut Rng, app: &str, index: usize, slot: usize) -> DeviceInput {
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

/// A browser push subscription with a well-formed P-256 key and secret.
fn web_push(rng: &mut Rng, language: &str) -> WebPushInput {
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
        p256dh: Some(base64url(&key)),
        auth: Some(base64url(&rng.bytes(16))),
        keys: None,
        user_agent: Some(browser.into()),
        language: Some(language.into()),
        os: Some(os.into()),
        subscription_page: Some("https://shop.example.com/".into()),
    }
}

fn fields(rng: &mut Rng) -> BTreeMap<String, Option<FieldInput>> {
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

/// A price of `cents` (in euro terms) in `currency`, rounded to whole units where
/// prices usually are.
fn price_in(cents: i64, currency: &str) -> Decimal {
    let (rate, scale) = match currency {
        "UAH" => (45, 0),
        "PLN" => (4, 0),
        "BRL" => (6, 0),
        "GBP" => (1, 2),
        _ => (1, 2),
    };
    let amount = Decimal::new(cents * rate, 2);
    amount.round_dp(scale)
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

/// Base64url without padding, as browsers write push keys.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_repeats_itself() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(9).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut rng = Rng::new(9);
        let first: Vec<u64> = (0..3).map(|_| rng.below(1000)).collect();
        let mut again = Rng::new(9);
        let second: Vec<u64> = (0..3).map(|_| again.below(1000)).collect();
        assert_eq!(first, second);
    }

    #[test]
    fn base64url_matches_the_standard_alphabet() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn names_fold_to_ascii() {
        assert_eq!(ascii("Wójcik"), "wojcik");
        assert_eq!(ascii("Müller"), "muller");
        assert_eq!(ascii("João"), "joao");
    }
}

#[cfg(test)]
mod generated_data {
    use super::*;

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
}
