"""Plain, frozen records that travel between the stages."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One press release as read from disk: text plus what we know about it."""

    id: str
    text: str
    path: str = ""
    source: str = ""
    url: str = ""
    published: str = ""  # ISO YYYY-MM-DD, or "" when unknown
    published_from: str = ""  # field | cli | dateline | ""
    dateline: tuple[int, int] = (0, 0)  # character span of the dateline, whose date is no fact


@dataclass(frozen=True)
class Mention:
    """A span of an article with a label and, for values, its normalized form."""

    article_id: str
    label: str
    text: str
    start: int
    end: int
    value: str = ""
    unit: str = ""
    precision: str = ""
    modifier: str = ""
    pattern_id: str = ""
    kind: str = ""  # entities: company, brand, plant, product, platform, body, person, place
    canonical: str = ""  # entities: canonical name; values: ""
    fed: str = ""  # values: the facts it fed ('attribute@subject;...') or why it fed none (facts stage)


@dataclass(frozen=True)
class Fact:
    """One attribute value attached to a subject by one rule in one article."""

    article_id: str
    subject: str
    attribute: str
    value: str
    value_type: str
    unit: str = ""
    period: str = ""
    modifier: str = ""
    modality: str = "actual"  # actual | planned
    evidence: str = ""
    start: int = 0
    end: int = 0
    rule_id: str = ""
    value_text: str = ""
    published: str = ""
    url: str = ""
    precision: str = ""
    qualifier: str = ""  # the kind of a value where the attribute has kinds: funding grant, loan, subsidy


@dataclass(frozen=True)
class ReconciledFact:
    """The merged view of one (subject, attribute, period, modality) across articles."""

    subject: str
    attribute: str
    value: str
    value_type: str
    unit: str
    period: str
    modifier: str
    status: str  # single | agreed | conflict | superseded
    n_sources: int
    sources: tuple[str, ...]
    evidence: str
    confidence: float
    modality: str = "actual"
    values: tuple[str, ...] = field(default_factory=tuple)
    rule_ids: tuple[str, ...] = field(default_factory=tuple)
    per_source: tuple[tuple[str, str, str, str, str], ...] = field(default_factory=tuple)  # (article, value, modifier, unit, published)
    qualifier: str = ""


@dataclass(frozen=True)
class ArticleError:
    """A problem with one input: which file, at which stage, what went wrong."""

    path: str
    stage: str
    code: str
    message: str
