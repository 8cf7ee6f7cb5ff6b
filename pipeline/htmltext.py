"""Main text and metadata of an HTML news page, through libraries made for news pages.

`trafilatura` finds the article's main text (navigation, footers, sidebars, cookie banners,
share buttons and scripts are left out) and its title; `htmldate` finds the publication date in
the markup (`article:published_time` and other meta tags, JSON-LD `datePublished`, `<time
datetime>`, dated URLs, date classes). Only the original publication date is asked for, never
the last modification, and the date window is fixed (never "today"), so the same page always
gives the same date.

    >>> text, meta = html_to_text("<html><head><meta property='article:published_time' "
    ...     "content='2024-05-02T10:00:00Z'></head><body><nav>Home | Politics</nav>"
    ...     "<p>Renault invested &euro;5m.</p></body></html>")
    >>> text, meta["published"]
    ('Renault invested €5m.', '2024-05-02')
"""
from __future__ import annotations

import logging
import re

MIN_DATE = "1900-01-01"
MAX_DATE = "2099-12-31"  # a fixed window: htmldate's default upper bound is the clock's today

for _name in ("trafilatura", "htmldate", "courlan"):  # their warnings about odd pages are not ours to print
    logging.getLogger(_name).setLevel(logging.ERROR)


def _paragraphs(text: str) -> str:
    """One blank line between paragraphs, runs of spaces folded, as the rest of the pipeline reads text."""
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v\n]*", "\n\n", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def publication_date(markup: str) -> str:
    """The page's original publication date from its markup (YYYY-MM-DD), or ""."""
    import htmldate

    try:
        found = htmldate.find_date(markup, original_date=True, extensive_search=False,
                                   min_date=MIN_DATE, max_date=MAX_DATE)
    except (ValueError, TypeError):
        return ""
    return found or ""


def headline(title: str) -> str:
    """The headline in a page title, or "" when the title is only a site or section name: the
    longest part between ' | ', ' - ', ' – ', ' — ' separators ('Toyota to invest €300m | Reuters'),
    kept when it has four words or more ('Economic Development News' alone is a section name)."""
    parts = [p.strip() for p in re.split(r"\s+[|–—-]\s+", title.strip()) if p.strip()]
    best = max(parts, key=len) if parts else ""
    return best if len(best.split()) >= 4 else ""


def _without_section_labels(text: str, markup: str) -> str:
    """Drop leading lines that repeat the text of one of the page's links: a section heading such
    as 'Economic Development News' that is also a menu entry names the site's section, not the
    article."""
    links = {re.sub(r"\s+", " ", m).strip().casefold() for m in re.findall(r"<a\b[^>]*>([^<]{1,80})</a>", markup[:200_000])}
    lines = text.split("\n")
    while lines and (not lines[0].strip() or lines[0].strip().casefold() in links):
        lines.pop(0)
    return "\n".join(lines)


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """The main text of a news page (headline first, paragraphs on their own lines) and its
    metadata: `published` (YYYY-MM-DD or ""), `title`, `url` (canonical or og:url)."""
    import trafilatura

    doc = None
    if markup.strip():
        try:
            # trafilatura unescapes the text once more after the parser did: '&amp;' is escaped
            # once more first, so 'AT&amp;amp;T' stays 'AT&amp;T' and 'AT&amp;T' is 'AT&T'
            doc = trafilatura.bare_extraction(markup.replace("&amp;", "&amp;amp;"), with_metadata=True, include_comments=False,
                                              include_tables=True, include_images=False, deduplicate=False,
                                              favor_precision=True)
        except (ValueError, TypeError, AttributeError):  # lxml gives up on some broken pages
            doc = None
    if doc is not None and (doc.text or "").strip():
        text = doc.text
        text = _without_section_labels(text, markup)
        title = headline(doc.title or "")
        if title and not text.lstrip().startswith(title):
            text = f"{title}\n{text}"
        meta = {"title": title, "url": doc.url or ""}
    else:  # too short or too odd for main-text extraction: every visible line, still without scripts
        page = markup if re.search(r"<body\b", markup, re.I) else f"<html><body>{markup}</body></html>"  # a bare fragment
        text = trafilatura.html2txt(page) if markup.strip() else ""
        meta = {"title": "", "url": ""}
    meta["published"] = publication_date(markup) if markup.strip() else ""
    return _paragraphs(text), meta
