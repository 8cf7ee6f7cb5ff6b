"""Reconciliation of synthetic facts: time and peak memory.

    python benchmarks/reconcile.py --facts 1000000

Facts: 1/4 of them money, 1/4 counts with periods, 1/4 dates at mixed precision, 1/4 people in
roles, spread over many subjects, with repeats across sources (agreements) and some conflicts.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.reconcile import reconcile  # noqa: E402
from pipeline.types import Fact  # noqa: E402


def facts(n: int, seed: int = 3) -> list[Fact]:
    rng = random.Random(seed)
    subjects = max(1, n // 40)
    out = []
    for i in range(n):
        s = rng.randrange(subjects)
        kind = i % 4
        aid = f"a{rng.randrange(n // 5 + 1):07d}"
        if kind == 0:
            out.append(Fact(aid, f"Plant {s}", "investment", str(100_000_000 * (1 + s % 9) + (rng.random() < 0.02) * 1_000_000),
                            "money", unit="EUR", modality="actual", evidence="x", rule_id="bench"))
        elif kind == 1:
            out.append(Fact(aid, f"Plant {s}", "production_volume", str(1000 * (s % 97 + 1)), "quantity", unit="vehicle",
                            period=str(2015 + s % 10), modality="actual", evidence="x", rule_id="bench"))
        elif kind == 2:
            value = rng.choice([f"{2020 + s % 8}", f"{2020 + s % 8}-0{1 + s % 9}"])
            out.append(Fact(aid, f"Model {s}", "launch_date", value, "date", evidence="x", rule_id="bench",
                            modifier=rng.choice(["", "", "late"]) if len(value) == 4 else ""))
        else:
            out.append(Fact(aid, f"Company {s}", "ceo", rng.choice([f"Person {s}", f"Person {s}", f"Other {s}"]), "person",
                            published=f"20{10 + rng.randrange(15)}-01-01", evidence="x", rule_id="bench"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", type=int, default=1_000_000)
    args = ap.parse_args()
    data = facts(args.facts)
    t0 = time.perf_counter()
    rows, conflicts = reconcile(data)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"facts {len(data)} -> rows {len(rows)} ({len(conflicts)} conflict entries) in {seconds:.1f}s; "
          f"peak RSS {peak_mb:.0f} MB (includes the synthetic input)")


if __name__ == "__main__":
    main()
