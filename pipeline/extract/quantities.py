"""Normalize counts and percentages; attach the counted noun from the parse.

"six electric models" -> 6 model; "50,729 units" -> 50729 (unit resolved to what the article
counts, e.g. vehicle); "300,000 vehicles a year" -> 300000 vehicle, rate year; "45 per cent" -> 45 %.
"""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Token

from pipeline.extract.numbers import format_number, lookup, parse_digits, parse_word_number, scale_factor

SKIPPABLE_POS = {"ADJ", "ADV", "PUNCT", "NUM", "PROPN", "NOUN", "VERB"}
NOT_COUNTED = {"year", "month", "week", "day", "hour", "time", "percent", "per", "cent", "%", "of", "th"}


def base_number(groups: dict[str, str], lexicon: dict[str, Any]) -> float | None:
    num = groups.get("num") or groups.get("ordnum")
    value = parse_digits(num) if num else None
    if value is None and groups.get("wordnum"):
        value = parse_word_number(groups["wordnum"] + (" " + groups["wordnum2"] if groups.get("wordnum2") else ""), lexicon)
    if groups.get("frac") or groups.get("fracw"):  # 'one point three', '.77'
        digits = groups.get("frac") or "".join(str(lookup(lexicon["number_words"], w)) for w in groups["fracw"].split())
        value = (value or 0.0) + float("0." + digits)
    if value is None:
        return None
    if groups.get("neg"):
        value = -value
    if groups.get("cscalea"):
        return value * scale_factor(groups["cscalea"], lexicon["attached_count_scales"])
    return value * scale_factor(groups.get("cscale"), lexicon["count_scales"])


def token_at_or_after(doc: Doc, char: int) -> Token | None:
    """The first non-space token starting at or after a character offset (binary search)."""
    lo, hi = 0, len(doc)
    while lo < hi:
        mid = (lo + hi) // 2
        if doc[mid].idx < char:
            lo = mid + 1
        else:
            hi = mid
    for token in doc[lo:]:
        if not token.is_space:
            return token
    return None


def counted_noun(doc: Doc, end_char: int) -> tuple[Token | None, int]:
    """The noun a number counts: skip up to three modifiers ('six electric models',
    'two modular EV platforms'); returns the noun token and the end char of the phrase."""
    token = token_at_or_after(doc, end_char)
    if token is None or token.idx - end_char > 1:
        return None, end_char
    steps = 0
    while token is not None and steps < 4:
        if token.i > 0 and (("\n" in doc[token.i - 1].text and doc[token.i - 1].is_space) or "\n" in token.text):
            return None, end_char  # a counted noun never sits on the next line
        nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if token.pos_ == "NOUN" or (token.pos_ == "PROPN" and token.tag_ == "NNPS"):
            if (nxt is not None and nxt.text == "-" and not token.whitespace_ and not nxt.whitespace_
                    and nxt.i + 1 < len(doc) and doc[nxt.i + 1].is_alpha):
                token, steps = doc[nxt.i + 1], steps + 1  # hyphenated compound: 'start-ups'
                continue
            if nxt is not None and nxt.pos_ == "NOUN" and nxt.tag_ in ("NNS", "NN") and token.tag_ != "NNS":
                token, steps = nxt, steps + 1  # compound: 'battery cells'
                continue
            if token.lemma_.lower() in NOT_COUNTED or token.sent != doc[max(0, token.i - steps)].sent:
                return None, end_char
            return token, token.idx + len(token.text)
        if token.pos_ not in SKIPPABLE_POS or token.is_punct and token.text not in "-":
            return None, end_char
        if token.pos_ in ("VERB", "NUM") and token.tag_ not in ("VBN", "VBG", "CD"):
            return None, end_char
        token, steps = nxt, steps + 1
    return None, end_char


def noun_unit(token: Token, lexicon: dict[str, Any]) -> str:
    """The counted noun, singular: 'models' -> 'model', 'start-ups' -> 'start-up', 'cars' -> 'vehicle'."""
    lemma = token.lemma_.lower() if token.text.lower() not in ("people",) else "people"
    doc = token.doc
    if token.i >= 2 and doc[token.i - 1].text == "-" and not doc[token.i - 1].whitespace_ \
            and not doc[token.i - 2].whitespace_:
        lemma = f"{doc[token.i - 2].lower_}-{lemma}"
    return lookup(lexicon["noun_unit_aliases"], lemma) or lemma


def rate_after(text: str, end: int, lexicon: dict[str, Any]) -> tuple[str, int]:
    """'a year', 'per day', 'annually' right after the counted noun -> ('year', new end)."""
    tail = text[end:end + 16].lower()
    for phrase, unit in sorted(lexicon["rate_words"].items(), key=lambda kv: -len(kv[0])):
        if tail.startswith(" " + phrase) and not tail[len(phrase) + 1:len(phrase) + 2].isalpha():
            return unit, end + 1 + len(phrase)
    return "", end


def normalize_quantity(groups: dict[str, str], lexicon: dict[str, Any]) -> dict[str, str]:
    value = base_number(groups, lexicon)
    modifier = lookup(lexicon["modifiers"], groups.get("mod")) or ""
    unit = lookup(lexicon["unit_symbols"], groups.get("unitsym")) or ""
    if value is not None and groups.get("wordnum") and lookup({k: 1 for k in lexicon["vague_number_words"]}, groups["wordnum"]):
        modifier = modifier or "more_than"
    return {"value": format_number(value) if value is not None else "", "unit": unit, "modifier": modifier}


def normalize_percent(groups: dict[str, str], lexicon: dict[str, Any], pattern_id: str) -> dict[str, str]:
    modifier = lookup(lexicon["modifiers"], groups.get("mod")) or ""
    if groups.get("fraction"):
        value = lookup(lexicon["fractions"], groups["fraction"])
    elif groups.get("num"):
        value = parse_digits(groups["num"])
    else:
        value = parse_word_number(groups.get("wordnum", "") + (" " + groups["wordnum2"] if groups.get("wordnum2") else ""), lexicon)
    unit = "pp" if pattern_id == "percent.points" else "%"
    return {"value": format_number(value) if value is not None else "", "unit": unit, "modifier": modifier}


def dominant_product_noun(doc: Doc, lexicon: dict[str, Any]) -> str:
    """What an article counts when it says 'units': its most frequent product noun (ties by name).
    Computed once per Doc (values and fact rules both ask)."""
    key = ("press-facts", "product_noun", id(lexicon))
    if key in doc.user_data:
        return doc.user_data[key]
    counts: dict[str, int] = {}
    nouns = set(lexicon["product_nouns"]) | set(lexicon["noun_unit_aliases"])
    for token in doc:
        if token.pos_ not in ("NOUN", "PROPN"):
            continue
        lemma = token.lemma_.lower()
        if lemma in nouns:
            unit = lookup(lexicon["noun_unit_aliases"], lemma) or lemma
            counts[unit] = counts.get(unit, 0) + 1
    found = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts else ""
    doc.user_data[key] = found
    return found
