"""Articles per second: the local engine against the Dask engine with 1 and 2 workers.

    python benchmarks/dask_engine.py --articles 4000

Uses the synthetic corpus of benchmarks/throughput.py, written to a temporary folder. Each
configuration starts from nothing (no store); a LocalCluster is started per Dask configuration and
its start-up is included in the time.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import corpus  # noqa: E402

from pipeline.api import run  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.distributed import run_dask  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=4000)
    args = ap.parse_args()
    logging.getLogger("distributed").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for a in corpus(args.articles):
            (folder / f"{a.id}.txt").write_text(a.text, encoding="utf-8")
        settings = Settings(patterns_dir=ROOT / "patterns", out=Path(tmp) / "o" / "facts.csv",
                            mentions=Path(tmp) / "o" / "m.csv", use_store=False)
        t0 = time.perf_counter()
        local = run([folder], settings, write=False)
        t_local = time.perf_counter() - t0
        print(f"local engine        {len(local.articles) / t_local:6.1f} articles/s ({t_local:.0f}s)")
        for workers in (1, 2):
            t0 = time.perf_counter()
            result = run_dask([folder], settings, workers=workers)
            seconds = time.perf_counter() - t0
            same = result.rows == local.rows
            print(f"dask, {workers} worker(s)   {len(result.articles) / seconds:6.1f} articles/s ({seconds:.0f}s), "
                  f"same rows as local: {same}")


if __name__ == "__main__":
    main()
