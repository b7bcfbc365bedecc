//! The shared results table, the machine-readable ratio lines and timing helpers.

use std::time::{Duration, Instant};

/// Pieces the query workloads are cut into, run alternately for both sides.
pub const PIECES: usize = 20;

/// Which way a measurement improves.
#[derive(Debug, Clone, Copy)]
pub enum Better {
    /// Throughput: more is better.
    Higher,
    /// Size: less is better.
    Lower,
}

/// One workload measured for ContactKit and its baseline.
#[derive(Debug, Clone)]
pub struct Row {
    pub workload: String,
    pub ours: f64,
    pub baseline: f64,
    pub unit: &'static str,
    pub better: Better,
}

impl Row {
    pub fn new(
        workload: &str,
        ours: f64,
        baseline: f64,
        unit: &'static str,
        better: Better,
    ) -> Self {
        Row {
            workload: workload.to_string(),
            ours,
            baseline,
            unit,
            better,
        }
    }

    /// Ours relative to the baseline, oriented so that higher is better.
    pub fn ratio(&self) -> f64 {
        match self.better {
            Better::Higher => self.ours / self.baseline,
            Better::Lower => self.baseline / self.ours,
        }
    }
}

/// Prints the rows as a markdown table.
pub fn print_table(rows: &[Row]) {
    println!("| workload | ours | baseline | unit | ratio |");
    println!("|---|---:|---:|---|---:|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {:.2} |",
            row.workload,
            number(row.ours),
            number(row.baseline),
            row.unit,
            row.ratio()
        );
    }
}

/// Prints one `RATIO <workload> <ratio>` line per row.
pub fn print_ratios(rows: &[Row]) {
    for row in rows {
        println!("RATIO {} {:.3}", row.workload, row.ratio());
    }
}

/// A number with thousands separators, or two decimals when small.
pub fn number(value: f64) -> String {
    if value.abs() < 100.0 {
        return format!("{value:.2}");
    }
    let digits = format!("{:.0}", value);
    let (sign, digits) = digits.split_at(usize::from(digits.starts_with('-')));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Runs `work` once and returns how long it took.
pub fn timed(work: impl FnOnce()) -> Duration {
    let start = Instant::now();
    work();
    start.elapsed()
}

/// Times both sides over the same work cut into `PIECES` pieces, alternating piece
/// by piece (and which side goes first), so both run under the same machine load;
/// `work(piece)` does one piece. Returns each side's operations per second, `count`
/// being the operations of all pieces.
pub fn compare(
    count: usize,
    mut ours: impl FnMut(usize),
    mut baseline: impl FnMut(usize),
) -> (f64, f64) {
    let (mut ours_took, mut baseline_took) = (Duration::ZERO, Duration::ZERO);
    for piece in 0..PIECES {
        if piece % 2 == 0 {
            ours_took += timed(|| ours(piece));
            baseline_took += timed(|| baseline(piece));
        } else {
            baseline_took += timed(|| baseline(piece));
            ours_took += timed(|| ours(piece));
        }
    }
    (
        per_second(count, ours_took),
        per_second(count, baseline_took),
    )
}

/// Piece `piece` of `items` cut into `PIECES` pieces.
pub fn piece<T>(items: &[T], piece: usize) -> &[T] {
    let at = |p: usize| items.len() * p / PIECES;
    &items[at(piece)..at(piece + 1)]
}

/// Operations per second.
pub fn per_second(count: usize, took: Duration) -> f64 {
    count as f64 / took.as_secs_f64()
}

/// Progress on stderr, so stdout stays the report.
pub fn note(message: impl AsRef<str>) {
    eprintln!("[bench] {}", message.as_ref());
}
