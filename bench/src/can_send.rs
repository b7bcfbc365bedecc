//! `can_send`: email decisions per second, `ContactBook::can_send` vs a hand-written
//! check (the contact's email and confirmation, then the suppressions in force at the
//! address). Every tenth contact is unsubscribed first, so both sides see refusals.

use crate::report::{compare, note, piece, Better, Row};
use contactkit::{Channel, ContactBook, SendReason};
use contactkit_cli::random::SampleRng;
use rusqlite::{Connection, OptionalExtension, Statement};
use std::path::Path;

/// Unsubscribes every tenth contact from email; returns every contact id.
pub fn unsubscribe_some(path: &Path) -> Vec<String> {
    let ids: Vec<String> = {
        let conn = Connection::open(path).unwrap();
        let mut stmt = conn.prepare("SELECT id FROM contacts ORDER BY id").unwrap();
        let ids = stmt.query_map([], |row| row.get(0)).unwrap();
        ids.collect::<Result<_, _>>().unwrap()
    };
    let book = ContactBook::open(path).unwrap();
    for id in ids.iter().step_by(10) {
        book.unsubscribe(id, Channel::Email, Some("bench"), None)
            .unwrap();
    }
    ids
}

pub fn run(path: &Path, ids: &[String], decisions: usize, rows: &mut Vec<Row>) {
    let book = ContactBook::open(path).unwrap();
    let conn = Connection::open(path).unwrap();
    let mut raw = RawCheck::new(&conn);
    let (ours, baseline, allowed) = measure(&book, ids, decisions, 2000, |id| raw.decide(id));
    note(format!(
        "can_send: ours {ours:.0}/s, baseline {baseline:.0}/s ({allowed} allowed)"
    ));
    rows.push(Row::new(
        "can_send",
        ours,
        baseline,
        "decisions/s",
        Better::Higher,
    ));
}

/// Email decisions per second of `book.can_send` and of `decide`, a hand-written check
/// of the same store, over one sample of `decisions` of `ids` (every SQL baseline uses
/// it), after checking that both answer alike for the first `checked`. Also returns how
/// many decisions of ours allowed the send.
pub fn measure(
    book: &ContactBook,
    ids: &[String],
    decisions: usize,
    checked: usize,
    mut decide: impl FnMut(&str) -> SendReason,
) -> (f64, f64, usize) {
    let sample: Vec<&str> = {
        let mut rng = SampleRng::new(7, 0);
        (0..decisions).map(|_| rng.pick(ids).as_str()).collect()
    };
    for id in sample.iter().take(decisions.min(checked)) {
        let ours = book.can_send(id, Channel::Email, None).unwrap().reason;
        assert_eq!(ours, decide(id), "contact {id}");
    }
    let mut allowed = 0;
    let (ours, baseline) = compare(
        decisions,
        |p| {
            for id in piece(&sample, p) {
                let decision = book.can_send(id, Channel::Email, None).unwrap();
                allowed += usize::from(decision.allowed);
            }
        },
        |p| {
            for id in piece(&sample, p) {
                assert_ne!(decide(id), SendReason::UnknownContact);
            }
        },
    );
    (ours, baseline, allowed)
}

/// The hand-written check, statements prepared once.
struct RawCheck<'c> {
    begin: Statement<'c>,
    commit: Statement<'c>,
    contact: Statement<'c>,
    suppressions: Statement<'c>,
}

impl<'c> RawCheck<'c> {
    fn new(conn: &'c Connection) -> Self {
        let prepare = |sql: &str| conn.prepare(sql).expect(sql);
        RawCheck {
            begin: prepare("BEGIN"),
            commit: prepare("COMMIT"),
            contact: prepare(
                "SELECT email, email_confirmed FROM contacts WHERE id = ?1 AND deleted_at IS NULL",
            ),
            suppressions: prepare(
                "SELECT kind FROM suppressions \
                 WHERE address = ?1 AND channel = 'email' AND lifted_at IS NULL",
            ),
        }
    }

    fn decide(&mut self, id: &str) -> SendReason {
        self.begin.execute([]).unwrap();
        let reason = self.decide_in_transaction(id);
        self.commit.execute([]).unwrap();
        reason
    }

    fn decide_in_transaction(&mut self, id: &str) -> SendReason {
        let row: Option<(Option<String>, bool)> = self
            .contact
            .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()
            .unwrap();
        let Some((email, confirmed)) = row else {
            return SendReason::UnknownContact;
        };
        let Some(email) = email else {
            return SendReason::NoAddress;
        };
        let mut worst = None;
        let mut kinds = self.suppressions.query([email]).unwrap();
        while let Some(row) = kinds.next().unwrap() {
            worst = worse(worst, row.get_ref(0).unwrap().as_str().unwrap());
        }
        decision(worst, confirmed)
    }
}

/// The hand-written baselines' reading of a suppression kind in force: the more
/// severe of `worst` and `kind`, with its reason.
pub fn worse(worst: Option<(u8, SendReason)>, kind: &str) -> Option<(u8, SendReason)> {
    let severity = match kind {
        "blacklisted" => (3, SendReason::Blacklisted),
        "spam_complaint" => (2, SendReason::SpamComplaint),
        _ => (1, SendReason::Unsubscribed),
    };
    match worst {
        Some(seen) if seen.0 >= severity.0 => Some(seen),
        _ => Some(severity),
    }
}

/// The baselines' decision for an address: its most severe suppression, else the
/// confirmation.
pub fn decision(worst: Option<(u8, SendReason)>, confirmed: bool) -> SendReason {
    match worst {
        Some((_, reason)) => reason,
        None if !confirmed => SendReason::Unconfirmed,
        None => SendReason::Ok,
    }
}
