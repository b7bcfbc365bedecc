//! `memory_import` and `rss_per_contact`: `import_contacts` into
//! `ContactBook::in_memory()` vs the raw loader into a SQLite `:memory:` database.
//! Each side runs in a fresh child process (this binary with `--probe-memory`), so
//! neither reuses memory the other freed; resident memory is VmRSS after the import
//! minus VmRSS before it, with the book still alive.

use crate::data;
use crate::import;
use crate::report::{note, per_second, timed, Better, Row};
use contactkit::{ContactBook, DedupeOn};
use rusqlite::Connection;
use std::ops::ControlFlow::Continue;
use std::process::Command;

pub fn run(n: usize, rows: &mut Vec<Row>) {
    let (ours_rate, ours_rss) = probe("ours", n);
    let (baseline_rate, baseline_rss) = probe("sqlite", n);
    note(format!(
        "memory import n={n}: ours {ours_rate:.0}/s {ours_rss} B, sqlite :memory: {baseline_rate:.0}/s {baseline_rss} B"
    ));
    rows.push(Row::new(
        "memory_import",
        ours_rate,
        baseline_rate,
        "contacts/s",
        Better::Higher,
    ));
    rows.push(Row::new(
        "rss_per_contact",
        ours_rss as f64 / n as f64,
        baseline_rss as f64 / n as f64,
        "bytes",
        Better::Lower,
    ));
}

/// Runs one side in a child process: (contacts per second, RSS growth in bytes).
fn probe(side: &str, n: usize) -> (f64, u64) {
    // This very binary, even if a rebuild has replaced the file since it started.
    let output = Command::new("/proc/self/exe")
        .args(["--probe-memory", side, &n.to_string()])
        .output()
        .expect("run probe");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("PROBE "))
        .unwrap_or_else(|| {
            panic!(
                "probe {side} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let mut parts = line.split_whitespace();
    let rate = parts.next().unwrap().parse().unwrap();
    let rss = parts.next().unwrap().parse().unwrap();
    (rate, rss)
}

/// The child's side: imports `n` contacts and prints `PROBE <rate> <rss bytes>`.
pub fn probe_main(side: &str, n: usize) {
    let (rate, rss) = match side {
        "ours" => {
            let book = ContactBook::in_memory();
            let segment = data::prepare_book(&book);
            let before = vm_rss();
            let took = timed(|| {
                let rows = (0..n).map(|i| data::input(i, &segment));
                let report = book
                    .import_contacts(rows, DedupeOn::Email, |_| Continue(()))
                    .unwrap();
                assert_eq!(report.created, n as u64);
            });
            (per_second(n, took), vm_rss() - before)
        }
        "sqlite" => {
            let conn = Connection::open_in_memory().unwrap();
            conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
            let segment = import::create_schema(&conn);
            let before = vm_rss();
            let took = timed(|| import::load(&conn, segment, n));
            (per_second(n, took), vm_rss() - before)
        }
        other => panic!("unknown probe side {other}"),
    };
    println!("PROBE {rate} {rss}");
}

/// Resident set size of this process, in bytes.
fn vm_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kb * 1024
}
