"""Writes faker_names.tsv: person names as real exports hold them, from Faker's locales.

Run once (the output is committed): python3 -m venv /tmp/v && /tmp/v/bin/pip install faker==37.12.0
&& /tmp/v/bin/python generate.py. Each row is `locale<TAB>part<TAB>name`, the locales
interleaved as a real export's rows are. core/tests/names.rs checks every one is accepted.
"""

import csv
import sys
from pathlib import Path

from faker import Faker

LOCALES = [
    "hi_IN", "th_TH", "ta_IN", "ja_JP", "ar_EG", "uk_UA", "de_DE", "pt_BR",
    "zh_CN", "ko_KR", "fa_IR", "vi_VN", "el_GR", "he_IL", "bn_BD", "ne_NP",
    "en_IE", "fr_FR", "es_ES", "pl_PL", "tr_TR", "ru_RU", "ka_GE", "hy_AM",
]
PER_LOCALE = 120

fakers = {locale: Faker(locale) for locale in LOCALES}
for locale, fake in fakers.items():
    fake.seed_instance(2026)

rows = []
for i in range(PER_LOCALE):
    for locale in LOCALES:
        fake = fakers[locale]
        rows.append((locale, "first_name", fake.first_name()))
        rows.append((locale, "last_name", fake.last_name()))

out = Path(__file__).with_name("faker_names.tsv")
with out.open("w", newline="", encoding="utf-8") as f:
    writer = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
    writer.writerow(["locale", "part", "name"])
    writer.writerows(rows)
print(f"{len(rows)} names from {len(LOCALES)} locales -> {out}", file=sys.stderr)
