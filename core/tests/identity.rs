//! Identity rules of DOMAIN.md: normalisation, uniqueness, upsert dedupe keys and merge
//! semantics, changeable identifiers (push tokens, web push endpoints), applications,
//! soft delete and paging.

mod common;

use chrono::Duration;
use common::*;
use contactkit::Channel;
use contactkit::{
    Application, Contact, ContactBook, ContactInput, DedupeOn, ListQuery, Patch, SendReason,
};
use serde_json::json;

fn full_ann(book: &ContactBook) -> Contact {
    create(
        book,
        json!({
            "email": "ann@example.com",
            "phone": "+380671234567",
            "external_id": "crm-1",
            "contact_key": "key-1",
            "first_name": "Ann",
            "last_name": "Lee",
        }),
    )
}

// ---------------------------------------------------------------------------------
// Normalisation

#[test]
fn create_returns_normalised_values() {
    let book = ContactBook::in_memory();
    let c = create(
        &book,
        json!({
            "email": "  Ann.Lee@Example.COM ",
            "phone": "+380 (67) 123-45-67",
            "first_name": "  Anna-Maria   José ",
            "last_name": "O'Neil Jr.",
            "timezone": "europe/kyiv",
            "language": "PT-br",
            "external_id": "  crm-7 ",
            "contact_key": " k7 ",
            "address": {"country": "ua", "town": "Kyiv"},
        }),
    );
    assert_eq!(c.email.as_deref(), Some("ann.lee@example.com"));
    assert_eq!(c.phone.as_deref(), Some("+380671234567"));
    assert_eq!(c.first_name.as_deref(), Some("Anna-Maria José"));
    assert_eq!(c.last_name.as_deref(), Some("O'Neil Jr."));
    assert_eq!(c.timezone.as_deref(), Some("Europe/Kyiv"));
    assert_eq!(c.language.as_deref(), Some("pt-BR"));
    assert_eq!(c.external_id.as_deref(), Some("crm-7"));
    assert_eq!(c.contact_key.as_deref(), Some("k7"));
    assert_eq!(c.address.unwrap().country.as_deref(), Some("UA"));
    // What create returned is what the book keeps.
    let stored = get(&book, &c.id);
    assert_eq!(stored.email.as_deref(), Some("ann.lee@example.com"));
    assert_eq!(stored.phone.as_deref(), Some("+380671234567"));
    assert_eq!(stored.timezone.as_deref(), Some("Europe/Kyiv"));
    // Finders normalise their argument the same way.
    assert_eq!(
        book.find_by_email(" ANN.LEE@example.com")
            .unwrap()
            .unwrap()
            .id,
        c.id
    );
    assert_eq!(
        book.find_by_phone("+380 67 123 4567").unwrap().unwrap().id,
        c.id
    );
    assert_eq!(book.find_by_external_id("crm-7").unwrap().unwrap().id, c.id);
    assert_eq!(book.find_by_key("k7").unwrap().unwrap().id, c.id);
}

#[test]
fn ids_are_uuid_v7() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "a@example.com"}));
    let id = uuid::Uuid::parse_str(&c.id).expect("a UUID");
    assert_eq!(id.get_version_num(), 7);
}

#[test]
fn invalid_values_are_rejected_naming_the_field_and_nothing_is_written() {
    let book = ContactBook::in_memory();
    let cases = [
        (json!({"email": "not-an-email"}), "email"),
        (json!({"email": "ann@localhost"}), "email"),
        (json!({"phone": "+380 12"}), "phone"),
        (json!({"first_name": "Ann1234"}), "first_name"),
        (json!({"first_name": "-Ann"}), "first_name"),
        (json!({"last_name": "x".repeat(41)}), "last_name"),
        (json!({"last_name": "123"}), "last_name"),
        (json!({"first_name": "Jonathan."}), "first_name"),
        (json!({"timezone": "Mars/Olympus"}), "timezone"),
        (json!({"language": "english"}), "language"),
        (json!({"language": "pt_BR"}), "language"),
        (json!({"address": {"country": "XX"}}), "address.country"),
    ];
    for (json, field) in cases {
        let mut with_email = json.clone();
        if with_email.get("email").is_none() {
            with_email["email"] = json!("valid@example.com");
        }
        assert_validation(book.create(input(with_email)), field);
    }
    assert_eq!(book.count().unwrap(), 0);
    assert!(book.find_by_email("valid@example.com").unwrap().is_none());
}

#[test]
fn names_of_any_script_are_accepted() {
    let book = ContactBook::in_memory();
    for (i, name) in ["Олена", "李", "उमेश", "D’Arcy", "Müller"]
        .iter()
        .enumerate()
    {
        let c = create(
            &book,
            json!({"email": format!("n{i}@example.com"), "first_name": name}),
        );
        assert_eq!(c.first_name.as_deref(), Some(*name));
    }
}

// ---------------------------------------------------------------------------------
// National phone numbers

#[test]
fn national_phone_needs_address_country_or_default_region() {
    let book = ContactBook::in_memory();
    let err = assert_validation(
        book.create(input(json!({"phone": "067 123 4567"}))),
        "phone",
    );
    assert!(err.to_string().contains("country"), "{err}");
    assert_eq!(book.count().unwrap(), 0);

    let with_country = create(
        &book,
        json!({"phone": "067 123 4567", "address": {"country": "UA"}}),
    );
    assert_eq!(with_country.phone.as_deref(), Some("+380671234567"));

    // A contact whose stored address has a country can be updated with a national number.
    let updated = book
        .update(&with_country.id, input(json!({"phone": "067 765 4321"})))
        .unwrap();
    assert_eq!(updated.phone.as_deref(), Some("+380677654321"));

    let regional = ContactBook::in_memory().with_default_region("ua").unwrap();
    let c = regional
        .create(input(json!({"phone": "067 123 4567"})))
        .unwrap();
    assert_eq!(c.phone.as_deref(), Some("+380671234567"));
    assert_eq!(
        regional.find_by_phone("067 123 4567").unwrap().unwrap().id,
        c.id
    );
    // The address country wins over the default region.
    let us = regional
        .create(input(
            json!({"phone": "(202) 555-0143", "address": {"country": "US"}}),
        ))
        .unwrap();
    assert_eq!(us.phone.as_deref(), Some("+12025550143"));
    // International form needs nothing.
    let intl = book
        .create(input(json!({"phone": "+1 202 555 0144"})))
        .unwrap();
    assert_eq!(intl.phone.as_deref(), Some("+12025550144"));

    assert_validation(
        ContactBook::in_memory().with_default_region("XX"),
        "default_region",
    );
}

// ---------------------------------------------------------------------------------
// Uniqueness

#[test]
fn lasting_identifiers_are_unique_and_a_conflict_writes_nothing() {
    let book = ContactBook::in_memory();
    let ann = full_ann(&book);
    let cases = [
        (
            json!({"email": "ANN@example.com ", "first_name": "Bob"}),
            "email",
        ),
        (
            json!({"phone": "+380 67 123 4567", "first_name": "Bob"}),
            "phone",
        ),
        (
            json!({"external_id": "crm-1", "first_name": "Bob"}),
            "external_id",
        ),
        (
            json!({"contact_key": "key-1", "first_name": "Bob"}),
            "contact_key",
        ),
    ];
    for (json, field) in cases {
        let mut json = json;
        // Give the new contact its own other identifiers, so only `field` clashes.
        for (k, v) in [
            ("email", json!("bob@example.com")),
            ("external_id", json!("crm-2")),
            ("contact_key", json!("key-2")),
        ] {
            if json.get(k).is_none() {
                json[k] = v;
            }
        }
        let err = assert_conflict(book.create(input(json)), field);
        assert!(err.to_string().contains(&ann.id), "{err}");
        assert_eq!(book.count().unwrap(), 1, "{field}");
        assert!(book.find_by_email("bob@example.com").unwrap().is_none());
        assert!(book.find_by_external_id("crm-2").unwrap().is_none());
        assert_eq!(get(&book, &ann.id), ann, "{field}: the holder is unchanged");
    }
}

#[test]
fn update_onto_anothers_identifier_is_a_conflict_and_changes_neither() {
    let (book, clock) = clocked();
    let ann = full_ann(&book);
    let bob = create(
        &book,
        json!({"email": "bob@example.com", "external_id": "crm-2", "first_name": "Bob"}),
    );
    clock.advance(Duration::minutes(1)).unwrap();
    for (json, field) in [
        (
            json!({"email": "ann@example.com", "first_name": "Robert"}),
            "email",
        ),
        (
            json!({"phone": "+380671234567", "first_name": "Robert"}),
            "phone",
        ),
        (
            json!({"external_id": "crm-1", "first_name": "Robert"}),
            "external_id",
        ),
        (
            json!({"contact_key": "key-1", "first_name": "Robert"}),
            "contact_key",
        ),
    ] {
        assert_conflict(book.update(&bob.id, input(json)), field);
        assert_eq!(get(&book, &bob.id), bob, "{field}");
        assert_eq!(get(&book, &ann.id), ann, "{field}");
    }
    assert_eq!(book.count().unwrap(), 2);
}

#[test]
fn a_freed_identifier_can_be_taken() {
    let book = ContactBook::in_memory();
    let ann = full_ann(&book);
    book.update(
        &ann.id,
        input(json!({"email": "ann2@example.com", "external_id": null})),
    )
    .unwrap();
    let bob = create(
        &book,
        json!({"email": "ann@example.com", "external_id": "crm-1"}),
    );
    assert_eq!(
        book.find_by_email("ann@example.com").unwrap().unwrap().id,
        bob.id
    );
    assert_eq!(
        book.find_by_external_id("crm-1").unwrap().unwrap().id,
        bob.id
    );
    assert_eq!(
        book.find_by_email("ann2@example.com").unwrap().unwrap().id,
        ann.id
    );
}

#[test]
fn creating_with_a_taken_id_is_a_conflict() {
    let book = ContactBook::in_memory();
    let ann = full_ann(&book);
    assert_conflict(
        book.create(input(json!({"id": ann.id, "email": "x@example.com"}))),
        "id",
    );
    assert_eq!(book.count().unwrap(), 1);
    assert_validation(
        book.create(input(json!({"id": "not-a-uuid", "email": "x@example.com"}))),
        "id",
    );
}

// ---------------------------------------------------------------------------------
// Upsert: dedupe keys

#[test]
fn each_dedupe_key_updates_rather_than_duplicates() {
    /// The upsert input that should find `contact` again by the key.
    type Matching = Box<dyn Fn(&Contact) -> serde_json::Value>;
    let cases: Vec<(DedupeOn, Matching)> = vec![
        (
            DedupeOn::Id,
            Box::new(|c| json!({"id": c.id, "first_name": "Annie"})),
        ),
        (
            DedupeOn::Email,
            Box::new(|_| json!({"email": " Ann@Example.com", "first_name": "Annie"})),
        ),
        (
            DedupeOn::Phone,
            Box::new(|_| json!({"phone": "+380 67 123 45 67", "first_name": "Annie"})),
        ),
        (
            DedupeOn::EmailOrPhone,
            Box::new(|_| json!({"email": "ann@example.com", "first_name": "Annie"})),
        ),
        (
            // No email given: the phone matches.
            DedupeOn::EmailOrPhone,
            Box::new(|_| json!({"phone": "+380671234567", "first_name": "Annie"})),
        ),
        (
            // An email no one holds, the phone of Ann: the phone matches and the email is added.
            DedupeOn::EmailOrPhone,
            Box::new(
                |_| json!({"email": "new@example.com", "phone": "+380671234567", "first_name": "Annie"}),
            ),
        ),
        (
            DedupeOn::ContactKey,
            Box::new(|_| json!({"contact_key": "key-1", "first_name": "Annie"})),
        ),
        (
            DedupeOn::ExternalId,
            Box::new(|_| json!({"external_id": "crm-1", "first_name": "Annie"})),
        ),
    ];
    for (on, make) in cases {
        let (book, clock) = clocked();
        let ann = full_ann(&book);
        clock.advance(Duration::seconds(5)).unwrap();
        let json = make(&ann);
        let updated = book.upsert(input(json.clone()), on).unwrap();
        assert_eq!(updated.id, ann.id, "{on:?} {json}");
        assert_eq!(updated.first_name.as_deref(), Some("Annie"), "{on:?}");
        assert_eq!(
            updated.last_name.as_deref(),
            Some("Lee"),
            "{on:?}: absent keeps"
        );
        assert_eq!(updated.created_at, ann.created_at);
        assert_eq!(updated.updated_at, ann.created_at + Duration::seconds(5));
        assert_eq!(book.count().unwrap(), 1, "{on:?}");
        if json.get("email").is_some_and(|e| e == "new@example.com") {
            assert_eq!(updated.email.as_deref(), Some("new@example.com"));
        }
    }
}

#[test]
fn upsert_without_a_match_creates_and_a_second_upsert_updates() {
    let book = ContactBook::in_memory();
    let first = upsert(
        &book,
        json!({"external_id": "e1", "first_name": "Ann"}),
        DedupeOn::ExternalId,
    );
    let second = upsert(
        &book,
        json!({"external_id": "e1", "last_name": "Lee"}),
        DedupeOn::ExternalId,
    );
    assert_eq!(first.id, second.id);
    assert_eq!(second.first_name.as_deref(), Some("Ann"));
    assert_eq!(second.last_name.as_deref(), Some("Lee"));
    assert_eq!(book.count().unwrap(), 1);

    // Dedupe on id with an unknown caller-made UUID creates with that id.
    let offline_id = "0190a5b2-7c1e-7000-8000-000000000001";
    let made = upsert(
        &book,
        json!({"id": offline_id, "first_name": "Bob"}),
        DedupeOn::Id,
    );
    assert_eq!(made.id, offline_id);
    let again = upsert(
        &book,
        json!({"id": offline_id, "last_name": "Ross"}),
        DedupeOn::Id,
    );
    assert_eq!(again.id, offline_id);
    assert_eq!(again.first_name.as_deref(), Some("Bob"));
    assert_eq!(book.count().unwrap(), 2);
}

#[test]
fn upsert_matching_one_contact_with_anothers_identifier_is_a_conflict() {
    let book = ContactBook::in_memory();
    let ann = full_ann(&book);
    let bob = create(&book, json!({"email": "bob@example.com"}));
    assert_conflict(
        book.upsert(
            input(json!({"email": "bob@example.com", "external_id": "crm-1"})),
            DedupeOn::Email,
        ),
        "external_id",
    );
    assert_eq!(get(&book, &bob.id), bob);
    assert_eq!(get(&book, &ann.id), ann);
}

// ---------------------------------------------------------------------------------
// Upsert: merge semantics

#[test]
fn upsert_absent_key_keeps_and_null_clears() {
    let book = ContactBook::in_memory();
    let ann = create(
        &book,
        json!({
            "email": "ann@example.com",
            "phone": "+380671234567",
            "first_name": "Ann",
            "last_name": "Lee",
            "timezone": "Europe/Kyiv",
            "language": "uk",
            "contact_key": "k1",
            "address": {"country": "UA", "town": "Kyiv"},
            "telegram": {"bot_id": "b1", "chat_id": "c1"},
        }),
    );
    let merged = upsert(
        &book,
        json!({
            "email": "ann@example.com",
            "first_name": null,
            "timezone": null,
            "telegram": null,
            "language": "en",
        }),
        DedupeOn::Email,
    );
    assert_eq!(merged.id, ann.id);
    assert_eq!(merged.first_name, None, "null clears");
    assert_eq!(merged.timezone, None, "null clears");
    assert_eq!(merged.telegram, None, "null clears");
    assert_eq!(merged.language.as_deref(), Some("en"), "a value sets");
    assert_eq!(merged.last_name.as_deref(), Some("Lee"), "absent keeps");
    assert_eq!(
        merged.phone.as_deref(),
        Some("+380671234567"),
        "absent keeps"
    );
    assert_eq!(merged.contact_key.as_deref(), Some("k1"), "absent keeps");
    assert_eq!(merged.address, ann.address, "absent keeps");
    assert_eq!(get(&book, &ann.id), merged);

    // Clearing a lasting identifier frees it for lookups.
    let cleared = upsert(
        &book,
        json!({"email": "ann@example.com", "phone": null, "contact_key": null}),
        DedupeOn::Email,
    );
    assert_eq!(cleared.phone, None);
    assert_eq!(cleared.phone_status, None);
    assert!(book.find_by_phone("+380671234567").unwrap().is_none());
    assert!(book.find_by_key("k1").unwrap().is_none());
}

#[test]
fn patch_from_option_sets_or_clears() {
    let book = ContactBook::in_memory();
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "first_name": "Ann"}),
    );
    let cleared = book
        .update(
            &ann.id,
            ContactInput {
                first_name: None::<String>.into(),
                last_name: Patch::Set("Lee".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(cleared.first_name, None);
    assert_eq!(cleared.last_name.as_deref(), Some("Lee"));
    assert_eq!(cleared.email.as_deref(), Some("ann@example.com"));
}

#[test]
fn a_rejected_update_leaves_the_contact_as_it_was() {
    let (book, clock) = clocked();
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "first_name": "Ann"}),
    );
    clock.advance(Duration::minutes(1)).unwrap();
    // A valid change together with an invalid one: neither applies.
    assert_validation(
        book.update(
            &ann.id,
            input(json!({"first_name": "Annie", "timezone": "Nowhere/Land"})),
        ),
        "timezone",
    );
    assert_eq!(get(&book, &ann.id), ann);
}

// ---------------------------------------------------------------------------------
// Changeable identifiers: push tokens and web push endpoints

#[test]
fn a_profile_started_from_a_token_is_found_again_when_lasting_ids_arrive() {
    let book = ContactBook::in_memory();
    let install = upsert(
        &book,
        json!({"mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "TOK-1"}]}),
        DedupeOn::Email,
    );
    assert_eq!(install.email, None);
    assert_eq!(install.devices.len(), 1);

    let signed_up = upsert(
        &book,
        json!({
            "email": "ann@example.com",
            "external_id": "crm-1",
            "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "TOK-1"}],
        }),
        DedupeOn::Email,
    );
    assert_eq!(signed_up.id, install.id, "lands on the token's profile");
    assert_eq!(signed_up.email.as_deref(), Some("ann@example.com"));
    assert_eq!(signed_up.devices.len(), 1, "the device is not duplicated");
    assert_eq!(book.count().unwrap(), 1);

    // The same holds for a web push endpoint and any dedupe key.
    let browser = upsert(
        &book,
        json!({"web_push": [{"endpoint": "https://push.example.com/sub/1", "keys": {"p256dh": P256DH, "auth": AUTH}}]}),
        DedupeOn::ExternalId,
    );
    assert_ne!(browser.id, install.id);
    let later = upsert(
        &book,
        json!({
            "external_id": "crm-9",
            "web_push": [{"endpoint": "https://push.example.com/sub/1", "p256dh": P256DH, "auth": AUTH}],
        }),
        DedupeOn::ExternalId,
    );
    assert_eq!(later.id, browser.id);
    assert_eq!(later.web_push.len(), 1);
    assert_eq!(book.count().unwrap(), 2);
}

#[test]
fn a_lasting_key_match_wins_over_the_token_and_the_token_moves_to_it() {
    let book = ContactBook::in_memory();
    let install = upsert(
        &book,
        json!({"mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "TOK-1"}]}),
        DedupeOn::Email,
    );
    let ann = create(&book, json!({"email": "ann@example.com"}));
    let merged = upsert(
        &book,
        json!({"email": "ann@example.com", "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "TOK-1"}]}),
        DedupeOn::Email,
    );
    assert_eq!(merged.id, ann.id);
    assert_eq!(merged.devices[0].token.as_deref(), Some("TOK-1"));
    assert!(
        get(&book, &install.id).devices.is_empty(),
        "the token moved off"
    );
}

#[test]
fn a_push_token_registered_on_b_moves_off_a() {
    let book = ContactBook::in_memory();
    let a = create(&book, json!({"email": "a@example.com"}));
    let b = create(&book, json!({"email": "b@example.com"}));
    let a = book
        .add_mobile_push(&a.id, device("shop", "phone-1", Some("TOK-1")))
        .unwrap();
    book.add_mobile_push(&a.id, device("news", "phone-1", Some("TOK-2")))
        .unwrap();
    assert_eq!(can_send(&book, &a.id, Channel::MobilePush), SendReason::Ok);

    let b = book
        .add_mobile_push(&b.id, device("shop", "phone-9", Some("TOK-1")))
        .unwrap();
    assert_eq!(b.devices.len(), 1);
    assert_eq!(b.devices[0].token.as_deref(), Some("TOK-1"));
    let a = get(&book, &a.id);
    let tokens: Vec<_> = a
        .devices
        .iter()
        .filter_map(|d| d.token.as_deref())
        .collect();
    assert_eq!(tokens, ["TOK-2"], "only the moved token left A");

    // Moving the last token leaves A with nothing to push to.
    book.add_mobile_push(&b.id, device("news", "phone-9", Some("TOK-2")))
        .unwrap();
    assert!(get(&book, &a.id).devices.is_empty());
    assert_eq!(
        can_send(&book, &a.id, Channel::MobilePush),
        SendReason::NoAddress
    );
    assert_eq!(get(&book, &b.id).devices.len(), 2);
}

#[test]
fn a_web_push_endpoint_registered_on_b_moves_off_a() {
    let book = ContactBook::in_memory();
    let a = create(&book, json!({"email": "a@example.com"}));
    let b = create(&book, json!({"email": "b@example.com"}));
    book.add_web_push(&a.id, web_push("https://push.example.com/sub/1"))
        .unwrap();
    assert_eq!(can_send(&book, &a.id, Channel::WebPush), SendReason::Ok);
    let b = book
        .add_web_push(&b.id, web_push("https://push.example.com/sub/1"))
        .unwrap();
    assert_eq!(b.web_push.len(), 1);
    assert!(get(&book, &a.id).web_push.is_empty());
    assert_eq!(
        can_send(&book, &a.id, Channel::WebPush),
        SendReason::NoAddress
    );
    assert_eq!(can_send(&book, &b.id, Channel::WebPush), SendReason::Ok);
}

#[test]
fn registering_the_same_device_again_updates_it() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "a@example.com"}));
    let first = book
        .add_mobile_push(
            &c.id,
            contactkit::DeviceInput {
                model: Some("Pixel 8".into()),
                app_version: Some("1.0".into()),
                ..device("shop", "d1", Some("TOK-1"))
            },
        )
        .unwrap();
    let registered_at = first.devices[0].registered_at;
    assert_eq!(registered_at, t0());
    clock.advance(Duration::days(3)).unwrap();
    let again = book
        .add_mobile_push(
            &c.id,
            contactkit::DeviceInput {
                app_version: Some("1.1".into()),
                ..device("shop", "d1", Some("TOK-1-new"))
            },
        )
        .unwrap();
    assert_eq!(again.devices.len(), 1, "no duplicate device");
    let d = &again.devices[0];
    assert_eq!(d.token.as_deref(), Some("TOK-1-new"));
    assert_eq!(d.app_version.as_deref(), Some("1.1"));
    assert_eq!(
        d.model.as_deref(),
        Some("Pixel 8"),
        "detail not resent is kept"
    );
    assert_eq!(d.registered_at, registered_at, "registered_at kept");
    assert_eq!(d.last_seen_at, t0() + Duration::days(3));
    // The old token is no longer an identifier of anyone.
    assert_not_found(book.remove_mobile_push(&c.id, "TOK-1"), "mobile push token");
}

#[test]
fn registering_the_same_endpoint_again_updates_it() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "a@example.com"}));
    book.add_web_push(&c.id, web_push("https://push.example.com/sub/1"))
        .unwrap();
    clock.advance(Duration::days(1)).unwrap();
    let again = book
        .add_web_push(
            &c.id,
            contactkit::WebPushInput {
                user_agent: Some("Firefox".into()),
                ..web_push("https://push.example.com/sub/1")
            },
        )
        .unwrap();
    assert_eq!(again.web_push.len(), 1);
    assert_eq!(again.web_push[0].user_agent.as_deref(), Some("Firefox"));
    assert_eq!(again.web_push[0].created_at, t0(), "created_at kept");
}

#[test]
fn web_push_keys_may_be_flat_or_nested_and_are_checked() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "a@example.com"}));
    let nested = book
        .update(
            &c.id,
            input(json!({"web_push": [{
                "endpoint": "https://push.example.com/sub/n",
                "keys": {"p256dh": P256DH, "auth": AUTH},
            }]})),
        )
        .unwrap();
    assert_eq!(nested.web_push[0].p256dh, P256DH);
    assert_eq!(nested.web_push[0].auth, AUTH);
    assert_validation(
        book.add_web_push(&c.id, web_push("http://push.example.com/insecure")),
        "web_push[0].endpoint",
    );
    assert_validation(
        book.add_web_push(
            &c.id,
            contactkit::WebPushInput {
                auth: Some("AAAA".into()),
                ..web_push("https://push.example.com/sub/2")
            },
        ),
        "web_push[0].auth",
    );
    assert_eq!(get(&book, &c.id).web_push.len(), 1);
}

#[test]
fn applications_are_derived_from_devices_grouped_by_app() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "a@example.com"}));
    book.add_mobile_push(&c.id, device("shop", "phone", Some("T1")))
        .unwrap();
    book.add_mobile_push(&c.id, device("news", "phone", Some("T2")))
        .unwrap();
    let c = book
        .add_mobile_push(&c.id, device("shop", "tablet", Some("T3")))
        .unwrap();
    assert_eq!(
        c.applications,
        vec![
            Application {
                app_id: "shop".into(),
                device_ids: vec!["phone".into(), "tablet".into()],
            },
            Application {
                app_id: "news".into(),
                device_ids: vec!["phone".into()],
            },
        ]
    );
}

#[test]
fn register_app_needs_no_token_and_does_not_make_push_sendable() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "a@example.com"}));
    let c = book
        .register_app(&c.id, device("shop", "phone", None))
        .unwrap();
    assert_eq!(c.devices.len(), 1);
    assert_eq!(c.devices[0].token, None);
    assert_eq!(c.applications[0].app_id, "shop");
    assert_eq!(
        can_send(&book, &c.id, Channel::MobilePush),
        SendReason::NoAddress
    );
    // add_mobile_push does need a token.
    assert_validation(
        book.add_mobile_push(&c.id, device("shop", "tablet", None)),
        "mobile_push[0].token",
    );
    // The app later gets push permission: same device, now with a token.
    let c = book
        .add_mobile_push(&c.id, device("shop", "phone", Some("T1")))
        .unwrap();
    assert_eq!(c.devices.len(), 1);
    assert_eq!(can_send(&book, &c.id, Channel::MobilePush), SendReason::Ok);
}

#[test]
fn remove_app_mobile_push_and_web_push() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "a@example.com"}));
    book.add_mobile_push(&c.id, device("shop", "phone", Some("T1")))
        .unwrap();
    book.add_mobile_push(&c.id, device("shop", "tablet", Some("T2")))
        .unwrap();
    book.add_mobile_push(&c.id, device("news", "phone", Some("T3")))
        .unwrap();
    book.add_web_push(&c.id, web_push("https://push.example.com/sub/1"))
        .unwrap();

    let c2 = book.remove_app(&c.id, "shop").unwrap();
    assert_eq!(c2.applications.len(), 1);
    assert_eq!(c2.applications[0].app_id, "news");
    assert_eq!(c2.devices.len(), 1);
    assert_not_found(book.remove_app(&c.id, "shop"), "app");

    // A removed token is free for another contact without touching this one.
    let other = create(&book, json!({"email": "b@example.com"}));
    book.add_mobile_push(&other.id, device("shop", "x", Some("T1")))
        .unwrap();
    assert_eq!(get(&book, &c.id).devices.len(), 1);

    let c3 = book.remove_mobile_push(&c.id, "T3").unwrap();
    assert!(c3.devices.is_empty());
    assert!(c3.applications.is_empty());
    assert_not_found(book.remove_mobile_push(&c.id, "T3"), "mobile push token");

    let c4 = book
        .remove_web_push(&c.id, "https://push.example.com/sub/1")
        .unwrap();
    assert!(c4.web_push.is_empty());
    assert_not_found(
        book.remove_web_push(&c.id, "https://push.example.com/sub/1"),
        "web push endpoint",
    );
    assert_eq!(
        can_send(&book, &c.id, Channel::WebPush),
        SendReason::NoAddress
    );
}

// ---------------------------------------------------------------------------------
// Soft delete

#[test]
fn soft_delete_hides_keeps_identifiers_reserved_and_restore_brings_back() {
    let book = ContactBook::in_memory();
    let ann = full_ann(&book);
    let bob = create(&book, json!({"email": "bob@example.com"}));
    book.delete(&ann.id).unwrap();

    assert_eq!(book.get(&ann.id).unwrap(), None);
    assert_eq!(book.find_by_email("ann@example.com").unwrap(), None);
    assert_eq!(book.find_by_phone("+380671234567").unwrap(), None);
    assert_eq!(book.find_by_external_id("crm-1").unwrap(), None);
    assert_eq!(book.find_by_key("key-1").unwrap(), None);
    assert_eq!(book.count().unwrap(), 1);
    let listed = book.list(&ListQuery::default()).unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].id, bob.id);

    // Operations that change an unknown (deleted) contact fail with not-found.
    assert_not_found(
        book.update(&ann.id, input(json!({"first_name": "X"}))),
        "contact",
    );
    assert_not_found(book.delete(&ann.id), "contact");
    assert_not_found(
        book.blacklist(&ann.id, Channel::Email, None, None),
        "contact",
    );

    // Its lasting identifiers stay reserved.
    assert_conflict(
        book.create(input(json!({"email": "ann@example.com"}))),
        "email",
    );
    assert_conflict(
        book.create(input(json!({"phone": "+380671234567"}))),
        "phone",
    );
    assert_conflict(
        book.update(&bob.id, input(json!({"external_id": "crm-1"}))),
        "external_id",
    );
    assert_conflict(
        book.upsert(input(json!({"email": "ann@example.com"})), DedupeOn::Email),
        "email",
    );
    assert_eq!(book.count().unwrap(), 1);

    let restored = book.restore(&ann.id).unwrap();
    assert_eq!(restored.id, ann.id);
    assert_eq!(restored.email.as_deref(), Some("ann@example.com"));
    assert_eq!(
        book.find_by_email("ann@example.com").unwrap().unwrap().id,
        ann.id
    );
    assert_eq!(book.find_by_key("key-1").unwrap().unwrap().id, ann.id);
    assert_eq!(book.count().unwrap(), 2);
    assert_eq!(book.list(&ListQuery::default()).unwrap().items.len(), 2);

    assert_not_found(
        book.restore("0190a5b2-7c1e-7000-8000-00000000dead"),
        "contact",
    );
}

#[test]
fn a_token_on_a_deleted_contact_moves_to_a_new_one() {
    let book = ContactBook::in_memory();
    let a = create(&book, json!({"email": "a@example.com"}));
    book.add_mobile_push(&a.id, device("shop", "d1", Some("TOK")))
        .unwrap();
    book.delete(&a.id).unwrap();
    let b = upsert(
        &book,
        json!({"mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "TOK"}]}),
        DedupeOn::Email,
    );
    assert_ne!(b.id, a.id, "a deleted profile is not matched by its token");
    assert_eq!(b.devices.len(), 1);
    assert!(book.restore(&a.id).unwrap().devices.is_empty());
}

// ---------------------------------------------------------------------------------
// Paging

#[test]
fn list_pages_return_every_contact_once_in_id_order() {
    let (book, clock) = clocked();
    let mut made = Vec::new();
    for i in 0..250 {
        if i % 7 == 0 {
            clock.advance(Duration::milliseconds(3)).unwrap();
        }
        made.push(create(&book, json!({"email": format!("c{i}@example.com")})).id);
    }
    // Deleted contacts are skipped.
    let deleted: Vec<String> = made.iter().step_by(50).cloned().collect();
    for id in &deleted {
        book.delete(id).unwrap();
    }
    let mut expected: Vec<String> = made
        .into_iter()
        .filter(|id| !deleted.contains(id))
        .collect();
    let creation_order = expected.clone();
    expected.sort();
    assert_eq!(
        expected, creation_order,
        "ids sort in creation order (UUIDv7)"
    );

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor = None;
    loop {
        let page = book
            .list(&ListQuery {
                limit: Some(100),
                cursor: cursor.clone(),
            })
            .unwrap();
        sizes.push(page.items.len());
        seen.extend(page.items.into_iter().map(|c| c.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, [100, 100, 45]);
    assert_eq!(seen, expected);
    assert_eq!(book.count().unwrap(), 245);

    // A page size that divides the count ends without an empty page.
    let page = book
        .list(&ListQuery {
            limit: Some(245),
            cursor: None,
        })
        .unwrap();
    assert_eq!(page.items.len(), 245);
    assert_eq!(page.next_cursor, None);

    assert_validation(
        book.list(&ListQuery {
            limit: Some(0),
            cursor: None,
        }),
        "limit",
    );
    assert_validation(
        book.list(&ListQuery {
            limit: Some(1001),
            cursor: None,
        }),
        "limit",
    );
}

fn can_send(book: &ContactBook, id: &str, channel: Channel) -> SendReason {
    book.can_send(id, channel, None).unwrap().reason
}

// ---------------------------------------------------------------------------------
// Endpoints are compared in their normalised URL form

#[test]
fn web_push_endpoints_match_in_normalised_form() {
    let book = ContactBook::in_memory();
    let a = create(&book, json!({"email": "a@example.com"}));
    let b = create(&book, json!({"email": "b@example.com"}));
    let a = book
        .add_web_push(&a.id, web_push("https://Push.Example.com/sub/1"))
        .unwrap();
    assert_eq!(a.web_push[0].endpoint, "https://push.example.com/sub/1");
    book.add_web_push(&b.id, web_push(" https://PUSH.example.com/sub/1 "))
        .unwrap();
    assert!(
        get(&book, &a.id).web_push.is_empty(),
        "the same endpoint moved"
    );
    let b = book
        .remove_web_push(&b.id, "https://push.EXAMPLE.com/sub/1")
        .unwrap();
    assert!(b.web_push.is_empty());
}

// ---------------------------------------------------------------------------------
// Devices: an app registration without a token keeps a token already known

#[test]
fn register_app_refreshing_a_device_keeps_its_token() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "a@example.com"}));
    book.add_mobile_push(&c.id, device("shop", "phone", Some("T1")))
        .unwrap();
    clock.advance(Duration::hours(1)).unwrap();
    let c = book
        .register_app(
            &c.id,
            contactkit::DeviceInput {
                app_version: Some("2.0".into()),
                ..device("shop", "phone", None)
            },
        )
        .unwrap();
    assert_eq!(c.devices.len(), 1);
    assert_eq!(c.devices[0].token.as_deref(), Some("T1"));
    assert_eq!(c.devices[0].app_version.as_deref(), Some("2.0"));
    assert_eq!(c.devices[0].registered_at, t0());
    assert_eq!(c.devices[0].last_seen_at, t0() + Duration::hours(1));
}

// ---------------------------------------------------------------------------------
// Meta and location

#[test]
fn meta_is_stamped_by_the_books_clock() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "a@example.com"}));
    assert_eq!(c.created_at, t0());
    assert_eq!(c.updated_at, t0());
    assert_eq!(c.source, contactkit::Source::Api);
    clock.advance(Duration::hours(2)).unwrap();
    let c = book
        .update(
            &c.id,
            input(json!({"first_name": "Ann", "source": "manual"})),
        )
        .unwrap();
    assert_eq!(c.created_at, t0());
    assert_eq!(c.updated_at, t0() + Duration::hours(2));
    assert_eq!(
        c.source,
        contactkit::Source::Api,
        "the source is how it entered"
    );
    let sdk = create(&book, json!({"email": "b@example.com", "source": "sdk"}));
    assert_eq!(sdk.source, contactkit::Source::Sdk);
}

#[test]
fn a_manual_location_is_not_overwritten_by_a_detected_one() {
    let (book, clock) = clocked();
    let c = create(
        &book,
        json!({"email": "a@example.com", "location": {"latitude": 50.45, "longitude": 30.52, "source": "manual", "city": "Kyiv"}}),
    );
    let manual = c.location.clone().unwrap();
    assert_eq!(manual.updated_at, t0());
    clock.advance(Duration::hours(1)).unwrap();
    for source in ["gps", "ip"] {
        let c = book
            .update(
                &c.id,
                input(
                    json!({"location": {"latitude": 49.84, "longitude": 24.03, "source": source}}),
                ),
            )
            .unwrap();
        assert_eq!(c.location.as_ref(), Some(&manual), "{source}");
    }
    let moved = book
        .update(
            &c.id,
            input(json!({"location": {"latitude": 49.84, "longitude": 24.03, "city": "Lviv"}})),
        )
        .unwrap();
    let location = moved.location.unwrap();
    assert_eq!(
        location.city.as_deref(),
        Some("Lviv"),
        "a manual edit replaces it"
    );
    assert_eq!(location.updated_at, t0() + Duration::hours(1));

    // A detected location may be replaced by a newer detection.
    let d = create(
        &book,
        json!({"email": "d@example.com", "location": {"latitude": 1.0, "longitude": 2.0, "source": "ip"}}),
    );
    let d = book
        .update(
            &d.id,
            input(json!({"location": {"latitude": 3.0, "longitude": 4.0, "source": "gps"}})),
        )
        .unwrap();
    assert_eq!(d.location.unwrap().latitude, 3.0);
    assert_validation(
        book.update(
            &d.id,
            input(json!({"location": {"latitude": 91.0, "longitude": 0.0}})),
        ),
        "location.latitude",
    );
}

#[test]
fn upsert_on_phone_reads_a_national_number_in_the_inputs_address_country() {
    let book = ContactBook::in_memory();
    let row = || -> ContactInput {
        serde_json::from_value(serde_json::json!({
            "phone": "067 123 4567", "address": {"country": "ua"}
        }))
        .unwrap()
    };
    let first = book.upsert(row(), DedupeOn::Phone).unwrap();
    assert_eq!(first.phone.as_deref(), Some("+380671234567"));
    let again = book.upsert(row(), DedupeOn::Phone).unwrap();
    assert_eq!(
        again.id, first.id,
        "the second upsert found the first contact"
    );
    assert_eq!(book.count().unwrap(), 1);
}
