"""Normalize money: amount in units of the currency and the ISO 4217 code.

"€550 million" -> 550000000 EUR; "1.4b euros" -> 1400000000 EUR; "$10bn-$12bn" -> 10000000000/12000000000 USD.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.extract.numbers import EXACT, format_number, lookup, parse_decimal, parse_digits, parse_word_number, scale_decimal


def currency_code(groups: dict[str, str], lexicon: dict[str, Any]) -> str:
    """ISO code from whichever currency group matched: symbol, code or word."""
    if groups.get("cursym"):
        return lexicon["currency_symbols"].get(groups["cursym"]) or lookup(lexicon["currency_symbols"], groups["cursym"]) or ""
    if groups.get("curcode") or groups.get("curcodea"):
        code = (groups.get("curcode") or groups["curcodea"]).upper()
        return lexicon["currency_code_aliases"].get(code, code)
    if groups.get("curword"):
        return lookup(lexicon["currency_words"], groups["curword"]) or ""
    return ""


def amount(groups: dict[str, str], lexicon: dict[str, Any], suffix: str = "") -> Decimal | None:
    """The exact amount (a Decimal: no float rounding, however many digits)."""
    num = groups.get("num" + suffix) or groups.get("numa" + suffix)
    base = parse_decimal(num) if num else None
    if base is None and groups.get("wordnum" + suffix):
        word = parse_word_number(groups["wordnum" + suffix], lexicon)
        base = Decimal(str(word)) if word is not None else None
    if base is None and groups.get("one" + suffix):  # 'a million dollars', 'a dollar and 42 cents'
        base = Decimal(1)
    if base is None:
        return None
    return EXACT.multiply(base, scale_decimal(groups.get("scale" + suffix), lexicon["scales"]))


def minor_share(groups: dict[str, str], lexicon: dict[str, Any]) -> float:
    """What one minor unit is worth in the major unit: 'cents' -> 0.01 (a glued 'c' too)."""
    return float(lookup(lexicon["currency_minor_units"], groups.get("minor")) or 0.01)


def normalize_money(groups: dict[str, str], lexicon: dict[str, Any]) -> dict[str, str]:
    """value, unit (ISO code) and modifier of a money match; value "" when it cannot be read.

    A minor unit alone ('43 cents') is counted in its major unit (0.43) in the currency it implies
    ('pence' GBP) or, for cents, in the article's dollar (USD here; see mentions._bare_dollars); a
    second part ('$20 and 43c', '3 GBP 1 pence') adds hundredths to the major amount."""
    low = amount(groups, lexicon)
    code = currency_code(groups, lexicon)
    modifier = lookup(lexicon["modifiers"], groups.get("mod")) or ""
    if low is not None and (groups.get("cents") or groups.get("wordnum2")) and not groups.get("num2"):
        part = parse_digits(groups["cents"]) if groups.get("cents") else parse_word_number(groups["wordnum2"], lexicon)
        if part is None or part >= 100:
            return {"value": "", "unit": code, "modifier": modifier}
        share = Decimal(str(minor_share(groups, lexicon)))
        return {"value": format_number(low + Decimal(str(part)) * share), "unit": code, "modifier": modifier}
    if low is not None and not code and (groups.get("minor") or groups.get("minorc")):
        code = lookup(lexicon["currency_minor_codes"], groups.get("minor")) or "USD"
        return {"value": format_number(low * Decimal(str(minor_share(groups, lexicon)))), "unit": code, "modifier": modifier}
    if low is None or not code:
        return {"value": "", "unit": code, "modifier": modifier}
    if groups.get("num2"):
        high = amount(groups, lexicon, "2")
        if high is not None:
            if not groups.get("scale") and groups.get("scale2"):
                low = EXACT.multiply(low, scale_decimal(groups["scale2"], lexicon["scales"]))  # "$10-12bn"
            return {"value": f"{format_number(low)}/{format_number(high)}", "unit": code, "modifier": modifier}
    return {"value": format_number(low), "unit": code, "modifier": modifier}
