"""Normalize dates to ISO with precision and modifier, resolving relative dates against the
article's publication date (never the clock).

"late 2025" -> 2025 year late; "since May 2023" -> 2023-05 month after; "Q4 2025" -> 2025-Q4 quarter;
"September 17" in an article of 2025-09-16 -> 2025-09-17 (future tense) ; with no article date
-> XXXX-09-17 (TIMEX style: what is known, no invented year).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from dateparser.date import DateDataParser
from spacy.tokens import Doc

from pipeline.extract import date_forms
from pipeline.extract.numbers import lookup

ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
FUTURE_WORDS = {"will", "shall", "to", "scheduled", "slated", "expected", "set", "planned", "due", "plan", "aim", "next", "upcoming"}


@lru_cache(maxsize=4096)
def _dateparser_resolve(text: str, base: str, prefer: str) -> tuple[str, str]:
    """dateparser with the article date as the relative base; (iso date, period) or ('', '')."""
    parser = _parser(base, prefer)
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None:
        return "", ""
    return data.date_obj.date().isoformat(), data.period or "day"


@lru_cache(maxsize=64)
def _parser(base: str, prefer: str) -> DateDataParser:
    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": dt.datetime.fromisoformat(base), "PREFER_DATES_FROM": prefer,
        "RETURN_TIME_AS_PERIOD": True, "STRICT_PARSING": False})


def clause_tense(doc: Doc | None, start_char: int) -> str:
    """'past', 'future' or '' for the clause around a character offset, from the verb governing it."""
    if doc is None:
        return ""
    span = doc.char_span(start_char, start_char + 1, alignment_mode="expand")
    if span is None or not len(span):
        return ""
    token = span[0]
    seen = 0
    while seen < 8:
        if token.pos_ in ("VERB", "AUX"):
            words = {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass", "mark", "neg")}
            words.add(token.lower_)
            if words & FUTURE_WORDS or token.tag_ == "MD":
                return "future"
            if token.tag_ == "VBD" or any(c.tag_ == "VBD" for c in token.children if c.dep_ in ("aux", "auxpass")):
                return "past"
            if token.tag_ == "VBN" and any(c.lower_ in ("has", "have", "had") for c in token.children):
                return "past"
        if token.head.i == token.i:
            break
        token, seen = token.head, seen + 1
    sent_words = {t.lower_ for t in doc[span[0].i:span[0].i + 1].sent}
    if sent_words & {"will", "scheduled", "slated", "expected"}:
        return "future"
    return ""


def _resolve_partial(month: int, day: int | None, published: str, tense: str) -> tuple[str, str]:
    """Year for 'September 17' / 'In May': by tense when the clause has one, else the closest."""
    if not published:
        return (f"XXXX-{month:02d}-{day:02d}", "day") if day else (f"XXXX-{month:02d}", "month")
    base = dt.date.fromisoformat(published)
    text = f"{base.year}-{month:02d}-{day:02d}" if day else f"{base.year}-{month:02d}"

    def candidate(year: int) -> dt.date | None:
        try:
            return dt.date(year, month, day or 1)
        except ValueError:
            return None

    options = [c for c in (candidate(base.year - 1), candidate(base.year), candidate(base.year + 1)) if c]
    if not options:
        return "", ""
    anchor = lambda d: d if day else dt.date(d.year, d.month, 15)  # noqa: E731
    if tense == "past":
        options = [d for d in options if (d <= base if day else (d.year, d.month) <= (base.year, base.month))] or options
    elif tense == "future":
        options = [d for d in options if (d >= base if day else (d.year, d.month) >= (base.year, base.month))] or options
    best = min(options, key=lambda d: (abs((anchor(d) - base).days), d))
    del text
    return (best.isoformat(), "day") if day else (f"{best.year}-{best.month:02d}", "month")


def _relative(text: str, published: str, lexicon: dict[str, Any]) -> tuple[str, str]:
    phrase = " ".join(text.lower().split())
    if not published:
        return "", ""
    base = dt.date.fromisoformat(published)
    if phrase.startswith("the day "):  # the day after tomorrow, the day before yesterday
        return (base + dt.timedelta(days=2 if "after" in phrase else -2)).isoformat(), "day"
    words = phrase.replace("earlier ", "").replace("later ", "").split()
    words = [{"current": "this", "yr": "year", "qtr": "quarter"}.get(w, w) for w in words]
    if words[-1] in lexicon["seasons"]:
        shift = {"last": -1, "previous": -1, "next": 1, "coming": 1}.get(words[0], 0)
        year = base.year + shift
        return f"{year}-{lexicon['seasons'][words[-1]]}", "season"
    if words[-1] == "quarter":
        q = (base.month - 1) // 3 + {"last": -1, "previous": -1, "next": 1, "coming": 1}.get(words[0], 0)
        year, q = base.year + q // 4, q % 4
        return f"{year}-Q{q + 1}", "quarter"
    iso, period = _dateparser_resolve(" ".join(words).replace("previous", "last").replace("coming", "next"), published, "past")
    if not iso:
        return "", ""
    if period == "year":
        return iso[:4], "year"
    if period == "month":
        return iso[:7], "month"
    if period == "week":
        return iso, "week"
    return iso, "day"


def _day_range(groups: dict[str, str], month: int | None, day: int | None, year: str | None, lexicon: dict[str, Any],
               published: str, tense: str) -> tuple[str, str]:
    """'July 13-15', 'from 13 to 15 July', 'Aug 8 - Aug 12': START/END; with no year the start is
    the next such day (the last one in a past-tense clause), the end in the same year (the next one
    when it falls before the start)."""
    if groups.get("mrel"):  # 'from 4 to 22 this month'
        found = date_forms.shifted_month(published, groups["mrel"])
        first_day = date_forms.calendar_date(found[0], found[1], day or 0) if found else None
        last_day = date_forms.calendar_date(found[0], found[1], int(groups["day2"])) if found else None
        return (f"{first_day.isoformat()}/{last_day.isoformat()}", "day") if first_day and last_day else ("", "")
    month2 = lookup(lexicon["months"], (groups.get("monthx2") or "").rstrip(".")) or month
    if not month or not day or not month2:
        return "", ""
    start, _ = _month_day(month, day, year, published, tense or "future")  # a schedule, as a day name
    if not start or start.startswith("X"):
        return "", ""
    first = dt.date.fromisoformat(start)
    end = date_forms.calendar_date(first.year, month2, int(groups["day2"]))
    if end and end < first:
        end = date_forms.calendar_date(first.year + 1, month2, int(groups["day2"]))
    return (f"{first.isoformat()}/{end.isoformat()}", "day") if end else ("", "")


def _decade(groups: dict[str, str], published: str) -> tuple[str, str]:
    """'the 2010s' -> 2010/2019; 'the end of the decade' -> the article's decade."""
    if groups.get("decade"):
        start = int(groups["decade"])
    elif published:
        start = int(published[:4]) // 10 * 10
    else:
        return "", ""
    return f"{start}/{start + 9}", "decade"


def _month_day(month: int, day: int, year: str | None, published: str, tense: str) -> tuple[str, str]:
    if year:
        found = date_forms.calendar_date(int(year), month, day)
        return (found.isoformat(), "day") if found else ("", "")
    return _resolve_partial(month, day, published, tense)


def _nth_weekday(groups: dict[str, str], lexicon: dict[str, Any], month: int | None, year: str | None,
                 published: str, tense: str) -> tuple[str, str]:
    """'the first Tuesday of October (2014)', 'the first Monday of next month': the month is
    resolved as a month alone (forward unless the clause is past), then the day counted in it."""
    if month and year:
        return date_forms.nth_weekday(groups, lexicon, int(year), month)
    if month:
        iso, _ = _resolve_partial(month, None, published, tense or "future")
        return date_forms.nth_weekday(groups, lexicon, int(iso[:4]), month) if iso and iso[0].isdigit() else ("", "")
    found = date_forms.shifted_month(published, groups.get("mrel") or "this")
    return date_forms.nth_weekday(groups, lexicon, *found) if found else ("", "")


def _day_of_relative_month(groups: dict[str, str], day: int | None, published: str) -> tuple[str, str]:
    """'the 20th of next month' -> 2013-03-20 for an article of 2013-02-12."""
    found = date_forms.shifted_month(published, groups["mrel"])
    if not found or not day:
        return "", ""
    date = date_forms.calendar_date(found[0], found[1], day)
    return (date.isoformat(), "day") if date else ("", "")


def _day_alone(day: int, published: str, tense: str) -> tuple[str, str]:
    """'on the 15th': the next such day of a month, or the last one in a past-tense clause."""
    return date_forms._next_or_last(lambda y, m: date_forms.calendar_date(y, m, day), published, tense, "month")


def _quarter_of_article_year(groups: dict[str, str], published: str, tense: str) -> tuple[str, str]:
    """'the third quarter' with no year: of the article's year; in a past-tense clause a quarter
    that has not begun yet is last year's."""
    q = int(groups.get("quarter", "").upper().replace("Q", "") or ORDINALS[groups["ordq"].lower()])
    if not published:
        return f"XXXX-Q{q}", "quarter"
    base = dt.date.fromisoformat(published)
    year = base.year - 1 if tense == "past" and q > (base.month - 1) // 3 + 1 else base.year
    return f"{year}-Q{q}", "quarter"


def normalize_date(groups: dict[str, str], pattern_id: str, lexicon: dict[str, Any], *,
                   published: str = "", tense: str = "", text: str = "") -> dict[str, str]:
    """value (ISO), precision and modifier of a date match; value "" when it cannot be resolved."""
    modifier = lookup(lexicon["date_prefix_modifiers"], groups.get("premod")) or ""
    if not modifier and groups.get("fuzz"):
        modifier = lookup(lexicon["date_fuzzy"], groups["fuzz"].replace("-", "").strip()) or \
            lookup(lexicon["date_fuzzy"], groups["fuzz"]) or ""
    months = lexicon["months"]
    if groups.get("qy"):  # '2018Q4'
        groups = {**groups, "year": groups["qy"], "quarter": groups["qq"]}
    year = groups.get("year")
    month = lookup(months, (groups.get("month") or groups.get("monthx") or "").rstrip("."))
    day = int(groups["day"]) if groups.get("day") else lookup(lexicon["ordinal_days"], groups.get("ordday"))
    if groups.get("nd") and not groups.get("ny"):  # '2/15': a month and a day, year as for 'February 15'
        month, day = int(groups["nm"]), int(groups["nd"])
    value, precision = "", ""
    if groups.get("decade") or groups.get("thisdecade"):
        value, precision = _decade(groups, published)
    elif groups.get("day2"):
        value, precision = _day_range(groups, month, day, year, lexicon, published, tense)
    elif groups.get("span"):
        value, precision = date_forms.relative_span(groups, lexicon, published)
    elif groups.get("funit"):
        value, precision = _relative(f"{groups.get('frel') or 'this'} {groups['funit']}".replace("the ", "this "), published, lexicon)
    elif groups.get("weekday") and (groups.get("nth") or groups.get("nthday")) or groups.get("nthday"):
        value, precision = _nth_weekday(groups, lexicon, month, year, published, tense)
    elif groups.get("mrel"):
        value, precision = _day_of_relative_month(groups, day, published)
    elif groups.get("weekday") and month and day:
        value, precision = _month_day(month, day, year, published, tense)
        value = date_forms.agree_weekday(value, groups, lexicon, bool(year))
    elif groups.get("weekday") and day:
        value, precision = date_forms.weekday_day(groups, lexicon, published, tense)
    elif groups.get("weekday"):
        value, precision = date_forms.weekday_date(groups, lexicon, published, tense)
    elif groups.get("dunit") or groups.get("weekdays"):
        value, precision = date_forms.offset_date(groups, lexicon, published)
    elif groups.get("nd") and groups.get("ny"):
        value, precision = date_forms.numeric_date(groups, lexicon, published, text)
    elif groups.get("nm") and groups.get("ny"):
        value, precision = f"{int(groups['ny']):04d}-{int(groups['nm']):02d}", "month"
    elif day and not month and not year:
        value, precision = _day_alone(day, published, tense)
    elif (groups.get("quarter") or groups.get("ordq")) and not year:
        value, precision = _quarter_of_article_year(groups, published, tense)
    elif groups.get("iso"):
        value, precision = groups["iso"], "day"
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            value = ""
    elif pattern_id == "date.relative":
        value, precision = _relative(groups.get("relative", text), published, lexicon)
    elif pattern_id == "date.year-range":
        value, precision = f"{year}/{groups['year2']}", "year"
    elif pattern_id == "date.month-range":
        month2 = lookup(months, groups.get("month2", "").rstrip("."))
        first = int(year) - 1 if month2 < month else int(year)  # 'Nov-Feb 2017': from November 2016
        value, precision = f"{first}-{month:02d}/{year}-{month2:02d}", "month"
    elif groups.get("quarter") or groups.get("ordq"):
        q = groups.get("quarter", "").upper().replace("Q", "") or str(ORDINALS[groups["ordq"].lower()])
        value, precision = f"{year}-Q{q}", "quarter"
    elif groups.get("half") or groups.get("ordh"):
        h = groups.get("half", "").upper().replace("H", "") or str(ORDINALS[groups["ordh"].lower()])
        value, precision = f"{year}-H{h}", "half"
    elif groups.get("season"):
        value, precision = f"{year}-{lookup(lexicon['seasons'], groups['season'])}", "season"
    elif month and day and year:
        try:
            value, precision = dt.date(int(year), month, day).isoformat(), "day"
        except ValueError:
            value = ""
    elif month and year:
        value, precision = f"{year}-{month:02d}", "month"
    elif month:
        value, precision = _resolve_partial(month, day, published, tense)
    elif year:
        value, precision = year, "year"
    return {"value": value, "precision": precision if value else "", "modifier": modifier}
