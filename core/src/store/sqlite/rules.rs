//! Rules answered in SQLite: [`crate::rule::sql`]'s condition in one query over the
//! live contacts, with the two SQL functions it needs registered on every connection.

use super::storage_error;
use crate::rule::sql::{self, Dialect, Param};
use crate::rule::{fold, Check};
use crate::Result;
use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;
use rusqlite::Connection;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// Registers `ck_fold(text)` ([`fold`]: SQLite's own `lower` folds ASCII only) and
/// `ck_decimal_cmp(a, b)` (exact decimals kept as text; `REAL` would round them).
/// Both are deterministic and innocuous; neither is used by the schema, so other
/// tools still open the file.
pub fn register_functions(conn: &Connection) -> Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("ck_fold", 1, flags, |ctx| {
        Ok(ctx.get::<Option<String>>(0)?.map(|text| fold(&text)))
    })
    .map_err(storage_error)?;
    conn.create_scalar_function("ck_decimal_cmp", 2, flags, |ctx| {
        let decimal = |i: usize| -> rusqlite::Result<Option<Decimal>> {
            Ok(ctx
                .get::<Option<String>>(i)?
                .and_then(|text| text.parse::<Decimal>().ok()))
        };
        Ok(match (decimal(0)?, decimal(1)?) {
            (Some(a), Some(b)) => Some(match a.cmp(&b) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
            _ => None,
        })
    })
    .map_err(storage_error)
}

struct Sqlite;

impl Dialect for Sqlite {
    fn placeholder(&self, index: usize, _: &Param) -> String {
        format!("?{index}")
    }
    fn fold(&self, expr: &str) -> String {
        format!("ck_fold({expr})")
    }
    fn integer(&self, expr: &str) -> String {
        format!("CAST({expr} AS INTEGER)")
    }
    fn decimal_cmp(&self, a: &str, b: &str) -> String {
        format!("ck_decimal_cmp({a}, {b})")
    }
    fn json_text(&self, column: &str, key: &str) -> String {
        format!("json_extract({column}, '$.{key}')")
    }
    fn json_array_holds(&self, column: &str, text: &str) -> String {
        format!("EXISTS (SELECT 1 FROM json_each({column}) j WHERE j.value = {text})")
    }
    fn contains(&self, expr: &str, text: &str) -> String {
        format!("instr({expr}, {text}) > 0")
    }
    fn starts_with(&self, expr: &str, text: &str) -> String {
        format!("substr({expr}, 1, length({text})) = {text}")
    }
    fn truth(&self, column: &str) -> String {
        format!("{column} <> 0")
    }
}

/// Ids of the live contacts `check` matches, in id order after `after_id`, at most
/// `limit`; with `among`, only those ids.
pub fn matching_ids(
    conn: &Connection,
    check: &Check,
    now: DateTime<Utc>,
    among: Option<&[&str]>,
    after_id: Option<&str>,
    limit: usize,
) -> Result<Vec<String>> {
    let mut params: Vec<Value> = vec![
        Value::Text(after_id.unwrap_or("").to_string()),
        Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)),
    ];
    let among_sql = match among {
        Some(ids) => {
            params.push(Value::Text(crate::store::codec::to_json(&ids)?));
            " AND c.id IN (SELECT value FROM json_each(?3))"
        }
        None => "",
    };
    let condition = sql::condition(check, now, &Sqlite, params.len() + 1);
    params.extend(condition.params.into_iter().map(value));
    let query = format!(
        "SELECT c.id FROM contacts c WHERE c.deleted_at IS NULL AND c.id > ?1{among_sql} \
         AND {} ORDER BY c.id LIMIT ?2",
        condition.sql
    );
    let mut stmt = conn.prepare(&query).map_err(storage_error)?;
    let ids = stmt
        .query_map(rusqlite::params_from_iter(params), |row| row.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .map_err(storage_error)?;
    Ok(ids)
}

/// How many live contacts `check` matches.
pub fn count_matching(conn: &Connection, check: &Check, now: DateTime<Utc>) -> Result<u64> {
    let condition = sql::condition(check, now, &Sqlite, 1);
    let query = format!(
        "SELECT count(*) FROM contacts c WHERE c.deleted_at IS NULL AND {}",
        condition.sql
    );
    let params: Vec<Value> = condition.params.into_iter().map(value).collect();
    let count: i64 = conn
        .query_row(&query, rusqlite::params_from_iter(params), |row| row.get(0))
        .map_err(storage_error)?;
    Ok(count.max(0) as u64)
}

fn value(param: Param) -> Value {
    match param {
        Param::Text(text) => Value::Text(text),
        Param::Int(n) => Value::Integer(n),
    }
}
