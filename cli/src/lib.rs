//! `contactkit`: the command-line face of ContactKit. It builds a demo book, imports
//! files of contacts (JSON lines, CSV, the seed platform's JSON) and suppression lists
//! (CSV), shows profile cards and timelines, answers `can_send`, and exports a book as
//! JSON lines.
//!
//! Every command works on one book (`--db`): a SQLite file (default `contacts.db`)
//! opened with `ContactBook::open_with` (`--durability`, `--busy-timeout`), or a
//! PostgreSQL database given by its URL (`ContactBook::connect`). Exit codes: 0 ok,
//! 1 bad input, 2 storage error.
//!
//! A library as well as the binary (`src/main.rs` only calls [`main`]), so the fuzz
//! targets in `fuzz/` can drive [`import::run`] in-process, and the bench draws its
//! sample data from the demo's generator ([`random`]).

mod changes;
mod commands;
mod demo;
mod failure;
pub mod import;
mod lifecycle;
pub mod location;
mod outputs;
mod platform;
pub mod random;
mod render;
mod rules;
pub mod studio;
mod suppress;

use clap::{Args, Parser, Subcommand, ValueEnum};
use contactkit::{
    ActivityCategory, Channel, ContactBook, DedupeOn, Durability, ManualClock, OnInvalid, Period,
    SqliteOptions,
};
use failure::{CliResult, Failure};
use location::Db;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Contact profiles in a SQLite file: demo, import, suppress, show, activity, can-send,
/// export, list, count, changes, merge, erase, and the studio in a browser.
#[derive(Debug, Parser)]
#[command(name = "contactkit", version, about, long_about = None)]
struct Cli {
    /// The book: a SQLite file, created if absent, or a PostgreSQL database's URL
    /// (postgresql://user:password@host:port/database).
    #[arg(
        long,
        global = true,
        default_value = "contacts.db",
        value_name = "FILE_OR_URL",
        value_parser = Db::parse
    )]
    db: Db,
    /// Region (ISO 3166-1 alpha-2, e.g. UA) for national phone numbers of contacts
    /// without an address country.
    #[arg(long, global = true, value_name = "CC")]
    region: Option<String>,
    /// Colour the output: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Commit durability: normal survives a killed process, full also a power cut
    /// (an fsync per commit).
    #[arg(long, global = true, default_value = "normal", value_name = "MODE", value_parser = parse_durability)]
    durability: Durability,
    /// How long to wait for another process's write lock on the book, in
    /// milliseconds, before failing.
    #[arg(long, global = true, default_value_t = 30_000, value_name = "MS",
          value_parser = clap::value_parser!(u32).range(0..=i64::from(i32::MAX)))]
    busy_timeout: u32,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build a realistic sample book (safe to re-run) and print one profile card.
    Demo(DemoArgs),
    /// Upsert contacts from a JSON lines, JSON or CSV file, with a per-row report.
    Import(ImportArgs),
    /// Record another sender's suppression list (CSV: channel, address, kind, reason),
    /// with a per-row report.
    Suppress(SuppressArgs),
    /// Print a contact's profile card (by id, email, phone, external id or contact key).
    Show(ShowArgs),
    /// Print a contact's timeline, newest first.
    Activity(ActivityArgs),
    /// May a message go to this contact on CHANNEL (and in a category)?
    CanSend(CanSendArgs),
    /// Write every live contact as JSON lines (re-importable with `import`).
    Export(ExportArgs),
    /// List the live contacts, or those a rule matches (--where), in creation order.
    List(ListArgs),
    /// Count the live contacts, or those a rule matches (--where).
    Count(CountArgs),
    /// Print the book's change feed, oldest first (--follow: keep printing new changes);
    /// the cursor to resume from goes to standard error.
    Changes(ChangesArgs),
    /// Fold a duplicate contact (FROM) into another (INTO): INTO keeps its values, FROM
    /// fills the gaps, and FROM's id names INTO from then on.
    Merge(MergeArgs),
    /// Forget a contact for good (GDPR erasure); its addresses stay blocked.
    Erase(EraseArgs),
    /// Serve the contact screens in a browser (All contacts, the profile window's two
    /// tabs, Edit contact) on this machine, until interrupted.
    Studio(StudioArgs),
}

impl Command {
    /// The files the command creates or truncates, each with the option naming it.
    fn outputs(&self) -> Vec<(&'static str, &Path)> {
        match self {
            Command::Import(ImportArgs {
                rejects: Some(path),
                ..
            })
            | Command::Suppress(SuppressArgs {
                rejects: Some(path),
                ..
            }) => vec![("--rejects", path)],
            Command::Export(ExportArgs {
                output: Some(path), ..
            }) => vec![("--output", path)],
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// How many contacts the sample book holds.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..=5000))]
    contacts: u32,
    /// Seed of the generator: the same seed builds the same book.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// The file to import.
    file: PathBuf,
    /// The file's format; by default from its extension, else from its first character.
    #[arg(long, value_enum, default_value_t = import::Format::Auto)]
    format: import::Format,
    /// Which identifier matches an existing contact: id, email, phone, email_or_phone,
    /// contact_key or external_id (read by the book's own names).
    #[arg(long, default_value = "email", value_parser = parse_dedupe_on, value_name = "KEY")]
    dedupe_on: DedupeOn,
    /// What a row with an invalid value does: reject_row (nothing of it is written) or
    /// drop_field (the invalid values are left out and the rest written).
    #[arg(long, default_value = "reject_row", value_parser = parse_on_invalid, value_name = "POLICY")]
    on_invalid: OnInvalid,
    /// Also write every rejected row (line, field, reason, input) to FILE as JSON lines.
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Seed platform JSON: read its additional field ID as the field KEY (repeatable).
    #[arg(long = "map-field", value_name = "ID=KEY", value_parser = parse_mapping)]
    map_fields: Vec<(String, String)>,
    /// Seed platform JSON: the Telegram bot id of `telegram` channels that name none.
    #[arg(long, value_name = "BOT_ID")]
    telegram_bot: Option<String>,
    /// No progress bar, even on a terminal.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct SuppressArgs {
    /// The CSV file: columns channel (email or sms, default email), address, kind
    /// (blacklisted, unsubscribed, spam_complaint or an export's word such as cleaned;
    /// default unsubscribed) and reason.
    file: PathBuf,
    /// Also write every rejected row (line, field, reason, input) to FILE as JSON lines.
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// No progress bar, even on a terminal.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct ShowArgs {
    /// Contact id, email, phone, external id or contact key.
    who: String,
    /// Print the profile as one JSON line (the export form) instead of the card.
    #[arg(long)]
    json: bool,
    /// How far back the card's activity block reaches.
    #[arg(long, value_enum, default_value_t = PeriodArg::All)]
    period: PeriodArg,
    /// How many activity items the card shows.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=1000))]
    limit: u32,
}

#[derive(Debug, Args)]
struct ActivityArgs {
    /// Contact id, email, phone, external id or contact key.
    who: String,
    /// Which kinds of item.
    #[arg(long, value_enum, default_value_t = CategoryArg::All)]
    category: CategoryArg,
    /// How far back (orders always show their full history).
    #[arg(long, value_enum, default_value_t = PeriodArg::D30)]
    period: PeriodArg,
    /// How many items.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1000))]
    limit: u32,
    /// Print JSON lines instead of rows.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct CanSendArgs {
    /// Contact id, email, phone, external id or contact key.
    who: String,
    /// The channel.
    #[arg(value_enum)]
    channel: ChannelArg,
    /// A subscription category key (e.g. weekly-news).
    #[arg(long, value_name = "KEY")]
    category: Option<String>,
    /// Print {"allowed":…,"reason":…} instead of a sentence.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Leave out each contact's timeline.
    #[arg(long, conflicts_with = "id")]
    no_activity: bool,
    /// Export one contact (id, email, phone, external id or contact key; a deleted one
    /// by id): everything held about it as one JSON document (profile, whole timeline,
    /// suppression records at its addresses), for a person's right of access.
    #[arg(long, value_name = "WHO")]
    id: Option<String>,
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// The contact that stays (id, email, phone, external id or contact key).
    into: String,
    /// The duplicate folded into it.
    from: String,
    /// Print the merged profile as JSON instead of a sentence.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct EraseArgs {
    /// The contact (id, email, phone, external id or contact key; a deleted one by id).
    who: String,
    /// Confirm: an erased contact cannot be brought back.
    #[arg(long)]
    yes: bool,
}

#[derive(Debug, Args)]
struct StudioArgs {
    /// The port to listen on; 0 picks a free one (the printed URL says which).
    #[arg(long, default_value_t = 8410)]
    port: u16,
    /// The address to listen on. Only loopback addresses unless --allow-remote.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    host: std::net::IpAddr,
    /// Serve a non-loopback --host: the studio has no login, so anyone who reaches
    /// the address can read and edit the book.
    #[arg(long)]
    allow_remote: bool,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Only the contacts this rule matches: JSON text such as
    /// '{"attr":"country","op":"eq","value":"UA"}' (the rule language of the docs).
    #[arg(long = "where", value_name = "JSON")]
    rule: Option<String>,
    /// At most N contacts.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
    /// Print each contact's export line (JSON, without the timeline) instead of a row
    /// (id, email, phone, name; tab-separated).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct CountArgs {
    /// Only the contacts this rule matches (JSON text, as for `list --where`).
    #[arg(long = "where", value_name = "JSON")]
    rule: Option<String>,
}

#[derive(Debug, Args)]
struct ChangesArgs {
    /// Start after this cursor (the last line an earlier run wrote to standard error);
    /// from the first change without it.
    #[arg(long, value_name = "CURSOR")]
    cursor: Option<String>,
    /// At most N changes, then stop.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
    /// Keep polling and print new changes as they are committed, until interrupted
    /// (the cursor to resume from is written to standard error after each batch).
    #[arg(long)]
    follow: bool,
    /// With --follow, how long to wait between polls, in milliseconds.
    #[arg(long, default_value_t = 500, value_name = "MS",
          value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    interval_ms: u64,
    /// Print each change as a JSON line instead of a row (seq, at, op, contact_id,
    /// from_id; tab-separated).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// An `--on-invalid` value, by the names the book gives its policies.
fn parse_on_invalid(text: &str) -> Result<OnInvalid, String> {
    text.parse().map_err(|e: contactkit::Error| e.to_string())
}

/// A `--dedupe-on` value, by the names the book gives its dedupe keys.
fn parse_dedupe_on(text: &str) -> Result<DedupeOn, String> {
    text.parse().map_err(|e: contactkit::Error| e.to_string())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PeriodArg {
    #[value(name = "7d")]
    D7,
    #[value(name = "30d")]
    D30,
    #[value(name = "90d")]
    D90,
    #[value(name = "1y")]
    Year,
    All,
}

impl From<PeriodArg> for Period {
    fn from(arg: PeriodArg) -> Self {
        match arg {
            PeriodArg::D7 => Period::Days7,
            PeriodArg::D30 => Period::Days30,
            PeriodArg::D90 => Period::Days90,
            PeriodArg::Year => Period::Year,
            PeriodArg::All => Period::All,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CategoryArg {
    All,
    Campaigns,
    Events,
    Orders,
}

impl From<CategoryArg> for ActivityCategory {
    fn from(arg: CategoryArg) -> Self {
        match arg {
            CategoryArg::All => ActivityCategory::All,
            CategoryArg::Campaigns => ActivityCategory::Campaigns,
            CategoryArg::Events => ActivityCategory::Events,
            CategoryArg::Orders => ActivityCategory::Orders,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
enum ChannelArg {
    Email,
    Sms,
    MobilePush,
    WebPush,
    Telegram,
}

impl From<ChannelArg> for Channel {
    fn from(arg: ChannelArg) -> Self {
        match arg {
            ChannelArg::Email => Channel::Email,
            ChannelArg::Sms => Channel::Sms,
            ChannelArg::MobilePush => Channel::MobilePush,
            ChannelArg::WebPush => Channel::WebPush,
            ChannelArg::Telegram => Channel::Telegram,
        }
    }
}

fn parse_mapping(raw: &str) -> Result<(String, String), String> {
    match raw.split_once('=') {
        Some((id, key)) if !id.trim().is_empty() && !key.trim().is_empty() => {
            Ok((id.trim().to_string(), key.trim().to_string()))
        }
        _ => Err(format!("expected ID=KEY, got {raw:?}")),
    }
}

/// `--durability`: the library's names (`normal`, `full`) and its message.
fn parse_durability(raw: &str) -> Result<Durability, String> {
    raw.parse().map_err(|e: contactkit::Error| e.to_string())
}

/// Settings every command shares.
pub struct Context {
    /// The book, for messages.
    pub db: Db,
    /// Colour escapes in the output.
    pub color: bool,
}

/// The `contactkit` command: parses the arguments, runs the command, exits with its
/// code.
pub fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            // Printing help or an argument error to a closed pipe is not worth a panic.
            let _ = e.print();
            std::process::exit(code);
        }
    };
    match run(cli) {
        Ok(()) | Err(Failure::ClosedOutput) => {}
        Err(failure) => {
            eprintln!("contactkit: {}", render::escape(&failure.to_string()));
            std::process::exit(failure.exit_code());
        }
    }
}

fn run(cli: Cli) -> CliResult {
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let context = Context {
        db: cli.db.clone(),
        color,
    };
    // Before the book is opened: a refused output leaves every file as it was.
    if let Some(file) = cli.db.file() {
        for (option, path) in cli.command.outputs() {
            outputs::refuse_book(option, path, file)?;
        }
    }
    let creates = matches!(
        cli.command,
        Command::Demo(_) | Command::Import(_) | Command::Suppress(_)
    );
    let options = SqliteOptions {
        durability: cli.durability,
        busy_timeout: Duration::from_millis(cli.busy_timeout.into()),
    };
    // A rule is read before the book is opened: a bad one touches nothing.
    let rule = match &cli.command {
        Command::List(ListArgs { rule, .. }) | Command::Count(CountArgs { rule }) => {
            rules::parse(rule.as_deref())?
        }
        _ => None,
    };
    let book = open_book(&cli.db, &options, cli.region.as_deref(), creates)?;
    match cli.command {
        Command::Demo(args) => demo::run(&book, &context, args.contacts as usize, args.seed),
        Command::Import(args) => {
            let options = import::Options {
                file: args.file,
                format: args.format,
                dedupe_on: args.dedupe_on,
                on_invalid: args.on_invalid,
                rejects: args.rejects,
                map_fields: args.map_fields.into_iter().collect(),
                telegram_bot: args.telegram_bot,
                progress: !args.quiet && std::io::stderr().is_terminal(),
            };
            import::run(&book, &context, &options)
        }
        Command::Suppress(args) => {
            let options = suppress::Options {
                file: args.file,
                rejects: args.rejects,
                progress: !args.quiet && std::io::stderr().is_terminal(),
            };
            suppress::run(&book, &context, &options)
        }
        Command::Show(args) => commands::show(
            &book,
            &context,
            &args.who,
            args.json,
            args.period.into(),
            args.limit,
        ),
        Command::Activity(args) => commands::activity(
            &book,
            &context,
            &args.who,
            args.category.into(),
            args.period.into(),
            args.limit,
            args.json,
        ),
        Command::CanSend(args) => commands::can_send(
            &book,
            &args.who,
            args.channel.into(),
            args.category.as_deref(),
            args.json,
        ),
        Command::Export(args) => match &args.id {
            Some(who) => lifecycle::export_one(&book, &context, who, args.output.as_deref()),
            None => commands::export(&book, args.output.as_deref(), !args.no_activity),
        },
        Command::Merge(args) => {
            lifecycle::merge(&book, &context, &args.into, &args.from, args.json)
        }
        Command::Erase(args) => lifecycle::erase(&book, &context, &args.who, args.yes),
        Command::Studio(args) => studio::run(
            book,
            &context,
            &studio::Options {
                host: args.host,
                port: args.port,
                allow_remote: args.allow_remote,
            },
        ),
        Command::List(args) => rules::list(&book, rule.as_ref(), args.limit, args.json),
        Command::Count(_) => rules::count(&book, rule.as_ref()),
        Command::Changes(args) => changes::run(
            &book,
            &changes::Options {
                cursor: args.cursor,
                limit: args.limit,
                follow: args.follow,
                interval: Duration::from_millis(args.interval_ms),
                json: args.json,
            },
        ),
    }
}

/// Opens the book with the global `--durability` and `--busy-timeout`. Reading
/// commands refuse a missing file rather than create an empty book by accident.
/// `CONTACTKIT_NOW` (RFC 3339) pins the book's clock, so docs and tests get the same
/// output on every run.
fn open_book(
    db: &Db,
    options: &SqliteOptions,
    region: Option<&str>,
    creates: bool,
) -> CliResult<ContactBook> {
    let opened = match db {
        Db::File(path) => {
            if !creates && !path.exists() {
                return Err(Failure::storage(format!(
                    "{}: no such book (build one with `contactkit demo` or `contactkit import FILE`, or pass --db)",
                    path.display()
                )));
            }
            ContactBook::open_with(path, options)
        }
        Db::Server(url) => ContactBook::connect(url),
    };
    let mut book = opened.map_err(|e| Failure::from(e).context(db))?;
    if let Some(region) = region {
        book = book
            .with_default_region(region)
            .map_err(|e| Failure::from(e).context("--region"))?;
    }
    if let Some(now) = std::env::var_os("CONTACTKIT_NOW") {
        let now = now.to_string_lossy();
        let at = chrono::DateTime::parse_from_rfc3339(&now)
            .map_err(|e| Failure::bad(format!("CONTACTKIT_NOW {now:?}: not RFC 3339: {e}")))?;
        book = book.with_clock(Arc::new(ManualClock::new(at.with_timezone(&chrono::Utc))));
    }
    Ok(book)
}
