//! What the change feed is for: an app keeps its book offline in SQLite and pushes
//! what changed to a second book (a server's), applying each changed contact there
//! with the ordinary operations (a merge and an erase on the app are a merge and an
//! erase on the server). Applying is idempotent: a change applied twice (the app
//! crashed before saving its cursor) leaves the server as once.
//!
//! Run: `cargo run -p contactkit --example sync_feed`

use contactkit::{
    Change, ChangeOp, Channel, Contact, ContactBook, ContactInput, DedupeOn, Patch, SuppressionKind,
};

fn main() -> contactkit::Result<()> {
    let dir = std::env::temp_dir().join(format!("contactkit-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| contactkit::Error::storage(e.to_string()))?;
    let app = ContactBook::open(dir.join("app.db"))?;
    let server = ContactBook::in_memory();

    // Offline, on the phone.
    let ann = app.create(input("ann@example.com", "Ann"))?;
    let bob = app.create(input("bob@example.com", "Bob"))?;
    app.update(&ann.id, input("ann@example.com", "Annie"))?;
    app.unsubscribe(&bob.id, Channel::Email, Some("too many emails"), None)?;
    app.delete(&bob.id)?;

    // Back online: push everything after the last cursor the app kept (none yet).
    let mut cursor = sync(&app, &server, None)?;
    // A second push of the same changes (the cursor was lost) changes nothing.
    sync(&app, &server, None)?;

    app.restore(&bob.id)?;
    cursor = sync(&app, &server, Some(&cursor))?;

    // The app finds Ann twice and merges; Eve signs up and asks to be forgotten.
    let twin = app.create(input("ann.work@example.com", "Ann"))?;
    cursor = sync(&app, &server, Some(&cursor))?;
    app.merge(&ann.id, &twin.id)?;
    let eve = app.create(input("eve@example.com", "Eve"))?;
    app.erase(&eve.id)?;
    let before_merge = cursor.clone();
    cursor = sync(&app, &server, Some(&cursor))?;
    sync(&app, &server, Some(&before_merge))?;
    assert_eq!(
        server.get(&twin.id)?.map(|c| c.id),
        Some(ann.id.clone()),
        "the twin's id names Ann on the server too"
    );
    assert!(server.export_contact(&eve.id).is_err(), "Eve is gone");

    let annie = server.get(&ann.id)?.expect("Ann is on the server");
    assert_eq!(annie.first_name.as_deref(), Some("Annie"));
    let bob_there = server.get(&bob.id)?.expect("Bob is back");
    assert_eq!(
        server.can_send(&bob_there.id, Channel::Email, None)?.reason,
        contactkit::SendReason::Unsubscribed
    );
    assert_eq!(server.count()?, 2, "Ann (merged) and Bob");
    println!(
        "synced up to change {cursor}: {} contacts on the server",
        server.count()?
    );
    std::fs::remove_dir_all(&dir).map_err(|e| contactkit::Error::storage(e.to_string()))?;
    Ok(())
}

/// Applies every change of `from` after `cursor` to `to`; returns the cursor to keep.
fn sync(from: &ContactBook, to: &ContactBook, cursor: Option<&str>) -> contactkit::Result<String> {
    let mut cursor = cursor.map(str::to_string);
    loop {
        let page = from.changes(cursor.as_deref(), Some(100))?;
        for change in &page.items {
            apply(from, to, change)?;
        }
        let done = page.items.is_empty();
        cursor = Some(page.next_cursor);
        if done {
            return Ok(cursor.unwrap_or_default());
        }
    }
}

/// Brings the contact a change names to its state in `from` now (later changes of the
/// same contact only bring it there again).
fn apply(from: &ContactBook, to: &ContactBook, change: &Change) -> contactkit::Result<()> {
    let Some(id) = &change.contact_id else {
        return Ok(()); // Catalog changes: this example's books share no catalogue.
    };
    match (change.op, &change.from_id) {
        // Erased on the app: erase on the server too (once: it is not-found after).
        (ChangeOp::Erased, _) => {
            if to.export_contact(id).is_ok() {
                to.erase(id)?;
            }
            return Ok(());
        }
        // Merged on the app: merge on the server first, unless done already (the
        // twin's id then names the same contact there), then bring `into` up to date.
        (ChangeOp::Merged, Some(twin)) => {
            if let (Some(into), Some(other)) = (to.get(id)?, to.get(twin)?) {
                if into.id != other.id {
                    to.merge(&into.id, &other.id)?;
                }
            }
        }
        _ => {}
    }
    match from.get(id)? {
        // Deleted on the app: delete on the server too, if it is there and live.
        None => {
            if to.get(id)?.is_some() {
                to.delete(id)?;
            }
        }
        Some(contact) => {
            if to.get(id)?.is_none() && change.op != ChangeOp::Created {
                // Known to the server but deleted there: bring it back first.
                let _ = to.restore(id);
            }
            to.upsert(profile(&contact), DedupeOn::Id)?;
            for record in contact
                .suppressions
                .iter()
                .filter(|r| r.lifted_at.is_none())
            {
                let reason = record.reason.as_deref();
                match record.kind {
                    SuppressionKind::Unsubscribed => {
                        to.unsubscribe(id, record.channel, reason, None)?
                    }
                    SuppressionKind::SpamComplaint => {
                        to.report_spam(id, record.channel, reason, None)?
                    }
                    SuppressionKind::Blacklisted => {
                        to.blacklist(id, record.channel, reason, None)?
                    }
                };
            }
        }
    }
    Ok(())
}

/// The parts of a profile this example carries over.
fn profile(contact: &Contact) -> ContactInput {
    let set = |value: &Option<String>| match value {
        Some(value) => Patch::Set(value.clone()),
        None => Patch::Clear,
    };
    ContactInput {
        id: Some(contact.id.clone()),
        email: set(&contact.email),
        first_name: set(&contact.first_name),
        last_name: set(&contact.last_name),
        ..Default::default()
    }
}

fn input(email: &str, first_name: &str) -> ContactInput {
    ContactInput {
        email: Patch::Set(email.into()),
        first_name: Patch::Set(first_name.into()),
        ..Default::default()
    }
}
