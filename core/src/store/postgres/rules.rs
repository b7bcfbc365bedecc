//! Rules answered in PostgreSQL: [`crate::rule::sql`]'s condition in one statement
//! over the live contacts.

use super::contacts::flush;
use super::{get, Session};
use crate::rule::sql::{self, Dialect, Param};
use crate::rule::Check;
use crate::Result;
use chrono::{DateTime, Utc};
use postgres::types::ToSql;

struct Postgres;

impl Dialect for Postgres {
    fn placeholder(&self, index: usize, param: &Param) -> String {
        match param {
            Param::Text(_) => format!("${index}::text"),
            Param::Int(_) => format!("${index}::int8"),
        }
    }
    /// ICU's root-locale lowercase, which is Rust's `to_lowercase` (the columns'
    /// own "C" collation folds ASCII only, and the C.UTF-8 locale folds `İ` to `i`).
    fn fold(&self, expr: &str) -> String {
        format!("lower(({expr}) COLLATE \"und-x-icu\")")
    }
    fn integer(&self, expr: &str) -> String {
        format!("({expr})::int8")
    }
    fn decimal_cmp(&self, a: &str, b: &str) -> String {
        format!("sign(({a})::numeric - ({b})::numeric)")
    }
    fn json_text(&self, column: &str, key: &str) -> String {
        format!("({column}::jsonb ->> '{key}')")
    }
    fn json_array_holds(&self, column: &str, text: &str) -> String {
        format!("({column}::jsonb ? {text})")
    }
    fn contains(&self, expr: &str, text: &str) -> String {
        format!("strpos({expr}, {text}) > 0")
    }
    fn starts_with(&self, expr: &str, text: &str) -> String {
        format!("starts_with({expr}, {text})")
    }
    fn truth(&self, column: &str) -> String {
        column.to_string()
    }
}

/// Parameter values as the client sends them.
enum Bound {
    Text(String),
    Int(i64),
    Texts(Vec<String>),
}

impl Bound {
    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Bound::Text(text) => text,
            Bound::Int(n) => n,
            Bound::Texts(texts) => texts,
        }
    }
}

fn bound(param: Param) -> Bound {
    match param {
        Param::Text(text) => Bound::Text(text),
        Param::Int(n) => Bound::Int(n),
    }
}

/// Ids of the live contacts `check` matches, in id order after `after_id`, at most
/// `limit`; with `among`, only those ids.
pub fn matching_ids(
    s: &mut Session<'_, '_>,
    check: &Check,
    now: DateTime<Utc>,
    among: Option<&[&str]>,
    after_id: Option<&str>,
    limit: usize,
) -> Result<Vec<String>> {
    flush(s)?;
    let mut params = vec![
        Bound::Text(after_id.unwrap_or("").to_string()),
        Bound::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
    ];
    let among_sql = match among {
        Some(ids) => {
            params.push(Bound::Texts(ids.iter().map(|id| id.to_string()).collect()));
            " AND c.id = ANY($3::text[])"
        }
        None => "",
    };
    let condition = sql::condition(check, now, &Postgres, params.len() + 1);
    params.extend(condition.params.into_iter().map(bound));
    let query = format!(
        "SELECT c.id FROM contacts c WHERE c.deleted_at IS NULL AND c.id > $1::text{among_sql} \
         AND {} ORDER BY c.id LIMIT $2::int8",
        condition.sql
    );
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(Bound::as_sql).collect();
    s.query(&query, &refs)?
        .iter()
        .map(|row| get(row, 0))
        .collect()
}

/// How many live contacts `check` matches.
pub fn count_matching(s: &mut Session<'_, '_>, check: &Check, now: DateTime<Utc>) -> Result<u64> {
    flush(s)?;
    let condition = sql::condition(check, now, &Postgres, 1);
    let query = format!(
        "SELECT count(*) FROM contacts c WHERE c.deleted_at IS NULL AND {}",
        condition.sql
    );
    let params: Vec<Bound> = condition.params.into_iter().map(bound).collect();
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(Bound::as_sql).collect();
    let rows = s.query(&query, &refs)?;
    let count: i64 = match rows.first() {
        Some(row) => get(row, 0)?,
        None => 0,
    };
    Ok(count.max(0) as u64)
}
