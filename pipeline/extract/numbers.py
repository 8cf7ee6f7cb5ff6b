"""Shared number parsing: digits with any separator, decimal commas, scales and number words."""
from __future__ import annotations

import math
import re
from decimal import Context, Decimal
from typing import Any

_SPACES = " \u00a0\u202f"


def parse_decimal(text: str) -> Decimal | None:
    """Parse '50,729', '50 729', '1.2', '12,5', '1.234,5' exactly (comma + 3 digits = thousands;
    else decimal); None when it is not a number.

    >>> parse_decimal("50 729"), parse_decimal("12,5"), parse_decimal("1,200")
    (Decimal('50729'), Decimal('12.5'), Decimal('1200'))
    """
    raw = text.strip()
    for ch in _SPACES:
        raw = raw.replace(ch, "")
    if not raw:
        return None
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d+", raw):  # 1.234,5 (continental)
        raw = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    elif re.fullmatch(r"\d+,\d+", raw):  # decimal comma: 12,5 or 1,25
        raw = raw.replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", raw):
        return None
    return Decimal(raw)


def parse_digits(text: str) -> float | None:
    """Parse '50,729', '50 729', '1.2', '12,5', '1.234,5' (comma + 3 digits = thousands; else decimal);
    None when it is not a number or too large for a float.

    >>> parse_digits("50 729"), parse_digits("12,5"), parse_digits("1,200")
    (50729.0, 12.5, 1200.0)
    """
    value = parse_decimal(text)
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def lookup(table: dict[str, Any], key: str | None) -> Any:
    """Case- and space-insensitive lookup in a lexicon table."""
    if not key:
        return None
    folded = re.sub(r"\s+", " ", key.strip()).casefold()
    for k, v in table.items():
        if k.casefold() == folded:
            return v
    return None


def parse_word_number(text: str, lexicon: dict[str, Any]) -> float | None:
    """'six' -> 6, 'twenty-five' -> 25, 'a dozen' -> 12, 'two hundred' -> 200,
    'seven hundred twenty-one thousand and twelve' -> 721012, 'two dozen' -> 24; None for a
    sequence that is not one number ('one two', 'twenty thirty').

    >>> lex = {"number_words": {"one": 1, "two": 2, "twenty": 20, "hundred": 100, "thousand": 1000, "dozen": 12}}
    >>> parse_word_number("two hundred twenty-one thousand", lex), parse_word_number("one two", lex)
    (221000.0, None)
    """
    words = lexicon["number_words"]
    whole = lookup(words, text)
    if whole is not None:
        return float(whole)
    total, current, last = 0.0, 0.0, None
    for part in re.split(r"[\s-]+", text.strip()):
        folded = part.casefold()
        value = lookup(words, part)
        if folded in ("and", "a"):
            continue
        if value is None:
            return None
        if folded in ("dozen", "dozens"):
            current, last = (current or 1) * 12, 100
        elif value == 100:
            if current % 100 == 0 and current:
                return None  # 'two hundred hundred'
            current, last = (current or 1) * 100, 100
        elif value >= 1000:
            if last is not None and last >= 1000 and last <= value:
                return None  # 'thousand million' is not written this way in news
            total, current, last = total + (current or 1) * value, 0.0, value
        else:
            if last is not None and last < 100 and not (last >= 20 and last % 10 == 0 and value < 10):
                return None  # two small numbers in a row: 'one two', 'twenty thirty'
            current, last = current + value, value
    result = total + current
    return result if last is not None else None


def scale_factor(word: str | None, table: dict[str, float]) -> float:
    if not word:
        return 1.0
    value = lookup(table, word)
    return float(value) if value is not None else 1.0


EXACT = Context(prec=10_000)  # products of amounts and scales are never rounded


def scale_decimal(word: str | None, table: dict[str, float]) -> Decimal:
    """The exact multiplier of a scale word ('million' -> 1000000)."""
    if not word:
        return Decimal(1)
    value = lookup(table, word)
    return Decimal(str(value)) if value is not None else Decimal(1)


def format_number(value: float | Decimal) -> str:
    """Plain decimal text with no exponent: 550000000, 66.7, 0.5; "" for a value that is not a
    finite number. A Decimal is written exactly, however many digits it has."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return ""
        text = format(value, "f")  # exact: normalize() would round to the context's 28 digits
        return text.rstrip("0").rstrip(".") if "." in text else text
    if not math.isfinite(value):
        return ""
    if value == int(value) and abs(value) < 1e18:
        return str(int(value))
    return format_number(Decimal(f"{value:.6f}"))
