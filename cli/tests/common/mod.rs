//! Runs the built `contactkit` binary on temporary books.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixed clock every test run uses, so stamps repeat.
pub const NOW: &str = "2025-06-01T12:00:00Z";

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the whole output unless the exit code is `code`.
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code {} (wanted {code})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Stdout and stderr together, for messages that may go to either.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A temporary directory with a book file in it.
pub struct Book {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Book {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("contacts.db");
        Book { dir, db }
    }

    /// A path in the book's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` to a file in the book's directory and returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write fixture");
        path
    }

    /// Runs `contactkit --db <book> ARGS` with the fixed clock.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.dir.path(), &self.db, args, &[])
    }

    /// Like [`Book::run`] with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        run_in(self.dir.path(), &self.db, args, env)
    }
}

pub fn run_in(dir: &Path, db: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_contactkit"));
    command
        .current_dir(dir)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("CONTACTKIT_NOW", NOW)
        .env_remove("NO_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run contactkit");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The fixture directory.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A book with the golden fixture imported.
pub fn golden_book() -> Book {
    let book = Book::new();
    let fixture = fixture("golden_book.jsonl");
    book.run(&["import", fixture.to_str().unwrap()]).expect(0);
    book
}
