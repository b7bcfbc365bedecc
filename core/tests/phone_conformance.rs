//! Phone conformance: `normalize_phone` against Google's libphonenumber on the example
//! numbers of every region it supports, in international, E.164, national and
//! international-prefix forms, plus invalid variations (`data/phones/expected.tsv`, written
//! by `data/phones/generate.py`; rows interleave regions as a real export does).
//!
//! The rule is agreement, not identity: at least 99.5% of rows must get libphonenumber's
//! answer (the E.164 number, or a refusal where it finds no valid number). Known and
//! intended: `00 852 …` with region HK, which libphonenumber reads as prefix `008` and
//! country code 52, is `+852 …` to us, since `00` is always an international prefix.

use contactkit::validate::normalize_phone;

const EXPECTED: &str = include_str!("data/phones/expected.tsv");
const REQUIRED: f64 = 99.5;

#[test]
fn normalize_phone_agrees_with_libphonenumber() {
    let rows: Vec<(&str, Option<&str>, &str)> = EXPECTED
        .lines()
        .filter(|line| !line.starts_with('#'))
        .skip(1) // the header
        .map(|line| {
            let mut cols = line.split('\t');
            let (Some(input), Some(region), Some(expected), None) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                panic!("malformed row in expected.tsv: {line:?}");
            };
            (input, Some(region).filter(|r| !r.is_empty()), expected)
        })
        .collect();
    assert!(rows.len() > 8000, "expected.tsv has {} rows", rows.len());

    let mut disagreements = Vec::new();
    for &(input, region, expected) in &rows {
        let ours = normalize_phone(input, region);
        let agrees = match (&ours, expected) {
            (Err(_), "invalid") => true,
            (Ok(e164), expected) => e164 == expected,
            (Err(_), _) => false,
        };
        if !agrees {
            disagreements.push((input, region, expected, ours));
        }
    }

    let agreed = rows.len() - disagreements.len();
    let percent = 100.0 * agreed as f64 / rows.len() as f64;
    println!(
        "phone conformance: {} of {} ({percent:.2}%)",
        thousands(agreed),
        thousands(rows.len())
    );
    for (input, region, expected, ours) in disagreements.iter().take(20) {
        let ours = match ours {
            Ok(e164) => e164.clone(),
            Err(err) => format!("refused: {err}"),
        };
        println!(
            "  {input:?} region {}: libphonenumber {expected}, ours {ours}",
            region.unwrap_or("none")
        );
    }
    assert!(
        percent >= REQUIRED,
        "agreement {percent:.2}% is below {REQUIRED}%"
    );
}

/// `15648` as `15,648`, as the figure is quoted in the docs.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
