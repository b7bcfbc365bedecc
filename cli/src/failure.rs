//! What can stop a command, and the exit code each kind gets: 1 for bad input (a
//! wrong argument, an unreadable or malformed file, an unknown contact), 2 for a
//! storage error (the book cannot be opened, read or written). The message is
//! printed as one line naming the file, line and field at fault; never a backtrace.

use std::fmt;
use std::path::Path;

/// A command's failure.
#[derive(Debug)]
pub enum Failure {
    /// The input was wrong: exit code 1.
    BadInput(String),
    /// The book could not be used: exit code 2.
    Storage(String),
    /// Standard output was closed by its reader (`| head`): stop quietly, exit 0.
    ClosedOutput,
}

impl Failure {
    /// A bad-input failure with `message`.
    pub fn bad(message: impl Into<String>) -> Self {
        Failure::BadInput(message.into())
    }

    /// A storage failure with `message`.
    pub fn storage(message: impl Into<String>) -> Self {
        Failure::Storage(message.into())
    }

    /// A failure to read an input file: bad input, naming the file.
    pub fn reading(path: &Path, error: &std::io::Error) -> Self {
        Failure::bad(format!("{}: cannot read: {error}", path.display()))
    }

    /// A failure to write an output file (or stdout): a storage failure, naming it.
    /// A reader that closed the pipe is not a failure.
    pub fn writing(what: &str, error: &std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure::ClosedOutput;
        }
        Failure::storage(format!("{what}: cannot write: {error}"))
    }

    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::ClosedOutput => 0,
            Failure::BadInput(_) => 1,
            Failure::Storage(_) => 2,
        }
    }

    /// Prefixes the message with where it happened (a file, a contact).
    pub fn context(self, prefix: impl fmt::Display) -> Self {
        match self {
            Failure::BadInput(m) => Failure::BadInput(format!("{prefix}: {m}")),
            Failure::Storage(m) => Failure::Storage(format!("{prefix}: {m}")),
            Failure::ClosedOutput => Failure::ClosedOutput,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadInput(m) | Failure::Storage(m) => f.write_str(m),
            Failure::ClosedOutput => f.write_str("standard output was closed"),
        }
    }
}

impl From<contactkit::Error> for Failure {
    fn from(error: contactkit::Error) -> Self {
        match error {
            contactkit::Error::Storage { .. } => Failure::Storage(error.to_string()),
            other => Failure::BadInput(other.to_string()),
        }
    }
}

/// Result of a command.
pub type CliResult<T = ()> = Result<T, Failure>;
