use contactkit::*;

#[test]
fn sqlite_book_round_trips_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let id = {
        let book = ContactBook::open(&path).unwrap();
        let c = book
            .upsert(
                serde_json::from_value(serde_json::json!({
                    "email": "Ann@Example.com", "phone": "+380671234567", "first_name": "Ann",
                    "address": {"country": "ua", "town": "Kyiv"},
                    "location": {"latitude": 50.45, "longitude": 30.5236, "source": "gps"},
                    "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "T1", "platform": "ios"}],
                    "telegram": {"bot_id": "b", "chat_id": "c"}
                }))
                .unwrap(),
                DedupeOn::Email,
            )
            .unwrap();
        book.blacklist(&c.id, Channel::Email, Some("hard_bounce"), None)
            .unwrap();
        book.record_event(
            &c.id,
            EventInput {
                name: "viewed".into(),
                ..Default::default()
            },
        )
        .unwrap();
        c.id
    };
    let book = ContactBook::open(&path).unwrap();
    let c = book.find_by_email("ann@example.com").unwrap().unwrap();
    assert_eq!(c.id, id);
    assert_eq!(c.email_status, Some(ChannelStatus::Blacklisted));
    assert_eq!(c.devices[0].token.as_deref(), Some("T1"));
    assert_eq!(c.address.unwrap().country.as_deref(), Some("UA"));
    let page = book.activity(&id, &ActivityQuery::default()).unwrap();
    assert_eq!(page.items.len(), 1);
}
