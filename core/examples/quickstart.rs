//! Builds a small contact book in memory and prints one profile card.
//!
//! Run: `cargo run -p contactkit --example quickstart`

use contactkit::{
    ActivityCategory, ActivityQuery, CampaignChannel, CampaignInput, CampaignStatus, Channel,
    ContactBook, ContactInput, DedupeOn, DeviceInput, EventInput, FieldDefinition, FieldType,
    OrderInput, OrderStatus, Patch, Period, Platform,
};

fn main() -> contactkit::Result<()> {
    let book = ContactBook::in_memory().with_default_region("UA")?;
    book.define_field(FieldDefinition::new("loyalty_tier", FieldType::Text))?;
    let news = book.define_category("Weekly news")?;
    let vip = book.create_segment("VIP")?;

    let olena = book.upsert(
        ContactInput {
            email: Patch::Set("Olena.Koval@Example.com".into()),
            phone: Patch::Set("067 123 4567".into()),
            first_name: Patch::Set("Olena".into()),
            last_name: Patch::Set("Koval".into()),
            timezone: Patch::Set("Europe/Kyiv".into()),
            language: Patch::Set("uk".into()),
            mobile_push: Patch::Set(vec![DeviceInput {
                app_id: "shop".into(),
                device_id: "pixel-8".into(),
                token: Some("fcm-token-1".into()),
                platform: Some(Platform::Android),
                ..Default::default()
            }]),
            fields: [("loyalty_tier".to_string(), Some("gold".into()))].into(),
            ..Default::default()
        },
        DedupeOn::Email,
    )?;
    book.add_category(&olena.id, &news.key)?;
    book.add_to_segment(&olena.id, &vip.id)?;
    book.record_campaign(
        &olena.id,
        CampaignInput {
            message_id: "m-1".into(),
            message_name: Some("Spring sale".into()),
            channel: CampaignChannel::Email,
            status: CampaignStatus::Read,
            status_description: None,
            at: None,
        },
    )?;
    book.record_event(
        &olena.id,
        EventInput {
            name: "added_to_cart".into(),
            key_value: Some("sku-42".into()),
            ..Default::default()
        },
    )?;
    book.record_order(
        &olena.id,
        OrderInput {
            external_id: "order-1001".into(),
            amount: "1299.50".parse().unwrap_or_default(),
            currency: "UAH".into(),
            status: OrderStatus::Delivered,
            items: Vec::new(),
            shipping: None,
            discount: None,
            taxes: None,
            store_id: None,
            source: Default::default(),
            delivery_address: None,
            at: None,
        },
    )?;
    book.unsubscribe(&olena.id, Channel::Sms, Some("replied STOP"), None)?;

    let card = book
        .get(&olena.id)?
        .ok_or_else(|| contactkit::Error::not_found("contact", &olena.id))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&card).unwrap_or_default()
    );
    for channel in [Channel::Email, Channel::Sms, Channel::MobilePush] {
        let decision = book.can_send(&olena.id, channel, Some(&news.key))?;
        println!("can_send {channel} in {}: {:?}", news.key, decision.reason);
    }
    let timeline = book.activity(
        &olena.id,
        &ActivityQuery {
            category: ActivityCategory::All,
            period: Period::Days30,
            ..Default::default()
        },
    )?;
    for item in timeline.items {
        println!("[{}] {} {}", item.color().as_str(), item.icon(), item.at);
    }
    Ok(())
}
