//! `contactkit import FILE`: reads JSON lines, a JSON array or CSV, turns each row
//! into a `ContactInput`, and streams the rows through `ContactBook::import_contacts`
//! (batched upserts) with a progress bar, then reports what was created, updated and
//! rejected, each rejected row by file, line, field and reason.
//!
//! A JSON row may be a `ContactInput` (the library's JSON), a line of the portable
//! form `contactkit export` writes (a catalogue entry or a whole profile, restored by
//! the library's `ContactBook::restore_line`, each in one unit of work, as it is read),
//! or a contact in the seed platform's shape (see `platform`); each line is recognised
//! by its keys. A CSV file has a header row naming contact columns and, for additional
//! fields, the field keys.

use crate::commands::print;
use crate::failure::{CliResult, Failure};
use crate::platform;
use crate::render::{escape, json_line};
use crate::Context;
use clap::ValueEnum;
use contactkit::validate::unreadable::{from_json, in_plain_words, ReadAs};
use contactkit::{
    Address, ContactBook, ContactInput, DedupeOn, FieldInput, ImportOptions, LineKind, OnInvalid,
    Patch, Telegram,
};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::ops::ControlFlow::Continue;
use std::path::{Path, PathBuf};

/// How many rejected rows the report lists on screen (all go to `--rejects`).
const SHOWN_REJECTS: usize = 20;

/// The format of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// From the extension (`.csv`; `.json`, `.jsonl`, `.ndjson`), else the first character.
    Auto,
    /// One JSON object a line (a file starting with `[` is read as one JSON array).
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// What `import` was asked to do.
pub struct Options {
    /// The file.
    pub file: PathBuf,
    /// Its format.
    pub format: Format,
    /// The identifier an existing contact is matched by.
    pub dedupe_on: DedupeOn,
    /// Whether a row with an invalid value is rejected or written without it.
    pub on_invalid: OnInvalid,
    /// Where to write rejected rows, if anywhere.
    pub rejects: Option<PathBuf>,
    /// Platform field id → field key.
    pub map_fields: BTreeMap<String, String>,
    /// Bot id for platform telegram channels without one.
    pub telegram_bot: Option<String>,
    /// Draw a progress bar (stderr is a terminal and not `--quiet`).
    pub progress: bool,
}

/// A row that was not imported (or, for `suppress`, not recorded).
#[derive(Debug, Clone)]
pub(crate) struct Rejected {
    /// 1-based line in the file where the row starts.
    pub(crate) line: u64,
    /// The field at fault, where one is known.
    pub(crate) field: Option<String>,
    /// Why.
    pub(crate) reason: String,
}

impl Rejected {
    /// The row starting on `line`, refused by the book or by the reader with `error`:
    /// its field, and the book's whole message as the reason, the same for every row.
    pub(crate) fn from_error(line: u64, error: &contactkit::Error) -> Self {
        Rejected {
            line,
            field: error.field().map(str::to_string),
            reason: error.to_string(),
        }
    }
}

/// How a JSON row that does not read as its type is named: by the path to the value at
/// fault inside the row, and as `(row)` when the row as a whole is.
const ROW: ReadAs<'static> = ReadAs::Attributes("(row)");

/// State shared by the row reader and the progress callback.
struct State {
    /// File line of each row handed to the book, by row index.
    lines: Vec<u64>,
    /// Rows rejected before reaching the book (unreadable, unconvertible).
    rejected: Vec<Rejected>,
    /// The identifier rows are matched by (profile lines too).
    dedupe_on: DedupeOn,
    /// Profile lines restored: created, updated.
    restored: (u64, u64),
    /// A storage failure restoring a line: the import stops there.
    fatal: Option<contactkit::Error>,
    /// Lines read so far (for the progress bar).
    lines_read: u64,
}

impl State {
    fn reject(&mut self, line: u64, field: Option<String>, reason: impl Into<String>) {
        self.rejected.push(Rejected {
            line,
            field,
            reason: reason.into(),
        });
    }
}

/// Runs the import and prints the report. Rejected rows make the exit code 1 (the
/// other rows are imported); a storage failure stops the import with exit code 2.
pub fn run(book: &ContactBook, context: &Context, options: &Options) -> CliResult {
    let path = &options.file;
    let name = path.display().to_string();
    let format = resolve_format(path, options.format)?;
    let state = RefCell::new(State {
        lines: Vec::new(),
        rejected: Vec::new(),
        dedupe_on: options.dedupe_on,
        restored: (0, 0),
        fatal: None,
        lines_read: 0,
    });
    let mapping = platform::Mapping {
        fields: options.map_fields.clone(),
        telegram_bot: options.telegram_bot.clone(),
    };
    let import_options = ImportOptions {
        on_invalid: options.on_invalid,
        ..options.dedupe_on.into()
    };
    let bar = options
        .progress
        .then(|| progress_bar(path, format, "importing"))
        .transpose()?;

    let report = match format {
        Format::Csv => {
            let reader = CsvRows::open(path, book)?;
            let rows = reader.rows(&state);
            book.import_contacts(rows, import_options, |_| {
                tick(&bar, &state);
                Continue(())
            })
        }
        _ => {
            let source = JsonSource::open(path)?;
            let rows = source.rows(book, &state, &mapping)?;
            book.import_contacts(rows, import_options, |_| {
                tick(&bar, &state);
                Continue(())
            })
        }
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = report.map_err(|e| Failure::from(e).context(&name))?;

    let mut state = state.into_inner();
    let mut rejected = std::mem::take(&mut state.rejected);
    for row in &report.rejected {
        rejected.push(Rejected {
            line: state.lines.get(row.index as usize).copied().unwrap_or(0),
            field: row.field.clone(),
            reason: row.reason.clone(),
        });
    }
    if let Some(e) = state.fatal.take() {
        return Err(Failure::from(e).context(&name));
    }
    let mut text = format!(
        "{} → {}: {} created, {} updated, {} rejected",
        escape(&name),
        escape(&context.db.to_string()),
        report.created + state.restored.0,
        report.updated + state.restored.1,
        rejected.len(),
    );
    if !report.dropped.is_empty() {
        let _ = write!(
            text,
            ", {} written without some values",
            report.dropped.len()
        );
    }
    text.push('\n');
    // Rows written without some values are no failure: each is listed with what it lost.
    for row in report.dropped.iter().take(SHOWN_REJECTS) {
        let line = state.lines.get(row.index as usize).copied().unwrap_or(0);
        let fields: Vec<&str> = row
            .problems
            .iter()
            .filter_map(|p| p.field.as_deref())
            .collect();
        let _ = writeln!(
            text,
            "  {}:{line}: dropped {}",
            escape(&name),
            escape(&fields.join(", "))
        );
    }
    finish_report(
        text,
        path,
        format,
        rejected,
        options.rejects.as_deref(),
        "imported",
    )
}

/// Ends a per-row report (`import`, `suppress`): prints `text` (its summary line)
/// followed by the rejected rows in file order, up to [`SHOWN_REJECTS`] of them (all
/// go to `rejects`, written as JSON lines with each row's original text). Any rejected
/// row makes the exit code 1, with a message saying the other rows were `done`.
pub(crate) fn finish_report(
    mut text: String,
    path: &Path,
    format: Format,
    mut rejected: Vec<Rejected>,
    rejects: Option<&Path>,
    done: &str,
) -> CliResult {
    let name = path.display().to_string();
    rejected.sort_by_key(|r| r.line);
    for r in rejected.iter().take(SHOWN_REJECTS) {
        let _ = writeln!(text, "  {}", describe(&name, r));
    }
    if rejected.len() > SHOWN_REJECTS {
        let _ = writeln!(
            text,
            "  … and {} more{}",
            rejected.len() - SHOWN_REJECTS,
            if rejects.is_some() {
                ""
            } else {
                " (pass --rejects FILE to keep them all)"
            }
        );
    }
    if let Some(out) = rejects {
        write_rejects(out, path, format, &name, &rejected)?;
        let _ = writeln!(
            text,
            "rejected rows written to {}",
            escape(&out.display().to_string())
        );
    }
    print(&text)?;
    if rejected.is_empty() {
        Ok(())
    } else {
        Err(Failure::bad(format!(
            "{name}: {} row{} rejected; the others were {done}",
            rejected.len(),
            if rejected.len() == 1 { "" } else { "s" }
        )))
    }
}

/// `contacts.csv:4: email: invalid email "bob@": …`, escaped: the reason may quote
/// the row's text.
fn describe(name: &str, r: &Rejected) -> String {
    let line = match &r.field {
        Some(field) => format!("{name}:{}: {field}: {}", r.line, r.reason),
        None => format!("{name}:{}: {}", r.line, r.reason),
    };
    escape(&line).into_owned()
}

fn resolve_format(path: &Path, format: Format) -> CliResult<Format> {
    if format != Format::Auto {
        return Ok(format);
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") => return Ok(Format::Csv),
        Some("json" | "jsonl" | "ndjson") => return Ok(Format::Json),
        _ => {}
    }
    let file = std::fs::File::open(path).map_err(|e| Failure::reading(path, &e))?;
    let mut first = None;
    for byte in std::io::Read::bytes(BufReader::new(file)).take(4096) {
        let byte = byte.map_err(|e| Failure::reading(path, &e))?;
        if !byte.is_ascii_whitespace() {
            first = Some(byte);
            break;
        }
    }
    Ok(match first {
        Some(b'{' | b'[') => Format::Json,
        _ => Format::Csv,
    })
}

/// A progress bar over the file's rows, headed by `doing` (`importing`): position,
/// rate and ETA, on stderr.
pub(crate) fn progress_bar(
    path: &Path,
    format: Format,
    doing: &str,
) -> CliResult<indicatif::ProgressBar> {
    let file = std::fs::File::open(path).map_err(|e| Failure::reading(path, &e))?;
    let mut total = 0u64;
    for line in BufReader::new(file).split(b'\n') {
        let line = line.map_err(|e| Failure::reading(path, &e))?;
        if !line.iter().all(u8::is_ascii_whitespace) {
            total += 1;
        }
    }
    if format == Format::Csv {
        total = total.saturating_sub(1);
    }
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{{spinner}} {doing} [{{bar:32}}] {{pos}}/{{len}} rows · {{rate}} · ETA {{eta}}"
    ))
    .map(|s| {
        s.progress_chars("=> ").with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} rows/s", state.per_sec());
            },
        )
    })
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Ok(bar)
}

fn tick(bar: &Option<indicatif::ProgressBar>, state: &RefCell<State>) {
    if let Some(bar) = bar {
        bar.set_position(state.borrow().lines_read);
    }
}

// ---------------------------------------------------------------------------------
// JSON

/// A JSON file: one object a line, or one array of objects.
enum JsonSource {
    Lines(std::io::Lines<BufReader<std::fs::File>>),
    Array(Vec<(u64, Value)>),
}

impl JsonSource {
    fn open(path: &Path) -> CliResult<Self> {
        let file = std::fs::File::open(path).map_err(|e| Failure::reading(path, &e))?;
        let mut reader = BufReader::new(file);
        let starts_array = loop {
            let buffer = reader.fill_buf().map_err(|e| Failure::reading(path, &e))?;
            match buffer.iter().position(|b| !b.is_ascii_whitespace()) {
                Some(at) => break buffer[at] == b'[',
                None if buffer.is_empty() => break false,
                None => {
                    let len = buffer.len();
                    reader.consume(len);
                }
            }
        };
        if !starts_array {
            let file = std::fs::File::open(path).map_err(|e| Failure::reading(path, &e))?;
            return Ok(JsonSource::Lines(BufReader::new(file).lines()));
        }
        let text = std::fs::read_to_string(path).map_err(|e| Failure::reading(path, &e))?;
        let items: Vec<Value> = serde_json::from_str(&text).map_err(|e| {
            Failure::bad(format!(
                "{}:{}:{}: malformed JSON: {}",
                path.display(),
                e.line(),
                e.column(),
                in_plain_words(&e.to_string())
            ))
        })?;
        let lines = array_item_lines(&text);
        Ok(JsonSource::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (lines.get(i).copied().unwrap_or(1), v))
                .collect(),
        ))
    }

    /// The rows this file gives, converted lazily; rejected and catalogue lines are
    /// handled on the way and yield nothing.
    fn rows<'a>(
        self,
        book: &'a ContactBook,
        state: &'a RefCell<State>,
        mapping: &'a platform::Mapping,
    ) -> CliResult<Box<dyn Iterator<Item = ContactInput> + 'a>> {
        let values: Box<dyn Iterator<Item = (u64, Result<Value, String>)> + 'a> = match self {
            JsonSource::Lines(lines) => Box::new(
                lines
                    .enumerate()
                    .map(|(i, line)| {
                        let number = i as u64 + 1;
                        match line {
                            Ok(text) if text.trim().is_empty() => (number, Ok(Value::Null)),
                            Ok(text) => (
                                number,
                                serde_json::from_str::<Value>(&text).map_err(|e| {
                                    format!(
                                        "malformed JSON at column {}: {}",
                                        e.column(),
                                        in_plain_words(&e.to_string())
                                    )
                                }),
                            ),
                            Err(e) => (number, Err(format!("cannot read the line: {e}"))),
                        }
                    })
                    // Blank lines are not rows.
                    .filter(|(_, v)| !matches!(v, Ok(Value::Null))),
            ),
            JsonSource::Array(items) => Box::new(items.into_iter().map(|(l, v)| (l, Ok(v)))),
        };
        Ok(Box::new(values.filter_map(move |(line, value)| {
            let mut state = state.borrow_mut();
            state.lines_read += 1;
            let value = match value {
                Ok(value) => value,
                Err(reason) => {
                    state.reject(line, None, reason);
                    return None;
                }
            };
            json_row(book, &mut state, mapping, line, value)
        })))
    }
}

/// Converts one JSON value to a row (or applies it, for a catalogue line).
fn json_row(
    book: &ContactBook,
    state: &mut State,
    mapping: &platform::Mapping,
    line: u64,
    value: Value,
) -> Option<ContactInput> {
    let Value::Object(object) = &value else {
        state.reject(line, None, "expected a JSON object");
        return None;
    };
    if state.fatal.is_some() {
        return None;
    }
    if ContactBook::is_portable_line(&value) {
        match book.restore_line(&value, state.dedupe_on) {
            Ok(restored) if restored.kind == LineKind::Catalog => {}
            Ok(restored) if restored.created => state.restored.0 += 1,
            Ok(_) => state.restored.1 += 1,
            Err(e @ contactkit::Error::Storage { .. }) => state.fatal = Some(e),
            Err(e) => state.rejected.push(Rejected::from_error(line, &e)),
        }
        return None;
    }
    let input = if platform::is_platform(object) {
        platform::to_input(&value, mapping)
    } else {
        from_json::<ContactInput>(&value, ROW)
    };
    match input {
        Ok(input) => {
            state.lines.push(line);
            Some(input)
        }
        Err(e) => {
            state.rejected.push(Rejected::from_error(line, &e));
            None
        }
    }
}

/// The 1-based line on which each top-level item of a JSON array starts.
fn array_item_lines(text: &str) -> Vec<u64> {
    let mut lines = Vec::new();
    let mut line = 1u64;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut expecting_item = false;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if depth == 1 && expecting_item && !c.is_whitespace() && c != ',' && c != ']' {
            lines.push(line);
            expecting_item = false;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    expecting_item = true;
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => expecting_item = true,
            _ => {}
        }
    }
    lines
}

// ---------------------------------------------------------------------------------
// CSV

/// A CSV column: a contact attribute or an additional field.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Id,
    ExternalId,
    ContactKey,
    FirstName,
    LastName,
    Email,
    Phone,
    Country,
    Region,
    Town,
    StreetAddress,
    Postcode,
    Timezone,
    Language,
    Categories,
    Segments,
    TelegramBotId,
    TelegramChatId,
    Field(String),
}

/// Contact columns by header name (aliases included).
const CONTACT_COLUMNS: [(&str, Column); 21] = [
    ("id", Column::Id),
    ("external_id", Column::ExternalId),
    ("contact_key", Column::ContactKey),
    ("first_name", Column::FirstName),
    ("last_name", Column::LastName),
    ("email", Column::Email),
    ("phone", Column::Phone),
    ("country", Column::Country),
    ("region", Column::Region),
    ("town", Column::Town),
    ("city", Column::Town),
    ("street_address", Column::StreetAddress),
    ("address", Column::StreetAddress),
    ("postcode", Column::Postcode),
    ("timezone", Column::Timezone),
    ("time_zone", Column::Timezone),
    ("language", Column::Language),
    ("categories", Column::Categories),
    ("segments", Column::Segments),
    ("telegram_bot_id", Column::TelegramBotId),
    ("telegram_chat_id", Column::TelegramChatId),
];

/// Separator of several categories or segments in one cell.
const LIST_SEPARATOR: char = ';';

struct CsvRows {
    reader: csv::Reader<std::fs::File>,
    columns: Vec<(String, Column)>,
}

impl CsvRows {
    /// Opens the file and checks its header: every column must be a contact column
    /// or a defined field, once. A wrong header stops the import before any row.
    fn open(path: &Path, book: &ContactBook) -> CliResult<Self> {
        let (reader, headers) = open_csv(path)?;
        let fields: BTreeSet<String> = book
            .field_definitions()?
            .into_iter()
            .map(|d| d.key)
            .collect();
        let columns = header_columns(
            path,
            &headers,
            |key| {
                CONTACT_COLUMNS
                    .iter()
                    .find(|(n, _)| *n == key)
                    .map(|(_, c)| c.clone())
                    .or_else(|| {
                        let field = key.strip_prefix("fields.").unwrap_or(key);
                        fields
                            .contains(field)
                            .then(|| Column::Field(field.to_string()))
                    })
            },
            || {
                let known = CONTACT_COLUMNS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ");
                let defined = if fields.is_empty() {
                    "no additional fields are defined in this book".to_string()
                } else {
                    format!(
                        "or a defined field ({})",
                        fields.iter().cloned().collect::<Vec<_>>().join(", ")
                    )
                };
                format!("expected one of {known}, {defined}")
            },
        )?;
        Ok(CsvRows { reader, columns })
    }

    fn rows<'a>(self, state: &'a RefCell<State>) -> Box<dyn Iterator<Item = ContactInput> + 'a> {
        let CsvRows { reader, columns } = self;
        let expected = columns.len();
        Box::new(reader.into_records().filter_map(move |record| {
            let mut state = state.borrow_mut();
            state.lines_read += 1;
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    state.rejected.push(unreadable(&e, expected));
                    return None;
                }
            };
            let line = record_line(&record);
            let input = csv_input(&columns, &record);
            state.lines.push(line);
            Some(input)
        }))
    }
}

/// Opens a CSV file as `import` and `suppress` read it (cells trimmed, every record
/// as long as the header) and reads its header: the column names as given, trimmed,
/// without a byte order mark.
pub(crate) fn open_csv(path: &Path) -> CliResult<(csv::Reader<std::fs::File>, Vec<String>)> {
    let file = std::fs::File::open(path).map_err(|e| Failure::reading(path, &e))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(file);
    let headers = reader
        .headers()
        .map_err(|e| Failure::bad(format!("{}:1: cannot read the header: {e}", path.display())))?
        .iter()
        .map(|header| header.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok((reader, headers))
}

/// The column each header names, by `column` of its lower-case name. A header that
/// names none (`expected` says what would do) or the same column as an earlier one
/// is an error naming the column as given.
pub(crate) fn header_columns<C: PartialEq>(
    path: &Path,
    headers: &[String],
    column: impl Fn(&str) -> Option<C>,
    expected: impl FnOnce() -> String,
) -> CliResult<Vec<(String, C)>> {
    let mut columns: Vec<(String, C)> = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        let Some(found) = column(&name.to_ascii_lowercase()) else {
            return Err(Failure::bad(format!(
                "{}:1: column {} {name:?}: unknown column: {}",
                path.display(),
                i + 1,
                expected()
            )));
        };
        if let Some((first, _)) = columns.iter().find(|(_, c)| *c == found) {
            return Err(Failure::bad(format!(
                "{}:1: column {} {name:?}: the same column as {first:?}",
                path.display(),
                i + 1
            )));
        }
        columns.push((name.clone(), found));
    }
    Ok(columns)
}

/// A CSV record that could not be read (a wrong number of cells, bad UTF-8), as a
/// rejected row; `expected` is the header's number of columns.
pub(crate) fn unreadable(error: &csv::Error, expected: usize) -> Rejected {
    let reason = match error.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => {
            format!("expected {expected} columns as in the header, found {len}")
        }
        _ => error.to_string(),
    };
    Rejected {
        line: error.position().map(|p| p.line()).unwrap_or(0),
        field: None,
        reason,
    }
}

/// The 1-based line on which a CSV record starts.
pub(crate) fn record_line(record: &csv::StringRecord) -> u64 {
    record.position().map(|p| p.line()).unwrap_or(0)
}

/// A CSV record as an input: an empty cell leaves the attribute as it is.
fn csv_input(columns: &[(String, Column)], record: &csv::StringRecord) -> ContactInput {
    let mut input = ContactInput::default();
    let mut address = Address::default();
    let mut has_address = false;
    let mut telegram = Telegram::default();
    let mut has_telegram = false;
    let list = |cell: &str| -> Vec<String> {
        cell.split(LIST_SEPARATOR)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    for ((_, column), cell) in columns.iter().zip(record.iter()) {
        if cell.is_empty() {
            continue;
        }
        let text = || Patch::Set(cell.to_string());
        match column {
            Column::Id => input.id = Some(cell.to_string()),
            Column::ExternalId => input.external_id = text(),
            Column::ContactKey => input.contact_key = text(),
            Column::FirstName => input.first_name = text(),
            Column::LastName => input.last_name = text(),
            Column::Email => input.email = text(),
            Column::Phone => input.phone = text(),
            Column::Timezone => input.timezone = text(),
            Column::Language => input.language = text(),
            Column::Categories => input.categories = Patch::Set(list(cell)),
            Column::Segments => input.segments = Patch::Set(list(cell)),
            Column::Country => (address.country, has_address) = (Some(cell.into()), true),
            Column::Region => (address.region, has_address) = (Some(cell.into()), true),
            Column::Town => (address.town, has_address) = (Some(cell.into()), true),
            Column::StreetAddress => {
                (address.street_address, has_address) = (Some(cell.into()), true)
            }
            Column::Postcode => (address.postcode, has_address) = (Some(cell.into()), true),
            Column::TelegramBotId => (telegram.bot_id, has_telegram) = (cell.into(), true),
            Column::TelegramChatId => (telegram.chat_id, has_telegram) = (cell.into(), true),
            Column::Field(key) => {
                input
                    .fields
                    .insert(key.clone(), Some(FieldInput::Text(cell.to_string())));
            }
        }
    }
    if has_address {
        input.address = Patch::Set(address);
    }
    if has_telegram {
        input.telegram = Patch::Set(telegram);
    }
    input
}

// ---------------------------------------------------------------------------------
// Rejects file

/// Writes each rejected row as a JSON line with the row's original text.
fn write_rejects(
    out: &Path,
    path: &Path,
    format: Format,
    name: &str,
    rejected: &[Rejected],
) -> CliResult {
    let wanted: BTreeSet<u64> = rejected.iter().map(|r| r.line).collect();
    let inputs = original_rows(path, format, &wanted)?;
    let file =
        std::fs::File::create(out).map_err(|e| Failure::writing(&out.display().to_string(), &e))?;
    let mut sink = std::io::BufWriter::new(file);
    for r in rejected {
        let line = json!({
            "file": name,
            "line": r.line,
            "field": r.field,
            "reason": r.reason,
            "input": inputs.get(&r.line),
        });
        writeln!(sink, "{}", json_line(&line))
            .map_err(|e| Failure::writing(&out.display().to_string(), &e))?;
    }
    sink.flush()
        .map_err(|e| Failure::writing(&out.display().to_string(), &e))
}

/// The original text of the rows starting on `wanted` lines (read again: the import
/// itself keeps no copy of its input).
fn original_rows(
    path: &Path,
    format: Format,
    wanted: &BTreeSet<u64>,
) -> CliResult<HashMap<u64, String>> {
    let mut found = HashMap::new();
    if wanted.is_empty() {
        return Ok(found);
    }
    let file = std::fs::File::open(path).map_err(|e| Failure::reading(path, &e))?;
    match format {
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(false)
                .from_reader(file);
            for record in reader.records().flatten() {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                if wanted.contains(&line) {
                    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
                    if writer.write_record(&record).is_ok() {
                        if let Ok(bytes) = writer.into_inner() {
                            let text = String::from_utf8_lossy(&bytes).trim_end().to_string();
                            found.insert(line, text);
                        }
                    }
                }
            }
        }
        _ => {
            let text = std::fs::read_to_string(path).map_err(|e| Failure::reading(path, &e))?;
            if text.trim_start().starts_with('[') {
                if let Ok(items) = serde_json::from_str::<Vec<Value>>(&text) {
                    for (line, item) in array_item_lines(&text).into_iter().zip(items) {
                        if wanted.contains(&line) {
                            found.insert(line, item.to_string());
                        }
                    }
                }
            } else {
                for (i, line) in text.lines().enumerate() {
                    let number = i as u64 + 1;
                    if wanted.contains(&number) {
                        found.insert(number, line.to_string());
                    }
                }
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_items_are_found_by_line() {
        let text = "[\n  {\"a\": [1, 2]},\n  {\"b\": \"x,]\"}\n,{}]";
        assert_eq!(array_item_lines(text), vec![2, 3, 4]);
    }
}
