"""One article's facts: the closed attribute rules (closed_rules.py, spaCy-based, being retired) and
the open value-centric stage (pipeline/facts, no spaCy) over the article's view."""
from __future__ import annotations

from dataclasses import replace

from pipeline.extract import closed_rules
from pipeline.extract.mentions import Analysis
from pipeline.facts import article_entities, never_subjects, open_facts
from pipeline.patterns import PatternSet
from pipeline.types import Fact, Mention
from pipeline.view import build_view

VALUE_FACT_TYPES = ("money", "quantity", "percent", "date")
VALUE_LABELS = ("MONEY", "QUANTITY", "PERCENT", "DATE")
NO_FACT_REASONS = ("dateline", "publication_date", "part_of_name", "age", "time_span", "year", "market", "zero", "vague")


def facts_and_outcomes(analysis: Analysis, pset: PatternSet) -> tuple[list[Fact], list[Mention]]:
    """All facts of one article and its mentions, each value mention with the fact it fed or the
    reason it fed none (`Mention.fed`)."""
    person_orgs: dict[str, str] = {}
    for r in analysis.roles:
        person_orgs.setdefault(r.person.canonical, r.org)
    view = build_view(analysis.doc, analysis.article, analysis.entities, analysis.values, analysis.rates, person_orgs)
    resolver = article_entities(view, pset.open_rules)
    never = never_subjects(view, pset.open_rules.words, resolver)
    # The open stage chooses every value's subject; a closed value rule keeps its fact (and its
    # attribute name) only where it names the same subject.
    everything, verdicts = open_facts(view, pset.open_rules, {}, resolver=resolver)
    # a value the open stage finds is no fact at all (a header date, a year inside a name, a
    # person's age, market data...) is no fact from a closed rule either: the rules skip it
    no_fact = frozenset(k for k, why in verdicts.items() if why.split(":")[0] in NO_FACT_REASONS)
    closed = closed_rules.extract_facts(analysis, pset, skip=no_fact)
    closed = [f for f in closed if not (f.value_type in VALUE_FACT_TYPES and f.subject in never)
              and (f.start, f.end) not in no_fact]
    open_subjects: dict[tuple[int, int], set[str]] = {}
    for f in everything:
        open_subjects.setdefault((f.start, f.end), set()).add(f.subject)
    value_rules = {r["id"] for r in pset.attributes if r["strategy"] == "value"}
    closed_subjects: dict[tuple[int, int], set[str]] = {}
    for f in closed:
        closed_subjects.setdefault((f.start, f.end), set()).add(f.subject)
    agree = {k for k, names in closed_subjects.items() if names & open_subjects.get(k, set())}
    closed = [f for f in closed if not (f.rule_id in value_rules and (f.start, f.end) in open_subjects
                                        and (f.start, f.end) not in agree)]  # coordinated subjects travel together
    used: dict[tuple[int, int], Fact] = {}
    for f in closed:
        if f.value_type in VALUE_FACT_TYPES:
            used.setdefault((f.start, f.end), f)
    extra = [f for f in everything if (f.start, f.end) not in used]
    outcomes = dict(verdicts)
    for key, f in used.items():
        outcomes[key] = f"{f.attribute}@{f.subject}"
    seen = {(f.subject, f.attribute, f.value, f.period) for f in closed}
    extra = [f for f in extra if (f.subject, f.attribute, f.value, f.period) not in seen]  # said twice ('4 brands', 'four clients')
    facts = sorted(closed + extra, key=lambda f: (f.start, f.attribute, f.subject, f.value))
    mentions = [replace(m, fed=outcomes.get((m.start, m.end), "")) if m.label in VALUE_LABELS else m
                for m in analysis.mentions]
    return facts, mentions


def extract_facts(analysis: Analysis, pset: PatternSet) -> list[Fact]:
    """All facts of one article, in document order."""
    return facts_and_outcomes(analysis, pset)[0]
