"""press-facts command line: a thin layer over pipeline.api.

Exit status: 0 all good; 1 some inputs failed (see errors.csv), or nothing could be read (outputs
left as they were); 2 bad usage or configuration (including an input path that does not exist);
3 the outputs or the store cannot be written (read-only, disk full, another run holds the lock),
the previous outputs are left as they were.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import replace
from pathlib import Path

from pipeline.config import load_settings
from pipeline.errors import ConfigError, InputError, OutputError, PatternError, is_note


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="press-facts", description="Extract reconciled facts from press releases.")
    ap.add_argument("--version", action="version", version=f"press-facts {_version()}")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="extract facts from files or folders")
    run.add_argument("inputs", nargs="+", help=".txt, .md, .html, .json or .jsonl files, or folders of them")
    run.add_argument("--out", help="facts CSV (default data/facts.csv); errors, conflicts and provenance CSVs go beside it")
    run.add_argument("--mentions", help="mentions CSV (default: mentions.csv beside the facts CSV)")
    run.add_argument("--published", help="publication date YYYY-MM-DD for articles that state none (no JSON field, "
                     "no HTML date, no dateline); never overrides a stated date")
    run.add_argument("--force-published", action="store_true",
                     help="use --published for every article, even those that state their own date")
    run.add_argument("--model", help="spaCy model name (default en_core_web_sm, with fallbacks)")
    run.add_argument("--patterns", dest="patterns_dir", help="patterns folder (default: the project's patterns/)")
    run.add_argument("--store", help="SQLite store of extractions (default: store.sqlite beside the facts CSV)")
    run.add_argument("--no-store", action="store_true", help="extract everything, keep nothing between runs")
    run.add_argument("--full", action="store_true", help="re-extract every article even if stored")
    run.add_argument("--workers", type=int, help="extraction processes (default 1)")
    run.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local (default) or dask (a LocalCluster unless --scheduler is given)")
    run.add_argument("--scheduler", help="address of an existing Dask scheduler, e.g. tcp://host:8786")
    run.add_argument("--parquet-dir", help="dask engine: shared folder for the facts' Parquet partitions")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors (no progress bar, no summary)")
    rep = sub.add_parser("report", help="write a self-contained HTML review page")
    rep.add_argument("inputs", nargs="+")
    rep.add_argument("--out", default="data/report.html", help="the HTML file (default data/report.html)")
    rep.add_argument("--facts", help="where the facts CSV and the store live (default data/facts.csv)")
    rep.add_argument("--published", help="publication date YYYY-MM-DD for articles that state none")
    rep.add_argument("--force-published", action="store_true", help="use --published for every article")
    ev = sub.add_parser("evaluate", help="score a facts CSV against a gold CSV")
    ev.add_argument("predicted")
    ev.add_argument("gold", help="a gold CSV, or a folder of gold CSVs scored together")
    ev.add_argument("--show", action="store_true", help="list misses, extras and duplicates")
    ev.add_argument("--min-f1", type=float)
    ev.add_argument("--min-recall", type=float)
    ev.add_argument("--min-precision", type=float)
    return ap


def _version() -> str:
    from pipeline import __version__  # the one version number; pyproject.toml reads it from there

    return __version__


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ConfigError("E040", value=value) from None


def _check_force(args: argparse.Namespace) -> bool:
    if args.force_published and not args.published:
        raise ConfigError("E044")
    return bool(args.force_published)


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.api import run

    mentions = args.mentions or (str(Path(args.out).parent / "mentions.csv") if args.out else None)
    settings = load_settings().with_overrides(out=args.out, mentions=mentions, model=args.model,
                                              patterns_dir=args.patterns_dir, published=_check_date(args.published),
                                              store=args.store, workers=args.workers,
                                              force_published=_check_force(args))
    if args.no_store:
        settings = replace(settings, use_store=False)
    if settings.workers < 1:
        raise ConfigError("E042", value=settings.workers)
    for raw in args.inputs:  # a typo'd path is a usage error, before any engine starts
        if not os.path.lexists(raw):
            raise ConfigError("E046", path=raw)
    if args.engine == "dask":
        from pipeline.api import write_outputs
        from pipeline.distributed import run_dask

        result = run_dask([Path(p) for p in args.inputs], settings, scheduler=args.scheduler,
                          workers=max(2, settings.workers), parquet_dir=args.parquet_dir)
        if result.articles:
            from pipeline.outputs import run_lock

            with run_lock(settings.out):
                write_outputs(result, settings)
    else:
        result = run([Path(p) for p in args.inputs], settings, full=args.full, quiet=args.quiet, write=True)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    problems = sorted((e for e in result.errors if not is_note(e.code)), key=lambda e: e.path)
    for error in problems[:20]:
        print(f"error: {error.message}", file=sys.stderr)
    if len(problems) > 20:
        print(f"... and {len(problems) - 20} more errors: see errors.csv", file=sys.stderr)
    if not result.articles:
        if not any(e.code == "E047" for e in problems):
            print("error: " + str(InputError("E047", inputs=", ".join(args.inputs))), file=sys.stderr)
        return 1
    if not args.quiet:
        print(result.summary())
        print(f"wrote {settings.out} and {settings.mentions}")
    return 1 if problems else 0


def cmd_report(args: argparse.Namespace) -> int:
    """Reuses the stored extractions beside the facts CSV; writes only the HTML page."""
    from pipeline.api import run
    from pipeline.export import write_atomic
    from pipeline.report import render_report

    settings = load_settings().with_overrides(out=args.facts, published=_check_date(args.published),
                                              force_published=_check_force(args))
    result = run([Path(p) for p in args.inputs], settings.with_overrides(store=settings.store_path), write=False)
    if not result.articles:
        print("error: " + str(InputError("E047", inputs=", ".join(args.inputs))), file=sys.stderr)
        return 1
    try:
        write_atomic(Path(args.out), render_report(result))
    except OSError as exc:
        raise OutputError("E060", path=args.out, reason=exc.strerror or str(exc)) from None
    print(f"wrote {args.out} ({len(result.rows)} facts, {len(result.articles)} articles)")
    return 1 if [e for e in result.errors if not is_note(e.code)] else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate import score_files

    score = score_files(args.predicted, args.gold)
    print(score.report(show=args.show))
    failed = ((args.min_f1 is not None and score.f1 < args.min_f1)
              or (args.min_recall is not None and score.recall < args.min_recall)
              or (args.min_precision is not None and score.precision < args.min_precision))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"run": cmd_run, "evaluate": cmd_evaluate, "report": cmd_report}[args.command](args)
    except (ConfigError, PatternError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
