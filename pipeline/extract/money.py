"""Normalize money: amount in units of the currency and the ISO 4217 code.

"€550 million" -> 550000000 EUR; "1.4b euros" -> 1400000000 EUR; "$10bn-$12bn" -> 10000000000/12000000000 USD.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.extract.numbers import EXACT, format_number, lookup, parse_decimal, parse_word_number, scale_decimal


def currency_code(groups: dict[str, str], lexicon: dict[str, Any]) -> str:
    """ISO code from whichever currency group matched: symbol, code or word."""
    if groups.get("cursym"):
        return lexicon["currency_symbols"].get(groups["cursym"], "")
    if groups.get("curcode"):
        code = groups["curcode"].upper()
        return lexicon["currency_code_aliases"].get(code, code)
    if groups.get("curword"):
        return lookup(lexicon["currency_words"], groups["curword"]) or ""
    return ""


def amount(groups: dict[str, str], lexicon: dict[str, Any], suffix: str = "") -> Decimal | None:
    """The exact amount (a Decimal: no float rounding, however many digits)."""
    num = groups.get("num" + suffix)
    base = parse_decimal(num) if num else None
    if base is None and groups.get("wordnum" + suffix):
        word = parse_word_number(groups["wordnum" + suffix], lexicon)
        base = Decimal(str(word)) if word is not None else None
    if base is None:
        return None
    return EXACT.multiply(base, scale_decimal(groups.get("scale" + suffix), lexicon["scales"]))


def normalize_money(groups: dict[str, str], lexicon: dict[str, Any]) -> dict[str, str]:
    """value, unit (ISO code) and modifier of a money match; value "" when it cannot be read."""
    low = amount(groups, lexicon)
    code = currency_code(groups, lexicon)
    modifier = lookup(lexicon["modifiers"], groups.get("mod")) or ""
    if low is None or not code:
        return {"value": "", "unit": code, "modifier": modifier}
    if groups.get("num2"):
        high = amount(groups, lexicon, "2")
        if high is not None:
            if not groups.get("scale") and groups.get("scale2"):
                low = EXACT.multiply(low, scale_decimal(groups["scale2"], lexicon["scales"]))  # "$10-12bn"
            return {"value": f"{format_number(low)}/{format_number(high)}", "unit": code, "modifier": modifier}
    return {"value": format_number(low), "unit": code, "modifier": modifier}
