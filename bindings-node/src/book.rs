//! `ContactBook` for JavaScript: every operation of the vocabulary in camelCase.
//! Each method takes typed arguments (read by [`crate::args`] before it runs), calls
//! the core and converts the answer ([`crate::write`]); no domain logic lives here.
//! Every method runs its work through [`ContactBook::with`], and every argument and
//! answer through [`crate::errors::guard`]: a Rust panic is thrown as an `Error`
//! with `code: 'INTERNAL'`, never a crashed process.

use crate::args::{
    ActivityQuery, AppId, BookOptions, CampaignInput, CategoryKey, Channel, ChannelAddress,
    ContactInput, ContactInputs, ContactKey, ContactPatch, Date, DeviceInput, Email, Endpoint,
    EventInput, ExternalId, FieldDefinitionInput, FieldInputValue, FieldUpdate, Id, Ids,
    ImportOptions, Key, ListQuery, Name, Note, OpenOptions, OrderInput, Path, Phone, Reason,
    SegmentId, SuppressionKind, Telegram, Title, Token, UpsertOptions, WebPushInput, Who,
};
use crate::errors::{closed, guard, Failure, Result};
use crate::import::ImportTask;
use crate::write::{
    Activity, CampaignActivity, Category, Contact, EventActivity, FieldDefinition, OrderActivity,
    Page, Segment, SendDecision, SuppressionRecord,
};
use chrono::{DateTime, Utc};
use contactkit as core;
use contactkit::{ManualClock, SqliteOptions};
use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// A book of contact profiles: a SQLite file (`ContactBook.open(path)`) or memory
/// (`ContactBook.inMemory()`). Every operation is synchronous, atomic and bounded by
/// paging, except `importContacts`, which runs on the libuv thread pool.
#[napi]
pub struct ContactBook {
    book: RwLock<Option<Arc<core::ContactBook>>>,
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

    /// Closes the book: later calls throw a `STORAGE` error. An import still running
    /// finishes first; the file is released when it has.
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

    /// The current time on the book's clock.
    #[napi]
    pub fn now(&self, env: Env) -> napi::Result<Date> {
        self.with(&env, |book| Ok(Date(book.now())))
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

    // -- profile ------------------------------------------------------------

    /// Creates a contact. A `CONFLICT` if its email, phone, external id or contact key
    /// belongs to another contact.
    #[napi]
    pub fn create(&self, env: Env, input: ContactInput) -> napi::Result<Contact> {
        self.with(&env, |book| Ok(Contact(book.create(input.0)?)))
    }

    /// Updates the contact matched by `dedupeOn` (default `email`), or creates one.
    /// Keys absent from the input keep their values; keys given as `null` are cleared.
    #[napi]
    pub fn upsert(
        &self,
        env: Env,
        input: ContactInput,
        options: Option<UpsertOptions>,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            let dedupe_on = options.and_then(|o| o.0.dedupe_on).unwrap_or_default();
            Ok(Contact(book.upsert(input.0, dedupe_on)?))
        })
    }

    /// Adds a contact from a sign-up form: a new email or phone is `unconfirmed` until
    /// `confirm`.
    #[napi]
    pub fn sign_up(&self, env: Env, input: ContactInput) -> napi::Result<Contact> {
        self.with(&env, |book| Ok(Contact(book.sign_up(input.0)?)))
    }

    /// Changes a live contact: absent keys stay, `null` keys are cleared.
    #[napi]
    pub fn update(&self, env: Env, id: Id, patch: ContactPatch) -> napi::Result<Contact> {
        self.with(&env, |book| Ok(Contact(book.update(&id.0, patch.0)?)))
    }

    /// The live contact with `id`, or `null`.
    #[napi]
    pub fn get(&self, env: Env, id: Id) -> napi::Result<Option<Contact>> {
        self.with(&env, |book| Ok(book.get(&id.0)?.map(Contact)))
    }

    /// The live contact with this email (normalised first), or `null`.
    #[napi]
    pub fn find_by_email(&self, env: Env, email: Email) -> napi::Result<Option<Contact>> {
        self.with(&env, |book| Ok(book.find_by_email(&email.0)?.map(Contact)))
    }

    /// The live contact with this phone (international, or national in the default
    /// region), or `null`.
    #[napi]
    pub fn find_by_phone(&self, env: Env, phone: Phone) -> napi::Result<Option<Contact>> {
        self.with(&env, |book| Ok(book.find_by_phone(&phone.0)?.map(Contact)))
    }

    /// The live contact with this contact key, or `null`.
    #[napi]
    pub fn find_by_key(&self, env: Env, contact_key: ContactKey) -> napi::Result<Option<Contact>> {
        self.with(&env, |book| {
            Ok(book.find_by_key(&contact_key.0)?.map(Contact))
        })
    }

    /// The live contact with this external id, or `null`.
    #[napi]
    pub fn find_by_external_id(
        &self,
        env: Env,
        external_id: ExternalId,
    ) -> napi::Result<Option<Contact>> {
        self.with(&env, |book| {
            Ok(book.find_by_external_id(&external_id.0)?.map(Contact))
        })
    }

    /// The live contact holding a mobile push device with this token, or `null`.
    #[napi]
    pub fn find_by_push_token(&self, env: Env, token: Token) -> napi::Result<Option<Contact>> {
        self.with(&env, |book| {
            Ok(book.find_by_push_token(&token.0)?.map(Contact))
        })
    }

    /// The live contact holding the web push subscription with this endpoint
    /// (normalised as it is stored: `HTTPS://Push.example.com/a` finds
    /// `https://push.example.com/a`), or `null`. A value that is not an https URL is a
    /// `VALIDATION` error on `endpoint`.
    #[napi]
    pub fn find_by_web_push_endpoint(
        &self,
        env: Env,
        endpoint: Endpoint,
    ) -> napi::Result<Option<Contact>> {
        self.with(&env, |book| {
            Ok(book.find_by_web_push_endpoint(&endpoint.0)?.map(Contact))
        })
    }

    /// Soft-deletes a contact: hidden from `get`, the finders and lists until
    /// restored; its email and phone stay reserved.
    #[napi]
    pub fn delete(&self, env: Env, id: Id) -> napi::Result<()> {
        self.with(&env, |book| Ok(book.delete(&id.0)?))
    }

    /// Brings back a soft-deleted contact.
    #[napi]
    pub fn restore(&self, env: Env, id: Id) -> napi::Result<Contact> {
        self.with(&env, |book| Ok(Contact(book.restore(&id.0)?)))
    }

    /// Live contacts in creation order, a page at a time (`limit` 100 by default, at
    /// most 1000; pass the previous page's `nextCursor` as `cursor`).
    #[napi]
    pub fn list(&self, env: Env, query: Option<ListQuery>) -> napi::Result<Page<Contact>> {
        self.with(&env, |book| {
            let query = query.map(|q| q.0).unwrap_or_default();
            Ok(Page::of(book.list(&query)?, Contact))
        })
    }

    /// How many live contacts the book holds.
    #[napi]
    pub fn count(&self, env: Env) -> napi::Result<f64> {
        self.with(&env, |book| Ok(book.count()? as f64))
    }

    /// Upserts every row on the libuv thread pool and resolves with the report;
    /// `onProgress(done)` is called after every batch of 4000 rows. A rejected row
    /// writes nothing and the import goes on; a storage failure stops it and rejects
    /// the promise, and so does an exception thrown by `onProgress` after batch k
    /// (exactly those k batches are written).
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

    // -- channels -----------------------------------------------------------

    /// Registers (or refreshes) a push device; its token moves off any other contact.
    #[napi]
    pub fn add_mobile_push(&self, env: Env, id: Id, device: DeviceInput) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.add_mobile_push(&id.0, device.0)?))
        })
    }

    /// Removes the device holding `token`.
    #[napi]
    pub fn remove_mobile_push(&self, env: Env, id: Id, token: Token) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.remove_mobile_push(&id.0, &token.0)?))
        })
    }

    /// Records an app installed on a device, with or without a push token.
    #[napi]
    pub fn register_app(&self, env: Env, id: Id, device: DeviceInput) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.register_app(&id.0, device.0)?))
        })
    }

    /// Removes an app: every device registered for it on this contact.
    #[napi]
    pub fn remove_app(&self, env: Env, id: Id, app_id: AppId) -> napi::Result<Contact> {
        self.with(&env, |book| Ok(Contact(book.remove_app(&id.0, &app_id.0)?)))
    }

    /// Registers (or refreshes) a web push subscription (keys flat or nested under
    /// `keys`, as `PushSubscription.toJSON()` gives them).
    #[napi]
    pub fn add_web_push(
        &self,
        env: Env,
        id: Id,
        subscription: WebPushInput,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.add_web_push(&id.0, subscription.0)?))
        })
    }

    /// Removes the subscription with `endpoint`.
    #[napi]
    pub fn remove_web_push(&self, env: Env, id: Id, endpoint: Endpoint) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.remove_web_push(&id.0, &endpoint.0)?))
        })
    }

    /// Binds the contact to a Telegram chat, or unbinds it with `null`.
    #[napi]
    pub fn set_telegram(
        &self,
        env: Env,
        id: Id,
        telegram: Option<Telegram>,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.set_telegram(&id.0, telegram.map(|t| t.0))?))
        })
    }

    // -- consent ------------------------------------------------------------

    /// Blacklists the contact's address on `channel` (reason `manual` when none).
    #[napi]
    pub fn blacklist(
        &self,
        env: Env,
        id: Id,
        channel: Channel,
        reason: Option<Reason>,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            let reason = reason.map(|r| r.0);
            Ok(Contact(book.blacklist(
                &id.0,
                channel.0,
                reason.as_deref(),
            )?))
        })
    }

    /// Lifts a blacklist; the note is required and kept on the record.
    #[napi]
    pub fn unblacklist(
        &self,
        env: Env,
        id: Id,
        channel: Channel,
        note: Note,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.unblacklist(&id.0, channel.0, &note.0)?))
        })
    }

    /// Records that the person opted out of `channel`.
    #[napi]
    pub fn unsubscribe(
        &self,
        env: Env,
        id: Id,
        channel: Channel,
        reason: Option<Reason>,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            let reason = reason.map(|r| r.0);
            Ok(Contact(book.unsubscribe(
                &id.0,
                channel.0,
                reason.as_deref(),
            )?))
        })
    }

    /// The person opts back in: lifts their unsubscribe and spam complaint.
    #[napi]
    pub fn resubscribe(
        &self,
        env: Env,
        id: Id,
        channel: Channel,
        note: Option<Note>,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            let note = note.map(|n| n.0);
            Ok(Contact(book.resubscribe(
                &id.0,
                channel.0,
                note.as_deref(),
            )?))
        })
    }

    /// Records that the person reported a message on `channel` as spam, with the
    /// complaint's `reason` (a feedback loop's report type, free text) when given.
    #[napi]
    pub fn report_spam(
        &self,
        env: Env,
        id: Id,
        channel: Channel,
        reason: Option<Reason>,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            let reason = reason.map(|r| r.0);
            Ok(Contact(book.report_spam(
                &id.0,
                channel.0,
                reason.as_deref(),
            )?))
        })
    }

    /// Records a suppression of an email (`email`) or phone (`sms`) that no contact
    /// may hold yet: another sender's suppression list, an import of unsubscribes. A
    /// contact that takes the address later is suppressed. Recording the same kind
    /// again is a no-op (the first date and reason stand). Returns every record now
    /// kept for the address on `channel`, oldest first. Push and Telegram channels are
    /// a `VALIDATION` error on `channel`: their suppressions belong to a contact.
    #[napi]
    pub fn suppress_address(
        &self,
        env: Env,
        channel: Channel,
        address: ChannelAddress,
        kind: SuppressionKind,
        reason: Option<Reason>,
    ) -> napi::Result<Vec<SuppressionRecord>> {
        self.with(&env, |book| {
            let reason = reason.map(|r| r.0);
            let records =
                book.suppress_address(channel.0, &address.0, kind.0, reason.as_deref())?;
            Ok(each(records, SuppressionRecord))
        })
    }

    /// Confirms a signed-up email (`email`) or phone (`sms`).
    #[napi]
    pub fn confirm(&self, env: Env, id: Id, channel: Channel) -> napi::Result<Contact> {
        self.with(&env, |book| Ok(Contact(book.confirm(&id.0, channel.0)?)))
    }

    /// Every suppression record kept for `address` on `channel`, lifted ones too,
    /// oldest first (for push and Telegram channels the address is the contact id).
    #[napi]
    pub fn suppressions(
        &self,
        env: Env,
        channel: Channel,
        address: ChannelAddress,
    ) -> napi::Result<Vec<SuppressionRecord>> {
        self.with(&env, |book| {
            Ok(each(
                book.suppressions(channel.0, &address.0)?,
                SuppressionRecord,
            ))
        })
    }

    /// May a message go to this contact on `channel` (and in `category`, a category
    /// key)? `who` is any identifier a lookup takes: the contact's id (any case),
    /// email, phone, external id or contact key. An unknown or deleted contact is an
    /// answer (`unknown_contact`), not an error; an undefined category is `NOT_FOUND`.
    #[napi]
    pub fn can_send(
        &self,
        env: Env,
        who: Who,
        channel: Channel,
        category: Option<CategoryKey>,
    ) -> napi::Result<SendDecision> {
        self.with(&env, |book| {
            let category = category.map(|c| c.0);
            Ok(SendDecision(book.can_send(
                &who.0,
                channel.0,
                category.as_deref(),
            )?))
        })
    }

    /// `canSend` for many recipients in one read (one snapshot of the book): one
    /// decision per identifier, in order. At most 1000 identifiers (a longer list is
    /// a `VALIDATION` error on `ids`); each may be any identifier `canSend` takes.
    #[napi]
    pub fn can_send_many(
        &self,
        env: Env,
        ids: Ids,
        channel: Channel,
        category: Option<CategoryKey>,
    ) -> napi::Result<Vec<SendDecision>> {
        self.with(&env, |book| {
            let category = category.map(|c| c.0);
            let decisions = book.can_send_many(&ids.0, channel.0, category.as_deref())?;
            Ok(each(decisions, SendDecision))
        })
    }

    // -- categories and segments -----------------------------------------------

    /// Defines a subscription category; its key is the slug of the title and a
    /// segment of the same name is created with it.
    #[napi]
    pub fn define_category(&self, env: Env, title: Title) -> napi::Result<Category> {
        self.with(&env, |book| Ok(Category(book.define_category(&title.0)?)))
    }

    /// Every category, by key.
    #[napi]
    pub fn categories(&self, env: Env) -> napi::Result<Vec<Category>> {
        self.with(&env, |book| Ok(each(book.categories()?, Category)))
    }

    /// Renames the category `key`; its key stays (integrations use it) and its
    /// segment takes the new title too. A title another segment has is a `CONFLICT`.
    #[napi]
    pub fn update_category(&self, env: Env, key: Key, title: Title) -> napi::Result<Category> {
        self.with(&env, |book| {
            Ok(Category(book.update_category(&key.0, &title.0)?))
        })
    }

    /// Deletes the category `key`, its segment and every contact's subscription to it.
    #[napi]
    pub fn delete_category(&self, env: Env, key: Key) -> napi::Result<()> {
        self.with(&env, |book| Ok(book.delete_category(&key.0)?))
    }

    /// Subscribes the contact to the category `key`.
    #[napi]
    pub fn add_category(&self, env: Env, id: Id, key: Key) -> napi::Result<Contact> {
        self.with(&env, |book| Ok(Contact(book.add_category(&id.0, &key.0)?)))
    }

    /// Unsubscribes the contact from the category `key`.
    #[napi]
    pub fn remove_category(&self, env: Env, id: Id, key: Key) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.remove_category(&id.0, &key.0)?))
        })
    }

    /// Creates a static segment with a unique name.
    #[napi]
    pub fn create_segment(&self, env: Env, name: Name) -> napi::Result<Segment> {
        self.with(&env, |book| Ok(Segment(book.create_segment(&name.0)?)))
    }

    /// Renames a static segment (a category's segment is renamed with its category:
    /// `updateCategory`; renaming it here is a `VALIDATION` error on `segment`).
    #[napi]
    pub fn update_segment(&self, env: Env, id: Id, name: Name) -> napi::Result<Segment> {
        self.with(&env, |book| {
            Ok(Segment(book.update_segment(&id.0, &name.0)?))
        })
    }

    /// Deletes a static segment and every membership in it (a category's segment
    /// goes with its category: `deleteCategory`).
    #[napi]
    pub fn delete_segment(&self, env: Env, id: Id) -> napi::Result<()> {
        self.with(&env, |book| Ok(book.delete_segment(&id.0)?))
    }

    /// Every segment (static and category-backed), in creation order.
    #[napi]
    pub fn segments(&self, env: Env) -> napi::Result<Vec<Segment>> {
        self.with(&env, |book| Ok(each(book.segments()?, Segment)))
    }

    /// Adds the contact to a static segment.
    #[napi]
    pub fn add_to_segment(&self, env: Env, id: Id, segment_id: SegmentId) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.add_to_segment(&id.0, &segment_id.0)?))
        })
    }

    /// Removes the contact from a static segment.
    #[napi]
    pub fn remove_from_segment(
        &self,
        env: Env,
        id: Id,
        segment_id: SegmentId,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            Ok(Contact(book.remove_from_segment(&id.0, &segment_id.0)?))
        })
    }

    /// Live members of a segment in creation order, a page at a time.
    #[napi]
    pub fn segment_members(
        &self,
        env: Env,
        segment_id: SegmentId,
        query: Option<ListQuery>,
    ) -> napi::Result<Page<Contact>> {
        self.with(&env, |book| {
            let query = query.map(|q| q.0).unwrap_or_default();
            Ok(Page::of(
                book.segment_members(&segment_id.0, &query)?,
                Contact,
            ))
        })
    }

    // -- additional fields ------------------------------------------------------

    /// Defines an additional field (the same definition again is a no-op).
    #[napi]
    pub fn define_field(
        &self,
        env: Env,
        definition: FieldDefinitionInput,
    ) -> napi::Result<FieldDefinition> {
        self.with(&env, |book| {
            Ok(FieldDefinition(book.define_field(definition.0)?))
        })
    }

    /// Renames a field (`title`) and adds options at the end of a list or multilist
    /// field's (`addOptions`); no option is ever taken away, so what contacts hold
    /// stays valid.
    #[napi]
    pub fn update_field(
        &self,
        env: Env,
        key: Key,
        update: FieldUpdate,
    ) -> napi::Result<FieldDefinition> {
        self.with(&env, |book| {
            Ok(FieldDefinition(book.update_field(&key.0, update.0)?))
        })
    }

    /// Deletes a field definition and every contact's value of it.
    #[napi]
    pub fn delete_field(&self, env: Env, key: Key) -> napi::Result<()> {
        self.with(&env, |book| Ok(book.delete_field(&key.0)?))
    }

    /// Every field definition, by key.
    #[napi]
    pub fn field_definitions(&self, env: Env) -> napi::Result<Vec<FieldDefinition>> {
        self.with(&env, |book| {
            Ok(each(book.field_definitions()?, FieldDefinition))
        })
    }

    /// Sets one additional field, parsing `value` against its definition.
    #[napi]
    pub fn set_field(
        &self,
        env: Env,
        id: Id,
        key: Key,
        value: FieldInputValue,
    ) -> napi::Result<Contact> {
        self.with(&env, |book| {
            let value = value.named(&key.0)?;
            Ok(Contact(book.set_field(&id.0, &key.0, value)?))
        })
    }

    /// Clears one additional field.
    #[napi]
    pub fn clear_field(&self, env: Env, id: Id, key: Key) -> napi::Result<Contact> {
        self.with(&env, |book| Ok(Contact(book.clear_field(&id.0, &key.0)?)))
    }

    // -- activity ---------------------------------------------------------------

    /// Records a message sent to the contact, or a status update of one already
    /// recorded (same `messageId`; the status only moves forward).
    #[napi]
    pub fn record_campaign(
        &self,
        env: Env,
        id: Id,
        input: CampaignInput,
    ) -> napi::Result<CampaignActivity> {
        self.with(&env, |book| {
            Ok(CampaignActivity(book.record_campaign(&id.0, input.0)?))
        })
    }

    /// Records an event the contact triggered.
    #[napi]
    pub fn record_event(&self, env: Env, id: Id, input: EventInput) -> napi::Result<EventActivity> {
        self.with(&env, |book| {
            Ok(EventActivity(book.record_event(&id.0, input.0)?))
        })
    }

    /// Records an order, or updates the order already recorded under its
    /// `externalId`. Money crosses as decimal strings.
    #[napi]
    pub fn record_order(&self, env: Env, id: Id, input: OrderInput) -> napi::Result<OrderActivity> {
        self.with(&env, |book| {
            Ok(OrderActivity(book.record_order(&id.0, input.0)?))
        })
    }

    /// The contact's timeline, newest first: `category` (`all`), `period` (`30d`) or
    /// an explicit `since`/`until`, `limit` (50) and `cursor` (a `nextCursor`).
    /// Orders always cover the full history.
    #[napi]
    pub fn activity(
        &self,
        env: Env,
        id: Id,
        query: Option<ActivityQuery>,
    ) -> napi::Result<Page<Activity>> {
        self.with(&env, |book| {
            let query = query.map(|q| q.0).unwrap_or_default();
            Ok(Page::of(book.activity(&id.0, &query)?, Activity))
        })
    }
}
