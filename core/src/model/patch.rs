//! A three-state value for merges: an upsert or update leaves an absent key alone,
//! clears a key given as null, and sets a key given a value (DOMAIN.md, "upsert merges").

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What an input says about one attribute.
///
/// In JSON an absent key is [`Patch::Keep`] (use `#[serde(default)]` on the field),
/// `null` is [`Patch::Clear`] and any other value is [`Patch::Set`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Leave the current value as it is.
    #[default]
    Keep,
    /// Remove the current value.
    Clear,
    /// Replace the current value.
    Set(T),
}

impl<T> Patch<T> {
    /// True for [`Patch::Keep`]; used to skip the key when serialising.
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// The new value, if one is set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            Patch::Keep | Patch::Clear => None,
        }
    }

    /// Applies the patch to `current`: keep, clear or replace.
    pub fn apply_to(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(value) => Some(value),
        }
    }

    /// The same patch, borrowing its value.
    pub fn as_ref(&self) -> Patch<&T> {
        match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(value) => Patch::Set(value),
        }
    }

    /// Converts the set value, keeping Keep and Clear as they are.
    pub fn try_map<U, E>(self, convert: impl FnOnce(T) -> Result<U, E>) -> Result<Patch<U>, E> {
        Ok(match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(value) => Patch::Set(convert(value)?),
        })
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some` sets, `None` clears: what a caller building an input in code means.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Patch::Set(value),
            None => Patch::Clear,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => value.serialize(serializer),
            Patch::Keep | Patch::Clear => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

/// Described as what it reads: an optional `T` (absent, null or a value).
#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Patch<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        Option::<T>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Option::<T>::json_schema(generator)
    }

    fn inline_schema() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Serialize, Default)]
    struct Input {
        #[serde(default, skip_serializing_if = "Patch::is_keep")]
        name: Patch<String>,
    }

    #[test]
    fn absent_null_and_value_are_three_states() {
        let absent: Input = serde_json::from_str("{}").unwrap();
        let null: Input = serde_json::from_str(r#"{"name":null}"#).unwrap();
        let set: Input = serde_json::from_str(r#"{"name":"Ann"}"#).unwrap();
        assert_eq!(absent.name, Patch::Keep);
        assert_eq!(null.name, Patch::Clear);
        assert_eq!(set.name, Patch::Set("Ann".to_string()));
        assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&null).unwrap(), r#"{"name":null}"#);
    }

    #[test]
    fn apply_keeps_clears_or_replaces() {
        let current = Some(1);
        assert_eq!(Patch::Keep.apply_to(current), Some(1));
        assert_eq!(Patch::<i32>::Clear.apply_to(current), None);
        assert_eq!(Patch::Set(2).apply_to(current), Some(2));
    }
}
