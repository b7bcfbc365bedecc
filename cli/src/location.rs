//! Where the book is: `--db` takes a SQLite file's path or a PostgreSQL URL
//! (`postgres://` or `postgresql://`), so the same commands work on an embedded book and
//! on one several processes share.

use std::fmt;
use std::path::{Path, PathBuf};

/// A book's place as `--db` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Db {
    /// A SQLite file, created when a command that writes finds none.
    File(PathBuf),
    /// A PostgreSQL database, reached at this URL.
    Server(String),
}

impl Db {
    /// Reads `--db`: a URL whose scheme is `postgres` or `postgresql` (any case) is a
    /// server; anything else is a file's path.
    pub fn parse(raw: &str) -> Result<Db, String> {
        let scheme = raw
            .split_once("://")
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        Ok(match scheme.as_deref() {
            Some("postgres" | "postgresql") => Db::Server(raw.to_string()),
            _ => Db::File(PathBuf::from(raw)),
        })
    }

    /// The file, when the book is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Db::File(path) => Some(path),
            Db::Server(_) => None,
        }
    }
}

/// How messages name the book: its path, or its URL with the password hidden.
impl fmt::Display for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Db::File(path) => write!(f, "{}", path.display()),
            Db::Server(raw) => match url::Url::parse(raw) {
                Ok(mut url) if url.password().is_some() => {
                    // Cannot fail: the URL has a host, since it has a password.
                    let _ = url.set_password(Some("***"));
                    write!(f, "{url}")
                }
                Ok(url) => write!(f, "{url}"),
                Err(_) => write!(f, "a PostgreSQL URL that does not parse"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_url_is_a_server_and_anything_else_a_file() {
        let url = "postgresql://ck:secret@127.0.0.1:5432/books";
        assert_eq!(Db::parse(url), Ok(Db::Server(url.into())));
        assert_eq!(Db::parse("POSTGRES://db/x").unwrap().file(), None);
        assert_eq!(
            Db::parse("contacts.db").unwrap().file(),
            Some(Path::new("contacts.db"))
        );
        // A file named like a URL of another scheme is still a file.
        assert_eq!(
            Db::parse("sqlite://contacts.db"),
            Ok(Db::File("sqlite://contacts.db".into()))
        );
    }

    #[test]
    fn messages_never_show_the_password() {
        let db = Db::parse("postgresql://ck:s3cr3t@db.example.com:5432/books").unwrap();
        assert_eq!(
            db.to_string(),
            "postgresql://ck:***@db.example.com:5432/books"
        );
        let garbled = Db::parse("postgres://ck:s3cr3t@[bad").unwrap();
        assert!(!garbled.to_string().contains("s3cr3t"));
    }
}
