//! The replay of fuzz targets on stable, for the test command: every seed of
//! `fuzz/seeds/<target>/`, then a bounded, repeatable stream of hostile inputs made
//! from them (bytes flipped, cut, repeated, and fragments a hostile caller sends
//! spliced in: deep nesting, numbers past 2^53 and 2^63, out-of-range dates, lone
//! surrogates, control characters).
//!
//! `CONTACTKIT_FUZZ_REPLAY=<n>` sets the generated inputs per target (default 150).
//! A failing input is printed so it can be added to the seeds. Compiled into the
//! crates' tests with `#[path]`, so `env!("CARGO_MANIFEST_DIR")` is the test's crate
//! (`core/` or `cli/`), a sibling of `fuzz/`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// A fuzz target: its name (its seeds' folder, `cargo fuzz run <name>`) and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Replays every target of `targets` over its seeds and the generated stream.
pub fn replay(targets: &[Target]) {
    let per_target: usize = std::env::var("CONTACTKIT_FUZZ_REPLAY")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150);
    for &(target, body) in targets {
        let seeds = seeds(target);
        for seed in &seeds {
            run(target, body, seed);
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ target.len() as u64);
        for _ in 0..per_target {
            let seed = &seeds[rng.below(seeds.len())];
            run(target, body, &mutate(&mut rng, seed));
        }
    }
}

const HOSTILE: &[&str] = &[
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}",
    "9007199254740993",
    "9223372036854775808",
    "-9223372036854775809",
    "1e400",
    "0.30000000000000004",
    "\"+10000-01-01\"",
    "\"9999-12-31T23:59:59-23:59\"",
    "\"0000-01-01T00:00:00Z\"",
    "\"\\ud800\"",
    "\"\\u001b[2J\\u001b]0;pwned\\u0007\"",
    "\u{1b}[31m",
    "\"\u{202e}evil\"",
    "null",
    "{}",
    "[]",
    "\"\"",
    "\"-\"",
    "\"+\"",
    "\"https://\"",
];

/// xorshift64*: the same stream on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] ^= 1 << rng.below(8);
            }
            1 => data.truncate(at),
            2 => {
                let fragment = HOSTILE[rng.below(HOSTILE.len())].as_bytes();
                data.splice(at..at, fragment.iter().copied());
            }
            3 => {
                // Replace a JSON string or number by a hostile fragment.
                let end = (at + 1 + rng.below(12)).min(data.len());
                let fragment = HOSTILE[rng.below(HOSTILE.len())].as_bytes();
                data.splice(at..end, fragment.iter().copied());
            }
            4 => {
                let chunk: Vec<u8> = data[at..(at + rng.below(16)).min(data.len())].to_vec();
                for _ in 0..rng.below(200) {
                    data.splice(at..at, chunk.iter().copied());
                }
            }
            _ => {
                let byte = rng.next() as u8;
                data.insert(at, byte);
            }
        }
    }
    data
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/seeds")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("seeds {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

fn run(target: &str, body: fn(&[u8]), data: &[u8]) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| body(data))) {
        eprintln!(
            "fuzz target {target} failed on input {:?}",
            String::from_utf8_lossy(data)
        );
        std::panic::resume_unwind(panic);
    }
}
