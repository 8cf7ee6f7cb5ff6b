"""The functions the CLI, notebooks and runners share: extract, reconcile, write."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language

from pipeline.config import Settings
from pipeline.entity_resolution import EntityRecord, apply_names, resolve_entities
from pipeline.errors import ConfigError
from pipeline.export import (CONFLICT_COLUMNS, ENTITY_COLUMNS, ERROR_COLUMNS, FACT_COLUMNS, MENTION_COLUMNS,
                             PROVENANCE_COLUMNS, conflict_rows, entity_rows, error_rows, fact_rows, mention_rows,
                             provenance_rows, render_csv,
                             to_frame as _to_frame, write_atomic)
from pipeline.extract.mentions import analyze
from pipeline.facts import extract_facts
from pipeline.ingest import read_inputs
from pipeline.nlp import build_nlp, parse_articles
from pipeline.patterns import PatternSet
from pipeline.reconcile import provenance, reconcile
from pipeline.types import Article, ArticleError, Fact, Mention, ReconciledFact


@dataclass
class ArticleResult:
    article: Article
    mentions: list[Mention]
    facts: list[Fact]


@dataclass
class RunResult:
    articles: list[Article] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    rows: list[ReconciledFact] = field(default_factory=list)
    conflicts: list[tuple[ReconciledFact, Fact]] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)
    entities: list[EntityRecord] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        statuses = {s: sum(1 for r in self.rows if r.status == s) for s in ("single", "agreed", "conflict")}
        return (f"articles: {len(self.articles)} read, {len({e.path for e in self.errors if e.stage != 'note'})} failed | "
                f"mentions: {len(self.mentions)} | facts: {len(self.facts)} -> {len(self.rows)} rows "
                f"({statuses['agreed']} agreed, {statuses['single']} single, {statuses['conflict']} conflict) | "
                f"{self.seconds:.1f}s")


def extract_articles(articles: Iterable[Article], nlp: Language, pset: PatternSet, *,
                     batch_size: int = 32, errors: list[ArticleError] | None = None) -> Iterator[ArticleResult]:
    """Mentions and facts of each article; an article that fails is reported, the others go on."""
    for doc, article in parse_articles(nlp, articles, batch_size=batch_size):
        try:
            analysis = analyze(doc, article, pset)
            facts = extract_facts(analysis, pset)
        except Exception as exc:  # one bad article never loses the others
            if errors is not None:
                errors.append(ArticleError(article.path or article.id, "extract", "E090",
                                           f"[E090] {article.path or article.id}: extraction failed: {type(exc).__name__}: {exc}"))
            continue
        yield ArticleResult(article, analysis.mentions, facts)


def run(inputs: list[str | Path], settings: Settings | None = None, *, write: bool = True,
        nlp: Language | None = None, pset: PatternSet | None = None) -> RunResult:
    """Read, extract, reconcile and (by default) write every output CSV."""
    settings = settings or Settings()
    started = time.perf_counter()
    if nlp is None or pset is None:
        nlp, pset = build_nlp(settings, pset)
    articles, errors = read_inputs(inputs, published=settings.published, max_chars=settings.max_chars)
    nlp.max_length = max(nlp.max_length, settings.max_chars + 1)
    if not articles and not errors:
        raise ConfigError("E041", inputs=", ".join(map(str, inputs)))
    result = RunResult(errors=errors)
    for item in extract_articles(articles, nlp, pset, batch_size=settings.batch_size, errors=errors):
        result.articles.append(item.article)
        result.mentions.extend(item.mentions)
        result.facts.extend(item.facts)
    mapping, result.entities = resolve_entities(result.mentions, [g.id for g in pset.gazetteer])
    result.facts = apply_names(result.facts, mapping)
    result.rows, result.conflicts = reconcile(result.facts)
    result.seconds = time.perf_counter() - started
    if write:
        write_outputs(result, settings)
    return result


def write_outputs(result: RunResult, settings: Settings) -> None:
    """facts.csv, mentions.csv and, beside the facts, errors.csv, conflicts.csv, entities.csv,
    provenance.csv."""
    out = Path(settings.out)
    beside = out.parent
    write_atomic(out, render_csv(FACT_COLUMNS, fact_rows(result.rows)))
    write_atomic(Path(settings.mentions), render_csv(MENTION_COLUMNS, mention_rows(result.mentions)))
    write_atomic(beside / "errors.csv", render_csv(ERROR_COLUMNS, error_rows(result.errors)))
    write_atomic(beside / "conflicts.csv", render_csv(CONFLICT_COLUMNS, conflict_rows(result.conflicts)))
    write_atomic(beside / "entities.csv", render_csv(ENTITY_COLUMNS, entity_rows(result.entities)))
    write_atomic(beside / "provenance.csv",
                 render_csv(PROVENANCE_COLUMNS, provenance_rows(provenance(result.rows, result.facts))))


def to_frame(rows: Iterable[ReconciledFact]):
    """Reconciled facts as a pandas DataFrame (the columns of facts.csv)."""
    return _to_frame(rows)
