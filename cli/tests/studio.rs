//! `contactkit studio`, driven in-process through its router on a demo book, and as a
//! process: All contacts (count, paging, search by name, email and phone, a junk
//! cursor), the Contact information tab (statuses and suppression records), the
//! Contact activity tab (categories, periods, newest first), markup shown as text on
//! every page, the Edit contact window (a change saved at once, a refused value that
//! writes nothing, a form saved unchanged that writes nothing), what keeps other
//! sites and hosts out (Host, Sec-Fetch-Site, Origin, the form token, a stale form),
//! the security headers, and the command's refusal to serve the network unasked.
//!
//! Requests go through `tower::ServiceExt::oneshot` with `Host: 127.0.0.1:8410`, the
//! address the guard is built for; an edit is posted the way a browser posts the
//! form: every control the page holds, as the page drew it, with what the test
//! changed.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use common::{Book, NOW};
use contactkit::{
    Address, CampaignChannel, CampaignInput, CampaignStatus, Channel, ChannelStatus, Contact,
    ContactBook, ContactInput, EventInput, FieldDefinition, FieldInput, FieldType, FieldValue,
    ListQuery, ManualClock, OrderInput, OrderStatus, Patch,
};
use contactkit_cli::studio::{self, Guard};
use http_body_util::BodyExt;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use tower::ServiceExt;

/// The address the in-process studio believes it is served on.
const HOST: &str = "127.0.0.1:8410";

/// Markup that would run, or show in bold, if a page let it through.
const MARKUP: &str = "<script>window.pwned=1</script><b>x</b>";

// ---------------------------------------------------------------------------------
// The studio under test
// ---------------------------------------------------------------------------------

/// A demo book of 60 contacts (built by the binary, at the tests' fixed clock) opened
/// in-process, and the studio's router over it.
struct Studio {
    /// The book's directory, kept until the test ends.
    files: Book,
    /// The book the router reads and edits.
    book: Arc<ContactBook>,
    /// The book's clock, at [`NOW`] until a test moves it.
    clock: Arc<ManualClock>,
    router: axum::Router,
    /// The form token of this server.
    token: String,
    runtime: tokio::runtime::Runtime,
}

/// One response, read whole.
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    /// A header's value, or "" when absent.
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("a text header"))
            .unwrap_or("")
    }

    /// Panics with the body unless the status is `status`.
    fn expect(self, status: StatusCode) -> Page {
        assert_eq!(self.status, status, "body:\n{}", self.body);
        self
    }
}

impl Studio {
    fn demo() -> Studio {
        let files = Book::new();
        files.run(&["demo", "--contacts", "60"]).expect(0);
        let now: DateTime<Utc> = NOW.parse().unwrap();
        let clock = Arc::new(ManualClock::new(now));
        let book = Arc::new(
            ContactBook::open(&files.db)
                .expect("open the demo book")
                .with_clock(clock.clone()),
        );
        let guard = Guard::new(HOST.parse().unwrap(), false);
        let token = guard.token().to_string();
        let router = studio::router(book.clone(), guard);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        Studio {
            files,
            book,
            clock,
            router,
            token,
            runtime,
        }
    }

    fn send(&self, request: Request<Body>) -> Page {
        self.runtime.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("the router answers");
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response
                .into_body()
                .collect()
                .await
                .expect("a body")
                .to_bytes();
            Page {
                status,
                headers,
                body: String::from_utf8(bytes.to_vec()).expect("a UTF-8 body"),
            }
        })
    }

    /// GET `uri` as the studio's own page would.
    fn get(&self, uri: &str) -> Page {
        self.get_as(uri, HOST)
    }

    fn get_as(&self, uri: &str, host: &str) -> Page {
        self.send(
            Request::get(uri)
                .header(header::HOST, host)
                .body(Body::empty())
                .unwrap(),
        )
    }

    /// POSTs `pairs` as a form, with `extra` headers (where it comes from).
    fn post_form(&self, uri: &str, pairs: &[(String, String)], extra: &[(&str, &str)]) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let mut request = Request::post(uri)
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body)).unwrap())
    }

    /// POSTs the edit form of `id` from the studio's own page.
    fn save(&self, id: &str, form: &[(String, String)]) -> Page {
        self.post_form(
            &format!("/contacts/{id}/edit"),
            form,
            &[("sec-fetch-site", "same-origin")],
        )
    }

    /// The edit form of `id` as a browser would send it untouched.
    fn edit_form(&self, id: &str) -> Vec<(String, String)> {
        let page = self
            .get(&format!("/contacts/{id}/edit"))
            .expect(StatusCode::OK);
        form_of(&page.body)
    }

    /// The live contact `id`, read from the book.
    fn contact(&self, id: &str) -> Contact {
        self.book.get(id).unwrap().expect("a live contact")
    }

    /// Every live contact's id, by the book's own paging.
    fn all_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .book
                .list(&ListQuery {
                    limit: Some(1000),
                    cursor,
                })
                .unwrap();
            ids.extend(page.items.into_iter().map(|c| c.id));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return ids,
            }
        }
    }

    /// Creates a contact from `input`, from the manual source.
    fn create(&self, input: ContactInput) -> Contact {
        self.book.create(input).expect("create a contact")
    }
}

/// `ContactInput` setting a first and last name and an email.
fn person(first: &str, last: &str, email: &str) -> ContactInput {
    ContactInput {
        first_name: Patch::Set(first.into()),
        last_name: Patch::Set(last.into()),
        email: Patch::Set(email.into()),
        ..ContactInput::default()
    }
}

/// An instant written in RFC 3339 (`2025-05-30T13:00:00Z`).
fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 instant")
}

// ---------------------------------------------------------------------------------
// Reading pages
// ---------------------------------------------------------------------------------

/// Text as HTML shows it: the entities askama writes (named or numeric) decoded.
fn unescape(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest.find(';').filter(|end| *end <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The parts of `html` between each `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(start) {
        let after = &rest[i + start.len()..];
        let j = after.find(end).unwrap_or(after.len());
        parts.push(&after[..j]);
        rest = &after[j..];
    }
    parts
}

/// The one part of `html` between `start` and `end`.
fn one_between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let parts = between(html, start, end);
    assert_eq!(parts.len(), 1, "one {start:?} … {end:?} in:\n{html}");
    parts[0]
}

/// The attributes of a tag's inside (`input type="text" name="x" checked`), values
/// decoded; a bare attribute has an empty value.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return out;
        }
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace() || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        if let Some(value) = rest.strip_prefix("=\"") {
            let end = value.find('"').expect("a closed attribute value");
            out.push((name, unescape(&value[..end])));
            rest = &value[end + 1..];
        } else {
            out.push((name, String::new()));
        }
    }
}

fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The value of the hidden input `name`.
fn hidden_input(html: &str, name: &str) -> String {
    form_of(html)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no input {name:?} in:\n{html}"))
}

/// What a browser sends for the page's POST form, untouched: each enabled input
/// (a checkbox only when checked), each select's selected option (else its first),
/// each textarea's text (the one newline right after `<textarea>` dropped by the
/// HTML parser, line breaks sent as CRLF), in document order.
fn form_of(html: &str) -> Vec<(String, String)> {
    let form = one_between(html, "<form method=\"post\"", "</form>");
    let mut pairs = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("a closed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let attrs = attributes(tag);
        let name = attribute(&attrs, "name").map(str::to_string);
        let disabled = attribute(&attrs, "disabled").is_some();
        if tag.starts_with("input ") {
            let kind = attribute(&attrs, "type").unwrap_or("text");
            let checked = attribute(&attrs, "checked").is_some();
            if let Some(name) = name.filter(|_| !disabled) {
                if !matches!(kind, "checkbox" | "radio") || checked {
                    let value = attribute(&attrs, "value").unwrap_or("").to_string();
                    pairs.push((name, value));
                }
            }
        } else if tag.starts_with("select ") {
            let close = rest.find("</select>").expect("a closed select");
            let options: Vec<Vec<(String, String)>> = between(&rest[..close], "<option", ">")
                .into_iter()
                .map(attributes)
                .collect();
            rest = &rest[close..];
            let chosen = options
                .iter()
                .find(|o| attribute(o, "selected").is_some())
                .or(options.first());
            if let (Some(name), Some(chosen), false) = (name, chosen, disabled) {
                pairs.push((name, attribute(chosen, "value").unwrap_or("").to_string()));
            }
        } else if tag.starts_with("textarea ") {
            let close = rest.find("</textarea>").expect("a closed textarea");
            let text = unescape(&rest[..close]);
            rest = &rest[close..];
            let text = text.strip_prefix('\n').unwrap_or(&text);
            if let Some(name) = name.filter(|_| !disabled) {
                pairs.push((name, text.replace("\r\n", "\n").replace('\n', "\r\n")));
            }
        }
    }
    pairs
}

/// `form` with the control `name` set to `value` (it must be in the form).
fn with(mut form: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    let slot = form
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no control {name:?} in the form"));
    slot.1 = value.to_string();
    form
}

/// `form` with the checkbox group `name` holding `chosen`, as a browser sends it:
/// the group's empty marker, then each checked box.
fn with_all(form: Vec<(String, String)>, name: &str, chosen: &[&str]) -> Vec<(String, String)> {
    let mut form: Vec<_> = form.into_iter().filter(|(n, _)| n != name).collect();
    form.push((name.to_string(), String::new()));
    form.extend(chosen.iter().map(|c| (name.to_string(), c.to_string())));
    form
}

/// The form's value of `name`.
fn value_in<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no control {name:?} in the form"))
}

/// The ids of the All contacts table's rows, in order.
fn row_ids(html: &str) -> Vec<String> {
    between(html, "<tr data-href=\"/contacts/", "\"")
        .into_iter()
        .map(unescape)
        .collect()
}

/// The All contacts count, as shown: `63 contacts`, `2 contacts found`.
fn total(html: &str) -> String {
    unescape(
        one_between(
            html,
            "<span class=\"count\" data-testid=\"total\">",
            "</span>",
        )
        .trim(),
    )
}

/// The address of the link marked `rel="next"`, if any.
fn next_link(html: &str) -> Option<String> {
    let tags = between(html, "<a rel=\"next\"", ">");
    assert!(tags.len() <= 1, "one next link at most");
    tags.first()
        .map(|tag| attribute(&attributes(tag), "href").unwrap().to_string())
}

/// The Contact information row `key` (`<tr data-row="key">…</tr>`).
fn info_row<'a>(html: &'a str, key: &str) -> &'a str {
    one_between(html, &format!("<tr data-row=\"{key}\">"), "</tr>")
}

/// An activity item as the timeline draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    kind: String,
    title: String,
    at: String,
}

/// The Contact activity tab's items, in order.
fn items(html: &str) -> Vec<Item> {
    between(html, "<li class=\"item ", "</li>")
        .into_iter()
        .map(|item| {
            let kind = one_between(item, "data-kind=\"", "\"").to_string();
            let title = one_between(item, "<div class=\"title\">", "</div>");
            let title = title.split(" <span").next().unwrap();
            Item {
                kind,
                title: unescape(title),
                at: one_between(item, "<time>", "</time>").to_string(),
            }
        })
        .collect()
}

fn titles(items: &[Item]) -> Vec<&str> {
    items.iter().map(|i| i.title.as_str()).collect()
}

/// Panics unless the items are newest first (`YYYY-MM-DD HH:MM UTC` sorts as text).
fn assert_newest_first(items: &[Item]) {
    for pair in items.windows(2) {
        assert!(pair[0].at >= pair[1].at, "not newest first: {items:#?}");
    }
}

// ---------------------------------------------------------------------------------
// All contacts
// ---------------------------------------------------------------------------------

#[test]
fn all_contacts_shows_the_count_and_pages_through_every_contact_once() {
    let studio = Studio::demo();
    let ids = studio.all_ids();
    assert_eq!(ids.len(), 60);

    let first = studio.get("/contacts").expect(StatusCode::OK);
    assert!(first.body.contains("<h1>All contacts</h1>"));
    assert_eq!(total(&first.body), "60 contacts");
    assert!(first.body.contains("Page 1"));
    assert!(
        !first.body.contains("rel=\"prev\""),
        "no page before the first"
    );

    let mut seen = Vec::new();
    let mut page = first;
    let mut pages = 1;
    loop {
        let rows = row_ids(&page.body);
        let expected = if pages < 3 { 25 } else { 10 };
        assert_eq!(rows.len(), expected, "rows on page {pages}");
        assert_eq!(total(&page.body), "60 contacts", "the count on every page");
        for id in &rows {
            assert!(!seen.contains(id), "{id} shown on two pages");
        }
        seen.extend(rows);
        let Some(next) = next_link(&page.body) else {
            break;
        };
        assert!(next.starts_with("/contacts?after="), "{next}");
        pages += 1;
        page = studio.get(&next).expect(StatusCode::OK);
        assert!(page.body.contains(&format!("Page {pages}")));
        assert!(
            page.body.contains("rel=\"prev\""),
            "a way back from page {pages}"
        );
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen, ids,
        "the pages hold every contact once, in the book's order"
    );
}

/// The All contacts page for the search text `q`.
fn search(studio: &Studio, q: &str) -> String {
    let uri = format!(
        "/contacts?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", q)
            .finish()
    );
    studio.get(&uri).expect(StatusCode::OK).body
}

#[test]
fn the_search_box_narrows_the_list_by_name_by_part_of_an_email_and_by_a_typed_phone() {
    let studio = Studio::demo();
    let marta = studio.create(ContactInput {
        phone: Patch::Set("+380639871234".into()),
        ..person("Marta", "Quillfeather", "marta.q@quill-test.example")
    });
    let ostap = studio.create(person("Ostap", "Quillfeather", "ostap@elsewhere.example"));
    let iryna = studio.create(ContactInput {
        phone: Patch::Set("+380639875555".into()),
        ..person("Iryna", "Sokil", "i.sokil@quill-test.example")
    });
    assert_eq!(marta.phone.as_deref(), Some("+380639871234"));
    let search = |q: &str| search(&studio, q);
    let set = |ids: Vec<String>| ids.into_iter().collect::<BTreeSet<_>>();
    let of = |contacts: &[&Contact]| set(contacts.iter().map(|c| c.id.clone()).collect());

    let by_name = search("quillfeather");
    assert_eq!(
        set(row_ids(&by_name)),
        of(&[&marta, &ostap]),
        "by last name"
    );
    assert_eq!(total(&by_name), "2 contacts found");
    assert!(
        by_name.contains("value=\"quillfeather\""),
        "the box keeps the text"
    );

    let by_both_names = search("marta QUILL");
    assert_eq!(
        set(row_ids(&by_both_names)),
        of(&[&marta]),
        "each word a name"
    );

    let by_email = search("@quill-test.exa");
    assert_eq!(set(row_ids(&by_email)), of(&[&marta, &iryna]), "by email");
    assert_eq!(total(&by_email), "2 contacts found");
    assert_eq!(
        set(row_ids(&search("MARTA.Q@Quill"))),
        of(&[&marta]),
        "case does not matter"
    );

    let by_phone = search("+380 63 987 12 34");
    assert_eq!(set(row_ids(&by_phone)), of(&[&marta]), "by a typed phone");
    assert_eq!(total(&by_phone), "1 contact found");
    assert!(by_phone.contains("<td class=\"phone\">+380639871234</td>"));

    let by_part_of_a_phone = search("(063) 987-");
    assert_eq!(
        set(row_ids(&by_part_of_a_phone)),
        of(&[&marta, &iryna]),
        "by the start of a national phone"
    );

    let nobody = search("Nobodyhasthisname");
    assert!(row_ids(&nobody).is_empty());
    assert_eq!(total(&nobody), "0 contacts found");
    assert!(nobody.contains("No contacts match “Nobodyhasthisname”."));
}

#[test]
fn paging_through_a_search_keeps_the_search() {
    let studio = Studio::demo();
    let expected: Vec<String> = studio
        .all_ids()
        .into_iter()
        .filter(|id| {
            let contact = studio.contact(id);
            contact
                .email
                .is_some_and(|e| e.to_lowercase().contains("example"))
        })
        .collect();
    assert!(expected.len() > 50, "most demo contacts have an email");
    let mut page = search(&studio, "example");
    let mut seen = Vec::new();
    loop {
        assert_eq!(total(&page), format!("{} contacts found", expected.len()));
        seen.extend(row_ids(&page));
        let Some(next) = next_link(&page) else { break };
        assert!(next.starts_with("/contacts?q=example&after="), "{next}");
        page = studio.get(&next).expect(StatusCode::OK).body;
        assert!(page.contains("value=\"example\""), "the box keeps the text");
    }
    assert_eq!(seen, expected);
}

/// A phone typed the way it is written at home, with the trunk prefix 0
/// (`07401 119999` in the UK, `0151 6333 5003` in Germany), finds the E.164 number
/// stored without it (`+447401119999`).
#[test]
fn a_phone_typed_in_national_form_finds_its_contact() {
    let studio = Studio::demo();
    let uk = studio.create(ContactInput {
        phone: Patch::Set("+447401119999".into()),
        ..person("Amelia", "Trunk", "amelia@trunk.example")
    });
    assert_eq!(
        row_ids(&search(&studio, "+44 7401 119999")),
        [uk.id.as_str()],
        "the international form is found"
    );
    assert_eq!(row_ids(&search(&studio, "07401 119999")), [uk.id.as_str()]);
}

/// Names from Faker's locales and phones in the national form libphonenumber writes
/// them in (`phonenumbers.format_number(…, NATIONAL)`), countries interleaved: each
/// contact is found by its last name and by its phone as typed at home, and its
/// profile shows the name as stored.
#[test]
fn the_world_s_names_and_national_phones_are_found() {
    let studio = Studio::demo();
    // (first name, last name, E.164 phone, the oracle's national form)
    let people = [
        ("วรปรัชญ์", "หนุนสุข", "+66812345678", "081 234 5678"),
        ("Markus", "Flantz", "+4915112345678", "01511 2345678"),
        ("शर्म", "तिवारी", "+919876543210", "098765 43210"),
        ("充", "太田", "+819012345678", "090-1234-5678"),
        ("Ayla", "Cassiano", "+5511987654321", "(11) 98765-4321"),
        ("أنيسة", "بن يمينة", "+213551234567", "0551 23 45 67"),
        ("Омелян", "Наливайко", "+380671112233", "067 111 2233"),
    ];
    let created: Vec<Contact> = people
        .iter()
        .map(|(first, last, phone, _)| {
            studio.create(ContactInput {
                first_name: Patch::Set(first.to_string()),
                last_name: Patch::Set(last.to_string()),
                phone: Patch::Set(phone.to_string()),
                ..ContactInput::default()
            })
        })
        .collect();
    for ((first, last, _, national), contact) in people.iter().zip(&created) {
        assert_eq!(
            row_ids(&search(&studio, national)),
            [contact.id.as_str()],
            "{national}"
        );
        assert!(
            row_ids(&search(&studio, last)).contains(&contact.id),
            "{last}"
        );
        let profile = studio
            .get(&format!("/contacts/{}", contact.id))
            .expect(StatusCode::OK);
        assert!(
            profile.body.contains(&format!("{first} {last}")),
            "{first} {last}"
        );
    }
}

/// A search of more words than a rule can hold (each word is two conditions, the
/// book allows 256) is refused with a message, not answered with every contact.
#[test]
fn a_search_too_long_for_a_rule_lists_nobody_and_says_why() {
    let studio = Studio::demo();
    let body = search(&studio, &vec!["ko"; 200].join(" "));
    assert!(
        row_ids(&body).is_empty(),
        "a refused search listed contacts"
    );
    assert!(
        unescape(&body).contains("too long to search for: use fewer words"),
        "{body}"
    );
}

#[test]
fn a_junk_paging_cursor_shows_a_message_not_a_broken_page() {
    let studio = Studio::demo();
    let page = studio.get("/contacts?after=zzz").expect(StatusCode::OK);
    let problem = unescape(one_between(
        &page.body,
        "<p class=\"error\" role=\"alert\">",
        "</p>",
    ));
    assert!(
        problem.contains("zzz"),
        "the message names the cursor: {problem}"
    );
    let expected = studio
        .book
        .list(&ListQuery {
            limit: Some(25),
            cursor: Some("zzz".into()),
        })
        .unwrap_err()
        .to_string();
    assert_eq!(problem, expected, "the book's own message");
    assert!(row_ids(&page.body).is_empty());
    assert_eq!(
        total(&page.body),
        "60 contacts",
        "the count is the book's still"
    );
    assert!(page.body.contains("<a href=\"/contacts\">All contacts</a>"));
}

// ---------------------------------------------------------------------------------
// The profile window
// ---------------------------------------------------------------------------------

#[test]
fn the_information_tab_shows_each_address_with_its_status_and_every_suppression_record() {
    let studio = Studio::demo();
    let nadiia = studio.create(ContactInput {
        phone: Patch::Set("+380639870001".into()),
        ..person("Nadiia", "Unsub", "nadiia@supp-test.example")
    });
    studio
        .book
        .unsubscribe(
            &nadiia.id,
            Channel::Email,
            Some("too many emails"),
            Some(at("2025-05-20T08:30:00Z")),
        )
        .unwrap();
    studio
        .book
        .unsubscribe(
            &nadiia.id,
            Channel::Sms,
            Some("replied STOP"),
            Some(at("2025-05-21T17:05:00Z")),
        )
        .unwrap();
    let bohdan = studio.create(person("Bohdan", "Bounce", "bohdan@supp-test.example"));
    studio
        .book
        .blacklist(
            &bohdan.id,
            Channel::Email,
            Some("hard_bounce"),
            Some(at("2025-04-02T09:15:00Z")),
        )
        .unwrap();

    let page = studio
        .get(&format!("/contacts/{}", nadiia.id))
        .expect(StatusCode::OK);
    assert!(page.body.contains("<h1>Nadiia Unsub</h1>"));
    assert!(page.body.contains("aria-label=\"Contact information\""));
    let email = info_row(&page.body, "email");
    assert!(email.contains("nadiia@supp-test.example"), "{email}");
    assert!(
        email.contains("<span class=\"badge yellow\">unsubscribed</span>"),
        "{email}"
    );
    assert!(
        email.contains(
            "<div class=\"record yellow\">unsubscribed 2025-05-20 08:30 UTC · too many emails</div>"
        ),
        "the date and reason: {email}"
    );
    let phone = info_row(&page.body, "phone");
    assert!(phone.contains("+380639870001"), "{phone}");
    assert!(
        phone.contains("<span class=\"badge yellow\">unsubscribed</span>"),
        "{phone}"
    );
    assert!(
        phone.contains("unsubscribed 2025-05-21 17:05 UTC · replied STOP"),
        "{phone}"
    );
    assert!(
        !phone.contains("too many emails"),
        "each channel its own records"
    );
    assert!(info_row(&page.body, "last_name").contains("Unsub"));

    let page = studio
        .get(&format!("/contacts/{}", bohdan.id))
        .expect(StatusCode::OK);
    let email = info_row(&page.body, "email");
    assert!(
        email.contains("<span class=\"badge red\">blacklisted</span>"),
        "{email}"
    );
    assert!(
        email.contains(
            "<div class=\"record red\">blacklisted 2025-04-02 09:15 UTC · hard_bounce</div>"
        ),
        "{email}"
    );
    assert!(
        info_row(&page.body, "phone").contains("<span class=\"none\">—</span>"),
        "no phone, a dash"
    );

    // A phone with no suppression is shown with the status the book gives it.
    let marta = studio.create(ContactInput {
        phone: Patch::Set("+380639870002".into()),
        ..person("Marta", "Active", "marta@supp-test.example")
    });
    let status = marta.phone_status.unwrap_or(ChannelStatus::Active);
    let page = studio
        .get(&format!("/contacts/{}", marta.id))
        .expect(StatusCode::OK);
    let phone = info_row(&page.body, "phone");
    assert!(
        phone.contains(&format!(">{}</span>", status.as_str())),
        "{phone}"
    );
    assert!(!phone.contains("class=\"record"), "{phone}");

    // The list shows the same statuses.
    let list = studio.get("/contacts?q=supp-test").expect(StatusCode::OK);
    assert_eq!(total(&list.body), "3 contacts found");
    assert!(list
        .body
        .contains("<span class=\"badge yellow\" title=\"email\">email: unsubscribed</span>"));
    assert!(list
        .body
        .contains("<span class=\"badge red\" title=\"email\">email: blacklisted</span>"));
}

/// A contact with two orders, two campaigns and an event, one of each kind long
/// before the tests' clock (2025-06-01).
fn shopper(studio: &Studio) -> Contact {
    let contact = studio.create(person("Activity", "Tester", "activity@timeline.example"));
    let order = |external_id: &str, when: &str| OrderInput {
        external_id: external_id.into(),
        amount: Decimal::new(125_000, 2),
        currency: "UAH".into(),
        status: OrderStatus::Delivered,
        items: Vec::new(),
        shipping: None,
        discount: None,
        taxes: None,
        store_id: None,
        source: Default::default(),
        delivery_address: None,
        at: Some(at(when)),
    };
    let campaign = |message_id: &str, name: &str, when: &str| CampaignInput {
        message_id: message_id.into(),
        message_name: Some(name.into()),
        channel: CampaignChannel::Email,
        status: CampaignStatus::Delivered,
        status_description: None,
        at: Some(at(when)),
    };
    let id = &contact.id;
    let book = &studio.book;
    book.record_order(id, order("ORD-OLD", "2025-01-10T10:00:00Z"))
        .unwrap();
    book.record_order(id, order("ORD-NEW", "2025-05-30T10:00:00Z"))
        .unwrap();
    book.record_campaign(id, campaign("m-old", "Spring sale", "2025-03-01T10:00:00Z"))
        .unwrap();
    book.record_campaign(id, campaign("m-new", "June news", "2025-05-25T10:00:00Z"))
        .unwrap();
    book.record_event(
        id,
        EventInput {
            name: "viewed_product".into(),
            at: Some(at("2025-05-28T10:00:00Z")),
            ..EventInput::default()
        },
    )
    .unwrap();
    contact
}

#[test]
fn the_activity_tab_filters_by_category_and_period_newest_first_and_orders_ignore_the_period() {
    let studio = Studio::demo();
    let shopper = shopper(&studio);
    let tab = |query: &str| {
        let page = studio
            .get(&format!("/contacts/{}?tab=activity&{query}", shopper.id))
            .expect(StatusCode::OK);
        assert!(page.body.contains("aria-label=\"Contact activity\""));
        assert!(
            !page.body.contains("<tr data-row="),
            "not the information tab"
        );
        page.body
    };

    let orders = tab("category=orders&period=7d");
    let shown = items(&orders);
    assert_eq!(titles(&shown), ["ORD-NEW", "ORD-OLD"], "the whole history");
    assert!(shown.iter().all(|i| i.kind == "order"));
    assert!(orders.contains("Orders always show their whole history."));
    assert!(orders.contains("data-category=\"orders\" class=\"current\""));

    let campaigns = tab("category=campaigns&period=all");
    let shown = items(&campaigns);
    assert_eq!(titles(&shown), ["June news", "Spring sale"]);
    assert!(shown.iter().all(|i| i.kind == "campaign"));
    assert!(campaigns.contains("<option value=\"all\" selected>All time</option>"));

    let recent_campaigns = tab("category=campaigns&period=30d");
    assert_eq!(titles(&items(&recent_campaigns)), ["June news"]);

    let events = tab("category=events&period=all");
    assert_eq!(titles(&items(&events)), ["viewed_product"]);
    assert!(items(&events).iter().all(|i| i.kind == "event"));

    // The default: every kind, the last 30 days; the period applies to orders too.
    let recent = items(&tab("category=all"));
    assert_eq!(
        titles(&recent),
        ["ORD-NEW", "viewed_product", "June news"],
        "newest first, nothing older than 30 days"
    );
    assert_eq!(recent[0].at, "2025-05-30 10:00 UTC");

    let everything = items(&tab("category=all&period=all"));
    assert_eq!(
        titles(&everything),
        [
            "ORD-NEW",
            "viewed_product",
            "June news",
            "Spring sale",
            "ORD-OLD"
        ]
    );
    assert_newest_first(&everything);

    let nothing = tab("category=campaigns&period=7d");
    assert!(items(&nothing).is_empty());
    assert!(nothing.contains("No activity in this period."));
}

#[test]
fn the_activity_tab_pages_older_items_with_no_overlap() {
    let studio = Studio::demo();
    let contact = studio.create(person("Many", "Events", "many@timeline.example"));
    let start = at("2025-05-01T00:00:00Z");
    for i in 0..45 {
        studio
            .book
            .record_event(
                &contact.id,
                EventInput {
                    name: format!("event_{i:02}"),
                    at: Some(start + Duration::hours(i)),
                    ..EventInput::default()
                },
            )
            .unwrap();
    }
    let mut page = studio
        .get(&format!(
            "/contacts/{}?tab=activity&category=events&period=all",
            contact.id
        ))
        .expect(StatusCode::OK)
        .body;
    let mut seen: Vec<Item> = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let shown = items(&page);
        sizes.push(shown.len());
        seen.extend(shown);
        let Some(next) = next_link(&page) else { break };
        assert!(
            next.contains("tab=activity&category=events&period=all&after="),
            "the link keeps the tab, category and period: {next}"
        );
        page = studio.get(&next).expect(StatusCode::OK).body;
        assert!(page.contains("rel=\"prev\""), "a way back to newer items");
    }
    assert_eq!(sizes, [20, 20, 5]);
    let expected: Vec<String> = (0..45).rev().map(|i| format!("event_{i:02}")).collect();
    assert_eq!(titles(&seen), expected, "every item once, newest first");
}

#[test]
fn the_activity_tab_of_a_demo_contact_keeps_each_category_to_its_kind() {
    let studio = Studio::demo();
    let id = &studio.all_ids()[0];
    for (category, kind) in [
        ("orders", "order"),
        ("campaigns", "campaign"),
        ("events", "event"),
    ] {
        let page = studio
            .get(&format!(
                "/contacts/{id}?tab=activity&category={category}&period=all"
            ))
            .expect(StatusCode::OK);
        let shown = items(&page.body);
        assert!(!shown.is_empty(), "the demo contact has {category}");
        assert!(
            shown.iter().all(|i| i.kind == kind),
            "{category}: {shown:#?}"
        );
        assert_newest_first(&shown);
    }
    let page = studio
        .get(&format!("/contacts/{id}?tab=activity&after=zzz"))
        .expect(StatusCode::OK);
    assert!(
        page.body.contains("<p class=\"error\" role=\"alert\">"),
        "a junk cursor on the tab is a message"
    );
}

// ---------------------------------------------------------------------------------
// Markup is text
// ---------------------------------------------------------------------------------

/// Whether `body` holds `text` with its `<` and `>` escaped, as `&lt;` and `&gt;` or
/// as askama writes them, `&#60;` and `&#62;`.
fn is_escaped_in(body: &str, text: &str) -> bool {
    [("&lt;", "&gt;"), ("&#60;", "&#62;")]
        .iter()
        .any(|(lt, gt)| body.contains(&text.replace('<', lt).replace('>', gt)))
}

/// Panics if `body` holds [`MARKUP`] as markup rather than text.
fn assert_no_markup(what: &str, body: &str) {
    assert!(
        !body.contains("<script>window.pwned") && !body.contains("<b>x</b>"),
        "{what} lets markup through:\n{body}"
    );
}

#[test]
fn markup_in_stored_values_is_shown_as_text_on_every_page() {
    let studio = Studio::demo();
    let segment = studio
        .book
        .create_segment(&format!("Seg {MARKUP}"))
        .unwrap();
    let contact = studio.create(ContactInput {
        first_name: Patch::Set("Mallory".into()),
        last_name: Patch::Set("Markup".into()),
        email: Patch::Set("mallory@markup.example".into()),
        contact_key: Patch::Set(format!("key{MARKUP}")),
        address: Patch::Set(Address {
            street_address: Some(format!("Street {MARKUP}")),
            town: Some(format!("Town {MARKUP}")),
            ..Address::default()
        }),
        segments: Patch::Set(vec![segment.id.clone()]),
        fields: [
            (
                "nickname".to_string(),
                Some(FieldInput::Text(format!("Nick {MARKUP}"))),
            ),
            (
                "notes".to_string(),
                Some(FieldInput::Text(format!("Notes {MARKUP}"))),
            ),
        ]
        .into_iter()
        .collect(),
        ..ContactInput::default()
    });
    studio
        .book
        .record_campaign(
            &contact.id,
            CampaignInput {
                message_id: "m-markup".into(),
                message_name: Some(format!("Message {MARKUP}")),
                channel: CampaignChannel::Email,
                status: CampaignStatus::Undelivered,
                status_description: Some(format!("soft_bounce {MARKUP}")),
                at: Some(at("2025-05-30T09:00:00Z")),
            },
        )
        .unwrap();
    let id = &contact.id;
    let shown = |body: &str, text: &str| unescape(body).contains(text);

    let list = studio.get("/contacts?q=markup").expect(StatusCode::OK).body;
    assert_no_markup("the list", &list);
    assert_eq!(row_ids(&list), [id.as_str()]);

    let profile = studio
        .get(&format!("/contacts/{id}"))
        .expect(StatusCode::OK);
    assert_no_markup("the profile", &profile.body);
    for (row, text) in [
        ("address", format!("Street {MARKUP}")),
        ("address", format!("Town {MARKUP}")),
        ("contact_key", format!("key{MARKUP}")),
        ("fields", format!("Nick {MARKUP}")),
        ("fields", format!("Notes {MARKUP}")),
        ("segments", format!("Seg {MARKUP}")),
    ] {
        let cells = info_row(&profile.body, row);
        assert!(shown(cells, &text), "{row} shows {text:?} as text: {cells}");
    }
    assert!(
        is_escaped_in(&profile.body, &format!("Street {MARKUP}")),
        "escaped as &lt;…&gt;: {}",
        info_row(&profile.body, "address")
    );

    let activity = studio
        .get(&format!("/contacts/{id}?tab=activity&period=all"))
        .expect(StatusCode::OK);
    assert_no_markup("the activity tab", &activity.body);
    assert_eq!(
        titles(&items(&activity.body)),
        [format!("Message {MARKUP}")]
    );
    assert!(shown(
        &activity.body,
        &format!("undelivered (soft_bounce {MARKUP})")
    ));

    let preview = studio
        .get(&format!("/contacts/{id}/preview"))
        .expect(StatusCode::OK);
    assert_no_markup("the preview", &preview.body);
    assert!(shown(&preview.body, &format!("Seg {MARKUP}")));

    let edit = studio
        .get(&format!("/contacts/{id}/edit"))
        .expect(StatusCode::OK);
    assert_no_markup("the edit form", &edit.body);
    let form = form_of(&edit.body);
    assert_eq!(
        value_in(&form, "address.street_address"),
        format!("Street {MARKUP}")
    );
    assert_eq!(value_in(&form, "fields.nickname"), format!("Nick {MARKUP}"));
    assert_eq!(value_in(&form, "fields.notes"), format!("Notes {MARKUP}"));
    assert!(is_escaped_in(
        &edit.body,
        &format!("value=\"Street {MARKUP}\"")
    ));

    // A refused form is drawn again with the values as sent: still text.
    let refused = studio
        .save(
            id,
            &with(
                with(form, "address.town", &format!("Sent {MARKUP}")),
                "email",
                "not an email",
            ),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_no_markup("the refused form", &refused.body);
    assert_eq!(
        value_in(&form_of(&refused.body), "address.town"),
        format!("Sent {MARKUP}")
    );

    // And a refused host is named in the refusal as text.
    let host = studio.get_as("/contacts", "<b>x</b>.example");
    assert_eq!(host.status, StatusCode::FORBIDDEN);
    assert_no_markup("the refusal", &host.body);
}

// ---------------------------------------------------------------------------------
// Edit contact
// ---------------------------------------------------------------------------------

#[test]
fn an_edit_is_saved_at_once_and_the_profile_says_so() {
    let studio = Studio::demo();
    let id = studio.all_ids()[0].clone();
    let before = studio.contact(&id);
    let zone = match before.timezone.as_deref() {
        Some("America/New_York") => "Asia/Tokyo",
        _ => "America/New_York",
    };

    let edit = studio
        .get(&format!("/contacts/{id}/edit"))
        .expect(StatusCode::OK);
    assert_eq!(hidden_input(&edit.body, "csrf"), studio.token);
    let form = form_of(&edit.body);
    assert_eq!(
        value_in(&form, "timezone"),
        before.timezone.as_deref().unwrap_or("")
    );
    studio.clock.advance(Duration::seconds(5)).unwrap();
    let form = with(form, "last_name", "Kovalenko-Test");
    let form = with(form, "timezone", zone);
    let saved = studio.save(&id, &form).expect(StatusCode::SEE_OTHER);
    assert_eq!(saved.header("location"), format!("/contacts/{id}?saved=1"));

    // Read again from the file, through a book of its own.
    let after = ContactBook::open(&studio.files.db)
        .unwrap()
        .get(&id)
        .unwrap()
        .unwrap();
    assert_eq!(after.last_name.as_deref(), Some("Kovalenko-Test"));
    assert_eq!(after.timezone.as_deref(), Some(zone));
    assert!(after.updated_at > before.updated_at);
    let unchanged = |c: &Contact| {
        (
            c.first_name.clone(),
            c.email.clone(),
            c.phone.clone(),
            c.contact_key.clone(),
            c.address.clone(),
            c.language.clone(),
            c.segments.clone(),
            c.categories.clone(),
            c.fields.clone(),
            c.location
                .as_ref()
                .map(|l| (l.latitude, l.longitude, l.source)),
        )
    };
    assert_eq!(unchanged(&after), unchanged(&before), "nothing else moved");

    let profile = studio.get(saved.header("location")).expect(StatusCode::OK);
    assert!(profile
        .body
        .contains("<p class=\"notice\" role=\"status\">Saved.</p>"));
    assert!(profile.body.contains("Kovalenko-Test"));
    assert!(info_row(&profile.body, "timezone").contains(zone));
}

#[test]
fn a_form_saved_unchanged_writes_nothing_for_any_demo_contact() {
    let studio = Studio::demo();
    studio.clock.advance(Duration::seconds(5)).unwrap();
    for id in studio.all_ids() {
        let before = studio.contact(&id);
        let saved = studio
            .save(&id, &studio.edit_form(&id))
            .expect(StatusCode::SEE_OTHER);
        assert_eq!(
            saved.header("location"),
            format!("/contacts/{id}?saved=unchanged"),
            "{id} was saved as changed: {before:#?}\nnow {:#?}",
            studio.contact(&id)
        );
        assert_eq!(studio.contact(&id), before);
    }
}

/// A browser submits a textarea's line breaks as CRLF: a multi-line Textarea field
/// saved untouched must still equal the stored LF text, and write nothing.
#[test]
fn a_form_saved_unchanged_writes_nothing_for_a_multi_line_textarea() {
    let studio = Studio::demo();
    let contact = studio.create(ContactInput {
        fields: [(
            "notes".to_string(),
            Some(FieldInput::Text(
                "Call after 6pm.\nPrefers Ukrainian.".into(),
            )),
        )]
        .into_iter()
        .collect(),
        ..person("Lines", "Textarea", "lines@textarea.example")
    });
    studio.clock.advance(Duration::seconds(5)).unwrap();
    let saved = studio
        .save(&contact.id, &studio.edit_form(&contact.id))
        .expect(StatusCode::SEE_OTHER);
    assert_eq!(
        saved.header("location"),
        format!("/contacts/{}?saved=unchanged", contact.id),
        "now: {:?}",
        studio.contact(&contact.id).fields.get("notes")
    );
    assert_eq!(studio.contact(&contact.id), contact);
}

/// The HTML parser drops one newline right after `<textarea>`: a Textarea value that
/// starts with a line break must keep it through an untouched save.
#[test]
fn a_form_saved_unchanged_keeps_a_textarea_values_leading_line_break() {
    let studio = Studio::demo();
    let contact = studio.create(ContactInput {
        fields: [(
            "notes".to_string(),
            Some(FieldInput::Text("\nAfter a blank line".into())),
        )]
        .into_iter()
        .collect(),
        ..person("Leading", "Textarea", "leading@textarea.example")
    });
    studio.clock.advance(Duration::seconds(5)).unwrap();
    studio
        .save(&contact.id, &studio.edit_form(&contact.id))
        .expect(StatusCode::SEE_OTHER);
    let after = studio.contact(&contact.id);
    assert_eq!(after.fields.get("notes"), contact.fields.get("notes"));
    assert_eq!(after, contact);
}

#[test]
fn changing_the_static_segments_keeps_the_category_segments() {
    let studio = Studio::demo();
    let segments = studio.book.segments().unwrap();
    let named = |name: &str| {
        segments
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("the demo has segment {name}"))
            .id
            .clone()
    };
    let (vip, beta, churn) = (named("VIP"), named("Beta testers"), named("Churn risk"));
    let weekly = named("Weekly news");
    let contact = studio.create(ContactInput {
        categories: Patch::Set(vec!["weekly-news".into()]),
        segments: Patch::Set(vec![vip.clone(), beta.clone()]),
        ..person("Segment", "Keeper", "segments@keeper.example")
    });
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    assert_eq!(
        sorted(contact.segments.clone()),
        sorted(vec![weekly.clone(), vip.clone(), beta.clone()]),
        "the category's segment follows its subscribers"
    );
    let edit = studio
        .get(&format!("/contacts/{}/edit", contact.id))
        .expect(StatusCode::OK);
    assert!(edit
        .body
        .contains("<span class=\"chosen\">Beta testers, VIP</span>"));
    assert!(
        !edit.body.contains(&format!("value=\"{weekly}\"")),
        "a category's segment is not offered"
    );
    let form = with_all(form_of(&edit.body), "segments", &[&beta, &churn]);
    studio.clock.advance(Duration::seconds(5)).unwrap();
    studio
        .save(&contact.id, &form)
        .expect(StatusCode::SEE_OTHER);
    let after = studio.contact(&contact.id);
    assert_eq!(
        sorted(after.segments),
        sorted(vec![weekly, beta, churn]),
        "VIP left, Churn risk joined, Weekly news kept"
    );
    assert_eq!(after.categories, ["weekly-news"]);
}

#[test]
fn additional_fields_of_every_type_are_saved_as_typed_and_readonly_ones_are_not() {
    let studio = Studio::demo();
    studio
        .book
        .define_field(FieldDefinition {
            title: "Last visit".into(),
            ..FieldDefinition::new("last_visit", FieldType::Datetime)
        })
        .unwrap();
    let contact = studio.create(ContactInput {
        fields: [(
            "member_since".to_string(),
            Some(FieldInput::Text("2021-04-17T06:30:00Z".into())),
        )]
        .into_iter()
        .collect(),
        ..person("Typed", "Fields", "typed@fields.example")
    });
    let edit = studio
        .get(&format!("/contacts/{}/edit", contact.id))
        .expect(StatusCode::OK);
    let readonly = one_between(
        &edit.body,
        "<div class=\"control\" data-control=\"fields.member_since\"",
        "</div>",
    );
    assert!(readonly.contains(" disabled"), "{readonly}");
    let mut form = form_of(&edit.body);
    assert!(
        form.iter().all(|(n, _)| n != "fields.member_since"),
        "a disabled control is not sent"
    );
    for (name, value) in [
        ("fields.loyalty_tier", "silver"),
        ("fields.loyalty_points", "120"),
        ("fields.average_basket", "99.50"),
        ("fields.paper_receipts", "true"),
        ("fields.birthday", "1991-07-15"),
        ("fields.nickname", "Tee"),
        ("fields.last_visit", "2025-05-30T08:15"),
    ] {
        form = with(form, name, value);
    }
    let mut form = with_all(form, "fields.interests", &["yoga", "running"]);
    // A crafted request cannot set a readonly field either.
    form.push(("fields.member_since".into(), "2000-01-01T00:00".into()));
    studio.clock.advance(Duration::seconds(5)).unwrap();
    studio
        .save(&contact.id, &form)
        .expect(StatusCode::SEE_OTHER);

    let fields = studio.contact(&contact.id).fields;
    let field = |key: &str| fields.get(key).cloned();
    assert_eq!(
        field("loyalty_tier"),
        Some(FieldValue::List("silver".into()))
    );
    assert_eq!(field("loyalty_points"), Some(FieldValue::Number(120)));
    assert_eq!(
        field("average_basket"),
        Some(FieldValue::Decimal(Decimal::new(9950, 2)))
    );
    assert_eq!(field("paper_receipts"), Some(FieldValue::Boolean(true)));
    assert_eq!(
        field("birthday"),
        Some(FieldValue::Date("1991-07-15".parse().unwrap()))
    );
    assert_eq!(field("nickname"), Some(FieldValue::Text("Tee".into())));
    assert_eq!(
        field("last_visit"),
        Some(FieldValue::Datetime(at("2025-05-30T08:15:00Z"))),
        "a datetime-local value is read as UTC"
    );
    assert_eq!(
        field("interests"),
        Some(FieldValue::Multilist(vec!["running".into(), "yoga".into()])),
        "in the definition's order"
    );
    assert_eq!(
        field("member_since"),
        Some(FieldValue::Datetime(at("2021-04-17T06:30:00Z"))),
        "readonly: kept"
    );

    // The form drawn again holds what was saved.
    let again = studio.edit_form(&contact.id);
    assert_eq!(value_in(&again, "fields.last_visit"), "2025-05-30T08:15:00");
    assert_eq!(value_in(&again, "fields.paper_receipts"), "true");
    let interests: Vec<&str> = again
        .iter()
        .filter(|(n, v)| n == "fields.interests" && !v.is_empty())
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(interests, ["running", "yoga"]);

    // A value the definition refuses is shown beside its control; nothing written.
    let before = studio.contact(&contact.id);
    let refused = studio
        .save(&contact.id, &with(again, "fields.loyalty_points", "-5"))
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let control = one_between(
        &refused.body,
        "<div class=\"control\" data-control=\"fields.loyalty_points\"",
        "</div>",
    );
    assert!(control.contains("class=\"field-error\""), "{control}");
    assert_eq!(studio.contact(&contact.id), before);
}

/// A form over the body limit (here a 3 MB first name) is answered with the studio's
/// page saying nothing was saved, not the framework's bare text, and writes nothing.
#[test]
fn a_form_too_large_to_read_is_refused_on_a_page_and_writes_nothing() {
    let studio = Studio::demo();
    let id = studio.all_ids()[1].clone();
    let before = studio.contact(&id);
    let form = with(studio.edit_form(&id), "first_name", &"a".repeat(3_000_000));
    let page = studio.save(&id, &form).expect(StatusCode::BAD_REQUEST);
    assert!(
        page.body
            .contains("the edit could not be read, nothing was saved"),
        "{}",
        &page.body[..page.body.len().min(2000)]
    );
    assert!(page
        .header("content-security-policy")
        .contains("script-src 'self'"));
    assert_eq!(studio.contact(&id), before, "nothing written");
}

#[test]
fn a_refused_value_shows_the_librarys_error_beside_its_control_and_writes_nothing() {
    let studio = Studio::demo();
    let id = studio.all_ids()[1].clone();
    let before = studio.contact(&id);
    studio.clock.advance(Duration::seconds(5)).unwrap();
    let form = with(studio.edit_form(&id), "email", "not an email");
    let form = with(form, "last_name", "Changedlast");
    let refused = studio
        .save(&id, &form)
        .expect(StatusCode::UNPROCESSABLE_ENTITY);

    let library = studio
        .book
        .update(
            &id,
            ContactInput {
                email: Patch::Set("not an email".into()),
                ..ContactInput::default()
            },
        )
        .unwrap_err()
        .to_string();
    let control = one_between(
        &refused.body,
        "<label class=\"control\" data-control=\"email\">",
        "</label>",
    );
    assert!(control.contains("aria-invalid=\"true\""), "{control}");
    let error = unescape(one_between(
        control,
        "<span class=\"field-error\" role=\"alert\">",
        "</span>",
    ));
    assert_eq!(error, library, "the library's message, beside the email");
    assert_eq!(
        refused.body.matches("class=\"field-error\"").count(),
        1,
        "only the email is marked"
    );
    let banner = unescape(one_between(
        &refused.body,
        "<p class=\"error\" role=\"alert\" data-testid=\"refused\">",
        "</p>",
    ));
    assert_eq!(banner, format!("Nothing was saved: {library}"));

    let again = form_of(&refused.body);
    assert_eq!(value_in(&again, "email"), "not an email", "drawn as sent");
    assert_eq!(
        value_in(&again, "last_name"),
        "Changedlast",
        "drawn as sent"
    );
    assert_eq!(
        studio.contact(&id),
        before,
        "nothing written, the last name neither"
    );
}

#[test]
fn an_email_another_contact_holds_is_refused_beside_the_email() {
    let studio = Studio::demo();
    let ids = studio.all_ids();
    let (id, other) = (&ids[0], studio.contact(&ids[1]));
    let taken = other.email.clone().expect("the demo contact has an email");
    let before = studio.contact(id);
    let refused = studio
        .save(id, &with(studio.edit_form(id), "email", &taken))
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let control = one_between(
        &refused.body,
        "<label class=\"control\" data-control=\"email\">",
        "</label>",
    );
    let error = unescape(one_between(
        control,
        "<span class=\"field-error\" role=\"alert\">",
        "</span>",
    ));
    assert!(error.contains(&other.id), "names who holds it: {error}");
    assert_eq!(studio.contact(id), before);
}

#[test]
fn an_address_the_book_refuses_is_refused_beside_its_own_control() {
    let studio = Studio::demo();
    let id = studio.all_ids()[2].clone();
    let before = studio.contact(&id);
    let form = with(studio.edit_form(&id), "location.latitude", "north");
    let form = with(form, "location.longitude", "30.5");
    let refused = studio
        .save(&id, &form)
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let control = one_between(
        &refused.body,
        "<label class=\"control\" data-control=\"location.latitude\">",
        "</label>",
    );
    assert!(control.contains("class=\"field-error\""), "{control}");
    assert!(unescape(control).contains("not a number"), "{control}");
    assert_eq!(studio.contact(&id), before);
}

// ---------------------------------------------------------------------------------
// Other sites, other hosts, stale forms
// ---------------------------------------------------------------------------------

#[test]
fn posts_from_other_sites_or_without_the_token_are_refused_and_write_nothing() {
    let studio = Studio::demo();
    let id = studio.all_ids()[0].clone();
    let before = studio.contact(&id);
    studio.clock.advance(Duration::seconds(5)).unwrap();
    let form = with(studio.edit_form(&id), "last_name", "Hijacked");
    let uri = format!("/contacts/{id}/edit");
    let refused = |page: Page, why: &str| {
        let page = page.expect(StatusCode::FORBIDDEN);
        assert!(page.body.contains("<h1>Refused</h1>"), "{why}");
        assert_eq!(studio.contact(&id), before, "{why}: nothing written");
        page
    };

    let cross = refused(
        studio.post_form(&uri, &form, &[("sec-fetch-site", "cross-site")]),
        "cross-site",
    );
    assert!(cross.body.contains("another site (cross-site)"));
    refused(
        studio.post_form(&uri, &form, &[("sec-fetch-site", "same-site")]),
        "same-site",
    );
    refused(
        studio.post_form(&uri, &form, &[("origin", "http://evil.example")]),
        "another origin",
    );

    let wrong_token = with(form.clone(), "csrf", &"0".repeat(studio.token.len()));
    let page = refused(
        studio.post_form(&uri, &wrong_token, &[("origin", &format!("http://{HOST}"))]),
        "a wrong token",
    );
    assert!(unescape(&page.body).contains("the form's token is missing or stale"));
    let no_token: Vec<_> = form.iter().filter(|(n, _)| n != "csrf").cloned().collect();
    refused(studio.save(&id, &no_token), "no token");
    let other_server = Guard::new(HOST.parse().unwrap(), false);
    refused(
        studio.save(&id, &with(form.clone(), "csrf", other_server.token())),
        "another server's token",
    );

    // The same form from the studio's own page is saved.
    studio
        .post_form(&uri, &form, &[("origin", &format!("http://{HOST}"))])
        .expect(StatusCode::SEE_OTHER);
    assert_eq!(studio.contact(&id).last_name.as_deref(), Some("Hijacked"));
}

#[test]
fn a_request_naming_another_host_is_refused_even_for_reading() {
    let studio = Studio::demo();
    let page = studio.get_as("/contacts", "evil.example:8410");
    let page = page.expect(StatusCode::FORBIDDEN);
    assert!(unescape(&page.body).contains("not to host \"evil.example:8410\""));
    assert!(
        !page.body.contains("data-testid=\"total\""),
        "no contacts shown"
    );
    let id = &studio.all_ids()[0];
    for uri in [format!("/contacts/{id}"), format!("/contacts/{id}/edit")] {
        assert_eq!(
            studio.get_as(&uri, "evil.example:8410").status,
            StatusCode::FORBIDDEN
        );
    }
    let none = studio.send(Request::get("/contacts").body(Body::empty()).unwrap());
    assert_eq!(none.status, StatusCode::FORBIDDEN, "no Host at all");
    assert_eq!(
        studio.get_as("/contacts", "localhost:8410").status,
        StatusCode::OK
    );
}

#[test]
fn a_form_loaded_before_the_contact_changed_is_refused_and_writes_nothing() {
    let studio = Studio::demo();
    let id = studio.all_ids()[0].clone();
    let form = studio.edit_form(&id);
    let loaded = value_in(&form, "version").to_string();

    studio.clock.advance(Duration::seconds(5)).unwrap();
    studio
        .book
        .update(
            &id,
            ContactInput {
                first_name: Patch::Set("Changedelsewhere".into()),
                ..ContactInput::default()
            },
        )
        .unwrap();
    let between_change = studio.contact(&id);

    studio.clock.advance(Duration::seconds(5)).unwrap();
    let stale = studio
        .save(&id, &with(form, "last_name", "Fromstaleform"))
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unescape(&stale.body).contains("the contact changed since this form was opened"));
    assert_eq!(studio.contact(&id), between_change, "nothing written");

    // The refused form carries the new version: sending it again applies it.
    let again = form_of(&stale.body);
    assert_ne!(value_in(&again, "version"), loaded);
    assert_eq!(value_in(&again, "last_name"), "Fromstaleform");
    studio.save(&id, &again).expect(StatusCode::SEE_OTHER);
    let after = studio.contact(&id);
    assert_eq!(after.last_name.as_deref(), Some("Fromstaleform"));
}

/// Two writes in the same millisecond, or any under a pinned clock
/// (`CONTACTKIT_NOW`), leave `updated_at` as it was: a form loaded before such a
/// change must still be refused rather than overwrite it.
#[test]
fn a_form_loaded_before_a_change_at_the_same_instant_is_refused() {
    let studio = Studio::demo();
    let id = studio.all_ids()[0].clone();
    let form = studio.edit_form(&id);
    studio
        .book
        .update(
            &id,
            ContactInput {
                first_name: Patch::Set("Changedelsewhere".into()),
                ..ContactInput::default()
            },
        )
        .unwrap();
    let stale = studio.save(&id, &with(form, "last_name", "Fromstaleform"));
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
}

// ---------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------

/// Panics unless `page` carries the studio's security headers.
fn assert_security_headers(what: &str, page: &Page) {
    let policy = page.header("content-security-policy");
    let script = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("{what}: no script-src in {policy:?}"));
    assert_eq!(script, "script-src 'self'", "{what}");
    assert!(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"));
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "{what}: {policy}"
    );
    assert_eq!(page.header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(page.header("x-frame-options"), "DENY", "{what}");
}

#[test]
fn pages_carry_a_script_policy_without_inline_script_and_nosniff() {
    let studio = Studio::demo();
    let id = studio.all_ids()[0].clone();
    for uri in [
        "/contacts".to_string(),
        format!("/contacts/{id}"),
        format!("/contacts/{id}?tab=activity"),
        format!("/contacts/{id}/edit"),
        format!("/contacts/{id}/preview"),
    ] {
        let page = studio.get(&uri).expect(StatusCode::OK);
        assert_security_headers(&uri, &page);
        assert!(page
            .header("content-type")
            .starts_with("text/html; charset=utf-8"));
        // What the policy would block must not be needed: no inline script or
        // handler attribute.
        for tag in between(&page.body, "<script", ">") {
            assert!(tag.contains(" src="), "{uri}: inline <script{tag}>");
        }
        assert!(!page.body.contains(" onclick=") && !page.body.contains(" onload="));
    }
    let script = studio.get("/assets/studio.js").expect(StatusCode::OK);
    assert!(script.header("content-type").contains("javascript"));
    let style = studio.get("/assets/studio.css").expect(StatusCode::OK);
    assert!(style.header("content-type").starts_with("text/css"));
    let missing = studio.get("/nowhere").expect(StatusCode::NOT_FOUND);
    assert_security_headers("a missing page", &missing);
    let gone = studio
        .get("/contacts/00000000-0000-7000-8000-000000000000")
        .expect(StatusCode::NOT_FOUND);
    assert_security_headers("a missing contact", &gone);
    let home = studio.get("/").expect(StatusCode::SEE_OTHER);
    assert_eq!(home.header("location"), "/contacts");
}

/// A 403 page carries the same security headers as every other page.
#[test]
fn refusals_carry_the_security_headers_too() {
    let studio = Studio::demo();
    let page = studio
        .get_as("/contacts", "evil.example:8410")
        .expect(StatusCode::FORBIDDEN);
    assert_security_headers("a refused host", &page);
}

// ---------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------

/// A child process killed (and reaped) when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `contactkit --db BOOK ARGS`, at the tests' clock, its output piped.
fn contactkit(book: &Book, args: &[&str]) -> Running {
    let child = Command::new(env!("CARGO_BIN_EXE_contactkit"))
        .current_dir(book.dir.path())
        .arg("--db")
        .arg(&book.db)
        .args(args)
        .env("CONTACTKIT_NOW", NOW)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run contactkit");
    Running(child)
}

/// A small demo book on disk.
fn small_book() -> Book {
    let book = Book::new();
    book.run(&["demo", "--contacts", "5"]).expect(0);
    book
}

#[test]
fn the_studio_refuses_to_serve_a_non_loopback_host_without_allow_remote() {
    let book = small_book();
    let mut running = contactkit(&book, &["studio", "--host", "0.0.0.0", "--port", "0"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the studio started serving 0.0.0.0"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    let mut stdout = String::new();
    running
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    running
        .0
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert!(!status.success(), "exit {status}");
    assert!(stderr.contains("--allow-remote"), "{stderr}");
    assert!(stderr.contains("0.0.0.0"), "{stderr}");
    assert!(!stdout.contains("http://"), "no URL printed: {stdout}");
}

#[test]
fn the_studio_on_port_0_prints_its_url_and_serves_all_contacts_there() {
    let book = small_book();
    let mut running = contactkit(&book, &["studio", "--port", "0"]);
    let stdout = running.0.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let line = receiver
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the studio prints its URL");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let address = url
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("not on loopback: {line:?}"));
    let port: u16 = address.trim_end_matches('/').parse().expect("a port");
    assert_ne!(port, 0);
    let host = format!("127.0.0.1:{port}");

    let mut stream = TcpStream::connect(&host).expect("connect to the studio");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /contacts HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("<h1>All contacts</h1>"), "{response}");
    assert!(response.contains("5 contacts"), "{response}");
    drop(running);
}
