//! The arguments of `ContactBook`'s methods, each a type napi reads the argument
//! into before the method runs.
//!
//! Each type is named as the TypeScript type it stands for (in `typedefs.d.ts`), so
//! that `napi build` writes that name in the signature it generates in `index.d.ts`:
//! a method taking `input: ContactInput` is typed `input: ContactInput`. An argument
//! that does not read is a `VALIDATION` error naming the parameter (or the path
//! inside it) and quoting the value; the parameter's name is the type's, as each
//! type is the argument of one parameter name. A string parameter is read by a type
//! of its own for the same reason (napi's `String` names no parameter, and writes a
//! lone surrogate as U+FFFD); its TypeScript type is an alias of `string`.

use crate::errors::{guard, take_exception, Failure, Result};
use crate::import::{ProgressArgs, ProgressFunction};
use crate::read::{self, text, view};
use chrono::{DateTime, Utc};
use contactkit as core;
use contactkit::validate::unreadable::ReadAs;
use napi::bindgen_prelude::{
    FnArgs, FromNapiValue, Function, JsObjectValue, Object, ObjectRef, Unknown,
};
use napi::{sys, Env, JsValue, ValueType};
use serde::Deserialize;

/// Declares argument types: `Name(Inner) = |env, value| read` reads `Inner` on the
/// JavaScript thread, through the guard (a failure, a panic included, is thrown as
/// JavaScript sees errors).
macro_rules! arguments {
    ($($(#[$doc:meta])* $name:ident($inner:ty) = |$env:ident, $value:ident| $read:expr;)*) => {$(
        $(#[$doc])*
        pub struct $name(pub $inner);

        impl FromNapiValue for $name {
            unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
                let $env = &Env::from_raw(env);
                // SAFETY: napi-derive hands `from_napi_value` the live environment and
                // argument of the current call; napi has no safe way to name them.
                let value = unsafe { Unknown::from_raw_unchecked(env, value) };
                guard($env, || {
                    let $value = value;
                    $read
                })
                .map($name)
            }
        }
    )*};
}

/// Declares string parameters: `Name = "param"`.
macro_rules! strings {
    ($($(#[$doc:meta])* $name:ident = $param:literal;)*) => {
        arguments! {$($(#[$doc])* $name(String) = |_env, value| text(value, $param);)*}
    };
}

/// Declares object parameters read through the core's serde form: `Name(Inner) as
/// read_as`.
macro_rules! objects {
    ($($(#[$doc:meta])* $name:ident($inner:ty) as $read_as:expr;)*) => {
        arguments! {$($(#[$doc])* $name($inner) = |env, value| read::value(env, value, $read_as);)*}
    };
}

strings! {
    /// `path`: the SQLite file.
    Path = "path";
    /// `id`: a contact's id (or a segment's, where the method says so).
    Id = "id";
    /// `email`.
    Email = "email";
    /// `phone`.
    Phone = "phone";
    /// `contactKey`.
    ContactKey = "contact_key";
    /// `externalId`.
    ExternalId = "external_id";
    /// `token`: a mobile push token.
    Token = "token";
    /// `endpoint`: a web push endpoint.
    Endpoint = "endpoint";
    /// `appId`.
    AppId = "app_id";
    /// `address`: an email or phone (a contact's id for push and Telegram).
    ChannelAddress = "address";
    /// `note`.
    Note = "note";
    /// `reason`.
    Reason = "reason";
    /// `category`: a category key.
    CategoryKey = "category";
    /// `who`: any identifier a lookup takes.
    Who = "who";
    /// `title`.
    Title = "title";
    /// `key`: a category's or a field's key.
    Key = "key";
    /// `name`: a segment's name.
    Name = "name";
    /// `segmentId`.
    SegmentId = "segment_id";
    /// `intoId` of `merge`: the contact that stays.
    IntoId = "into_id";
    /// `fromId` of `merge`: the contact folded into it.
    FromId = "from_id";
}

objects! {
    /// `input` of `create`, `upsert` and `signUp`.
    ContactInput(core::ContactInput) as ReadAs::Attributes("input");
    /// `patch` of `update`: a contact input whose absent keys stay.
    ContactPatch(core::ContactInput) as ReadAs::Attributes("patch");
    /// `device`.
    DeviceInput(core::DeviceInput) as ReadAs::Value("device");
    /// `subscription`.
    WebPushInput(core::WebPushInput) as ReadAs::Value("subscription");
    /// `telegram` (napi's `Option` reads `null` and `undefined` as none).
    Telegram(core::Telegram) as ReadAs::Value("telegram");
    /// `definition`.
    FieldDefinitionInput(core::FieldDefinition) as ReadAs::Attributes("definition");
    /// `update` of `updateField`.
    FieldUpdate(core::FieldUpdate) as ReadAs::Attributes("update");
    /// `input` of `recordCampaign`.
    CampaignInput(core::CampaignInput) as ReadAs::Attributes("input");
    /// `input` of `recordEvent`.
    EventInput(core::EventInput) as ReadAs::Attributes("input");
    /// `input` of `recordOrder`.
    OrderInput(core::OrderInput) as ReadAs::Attributes("input");
    /// `query` of `segmentMembers`.
    ListQuery(core::ListQuery) as ReadAs::Attributes("query");
    /// `query` of `activity`.
    ActivityQuery(core::ActivityQuery) as ReadAs::Attributes("query");
    /// `query` of `changes`: `{ cursor, limit }`.
    ChangesQuery(options::ChangesQuery) as ReadAs::Attributes("query");
    /// `ids` of `canSendMany`.
    Ids(Vec<String>) as ReadAs::Value("ids");
    /// `kind` of a suppression.
    SuppressionKind(core::SuppressionKind) as ReadAs::Value("kind");
    /// `at`: a JavaScript `Date` (napi writes this type's name as `Date`).
    Date(DateTime<Utc>) as ReadAs::Value("at");
    /// `options` of `defineCategory`: `{ ifExists }`.
    CategoryOptions(options::Category) as ReadAs::Attributes("options");
    /// `options` of `defineField`: `{ ifExists }`.
    FieldOptions(options::Category) as ReadAs::Attributes("options");
    /// `options` of `inMemory`.
    BookOptions(options::Book) as ReadAs::Attributes("options");
    /// `options` of `open`.
    OpenOptions(options::Open) as ReadAs::Attributes("options");
    /// `options` of `connect`.
    ConnectOptions(options::Connect) as ReadAs::Attributes("options");
    /// `options` of `upsert`.
    UpsertOptions(options::Upsert) as ReadAs::Attributes("options");
    /// `options` of `exportProfileLines`: `{ limit, cursor, withActivity }`.
    ProfileLinesOptions(options::ProfileLines) as ReadAs::Attributes("options");
}

arguments! {
    /// `url` of `connect`: a PostgreSQL server's `postgresql://` URL. One that is not
    /// text (a lone surrogate) is refused without quoting it: it may hold a password.
    Url(String) = |_env, value| {
        read::text(value, "url").map_err(|failure| match failure {
            Failure::Core(core::Error::Validation { reason, .. }) => Failure::Core(
                core::Error::validation("url", "(not shown: it may hold a password)", reason),
            ),
            other => other,
        })
    };
    /// `value` of `setField`. Its errors name `fields.<key>`, and the key is another
    /// argument: the value is read now and its error named by [`FieldInputValue::named`].
    FieldInputValue(core::Result<core::FieldInput>) = |env, value| {
        match read::value(env, value, ReadAs::Value("")) {
            Ok(core::FieldInput::Float(n)) if read::is_inexact_integer(n) => {
                match read::inexact("", n) {
                    Failure::Core(error) => Ok(Err(error)),
                    other => Err(other),
                }
            }
            Err(Failure::Core(error)) => Ok(Err(error)),
            read => read.map(Ok),
        }
    };
    /// `rows` of `importContacts`: the array itself, held while the import reads it a
    /// chunk at a time (so napi reads no element of it now).
    ContactInputs(ObjectRef<false>) = |_env, value| rows(value, "expected an array of contact inputs");
    /// `rows` of `importSuppressions`: the array itself, read as `rows` of
    /// `importContacts` is.
    SuppressionInputs(ObjectRef<false>) = |_env, value| {
        rows(value, "expected an array of suppressions")
    };
    /// `at` of the consent operations: when it happened, a `Date`, or text the core
    /// reads (RFC 3339, or `YYYY-MM-DD HH:MM:SS` read as UTC).
    At(DateTime<Utc>) = |env, value| match value.get_type()? {
        ValueType::String => Ok(core::validate::parse_instant("at", &text(value, "at")?)?),
        _ => read::value(env, value, ReadAs::Value("at")),
    };
    /// `options` of `createSegment`: a rule (a dynamic segment), or `{ rule, ifExists }`.
    SegmentOptions(options::Segment) = |env, value| read::segment_options(env, value);
    /// `channel`, by name (`email`, `sms`, `mobile_push`, `web_push`, `telegram`), read
    /// as the core parses a channel's name.
    Channel(core::Channel) = |_env, value| Ok(text(value, "channel")?.parse()?);
    /// `dedupeOn` of `restoreLine`, by name (`email`, `phone`, …), read as the core
    /// parses it.
    DedupeOn(core::DedupeOn) = |_env, value| Ok(text(value, "dedupe_on")?.parse()?);
    /// `line` of `restoreLine`: a line of the portable form, a plain object whose keys
    /// are the core's, kept as written (snake_case) at every depth, as `exportCatalogLines`
    /// and `exportProfileLines` give it. Its errors name the line's keys as written
    /// ([`Failure::Written`]). Also what those two return (written by `crate::write`).
    PortableLine(serde_json::Value) = |env, value| read::line(env, value).map_err(Failure::written);
    /// `options` of `importContacts`.
    ImportOptions(options::Import) = |_env, value| options::Import::read(value);
    /// `rule` of `count` and `createSegment`: a plain object of the rule language.
    Rule(core::Rule) = |env, value| read::rule(env, value);
    /// `query` of `list`: `{ limit, cursor, rule }`.
    ContactQuery(options::ContactQuery) = |env, value| {
        let raw: options::RawContactQuery = read::value(env, value, ReadAs::Attributes("query"))?;
        Ok(options::ContactQuery {
            query: core::ListQuery { limit: raw.limit, cursor: raw.cursor },
            rule: raw.rule.as_ref().map(read::rule_of).transpose()?,
        })
    };
    /// `update` of `updateSegment`: a new name (a string), or `{ name, rule }`.
    SegmentChange(core::SegmentUpdate) = |env, value| {
        if value.get_type()? == ValueType::String {
            return Ok(core::SegmentUpdate { name: Some(text(value, "name")?), rule: None });
        }
        let raw: options::RawSegmentUpdate =
            read::value(env, value, ReadAs::Attributes("update"))?;
        Ok(core::SegmentUpdate {
            name: raw.name,
            rule: raw.rule.as_ref().map(read::rule_of).transpose()?,
        })
    };
}

/// An argument of a `book.promises` method: read as `T` is, on the JavaScript thread
/// before the operation is queued, but a failure to read it is kept instead of thrown
/// (a pending JavaScript exception, from a throwing getter, taken and kept as it is),
/// so that the promise is rejected with the very error the synchronous method throws.
pub struct Deferred<T>(napi::Result<T>);

impl<T> Deferred<T> {
    /// The argument, or the failure the promise is rejected with.
    pub fn take(self) -> Result<T> {
        self.0.map_err(Failure::Napi)
    }
}

impl<T: FromNapiValue> FromNapiValue for Deferred<T> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-derive hands the live environment and argument of the current
        // call, which is what `T` reads.
        let read = unsafe { T::from_napi_value(env, value) };
        Ok(Deferred(read.map_err(|error| {
            take_exception(&Env::from_raw(env), error)
        })))
    }
}

/// The parameter types of the `book.promises` methods: each argument type above, as a
/// [`Deferred`] of it under the same name, because `napi build` types a parameter by
/// the last segment of its Rust path (`later::ContactInput` is typed `ContactInput`,
/// `later::Option<Reason>` is typed `reason?: Reason | undefined | null`). An argument
/// type missing here fails to compile where an operation takes it.
pub mod later {
    use super::Deferred;

    /// An optional argument, deferred.
    pub type Option<T> = Deferred<std::option::Option<T>>;

    macro_rules! deferred {
        ($($name:ident),* $(,)?) => {$(
            #[doc = concat!("`", stringify!($name), "`, read as [`super::", stringify!($name), "`], failing later.")]
            pub type $name = Deferred<super::$name>;
        )*};
    }

    deferred! {
        Path, Id, Email, Phone, ContactKey, ExternalId, Token, Endpoint, AppId,
        ChannelAddress, Note, Reason, CategoryKey, Who, Title, Key, Name, SegmentId,
        IntoId, FromId, ContactInput, ContactPatch, DeviceInput, WebPushInput, Telegram,
        FieldDefinitionInput, FieldUpdate, CampaignInput, EventInput, OrderInput,
        ListQuery, ActivityQuery, ChangesQuery, Ids, SuppressionKind, Date, BookOptions, OpenOptions,
        UpsertOptions, FieldInputValue, ContactInputs, Channel, ImportOptions, Rule,
        ContactQuery, SegmentChange, DedupeOn, PortableLine, ProfileLinesOptions,
        SuppressionInputs, At, CategoryOptions, FieldOptions, SegmentOptions,
    }
}

/// The array of rows of an import, held by reference: anything else is a
/// `VALIDATION` error on `rows`.
fn rows(value: Unknown<'_>, expected: &str) -> Result<ObjectRef<false>> {
    if !value.is_array()? {
        let kind = value.get_type()?.to_string();
        return Err(core::Error::validation("rows", kind, expected).into());
    }
    Ok(view::<Object<'_>>(&value)?.create_ref::<false>()?)
}

impl FieldInputValue {
    /// The value, or its error naming `fields.<key>` and the path inside the value.
    pub fn named(self, key: &str) -> core::Result<core::FieldInput> {
        self.0.map_err(|error| match error {
            core::Error::Validation {
                field,
                value,
                reason,
            } => {
                let at = if field.is_empty() || field.starts_with('[') {
                    format!("fields.{key}{field}")
                } else {
                    format!("fields.{key}.{field}")
                };
                core::Error::validation(at, value, reason)
            }
            other => other,
        })
    }
}

/// The options objects, in the core's snake_case serde form.
pub mod options {
    use super::*;

    /// How a book is opened.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct Book {
        /// Region (ISO 3166-1 alpha-2) national phone numbers are read in.
        pub default_region: Option<String>,
        /// Starts a manual clock at this instant instead of the system clock.
        pub clock: Option<DateTime<Utc>>,
    }

    /// How a SQLite book is opened: [`Book`] and the file's settings.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct Open {
        pub default_region: Option<String>,
        pub clock: Option<DateTime<Utc>>,
        /// `normal` (the default) or `full`: whether a commit survives power loss.
        pub durability: Option<String>,
        /// How long a write waits for another connection's write lock (30 s by default).
        pub busy_timeout_ms: Option<u32>,
    }

    /// How a book on a PostgreSQL server is reached: [`Book`] and the server's settings.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct Connect {
        pub default_region: Option<String>,
        pub clock: Option<DateTime<Utc>>,
        /// The schema the book lives in (`public` by default).
        pub schema: Option<String>,
        /// The most connections the book keeps open (8 by default).
        pub pool_size: Option<u32>,
        /// How long connecting may take (10 s by default).
        pub connect_timeout_ms: Option<u32>,
    }

    /// `importContacts`' options: `{ dedupeOn, onInvalid, keepIds, onProgress }`,
    /// anything else a typo reported as such. `onProgress` is made callable from the
    /// import's thread.
    pub struct Import {
        pub dedupe_on: core::DedupeOn,
        pub on_invalid: core::OnInvalid,
        pub keep_ids: bool,
        pub on_progress: Option<ProgressFunction>,
    }

    impl Default for Import {
        fn default() -> Self {
            let defaults = core::ImportOptions::default();
            Import {
                dedupe_on: defaults.dedupe_on,
                on_invalid: defaults.on_invalid,
                keep_ids: defaults.keep_ids,
                on_progress: None,
            }
        }
    }

    impl Import {
        pub(super) fn read(options: Unknown<'_>) -> Result<Self> {
            let mut read = Import::default();
            match options.get_type()? {
                ValueType::Undefined | ValueType::Null => return Ok(read),
                ValueType::Object => {}
                other => {
                    let reason = "expected an object";
                    return Err(
                        core::Error::validation("options", other.to_string(), reason).into(),
                    );
                }
            }
            let object = view::<Object<'_>>(&options)?;
            for key in Object::keys(&object)? {
                let value: Unknown<'_> = object.get_named_property(&key)?;
                let kind = value.get_type()?;
                match key.as_str() {
                    _ if matches!(kind, ValueType::Undefined | ValueType::Null) => {}
                    "dedupeOn" => read.dedupe_on = text(value, "dedupe_on")?.parse()?,
                    "onInvalid" => read.on_invalid = text(value, "on_invalid")?.parse()?,
                    "keepIds" if kind == ValueType::Boolean => read.keep_ids = view(&value)?,
                    "keepIds" => {
                        let reason = "expected a boolean";
                        let kind = kind.to_string();
                        return Err(core::Error::validation("keep_ids", kind, reason).into());
                    }
                    "onProgress" if kind == ValueType::Function => {
                        let function =
                            view::<Function<'_, FnArgs<ProgressArgs>, Unknown<'static>>>(&value)?;
                        read.on_progress = Some(
                            function
                                .build_threadsafe_function::<ProgressArgs>()
                                .callee_handled::<false>()
                                .weak::<true>()
                                .build_callback(|ctx| Ok(FnArgs::from(ctx.value)))?,
                        );
                    }
                    "onProgress" => {
                        let reason = "expected a function";
                        return Err(core::Error::validation(
                            "on_progress",
                            kind.to_string(),
                            reason,
                        )
                        .into());
                    }
                    other => {
                        let reason =
                            "unknown option: expected dedupeOn, onInvalid, keepIds or onProgress";
                        return Err(core::Error::validation(other, other, reason).into());
                    }
                }
            }
            Ok(read)
        }
    }

    /// What a `define…` or `create…` does when the book has one of that name already:
    /// a `CONFLICT` (`error`, the default), or the one it has (`return`).
    #[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum IfExists {
        #[default]
        Error,
        Return,
    }

    /// `defineCategory`'s and `defineField`'s options.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct Category {
        pub if_exists: Option<IfExists>,
    }

    /// `createSegment`'s options: the rule of a dynamic segment, and what to do when
    /// the book has a segment of that name.
    #[derive(Debug, Default)]
    pub struct Segment {
        pub rule: Option<core::Rule>,
        pub if_exists: IfExists,
    }

    /// `list`'s query: a page, and the rule contacts must match.
    #[derive(Debug, Default)]
    pub struct ContactQuery {
        pub query: core::ListQuery,
        pub rule: Option<core::Rule>,
    }

    /// `list`'s query as read, its rule still JSON (read by `Rule::from_value`, which
    /// names the path of a mistake).
    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct RawContactQuery {
        pub limit: Option<u32>,
        pub cursor: Option<String>,
        pub rule: Option<serde_json::Value>,
    }

    /// `changes`' query: where to read on from (a page's `nextCursor`; the start of
    /// the feed when not given) and how many changes at most.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct ChangesQuery {
        pub cursor: Option<String>,
        pub limit: Option<u32>,
    }

    /// `updateSegment`'s `{ name, rule }` as read, its rule still JSON.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct RawSegmentUpdate {
        pub name: Option<String>,
        pub rule: Option<serde_json::Value>,
    }

    /// `exportProfileLines`' options: a page of contacts, and whether each line
    /// carries the contact's timeline (`true` when not given).
    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct ProfileLines {
        pub limit: Option<u32>,
        pub cursor: Option<String>,
        pub with_activity: Option<bool>,
    }

    /// `upsert`'s options.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct Upsert {
        pub dedupe_on: Option<core::DedupeOn>,
    }
}
