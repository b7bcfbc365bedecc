//! Contacts and their child rows (devices, web push, categories, segment
//! memberships, field values): one row set per contact, replaced whole on save.

use super::{decoded, storage_error};
use crate::model::{
    Address, ContactRecord, Identifier, MobilePushDevice, Telegram, WebPushSubscription,
};
use crate::store::codec::{self, instant, millis};
use crate::store::Parts;
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::collections::HashMap;

/// The contact columns, as a literal so the statements below are constants (built
/// once at compile time rather than formatted on every call).
macro_rules! contact_columns {
    () => {
        "id, external_id, contact_key, first_name, last_name, email, email_confirmed, \
         phone, phone_confirmed, telegram_bot_id, telegram_chat_id, address_country, \
         address_region, address_town, address_street, address_postcode, location, timezone, \
         language, created_at, updated_at, source, deleted_at"
    };
}

const CONTACT_COLUMNS: &str = contact_columns!();

const SELECT_CONTACT: &str = concat!(
    "SELECT ",
    contact_columns!(),
    " FROM contacts WHERE id = ?1"
);

/// Inserts a new contact; an existing id is left for `UPDATE_CONTACT` (no row changes).
const INSERT_CONTACT: &str = concat!(
    "INSERT INTO contacts (",
    contact_columns!(),
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
     ?18, ?19, ?20, ?21, ?22, ?23) ON CONFLICT (id) DO NOTHING"
);

/// Rewrites every column of an existing contact (same parameters as `INSERT_CONTACT`).
const UPDATE_CONTACT: &str = "UPDATE contacts SET external_id = ?2, contact_key = ?3, \
     first_name = ?4, last_name = ?5, email = ?6, email_confirmed = ?7, phone = ?8, \
     phone_confirmed = ?9, telegram_bot_id = ?10, telegram_chat_id = ?11, address_country = ?12, \
     address_region = ?13, address_town = ?14, address_street = ?15, address_postcode = ?16, \
     location = ?17, timezone = ?18, language = ?19, created_at = ?20, updated_at = ?21, \
     source = ?22, deleted_at = ?23 WHERE id = ?1";

/// Clears a contact's child rows before they are written again.
pub(super) const DELETE_CHILDREN: [&str; 5] = [
    "DELETE FROM devices WHERE contact_id = ?1",
    "DELETE FROM web_push WHERE contact_id = ?1",
    "DELETE FROM contact_categories WHERE contact_id = ?1",
    "DELETE FROM segment_members WHERE contact_id = ?1",
    "DELETE FROM field_values WHERE contact_id = ?1",
];

/// The contact with `id`, with the child rows `parts` names.
pub fn load(conn: &Connection, id: &str, parts: Parts) -> Result<Option<ContactRecord>> {
    let row = conn
        .prepare_cached(SELECT_CONTACT)
        .and_then(|mut stmt| stmt.query_row([id], read_contact_row).optional())
        .map_err(storage_error)?;
    row.map(|contact| with_children(conn, contact, parts))
        .transpose()
}

/// Live contacts by id after `after_id`, or live members of `segment_id`.
pub fn load_live(
    conn: &Connection,
    segment_id: Option<&str>,
    after_id: Option<&str>,
    limit: usize,
) -> Result<Vec<ContactRecord>> {
    let columns = CONTACT_COLUMNS
        .split(", ")
        .map(|c| format!("c.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = match segment_id {
        None => format!(
            "SELECT {columns} FROM contacts c WHERE c.deleted_at IS NULL AND c.id > ?1 \
             ORDER BY c.id LIMIT ?2"
        ),
        Some(_) => format!(
            "SELECT {columns} FROM segment_members m JOIN contacts c ON c.id = m.contact_id \
             WHERE m.segment_id = ?3 AND c.deleted_at IS NULL AND c.id > ?1 ORDER BY c.id LIMIT ?2"
        ),
    };
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&sql).map_err(storage_error)?;
    let after = after_id.unwrap_or("");
    let rows: Vec<ContactRecord> = match segment_id {
        None => stmt.query_map(params![after, limit], read_contact_row),
        Some(segment) => stmt.query_map(params![after, limit, segment], read_contact_row),
    }
    .and_then(|rows| rows.collect())
    .map_err(storage_error)?;
    rows.into_iter()
        .map(|contact| with_children(conn, contact, Parts::ALL))
        .collect()
}

/// How many contacts are not deleted.
pub fn count_live(conn: &Connection) -> Result<u64> {
    conn.prepare_cached("SELECT count(*) FROM contacts WHERE deleted_at IS NULL")
        .and_then(|mut stmt| stmt.query_row([], |row| row.get::<_, i64>(0)))
        .map(|n| n as u64)
        .map_err(storage_error)
}

/// The id of the contact holding `identifier`.
pub fn id_by(conn: &Connection, identifier: &Identifier) -> Result<Option<String>> {
    let (table, column, owner) = codec::identifier_column(identifier);
    conn.prepare_cached(&format!("SELECT {owner} FROM {table} WHERE {column} = ?1"))
        .and_then(|mut stmt| {
            stmt.query_row([identifier.value()], |row| row.get(0))
                .optional()
        })
        .map_err(storage_error)
}

/// The holders of many identifiers: one statement per kind of identifier, whatever
/// their number.
pub fn ids_by(conn: &Connection, identifiers: &[Identifier]) -> Result<Vec<(Identifier, String)>> {
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
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {column}, {owner} FROM {table} \
                 WHERE {column} IN (SELECT value FROM json_each(?1))"
            ))
            .map_err(storage_error)?;
        let mut rows = stmt
            .query([codec::to_json(&values)?])
            .map_err(storage_error)?;
        while let Some(row) = rows.next().map_err(storage_error)? {
            let value = row
                .get_ref(0)
                .and_then(|v| Ok(v.as_str()?))
                .map_err(storage_error)?;
            if let Some(identifier) = by_value.get(value) {
                found.push(((*identifier).clone(), row.get(1).map_err(storage_error)?));
            }
        }
    }
    Ok(found)
}

/// Inserts or replaces a contact and all its child rows.
pub fn save(conn: &Connection, c: &ContactRecord) -> Result<()> {
    let address = c.address.clone().unwrap_or_default();
    let location = c.location.as_ref().map(codec::to_json).transpose()?;
    let source = codec::name_of(&c.source)?;
    let values = params![
        c.id,
        c.external_id,
        c.contact_key,
        c.first_name,
        c.last_name,
        c.email,
        c.email_confirmed,
        c.phone,
        c.phone_confirmed,
        c.telegram.as_ref().map(|t| &t.bot_id),
        c.telegram.as_ref().map(|t| &t.chat_id),
        address.country,
        address.region,
        address.town,
        address.street_address,
        address.postcode,
        location,
        c.timezone,
        c.language,
        millis(c.created_at),
        millis(c.updated_at),
        source,
        c.deleted_at.map(millis),
    ];
    let inserted = conn
        .prepare_cached(INSERT_CONTACT)
        .and_then(|mut stmt| stmt.execute(values))
        .map_err(storage_error)?;
    // A new contact has no child rows yet (foreign keys are always on): only an
    // existing one is updated and has its children cleared.
    if inserted == 0 {
        conn.prepare_cached(UPDATE_CONTACT)
            .and_then(|mut stmt| stmt.execute(values))
            .map_err(storage_error)?;
        for sql in DELETE_CHILDREN {
            conn.prepare_cached(sql)
                .and_then(|mut stmt| stmt.execute([&c.id]))
                .map_err(storage_error)?;
        }
    }
    insert_children(conn, c)
}

fn insert_children(conn: &Connection, c: &ContactRecord) -> Result<()> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO devices (contact_id, position, app_id, device_id, token, platform, model, os, \
             os_version, locale, app_version, active, registered_at, last_seen_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )
        .map_err(storage_error)?;
    for (position, d) in c.devices.iter().enumerate() {
        let platform = codec::name_of(&d.platform)?;
        stmt.execute(params![
            c.id,
            position as i64,
            d.app_id,
            d.device_id,
            d.token,
            platform,
            d.model,
            d.os,
            d.os_version,
            d.locale,
            d.app_version,
            d.active,
            millis(d.registered_at),
            millis(d.last_seen_at),
        ])
        .map_err(storage_error)?;
    }
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO web_push (endpoint, contact_id, position, p256dh, auth, user_agent, language, \
             os, subscription_page, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .map_err(storage_error)?;
    for (position, s) in c.web_push.iter().enumerate() {
        stmt.execute(params![
            s.endpoint,
            c.id,
            position as i64,
            s.p256dh,
            s.auth,
            s.user_agent,
            s.language,
            s.os,
            s.subscription_page,
            millis(s.created_at),
        ])
        .map_err(storage_error)?;
    }
    let mut stmt = conn
        .prepare_cached("INSERT INTO contact_categories (contact_id, category_key) VALUES (?1, ?2)")
        .map_err(storage_error)?;
    for key in &c.categories {
        stmt.execute(params![c.id, key]).map_err(storage_error)?;
    }
    let mut stmt = conn
        .prepare_cached("INSERT INTO segment_members (segment_id, contact_id) VALUES (?1, ?2)")
        .map_err(storage_error)?;
    for segment in &c.segments {
        stmt.execute(params![segment, c.id])
            .map_err(storage_error)?;
    }
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO field_values (contact_id, key, type, value) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(storage_error)?;
    for (key, value) in &c.fields {
        let (kind, text) = codec::encode_field(value)?;
        stmt.execute(params![c.id, key, kind, text])
            .map_err(storage_error)?;
    }
    Ok(())
}

/// Reads the contact columns; child collections are filled by `with_children`.
fn read_contact_row(row: &Row<'_>) -> rusqlite::Result<ContactRecord> {
    let address = Address {
        country: row.get(11)?,
        region: row.get(12)?,
        town: row.get(13)?,
        street_address: row.get(14)?,
        postcode: row.get(15)?,
    };
    let location: Option<String> = row.get(16)?;
    let telegram = match (row.get(9)?, row.get(10)?) {
        (Some(bot_id), Some(chat_id)) => Some(Telegram { bot_id, chat_id }),
        _ => None,
    };
    Ok(ContactRecord {
        id: row.get(0)?,
        external_id: row.get(1)?,
        contact_key: row.get(2)?,
        first_name: row.get(3)?,
        last_name: row.get(4)?,
        email: row.get(5)?,
        email_confirmed: row.get(6)?,
        phone: row.get(7)?,
        phone_confirmed: row.get(8)?,
        devices: Vec::new(),
        web_push: Vec::new(),
        telegram,
        categories: Default::default(),
        address: (address != Address::default()).then_some(address),
        location: decoded(location.as_deref().map(codec::from_json).transpose())?,
        timezone: row.get(17)?,
        language: row.get(18)?,
        segments: Default::default(),
        fields: Default::default(),
        created_at: decoded(instant(row.get(19)?))?,
        updated_at: decoded(instant(row.get(20)?))?,
        source: decoded(codec::parse_name(&row.get::<_, String>(21)?))?,
        deleted_at: decoded(row.get::<_, Option<i64>>(22)?.map(instant).transpose())?,
    })
}

fn read_device(row: &Row<'_>) -> rusqlite::Result<MobilePushDevice> {
    Ok(MobilePushDevice {
        app_id: row.get(0)?,
        device_id: row.get(1)?,
        token: row.get(2)?,
        platform: decoded(codec::parse_name(&row.get::<_, String>(3)?))?,
        model: row.get(4)?,
        os: row.get(5)?,
        os_version: row.get(6)?,
        locale: row.get(7)?,
        app_version: row.get(8)?,
        active: row.get(9)?,
        registered_at: decoded(instant(row.get(10)?))?,
        last_seen_at: decoded(instant(row.get(11)?))?,
    })
}

fn read_web_push(row: &Row<'_>) -> rusqlite::Result<WebPushSubscription> {
    Ok(WebPushSubscription {
        endpoint: row.get(0)?,
        p256dh: row.get(1)?,
        auth: row.get(2)?,
        user_agent: row.get(3)?,
        language: row.get(4)?,
        os: row.get(5)?,
        subscription_page: row.get(6)?,
        created_at: decoded(instant(row.get(7)?))?,
    })
}

fn with_children(conn: &Connection, mut c: ContactRecord, parts: Parts) -> Result<ContactRecord> {
    if parts.devices {
        c.devices = query_list(
            conn,
            "SELECT app_id, device_id, token, platform, model, os, os_version, locale, \
             app_version, active, registered_at, last_seen_at FROM devices WHERE contact_id = ?1 \
             ORDER BY position",
            &c.id,
            read_device,
        )?;
    }
    if parts.web_push {
        c.web_push = query_list(
            conn,
            "SELECT endpoint, p256dh, auth, user_agent, language, os, subscription_page, \
             created_at FROM web_push WHERE contact_id = ?1 ORDER BY position",
            &c.id,
            read_web_push,
        )?;
    }
    if parts.categories {
        c.categories = query_list(
            conn,
            "SELECT category_key FROM contact_categories WHERE contact_id = ?1",
            &c.id,
            |row| row.get(0),
        )?
        .into_iter()
        .collect();
    }
    if parts.segments {
        c.segments = query_list(
            conn,
            "SELECT segment_id FROM segment_members WHERE contact_id = ?1",
            &c.id,
            |row| row.get(0),
        )?
        .into_iter()
        .collect();
    }
    if parts.fields {
        c.fields = query_list(
            conn,
            "SELECT key, type, value FROM field_values WHERE contact_id = ?1",
            &c.id,
            |row| {
                let kind: String = row.get(1)?;
                let value: String = row.get(2)?;
                Ok((
                    row.get::<_, String>(0)?,
                    decoded(codec::decode_field(&kind, &value))?,
                ))
            },
        )?
        .into_iter()
        .collect();
    }
    Ok(c)
}

/// Runs a one-parameter query and reads every row.
fn query_list<T>(
    conn: &Connection,
    sql: &str,
    param: &str,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_map([param], read)?.collect())
        .map_err(storage_error)
}
