"""Merge the same fact stated by several articles into one row; keep every source; flag conflicts.

block    (subject, attribute, qualifier, period, modality): facts that speak of the same thing
compare  numbers as numbers (approximations honoured), dates by precision ("2025" contains
         "late 2025" contains "2025-11"), names folded (case, accents kept, punctuation)
cluster  greedy, in a fixed order (earliest source first), into mutually compatible groups
merge    one cluster: status single/agreed, value = the most specific value all sources allow;
         several clusters: status conflict, value = the best-supported cluster (ties: earliest)

No spaCy here. Output order and content do not depend on the order of the input facts.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from pipeline.names import name_key, person_variant, same_entity
from pipeline.types import Fact, ReconciledFact

NUMERIC = {"money", "quantity", "percent"}
FUZZY_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
RULE_CONFIDENCE = 0.6


def fold_name(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold().replace("’", "'")
    text = re.sub(r"^(the|a|an)\s+", "", text.strip())
    return re.sub(r"[^\w]+", " ", text).strip()


def fact_key(fact: Fact) -> tuple[str, str, str, str, str]:
    return fold_name(fact.subject), fact.attribute, fact.qualifier, fact.period, fact.modality


def _number(value: str) -> float | None:
    try:
        return float(value.split("/")[0])
    except ValueError:
        return None


def numbers_agree(a: Fact, b: Fact) -> bool:
    """Equal, or compatible given modifiers: 'almost 90,000' ~ 89,527; 'more than 500m' ~ 550m."""
    if a.unit != b.unit:
        return False
    x, y = _number(a.value), _number(b.value)
    if x is None or y is None:
        return a.value == b.value
    if abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y)):
        return True
    return _within(x, a.modifier, y) or _within(y, b.modifier, x)


def _within(bound: float, modifier: str, other: float) -> bool:
    if modifier == "approx":
        return abs(other - bound) <= 0.1 * abs(bound)
    if modifier == "less_than":
        return bound * 0.85 <= other <= bound
    if modifier == "more_than":
        return bound <= other <= bound * 1.25
    if modifier == "up_to":
        return other <= bound
    return False


def _date_range(value: str, modifier: str) -> tuple[str, str] | None:
    """The span of months a date allows, as ('YYYY-MM', 'YYYY-MM'); None when unknown."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}|Q[1-4]|H[12]))?(?:-(\d{2}))?", value)
    if not m:
        return None
    year, part = m.group(1), m.group(2)
    if part is None:
        lo, hi = FUZZY_MONTHS.get(modifier, (1, 12))
    elif part.startswith("Q"):
        q = int(part[1])
        lo, hi = 3 * q - 2, 3 * q
    elif part.startswith("H"):
        lo, hi = (1, 6) if part == "H1" else (7, 12)
    else:
        lo = hi = int(part)
    return f"{year}-{lo:02d}", f"{year}-{hi:02d}"


def dates_agree(a: Fact, b: Fact) -> bool:
    if a.value == b.value:
        return a.modifier == b.modifier or not a.modifier or not b.modifier
    ra, rb = _date_range(a.value, a.modifier), _date_range(b.value, b.modifier)
    if ra is None or rb is None:
        return False
    if a.value[:7] == b.value[:7] and len(a.value) >= 7 and len(b.value) >= 7 and a.value[:7].count("-"):
        return True  # same month, one with a day
    inside = lambda inner, outer: outer[0] <= inner[0] and inner[1] <= outer[1]  # noqa: E731
    return inside(ra, rb) or inside(rb, ra)


def people_agree(a: str, b: str) -> bool:
    """'Zhang Lei' = 'Lei Zhang'; 'Mr Leroy' = 'Didier Leroy'; 'D. Leroy' = 'Didier Leroy'."""
    ka, kb = name_key(a, "person"), name_key(b, "person")
    return same_entity(ka, kb, "person") or person_variant(ka, kb) or person_variant(kb, ka)


def values_agree(a: Fact, b: Fact) -> bool:
    if a.value_type in NUMERIC:
        return numbers_agree(a, b)
    if a.value_type == "date":
        return dates_agree(a, b)
    if a.value_type == "person":
        return people_agree(a.value, b.value)
    return fold_name(a.value) == fold_name(b.value)


def specificity(fact: Fact) -> tuple[int, int, str]:
    """Higher is more specific: longer ISO dates, then a fuzzy modifier; exact numbers beat approximations."""
    if fact.value_type == "date":
        return len(fact.value), 1 if fact.modifier in FUZZY_MONTHS else 0, fact.value
    if fact.value_type == "person":  # the fullest form of a name: 'Didier Leroy' over 'Mr Leroy'
        return 1, len(name_key(fact.value, "person").split()), fact.value
    return (0 if fact.modifier else 1), len(fact.value), fact.value


def source_order(fact: Fact) -> tuple[int, str, str, int, str, str]:
    """Earliest source first: known dates before unknown, then the sentence's text and position,
    and only then the article id, so renaming or reordering input files never changes a choice."""
    return (0 if fact.published else 1), fact.published, fact.evidence, fact.start, fact.value, fact.article_id


@dataclass(frozen=True)
class Cluster:
    facts: tuple[Fact, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({f.article_id for f in self.facts}))


def _signature(fact: Fact) -> tuple[str, str, str, str]:
    return fact.value if fact.value_type in NUMERIC or fact.value_type == "date" else fold_name(fact.value), \
        fact.modifier, fact.unit, fact.value_type


def cluster_values(facts: list[Fact]) -> list[Cluster]:
    """Greedy, order-independent clustering of the distinct value signatures (value, modifier,
    unit), sorted by a total order first; facts with the same signature always travel together,
    so the cost grows with the number of distinct values, not of sources."""
    by_sig: dict[tuple[str, str, str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        by_sig[_signature(fact)].append(fact)
    reps = sorted((min(group, key=source_order) for group in by_sig.values()),
                  key=lambda f: (specificity(f), source_order(f)), reverse=True)
    groups: list[list[Fact]] = []
    for rep in reps:
        if rep.value_type in NUMERIC and not rep.modifier and all(not g[0].modifier for g in groups[-1:]):
            groups.append([rep])  # exact numbers come first and agree only with themselves
            continue
        for group in groups:
            if all(values_agree(rep, other) for other in group):
                group.append(rep)
                break
        else:
            groups.append([rep])
    clusters = [Cluster(tuple(sorted((f for rep in g for f in by_sig[_signature(rep)]), key=source_order)))
                for g in groups]
    return sorted(clusters, key=lambda c: (-len(c.sources), source_order(c.facts[0])))


def confidence(n_agreeing: int, n_total: int, modifier: str, status: str) -> float:
    """1 - 0.4^n for n agreeing sources; scaled by the share that agrees and halved for a conflict;
    x0.9 for an approximate value. Single 0.6, two agreeing 0.84, three 0.936."""
    score = 1 - (1 - RULE_CONFIDENCE) ** n_agreeing
    if status == "conflict":
        score *= 0.5 * n_agreeing / n_total
    if modifier in ("approx", "less_than", "more_than", "up_to"):
        score *= 0.9
    return round(score, 3)


def _row(facts: list[Fact], clusters: list[Cluster], status: str, period: str | None = None) -> ReconciledFact:
    best = clusters[0]
    chosen = max(sorted(best.facts, key=source_order), key=specificity)  # ties: the earliest source
    modifier = chosen.modifier
    if chosen.value_type == "date" and not modifier:
        modifier = next((f.modifier for f in best.facts if f.value == chosen.value and f.modifier), "")
    all_sources = tuple(sorted({f.article_id for f in facts}))
    earliest = min(facts, key=source_order)
    return ReconciledFact(
        subject=chosen.subject, attribute=chosen.attribute, value=chosen.value, value_type=chosen.value_type,
        unit=chosen.unit, period=chosen.period if period is None else period, modifier=modifier, status=status,
        n_sources=len(all_sources), sources=all_sources, evidence=earliest.evidence,
        confidence=confidence(len(best.sources), len(all_sources), modifier, status),
        modality=chosen.modality, values=tuple(sorted({f.value for f in facts})),
        rule_ids=tuple(sorted({f.rule_id for f in facts})),
        per_source=tuple(sorted({(f.article_id, f.value, f.modifier, f.unit, f.published) for f in facts})),
        qualifier=chosen.qualifier)


def _succession(clusters: list[Cluster]) -> list[Cluster] | None:
    """People in one role, each dated, one after another in time: a succession, oldest first."""
    spans = []
    for c in clusters:
        dates = sorted(f.published for f in c.facts if f.published)
        if len(dates) != len(c.facts):
            return None
        spans.append((dates[0], dates[-1], c))
    spans.sort(key=lambda s: (s[0], s[1]))
    if any(spans[i][1] >= spans[i + 1][0] for i in range(len(spans) - 1)):
        return None
    return [s[2] for s in spans]


def merge_block(facts: list[Fact]) -> tuple[list[ReconciledFact], list[Cluster]]:
    """Rows for one block: one row, or for a role held by people one after another, one row per
    holder (earlier holders 'superseded', with the years they are reported in as period)."""
    clusters = cluster_values(facts)
    if len(clusters) == 1:
        return [_row(facts, clusters, "agreed" if len(clusters[0].sources) > 1 else "single")], clusters
    order = _succession(clusters)
    if order and facts[0].value_type == "person":
        rows = []
        for i, c in enumerate(order):
            current = i == len(order) - 1
            years = sorted({f.published[:4] for f in c.facts})
            status = ("agreed" if len(c.sources) > 1 else "single") if current else "superseded"
            rows.append(_row(list(c.facts), [c], status, None if current else "/".join(dict.fromkeys((years[0], years[-1])))))
        return rows, []
    seen: dict[str, int] = defaultdict(int)
    for c in clusters:
        for source in c.sources:
            seen[source] += 1
    if any(n > 1 for n in seen.values()):
        # one article gives several values for the key: an extraction ambiguity, one row per value
        return [_row(list(c.facts), [c], "ambiguous" if any(seen[s] > 1 for s in c.sources) else
                     ("agreed" if len(c.sources) > 1 else "single")) for c in clusters], []
    if order:  # later sources change the figure: its history, the latest value current
        latest = order[-1]
        return [_row(facts, [latest, *order[:-1]], "revised")], []
    return [_row(facts, clusters, "conflict")], clusters


Block = tuple[str, str, str, str, str]


def merge_blocks(facts: Iterable[Fact]) -> list[tuple[Block, list[ReconciledFact], list[tuple[ReconciledFact, Fact]]]]:
    """Block facts by key and merge each block: (key, rows, conflict pairs), sorted by key. The one
    merge implementation: the local engine calls it on all facts, the Dask engine on each shuffled
    partition (a key never spans partitions)."""
    blocks: dict[Block, list[Fact]] = defaultdict(list)
    for fact in facts:
        blocks[fact_key(fact)].append(fact)
    out = []
    for key in sorted(blocks):
        block_rows, clusters = merge_block(blocks[key])
        conflicts = [(block_rows[0], f) for c in clusters for f in c.facts] if block_rows[0].status == "conflict" else []
        out.append((key, block_rows, conflicts))
    return out


def assemble(merged: Iterable[tuple[Block, list[ReconciledFact], list[tuple[ReconciledFact, Fact]]]]
             ) -> tuple[list[ReconciledFact], list[tuple[ReconciledFact, Fact]]]:
    """Rows and conflicts in key order, from merged blocks in any order."""
    rows, conflicts = [], []
    for _, block_rows, block_conflicts in sorted(merged, key=lambda m: m[0]):
        rows.extend(block_rows)
        conflicts.extend(block_conflicts)
    return rows, conflicts


def reconcile(facts: Iterable[Fact]) -> tuple[list[ReconciledFact], list[tuple[ReconciledFact, Fact]]]:
    """Reconciled rows in a fixed order, and (row, fact) pairs for the conflicts report."""
    return assemble(merge_blocks(facts))


def facts_from_rows(rows: Iterable[ReconciledFact]) -> list[Fact]:
    """The output's own facts, one per (row, source) with the value that source gave: reconciling
    them again gives the same rows (idempotence)."""
    out = []
    for r in rows:
        for article_id, value, modifier, unit, published in r.per_source:
            period = r.period if r.status != "superseded" else ""
            out.append(Fact(article_id, r.subject, r.attribute, value, r.value_type, unit=unit, period=period,
                            modifier=modifier, modality=r.modality, evidence=r.evidence, rule_id=r.rule_ids[0] if r.rule_ids else "",
                            published=published, qualifier=r.qualifier))
    return out


def provenance(rows: list[ReconciledFact], facts: Iterable[Fact]) -> list[tuple[ReconciledFact, Fact]]:
    """Every (reconciled row, supporting fact) pair, in row order then source order."""
    by_key: dict[Block, list[ReconciledFact]] = defaultdict(list)
    for r in rows:
        by_key[(fold_name(r.subject), r.attribute, r.qualifier, r.period if r.status != "superseded" else "", r.modality)].append(r)

    members = {id(r): {(a, v) for a, v, *_ in r.per_source} for r in rows}

    def row_of(f: Fact) -> ReconciledFact | None:
        candidates = by_key.get(fact_key(f), [])
        return next((r for r in candidates if (f.article_id, f.value) in members[id(r)]),
                    candidates[0] if candidates else None)

    pairs = [(row, f) for f in facts if (row := row_of(f)) is not None]
    order = {id(r): i for i, r in enumerate(rows)}
    return sorted(pairs, key=lambda p: (order[id(p[0])], source_order(p[1])))
