//! Property tests of the core's rules.
//!
//! 1. Normalisation is idempotent: whatever `validate::normalize_*` / `validate_name`
//!    accepts, it accepts again in normalised form and returns it unchanged.
//! 2. Random operation sequences on an in-memory `ContactBook` keep the book consistent:
//!    no two contacts (live, or deleted and tracked here) share an email, phone,
//!    external id, contact key, push token or web push endpoint; `count()` matches the
//!    listed contacts; every timeline is newest first across pages.
//! 3. An operation that fails changes nothing that can be observed.
//!
//! Cases per property: `CONTACTKIT_PROPTEST_CASES` (default 256 for normalisation, 64
//! for sequences). Failing cases are printed shrunk; no regression file is written.

use chrono::{DateTime, Duration, Utc};
use contactkit::validate::{
    normalize_contact_id, normalize_country, normalize_currency, normalize_email,
    normalize_language, normalize_phone, normalize_timezone, validate_name,
};
use contactkit::{
    Activity, ActivityCategory, ActivityQuery, Address, CampaignChannel, CampaignInput,
    CampaignStatus, Channel, Contact, ContactBook, ContactInput, DedupeOn, DeviceInput, Error,
    EventInput, ListQuery, ManualClock, OrderInput, OrderSource, OrderStatus, Patch, Period,
    SuppressionRecord, WebPushInput,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow::Continue;
use std::sync::Arc;

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("CONTACTKIT_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// =================================================================================
// 1. Normalisation
// =================================================================================

/// Whitespace a caller might leave around a value.
fn pad() -> impl Strategy<Value = &'static str> {
    select(&["", "", " ", "  ", "\t", " \n"][..])
}

/// `s` with the case of each ASCII letter flipped where `mask` (cycled) says so.
fn mixed_case(s: &str, mask: &[bool]) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| match mask.get(i % mask.len().max(1)) {
            Some(true) => c.to_ascii_uppercase(),
            _ => c.to_ascii_lowercase(),
        })
        .collect()
}

fn case_mask() -> impl Strategy<Value = Vec<bool>> {
    prop::collection::vec(any::<bool>(), 1..8)
}

fn email_input() -> impl Strategy<Value = String> {
    let local = "[a-zA-Z0-9][a-zA-Z0-9._+ÄÉß-]{0,12}";
    let label = "[a-zA-Z0-9]([a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?";
    let tld = select(&["com", "ORG", "io", "co.uk", "Net", "xn--p1ai"][..]);
    (pad(), local, label, tld, pad())
        .prop_map(|(l, local, label, tld, r)| format!("{l}{local}@{label}.{tld}{r}"))
}

/// A numbering plan slice: region, country code, trunk prefix, area, subscriber digits.
type Plan = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    usize,
);
const PLANS: &[Plan] = &[
    ("UA", "380", "0", "67", 7),
    ("US", "1", "", "202", 7),
    ("GB", "44", "0", "20", 8),
    ("DE", "49", "0", "30", 8),
    ("FR", "33", "0", "6", 8),
    ("BR", "55", "", "11", 9),
    ("IN", "91", "0", "98", 8),
    ("JP", "81", "0", "3", 8),
];

/// A phone number as typed, and the region it is read in (if any).
fn phone_input() -> impl Strategy<Value = (String, Option<&'static str>)> {
    let plan = select(PLANS);
    let sep = select(&[" ", "-", "", ".", " - "][..]);
    let form = select(&["+", "00", "national"][..]);
    (
        plan,
        sep,
        form,
        any::<bool>(),
        any::<bool>(),
        "[0-9]{12}",
        pad(),
    )
        .prop_map(
            |((region, cc, trunk, area, n), sep, form, parens, give_region, digits, pad)| {
                let digits = &digits[..n];
                let (a, b) = digits.split_at(n / 2);
                let area = if parens {
                    format!("({area})")
                } else {
                    area.to_string()
                };
                match form {
                    "national" => (format!("{pad}{trunk}{area}{sep}{a}{sep}{b}"), Some(region)),
                    plus => (
                        format!("{pad}{plus}{cc}{sep}{area}{sep}{a}{sep}{b}{pad}"),
                        give_region.then_some(region),
                    ),
                }
            },
        )
}

fn name_input() -> impl Strategy<Value = String> {
    let word = (
        "[A-Za-zÀ-ÖØ-öø-ÿА-Яа-яΑ-Ωα-ω李王]{1,6}",
        select(&["", "", "'", "’", "-"][..]),
        "[a-zа-я]{0,5}",
        select(&["", "", "", ".", "1", "2nd"][..]),
    )
        .prop_map(|(head, joiner, tail, end)| {
            let joiner = if tail.is_empty() { "" } else { joiner };
            format!("{head}{joiner}{tail}{end}")
        });
    let gap = select(&[" ", " ", "  ", "\t", "\u{a0}"][..]);
    let structured =
        (pad(), prop::collection::vec((word, gap), 1..5), pad()).prop_map(|(l, words, r)| {
            let body: String = words.into_iter().map(|(w, g)| format!("{w}{g}")).collect();
            format!("{l}{body}{r}")
        });
    prop_oneof![
        4 => structured,
        1 => "[A-Za-zÀ-ÿ0-9 '’.\\-!\t]{0,45}",
    ]
}

fn timezone_input() -> impl Strategy<Value = (chrono_tz::Tz, String)> {
    (
        select(chrono_tz::TZ_VARIANTS.to_vec()),
        case_mask(),
        pad(),
        pad(),
    )
        .prop_map(|(tz, mask, l, r)| (tz, format!("{l}{}{r}", mixed_case(tz.name(), &mask))))
}

fn language_input() -> impl Strategy<Value = String> {
    let opt = |s: &'static str| prop::option::of(s);
    let structured = (
        "[a-z]{2,3}",
        opt("[a-z]{4}"),
        prop_oneof!["[a-z]{2}", "[0-9]{3}"].prop_map(Some),
        opt("[a-z]{5,8}"),
        prop::option::of(select(&["u-ca-gregory", "t-en", "u-nu-latn"][..])),
        opt("x-[a-z0-9]{1,8}"),
    )
        .prop_map(|(lang, script, region, variant, ext, private)| {
            [
                Some(lang),
                script,
                region,
                variant,
                ext.map(String::from),
                private,
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("-")
        });
    let known = select(
        &[
            "pt-br",
            "UK",
            "en",
            "en-gb",
            "zh-hant-tw",
            "sr-latn-rs",
            "es-419",
            "i-klingon",
            "en-GB-oed",
            "sgn-BE-FR",
            "x-private",
            "de-CH-1901",
            "english",
            "pt_BR",
        ][..],
    )
    .prop_map(String::from);
    (prop_oneof![structured, known], case_mask(), pad(), pad())
        .prop_map(|(tag, mask, l, r)| format!("{l}{}{r}", mixed_case(&tag, &mask)))
}

fn contact_id_input() -> impl Strategy<Value = String> {
    (any::<u128>(), 0..4usize, case_mask(), pad()).prop_map(|(n, form, mask, pad)| {
        let id = uuid::Uuid::from_u128(n);
        let text = match form {
            0 => id.hyphenated().to_string(),
            1 => id.simple().to_string(),
            2 => id.braced().to_string(),
            _ => id.urn().to_string(),
        };
        format!("{pad}{}{pad}", mixed_case(&text, &mask))
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn email_normalisation_is_idempotent(raw in email_input()) {
        if let Ok(once) = normalize_email(&raw) {
            prop_assert_eq!(once.trim(), once.as_str(), "not trimmed");
            prop_assert_eq!(once.to_lowercase(), once.clone(), "not lowercase");
            prop_assert_eq!(normalize_email(&once), Ok(once.clone()));
        }
    }

    #[test]
    fn phone_normalisation_is_idempotent((raw, region) in phone_input()) {
        if let Ok(once) = normalize_phone(&raw, region) {
            let digits = once.strip_prefix('+');
            prop_assert!(
                digits.is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())),
                "{raw:?} -> {once:?} is not + and digits"
            );
            prop_assert_eq!(normalize_phone(&once, None), Ok(once.clone()));
            prop_assert_eq!(normalize_phone(&once, region), Ok(once.clone()));
        }
    }

    #[test]
    fn name_validation_is_idempotent(raw in name_input()) {
        if let Ok(once) = validate_name("first_name", &raw) {
            prop_assert_eq!(once.trim(), once.as_str(), "not trimmed");
            prop_assert!(!once.contains("  "), "inner spaces not collapsed: {once:?}");
            prop_assert!(
                once.chars().all(|c| c == ' ' || !c.is_whitespace()),
                "whitespace other than a space left in {once:?}"
            );
            prop_assert!(once.chars().count() <= 40, "{once:?} longer than 40");
            prop_assert_eq!(validate_name("first_name", &once), Ok(once.clone()));
        }
    }

    #[test]
    fn timezone_normalisation_is_idempotent((tz, raw) in timezone_input()) {
        let once = normalize_timezone(&raw);
        prop_assert_eq!(once.as_deref(), Ok(tz.name()), "{:?}", raw);
        let twice = normalize_timezone(tz.name());
        prop_assert_eq!(twice.as_deref(), Ok(tz.name()));
    }

    #[test]
    fn language_normalisation_is_idempotent(raw in language_input()) {
        if let Ok(once) = normalize_language(&raw) {
            prop_assert!(!once.chars().any(char::is_whitespace), "{once:?}");
            prop_assert_eq!(normalize_language(&once), Ok(once.clone()));
        }
    }

    #[test]
    fn country_currency_and_id_normalisation_is_idempotent(
        country in ("[a-zA-Z]{1,3}", pad()).prop_map(|(c, p)| format!("{p}{c}{p}")),
        currency in prop_oneof![
            "[a-zA-Z]{3}",
            select(&["usd", "EUR", " uah ", "Gbp", "jpy"][..]).prop_map(String::from),
        ],
        id in contact_id_input(),
    ) {
        if let Ok(once) = normalize_country("country", &country) {
            prop_assert_eq!(normalize_country("country", &once), Ok(once.clone()));
        }
        if let Ok(once) = normalize_currency(&currency) {
            prop_assert_eq!(normalize_currency(&once), Ok(once.clone()));
        }
        let once = normalize_contact_id(&id);
        prop_assert!(once.is_ok(), "{id:?} rejected: {once:?}");
        let once = once.unwrap();
        prop_assert_eq!(once.len(), 36);
        prop_assert_eq!(once.to_lowercase(), once.clone());
        prop_assert_eq!(normalize_contact_id(&once), Ok(once.clone()));
    }
}

/// Exhaustive companion of the time zone property: every IANA name, in lower and
/// upper case, normalises to itself.
#[test]
fn every_time_zone_normalises_to_its_name_in_any_case() {
    for tz in chrono_tz::TZ_VARIANTS {
        for raw in [tz.name().to_lowercase(), tz.name().to_uppercase()] {
            assert_eq!(normalize_timezone(&raw).as_deref(), Ok(tz.name()), "{raw}");
        }
    }
}

/// The idempotence properties above are conditional on acceptance; they prove
/// nothing if the generators only make rejected inputs. Each must be mostly accepted.
#[test]
fn normalisation_generators_are_mostly_accepted() {
    fn rate<T: std::fmt::Debug>(
        strategy: impl Strategy<Value = T>,
        ok: impl Fn(&T) -> bool,
    ) -> f64 {
        let mut runner = TestRunner::deterministic();
        let n = 400;
        let accepted = (0..n)
            .filter(|_| ok(&strategy.new_tree(&mut runner).unwrap().current()))
            .count();
        accepted as f64 / n as f64
    }
    let rates = [
        ("email", rate(email_input(), |e| normalize_email(e).is_ok())),
        (
            "phone",
            rate(phone_input(), |(p, r)| normalize_phone(p, *r).is_ok()),
        ),
        (
            "name",
            rate(name_input(), |n| validate_name("first_name", n).is_ok()),
        ),
        (
            "language",
            rate(language_input(), |l| normalize_language(l).is_ok()),
        ),
    ];
    for (what, rate) in rates {
        assert!(
            rate >= 0.4,
            "{what}: only {:.0}% of generated inputs accepted",
            rate * 100.0
        );
    }
}

// =================================================================================
// 2 and 3. Operation sequences
// =================================================================================

/// 2026-01-01T00:00:00Z.
fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap()
}

// Small pools so collisions are frequent; variants of one value (case, spaces) must
// land on the same normalised identifier.
const EMAILS: &[&str] = &[
    "ann@example.com",
    " ANN@Example.com",
    "bob@example.org",
    "Bob@example.org ",
    "cat@example.net",
    "dan@example.com",
];
const BAD_EMAILS: &[&str] = &["not-an-email", "ann@localhost"];
const PHONES: &[&str] = &[
    "+380671234567",
    "+380 67 123 4567",
    "+1 (202) 555-0143",
    "+12025550143",
    "+44 20 7946 0958",
    "+33 6 12 34 56 78",
];
const BAD_PHONES: &[&str] = &["+380 12", "067 123 4567"];
const EXTERNAL_IDS: &[&str] = &["ext-1", " ext-1 ", "ext-2", "ext-3"];
const CONTACT_KEYS: &[&str] = &["key-a", "key-b", " key-b", "key-c"];
const BAD_TEXT: &[&str] = &["", "   "];
const NAMES: &[&str] = &["Ann", "Bob Jr.", "Олена", "O'Neil"];
const BAD_NAMES: &[&str] = &["Ann!", "1234"];
const APPS: &[&str] = &["app.one", "app.two"];
const DEVICES: &[&str] = &["d1", "d2", "d3"];
const TOKENS: &[&str] = &["tok-1", " tok-1 ", "tok-2", "tok-3"];
const BAD_TOKENS: &[&str] = &["  "];
const ENDPOINTS: &[&str] = &[
    "https://push.example.com/a",
    "https://PUSH.example.com/a",
    "https://push.example.com/b",
    "https://fcm.googleapis.com/fcm/send/c",
];
const BAD_ENDPOINTS: &[&str] = &["http://push.example.com/a", "not a url"];
const P256DH: &str =
    "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
const AUTH: &str = "tBHItJI5svbpez7KI4CCXg";
const EVENTS: &[&str] = &["viewed", "added_to_cart", " signed up "];
const BAD_EVENTS: &[&str] = &["", "what?", "a,b", "x/y"];
const MESSAGES: &[&str] = &["m1", "m2", "m3"];
const ORDERS: &[&str] = &["ord-1", "ord-2", "ord-3"];
const CURRENCIES: &[&str] = &["UAH", "usd", "EUR"];
const BAD_CURRENCIES: &[&str] = &["XYZ"];
/// Ids no contact has (a valid UUID, and two that are not UUIDs).
const UNKNOWN_IDS: &[&str] = &["01900000-0000-7000-8000-0000000000ff", "not-a-uuid", ""];
/// Caller-made ids an upsert or create may bring.
const FRESH_IDS: &[&str] = &[
    "01800000-0000-7000-8000-000000000001",
    "01800000-0000-7000-8000-000000000002",
];

/// Which contact an operation is about: the n-th id this run has seen (live or
/// deleted, modulo their number), or one no contact has.
#[derive(Debug, Clone, Copy)]
enum Target {
    Known(usize),
    Unknown(&'static str),
}

/// The `id` an input carries.
#[derive(Debug, Clone, Copy)]
enum IdChoice {
    Known(usize),
    Fresh(&'static str),
    Garbage,
}

/// One attribute of an input: `None` keeps it, `Some(None)` clears it.
type Slot = Option<Option<&'static str>>;

/// A contact input over the pools.
#[derive(Debug, Clone, Default)]
struct Spec {
    id: Option<IdChoice>,
    email: Slot,
    phone: Slot,
    external_id: Slot,
    contact_key: Slot,
    first_name: Slot,
    /// app, device, token.
    device: Option<(&'static str, &'static str, &'static str)>,
    endpoint: Option<&'static str>,
}

#[derive(Debug, Clone)]
enum Op {
    Create(Spec),
    Upsert(Spec, DedupeOn),
    Update(Target, Spec),
    Delete(Target),
    Restore(Target),
    AddMobilePush(Target, &'static str, &'static str, &'static str),
    AddWebPush(Target, &'static str),
    Blacklist(Target, Channel),
    Unsubscribe(Target, Channel),
    /// target, name, `at` as hours after the start.
    Event(Target, &'static str, Option<i64>),
    /// target, message id, channel, status, hard bounce, `at`.
    Campaign(
        Target,
        &'static str,
        CampaignChannel,
        CampaignStatus,
        bool,
        Option<i64>,
    ),
    /// target, external id, amount in cents, currency, status, delivery address, `at`.
    Order(
        Target,
        &'static str,
        i64,
        &'static str,
        OrderStatus,
        bool,
        Option<i64>,
    ),
    Import(Vec<Spec>, DedupeOn),
}

/// An operation and how far the clock moves (milliseconds) before it.
#[derive(Debug, Clone)]
struct Step {
    advance_ms: i64,
    op: Op,
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        12 => (0..6usize).prop_map(Target::Known),
        1 => select(UNKNOWN_IDS).prop_map(Target::Unknown),
    ]
}

fn slot(
    good: &'static [&'static str],
    bad: &'static [&'static str],
) -> impl Strategy<Value = Slot> {
    prop_oneof![
        16 => Just(None),
        3 => Just(Some(None)),
        16 => select(good).prop_map(|v| Some(Some(v))),
        1 => select(bad).prop_map(|v| Some(Some(v))),
    ]
}

fn maybe<T: std::fmt::Debug + Clone + 'static>(
    good: &'static [T],
    bad: &'static [T],
) -> impl Strategy<Value = Option<T>> {
    prop_oneof![
        16 => Just(None),
        5 => select(good).prop_map(Some),
        1 => select(bad).prop_map(Some),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    let id = prop_oneof![
        16 => Just(None),
        2 => (0..6usize).prop_map(|i| Some(IdChoice::Known(i))),
        2 => select(FRESH_IDS).prop_map(|id| Some(IdChoice::Fresh(id))),
        1 => Just(Some(IdChoice::Garbage)),
    ];
    let device = prop_oneof![
        8 => Just(None),
        3 => (select(APPS), select(DEVICES), select(TOKENS)).prop_map(Some),
        1 => (select(APPS), select(DEVICES), select(BAD_TOKENS)).prop_map(Some),
    ];
    (
        id,
        slot(EMAILS, BAD_EMAILS),
        slot(PHONES, BAD_PHONES),
        slot(EXTERNAL_IDS, BAD_TEXT),
        slot(CONTACT_KEYS, BAD_TEXT),
        slot(NAMES, BAD_NAMES),
        device,
        maybe(ENDPOINTS, BAD_ENDPOINTS),
    )
        .prop_map(
            |(id, email, phone, external_id, contact_key, first_name, device, endpoint)| Spec {
                id,
                email,
                phone,
                external_id,
                contact_key,
                first_name,
                device,
                endpoint,
            },
        )
}

fn dedupe() -> impl Strategy<Value = DedupeOn> {
    select(
        &[
            DedupeOn::Id,
            DedupeOn::Email,
            DedupeOn::Phone,
            DedupeOn::EmailOrPhone,
            DedupeOn::ContactKey,
            DedupeOn::ExternalId,
        ][..],
    )
}

fn channel() -> impl Strategy<Value = Channel> {
    select(&Channel::ALL[..])
}

/// `at` of a timeline item: the clock (None) or one of a few hours, so ties happen.
fn at() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![2 => Just(None), 1 => (-2..4i64).prop_map(Some)]
}

fn op() -> impl Strategy<Value = Op> {
    let campaign_channel = select(
        &[
            CampaignChannel::Email,
            CampaignChannel::Sms,
            CampaignChannel::MobilePush,
            CampaignChannel::WebPush,
            CampaignChannel::Viber,
        ][..],
    );
    let status = select(
        &[
            CampaignStatus::Sent,
            CampaignStatus::Delivered,
            CampaignStatus::Read,
            CampaignStatus::Clicked,
            CampaignStatus::Undelivered,
            CampaignStatus::Unsubscribed,
            CampaignStatus::Spam,
        ][..],
    );
    let order_status = select(
        &[
            OrderStatus::Initialized,
            OrderStatus::InProgress,
            OrderStatus::Delivered,
            OrderStatus::Cancelled,
            OrderStatus::AbandonedShoppingCart,
        ][..],
    );
    let currency = prop_oneof![8 => select(CURRENCIES), 1 => select(BAD_CURRENCIES)];
    let event = prop_oneof![6 => select(EVENTS), 1 => select(BAD_EVENTS)];
    let endpoint = prop_oneof![6 => select(ENDPOINTS), 1 => select(BAD_ENDPOINTS)];
    let token = prop_oneof![6 => select(TOKENS), 1 => select(BAD_TOKENS)];
    prop_oneof![
        6 => spec().prop_map(Op::Create),
        8 => (spec(), dedupe()).prop_map(|(s, d)| Op::Upsert(s, d)),
        4 => (target(), spec()).prop_map(|(t, s)| Op::Update(t, s)),
        1 => target().prop_map(Op::Delete),
        1 => target().prop_map(Op::Restore),
        3 => (target(), select(APPS), select(DEVICES), token)
            .prop_map(|(t, a, d, k)| Op::AddMobilePush(t, a, d, k)),
        3 => (target(), endpoint).prop_map(|(t, e)| Op::AddWebPush(t, e)),
        2 => (target(), channel()).prop_map(|(t, c)| Op::Blacklist(t, c)),
        2 => (target(), channel()).prop_map(|(t, c)| Op::Unsubscribe(t, c)),
        3 => (target(), event, at()).prop_map(|(t, n, a)| Op::Event(t, n, a)),
        3 => (target(), select(MESSAGES), campaign_channel, status, any::<bool>(), at())
            .prop_map(|(t, m, c, s, h, a)| Op::Campaign(t, m, c, s, h, a)),
        3 => (target(), select(ORDERS), -100..100_000i64, currency, order_status, any::<bool>(), at())
            .prop_map(|(t, o, amount, cur, s, d, a)| Op::Order(t, o, amount, cur, s, d, a)),
        1 => (prop::collection::vec(spec(), 1..4), dedupe()).prop_map(|(r, d)| Op::Import(r, d)),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let advance = prop_oneof![
        2 => Just(0i64),
        2 => 1..2_000i64,
        1 => 1..(3 * 86_400_000i64),
    ];
    (advance, op()).prop_map(|(advance_ms, op)| Step { advance_ms, op })
}

// ---------------------------------------------------------------------------------
// Applying operations

fn resolve(ids: &[String], target: Target) -> String {
    match target {
        Target::Known(n) if !ids.is_empty() => ids[n % ids.len()].clone(),
        Target::Known(_) => UNKNOWN_IDS[0].to_string(),
        Target::Unknown(id) => id.to_string(),
    }
}

fn patch(slot: Slot) -> Patch<String> {
    match slot {
        None => Patch::Keep,
        Some(None) => Patch::Clear,
        Some(Some(v)) => Patch::Set(v.to_string()),
    }
}

fn device(app: &str, device: &str, token: &str) -> DeviceInput {
    DeviceInput {
        app_id: app.into(),
        device_id: device.into(),
        token: Some(token.into()),
        ..Default::default()
    }
}

fn web_push(endpoint: &str) -> WebPushInput {
    WebPushInput {
        endpoint: endpoint.into(),
        p256dh: Some(P256DH.into()),
        auth: Some(AUTH.into()),
        ..Default::default()
    }
}

fn input(ids: &[String], spec: &Spec) -> ContactInput {
    ContactInput {
        id: spec.id.map(|choice| match choice {
            IdChoice::Known(_) if ids.is_empty() => FRESH_IDS[0].to_string(),
            IdChoice::Known(n) => resolve(ids, Target::Known(n)),
            IdChoice::Fresh(id) => id.to_string(),
            IdChoice::Garbage => "garbage".to_string(),
        }),
        email: patch(spec.email),
        phone: patch(spec.phone),
        external_id: patch(spec.external_id),
        contact_key: patch(spec.contact_key),
        first_name: patch(spec.first_name),
        mobile_push: match spec.device {
            Some((a, d, t)) => Patch::Set(vec![device(a, d, t)]),
            None => Patch::Keep,
        },
        web_push: match spec.endpoint {
            Some(e) => Patch::Set(vec![web_push(e)]),
            None => Patch::Keep,
        },
        ..Default::default()
    }
}

fn hours(offset: Option<i64>) -> Option<DateTime<Utc>> {
    offset.map(|h| start() + Duration::hours(h))
}

/// Runs `op` on `book`; `ids` are the contact ids seen so far, for resolving targets.
fn apply(book: &ContactBook, ids: &[String], op: &Op) -> Result<(), Error> {
    let id = |target: &Target| resolve(ids, *target);
    match op {
        Op::Create(spec) => book.create(input(ids, spec)).map(drop),
        Op::Upsert(spec, on) => book.upsert(input(ids, spec), *on).map(drop),
        Op::Update(t, spec) => book.update(&id(t), input(ids, spec)).map(drop),
        Op::Delete(t) => book.delete(&id(t)),
        Op::Restore(t) => book.restore(&id(t)).map(drop),
        Op::AddMobilePush(t, app, dev, token) => book
            .add_mobile_push(&id(t), device(app, dev, token))
            .map(drop),
        Op::AddWebPush(t, endpoint) => book.add_web_push(&id(t), web_push(endpoint)).map(drop),
        Op::Blacklist(t, channel) => book.blacklist(&id(t), *channel, None, None).map(drop),
        Op::Unsubscribe(t, channel) => book
            .unsubscribe(&id(t), *channel, Some("from the property test"), None)
            .map(drop),
        Op::Event(t, name, at) => book
            .record_event(
                &id(t),
                EventInput {
                    name: name.to_string(),
                    at: hours(*at),
                    ..Default::default()
                },
            )
            .map(drop),
        Op::Campaign(t, message, channel, status, hard_bounce, at) => book
            .record_campaign(
                &id(t),
                CampaignInput {
                    message_id: message.to_string(),
                    message_name: None,
                    channel: *channel,
                    status: *status,
                    status_description: hard_bounce.then(|| "hard_bounce".to_string()),
                    at: hours(*at),
                },
            )
            .map(drop),
        Op::Order(t, external_id, cents, currency, status, delivery, at) => book
            .record_order(
                &id(t),
                OrderInput {
                    external_id: external_id.to_string(),
                    amount: Decimal::new(*cents, 2),
                    currency: currency.to_string(),
                    status: *status,
                    items: Vec::new(),
                    shipping: None,
                    discount: None,
                    taxes: None,
                    store_id: None,
                    source: OrderSource::Online,
                    delivery_address: delivery.then(|| Address {
                        country: Some("UA".into()),
                        town: Some("Kyiv".into()),
                        ..Default::default()
                    }),
                    at: hours(*at),
                },
            )
            .map(drop),
        Op::Import(rows, on) => {
            let rows: Vec<ContactInput> = rows.iter().map(|s| input(ids, s)).collect();
            book.import_contacts(rows, *on, |_| Continue(())).map(drop)
        }
    }
}

// ---------------------------------------------------------------------------------
// Observing the book

/// Everything a caller can see of the book without changing it.
#[derive(Debug)]
struct Snapshot {
    /// Live contacts in list order.
    contacts: Vec<Contact>,
    count: u64,
    /// Each live contact's whole timeline, newest first.
    activity: BTreeMap<String, Vec<Activity>>,
    /// Records at every pooled email and phone, and at every seen contact id.
    suppressions: Vec<(Channel, String, Vec<SuppressionRecord>)>,
}

impl Snapshot {
    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "contacts": self.contacts,
            "count": self.count,
            "activity": self.activity,
            "suppressions": self.suppressions,
        })
    }

    fn ids(&self) -> BTreeSet<String> {
        self.contacts.iter().map(|c| c.id.clone()).collect()
    }
}

fn ok<T>(result: Result<T, Error>, what: &str) -> Result<T, TestCaseError> {
    result.map_err(|e| TestCaseError::fail(format!("{what} failed: {e}")))
}

/// Every live contact, walking small pages; ids must ascend across pages.
fn all_contacts(book: &ContactBook) -> Result<Vec<Contact>, TestCaseError> {
    let mut contacts: Vec<Contact> = Vec::new();
    let mut cursor = None;
    loop {
        let page = ok(
            book.list(&ListQuery {
                limit: Some(3),
                cursor: cursor.take(),
            }),
            "list",
        )?;
        for contact in page.items {
            if let Some(last) = contacts.last() {
                prop_assert!(
                    last.id < contact.id,
                    "list out of order: {} then {}",
                    last.id,
                    contact.id
                );
            }
            contacts.push(contact);
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(contacts),
        }
        prop_assert!(contacts.len() < 10_000, "list does not end");
    }
}

/// A contact's whole timeline, walking small pages; it must be strictly newest first
/// (`at` descending, then id descending) and agree with one big page.
fn timeline(book: &ContactBook, id: &str) -> Result<Vec<Activity>, TestCaseError> {
    let query = |limit, cursor| ActivityQuery {
        category: ActivityCategory::All,
        period: Period::All,
        limit: Some(limit),
        cursor,
        ..Default::default()
    };
    let mut items: Vec<Activity> = Vec::new();
    let mut cursor = None;
    loop {
        let page = ok(book.activity(id, &query(4, cursor.take())), "activity")?;
        for item in page.items {
            prop_assert_eq!(&item.contact_id, id);
            if let Some(prev) = items.last() {
                prop_assert!(
                    (prev.at, &prev.id) > (item.at, &item.id),
                    "timeline of {} not newest first: {} {} then {} {}",
                    id,
                    prev.at,
                    prev.id,
                    item.at,
                    item.id
                );
            }
            items.push(item);
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        prop_assert!(items.len() < 10_000, "activity does not end");
    }
    let whole = ok(book.activity(id, &query(1000, None)), "activity")?;
    prop_assert_eq!(&whole.items, &items, "paged timeline differs from one page");
    Ok(items)
}

fn snapshot(book: &ContactBook, ids: &[String]) -> Result<Snapshot, TestCaseError> {
    let contacts = all_contacts(book)?;
    let count = ok(book.count(), "count")?;
    let mut activity = BTreeMap::new();
    for contact in &contacts {
        activity.insert(contact.id.clone(), timeline(book, &contact.id)?);
    }
    let mut addresses: Vec<(Channel, String)> = Vec::new();
    for email in EMAILS {
        addresses.push((Channel::Email, normalize_email(email).unwrap()));
    }
    for phone in PHONES {
        addresses.push((Channel::Sms, normalize_phone(phone, None).unwrap()));
    }
    for id in ids {
        for channel in [Channel::MobilePush, Channel::WebPush, Channel::Telegram] {
            addresses.push((channel, id.clone()));
        }
    }
    addresses.sort();
    addresses.dedup();
    let mut suppressions = Vec::new();
    for (channel, address) in addresses {
        let records = ok(book.suppressions(channel, &address), "suppressions")?;
        suppressions.push((channel, address, records));
    }
    Ok(Snapshot {
        contacts,
        count,
        activity,
        suppressions,
    })
}

/// What the run knows beyond the snapshot: every id seen (targets index into it) and
/// the deleted contacts as they were when deleted, minus push tokens and endpoints
/// that have since moved to a live contact.
#[derive(Debug, Default)]
struct Model {
    ids: Vec<String>,
    deleted: BTreeMap<String, Contact>,
}

/// The unique identifiers a contact holds, by kind.
fn identifiers(contact: &Contact) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let lasting = [
        ("email", &contact.email),
        ("phone", &contact.phone),
        ("external_id", &contact.external_id),
        ("contact_key", &contact.contact_key),
    ];
    for (kind, value) in lasting {
        out.extend(value.clone().map(|v| (kind, v)));
    }
    for device in &contact.devices {
        out.extend(device.token.clone().map(|t| ("push token", t)));
    }
    for subscription in &contact.web_push {
        out.push(("web push endpoint", subscription.endpoint.clone()));
    }
    out
}

fn lasting_identifiers(contact: &Contact) -> Vec<(&'static str, String)> {
    identifiers(contact)
        .into_iter()
        .filter(|(kind, _)| !matches!(*kind, "push token" | "web push endpoint"))
        .collect()
}

/// No identifier is held twice among live contacts and tracked deleted ones; the
/// count is the number listed.
fn check_invariants(snap: &Snapshot, model: &Model) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        snap.count,
        snap.contacts.len() as u64,
        "count() != listed contacts"
    );
    let mut holders: BTreeMap<(&'static str, String), String> = BTreeMap::new();
    let everyone = snap
        .contacts
        .iter()
        .map(|c| (c, "live"))
        .chain(model.deleted.values().map(|c| (c, "deleted")));
    for (contact, state) in everyone {
        for key in identifiers(contact) {
            let who = format!("{state} contact {}", contact.id);
            if let Some(other) = holders.insert(key.clone(), who.clone()) {
                prop_assert!(false, "{} {:?} held by {} and {}", key.0, key.1, other, who);
            }
        }
    }
    Ok(())
}

/// Updates the model after a successful step and checks which contacts may appear or
/// vanish: only a delete hides one, only a restore brings a deleted one back.
fn track(
    model: &mut Model,
    before: &Snapshot,
    after: &Snapshot,
    op: &Op,
) -> Result<(), TestCaseError> {
    let (was, is) = (before.ids(), after.ids());
    for gone in was.difference(&is) {
        prop_assert!(matches!(op, Op::Delete(_)), "contact {} vanished", gone);
        let contact = before.contacts.iter().find(|c| &c.id == gone).unwrap();
        model.deleted.insert(gone.clone(), contact.clone());
    }
    for kept in was.intersection(&is) {
        let find = |snap: &Snapshot| {
            snap.contacts
                .iter()
                .find(|c| &c.id == kept)
                .map(|c| c.created_at)
        };
        prop_assert_eq!(find(before), find(after), "contact {} was replaced", kept);
    }
    for new in is.difference(&was) {
        let contact = after.contacts.iter().find(|c| &c.id == new).unwrap();
        match model.deleted.remove(new) {
            Some(old) => {
                prop_assert!(matches!(op, Op::Restore(_)), "deleted {} came back", new);
                prop_assert_eq!(
                    lasting_identifiers(&old),
                    lasting_identifiers(contact),
                    "restore changed lasting identifiers"
                );
                let kept: BTreeSet<_> = identifiers(&old).into_iter().collect();
                for key in identifiers(contact) {
                    prop_assert!(kept.contains(&key), "restored {} with new {:?}", new, key);
                }
            }
            None => {
                prop_assert!(
                    matches!(op, Op::Create(_) | Op::Upsert(..) | Op::Import(..)),
                    "contact {} appeared",
                    new
                );
                prop_assert!(!model.ids.contains(new), "id {} reused", new);
                model.ids.push(new.clone());
            }
        }
    }
    // Tokens and endpoints a live contact now holds have moved off deleted ones.
    let live: BTreeSet<_> = after.contacts.iter().flat_map(identifiers).collect();
    for contact in model.deleted.values_mut() {
        contact.devices.retain(|d| {
            !d.token
                .as_ref()
                .is_some_and(|t| live.contains(&("push token", t.clone())))
        });
        contact
            .web_push
            .retain(|s| !live.contains(&("web push endpoint", s.endpoint.clone())));
    }
    Ok(())
}

/// Whether the model has ids the snapshot did not look up suppressions for.
fn saw_new_ids(snap: &Snapshot, model: &Model) -> bool {
    let looked_at = snap
        .suppressions
        .iter()
        .filter(|(channel, _, _)| *channel == Channel::Telegram)
        .count();
    looked_at != model.ids.len()
}

fn run(steps: &[Step]) -> Result<(), TestCaseError> {
    let clock = Arc::new(ManualClock::new(start()));
    let book = ContactBook::in_memory()
        .with_clock(clock.clone())
        .with_id_seed(7);
    let mut model = Model::default();
    let mut before = snapshot(&book, &model.ids)?;
    for (n, step) in steps.iter().enumerate() {
        clock
            .advance(Duration::milliseconds(step.advance_ms))
            .unwrap();
        let op = step.op.clone();
        let outcome = apply(&book, &model.ids, &op);
        let after = snapshot(&book, &model.ids)?;
        match outcome {
            Err(e) => {
                let (was, is) = (before.json(), after.json());
                prop_assert!(
                    was == is,
                    "step {} {:?} failed with {} yet changed the book:\nbefore: {}\nafter:  {}",
                    n,
                    op,
                    e,
                    was,
                    is
                );
            }
            Ok(()) => track(&mut model, &before, &after, &op)
                .map_err(|e| TestCaseError::fail(format!("step {n} {:?}: {e}", op)))?,
        }
        // A new id widens the suppression addresses a snapshot looks at.
        let after = if saw_new_ids(&after, &model) {
            snapshot(&book, &model.ids)?
        } else {
            after
        };
        check_invariants(&after, &model)
            .map_err(|e| TestCaseError::fail(format!("after step {n} {:?}: {e}", op)))?;
        before = after;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn operation_sequences_keep_the_book_consistent(
        steps in prop::collection::vec(step(), 1..40)
    ) {
        run(&steps)?;
    }
}
