"""Find value mentions (MONEY, PERCENT, DATE, QUANTITY) with the patterns of `patterns/`.

All patterns run over the article text; overlapping matches are resolved by length (the longest
reading wins: "the second half of 2025" over "half"), then label priority (MONEY > PERCENT > DATE >
QUANTITY: "in 2024" is a date, not a count), then position. Numbers inside a named entity
("Renault 5", "A290") are not values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.patterns import PatternSet

PRIORITY = {"MONEY": 0, "PERCENT": 1, "DATE": 2, "QUANTITY": 3}


@dataclass(frozen=True)
class ValueMatch:
    label: str
    pattern_id: str
    start: int
    end: int
    groups: dict[str, str]
    noun: str = ""

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


WINDOW_BEFORE, WINDOW_AFTER = 60, 90  # around the general anchors (a match is never longer)
ANCHORED_WINDOW = 120  # either side of a template's own anchor (its rare macro: a currency, a month...)
WORD_TAIL = 40  # a window ends at the next space, but at most this far past its nominal end


def _anchor_regex(pset: PatternSet) -> re.Pattern[str]:
    """Every value holds a digit, a month, a number or fraction word, or a relative date word; the
    templates only need to run around those anchors."""
    lex = pset.lexicon
    words = set(lex["months"]) | {w.split()[-1] for w in lex["number_words"]} | {w.split()[-1].split("-")[-1] for w in lex["fractions"]}
    words |= {"today", "yesterday", "tomorrow", "year", "month", "week", "quarter", "spring", "summer", "autumn", "fall", "winter"}
    alternation = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"\d|\b(?:{alternation})\b", re.IGNORECASE)


_ANCHORS: dict[int, re.Pattern[str]] = {}


def windows(text: str, pset: PatternSet, anchor: re.Pattern[str] | None = None) -> list[tuple[int, int]]:
    """Merged character windows around the anchors, ending on a space so no match is cut: around
    `anchor` (a template's own rare macro) if given, else around every general value anchor."""
    before, after = (ANCHORED_WINDOW, ANCHORED_WINDOW) if anchor is not None else (WINDOW_BEFORE, WINDOW_AFTER)
    anchor = anchor or _ANCHORS.setdefault(id(pset), _anchor_regex(pset))
    spans: list[tuple[int, int]] = []
    for m in anchor.finditer(text):
        start, end = max(0, m.start() - before), min(len(text), m.end() + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    out = []
    for start, end in spans:
        limit = min(len(text), end + WORD_TAIL)  # a run without spaces never drags a window to the end
        while end < limit and not text[end].isspace():
            end += 1
        out.append((start, end))
    return out


def find_value_matches(text: str, pset: PatternSet, blocked: list[tuple[int, int]]) -> list[ValueMatch]:
    """Every non-overlapping value match in `text`, in document order."""
    candidates: list[ValueMatch] = []
    spans: dict[str | None, list[tuple[int, int]]] = {}  # windows by anchor, each computed once
    for pattern in pset.values:
        for regex, anchor in zip(pattern.regexes, pattern.anchors):
            key = anchor.pattern if anchor is not None else None
            if key not in spans:
                spans[key] = windows(text, pset, anchor)
            for m in (m for start, end in spans[key] for m in regex.finditer(text, start, end)):
                start, end = m.span()
                while end > start and text[end - 1] in " \u00a0\u202f-":
                    end -= 1
                if end <= start:
                    continue
                groups = {k: v for k, v in m.groupdict().items() if v}
                candidates.append(ValueMatch(pattern.label, pattern.id, start, end, groups, pattern.noun))
    candidates.sort(key=lambda c: (-(c.end - c.start), PRIORITY[c.label], c.start, c.pattern_id))
    chosen: list[ValueMatch] = []
    taken = bytearray(len(text) + 1)  # one flag per character: the overlap test costs a match's length
    in_entity = bytearray(len(text) + 1)
    for s, e in blocked:
        in_entity[s:e] = b"\x01" * max(0, e - s)
    for cand in candidates:
        if 1 in taken[cand.start:cand.end]:
            continue
        if cand.label in ("DATE", "QUANTITY") and 1 in in_entity[cand.start:cand.end]:
            continue
        chosen.append(cand)
        taken[cand.start:cand.end] = b"\x01" * (cand.end - cand.start)
    return sorted(chosen, key=lambda c: (c.start, c.end))


def is_phone_like(text: str, start: int, end: int) -> bool:
    """Digits that belong to a phone number or code: '+33 1 76 84', '01:17'."""
    before = text[max(0, start - 2):start]
    after = text[end:end + 6]
    return bool(re.search(r"\+\s?$|[:/]$", before) or re.match(r"[:/.]\d|\s\d{2}\s\d{2}\b|\s?\(\d", after))
