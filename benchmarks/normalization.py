"""What normalization costs: per mention, and as a share of the whole pipeline.

    python benchmarks/normalization.py --repeat 500

Runs the seeds repeated N times through the full pipeline (nlp.pipe + mentions + facts +
reconcile), timing the stages with perf_counter, then times the normalizers alone over every value
match found (dateparser caches cleared first, so the cold cost is included once).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings  # noqa: E402
from pipeline.extract import dates as dates_mod  # noqa: E402
from pipeline.extract.dates import normalize_date  # noqa: E402
from pipeline.extract.mentions import analyze  # noqa: E402
from pipeline.extract.money import normalize_money  # noqa: E402
from pipeline.extract.quantities import normalize_percent, normalize_quantity  # noqa: E402
from pipeline.extract.values import find_value_matches  # noqa: E402
from pipeline.extract.article_facts import extract_facts  # noqa: E402
from pipeline.ingest import read_inputs  # noqa: E402
from pipeline.nlp import build_nlp  # noqa: E402
from pipeline.reconcile import reconcile  # noqa: E402
from pipeline.types import Article  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=500)
    args = ap.parse_args()
    nlp, pset = build_nlp(Settings(patterns_dir=ROOT / "patterns"))
    seeds, _ = read_inputs([ROOT / "seeds"])
    articles = [Article(f"{a.id}-{i}", a.text, published=a.published, dateline=a.dateline)
                for i in range(args.repeat) for a in seeds]
    t0 = time.perf_counter()
    docs = list(nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=64))
    t_nlp = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyses = [analyze(doc, art, pset) for doc, art in docs]
    t_mentions = time.perf_counter() - t0
    t0 = time.perf_counter()
    facts = [f for a in analyses for f in extract_facts(a, pset)]
    t_facts = time.perf_counter() - t0
    t0 = time.perf_counter()
    reconcile(facts)
    t_reconcile = time.perf_counter() - t0

    matches = [(m, a.published) for a in articles for m in find_value_matches(a.text, pset, [])]
    t0 = time.perf_counter()
    for a in articles:
        find_value_matches(a.text, pset, [])
    t_match = time.perf_counter() - t0
    dates_mod._dateparser_resolve.cache_clear()
    dates_mod._parser.cache_clear()
    lex = pset.lexicon
    t0 = time.perf_counter()
    for m, published in matches:
        if m.label == "MONEY":
            normalize_money(m.groups, lex)
        elif m.label == "DATE":
            normalize_date(m.groups, m.pattern_id, lex, published=published, tense="")
        elif m.label == "PERCENT":
            normalize_percent(m.groups, lex, m.pattern_id)
        else:
            normalize_quantity(m.groups, lex)
    t_norm = time.perf_counter() - t0
    total = t_nlp + t_mentions + t_facts + t_reconcile
    words = sum(len(a.text.split()) for a in articles)
    print(f"articles {len(articles)}  words {words}  value matches {len(matches)}")
    print(f"nlp.pipe {t_nlp:.2f}s | mentions {t_mentions:.2f}s (of which value matching {t_match:.2f}s) | "
          f"facts {t_facts:.2f}s | reconcile {t_reconcile:.2f}s | total {total:.2f}s")
    print(f"normalization alone: {t_norm:.3f}s = {t_norm / len(matches) * 1e6:.1f} us per value mention, "
          f"{100 * t_norm / total:.1f}% of the pipeline")


if __name__ == "__main__":
    main()
