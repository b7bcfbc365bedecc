//! Contacts and their child rows (devices, web push, categories, segment
//! memberships, field values): one row set per contact, replaced whole on save.
//!
//! Round trips are counted: a contact or a whole page of them is read with one
//! statement for the contact rows and one per child table (`contact_id = ANY($1)`).
//! Saves are kept with the unit's pending contacts (see `batch`) and sent together:
//! one statement for the contact rows of all of them (clearing their children in the
//! same statement) and one multi-row insert per child table that has rows.

use super::batch::{self, Pending};
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

/// Clears the child rows of every pending contact that exists (written again after
/// it) and inserts or rewrites their own rows, in one statement: every part of a
/// data-modifying `WITH` runs on the same snapshot, and the child tables are not the
/// contact table. The rows are written in the order of the saves. Child rows belong
/// to an existing contact (a foreign key), so only the ids found in `contacts` are
/// looked up in the five child tables: an import of new contacts probes one index,
/// not six.
const FLUSH_CONTACTS: &str = concat!(
    "WITH existing AS (SELECT id FROM contacts WHERE id = ANY($1)), \
     devices_gone AS (DELETE FROM devices WHERE contact_id IN (SELECT id FROM existing)), \
     web_push_gone AS (DELETE FROM web_push WHERE contact_id IN (SELECT id FROM existing)), \
     categories_gone AS (DELETE FROM contact_categories \
     WHERE contact_id IN (SELECT id FROM existing)), \
     segments_gone AS (DELETE FROM segment_members \
     WHERE contact_id IN (SELECT id FROM existing)), \
     fields_gone AS (DELETE FROM field_values WHERE contact_id IN (SELECT id FROM existing)) \
     INSERT INTO contacts (",
    contact_columns!(""),
    ") SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
     $6::text[], $7::bool[], $8::text[], $9::bool[], $10::text[], $11::text[], $12::text[], \
     $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], \
     $19::text[], $20::int8[], $21::int8[], $22::text[], $23::int8[]) \
     ON CONFLICT (id) DO UPDATE SET \
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
     last_seen_at) SELECT * FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], \
     $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], \
     $12::bool[], $13::int8[], $14::int8[])";

const INSERT_WEB_PUSH: &str = "INSERT INTO web_push (contact_id, position, endpoint, p256dh, \
     auth, user_agent, language, os, subscription_page, created_at) SELECT * FROM \
     unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], \
     $7::text[], $8::text[], $9::text[], $10::int8[])";

const INSERT_CATEGORIES: &str = "INSERT INTO contact_categories (contact_id, category_key) \
     SELECT * FROM unnest($1::text[], $2::text[])";

const INSERT_SEGMENTS: &str = "INSERT INTO segment_members (segment_id, contact_id) \
     SELECT * FROM unnest($1::text[], $2::text[])";

const INSERT_FIELDS: &str = "INSERT INTO field_values (contact_id, key, type, value) \
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])";

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
    if s.pending.holds(id) {
        flush(s)?;
    }
    if let Some(known) = s.known.contact(id, parts) {
        return Ok(Some(known));
    }
    if parts == Parts::ALL {
        // One of many holders an import batch looked up: read them all at once.
        if let Some(ids) = s.known.prefetch(id) {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let records = read_many(s, &ids, Parts::ALL)?;
            s.known.learn_records(records);
            return Ok(s.known.contact(id, parts));
        }
    }
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
    if ids.iter().any(|id| s.pending.holds(id)) {
        flush(s)?;
    }
    read_many(s, ids, parts)
}

fn read_many(s: &mut Session<'_, '_>, ids: &[&str], parts: Parts) -> Result<Vec<ContactRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = match ids {
        [id] => s.query(SELECT_CONTACT, &[id])?,
        ids => s.query(SELECT_CONTACTS, &[&ids])?,
    };
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
    flush(s)?;
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
    flush(s)?;
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
    if s.pending.claims(identifier) {
        flush(s)?;
    }
    if let Some(holder) = s.known.holder(identifier) {
        return Ok(Some(holder.to_string()));
    }
    let (table, column, owner) = codec::identifier_column(identifier);
    let sql = format!("SELECT {owner} FROM {table} WHERE {column} = $1");
    let holder: Option<String> = match s.query_opt(&sql, &[&identifier.value()])? {
        Some(row) => get(&row, 0)?,
        None => return Ok(None),
    };
    match holder {
        // The server's holder is being rewritten: ask again once it is written.
        Some(id) if s.pending.holds(&id) => {
            flush(s)?;
            id_by(s, identifier)
        }
        holder => Ok(holder),
    }
}

/// The holders of many identifiers: one statement, whatever their number and kinds. Each holder found is remembered for the rest of the unit.
pub fn ids_by(
    s: &mut Session<'_, '_>,
    identifiers: &[Identifier],
) -> Result<Vec<(Identifier, String)>> {
    if identifiers.iter().any(|i| s.pending.claims(i)) {
        flush(s)?;
    }
    let found = ids_by_kind(s, identifiers)?;
    let found = if found.iter().any(|(_, id)| s.pending.holds(id)) {
        // Holders being rewritten: ask again once they are written.
        flush(s)?;
        ids_by_kind(s, identifiers)?
    } else {
        found
    };
    for (identifier, id) in &found {
        s.known.learn_holder(identifier.clone(), id.clone());
    }
    Ok(found)
}

/// One statement for every kind of identifier asked: a `UNION ALL` of one indexed
/// `= ANY($n)` lookup per kind, each row tagged with its kind.
fn ids_by_kind(
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
    if by_kind.is_empty() {
        return Ok(Vec::new());
    }
    // A stable order of kinds, so the same kinds make the same (prepared) text.
    by_kind.sort_by_key(|group| codec::identifier_column(group[0]));
    let by_value: Vec<HashMap<&str, &Identifier>> = by_kind
        .iter()
        .map(|group| group.iter().map(|i| (i.value(), *i)).collect())
        .collect();
    let values: Vec<Vec<&str>> = by_value
        .iter()
        .map(|m| m.keys().copied().collect())
        .collect();
    let sql = by_kind
        .iter()
        .enumerate()
        .map(|(n, group)| {
            let (table, column, owner) = codec::identifier_column(group[0]);
            let test = match values[n].len() {
                1 => "=",
                _ => "= ANY",
            };
            format!(
                "SELECT {n}::int4, {column}::text, {owner}::text FROM {table} \
                 WHERE {column} {test}(${})",
                n + 1
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> = values
        .iter()
        .map(|v| match v.as_slice() {
            [one] => one as &(dyn postgres::types::ToSql + Sync),
            _ => v as &(dyn postgres::types::ToSql + Sync),
        })
        .collect();
    let mut found = Vec::new();
    for row in s.query(&sql, &params)? {
        let kind: i32 = get(&row, 0)?;
        let value: &str = get(&row, 1)?;
        let identifier = usize::try_from(kind)
            .ok()
            .and_then(|kind| by_value.get(kind))
            .and_then(|m| m.get(value));
        if let Some(identifier) = identifier {
            found.push(((*identifier).clone(), get(&row, 2)?));
        }
    }
    Ok(found)
}

/// Inserts or replaces a contact and all its child rows: kept with the unit's pending
/// contacts and sent with them (see `batch`), or at once in a read-only unit (where
/// the server refuses it).
pub fn save(s: &mut Session<'_, '_>, c: &ContactRecord) -> Result<()> {
    s.refuse_after_failure()?;
    if s.pending.holds(&c.id) {
        // One flush holds each id once, so its rows go in the order of the saves.
        flush(s)?;
    }
    encode(&mut s.pending, c)?;
    s.known.forget(c);
    if !s.buffering || s.pending.ids.len() >= batch::MAX_PENDING {
        flush(s)?;
    }
    Ok(())
}

/// Adds `c` to the pending columns; nothing is added when a value cannot be encoded.
fn encode(p: &mut Pending, c: &ContactRecord) -> Result<()> {
    let location = c.location.as_ref().map(codec::to_json).transpose()?;
    let source = codec::name_of(&c.source)?;
    let mut platforms = Vec::with_capacity(c.devices.len());
    for (index, d) in c.devices.iter().enumerate() {
        position(index)?;
        platforms.push(codec::name_of(&d.platform)?);
    }
    for index in 0..c.web_push.len() {
        position(index)?;
    }
    let mut fields = Vec::with_capacity(c.fields.len());
    for (key, value) in &c.fields {
        fields.push((key, codec::encode_field(value)?));
    }

    let address = c.address.clone().unwrap_or_default();
    let k = &mut p.contacts;
    k.id.push(c.id.clone());
    k.external_id.push(c.external_id.clone());
    k.contact_key.push(c.contact_key.clone());
    k.first_name.push(c.first_name.clone());
    k.last_name.push(c.last_name.clone());
    k.email.push(c.email.clone());
    k.email_confirmed.push(c.email_confirmed);
    k.phone.push(c.phone.clone());
    k.phone_confirmed.push(c.phone_confirmed);
    k.telegram_bot_id
        .push(c.telegram.as_ref().map(|t| t.bot_id.clone()));
    k.telegram_chat_id
        .push(c.telegram.as_ref().map(|t| t.chat_id.clone()));
    k.address_country.push(address.country);
    k.address_region.push(address.region);
    k.address_town.push(address.town);
    k.address_street.push(address.street_address);
    k.address_postcode.push(address.postcode);
    k.location.push(location);
    k.timezone.push(c.timezone.clone());
    k.language.push(c.language.clone());
    k.created_at.push(millis(c.created_at));
    k.updated_at.push(millis(c.updated_at));
    k.source.push(source);
    k.deleted_at.push(c.deleted_at.map(millis));

    let d = &mut p.devices;
    for (index, (device, platform)) in c.devices.iter().zip(platforms).enumerate() {
        d.contact_id.push(c.id.clone());
        d.position.push(index as i32);
        d.app_id.push(device.app_id.clone());
        d.device_id.push(device.device_id.clone());
        d.token.push(device.token.clone());
        d.platform.push(platform);
        d.model.push(device.model.clone());
        d.os.push(device.os.clone());
        d.os_version.push(device.os_version.clone());
        d.locale.push(device.locale.clone());
        d.app_version.push(device.app_version.clone());
        d.active.push(device.active);
        d.registered_at.push(millis(device.registered_at));
        d.last_seen_at.push(millis(device.last_seen_at));
    }
    let w = &mut p.web_push;
    for (index, sub) in c.web_push.iter().enumerate() {
        w.contact_id.push(c.id.clone());
        w.position.push(index as i32);
        w.endpoint.push(sub.endpoint.clone());
        w.p256dh.push(sub.p256dh.clone());
        w.auth.push(sub.auth.clone());
        w.user_agent.push(sub.user_agent.clone());
        w.language.push(sub.language.clone());
        w.os.push(sub.os.clone());
        w.subscription_page.push(sub.subscription_page.clone());
        w.created_at.push(millis(sub.created_at));
    }
    for key in &c.categories {
        p.categories.0.push(c.id.clone());
        p.categories.1.push(key.clone());
    }
    for segment in &c.segments {
        p.segments.0.push(segment.clone());
        p.segments.1.push(c.id.clone());
    }
    for (key, (kind, text)) in fields {
        p.fields.0.push(c.id.clone());
        p.fields.1.push(key.clone());
        p.fields.2.push(kind);
        p.fields.3.push(text);
    }
    p.ids.insert(c.id.clone());
    p.identifiers.extend(c.identifiers());
    Ok(())
}

/// Sends the pending contacts: one statement for the contact rows (clearing their
/// children) and one multi-row insert per child table that has rows.
pub fn flush(s: &mut Session<'_, '_>) -> Result<()> {
    if s.pending.is_empty() {
        return Ok(());
    }
    let p = std::mem::take(&mut s.pending);
    let k = &p.contacts;
    s.execute(
        FLUSH_CONTACTS,
        &[
            &k.id,
            &k.external_id,
            &k.contact_key,
            &k.first_name,
            &k.last_name,
            &k.email,
            &k.email_confirmed,
            &k.phone,
            &k.phone_confirmed,
            &k.telegram_bot_id,
            &k.telegram_chat_id,
            &k.address_country,
            &k.address_region,
            &k.address_town,
            &k.address_street,
            &k.address_postcode,
            &k.location,
            &k.timezone,
            &k.language,
            &k.created_at,
            &k.updated_at,
            &k.source,
            &k.deleted_at,
        ],
    )?;
    let d = &p.devices;
    if !d.contact_id.is_empty() {
        s.execute(
            INSERT_DEVICES,
            &[
                &d.contact_id,
                &d.position,
                &d.app_id,
                &d.device_id,
                &d.token,
                &d.platform,
                &d.model,
                &d.os,
                &d.os_version,
                &d.locale,
                &d.app_version,
                &d.active,
                &d.registered_at,
                &d.last_seen_at,
            ],
        )?;
    }
    let w = &p.web_push;
    if !w.contact_id.is_empty() {
        s.execute(
            INSERT_WEB_PUSH,
            &[
                &w.contact_id,
                &w.position,
                &w.endpoint,
                &w.p256dh,
                &w.auth,
                &w.user_agent,
                &w.language,
                &w.os,
                &w.subscription_page,
                &w.created_at,
            ],
        )?;
    }
    if !p.categories.0.is_empty() {
        s.execute(INSERT_CATEGORIES, &[&p.categories.0, &p.categories.1])?;
    }
    if !p.segments.0.is_empty() {
        s.execute(INSERT_SEGMENTS, &[&p.segments.0, &p.segments.1])?;
    }
    if !p.fields.0.is_empty() {
        s.execute(
            INSERT_FIELDS,
            &[&p.fields.0, &p.fields.1, &p.fields.2, &p.fields.3],
        )?;
    }
    Ok(())
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

/// A statement over `= ANY($1)` for one value: PostgreSQL plans `= ANY($1)` again on
/// every execution (its generic plan guesses ten elements and never looks cheaper),
/// which costs more than the lookup itself; `= $1` is planned once per connection.
pub fn one_of(sql: &str) -> String {
    sql.replace("= ANY($1)", "= $1")
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
    let mut children = |sql: &str| match ids.as_slice() {
        // One contact (a profile, a send decision): a plain `= $1`, which PostgreSQL
        // plans once, where `= ANY($1)` costs it a plan per execution.
        [id] => s.query(&one_of(sql), &[id]),
        ids => s.query(sql, &[&ids]),
    };
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
