"""The date an article states for itself, from a documented list of forms (no spaCy).

A date is one of:
  month-day-year  "September 16, 2025", "Jan. 5, 2024", "May 17th 2016", "December 05 2019"
  day-month-year  "16 September 2025", "18 May 2016", "17 Jan 2017"
  day-mon-year    "23-Nov-2007"
  iso             "2025-09-16", "2024-03-05T10:00:00Z"
  dotted          "19.01.2021" (day.month.year)
  slashed         "10/21/2024" or "21/10/2024" only when unambiguous (one number above 12);
                  "10/1/2024" could be January or October and is not read
optionally after a weekday ("Wednesday, October 13, 2010", "Tue, 17 Jan 2017") and before a
time and zone (", 12:00am EDT", " 03:52 PM ET", " - 01:17 pm", " 14:23:59 +0000").

The forms, each with an id (tests/corpus/datelines.jsonl holds positive and negative examples of
each; the first form found near the top wins, the labelled form also counts at the very end):
  dateline.place      a place, then the date, then a dash, slash or parenthesis:
                      "Douai, France – September 16, 2025 –", "PARIS, Jan. 5, 2024 /PRNewswire/ --",
                      "CHAMPAIGN, IL and GLENVIEW, IL, Jan. 19, 2021 (GLOBE NEWSWIRE) --"
  dateline.line       a line holding only a date (Markdown emphasis or a quote mark allowed):
                      "December 16, 2012", "June 19, 2007, 12:00am EDT", "*2021-02-22*",
                      "_Friday, July 24, 2009_", "Oct 16, 2023 03:52 PM ET", "23-Nov-2007"
  dateline.labelled   a label, then the date: "Published: 2023-03-07", "date 2025-06-12 ...",
                      "Posted on March 5, 2024", "Published at Tue, 17 Jan 2017 14:23:59 +0000"
                      ("Updated" is not a publication date and is not a label)
  dateline.lead       a paragraph that opens with the date and a dash: "Dec. 3, 2019 — The company"
A date in the middle of a sentence ("the closing was completed on December 29, 2009") is never
the article's date.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

HEAD_CHARS = 3000  # the top of the article, where datelines stand
TAIL_CHARS = 600  # the end, where a labelled "Published at ..." line may stand

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_MONTH_NUM = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for name in names}
_YEAR = r"(?:1[89]|20)\d\d"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?[ \t]+)?"
_ORD = r"(?:st|nd|rd|th)?"
_DATE = (rf"{_WEEKDAY}(?:(?P<mon>{MONTHS})\.?[ \t]+(?P<day>\d{{1,2}}){_ORD},?[ \t]+(?P<year>{_YEAR})"
         rf"|(?P<day2>\d{{1,2}}){_ORD}[ \t]+(?:of[ \t]+)?(?P<mon2>{MONTHS})\.?,?[ \t]+(?P<year2>{_YEAR})"
         rf"|(?P<day3>\d{{1,2}})-(?P<mon3>{MONTHS})-(?P<year3>{_YEAR})"
         rf"|(?P<iso>{_YEAR}-[01]\d-[0-3]\d)(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?"
         rf"|(?P<dd>\d{{1,2}})\.(?P<dm>\d{{1,2}})\.(?P<dy>{_YEAR})"
         rf"|(?P<s1>\d{{1,2}})/(?P<s2>\d{{1,2}})/(?P<sy>{_YEAR}))(?!\d)")
_TIME = (r"(?:[ \t]*(?:,|-|–|at|@)?[ \t]*\d{1,2}(?::\d\d){1,2}[ \t]*(?:[ap]\.?m\.?)?"
         r"(?:[ \t]*(?:[a-z]{2,4}|[+-]\d\d:?\d\d|gmt[+-]?\d{0,2}))?)?")
_LABEL = r"(?:published|posted|date|dated|release date|publication date|issued|first published)"

FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dateline.place", re.compile(rf"(?im)^[^\n]{{0,80}}?[,–—-][ \t]*{_DATE}{_TIME}[ \t]*(?:[–—-]|/|\(|$)")),
    ("dateline.line", re.compile(rf"(?im)^[ \t>*_#]*{_DATE}{_TIME}[ \t*_]*$")),
    ("dateline.labelled", re.compile(rf"(?im)^[ \t>*_#]*{_LABEL}[ \t]*(?:[:.-][ \t]*)?(?:(?:on|at)[ \t]+)?{_DATE}")),
    ("dateline.lead", re.compile(rf"(?im)^[ \t>*_]*{_DATE}{_TIME}[ \t*_]*[–—-]+[ \t]")),
)

_SPECIFIC = ("dateline.line", "dateline.labelled", "dateline.lead", "dateline.place")


class Dateline(NamedTuple):
    """The date an article states for itself: ISO day, character span, and the form's id."""

    iso: str
    start: int
    end: int
    form: str


NO_DATELINE = Dateline("", 0, 0, "")


def _iso(m: re.Match[str]) -> str:
    """The ISO day of a matched date, or "" for an impossible or ambiguous one."""
    g = m.groupdict()
    try:
        if g.get("iso"):
            return dt.date.fromisoformat(g["iso"]).isoformat()
        for mon, day, year in (("mon", "day", "year"), ("mon2", "day2", "year2"), ("mon3", "day3", "year3")):
            if g.get(mon):
                return dt.date(int(g[year]), _MONTH_NUM[g[mon].lower()], int(g[day])).isoformat()
        if g.get("dd"):
            return dt.date(int(g["dy"]), int(g["dm"]), int(g["dd"])).isoformat()
        first, second = int(g["s1"]), int(g["s2"])
        if (first > 12) == (second > 12):  # both could be the month (or neither): not read
            return ""
        month, day = (second, first) if first > 12 else (first, second)
        return dt.date(int(g["sy"]), month, day).isoformat()
    except (ValueError, KeyError, TypeError):
        return ""


def _first(text: str, offset: int, forms: tuple[tuple[str, re.Pattern[str]], ...]) -> Dateline:
    """The earliest dateline in `text`; where two forms match at the same place, the more specific
    one (a whole date line before a place dateline) names it."""
    found: list[tuple[int, int, Dateline]] = []
    for rank, (form, pattern) in enumerate(sorted(forms, key=lambda f: _SPECIFIC.index(f[0]))):
        for m in pattern.finditer(text):
            iso = _iso(m)
            if iso:
                found.append((m.start(), rank, Dateline(iso, offset + m.start(), offset + m.end(), form)))
                break
    return min(found)[2] if found else NO_DATELINE


def find_dateline(text: str) -> Dateline:
    """The article's own date near its top (or a labelled date at its very end); NO_DATELINE if none.

    >>> find_dateline("Douai, France – September 16, 2025 – Toyota said").iso
    '2025-09-16'
    >>> find_dateline("The deal closed on December 29, 2009, the company said.").iso
    ''
    """
    head = _first(text[:HEAD_CHARS], 0, FORMS)
    if head.iso or len(text) <= HEAD_CHARS:
        return head
    tail_start = max(HEAD_CHARS, len(text) - TAIL_CHARS)
    return _first(text[tail_start:], tail_start, tuple(f for f in FORMS if f[0] == "dateline.labelled"))
