"""Words per second: the bare model's nlp.pipe against the full pipeline, on the same texts.

    python benchmarks/throughput.py --articles 2000 [--rounds 3]

The corpus: perturbed copies of the seeds (amounts, years and names changed) and generated
releases from templates. Both runs happen in one process, model loaded once each.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.api import extract_articles  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.nlp import build_nlp, load_model  # noqa: E402
from pipeline.reconcile import reconcile  # noqa: E402
from pipeline.types import Article  # noqa: E402

COMPANIES = ["Northvolt", "Verkor", "Stellantis", "Toyota", "Volvo Cars", "Tata Steel", "Sanofi", "Intel"]
PLACES = ["Dunkirk", "Kenitra", "Ghent", "Zwickau", "Sunderland", "Debrecen", "Kolin", "Mulhouse"]
TEMPLATE = ("{place}, {month} {day}, 2024 – {company} will invest €{amount} million in its {place} plant, which "
            "produced {volume:,} vehicles in 2023 and employs {staff:,} people. {person}, CEO of {company}, said "
            "production of the new model will begin in late {year}. The {place} plant has a capacity of "
            "{capacity:,} vehicles a year.\n")


def corpus(n: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    out = []
    for i in range(n):
        if i % 2:
            text = seeds[i % len(seeds)].replace("550", str(rng.randint(100, 999))).replace("2024", str(rng.randint(2020, 2026)))
        else:
            text = "".join(TEMPLATE.format(
                place=rng.choice(PLACES), company=rng.choice(COMPANIES), month=rng.choice(["March", "June", "October"]),
                day=rng.randint(1, 28), amount=rng.randint(50, 900), volume=rng.randint(10_000, 400_000),
                staff=rng.randint(300, 9000), person=rng.choice(["Anna Berg", "Jim Rowan", "Luca Ferri"]),
                year=rng.randint(2025, 2028), capacity=rng.randint(50_000, 500_000)) for _ in range(6))
        out.append(Article(id=f"b{i:05d}", text=text))
    return out


def _timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=1,
                    help="alternate bare/full this many times (order swapped each round) and report the median "
                         "ratio: a shared machine's speed drifts by 10-20%% within minutes")
    ap.add_argument("--stock-attribute-ruler", action="store_true",
                    help="run the full pipeline with the model's own attribute_ruler matching instead of "
                         "pipeline/matching.py's lookup (to see what that replacement is worth)")
    args = ap.parse_args()
    articles = corpus(args.articles)
    words = sum(len(a.text.split()) for a in articles)
    bare = load_model("en_core_web_sm")
    nlp, pset = build_nlp(Settings(patterns_dir=ROOT / "patterns"))
    if args.stock_attribute_ruler:
        del nlp.get_pipe("attribute_ruler").match  # back to the class's own Matcher-based method

    def run_bare() -> None:
        for _ in bare.pipe((a.text for a in articles), batch_size=32):
            pass

    def run_full() -> None:
        facts = [f for r in extract_articles(articles, nlp, pset) for f in r.facts]
        reconcile(facts)

    for warm in (bare.pipe, nlp.pipe):  # first-call costs (lazy tables) are not throughput
        list(warm(a.text for a in articles[:4]))
    rounds = []
    for r in range(args.rounds):
        order = [("bare", run_bare), ("full", run_full)]
        timings = dict((name, _timed(fn)) for name, fn in (order if r % 2 == 0 else order[::-1]))
        rounds.append(timings)
        if args.rounds > 1:
            print(f"round {r + 1}: bare {timings['bare'][0]:.1f}s  full {timings['full'][0]:.1f}s  "
                  f"ratio {timings['bare'][0] / timings['full'][0]:.2f} (cpu {timings['bare'][1] / timings['full'][1]:.2f})")
    ratios = sorted(t["bare"][0] / t["full"][0] for t in rounds)
    median = statistics.median(ratios)
    t_bare = statistics.median(t["bare"][0] for t in rounds)
    t_full = statistics.median(t["full"][0] for t in rounds)
    cpu_ratio = statistics.median(t["bare"][1] / t["full"][1] for t in rounds)
    ruler = "stock attribute_ruler" if args.stock_attribute_ruler else "indexed attribute_ruler"
    print(f"articles {len(articles)}  words {words}  rounds {args.rounds}  ({ruler} in the full pipeline)")
    print(f"bare nlp.pipe      {words / t_bare:9.0f} words/s  ({t_bare:.1f}s)")
    print(f"full pipeline      {words / t_full:9.0f} words/s  ({t_full:.1f}s)")
    print(f"ratio full/bare    {median:.2f}  (cpu time {cpu_ratio:.2f})")


if __name__ == "__main__":
    main()
