"""Doc -> ArticleView: the plain, JSON-able record of one parsed article that the facts stage reads.

The facts stage never touches spaCy: everything it needs from the parse (sentences, tokens with
their lemma, part of speech and dependency head, entity and value mentions, rates) is copied here
once. A view can be stored, compared and rebuilt by hand in tests (`ArticleView.from_json`).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.types import Article, Mention


@dataclass(frozen=True)
class Tok:
    """One token: its index in the article, its character offset and its syntax."""

    i: int
    idx: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int  # index of the head token (itself for a sentence root)
    sent: int  # index of its sentence

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def end(self) -> int:
        return self.idx + len(self.text)


@dataclass(frozen=True)
class Sent:
    """A sentence: character span and token range [first, last)."""

    start: int
    end: int
    first: int
    last: int


@dataclass(frozen=True)
class ArticleView:
    """What the facts stage knows about one article."""

    article: Article
    tokens: tuple[Tok, ...]
    sentences: tuple[Sent, ...]
    entities: tuple[Mention, ...]
    values: tuple[Mention, ...]
    rates: dict[int, str] = field(default_factory=dict)
    person_orgs: dict[str, str] = field(default_factory=dict)  # person -> the organisation of their role

    @property
    def text(self) -> str:
        return self.article.text

    def to_json(self) -> str:
        data = {"article": asdict(self.article), "tokens": [list(asdict(t).values()) for t in self.tokens],
                "sentences": [list(asdict(s).values()) for s in self.sentences],
                "entities": [asdict(m) for m in self.entities], "values": [asdict(m) for m in self.values],
                "rates": {str(k): v for k, v in sorted(self.rates.items())},
                "person_orgs": dict(sorted(self.person_orgs.items()))}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, payload: str) -> "ArticleView":
        data: dict[str, Any] = json.loads(payload)
        art = dict(data["article"])
        art["dateline"] = tuple(art.get("dateline") or (0, 0))
        return cls(Article(**art), tuple(Tok(*t) for t in data["tokens"]), tuple(Sent(*s) for s in data["sentences"]),
                   tuple(Mention(**m) for m in data["entities"]), tuple(Mention(**m) for m in data["values"]),
                   {int(k): v for k, v in data["rates"].items()}, dict(data.get("person_orgs", {})))


def build_view(doc: Any, article: Article, entities: list[Mention], values: list[Mention],
               rates: dict[int, str], person_orgs: dict[str, str] | None = None) -> ArticleView:
    """Copy what the facts stage needs out of a spaCy Doc (duck-typed: no spaCy import here)."""
    sentences: list[Sent] = []
    sent_of: dict[int, int] = {}
    for n, span in enumerate(doc.sents):
        sentences.append(Sent(span.start_char, span.end_char, span.start, span.end))
        for i in range(span.start, span.end):
            sent_of[i] = n
    tokens = tuple(Tok(t.i, t.idx, t.text, t.lemma_.lower(), t.pos_, t.tag_, t.dep_, t.head.i, sent_of.get(t.i, 0))
                   for t in doc)
    return ArticleView(article, tokens, tuple(sentences), tuple(entities), tuple(values), dict(rates),
                       dict(person_orgs or {}))


def view_from_words(words: list[str], *, heads: list[int] | None = None, deps: list[str] | None = None,
                    pos: list[str] | None = None, lemmas: list[str] | None = None, sent_starts: list[int] | None = None,
                    entities: list[tuple[str, str, str, str]] = (), values: list[tuple[str, str, str, str]] = (),
                    article_id: str = "t", published: str = "") -> ArticleView:
    """A view built by hand for tests, like spaCy's `Doc(vocab, words=..., heads=..., deps=...)`:
    words joined by single spaces; `heads` absolute indices; entities as (text, label, kind,
    canonical) and values as (text, label, value, unit), each found at its first occurrence."""
    n = len(words)
    heads = heads if heads is not None else list(range(n))
    deps = deps or ["dep"] * n
    pos = pos or ["X"] * n
    lemmas = lemmas or [w.lower() for w in words]
    starts = sorted(set(sent_starts or [0]) | {0})
    offsets, cursor = [], 0
    for w in words:
        offsets.append(cursor)
        cursor += len(w) + 1
    text = " ".join(words)
    sent_index = [sum(1 for s in starts if s <= i) - 1 for i in range(n)]
    tokens = tuple(Tok(i, offsets[i], words[i], lemmas[i].lower(), pos[i], "", deps[i], heads[i], sent_index[i])
                   for i in range(n))
    bounds = starts + [n]
    sentences = tuple(Sent(offsets[bounds[k]], offsets[bounds[k + 1] - 1] + len(words[bounds[k + 1] - 1]),
                           bounds[k], bounds[k + 1]) for k in range(len(starts)))
    art = Article(article_id, text, published=published)

    def find(surface: str) -> tuple[int, int]:
        at = text.find(surface)
        if at < 0:
            raise ValueError(f"{surface!r} is not in {text!r}")
        return at, at + len(surface)

    ents = tuple(Mention(article_id, label, s, *find(s), kind=kind, canonical=canon or s)
                 for s, label, kind, canon in entities)
    vals = tuple(Mention(article_id, label, s, *find(s), value=value, unit=unit) for s, label, value, unit in values)
    return ArticleView(art, tokens, sentences, ents, vals, {})
