"""Data pipelines: every problem of a row, drop_field, ids in input order, keyless rows
made once, DataFrame cells (NaN, NaT, NA, numpy and pandas scalars) in rows and through
import_dataframe, consent dates, a Mailchimp-style export in one pass, suppression
lists, a setup script that runs again, segments by name, finders on malformed text,
the Arrow table with to_pandas / to_polars, a DataFrame round trip, and hostile rows."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import contactkit
from contactkit import ContactBook, _native

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def clocked() -> Iterator[ContactBook]:
    """A book whose clock reads NOW (consent dates are checked against it)."""
    with _native._in_memory_with_clock(_native._ManualClock(NOW)) as book:
        yield book


def define_fields(book: ContactBook) -> None:
    book.define_field({"key": "age", "type": "number"})
    book.define_field({"key": "joined", "type": "datetime"})
    book.define_field({"key": "vip", "type": "boolean"})
    book.define_field({"key": "score", "type": "decimal"})


def problem_fields(problems: list[contactkit.RowProblem]) -> list[str]:
    return [p.field for p in problems if p.field is not None]


# ---- every problem of a row; drop_field ---------------------------------------------


def test_a_rejected_row_reports_every_problem_and_writes_nothing(book: ContactBook) -> None:
    define_fields(book)
    row = {
        "email": "ann@example.com",
        "timezone": "Mars/Olympus",
        "language": "english",
        "emial": "typo",
        "categories": ["no-such-category"],
        "fields": {"age": "old", "undefined_key": 1},
    }
    report = book.import_contacts([row], on_invalid="reject_row")
    assert (report.created, report.updated, report.dropped, report.ids) == (0, 0, [], [None])
    [rejected] = report.rejected
    assert isinstance(rejected, contactkit.RejectedRow) and rejected.index == 0
    fields = problem_fields(rejected.problems)
    for expected in ["emial", "timezone", "language", "categories", "fields.age", "fields.undefined_key"]:
        assert expected in fields, (expected, fields)
    assert rejected.field == rejected.problems[0].field
    assert rejected.reason.endswith(rejected.problems[0].reason)
    assert all(isinstance(p, contactkit.RowProblem) and p.code == "invalid" for p in rejected.problems)
    timezone = next(p for p in rejected.problems if p.field == "timezone")
    assert (timezone.value, timezone.reason) == ("Mars/Olympus", "not an IANA time zone name")
    assert repr(timezone).startswith("RowProblem(code='invalid', field='timezone', value='Mars/Olympus'")
    assert rejected.to_dict()["problems"][1] == timezone.to_dict()
    assert book.find_by_email("ann@example.com") is None and book.count() == 0


def test_reject_row_is_the_default(book: ContactBook) -> None:
    report = book.import_contacts([{"email": "ann@example.com", "timezone": "Mars/Olympus"}])
    assert report.created == 0 and [r.field for r in report.rejected] == ["timezone"]


def test_drop_field_writes_the_row_without_its_invalid_values(book: ContactBook) -> None:
    define_fields(book)
    vip = book.create_segment("VIP")
    rows = [
        {
            "email": "ann@example.com",
            "first_name": "Ann",
            "timezone": "Mars/Olympus",
            "address": {"country": "XX", "town": "Kyiv"},
            "segments": ["VIP", "No such segment"],
            "fields": {"age": 2.0, "joined": "2024-02-20 04:42:48"},
            "mobile_push": [
                {"app_id": "app", "device_id": "d1", "token": "tok-1", "platform": "ios"},
                {"app_id": "app", "device_id": "d2", "token": "", "platform": "ios"},
                {"app_id": "app", "device_id": "d3", "token": "tok-3", "platform": "ios"},
            ],
        },
        {"email": "not an email", "first_name": "Bob"},
    ]
    report = book.import_contacts(rows, on_invalid="drop_field")
    assert report.created == 1
    [dropped] = report.dropped
    assert isinstance(dropped, contactkit.DroppedRow) and dropped.index == 0
    assert problem_fields(dropped.problems) == ["address.country", "timezone", "mobile_push[1].token", "segments"]
    assert repr(dropped).startswith(f"DroppedRow(index=0, id='{dropped.id}', problems=[RowProblem(")
    ann = book.get(dropped.id)
    assert ann is not None and report.ids[0] == ann.id
    assert (ann.first_name, ann.timezone) == ("Ann", None)
    assert ann.address is not None and (ann.address.country, ann.address.town) == (None, "Kyiv")
    assert [d.token for d in ann.devices] == ["tok-1", "tok-3"]
    assert ann.segments == [vip.id]
    assert ann.fields == {"age": 2, "joined": dt.datetime(2024, 2, 20, 4, 42, 48, tzinfo=UTC)}
    # The dedupe key itself cannot be dropped: that row is rejected.
    [rejected] = report.rejected
    assert (rejected.index, rejected.field, report.ids[1]) == (1, "email", None)


def test_a_value_another_contact_holds_is_a_conflict_dropped(book: ContactBook) -> None:
    book.create({"email": "old@example.com", "phone": "+380671234567"})
    report = book.import_contacts(
        [{"email": "new@example.com", "phone": "+380671234567"}], on_invalid="drop_field"
    )
    assert report.created == 1
    [problem] = report.dropped[0].problems
    assert (problem.code, problem.field, problem.value) == ("conflict", "phone", "+380671234567")
    new = book.find_by_email("new@example.com")
    assert new is not None and new.phone is None


def test_on_invalid_is_checked(book: ContactBook) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.import_contacts([{"email": "ann@example.com"}], on_invalid="skip")  # type: ignore[arg-type]
    assert caught.value.field == "on_invalid"
    assert book.count() == 0


# ---- ids, keyless rows ------------------------------------------------------------------


def test_ids_are_in_input_order_with_none_for_a_rejected_row(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    rows = [
        {"email": "bob@example.com"},
        {"email": "ann@example.com", "first_name": "Ann"},
        {"email": "broken"},
        {"first_name": "No key"},
    ]
    report = book.import_contacts(rows)
    bob = book.find_by_email("bob@example.com")
    assert bob is not None
    assert report.ids[:3] == [bob.id, ann.id, None]
    assert report.ids[3] is not None and book.get(report.ids[3]) is not None
    assert (report.created, report.updated, report.without_key) == (2, 1, 1)


def test_keep_ids_false_keeps_none_and_progress_counts_rows(book: ContactBook) -> None:
    seen: list[int] = []
    rows = ({"email": f"p{i}@example.com"} for i in range(5000))
    report = book.import_contacts(rows, progress=seen.append, keep_ids=False)
    assert report.ids == [] and report.created == 5000
    assert seen == [4000, 5000] and all(type(done) is int for done in seen)


def test_rows_without_their_key_are_made_once_across_reruns(book: ContactBook) -> None:
    def rows() -> list[dict[str, Any]]:
        return [
            {"first_name": "Nameless", "phone": "+380671234567"},
            {"first_name": "Walk-in"},
            {"email": "ann@example.com"},
        ]

    first = book.import_contacts(rows())
    assert (first.created, first.without_key) == (3, 2)
    second = book.import_contacts(rows())
    assert (second.created, second.updated, second.without_key) == (0, 3, 2)
    assert second.ids == first.ids
    assert book.count() == 3
    # A row of other content is another contact.
    third = book.import_contacts([{"first_name": "Walk-in", "last_name": "Two"}])
    assert third.created == 1 and third.ids[0] not in first.ids


# ---- DataFrame cells in rows ------------------------------------------------------------


@pytest.mark.parametrize("empty", [math.nan, np.nan, np.float64("nan"), pd.NaT, pd.NA, np.datetime64("NaT")])
def test_an_empty_cell_leaves_the_value_as_it_is(book: ContactBook, empty: Any) -> None:
    define_fields(book)
    book.create({"email": "ann@example.com", "first_name": "Ann", "fields": {"age": 30}})
    report = book.import_contacts(
        [{"email": "ann@example.com", "first_name": empty, "fields": {"age": empty}, "last_name": "Lee"}]
    )
    assert (report.updated, report.rejected) == (1, [])
    ann = book.find_by_email("ann@example.com")
    assert ann is not None and (ann.first_name, ann.last_name, ann.fields) == ("Ann", "Lee", {"age": 30})


def test_none_still_clears_in_a_row(book: ContactBook) -> None:
    book.create({"email": "ann@example.com", "first_name": "Ann"})
    book.import_contacts([{"email": "ann@example.com", "first_name": None}])
    ann = book.find_by_email("ann@example.com")
    assert ann is not None and ann.first_name is None


def test_an_empty_dedupe_key_makes_a_keyless_row(book: ContactBook) -> None:
    report = book.import_contacts([{"email": math.nan, "first_name": "No email"}])
    assert (report.created, report.without_key, report.rejected) == (1, 1, [])


def test_numpy_and_pandas_scalars_read_as_their_python_values(book: ContactBook) -> None:
    define_fields(book)
    kyiv = dt.timezone(dt.timedelta(hours=2))
    rows = [
        {"email": "int@example.com", "fields": {"age": np.int64(41), "vip": np.bool_(True)}},
        {"email": "float@example.com", "fields": {"age": np.float64(2.0)}},
        {"email": "np-time@example.com", "fields": {"joined": np.datetime64("2024-01-02T03:04:05")}},
        {"email": "naive@example.com", "fields": {"joined": pd.Timestamp("2024-01-02 03:04:05")}},
        {"email": "aware@example.com", "fields": {"joined": pd.Timestamp("2024-01-02 05:04:05", tz=kyiv)}},
        {"email": "datetime@example.com", "fields": {"joined": dt.datetime(2024, 1, 2, 3, 4, 5)}},
        {"email": "small@example.com", "fields": {"age": np.uint8(7)}},
    ]
    report = book.import_contacts(rows)
    assert (report.created, report.rejected) == (7, [])
    joined = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)

    def fields(email: str) -> dict[str, Any]:
        contact = book.find_by_email(email)
        assert contact is not None
        return contact.fields

    assert fields("int@example.com") == {"age": 41, "vip": True}
    assert fields("float@example.com") == {"age": 2}
    assert fields("small@example.com") == {"age": 7}
    for email in ["np-time", "naive", "aware", "datetime"]:
        assert fields(f"{email}@example.com") == {"joined": joined}, email


def test_a_number_field_takes_a_whole_float_only(book: ContactBook) -> None:
    define_fields(book)
    ann = book.create({"email": "ann@example.com", "fields": {"age": 2.0}})
    assert ann.fields["age"] == 2 and type(ann.fields["age"]) is int
    report = book.import_contacts([{"email": "bob@example.com", "fields": {"age": 2.5}}])
    [problem] = report.rejected[0].problems
    assert (problem.field, problem.value) == ("fields.age", "2.5")
    # A decimal field still refuses a float (it would round).
    with pytest.raises(contactkit.ValidationError) as caught:
        book.set_field(ann.id, "score", 1.5)
    assert caught.value.field == "score" or caught.value.field == "fields.score"


def test_datetime_field_text_without_offset_is_utc(book: ContactBook) -> None:
    define_fields(book)
    ann = book.create({"email": "ann@example.com", "fields": {"joined": "2024-02-20 04:42:48"}})
    assert ann.fields["joined"] == dt.datetime(2024, 2, 20, 4, 42, 48, tzinfo=UTC)


def test_a_naive_datetime_is_still_refused_outside_a_row(book: ContactBook) -> None:
    define_fields(book)
    with pytest.raises(contactkit.ValidationError) as caught:
        book.create({"email": "ann@example.com", "fields": {"joined": dt.datetime(2024, 1, 2)}})
    assert caught.value.field == "fields.joined"


# ---- import_dataframe -------------------------------------------------------------------


def cells_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Email": ["ann@example.com", "bob@example.com", None],
            "Name": ["Ann", np.nan, "Walk-in"],
            "Town": ["Kyiv", None, "Lviv"],
            "Age": [41.0, np.nan, 3.0],
            "Joined": pd.to_datetime(["2024-01-02 03:04:05", None, "2024-03-03 12:00:00"]),
            "VIP": pd.array([True, pd.NA, False], dtype="boolean"),
            "Visits": pd.array([1, pd.NA, 3], dtype="Int64"),
        }
    )


COLUMNS = {
    "Email": "email",
    "Name": "first_name",
    "Town": "address.town",
    "Age": "fields.age",
    "Joined": "fields.joined",
    "VIP": "fields.vip",
}


def test_import_dataframe_maps_columns_and_leaves_empty_cells_out(book: ContactBook) -> None:
    define_fields(book)
    book.create({"email": "bob@example.com", "first_name": "Bob", "fields": {"age": 50}})
    report = book.import_dataframe(cells_frame(), columns=COLUMNS)
    assert (report.created, report.updated, report.without_key, report.rejected) == (2, 1, 1, [])
    ann = book.find_by_email("ann@example.com")
    assert ann is not None and ann.address is not None
    assert (ann.first_name, ann.address.town) == ("Ann", "Kyiv")
    assert ann.fields == {"age": 41, "joined": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "vip": True}
    bob = book.find_by_email("bob@example.com")
    assert bob is not None and (bob.first_name, bob.address, bob.fields) == ("Bob", None, {"age": 50})
    walk_in = book.get(report.ids[2] or "")
    assert walk_in is not None and walk_in.first_name == "Walk-in" and walk_in.fields["vip"] is False
    # Again: the keyless row lands on the contact it made.
    again = book.import_dataframe(cells_frame(), columns=COLUMNS)
    assert (again.created, again.updated, again.ids) == (0, 3, report.ids)


def test_import_dataframe_without_columns_reads_every_column_by_its_name(book: ContactBook) -> None:
    frame = pd.DataFrame({"email": ["ann@example.com"], "first_name": ["Ann"], "Unknown": [1]})
    report = book.import_dataframe(frame)
    assert [r.field for r in report.rejected] == ["Unknown"]
    report = book.import_dataframe(frame, on_invalid="drop_field")
    assert report.created == 1 and problem_fields(report.dropped[0].problems) == ["Unknown"]


def test_import_dataframe_takes_its_options(book: ContactBook) -> None:
    frame = pd.DataFrame({"id": ["crm-1", "crm-2"], "name": ["Ann", "Bob"]})
    seen: list[int] = []
    report = book.import_dataframe(
        frame,
        dedupe_on="external_id",
        columns={"id": "external_id", "name": "first_name"},
        progress=seen.append,
        keep_ids=False,
    )
    assert (report.created, report.ids, seen) == (2, [], [2])
    found = book.find_by_external_id("crm-2")
    assert found is not None and found.first_name == "Bob"


def test_import_dataframe_refuses_a_column_not_in_the_frame(book: ContactBook) -> None:
    with pytest.raises(KeyError, match="Mail"):
        book.import_dataframe(cells_frame(), columns={"Mail": "email"})
    assert book.count() == 0


def test_import_dataframe_reads_polars(book: ContactBook) -> None:
    define_fields(book)
    frame = pl.DataFrame(
        {
            "email": ["ann@example.com", None],
            "first_name": ["Ann", "Walk-in"],
            "age": [41, None],
            "joined": [dt.datetime(2024, 1, 2, 3, 4, 5), None],
            "ratio": [float("nan"), 2.0],
        }
    )
    columns = {"email": "email", "first_name": "first_name", "age": "fields.age", "joined": "fields.joined"}
    report = book.import_dataframe(frame, columns=columns)
    assert (report.created, report.without_key, report.rejected) == (2, 1, [])
    ann = book.find_by_email("ann@example.com")
    assert ann is not None
    assert ann.fields == {"age": 41, "joined": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)}
    # NaN in a polars float column is an empty cell too.
    report = book.import_dataframe(frame, columns={"email": "email", "ratio": "fields.age"})
    assert report.rejected == [] and report.updated == 1


# ---- consent dates ---------------------------------------------------------------------


def test_consent_operations_take_when_it_happened(clocked: ContactBook) -> None:
    book = clocked
    ann = book.create({"email": "ann@example.com", "phone": "+380671234567"})
    earlier = NOW - dt.timedelta(days=400)
    ann = book.unsubscribe(ann.id, "email", reason="moved", at=earlier)
    assert [(s.kind, s.at, s.reason) for s in ann.suppressions] == [("unsubscribed", earlier, "moved")]
    ann = book.report_spam(ann.id, "email", at="2024-02-20 04:42:48")
    assert ann.suppressions[0].at == dt.datetime(2024, 2, 20, 4, 42, 48, tzinfo=UTC)
    records = book.suppress_address("email", "x@example.com", "blacklisted", at="2025-06-01T00:00:00Z")
    assert records[0].at == dt.datetime(2025, 6, 1, tzinfo=UTC)
    ann = book.blacklist(ann.id, "sms", reason="invalid_number", at=NOW)
    assert ann.phone_status == "blacklisted"


@pytest.mark.parametrize(
    "at",
    [NOW + dt.timedelta(seconds=1), "2030-01-01 00:00:00", dt.datetime(2024, 1, 1), "not a date"],
    ids=["future", "future text", "naive datetime", "junk"],
)
def test_a_consent_date_in_the_future_or_unreadable_is_refused(clocked: ContactBook, at: Any) -> None:
    book = clocked
    ann = book.create({"email": "ann@example.com", "phone": "+380671234567"})
    for call in [
        lambda: book.blacklist(ann.id, "sms", at=at),
        lambda: book.unsubscribe(ann.id, "email", at=at),
        lambda: book.report_spam(ann.id, "email", at=at),
        lambda: book.suppress_address("email", "x@example.com", "blacklisted", at=at),
    ]:
        with pytest.raises(contactkit.ValidationError) as caught:
            call()
        assert caught.value.field == "at"
    ann_now = book.get(ann.id)
    assert ann_now is not None and (ann_now.email_status, ann_now.phone_status) == ("active", "active")
    assert book.suppressions("email", "x@example.com") == []


MAILCHIMP_SUBSCRIBED = """Email Address,First Name,Last Name,CC,OPTIN_TIME,LAST_CHANGED
olena@example.com,Olena,Koval,UA,2023-05-01 10:00:00,2023-05-01 10:00:00
taras@example.com,Taras,,UA,2023-06-01 11:00:00,2023-06-01 11:00:00
"""
MAILCHIMP_UNSUBSCRIBED = """Email Address,First Name,Last Name,CC,UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_REASON
gone@example.com,Ivan,Franko,UA,2024-02-20 04:42:48,Spring sale,too many emails
quiet@example.com,,,PL,2024-03-01 08:00:00,Spring sale,
late@example.com,,,UA,2030-01-01 00:00:00,Next year,
"""
MAILCHIMP_CLEANED = """Email Address,First Name,Last Name,CC,CLEAN_TIME,CLEAN_CAMPAIGN_TITLE
bounced@example.com,Lesya,,UA,2023-11-05 10:00:00,Autumn news
"""


def mailchimp_frame() -> pd.DataFrame:
    """The three files of a Mailchimp audience export as one frame with the book's
    consent columns: subscribed is active, unsubscribed is dated by UNSUB_TIME with its
    reason, cleaned (hard bounced) is blacklisted at CLEAN_TIME."""
    subscribed = pd.read_csv(io.StringIO(MAILCHIMP_SUBSCRIBED)).assign(status="active")
    unsubscribed = pd.read_csv(io.StringIO(MAILCHIMP_UNSUBSCRIBED)).assign(
        status="unsubscribed", status_at=lambda f: f["UNSUB_TIME"], reason=lambda f: f["UNSUB_REASON"]
    )
    cleaned = pd.read_csv(io.StringIO(MAILCHIMP_CLEANED)).assign(
        status="blacklisted", status_at=lambda f: f["CLEAN_TIME"], reason="hard_bounce"
    )
    return pd.concat([subscribed, unsubscribed, cleaned], ignore_index=True)


MAILCHIMP_COLUMNS = {
    "Email Address": "email",
    "First Name": "first_name",
    "Last Name": "last_name",
    "CC": "address.country",
    "status": "email_status",
    "status_at": "email_status_at",
    "reason": "email_status_reason",
}


def test_a_mailchimp_export_moves_in_with_its_consent_in_one_pass(clocked: ContactBook) -> None:
    book = clocked
    frame = mailchimp_frame()
    report = book.import_dataframe(frame, columns=MAILCHIMP_COLUMNS)
    assert report.created == 5
    # A date after the book's clock is refused, naming the column's key.
    assert [(r.index, r.field) for r in report.rejected] == [(4, "email_status_at")]

    def contact(email: str) -> contactkit.Contact:
        found = book.find_by_email(email)
        assert found is not None, email
        return found

    olena = contact("olena@example.com")
    assert (olena.first_name, olena.email_status, olena.suppressions) == ("Olena", "active", [])
    assert olena.address is not None and olena.address.country == "UA"
    assert contact("taras@example.com").last_name is None  # an empty cell
    gone = contact("gone@example.com")
    assert gone.email_status == "unsubscribed"
    assert [(s.kind, s.at, s.reason) for s in gone.suppressions] == [
        ("unsubscribed", dt.datetime(2024, 2, 20, 4, 42, 48, tzinfo=UTC), "too many emails")
    ]
    quiet = contact("quiet@example.com")
    assert [(s.kind, s.reason) for s in quiet.suppressions] == [("unsubscribed", None)]
    bounced = contact("bounced@example.com")
    assert bounced.email_status == "blacklisted"
    assert [(s.kind, s.at, s.reason) for s in bounced.suppressions] == [
        ("blacklisted", dt.datetime(2023, 11, 5, 10, tzinfo=UTC), "hard_bounce")
    ]
    assert book.can_send("bounced@example.com", "email").reason == "blacklisted"
    assert book.find_by_email("late@example.com") is None

    # The same export again changes no consent, and a later 'active' lifts nothing.
    again = book.import_dataframe(frame, columns=MAILCHIMP_COLUMNS)
    assert (again.created, again.updated) == (0, 5)
    book.import_contacts([{"email": "gone@example.com", "email_status": "active"}])
    assert contact("gone@example.com").email_status == "unsubscribed"
    assert len(contact("gone@example.com").suppressions) == 1


def test_consent_columns_in_rows_are_checked(clocked: ContactBook) -> None:
    report = clocked.import_contacts(
        [
            {"email": "odd@example.com", "email_status_reason": "no status"},
            {"first_name": "No email", "email_status": "unsubscribed"},
            {"email": "x@example.com", "email_status": "gone"},
            {"email": "y@example.com", "phone": "+380671234567", "phone_status": "unsubscribed",
             "phone_status_at": dt.datetime(2024, 1, 1)},
        ]
    )
    assert [(r.index, r.field) for r in report.rejected] == [
        (0, "email_status_reason"),
        (1, "email_status"),
        (2, "email_status"),
    ]
    y = clocked.find_by_email("y@example.com")
    assert y is not None and y.phone_status == "unsubscribed"
    assert y.suppressions[0].at == dt.datetime(2024, 1, 1, tzinfo=UTC)  # naive in a row: UTC


# ---- suppression lists ---------------------------------------------------------------


def test_a_suppression_list_is_recorded_row_by_row(clocked: ContactBook) -> None:
    book = clocked
    holder = book.create({"email": "held@example.com"})
    report = book.import_suppressions(
        [
            {"channel": "email", "address": "Held@Example.com", "kind": "blacklisted",
             "reason": "hard_bounce", "at": "2024-01-02 03:04:05"},
            {"channel": "sms", "address": "+380671234567", "kind": "unsubscribed"},
            {"channel": "email", "address": "not an email", "kind": "unsubscribed"},
            {"channel": "email", "address": "held@example.com", "kind": "blacklisted"},
            {"channel": "mobile_push", "address": "x", "kind": "unsubscribed"},
            {"channel": "email", "address": "y@example.com", "kind": "unsubscribed", "at": "2999-01-01 00:00:00"},
            {"channel": "email", "address": "z@example.com", "kind": "spam_complaint",
             "at": pd.Timestamp("2024-05-01 00:00:00")},
            {"channel": "email", "address": "w@example.com", "kind": "unsubscribed", "extra": 1},
            {"channel": "email", "address": "v@example.com", "kind": "unsubscribed", "reason": math.nan},
        ]
    )
    assert isinstance(report, contactkit.SuppressionImportReport)
    assert (report.recorded, report.unchanged) == (4, 1)
    assert [(r.index, r.field) for r in report.rejected] == [(2, "email"), (4, "channel"), (5, "at"), (7, "extra")]
    assert repr(report).startswith("SuppressionImportReport(recorded=4, unchanged=1, rejected=[RejectedRow(index=2")
    held = book.get(holder.id)
    assert held is not None and held.email_status == "blacklisted"
    assert [(s.at, s.reason) for s in held.suppressions] == [
        (dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "hard_bounce")
    ]
    assert [s.at for s in book.suppressions("email", "z@example.com")] == [dt.datetime(2024, 5, 1, tzinfo=UTC)]
    assert book.suppressions("email", "y@example.com") == []
    assert [s.kind for s in book.suppressions("sms", "+380671234567")] == ["unsubscribed"]
    # A contact taking a listed address later is suppressed.
    later = book.create({"phone": "+380671234567"})
    assert book.can_send(later.id, "sms").reason == "unsubscribed"


def test_a_suppression_row_that_is_no_dict_is_rejected(book: ContactBook) -> None:
    cycle: dict[str, Any] = {"channel": "email"}
    cycle["address"] = cycle
    report = book.import_suppressions(["not a row", cycle, {"channel": "email"}])
    assert [r.index for r in report.rejected] == [0, 1, 2]
    assert report.rejected[1].field == "address"
    assert report.recorded == 0


# ---- catalogue and segments ------------------------------------------------------------


def test_a_setup_script_can_run_again(book: ContactBook) -> None:
    def set_up() -> tuple[contactkit.Category, contactkit.Segment, contactkit.FieldDefinition]:
        return (
            book.define_category("Weekly news", if_exists="return"),
            book.create_segment("VIP", if_exists="return"),
            book.define_field({"key": "age", "type": "number"}, if_exists="return"),
        )

    first = set_up()
    assert set_up() == first
    assert book.define_category(" weekly NEWS ", if_exists="return") == first[0]
    assert book.create_segment("vip", if_exists="return") == first[1]
    # Whatever definition the field has, the one in the book is returned.
    assert book.define_field({"key": "age", "type": "text"}, if_exists="return") == first[2]
    assert (len(book.categories()), len(book.segments()), len(book.field_definitions())) == (1, 2, 1)
    with pytest.raises(contactkit.ConflictError):
        book.define_category("Weekly news")
    with pytest.raises(contactkit.ConflictError):
        book.create_segment("VIP", if_exists="error")
    # Defining the same field again is no change; another definition under its key a conflict.
    assert book.define_field({"key": "age", "type": "number"}) == first[2]
    with pytest.raises(contactkit.ConflictError):
        book.define_field({"key": "age", "type": "text"})
    with pytest.raises(contactkit.ValidationError) as caught:
        book.define_category("Other", if_exists="replace")  # type: ignore[arg-type]
    assert caught.value.field == "if_exists"
    assert len(book.categories()) == 1


def test_a_dynamic_segment_can_be_created_again(book: ContactBook) -> None:
    rule = {"attr": "country", "op": "eq", "value": "UA"}
    ukraine = book.create_segment("Ukraine", rule=rule, if_exists="return")
    assert ukraine.kind == "dynamic"
    assert book.create_segment("Ukraine", rule=rule, if_exists="return") == ukraine
    with pytest.raises(contactkit.ConflictError):
        book.create_segment("Ukraine", rule=rule)


def test_a_nested_value_of_empty_cells_is_an_empty_cell(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com", "address": {"country": "UA", "town": "Kyiv"}})
    report = book.import_contacts([{"email": "ann@example.com", "address": {"town": math.nan}}])
    assert report.updated == 1
    address = book.get(ann.id).address
    assert address is not None and (address.country, address.town) == ("UA", "Kyiv")


def test_segments_are_named_by_id_or_name(book: ContactBook) -> None:
    vip = book.create_segment("VIP customers")
    ann = book.create({"email": "ann@example.com"})
    ann = book.add_to_segment(ann.id, "vip customers")
    assert ann.segments == [vip.id]
    assert [c.id for c in book.segment_members("VIP customers")] == [ann.id]
    ann = book.remove_from_segment(ann.id, vip.id.upper())
    assert ann.segments == []
    bob = book.create({"email": "bob@example.com", "segments": ["VIP customers"]})
    assert bob.segments == [vip.id]
    renamed = book.update_segment("VIP Customers", "Best customers")
    assert renamed.id == vip.id
    with pytest.raises(contactkit.NotFoundError) as caught:
        book.add_to_segment(bob.id, "Nobody")
    assert caught.value.what == "segment"
    book.delete_segment("best customers")
    assert book.segments() == []


# ---- finders --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["not an email", "", "@", "x" * 100_000, "http://push.example.com/a"])
def test_finders_answer_none_to_what_no_contact_can_hold(book: ContactBook, text: str) -> None:
    book.create({"email": "ann@example.com", "phone": "+380671234567"})
    assert book.find_by_email(text) is None
    assert book.find_by_phone(text) is None
    assert book.find_by_web_push_endpoint(text) is None


def test_a_lone_surrogate_in_a_finder_is_still_refused(book: ContactBook) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.find_by_email("\ud800@example.com")
    assert caught.value.field == "email"


# ---- Arrow, pandas, polars -------------------------------------------------------------


def filled_book(book: ContactBook) -> contactkit.Contact:
    define_fields(book)
    book.define_field({"key": "born", "type": "date"})
    book.define_field({"key": "tags", "type": "multilist", "options": ["a", "b"]})
    book.define_field({"key": "tier", "type": "list", "options": ["gold", "silver"]})
    news = book.define_category("News")
    ann = book.create(
        {
            "email": "ann@example.com",
            "first_name": "Ann",
            "address": {"country": "UA", "town": "Kyiv"},
            "location": {"latitude": 50.45, "longitude": 30.52},
            "categories": [news.key],
            "fields": {
                "age": 41,
                "joined": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
                "vip": True,
                "score": "1.25",
                "born": dt.date(1990, 3, 9),
                "tags": ["a", "b"],
                "tier": "gold",
            },
        }
    )
    book.record_order(ann.id, {"external_id": "o-1", "amount": "9.99", "currency": "EUR", "status": "delivered"})
    book.record_order(ann.id, {"external_id": "o-2", "amount": "100", "currency": "UAH", "status": "delivered"})
    book.create({"email": "bob@example.com"})
    book.create({"phone": "+380671234567"})
    return ann


def test_to_arrow_has_typed_columns(book: ContactBook) -> None:
    ann = filled_book(book)
    table = book.to_arrow()
    assert isinstance(table, pa.Table) and table.num_rows == 3
    schema = table.schema
    utc_ms = pa.timestamp("ms", tz="UTC")
    expected = {
        "id": pa.string(),
        "email": pa.string(),
        "email_status": pa.string(),
        "address.country": pa.string(),
        "location.latitude": pa.float64(),
        "categories": pa.list_(pa.string()),
        "mobile_push_devices": pa.int64(),
        "created_at": utc_ms,
        "updated_at": utc_ms,
        "order_count": pa.int64(),
        "last_order_at": utc_ms,
        "revenue.EUR": pa.decimal128(38, 6),
        "revenue.UAH": pa.decimal128(38, 6),
        "fields.age": pa.int64(),
        "fields.joined": utc_ms,
        "fields.vip": pa.bool_(),
        "fields.born": pa.date32(),
        "fields.tags": pa.list_(pa.string()),
        "fields.tier": pa.string(),
        "fields.score": pa.string(),  # a decimal field: its exact text
    }
    for name, kind in expected.items():
        assert schema.field(name).type == kind, name
    rows = {row["id"]: row for row in table.to_pylist()}
    row = rows[ann.id]
    assert row["revenue.EUR"] == Decimal("9.99") and row["revenue.UAH"] == Decimal("100")
    assert row["fields.joined"] == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert row["created_at"].tzinfo is not None
    assert (row["fields.born"], row["fields.tags"], row["fields.score"]) == (dt.date(1990, 3, 9), ["a", "b"], "1.25")
    assert row["categories"] == ["news"] and row["order_count"] == 2
    bob = book.find_by_email("bob@example.com")
    assert bob is not None and rows[bob.id]["revenue.EUR"] is None and rows[bob.id]["order_count"] == 0


def test_to_arrow_of_a_rule_and_of_an_empty_book(book: ContactBook) -> None:
    assert book.to_arrow().num_rows == 0
    filled_book(book)
    table = book.to_arrow(rule={"attr": "country", "op": "eq", "value": "UA"})
    assert table.column("email").to_pylist() == ["ann@example.com"]
    assert book.to_arrow(rule='{"attr": "email", "op": "exists"}').num_rows == 2
    with pytest.raises(contactkit.ValidationError) as caught:
        book.to_arrow(rule={"attr": "country", "op": "nearly"})
    assert caught.value.field is not None and caught.value.field.startswith("rule")


def test_to_pandas_and_to_polars(book: ContactBook) -> None:
    filled_book(book)
    frame = book.to_pandas()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 3
    assert str(frame["created_at"].dtype) == "datetime64[ms, UTC]"
    assert sorted(frame["email"].dropna()) == ["ann@example.com", "bob@example.com"]
    table = book.to_polars()
    assert isinstance(table, pl.DataFrame) and table.height == 3
    assert table.schema["created_at"] == pl.Datetime("ms", "UTC")
    assert table.schema["revenue.EUR"] == pl.Decimal(38, 6)
    assert book.to_polars(rule={"attr": "email", "op": "exists"}).height == 2
    assert len(book.to_pandas(rule={"attr": "email", "op": "missing"})) == 1
    # Arrow-backed columns: the same values, the table's own types.
    arrow = book.to_pandas(arrow_dtypes=True)
    assert str(arrow["created_at"].dtype) == "timestamp[ms, tz=UTC][pyarrow]"
    assert sorted(arrow["email"].dropna()) == ["ann@example.com", "bob@example.com"]
    assert isinstance(arrow["categories"].dtype, pd.ArrowDtype)


def test_a_dataframe_round_trip_keeps_emails_names_and_fields(book: ContactBook) -> None:
    define_fields(book)
    born = [dt.date(1990, 1, 1), dt.date(1985, 6, 30), None]
    book.define_field({"key": "born", "type": "date"})
    source = pd.DataFrame(
        {
            "email": ["ann@example.com", "bob@example.com", "cid@example.com"],
            "first_name": ["Ann", "Bob", np.nan],
            "fields.age": [41, 35, 29],
            "fields.vip": [True, False, True],
            "fields.joined": pd.to_datetime(["2024-01-02 03:04:05", "2024-02-03 04:05:06", None], utc=True),
            "fields.born": born,
        }
    )
    report = book.import_dataframe(source)
    assert (report.created, report.rejected) == (3, [])
    back = book.to_pandas().sort_values("email").reset_index(drop=True)
    assert list(back["email"]) == list(source["email"])
    assert back["first_name"].tolist()[:2] == ["Ann", "Bob"] and pd.isna(back["first_name"][2])
    assert back["fields.age"].tolist() == [41, 35, 29]
    assert back["fields.vip"].tolist() == [True, False, True]
    assert back["fields.joined"].tolist()[:2] == source["fields.joined"].tolist()[:2]
    assert pd.isna(back["fields.joined"][2])
    assert back["fields.born"].tolist()[:2] == born[:2]
    # And back in again: nothing new, nothing rejected.
    again = book.import_dataframe(back[["email", "first_name", "fields.age", "fields.vip", "fields.joined"]])
    assert (again.created, again.updated, again.rejected) == (0, 3, [])
    polars_back = book.to_polars().sort("email")
    assert polars_back["email"].to_list() == list(source["email"])
    assert polars_back["fields.age"].to_list() == [41, 35, 29]


# ---- hostile rows ----------------------------------------------------------------------


def test_a_row_nested_ten_thousand_deep_or_cyclic_is_a_rejected_row(book: ContactBook) -> None:
    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(10_000):
        inner["a"] = {}
        inner = inner["a"]
    cyclic: dict[str, Any] = {"email": "cycle@example.com"}
    cyclic["fields"] = cyclic
    looped: list[Any] = []
    looped.append(looped)
    rows = [
        {"email": "deep@example.com", "fields": deep},
        cyclic,
        {"email": "list@example.com", "categories": looped},
        {"email": "fine@example.com"},
    ]
    for on_invalid in ("reject_row", "drop_field"):
        report = book.import_contacts(rows, on_invalid=on_invalid)  # type: ignore[arg-type]
        assert [r.index for r in report.rejected] == [0, 1, 2], on_invalid
        assert report.rejected[0].field is not None and report.rejected[0].field.startswith("fields.a.a")
        assert "nested deeper" in report.rejected[0].reason
        assert (report.rejected[1].field, report.rejected[2].field) == ("fields", "categories[0]")
        assert "cycle" in report.rejected[1].reason
        assert report.ids[:3] == [None, None, None]
    # The process is alive and only the fine row was written.
    assert book.count() == 1
    for email in ["deep", "cycle", "list"]:
        assert book.find_by_email(f"{email}@example.com") is None


def test_a_lone_surrogate_in_a_row_is_a_rejected_row_naming_the_field(book: ContactBook) -> None:
    define_fields(book)
    report = book.import_contacts(
        [
            {"email": "ann@example.com", "first_name": "\ud800"},
            {"email": "k\udfff@example.com"},
            {"email": "bob@example.com", "address": {"town": "Ky\ud800iv"}},
            {"email": "cid@example.com", "fields": {"\ud800": 1}},
        ],
        on_invalid="drop_field",
    )
    assert [(r.index, r.field) for r in report.rejected] == [
        (0, "first_name"),
        (1, "email"),
        (2, "address.town"),
        (3, "fields"),
    ]
    assert all("surrogate" in r.reason for r in report.rejected)
    assert book.count() == 0
    # Through a DataFrame too (an object column: pandas' own string type refuses it).
    frame = pd.DataFrame(
        {"email": ["dan@example.com", "eve@example.com"], "first_name": pd.Series(["Dan", "\ud800"], dtype=object)}
    )
    report = book.import_dataframe(frame)
    assert [(r.index, r.field) for r in report.rejected] == [(1, "first_name")]
    assert book.count() == 1
