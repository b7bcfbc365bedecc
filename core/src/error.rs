//! The one public error type. Every variant names what was at fault so that a
//! caller (or a person reading a log) can fix the input without guessing.

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in ContactKit.
///
/// Bindings map each variant to their own error class (`ValidationError`, a `code`
/// string, a sealed exception type), so the variants are few and stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input broke a rule; nothing was written.
    #[error("invalid {field} {}: {reason}", quoted(value))]
    Validation {
        /// The input field at fault, e.g. `email` or `fields.birthday`.
        field: String,
        /// The offending value as given (possibly shortened).
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The thing named does not exist (or is a deleted contact).
    #[error("{what} {} not found", quoted(id))]
    NotFound {
        /// What kind of thing: `contact`, `segment`, `category`, `field`.
        what: String,
        /// The id or key that was looked up.
        id: String,
    },
    /// A unique value already belongs to something else.
    #[error("{field} {} already belongs to {existing}", quoted(value))]
    Conflict {
        /// The unique field, e.g. `email`.
        field: String,
        /// The value that clashed.
        value: String,
        /// Who holds it, in words, e.g. `contact 0190…` or `deleted contact 0190…`.
        existing: String,
        /// The id of what holds it (a contact id, a segment id, a category or field
        /// key), so a caller can act on the holder without reading `existing`.
        existing_id: String,
    },
    /// The store failed or the file cannot be used; the operation was rolled back.
    #[error("storage error: {reason}")]
    Storage {
        /// What the store reported.
        reason: String,
        /// Whether the same operation, unchanged, may succeed later: the store was busy
        /// (a lock held past the busy timeout, concurrent writers that kept colliding)
        /// or out of reach for a while (a connection lost, no connection free). False
        /// when something must change first: a file that is not a book, a book from a
        /// newer ContactKit, a wrong password, a closed book.
        retryable: bool,
        /// The store's own error, for logs and [`std::error::Error::source`].
        #[source]
        source: Option<StoreFailure>,
    },
}

/// The error a store met, kept inside [`Error::Storage`]. Two storage errors compare
/// by what they say (`reason`, `retryable`), not by this.
#[derive(Debug, Clone)]
pub struct StoreFailure(std::sync::Arc<dyn std::error::Error + Send + Sync>);

impl StoreFailure {
    /// Keeps `error` as the source of a storage error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreFailure(std::sync::Arc::new(error))
    }
}

impl std::fmt::Display for StoreFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for StoreFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for StoreFailure {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for StoreFailure {}

impl Error {
    /// A validation error for `field` about `value`.
    pub fn validation(
        field: impl Into<String>,
        value: impl AsRef<str>,
        reason: impl Into<String>,
    ) -> Self {
        Error::Validation {
            field: field.into(),
            value: shorten(value.as_ref()),
            reason: reason.into(),
        }
    }

    /// A not-found error for the thing `what` with `id`.
    pub fn not_found(what: impl Into<String>, id: impl Into<String>) -> Self {
        // Shortened like a validation error's value: an id past 80 characters names
        // nothing, and a caller's megabyte of text should not come back in the error.
        Error::NotFound {
            what: what.into(),
            id: shorten(&id.into()),
        }
    }

    /// A conflict on `field`/`value` held by `existing` (in words), whose id is
    /// `existing_id`.
    pub fn conflict(
        field: impl Into<String>,
        value: impl AsRef<str>,
        existing: impl Into<String>,
        existing_id: impl Into<String>,
    ) -> Self {
        Error::Conflict {
            field: field.into(),
            value: shorten(value.as_ref()),
            existing: existing.into(),
            existing_id: existing_id.into(),
        }
    }

    /// A storage error with the store's explanation, that running the operation again
    /// would not cure.
    pub fn storage(reason: impl Into<String>) -> Self {
        Error::Storage {
            reason: reason.into(),
            retryable: false,
            source: None,
        }
    }

    /// A storage error that running the operation again, unchanged, may cure: the store
    /// was busy or out of reach for a while.
    pub fn storage_transient(reason: impl Into<String>) -> Self {
        Error::Storage {
            reason: reason.into(),
            retryable: true,
            source: None,
        }
    }

    /// A storage error the store's own `source` error caused, saying whether running the
    /// operation again may succeed.
    pub fn storage_from(
        reason: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
        retryable: bool,
    ) -> Self {
        Error::Storage {
            reason: reason.into(),
            retryable,
            source: Some(StoreFailure::new(source)),
        }
    }

    /// Whether running the same operation again may succeed (only a storage error
    /// ever says so).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Storage {
                retryable: true,
                ..
            }
        )
    }

    /// The field at fault, where the variant has one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } | Error::Conflict { field, .. } => Some(field),
            Error::NotFound { .. } | Error::Storage { .. } => None,
        }
    }

    /// Prefixes the field name, so an error from a nested value reads
    /// `fields.birthday` or `mobile_push[1].token`.
    pub fn within(self, prefix: &str) -> Self {
        match self {
            Error::Validation {
                field,
                value,
                reason,
            } => Error::Validation {
                field: join_field(prefix, &field),
                value,
                reason,
            },
            Error::Conflict {
                field,
                value,
                existing,
                existing_id,
            } => Error::Conflict {
                field: join_field(prefix, &field),
                value,
                existing,
                existing_id,
            },
            other => other,
        }
    }
}

fn join_field(prefix: &str, field: &str) -> String {
    if field.is_empty() {
        prefix.to_string()
    } else if field.starts_with('[') {
        format!("{prefix}{field}")
    } else {
        format!("{prefix}.{field}")
    }
}

/// A value in double quotes as given: letters of every script, combining marks and
/// emoji stay as they are (Rust's `{:?}` would print `"शर\u{94d}मा"`); only quotes,
/// backslashes and control characters are escaped, so a message stays one line and
/// cannot carry a terminal escape sequence.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Error messages quote the value at fault; a multi-kilobyte value would drown the
/// message, so it is cut to a readable length.
fn shorten(value: &str) -> String {
    const MAX_CHARS: usize = 80;
    if value.chars().count() <= MAX_CHARS {
        value.to_string()
    } else {
        let head: String = value.chars().take(MAX_CHARS).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_field_and_value() {
        let e = Error::validation("email", "not-an-email", "missing @");
        assert_eq!(e.to_string(), "invalid email \"not-an-email\": missing @");
        assert_eq!(e.field(), Some("email"));
    }

    #[test]
    fn within_prefixes_nested_fields() {
        let e = Error::validation("token", "", "empty").within("mobile_push[2]");
        assert_eq!(e.field(), Some("mobile_push[2].token"));
        let e = Error::validation("[0]", "x", "bad").within("fields.tags");
        assert_eq!(e.field(), Some("fields.tags[0]"));
    }

    #[test]
    fn values_are_quoted_as_given() {
        let e = Error::validation("last_name", "शर्मा", "bad");
        assert_eq!(e.to_string(), "invalid last_name \"शर्मा\": bad");
        let e = Error::validation("town", "a\"b\\c\n\u{1b}[2J", "bad");
        assert_eq!(
            e.to_string(),
            "invalid town \"a\\\"b\\\\c\\n\\u{1b}[2J\": bad"
        );
        let e = Error::not_found("contact", "x");
        assert_eq!(e.to_string(), "contact \"x\" not found");
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(500);
        let Error::Validation { value, .. } = Error::validation("f", &long, "r") else {
            unreachable!()
        };
        assert_eq!(value.chars().count(), 81);
    }
}
