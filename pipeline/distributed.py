"""The Dask engine: the same stages as the local engine, spread over a Dask cluster.

- Extraction maps over partitions of articles; each worker process builds the spaCy pipeline once
  (on its first task) and keeps it. Each partition writes its facts as one Parquet file.
- Entity names are resolved on the client over all mentions (they are needed for mentions.csv).
- Reconciliation reads the Parquet facts as a Dask DataFrame, shuffles on the fact key, and runs
  `reconcile.merge_blocks` (the local engine's merge) on each partition.
The CSVs are byte-identical to the local engine's on the same input.

Install with `pip install .[dask]`; workers need this package, its patterns/ folder and the model.
"""
from __future__ import annotations

import logging
import os
import tempfile
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Settings
from pipeline.entity_resolution import apply_names, resolve_entities
from pipeline.errors import ConfigError
from pipeline.ingest import read_inputs
from pipeline.patterns import load_patterns
from pipeline.reconcile import assemble, fact_key, merge_blocks
from pipeline.types import Article, ArticleError, Fact

FACT_FIELDS = [f.name for f in fields(Fact)]
_WORKER_STATE: dict[str, Any] = {}


def _worker_pipeline(settings: Settings):
    """The Language of this worker process, built on its first task only."""
    key = (str(settings.patterns_dir), settings.model)
    if _WORKER_STATE.get("key") != key:
        from pipeline.nlp import build_nlp

        _WORKER_STATE["nlp"], _WORKER_STATE["pset"] = build_nlp(settings)
        _WORKER_STATE["key"] = key
        _WORKER_STATE["builds"] = _WORKER_STATE.get("builds", 0) + 1
    return _WORKER_STATE["nlp"], _WORKER_STATE["pset"]


def extract_partition(articles: list[Article], settings: Settings, parquet_path: str):
    """One partition: extract, write its facts as Parquet, return mentions, errors and the number
    of times this worker has built the pipeline (for tests)."""
    from pipeline.api import extract_articles

    nlp, pset = _worker_pipeline(settings)
    nlp.max_length = max(nlp.max_length, settings.max_chars + 1)
    errors: list[ArticleError] = []
    results = list(extract_articles(articles, nlp, pset, errors=errors))
    facts = [f for r in results for f in r.facts]
    frame = pd.DataFrame([[getattr(f, n) for n in FACT_FIELDS] for f in facts], columns=FACT_FIELDS)
    frame = frame.astype({n: ("int64" if n in ("start", "end") else "string") for n in FACT_FIELDS})
    tmp = parquet_path + ".tmp"
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, parquet_path)
    return [m for r in results for m in r.mentions], errors, [r.article.id for r in results], _WORKER_STATE["builds"]


def facts_from_frame(frame: pd.DataFrame) -> list[Fact]:
    """Facts back from a Parquet partition (offsets as ints, everything else as text)."""
    return [Fact(**{k: (int(v) if k in ("start", "end") else str(v)) for k, v in row.items() if k in FACT_FIELDS})
            for row in frame.to_dict("records")]


def _merge_partition(frame: pd.DataFrame) -> pd.DataFrame:
    merged = merge_blocks(facts_from_frame(frame))
    return pd.DataFrame({"key": [repr(k) for k, _, _ in merged], "merged": [m for m in merged]},
                        columns=["key", "merged"])


def run_dask(inputs: list[str | Path], settings: Settings, *, scheduler: str | None = None, workers: int = 2,
             partition_size: int = 32, client: Any = None, parquet_dir: str | None = None):
    """The pipeline on Dask; returns the same RunResult as the local engine. With a remote
    cluster, `parquet_dir` must be storage every worker and this client can reach."""
    try:
        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # the optional extra is not installed
        raise ConfigError("E043") from exc
    from pipeline.api import RunResult

    started = time.perf_counter()
    pset = load_patterns(settings.patterns_dir)
    articles, errors = read_inputs(inputs, published=settings.published, max_chars=settings.max_chars,
                                   force_published=settings.force_published)
    if not articles and not errors:
        raise ConfigError("E041", inputs=", ".join(map(str, inputs)))
    own_client = client is None
    if own_client:
        client = Client(scheduler) if scheduler else Client(LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR))
    result = RunResult(errors=errors)
    try:
        with tempfile.TemporaryDirectory(prefix="press-facts-", dir=parquet_dir) as tmp:
            parts = [articles[i:i + partition_size] for i in range(0, len(articles), partition_size)]
            paths = [str(Path(tmp) / f"facts-{i:06d}.parquet") for i in range(len(parts))]
            futures = client.map(extract_partition, parts, [settings] * len(parts), paths, pure=False, retries=3)
            done_ids: set[str] = set()
            for mentions, errs, ids, builds in client.gather(futures):
                result.pipeline_builds = max(result.pipeline_builds, builds)
                result.mentions.extend(mentions)
                errors.extend(errs)
                done_ids.update(ids)
            result.articles = [a for a in articles if a.id in done_ids]
            result.extracted = len(result.articles)
            mapping, result.entities = resolve_entities(result.mentions, [g.id for g in pset.gazetteer],
                                                    pset.open_rules.words["plant_descriptors"])
            facts = dd.read_parquet(paths)

            def rename(frame: pd.DataFrame) -> pd.DataFrame:
                renamed = apply_names(facts_from_frame(frame), mapping)
                out = pd.DataFrame([[getattr(f, n) for n in FACT_FIELDS] for f in renamed], columns=FACT_FIELDS)
                out["key"] = [repr(fact_key(f)) for f in renamed]
                return out

            meta = pd.DataFrame({n: pd.Series(dtype="int64" if n in ("start", "end") else "object") for n in FACT_FIELDS + ["key"]})
            keyed = facts.map_partitions(rename, meta=meta)
            shuffled = keyed.shuffle("key", npartitions=max(1, min(len(paths), 2 * workers)))
            merged_meta = pd.DataFrame({"key": pd.Series(dtype="object"), "merged": pd.Series(dtype="object")})
            merged = shuffled.map_partitions(_merge_partition, meta=merged_meta).compute()
            result.rows, result.conflicts = assemble(list(merged["merged"]))
            for path in paths:
                result.facts.extend(apply_names(facts_from_frame(pd.read_parquet(path)), mapping))
    finally:
        if own_client:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()
    result.seconds = time.perf_counter() - started
    return result
