"""Dates that need arithmetic on the calendar: day names, numeric dates, days counted in a month,
dates counted from the article's date. Every function takes the article's publication date as its
base (never the clock) and returns (ISO value, precision), or ("", "") when it cannot resolve.

Direction of an underspecified date (documented in patterns/README.md): a past-tense clause looks
back (on or before the article's date), any other clause looks forward (after it), as an
announcement does: "will open Thursday", "on the 15th".
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from pipeline.extract.numbers import lookup, parse_word_number

WEEK_SHIFT = {"this": 0, "current": 0, "coming": 1, "next": 1, "last": -1, "previous": -1}
NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
       "last": -1}
UNKNOWN = ("", "")


def two_digit_year(text: str, published: str) -> int:
    """'74' -> 1974, '15' -> 2015: the century that puts the year at most ten years after the
    article's date (a fixed pivot, 19xx from 50 on, when the article has no date)."""
    year = int(text)
    if len(text) == 4:
        return year
    if published:
        limit = dt.date.fromisoformat(published).year + 10
        return 2000 + year if 2000 + year <= limit else 1900 + year
    return 2000 + year if year < 50 else 1900 + year


def numeric_date(groups: dict[str, str], lexicon: dict[str, Any], published: str, text: str) -> tuple[str, str]:
    """10/31/1974, 31/10/1974, 31.10.1974, 2015/3/3, 2/15, 31-Oct-74: a first number over 12 is
    the day, a second one over 12 is the day; when both could be a month, a dot means day.month
    (European) and a slash or dash month/day (US English). A year in front is always
    year/month/day."""
    if groups.get("monthx"):
        month, day = lookup(lexicon["months"], groups["monthx"]), int(groups["nd"])
    else:
        first, second = int(groups["nm"]), int(groups["nd"])
        month, day = first, second
        year_first = bool(re.search(r"(?<!\d)(?:19|20)\d\d[/.-]\d{1,2}[/.-]\d", text))
        if not year_first and (first > 12 or (second <= 12 and groups.get("sep") == ".")):
            month, day = second, first
    if not groups.get("ny"):
        return _next_or_last(lambda year: calendar_date(year, month, day), published, "", "year")
    found = calendar_date(two_digit_year(groups["ny"], published), month, day)
    return (found.isoformat(), "day") if found else UNKNOWN


def calendar_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _next_or_last(make: Any, published: str, tense: str, step: str) -> tuple[str, str]:
    """The occurrence of a yearly or monthly date nearest the article's date in the direction the
    tense gives; without an article date, nothing."""
    if not published:
        return UNKNOWN
    base = dt.date.fromisoformat(published)
    candidates = []
    for shift in range(-24, 25):
        if step == "year":
            found = make(base.year + shift)
        else:
            month_index = base.year * 12 + base.month - 1 + shift
            found = make(month_index // 12, month_index % 12 + 1)
        if found:
            candidates.append(found)
    if tense == "past":
        before = [d for d in candidates if d <= base]
        return (max(before).isoformat(), "day") if before else UNKNOWN
    after = [d for d in candidates if d >= base]
    return (min(after).isoformat(), "day") if after else UNKNOWN


def weekday_date(groups: dict[str, str], lexicon: dict[str, Any], published: str, tense: str) -> tuple[str, str]:
    """A day name resolved in the week it names: 'next Tuesday' (the Tuesday of next week),
    'last Friday' (the latest before the article's date), 'Wednesday of this week'; alone, the
    coming one, or the latest one in a past-tense clause (today included)."""
    if not published:
        return UNKNOWN
    base = dt.date.fromisoformat(published)
    wd = lookup(lexicon["weekdays"], groups["weekday"].rstrip("."))
    if wd is None:
        return UNKNOWN
    monday = base - dt.timedelta(days=base.weekday())
    if groups.get("wweek"):
        found = monday + dt.timedelta(days=7 * WEEK_SHIFT[groups["wweek"].lower()] + wd)
    elif groups.get("wrel") and groups["wrel"].lower() in ("next",):
        found = monday + dt.timedelta(days=7 + wd)
    elif groups.get("wrel") and groups["wrel"].lower() in ("last", "previous"):
        found = base - dt.timedelta(days=(base.weekday() - wd - 1) % 7 + 1)
    elif tense == "past" and not groups.get("wrel"):
        found = base - dt.timedelta(days=(base.weekday() - wd) % 7)
    else:  # alone, 'this' or 'coming': the next one after the article's date
        found = base + dt.timedelta(days=(wd - base.weekday() - 1) % 7 + 1)
    if groups.get("wafter"):
        found += dt.timedelta(days=7)
    return found.isoformat(), "day"


def weekday_day(groups: dict[str, str], lexicon: dict[str, Any], published: str, tense: str) -> tuple[str, str]:
    """'Tuesday the 19th': the nearest month (forward, or back in a past-tense clause) whose 19th
    is a Tuesday."""
    wd = lookup(lexicon["weekdays"], groups["weekday"].rstrip("."))
    day = int(groups["day"])

    def make(year: int, month: int) -> dt.date | None:
        found = calendar_date(year, month, day)
        return found if found and found.weekday() == wd else None
    return _next_or_last(make, published, tense, "month")


def agree_weekday(iso: str, groups: dict[str, str], lexicon: dict[str, Any], year_given: bool) -> str:
    """'Fri, Jul 18' with no year: the year nearest the resolved one whose Jul 18 is a Friday."""
    wd = lookup(lexicon["weekdays"], groups["weekday"].rstrip("."))
    if not iso or iso.startswith("X") or wd is None or year_given:
        return iso
    date = dt.date.fromisoformat(iso)
    for shift in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6):
        found = calendar_date(date.year + shift, date.month, date.day)
        if found and found.weekday() == wd:
            return found.isoformat()
    return iso


def nth_weekday(groups: dict[str, str], lexicon: dict[str, Any], year: int, month: int) -> tuple[str, str]:
    """'the first Tuesday of October 2014', 'the last Monday of March', 'the last day of October'."""
    days = calendar.monthrange(year, month)[1]
    if groups.get("nthday"):
        return dt.date(year, month, days).isoformat(), "day"
    wd = lookup(lexicon["weekdays"], groups["weekday"].rstrip("."))
    matching = [d for d in range(1, days + 1) if dt.date(year, month, d).weekday() == wd]
    n = NTH[groups["nth"].lower()]
    if wd is None or n > len(matching):
        return UNKNOWN
    return dt.date(year, month, matching[n - 1 if n > 0 else -1]).isoformat(), "day"


def shifted_month(published: str, shift_word: str) -> tuple[int, int] | None:
    """('next', 2013-02-12) -> (2013, 3)."""
    if not published:
        return None
    base = dt.date.fromisoformat(published)
    index = base.year * 12 + base.month - 1 + WEEK_SHIFT.get((shift_word or "this").lower(), 0)
    return index // 12, index % 12 + 1


def offset_date(groups: dict[str, str], lexicon: dict[str, Any], published: str) -> tuple[str, str]:
    """'in two weeks', 'three months ago', 'a week hence', '3 Fridays from now' from the article's
    date; years counted back or forth are known to the month ('two years ago' -> 2011-02)."""
    if not published:
        return UNKNOWN
    base = dt.date.fromisoformat(published)
    count = offset_count(groups, lexicon)
    if count is None or count != int(count) or count > 1000:
        return UNKNOWN
    n = int(count) * (-1 if (groups.get("dir") or "").lower() in ("ago", "back") else 1)
    if groups.get("weekdays"):
        wd = lookup(lexicon["weekdays"], groups["weekdays"][:-1])
        if n > 0:
            first = base + dt.timedelta(days=(wd - base.weekday() - 1) % 7 + 1)
            return (first + dt.timedelta(days=7 * (n - 1))).isoformat(), "day"
        last = base - dt.timedelta(days=(base.weekday() - wd - 1) % 7 + 1)
        return (last + dt.timedelta(days=7 * (n + 1))).isoformat(), "day"
    unit = lookup(lexicon["date_units"], groups["dunit"])
    if unit == "day":
        return (base + dt.timedelta(days=n)).isoformat(), "day"
    if unit == "week":
        return (base + dt.timedelta(weeks=n)).isoformat(), "day"
    months = n * (12 if unit == "year" else 1)
    index = base.year * 12 + base.month - 1 + months
    year, month = index // 12, index % 12 + 1
    if unit == "year" and "from" not in (groups.get("dir") or ""):
        return f"{year:04d}-{month:02d}", "month"
    day = min(base.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day).isoformat(), "day"


def offset_count(groups: dict[str, str], lexicon: dict[str, Any]) -> float | None:
    """The number of units in 'in two weeks', 'a week ago', '3 years from today'."""
    if groups.get("one"):
        return 1.0
    if groups.get("num"):
        return float(groups["num"]) if groups["num"].isdigit() else None
    return parse_word_number(groups.get("wordnum", ""), lexicon)


def relative_span(groups: dict[str, str], lexicon: dict[str, Any], published: str) -> tuple[str, str]:
    """'the last two years' -> 2023/2024, 'the next three months' -> 2025-10/2025-12, 'the past 2
    days' -> the two days before the article's: the article's own day, month or year is not in it."""
    if not published:
        return UNKNOWN
    base = dt.date.fromisoformat(published)
    count = offset_count(groups, lexicon)
    if count is None or count != int(count) or not 0 < count <= 1000:
        return UNKNOWN
    n = int(count)
    back = groups["span"].lower() in ("last", "past", "previous")
    unit = lookup(lexicon["date_units"], groups["dunit"])
    if unit in ("day", "week"):
        days = n * (7 if unit == "week" else 1)
        first, last = (base - dt.timedelta(days=days), base - dt.timedelta(days=1)) if back else \
            (base + dt.timedelta(days=1), base + dt.timedelta(days=days))
        return f"{first.isoformat()}/{last.isoformat()}", "day"
    if unit == "year":
        first, last = (base.year - n, base.year - 1) if back else (base.year + 1, base.year + n)
        return f"{first}/{last}", "year"
    index = base.year * 12 + base.month - 1
    lo, hi = (index - n, index - 1) if back else (index + 1, index + n)
    return f"{lo // 12}-{lo % 12 + 1:02d}/{hi // 12}-{hi % 12 + 1:02d}", "month"
