"""Runs the shared conformance scenarios (``tests/scenarios/*.json`` at the repository
root) through the Python binding, following ``tests/scenarios/README.md`` and adding
nothing of its own.

Each file runs on a fresh in-memory book whose clock is a manual clock (the binding's
private ``_ManualClock``). Arguments are the Rust API's names; this runner maps them to
the Python signatures (``query`` objects and the ``update`` of ``update_field`` become
keyword arguments, ``input`` of the ``record_*`` operations is the positional input)
and turns results into the JSON the core would serialise (datetimes to RFC 3339,
Decimals and dates to strings).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Optional

import contactkit
from contactkit import _native

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "tests" / "scenarios"
MIN_SCENARIOS = 12


class BrokenScenario(Exception):
    """The scenario itself is wrong (unknown reference, unknown op or argument)."""


def server_url() -> str:
    """The PostgreSQL server of the tests; without one the tests fail, never skip."""
    url = os.environ.get("CONTACTKIT_TEST_PG_URL")
    if not url:
        raise AssertionError(
            "CONTACTKIT_TEST_PG_URL is not set: start a server with `scripts/postgres.sh start DIR` "
            "and export the URL it prints (scripts/test.sh does both)"
        )
    return url


def scenario_files() -> list[Path]:
    return sorted(p for p in SCENARIO_DIR.glob("*.json") if p.is_file())


# ---- operations --------------------------------------------------------------------

Book = contactkit.ContactBook
Call = Callable[[Book, dict[str, Any]], Any]

# op -> (required args, optional args)
SIGNATURES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "create": (("input",), ()),
    "upsert": (("input", "dedupe_on"), ()),
    "sign_up": (("input",), ()),
    "update": (("id", "patch"), ()),
    "get": (("id",), ()),
    "find_by_email": (("email",), ()),
    "find_by_phone": (("phone",), ()),
    "find_by_key": (("contact_key",), ()),
    "find_by_external_id": (("external_id",), ()),
    "find_by_push_token": (("token",), ()),
    "find_by_web_push_endpoint": (("endpoint",), ()),
    "delete": (("id",), ()),
    "restore": (("id",), ()),
    "list": ((), ("query", "rule")),
    "count": ((), ("rule",)),
    "import_contacts": (("rows", "dedupe_on"), ()),
    "add_mobile_push": (("id", "device"), ()),
    "remove_mobile_push": (("id", "token"), ()),
    "register_app": (("id", "device"), ()),
    "remove_app": (("id", "app_id"), ()),
    "add_web_push": (("id", "subscription"), ()),
    "remove_web_push": (("id", "endpoint"), ()),
    "set_telegram": (("id",), ("telegram",)),
    "blacklist": (("id", "channel"), ("reason",)),
    "unblacklist": (("id", "channel", "note"), ()),
    "unsubscribe": (("id", "channel"), ("reason",)),
    "resubscribe": (("id", "channel"), ("note",)),
    "report_spam": (("id", "channel"), ("reason",)),
    "suppress_address": (("channel", "address", "kind"), ("reason",)),
    "confirm": (("id", "channel"), ()),
    "suppressions": (("channel", "address"), ()),
    "can_send": (("id", "channel"), ("category",)),
    "can_send_many": (("ids", "channel"), ("category",)),
    "define_category": (("title",), ()),
    "update_category": (("key", "title"), ()),
    "delete_category": (("key",), ()),
    "categories": ((), ()),
    "add_category": (("id", "key"), ()),
    "remove_category": (("id", "key"), ()),
    "create_segment": (("name",), ("rule",)),
    "segments": ((), ()),
    "update_segment": (("id",), ("name", "rule")),
    "delete_segment": (("id",), ()),
    "add_to_segment": (("id", "segment_id"), ()),
    "remove_from_segment": (("id", "segment_id"), ()),
    "segment_members": (("segment_id",), ("query",)),
    "define_field": (("definition",), ()),
    "field_definitions": ((), ()),
    "update_field": (("key", "update"), ()),
    "delete_field": (("key",), ()),
    "set_field": (("id", "key", "value"), ()),
    "clear_field": (("id", "key"), ()),
    "record_campaign": (("id", "input"), ()),
    "record_event": (("id", "input"), ()),
    "record_order": (("id", "input"), ()),
    "activity": (("id",), ("query",)),
    "changes": ((), ("cursor", "limit")),
    "merge": (("into_id", "from_id"), ()),
    "export_contact": (("id",), ()),
    "erase": (("id",), ()),
}

LIST_QUERY = ("limit", "cursor")
ACTIVITY_QUERY = ("category", "period", "since", "until", "limit", "cursor")
FIELD_UPDATE = ("title", "add_options")


def call(book: Book, op: str, args: dict[str, Any]) -> Any:
    """Calls the binding's method for `op` with the scenario's arguments."""
    required, optional = SIGNATURES[op]
    unknown = set(args) - set(required) - set(optional)
    if unknown:
        raise BrokenScenario(f"{op} takes no argument {sorted(unknown)}")
    missing = [name for name in required if name not in args]
    if missing:
        raise BrokenScenario(f"{op} needs {missing}")
    kwargs = {name: args[name] for name in required}
    for name in optional:
        value = args.get(name)
        if name == "query":
            keys = ACTIVITY_QUERY if op == "activity" else LIST_QUERY
            query = value or {}
            extra = set(query) - set(keys)
            if extra:
                raise BrokenScenario(f"{op} query takes no key {sorted(extra)}")
            kwargs.update({k: v for k, v in query.items() if v is not None})
        elif name == "telegram" or value is not None:
            kwargs[name] = value
    if op in ("record_campaign", "record_event", "record_order"):
        return getattr(book, op)(kwargs["id"], kwargs["input"])
    if op == "update_field":
        update = kwargs.pop("update")
        extra = set(update) - set(FIELD_UPDATE)
        if extra:
            raise BrokenScenario(f"{op} update takes no key {sorted(extra)}")
        kwargs.update({k: v for k, v in update.items() if v is not None})
    return getattr(book, op)(**kwargs)


# ---- results as JSON ----------------------------------------------------------------


def to_json(value: Any) -> Any:
    """The JSON the Rust core would serialise for a binding result."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_json(to_dict())
    raise TypeError(f"cannot turn {type(value).__name__} into JSON")


# ---- references -----------------------------------------------------------------------

REFERENCE = re.compile(r"^\$[A-Za-z_]")


def resolve(value: Any, saved: dict[str, Any]) -> Any:
    if isinstance(value, str) and REFERENCE.match(value):
        name, *path = value[1:].split(".")
        if name not in saved:
            raise BrokenScenario(f"unknown reference {value}")
        current = saved[name]
        for segment in path:
            if isinstance(current, dict) and segment in current:
                current = current[segment]
            elif isinstance(current, list) and segment.isdigit() and int(segment) < len(current):
                current = current[int(segment)]
            else:
                raise BrokenScenario(f"reference {value} does not exist")
        return current
    if isinstance(value, dict):
        return {k: resolve(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, saved) for v in value]
    return value


# ---- matching ---------------------------------------------------------------------------

RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)
PLAIN_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def parse_instant(text: str) -> Optional[dt.datetime]:
    if not RFC3339.match(text):
        return None
    text = re.sub(r"[zZ]$", "+00:00", text)
    # datetime.fromisoformat before 3.11 takes at most 6 fraction digits.
    text = re.sub(r"\.(\d{6})\d+", r".\1", text)
    return dt.datetime.fromisoformat(text)


def matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        if list(expected) == ["$len"]:
            return isinstance(actual, list) and len(actual) == expected["$len"]
        if not isinstance(actual, dict):
            return False
        return all(matches(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(matches(e, a) for e, a in zip(expected, actual))
        )
    if expected is None:
        return actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if isinstance(expected, str):
        if not isinstance(actual, str):
            return False
        if expected == actual:
            return True
        e_at, a_at = parse_instant(expected), parse_instant(actual)
        if e_at is not None and a_at is not None:
            return e_at == a_at
        if PLAIN_DECIMAL.match(expected) and PLAIN_DECIMAL.match(actual):
            return Decimal(expected) == Decimal(actual)
        return False
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float)) and expected == actual
    return False


ERROR_KINDS: dict[type[BaseException], str] = {
    contactkit.ValidationError: "validation",
    contactkit.NotFoundError: "not_found",
    contactkit.ConflictError: "conflict",
    contactkit.StorageError: "storage",
}


# The attributes an `expect_error` may give besides `kind` (tests/scenarios/README.md).
ERROR_ATTRIBUTES = ("field", "value", "reason", "what", "id", "existing", "existing_id")


def error_kind(error: BaseException) -> str:
    for cls, kind in ERROR_KINDS.items():
        if isinstance(error, cls):
            return kind
    return type(error).__name__


def describe_error(error: BaseException) -> str:
    attributes = {name: getattr(error, name) for name in ERROR_ATTRIBUTES if hasattr(error, name)}
    return f"{error_kind(error)} error {attributes}: {error}"


# ---- running -----------------------------------------------------------------------------


def run_file(path: Path, server: Optional[Callable[[], str]] = None) -> None:
    """Runs one scenario file; raises AssertionError describing the first failing step.

    The book is in memory, or, with `server`, a PostgreSQL book in the schema it gives
    (on CONTACTKIT_TEST_PG_URL): the same steps must give the same answers on both.
    """
    scenario = json.loads(path.read_text(encoding="utf-8"))
    allowed = {"name", "description", "clock", "default_region", "steps"}
    if set(scenario) - allowed:
        raise BrokenScenario(f"{path.name}: unknown keys {sorted(set(scenario) - allowed)}")
    clock = _native._ManualClock(scenario["clock"])
    region = scenario.get("default_region")
    if server is None:
        book = _native._in_memory_with_clock(clock, region)
    else:
        book = _native._connect_with_clock(server_url(), server(), clock, region)
    saved: dict[str, Any] = {}
    for index, step in enumerate(scenario["steps"]):
        extra = set(step) - {"op", "args", "save", "expect", "expect_error"}
        if extra:
            raise BrokenScenario(f"{path.name} step {index}: unknown keys {sorted(extra)}")
        op = step["op"]
        where = f"{path.name} step {index} ({op})"
        args = resolve(step.get("args", {}), saved)
        expect = resolve(step["expect"], saved) if "expect" in step else None
        try:
            if op == "advance_clock":
                if not set(args) <= {"days", "seconds"} or not args:
                    raise BrokenScenario(f"{where}: advance_clock takes days and/or seconds")
                clock.advance(args.get("days", 0) * 86_400 + args.get("seconds", 0))
                result: Any = None
            elif op == "set_clock":
                clock.set(args["at"])
                result = None
            elif op in SIGNATURES:
                result = to_json(call(book, op, args))
            else:
                raise BrokenScenario(f"{where}: unknown op")
        except BrokenScenario:
            raise
        except contactkit.ContactKitError as error:
            wanted = step.get("expect_error")
            if wanted is None:
                raise AssertionError(
                    f"{where}: expected success {json.dumps(expect)}, got {describe_error(error)}"
                ) from error
            # Each attribute `expect_error` gives is compared exactly; an argument that
            # does not read as its type is already the binding's ValidationError.
            kind_ok = error_kind(error) == wanted["kind"]
            attributes_ok = all(
                getattr(error, name, None) == wanted[name] for name in ERROR_ATTRIBUTES if name in wanted
            )
            if not (kind_ok and attributes_ok):
                raise AssertionError(
                    f"{where}: expected error {json.dumps(wanted)}, got {describe_error(error)}"
                ) from error
            continue
        if "expect_error" in step:
            raise AssertionError(
                f"{where}: expected error {json.dumps(step['expect_error'])}, "
                f"got result {json.dumps(result)}"
            )
        if "expect" in step and not matches(expect, result):
            raise AssertionError(
                f"{where}: expected {json.dumps(expect)}\n    actual {json.dumps(result)}"
            )
        if "save" in step:
            saved[step["save"]] = result
