//! `ContactBook` for JavaScript: every operation of the vocabulary in camelCase, each
//! twice: a synchronous method of `ContactBook`, and its Promise form, the method of the
//! same name of `book.promises` (a `ContactBookPromises`), run on the libuv thread pool.
//!
//! Every operation is declared once, in `operations!`: its parameters (typed
//! arguments, read by [`crate::args`] on the JavaScript thread), its answer type
//! ([`crate::write`]) and its body, a call of the core. The macro writes both methods
//! from it. No domain logic lives here. Every body runs through
//! [`crate::errors::caught`]: a Rust panic is an `Error` with `code: 'INTERNAL'`
//! (thrown, or the promise rejected with it), never a crashed process.
//!
//! A Promise form reads its arguments as the synchronous method does, on the JavaScript
//! thread, before anything is queued ([`crate::args::Deferred`]); runs the body on a
//! pool thread on the `Arc` of the core book it took when it was called (closing the
//! book meanwhile does not stop it); and writes the answer on the JavaScript thread when
//! the promise settles. Every failure, a bad argument or a closed book included, rejects
//! the promise with the error the synchronous method throws: nothing is thrown.

use crate::args::{
    later, options::IfExists, ActivityQuery, AppId, At, BookOptions, CampaignInput, CategoryKey,
    CategoryOptions, ChangesQuery, Channel, ChannelAddress, ConnectOptions, ContactInput,
    ContactInputs, ContactKey, ContactPatch, ContactQuery, Date, DedupeOn, DeviceInput, Email,
    Endpoint, EventInput, ExternalId, FieldDefinitionInput, FieldInputValue, FieldOptions,
    FieldUpdate, FromId, Id, Ids, ImportOptions, IntoId, Key, ListQuery, Name, Note, OpenOptions,
    OrderInput, Path, Phone, PortableLine, ProfileLinesOptions, Reason, Rule, SegmentChange,
    SegmentId, SegmentOptions, SuppressionInputs, SuppressionKind, Telegram, Title, Token,
    UpsertOptions, Url, WebPushInput, Who,
};
use crate::errors::{caught, closed, guard, Failure, Result};
use crate::import::{ImportTask, SuppressionImportTask};
use crate::write::{
    Activity, CampaignActivity, Category, ChangePage, Contact, ContactExport, EventActivity,
    FieldDefinition, OrderActivity, Page, Restored, Segment, SendDecision, SuppressionRecord,
};
use chrono::{DateTime, Utc};
use contactkit as core;
use contactkit::{ManualClock, SqliteOptions};
use napi::bindgen_prelude::{AsyncTask, ClassInstance, JavaScriptClassExt, JsObjectValue, This};
use napi::{Env, Property, PropertyAttributes, Status, Task};
use napi_derive::napi;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Where a `ContactBook` and its `promises` find the open core book: `None` once closed.
/// Both hold the same slot, so closing one closes both; an operation takes its own
/// `Arc` of the book when it is called, and finishes on it.
type Slot = Arc<RwLock<Option<Arc<core::ContactBook>>>>;

/// The open book of `slot`, or the closed-book error.
fn open_book(slot: &Slot) -> Result<Arc<core::ContactBook>> {
    slot.read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
        .ok_or_else(|| closed().into())
}

/// A book of contact profiles: a SQLite file (`ContactBook.open(path)`) or memory
/// (`ContactBook.inMemory()`). Every operation is synchronous, atomic and bounded by
/// paging, except `importContacts` and `importSuppressions`, which run on the libuv
/// thread pool; every one has a
/// Promise form in `book.promises`, run on the libuv thread pool.
#[napi]
pub struct ContactBook {
    book: Slot,
    clock: Option<Arc<ManualClock>>,
}

impl ContactBook {
    fn configured(
        book: core::ContactBook,
        clock: Option<DateTime<Utc>>,
        region: Option<&str>,
    ) -> Result<Self> {
        let clock = clock.map(|at| Arc::new(ManualClock::new(at)));
        let mut book = match &clock {
            Some(clock) => book.with_clock(clock.clone()),
            None => book,
        };
        if let Some(region) = region {
            book = book.with_default_region(region)?;
        }
        Ok(ContactBook {
            book: Arc::new(RwLock::new(Some(Arc::new(book)))),
            clock,
        })
    }

    /// The open book, shared (an import holds it while the book may be closed).
    pub(crate) fn shared(&self) -> Result<Arc<core::ContactBook>> {
        open_book(&self.book)
    }

    /// Runs `work` on the open book through the guard: its failure, a panic
    /// included, is thrown.
    fn with<T>(
        &self,
        env: &Env,
        work: impl FnOnce(&core::ContactBook) -> Result<T>,
    ) -> napi::Result<T> {
        guard(env, || work(&*self.shared()?))
    }
}

/// The core's items as the answers JavaScript receives.
fn each<T, U>(items: Vec<T>, answer: impl FnMut(T) -> U) -> Vec<U> {
    items.into_iter().map(answer).collect()
}

#[napi]
impl ContactBook {
    /// Opens (or creates) the SQLite book at `path`. A file that is not a ContactKit
    /// database is a `STORAGE` error and is left untouched. `durability` (`normal`,
    /// `full`) and `busyTimeoutMs` set the file's commit durability and how long a
    /// write waits for another connection's lock.
    #[napi(factory)]
    pub fn open(env: Env, path: Path, options: Option<OpenOptions>) -> napi::Result<Self> {
        guard(&env, || {
            let options = options.map(|o| o.0).unwrap_or_default();
            let mut sqlite = SqliteOptions::default();
            if let Some(durability) = &options.durability {
                sqlite.durability = durability.parse()?;
            }
            if let Some(millis) = options.busy_timeout_ms {
                sqlite.busy_timeout = Duration::from_millis(millis.into());
            }
            let region = options.default_region.as_deref();
            let book = core::ContactBook::open_in_region(&path.0, &sqlite, region)?;
            Self::configured(book, options.clock, region)
        })
    }

    /// Connects to a book on a PostgreSQL server (`postgresql://user:password@host:port/db`),
    /// shared by every process that connects to it. A bad URL, an unreachable server, a
    /// wrong password, another application's schema and a book from a newer ContactKit
    /// are `STORAGE` errors saying so, never quoting the password. Connecting waits for
    /// the server: do it once, at start-up, and use `book.promises` for the operations.
    #[napi(factory)]
    pub fn connect(env: Env, url: Url, options: Option<ConnectOptions>) -> napi::Result<Self> {
        guard(&env, || {
            let options = options.map(|o| o.0).unwrap_or_default();
            let server = core::PostgresOptions::given(
                options.schema,
                options.pool_size,
                options
                    .connect_timeout_ms
                    .map(|ms| Duration::from_millis(ms.into())),
            );
            let region = options.default_region.as_deref();
            let book = core::ContactBook::connect_in_region(&url.0, &server, region)?;
            Self::configured(book, options.clock, region)
        })
    }

    /// A book kept in process memory (nothing survives the process).
    #[napi(factory)]
    pub fn in_memory(env: Env, options: Option<BookOptions>) -> napi::Result<Self> {
        guard(&env, || {
            let options = options.map(|o| o.0).unwrap_or_default();
            let book = core::ContactBook::in_memory();
            Self::configured(book, options.clock, options.default_region.as_deref())
        })
    }

    /// Test-only, absent from the typings and the docs: a book over
    /// `contactkit::PanickingStore`, whose every unit of work panics, so the
    /// panic-guard test can prove that every method throws the binding's internal
    /// error instead of crashing the process.
    #[napi(factory, js_name = "_panicking", skip_typescript)]
    pub fn panicking(env: Env) -> napi::Result<Self> {
        guard(&env, || {
            let book = core::ContactBook::with_store(Arc::new(core::PanickingStore));
            Self::configured(book, None, None)
        })
    }

    /// Closes the book: later calls throw a `STORAGE` error (and the calls of
    /// `book.promises` reject with it). An import or a promise still running finishes
    /// first; the file is released when it has.
    #[napi]
    pub fn close(&self, env: Env) -> napi::Result<()> {
        guard(&env, || {
            self.book
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            Ok(())
        })
    }

    /// True once `close()` was called.
    #[napi(getter)]
    pub fn closed(&self, env: Env) -> napi::Result<bool> {
        guard(&env, || {
            Ok(self
                .book
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .is_none())
        })
    }

    /// The Promise form of every operation: the methods of the same names, parameters
    /// and answers, run on the libuv thread pool (as `fs.promises` is to `fs`). One
    /// object per book, on the same book: `close()` closes it too.
    #[napi(getter)]
    pub fn promises<'env>(
        &self,
        env: &'env Env,
        mut this: This<'env>,
    ) -> napi::Result<ClassInstance<'env, ContactBookPromises>> {
        let promises = ContactBookPromises {
            book: self.book.clone(),
        }
        .into_instance(env)?;
        // Defined on the book itself (read-only, not enumerable), so every later read
        // finds this same object and this getter runs once per book.
        this.define_properties(&[Property::new()
            .with_utf8_name("promises")?
            .with_property_attributes(PropertyAttributes::Default)
            .with_value(&promises)])?;
        Ok(promises)
    }

    /// Sets the manual clock of a book opened with `{ clock }` (tests, simulations).
    #[napi]
    pub fn set_clock(&self, env: Env, at: Date) -> napi::Result<()> {
        self.with(&env, |_| match &self.clock {
            Some(clock) => {
                clock.set(at.0);
                Ok(())
            }
            None => Err(Failure::Core(core::Error::validation(
                "clock",
                "",
                "the book was opened without { clock }: it follows the system clock",
            ))),
        })
    }

    /// Upserts every row on the libuv thread pool and resolves with the report;
    /// `onProgress(done, ids)` is called after every batch of 4000 rows with the rows
    /// done so far and the contact id of each row of the batch (`null` for a rejected
    /// one). Every problem of a row is reported; a rejected row writes nothing and the
    /// import goes on. With `onInvalid: 'drop_field'` the refused values of a row are
    /// left out and the rest is written (unless its id or dedupe key is refused), the
    /// row listed in `dropped`. `ids` holds each row's contact id in input order,
    /// unless `keepIds` is `false`. A storage failure stops the import and rejects the
    /// promise, and so does an exception thrown by `onProgress` after batch k (exactly
    /// those k batches are written).
    #[napi]
    pub fn import_contacts(
        &self,
        env: Env,
        rows: ContactInputs,
        options: Option<ImportOptions>,
    ) -> napi::Result<AsyncTask<ImportTask>> {
        let options = options.map(|o| o.0).unwrap_or_default();
        let task = guard(&env, || match self.shared() {
            Ok(book) => ImportTask::new(&env, book, rows.0, options),
            Err(closed) => {
                rows.0.unref(&env)?;
                Err(closed)
            }
        });
        task.map(AsyncTask::new)
    }

    /// Records a suppression list (another sender's unsubscribes, bounces, complaints)
    /// row by row on the libuv thread pool, as `suppressAddress` records one address,
    /// and resolves with the report: rows recorded, rows whose address already had a
    /// suppression of that kind (`unchanged`), and rows rejected (nothing of them
    /// written), each with its 0-based `index`. A storage failure rejects the promise.
    #[napi]
    pub fn import_suppressions(
        &self,
        env: Env,
        rows: SuppressionInputs,
    ) -> napi::Result<AsyncTask<SuppressionImportTask>> {
        let task = guard(&env, || match self.shared() {
            Ok(book) => SuppressionImportTask::new(&env, book, rows.0),
            Err(closed) => {
                rows.0.unref(&env)?;
                Err(closed)
            }
        });
        task.map(AsyncTask::new)
    }
}

/// `book.promises`: every operation of `ContactBook` as a method of the same name,
/// parameters and answer that returns a Promise of that answer. The arguments are read
/// at once, on the JavaScript thread; the operation runs on the libuv thread pool
/// (`UV_THREADPOOL_SIZE` threads, 4 by default), so the event loop goes on while it
/// waits for the store. Every failure rejects the promise with the error the
/// synchronous method throws (`code`, `field`, …): a bad argument, an unknown id, a
/// closed book. A book closed while operations are in flight lets them finish.
#[napi]
pub struct ContactBookPromises {
    book: Slot,
}

impl ContactBookPromises {
    /// Queues `work` on the open book, once the arguments read (`arguments`, on the
    /// JavaScript thread): the task rejects with the failure of either, or of `work`.
    fn queue<T: Send + 'static>(
        &self,
        arguments: impl FnOnce() -> Result<Box<dyn FnOnce(&core::ContactBook) -> Result<T> + Send>>,
    ) -> Pending<T> {
        let job = arguments().and_then(|work| {
            let book = open_book(&self.book)?;
            let job: Job<T> = Box::new(move || work(&book));
            Ok(job)
        });
        match job {
            Ok(job) => Pending {
                job: Some(job),
                failed: None,
            },
            Err(failure) => Pending {
                job: None,
                failed: Some(failure),
            },
        }
    }
}

#[napi]
impl ContactBookPromises {
    /// `importContacts`, whose rows are read on the JavaScript thread a chunk at a time
    /// while the pool thread imports (and `onProgress` called there too), as the
    /// synchronous method's; a bad argument or a closed book rejects instead of
    /// throwing.
    #[napi]
    pub fn import_contacts(
        &self,
        env: Env,
        rows: later::ContactInputs,
        options: later::Option<ImportOptions>,
    ) -> AsyncTask<ImportTask> {
        let task = caught(|| {
            let rows = rows.take()?;
            let options = match options.take() {
                Ok(options) => options.map(|o| o.0).unwrap_or_default(),
                Err(failure) => {
                    rows.0.unref(&env)?;
                    return Err(failure);
                }
            };
            match open_book(&self.book) {
                Ok(book) => ImportTask::new(&env, book, rows.0, options),
                Err(closed) => {
                    rows.0.unref(&env)?;
                    Err(closed)
                }
            }
        });
        AsyncTask::new(task.unwrap_or_else(ImportTask::refused))
    }

    /// `importSuppressions`, whose rows are read as the synchronous method's; a bad
    /// argument or a closed book rejects instead of throwing.
    #[napi]
    pub fn import_suppressions(
        &self,
        env: Env,
        rows: later::SuppressionInputs,
    ) -> AsyncTask<SuppressionImportTask> {
        let task = caught(|| {
            let rows = rows.take()?;
            match open_book(&self.book) {
                Ok(book) => SuppressionImportTask::new(&env, book, rows.0),
                Err(closed) => {
                    rows.0.unref(&env)?;
                    Err(closed)
                }
            }
        });
        AsyncTask::new(task.unwrap_or_else(SuppressionImportTask::refused))
    }
}

/// The work of a promise, run on a pool thread.
type Job<T> = Box<dyn FnOnce() -> Result<T> + Send>;

/// The state of a promise method's task: the work to run, or the failure the promise
/// is rejected with (kept, when it happens on the pool thread, until the promise is
/// rejected on the JavaScript thread, where the error object is made).
pub struct Pending<T> {
    job: Option<Job<T>>,
    failed: Option<Failure>,
}

impl<T> Pending<T> {
    /// Runs the work (on the pool thread), a panic caught.
    fn compute(&mut self) -> napi::Result<T> {
        let outcome = match self.job.take() {
            Some(job) => caught(job),
            None => Err(self.failed.take().unwrap_or_else(|| {
                Failure::Panic("a promise of ContactKit ran twice".to_string())
            })),
        };
        outcome.map_err(|failure| {
            self.failed = Some(failure);
            napi::Error::new(Status::GenericFailure, "the operation failed")
        })
    }

    /// The error the promise is rejected with (on the JavaScript thread).
    fn reject(&mut self, env: &Env, error: napi::Error) -> napi::Error {
        match self.failed.take() {
            Some(failure) => failure.into_napi(env),
            None => error,
        }
    }
}

/// Declares every operation once: `fn name(param: Type, …) -> Answer = |book| body;`,
/// `body` the work on the core book (`&contactkit::ContactBook`) giving
/// `Result<Answer>`. Writes, for each:
/// - `ContactBook::name`, the synchronous method (`napi::Result<Answer>`);
/// - a struct `name`, the napi `Task` of its promise, one per operation because
///   `napi build` types `AsyncTask<T>` as the `Promise` of the answer of the `Task`
///   named as `T` (so the task is declared before the method that returns it: napi
///   learns the types in the order items are expanded);
/// - `ContactBookPromises::name`, the Promise form (`AsyncTask<name>`, typed
///   `Promise<Answer>`), its parameters the same types deferred ([`later`]).
///
/// The doc comments are written `#[doc = "…"]`: napi-derive reads a doc comment's
/// string token as it is, and a `///` comment passed through `macro_rules!` is a raw
/// string token (`r"…"`), which would reach `index.d.ts` with its `r"` prefix.
macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($param:ident: $pty:ident $(<$parg:ident>)?),* $(,)?) -> $ret:ty
            = |$book:ident| $body:expr;
    )*) => {
        #[napi]
        impl ContactBook {$(
            $(#[$doc])*
            #[napi]
            pub fn $name(&self, env: Env, $($param: $pty $(<$parg>)?),*) -> napi::Result<$ret> {
                self.with(&env, |$book| $body)
            }
        )*}

        $(
            #[doc = concat!("The task of `promises.", stringify!($name), "`, named as its operation.")]
            #[allow(non_camel_case_types)]
            pub struct $name {
                pending: Pending<$ret>,
            }

            #[napi]
            impl Task for $name {
                type Output = $ret;
                type JsValue = $ret;

                fn compute(&mut self) -> napi::Result<$ret> {
                    self.pending.compute()
                }

                // The answer is written to JavaScript by its `ToNapiValue`, as the
                // promise resolves, on the JavaScript thread.
                fn resolve(&mut self, _env: Env, answer: $ret) -> napi::Result<$ret> {
                    Ok(answer)
                }

                fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<$ret> {
                    Err(self.pending.reject(&env, error))
                }
            }
        )*

        #[napi]
        impl ContactBookPromises {$(
            $(#[$doc])*
            #[napi]
            pub fn $name(&self, $($param: later::$pty $(<$parg>)?),*) -> AsyncTask<$name> {
                let pending = self.queue(|| {
                    $(let $param = $param.take()?;)*
                    Ok(Box::new(move |$book: &core::ContactBook| -> Result<$ret> { $body }))
                });
                AsyncTask::new($name { pending })
            }
        )*}
    };
}

operations! {
    #[doc = " The current time on the book's clock."]
    fn now() -> Date = |book| Ok(Date(book.now()));

    // -- profile ------------------------------------------------------------

    #[doc = " Creates a contact. A `CONFLICT` if its email, phone, external id or contact key"]
    #[doc = " belongs to another contact."]
    fn create(input: ContactInput) -> Contact = |book| Ok(Contact(book.create(input.0)?));

    #[doc = " Updates the contact matched by `dedupeOn` (default `email`), or creates one."]
    #[doc = " Keys absent from the input keep their values; keys given as `null` are cleared."]
    fn upsert(input: ContactInput, options: Option<UpsertOptions>) -> Contact = |book| {
        let dedupe_on = options.and_then(|o| o.0.dedupe_on).unwrap_or_default();
        Ok(Contact(book.upsert(input.0, dedupe_on)?))
    };

    #[doc = " Adds a contact from a sign-up form: a new email or phone is `unconfirmed` until"]
    #[doc = " `confirm`."]
    fn sign_up(input: ContactInput) -> Contact = |book| Ok(Contact(book.sign_up(input.0)?));

    #[doc = " Changes a live contact: absent keys stay, `null` keys are cleared."]
    fn update(id: Id, patch: ContactPatch) -> Contact = |book|
        Ok(Contact(book.update(&id.0, patch.0)?));

    #[doc = " The live contact with `id`, or `null`."]
    fn get(id: Id) -> Option<Contact> = |book| Ok(book.get(&id.0)?.map(Contact));

    #[doc = " The live contact with this email (normalised first), or `null` (also for a"]
    #[doc = " value that is no email)."]
    fn find_by_email(email: Email) -> Option<Contact> = |book|
        Ok(book.find_by_email(&email.0)?.map(Contact));

    #[doc = " The live contact with this phone (international, or national in the default"]
    #[doc = " region), or `null` (also for a value that is no phone)."]
    fn find_by_phone(phone: Phone) -> Option<Contact> = |book|
        Ok(book.find_by_phone(&phone.0)?.map(Contact));

    #[doc = " The live contact with this contact key, or `null`."]
    fn find_by_key(contact_key: ContactKey) -> Option<Contact> = |book|
        Ok(book.find_by_key(&contact_key.0)?.map(Contact));

    #[doc = " The live contact with this external id, or `null`."]
    fn find_by_external_id(external_id: ExternalId) -> Option<Contact> = |book|
        Ok(book.find_by_external_id(&external_id.0)?.map(Contact));

    #[doc = " The live contact holding a mobile push device with this token, or `null`."]
    fn find_by_push_token(token: Token) -> Option<Contact> = |book|
        Ok(book.find_by_push_token(&token.0)?.map(Contact));

    #[doc = " The live contact holding the web push subscription with this endpoint"]
    #[doc = " (normalised as it is stored: `HTTPS://Push.example.com/a` finds"]
    #[doc = " `https://push.example.com/a`), or `null` (also for a value that is not an https"]
    #[doc = " URL)."]
    fn find_by_web_push_endpoint(endpoint: Endpoint) -> Option<Contact> = |book|
        Ok(book.find_by_web_push_endpoint(&endpoint.0)?.map(Contact));

    #[doc = " Soft-deletes a contact: hidden from `get`, the finders and lists until"]
    #[doc = " restored; its email and phone stay reserved."]
    fn delete(id: Id) -> () = |book| Ok(book.delete(&id.0)?);

    #[doc = " Brings back a soft-deleted contact."]
    fn restore(id: Id) -> Contact = |book| Ok(Contact(book.restore(&id.0)?));

    #[doc = " Folds the contact `fromId` into `intoId` (the same person found twice) and"]
    #[doc = " returns `intoId` after the merge: it keeps every value it has, `fromId` fills"]
    #[doc = " what it lacks, and devices, web push, categories, static segments and the"]
    #[doc = " timeline move to it. `fromId` becomes an alias: `get` and every operation"]
    #[doc = " taking an id resolve it to `intoId`. A contact merged into itself (or an alias"]
    #[doc = " of itself) is a `VALIDATION` error on `fromId`, a deleted one on the id that"]
    #[doc = " names it; an unknown id is `NOT_FOUND`."]
    fn merge(into_id: IntoId, from_id: FromId) -> Contact = |book|
        Ok(Contact(book.merge(&into_id.0, &from_id.0)?));

    #[doc = " Everything the book holds about the contact `id`, deleted or not:"]
    #[doc = " `{ contact, activity, suppressions }`, the profile as `get` returns it, the"]
    #[doc = " whole timeline newest first and every suppression record at its addresses"]
    #[doc = " (its email, its phone, then its id), each oldest first. An unknown id is"]
    #[doc = " `NOT_FOUND`."]
    fn export_contact(id: Id) -> ContactExport = |book|
        Ok(ContactExport(book.export_contact(&id.0)?));

    #[doc = " Forgets the contact `id` (deleted or not) for good: its profile, devices,"]
    #[doc = " timeline, field values and memberships are removed, not hidden, and `get`"]
    #[doc = " returns `null`, `restore` and `exportContact` are `NOT_FOUND`. The"]
    #[doc = " suppressions at its email and phone are kept, found by the address only. An"]
    #[doc = " unknown id is `NOT_FOUND`."]
    fn erase(id: Id) -> () = |book| Ok(book.erase(&id.0)?);

    // -- the portable form ------------------------------------------------------

    #[doc = " The catalogue lines of the portable form, the first lines of a whole-book"]
    #[doc = " export: field definitions, categories, static then dynamic segments (with"]
    #[doc = " their rules). Each a plain object with the core's keys as written (snake_case),"]
    #[doc = " for a file: `JSON.stringify` it, and hand it back to `restoreLine` unchanged."]
    fn export_catalog_lines() -> Vec<PortableLine> = |book|
        Ok(each(book.export_catalog_lines()?, PortableLine));

    #[doc = " A page of profile lines of the live contacts in id order (`limit` 100 by"]
    #[doc = " default, at most 1000; pass the previous page's `nextCursor` as `cursor`): the"]
    #[doc = " profile card with static segments by name and, unless `withActivity` is"]
    #[doc = " `false`, the whole timeline under `activity`, newest first. The lines keep the"]
    #[doc = " core's keys as written (snake_case) and its strings (times as RFC 3339 text)."]
    fn export_profile_lines(options: Option<ProfileLinesOptions>) -> Page<PortableLine> = |book| {
        let options = options.map(|o| o.0).unwrap_or_default();
        let query = core::ListQuery { limit: options.limit, cursor: options.cursor };
        let with_activity = options.with_activity.unwrap_or(true);
        Ok(Page::of(book.export_profile_lines(&query, with_activity)?, PortableLine))
    };

    #[doc = " Restores one line of the portable form (as `exportCatalogLines` and"]
    #[doc = " `exportProfileLines` give it, or parsed from a file): a catalogue entry is"]
    #[doc = " defined unless the book has it; a profile line is upserted by `dedupeOn`"]
    #[doc = " (default `email`) with its devices, timeline and suppression records, in one"]
    #[doc = " unit of work, so a line that fails writes nothing. Restoring a line again adds"]
    #[doc = " nothing. A bad line is a `VALIDATION` error whose `field` names the part of the"]
    #[doc = " line as written (`activity[0].name`, `suppressions[0].reason`, `segments[0]`),"]
    #[doc = " or `line` for the line as a whole."]
    fn restore_line(line: PortableLine, dedupe_on: Option<DedupeOn>) -> Restored = |book| {
        let dedupe_on = dedupe_on.map(|d| d.0).unwrap_or_default();
        match book.restore_line(&line.0, dedupe_on) {
            Ok(restored) => Ok(Restored(restored)),
            Err(error) => Err(Failure::Written(error)),
        }
    };

    #[doc = " Live contacts in id order, a page at a time (`limit` 100 by default, at"]
    #[doc = " most 1000; pass the previous page's `nextCursor` as `cursor`); with `rule`,"]
    #[doc = " only those it matches."]
    fn list(query: Option<ContactQuery>) -> Page<Contact> = |book| {
        let query = query.map(|q| q.0).unwrap_or_default();
        let page = match &query.rule {
            Some(rule) => book.list_where(rule, &query.query)?,
            None => book.list(&query.query)?,
        };
        Ok(Page::of(page, Contact))
    };

    #[doc = " The book's change feed, oldest first: the changes after `cursor` (a page's"]
    #[doc = " `nextCursor`; from the start of the feed without one), at most `limit` (100 by"]
    #[doc = " default, at most 1000). `nextCursor` is always set (an empty page gives back a"]
    #[doc = " cursor at the same place): keep it and ask again to see every later change"]
    #[doc = " exactly once. A cursor this book did not return is a `VALIDATION` error on"]
    #[doc = " `cursor`. Each change's `seq` is a number: it never passes 2^53 in practice"]
    #[doc = " (one beyond would be a bigint)."]
    fn changes(query: Option<ChangesQuery>) -> ChangePage = |book| {
        let query = query.map(|q| q.0).unwrap_or_default();
        Ok(ChangePage(book.changes(query.cursor.as_deref(), query.limit)?))
    };

    #[doc = " How many live contacts the book holds; with `rule`, how many it matches."]
    fn count(rule: Option<Rule>) -> f64 = |book| Ok(match rule {
        Some(rule) => book.count_where(&rule.0)?,
        None => book.count()?,
    } as f64);

    // -- channels -----------------------------------------------------------

    #[doc = " Registers (or refreshes) a push device; its token moves off any other contact."]
    fn add_mobile_push(id: Id, device: DeviceInput) -> Contact = |book|
        Ok(Contact(book.add_mobile_push(&id.0, device.0)?));

    #[doc = " Removes the device holding `token`."]
    fn remove_mobile_push(id: Id, token: Token) -> Contact = |book|
        Ok(Contact(book.remove_mobile_push(&id.0, &token.0)?));

    #[doc = " Records an app installed on a device, with or without a push token."]
    fn register_app(id: Id, device: DeviceInput) -> Contact = |book|
        Ok(Contact(book.register_app(&id.0, device.0)?));

    #[doc = " Removes an app: every device registered for it on this contact."]
    fn remove_app(id: Id, app_id: AppId) -> Contact = |book|
        Ok(Contact(book.remove_app(&id.0, &app_id.0)?));

    #[doc = " Registers (or refreshes) a web push subscription (keys flat or nested under"]
    #[doc = " `keys`, as `PushSubscription.toJSON()` gives them)."]
    fn add_web_push(id: Id, subscription: WebPushInput) -> Contact = |book|
        Ok(Contact(book.add_web_push(&id.0, subscription.0)?));

    #[doc = " Removes the subscription with `endpoint`."]
    fn remove_web_push(id: Id, endpoint: Endpoint) -> Contact = |book|
        Ok(Contact(book.remove_web_push(&id.0, &endpoint.0)?));

    #[doc = " Binds the contact to a Telegram chat, or unbinds it with `null`."]
    fn set_telegram(id: Id, telegram: Option<Telegram>) -> Contact = |book|
        Ok(Contact(book.set_telegram(&id.0, telegram.map(|t| t.0))?));

    // -- consent ------------------------------------------------------------

    #[doc = " Blacklists the contact's address on `channel` (reason `manual` when none)."]
    #[doc = " `at` is when it happened (a `Date`, or RFC 3339 or `YYYY-MM-DD HH:MM:SS` text"]
    #[doc = " read as UTC; not after the book's clock), now when not given."]
    fn blacklist(id: Id, channel: Channel, reason: Option<Reason>, at: Option<At>) -> Contact = |book| {
        let reason = reason.map(|r| r.0);
        Ok(Contact(book.blacklist(&id.0, channel.0, reason.as_deref(), at.map(|a| a.0))?))
    };

    #[doc = " Lifts a blacklist; the note is required and kept on the record."]
    fn unblacklist(id: Id, channel: Channel, note: Note) -> Contact = |book|
        Ok(Contact(book.unblacklist(&id.0, channel.0, &note.0)?));

    #[doc = " Records that the person opted out of `channel`, `at` when it happened (as"]
    #[doc = " `blacklist` takes it)."]
    fn unsubscribe(id: Id, channel: Channel, reason: Option<Reason>, at: Option<At>) -> Contact = |book| {
        let reason = reason.map(|r| r.0);
        Ok(Contact(book.unsubscribe(&id.0, channel.0, reason.as_deref(), at.map(|a| a.0))?))
    };

    #[doc = " The person opts back in: lifts their unsubscribe and spam complaint."]
    fn resubscribe(id: Id, channel: Channel, note: Option<Note>) -> Contact = |book| {
        let note = note.map(|n| n.0);
        Ok(Contact(book.resubscribe(&id.0, channel.0, note.as_deref())?))
    };

    #[doc = " Records that the person reported a message on `channel` as spam, with the"]
    #[doc = " complaint's `reason` (a feedback loop's report type, free text) when given, `at`"]
    #[doc = " when it happened (as `blacklist` takes it)."]
    fn report_spam(id: Id, channel: Channel, reason: Option<Reason>, at: Option<At>) -> Contact = |book| {
        let reason = reason.map(|r| r.0);
        Ok(Contact(book.report_spam(&id.0, channel.0, reason.as_deref(), at.map(|a| a.0))?))
    };

    #[doc = " Records a suppression of an email (`email`) or phone (`sms`) that no contact"]
    #[doc = " may hold yet: another sender's suppression list, an import of unsubscribes. A"]
    #[doc = " contact that takes the address later is suppressed. Recording the same kind"]
    #[doc = " again is a no-op (the first date and reason stand). Returns every record now"]
    #[doc = " kept for the address on `channel`, oldest first. Push and Telegram channels are"]
    #[doc = " a `VALIDATION` error on `channel`: their suppressions belong to a contact. `at`"]
    #[doc = " is when it happened (as `blacklist` takes it). For a whole list, `importSuppressions`."]
    fn suppress_address(
        channel: Channel,
        address: ChannelAddress,
        kind: SuppressionKind,
        reason: Option<Reason>,
        at: Option<At>,
    ) -> Vec<SuppressionRecord> = |book| {
        let reason = reason.map(|r| r.0);
        let at = at.map(|a| a.0);
        let records = book.suppress_address(channel.0, &address.0, kind.0, reason.as_deref(), at)?;
        Ok(each(records, SuppressionRecord))
    };

    #[doc = " Confirms a signed-up email (`email`) or phone (`sms`)."]
    fn confirm(id: Id, channel: Channel) -> Contact = |book|
        Ok(Contact(book.confirm(&id.0, channel.0)?));

    #[doc = " Every suppression record kept for `address` on `channel`, lifted ones too,"]
    #[doc = " oldest first (for push and Telegram channels the address is the contact id)."]
    fn suppressions(channel: Channel, address: ChannelAddress) -> Vec<SuppressionRecord> = |book|
        Ok(each(book.suppressions(channel.0, &address.0)?, SuppressionRecord));

    #[doc = " May a message go to this contact on `channel` (and in `category`, a category"]
    #[doc = " key)? `who` is any identifier a lookup takes: the contact's id (any case),"]
    #[doc = " email, phone, external id or contact key. An unknown or deleted contact is an"]
    #[doc = " answer (`unknown_contact`), not an error; an undefined category is `NOT_FOUND`."]
    fn can_send(
        who: Who,
        channel: Channel,
        category: Option<CategoryKey>,
    ) -> SendDecision = |book| {
        let category = category.map(|c| c.0);
        Ok(SendDecision(book.can_send(&who.0, channel.0, category.as_deref())?))
    };

    #[doc = " `canSend` for many recipients in one read (one snapshot of the book): one"]
    #[doc = " decision per identifier, in order. At most 1000 identifiers (a longer list is"]
    #[doc = " a `VALIDATION` error on `ids`); each may be any identifier `canSend` takes."]
    fn can_send_many(
        ids: Ids,
        channel: Channel,
        category: Option<CategoryKey>,
    ) -> Vec<SendDecision> = |book| {
        let category = category.map(|c| c.0);
        let decisions = book.can_send_many(&ids.0, channel.0, category.as_deref())?;
        Ok(each(decisions, SendDecision))
    };

    // -- categories and segments -----------------------------------------------

    #[doc = " Defines a subscription category; its key is the slug of the title and a"]
    #[doc = " segment of the same name is created with it. A key the book has is a"]
    #[doc = " `CONFLICT`; with `{ ifExists: 'return' }` that category is returned instead, so a"]
    #[doc = " setup script can run again."]
    fn define_category(title: Title, options: Option<CategoryOptions>) -> Category = |book| {
        let if_exists = options.and_then(|o| o.0.if_exists).unwrap_or_default();
        Ok(Category(match if_exists {
            IfExists::Return => book.ensure_category(&title.0)?,
            IfExists::Error => book.define_category(&title.0)?,
        }))
    };

    #[doc = " Every category, by key."]
    fn categories() -> Vec<Category> = |book| Ok(each(book.categories()?, Category));

    #[doc = " Renames the category `key`; its key stays (integrations use it) and its"]
    #[doc = " segment takes the new title too. A title another segment has is a `CONFLICT`."]
    fn update_category(key: Key, title: Title) -> Category = |book|
        Ok(Category(book.update_category(&key.0, &title.0)?));

    #[doc = " Deletes the category `key`, its segment and every contact's subscription to it."]
    fn delete_category(key: Key) -> () = |book| Ok(book.delete_category(&key.0)?);

    #[doc = " Subscribes the contact to the category `key`."]
    fn add_category(id: Id, key: Key) -> Contact = |book|
        Ok(Contact(book.add_category(&id.0, &key.0)?));

    #[doc = " Unsubscribes the contact from the category `key`."]
    fn remove_category(id: Id, key: Key) -> Contact = |book|
        Ok(Contact(book.remove_category(&id.0, &key.0)?));

    #[doc = " Creates a segment with a unique name (ASCII case aside): static, or with a rule"]
    #[doc = " (`options` a rule, or `{ rule }`) dynamic, its members the live contacts the rule"]
    #[doc = " matches as of every read. A name the book has is a `CONFLICT`; with"]
    #[doc = " `{ ifExists: 'return' }` the segment of that name is returned instead, whatever"]
    #[doc = " its kind, so a setup script can run again."]
    fn create_segment(name: Name, options: Option<SegmentOptions>) -> Segment = |book| {
        let options = options.map(|o| o.0).unwrap_or_default();
        let returns = options.if_exists == IfExists::Return;
        Ok(Segment(match (&options.rule, returns) {
            (rule, true) => book.ensure_segment(&name.0, rule.as_ref())?,
            (Some(rule), false) => book.create_dynamic_segment(&name.0, rule)?,
            (None, false) => book.create_segment(&name.0)?,
        }))
    };

    #[doc = " Renames a segment, named by its id or its name (`update` a string, or"]
    #[doc = " `{ name }`), and replaces a dynamic segment's rule (`{ rule }`). A category's"]
    #[doc = " segment is renamed with its category: `updateCategory`; renaming it here is a"]
    #[doc = " `VALIDATION` error on `segment`."]
    fn update_segment(id: Id, update: SegmentChange) -> Segment = |book|
        Ok(Segment(book.update_segment(&id.0, update.0)?));

    #[doc = " Deletes a static or dynamic segment (by its id or its name) and every membership"]
    #[doc = " in it (a category's segment goes with its category: `deleteCategory`)."]
    fn delete_segment(id: Id) -> () = |book| Ok(book.delete_segment(&id.0)?);

    #[doc = " Every segment (static, dynamic and category-backed), in creation order."]
    fn segments() -> Vec<Segment> = |book| Ok(each(book.segments()?, Segment));

    #[doc = " Adds the contact to a static segment, named by its id or its name (a dynamic"]
    #[doc = " one is a `VALIDATION` error)."]
    fn add_to_segment(id: Id, segment_id: SegmentId) -> Contact = |book|
        Ok(Contact(book.add_to_segment(&id.0, &segment_id.0)?));

    #[doc = " Removes the contact from a static segment, named by its id or its name."]
    fn remove_from_segment(id: Id, segment_id: SegmentId) -> Contact = |book|
        Ok(Contact(book.remove_from_segment(&id.0, &segment_id.0)?));

    #[doc = " Live members of a segment (named by its id or its name) in id order, a page"]
    #[doc = " at a time."]
    fn segment_members(segment_id: SegmentId, query: Option<ListQuery>) -> Page<Contact> = |book| {
        let query = query.map(|q| q.0).unwrap_or_default();
        Ok(Page::of(book.segment_members(&segment_id.0, &query)?, Contact))
    };

    // -- additional fields ------------------------------------------------------

    #[doc = " Defines an additional field (the same definition again is a no-op; another"]
    #[doc = " definition under its key is a `CONFLICT`). With `{ ifExists: 'return' }` the"]
    #[doc = " field the book has under that key is returned, whatever its definition."]
    fn define_field(
        definition: FieldDefinitionInput,
        options: Option<FieldOptions>,
    ) -> FieldDefinition = |book| {
        let if_exists = options.and_then(|o| o.0.if_exists).unwrap_or_default();
        Ok(FieldDefinition(match if_exists {
            IfExists::Return => book.ensure_field(definition.0)?,
            IfExists::Error => book.define_field(definition.0)?,
        }))
    };

    #[doc = " Renames a field (`title`) and adds options at the end of a list or multilist"]
    #[doc = " field's (`addOptions`); no option is ever taken away, so what contacts hold"]
    #[doc = " stays valid."]
    fn update_field(key: Key, update: FieldUpdate) -> FieldDefinition = |book|
        Ok(FieldDefinition(book.update_field(&key.0, update.0)?));

    #[doc = " Deletes a field definition and every contact's value of it."]
    fn delete_field(key: Key) -> () = |book| Ok(book.delete_field(&key.0)?);

    #[doc = " Every field definition, by key."]
    fn field_definitions() -> Vec<FieldDefinition> = |book|
        Ok(each(book.field_definitions()?, FieldDefinition));

    #[doc = " Sets one additional field, parsing `value` against its definition."]
    fn set_field(id: Id, key: Key, value: FieldInputValue) -> Contact = |book| {
        let value = value.named(&key.0)?;
        Ok(Contact(book.set_field(&id.0, &key.0, value)?))
    };

    #[doc = " Clears one additional field."]
    fn clear_field(id: Id, key: Key) -> Contact = |book|
        Ok(Contact(book.clear_field(&id.0, &key.0)?));

    // -- activity ---------------------------------------------------------------

    #[doc = " Records a message sent to the contact, or a status update of one already"]
    #[doc = " recorded (same `messageId`; the status only moves forward)."]
    fn record_campaign(id: Id, input: CampaignInput) -> CampaignActivity = |book|
        Ok(CampaignActivity(book.record_campaign(&id.0, input.0)?));

    #[doc = " Records an event the contact triggered."]
    fn record_event(id: Id, input: EventInput) -> EventActivity = |book|
        Ok(EventActivity(book.record_event(&id.0, input.0)?));

    #[doc = " Records an order, or updates the order already recorded under its"]
    #[doc = " `externalId`. Money crosses as decimal strings."]
    fn record_order(id: Id, input: OrderInput) -> OrderActivity = |book|
        Ok(OrderActivity(book.record_order(&id.0, input.0)?));

    #[doc = " The contact's timeline, newest first: `category` (`all`), `period` (`30d`) or"]
    #[doc = " an explicit `since`/`until`, `limit` (50) and `cursor` (a `nextCursor`)."]
    #[doc = " Orders always cover the full history."]
    fn activity(id: Id, query: Option<ActivityQuery>) -> Page<Activity> = |book| {
        let query = query.map(|q| q.0).unwrap_or_default();
        Ok(Page::of(book.activity(&id.0, &query)?, Activity))
    };
}
