//! Email addresses: trimmed, lowercased, checked by the `email_address` crate.

use crate::{Error, Result};
use email_address::EmailAddress;
use std::str::FromStr;

/// Normalises an email address to its stored form, or says why it is not one.
///
/// Beyond RFC 5322 syntax the domain must have a dot and no IP literal: a marketing
/// address has to be deliverable on the public internet.
pub fn normalize_email(raw: &str) -> Result<String> {
    let candidate = raw.trim().to_lowercase();
    let parsed = EmailAddress::from_str(&candidate)
        .map_err(|e| Error::validation("email", raw, e.to_string()))?;
    if parsed.display_part() != "" || parsed.email() != candidate {
        return Err(Error::validation("email", raw, "expected a bare address"));
    }
    let domain = parsed.domain();
    if domain.starts_with('[') || !domain.contains('.') {
        return Err(Error::validation(
            "email",
            raw,
            "domain must be a public host name",
        ));
    }
    Ok(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_lowercases() {
        assert_eq!(
            normalize_email("  Ann.Lee@Example.COM ").unwrap(),
            "ann.lee@example.com"
        );
    }

    #[test]
    fn rejects_bad_syntax_naming_field() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "a b@example.com",
            "ann@localhost",
            "ann@[127.0.0.1]",
            "Ann <ann@example.com>",
        ] {
            let err = normalize_email(bad).unwrap_err();
            assert_eq!(err.field(), Some("email"), "{bad}");
        }
    }
}
