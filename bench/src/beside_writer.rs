//! `reads_beside_writer`: `can_send` decisions per second while a second book on the
//! same file imports without pause (as another process would), against the same
//! decisions with the writer idle, pieces alternating in one run. Reads run in
//! deferred transactions on read-only connections, so under WAL the writer costs a
//! reader only the CPU it takes, never a wait on its lock; before, every read took
//! the write lock and queued behind each import batch. Also notes the longest single
//! decision seen beside the writer.

use crate::data;
use crate::report::{compare, note, piece, timed, Better, Row};
use contactkit::{Channel, ContactBook, DedupeOn};
use contactkit_cli::random::SampleRng;
use std::ops::ControlFlow::Continue;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// Rows per import batch of the writer.
const WRITER_BATCH: usize = 500;

pub fn run(path: &Path, ids: &[String], decisions: usize, n: usize, rows: &mut Vec<Row>) {
    let book = ContactBook::open(path).unwrap();
    let sample: Vec<&str> = {
        let mut rng = SampleRng::new(11, 0);
        (0..decisions).map(|_| rng.pick(ids).as_str()).collect()
    };
    let writing = AtomicBool::new(false);
    let stop = AtomicBool::new(false);
    let written = AtomicUsize::new(0);
    let mut longest = Duration::ZERO;
    let (beside, alone) = std::thread::scope(|scope| {
        scope.spawn(|| {
            let writer = ContactBook::open(path).unwrap();
            let segment = writer.segments().unwrap()[0].id.clone();
            let mut next = n;
            while !stop.load(Ordering::Relaxed) {
                if !writing.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(1));
                    continue;
                }
                let batch = (next..next + WRITER_BATCH).map(|i| data::input(i, &segment));
                let report = writer
                    .import_contacts(batch, DedupeOn::Email, |_| Continue(()))
                    .unwrap();
                assert!(report.rejected.is_empty());
                next += WRITER_BATCH;
                written.fetch_add(WRITER_BATCH, Ordering::Relaxed);
            }
        });
        let decide = |id: &str| {
            book.can_send(id, Channel::Email, None).unwrap();
        };
        let rates = compare(
            decisions,
            |p| {
                writing.store(true, Ordering::Relaxed);
                for id in piece(&sample, p) {
                    longest = longest.max(timed(|| decide(id)));
                }
            },
            |p| {
                writing.store(false, Ordering::Relaxed);
                for id in piece(&sample, p) {
                    decide(id);
                }
            },
        );
        stop.store(true, Ordering::Relaxed);
        rates
    });
    note(format!(
        "reads_beside_writer: {beside:.0}/s beside the writer ({} contacts imported meanwhile), {alone:.0}/s alone; longest decision beside it {:.1} ms",
        written.load(Ordering::Relaxed),
        longest.as_secs_f64() * 1e3
    ));
    rows.push(Row::new(
        "reads_beside_writer",
        beside,
        alone,
        "decisions/s",
        Better::Higher,
    ));
}
