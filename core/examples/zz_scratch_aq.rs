use chrono::{Duration, Utc};
use contactkit::*;
fn main() {
    let path = std::path::Path::new("/tmp/scratch/aq.db");
    let fill = !path.exists();
    let book = ContactBook::open(path).unwrap();
    let id = if fill {
        let c = book
            .upsert(
                ContactInput {
                    email: Patch::Set("t@example.com".into()),
                    ..Default::default()
                },
                DedupeOn::Email,
            )
            .unwrap();
        let now = Utc::now();
        for i in 0..20000i64 {
            let at = Some(now - Duration::milliseconds(730 * 86_400_000 * i / 20000));
            if i % 8 < 4 {
                book.record_campaign(
                    &c.id,
                    CampaignInput {
                        message_id: format!("m-{i}"),
                        message_name: Some("Weekly news".into()),
                        channel: CampaignChannel::Email,
                        status: CampaignStatus::Delivered,
                        status_description: None,
                        at,
                    },
                )
                .unwrap();
            } else {
                book.record_event(
                    &c.id,
                    EventInput {
                        name: "viewed_product".into(),
                        key_value: Some(format!("p-{}", i % 500)),
                        at,
                        ..Default::default()
                    },
                )
                .unwrap();
            }
        }
        c.id
    } else {
        book.find_by_email("t@example.com").unwrap().unwrap().id
    };
    let q = ActivityQuery {
        category: ActivityCategory::Campaigns,
        period: Period::Days30,
        limit: Some(1000),
        ..Default::default()
    };
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(2000);
    let t = std::time::Instant::now();
    let mut items = 0;
    for _ in 0..n {
        items = book.activity(&id, &q).unwrap().items.len();
    }
    println!(
        "{items} items, {:.1} us/query",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
