//! `ContactBook` for JavaScript: every operation of the vocabulary in camelCase.
//! Each method reads its arguments, calls the core and converts the answer; no
//! domain logic lives here. Every export is `catch_unwind`: a Rust panic is thrown as
//! an `Error`, never a crashed process.

use crate::convert::{from_js, options_from_js, text, Js};
use crate::errors::{closed, Failure, Result};
use crate::import::ImportTask;
use chrono::{DateTime, Utc};
use contactkit as core;
use contactkit::{
    Activity, ActivityQuery, CampaignInput, Category, Channel, Contact, ContactInput, DedupeOn,
    DeviceInput, EventInput, FieldDefinition, FieldInput, FieldUpdate, ListQuery, ManualClock,
    OrderInput, Page, Segment, SendDecision, SqliteOptions, SuppressionKind, SuppressionRecord,
    Telegram, WebPushInput,
};
use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How a book is opened.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct BookOptions {
    /// Region (ISO 3166-1 alpha-2) national phone numbers are read in.
    default_region: Option<String>,
    /// Starts a manual clock at this instant instead of the system clock.
    clock: Option<DateTime<Utc>>,
}

/// How a SQLite book is opened: [`BookOptions`] and the file's settings.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OpenOptions {
    default_region: Option<String>,
    clock: Option<DateTime<Utc>>,
    /// `normal` (the default) or `full`: whether a commit survives power loss.
    durability: Option<String>,
    /// How long a write waits for another connection's write lock (30 s by default).
    busy_timeout_ms: Option<u32>,
}

impl OpenOptions {
    /// The book's options and the file's settings, the durability checked by name.
    fn split(self) -> Result<(BookOptions, SqliteOptions)> {
        let mut sqlite = SqliteOptions::default();
        if let Some(durability) = &self.durability {
            sqlite.durability = durability.parse()?;
        }
        if let Some(millis) = self.busy_timeout_ms {
            sqlite.busy_timeout = Duration::from_millis(millis.into());
        }
        let book = BookOptions {
            default_region: self.default_region,
            clock: self.clock,
        };
        Ok((book, sqlite))
    }
}

/// `upsert`'s options.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct UpsertOptions {
    dedupe_on: Option<DedupeOn>,
}

/// A book of contact profiles: a SQLite file (`ContactBook.open(path)`) or memory
/// (`ContactBook.inMemory()`). Every operation is synchronous, atomic and bounded by
/// paging, except `importContacts`, which runs on the libuv thread pool.
#[napi]
pub struct ContactBook {
    book: RwLock<Option<Arc<core::ContactBook>>>,
    clock: Option<Arc<ManualClock>>,
}

impl ContactBook {
    fn configured(book: core::ContactBook, options: BookOptions) -> Result<Self> {
        let clock = options.clock.map(|at| Arc::new(ManualClock::new(at)));
        let mut book = match &clock {
            Some(clock) => book.with_clock(clock.clone()),
            None => book,
        };
        if let Some(region) = &options.default_region {
            book = book.with_default_region(region)?;
        }
        Ok(ContactBook {
            book: RwLock::new(Some(Arc::new(book))),
            clock,
        })
    }

    /// The open book, shared (an import holds it while the book may be closed).
    pub(crate) fn shared(&self) -> Result<Arc<core::ContactBook>> {
        self.book
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .ok_or_else(|| closed().into())
    }

    /// Runs `work` on the open book, turning failures into thrown errors.
    fn with<T>(
        &self,
        env: &Env,
        work: impl FnOnce(&core::ContactBook) -> Result<T>,
    ) -> napi::Result<T> {
        self.shared()
            .and_then(|book| work(&book))
            .map_err(|failure| failure.into_napi(env))
    }
}

/// Reads an input argument.
fn arg<T: DeserializeOwned>(env: &Env, value: Unknown<'_>, name: Option<&str>) -> Result<T> {
    unsafe { from_js(env.raw(), value.raw(), name) }
}

/// Reads an optional options argument.
fn options<T: DeserializeOwned + Default>(env: &Env, value: Option<Unknown<'_>>) -> Result<T> {
    unsafe { options_from_js(env.raw(), value.map(|v| v.raw())) }
}

/// A string argument named `field` (camelCase in errors); anything else is a
/// `VALIDATION` error naming it.
fn string(env: &Env, value: Unknown<'_>, field: &str) -> Result<String> {
    unsafe { text(env.raw(), value.raw(), field) }
}

/// An optional string argument: `undefined` and `null` are none.
fn optional_string(env: &Env, value: Option<Unknown<'_>>, field: &str) -> Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(value) => match value.get_type()? {
            napi::ValueType::Undefined | napi::ValueType::Null => Ok(None),
            _ => string(env, value, field).map(Some),
        },
    }
}

/// A channel from its name (`email`, `sms`, `mobile_push`, `web_push`, `telegram`).
fn channel(env: &Env, value: Unknown<'_>) -> Result<Channel> {
    Ok(string(env, value, "channel")?.parse()?)
}

fn thrown<T>(env: &Env, result: Result<T>) -> napi::Result<T> {
    result.map_err(|failure| failure.into_napi(env))
}

#[napi]
impl ContactBook {
    /// Opens (or creates) the SQLite book at `path`. A file that is not a ContactKit
    /// database is a `STORAGE` error and is left untouched. `durability` (`normal`,
    /// `full`) and `busyTimeoutMs` set the file's commit durability and how long a
    /// write waits for another connection's lock.
    #[napi(
        factory,
        catch_unwind,
        ts_args_type = "path: string, options?: OpenOptions | null"
    )]
    pub fn open(env: Env, path: Unknown<'_>, options: Option<Unknown<'_>>) -> napi::Result<Self> {
        thrown(&env, {
            let path = string(&env, path, "path");
            let options = path.and_then(|path| {
                let options: OpenOptions = self::options(&env, options)?;
                Ok((path, options.split()?))
            });
            options.and_then(|(path, (options, sqlite))| {
                let region = options.default_region.as_deref();
                let book = core::ContactBook::open_in_region(&path, &sqlite, region)?;
                Self::configured(book, options)
            })
        })
    }

    /// A book kept in process memory (nothing survives the process).
    #[napi(factory, catch_unwind, ts_args_type = "options?: BookOptions | null")]
    pub fn in_memory(env: Env, options: Option<Unknown<'_>>) -> napi::Result<Self> {
        thrown(
            &env,
            self::options(&env, options)
                .and_then(|options| Self::configured(core::ContactBook::in_memory(), options)),
        )
    }

    /// Closes the book: later calls throw a `STORAGE` error. An import still running
    /// finishes first; the file is released when it has.
    #[napi(catch_unwind)]
    pub fn close(&self) {
        self.book
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
    }

    /// True once `close()` was called.
    #[napi(getter, catch_unwind)]
    pub fn closed(&self) -> bool {
        self.book
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_none()
    }

    /// The current time on the book's clock.
    #[napi(catch_unwind, ts_return_type = "Date")]
    pub fn now(&self, env: Env) -> napi::Result<Js<DateTime<Utc>>> {
        self.with(&env, |book| Ok(Js(book.now())))
    }

    /// Sets the manual clock of a book opened with `{ clock }` (tests, simulations).
    #[napi(catch_unwind, ts_args_type = "at: Date")]
    pub fn set_clock(&self, env: Env, at: Unknown<'_>) -> napi::Result<()> {
        thrown(&env, {
            arg::<DateTime<Utc>>(&env, at, Some("at")).and_then(|at| match &self.clock {
                Some(clock) => {
                    clock.set(at);
                    Ok(())
                }
                None => Err(Failure::Core(core::Error::validation(
                    "clock",
                    "",
                    "the book was opened without { clock }: it follows the system clock",
                ))),
            })
        })
    }

    // -- profile ------------------------------------------------------------

    /// Creates a contact. A `CONFLICT` if its email, phone, external id or contact key
    /// belongs to another contact.
    #[napi(
        catch_unwind,
        ts_args_type = "input: ContactInput",
        ts_return_type = "Contact"
    )]
    pub fn create(&self, env: Env, input: Unknown<'_>) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            Ok(Js(book.create(arg::<ContactInput>(&env, input, None)?)?))
        })
    }

    /// Updates the contact matched by `dedupeOn` (default `email`), or creates one.
    /// Keys absent from the input keep their values; keys given as `null` are cleared.
    #[napi(
        catch_unwind,
        ts_args_type = "input: ContactInput, options?: UpsertOptions | null",
        ts_return_type = "Contact"
    )]
    pub fn upsert(
        &self,
        env: Env,
        input: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let input = arg::<ContactInput>(&env, input, None)?;
            let options: UpsertOptions = self::options(&env, options)?;
            Ok(Js(
                book.upsert(input, options.dedupe_on.unwrap_or_default())?
            ))
        })
    }

    /// Adds a contact from a sign-up form: a new email or phone is `unconfirmed` until
    /// `confirm`.
    #[napi(
        catch_unwind,
        ts_args_type = "input: ContactInput",
        ts_return_type = "Contact"
    )]
    pub fn sign_up(&self, env: Env, input: Unknown<'_>) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            Ok(Js(book.sign_up(arg::<ContactInput>(&env, input, None)?)?))
        })
    }

    /// Changes a live contact: absent keys stay, `null` keys are cleared.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, patch: ContactInput",
        ts_return_type = "Contact"
    )]
    pub fn update(
        &self,
        env: Env,
        id: Unknown<'_>,
        patch: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            Ok(Js(
                book.update(&id, arg::<ContactInput>(&env, patch, None)?)?
            ))
        })
    }

    /// The live contact with `id`, or `null`.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string",
        ts_return_type = "Contact | null"
    )]
    pub fn get(&self, env: Env, id: Unknown<'_>) -> napi::Result<Js<Option<Contact>>> {
        self.with(&env, |book| Ok(Js(book.get(&string(&env, id, "id")?)?)))
    }

    /// The live contact with this email (normalised first), or `null`.
    #[napi(
        catch_unwind,
        ts_args_type = "email: string",
        ts_return_type = "Contact | null"
    )]
    pub fn find_by_email(&self, env: Env, email: Unknown<'_>) -> napi::Result<Js<Option<Contact>>> {
        self.with(&env, |book| {
            Ok(Js(book.find_by_email(&string(&env, email, "email")?)?))
        })
    }

    /// The live contact with this phone (international, or national in the default
    /// region), or `null`.
    #[napi(
        catch_unwind,
        ts_args_type = "phone: string",
        ts_return_type = "Contact | null"
    )]
    pub fn find_by_phone(&self, env: Env, phone: Unknown<'_>) -> napi::Result<Js<Option<Contact>>> {
        self.with(&env, |book| {
            Ok(Js(book.find_by_phone(&string(&env, phone, "phone")?)?))
        })
    }

    /// The live contact with this contact key, or `null`.
    #[napi(
        catch_unwind,
        ts_args_type = "contactKey: string",
        ts_return_type = "Contact | null"
    )]
    pub fn find_by_key(
        &self,
        env: Env,
        contact_key: Unknown<'_>,
    ) -> napi::Result<Js<Option<Contact>>> {
        self.with(&env, |book| {
            Ok(Js(book.find_by_key(&string(
                &env,
                contact_key,
                "contact_key",
            )?)?))
        })
    }

    /// The live contact with this external id, or `null`.
    #[napi(
        catch_unwind,
        ts_args_type = "externalId: string",
        ts_return_type = "Contact | null"
    )]
    pub fn find_by_external_id(
        &self,
        env: Env,
        external_id: Unknown<'_>,
    ) -> napi::Result<Js<Option<Contact>>> {
        self.with(&env, |book| {
            let external_id = string(&env, external_id, "external_id")?;
            Ok(Js(book.find_by_external_id(&external_id)?))
        })
    }

    /// The live contact holding a mobile push device with this token, or `null`.
    #[napi(
        catch_unwind,
        ts_args_type = "token: string",
        ts_return_type = "Contact | null"
    )]
    pub fn find_by_push_token(
        &self,
        env: Env,
        token: Unknown<'_>,
    ) -> napi::Result<Js<Option<Contact>>> {
        self.with(&env, |book| {
            Ok(Js(book.find_by_push_token(&string(&env, token, "token")?)?))
        })
    }

    /// The live contact holding the web push subscription with this endpoint
    /// (normalised as it is stored: `HTTPS://Push.example.com/a` finds
    /// `https://push.example.com/a`), or `null`. A value that is not an https URL is a
    /// `VALIDATION` error on `endpoint`.
    #[napi(
        catch_unwind,
        ts_args_type = "endpoint: string",
        ts_return_type = "Contact | null"
    )]
    pub fn find_by_web_push_endpoint(
        &self,
        env: Env,
        endpoint: Unknown<'_>,
    ) -> napi::Result<Js<Option<Contact>>> {
        self.with(&env, |book| {
            let endpoint = string(&env, endpoint, "endpoint")?;
            Ok(Js(book.find_by_web_push_endpoint(&endpoint)?))
        })
    }

    /// Soft-deletes a contact: hidden from `get`, the finders and lists until
    /// restored; its email and phone stay reserved.
    #[napi(catch_unwind, ts_args_type = "id: string")]
    pub fn delete(&self, env: Env, id: Unknown<'_>) -> napi::Result<()> {
        self.with(&env, |book| Ok(book.delete(&string(&env, id, "id")?)?))
    }

    /// Brings back a soft-deleted contact.
    #[napi(catch_unwind, ts_args_type = "id: string", ts_return_type = "Contact")]
    pub fn restore(&self, env: Env, id: Unknown<'_>) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| Ok(Js(book.restore(&string(&env, id, "id")?)?)))
    }

    /// Live contacts in creation order, a page at a time (`limit` 100 by default, at
    /// most 1000; pass the previous page's `nextCursor` as `cursor`).
    #[napi(
        catch_unwind,
        ts_args_type = "query?: ListQuery | null",
        ts_return_type = "Page<Contact>"
    )]
    pub fn list(&self, env: Env, query: Option<Unknown<'_>>) -> napi::Result<Js<Page<Contact>>> {
        self.with(&env, |book| {
            let query: ListQuery = options(&env, query)?;
            Ok(Js(book.list(&query)?))
        })
    }

    /// How many live contacts the book holds.
    #[napi(catch_unwind)]
    pub fn count(&self, env: Env) -> napi::Result<f64> {
        self.with(&env, |book| Ok(book.count()? as f64))
    }

    /// Upserts every row on the libuv thread pool and resolves with the report;
    /// `onProgress(done)` is called after every batch of 4000 rows. A rejected row
    /// writes nothing and the import goes on; a storage failure (or an exception
    /// thrown by `onProgress`) stops it and rejects the promise.
    #[napi(
        catch_unwind,
        ts_args_type = "rows: ContactInput[], options?: ImportOptions | null",
        ts_return_type = "Promise<ImportReport>"
    )]
    pub fn import_contacts(
        &self,
        env: Env,
        rows: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<AsyncTask<ImportTask>> {
        let task = self
            .shared()
            .and_then(|book| ImportTask::new(&env, book, rows, options));
        thrown(&env, task).map(AsyncTask::new)
    }

    // -- channels -----------------------------------------------------------

    /// Registers (or refreshes) a push device; its token moves off any other contact.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, device: DeviceInput",
        ts_return_type = "Contact"
    )]
    pub fn add_mobile_push(
        &self,
        env: Env,
        id: Unknown<'_>,
        device: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let device = arg::<DeviceInput>(&env, device, Some("device"))?;
            Ok(Js(book.add_mobile_push(&id, device)?))
        })
    }

    /// Removes the device holding `token`.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, token: string",
        ts_return_type = "Contact"
    )]
    pub fn remove_mobile_push(
        &self,
        env: Env,
        id: Unknown<'_>,
        token: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, token) = (string(&env, id, "id")?, string(&env, token, "token")?);
            Ok(Js(book.remove_mobile_push(&id, &token)?))
        })
    }

    /// Records an app installed on a device, with or without a push token.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, device: DeviceInput",
        ts_return_type = "Contact"
    )]
    pub fn register_app(
        &self,
        env: Env,
        id: Unknown<'_>,
        device: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let device = arg::<DeviceInput>(&env, device, Some("device"))?;
            Ok(Js(book.register_app(&id, device)?))
        })
    }

    /// Removes an app: every device registered for it on this contact.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, appId: string",
        ts_return_type = "Contact"
    )]
    pub fn remove_app(
        &self,
        env: Env,
        id: Unknown<'_>,
        app_id: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, app_id) = (string(&env, id, "id")?, string(&env, app_id, "app_id")?);
            Ok(Js(book.remove_app(&id, &app_id)?))
        })
    }

    /// Registers (or refreshes) a web push subscription (keys flat or nested under
    /// `keys`, as `PushSubscription.toJSON()` gives them).
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, subscription: WebPushInput",
        ts_return_type = "Contact"
    )]
    pub fn add_web_push(
        &self,
        env: Env,
        id: Unknown<'_>,
        subscription: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let subscription = arg::<WebPushInput>(&env, subscription, Some("subscription"))?;
            Ok(Js(book.add_web_push(&id, subscription)?))
        })
    }

    /// Removes the subscription with `endpoint`.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, endpoint: string",
        ts_return_type = "Contact"
    )]
    pub fn remove_web_push(
        &self,
        env: Env,
        id: Unknown<'_>,
        endpoint: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let endpoint = string(&env, endpoint, "endpoint")?;
            Ok(Js(book.remove_web_push(&id, &endpoint)?))
        })
    }

    /// Binds the contact to a Telegram chat, or unbinds it with `null`.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, telegram: Telegram | null",
        ts_return_type = "Contact"
    )]
    pub fn set_telegram(
        &self,
        env: Env,
        id: Unknown<'_>,
        telegram: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let telegram = arg::<Option<Telegram>>(&env, telegram, Some("telegram"))?;
            Ok(Js(book.set_telegram(&id, telegram)?))
        })
    }

    // -- consent ------------------------------------------------------------

    /// Blacklists the contact's address on `channel` (reason `manual` when none).
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, channel: Channel, reason?: string | null",
        ts_return_type = "Contact"
    )]
    pub fn blacklist(
        &self,
        env: Env,
        id: Unknown<'_>,
        channel: Unknown<'_>,
        reason: Option<Unknown<'_>>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, channel) = (string(&env, id, "id")?, self::channel(&env, channel)?);
            let reason = optional_string(&env, reason, "reason")?;
            Ok(Js(book.blacklist(&id, channel, reason.as_deref())?))
        })
    }

    /// Lifts a blacklist; the note is required and kept on the record.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, channel: Channel, note: string",
        ts_return_type = "Contact"
    )]
    pub fn unblacklist(
        &self,
        env: Env,
        id: Unknown<'_>,
        channel: Unknown<'_>,
        note: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, channel) = (string(&env, id, "id")?, self::channel(&env, channel)?);
            let note = string(&env, note, "note")?;
            Ok(Js(book.unblacklist(&id, channel, &note)?))
        })
    }

    /// Records that the person opted out of `channel`.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, channel: Channel, reason?: string | null",
        ts_return_type = "Contact"
    )]
    pub fn unsubscribe(
        &self,
        env: Env,
        id: Unknown<'_>,
        channel: Unknown<'_>,
        reason: Option<Unknown<'_>>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, channel) = (string(&env, id, "id")?, self::channel(&env, channel)?);
            let reason = optional_string(&env, reason, "reason")?;
            Ok(Js(book.unsubscribe(&id, channel, reason.as_deref())?))
        })
    }

    /// The person opts back in: lifts their unsubscribe and spam complaint.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, channel: Channel, note?: string | null",
        ts_return_type = "Contact"
    )]
    pub fn resubscribe(
        &self,
        env: Env,
        id: Unknown<'_>,
        channel: Unknown<'_>,
        note: Option<Unknown<'_>>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, channel) = (string(&env, id, "id")?, self::channel(&env, channel)?);
            let note = optional_string(&env, note, "note")?;
            Ok(Js(book.resubscribe(&id, channel, note.as_deref())?))
        })
    }

    /// Records that the person reported a message on `channel` as spam, with the
    /// complaint's `reason` (a feedback loop's report type, free text) when given.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, channel: Channel, reason?: string | null",
        ts_return_type = "Contact"
    )]
    pub fn report_spam(
        &self,
        env: Env,
        id: Unknown<'_>,
        channel: Unknown<'_>,
        reason: Option<Unknown<'_>>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, channel) = (string(&env, id, "id")?, self::channel(&env, channel)?);
            let reason = optional_string(&env, reason, "reason")?;
            Ok(Js(book.report_spam(&id, channel, reason.as_deref())?))
        })
    }

    /// Records a suppression of an email (`email`) or phone (`sms`) that no contact
    /// may hold yet: another sender's suppression list, an import of unsubscribes. A
    /// contact that takes the address later is suppressed. Recording the same kind
    /// again is a no-op (the first date and reason stand). Returns every record now
    /// kept for the address on `channel`, oldest first. Push and Telegram channels are
    /// a `VALIDATION` error on `channel`: their suppressions belong to a contact.
    #[napi(
        catch_unwind,
        ts_args_type = "channel: Channel, address: string, kind: SuppressionKind, reason?: string | null",
        ts_return_type = "SuppressionRecord[]"
    )]
    pub fn suppress_address(
        &self,
        env: Env,
        channel: Unknown<'_>,
        address: Unknown<'_>,
        kind: Unknown<'_>,
        reason: Option<Unknown<'_>>,
    ) -> napi::Result<Js<Vec<SuppressionRecord>>> {
        self.with(&env, |book| {
            let channel = self::channel(&env, channel)?;
            let address = string(&env, address, "address")?;
            let kind = arg::<SuppressionKind>(&env, kind, Some("kind"))?;
            let reason = optional_string(&env, reason, "reason")?;
            Ok(Js(book.suppress_address(
                channel,
                &address,
                kind,
                reason.as_deref(),
            )?))
        })
    }

    /// Confirms a signed-up email (`email`) or phone (`sms`).
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, channel: Channel",
        ts_return_type = "Contact"
    )]
    pub fn confirm(
        &self,
        env: Env,
        id: Unknown<'_>,
        channel: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, channel) = (string(&env, id, "id")?, self::channel(&env, channel)?);
            Ok(Js(book.confirm(&id, channel)?))
        })
    }

    /// Every suppression record kept for `address` on `channel`, lifted ones too,
    /// oldest first (for push and Telegram channels the address is the contact id).
    #[napi(
        catch_unwind,
        ts_args_type = "channel: Channel, address: string",
        ts_return_type = "SuppressionRecord[]"
    )]
    pub fn suppressions(
        &self,
        env: Env,
        channel: Unknown<'_>,
        address: Unknown<'_>,
    ) -> napi::Result<Js<Vec<SuppressionRecord>>> {
        self.with(&env, |book| {
            let channel = self::channel(&env, channel)?;
            let address = string(&env, address, "address")?;
            Ok(Js(book.suppressions(channel, &address)?))
        })
    }

    /// May a message go to this contact on `channel` (and in `category`, a category
    /// key)? `who` is any identifier a lookup takes: the contact's id (any case),
    /// email, phone, external id or contact key. An unknown or deleted contact is an
    /// answer (`unknown_contact`), not an error; an undefined category is `NOT_FOUND`.
    #[napi(
        catch_unwind,
        ts_args_type = "who: string, channel: Channel, category?: string | null",
        ts_return_type = "SendDecision"
    )]
    pub fn can_send(
        &self,
        env: Env,
        who: Unknown<'_>,
        channel: Unknown<'_>,
        category: Option<Unknown<'_>>,
    ) -> napi::Result<Js<SendDecision>> {
        self.with(&env, |book| {
            let (who, channel) = (string(&env, who, "who")?, self::channel(&env, channel)?);
            let category = optional_string(&env, category, "category")?;
            Ok(Js(book.can_send(&who, channel, category.as_deref())?))
        })
    }

    /// `canSend` for many recipients in one read (one snapshot of the book): one
    /// decision per identifier, in order. At most 1000 identifiers (a longer list is
    /// a `VALIDATION` error on `ids`); each may be any identifier `canSend` takes.
    #[napi(
        catch_unwind,
        ts_args_type = "ids: string[], channel: Channel, category?: string | null",
        ts_return_type = "SendDecision[]"
    )]
    pub fn can_send_many(
        &self,
        env: Env,
        ids: Unknown<'_>,
        channel: Unknown<'_>,
        category: Option<Unknown<'_>>,
    ) -> napi::Result<Js<Vec<SendDecision>>> {
        self.with(&env, |book| {
            let ids = arg::<Vec<String>>(&env, ids, Some("ids"))?;
            let channel = self::channel(&env, channel)?;
            let category = optional_string(&env, category, "category")?;
            let decisions = book.can_send_many(&ids, channel, category.as_deref())?;
            Ok(Js(decisions))
        })
    }

    // -- categories and segments -----------------------------------------------

    /// Defines a subscription category; its key is the slug of the title and a
    /// segment of the same name is created with it.
    #[napi(
        catch_unwind,
        ts_args_type = "title: string",
        ts_return_type = "Category"
    )]
    pub fn define_category(&self, env: Env, title: Unknown<'_>) -> napi::Result<Js<Category>> {
        self.with(&env, |book| {
            Ok(Js(book.define_category(&string(&env, title, "title")?)?))
        })
    }

    /// Every category, by key.
    #[napi(catch_unwind, ts_return_type = "Category[]")]
    pub fn categories(&self, env: Env) -> napi::Result<Js<Vec<Category>>> {
        self.with(&env, |book| Ok(Js(book.categories()?)))
    }

    /// Renames the category `key`; its key stays (integrations use it) and its
    /// segment takes the new title too. A title another segment has is a `CONFLICT`.
    #[napi(
        catch_unwind,
        ts_args_type = "key: string, title: string",
        ts_return_type = "Category"
    )]
    pub fn update_category(
        &self,
        env: Env,
        key: Unknown<'_>,
        title: Unknown<'_>,
    ) -> napi::Result<Js<Category>> {
        self.with(&env, |book| {
            let (key, title) = (string(&env, key, "key")?, string(&env, title, "title")?);
            Ok(Js(book.update_category(&key, &title)?))
        })
    }

    /// Deletes the category `key`, its segment and every contact's subscription to it.
    #[napi(catch_unwind, ts_args_type = "key: string")]
    pub fn delete_category(&self, env: Env, key: Unknown<'_>) -> napi::Result<()> {
        self.with(&env, |book| {
            Ok(book.delete_category(&string(&env, key, "key")?)?)
        })
    }

    /// Subscribes the contact to the category `key`.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, key: string",
        ts_return_type = "Contact"
    )]
    pub fn add_category(
        &self,
        env: Env,
        id: Unknown<'_>,
        key: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, key) = (string(&env, id, "id")?, string(&env, key, "key")?);
            Ok(Js(book.add_category(&id, &key)?))
        })
    }

    /// Unsubscribes the contact from the category `key`.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, key: string",
        ts_return_type = "Contact"
    )]
    pub fn remove_category(
        &self,
        env: Env,
        id: Unknown<'_>,
        key: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, key) = (string(&env, id, "id")?, string(&env, key, "key")?);
            Ok(Js(book.remove_category(&id, &key)?))
        })
    }

    /// Creates a static segment with a unique name.
    #[napi(
        catch_unwind,
        ts_args_type = "name: string",
        ts_return_type = "Segment"
    )]
    pub fn create_segment(&self, env: Env, name: Unknown<'_>) -> napi::Result<Js<Segment>> {
        self.with(&env, |book| {
            Ok(Js(book.create_segment(&string(&env, name, "name")?)?))
        })
    }

    /// Renames a static segment (a category's segment is renamed with its category:
    /// `updateCategory`; renaming it here is a `VALIDATION` error on `segment`).
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, name: string",
        ts_return_type = "Segment"
    )]
    pub fn update_segment(
        &self,
        env: Env,
        id: Unknown<'_>,
        name: Unknown<'_>,
    ) -> napi::Result<Js<Segment>> {
        self.with(&env, |book| {
            let (id, name) = (string(&env, id, "id")?, string(&env, name, "name")?);
            Ok(Js(book.update_segment(&id, &name)?))
        })
    }

    /// Deletes a static segment and every membership in it (a category's segment
    /// goes with its category: `deleteCategory`).
    #[napi(catch_unwind, ts_args_type = "id: string")]
    pub fn delete_segment(&self, env: Env, id: Unknown<'_>) -> napi::Result<()> {
        self.with(&env, |book| {
            Ok(book.delete_segment(&string(&env, id, "id")?)?)
        })
    }

    /// Every segment (static and category-backed), in creation order.
    #[napi(catch_unwind, ts_return_type = "Segment[]")]
    pub fn segments(&self, env: Env) -> napi::Result<Js<Vec<Segment>>> {
        self.with(&env, |book| Ok(Js(book.segments()?)))
    }

    /// Adds the contact to a static segment.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, segmentId: string",
        ts_return_type = "Contact"
    )]
    pub fn add_to_segment(
        &self,
        env: Env,
        id: Unknown<'_>,
        segment_id: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let segment_id = string(&env, segment_id, "segment_id")?;
            Ok(Js(book.add_to_segment(&id, &segment_id)?))
        })
    }

    /// Removes the contact from a static segment.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, segmentId: string",
        ts_return_type = "Contact"
    )]
    pub fn remove_from_segment(
        &self,
        env: Env,
        id: Unknown<'_>,
        segment_id: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let segment_id = string(&env, segment_id, "segment_id")?;
            Ok(Js(book.remove_from_segment(&id, &segment_id)?))
        })
    }

    /// Live members of a segment in creation order, a page at a time.
    #[napi(
        catch_unwind,
        ts_args_type = "segmentId: string, query?: ListQuery | null",
        ts_return_type = "Page<Contact>"
    )]
    pub fn segment_members(
        &self,
        env: Env,
        segment_id: Unknown<'_>,
        query: Option<Unknown<'_>>,
    ) -> napi::Result<Js<Page<Contact>>> {
        self.with(&env, |book| {
            let segment_id = string(&env, segment_id, "segment_id")?;
            let query: ListQuery = options(&env, query)?;
            Ok(Js(book.segment_members(&segment_id, &query)?))
        })
    }

    // -- additional fields ------------------------------------------------------

    /// Defines an additional field (the same definition again is a no-op).
    #[napi(
        catch_unwind,
        ts_args_type = "definition: FieldDefinitionInput",
        ts_return_type = "FieldDefinition"
    )]
    pub fn define_field(
        &self,
        env: Env,
        definition: Unknown<'_>,
    ) -> napi::Result<Js<FieldDefinition>> {
        self.with(&env, |book| {
            let definition = arg::<FieldDefinition>(&env, definition, None)?;
            Ok(Js(book.define_field(definition)?))
        })
    }

    /// Renames a field (`title`) and adds options at the end of a list or multilist
    /// field's (`addOptions`); no option is ever taken away, so what contacts hold
    /// stays valid.
    #[napi(
        catch_unwind,
        ts_args_type = "key: string, update: FieldUpdate",
        ts_return_type = "FieldDefinition"
    )]
    pub fn update_field(
        &self,
        env: Env,
        key: Unknown<'_>,
        update: Unknown<'_>,
    ) -> napi::Result<Js<FieldDefinition>> {
        self.with(&env, |book| {
            let key = string(&env, key, "key")?;
            let update = arg::<FieldUpdate>(&env, update, None)?;
            Ok(Js(book.update_field(&key, update)?))
        })
    }

    /// Deletes a field definition and every contact's value of it.
    #[napi(catch_unwind, ts_args_type = "key: string")]
    pub fn delete_field(&self, env: Env, key: Unknown<'_>) -> napi::Result<()> {
        self.with(&env, |book| {
            Ok(book.delete_field(&string(&env, key, "key")?)?)
        })
    }

    /// Every field definition, by key.
    #[napi(catch_unwind, ts_return_type = "FieldDefinition[]")]
    pub fn field_definitions(&self, env: Env) -> napi::Result<Js<Vec<FieldDefinition>>> {
        self.with(&env, |book| Ok(Js(book.field_definitions()?)))
    }

    /// Sets one additional field, parsing `value` against its definition.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, key: string, value: FieldInputValue",
        ts_return_type = "Contact"
    )]
    pub fn set_field(
        &self,
        env: Env,
        id: Unknown<'_>,
        key: Unknown<'_>,
        value: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, key) = (string(&env, id, "id")?, string(&env, key, "key")?);
            let value = arg::<FieldInput>(&env, value, Some(&format!("fields.{key}")))?;
            Ok(Js(book.set_field(&id, &key, value)?))
        })
    }

    /// Clears one additional field.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, key: string",
        ts_return_type = "Contact"
    )]
    pub fn clear_field(
        &self,
        env: Env,
        id: Unknown<'_>,
        key: Unknown<'_>,
    ) -> napi::Result<Js<Contact>> {
        self.with(&env, |book| {
            let (id, key) = (string(&env, id, "id")?, string(&env, key, "key")?);
            Ok(Js(book.clear_field(&id, &key)?))
        })
    }

    // -- activity ---------------------------------------------------------------

    /// Records a message sent to the contact, or a status update of one already
    /// recorded (same `messageId`; the status only moves forward).
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, input: CampaignInput",
        ts_return_type = "CampaignActivity"
    )]
    pub fn record_campaign(
        &self,
        env: Env,
        id: Unknown<'_>,
        input: Unknown<'_>,
    ) -> napi::Result<Js<Activity>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let input = arg::<CampaignInput>(&env, input, None)?;
            Ok(Js(book.record_campaign(&id, input)?))
        })
    }

    /// Records an event the contact triggered.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, input: EventInput",
        ts_return_type = "EventActivity"
    )]
    pub fn record_event(
        &self,
        env: Env,
        id: Unknown<'_>,
        input: Unknown<'_>,
    ) -> napi::Result<Js<Activity>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let input = arg::<EventInput>(&env, input, None)?;
            Ok(Js(book.record_event(&id, input)?))
        })
    }

    /// Records an order, or updates the order already recorded under its
    /// `externalId`. Money crosses as decimal strings.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, input: OrderInput",
        ts_return_type = "OrderActivity"
    )]
    pub fn record_order(
        &self,
        env: Env,
        id: Unknown<'_>,
        input: Unknown<'_>,
    ) -> napi::Result<Js<Activity>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let input = arg::<OrderInput>(&env, input, None)?;
            Ok(Js(book.record_order(&id, input)?))
        })
    }

    /// The contact's timeline, newest first: `category` (`all`), `period` (`30d`) or
    /// an explicit `since`/`until`, `limit` (50) and `cursor` (a `nextCursor`).
    /// Orders always cover the full history.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, query?: ActivityQuery | null",
        ts_return_type = "Page<Activity>"
    )]
    pub fn activity(
        &self,
        env: Env,
        id: Unknown<'_>,
        query: Option<Unknown<'_>>,
    ) -> napi::Result<Js<Page<Activity>>> {
        self.with(&env, |book| {
            let id = string(&env, id, "id")?;
            let query: ActivityQuery = options(&env, query)?;
            Ok(Js(book.activity(&id, &query)?))
        })
    }
}
