"""Writes mixed_contacts.jsonl for the bench's `mixed_import` workload: contacts as a
real export holds them, from twelve of Faker's locales (their own names, phones as the
locale writes them, towns), rows interleaved by country.

Run once (the output is committed):
python3 -m venv /tmp/v && /tmp/v/bin/pip install faker==37.12.0 && /tmp/v/bin/python generate_mixed.py
"""

import json
from pathlib import Path

from faker import Faker

LOCALES = {
    "hi_IN": "IN", "th_TH": "TH", "ta_IN": "IN", "ja_JP": "JP", "ar_EG": "EG", "uk_UA": "UA",
    "de_DE": "DE", "pt_BR": "BR", "fr_FR": "FR", "es_ES": "ES", "pl_PL": "PL", "en_GB": "GB",
}
PER_LOCALE = 500

fakers = {}
for seed, locale in enumerate(LOCALES):
    fake = Faker(locale)
    fake.seed_instance(12 + seed)
    fakers[locale] = fake

out = Path(__file__).with_name("mixed_contacts.jsonl")
with out.open("w", encoding="utf-8") as f:
    for i in range(PER_LOCALE):
        for n, (locale, country) in enumerate(LOCALES.items()):
            fake = fakers[locale]
            row = {
                "email": f"person{i * len(LOCALES) + n}@example.com",
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "phone": fake.phone_number(),
                "address": {"country": country, "town": fake.city()},
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
