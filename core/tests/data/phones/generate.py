#!/usr/bin/env python3
"""Writes expected.tsv, the answers of Google's libphonenumber that
core/tests/phone_conformance.rs compares `normalize_phone` with.

The oracle is the `phonenumbers` package (the Python port of libphonenumber, with the
same metadata), pinned so the file is reproducible. It is not a dependency of the
project: run it from a throwaway virtual environment.

    python3 -m venv /tmp/phones-venv
    /tmp/phones-venv/bin/pip install phonenumbers==9.0.43
    /tmp/phones-venv/bin/python core/tests/data/phones/generate.py

Rows: `input<TAB>region<TAB>expected`, region empty when none is given, expected the
E.164 number or `invalid`. For every region libphonenumber supports and every number
type it has an example of, the example number is written

- in international form (`+44 20 7946 0958`), with no region;
- in E.164 (`+442079460958`), with no region;
- in national form (`020 7946 0958`), with the region;
- dialled with the region's international prefix (`00 44 20 7946 0958`,
  `011 44 …` in the US), with the region;

and, as invalid variations, with its last digit dropped and with a digit added
(international form, no region; national form, with the region). Whatever
libphonenumber answers for a row is its expected value: some variations are still
valid numbers. The non-geographic numbers (+800, +882, …) are written in the two
forms that need no region. Rows from different regions are interleaved, as in a
real export.
"""

import itertools
import re
import sys
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType

PINNED = "9.0.43"

TYPES = [
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
]


def expected(text, region):
    """libphonenumber's reading: the E.164 number when it parses and is valid."""
    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        return "invalid"
    if number.extension or not phonenumbers.is_valid_number(number):
        return "invalid"
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def international_prefix(region):
    """The prefix dialled from `region` to reach another country (`00`, `011`, `0011`):
    the metadata's pattern when it is a plain digit string, else its preferred prefix,
    else the first digit string (shortest, then smallest) the pattern accepts."""
    metadata = PhoneMetadata.metadata_for_region(region)
    pattern = metadata.international_prefix
    if pattern is None:
        return None
    if re.fullmatch(r"\d+", pattern):
        return pattern
    preferred = metadata.preferred_international_prefix or ""
    # A preferred prefix may carry a pause (`8~10` in some plans): not dialable text.
    if re.fullmatch(r"\d+", preferred):
        return preferred
    for length in range(2, 6):
        for digits in itertools.product("0123456789", repeat=length):
            if re.fullmatch(pattern, "".join(digits)):
                return "".join(digits)
    return None


def variations(text):
    """The text with its last digit dropped, and with a digit added after its last one."""
    last = max(i for i, c in enumerate(text) if c.isdigit())
    return [text[:last] + text[last + 1 :], text[: last + 1] + "5" + text[last + 1 :]]


def examples(region):
    seen = set()
    for kind in TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is None:
            continue
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        if e164 not in seen:
            seen.add(e164)
            yield number


def region_rows(region):
    rows = []
    prefix = international_prefix(region)
    for number in examples(region):
        international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        forms = [(international, ""), (e164, ""), (national, region)]
        if prefix is not None:
            forms.append((f"{prefix} {international[1:]}", region))
        forms += [(v, "") for v in variations(international)]
        forms += [(v, region) for v in variations(national)]
        rows += [(text, given) for text, given in forms]
    return rows


def non_geographic_rows(calling_code):
    rows = []
    number = phonenumbers.example_number_for_non_geo_entity(calling_code)
    if number is not None:
        international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        rows += [(international, ""), (e164, "")]
        rows += [(v, "") for v in variations(international)]
    return rows


def main():
    if phonenumbers.__version__ != PINNED:
        sys.exit(f"phonenumbers {PINNED} is pinned, found {phonenumbers.__version__}")
    groups = [region_rows(r) for r in sorted(phonenumbers.SUPPORTED_REGIONS)]
    groups += [
        non_geographic_rows(c) for c in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    ]
    # Round robin over the regions: neighbouring rows come from different countries.
    interleaved = [
        row
        for layer in itertools.zip_longest(*groups)
        for row in layer
        if row is not None
    ]
    out = Path(__file__).with_name("expected.tsv")
    with out.open("w", encoding="utf-8", newline="\n") as f:
        f.write(
            f"# Generated by generate.py from libphonenumber (phonenumbers {PINNED}); do not edit.\n"
        )
        f.write("input\tregion\texpected\n")
        for text, region in interleaved:
            assert "\t" not in text and "\n" not in text, text
            f.write(f"{text}\t{region}\t{expected(text, region)}\n")
    print(f"{out}: {len(interleaved)} rows from {len(groups)} regions and entities")


if __name__ == "__main__":
    main()
