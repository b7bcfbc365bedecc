//! Every operation of the vocabulary, declared once: [`operations!`] makes each one a
//! blocking method of [`ContactBook`] and a suspending (Kotlin) / `async` (Swift) method of
//! [`AsyncContactBook`] with the same name, parameters and documentation.
//!
//! Each blocking method converts its arguments, calls the core and converts the answer,
//! inside [`guard`] so a Rust panic reaches the caller as `ContactKitError.Internal`.

use crate::activity::{
    activity_page, Activity, ActivityPage, ActivityQuery, EventInput, OrderInput,
};
use crate::async_book::AsyncContactBook;
use crate::book::{ContactBook, ImportProgress};
use crate::change::ChangePage;
use crate::contact::{long, page_size, ContactInput, ContactPage, ListQuery};
use crate::error::{guard, ContactKitError, Result};
use crate::export::ContactExport;
use crate::field::{FieldDefinition, FieldInput};
use crate::import::{ImportReport, SuppressionImportReport};
use crate::portable::{self, PortableLinePage};
use crate::scalars::UtcDateTime;
use contactkit::{
    CampaignInput, Category, Channel, Contact, DedupeOn, DeviceInput, FieldUpdate, ImportOptions,
    OnInvalid, Restored, Rule, Segment, SegmentUpdate, SendDecision, SuppressionInput,
    SuppressionKind, SuppressionRecord, Telegram, WebPushInput,
};
use std::ops::ControlFlow;
use std::sync::Arc;

/// Emits the operations written inside it twice: as written, on `ContactBook`, and on
/// `AsyncContactBook` as an `async fn` that runs the blocking one on a pooled background
/// thread ([`blocking::unblock`]) and resolves when it is done. A Kotlin coroutine
/// suspends instead of holding its thread (the main thread stays free), a Swift task
/// awaits; the operation itself, its atomicity and its errors are the blocking one's.
macro_rules! operations {
    ($(
        $(#[$attribute:meta])*
        pub fn $name:ident(&$self:ident $(, $argument:ident: $type:ty)* $(,)?) -> $answer:ty
        $body:block
    )*) => {
        #[uniffi::export]
        impl ContactBook {
            $(
                $(#[$attribute])*
                pub fn $name(&$self $(, $argument: $type)*) -> $answer $body
            )*
        }

        #[uniffi::export]
        impl AsyncContactBook {
            $(
                $(#[$attribute])*
                pub async fn $name(&$self $(, $argument: $type)*) -> $answer {
                    let book = Arc::clone($self.blocking());
                    blocking::unblock(move || book.$name($($argument),*)).await
                }
            )*
        }
    };
}

operations! {
    /// The current time on the book's clock.
    pub fn now(&self) -> Result<UtcDateTime> {
        guard(|| Ok(self.book.now()))
    }

    // --- profile ---------------------------------------------------------------------

    /// Creates a contact; a unique value another contact holds is a `Conflict`.
    pub fn create(&self, input: ContactInput) -> Result<Contact> {
        guard(|| Ok(self.book.create(input.into_core()?)?))
    }

    /// Creates or merges into the contact `dedupeOn` finds: given attributes set,
    /// `clear`ed ones are removed, the rest stay.
    pub fn upsert(&self, input: ContactInput, dedupe_on: DedupeOn) -> Result<Contact> {
        guard(|| Ok(self.book.upsert(input.into_core()?, dedupe_on)?))
    }

    /// Upserts from a sign-up form: new email and phone wait for `confirm` (double opt-in).
    pub fn sign_up(&self, input: ContactInput) -> Result<Contact> {
        guard(|| Ok(self.book.sign_up(input.into_core()?)?))
    }

    /// Changes the contact `id` as `patch` says.
    pub fn update(&self, id: String, patch: ContactInput) -> Result<Contact> {
        guard(|| Ok(self.book.update(&id, patch.into_core()?)?))
    }

    /// The live contact with `id`, or null.
    pub fn get(&self, id: String) -> Result<Option<Contact>> {
        guard(|| Ok(self.book.get(&id)?))
    }

    /// The live contact with this email (normalised first), or null: also when the text
    /// is no email address.
    pub fn find_by_email(&self, email: String) -> Result<Option<Contact>> {
        guard(|| Ok(self.book.find_by_email(&email)?))
    }

    /// The live contact with this phone (normalised first), or null: also when the text
    /// is no phone number.
    pub fn find_by_phone(&self, phone: String) -> Result<Option<Contact>> {
        guard(|| Ok(self.book.find_by_phone(&phone)?))
    }

    /// The live contact with this contact key, or null.
    pub fn find_by_key(&self, contact_key: String) -> Result<Option<Contact>> {
        guard(|| Ok(self.book.find_by_key(&contact_key)?))
    }

    /// The live contact with this external id, or null.
    pub fn find_by_external_id(&self, external_id: String) -> Result<Option<Contact>> {
        guard(|| Ok(self.book.find_by_external_id(&external_id)?))
    }

    /// The live contact holding the mobile push device with this token, or null: whom
    /// a push provider's feedback about a token is about.
    pub fn find_by_push_token(&self, token: String) -> Result<Option<Contact>> {
        guard(|| Ok(self.book.find_by_push_token(&token)?))
    }

    /// The live contact holding the web push subscription with this endpoint, or null.
    /// The endpoint is normalised first as it is stored (`HTTPS://Push.example.com/a`
    /// finds `https://push.example.com/a`); null too for text that is not an https URL.
    pub fn find_by_web_push_endpoint(&self, endpoint: String) -> Result<Option<Contact>> {
        guard(|| Ok(self.book.find_by_web_push_endpoint(&endpoint)?))
    }

    /// Soft-deletes the contact: hidden everywhere, keeps its email and phone.
    pub fn delete(&self, id: String) -> Result<()> {
        guard(|| Ok(self.book.delete(&id)?))
    }

    /// Brings back a soft-deleted contact.
    pub fn restore(&self, id: String) -> Result<Contact> {
        guard(|| Ok(self.book.restore(&id)?))
    }

    // --- lifecycle: merge, export, erase ---------------------------------------------

    /// Folds the contact `fromId` into `intoId` (the same person found twice) and
    /// returns `intoId` after: `into` keeps every value it has and `from` fills what it
    /// lacks; devices, web push subscriptions, categories, static segments and the whole
    /// timeline move to `into`, and `from`'s push and Telegram suppressions join
    /// `into`'s. Afterwards `fromId` is an alias: `get(fromId)` and every operation
    /// taking an id act on `into`. Merging a contact into itself (or into a contact it
    /// was merged into before) is a `Validation` error on `from_id`, a deleted contact
    /// one on `into_id` or `from_id`; an unknown id is `NotFound`.
    pub fn merge(&self, into_id: String, from_id: String) -> Result<Contact> {
        guard(|| Ok(self.book.merge(&into_id, &from_id)?))
    }

    /// Everything the book holds about the contact `id`, deleted or not (a person's
    /// right of access): the profile, the whole timeline newest first, and the
    /// suppression records at its email, its phone and its id. An unknown id is
    /// `NotFound`.
    pub fn export_contact(&self, id: String) -> Result<ContactExport> {
        guard(|| Ok(self.book.export_contact(&id)?.into()))
    }

    /// Forgets the contact `id` (deleted or not) for good: its profile, devices,
    /// timeline, field values and memberships are removed, not hidden, so `get` gives
    /// null and `restore` is `NotFound`. The suppressions at its email and phone are
    /// kept under a keyed hash of the address, so `suppressions` and `canSend` still find
    /// them by the address. An unknown id is `NotFound`.
    pub fn erase(&self, id: String) -> Result<()> {
        guard(|| Ok(self.book.erase(&id)?))
    }

    // --- the portable form: export and restore whole books ---------------------------

    /// The catalogue lines of the portable form, each line's JSON text with the core's
    /// keys (snake_case): field definitions, categories, static segments, then dynamic
    /// segments with their rules. They go first in an export, so that a fresh book has
    /// what the profile lines name.
    pub fn export_catalog_lines(&self) -> Result<Vec<String>> {
        guard(|| {
            let lines = self.book.export_catalog_lines()?;
            Ok(lines.iter().map(portable::line_text).collect())
        })
    }

    /// A page of profile lines of the live contacts in creation (id) order, each line's
    /// JSON text with the core's keys (snake_case): the profile card, static segments by
    /// name and, unless `withActivity` is false, the whole timeline newest first. Page on
    /// with `ListQuery.cursor` as for `list`.
    #[uniffi::method(default(with_activity = true, query))]
    pub fn export_profile_lines(
        &self,
        query: ListQuery,
        with_activity: bool,
    ) -> Result<PortableLinePage> {
        guard(|| {
            let page = self
                .book
                .export_profile_lines(&query.into_core()?, with_activity)?;
            Ok(PortableLinePage::from_core(page))
        })
    }

    /// Restores one line of the portable form, its JSON text as an export gave it: a
    /// catalogue entry is defined unless it exists; a profile line is upserted by
    /// `dedupeOn` and its timeline, suppressions and the rest replayed, in one unit of
    /// work. Restoring a line again adds nothing. A line that fails writes nothing and is
    /// a `Validation` error naming the part at fault (`activity[0].name`,
    /// `suppressions[0].reason`, `segments[0]`); text that is not JSON, is larger than
    /// 32 MiB or nests deeper than 64 levels is one on `line`.
    pub fn restore_line(&self, line: String, dedupe_on: DedupeOn) -> Result<Restored> {
        guard(|| {
            let line = portable::parse_line(&line)?;
            Ok(self.book.restore_line(&line, dedupe_on)?)
        })
    }

    /// A page of live contacts in creation order.
    #[uniffi::method(default(query))]
    pub fn list(&self, query: ListQuery) -> Result<ContactPage> {
        guard(|| Ok(self.book.list(&query.into_core()?)?))
    }

    /// How many live contacts the book holds.
    pub fn count(&self) -> Result<i64> {
        guard(|| Ok(long(self.book.count()?)?))
    }

    /// A page of the live contacts `rule` matches, in creation order. A rule is JSON text
    /// (`{"attr": "country", "op": "eq", "value": "UA"}`; the language is in the docs'
    /// "Rules" section); a mistake in it is a `Validation` error whose `field` is its
    /// path inside the rule (`rule.all[1].op`). Periods count back from the book's clock.
    #[uniffi::method(default(query))]
    pub fn list_where(&self, rule: Rule, query: ListQuery) -> Result<ContactPage> {
        guard(|| Ok(self.book.list_where(&rule, &query.into_core()?)?))
    }

    /// How many live contacts `rule` matches. A rule is JSON text, as for `listWhere`; a
    /// mistake in it is a `Validation` error whose `field` is its path (`rule.any[0].attr`).
    pub fn count_where(&self, rule: Rule) -> Result<i64> {
        guard(|| Ok(long(self.book.count_where(&rule)?)?))
    }

    /// Upserts every row matched by `dedupeOn` in batches of 4000 (each batch atomic)
    /// and reports created, updated, rejected and dropped rows and the id each row landed
    /// on (`ids`, in input order, null for a rejected row). Every problem of a row is
    /// reported (`problems`: code, field, value, reason). With `onInvalid` `REJECT_ROW`
    /// (the default) a row with a problem writes nothing and the import goes on; with
    /// `DROP_FIELD` the refused values are left out and the rest of the row is written,
    /// unless its id or dedupe key is refused. A row without a value for the dedupe key
    /// is given an id made from its content (counted in `withoutKey`), so importing the
    /// same rows again does not make it twice. Long: run it on a background thread.
    #[uniffi::method(default(progress = None, on_invalid = None))]
    pub fn import_contacts(
        &self,
        rows: Vec<ContactInput>,
        dedupe_on: DedupeOn,
        progress: Option<Arc<dyn ImportProgress>>,
        on_invalid: Option<OnInvalid>,
    ) -> Result<ImportReport> {
        guard(|| {
            // A value that does not convert is one of its row's problems, like a bad value.
            let options = ImportOptions {
                on_invalid: on_invalid.unwrap_or_default(),
                ..dedupe_on.into()
            };
            let mut stopped_by = None;
            let report = self.book.import_contacts(rows, options, |done| {
                let told = match &progress {
                    Some(progress) => long(done.written)
                        .map_err(ContactKitError::from)
                        .and_then(|done| progress.on_progress(done)),
                    None => Ok(()),
                };
                match told {
                    Err(error) => {
                        stopped_by = Some(error);
                        ControlFlow::Break(())
                    }
                    Ok(()) => ControlFlow::Continue(()),
                }
            })?;
            match stopped_by {
                Some(error) => Err(error),
                None => Ok(ImportReport::from_core(report)?),
            }
        })
    }

    // --- channels --------------------------------------------------------------------

    /// Registers (or refreshes) a mobile push device; the token moves here from any
    /// other contact.
    pub fn add_mobile_push(&self, id: String, device: DeviceInput) -> Result<Contact> {
        guard(|| Ok(self.book.add_mobile_push(&id, device)?))
    }

    /// Removes the device with this push token.
    pub fn remove_mobile_push(&self, id: String, token: String) -> Result<Contact> {
        guard(|| Ok(self.book.remove_mobile_push(&id, &token)?))
    }

    /// Registers an installed app (a token is optional).
    pub fn register_app(&self, id: String, device: DeviceInput) -> Result<Contact> {
        guard(|| Ok(self.book.register_app(&id, device)?))
    }

    /// Removes every device of the app `appId`.
    pub fn remove_app(&self, id: String, app_id: String) -> Result<Contact> {
        guard(|| Ok(self.book.remove_app(&id, &app_id)?))
    }

    /// Registers a web push subscription; the endpoint moves here from any other contact.
    pub fn add_web_push(&self, id: String, subscription: WebPushInput) -> Result<Contact> {
        guard(|| Ok(self.book.add_web_push(&id, subscription)?))
    }

    /// Removes the web push subscription with this endpoint.
    pub fn remove_web_push(&self, id: String, endpoint: String) -> Result<Contact> {
        guard(|| Ok(self.book.remove_web_push(&id, &endpoint)?))
    }

    /// Binds a Telegram chat, or unbinds with null.
    pub fn set_telegram(&self, id: String, telegram: Option<Telegram>) -> Result<Contact> {
        guard(|| Ok(self.book.set_telegram(&id, telegram)?))
    }

    // --- consent ---------------------------------------------------------------------

    /// Blacklists the contact's address on `channel`; the record stays with the address,
    /// whoever holds it later. `at` is when it happened (history moved in from another
    /// system), not after the book's clock (a later one is a `Validation` error on `at`);
    /// the book's clock when null, as for every consent operation.
    #[uniffi::method(default(reason = None, at = None))]
    pub fn blacklist(
        &self,
        id: String,
        channel: Channel,
        reason: Option<String>,
        at: Option<UtcDateTime>,
    ) -> Result<Contact> {
        guard(|| Ok(self.book.blacklist(&id, channel, reason.as_deref(), at)?))
    }

    /// Lifts a blacklist; `note` (required) says why.
    pub fn unblacklist(&self, id: String, channel: Channel, note: String) -> Result<Contact> {
        guard(|| Ok(self.book.unblacklist(&id, channel, &note)?))
    }

    /// Records that the person opted out of `channel` (`at` as for `blacklist`).
    #[uniffi::method(default(reason = None, at = None))]
    pub fn unsubscribe(
        &self,
        id: String,
        channel: Channel,
        reason: Option<String>,
        at: Option<UtcDateTime>,
    ) -> Result<Contact> {
        guard(|| Ok(self.book.unsubscribe(&id, channel, reason.as_deref(), at)?))
    }

    /// Lifts an unsubscribe.
    #[uniffi::method(default(note = None))]
    pub fn resubscribe(
        &self,
        id: String,
        channel: Channel,
        note: Option<String>,
    ) -> Result<Contact> {
        guard(|| Ok(self.book.resubscribe(&id, channel, note.as_deref())?))
    }

    /// Records a spam complaint on `channel`, with its `reason` if one is known (a
    /// feedback loop's report type, say; kept on the suppression record); `at` as for
    /// `blacklist`.
    #[uniffi::method(default(reason = None, at = None))]
    pub fn report_spam(
        &self,
        id: String,
        channel: Channel,
        reason: Option<String>,
        at: Option<UtcDateTime>,
    ) -> Result<Contact> {
        guard(|| Ok(self.book.report_spam(&id, channel, reason.as_deref(), at)?))
    }

    /// Confirms a signed-up address (double opt-in).
    pub fn confirm(&self, id: String, channel: Channel) -> Result<Contact> {
        guard(|| Ok(self.book.confirm(&id, channel)?))
    }

    /// Every suppression record of `address` on `channel` (an email, a phone, or a
    /// contact id for push and Telegram), lifted ones included, oldest first.
    pub fn suppressions(
        &self,
        channel: Channel,
        address: String,
    ) -> Result<Vec<SuppressionRecord>> {
        guard(|| Ok(self.book.suppressions(channel, &address)?))
    }

    /// Suppresses an email (`EMAIL`) or phone (`SMS`) that no contact may hold yet:
    /// another sender's suppression list, an import of unsubscribes. A contact that takes
    /// the address later is suppressed; recording the same kind again changes nothing.
    /// Returns every record now kept for the address on `channel`, oldest first. Another
    /// channel is a `Validation` error on `channel` (push and Telegram suppressions belong
    /// to a contact), a malformed address one on `email` or `phone`. `at` is when it
    /// happened, as for `blacklist`.
    #[uniffi::method(default(reason = None, at = None))]
    pub fn suppress_address(
        &self,
        channel: Channel,
        address: String,
        kind: SuppressionKind,
        reason: Option<String>,
        at: Option<UtcDateTime>,
    ) -> Result<Vec<SuppressionRecord>> {
        guard(|| {
            Ok(self
                .book
                .suppress_address(channel, &address, kind, reason.as_deref(), at)?)
        })
    }

    /// Records a suppression list (another sender's unsubscribes, an ESP's bounces and
    /// complaints) as `suppressAddress` records each row, in batches of 4000 rows (each
    /// batch atomic). A row that is refused (a malformed address, a date after the book's
    /// clock, a channel other than `EMAIL` and `SMS`) is reported in `rejected` with its
    /// index and writes nothing; the others are recorded. A row whose address already has
    /// a suppression of its kind in force is counted in `unchanged`.
    pub fn import_suppressions(
        &self,
        rows: Vec<SuppressionInput>,
    ) -> Result<SuppressionImportReport> {
        guard(|| {
            let report = self.book.import_suppressions(rows.into_iter().map(Ok))?;
            Ok(SuppressionImportReport::from_core(report)?)
        })
    }

    /// May a message go to this contact on `channel` (and, if given, in the category
    /// `category`)? `who` is any identifier a lookup takes: the contact id (any case),
    /// email, phone, external id or contact key. An unknown contact is an answer
    /// (`UNKNOWN_CONTACT`), not an error; an undefined category is `NotFound`.
    #[uniffi::method(default(category = None))]
    pub fn can_send(
        &self,
        who: String,
        channel: Channel,
        category: Option<String>,
    ) -> Result<SendDecision> {
        guard(|| Ok(self.book.can_send(&who, channel, category.as_deref())?))
    }

    /// `canSend` for a list of recipients (each any identifier `canSend` takes), read
    /// from one snapshot of the book: one decision per entry of `ids`, in order. At most
    /// 1000 ids per call (more is a `Validation` error).
    #[uniffi::method(default(category = None))]
    pub fn can_send_many(
        &self,
        ids: Vec<String>,
        channel: Channel,
        category: Option<String>,
    ) -> Result<Vec<SendDecision>> {
        guard(|| {
            Ok(self
                .book
                .can_send_many(&ids, channel, category.as_deref())?)
        })
    }

    // --- categories and segments -----------------------------------------------------

    /// Defines a subscription category: its key is the title's slug, and a segment is
    /// created to hold its subscribers.
    pub fn define_category(&self, title: String) -> Result<Category> {
        guard(|| Ok(self.book.define_category(&title)?))
    }

    /// The category with `title`'s key, defined now if the book has none (with its
    /// segment), so a setup script can run again.
    pub fn ensure_category(&self, title: String) -> Result<Category> {
        guard(|| Ok(self.book.ensure_category(&title)?))
    }

    /// Every category, by key.
    pub fn categories(&self) -> Result<Vec<Category>> {
        guard(|| Ok(self.book.categories()?))
    }

    /// Renames the category `key`; the key stays (integrations use it) and its segment
    /// takes the new title too, so a title another segment has is a `Conflict`.
    pub fn update_category(&self, key: String, title: String) -> Result<Category> {
        guard(|| Ok(self.book.update_category(&key, &title)?))
    }

    /// Deletes the category `key`, its segment, and every contact's subscription to it.
    pub fn delete_category(&self, key: String) -> Result<()> {
        guard(|| Ok(self.book.delete_category(&key)?))
    }

    /// Subscribes the contact to the category `key`.
    pub fn add_category(&self, id: String, key: String) -> Result<Contact> {
        guard(|| Ok(self.book.add_category(&id, &key)?))
    }

    /// Unsubscribes the contact from the category `key`.
    pub fn remove_category(&self, id: String, key: String) -> Result<Contact> {
        guard(|| Ok(self.book.remove_category(&id, &key)?))
    }

    /// Creates a static segment.
    pub fn create_segment(&self, name: String) -> Result<Segment> {
        guard(|| Ok(self.book.create_segment(&name)?))
    }

    /// The segment named `name` (ASCII case aside), created now as a static segment if
    /// the book has none, so a setup script can run again. It may be any segment of that
    /// name: a dynamic one, or a category's.
    pub fn ensure_segment(&self, name: String) -> Result<Segment> {
        guard(|| Ok(self.book.ensure_segment(&name, None)?))
    }

    /// Creates a dynamic segment: its members are the live contacts `rule` matches, as of
    /// every read (`segmentMembers` and each contact's `segments` agree with `listWhere`).
    /// A rule is JSON text; a mistake in it, or a rule that reaches this segment through
    /// others, is a `Validation` error whose `field` is its path (`rule.all[1].op`).
    pub fn create_dynamic_segment(&self, name: String, rule: Rule) -> Result<Segment> {
        guard(|| Ok(self.book.create_dynamic_segment(&name, &rule)?))
    }

    /// Every segment, in creation order.
    pub fn segments(&self) -> Result<Vec<Segment>> {
        guard(|| Ok(self.book.segments()?))
    }

    /// Renames a static or dynamic segment (`id`: its id or its name) to `name` and
    /// changes a dynamic segment's rule (`rule`, JSON text as for `listWhere`); null
    /// leaves either as it is. A name another segment has is a `Conflict` on `name`; a
    /// mistake in the rule is a `Validation` error whose `field` is its path inside the
    /// rule (`rule.all[1].op`), and a rule for a static segment one on `rule`. A
    /// category's segment is renamed with its category (`updateCategory`): renaming it
    /// here is a `Validation` error on `segment`.
    #[uniffi::method(default(name = None, rule = None))]
    pub fn update_segment(
        &self,
        id: String,
        name: Option<String>,
        rule: Option<Rule>,
    ) -> Result<Segment> {
        guard(|| Ok(self.book.update_segment(&id, SegmentUpdate { name, rule })?))
    }

    /// Deletes a static or dynamic segment (by its id or its name) and every membership
    /// in it. A category's segment goes with its category (`deleteCategory`): deleting it
    /// here is a `Validation` error on `segment`. A segment a dynamic segment's rule names
    /// stays (a `Validation` error on `segment`) until that rule no longer does.
    pub fn delete_segment(&self, id: String) -> Result<()> {
        guard(|| Ok(self.book.delete_segment(&id)?))
    }

    /// Adds the contact to a static segment, named by its id or its name.
    pub fn add_to_segment(&self, id: String, segment_id: String) -> Result<Contact> {
        guard(|| Ok(self.book.add_to_segment(&id, &segment_id)?))
    }

    /// Removes the contact from a static segment, named by its id or its name.
    pub fn remove_from_segment(&self, id: String, segment_id: String) -> Result<Contact> {
        guard(|| Ok(self.book.remove_from_segment(&id, &segment_id)?))
    }

    /// A page of the live members, in creation order, of a segment named by its id or its
    /// name (a dynamic segment's: the contacts its rule matches now).
    #[uniffi::method(default(query))]
    pub fn segment_members(&self, segment_id: String, query: ListQuery) -> Result<ContactPage> {
        guard(|| {
            Ok(self
                .book
                .segment_members(&segment_id, &query.into_core()?)?)
        })
    }

    // --- additional fields -----------------------------------------------------------

    /// Defines (or redefines) an additional field.
    pub fn define_field(&self, definition: FieldDefinition) -> Result<FieldDefinition> {
        guard(|| Ok(self.book.define_field(definition.into_core()?)?.into()))
    }

    /// Every field definition, by key.
    pub fn field_definitions(&self) -> Result<Vec<FieldDefinition>> {
        guard(|| {
            Ok(self
                .book
                .field_definitions()?
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    /// Renames the field `key` and adds options at the end of a `LIST` or `MULTILIST`
    /// field's options. Options are never taken away, so every stored value stays valid.
    pub fn update_field(&self, key: String, update: FieldUpdate) -> Result<FieldDefinition> {
        guard(|| Ok(self.book.update_field(&key, update)?.into()))
    }

    /// Deletes the field definition `key` and every contact's value of it.
    pub fn delete_field(&self, key: String) -> Result<()> {
        guard(|| Ok(self.book.delete_field(&key)?))
    }

    /// Sets the field `key`, parsing `value` against its definition.
    pub fn set_field(&self, id: String, key: String, value: FieldInput) -> Result<Contact> {
        guard(|| {
            let value = value.into_core(&key)?;
            Ok(self.book.set_field(&id, &key, value)?)
        })
    }

    /// Removes the field `key` from the contact.
    pub fn clear_field(&self, id: String, key: String) -> Result<Contact> {
        guard(|| Ok(self.book.clear_field(&id, &key)?))
    }

    // --- activity --------------------------------------------------------------------

    /// Records a campaign message, or a status update of one (statuses move forward
    /// only; spam, unsubscribed and hard bounces suppress the address).
    pub fn record_campaign(&self, id: String, input: CampaignInput) -> Result<Activity> {
        guard(|| Ok(self.book.record_campaign(&id, input)?.into()))
    }

    /// Records an event.
    pub fn record_event(&self, id: String, input: EventInput) -> Result<Activity> {
        guard(|| Ok(self.book.record_event(&id, input.into_core()?)?.into()))
    }

    /// Records an order, or updates the one with the same `externalId`.
    pub fn record_order(&self, id: String, input: OrderInput) -> Result<Activity> {
        guard(|| Ok(self.book.record_order(&id, input.into_core()?)?.into()))
    }

    /// A page of the contact's timeline, newest first.
    #[uniffi::method(default(query))]
    pub fn activity(&self, id: String, query: ActivityQuery) -> Result<ActivityPage> {
        guard(|| Ok(activity_page(self.book.activity(&id, &query.into_core()?)?)))
    }

    // --- change feed -----------------------------------------------------------------

    /// The changes after `cursor` (from the first without one), oldest first, at most
    /// `limit` (100 when null, 1 to 1000). The page's `nextCursor` is always set: keep it
    /// and ask again to see every later change exactly once (an empty page gives back a
    /// cursor at the same place). A cursor this book did not return is a `Validation`
    /// error on `cursor`.
    #[uniffi::method(default(cursor = None, limit = None))]
    pub fn changes(&self, cursor: Option<String>, limit: Option<i32>) -> Result<ChangePage> {
        guard(|| {
            let page = self.book.changes(cursor.as_deref(), page_size(limit)?)?;
            Ok(ChangePage::from_core(page)?)
        })
    }
}
