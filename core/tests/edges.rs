//! "Rules at the edges" (DOMAIN.md; issue 11): one test per rule, each named for it,
//! each a bug real data once found. Run on the in-memory store and on a SQLite file.

mod common;

use common::{assert_validation, input};
use contactkit::{
    Activity, ActivityDetail, ActivityQuery, CampaignInput, CampaignStatus, Channel, ContactBook,
    DedupeOn, EventInput, FieldDefinition, FieldInput, FieldType, FieldUpdate, ListQuery,
    OrderInput, OrderStatus, Period, Platform, SendReason, SuppressionKind,
};
use rust_decimal::Decimal;
use serde_json::json;
use std::ops::ControlFlow::Continue;

fn on_every_store(check: impl Fn(&ContactBook)) {
    check(&ContactBook::in_memory());
    let dir = tempfile::tempdir().unwrap();
    check(&ContactBook::open(dir.path().join("book.db")).unwrap());
}

fn order(external_id: &str, amount: &str, status: OrderStatus) -> OrderInput {
    serde_json::from_value(json!({
        "external_id": external_id, "amount": amount, "currency": "EUR", "status": status,
    }))
    .unwrap()
}

#[test]
fn order_amounts_and_totals_never_overflow() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let largest = "1000000000000000";
        for i in 0..3 {
            book.record_order(
                &ann.id,
                order(&format!("o{i}"), largest, OrderStatus::Delivered),
            )
            .unwrap();
        }
        book.record_order(&ann.id, order("small", "0.000001", OrderStatus::Delivered))
            .unwrap();
        let read = book
            .get(&ann.id)
            .unwrap()
            .expect("the contact stays readable");
        assert_eq!(
            read.order_stats.revenue["EUR"],
            "3000000000000000.000001".parse::<Decimal>().unwrap(),
            "exact"
        );
        // Above 10^15; seven decimal places; the largest decimal there is.
        for amount in [
            "1000000000000000.01",
            "0.0000001",
            "79228162514264337593543950335",
        ] {
            let refused = book.record_order(&ann.id, order("big", amount, OrderStatus::Delivered));
            assert_validation(refused, "amount");
        }
        assert_eq!(
            book.get(&ann.id).unwrap().unwrap().order_stats.order_count,
            4
        );
    });
}

fn campaign(
    message_id: &str,
    channel: &str,
    status: &str,
    description: Option<&str>,
) -> CampaignInput {
    serde_json::from_value(json!({
        "message_id": message_id, "channel": channel, "status": status,
        "status_description": description,
    }))
    .unwrap()
}

fn kinds(book: &ContactBook, channel: Channel, address: &str) -> Vec<SuppressionKind> {
    book.suppressions(channel, address)
        .unwrap()
        .into_iter()
        .filter(|r| r.is_active())
        .map(|r| r.kind)
        .collect()
}

#[test]
fn a_campaigns_suppression_lands_on_its_channel_and_the_address_it_was_sent_to() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "x@a.com", "phone": "+380671234567"})))
            .unwrap();
        book.record_campaign(&ann.id, campaign("m1", "email", "sent", None))
            .unwrap();
        book.update(&ann.id, input(json!({"email": "y@a.com"})))
            .unwrap();
        book.record_campaign(
            &ann.id,
            campaign("m1", "email", "undelivered", Some("hard_bounce")),
        )
        .unwrap();
        assert_eq!(
            kinds(book, Channel::Email, "x@a.com"),
            [SuppressionKind::Blacklisted]
        );
        assert!(
            kinds(book, Channel::Email, "y@a.com").is_empty(),
            "the new address is clean"
        );
        assert!(
            book.can_send(&ann.id, Channel::Email, None)
                .unwrap()
                .allowed
        );

        // A status for the same message on another channel is refused, suppressing nothing.
        let sms = book.record_campaign(&ann.id, campaign("m1", "sms", "spam", None));
        assert_validation(sms, "channel");
        assert!(kinds(book, Channel::Sms, "+380671234567").is_empty());
    });
}

#[test]
fn a_status_never_moves_back_and_undelivered_may_learn_of_a_hard_bounce() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let status_of = |activity: Activity| match activity.detail {
            ActivityDetail::Campaign(c) => (c.status, c.status_description),
            other => panic!("not a campaign: {other:?}"),
        };
        book.record_campaign(&ann.id, campaign("m1", "email", "delivered", None))
            .unwrap();
        let after = book
            .record_campaign(
                &ann.id,
                campaign("m1", "email", "undelivered", Some("hard_bounce")),
            )
            .unwrap();
        assert_eq!(
            status_of(after),
            (CampaignStatus::Delivered, None),
            "delivered stays"
        );
        assert!(kinds(book, Channel::Email, "ann@example.com").is_empty());

        book.record_campaign(&ann.id, campaign("m2", "email", "undelivered", None))
            .unwrap();
        let bounced = book
            .record_campaign(
                &ann.id,
                campaign("m2", "email", "undelivered", Some("hard_bounce")),
            )
            .unwrap();
        assert_eq!(
            status_of(bounced),
            (CampaignStatus::Undelivered, Some("hard_bounce".to_string()))
        );
        assert_eq!(
            kinds(book, Channel::Email, "ann@example.com"),
            [SuppressionKind::Blacklisted]
        );
        // Read and clicked after delivered still move forward; spam after read too.
        for status in ["read", "clicked", "spam"] {
            book.record_campaign(&ann.id, campaign("m1", "email", status, None))
                .unwrap();
        }
        assert!(kinds(book, Channel::Email, "ann@example.com")
            .contains(&SuppressionKind::SpamComplaint));
    });
}

#[test]
fn registering_a_device_again_updates_only_the_parts_given() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let first = json!({
            "app_id": "shop", "device_id": "d1", "token": "t1", "platform": "ios",
            "model": "iPhone 15", "active": false,
        });
        book.add_mobile_push(&ann.id, serde_json::from_value(first).unwrap())
            .unwrap();
        let again = json!({"app_id": "shop", "device_id": "d1", "token": "t2"});
        let after = book
            .add_mobile_push(&ann.id, serde_json::from_value(again).unwrap())
            .unwrap();
        let device = &after.devices[0];
        assert_eq!(after.devices.len(), 1);
        assert_eq!(device.token.as_deref(), Some("t2"));
        assert_eq!(device.platform, Platform::Ios, "the platform is kept");
        assert_eq!(device.model.as_deref(), Some("iPhone 15"));
        assert!(!device.active, "active is kept");
        // Given parts do change.
        let android =
            json!({"app_id": "shop", "device_id": "d1", "platform": "android", "active": true});
        let changed = book
            .register_app(&ann.id, serde_json::from_value(android).unwrap())
            .unwrap();
        assert_eq!(changed.devices[0].platform, Platform::Android);
        assert!(changed.devices[0].active);
    });
}

#[test]
fn identity_by_token_never_rewrites_a_lasting_id() {
    on_every_store(|book| {
        let device = |token: &str| json!([{"app_id": "shop", "device_id": "d1", "token": token}]);
        let crm1 = book
            .upsert(
                input(json!({"external_id": "crm-1", "mobile_push": device("tok")})),
                DedupeOn::ExternalId,
            )
            .unwrap();
        // Another key value with the same token: a new contact, and the token moves.
        let crm2 = book
            .upsert(
                input(json!({"external_id": "crm-2", "mobile_push": device("tok")})),
                DedupeOn::ExternalId,
            )
            .unwrap();
        assert_ne!(crm2.id, crm1.id);
        let kept = book
            .find_by_external_id("crm-1")
            .unwrap()
            .expect("crm-1 keeps its id");
        assert!(kept.devices.is_empty(), "the token moved off crm-1");
        assert_eq!(
            book.find_by_push_token("tok").unwrap().map(|c| c.id),
            Some(crm2.id.clone())
        );

        // An anonymous app profile (no external id) is the one the sign-in lands on.
        let anonymous = book
            .upsert(
                input(json!({"mobile_push": device("anon-tok")})),
                DedupeOn::ExternalId,
            )
            .unwrap();
        let signed_in = book
            .upsert(
                input(json!({"external_id": "crm-3", "mobile_push": device("anon-tok")})),
                DedupeOn::ExternalId,
            )
            .unwrap();
        assert_eq!(signed_in.id, anonymous.id);
        assert_eq!(signed_in.external_id.as_deref(), Some("crm-3"));
    });
}

#[test]
fn the_telegram_chat_is_a_changeable_identifier() {
    on_every_store(|book| {
        let chat = json!({"bot_id": "bot", "chat_id": "chat-7"});
        let ann = book
            .create(input(json!({"email": "ann@example.com", "telegram": chat})))
            .unwrap();
        // Registered on another contact, it moves there.
        let bo = book
            .create(input(json!({"email": "bo@example.com"})))
            .unwrap();
        let bo = book
            .set_telegram(&bo.id, Some(serde_json::from_value(chat.clone()).unwrap()))
            .unwrap();
        assert_eq!(
            bo.telegram.as_ref().map(|t| t.chat_id.as_str()),
            Some("chat-7")
        );
        assert_eq!(book.get(&ann.id).unwrap().unwrap().telegram, None);
        // An upsert carrying the chat (and no email) lands on its holder.
        let again = book
            .upsert(
                input(json!({"first_name": "Bo", "telegram": chat})),
                DedupeOn::Email,
            )
            .unwrap();
        assert_eq!(again.id, bo.id);
        assert_eq!(book.count().unwrap(), 2);
    });
}

#[test]
fn contacts_are_found_by_push_token_and_web_push_endpoint() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({
                "email": "ann@example.com",
                "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "tok-1"}],
                "web_push": [{"endpoint": "https://push.example.com/a", "p256dh": common::P256DH, "auth": common::AUTH}],
            })))
            .unwrap();
        assert_eq!(
            book.find_by_push_token(" tok-1 ").unwrap().map(|c| c.id),
            Some(ann.id.clone())
        );
        let by_endpoint = book
            .find_by_web_push_endpoint("HTTPS://push.example.com/a")
            .unwrap();
        assert_eq!(by_endpoint.map(|c| c.id), Some(ann.id.clone()));
        assert!(book.find_by_push_token("nope").unwrap().is_none());
        // No contact can hold what is no endpoint: not found, not an error.
        assert!(book
            .find_by_web_push_endpoint("not a url")
            .unwrap()
            .is_none());
        book.delete(&ann.id).unwrap();
        assert!(
            book.find_by_push_token("tok-1").unwrap().is_none(),
            "deleted contacts are not found"
        );
    });
}

#[test]
fn categories_segments_and_fields_are_renamed_and_deleted_with_what_they_hold() {
    on_every_store(|book| {
        let news = book.define_category("Weekly news").unwrap();
        let vip = book.create_segment("VIP").unwrap();
        book.define_field(FieldDefinition::new("nickname", FieldType::Text))
            .unwrap();
        let mut tier = FieldDefinition::new("tier", FieldType::List);
        tier.options = vec!["gold".into()];
        book.define_field(tier).unwrap();
        let ann = book
            .create(input(json!({
                "email": "ann@example.com", "categories": [news.key], "segments": [vip.id],
                "fields": {"nickname": "Annie", "tier": "gold"},
            })))
            .unwrap();

        let renamed = book.update_category(&news.key, "Daily news").unwrap();
        assert_eq!(
            (renamed.key.as_str(), renamed.title.as_str()),
            ("weekly-news", "Daily news")
        );
        let segment_names: Vec<String> = book
            .segments()
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert!(
            segment_names.contains(&"Daily news".to_string()),
            "{segment_names:?}"
        );
        assert_eq!(
            book.update_segment(&vip.id, name_update("V.I.P."))
                .unwrap()
                .name,
            "V.I.P."
        );
        assert_validation(
            book.update_segment(&renamed.segment_id, name_update("x")),
            "segment",
        );
        assert_validation(book.delete_segment(&renamed.segment_id), "segment");

        let update = FieldUpdate {
            title: Some("Tier".into()),
            add_options: vec!["platinum".into()],
        };
        let tier = book.update_field("tier", update).unwrap();
        assert_eq!(tier.options, ["gold", "platinum"]);
        book.set_field(&ann.id, "tier", FieldInput::Text("platinum".into()))
            .unwrap();
        let twice = FieldUpdate {
            add_options: vec!["gold".into()],
            ..Default::default()
        };
        assert_validation(book.update_field("tier", twice), "options");

        book.delete_category(&news.key).unwrap();
        book.delete_segment(&vip.id).unwrap();
        book.delete_field("nickname").unwrap();
        let after = book.get(&ann.id).unwrap().unwrap();
        assert!(after.categories.is_empty());
        assert!(
            after.segments.is_empty(),
            "the category's segment went too: {:?}",
            after.segments
        );
        assert_eq!(after.fields.keys().collect::<Vec<_>>(), ["tier"]);
        assert!(book.categories().unwrap().is_empty());
        assert!(book.segments().unwrap().is_empty());
        common::assert_not_found(book.delete_category(&news.key), "category");
        common::assert_not_found(book.delete_field("nickname"), "field");
        // The name is free again.
        book.create_segment("VIP").unwrap();
    });
}

#[test]
fn multilist_options_may_not_contain_a_comma() {
    let book = ContactBook::in_memory();
    let mut colours = FieldDefinition::new("colours", FieldType::Multilist);
    colours.options = vec!["red, dark".into(), "blue".into()];
    assert_validation(book.define_field(colours), "options");
    // A list (one value) may: its string form is the option itself.
    let mut shade = FieldDefinition::new("shade", FieldType::List);
    shade.options = vec!["red, dark".into()];
    book.define_field(shade).unwrap();
}

#[test]
fn ids_compare_case_insensitively() {
    on_every_store(|book| {
        let id = "0190A5C2-0000-7000-8000-00000000ABCD";
        let ann = book
            .create(input(json!({"id": id, "email": "ann@example.com"})))
            .unwrap();
        assert_eq!(ann.id, id.to_lowercase());
        assert_eq!(book.get(id).unwrap().map(|c| c.id), Some(ann.id.clone()));
        book.record_event(
            id,
            EventInput {
                name: "opened".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let items = book.activity(
            id,
            &ActivityQuery {
                period: Period::All,
                ..Default::default()
            },
        );
        assert_eq!(
            items.unwrap().items[0].contact_id,
            ann.id,
            "stored under the canonical id"
        );
        assert!(book.can_send(id, Channel::Email, None).unwrap().allowed);
        let vip = book.create_segment("VIP").unwrap();
        let upper = vip.id.to_uppercase();
        let joined = book.add_to_segment(id, &upper).unwrap();
        assert_eq!(
            joined.segments,
            std::slice::from_ref(&vip.id),
            "stored under the canonical id"
        );
        assert_eq!(
            book.update_segment(&upper, name_update("V.I.P."))
                .unwrap()
                .id,
            vip.id
        );
        let members = book.segment_members(&upper, &ListQuery::default()).unwrap();
        assert_eq!(members.items.len(), 1);
    });
}

#[test]
fn readonly_fields_are_set_only_by_import_and_api() {
    on_every_store(|book| {
        let mut score = FieldDefinition::new("score", FieldType::Number);
        score.readonly = true;
        book.define_field(score).unwrap();
        let api = book
            .create(input(
                json!({"email": "a@example.com", "fields": {"score": 1}}),
            ))
            .unwrap();
        assert_eq!(api.fields["score"], contactkit::FieldValue::Number(1));
        for source in ["subscription_form", "sdk", "order", "manual"] {
            let row =
                input(json!({"email": "b@example.com", "source": source, "fields": {"score": 2}}));
            assert_validation(book.upsert(row, DedupeOn::Email), "fields.score");
        }
        let signed = book.sign_up(input(
            json!({"email": "c@example.com", "fields": {"score": 3}}),
        ));
        assert_validation(signed, "fields.score");
        let report = book
            .import_contacts(
                vec![input(
                    json!({"email": "d@example.com", "fields": {"score": 4}}),
                )],
                DedupeOn::Email,
                |_| Continue(()),
            )
            .unwrap();
        assert_eq!(report.created, 1);
    });
}

#[test]
fn can_send_takes_any_identifier_and_many_at_once() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({
                "email": "ann@example.com", "phone": "+380671234567",
                "external_id": "crm-1", "contact_key": "key-1",
            })))
            .unwrap();
        book.unsubscribe(&ann.id, Channel::Email, None, None)
            .unwrap();
        for who in [
            ann.id.as_str(),
            "ANN@example.com",
            "+380 67 123 4567",
            "crm-1",
            "key-1",
        ] {
            let decision = book.can_send(who, Channel::Email, None).unwrap();
            assert_eq!(decision.reason, SendReason::Unsubscribed, "{who}");
        }
        let many = book
            .can_send_many(
                &["ann@example.com", "nobody@example.com", "crm-1"],
                Channel::Sms,
                None,
            )
            .unwrap();
        let reasons: Vec<SendReason> = many.into_iter().map(|d| d.reason).collect();
        assert_eq!(
            reasons,
            [SendReason::Ok, SendReason::UnknownContact, SendReason::Ok]
        );
        common::assert_not_found(
            book.can_send_many(&["crm-1"], Channel::Email, Some("nope")),
            "category",
        );
    });
}

#[test]
fn an_address_no_contact_holds_can_be_suppressed() {
    on_every_store(|book| {
        let records = book
            .suppress_address(
                Channel::Email,
                " Later@Example.com ",
                SuppressionKind::Unsubscribed,
                Some("list import"),
                None,
            )
            .unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].address, "later@example.com");
        let later = book
            .create(input(json!({"email": "later@example.com"})))
            .unwrap();
        let decision = book.can_send(&later.id, Channel::Email, None).unwrap();
        assert_eq!(decision.reason, SendReason::Unsubscribed);
        assert_validation(
            book.suppress_address(
                Channel::MobilePush,
                "tok",
                SuppressionKind::Blacklisted,
                None,
                None,
            ),
            "channel",
        );
        assert_validation(
            book.suppress_address(
                Channel::Sms,
                "not a phone",
                SuppressionKind::Blacklisted,
                None,
                None,
            ),
            "phone",
        );
        let spam = book
            .report_spam(&later.id, Channel::Email, Some("abuse report"), None)
            .unwrap();
        let complaint = spam
            .suppressions
            .iter()
            .find(|r| r.kind == SuppressionKind::SpamComplaint);
        assert_eq!(
            complaint.and_then(|r| r.reason.as_deref()),
            Some("abuse report")
        );
    });
}

#[test]
fn phones_written_with_an_international_prefix_parse_like_plus() {
    on_every_store(|book| {
        let ua = book
            .create(input(
                json!({"phone": "00380671234567", "address": {"country": "UA"}}),
            ))
            .unwrap();
        assert_eq!(ua.phone.as_deref(), Some("+380671234567"));
    });
    let gb = ContactBook::in_memory().with_default_region("GB").unwrap();
    let contact = gb
        .create(input(json!({"phone": "0044 20 7946 0958"})))
        .unwrap();
    assert_eq!(contact.phone.as_deref(), Some("+442079460958"));
    assert_eq!(
        gb.find_by_phone("020 7946 0958").unwrap().map(|c| c.id),
        Some(contact.id)
    );
    assert_validation(
        gb.create(input(json!({"phone": "+44 20 7946 0958 x123"}))),
        "phone",
    );
}

#[test]
fn a_contact_is_found_by_any_identifier() {
    on_every_store(|book| {
        let ann = book
            .create(input(
                json!({"email": "ann@example.com", "external_id": "crm-1", "contact_key": "k-1"}),
            ))
            .unwrap();
        for who in [
            ann.id.to_uppercase().as_str(),
            "Ann@Example.com",
            "crm-1",
            " k-1 ",
        ] {
            assert_eq!(
                book.find(who).unwrap().map(|c| c.id),
                Some(ann.id.clone()),
                "{who}"
            );
        }
        assert!(book.find("nobody").unwrap().is_none());
    });
}

fn name_update(name: &str) -> contactkit::SegmentUpdate {
    contactkit::SegmentUpdate {
        name: Some(name.to_string()),
        rule: None,
    }
}
