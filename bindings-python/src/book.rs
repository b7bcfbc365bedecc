//! `ContactBook` for Python: converts arguments, calls the core with the interpreter
//! detached (the GIL released), converts results and errors. No domain logic lives here.

use crate::args::{self, optional_text, text, Limit};
use crate::convert::{Shape, ToPy};
use crate::errors::{detached, to_py_err};
use crate::import::{Failure, PyRows};
use crate::read::{from_py, line_from_py, row_from_py, rule_from_py};
use crate::records::Page;
use chrono::{DateTime, Utc};
use contactkit as core;
use contactkit::validate::unreadable::from_json;
use contactkit::validate::unreadable::ReadAs;
use contactkit::{
    ActivityCategory, ActivityQuery, CampaignInput, Channel, ContactInput, DedupeOn, DeviceInput,
    EventInput, FieldInput, FieldUpdate, ListQuery, OrderInput, Period, PostgresOptions,
    SqliteOptions, SuppressionKind, Telegram, WebPushInput,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyIterator, PyString, PyType};
use pyo3::IntoPyObjectExt;
use serde::de::{DeserializeOwned, IntoDeserializer};
use std::borrow::Cow;
use std::ops::ControlFlow;
use std::sync::{Arc, RwLock};

/// Reads each string argument, named in errors as its parameter: `texts!(py; id, key)`
/// is `let id = text(py, id, "id")?; let key = text(py, key, "key")?;`.
macro_rules! texts {
    ($py:expr; $($arg:ident),*) => {
        $(let $arg = text($py, $arg, stringify!($arg))?;)*
    };
}

/// A core result as the Python value a method returns.
trait Returned: Send {
    fn returned(self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

impl<T: ToPy + Send> Returned for T {
    fn returned(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.to_py(py, Shape::Object)?.unbind())
    }
}

impl Returned for core::Page<core::Contact> {
    fn returned(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Page::of_contacts(self).into_py_any(py)
    }
}

impl Returned for core::Page<core::Activity> {
    fn returned(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Page::of_activities(self).into_py_any(py)
    }
}

impl Returned for core::Page<serde_json::Value> {
    fn returned(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Page::of_lines(self).into_py_any(py)
    }
}

/// Reads an input named `name` or raises `ValidationError`.
fn input<T: DeserializeOwned>(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    read_as: ReadAs<'_>,
) -> PyResult<T> {
    from_py(value, read_as).map_err(|e| to_py_err(py, e))
}

/// An optional `at` (when a consent change happened): a `datetime`, or text in any
/// form core reads (`2024-02-20 04:42:48` as UTC).
fn optional_instant(
    py: Python<'_>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<DateTime<Utc>>> {
    let Some(at) = at.filter(|at| !at.is_none()) else {
        return Ok(None);
    };
    // A datetime walks to its RFC 3339 text.
    let text: String = input(py, at, ReadAs::Value("at"))?;
    contactkit::validate::parse_instant("at", &text)
        .map(Some)
        .map_err(|e| to_py_err(py, e))
}

/// A function of `contactkit._frames`, the DataFrame helpers written in Python.
fn frames<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("contactkit._frames")?.getattr(name)
}

/// Whether `if_exists` asks for what exists to be returned (`"return"`) rather than a
/// conflict raised (`"error"`, the default).
fn if_exists_returns(py: Python<'_>, if_exists: Option<&Bound<'_, PyString>>) -> PyResult<bool> {
    match optional_text(py, if_exists, "if_exists")?.as_deref() {
        None | Some("error") => Ok(false),
        Some("return") => Ok(true),
        Some(other) => Err(to_py_err(
            py,
            core::Error::validation("if_exists", other, "expected error or return"),
        )),
    }
}

/// Reads an enum from its lowercase name or raises `ValidationError` naming `field`.
fn name<T: DeserializeOwned>(
    py: Python<'_>,
    field: &str,
    value: &Bound<'_, PyString>,
) -> PyResult<T> {
    let value = text(py, value, field)?;
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        value.as_ref().into_deserializer();
    T::deserialize(de).map_err(|e| {
        to_py_err(
            py,
            core::Error::validation(field, value.as_ref(), e.to_string()),
        )
    })
}

/// Like [`name`] for an argument whose default is the name `default`.
///
/// Such arguments default to `None` in Rust, so they are read as a Python `str`
/// (whose lone surrogates are a `ValidationError`, not pyo3's `UnicodeEncodeError`);
/// each method's `text_signature` shows Python the real default.
fn name_or<T: DeserializeOwned>(
    py: Python<'_>,
    field: &str,
    value: Option<&Bound<'_, PyString>>,
    default: &str,
) -> PyResult<T> {
    match value {
        Some(value) => name(py, field, value),
        None => name(py, field, &PyString::new(py, default)),
    }
}

/// Reads an optional aware datetime (or RFC 3339 string) named `field`.
fn instant(
    py: Python<'_>,
    value: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<DateTime<Utc>>> {
    match value {
        Some(v) if !v.is_none() => input(py, v, ReadAs::Value(field)).map(Some),
        _ => Ok(None),
    }
}

/// The `rule` argument (`None` when not given or `None`), read by the binding's one
/// rule conversion (`read::rule_from_py`).
fn rule(py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<core::Rule>> {
    match value {
        Some(v) if !v.is_none() => rule_from_py(v).map(Some).map_err(|e| to_py_err(py, e)),
        _ => Ok(None),
    }
}

/// The `cursor` argument, owned for the core's query.
fn cursor(py: Python<'_>, value: Option<&Bound<'_, PyString>>) -> PyResult<Option<String>> {
    Ok(optional_text(py, value, "cursor")?.map(Cow::into_owned))
}

/// A book of contact profiles: a SQLite file (`ContactBook.open(path)`) or memory
/// (`ContactBook.in_memory()`). Safe to share between threads; every operation is
/// atomic and runs with the GIL released.
#[pyclass(frozen, module = "contactkit")]
pub struct ContactBook {
    book: RwLock<Option<Arc<core::ContactBook>>>,
}

impl ContactBook {
    fn wrap(book: core::ContactBook) -> Self {
        ContactBook {
            book: RwLock::new(Some(Arc::new(book))),
        }
    }

    fn handle(&self, py: Python<'_>) -> PyResult<Arc<core::ContactBook>> {
        let slot = self.book.read().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref() {
            Some(book) => Ok(Arc::clone(book)),
            None => Err(to_py_err(py, core::Error::storage("the book is closed"))),
        }
    }

    /// Runs `work` on the core book with the GIL released, through the one guard
    /// (`detached`: a core error becomes its exception, a panic `ContactKitError`), and
    /// converts what it returns for Python.
    fn run<T, F>(&self, py: Python<'_>, work: F) -> PyResult<Py<PyAny>>
    where
        F: FnOnce(&core::ContactBook) -> core::Result<T> + Send,
        T: Returned,
    {
        let book = self.handle(py)?;
        detached(py, move || work(&book))?.returned(py)
    }
}

/// The SQLite settings given to `open`; core's defaults for those not given.
fn sqlite_options(
    py: Python<'_>,
    durability: Option<&Bound<'_, PyString>>,
    busy_timeout: Option<&Bound<'_, PyAny>>,
) -> PyResult<SqliteOptions> {
    let mut options = SqliteOptions::default();
    if let Some(durability) = optional_text(py, durability, "durability")? {
        options.durability = durability.parse().map_err(|e| to_py_err(py, e))?;
    }
    if let Some(seconds) = busy_timeout {
        options.busy_timeout = args::busy_timeout(py, seconds)?;
    }
    Ok(options)
}

/// `book` reading national phones in `default_region`, ready for Python.
fn configured(
    py: Python<'_>,
    book: core::ContactBook,
    default_region: Option<&Bound<'_, PyString>>,
) -> PyResult<ContactBook> {
    let book = match optional_text(py, default_region, "default_region")?.as_deref() {
        Some(region) => book
            .with_default_region(region)
            .map_err(|e| to_py_err(py, e))?,
        None => book,
    };
    Ok(ContactBook::wrap(book))
}

#[pymethods]
impl ContactBook {
    // ---- open -------------------------------------------------------------------

    /// Opens (or creates) the SQLite book at `path`. `default_region` (ISO 3166-1
    /// alpha-2) reads national phone numbers of contacts without an address country;
    /// `durability` is `"normal"` or `"full"` (an fsync per commit, to survive a power
    /// cut); `busy_timeout` is how many seconds a write waits for another
    /// connection's write lock, as in `sqlite3.connect(timeout=)`.
    ///
    /// `durability` and `busy_timeout` default to core's `SqliteOptions::default()`,
    /// which `text_signature` spells out for Python.
    #[classmethod]
    #[pyo3(
        signature = (path, *, default_region = None, durability = None, busy_timeout = None),
        text_signature = "($cls, path, *, default_region=None, durability='normal', busy_timeout=30.0)"
    )]
    fn open(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        default_region: Option<&Bound<'_, PyString>>,
        durability: Option<&Bound<'_, PyString>>,
        busy_timeout: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let path = args::path(py, path)?;
        let options = sqlite_options(py, durability, busy_timeout)?;
        let region = optional_text(py, default_region, "default_region")?;
        let book = detached(py, move || {
            core::ContactBook::open_in_region(path, &options, region.as_deref())
        })?;
        Ok(ContactBook::wrap(book))
    }

    /// Connects to a book in a PostgreSQL database, shared by every process that
    /// connects to it: `url` is `postgresql://user:password@host:port/database`.
    /// `schema` names the schema the book lives in (several books in one database;
    /// `public` when None), `pool_size` how many connections the book keeps open at
    /// most. A bad URL, an unreachable server, a wrong password, another
    /// application's schema and a book from a newer ContactKit raise `StorageError`
    /// saying so (never quoting the password).
    #[classmethod]
    #[pyo3(
        signature = (url, *, schema = None, pool_size = None, default_region = None),
        text_signature = "($cls, url, *, schema=None, pool_size=8, default_region=None)"
    )]
    fn connect(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        url: &Bound<'_, PyString>,
        schema: Option<&Bound<'_, PyString>>,
        pool_size: Option<&Bound<'_, PyInt>>,
        default_region: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Self> {
        // A URL that is not Unicode is refused without quoting it: it may hold a password.
        let url = url
            .to_cow()
            .map_err(|_| {
                to_py_err(
                    py,
                    core::Error::validation(
                        "url",
                        "(not shown: it may hold a password)",
                        "not valid Unicode: a lone surrogate (\\ud800-\\udfff) cannot be stored",
                    ),
                )
            })?
            .into_owned();
        let options = PostgresOptions::given(
            optional_text(py, schema, "schema")?.map(Cow::into_owned),
            pool_size
                .map(|size| args::pool_size(py, size))
                .transpose()?,
            None,
        );
        let region = optional_text(py, default_region, "default_region")?;
        let book = detached(py, move || {
            core::ContactBook::connect_in_region(&url, &options, region.as_deref())
        })?;
        Ok(ContactBook::wrap(book))
    }

    /// A book kept in memory (nothing survives the process).
    #[classmethod]
    #[pyo3(signature = (*, default_region = None))]
    fn in_memory(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        default_region: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Self> {
        configured(py, core::ContactBook::in_memory(), default_region)
    }

    /// Closes the book; later calls raise `StorageError`. Closing twice is harmless.
    /// Operations already running on other threads finish first.
    fn close(&self) {
        let book = self.book.write().unwrap_or_else(|p| p.into_inner()).take();
        drop(book);
    }

    /// True once `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.book
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (exc_type = None, exc = None, traceback = None))]
    fn __exit__(
        &self,
        exc_type: Option<&Bound<'_, PyAny>>,
        exc: Option<&Bound<'_, PyAny>>,
        traceback: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        let _ = (exc_type, exc, traceback);
        self.close();
        false
    }

    fn __repr__(&self) -> String {
        if self.closed() {
            "<ContactBook closed>".to_string()
        } else {
            "<ContactBook open>".to_string()
        }
    }

    // ---- profile ----------------------------------------------------------------

    /// Creates a contact from a dict of its attributes.
    fn create(&self, py: Python<'_>, input: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let input: ContactInput = self::input(py, input, ReadAs::Attributes("input"))?;
        self.run(py, move |b| b.create(input))
    }

    /// Updates the contact matched by `dedupe_on`, or creates one. Absent keys keep
    /// their values; keys set to `None` are cleared.
    #[pyo3(
        signature = (input, dedupe_on = None),
        text_signature = "($self, input, dedupe_on='email')"
    )]
    fn upsert(
        &self,
        py: Python<'_>,
        input: &Bound<'_, PyAny>,
        dedupe_on: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Py<PyAny>> {
        let dedupe_on: DedupeOn = name_or(py, "dedupe_on", dedupe_on, "email")?;
        let input: ContactInput = self::input(py, input, ReadAs::Attributes("input"))?;
        self.run(py, move |b| b.upsert(input, dedupe_on))
    }

    /// Adds a contact from a sign-up form: new email/phone stay `unconfirmed`.
    fn sign_up(&self, py: Python<'_>, input: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let input: ContactInput = self::input(py, input, ReadAs::Attributes("input"))?;
        self.run(py, move |b| b.sign_up(input))
    }

    /// Changes a live contact: absent keys stay, keys set to `None` are cleared.
    fn update(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        patch: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let patch: ContactInput = self::input(py, patch, ReadAs::Attributes("patch"))?;
        self.run(py, move |b| b.update(&id, patch))
    }

    /// Live contacts in id order, a page at a time; with `rule` (a dict in the rule
    /// language, or its JSON text) only those it matches.
    #[pyo3(signature = (limit = None, cursor = None, *, rule = None))]
    fn list(
        &self,
        py: Python<'_>,
        limit: Option<&Bound<'_, PyInt>>,
        cursor: Option<&Bound<'_, PyString>>,
        rule: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let rule = self::rule(py, rule)?;
        let limit = Limit::read(limit)?;
        let query = ListQuery {
            limit: limit.size,
            cursor: self::cursor(py, cursor)?,
        };
        self.run(py, move |b| {
            limit.quoted(match &rule {
                Some(rule) => b.list_where(rule, &query),
                None => b.list(&query),
            })
        })
    }

    /// The book's change feed after `cursor` (from the beginning without one), oldest
    /// first, at most `limit` changes (100 when not given, at most 1000). The page's
    /// `next_cursor` is always set: keep it and ask again to see every later change once.
    #[pyo3(signature = (cursor = None, limit = None))]
    fn changes(
        &self,
        py: Python<'_>,
        cursor: Option<&Bound<'_, PyString>>,
        limit: Option<&Bound<'_, PyInt>>,
    ) -> PyResult<Py<PyAny>> {
        let cursor = self::cursor(py, cursor)?;
        let limit = Limit::read(limit)?;
        self.run(py, move |b| {
            limit.quoted(b.changes(cursor.as_deref(), limit.size))
        })
    }

    /// How many live contacts the book holds; with `rule`, how many it matches.
    #[pyo3(signature = (*, rule = None))]
    fn count(&self, py: Python<'_>, rule: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let rule = self::rule(py, rule)?;
        self.run(py, move |b| match &rule {
            Some(rule) => b.count_where(rule),
            None => b.count(),
        })
    }

    // ---- portable form ----------------------------------------------------------

    /// The catalogue lines of the portable form, as JSON-shaped dicts with the core's
    /// keys: field definitions, categories, static then dynamic segments (with rules).
    fn export_catalog_lines(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |b| b.export_catalog_lines())
    }

    /// A page of profile lines of the live contacts in id order, as JSON-shaped dicts
    /// with the core's keys (instants, decimals and dates as strings), each with the
    /// contact's whole timeline under `activity` unless `with_activity` is false.
    #[pyo3(signature = (limit = None, cursor = None, *, with_activity = true))]
    fn export_profile_lines(
        &self,
        py: Python<'_>,
        limit: Option<&Bound<'_, PyInt>>,
        cursor: Option<&Bound<'_, PyString>>,
        with_activity: bool,
    ) -> PyResult<Py<PyAny>> {
        let limit = Limit::read(limit)?;
        let query = ListQuery {
            limit: limit.size,
            cursor: self::cursor(py, cursor)?,
        };
        self.run(py, move |b| {
            limit.quoted(b.export_profile_lines(&query, with_activity))
        })
    }

    /// The whole portable form, lazily: a generator of the catalogue lines, then every
    /// profile line, a page at a time (`contactkit._portable.export_lines`, which reads
    /// them through `export_catalog_lines` and `export_profile_lines`).
    #[pyo3(signature = (*, with_activity = true))]
    fn export_lines<'py>(
        slf: &Bound<'py, Self>,
        with_activity: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let kwargs = PyDict::new(py);
        kwargs.set_item("with_activity", with_activity)?;
        py.import("contactkit._portable")?
            .getattr("export_lines")?
            .call((slf,), Some(&kwargs))
    }

    /// Restores one line of the portable form (a dict as the export gave it, or as
    /// `json.loads` read it back): a catalogue entry is defined unless it exists, a
    /// profile line is upserted by `dedupe_on` with its timeline and suppression
    /// records, in one unit of work. A line that fails writes nothing; its
    /// `ValidationError` names the part of the line (`activity[0].name`).
    #[pyo3(
        signature = (line, dedupe_on = None),
        text_signature = "($self, line, dedupe_on='email')"
    )]
    fn restore_line(
        &self,
        py: Python<'_>,
        line: &Bound<'_, PyAny>,
        dedupe_on: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Py<PyAny>> {
        let dedupe_on: DedupeOn = name_or(py, "dedupe_on", dedupe_on, "email")?;
        let line = line_from_py(line).map_err(|e| to_py_err(py, e))?;
        self.run(py, move |b| b.restore_line(&line, dedupe_on))
    }

    // ---- bulk -------------------------------------------------------------------

    /// Upserts every row of any iterable of dicts, read lazily and written in
    /// batches; `progress(done)` is called after each batch. Bad rows are reported,
    /// not raised: each with every problem found in it. With
    /// `on_invalid="drop_field"` an invalid value is left out and the rest of the row
    /// written (`report.dropped`). In a row, NaN, NaT and pandas' NA are empty cells
    /// (the key is left out) and a datetime without a zone is UTC. `report.ids` holds
    /// each row's contact id (`None` for a rejected row) unless `keep_ids=False`.
    #[pyo3(
        signature = (rows, dedupe_on = None, progress = None, *, on_invalid = None, keep_ids = true),
        text_signature = "($self, rows, dedupe_on='email', progress=None, *, on_invalid='reject_row', keep_ids=True)"
    )]
    fn import_contacts(
        &self,
        py: Python<'_>,
        rows: &Bound<'_, PyAny>,
        dedupe_on: Option<&Bound<'_, PyString>>,
        progress: Option<Py<PyAny>>,
        on_invalid: Option<&Bound<'_, PyString>>,
        keep_ids: bool,
    ) -> PyResult<Py<PyAny>> {
        let dedupe_on = core::ImportOptions {
            dedupe_on: name_or(py, "dedupe_on", dedupe_on, "email")?,
            on_invalid: name_or(py, "on_invalid", on_invalid, "reject_row")?,
            keep_ids,
        };
        let iter: Py<PyIterator> = rows.try_iter()?.unbind();
        let failure = Failure::default();
        let outcome = {
            let (iter, failure, progress) = (&iter, &failure, progress.as_ref());
            self.run(py, move |b| {
                // `progress` raising stops the import after the batches it was told
                // of (core writes exactly those); once the rows raised, the rows read
                // before are still written, without telling `progress` again.
                b.import_contacts(PyRows::new(iter, failure), dedupe_on, |done| match progress
                    .filter(|_| !failure.is_set())
                {
                    Some(callback) => {
                        Python::attach(|py| match callback.call1(py, (done.written,)) {
                            Ok(_) => ControlFlow::Continue(()),
                            Err(err) => {
                                failure.set(err);
                                ControlFlow::Break(())
                            }
                        })
                    }
                    None => ControlFlow::Continue(()),
                })
            })
        };
        if let Some(err) = failure.take() {
            return Err(err);
        }
        outcome
    }

    /// Records a suppression list: each row a dict with `channel` (`email` or `sms`),
    /// `address`, `kind`, and optionally `reason` and `at` (when it happened: a
    /// datetime, or text such as `2024-02-20 04:42:48`, read as UTC). A refused row is
    /// reported with its index and every other row is recorded.
    fn import_suppressions(&self, py: Python<'_>, rows: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let rows: Vec<core::Result<core::SuppressionInput>> =
            rows.try_iter()?
                .map(|row| {
                    let row = row?;
                    Ok(row_from_py(&row)
                        .and_then(|json| from_json(&json, ReadAs::Attributes("input"))))
                })
                .collect::<PyResult<_>>()?;
        self.run(py, move |b| b.import_suppressions(rows))
    }

    /// Every live contact (or those `rule` matches) as a `pyarrow.Table`: one row per
    /// contact, typed columns (statuses, address, location, lists, UTC timestamps,
    /// order stats, revenue per currency, fields by their type). Needs pyarrow.
    #[pyo3(signature = (rule = None))]
    fn to_arrow<'py>(
        &self,
        py: Python<'py>,
        rule: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let stream = self._arrow_stream(py, rule)?;
        py.import("pyarrow")?.getattr("table")?.call1((stream,))
    }

    /// `to_arrow()` as a pandas DataFrame (`contactkit._frames.to_pandas`): NumPy-backed
    /// columns, or with `arrow_dtypes=True` columns of `pandas.ArrowDtype` over the
    /// table's memory, without a conversion.
    #[pyo3(signature = (rule = None, *, arrow_dtypes = false))]
    fn to_pandas<'py>(
        slf: &Bound<'py, Self>,
        rule: Option<&Bound<'py, PyAny>>,
        arrow_dtypes: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = PyDict::new(slf.py());
        kwargs.set_item("arrow_dtypes", arrow_dtypes)?;
        frames(slf.py(), "to_pandas")?.call((slf, rule), Some(&kwargs))
    }

    /// `to_arrow()` as a polars DataFrame (`contactkit._frames.to_polars`).
    #[pyo3(signature = (rule = None))]
    fn to_polars<'py>(
        slf: &Bound<'py, Self>,
        rule: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frames(slf.py(), "to_polars")?.call1((slf, rule))
    }

    /// Imports a pandas or polars DataFrame, a row per contact: an empty cell (NaN,
    /// None, NaT, NA) is no key at all. `columns` maps columns to the keys they fill
    /// (`"address.town"`, `"fields.age"`), and only those are read; the rest is
    /// `import_contacts` (`contactkit._frames.import_dataframe`).
    #[pyo3(signature = (frame, *, dedupe_on = None, columns = None, on_invalid = None, progress = None, keep_ids = true))]
    #[allow(clippy::too_many_arguments)]
    fn import_dataframe<'py>(
        slf: &Bound<'py, Self>,
        frame: &Bound<'py, PyAny>,
        dedupe_on: Option<&Bound<'py, PyString>>,
        columns: Option<&Bound<'py, PyAny>>,
        on_invalid: Option<&Bound<'py, PyString>>,
        progress: Option<&Bound<'py, PyAny>>,
        keep_ids: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = PyDict::new(slf.py());
        if let Some(dedupe_on) = dedupe_on {
            kwargs.set_item("dedupe_on", dedupe_on)?;
        }
        if let Some(on_invalid) = on_invalid {
            kwargs.set_item("on_invalid", on_invalid)?;
        }
        kwargs.set_item("columns", columns)?;
        kwargs.set_item("progress", progress)?;
        kwargs.set_item("keep_ids", keep_ids)?;
        frames(slf.py(), "import_dataframe")?.call((slf, frame), Some(&kwargs))
    }

    /// Every live contact (or those `rule` matches) as an Arrow C stream, for
    /// `to_arrow()` (which hands it to pyarrow).
    #[pyo3(signature = (rule = None))]
    fn _arrow_stream(
        &self,
        py: Python<'_>,
        rule: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::arrow::ArrowStream> {
        let rule = self::rule(py, rule)?;
        let book = self.handle(py)?;
        let batch = detached(py, move || book.to_arrow(rule.as_ref()))?;
        Ok(crate::arrow::ArrowStream::new(batch))
    }

    // ---- channels ---------------------------------------------------------------

    /// Registers (or refreshes) a push device; its token moves off any other contact.
    fn add_mobile_push(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        device: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let device: DeviceInput = input(py, device, ReadAs::Attributes("device"))?;
        self.run(py, move |b| b.add_mobile_push(&id, device))
    }

    /// Registers (or refreshes) a web push subscription (keys flat or under `keys`).
    fn add_web_push(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        subscription: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let subscription: WebPushInput =
            input(py, subscription, ReadAs::Attributes("subscription"))?;
        self.run(py, move |b| b.add_web_push(&id, subscription))
    }

    /// Binds the contact to a Telegram chat (`{"bot_id": ..., "chat_id": ...}`), or
    /// unbinds it with `None`.
    fn set_telegram(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        telegram: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let telegram: Option<Telegram> = input(py, telegram, ReadAs::Attributes("telegram"))?;
        self.run(py, move |b| b.set_telegram(&id, telegram))
    }

    /// Records an app installed on a device, with or without a push token.
    fn register_app(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        device: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let device: DeviceInput = input(py, device, ReadAs::Attributes("device"))?;
        self.run(py, move |b| b.register_app(&id, device))
    }

    // ---- consent ----------------------------------------------------------------

    /// Lifts a blacklist; the note is required and kept on the record.
    fn unblacklist(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        channel: &Bound<'_, PyString>,
        note: &Bound<'_, PyString>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id, note);
        let channel: Channel = name(py, "channel", channel)?;
        self.run(py, move |b| b.unblacklist(&id, channel, &note))
    }

    /// Records a suppression (`kind`: `"blacklisted"`, `"unsubscribed"` or
    /// `"spam_complaint"`) on an email or phone that no contact may hold yet, as from
    /// another sender's suppression list: a contact taking the address later is
    /// suppressed. Only the `email` and `sms` channels. Returns every record now kept
    /// for the address on `channel`, oldest first.
    #[pyo3(signature = (channel, address, kind, reason = None, at = None))]
    fn suppress_address(
        &self,
        py: Python<'_>,
        channel: &Bound<'_, PyString>,
        address: &Bound<'_, PyString>,
        kind: &Bound<'_, PyString>,
        reason: Option<&Bound<'_, PyString>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let channel: Channel = name(py, "channel", channel)?;
        texts!(py; address);
        let kind: SuppressionKind = name(py, "kind", kind)?;
        let reason = optional_text(py, reason, "reason")?;
        let at = optional_instant(py, at)?;
        self.run(py, move |b| {
            b.suppress_address(channel, &address, kind, reason.as_deref(), at)
        })
    }

    /// Confirms a signed-up email (`email`) or phone (`sms`).
    fn confirm(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        channel: &Bound<'_, PyString>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let channel: Channel = name(py, "channel", channel)?;
        self.run(py, move |b| b.confirm(&id, channel))
    }

    /// Every suppression record kept for `address` on `channel`, lifted ones too.
    fn suppressions(
        &self,
        py: Python<'_>,
        channel: &Bound<'_, PyString>,
        address: &Bound<'_, PyString>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; address);
        let channel: Channel = name(py, "channel", channel)?;
        self.run(py, move |b| b.suppressions(channel, &address))
    }

    // ---- categories -------------------------------------------------------------

    /// `can_send` for many recipients (a list or tuple of identifiers, at most 1000) in
    /// one read of the book: one decision per entry of `ids`, in order. Errors about
    /// the recipients name `ids`, as the core does.
    #[pyo3(signature = (ids, channel, category = None))]
    fn can_send_many(
        &self,
        py: Python<'_>,
        ids: &Bound<'_, PyAny>,
        channel: &Bound<'_, PyString>,
        category: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Py<PyAny>> {
        let ids: Vec<String> = input(py, ids, ReadAs::Value("ids"))?;
        let category = optional_text(py, category, "category")?;
        let channel: Channel = name(py, "channel", channel)?;
        self.run(py, move |b| {
            b.can_send_many(&ids, channel, category.as_deref())
        })
    }

    // ---- segments ---------------------------------------------------------------

    /// Creates a segment with a unique name: static, or with `rule` dynamic (its
    /// members are the live contacts the rule matches, as of every read). With
    /// `if_exists="return"` the segment of that name already in the book is returned
    /// instead, whatever its kind (its rule is never replaced), so a setup script can
    /// run again.
    #[pyo3(signature = (name, *, rule = None, if_exists = None))]
    fn create_segment(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyString>,
        rule: Option<&Bound<'_, PyAny>>,
        if_exists: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; name);
        let rule = self::rule(py, rule)?;
        let return_existing = if_exists_returns(py, if_exists)?;
        self.run(py, move |b| match (&rule, return_existing) {
            (rule, true) => b.ensure_segment(&name, rule.as_ref()),
            (Some(rule), false) => b.create_dynamic_segment(&name, rule),
            (None, false) => b.create_segment(&name),
        })
    }

    /// Defines a subscription category; its key is the slug of the title. With
    /// `if_exists="return"` the category of that key is returned if it exists.
    #[pyo3(signature = (title, *, if_exists = None))]
    fn define_category(
        &self,
        py: Python<'_>,
        title: &Bound<'_, PyString>,
        if_exists: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; title);
        let return_existing = if_exists_returns(py, if_exists)?;
        self.run(py, move |b| match return_existing {
            true => b.ensure_category(&title),
            false => b.define_category(&title),
        })
    }

    /// Renames a segment (a category's segment is renamed with its category) and, for
    /// a dynamic segment, replaces its rule; what is not given stays.
    #[pyo3(signature = (id, name = None, *, rule = None))]
    fn update_segment(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        name: Option<&Bound<'_, PyString>>,
        rule: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let update = core::SegmentUpdate {
            name: optional_text(py, name, "name")?.map(Cow::into_owned),
            rule: self::rule(py, rule)?,
        };
        self.run(py, move |b| b.update_segment(&id, update))
    }

    /// Live members of a segment in id order, a page at a time.
    #[pyo3(signature = (segment_id, limit = None, cursor = None))]
    fn segment_members(
        &self,
        py: Python<'_>,
        segment_id: &Bound<'_, PyString>,
        limit: Option<&Bound<'_, PyInt>>,
        cursor: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; segment_id);
        let limit = Limit::read(limit)?;
        let query = ListQuery {
            limit: limit.size,
            cursor: self::cursor(py, cursor)?,
        };
        self.run(py, move |b| {
            limit.quoted(b.segment_members(&segment_id, &query))
        })
    }

    // ---- fields -----------------------------------------------------------------

    /// Defines an additional field from a dict (`key`, `type`, `title`, `required`,
    /// `readonly`, `options`, `min`, `max`).
    #[pyo3(signature = (definition, *, if_exists = None))]
    fn define_field(
        &self,
        py: Python<'_>,
        definition: &Bound<'_, PyAny>,
        if_exists: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Py<PyAny>> {
        let definition: core::FieldDefinition =
            input(py, definition, ReadAs::Attributes("definition"))?;
        let return_existing = if_exists_returns(py, if_exists)?;
        self.run(py, move |b| match return_existing {
            true => b.ensure_field(definition),
            false => b.define_field(definition),
        })
    }

    /// Changes the field `key`: a new `title`, and `add_options` appended to a list or
    /// multilist field's options (options are never taken away). What is not given
    /// stays as it is.
    #[pyo3(signature = (key, *, title = None, add_options = None))]
    fn update_field(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyString>,
        title: Option<&Bound<'_, PyString>>,
        add_options: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; key);
        let update = FieldUpdate {
            title: optional_text(py, title, "title")?.map(Cow::into_owned),
            add_options: match add_options {
                Some(options) => input(py, options, ReadAs::Value("add_options"))?,
                None => Vec::new(),
            },
        };
        self.run(py, move |b| b.update_field(&key, update))
    }

    /// Sets one additional field; `value` is typed or in the platform's string form.
    fn set_field(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        key: &Bound<'_, PyString>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id, key);
        let value: FieldInput = input(py, value, ReadAs::Value(&format!("fields.{key}")))?;
        self.run(py, move |b| b.set_field(&id, &key, value))
    }

    // ---- activity ---------------------------------------------------------------

    /// Records a message sent to the contact, or a status update of one.
    fn record_campaign(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        campaign: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let campaign: CampaignInput = input(py, campaign, ReadAs::Attributes("campaign"))?;
        self.run(py, move |b| b.record_campaign(&id, campaign))
    }

    /// Records an event the contact triggered.
    fn record_event(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        event: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let event: EventInput = input(py, event, ReadAs::Attributes("event"))?;
        self.run(py, move |b| b.record_event(&id, event))
    }

    /// Records an order, or updates the one recorded under its `external_id`.
    fn record_order(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        order: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let order: OrderInput = input(py, order, ReadAs::Attributes("order"))?;
        self.run(py, move |b| b.record_order(&id, order))
    }

    /// The contact's timeline, newest first, by category and period, a page at a time.
    #[pyo3(
        signature = (
            id, category = None, period = None, since = None, until = None, limit = None,
            cursor = None
        ),
        text_signature = "($self, id, category='all', period='30d', since=None, until=None, limit=None, cursor=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn activity(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyString>,
        category: Option<&Bound<'_, PyString>>,
        period: Option<&Bound<'_, PyString>>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyInt>>,
        cursor: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Py<PyAny>> {
        texts!(py; id);
        let limit = Limit::read(limit)?;
        let query = ActivityQuery {
            category: name_or::<ActivityCategory>(py, "category", category, "all")?,
            period: name_or::<Period>(py, "period", period, "30d")?,
            since: instant(py, since, "since")?,
            until: instant(py, until, "until")?,
            limit: limit.size,
            cursor: self::cursor(py, cursor)?,
        };
        self.run(py, move |b| limit.quoted(b.activity(&id, &query)))
    }
}

/// The methods whose arguments are all strings: each reads them (named in errors as
/// its parameters) and hands them as `&str` to the core method of the same name, its
/// result converted for Python. A second `#[pymethods]` block (pyo3's
/// `multiple-pymethods`), because a macro writes it.
macro_rules! string_methods {
    ($($(#[doc = $doc:literal])* fn $name:ident($($arg:ident),*);)*) => {
        #[pymethods]
        impl ContactBook {
            $(
                $(#[doc = $doc])*
                fn $name(&self, py: Python<'_>, $($arg: &Bound<'_, PyString>),*) -> PyResult<Py<PyAny>> {
                    texts!(py; $($arg),*);
                    self.run(py, move |b| b.$name($(&$arg),*))
                }
            )*
        }
    };
}

string_methods! {
    /// The live contact with `id`, or `None`.
    fn get(id);

    /// The live contact with this email, or `None` (also for text that is no email).
    fn find_by_email(email);

    /// The live contact with this phone, or `None` (also for text that is no phone).
    fn find_by_phone(phone);

    /// The live contact with this contact key, or `None`.
    fn find_by_key(contact_key);

    /// The live contact with this external id, or `None`.
    fn find_by_external_id(external_id);

    /// The live contact holding the mobile push `token`, or `None`.
    fn find_by_push_token(token);

    /// The live contact holding the web push subscription with `endpoint` (compared
    /// as stored: scheme and host in any case), or `None`, also for text that is no
    /// https URL (no contact can hold it).
    fn find_by_web_push_endpoint(endpoint);

    /// Soft-deletes a contact (restorable; its email and phone stay reserved).
    fn delete(id);

    /// Brings back a soft-deleted contact.
    fn restore(id);

    /// Folds the contact `from_id` into `into_id` (the same person found twice) and
    /// returns the merged contact: `into` keeps its values, `from` fills what it
    /// lacks, devices, subscriptions, categories, static segments and the timeline
    /// move over. Afterwards `from_id` is an alias every id-taking call resolves to
    /// `into`. A contact merged into itself, or a deleted one, is a `ValidationError`
    /// on `from_id` / `into_id`; an unknown id a `NotFoundError`.
    fn merge(into_id, from_id);

    /// Everything the book holds about the contact `id` (deleted or not) as a plain
    /// JSON-shaped dict, `json.dumps`-ready: `{"contact": ..., "activity": [...newest
    /// first], "suppressions": [...]}`, instants, decimals and dates as strings.
    fn export_contact(id);

    /// Forgets the contact `id` (deleted or not) for good: `get` gives `None` and
    /// `restore` raises `NotFoundError`. The suppressions of its email and phone keep
    /// blocking those addresses.
    fn erase(id);

    /// Removes the device holding `token`.
    fn remove_mobile_push(id, token);

    /// Removes the web push subscription with `endpoint`.
    fn remove_web_push(id, endpoint);

    /// Removes every device of the app `app_id` from the contact.
    fn remove_app(id, app_id);

    /// Gives the category `key` a new title, which its segment takes too; the key
    /// stays (integrations use it).
    fn update_category(key, title);

    /// Deletes the category `key`, its segment and every contact's subscription to it.
    fn delete_category(key);

    /// Every category, by key.
    fn categories();

    /// Subscribes the contact to the category `key`.
    fn add_category(id, key);

    /// Unsubscribes the contact from the category `key`.
    fn remove_category(id, key);

    /// Deletes a static segment and every contact's membership of it.
    fn delete_segment(id);

    /// Every segment (static, dynamic and category-backed), by id.
    fn segments();

    /// Adds the contact to a static segment.
    fn add_to_segment(id, segment_id);

    /// Removes the contact from a static segment.
    fn remove_from_segment(id, segment_id);

    /// Deletes the field definition `key` and every contact's value of it.
    fn delete_field(key);

    /// Every field definition, by key.
    fn field_definitions();

    /// Clears one additional field.
    fn clear_field(id, key);
}

/// The consent methods taking `(id, channel, text=None)` (a reason, a note, a category),
/// each reading them named as its parameters and calling the core method of the same
/// name.
macro_rules! consent_methods {
    ($($(#[doc = $doc:literal])* fn $name:ident(id, channel, $text:ident = None);)*) => {
        #[pymethods]
        impl ContactBook {
            $(
                $(#[doc = $doc])*
                #[pyo3(signature = (id, channel, $text = None))]
                fn $name(
                    &self,
                    py: Python<'_>,
                    id: &Bound<'_, PyString>,
                    channel: &Bound<'_, PyString>,
                    $text: Option<&Bound<'_, PyString>>,
                ) -> PyResult<Py<PyAny>> {
                    texts!(py; id);
                    let $text = optional_text(py, $text, stringify!($text))?;
                    let channel: Channel = name(py, "channel", channel)?;
                    self.run(py, move |b| b.$name(&id, channel, $text.as_deref()))
                }
            )*
        }
    };
}

/// The consent methods recording a suppression, `(id, channel, reason=None, at=None)`:
/// `at` is when it happened (a `datetime`, or text as exports write it).
macro_rules! suppressing_methods {
    ($($(#[doc = $doc:literal])* fn $name:ident(id, channel, reason = None, at = None);)*) => {
        #[pymethods]
        impl ContactBook {
            $(
                $(#[doc = $doc])*
                #[pyo3(signature = (id, channel, reason = None, at = None))]
                fn $name(
                    &self,
                    py: Python<'_>,
                    id: &Bound<'_, PyString>,
                    channel: &Bound<'_, PyString>,
                    reason: Option<&Bound<'_, PyString>>,
                    at: Option<&Bound<'_, PyAny>>,
                ) -> PyResult<Py<PyAny>> {
                    texts!(py; id);
                    let reason = optional_text(py, reason, "reason")?;
                    let channel: Channel = name(py, "channel", channel)?;
                    let at = optional_instant(py, at)?;
                    self.run(py, move |b| b.$name(&id, channel, reason.as_deref(), at))
                }
            )*
        }
    };
}

suppressing_methods! {
    /// Blacklists the contact's address on `channel` (reason `manual` when not given),
    /// dated `at` (not after the book's clock) or now.
    fn blacklist(id, channel, reason = None, at = None);

    /// Records that the person opted out of `channel`, dated `at` or now.
    fn unsubscribe(id, channel, reason = None, at = None);

    /// Records that the person reported a message on `channel` as spam, with the
    /// reason if one is known (a feedback loop's report type, say), dated `at` or now.
    fn report_spam(id, channel, reason = None, at = None);
}

consent_methods! {
    /// The person opts back in: lifts their unsubscribe and spam complaint.
    fn resubscribe(id, channel, note = None);

    /// May a message go to the contact on `channel` (and in `category`, if given)?
    /// `id` is any identifier a lookup takes: the contact's id (any case), email,
    /// phone, external id or contact key. An unknown or deleted contact is an answer
    /// (`reason="unknown_contact"`), not an error; an undefined category is an error.
    fn can_send(id, channel, category = None);
}

/// A clock that moves only when told to, for deterministic tests (the shared
/// scenarios). Private: `contactkit._native._ManualClock`.
#[pyclass(frozen, module = "contactkit._native", name = "_ManualClock")]
pub struct ManualClock {
    clock: Arc<core::ManualClock>,
}

#[pymethods]
impl ManualClock {
    #[new]
    fn new(py: Python<'_>, start: &Bound<'_, PyAny>) -> PyResult<Self> {
        let start: DateTime<Utc> = input(py, start, ReadAs::Value("start"))?;
        Ok(ManualClock {
            clock: Arc::new(core::ManualClock::new(start)),
        })
    }

    /// Sets the clock to `at` (an aware datetime or RFC 3339 string).
    fn set(&self, py: Python<'_>, at: &Bound<'_, PyAny>) -> PyResult<()> {
        let at: DateTime<Utc> = input(py, at, ReadAs::Value("at"))?;
        self.clock.set(at);
        Ok(())
    }

    /// Moves the clock forward by `seconds`.
    fn advance(&self, py: Python<'_>, seconds: &Bound<'_, PyInt>) -> PyResult<()> {
        self.clock
            .advance(args::seconds(py, seconds)?)
            .map_err(|e| to_py_err(py, e))
    }

    /// The clock's time.
    fn now<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        use crate::convert::{Shape, ToPy};
        use contactkit::Clock;
        self.clock.now().to_py(py, Shape::Object)
    }
}

/// An in-memory book on `clock` (tests only).
#[pyfunction]
#[pyo3(signature = (clock, default_region = None))]
pub fn _in_memory_with_clock(
    py: Python<'_>,
    clock: &ManualClock,
    default_region: Option<&Bound<'_, PyString>>,
) -> PyResult<ContactBook> {
    let book = core::ContactBook::in_memory().with_clock(clock.clock.clone());
    configured(py, book, default_region)
}

/// A PostgreSQL book in `schema` on `clock` (tests only: the shared scenarios run on
/// the server store too).
#[pyfunction]
#[pyo3(signature = (url, schema, clock, default_region = None))]
pub fn _connect_with_clock(
    py: Python<'_>,
    url: &Bound<'_, PyString>,
    schema: &Bound<'_, PyString>,
    clock: &ManualClock,
    default_region: Option<&Bound<'_, PyString>>,
) -> PyResult<ContactBook> {
    let url = text(py, url, "url")?.into_owned();
    let options = PostgresOptions {
        schema: Some(text(py, schema, "schema")?.into_owned()),
        ..PostgresOptions::default()
    };
    let book = detached(py, move || core::ContactBook::connect_with(&url, &options))?;
    configured(py, book.with_clock(clock.clock.clone()), default_region)
}

/// Test-only: a book over core's `PanickingStore`, whose every unit of work panics, so
/// the test suite can prove each method turns a Rust panic into `ContactKitError`
/// (`tests/test_errors_threads.py`). Private, and in no stub or doc.
#[pyfunction]
pub fn _panicking_book() -> ContactBook {
    ContactBook::wrap(core::ContactBook::with_store(Arc::new(
        core::PanickingStore,
    )))
}
