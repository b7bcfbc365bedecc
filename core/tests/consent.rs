//! Channel status and consent (DOMAIN.md, "Channel status and consent"): suppression
//! per address, status precedence, double opt-in and every `can_send` reason.

mod common;

use chrono::Duration;
use common::*;
use contactkit::{
    Channel, ChannelStatus, ContactBook, DedupeOn, SendDecision, SendReason, SuppressionKind,
    Telegram,
};
use serde_json::json;
use std::ops::ControlFlow::Continue;

fn reason(book: &ContactBook, id: &str, channel: Channel, category: Option<&str>) -> SendReason {
    let decision: SendDecision = book.can_send(id, channel, category).unwrap();
    assert_eq!(
        decision.allowed,
        decision.reason == SendReason::Ok,
        "allowed must agree with the reason"
    );
    decision.reason
}

// ---------------------------------------------------------------------------------
// Status precedence

#[test]
fn email_status_precedence_blacklisted_spam_unsubscribed_unconfirmed_active() {
    let (book, clock) = clocked();
    let c = book
        .sign_up(input(json!({"email": "ann@example.com"})))
        .unwrap();
    assert_eq!(c.email_status, Some(ChannelStatus::Unconfirmed));
    assert_eq!(c.phone_status, None, "no phone, no status");

    clock.advance(Duration::minutes(1)).unwrap();
    let c = book.unsubscribe(&c.id, Channel::Email, None, None).unwrap();
    assert_eq!(
        c.email_status,
        Some(ChannelStatus::Unsubscribed),
        "unsubscribed > unconfirmed"
    );

    clock.advance(Duration::minutes(1)).unwrap();
    let c = book.report_spam(&c.id, Channel::Email, None, None).unwrap();
    assert_eq!(
        c.email_status,
        Some(ChannelStatus::SpamComplaint),
        "spam > unsubscribed"
    );

    clock.advance(Duration::minutes(1)).unwrap();
    let c = book
        .blacklist(&c.id, Channel::Email, Some("hard_bounce"), None)
        .unwrap();
    assert_eq!(
        c.email_status,
        Some(ChannelStatus::Blacklisted),
        "blacklisted > spam"
    );

    // Lifting in reverse order walks the precedence back down.
    clock.advance(Duration::minutes(1)).unwrap();
    let c = book
        .unblacklist(&c.id, Channel::Email, "address verified")
        .unwrap();
    assert_eq!(c.email_status, Some(ChannelStatus::SpamComplaint));
    clock.advance(Duration::minutes(1)).unwrap();
    let c = book.resubscribe(&c.id, Channel::Email, None).unwrap();
    assert_eq!(
        c.email_status,
        Some(ChannelStatus::Unconfirmed),
        "spam and unsubscribe lifted"
    );
    let c = book.confirm(&c.id, Channel::Email).unwrap();
    assert_eq!(c.email_status, Some(ChannelStatus::Active));
    assert_eq!(get(&book, &c.id).email_status, Some(ChannelStatus::Active));
    // Every record is still shown with its date, lifted ones too.
    assert_eq!(c.suppressions.len(), 3);
}

#[test]
fn phone_status_follows_the_same_precedence_and_channels_are_independent() {
    let book = ContactBook::in_memory();
    let c = create(
        &book,
        json!({"email": "a@example.com", "phone": "+380671234567"}),
    );
    assert_eq!(c.phone_status, Some(ChannelStatus::Active));
    let c = book
        .unsubscribe(&c.id, Channel::Sms, Some("STOP"), None)
        .unwrap();
    assert_eq!(c.phone_status, Some(ChannelStatus::Unsubscribed));
    assert_eq!(
        c.email_status,
        Some(ChannelStatus::Active),
        "email untouched"
    );
    let c = book
        .blacklist(&c.id, Channel::Sms, Some("invalid_number"), None)
        .unwrap();
    assert_eq!(c.phone_status, Some(ChannelStatus::Blacklisted));
    let c = book.report_spam(&c.id, Channel::Sms, None, None).unwrap();
    assert_eq!(
        c.phone_status,
        Some(ChannelStatus::Blacklisted),
        "blacklisted stays on top"
    );
    assert_eq!(
        reason(&book, &c.id, Channel::Sms, None),
        SendReason::Blacklisted
    );
    assert_eq!(reason(&book, &c.id, Channel::Email, None), SendReason::Ok);
}

// ---------------------------------------------------------------------------------
// Records: date and reason

#[test]
fn suppression_records_carry_the_clock_date_and_the_reason() {
    let (book, clock) = clocked();
    let c = create(
        &book,
        json!({"email": "ann@example.com", "phone": "+380671234567"}),
    );
    clock.advance(Duration::hours(1)).unwrap();
    book.blacklist(&c.id, Channel::Email, Some("hard_bounce"), None)
        .unwrap();
    clock.advance(Duration::hours(1)).unwrap();
    book.unsubscribe(&c.id, Channel::Sms, Some("from the unsubscribe page"), None)
        .unwrap();
    clock.advance(Duration::hours(1)).unwrap();
    book.blacklist(&c.id, Channel::Sms, None, None).unwrap();
    clock.advance(Duration::hours(1)).unwrap();
    let c = book.report_spam(&c.id, Channel::Email, None, None).unwrap();

    let shown: Vec<_> = c
        .suppressions
        .iter()
        .map(|r| {
            (
                r.channel,
                r.kind,
                r.at,
                r.reason.as_deref(),
                r.address.as_str(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            (
                Channel::Email,
                SuppressionKind::Blacklisted,
                t0() + Duration::hours(1),
                Some("hard_bounce"),
                "ann@example.com"
            ),
            (
                Channel::Sms,
                SuppressionKind::Unsubscribed,
                t0() + Duration::hours(2),
                Some("from the unsubscribe page"),
                "+380671234567"
            ),
            (
                Channel::Sms,
                SuppressionKind::Blacklisted,
                t0() + Duration::hours(3),
                Some("manual"),
                "+380671234567"
            ),
            (
                Channel::Email,
                SuppressionKind::SpamComplaint,
                t0() + Duration::hours(4),
                None,
                "ann@example.com"
            ),
        ],
        "oldest first, each with its date and reason"
    );
    assert!(c
        .suppressions
        .iter()
        .all(|r| r.lifted_at.is_none() && r.lift_note.is_none()));

    // A second blacklist while one is in force keeps the first date and reason.
    clock.advance(Duration::hours(1)).unwrap();
    book.blacklist(&c.id, Channel::Email, Some("inactive_address"), None)
        .unwrap();
    let records = book
        .suppressions(Channel::Email, "ann@example.com")
        .unwrap();
    let blacklists: Vec<_> = records
        .iter()
        .filter(|r| r.kind == SuppressionKind::Blacklisted)
        .collect();
    assert_eq!(blacklists.len(), 1);
    assert_eq!(blacklists[0].at, t0() + Duration::hours(1));
    assert_eq!(blacklists[0].reason.as_deref(), Some("hard_bounce"));
}

#[test]
fn suppressions_lookup_normalises_its_address_and_filters_by_channel() {
    let book = ContactBook::in_memory().with_default_region("UA").unwrap();
    let c = create(
        &book,
        json!({"email": "ann@example.com", "phone": "+380671234567"}),
    );
    book.blacklist(&c.id, Channel::Email, Some("manual"), None)
        .unwrap();
    book.unsubscribe(&c.id, Channel::Sms, None, None).unwrap();

    let by_email = book
        .suppressions(Channel::Email, "  ANN@Example.com ")
        .unwrap();
    assert_eq!(by_email.len(), 1);
    assert_eq!(by_email[0].kind, SuppressionKind::Blacklisted);
    assert_eq!(by_email[0].address, "ann@example.com");

    for phone in ["+380 67 123 4567", "067 123 4567", "+380671234567"] {
        let by_phone = book.suppressions(Channel::Sms, phone).unwrap();
        assert_eq!(by_phone.len(), 1, "{phone}");
        assert_eq!(by_phone[0].kind, SuppressionKind::Unsubscribed);
    }
    // Records are per channel.
    assert!(book.suppressions(Channel::Sms, "ann@example.com").is_err());
    assert!(book
        .suppressions(Channel::Email, "other@example.com")
        .unwrap()
        .is_empty());
    assert_validation(book.suppressions(Channel::Email, "nope"), "email");
}

#[test]
fn push_and_telegram_suppressions_are_kept_per_contact() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "a@example.com"}));
    book.add_mobile_push(&c.id, device("shop", "d1", Some("T1")))
        .unwrap();
    book.unsubscribe(&c.id, Channel::MobilePush, None, None)
        .unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::MobilePush, None),
        SendReason::Unsubscribed
    );
    // A new token does not shake off the contact's opt-out.
    book.add_mobile_push(&c.id, device("shop", "d2", Some("T2")))
        .unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::MobilePush, None),
        SendReason::Unsubscribed
    );
    let records = book.suppressions(Channel::MobilePush, &c.id).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].address, c.id);
    assert_eq!(reason(&book, &c.id, Channel::Email, None), SendReason::Ok);
}

// ---------------------------------------------------------------------------------
// Follow the address

#[test]
fn a_blacklist_follows_the_address_to_the_next_contact_holding_it() {
    let (book, clock) = clocked();
    let a = create(&book, json!({"email": "a@x.com"}));
    book.blacklist(&a.id, Channel::Email, Some("hard_bounce"), None)
        .unwrap();
    clock.advance(Duration::days(1)).unwrap();
    // A changes email: the old address is free, its record stays with it.
    let a = book
        .update(&a.id, input(json!({"email": "a2@x.com"})))
        .unwrap();
    assert_eq!(a.email_status, Some(ChannelStatus::Active));
    assert!(
        a.suppressions.is_empty(),
        "the record did not follow the contact"
    );
    assert_eq!(reason(&book, &a.id, Channel::Email, None), SendReason::Ok);

    let b = create(&book, json!({"email": "A@X.com"}));
    assert_eq!(b.email_status, Some(ChannelStatus::Blacklisted));
    assert_eq!(b.suppressions.len(), 1);
    assert_eq!(b.suppressions[0].at, t0(), "the original date");
    assert_eq!(b.suppressions[0].reason.as_deref(), Some("hard_bounce"));
    let decision = book.can_send(&b.id, Channel::Email, None).unwrap();
    assert!(!decision.allowed);
    assert_eq!(decision.reason, SendReason::Blacklisted);
}

#[test]
fn a_blacklist_follows_the_address_after_it_is_cleared_from_a_deleted_contact() {
    let book = ContactBook::in_memory();
    let a = create(&book, json!({"email": "a@x.com", "phone": "+380671234567"}));
    book.blacklist(&a.id, Channel::Email, None, None).unwrap();
    book.unsubscribe(&a.id, Channel::Sms, None, None).unwrap();
    book.delete(&a.id).unwrap();
    // A deleted contact's address stays reserved (DOMAIN: soft delete) ...
    assert_conflict(book.create(input(json!({"email": "a@x.com"}))), "email");
    // ... so it becomes free only once the restored contact lets it go.
    book.restore(&a.id).unwrap();
    book.update(&a.id, input(json!({"email": null, "phone": null})))
        .unwrap();
    book.delete(&a.id).unwrap();

    let b = create(
        &book,
        json!({"email": "a@x.com", "phone": "+380 67 123 4567"}),
    );
    assert_eq!(b.email_status, Some(ChannelStatus::Blacklisted));
    assert_eq!(b.phone_status, Some(ChannelStatus::Unsubscribed));
    assert_eq!(
        reason(&book, &b.id, Channel::Email, None),
        SendReason::Blacklisted
    );
    assert_eq!(
        reason(&book, &b.id, Channel::Sms, None),
        SendReason::Unsubscribed
    );
}

// ---------------------------------------------------------------------------------
// Lifting

#[test]
fn unblacklist_needs_a_note_and_the_lifted_record_stays() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "ann@example.com"}));
    book.blacklist(&c.id, Channel::Email, Some("hard_bounce"), None)
        .unwrap();
    for note in ["", "   "] {
        assert_validation(book.unblacklist(&c.id, Channel::Email, note), "note");
    }
    assert_eq!(
        get(&book, &c.id).email_status,
        Some(ChannelStatus::Blacklisted)
    );

    clock.advance(Duration::days(2)).unwrap();
    let c = book
        .unblacklist(&c.id, Channel::Email, " mailbox exists again ")
        .unwrap();
    assert_eq!(c.email_status, Some(ChannelStatus::Active));
    assert_eq!(c.suppressions.len(), 1, "the lifted record stays");
    let r = &c.suppressions[0];
    assert_eq!(r.kind, SuppressionKind::Blacklisted);
    assert_eq!(r.at, t0());
    assert_eq!(r.reason.as_deref(), Some("hard_bounce"));
    assert_eq!(r.lifted_at, Some(t0() + Duration::days(2)));
    assert_eq!(r.lift_note.as_deref(), Some("mailbox exists again"));
    assert_eq!(
        book.suppressions(Channel::Email, "ann@example.com")
            .unwrap(),
        c.suppressions
    );
    assert_eq!(reason(&book, &c.id, Channel::Email, None), SendReason::Ok);

    // Nothing in force to lift.
    assert_not_found(
        book.unblacklist(&c.id, Channel::Email, "again"),
        "blacklisted record",
    );
    // Blacklisting again adds a new record; the old one keeps its history.
    clock.advance(Duration::days(1)).unwrap();
    let c = book.blacklist(&c.id, Channel::Email, None, None).unwrap();
    assert_eq!(c.suppressions.len(), 2);
    assert_eq!(c.suppressions[1].at, t0() + Duration::days(3));
    assert_eq!(c.email_status, Some(ChannelStatus::Blacklisted));
}

#[test]
fn resubscribe_lifts_unsubscribe_and_spam_but_not_a_blacklist() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "ann@example.com"}));
    book.unsubscribe(&c.id, Channel::Email, Some("too many emails"), None)
        .unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::Email, None),
        SendReason::Unsubscribed
    );
    clock.advance(Duration::hours(5)).unwrap();
    let c = book.resubscribe(&c.id, Channel::Email, None).unwrap();
    assert_eq!(c.email_status, Some(ChannelStatus::Active));
    assert_eq!(c.suppressions[0].lifted_at, Some(t0() + Duration::hours(5)));
    assert_eq!(c.suppressions[0].reason.as_deref(), Some("too many emails"));
    assert_eq!(reason(&book, &c.id, Channel::Email, None), SendReason::Ok);

    book.report_spam(&c.id, Channel::Email, None, None).unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::Email, None),
        SendReason::SpamComplaint
    );
    book.blacklist(&c.id, Channel::Email, None, None).unwrap();
    let c = book
        .resubscribe(&c.id, Channel::Email, Some("asked to come back"))
        .unwrap();
    assert_eq!(
        c.email_status,
        Some(ChannelStatus::Blacklisted),
        "needs unblacklist"
    );
    let spam = c
        .suppressions
        .iter()
        .find(|r| r.kind == SuppressionKind::SpamComplaint)
        .unwrap();
    assert_eq!(spam.lift_note.as_deref(), Some("asked to come back"));
    assert_eq!(
        reason(&book, &c.id, Channel::Email, None),
        SendReason::Blacklisted
    );
    // Nothing left to resubscribe from.
    assert_not_found(
        book.resubscribe(&c.id, Channel::Email, None),
        "unsubscribed or spam_complaint record",
    );
}

#[test]
fn report_spam_records_a_complaint() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "ann@example.com"}));
    clock.advance(Duration::minutes(30)).unwrap();
    let c = book.report_spam(&c.id, Channel::Email, None, None).unwrap();
    assert_eq!(c.email_status, Some(ChannelStatus::SpamComplaint));
    assert_eq!(c.suppressions[0].kind, SuppressionKind::SpamComplaint);
    assert_eq!(c.suppressions[0].at, t0() + Duration::minutes(30));
    assert_eq!(
        reason(&book, &c.id, Channel::Email, None),
        SendReason::SpamComplaint
    );
}

#[test]
fn suppressing_a_channel_without_an_address_is_a_validation_error() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "ann@example.com"}));
    assert_validation(book.blacklist(&c.id, Channel::Sms, None, None), "channel");
    assert_validation(book.unsubscribe(&c.id, Channel::Sms, None, None), "channel");
    assert!(get(&book, &c.id).suppressions.is_empty());
}

// ---------------------------------------------------------------------------------
// Double opt-in

#[test]
fn sign_up_is_unconfirmed_until_confirm() {
    let book = ContactBook::in_memory();
    let c = book
        .sign_up(input(
            json!({"email": "ann@example.com", "phone": "+380671234567"}),
        ))
        .unwrap();
    assert_eq!(c.source, contactkit::Source::SubscriptionForm);
    assert_eq!(c.email_status, Some(ChannelStatus::Unconfirmed));
    assert_eq!(c.phone_status, Some(ChannelStatus::Unconfirmed));
    assert_eq!(
        reason(&book, &c.id, Channel::Email, None),
        SendReason::Unconfirmed
    );
    assert_eq!(
        reason(&book, &c.id, Channel::Sms, None),
        SendReason::Unconfirmed
    );

    let c = book.confirm(&c.id, Channel::Email).unwrap();
    assert_eq!(c.email_status, Some(ChannelStatus::Active));
    assert_eq!(
        c.phone_status,
        Some(ChannelStatus::Unconfirmed),
        "each confirmed on its own"
    );
    assert_eq!(reason(&book, &c.id, Channel::Email, None), SendReason::Ok);
    let c = book.confirm(&c.id, Channel::Sms).unwrap();
    assert_eq!(c.phone_status, Some(ChannelStatus::Active));
    assert_eq!(reason(&book, &c.id, Channel::Sms, None), SendReason::Ok);

    // Signing up again with the same address keeps the confirmation.
    let again = book
        .sign_up(input(json!({"email": "ann@example.com"})))
        .unwrap();
    assert_eq!(again.id, c.id);
    assert_eq!(again.email_status, Some(ChannelStatus::Active));
    // A new address from a form needs confirming again.
    let changed = book
        .sign_up(input(
            json!({"email": "ann@example.com", "phone": "+380677654321"}),
        ))
        .unwrap();
    assert_eq!(changed.id, c.id);
    assert_eq!(changed.phone_status, Some(ChannelStatus::Unconfirmed));
    assert_eq!(changed.email_status, Some(ChannelStatus::Active));

    assert_validation(book.confirm(&c.id, Channel::MobilePush), "channel");
    let no_phone = create(&book, json!({"email": "b@example.com"}));
    assert_validation(book.confirm(&no_phone.id, Channel::Sms), "channel");
}

#[test]
fn create_import_and_upsert_add_confirmed_addresses() {
    let book = ContactBook::in_memory();
    let created = create(
        &book,
        json!({"email": "c@example.com", "phone": "+380671111111"}),
    );
    let upserted = upsert(
        &book,
        json!({"email": "u@example.com", "phone": "+380672222222"}),
        DedupeOn::Email,
    );
    let report = book
        .import_contacts(
            vec![input(
                json!({"email": "i@example.com", "phone": "+380673333333"}),
            )],
            DedupeOn::Email,
            |_| Continue(()),
        )
        .unwrap();
    assert_eq!(report.created, 1);
    let imported = book.find_by_email("i@example.com").unwrap().unwrap();
    for c in [created, upserted, imported] {
        assert_eq!(c.email_status, Some(ChannelStatus::Active), "{:?}", c.email);
        assert_eq!(c.phone_status, Some(ChannelStatus::Active), "{:?}", c.email);
        assert_eq!(reason(&book, &c.id, Channel::Email, None), SendReason::Ok);
        assert_eq!(reason(&book, &c.id, Channel::Sms, None), SendReason::Ok);
    }
    // An API change to a signed-up contact's address confirms the new address.
    let s = book
        .sign_up(input(json!({"email": "s@example.com"})))
        .unwrap();
    let s = book
        .update(&s.id, input(json!({"email": "s2@example.com"})))
        .unwrap();
    assert_eq!(s.email_status, Some(ChannelStatus::Active));
}

// ---------------------------------------------------------------------------------
// can_send: every reason

#[test]
fn can_send_no_address_for_each_channel_then_ok() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"first_name": "Ann"}));
    for channel in Channel::ALL {
        assert_eq!(
            reason(&book, &c.id, channel, None),
            SendReason::NoAddress,
            "{channel}"
        );
    }
    book.update(
        &c.id,
        input(json!({"email": "a@example.com", "phone": "+380671234567"})),
    )
    .unwrap();
    book.add_mobile_push(&c.id, device("shop", "d1", Some("T1")))
        .unwrap();
    book.add_web_push(&c.id, web_push("https://push.example.com/s/1"))
        .unwrap();
    book.set_telegram(
        &c.id,
        Some(Telegram {
            bot_id: "bot".into(),
            chat_id: "42".into(),
        }),
    )
    .unwrap();
    for channel in Channel::ALL {
        let decision = book.can_send(&c.id, channel, None).unwrap();
        assert!(decision.allowed, "{channel}");
        assert_eq!(decision.reason, SendReason::Ok, "{channel}");
    }
    // An inactive device is nothing to push to.
    book.add_mobile_push(
        &c.id,
        contactkit::DeviceInput {
            active: Some(false),
            ..device("shop", "d1", Some("T1"))
        },
    )
    .unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::MobilePush, None),
        SendReason::NoAddress
    );
    book.set_telegram(&c.id, None).unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::Telegram, None),
        SendReason::NoAddress
    );
}

#[test]
fn can_send_returns_every_suppression_reason() {
    let book = ContactBook::in_memory();
    let make = |email: &str| create(&book, json!({"email": email})).id;
    let black = make("black@example.com");
    book.blacklist(&black, Channel::Email, None, None).unwrap();
    let spam = make("spam@example.com");
    book.report_spam(&spam, Channel::Email, None, None).unwrap();
    let unsub = make("unsub@example.com");
    book.unsubscribe(&unsub, Channel::Email, None, None)
        .unwrap();
    let pending = book
        .sign_up(input(json!({"email": "pending@example.com"})))
        .unwrap()
        .id;
    let fine = make("ok@example.com");

    let expect = [
        (&black, SendReason::Blacklisted),
        (&spam, SendReason::SpamComplaint),
        (&unsub, SendReason::Unsubscribed),
        (&pending, SendReason::Unconfirmed),
        (&fine, SendReason::Ok),
    ];
    for (id, expected) in expect {
        let decision = book.can_send(id, Channel::Email, None).unwrap();
        assert_eq!(decision.reason, expected);
        assert_eq!(decision.allowed, expected == SendReason::Ok);
    }
    // The reason names serialise as the vocabulary says.
    let decision = book.can_send(&spam, Channel::Email, None).unwrap();
    assert_eq!(
        serde_json::to_value(decision).unwrap(),
        json!({"allowed": false, "reason": "spam_complaint"})
    );
}

#[test]
fn can_send_with_a_category() {
    let book = ContactBook::in_memory();
    let news = book.define_category("Weekly news").unwrap();
    let c = create(&book, json!({"email": "ann@example.com"}));
    assert_eq!(
        reason(&book, &c.id, Channel::Email, Some(&news.key)),
        SendReason::NotInCategory
    );
    book.add_category(&c.id, &news.key).unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::Email, Some(&news.key)),
        SendReason::Ok
    );
    // A suppression outranks the category answer.
    book.unsubscribe(&c.id, Channel::Email, None, None).unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::Email, Some(&news.key)),
        SendReason::Unsubscribed
    );
    book.resubscribe(&c.id, Channel::Email, None).unwrap();
    book.remove_category(&c.id, &news.key).unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::Email, Some(&news.key)),
        SendReason::NotInCategory
    );
    // An undefined category is an error, not an answer.
    assert_not_found(
        book.can_send(&c.id, Channel::Email, Some("nope")),
        "category",
    );
    assert_not_found(
        book.can_send(
            "0190a5b2-7c1e-7000-8000-000000000001",
            Channel::Email,
            Some("nope"),
        ),
        "category",
    );
}

#[test]
fn can_send_unknown_contact_for_unknown_and_deleted_ids() {
    let book = ContactBook::in_memory();
    let news = book.define_category("News").unwrap();
    for channel in Channel::ALL {
        let decision = book
            .can_send("0190a5b2-7c1e-7000-8000-000000000001", channel, None)
            .unwrap();
        assert!(!decision.allowed);
        assert_eq!(decision.reason, SendReason::UnknownContact, "{channel}");
    }
    assert_eq!(
        reason(&book, "not even a uuid", Channel::Email, None),
        SendReason::UnknownContact
    );
    let c = create(
        &book,
        json!({"email": "ann@example.com", "categories": [news.key]}),
    );
    assert_eq!(
        reason(&book, &c.id, Channel::Email, Some("news")),
        SendReason::Ok
    );
    book.delete(&c.id).unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::Email, None),
        SendReason::UnknownContact
    );
    assert_eq!(
        reason(&book, &c.id, Channel::Email, Some("news")),
        SendReason::UnknownContact
    );
    book.restore(&c.id).unwrap();
    assert_eq!(
        reason(&book, &c.id, Channel::Email, Some("news")),
        SendReason::Ok
    );
}
