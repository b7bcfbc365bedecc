//! `ContactBook` for Python: converts arguments, calls the core with the interpreter
//! detached (the GIL released), converts results and errors. No domain logic lives here.

use crate::de::from_py;
use crate::errors::{detached, to_py_err};
use crate::import::{Failure, PyRows};
use crate::records::{
    Category, Contact, FieldDefinition, ImportReport, Page, Segment, SendDecision, Suppression,
};
use chrono::{DateTime, Utc};
use contactkit as core;
use contactkit::{
    ActivityCategory, ActivityQuery, CampaignInput, Channel, ContactInput, DedupeOn, DeviceInput,
    EventInput, FieldInput, ListQuery, OrderInput, Period, Telegram, WebPushInput,
};
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyType};
use serde::de::{DeserializeOwned, IntoDeserializer};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// Reads an input (a dict, or a scalar named `field`) or raises `ValidationError`.
fn input<T: DeserializeOwned>(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    field: Option<&str>,
) -> PyResult<T> {
    from_py(value, field).map_err(|e| to_py_err(py, e))
}

/// Reads an enum from its lowercase name or raises `ValidationError` naming `field`.
fn name<T: DeserializeOwned>(py: Python<'_>, field: &str, value: &str) -> PyResult<T> {
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        value.into_deserializer();
    T::deserialize(de)
        .map_err(|e| to_py_err(py, core::Error::validation(field, value, e.to_string())))
}

/// Reads an optional aware datetime (or RFC 3339 string) named `field`.
fn instant(
    py: Python<'_>,
    value: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<DateTime<Utc>>> {
    match value {
        Some(v) if !v.is_none() => input(py, v, Some(field)).map(Some),
        _ => Ok(None),
    }
}

/// A page size as the core takes it. Out-of-range sizes are clamped into `u32` so
/// the core's own range check reports them.
fn page_size(limit: Option<i64>) -> Option<u32> {
    limit.map(|n| u32::try_from(n.max(0)).unwrap_or(u32::MAX))
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

    /// Runs `work` on the core book with the GIL released.
    fn run<T, F>(&self, py: Python<'_>, work: F) -> PyResult<T>
    where
        F: FnOnce(&core::ContactBook) -> core::Result<T> + Send,
        T: Send,
    {
        let book = self.handle(py)?;
        detached(py, move || work(&book))
    }

    fn contact<F>(&self, py: Python<'_>, work: F) -> PyResult<Contact>
    where
        F: FnOnce(&core::ContactBook) -> core::Result<core::Contact> + Send,
    {
        self.run(py, work).map(|inner| Contact { inner })
    }

    fn maybe_contact<F>(&self, py: Python<'_>, work: F) -> PyResult<Option<Contact>>
    where
        F: FnOnce(&core::ContactBook) -> core::Result<Option<core::Contact>> + Send,
    {
        self.run(py, work)
            .map(|found| found.map(|inner| Contact { inner }))
    }
}

fn configured(
    py: Python<'_>,
    book: core::ContactBook,
    default_region: Option<&str>,
) -> PyResult<ContactBook> {
    let book = match default_region {
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
    /// alpha-2) reads national phone numbers of contacts without an address country.
    #[classmethod]
    #[pyo3(signature = (path, *, default_region = None))]
    fn open(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        path: PathBuf,
        default_region: Option<&str>,
    ) -> PyResult<Self> {
        let book = detached(py, move || core::ContactBook::open(path))?;
        configured(py, book, default_region)
    }

    /// A book kept in memory (nothing survives the process).
    #[classmethod]
    #[pyo3(signature = (*, default_region = None))]
    fn in_memory(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        default_region: Option<&str>,
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
    fn create(&self, py: Python<'_>, input: &Bound<'_, PyAny>) -> PyResult<Contact> {
        let input: ContactInput = self::input(py, input, None)?;
        self.contact(py, move |b| b.create(input))
    }

    /// Updates the contact matched by `dedupe_on`, or creates one. Absent keys keep
    /// their values; keys set to `None` are cleared.
    #[pyo3(signature = (input, dedupe_on = "email"))]
    fn upsert(
        &self,
        py: Python<'_>,
        input: &Bound<'_, PyAny>,
        dedupe_on: &str,
    ) -> PyResult<Contact> {
        let dedupe_on: DedupeOn = name(py, "dedupe_on", dedupe_on)?;
        let input: ContactInput = self::input(py, input, None)?;
        self.contact(py, move |b| b.upsert(input, dedupe_on))
    }

    /// Adds a contact from a sign-up form: new email/phone stay `unconfirmed`.
    fn sign_up(&self, py: Python<'_>, input: &Bound<'_, PyAny>) -> PyResult<Contact> {
        let input: ContactInput = self::input(py, input, None)?;
        self.contact(py, move |b| b.sign_up(input))
    }

    /// Changes a live contact: absent keys stay, keys set to `None` are cleared.
    fn update(&self, py: Python<'_>, id: &str, patch: &Bound<'_, PyAny>) -> PyResult<Contact> {
        let patch: ContactInput = self::input(py, patch, None)?;
        self.contact(py, move |b| b.update(id, patch))
    }

    /// The live contact with `id`, or `None`.
    fn get(&self, py: Python<'_>, id: &str) -> PyResult<Option<Contact>> {
        self.maybe_contact(py, move |b| b.get(id))
    }

    /// The live contact with this email, or `None`.
    fn find_by_email(&self, py: Python<'_>, email: &str) -> PyResult<Option<Contact>> {
        self.maybe_contact(py, move |b| b.find_by_email(email))
    }

    /// The live contact with this phone, or `None`.
    fn find_by_phone(&self, py: Python<'_>, phone: &str) -> PyResult<Option<Contact>> {
        self.maybe_contact(py, move |b| b.find_by_phone(phone))
    }

    /// The live contact with this contact key, or `None`.
    fn find_by_key(&self, py: Python<'_>, contact_key: &str) -> PyResult<Option<Contact>> {
        self.maybe_contact(py, move |b| b.find_by_key(contact_key))
    }

    /// The live contact with this external id, or `None`.
    fn find_by_external_id(&self, py: Python<'_>, external_id: &str) -> PyResult<Option<Contact>> {
        self.maybe_contact(py, move |b| b.find_by_external_id(external_id))
    }

    /// Soft-deletes a contact (restorable; its email and phone stay reserved).
    fn delete(&self, py: Python<'_>, id: &str) -> PyResult<()> {
        self.run(py, move |b| b.delete(id))
    }

    /// Brings back a soft-deleted contact.
    fn restore(&self, py: Python<'_>, id: &str) -> PyResult<Contact> {
        self.contact(py, move |b| b.restore(id))
    }

    /// Live contacts in creation order, a page at a time.
    #[pyo3(signature = (limit = None, cursor = None))]
    fn list(&self, py: Python<'_>, limit: Option<i64>, cursor: Option<String>) -> PyResult<Page> {
        let query = ListQuery {
            limit: page_size(limit),
            cursor,
        };
        self.run(py, move |b| b.list(&query)).map(Page::of_contacts)
    }

    /// How many live contacts the book holds.
    fn count(&self, py: Python<'_>) -> PyResult<u64> {
        self.run(py, |b| b.count())
    }

    // ---- bulk -------------------------------------------------------------------

    /// Upserts every row of any iterable of dicts, read lazily and written in
    /// batches; `progress(done)` is called after each batch. Bad rows are reported,
    /// not raised.
    #[pyo3(signature = (rows, dedupe_on = "email", progress = None))]
    fn import_contacts(
        &self,
        py: Python<'_>,
        rows: &Bound<'_, PyAny>,
        dedupe_on: &str,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<ImportReport> {
        let dedupe_on: DedupeOn = name(py, "dedupe_on", dedupe_on)?;
        let iter: Py<PyIterator> = rows.try_iter()?.unbind();
        let failure = Failure::default();
        let outcome = {
            let (iter, failure, progress) = (&iter, &failure, progress.as_ref());
            self.run(py, move |b| {
                b.import_contacts(PyRows::new(iter, failure), dedupe_on, |done| {
                    if let Some(callback) = progress {
                        Python::attach(|py| {
                            if let Err(err) = callback.call1(py, (done,)) {
                                failure.set(err);
                            }
                        });
                    }
                })
            })
        };
        if let Some(err) = failure.take() {
            return Err(err);
        }
        outcome.map(|inner| ImportReport { inner })
    }

    // ---- channels ---------------------------------------------------------------

    /// Registers (or refreshes) a push device; its token moves off any other contact.
    fn add_mobile_push(
        &self,
        py: Python<'_>,
        id: &str,
        device: &Bound<'_, PyAny>,
    ) -> PyResult<Contact> {
        let device: DeviceInput = input(py, device, None)?;
        self.contact(py, move |b| b.add_mobile_push(id, device))
    }

    /// Removes the device holding `token`.
    fn remove_mobile_push(&self, py: Python<'_>, id: &str, token: &str) -> PyResult<Contact> {
        self.contact(py, move |b| b.remove_mobile_push(id, token))
    }

    /// Registers (or refreshes) a web push subscription (keys flat or under `keys`).
    fn add_web_push(
        &self,
        py: Python<'_>,
        id: &str,
        subscription: &Bound<'_, PyAny>,
    ) -> PyResult<Contact> {
        let subscription: WebPushInput = input(py, subscription, None)?;
        self.contact(py, move |b| b.add_web_push(id, subscription))
    }

    /// Removes the web push subscription with `endpoint`.
    fn remove_web_push(&self, py: Python<'_>, id: &str, endpoint: &str) -> PyResult<Contact> {
        self.contact(py, move |b| b.remove_web_push(id, endpoint))
    }

    /// Binds the contact to a Telegram chat (`{"bot_id": ..., "chat_id": ...}`), or
    /// unbinds it with `None`.
    fn set_telegram(
        &self,
        py: Python<'_>,
        id: &str,
        telegram: &Bound<'_, PyAny>,
    ) -> PyResult<Contact> {
        let telegram: Option<Telegram> = input(py, telegram, None)?;
        self.contact(py, move |b| b.set_telegram(id, telegram))
    }

    /// Records an app installed on a device, with or without a push token.
    fn register_app(
        &self,
        py: Python<'_>,
        id: &str,
        device: &Bound<'_, PyAny>,
    ) -> PyResult<Contact> {
        let device: DeviceInput = input(py, device, None)?;
        self.contact(py, move |b| b.register_app(id, device))
    }

    /// Removes every device of the app `app_id` from the contact.
    fn remove_app(&self, py: Python<'_>, id: &str, app_id: &str) -> PyResult<Contact> {
        self.contact(py, move |b| b.remove_app(id, app_id))
    }

    // ---- consent ----------------------------------------------------------------

    /// Blacklists the contact's address on `channel` (reason `manual` when not given).
    #[pyo3(signature = (id, channel, reason = None))]
    fn blacklist(
        &self,
        py: Python<'_>,
        id: &str,
        channel: &str,
        reason: Option<&str>,
    ) -> PyResult<Contact> {
        let channel: Channel = name(py, "channel", channel)?;
        self.contact(py, move |b| b.blacklist(id, channel, reason))
    }

    /// Lifts a blacklist; the note is required and kept on the record.
    fn unblacklist(
        &self,
        py: Python<'_>,
        id: &str,
        channel: &str,
        note: &str,
    ) -> PyResult<Contact> {
        let channel: Channel = name(py, "channel", channel)?;
        self.contact(py, move |b| b.unblacklist(id, channel, note))
    }

    /// Records that the person opted out of `channel`.
    #[pyo3(signature = (id, channel, reason = None))]
    fn unsubscribe(
        &self,
        py: Python<'_>,
        id: &str,
        channel: &str,
        reason: Option<&str>,
    ) -> PyResult<Contact> {
        let channel: Channel = name(py, "channel", channel)?;
        self.contact(py, move |b| b.unsubscribe(id, channel, reason))
    }

    /// The person opts back in: lifts their unsubscribe and spam complaint.
    #[pyo3(signature = (id, channel, note = None))]
    fn resubscribe(
        &self,
        py: Python<'_>,
        id: &str,
        channel: &str,
        note: Option<&str>,
    ) -> PyResult<Contact> {
        let channel: Channel = name(py, "channel", channel)?;
        self.contact(py, move |b| b.resubscribe(id, channel, note))
    }

    /// Records that the person reported a message on `channel` as spam.
    fn report_spam(&self, py: Python<'_>, id: &str, channel: &str) -> PyResult<Contact> {
        let channel: Channel = name(py, "channel", channel)?;
        self.contact(py, move |b| b.report_spam(id, channel))
    }

    /// Confirms a signed-up email (`email`) or phone (`sms`).
    fn confirm(&self, py: Python<'_>, id: &str, channel: &str) -> PyResult<Contact> {
        let channel: Channel = name(py, "channel", channel)?;
        self.contact(py, move |b| b.confirm(id, channel))
    }

    /// Every suppression record kept for `address` on `channel`, lifted ones too.
    fn suppressions(
        &self,
        py: Python<'_>,
        channel: &str,
        address: &str,
    ) -> PyResult<Vec<Suppression>> {
        let channel: Channel = name(py, "channel", channel)?;
        let records = self.run(py, move |b| b.suppressions(channel, address))?;
        Ok(records
            .into_iter()
            .map(|inner| Suppression { inner })
            .collect())
    }

    // ---- categories -------------------------------------------------------------

    /// Defines a subscription category; its key is the slug of the title.
    fn define_category(&self, py: Python<'_>, title: &str) -> PyResult<Category> {
        self.run(py, move |b| b.define_category(title))
            .map(|inner| Category { inner })
    }

    /// Every category, by key.
    fn categories(&self, py: Python<'_>) -> PyResult<Vec<Category>> {
        let all = self.run(py, |b| b.categories())?;
        Ok(all.into_iter().map(|inner| Category { inner }).collect())
    }

    /// Subscribes the contact to the category `key`.
    fn add_category(&self, py: Python<'_>, id: &str, key: &str) -> PyResult<Contact> {
        self.contact(py, move |b| b.add_category(id, key))
    }

    /// Unsubscribes the contact from the category `key`.
    fn remove_category(&self, py: Python<'_>, id: &str, key: &str) -> PyResult<Contact> {
        self.contact(py, move |b| b.remove_category(id, key))
    }

    /// May a message go to the contact on `channel` (and in `category`, if given)?
    #[pyo3(signature = (id, channel, category = None))]
    fn can_send(
        &self,
        py: Python<'_>,
        id: &str,
        channel: &str,
        category: Option<&str>,
    ) -> PyResult<SendDecision> {
        let channel: Channel = name(py, "channel", channel)?;
        self.run(py, move |b| b.can_send(id, channel, category))
            .map(|inner| SendDecision { inner })
    }

    // ---- segments ---------------------------------------------------------------

    /// Creates a static segment with a unique name.
    fn create_segment(&self, py: Python<'_>, name: &str) -> PyResult<Segment> {
        self.run(py, move |b| b.create_segment(name))
            .map(|inner| Segment { inner })
    }

    /// Every segment (static and category-backed), by id.
    fn segments(&self, py: Python<'_>) -> PyResult<Vec<Segment>> {
        let all = self.run(py, |b| b.segments())?;
        Ok(all.into_iter().map(|inner| Segment { inner }).collect())
    }

    /// Adds the contact to a static segment.
    fn add_to_segment(&self, py: Python<'_>, id: &str, segment_id: &str) -> PyResult<Contact> {
        self.contact(py, move |b| b.add_to_segment(id, segment_id))
    }

    /// Removes the contact from a static segment.
    fn remove_from_segment(&self, py: Python<'_>, id: &str, segment_id: &str) -> PyResult<Contact> {
        self.contact(py, move |b| b.remove_from_segment(id, segment_id))
    }

    /// Live members of a segment in id order, a page at a time.
    #[pyo3(signature = (segment_id, limit = None, cursor = None))]
    fn segment_members(
        &self,
        py: Python<'_>,
        segment_id: &str,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> PyResult<Page> {
        let query = ListQuery {
            limit: page_size(limit),
            cursor,
        };
        self.run(py, move |b| b.segment_members(segment_id, &query))
            .map(Page::of_contacts)
    }

    // ---- fields -----------------------------------------------------------------

    /// Defines an additional field from a dict (`key`, `type`, `title`, `required`,
    /// `readonly`, `options`, `min`, `max`).
    fn define_field(
        &self,
        py: Python<'_>,
        definition: &Bound<'_, PyAny>,
    ) -> PyResult<FieldDefinition> {
        let definition: core::FieldDefinition = input(py, definition, None)?;
        self.run(py, move |b| b.define_field(definition))
            .map(|inner| FieldDefinition { inner })
    }

    /// Every field definition, by key.
    fn field_definitions(&self, py: Python<'_>) -> PyResult<Vec<FieldDefinition>> {
        let all = self.run(py, |b| b.field_definitions())?;
        Ok(all
            .into_iter()
            .map(|inner| FieldDefinition { inner })
            .collect())
    }

    /// Sets one additional field; `value` is typed or in the platform's string form.
    fn set_field(
        &self,
        py: Python<'_>,
        id: &str,
        key: &str,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<Contact> {
        let value: FieldInput = input(py, value, Some(&format!("fields.{key}")))?;
        self.contact(py, move |b| b.set_field(id, key, value))
    }

    /// Clears one additional field.
    fn clear_field(&self, py: Python<'_>, id: &str, key: &str) -> PyResult<Contact> {
        self.contact(py, move |b| b.clear_field(id, key))
    }

    // ---- activity ---------------------------------------------------------------

    /// Records a message sent to the contact, or a status update of one.
    fn record_campaign(
        &self,
        py: Python<'_>,
        id: &str,
        campaign: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let campaign: CampaignInput = input(py, campaign, None)?;
        let activity = self.run(py, move |b| b.record_campaign(id, campaign))?;
        activity_object(py, &activity)
    }

    /// Records an event the contact triggered.
    fn record_event(
        &self,
        py: Python<'_>,
        id: &str,
        event: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let event: EventInput = input(py, event, None)?;
        let activity = self.run(py, move |b| b.record_event(id, event))?;
        activity_object(py, &activity)
    }

    /// Records an order, or updates the one recorded under its `external_id`.
    fn record_order(
        &self,
        py: Python<'_>,
        id: &str,
        order: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let order: OrderInput = input(py, order, None)?;
        let activity = self.run(py, move |b| b.record_order(id, order))?;
        activity_object(py, &activity)
    }

    /// The contact's timeline, newest first, by category and period, a page at a time.
    #[pyo3(signature = (
        id, category = "all", period = "30d", since = None, until = None, limit = None,
        cursor = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn activity(
        &self,
        py: Python<'_>,
        id: &str,
        category: &str,
        period: &str,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> PyResult<Page> {
        let query = ActivityQuery {
            category: name::<ActivityCategory>(py, "category", category)?,
            period: name::<Period>(py, "period", period)?,
            since: instant(py, since, "since")?,
            until: instant(py, until, "until")?,
            limit: page_size(limit),
            cursor,
        };
        self.run(py, move |b| b.activity(id, &query))
            .map(Page::of_activities)
    }
}

fn activity_object(py: Python<'_>, activity: &core::Activity) -> PyResult<Py<PyAny>> {
    use crate::convert::{Shape, ToPy};
    Ok(activity.to_py(py, Shape::Object)?.unbind())
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
        let start: DateTime<Utc> = input(py, start, Some("start"))?;
        Ok(ManualClock {
            clock: Arc::new(core::ManualClock::new(start)),
        })
    }

    /// Sets the clock to `at` (an aware datetime or RFC 3339 string).
    fn set(&self, py: Python<'_>, at: &Bound<'_, PyAny>) -> PyResult<()> {
        let at: DateTime<Utc> = input(py, at, Some("at"))?;
        self.clock.set(at);
        Ok(())
    }

    /// Moves the clock forward by `seconds`.
    fn advance(&self, seconds: i64) {
        self.clock.advance(chrono::Duration::seconds(seconds));
    }

    /// The clock's time.
    fn now(&self) -> DateTime<Utc> {
        use contactkit::Clock;
        self.clock.now()
    }
}

/// An in-memory book on `clock` (tests only).
#[pyfunction]
#[pyo3(signature = (clock, default_region = None))]
pub fn _in_memory_with_clock(
    py: Python<'_>,
    clock: &ManualClock,
    default_region: Option<&str>,
) -> PyResult<ContactBook> {
    let book = core::ContactBook::in_memory().with_clock(clock.clock.clone());
    configured(py, book, default_region)
}
