//! The naming rules between JavaScript and the core, in one place.
//!
//! The core's types serialise with snake_case keys (`first_name`, `mobile_push`);
//! JavaScript sees camelCase (`firstName`, `mobilePush`). Four kinds of key are data,
//! not vocabulary, and cross unchanged at every depth below them: additional field
//! keys (`fields`), event parameters (`params`), currencies of order revenue
//! (`revenue`) and rules (`rule`: the rule language is one JSON value, written the
//! same in every language, `{can_send: 'email'}`, `{attr: 'first_name', op: 'starts_with'}`). Error fields (`mobile_push[1].token`, `fields.birth_date`) follow the
//! same rules, so `err.field` names the key the caller wrote.

/// Keys whose values are maps keyed by data: everything below them is kept verbatim.
const DATA_MAPS: [&str; 4] = ["fields", "params", "revenue", "rule"];

/// True when the values below the snake_case `key` are keyed by data.
pub fn is_data_map(key: &str) -> bool {
    DATA_MAPS.contains(&key)
}

/// True when the snake_case output `key` holds an instant (`at`, `created_at`,
/// `last_order_at`, …): its RFC 3339 string becomes a JavaScript `Date`.
pub fn is_instant(key: &str) -> bool {
    key == "at" || key.ends_with("_at")
}

/// `first_name` → `firstName`.
pub fn to_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `firstName` → `first_name`. `None` for a key that is not camelCase (it holds an
/// underscore): such a key is a typo of the caller (`first_name`), reported as such
/// rather than silently ignored.
pub fn to_snake(camel: &str) -> Option<String> {
    if camel.contains('_') {
        return None;
    }
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// A core error field as JavaScript names it: `mobile_push[1].token` →
/// `mobilePush[1].token`, `fields.birth_date` stays (a field key is data).
pub fn camel_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut verbatim = false;
    for (i, segment) in path.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        let (name, index) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
        if verbatim {
            out.push_str(name);
        } else {
            out.push_str(&to_camel(name));
            verbatim = is_data_map(name);
        }
        out.push_str(index);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for (snake, camel) in [
            ("first_name", "firstName"),
            ("os_version", "osVersion"),
            ("p256dh", "p256dh"),
            ("last_order_at", "lastOrderAt"),
            ("id", "id"),
        ] {
            assert_eq!(to_camel(snake), camel);
            assert_eq!(to_snake(camel).as_deref(), Some(snake));
        }
        assert_eq!(to_snake("first_name"), None);
    }

    #[test]
    fn paths_keep_data_keys() {
        assert_eq!(camel_path("mobile_push[1].token"), "mobilePush[1].token");
        assert_eq!(camel_path("fields.birth_date"), "fields.birth_date");
        assert_eq!(camel_path("items[0].product_id"), "items[0].productId");
        assert_eq!(
            camel_path("delivery_address.street_address"),
            "deliveryAddress.streetAddress"
        );
        assert_eq!(camel_path("dedupe_on"), "dedupeOn");
        assert_eq!(camel_path(""), "");
    }

    #[test]
    fn instants_by_key() {
        assert!(is_instant("at"));
        assert!(is_instant("last_seen_at"));
        assert!(!is_instant("status"));
    }
}
