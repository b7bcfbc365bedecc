//! Files a command writes (`import --rejects`, `export --output`) never land on the
//! book it has open. Creating an output truncates it, and a truncated book, write-ahead
//! log or shared-memory index is a destroyed book; so the check runs before the book
//! is opened, and a refused command has touched nothing.
//!
//! An output is the book when both name the same file: the same device and inode when
//! the output exists (any spelling, a symlink, a hard link), or the same absolute path
//! once symlinks are followed (a file a create would make: its directory is resolved).

use crate::failure::{CliResult, Failure};
use std::fs::Metadata;
use std::path::{Path, PathBuf};

/// The files SQLite keeps for a book, by the suffix it adds to the book's path, and
/// how a message names each.
const BOOK_FILES: [(&str, &str); 4] = [
    ("", "the book itself"),
    ("-wal", "the book's write-ahead log"),
    ("-shm", "the book's shared-memory index"),
    ("-journal", "the book's rollback journal"),
];

/// How many symlinks a path may go through before it is taken as unresolvable (the
/// limit Linux sets, ELOOP).
const MAX_SYMLINKS: u8 = 40;

/// Refuses the output `path`, given as `option`, when it is the book at `db` or one
/// of the book's companion files. The message names the option and quotes both paths
/// as given.
pub fn refuse_book(option: &str, path: &Path, db: &Path) -> CliResult {
    let (Some(output), Some(book)) = (Place::of(path), resolved(db, MAX_SYMLINKS)) else {
        // An output or a book whose directory cannot be resolved cannot be created
        // either: the command fails on its own, with the reason, before writing.
        return Ok(());
    };
    for (suffix, what) in BOOK_FILES {
        let mut file = book.clone().into_os_string();
        file.push(suffix);
        if output.is(&Place::at(PathBuf::from(file))) {
            return Err(Failure::bad(format!(
                "{option} {path:?} is {what} (--db {db:?}): writing it would destroy the book; choose another file"
            )));
        }
    }
    Ok(())
}

/// Where a path leads: its resolved absolute path, and the file's metadata when it
/// exists.
struct Place {
    path: PathBuf,
    metadata: Option<Metadata>,
}

impl Place {
    /// The place `path` leads to, if its directory can be resolved.
    fn of(path: &Path) -> Option<Place> {
        resolved(path, MAX_SYMLINKS).map(Place::at)
    }

    /// The place at an already resolved path.
    fn at(path: PathBuf) -> Place {
        let metadata = std::fs::metadata(&path).ok();
        Place { path, metadata }
    }

    /// True when both are one file: one path, or one inode (a hard link).
    fn is(&self, other: &Place) -> bool {
        self.path == other.path
            || matches!((&self.metadata, &other.metadata), (Some(a), Some(b)) if same_inode(a, b))
    }
}

/// `path` made absolute with every symlink followed: the file itself when it exists,
/// else the file a create would make (a dangling symlink creates its target; a new
/// name lands in its resolved directory). None when there is no such directory, or
/// the path names no file (`dir/..`), or it goes through too many symlinks.
fn resolved(path: &Path, symlinks_left: u8) -> Option<PathBuf> {
    if let Ok(real) = std::fs::canonicalize(path) {
        return Some(real);
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if let Ok(target) = std::fs::read_link(path) {
        let left = symlinks_left.checked_sub(1)?;
        return resolved(&parent.join(target), left);
    }
    Some(std::fs::canonicalize(parent).ok()?.join(path.file_name()?))
}

/// Same device and inode: one file under two names.
#[cfg(unix)]
fn same_inode(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Without inodes only the resolved paths tell two files apart.
#[cfg(not(unix))]
fn same_inode(_: &Metadata, _: &Metadata) -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_resolves_in_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        let spelled = dir.path().join("sub/../new.db");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert_eq!(resolved(&spelled, MAX_SYMLINKS), Some(real.join("new.db")));
    }

    #[test]
    fn a_dangling_symlink_resolves_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        std::os::unix::fs::symlink("target.db", dir.path().join("link")).unwrap();
        assert_eq!(
            resolved(&dir.path().join("link"), MAX_SYMLINKS),
            Some(real.join("target.db"))
        );
    }

    #[test]
    fn a_symlink_loop_is_unresolvable() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("b", dir.path().join("a")).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        assert_eq!(resolved(&dir.path().join("a"), MAX_SYMLINKS), None);
    }
}
