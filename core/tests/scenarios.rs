//! Runs the shared conformance scenarios (`tests/scenarios/*.json` at the repository
//! root) against the Rust core. The format and the matching rules are specified in
//! `tests/scenarios/README.md`; the Python, Node and Kotlin runners follow the same
//! text, so this file keeps to it and adds nothing of its own.
//!
//! Every scenario runs on a fresh `ContactBook::in_memory()` whose clock is a
//! `ManualClock`, and, with the feature `postgres`, again on a book in a fresh
//! PostgreSQL schema (`CONTACTKIT_TEST_PG_URL`; its absence fails the test). All files are run; the test fails listing every failing step (one
//! per file: later steps of a file depend on the state the failed one left).
//!
//! Set `CONTACTKIT_SCENARIO=<part of a file name>` to run only matching files.

use chrono::{DateTime, Duration, Utc};
use contactkit::validate::unreadable::{from_json, ReadAs};
use contactkit::{Channel, ContactBook, ContactInput, DedupeOn, Error, ManualClock};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::ControlFlow::Continue;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// The suite is only a conformance suite if it covers the domain; fewer files means
/// some went missing.
const MIN_SCENARIOS: usize = 12;

#[test]
fn shared_scenarios_pass() {
    run_all(&|| Ok(ContactBook::in_memory()));
}

/// The same files on the server store: the same steps must give the same answers.
#[cfg(feature = "postgres")]
#[test]
fn shared_scenarios_pass_on_postgres() {
    let url = std::env::var("CONTACTKIT_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "CONTACTKIT_TEST_PG_URL is not set: start a server with `scripts/postgres.sh start DIR` \
             and export the URL it prints (scripts/test.sh does both)"
        )
    });
    let schemas = RefCell::new(Vec::new());
    let open = || {
        let schema = format!("scen_{}_{}", std::process::id(), schemas.borrow().len());
        schemas.borrow_mut().push(schema.clone());
        let mut client =
            postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .map_err(|e| e.to_string())?;
        let options = contactkit::PostgresOptions {
            schema: Some(schema),
            ..Default::default()
        };
        ContactBook::connect_with(&url, &options).map_err(|e| e.to_string())
    };
    // Dropped whatever the outcome.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_all(&open)));
    if let Ok(mut client) = postgres::Client::connect(&url, postgres::NoTls) {
        for schema in schemas.borrow().iter() {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
        }
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs every scenario file (or those `CONTACTKIT_SCENARIO` names) on books `open`
/// makes, one per file.
fn run_all(open: &dyn Fn() -> Result<ContactBook, String>) {
    let files = scenario_files();
    assert!(
        files.len() >= MIN_SCENARIOS,
        "expected at least {MIN_SCENARIOS} scenario files in {}, found {}",
        scenario_dir().display(),
        files.len()
    );
    let filter = std::env::var("CONTACTKIT_SCENARIO").unwrap_or_default();
    let selected: Vec<&PathBuf> = files
        .iter()
        .filter(|path| file_name(path).contains(&filter))
        .collect();
    assert!(!selected.is_empty(), "no scenario file matches {filter:?}");
    let failures: Vec<String> = selected
        .iter()
        .filter_map(|path| run_file(path, open).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenario files failed:\n\n{}",
        failures.len(),
        selected.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------
// Files and their format

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

/// Every `*.json` in the scenario directory, sorted by name.
fn scenario_files() -> Vec<PathBuf> {
    let dir = scenario_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read scenario directory {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    name: String,
    #[allow(dead_code)]
    description: String,
    clock: DateTime<Utc>,
    #[serde(default)]
    default_region: Option<String>,
    steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    op: String,
    #[serde(default)]
    args: Map<String, Value>,
    #[serde(default)]
    save: Option<String>,
    /// `Some(Value::Null)` when the file says `"expect": null`; `None` when absent.
    #[serde(default, deserialize_with = "present")]
    expect: Option<Value>,
    #[serde(default)]
    expect_error: Option<ExpectedError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    kind: String,
    #[serde(default)]
    field: Option<String>,
    /// The error's other attributes: each one given must equal the error's.
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    what: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    existing: Option<String>,
    #[serde(default)]
    existing_id: Option<String>,
}

impl ExpectedError {
    /// The attributes given, by name.
    fn attributes(&self) -> BTreeMap<&'static str, &str> {
        [
            ("value", &self.value),
            ("reason", &self.reason),
            ("what", &self.what),
            ("id", &self.id),
            ("existing", &self.existing),
            ("existing_id", &self.existing_id),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value.as_deref()?)))
        .collect()
    }
}

/// Keeps an explicit `null` apart from an absent key.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// Runs one file; the error names the file, the step, its op, and what differed.
fn run_file(path: &Path, open: &dyn Fn() -> Result<ContactBook, String>) -> Result<(), String> {
    let file = file_name(path);
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: cannot read: {e}"))?;
    let scenario: Scenario =
        serde_json::from_str(&text).map_err(|e| format!("{file}: not a scenario: {e}"))?;
    if file != format!("{}.json", scenario.name) {
        return Err(format!(
            "{file}: name {:?} is not the file name",
            scenario.name
        ));
    }
    let book = open().map_err(|e| format!("{file}: cannot open a book: {e}"))?;
    let mut runner = Runner::new(&scenario, book).map_err(|e| format!("{file}: {e}"))?;
    for (index, step) in scenario.steps.iter().enumerate() {
        runner.run_step(step).map_err(|message| {
            format!(
                "{file} ({}) step {index} op {:?}:\n{message}",
                scenario.name, step.op
            )
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Running steps

struct Runner {
    book: ContactBook,
    clock: Arc<ManualClock>,
    saved: HashMap<String, Value>,
}

/// Why a call did not return a value: the book said no (what `expect_error` is
/// about), or the scenario itself is broken (always a test failure).
enum Failure {
    Book(Error),
    Scenario(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Book(error)
    }
}

type Outcome = Result<Value, Failure>;

impl Runner {
    fn new(scenario: &Scenario, book: ContactBook) -> Result<Self, String> {
        let clock = Arc::new(ManualClock::new(scenario.clock));
        let mut book = book.with_clock(clock.clone());
        if let Some(region) = &scenario.default_region {
            book = book
                .with_default_region(region)
                .map_err(|e| format!("default_region: {e}"))?;
        }
        Ok(Runner {
            book,
            clock,
            saved: HashMap::new(),
        })
    }

    fn run_step(&mut self, step: &Step) -> Result<(), String> {
        if step.expect.is_some() && step.expect_error.is_some() {
            return Err("a step has either expect or expect_error, not both".into());
        }
        if let Some(expected) = &step.expect_error {
            if !ERROR_KINDS.contains(&expected.kind.as_str()) {
                return Err(format!(
                    "unknown error kind {:?}; expected one of {ERROR_KINDS:?}",
                    expected.kind
                ));
            }
        }
        if step.save.is_some() && step.expect_error.is_some() {
            return Err("a step that expects an error has nothing to save".into());
        }
        let args = Args::new(self.resolve(&Value::Object(step.args.clone()))?);
        let outcome = self.call(&step.op, &args);
        // A call that fails may stop before reading every argument, so only a
        // successful one proves that an argument was never read.
        if let (Ok(_), Some(unused)) = (&outcome, args.unused()) {
            return Err(format!("unknown argument(s) {unused}"));
        }
        match (outcome, &step.expect_error) {
            (Ok(actual), None) => {
                if let Some(expected) = &step.expect {
                    let expected = self.resolve(expected)?;
                    check(&expected, &actual, "$").map_err(|mismatch| {
                        format!(
                            "{mismatch}\nexpected: {}\nactual:   {}",
                            pretty(&expected),
                            pretty(&actual)
                        )
                    })?;
                }
                if let Some(name) = &step.save {
                    self.saved.insert(name.clone(), actual);
                }
                Ok(())
            }
            (Ok(actual), Some(expected)) => Err(format!(
                "expected a {} error{}, but the call succeeded\nactual: {}",
                expected.kind,
                expected
                    .field
                    .as_ref()
                    .map(|f| format!(" on field {f:?}"))
                    .unwrap_or_default(),
                pretty(&actual)
            )),
            (Err(Failure::Book(error)), None) => Err(format!(
                "expected success, got a {} error (field {:?}): {error}",
                error_kind(&error),
                error.field()
            )),
            (Err(Failure::Book(error)), Some(expected)) => check_error(expected, &error),
            (Err(Failure::Scenario(message)), _) => Err(message),
        }
    }

    /// Replaces every reference string (`"$name"`, `"$name.path.0.field"`) in `value`
    /// with the saved value it points at.
    fn resolve(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(text) if is_reference(text) => self.lookup(text)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.resolve(item))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, item)| Ok((key.clone(), self.resolve(item)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }

    fn lookup(&self, reference: &str) -> Result<Value, String> {
        let mut segments = reference[1..].split('.');
        let name = segments.next().unwrap_or_default();
        let mut current = self
            .saved
            .get(name)
            .ok_or_else(|| format!("reference {reference:?}: nothing saved as {name:?}"))?;
        for segment in segments {
            let next = match current {
                Value::Object(map) => map.get(segment),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            current = next.ok_or_else(|| {
                format!(
                    "reference {reference:?}: no {segment:?} in {}",
                    pretty(current)
                )
            })?;
        }
        Ok(current.clone())
    }

    /// Calls the book operation (or runner operation) `op` and serialises its result.
    fn call(&self, op: &str, a: &Args) -> Outcome {
        let b = &self.book;
        match op {
            // profile
            "create" => out(b.create(a.req("input")?)),
            "upsert" => out(b.upsert(a.req("input")?, a.dedupe_on()?)),
            "sign_up" => out(b.sign_up(a.req("input")?)),
            "update" => out(b.update(&a.text("id")?, a.req("patch")?)),
            "get" => out(b.get(&a.text("id")?)),
            "find_by_email" => out(b.find_by_email(&a.text("email")?)),
            "find_by_phone" => out(b.find_by_phone(&a.text("phone")?)),
            "find_by_key" => out(b.find_by_key(&a.text("contact_key")?)),
            "find_by_external_id" => out(b.find_by_external_id(&a.text("external_id")?)),
            "find_by_push_token" => out(b.find_by_push_token(&a.text("token")?)),
            "find_by_web_push_endpoint" => out(b.find_by_web_push_endpoint(&a.text("endpoint")?)),
            "delete" => out(b.delete(&a.text("id")?)),
            "restore" => out(b.restore(&a.text("id")?)),
            "merge" => out(b.merge(&a.text("into_id")?, &a.text("from_id")?)),
            "export_contact" => out(b.export_contact(&a.text("id")?)),
            "erase" => out(b.erase(&a.text("id")?)),
            "list" => {
                let query = a.opt("query")?.unwrap_or_default();
                match a.rule()? {
                    Some(rule) => out(b.list_where(&rule, &query)),
                    None => out(b.list(&query)),
                }
            }
            "count" => match a.rule()? {
                Some(rule) => out(b.count_where(&rule)),
                None => out(b.count()),
            },
            "changes" => out(b.changes(a.opt_text("cursor")?.as_deref(), a.opt::<u32>("limit")?)),
            "import_contacts" => {
                let rows: Vec<ContactInput> = a.req("rows")?;
                out(b.import_contacts(rows, a.dedupe_on()?, |_| Continue(())))
            }
            // channels
            "add_mobile_push" => out(b.add_mobile_push(&a.text("id")?, a.req("device")?)),
            "remove_mobile_push" => out(b.remove_mobile_push(&a.text("id")?, &a.text("token")?)),
            "register_app" => out(b.register_app(&a.text("id")?, a.req("device")?)),
            "remove_app" => out(b.remove_app(&a.text("id")?, &a.text("app_id")?)),
            "add_web_push" => out(b.add_web_push(&a.text("id")?, a.req("subscription")?)),
            "remove_web_push" => out(b.remove_web_push(&a.text("id")?, &a.text("endpoint")?)),
            "set_telegram" => out(b.set_telegram(&a.text("id")?, a.opt("telegram")?)),
            // consent
            "blacklist" => out(b.blacklist(
                &a.text("id")?,
                a.channel()?,
                a.opt_text("reason")?.as_deref(),
                None,
            )),
            "unblacklist" => out(b.unblacklist(&a.text("id")?, a.channel()?, &a.text("note")?)),
            "unsubscribe" => out(b.unsubscribe(
                &a.text("id")?,
                a.channel()?,
                a.opt_text("reason")?.as_deref(),
                None,
            )),
            "resubscribe" => {
                out(b.resubscribe(&a.text("id")?, a.channel()?, a.opt_text("note")?.as_deref()))
            }
            "report_spam" => out(b.report_spam(
                &a.text("id")?,
                a.channel()?,
                a.opt_text("reason")?.as_deref(),
                None,
            )),
            "confirm" => out(b.confirm(&a.text("id")?, a.channel()?)),
            "suppressions" => out(b.suppressions(a.channel()?, &a.text("address")?)),
            "can_send" => out(b.can_send(
                &a.text("id")?,
                a.channel()?,
                a.opt_text("category")?.as_deref(),
            )),
            "can_send_many" => out(b.can_send_many(
                &a.req::<Vec<String>>("ids")?,
                a.channel()?,
                a.opt_text("category")?.as_deref(),
            )),
            "suppress_address" => out(b.suppress_address(
                a.channel()?,
                &a.text("address")?,
                a.req("kind")?,
                a.opt_text("reason")?.as_deref(),
                None,
            )),
            // categories and segments
            "define_category" => out(b.define_category(&a.text("title")?)),
            "categories" => out(b.categories()),
            "update_category" => out(b.update_category(&a.text("key")?, &a.text("title")?)),
            "delete_category" => out(b.delete_category(&a.text("key")?)),
            "add_category" => out(b.add_category(&a.text("id")?, &a.text("key")?)),
            "remove_category" => out(b.remove_category(&a.text("id")?, &a.text("key")?)),
            "create_segment" => match a.rule()? {
                Some(rule) => out(b.create_dynamic_segment(&a.text("name")?, &rule)),
                None => out(b.create_segment(&a.text("name")?)),
            },
            "segments" => out(b.segments()),
            "update_segment" => out(b.update_segment(
                &a.text("id")?,
                contactkit::SegmentUpdate {
                    name: a.opt_text("name")?,
                    rule: a.rule()?,
                },
            )),
            "delete_segment" => out(b.delete_segment(&a.text("id")?)),
            "add_to_segment" => out(b.add_to_segment(&a.text("id")?, &a.text("segment_id")?)),
            "remove_from_segment" => {
                out(b.remove_from_segment(&a.text("id")?, &a.text("segment_id")?))
            }
            "segment_members" => {
                out(b.segment_members(&a.text("segment_id")?, &a.opt("query")?.unwrap_or_default()))
            }
            // additional fields
            "define_field" => out(b.define_field(a.req("definition")?)),
            "field_definitions" => out(b.field_definitions()),
            "update_field" => out(b.update_field(&a.text("key")?, a.req("update")?)),
            "delete_field" => out(b.delete_field(&a.text("key")?)),
            "set_field" => out(b.set_field(&a.text("id")?, &a.text("key")?, a.req("value")?)),
            "clear_field" => out(b.clear_field(&a.text("id")?, &a.text("key")?)),
            // activity
            "record_campaign" => out(b.record_campaign(&a.text("id")?, a.req("input")?)),
            "record_event" => out(b.record_event(&a.text("id")?, a.req("input")?)),
            "record_order" => out(b.record_order(&a.text("id")?, a.req("input")?)),
            "activity" => out(b.activity(&a.text("id")?, &a.opt("query")?.unwrap_or_default())),
            // the runner's own
            "advance_clock" => self.advance_clock(a),
            "set_clock" => {
                self.clock.set(a.req("at")?);
                Ok(Value::Null)
            }
            other => Err(Failure::Scenario(format!("unknown op {other:?}"))),
        }
    }

    fn advance_clock(&self, a: &Args) -> Outcome {
        let days: Option<i64> = a.opt("days")?;
        let seconds: Option<i64> = a.opt("seconds")?;
        if days.is_none() && seconds.is_none() {
            return Err(Failure::Scenario(
                "advance_clock needs days or seconds".into(),
            ));
        }
        self.clock
            .advance(Duration::days(days.unwrap_or(0)) + Duration::seconds(seconds.unwrap_or(0)))
            .unwrap();
        Ok(Value::Null)
    }
}

/// A book result as the JSON the scenario is matched against.
fn out<T: Serialize>(result: contactkit::Result<T>) -> Outcome {
    let value = result?;
    serde_json::to_value(value)
        .map_err(|e| Failure::Scenario(format!("cannot serialise the result: {e}")))
}

// ---------------------------------------------------------------------------------
// Arguments

/// A step's resolved arguments; remembers which ones the op read, so a misspelt
/// argument fails the step instead of being silently ignored.
struct Args {
    map: Map<String, Value>,
    used: RefCell<BTreeSet<String>>,
}

impl Args {
    fn new(value: Value) -> Self {
        let map = match value {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        Args {
            map,
            used: RefCell::new(BTreeSet::new()),
        }
    }

    /// An optional argument: absent and `null` are both `None`. One that does not
    /// read as its type is the validation error every binding gives for it.
    fn opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Failure> {
        self.used.borrow_mut().insert(name.to_string());
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => Ok(Some(from_json(value, ReadAs::Attributes(name))?)),
        }
    }

    fn req<T: DeserializeOwned>(&self, name: &str) -> Result<T, Failure> {
        self.opt(name)?
            .ok_or_else(|| Failure::Scenario(format!("missing argument {name:?}")))
    }

    fn text(&self, name: &str) -> Result<String, Failure> {
        self.req(name)
    }

    fn opt_text(&self, name: &str) -> Result<Option<String>, Failure> {
        self.opt(name)
    }

    /// The optional `rule`, read as every binding reads one: a mistake is the book's
    /// validation error naming its path inside the rule.
    fn rule(&self) -> Result<Option<contactkit::Rule>, Failure> {
        self.used.borrow_mut().insert("rule".to_string());
        match self.map.get("rule") {
            None | Some(Value::Null) => Ok(None),
            Some(value) => Ok(Some(contactkit::Rule::from_value(value)?)),
        }
    }

    /// A channel name; an unknown one is the book's validation error, as a binding
    /// taking a string would report it.
    fn channel(&self) -> Result<Channel, Failure> {
        Ok(Channel::from_str(&self.text("channel")?)?)
    }

    fn dedupe_on(&self) -> Result<DedupeOn, Failure> {
        Ok(DedupeOn::from_str(&self.text("dedupe_on")?)?)
    }

    /// Names of arguments given but never read, if any.
    fn unused(&self) -> Option<String> {
        let used = self.used.borrow();
        let unused: Vec<&str> = self
            .map
            .keys()
            .filter(|key| !used.contains(*key))
            .map(String::as_str)
            .collect();
        (!unused.is_empty()).then(|| unused.join(", "))
    }
}

/// `"$name"` or `"$name.path"`: a `$` followed by a letter or `_`.
fn is_reference(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next() == Some('$') && chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

// ---------------------------------------------------------------------------------
// Matching

/// Checks `actual` against `expected` by the README's rules; the error names the
/// JSON path of the first difference.
fn check(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    let differ = |why: &str| Err(format!("at {path}: {why}"));
    match expected {
        Value::Null if actual.is_null() => Ok(()),
        Value::Null => differ("expected null"),
        Value::Object(map) if map.len() == 1 && map.contains_key("$len") => {
            let wanted = map["$len"].as_u64();
            match (wanted, actual) {
                (Some(n), Value::Array(items)) if items.len() as u64 == n => Ok(()),
                (Some(n), Value::Array(items)) => {
                    differ(&format!("expected {n} items, found {}", items.len()))
                }
                (Some(_), _) => differ("expected an array"),
                (None, _) => differ("$len needs a whole number"),
            }
        }
        Value::Object(wanted) => {
            let Value::Object(found) = actual else {
                return differ("expected an object");
            };
            for (key, value) in wanted {
                let item = found.get(key).unwrap_or(&Value::Null);
                check(value, item, &format!("{path}.{key}"))?;
            }
            Ok(())
        }
        Value::Array(wanted) => {
            let Value::Array(found) = actual else {
                return differ("expected an array");
            };
            if wanted.len() != found.len() {
                return differ(&format!(
                    "expected {} items, found {}",
                    wanted.len(),
                    found.len()
                ));
            }
            for (i, (value, item)) in wanted.iter().zip(found).enumerate() {
                check(value, item, &format!("{path}.{i}"))?;
            }
            Ok(())
        }
        Value::String(wanted) => match actual {
            Value::String(found) if same_text(wanted, found) => Ok(()),
            _ => differ(&format!("expected {wanted:?}")),
        },
        Value::Number(wanted) => match actual {
            Value::Number(found) if same_number(wanted, found) => Ok(()),
            _ => differ(&format!("expected {wanted}")),
        },
        Value::Bool(wanted) => match actual {
            Value::Bool(found) if found == wanted => Ok(()),
            _ => differ(&format!("expected {wanted}")),
        },
    }
}

/// Equal text, the same instant, or the same decimal value.
fn same_text(wanted: &str, found: &str) -> bool {
    if wanted == found {
        return true;
    }
    if let (Ok(a), Ok(b)) = (
        DateTime::parse_from_rfc3339(wanted),
        DateTime::parse_from_rfc3339(found),
    ) {
        return a == b;
    }
    match (plain_decimal(wanted), plain_decimal(found)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// A decimal written as `-?digits(.digits)?`, nothing else (no exponent, no sign
/// `+`), so that every language's runner reads the same strings as decimals.
fn plain_decimal(text: &str) -> Option<Decimal> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !fraction.is_none_or(digits) {
        return None;
    }
    Decimal::from_str(text).ok()
}

fn same_number(wanted: &serde_json::Number, found: &serde_json::Number) -> bool {
    match (wanted.as_i64(), found.as_i64()) {
        (Some(a), Some(b)) => a == b,
        _ => match (wanted.as_u64(), found.as_u64()) {
            (Some(a), Some(b)) => a == b,
            _ => wanted.as_f64() == found.as_f64(),
        },
    }
}

const ERROR_KINDS: [&str; 4] = ["validation", "not_found", "conflict", "storage"];

fn error_kind(error: &Error) -> &'static str {
    match error {
        Error::Validation { .. } => "validation",
        Error::NotFound { .. } => "not_found",
        Error::Conflict { .. } => "conflict",
        Error::Storage { .. } => "storage",
    }
}

fn check_error(expected: &ExpectedError, error: &Error) -> Result<(), String> {
    let kind = error_kind(error);
    let field_ok = match &expected.field {
        Some(field) => error.field() == Some(field.as_str()),
        None => true,
    };
    let actual = attributes(error);
    let wanted = expected.attributes();
    let attributes_ok = wanted
        .iter()
        .all(|(name, value)| actual.get(name) == Some(value));
    if kind == expected.kind && field_ok && attributes_ok {
        Ok(())
    } else {
        Err(format!(
            "expected a {} error{} with {:?}, got a {kind} error (field {:?}) with {actual:?}: {error}",
            expected.kind,
            expected
                .field
                .as_ref()
                .map(|f| format!(" on field {f:?}"))
                .unwrap_or_default(),
            wanted,
            error.field()
        ))
    }
}

/// An error's attributes other than `field`, by the names every binding gives them.
fn attributes(error: &Error) -> BTreeMap<&'static str, &str> {
    match error {
        Error::Validation { value, reason, .. } => {
            BTreeMap::from([("value", value.as_str()), ("reason", reason.as_str())])
        }
        Error::NotFound { what, id } => {
            BTreeMap::from([("what", what.as_str()), ("id", id.as_str())])
        }
        Error::Conflict {
            value,
            existing,
            existing_id,
            ..
        } => BTreeMap::from([
            ("value", value.as_str()),
            ("existing", existing.as_str()),
            ("existing_id", existing_id.as_str()),
        ]),
        Error::Storage { reason, .. } => BTreeMap::from([("reason", reason.as_str())]),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

mod matching {
    use super::*;
    use serde_json::json;

    fn ok(expected: Value, actual: Value) -> bool {
        check(&expected, &actual, "$").is_ok()
    }

    #[test]
    fn objects_are_subsets_and_null_means_absent() {
        assert!(ok(json!({"a": 1}), json!({"a": 1, "b": 2})));
        assert!(ok(json!({"c": null}), json!({"a": 1})));
        assert!(!ok(json!({"a": null}), json!({"a": 1})));
        assert!(!ok(json!({"a": 1}), json!({})));
    }

    #[test]
    fn arrays_match_in_order_and_length() {
        assert!(ok(json!([{"a": 1}, 2]), json!([{"a": 1, "b": 0}, 2])));
        assert!(!ok(json!([1]), json!([1, 2])));
        assert!(!ok(json!([2, 1]), json!([1, 2])));
        assert!(ok(json!({"$len": 2}), json!([1, 2])));
        assert!(!ok(json!({"$len": 1}), json!([1, 2])));
    }

    #[test]
    fn instants_decimals_and_numbers_compare_by_value() {
        assert!(ok(
            json!("2026-03-01T12:00:00+02:00"),
            json!("2026-03-01T10:00:00.000Z")
        ));
        assert!(ok(json!("120"), json!("120.00")));
        assert!(!ok(json!("120"), json!("120.01")));
        assert!(!ok(json!("1e2"), json!("100")));
        assert!(!ok(json!("1990-03-09"), json!("1990-03-9")));
        assert!(ok(json!(1), json!(1.0)));
        assert!(!ok(json!("1"), json!(1)));
    }
}
