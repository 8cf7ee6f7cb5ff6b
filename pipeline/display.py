"""Values as a reader writes them: "€550 million", "$11.6 billion", "Q4 2025", "about 3,000".

Used by the review page and the notebook; the CSVs and Parquet files keep the normalized values.

    >>> format_value("50000000000", "money", "USD")
    '$50 billion'
    >>> format_value("550000000", "money", "EUR", "approx")
    'about €550 million'
    >>> format_value("2025-Q4", "date", "", "late")
    'late Q4 2025'
    >>> format_value("89527", "quantity", "vehicle"), format_value("1", "quantity", "model")
    ('89,527 vehicles', '1 model')
"""
from __future__ import annotations

import datetime as dt
import re

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩"}
MODIFIER_WORDS = {"approx": "about", "more_than": "more than", "less_than": "less than", "up_to": "up to",
                  "before": "before", "after": "after", "early": "early", "mid": "mid", "late": "late"}
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "AU": "autumn", "WI": "winter"}
IRREGULAR_PLURALS = {"person": "people", "child": "children", "man": "men", "woman": "women"}
STATUS_LABELS = {"single": "one source", "agreed": "sources agree", "conflict": "sources disagree",
                 "ambiguous": "ambiguous in one source", "revised": "revised by a later source",
                 "superseded": "superseded"}


def _number(text: str) -> str:
    """1234567 -> '1,234,567'; 2.50 -> '2.5'."""
    value = float(text)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_number(text: str) -> str:
    """A large number with its scale word: 11600000000 -> '11.6 billion'; 450 -> '450'."""
    value = float(text)
    for size, word in SCALES:
        if abs(value) >= size:
            return f"{_number(f'{value / size:.3f}')} {word}"
    return _number(text)


def plural_unit(unit: str, value: str) -> str:
    """A counted noun in the plural when the count is not one ("vehicle" -> "vehicles",
    "vehicle/year" -> "vehicles/year"); symbols (GWh, MW, t) and plurals stay as they are."""
    noun, slash, rest = unit.partition("/")
    try:
        one = float(value) == 1
    except ValueError:
        one = False
    if one or len(noun) <= 3 or not noun.isalpha() or not noun.islower() or noun.endswith("s") or noun == "people":
        return unit
    plural = IRREGULAR_PLURALS.get(noun) or (noun[:-1] + "ies" if noun.endswith("y") and noun[-2] not in "aeiou" else noun + "s")
    return plural + slash + rest


def format_money(amount: str, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    number = format_number(amount)
    return f"{symbol}{number}" if symbol else f"{currency} {number}".strip()


def format_date(iso: str) -> str:
    """'2025-09-16' -> '16 Sep 2025', '2025-05' -> 'May 2025', '2025-Q4' -> 'Q4 2025'."""
    if "/" in iso:
        return " – ".join(format_date(part) for part in iso.split("/", 1))
    m = re.fullmatch(r"(\d{4}|XXXX)(?:-(\d\d|Q[1-4]|H[12]|W\d\d|SP|SU|FA|AU|WI))?(?:-(\d\d))?", iso)
    if not m:
        return iso
    year, part, day = m.groups()
    year = "" if year == "XXXX" else year
    try:
        if day:
            month = dt.date(2000, int(part), 1).strftime("%b")
            return f"{int(day)} {month} {year}".strip()
        if part and part.isdigit():
            return f"{dt.date(2000, int(part), 1).strftime('%B')} {year}".strip()
    except ValueError:
        return iso
    if part in SEASONS:
        return f"{SEASONS[part]} {year}".strip()
    if part and part[0] == "W":
        return f"week {int(part[1:])} of {year}".strip()
    return f"{part} {year}".strip() if part else year


def format_value(value: str, value_type: str, unit: str = "", modifier: str = "") -> str:
    """The value as a reader writes it, with its modifier; the normalized value if it is not a number."""
    value = str(value)
    try:
        if value_type == "money":
            text = " – ".join(format_money(part, unit) for part in value.split("/"))
        elif value_type == "percent":
            text = " – ".join(f"{_number(part)}{' pp' if unit == 'pp' else '%'}" for part in value.split("/"))
        elif value_type == "quantity":
            text = " – ".join(format_number(part) for part in value.split("/"))
            text += f" {plural_unit(unit, value.split('/')[-1])}" if unit else ""
        elif value_type == "date":
            text = format_date(value)
        else:
            text = value
    except ValueError:
        text = value
    word = MODIFIER_WORDS.get(modifier, modifier)
    return f"{word} {text}".strip() if word else text


def display_status(status: str, sources: tuple[str, ...] | list[str]) -> str:
    """'ambiguous' for a conflict whose values all come from one article (it contradicts itself or
    the rules read two figures), apart from a disagreement between articles. (Reconciliation gives
    such rows the status 'ambiguous' itself; this also reads outputs of runs made before.)"""
    return "ambiguous" if status == "conflict" and len(set(sources)) < 2 else status
