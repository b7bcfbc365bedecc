//! `contactkit-bench`: ContactKit side by side with the practical limit of raw SQLite
//! (hand-written rusqlite code over the same schema), in the same run.
//!
//! ```text
//! cargo run --release -p contactkit-bench -- --quick          # 20k contacts, ~1 minute
//! cargo run --release -p contactkit-bench -- --full           # 1M contacts
//! cargo run --release -p contactkit-bench -- --full --scale-10m
//! cargo run --release -p contactkit-bench -- --sizes 10000,100000
//! ```
//!
//! Other flags: `--reps N` (import repetitions, best kept), `--lookups N`,
//! `--decisions N`, `--activities N` (timeline items), `--only a,b` (workloads:
//! sqlite_import, email_lookup, can_send, reads_beside_writer, mixed_import,
//! activity_query, memory_import, rule_count (with dynamic_segment_members),
//! import_dynamic_segments, feed_import, feed_read, pg_import, pg_email_lookup,
//! pg_can_send).
//!
//! The PostgreSQL workloads run only with a server: `--pg URL` or
//! `CONTACTKIT_BENCH_PG_URL` (each run makes its own schemas and drops them). A round
//! trip costs far more than a SQLite call, so they make a tenth of `--lookups` and
//! `--decisions` (at least 1000), e.g.
//! `cargo run --release -p contactkit-bench -- --quick --pg "$URL" --only pg_import,pg_email_lookup,pg_can_send`.
//! Output: a markdown table, one `RATIO <workload> <ratio>` line per workload (ours
//! relative to the baseline, higher is better) and, for several sizes, how import
//! and lookup scale.

mod activity;
mod beside_writer;
mod can_send;
mod data;
mod feed;
mod import;
mod lookup;
mod memory;
mod mixed;
mod postgres;
mod report;
mod rules;

/// Counts (and dynamic segment pages) per rule workload: each scans the book.
const RULE_QUERIES: usize = 100;

use report::{note, number, Row};

/// Largest in-memory import (the memory store keeps every profile on the heap).
const MAX_MEMORY_IMPORT: usize = 1_000_000;

struct Config {
    sizes: Vec<usize>,
    reps: usize,
    lookups: usize,
    decisions: usize,
    activities: usize,
    activity_queries: usize,
    only: Option<Vec<String>>,
    /// The PostgreSQL server of the `pg_*` workloads.
    pg: Option<String>,
}

impl Config {
    fn quick() -> Self {
        Config {
            sizes: vec![20_000],
            reps: 3,
            lookups: 50_000,
            decisions: 100_000,
            activities: 20_000,
            activity_queries: 1_000,
            only: None,
            pg: None,
        }
    }

    fn full() -> Self {
        Config {
            sizes: vec![1_000_000],
            reps: 1,
            lookups: 100_000,
            decisions: 200_000,
            activities: 50_000,
            activity_queries: 1_000,
            only: None,
            pg: None,
        }
    }

    fn parse(args: &[String]) -> Result<Self, String> {
        let mut config = if args.iter().any(|a| a == "--full") {
            Config::full()
        } else {
            Config::quick()
        };
        config.pg = std::env::var("CONTACTKIT_BENCH_PG_URL")
            .ok()
            .filter(|url| !url.is_empty());
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--quick" | "--full" => {}
                "--scale-10m" => config.sizes.push(10_000_000),
                "--sizes" => config.sizes = numbers(value()?)?,
                "--reps" => config.reps = numbers(value()?)?[0].max(1),
                "--lookups" => config.lookups = numbers(value()?)?[0].max(1),
                "--decisions" => config.decisions = numbers(value()?)?[0].max(1),
                "--activities" => config.activities = numbers(value()?)?[0].max(8),
                "--only" => config.only = Some(value()?.split(',').map(String::from).collect()),
                "--pg" => config.pg = Some(value()?.clone()),
                other => return Err(format!("unknown argument {other}")),
            }
        }
        config.sizes.sort_unstable();
        Ok(config)
    }

    fn wants(&self, workload: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|w| w == workload))
    }
}

fn numbers(list: &str) -> Result<Vec<usize>, String> {
    list.split(',')
        .map(|s| {
            s.trim()
                .replace('_', "")
                .parse()
                .map_err(|_| format!("not a number: {s}"))
        })
        .collect()
}

/// How import and lookup behave at one size.
struct Scale {
    n: usize,
    import: (f64, f64),
    lookup: Option<(f64, f64)>,
    bytes: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--probe-memory") {
        memory::probe_main(&args[1], args[2].parse().expect("size"));
        return;
    }
    let config = match Config::parse(&args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rows = Vec::new();
    let mut scaling = Vec::new();
    let import_needed = [
        "sqlite_import",
        "email_lookup",
        "can_send",
        "reads_beside_writer",
        "rule_count",
        "feed_read",
    ]
    .iter()
    .any(|w| config.wants(w));
    for &n in config.sizes.iter().filter(|_| import_needed) {
        let size_dir = tempfile::tempdir_in(dir.path()).expect("temp dir");
        let mut size_rows = Vec::new();
        let imported = import::run(size_dir.path(), n, config.reps, &mut size_rows);
        let ids = can_send::unsubscribe_some(&imported.ours);
        let lookup = config
            .wants("email_lookup")
            .then(|| lookup::run(&imported.ours, n, config.lookups, &mut size_rows));
        if config.wants("can_send") {
            can_send::run(&imported.ours, &ids, config.decisions, &mut size_rows);
        }
        if config.wants("reads_beside_writer") {
            beside_writer::run(&imported.ours, &ids, config.decisions, n, &mut size_rows);
        }
        if config.wants("feed_read") {
            feed::read(&imported.ours, &mut size_rows);
        }
        if config.wants("rule_count") {
            rules::run(&imported.ours, &ids, RULE_QUERIES, &mut size_rows);
        }
        scaling.push(Scale {
            n,
            import: (imported.ours_rate, imported.baseline_rate),
            lookup,
            bytes: imported.bytes_per_contact,
        });
        rows = size_rows;
    }
    if let Some(url) = &config.pg {
        let pg_workloads = ["pg_import", "pg_email_lookup", "pg_can_send"];
        if pg_workloads.iter().any(|w| config.wants(w)) {
            // The rows of the largest size are reported, as for SQLite.
            let mut pg_rows = Vec::new();
            for &n in &config.sizes {
                pg_rows.clear();
                let plan = postgres::Plan {
                    url,
                    n,
                    reps: config.reps,
                    lookups: (config.lookups / 10).max(1000),
                    decisions: (config.decisions / 10).max(1000),
                    import: config.wants("pg_import"),
                    lookup: config.wants("pg_email_lookup"),
                    can_send: config.wants("pg_can_send"),
                };
                postgres::run(&plan, &mut pg_rows);
            }
            rows.extend(pg_rows);
        }
    }
    if config.wants("mixed_import") {
        mixed::run(dir.path(), config.reps, &mut rows);
    }
    if config.wants("activity_query") {
        activity::run(
            dir.path(),
            config.activities,
            config.activity_queries,
            &mut rows,
        );
    }
    if config.wants("feed_import") {
        let largest = config.sizes.last().copied().unwrap_or(20_000);
        feed::import_cost(dir.path(), largest, config.reps, &mut rows);
    }
    if config.wants("import_dynamic_segments") {
        let largest = config.sizes.last().copied().unwrap_or(20_000);
        rules::import_cost(dir.path(), largest, config.reps, &mut rows);
    }
    if config.wants("memory_import") {
        let largest = config.sizes.last().copied().unwrap_or(20_000);
        memory::run(largest.min(MAX_MEMORY_IMPORT), &mut rows);
    }
    print_report(&config, &rows, &scaling);
}

fn print_report(config: &Config, rows: &[Row], scaling: &[Scale]) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "\n## contactkit-bench, {}\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    println!("Machine: {cores} cores, {cpu}. Contacts: {:?}; activity timeline: {} items; imports: best of {}.\n",
        config.sizes, config.activities, config.reps);
    report::print_table(rows);
    println!();
    report::print_ratios(rows);
    if scaling.len() > 1 {
        println!("\n| contacts | import ours | import baseline | ratio | lookup ours | lookup baseline | ratio | bytes/contact |");
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for s in scaling {
            let (lookup_ours, lookup_base) = s
                .lookup
                .map_or((f64::NAN, f64::NAN), |(o, b)| (1e6 / o, 1e6 / b));
            println!(
                "| {} | {} contacts/s ({:.1} s) | {} contacts/s ({:.1} s) | {:.2} | {:.1} µs | {:.1} µs | {:.2} | {:.0} |",
                number(s.n as f64),
                number(s.import.0),
                s.n as f64 / s.import.0,
                number(s.import.1),
                s.n as f64 / s.import.1,
                s.import.0 / s.import.1,
                lookup_ours,
                lookup_base,
                lookup_base / lookup_ours,
                s.bytes,
            );
        }
    }
    note("done");
}
