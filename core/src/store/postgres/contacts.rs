//! Contacts and their child rows (devices, web push, categories, segment
//! memberships, field values): one row set per contact, replaced whole on save.
//!
//! Round trips are counted: a contact or a whole page of them is read with one
//! statement for the contact rows and one per child table (`contact_id = ANY($1)`),
//! and saved with one statement for the contact row (clearing its children in the
//! same statement) and one multi-row insert per child table that has rows.

use super::{get, position, Session};
use crate::model::{
    Address, ContactRecord, FieldValue, Identifier, MobilePushDevice, Telegram, WebPushSubscription,
};
use crate::store::codec::{self, instant, millis};
use crate::store::Parts;
use crate::Result;
use postgres::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The contact columns, as a literal so the statements below are constants.
macro_rules! contact_columns {
    ($prefix:literal) => {
        concat!(
            $prefix,
            "id, ",
            $prefix,
            "external_id, ",
            $prefix,
            "contact_key, ",
            $prefix,
            "first_name, ",
            $prefix,
            "last_name, ",
            $prefix,
            "email, ",
            $prefix,
            "email_confirmed, ",
            $prefix,
            "phone, ",
            $prefix,
            "phone_confirmed, ",
            $prefix,
            "telegram_bot_id, ",
            $prefix,
            "telegram_chat_id, ",
            $prefix,
            "address_country, ",
            $prefix,
            "address_region, ",
            $prefix,
            "address_town, ",
            $prefix,
            "address_street, ",
            $prefix,
            "address_postcode, ",
            $prefix,
            "location, ",
            $prefix,
            "timezone, ",
            $prefix,
            "language, ",
            $prefix,
            "created_at, ",
            $prefix,
            "updated_at, ",
            $prefix,
            "source, ",
            $prefix,
            "deleted_at"
        )
    };
}

const SELECT_CONTACT: &str = concat!(
    "SELECT ",
    contact_columns!(""),
    " FROM contacts WHERE id = $1"
);

const SELECT_CONTACTS: &str = concat!(
    "SELECT ",
    contact_columns!(""),
    " FROM contacts WHERE id = ANY($1)"
);

const SELECT_LIVE: &str = concat!(
    "SELECT ",
    contact_columns!(""),
    " FROM contacts WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2"
);

const SELECT_MEMBERS: &str = concat!(
    "SELECT ",
    contact_columns!("c."),
    " FROM segment_members m JOIN contacts c ON c.id = m.contact_id \
     WHERE m.segment_id = $3 AND c.deleted_at IS NULL AND c.id > $1 ORDER BY c.id LIMIT $2"
);

/// Clears the contact's child rows (written again after it) and inserts or rewrites
/// its own row, in one statement: every part of a data-modifying `WITH` runs on the
/// same snapshot, and the child tables are not the contact table.
const SAVE_CONTACT: &str = concat!(
    "WITH devices_gone AS (DELETE FROM devices WHERE contact_id = $1), \
     web_push_gone AS (DELETE FROM web_push WHERE contact_id = $1), \
     categories_gone AS (DELETE FROM contact_categories WHERE contact_id = $1), \
     segments_gone AS (DELETE FROM segment_members WHERE contact_id = $1), \
     fields_gone AS (DELETE FROM field_values WHERE contact_id = $1) \
     INSERT INTO contacts (",
    contact_columns!(""),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
     $18, $19, $20, $21, $22, $23) ON CONFLICT (id) DO UPDATE SET \
     external_id = excluded.external_id, contact_key = excluded.contact_key, \
     first_name = excluded.first_name, last_name = excluded.last_name, \
     email = excluded.email, email_confirmed = excluded.email_confirmed, \
     phone = excluded.phone, phone_confirmed = excluded.phone_confirmed, \
     telegram_bot_id = excluded.telegram_bot_id, telegram_chat_id = excluded.telegram_chat_id, \
     address_country = excluded.address_country, address_region = excluded.address_region, \
     address_town = excluded.address_town, address_street = excluded.address_street, \
     address_postcode = excluded.address_postcode, location = excluded.location, \
     timezone = excluded.timezone, language = excluded.language, \
     created_at = excluded.created_at, updated_at = excluded.updated_at, \
     source = excluded.source, deleted_at = excluded.deleted_at"
);

const INSERT_DEVICES: &str = "INSERT INTO devices (contact_id, position, app_id, device_id, \
     token, platform, model, os, os_version, locale, app_version, active, registered_at, \
     last_seen_at) SELECT $1, d.* FROM unnest($2::int4[], $3::text[], $4::text[], $5::text[], \
     $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bool[], \
     $13::int8[], $14::int8[]) AS d";

const INSERT_WEB_PUSH: &str = "INSERT INTO web_push (contact_id, position, endpoint, p256dh, \
     auth, user_agent, language, os, subscription_page, created_at) SELECT $1, w.* FROM \
     unnest($2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], \
     $8::text[], $9::text[], $10::int8[]) AS w";

const INSERT_CATEGORIES: &str = "INSERT INTO contact_categories (contact_id, category_key) \
     SELECT $1, k FROM unnest($2::text[]) AS k";

const INSERT_SEGMENTS: &str = "INSERT INTO segment_members (segment_id, contact_id) \
     SELECT s, $1 FROM unnest($2::text[]) AS s";

const INSERT_FIELDS: &str = "INSERT INTO field_values (contact_id, key, type, value) \
     SELECT $1, f.* FROM unnest($2::text[], $3::text[], $4::text[]) AS f";

const SELECT_DEVICES: &str = "SELECT contact_id, app_id, device_id, token, platform, model, \
     os, os_version, locale, app_version, active, registered_at, last_seen_at FROM devices \
     WHERE contact_id = ANY($1) ORDER BY contact_id, position";

const SELECT_WEB_PUSH: &str = "SELECT contact_id, endpoint, p256dh, auth, user_agent, \
     language, os, subscription_page, created_at FROM web_push WHERE contact_id = ANY($1) \
     ORDER BY contact_id, position";

const SELECT_CATEGORIES: &str =
    "SELECT contact_id, category_key FROM contact_categories WHERE contact_id = ANY($1)";

const SELECT_SEGMENTS: &str =
    "SELECT contact_id, segment_id FROM segment_members WHERE contact_id = ANY($1)";

const SELECT_FIELDS: &str =
    "SELECT contact_id, key, type, value FROM field_values WHERE contact_id = ANY($1)";

/// The contact with `id`, with the child rows `parts` names.
pub fn load(s: &mut Session<'_, '_>, id: &str, parts: Parts) -> Result<Option<ContactRecord>> {
    let Some(row) = s.query_opt(SELECT_CONTACT, &[&id])? else {
        return Ok(None);
    };
    let mut contacts = vec![read_contact(&row)?];
    with_children(s, &mut contacts, parts)?;
    Ok(contacts.pop())
}

/// The contacts with `ids`, deleted or not, with the child rows `parts` names: one
/// statement for the contacts and one per child table, whatever their number.
pub fn load_many(
    s: &mut Session<'_, '_>,
    ids: &[&str],
    parts: Parts,
) -> Result<Vec<ContactRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = s.query(SELECT_CONTACTS, &[&ids])?;
    let mut contacts = rows.iter().map(read_contact).collect::<Result<Vec<_>>>()?;
    with_children(s, &mut contacts, parts)?;
    Ok(contacts)
}

/// Live contacts by id after `after_id`, or live members of `segment_id`, with all
/// their children.
pub fn load_live(
    s: &mut Session<'_, '_>,
    segment_id: Option<&str>,
    after_id: Option<&str>,
    limit: usize,
) -> Result<Vec<ContactRecord>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let after = after_id.unwrap_or("");
    let rows = match segment_id {
        None => s.query(SELECT_LIVE, &[&after, &limit])?,
        Some(segment) => s.query(SELECT_MEMBERS, &[&after, &limit, &segment])?,
    };
    let mut contacts = rows.iter().map(read_contact).collect::<Result<Vec<_>>>()?;
    with_children(s, &mut contacts, Parts::ALL)?;
    Ok(contacts)
}

/// How many contacts are not deleted.
pub fn count_live(s: &mut Session<'_, '_>) -> Result<u64> {
    let rows = s.query(
        "SELECT count(*) FROM contacts WHERE deleted_at IS NULL",
        &[],
    )?;
    let count: i64 = match rows.first() {
        Some(row) => get(row, 0)?,
        None => 0,
    };
    Ok(u64::try_from(count).unwrap_or(0))
}

/// The id of the contact holding `identifier`.
pub fn id_by(s: &mut Session<'_, '_>, identifier: &Identifier) -> Result<Option<String>> {
    let (table, column, owner) = codec::identifier_column(identifier);
    let sql = format!("SELECT {owner} FROM {table} WHERE {column} = $1");
    match s.query_opt(&sql, &[&identifier.value()])? {
        Some(row) => get(&row, 0).map(Some),
        None => Ok(None),
    }
}

/// The holders of many identifiers: one statement per kind of identifier, whatever
/// their number.
pub fn ids_by(
    s: &mut Session<'_, '_>,
    identifiers: &[Identifier],
) -> Result<Vec<(Identifier, String)>> {
    let mut by_kind: Vec<Vec<&Identifier>> = Vec::new();
    for identifier in identifiers {
        let kind = std::mem::discriminant(identifier);
        match by_kind
            .iter_mut()
            .find(|group| std::mem::discriminant(group[0]) == kind)
        {
            Some(group) => group.push(identifier),
            None => by_kind.push(vec![identifier]),
        }
    }
    let mut found = Vec::new();
    for group in by_kind {
        let by_value: HashMap<&str, &Identifier> = group.iter().map(|i| (i.value(), *i)).collect();
        let values: Vec<&str> = by_value.keys().copied().collect();
        let (table, column, owner) = codec::identifier_column(group[0]);
        let sql = format!("SELECT {column}, {owner} FROM {table} WHERE {column} = ANY($1)");
        for row in s.query(&sql, &[&values])? {
            let value: &str = get(&row, 0)?;
            if let Some(identifier) = by_value.get(value) {
                found.push(((*identifier).clone(), get(&row, 1)?));
            }
        }
    }
    Ok(found)
}

/// Inserts or replaces a contact and all its child rows.
pub fn save(s: &mut Session<'_, '_>, c: &ContactRecord) -> Result<()> {
    let address = c.address.clone().unwrap_or_default();
    let location = c.location.as_ref().map(codec::to_json).transpose()?;
    let source = codec::name_of(&c.source)?;
    let deleted_at = c.deleted_at.map(millis);
    s.execute(
        SAVE_CONTACT,
        &[
            &c.id,
            &c.external_id,
            &c.contact_key,
            &c.first_name,
            &c.last_name,
            &c.email,
            &c.email_confirmed,
            &c.phone,
            &c.phone_confirmed,
            &c.telegram.as_ref().map(|t| &t.bot_id),
            &c.telegram.as_ref().map(|t| &t.chat_id),
            &address.country,
            &address.region,
            &address.town,
            &address.street_address,
            &address.postcode,
            &location,
            &c.timezone,
            &c.language,
            &millis(c.created_at),
            &millis(c.updated_at),
            &source,
            &deleted_at,
        ],
    )?;
    insert_devices(s, c)?;
    insert_web_push(s, c)?;
    if !c.categories.is_empty() {
        let keys: Vec<&str> = c.categories.iter().map(String::as_str).collect();
        s.execute(INSERT_CATEGORIES, &[&c.id, &keys])?;
    }
    if !c.segments.is_empty() {
        let ids: Vec<&str> = c.segments.iter().map(String::as_str).collect();
        s.execute(INSERT_SEGMENTS, &[&c.id, &ids])?;
    }
    if !c.fields.is_empty() {
        let mut keys = Vec::with_capacity(c.fields.len());
        let mut kinds = Vec::with_capacity(c.fields.len());
        let mut texts = Vec::with_capacity(c.fields.len());
        for (key, value) in &c.fields {
            let (kind, text) = codec::encode_field(value)?;
            keys.push(key.as_str());
            kinds.push(kind);
            texts.push(text);
        }
        s.execute(INSERT_FIELDS, &[&c.id, &keys, &kinds, &texts])?;
    }
    Ok(())
}

fn insert_devices(s: &mut Session<'_, '_>, c: &ContactRecord) -> Result<()> {
    if c.devices.is_empty() {
        return Ok(());
    }
    let n = c.devices.len();
    let mut positions = Vec::with_capacity(n);
    let mut platforms = Vec::with_capacity(n);
    let mut registered = Vec::with_capacity(n);
    let mut last_seen = Vec::with_capacity(n);
    for (index, d) in c.devices.iter().enumerate() {
        positions.push(position(index)?);
        platforms.push(codec::name_of(&d.platform)?);
        registered.push(millis(d.registered_at));
        last_seen.push(millis(d.last_seen_at));
    }
    let column = |f: fn(&MobilePushDevice) -> Option<&str>| -> Vec<Option<&str>> {
        c.devices.iter().map(f).collect()
    };
    let app_ids: Vec<&str> = c.devices.iter().map(|d| d.app_id.as_str()).collect();
    let device_ids: Vec<&str> = c.devices.iter().map(|d| d.device_id.as_str()).collect();
    let active: Vec<bool> = c.devices.iter().map(|d| d.active).collect();
    s.execute(
        INSERT_DEVICES,
        &[
            &c.id,
            &positions,
            &app_ids,
            &device_ids,
            &column(|d| d.token.as_deref()),
            &platforms,
            &column(|d| d.model.as_deref()),
            &column(|d| d.os.as_deref()),
            &column(|d| d.os_version.as_deref()),
            &column(|d| d.locale.as_deref()),
            &column(|d| d.app_version.as_deref()),
            &active,
            &registered,
            &last_seen,
        ],
    )
    .map(drop)
}

fn insert_web_push(s: &mut Session<'_, '_>, c: &ContactRecord) -> Result<()> {
    if c.web_push.is_empty() {
        return Ok(());
    }
    let positions = (0..c.web_push.len())
        .map(position)
        .collect::<Result<Vec<_>>>()?;
    let text =
        |f: fn(&WebPushSubscription) -> &str| -> Vec<&str> { c.web_push.iter().map(f).collect() };
    let optional = |f: fn(&WebPushSubscription) -> Option<&str>| -> Vec<Option<&str>> {
        c.web_push.iter().map(f).collect()
    };
    let created: Vec<i64> = c.web_push.iter().map(|w| millis(w.created_at)).collect();
    s.execute(
        INSERT_WEB_PUSH,
        &[
            &c.id,
            &positions,
            &text(|w| &w.endpoint),
            &text(|w| &w.p256dh),
            &text(|w| &w.auth),
            &optional(|w| w.user_agent.as_deref()),
            &optional(|w| w.language.as_deref()),
            &optional(|w| w.os.as_deref()),
            &optional(|w| w.subscription_page.as_deref()),
            &created,
        ],
    )
    .map(drop)
}

/// Reads the contact columns; child collections are filled by `with_children`.
fn read_contact(row: &Row) -> Result<ContactRecord> {
    let address = Address {
        country: get(row, 11)?,
        region: get(row, 12)?,
        town: get(row, 13)?,
        street_address: get(row, 14)?,
        postcode: get(row, 15)?,
    };
    let location: Option<&str> = get(row, 16)?;
    let telegram = match (get(row, 9)?, get(row, 10)?) {
        (Some(bot_id), Some(chat_id)) => Some(Telegram { bot_id, chat_id }),
        _ => None,
    };
    Ok(ContactRecord {
        id: get(row, 0)?,
        external_id: get(row, 1)?,
        contact_key: get(row, 2)?,
        first_name: get(row, 3)?,
        last_name: get(row, 4)?,
        email: get(row, 5)?,
        email_confirmed: get(row, 6)?,
        phone: get(row, 7)?,
        phone_confirmed: get(row, 8)?,
        devices: Vec::new(),
        web_push: Vec::new(),
        telegram,
        categories: BTreeSet::new(),
        address: (address != Address::default()).then_some(address),
        location: location.map(codec::from_json).transpose()?,
        timezone: get(row, 17)?,
        language: get(row, 18)?,
        segments: BTreeSet::new(),
        fields: BTreeMap::new(),
        created_at: instant(get(row, 19)?)?,
        updated_at: instant(get(row, 20)?)?,
        source: codec::parse_name(get(row, 21)?)?,
        deleted_at: get::<Option<i64>>(row, 22)?.map(instant).transpose()?,
    })
}

/// Column 0 of every child row is the contact id; the rest starts at 1.
fn read_device(row: &Row) -> Result<MobilePushDevice> {
    Ok(MobilePushDevice {
        app_id: get(row, 1)?,
        device_id: get(row, 2)?,
        token: get(row, 3)?,
        platform: codec::parse_name(get(row, 4)?)?,
        model: get(row, 5)?,
        os: get(row, 6)?,
        os_version: get(row, 7)?,
        locale: get(row, 8)?,
        app_version: get(row, 9)?,
        active: get(row, 10)?,
        registered_at: instant(get(row, 11)?)?,
        last_seen_at: instant(get(row, 12)?)?,
    })
}

fn read_web_push(row: &Row) -> Result<WebPushSubscription> {
    Ok(WebPushSubscription {
        endpoint: get(row, 1)?,
        p256dh: get(row, 2)?,
        auth: get(row, 3)?,
        user_agent: get(row, 4)?,
        language: get(row, 5)?,
        os: get(row, 6)?,
        subscription_page: get(row, 7)?,
        created_at: instant(get(row, 8)?)?,
    })
}

fn read_field(row: &Row) -> Result<(String, FieldValue)> {
    Ok((
        get(row, 1)?,
        codec::decode_field(get(row, 2)?, get(row, 3)?)?,
    ))
}

/// Fills the child collections `parts` names of every contact in `contacts`, with one
/// statement per child table for all of them.
fn with_children(
    s: &mut Session<'_, '_>,
    contacts: &mut [ContactRecord],
    parts: Parts,
) -> Result<()> {
    if contacts.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = contacts.iter().map(|c| c.id.clone()).collect();
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let owner = |row: &Row| -> Result<Option<usize>> {
        let id: &str = get(row, 0)?;
        Ok(index.get(id).copied())
    };
    let mut children = |sql: &str| s.query(sql, &[&ids]);
    let devices = if parts.devices {
        children(SELECT_DEVICES)?
    } else {
        Vec::new()
    };
    let web_push = if parts.web_push {
        children(SELECT_WEB_PUSH)?
    } else {
        Vec::new()
    };
    let categories = if parts.categories {
        children(SELECT_CATEGORIES)?
    } else {
        Vec::new()
    };
    let segments = if parts.segments {
        children(SELECT_SEGMENTS)?
    } else {
        Vec::new()
    };
    let fields = if parts.fields {
        children(SELECT_FIELDS)?
    } else {
        Vec::new()
    };
    for row in &devices {
        if let Some(i) = owner(row)? {
            contacts[i].devices.push(read_device(row)?);
        }
    }
    for row in &web_push {
        if let Some(i) = owner(row)? {
            contacts[i].web_push.push(read_web_push(row)?);
        }
    }
    for row in &categories {
        if let Some(i) = owner(row)? {
            contacts[i].categories.insert(get(row, 1)?);
        }
    }
    for row in &segments {
        if let Some(i) = owner(row)? {
            contacts[i].segments.insert(get(row, 1)?);
        }
    }
    for row in &fields {
        if let Some(i) = owner(row)? {
            let (key, value) = read_field(row)?;
            contacts[i].fields.insert(key, value);
        }
    }
    Ok(())
}
