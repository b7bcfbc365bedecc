//! The book as Arrow columns: one row per live contact, each attribute a typed column,
//! so a data engineer gets a DataFrame without walking dicts (`to_pandas`,
//! `to_polars` in Python read it through the Arrow C data interface).
//!
//! The columns, in order: `id`, `external_id`, `contact_key`, `first_name`,
//! `last_name`, `email`, `email_status`, `phone`, `phone_status` (text); `address.*`
//! (country, region, town, street_address, postcode), `location.latitude`,
//! `location.longitude` (float), `location.source`, `timezone`, `language`;
//! `categories`, `segments` (lists of keys and ids); `mobile_push_devices`,
//! `web_push_subscriptions` (counts), `telegram_chat_id`; `created_at`, `updated_at`
//! (UTC timestamps, ms), `source`; `order_count`, `last_order_at`, `revenue.<CUR>`
//! (a decimal per currency that has any, six places, as order amounts are kept);
//! then `fields.<key>` for each defined field, typed by the field: number → int64,
//! date → date32, datetime → timestamp, boolean → bool, multilist → list of text,
//! decimal → its exact text (a field's decimals have no fixed scale), others → text.

use super::profile::DEFAULT_PAGE;
use super::ContactBook;
use crate::model::{Contact, FieldDefinition, FieldType, FieldValue};
use crate::rule::Rule;
use crate::validate::MONEY_PLACES;
use crate::{Error, Result};
use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int64Builder,
    ListBuilder, StringBuilder, TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Contacts read per store read while the columns fill.
const READ_PAGE: u32 = DEFAULT_PAGE * 10;

impl ContactBook {
    /// Every live contact (or those `rule` matches) as one Arrow record batch, in id
    /// order, read in one read unit (a snapshot: writers go on meanwhile).
    pub fn to_arrow(&self, rule: Option<&Rule>) -> Result<RecordBatch> {
        self.read(|unit| {
            let definitions = unit.tx.field_definitions()?;
            let mut columns = Columns::new(&definitions);
            let check = rule.map(|rule| unit.check_rule(rule, None)).transpose()?;
            let mut after: Option<String> = None;
            loop {
                let page = match &check {
                    Some(check) => {
                        unit.page_matching(check, after.as_deref(), READ_PAGE as usize)?
                    }
                    None => {
                        let records = unit
                            .tx
                            .live_contacts(after.as_deref(), READ_PAGE as usize + 1)?;
                        unit.page_of_contacts(records, READ_PAGE as usize)?
                    }
                };
                for contact in &page.items {
                    columns.push(contact);
                }
                match page.next_cursor {
                    Some(cursor) => after = Some(cursor),
                    None => break,
                }
            }
            columns.finish()
        })
    }
}

/// The column builders of a table being filled, one row per contact.
struct Columns {
    rows: usize,
    texts: Vec<(&'static str, StringBuilder, TextOf)>,
    latitude: Float64Builder,
    longitude: Float64Builder,
    categories: ListBuilder<StringBuilder>,
    segments: ListBuilder<StringBuilder>,
    devices: Int64Builder,
    web_push: Int64Builder,
    created_at: TimestampMillisecondBuilder,
    updated_at: TimestampMillisecondBuilder,
    order_count: Int64Builder,
    last_order_at: TimestampMillisecondBuilder,
    /// A column per currency, made when the first contact with revenue in it comes
    /// (the rows before get nulls).
    revenue: BTreeMap<String, Decimal128Builder>,
    fields: Vec<(FieldDefinition, FieldColumn)>,
}

/// The column of one additional field, typed by it.
enum FieldColumn {
    Text(StringBuilder),
    Number(Int64Builder),
    Date(Date32Builder),
    Datetime(TimestampMillisecondBuilder),
    Boolean(BooleanBuilder),
    Multilist(ListBuilder<StringBuilder>),
}

/// How a contact gives a text column's value.
type TextOf = fn(&Contact) -> Option<&str>;

/// The text columns before `address.*`, and after them: (name, how a contact gives it).
type TextColumn = (&'static str, TextOf);

const IDENTITY: [TextColumn; 9] = [
    ("id", |c| Some(c.id.as_str())),
    ("external_id", |c| c.external_id.as_deref()),
    ("contact_key", |c| c.contact_key.as_deref()),
    ("first_name", |c| c.first_name.as_deref()),
    ("last_name", |c| c.last_name.as_deref()),
    ("email", |c| c.email.as_deref()),
    ("email_status", |c| c.email_status.map(|s| s.as_str())),
    ("phone", |c| c.phone.as_deref()),
    ("phone_status", |c| c.phone_status.map(|s| s.as_str())),
];

const PLACE: [TextColumn; 8] = [
    ("address.country", |c| {
        c.address.as_ref().and_then(|a| a.country.as_deref())
    }),
    ("address.region", |c| {
        c.address.as_ref().and_then(|a| a.region.as_deref())
    }),
    ("address.town", |c| {
        c.address.as_ref().and_then(|a| a.town.as_deref())
    }),
    ("address.street_address", |c| {
        c.address.as_ref().and_then(|a| a.street_address.as_deref())
    }),
    ("address.postcode", |c| {
        c.address.as_ref().and_then(|a| a.postcode.as_deref())
    }),
    ("location.source", |c| {
        c.location.as_ref().map(|l| l.source.as_str())
    }),
    ("timezone", |c| c.timezone.as_deref()),
    ("language", |c| c.language.as_deref()),
];

const AFTER_CHANNELS: [TextColumn; 2] = [
    ("telegram_chat_id", |c| {
        c.telegram.as_ref().map(|t| t.chat_id.as_str())
    }),
    ("source", |c| Some(c.source.as_str())),
];

impl Columns {
    fn new(definitions: &[FieldDefinition]) -> Self {
        let texts = IDENTITY
            .iter()
            .chain(&PLACE)
            .chain(&AFTER_CHANNELS)
            .map(|&(name, get)| (name, StringBuilder::new(), get))
            .collect();
        let utc = || TimestampMillisecondBuilder::new().with_timezone("UTC");
        Columns {
            rows: 0,
            texts,
            latitude: Float64Builder::new(),
            longitude: Float64Builder::new(),
            categories: ListBuilder::new(StringBuilder::new()),
            segments: ListBuilder::new(StringBuilder::new()),
            devices: Int64Builder::new(),
            web_push: Int64Builder::new(),
            created_at: utc(),
            updated_at: utc(),
            order_count: Int64Builder::new(),
            last_order_at: utc(),
            revenue: BTreeMap::new(),
            fields: definitions
                .iter()
                .map(|d| (d.clone(), FieldColumn::new(d.field_type)))
                .collect(),
        }
    }

    fn push(&mut self, contact: &Contact) {
        for (_, builder, get) in &mut self.texts {
            builder.append_option(get(contact));
        }
        self.latitude
            .append_option(contact.location.as_ref().map(|l| l.latitude));
        self.longitude
            .append_option(contact.location.as_ref().map(|l| l.longitude));
        append_list(&mut self.categories, &contact.categories);
        append_list(&mut self.segments, &contact.segments);
        self.devices.append_value(contact.devices.len() as i64);
        self.web_push.append_value(contact.web_push.len() as i64);
        self.created_at
            .append_value(contact.created_at.timestamp_millis());
        self.updated_at
            .append_value(contact.updated_at.timestamp_millis());
        let stats = &contact.order_stats;
        self.order_count.append_value(stats.order_count);
        self.last_order_at
            .append_option(stats.last_order_at.map(|at| at.timestamp_millis()));
        for (currency, amount) in &stats.revenue {
            let rows = self.rows;
            let column = self.revenue.entry(currency.clone()).or_insert_with(|| {
                let mut column = decimal_builder();
                column.append_nulls(rows);
                column
            });
            let mut amount = *amount;
            amount.rescale(MONEY_PLACES);
            column.append_value(amount.mantissa());
        }
        self.rows += 1;
        for column in self.revenue.values_mut() {
            if column.len() < self.rows {
                column.append_null();
            }
        }
        for (definition, column) in &mut self.fields {
            column.push(contact.fields.get(&definition.key));
        }
    }

    fn finish(mut self) -> Result<RecordBatch> {
        let mut columns: Vec<(String, ArrayRef)> = Vec::new();
        let mut texts = self.texts.into_iter();
        let mut take_texts = |n: usize, columns: &mut Vec<(String, ArrayRef)>| {
            for (name, mut builder, _) in texts.by_ref().take(n) {
                columns.push((name.to_string(), Arc::new(builder.finish())));
            }
        };
        take_texts(IDENTITY.len() + 5, &mut columns);
        columns.push(("location.latitude".into(), Arc::new(self.latitude.finish())));
        columns.push((
            "location.longitude".into(),
            Arc::new(self.longitude.finish()),
        ));
        take_texts(3, &mut columns);
        columns.push(("categories".into(), Arc::new(self.categories.finish())));
        columns.push(("segments".into(), Arc::new(self.segments.finish())));
        columns.push((
            "mobile_push_devices".into(),
            Arc::new(self.devices.finish()),
        ));
        columns.push((
            "web_push_subscriptions".into(),
            Arc::new(self.web_push.finish()),
        ));
        take_texts(1, &mut columns);
        columns.push(("created_at".into(), Arc::new(self.created_at.finish())));
        columns.push(("updated_at".into(), Arc::new(self.updated_at.finish())));
        take_texts(1, &mut columns);
        columns.push(("order_count".into(), Arc::new(self.order_count.finish())));
        columns.push((
            "last_order_at".into(),
            Arc::new(self.last_order_at.finish()),
        ));
        for (currency, mut column) in std::mem::take(&mut self.revenue) {
            columns.push((format!("revenue.{currency}"), Arc::new(column.finish())));
        }
        for (definition, column) in self.fields {
            columns.push((format!("fields.{}", definition.key), column.finish()));
        }
        let schema = Schema::new(
            columns
                .iter()
                .map(|(name, array)| Field::new(name, array.data_type().clone(), true))
                .collect::<Vec<_>>(),
        );
        RecordBatch::try_new(
            Arc::new(schema),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .map_err(|e| Error::storage(format!("building the Arrow table: {e}")))
    }
}

fn decimal_builder() -> Decimal128Builder {
    // 38 digits hold every revenue sum (amounts are at most 10^15, six places).
    Decimal128Builder::new()
        .with_precision_and_scale(38, MONEY_PLACES as i8)
        .expect("38 digits with six places is a valid decimal type")
}

fn append_list<S: AsRef<str>>(builder: &mut ListBuilder<StringBuilder>, items: &[S]) {
    for item in items {
        builder.values().append_value(item.as_ref());
    }
    builder.append(true);
}

/// Days from 1970-01-01, as Arrow's date32 counts.
fn days_since_epoch(date: NaiveDate) -> i32 {
    (date - NaiveDate::default()).num_days() as i32
}

impl FieldColumn {
    fn new(field_type: FieldType) -> Self {
        match field_type {
            FieldType::Number => FieldColumn::Number(Int64Builder::new()),
            FieldType::Date => FieldColumn::Date(Date32Builder::new()),
            FieldType::Datetime => {
                FieldColumn::Datetime(TimestampMillisecondBuilder::new().with_timezone("UTC"))
            }
            FieldType::Boolean => FieldColumn::Boolean(BooleanBuilder::new()),
            FieldType::Multilist => FieldColumn::Multilist(ListBuilder::new(StringBuilder::new())),
            FieldType::Text | FieldType::Textarea | FieldType::List | FieldType::Decimal => {
                FieldColumn::Text(StringBuilder::new())
            }
        }
    }

    fn push(&mut self, value: Option<&FieldValue>) {
        match (self, value) {
            (FieldColumn::Number(b), Some(FieldValue::Number(n))) => b.append_value(*n),
            (FieldColumn::Date(b), Some(FieldValue::Date(d))) => {
                b.append_value(days_since_epoch(*d))
            }
            (FieldColumn::Datetime(b), Some(FieldValue::Datetime(t))) => {
                b.append_value(t.timestamp_millis())
            }
            (FieldColumn::Boolean(b), Some(FieldValue::Boolean(v))) => b.append_value(*v),
            (FieldColumn::Multilist(b), Some(FieldValue::Multilist(items))) => {
                append_list(b, items)
            }
            (FieldColumn::Multilist(b), _) => b.append(false),
            (FieldColumn::Text(b), Some(value)) => b.append_value(value.to_platform_string()),
            (FieldColumn::Text(b), None) => b.append_null(),
            (FieldColumn::Number(b), _) => b.append_null(),
            (FieldColumn::Date(b), _) => b.append_null(),
            (FieldColumn::Datetime(b), _) => b.append_null(),
            (FieldColumn::Boolean(b), _) => b.append_null(),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            FieldColumn::Text(mut b) => Arc::new(b.finish()),
            FieldColumn::Number(mut b) => Arc::new(b.finish()),
            FieldColumn::Date(mut b) => Arc::new(b.finish()),
            FieldColumn::Datetime(mut b) => Arc::new(b.finish()),
            FieldColumn::Boolean(mut b) => Arc::new(b.finish()),
            FieldColumn::Multilist(mut b) => Arc::new(b.finish()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ContactInput;
    use arrow_array::cast::AsArray;
    use arrow_array::Array;
    use arrow_schema::{DataType, TimeUnit};

    #[test]
    fn each_contact_is_a_row_with_typed_columns() {
        let book = ContactBook::in_memory();
        let age: FieldDefinition =
            serde_json::from_value(serde_json::json!({"key": "age", "type": "number"})).unwrap();
        book.define_field(age).unwrap();
        for (email, age) in [("ann@example.com", Some(41)), ("bob@example.com", None)] {
            let mut input: ContactInput =
                serde_json::from_value(serde_json::json!({"email": email})).unwrap();
            if let Some(age) = age {
                input
                    .fields
                    .insert("age".into(), Some(crate::model::FieldInput::Integer(age)));
            }
            book.create(input).unwrap();
        }
        let table = book.to_arrow(None).unwrap();
        assert_eq!(table.num_rows(), 2);
        let schema = table.schema();
        let email = table
            .column(schema.index_of("email").unwrap())
            .as_string::<i32>();
        assert_eq!(email.value(0), "ann@example.com");
        let age = table
            .column(schema.index_of("fields.age").unwrap())
            .as_primitive::<arrow_array::types::Int64Type>();
        assert_eq!((age.value(0), age.is_null(1)), (41, true));
        assert_eq!(
            schema.field_with_name("created_at").unwrap().data_type(),
            &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
        );
    }
}
