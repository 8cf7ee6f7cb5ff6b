"""The functions the CLI, notebooks and runners share: extract, reconcile, write."""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language

from pipeline.config import Settings
from pipeline.entity_resolution import EntityRecord, apply_names, resolve_entities
from pipeline.errors import ConfigError, InputError, OutputError, is_note
from pipeline.export import (CONFLICT_COLUMNS, ENTITY_COLUMNS, ERROR_COLUMNS, FACT_COLUMNS, MENTION_COLUMNS,
                             PROVENANCE_COLUMNS, conflict_rows, entity_rows, error_rows, fact_rows, mention_rows,
                             provenance_rows, render_csv)
from pipeline.extract.mentions import analyze
from pipeline.extract.article_facts import facts_and_outcomes
from pipeline.ingest import read_inputs
from pipeline.nlp import build_nlp, parse_articles
from pipeline.patterns import PatternSet, load_patterns
from pipeline.reconcile import provenance, reconcile
from pipeline.tables import fact_frame, typed_output_files
from pipeline.outputs import outputs_current, run_lock, write_output_set
from pipeline.store import Store, StoreCorrupt, article_key, destroy, model_version, store_errors, version_stamp
from pipeline.types import Article, ArticleError, Fact, Mention, ReconciledFact

BATCH = 32


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
    extracted: int = 0
    from_store: int = 0
    pipeline_builds: int = 0  # dask engine: most builds of the Language in one worker process
    unchanged: bool = False  # nothing new since the last run: the CSVs were left as they are
    stored_summary: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. the store was rebuilt (E063)
    seconds: float = 0.0

    def summary(self) -> str:
        counts = self.stored_summary if self.unchanged else _counts(self)
        failed = len({e.path for e in self.errors if not is_note(e.code)})
        skipped = sum(1 for e in self.errors if e.code == "E011")
        unsupported = sum(1 for e in self.errors if e.code == "E019")
        note = " (nothing new: outputs unchanged)" if self.unchanged else ""
        return (f"articles: {len(self.articles)} ({self.extracted} new, {self.from_store} from the store), {failed} failed, "
                f"{skipped} duplicates skipped, {unsupported} unsupported files skipped | mentions: {counts['mentions']} | facts: {counts['facts']} -> "
                f"{counts['rows']} rows ({counts['agreed']} agreed, {counts['single']} single, {counts['conflict']} conflicts, "
                f"{counts['superseded']} superseded) | {self.seconds:.1f}s{note}")


def extract_articles(articles: Iterable[Article], nlp: Language, pset: PatternSet, *,
                     batch_size: int = BATCH, errors: list[ArticleError] | None = None) -> Iterator[ArticleResult]:
    """Mentions and facts of each article; an article that fails (in spaCy or in our stages) is
    reported, the others go on."""
    for doc, article in _parse_isolated(nlp, list(articles), batch_size, errors):
        try:
            analysis = analyze(doc, article, pset)
            facts, mentions = facts_and_outcomes(analysis, pset)
        except Exception as exc:  # one bad article never loses the others
            _failed(errors, article, exc)
            continue
        yield ArticleResult(article, mentions, facts)


def _failed(errors: list[ArticleError] | None, article: Article, exc: BaseException) -> None:
    if errors is not None:
        where = article.path or article.id
        errors.append(ArticleError(where, "extract", "E090",
                                   f"[E090] {where}: extraction failed: {type(exc).__name__}: {exc}"))


def _parse_isolated(nlp: Language, articles: list[Article], batch_size: int,
                    errors: list[ArticleError] | None) -> Iterator[tuple[object, Article]]:
    """Docs of a batch through `nlp.pipe`; if the pipe raises, the batch is parsed again one article
    at a time so only the article that raises is lost (E090)."""
    try:
        parsed = list(parse_articles(nlp, articles, batch_size=batch_size))
    except Exception:
        parsed = None
    if parsed is not None:
        yield from parsed
        return
    for article in articles:
        try:
            doc = nlp(article.text)
        except Exception as exc:
            _failed(errors, article, exc)
            continue
        yield doc, article


_WORKER: dict[str, object] = {}


def _worker_init(settings: Settings) -> None:
    """Runs once per worker process: the Language is built once, not once per task."""
    _WORKER["nlp"], _WORKER["pset"] = build_nlp(settings)
    _WORKER["nlp"].max_length = max(_WORKER["nlp"].max_length, settings.max_chars + 1)  # type: ignore[attr-defined]


def _worker_extract(articles: list[Article]) -> tuple[list[ArticleResult], list[ArticleError]]:
    errors: list[ArticleError] = []
    results = list(extract_articles(articles, _WORKER["nlp"], _WORKER["pset"], errors=errors))  # type: ignore[arg-type]
    return results, errors


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _extract_all(todo: list[Article], settings: Settings, nlp: Language | None, pset: PatternSet,
                 errors: list[ArticleError]) -> Iterator[list[ArticleResult]]:
    """Extraction results batch by batch, in one process or in `settings.workers` processes."""
    if settings.workers > 1 and len(todo) > BATCH:
        with ProcessPoolExecutor(settings.workers, initializer=_worker_init, initargs=(settings,)) as pool:
            for results, errs in pool.map(_worker_extract, _batches(todo, BATCH)):
                errors.extend(errs)
                yield results
        return
    if nlp is None:
        nlp, pset = build_nlp(settings, pset)
    nlp.max_length = max(nlp.max_length, settings.max_chars + 1)
    for batch in _batches(todo, BATCH):
        yield list(extract_articles(batch, nlp, pset, batch_size=settings.batch_size, errors=errors))


def _progress(total: int, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="article", disable=quiet or total < 2 or not sys.stderr.isatty(), leave=False)


def run(inputs: list[str | Path], settings: Settings | None = None, *, write: bool = False,
        nlp: Language | None = None, pset: PatternSet | None = None, full: bool = False,
        quiet: bool = True) -> RunResult:
    """Read, extract what is new (the rest comes from the store), reconcile everything, and, when
    `write=True`, write every output file as one set (pipeline/outputs.py). Nothing touches the
    disk unless asked: the store is used when writing or when `settings.store` names one. Outputs
    are never replaced when a named input does not exist (ConfigError E046) or when nothing at all
    could be read (E047 in `errors`)."""
    settings = settings or Settings(use_store=False)
    if not write and settings.store is None:
        settings = replace(settings, use_store=False)
    for raw in inputs:
        if not os.path.lexists(raw):
            raise ConfigError("E046", path=raw)
    if not write:
        return _run(inputs, settings, write=False, nlp=nlp, pset=pset, full=full, quiet=quiet)
    with run_lock(Path(settings.out)):  # two runs on the same outputs never interleave
        return _run(inputs, settings, write=True, nlp=nlp, pset=pset, full=full, quiet=quiet)


def _run(inputs: list[str | Path], settings: Settings, *, write: bool, nlp: Language | None,
         pset: PatternSet | None, full: bool, quiet: bool) -> RunResult:
    started = time.perf_counter()
    pset = pset or load_patterns(settings.patterns_dir)
    articles, errors = read_inputs(inputs, published=settings.published, max_chars=settings.max_chars,
                                   force_published=settings.force_published)
    if not articles and not errors:
        raise ConfigError("E041", inputs=", ".join(map(str, inputs)))
    stamp = version_stamp(settings.patterns_dir, settings.model, model_version(settings.model))
    keys = [article_key(a) for a in articles]
    fingerprint = _fingerprint(stamp, keys, errors, settings)
    notes: list[str] = []
    for attempt in (1, 2):
        result = RunResult(errors=list(errors), notes=notes)
        try:
            done = _extract_and_load(result, articles, keys, stamp, fingerprint, settings, nlp, pset,
                                     write=write, full=full, quiet=quiet)
            break
        except StoreCorrupt as exc:  # damage found while reading it: the store is a cache, rebuild
            if attempt == 2:
                raise OutputError("E062", path=settings.store_path, reason=str(exc)) from None
            destroy(Path(settings.store_path))
            notes.append(str(OutputError("E063", path=settings.store_path, reason=str(exc))))
    if done:
        result.seconds = time.perf_counter() - started
        return result
    errors = result.errors
    failed = {e.path for e in errors if e.stage == "extract"}
    result.articles = [a for a in articles if (a.path or a.id) not in failed]
    mapping, result.entities = resolve_entities(result.mentions, [g.id for g in pset.gazetteer],
                                                    pset.open_rules.words["plant_descriptors"])
    result.facts = apply_names(result.facts, mapping)
    result.rows, result.conflicts = reconcile(result.facts)
    result.seconds = time.perf_counter() - started
    if write:
        if not result.articles:  # nothing read: a typo or an empty folder never wipes earlier outputs
            result.errors.append(ArticleError("", "ingest", "E047", str(InputError(
                "E047", inputs=", ".join(map(str, inputs))))))
        else:
            write_outputs(result, settings, fingerprint=fingerprint)
    return result


def _extract_and_load(result: RunResult, articles: list[Article], keys: list[str], stamp: str, fingerprint: str,
                      settings: Settings, nlp: Language | None, pset: PatternSet, *, write: bool, full: bool,
                      quiet: bool) -> bool:
    """Extract what the store lacks and load every article's mentions and facts into `result`.
    True when nothing changed since the last run and its outputs are still the visible ones."""
    store = Store(settings.store_path) if settings.store_path else None
    if store is not None and store.rebuilt:
        result.notes.append(str(OutputError("E063", path=store.path, reason=store.rebuilt)))
    errors = result.errors
    try:
        with store_errors(settings.store_path or Path(".")):
            if store is not None:
                store.purge_other_stamps(stamp)
            known = set() if store is None or full else store.known_keys(stamp)
            todo = [a for k, a in zip(keys, articles) if k not in known]
            if store is not None and write and not todo and not full:
                summary = outputs_current(Path(settings.out), _output_paths(settings), fingerprint)
                if summary is not None:  # nothing new: the visible outputs already say it all
                    result.articles, result.from_store, result.unchanged = articles, len(articles), True
                    result.stored_summary = summary
                    return True
            fresh: dict[str, ArticleResult] = {}
            with _progress(len(todo), quiet) as bar:
                for results in _extract_all(todo, settings, nlp, pset, errors):
                    if store is not None:
                        store.put_many(stamp, [(article_key(r.article), r.article, r.mentions, r.facts) for r in results])
                    else:
                        fresh.update((article_key(r.article), r) for r in results)
                    bar.update(len(results))
            result.extracted = len(todo)
            result.from_store = len(articles) - len(todo)
            stored = store.load(keys, stamp) if store is not None else (
                (fresh[k].mentions, fresh[k].facts) for k in keys if k in fresh)
            for mentions, facts in stored:
                result.mentions.extend(mentions)
                result.facts.extend(facts)
    finally:
        if store is not None:
            store.db.close()
    return False


def _fingerprint(stamp: str, keys: list[str], errors: list[ArticleError], settings: Settings) -> str:
    """What a run's outputs depend on: the version stamp, the articles, the input errors, the paths."""
    payload = json.dumps([stamp, keys, sorted((e.path, e.code, e.message) for e in errors),
                          str(Path(settings.out).absolute()), str(Path(settings.mentions).absolute())],
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _output_paths(settings: Settings) -> list[Path]:
    beside = Path(settings.out).parent
    return [Path(settings.out), Path(settings.mentions)] + [beside / n for n in
                                                            ("errors.csv", "conflicts.csv", "entities.csv", "provenance.csv",
                                                             "facts.parquet", "mentions.parquet", "datapackage.json")]


def _counts(result: RunResult) -> dict[str, int]:
    statuses = {s: sum(1 for r in result.rows if r.status == s) for s in ("single", "agreed", "conflict", "superseded")}
    return {"mentions": len(result.mentions), "facts": len(result.facts), "rows": len(result.rows), **statuses}


def write_outputs(result: RunResult, settings: Settings, *, fingerprint: str = "") -> None:
    """facts.csv, mentions.csv and, beside the facts, errors.csv, conflicts.csv, entities.csv,
    provenance.csv, the typed facts.parquet and mentions.parquet, and datapackage.json (every
    column described), replaced as one set (pipeline/outputs.py)."""
    out = Path(settings.out)
    beside = out.parent
    files: dict[Path, str | bytes] = {
        out: render_csv(FACT_COLUMNS, fact_rows(result.rows)),
        Path(settings.mentions): render_csv(MENTION_COLUMNS, mention_rows(result.mentions)),
        beside / "errors.csv": render_csv(ERROR_COLUMNS, error_rows(result.errors)),
        beside / "conflicts.csv": render_csv(CONFLICT_COLUMNS, conflict_rows(result.conflicts)),
        beside / "entities.csv": render_csv(ENTITY_COLUMNS, entity_rows(result.entities)),
        beside / "provenance.csv": render_csv(PROVENANCE_COLUMNS, provenance_rows(provenance(result.rows, result.facts))),
    }
    files.update(typed_output_files(result.rows, result.mentions, beside, out, Path(settings.mentions)))
    write_output_set(out, files, fingerprint=fingerprint, summary=_counts(result))


def to_frame(rows: Iterable[ReconciledFact]):
    """Reconciled facts as a typed pandas DataFrame: the columns of facts.csv (numbers as numbers,
    lists as lists, empty cells missing) plus amount, currency, date_start/date_end/date_precision
    and period_year; the same columns and dtypes as facts.parquet (see pipeline.tables)."""
    return fact_frame(rows)
