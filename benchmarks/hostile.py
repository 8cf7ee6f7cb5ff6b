"""Seconds per input size for each hostile input family, through the whole run (read, extract,
reconcile, write), each hostile file beside one good article.

    python benchmarks/hostile.py [--sizes 10000 20000 40000 80000 160000] [--families NAME ...]

Linear growth shows as a roughly constant "s per 10 kB" column down each family. The families
are the inputs of issue 16 that once took quadratic time; `ordinary` is a normal article repeated
to the same size, the yardstick.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOOD = "Nissan has invested £450 million in its Sunderland plant, which built 280,000 vehicles in 2023.\n"


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _ordinary(size: int) -> str:
    seeds = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    return _repeat(seeds + "\n\n", size)


def _key_figures(size: int) -> str:
    line = "| Revenue | €1,234.5 million | 12.5% | 2023 | 50 729 units | 3,400 staff |\n"
    return "# Key figures\n\n" + _repeat(line, size)


def _minified_json_md(size: int) -> str:
    blob = _repeat('{"id":12,"price":"€45.50","qty":300,"date":"2024-05-01","share":"12%"},', size)
    return "# Data\n\n```json\n[" + blob + "]\n```\n"


def _long_sentence(size: int) -> str:
    return _repeat("the Renault plant in Douai and the Zwickau plant of Volkswagen and ", size)


# name -> (file suffix, text of about `size` characters)
FAMILIES: dict[str, tuple[str, Callable[[int], str]]] = {
    "ordinary": (".txt", _ordinary),
    "currency_no_spaces": (".txt", lambda n: _repeat("€" + "x" * 300, n)),
    "minified_json_md": (".md", _minified_json_md),
    "semicolon_numbers": (".txt", lambda n: "Figures: " + _repeat("12; ", n)),
    "key_figure_table": (".md", _key_figures),
    "bidi_between_digits": (".txt", lambda n: "Output in units: " + _repeat("1\u200e2\u200f3 ", n)),
    "html_tag_soup": (".html", lambda n: _repeat("<a", n)),
    "html_open_comments": (".html", lambda n: _repeat("<!--", n)),
    "long_sentence": (".txt", _long_sentence),
}


def time_family(name: str, size: int, nlp, pset, workdir: Path) -> tuple[float, int]:
    """Seconds for a whole run over the hostile file beside the good article; facts written."""
    from pipeline.api import run
    from pipeline.config import Settings

    suffix, make = FAMILIES[name]
    folder = workdir / f"{name}-{size}"
    (folder / "in").mkdir(parents=True)
    (folder / "in" / f"hostile{suffix}").write_text(make(size), encoding="utf-8")
    (folder / "in" / "good.txt").write_text(GOOD, encoding="utf-8")
    settings = Settings(out=folder / "out" / "facts.csv", mentions=folder / "out" / "mentions.csv", use_store=False)
    started = time.perf_counter()
    result = run([folder / "in"], settings, nlp=nlp, pset=pset, write=True)
    seconds = time.perf_counter() - started
    good_rows = sum(1 for r in result.rows if "good" in r.sources)
    return seconds, good_rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000, 80_000, 160_000])
    ap.add_argument("--families", nargs="+", default=list(FAMILIES), choices=list(FAMILIES))
    args = ap.parse_args(argv)
    from pipeline.config import Settings
    from pipeline.nlp import build_nlp

    nlp, pset = build_nlp(Settings())
    nlp.max_length = max(nlp.max_length, 2_000_001)
    print(f"{'family':<22} {'chars':>8} {'seconds':>8} {'s per 10 kB':>11} {'good facts':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.families:
            for size in args.sizes:
                seconds, good = time_family(name, size, nlp, pset, Path(tmp))
                print(f"{name:<22} {size:>8} {seconds:>8.2f} {seconds / size * 10_000:>11.3f} {good:>10}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
