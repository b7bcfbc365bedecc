//! A contact packed into one allocation. A `ContactRecord` holds dozens of small
//! allocations (a string each, a B-tree node per set and map); reads clone the
//! contact anyway, so unpacking it on read costs about what the clone did.
//!
//! The bytes are seven sections, each behind its length so that a read skips what
//! its [`Parts`] leave out. First come the identifiers (email, phone, external id,
//! contact key, push tokens, web push endpoints, Telegram chat), each kept once
//! with its kind: a field holding one writes its position there, and the identifier
//! index points at it instead of copying it, finding it without parsing the rest.
//! Then the contact's own columns (starting with `deleted_at`, so the live check
//! reads one byte), devices, web push subscriptions, categories, segments and field
//! values.

use super::bytes::{damaged, Reader, Writer};
use super::id::ContactId;
use crate::model::{
    Address, ContactRecord, FieldValue, Identifier, Location, LocationSource, MobilePushDevice,
    Platform, Source, Telegram, WebPushSubscription,
};
use crate::store::Parts;
use crate::Result;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// The bytes of one packed contact.
pub(super) type Packed = Box<[u8]>;

/// An identifier as the index compares it: its kind and the bytes of its value
/// (not checked as UTF-8 until unpacked).
pub(super) type Key<'a> = (IdentifierKind, &'a [u8]);

/// The variants of [`Identifier`], as a tag in the packed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum IdentifierKind {
    Email,
    Phone,
    ExternalId,
    ContactKey,
    PushToken,
    WebPushEndpoint,
    TelegramChat,
}

/// Each fieldless enum in declaration order: a value's tag is its position here.
const IDENTIFIER_KINDS: [IdentifierKind; 7] = [
    IdentifierKind::Email,
    IdentifierKind::Phone,
    IdentifierKind::ExternalId,
    IdentifierKind::ContactKey,
    IdentifierKind::PushToken,
    IdentifierKind::WebPushEndpoint,
    IdentifierKind::TelegramChat,
];
const SOURCES: [Source; 6] = [
    Source::Api,
    Source::Import,
    Source::SubscriptionForm,
    Source::Order,
    Source::Sdk,
    Source::Manual,
];
const PLATFORMS: [Platform; 4] = [
    Platform::Ios,
    Platform::Android,
    Platform::Huawei,
    Platform::Other,
];
const LOCATION_SOURCES: [LocationSource; 3] = [
    LocationSource::Manual,
    LocationSource::Gps,
    LocationSource::Ip,
];

/// `identifier` as the packed form compares it.
pub(super) fn key_of(identifier: &Identifier) -> Key<'_> {
    let kind = match identifier {
        Identifier::Email(_) => IdentifierKind::Email,
        Identifier::Phone(_) => IdentifierKind::Phone,
        Identifier::ExternalId(_) => IdentifierKind::ExternalId,
        Identifier::ContactKey(_) => IdentifierKind::ContactKey,
        Identifier::PushToken(_) => IdentifierKind::PushToken,
        Identifier::WebPushEndpoint(_) => IdentifierKind::WebPushEndpoint,
        Identifier::TelegramChat(_) => IdentifierKind::TelegramChat,
    };
    (kind, identifier.value().as_bytes())
}

/// Packs contacts, reusing its buffers (as large as the largest contact packed) so
/// that a pack allocates only its result.
#[derive(Debug, Default)]
pub(super) struct Packer {
    body: Vec<u8>,
    found: Vec<u8>,
    head: Vec<u8>,
}

impl Packer {
    pub(super) fn pack(&mut self, record: &ContactRecord) -> Packed {
        let mut found = Found {
            count: 0,
            entries: Writer::over(std::mem::take(&mut self.found)),
        };
        let mut body = Writer::over(std::mem::take(&mut self.body));
        write_body(&mut body, record, &mut found);
        // The identifiers are known once the rest is written, and go first.
        let mut head = Writer::over(std::mem::take(&mut self.head));
        head.section(|w| {
            w.len(found.count);
            w.raw(found.entries.as_slice());
        });
        let packed = [head.as_slice(), body.as_slice()]
            .concat()
            .into_boxed_slice();
        self.body = body.into_vec();
        self.found = found.entries.into_vec();
        self.head = head.into_vec();
        packed
    }
}

/// Every section but the identifiers.
fn write_body(w: &mut Writer, record: &ContactRecord, found: &mut Found) {
    w.section(|w| write_own(w, record, found));
    w.section(|w| w.list(record.devices.iter(), |w, d| write_device(w, d, found)));
    w.section(|w| w.list(record.web_push.iter(), |w, s| write_web_push(w, s, found)));
    w.section(|w| w.list(record.categories.iter(), |w, key| w.str(key)));
    w.section(|w| w.list(record.segments.iter(), |w, id| w.str(id)));
    w.section(|w| {
        w.list(record.fields.iter(), |w, (key, value)| {
            w.str(key);
            write_field_value(w, value);
        })
    });
}

/// The identifiers met while packing, written out in order as they come. A field
/// holding one writes its position plus one (zero for none).
struct Found {
    count: usize,
    entries: Writer,
}

impl Found {
    fn write(&mut self, w: &mut Writer, kind: IdentifierKind, value: Option<&str>) {
        match value {
            None => w.len(0),
            Some(value) => {
                self.entries.u8(kind as u8);
                self.entries.str(value);
                self.count += 1;
                w.len(self.count);
            }
        }
    }
}

fn write_own(w: &mut Writer, record: &ContactRecord, found: &mut Found) {
    w.opt_time(record.deleted_at);
    write_id(w, &ContactId::new(&record.id));
    found.write(w, IdentifierKind::ExternalId, record.external_id.as_deref());
    found.write(w, IdentifierKind::ContactKey, record.contact_key.as_deref());
    w.opt_str(record.first_name.as_deref());
    w.opt_str(record.last_name.as_deref());
    found.write(w, IdentifierKind::Email, record.email.as_deref());
    w.bool(record.email_confirmed);
    found.write(w, IdentifierKind::Phone, record.phone.as_deref());
    w.bool(record.phone_confirmed);
    w.option(record.telegram.as_ref(), |w, telegram| {
        w.str(&telegram.bot_id);
        found.write(w, IdentifierKind::TelegramChat, Some(&telegram.chat_id));
    });
    w.option(record.address.as_ref(), write_address);
    w.option(record.location.as_ref(), write_location);
    w.opt_str(record.timezone.as_deref());
    w.opt_str(record.language.as_deref());
    w.time(record.created_at);
    w.time(record.updated_at);
    w.u8(record.source as u8);
}

/// A UUID as its 16 bytes behind a zero, any other id as text behind a one.
fn write_id(w: &mut Writer, id: &ContactId) {
    match id.as_uuid() {
        Some(bytes) => {
            w.u8(0);
            w.raw(bytes);
        }
        None => {
            w.u8(1);
            w.str(&id.to_string());
        }
    }
}

fn write_address(w: &mut Writer, address: &Address) {
    w.opt_str(address.country.as_deref());
    w.opt_str(address.region.as_deref());
    w.opt_str(address.town.as_deref());
    w.opt_str(address.street_address.as_deref());
    w.opt_str(address.postcode.as_deref());
}

fn write_location(w: &mut Writer, location: &Location) {
    w.f64(location.latitude);
    w.f64(location.longitude);
    w.option(location.accuracy, Writer::f64);
    w.opt_str(location.country.as_deref());
    w.opt_str(location.region.as_deref());
    w.opt_str(location.city.as_deref());
    w.u8(location.source as u8);
    w.time(location.updated_at);
}

fn write_device(w: &mut Writer, device: &MobilePushDevice, found: &mut Found) {
    w.str(&device.app_id);
    w.str(&device.device_id);
    found.write(w, IdentifierKind::PushToken, device.token.as_deref());
    w.u8(device.platform as u8);
    w.opt_str(device.model.as_deref());
    w.opt_str(device.os.as_deref());
    w.opt_str(device.os_version.as_deref());
    w.opt_str(device.locale.as_deref());
    w.opt_str(device.app_version.as_deref());
    w.bool(device.active);
    w.time(device.registered_at);
    w.time(device.last_seen_at);
}

fn write_web_push(w: &mut Writer, sub: &WebPushSubscription, found: &mut Found) {
    found.write(w, IdentifierKind::WebPushEndpoint, Some(&sub.endpoint));
    w.str(&sub.p256dh);
    w.str(&sub.auth);
    w.opt_str(sub.user_agent.as_deref());
    w.opt_str(sub.language.as_deref());
    w.opt_str(sub.os.as_deref());
    w.opt_str(sub.subscription_page.as_deref());
    w.time(sub.created_at);
}

fn write_field_value(w: &mut Writer, value: &FieldValue) {
    match value {
        FieldValue::Boolean(b) => {
            w.u8(0);
            w.bool(*b);
        }
        FieldValue::Number(n) => {
            w.u8(1);
            w.signed(*n);
        }
        FieldValue::Multilist(items) => {
            w.u8(2);
            w.list(items.iter(), |w, item| w.str(item));
        }
        FieldValue::Text(s) => {
            w.u8(3);
            w.str(s);
        }
        FieldValue::Textarea(s) => {
            w.u8(4);
            w.str(s);
        }
        FieldValue::Decimal(d) => {
            w.u8(5);
            w.raw(&d.serialize());
        }
        FieldValue::Date(d) => {
            w.u8(6);
            w.signed(d.num_days_from_ce().into());
        }
        FieldValue::Datetime(t) => {
            w.u8(7);
            w.time(*t);
        }
        FieldValue::List(s) => {
            w.u8(8);
            w.str(s);
        }
    }
}

/// The identifiers of a packed contact, in the order positions count them.
#[derive(Clone, Copy)]
pub(super) struct IdentifierList<'a>(Reader<'a>);

impl<'a> IdentifierList<'a> {
    /// Reads only the first section.
    pub(super) fn of(packed: &'a [u8]) -> Result<Self> {
        Reader::new(packed).section().map(IdentifierList)
    }

    pub(super) fn count(self) -> Result<usize> {
        let mut r = self.0;
        r.len()
    }

    pub(super) fn all(self) -> Result<Vec<Key<'a>>> {
        let mut r = self.0;
        r.list(read_key)
    }

    /// The identifier at `position`.
    pub(super) fn get(self, position: usize) -> Result<Key<'a>> {
        let mut r = self.0;
        if position >= r.len()? {
            return Err(damaged());
        }
        for _ in 0..position {
            read_key(&mut r)?;
        }
        read_key(&mut r)
    }
}

/// A packed contact's sections, found without unpacking anything.
#[derive(Clone, Copy)]
pub(super) struct View<'a> {
    identifiers: IdentifierList<'a>,
    own: Reader<'a>,
    devices: Reader<'a>,
    web_push: Reader<'a>,
    categories: Reader<'a>,
    segments: Reader<'a>,
    fields: Reader<'a>,
}

impl<'a> View<'a> {
    pub(super) fn of(bytes: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        Ok(View {
            identifiers: IdentifierList(r.section()?),
            own: r.section()?,
            devices: r.section()?,
            web_push: r.section()?,
            categories: r.section()?,
            segments: r.section()?,
            fields: r.section()?,
        })
    }

    /// Not soft-deleted.
    pub(super) fn is_live(&self) -> Result<bool> {
        let mut own = self.own;
        Ok(own.opt_time()?.is_none())
    }

    pub(super) fn id(&self) -> Result<ContactId> {
        let mut own = self.own;
        own.opt_time()?;
        read_id(&mut own)
    }

    /// Whether the contact is a member of the segment `segment_id`.
    pub(super) fn in_segment(&self, segment_id: &str) -> Result<bool> {
        let mut segments = self.segments;
        let ids: Vec<&str> = segments.list(Reader::str)?;
        Ok(ids.contains(&segment_id))
    }

    /// The contact with the child collections `parts` names (the others empty).
    pub(super) fn unpack(&self, parts: Parts) -> Result<ContactRecord> {
        let identifiers = self.identifiers.all()?;
        let View {
            mut own,
            mut devices,
            mut web_push,
            mut categories,
            mut segments,
            mut fields,
            ..
        } = *self;
        let mut record = read_own(&mut own, &identifiers)?;
        if parts.devices {
            record.devices = devices.list(|r| read_device(r, &identifiers))?;
        }
        if parts.web_push {
            record.web_push = web_push.list(|r| read_web_push(r, &identifiers))?;
        }
        if parts.categories {
            record.categories = categories.list(Reader::string)?;
        }
        if parts.segments {
            record.segments = segments.list(Reader::string)?;
        }
        if parts.fields {
            record.fields = fields.list(|r| Ok((r.string()?, read_field_value(r)?)))?;
        }
        Ok(record)
    }
}

fn read_key<'a>(r: &mut Reader<'a>) -> Result<Key<'a>> {
    let kind = tag(r, &IDENTIFIER_KINDS)?;
    let len = r.len()?;
    Ok((kind, r.take(len)?))
}

/// A fieldless enum's value from its tag.
fn tag<T: Copy>(r: &mut Reader, all: &[T]) -> Result<T> {
    all.get(usize::from(r.u8()?)).copied().ok_or_else(damaged)
}

/// The identifier a field refers to, if any.
fn read_identifier(r: &mut Reader, identifiers: &[Key]) -> Result<Option<String>> {
    match r.len()? {
        0 => Ok(None),
        position => {
            let (_, value) = identifiers.get(position - 1).ok_or_else(damaged)?;
            let value = std::str::from_utf8(value).map_err(|_| damaged())?;
            Ok(Some(value.to_string()))
        }
    }
}

/// The identifier a field always holds.
fn read_required_identifier(r: &mut Reader, identifiers: &[Key]) -> Result<String> {
    read_identifier(r, identifiers)?.ok_or_else(damaged)
}

fn read_own(r: &mut Reader, identifiers: &[Key]) -> Result<ContactRecord> {
    let deleted_at = r.opt_time()?;
    Ok(ContactRecord {
        id: read_id(r)?.to_string(),
        external_id: read_identifier(r, identifiers)?,
        contact_key: read_identifier(r, identifiers)?,
        first_name: r.opt_string()?,
        last_name: r.opt_string()?,
        email: read_identifier(r, identifiers)?,
        email_confirmed: r.bool()?,
        phone: read_identifier(r, identifiers)?,
        phone_confirmed: r.bool()?,
        telegram: r.option(|r| {
            Ok(Telegram {
                bot_id: r.string()?,
                chat_id: read_required_identifier(r, identifiers)?,
            })
        })?,
        address: r.option(read_address)?,
        location: r.option(read_location)?,
        timezone: r.opt_string()?,
        language: r.opt_string()?,
        created_at: r.time()?,
        updated_at: r.time()?,
        source: tag(r, &SOURCES)?,
        deleted_at,
        devices: Vec::new(),
        web_push: Vec::new(),
        categories: Default::default(),
        segments: Default::default(),
        fields: Default::default(),
    })
}

fn read_id(r: &mut Reader) -> Result<ContactId> {
    match r.u8()? {
        0 => {
            let bytes = r.take(16)?.try_into().map_err(|_| damaged())?;
            Ok(ContactId::from_uuid(bytes))
        }
        1 => r.str().map(ContactId::new),
        _ => Err(damaged()),
    }
}

fn read_address(r: &mut Reader) -> Result<Address> {
    Ok(Address {
        country: r.opt_string()?,
        region: r.opt_string()?,
        town: r.opt_string()?,
        street_address: r.opt_string()?,
        postcode: r.opt_string()?,
    })
}

fn read_location(r: &mut Reader) -> Result<Location> {
    Ok(Location {
        latitude: r.f64()?,
        longitude: r.f64()?,
        accuracy: r.option(Reader::f64)?,
        country: r.opt_string()?,
        region: r.opt_string()?,
        city: r.opt_string()?,
        source: tag(r, &LOCATION_SOURCES)?,
        updated_at: r.time()?,
    })
}

fn read_device(r: &mut Reader, identifiers: &[Key]) -> Result<MobilePushDevice> {
    Ok(MobilePushDevice {
        app_id: r.string()?,
        device_id: r.string()?,
        token: read_identifier(r, identifiers)?,
        platform: tag(r, &PLATFORMS)?,
        model: r.opt_string()?,
        os: r.opt_string()?,
        os_version: r.opt_string()?,
        locale: r.opt_string()?,
        app_version: r.opt_string()?,
        active: r.bool()?,
        registered_at: r.time()?,
        last_seen_at: r.time()?,
    })
}

fn read_web_push(r: &mut Reader, identifiers: &[Key]) -> Result<WebPushSubscription> {
    Ok(WebPushSubscription {
        endpoint: read_required_identifier(r, identifiers)?,
        p256dh: r.string()?,
        auth: r.string()?,
        user_agent: r.opt_string()?,
        language: r.opt_string()?,
        os: r.opt_string()?,
        subscription_page: r.opt_string()?,
        created_at: r.time()?,
    })
}

fn read_field_value(r: &mut Reader) -> Result<FieldValue> {
    Ok(match r.u8()? {
        0 => FieldValue::Boolean(r.bool()?),
        1 => FieldValue::Number(r.signed()?),
        2 => FieldValue::Multilist(r.list(Reader::string)?),
        3 => FieldValue::Text(r.string()?),
        4 => FieldValue::Textarea(r.string()?),
        5 => {
            let bytes = r.take(16)?.try_into().map_err(|_| damaged())?;
            FieldValue::Decimal(Decimal::deserialize(bytes))
        }
        6 => {
            let days = i32::try_from(r.signed()?).map_err(|_| damaged())?;
            FieldValue::Date(NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(damaged)?)
        }
        7 => FieldValue::Datetime(r.time()?),
        8 => FieldValue::List(r.string()?),
        _ => return Err(damaged()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn at(seconds: i64, nanos: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, nanos).unwrap()
    }

    fn device(n: u8, token: Option<&str>) -> MobilePushDevice {
        MobilePushDevice {
            app_id: "com.example.app".into(),
            device_id: format!("device-{n}"),
            token: token.map(str::to_string),
            platform: Platform::Huawei,
            model: Some("P60".into()),
            os: Some("HarmonyOS".into()),
            os_version: Some("4.0".into()),
            locale: Some("uk-UA".into()),
            app_version: None,
            active: n != 1,
            registered_at: at(1_700_000_000, 1),
            last_seen_at: at(1_700_000_100, 999_999_999),
        }
    }

    fn web_push(endpoint: &str) -> WebPushSubscription {
        WebPushSubscription {
            endpoint: endpoint.into(),
            p256dh: "BNc".into(),
            auth: "tBH".into(),
            user_agent: Some("Firefox".into()),
            language: None,
            os: Some("Linux".into()),
            subscription_page: Some("https://example.com/".into()),
            created_at: at(-86_400, 0),
        }
    }

    /// A contact with every column and collection filled in.
    fn full() -> ContactRecord {
        ContactRecord {
            id: "0190a000-0000-7000-8000-000000000001".into(),
            external_id: Some("crm-1".into()),
            contact_key: Some("key-1".into()),
            first_name: Some("Олена".into()),
            last_name: Some("".into()),
            email: Some("olena@example.com".into()),
            email_confirmed: true,
            phone: Some("+380501234567".into()),
            phone_confirmed: false,
            devices: vec![
                device(0, Some("aa11")),
                device(1, None),
                device(2, Some("bb22")),
            ],
            web_push: vec![
                web_push("https://push.example/1"),
                web_push("https://push.example/2"),
            ],
            telegram: Some(Telegram {
                bot_id: "bot".into(),
                chat_id: "42".into(),
            }),
            categories: ["news".to_string(), "offers".to_string()].into(),
            address: Some(Address {
                country: Some("UA".into()),
                region: None,
                town: Some("Lviv".into()),
                street_address: Some("Rynok 1".into()),
                postcode: None,
            }),
            location: Some(Location {
                latitude: 49.84,
                longitude: -24.03,
                accuracy: Some(0.5),
                country: None,
                region: Some("Lviv oblast".into()),
                city: Some("Lviv".into()),
                source: LocationSource::Ip,
                updated_at: at(1_700_000_200, 0),
            }),
            timezone: Some("Europe/Kyiv".into()),
            language: Some("uk".into()),
            segments: ["0190a000-0000-7000-8000-00000000000a".to_string()].into(),
            fields: [
                ("b", FieldValue::Boolean(true)),
                ("n", FieldValue::Number(i64::MIN)),
                ("m", FieldValue::Multilist(vec!["x".into(), "y".into()])),
                ("t", FieldValue::Text("text".into())),
                ("ta", FieldValue::Textarea("long\ntext".into())),
                ("d", FieldValue::Decimal(Decimal::new(-12345, 3))),
                (
                    "date",
                    FieldValue::Date(NaiveDate::from_ymd_opt(-4, 2, 29).unwrap()),
                ),
                ("dt", FieldValue::Datetime(at(1_483_228_799, 1_500_000_000))),
                ("l", FieldValue::List("one".into())),
            ]
            .into_iter()
            .map(|(key, value)| (key.to_string(), value))
            .collect(),
            created_at: at(1_600_000_000, 123),
            updated_at: at(1_700_000_300, 456),
            source: Source::SubscriptionForm,
            deleted_at: Some(at(1_700_000_400, 0)),
        }
    }

    /// A contact with nothing but what every contact has.
    fn bare() -> ContactRecord {
        ContactRecord {
            id: "bare".into(),
            external_id: None,
            contact_key: None,
            first_name: None,
            last_name: None,
            email: None,
            email_confirmed: false,
            phone: None,
            phone_confirmed: false,
            devices: Vec::new(),
            web_push: Vec::new(),
            telegram: None,
            categories: Default::default(),
            address: None,
            location: None,
            timezone: None,
            language: None,
            segments: Default::default(),
            fields: Default::default(),
            created_at: at(0, 0),
            updated_at: at(0, 0),
            source: Source::Api,
            deleted_at: None,
        }
    }

    #[test]
    fn every_part_unpacks_as_it_was_packed() {
        for record in [full(), bare()] {
            let packed = Packer::default().pack(&record);
            let view = View::of(&packed).unwrap();
            assert_eq!(view.unpack(Parts::ALL).unwrap(), record);
            assert_eq!(view.id().unwrap().to_string(), record.id);
            assert_eq!(view.is_live().unwrap(), record.deleted_at.is_none());
        }
    }

    #[test]
    fn a_partial_read_is_the_trimmed_record() {
        let record = full();
        let packed = Packer::default().pack(&record);
        let view = View::of(&packed).unwrap();
        for bits in 0..32u8 {
            let parts = Parts {
                devices: bits & 1 != 0,
                web_push: bits & 2 != 0,
                categories: bits & 4 != 0,
                segments: bits & 8 != 0,
                fields: bits & 16 != 0,
            };
            let trimmed = ContactRecord {
                devices: if parts.devices {
                    record.devices.clone()
                } else {
                    Vec::new()
                },
                web_push: if parts.web_push {
                    record.web_push.clone()
                } else {
                    Vec::new()
                },
                categories: if parts.categories {
                    record.categories.clone()
                } else {
                    Default::default()
                },
                segments: if parts.segments {
                    record.segments.clone()
                } else {
                    Default::default()
                },
                fields: if parts.fields {
                    record.fields.clone()
                } else {
                    Default::default()
                },
                ..record.clone()
            };
            assert_eq!(view.unpack(parts).unwrap(), trimmed, "{parts:?}");
        }
    }

    #[test]
    fn identifiers_are_the_records_own_and_found_by_position() {
        let record = full();
        let packed = Packer::default().pack(&record);
        let list = IdentifierList::of(&packed).unwrap();
        let keys = list.all().unwrap();
        assert_eq!(list.count().unwrap(), keys.len());
        let expected = record.identifiers();
        let mut expected: Vec<Key> = expected.iter().map(key_of).collect();
        let mut sorted = keys.clone();
        expected.sort_by_key(|&(kind, value)| (kind as u8, value));
        sorted.sort_by_key(|&(kind, value)| (kind as u8, value));
        assert_eq!(sorted, expected);
        for (position, key) in keys.iter().enumerate() {
            assert_eq!(list.get(position).unwrap(), *key);
        }
        assert!(list.get(keys.len()).is_err());
    }

    #[test]
    fn segment_membership_is_read_without_unpacking() {
        let packed = Packer::default().pack(&full());
        let view = View::of(&packed).unwrap();
        assert!(view
            .in_segment("0190a000-0000-7000-8000-00000000000a")
            .unwrap());
        assert!(!view.in_segment("0190a000").unwrap());
    }

    #[test]
    fn every_enum_value_has_its_own_tag() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(all: &[T], tag: impl Fn(T) -> u8) {
            for (position, &value) in all.iter().enumerate() {
                assert_eq!(usize::from(tag(value)), position, "{value:?}");
            }
        }
        check(&IDENTIFIER_KINDS, |v| v as u8);
        check(&SOURCES, |v| v as u8);
        check(&PLATFORMS, |v| v as u8);
        check(&LOCATION_SOURCES, |v| v as u8);
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let packed = Packer::default().pack(&full());
        for len in 0..packed.len() {
            let cut = &packed[..len];
            assert!(View::of(cut).and_then(|v| v.unpack(Parts::ALL)).is_err());
        }
        for i in 0..packed.len() {
            let mut flipped = packed.to_vec();
            flipped[i] ^= 0xa5;
            // Any outcome but a panic.
            let _ = IdentifierList::of(&flipped).and_then(|list| list.get(3));
            let _ = View::of(&flipped).and_then(|v| v.unpack(Parts::ALL));
        }
    }
}
