"""Rules in Python (DOMAIN.md "Rules: queries and dynamic segments"): list(rule=...),
count(rule=...), dynamic segments, errors naming the path inside the rule, and hostile
rules refused by the binding's bounded converter before core reads them."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import contactkit
from contactkit import ContactBook, ValidationError, _native

UTC = dt.timezone.utc
START = dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

UA = {"attr": "country", "op": "eq", "value": "ua"}
GOLD = {"field": "tier", "op": "eq", "value": "gold"}


@pytest.fixture
def clock() -> Any:
    return _native._ManualClock(START)


@pytest.fixture
def people(clock: Any) -> Iterator[tuple[ContactBook, dict[str, str]]]:
    """A book of five contacts: ann (UA, gold, email), bob (UA, silver, email unsubscribed),
    cat (PL, gold, no email), dan (UA, no tier, phone), eve (deleted, UA, gold)."""
    book = _native._in_memory_with_clock(clock)
    book.define_field({"key": "tier", "type": "list", "options": ["bronze", "silver", "gold"]})
    book.define_field({"key": "score", "type": "number"})
    ids = {}
    ids["ann"] = book.create(
        {"email": "ann@example.com", "first_name": "Ann", "address": {"country": "UA"},
         "fields": {"tier": "gold", "score": 90}}
    ).id
    ids["bob"] = book.create(
        {"email": "bob@example.com", "first_name": "Bob", "address": {"country": "UA"},
         "fields": {"tier": "silver", "score": 40}}
    ).id
    ids["cat"] = book.create({"first_name": "Cat", "address": {"country": "PL"}, "fields": {"tier": "gold"}}).id
    ids["dan"] = book.create({"phone": "+380671234567", "first_name": "Dan", "address": {"country": "UA"}}).id
    ids["eve"] = book.create(
        {"email": "eve@example.com", "address": {"country": "UA"}, "fields": {"tier": "gold"}}
    ).id
    book.unsubscribe(ids["bob"], "email")
    book.delete(ids["eve"])
    yield book, ids
    book.close()


def names(page: contactkit.Page[contactkit.Contact]) -> set[str]:
    return {c.first_name or "" for c in page.items}


def listed(book: ContactBook, rule: Any) -> set[str]:
    return names(book.list(rule=rule, limit=1000))


# ---- list and count ------------------------------------------------------------------


def test_an_attribute_rule_lists_and_counts_live_contacts(people: tuple[ContactBook, dict[str, str]]) -> None:
    book, _ = people
    assert listed(book, UA) == {"Ann", "Bob", "Dan"}
    assert book.count(rule=UA) == 3
    assert book.count() == 4
    assert listed(book, {"attr": "first_name", "op": "starts_with", "value": "a"}) == {"Ann"}
    assert listed(book, {"attr": "email", "op": "missing"}) == {"Cat", "Dan"}
    assert listed(book, {"attr": "first_name", "op": "in", "value": ["ann", "CAT"]}) == {"Ann", "Cat"}


def test_a_field_rule_is_typed_by_its_definition(people: tuple[ContactBook, dict[str, str]]) -> None:
    book, _ = people
    assert listed(book, GOLD) == {"Ann", "Cat"}
    assert listed(book, {"field": "score", "op": "gte", "value": 50}) == {"Ann"}
    assert listed(book, {"field": "score", "op": "lt", "value": "50"}) == {"Bob"}
    assert listed(book, {"field": "tier", "op": "missing"}) == {"Dan"}


def test_status_and_can_send_rules(people: tuple[ContactBook, dict[str, str]]) -> None:
    book, _ = people
    assert listed(book, {"status": "email", "is": "unsubscribed"}) == {"Bob"}
    assert listed(book, {"status": "email", "is": "active"}) == {"Ann"}
    assert listed(book, {"can_send": "email"}) == {"Ann"}
    assert listed(book, {"can_send": "sms"}) == {"Dan"}


def test_combinations(people: tuple[ContactBook, dict[str, str]]) -> None:
    book, _ = people
    assert listed(book, {"all": [UA, GOLD]}) == {"Ann"}
    assert listed(book, {"any": [GOLD, {"can_send": "sms"}]}) == {"Ann", "Cat", "Dan"}
    assert listed(book, {"not": UA}) == {"Cat"}
    assert listed(book, {"all": []}) == {"Ann", "Bob", "Cat", "Dan"}
    assert listed(book, {"any": []}) == set()
    # The same rule as JSON text.
    assert listed(book, json.dumps({"all": [UA, GOLD]})) == {"Ann"}
    assert book.count(rule=json.dumps(GOLD)) == 2


def test_an_activity_window_counts_back_from_the_books_clock(
    people: tuple[ContactBook, dict[str, str]], clock: Any
) -> None:
    book, ids = people
    book.record_event(ids["ann"], {"name": "viewed", "key_value": "shoes"})
    clock.advance(10 * 24 * 3600)
    book.record_event(ids["bob"], {"name": "viewed"})
    book.record_event(ids["bob"], {"name": "viewed"})
    viewed = {"activity": "event", "where": {"name": "viewed"}}
    assert listed(book, viewed) == {"Ann", "Bob"}
    assert listed(book, {**viewed, "within": "7d"}) == {"Bob"}
    assert listed(book, {**viewed, "within": "30d"}) == {"Ann", "Bob"}
    assert listed(book, {**viewed, "count": {"gte": 2}}) == {"Bob"}
    assert listed(book, {"activity": "event", "count": {"eq": 0}}) == {"Cat", "Dan"}
    assert listed(book, {"activity": "event", "where": {"key_value": "shoes"}}) == {"Ann"}
    since = {"since": START - dt.timedelta(days=1), "until": START + dt.timedelta(days=1)}
    assert listed(book, {**viewed, "within": since}) == {"Ann"}


def test_paging_with_a_rule(people: tuple[ContactBook, dict[str, str]]) -> None:
    book, _ = people
    first = book.list(rule=UA, limit=2)
    assert len(first.items) == 2 and first.next_cursor is not None
    second = book.list(2, first.next_cursor, rule=UA)
    assert len(second.items) == 1 and second.next_cursor is None
    ids = [c.id for c in first.items + second.items]
    assert ids == sorted(ids)
    assert {c.first_name for c in first.items + second.items} == {"Ann", "Bob", "Dan"}
    with pytest.raises(ValidationError) as caught:
        book.list(rule=UA, limit=0)
    assert caught.value.field == "limit"


# ---- dynamic segments ----------------------------------------------------------------


def test_a_dynamic_segment_agrees_with_list(people: tuple[ContactBook, dict[str, str]]) -> None:
    book, ids = people
    rule = {"all": [UA, {"can_send": "email"}]}
    segment = book.create_segment("Reachable in UA", rule=rule)
    assert segment.kind == "dynamic" and segment.rule == rule and segment.category_key is None
    assert segment.to_dict() == {
        "id": segment.id,
        "name": "Reachable in UA",
        "kind": "dynamic",
        "category_key": None,
        "rule": rule,
    }
    assert "kind='dynamic'" in repr(segment)
    static = book.create_segment("VIP")
    assert static.kind == "static" and static.rule is None
    assert {s.id: s.kind for s in book.segments()} == {segment.id: "dynamic", static.id: "static"}

    def members() -> set[str]:
        return names(book.segment_members(segment.id, limit=1000))

    assert members() == listed(book, rule) == {"Ann"}
    ann = book.get(ids["ann"])
    assert ann is not None and segment.id in ann.segments
    bob = book.get(ids["bob"])
    assert bob is not None and segment.id not in bob.segments
    # Members follow the book: Bob resubscribes.
    book.resubscribe(ids["bob"], "email")
    assert members() == listed(book, rule) == {"Ann", "Bob"}
    bob = book.get(ids["bob"])
    assert bob is not None and segment.id in bob.segments
    # A new rule, then a new name (positionally, as before), then both.
    updated = book.update_segment(segment.id, rule=GOLD)
    assert updated.rule == GOLD and updated.name == "Reachable in UA"
    assert members() == listed(book, GOLD) == {"Ann", "Cat"}
    renamed = book.update_segment(segment.id, "Gold")
    assert renamed.name == "Gold" and renamed.rule == GOLD
    both = book.update_segment(segment.id, name="Gold in UA", rule={"all": [GOLD, UA]})
    assert both.name == "Gold in UA" and members() == {"Ann"}
    for contact in book.list(limit=1000).items:
        assert (segment.id in contact.segments) == (contact.first_name == "Ann")
    # A rule naming the segment: in_segment agrees too.
    assert listed(book, {"in_segment": segment.id}) == {"Ann"}


def test_a_dynamic_segment_is_not_edited_by_hand(people: tuple[ContactBook, dict[str, str]]) -> None:
    book, ids = people
    segment = book.create_segment("UA", rule=UA)
    for call in (book.add_to_segment, book.remove_from_segment):
        with pytest.raises(ValidationError):
            call(ids["cat"], segment.id)
    assert names(book.segment_members(segment.id)) == {"Ann", "Bob", "Dan"}
    static = book.create_segment("VIP")
    with pytest.raises(ValidationError):
        book.update_segment(static.id, rule=UA)
    assert book.update_segment(static.id, "V.I.P.").name == "V.I.P."


def test_a_segment_cannot_refer_to_itself(book: ContactBook) -> None:
    first = book.create_segment("First", rule=UA)
    second = book.create_segment("Second", rule={"in_segment": first.id})
    with pytest.raises(ValidationError) as caught:
        book.update_segment(first.id, rule={"any": [UA, {"in_segment": second.id}]})
    assert caught.value.field.startswith("rule")
    assert book.segments()[0].rule == UA


# ---- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"all": [UA, {"attr": "country", "op": "about", "value": "UA"}]}, "rule.all[1].op"),
        ({"attr": "nickname", "op": "eq", "value": "x"}, "rule.attr"),
        ({"field": "no_such", "op": "eq", "value": "x"}, "rule.field"),
        ({"any": [{"not": {"status": "email", "is": "happy"}}]}, "rule.any[0].not.is"),
        ({"in_segment": "01900000-0000-7000-8000-00000000000a"}, "rule.in_segment"),
        ({"field": "score", "op": "gt", "value": "lots"}, "rule.value"),
        ({"attr": "country", "op": "in", "value": "UA"}, "rule.value"),
        ({"all": [UA], "any": [UA]}, "rule"),
        ([UA], "rule"),
        ("{not json", "rule"),
    ],
)
def test_a_mistake_names_its_path(book: ContactBook, rule: Any, field: str) -> None:
    book.define_field({"key": "score", "type": "number"})
    for call in (
        lambda: book.list(rule=rule),
        lambda: book.count(rule=rule),
        lambda: book.create_segment("S", rule=rule),
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.field == field, caught.value
    assert book.segments() == []


def test_update_segment_names_the_rule_path(book: ContactBook) -> None:
    segment = book.create_segment("UA", rule=UA)
    with pytest.raises(ValidationError) as caught:
        book.update_segment(segment.id, rule={"all": [UA, {"attr": "country"}]})
    assert caught.value.field.startswith("rule.all[1]")
    assert book.segments()[0].rule == UA


# ---- hostile rules -------------------------------------------------------------------


def deep(depth: int) -> dict[str, Any]:
    rule: dict[str, Any] = dict(UA)
    for _ in range(depth):
        rule = {"not": rule}
    return rule


def refused(book: ContactBook, rule: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        book.count(rule=rule)
    for call in (lambda: book.list(rule=rule), lambda: book.create_segment("S", rule=rule)):
        with pytest.raises(ValidationError):
            call()
    assert book.segments() == []
    return caught.value


def test_hostile_rules_are_validation_errors(book: ContactBook) -> None:
    book.create({"email": "ann@example.com"})
    assert refused(book, deep(10_000)).field.startswith("rule.not")
    assert refused(book, '{"not":' * 10_000 + json.dumps(UA) + "}" * 10_000).field == "rule"
    cycle: dict[str, Any] = {}
    cycle["not"] = cycle
    assert refused(book, cycle).field == "rule.not"
    listed_cycle: dict[str, Any] = {"all": []}
    listed_cycle["all"].append(listed_cycle)
    assert refused(book, listed_cycle).field == "rule.all[0]"
    assert refused(book, {"field": "x", "op": "eq", "value": float("nan")}).field == "rule.value"
    assert refused(book, {"attr": "email", "op": "eq", "value": "x" * (1 << 20)}).field == "rule"
    assert refused(book, "x" * (1 << 20)).field == "rule"
    assert refused(book, {"attr": "email", "op": "eq", "value": "\ud800"}).field == "rule.value"
    assert refused(book, "\ud800").field == "rule"
    assert refused(book, {"attr": "email", "op": "in", "value": ["a"] * 100_000}).field.startswith("rule")
    assert refused(book, {"any": [UA] * 10_000}).field.startswith("rule")
    assert refused(book, {"attr": "email", "op": "eq", "value": 2**80}).field == "rule.value"
    assert refused(book, {"attr": "email", "op": "eq", "value": object()}).field == "rule.value"
    # A rule as deep as core allows still reads.
    assert book.count(rule=deep(20)) == 0
    # The book is still usable.
    assert book.count() == 1


def test_a_wrong_python_type_is_a_validation_error(book: ContactBook) -> None:
    assert refused(book, 42).field == "rule"
    assert refused(book, {1: 2}).field.startswith("rule")


def test_the_process_survives_a_hostile_rule() -> None:
    """In a child interpreter, so a crash would fail this test rather than the run."""
    script = """
import contactkit
book = contactkit.ContactBook.in_memory()
rule = {"attr": "email", "op": "exists"}
for _ in range(100_000):
    rule = {"not": rule}
try:
    book.count(rule=rule)
except contactkit.ValidationError as e:
    print("refused", e.field[:8])
cycle = {}
cycle["any"] = [cycle]
try:
    book.list(rule=cycle)
except contactkit.ValidationError as e:
    print("refused", e.field)
print(book.count())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["refused rule.not", "refused rule.any[0]", "0"]
