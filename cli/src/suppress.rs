//! `contactkit suppress FILE`: imports another sender's suppression list from CSV
//! through `ContactBook::import_suppressions` (a unit of work per 4,000 rows): a
//! rejected row writes nothing and the others go on. The report is `import`'s: how
//! many rows were recorded (and how many addresses were suppressed so already), and
//! each rejected row by file, line, field and reason.
//!
//! Columns (a header row, names in any case): `channel` (`email` or `sms`; `email`
//! when the column is absent or the cell empty), `address` (required), `kind`
//! (`unsubscribed` when absent or empty), `reason`, and `at` (when it happened, RFC
//! 3339 or `2024-02-20 04:42:48` as UTC; the book's clock when empty). Any other column stops the
//! command before any row is written, as a misspelt `kind` would otherwise turn
//! blacklisted addresses into unsubscribed ones.

use crate::failure::{CliResult, Failure};
use crate::import::{self, Format, Rejected};
use crate::render::escape;
use crate::Context;
use contactkit::{Channel, ContactBook, SuppressionInput, SuppressionKind};
use std::path::PathBuf;

/// What `suppress` was asked to do.
pub struct Options {
    /// The CSV file.
    pub file: PathBuf,
    /// Where to write rejected rows, if anywhere.
    pub rejects: Option<PathBuf>,
    /// Draw a progress bar (stderr is a terminal and not `--quiet`).
    pub progress: bool,
}

/// A column of a suppression list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Channel,
    Address,
    Kind,
    Reason,
    At,
}

const COLUMNS: [(&str, Column); 5] = [
    ("channel", Column::Channel),
    ("address", Column::Address),
    ("kind", Column::Kind),
    ("reason", Column::Reason),
    ("at", Column::At),
];

/// The words a `kind` cell may hold, lower-case with `_` for spaces and hyphens: ours,
/// then those of common exports (Mailchimp's `cleaned`, SendGrid's `bounces` and
/// `spam_reports`, Postmark's `HardBounce` and `ManualSuppression`, Klaviyo's
/// `suppressed`…), each with the reason it records when the row gives none.
const KINDS: [(&str, SuppressionKind, Option<&str>); 25] = [
    ("blacklisted", SuppressionKind::Blacklisted, None),
    ("unsubscribed", SuppressionKind::Unsubscribed, None),
    ("spam_complaint", SuppressionKind::SpamComplaint, None),
    ("blacklist", SuppressionKind::Blacklisted, None),
    ("cleaned", SuppressionKind::Blacklisted, Some("cleaned")),
    ("bounce", SuppressionKind::Blacklisted, Some("hard_bounce")),
    ("bounced", SuppressionKind::Blacklisted, Some("hard_bounce")),
    ("bounces", SuppressionKind::Blacklisted, Some("hard_bounce")),
    (
        "hard_bounce",
        SuppressionKind::Blacklisted,
        Some("hard_bounce"),
    ),
    (
        "hardbounce",
        SuppressionKind::Blacklisted,
        Some("hard_bounce"),
    ),
    ("blocked", SuppressionKind::Blacklisted, Some("manual")),
    ("suppressed", SuppressionKind::Blacklisted, Some("manual")),
    (
        "manual_suppression",
        SuppressionKind::Blacklisted,
        Some("manual"),
    ),
    (
        "manualsuppression",
        SuppressionKind::Blacklisted,
        Some("manual"),
    ),
    ("unsubscribe", SuppressionKind::Unsubscribed, None),
    ("unsubscribes", SuppressionKind::Unsubscribed, None),
    ("opt_out", SuppressionKind::Unsubscribed, None),
    ("opted_out", SuppressionKind::Unsubscribed, None),
    ("optout", SuppressionKind::Unsubscribed, None),
    ("spam", SuppressionKind::SpamComplaint, None),
    ("spamcomplaint", SuppressionKind::SpamComplaint, None),
    ("spam_report", SuppressionKind::SpamComplaint, None),
    ("spam_reports", SuppressionKind::SpamComplaint, None),
    ("complaint", SuppressionKind::SpamComplaint, None),
    ("abuse", SuppressionKind::SpamComplaint, None),
];

/// Records the file's suppressions and prints the report. Rejected rows make the
/// exit code 1 (the other rows are recorded); a storage failure stops the command
/// with exit code 2.
pub fn run(book: &ContactBook, context: &Context, options: &Options) -> CliResult {
    let path = &options.file;
    let name = path.display().to_string();
    let (reader, headers) = import::open_csv(path)?;
    let columns = import::header_columns(
        path,
        &headers,
        |key| COLUMNS.iter().find(|(n, _)| *n == key).map(|(_, c)| *c),
        || "expected one of channel, address, kind, reason, at".to_string(),
    )?;
    if !columns.iter().any(|(_, c)| *c == Column::Address) {
        return Err(Failure::bad(format!(
            "{}:1: no address column: a suppression list needs one (columns: channel, address, kind, reason, at)",
            path.display()
        )));
    }
    let bar = options
        .progress
        .then(|| import::progress_bar(path, Format::Csv, "suppressing"))
        .transpose()?;
    let mut rejected = Vec::new();
    // The file line of each row handed to the book, by its index there.
    let mut lines = Vec::new();
    let mut rows = Vec::new();
    for (done, record) in reader.into_records().enumerate() {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
        }
        match record {
            Ok(record) => {
                lines.push(import::record_line(&record));
                rows.push(read_row(&columns, &record));
            }
            Err(e) => rejected.push(import::unreadable(&e, columns.len())),
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = book
        .import_suppressions(rows)
        .map_err(|e| Failure::from(e).context(&name))?;
    for row in &report.rejected {
        rejected.push(Rejected {
            line: lines.get(row.index as usize).copied().unwrap_or(0),
            field: row.field.as_deref().map(column_of),
            reason: row.reason.clone(),
        });
    }
    let already = match report.unchanged {
        0 => String::new(),
        n => format!(" ({n} already suppressed so)"),
    };
    let text = format!(
        "{} → {}: {} recorded{already}, {} rejected\n",
        escape(&name),
        escape(&context.db.to_string()),
        report.recorded + report.unchanged,
        rejected.len(),
    );
    import::finish_report(
        text,
        path,
        Format::Csv,
        rejected,
        options.rejects.as_deref(),
        "recorded",
    )
}

/// A record's cells as a row: an empty cell is an absent one.
fn read_row(
    columns: &[(String, Column)],
    record: &csv::StringRecord,
) -> contactkit::Result<SuppressionInput> {
    let cell = |wanted: Column| {
        columns
            .iter()
            .zip(record.iter())
            .find(|((_, column), _)| *column == wanted)
            .map(|(_, cell)| cell)
            .filter(|cell| !cell.is_empty())
    };
    let channel = match cell(Column::Channel) {
        Some(given) => channel(given)?,
        None => Channel::Email,
    };
    let (kind, implied) = match cell(Column::Kind) {
        Some(given) => kind(given)?,
        None => (SuppressionKind::Unsubscribed, None),
    };
    let at = cell(Column::At)
        .map(|at| contactkit::validate::parse_instant("at", at))
        .transpose()?;
    Ok(SuppressionInput {
        channel,
        // An empty address goes to the book, which says what is wrong with it.
        address: cell(Column::Address).unwrap_or_default().to_string(),
        kind,
        reason: cell(Column::Reason).or(implied).map(str::to_string),
        at,
    })
}

/// A channel by its name in any case. Push and Telegram channels are named too, so
/// the book refuses them with its own reason (their suppressions belong to a contact).
fn channel(given: &str) -> contactkit::Result<Channel> {
    Channel::ALL
        .into_iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(given))
        .ok_or_else(|| contactkit::Error::validation("channel", given, "expected email or sms"))
}

/// A kind by one of [`KINDS`], with the reason the word implies.
fn kind(given: &str) -> contactkit::Result<(SuppressionKind, Option<&'static str>)> {
    let word: String = given
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    KINDS
        .iter()
        .find(|(w, _, _)| *w == word)
        .map(|(_, kind, reason)| (*kind, *reason))
        .ok_or_else(|| {
            contactkit::Error::validation(
                "kind",
                given,
                "expected blacklisted, unsubscribed or spam_complaint, or an export's word for one (cleaned, bounced, hard_bounce, blocked, opt_out, spam_report, …)",
            )
        })
}

/// The column a book error is about: the book names an address by what it is.
fn column_of(field: &str) -> String {
    match field {
        "email" | "phone" => "address".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_words_read_as_kinds_in_any_case_and_spelling() {
        for (given, wanted, reason) in [
            ("Cleaned", SuppressionKind::Blacklisted, Some("cleaned")),
            (
                "HardBounce",
                SuppressionKind::Blacklisted,
                Some("hard_bounce"),
            ),
            ("Opt-Out", SuppressionKind::Unsubscribed, None),
            ("Spam Complaint", SuppressionKind::SpamComplaint, None),
        ] {
            assert_eq!(kind(given).unwrap(), (wanted, reason), "{given}");
        }
    }

    #[test]
    fn every_kind_word_can_be_matched() {
        // A word with capitals, spaces or hyphens would never match a read cell.
        for (word, wanted, _) in KINDS {
            assert_eq!(kind(word).map(|(k, _)| k), Ok(wanted), "{word}");
        }
    }
}
