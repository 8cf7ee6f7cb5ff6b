"""Open, value-centric facts: every value mention becomes a fact about an entity, or gets a reason.

For each money, count, percent and date mention in document order (no spaCy; an ArticleView in):
  - a date that is another figure's period ('89,527 units in 2024') qualifies that figure;
  - its subject comes from pipeline/facts/subjects.py, its attribute from the vocabulary
    (pipeline/facts/attributes.py), its period and modality from pipeline/facts/qualifiers.py;
  - a date range ('between 1972 and 1985') gives a start and an end fact, a range of amounts or
    counts ('$1.16 to $1.21') a low and a high one.
Reasons a value feeds no fact (the `fact` column of mentions.csv says which):
  no_value       the mention could not be normalized
  dateline       the article's own date in its dateline
  period         the date is the period of the figure at the given offset
  when_said      a date that only says when something was said or announced
  reporting_period  a quarter or half that no vocabulary word ties to an event ('our second-quarter results')
  age            a person's age ('aged 54', '54-year-old')
  zero           a zero ('a net zero manufacturer')
  vague          a vague count ('hundreds of stores')
  publication_date  the article's own date in a header line ('Published: Jun. 5, 2025')
  time_span      a clock duration or 'hours ago' (seconds, minutes, hours)
  part_of_name   a number inside a name ('Car of the Year 2025', 'ISO 14001')
  year           a year taken for a count ('2014 revenues')
  bare_number    a number with no unit, no label and no figure beside it to borrow one from
  unknown_percent  a percentage nothing in the vocabulary names
  market         a figure about a market, an index or demand as a whole ('global demand will grow 3%')
  no_subject     no entity in the article to attach it to
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Any

from pipeline.facts.attributes import VocabEntry, choose_attribute, cues, fallback_attribute, key_figure_label
from pipeline.facts.qualifiers import modality_of, period_of
from pipeline.facts.subjects import Choice, SubjectResolver
from pipeline.facts.syntax import Syntax
from pipeline.types import Fact, Mention
from pipeline.view import ArticleView

VALUE_TYPES = {"MONEY": "money", "QUANTITY": "quantity", "PERCENT": "percent", "DATE": "date"}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


@dataclass(frozen=True)
class OpenRules:
    """The data the open stage reads: the vocabulary and the subject words (patterns/)."""

    vocabulary: tuple[VocabEntry, ...]
    words: dict[str, Any]

    def entry(self, entry_id: str) -> VocabEntry | None:
        return next((e for e in self.vocabulary if e.id == entry_id), None)

    @property
    def planned(self) -> frozenset[str]:
        return frozenset(self.words["planned_words"])


@dataclass(frozen=True)
class Outcome:
    """What became of one value mention: the facts it fed ('attribute@subject') or a reason."""

    fed: str


def _sentence_text(view: ArticleView, n: int) -> str:
    s = view.sentences[n]
    return view.text[s.start:s.end].strip()


def open_facts(view: ArticleView, rules: OpenRules, used: dict[tuple[int, int], Fact], *,
               resolver: SubjectResolver | None = None) -> tuple[list[Fact], dict[tuple[int, int], str]]:
    """Facts for the values no closed rule used, and the outcome of every value mention
    (`resolver`: one already built for this view, see `article_entities`)."""
    resolver = resolver or article_entities(view, rules)
    syn = resolver.syn
    values = _borrow_units(view, sorted((v for v in view.values if v.label in VALUE_TYPES), key=lambda m: (m.start, m.end)))
    where: dict[tuple[int, int], tuple[list[int], int, list[int]]] = {}
    for v in values:
        ids = syn.tokens_in(v.start, v.end)
        root = syn.root_of(ids) if ids else None
        if root is not None:
            where[(v.start, v.end)] = (ids, root, syn.chain(root))
    periods = _periods(syn, values, where)
    outcomes: dict[tuple[int, int], str] = {}
    facts: list[Fact] = []
    speech = frozenset(rules.words["speech_verbs"])
    for v in values:
        key = (v.start, v.end)
        if key in used:
            f = used[key]
            outcomes[key] = f"{f.attribute}@{f.subject}"
            continue
        reason = _reason(view, v, key, where, periods, syn, speech, rules)
        if reason:
            outcomes[key] = reason
            continue
        ids, root, path = where[key]
        entry = rules.entry(choose_attribute(rules.vocabulary, v, cues(syn, v, ids, root, path))[1])
        choice = resolver.resolve(v, root, path, entry.prefer if entry is not None else (),
                                  entry.customer_preps if entry is not None else ())
        if choice is None:
            outcomes[key] = "no_subject"
            continue
        if choice.group == "market":
            outcomes[key] = "market"
            continue
        made = _make(view, syn, rules, v, ids, root, path, choice, periods)
        facts.extend(made)
        outcomes[key] = ";".join(sorted({f"{f.attribute}@{f.subject}" for f in made}))
    return facts, outcomes


def article_entities(view: ArticleView, rules: OpenRules) -> SubjectResolver:
    """The subject resolver of one article (its entities, references and never-subjects), built once."""
    return SubjectResolver(Syntax(view), rules.words)


def _borrow_units(view: ArticleView, values: list[Mention]) -> list[Mention]:
    """A count with no unit takes the unit of the nearest count of its sentence that has one
    ('created 650 jobs ... to increase that number to 1,000': 1,000 jobs); a bare year after a
    key-figure label is a date ('FOUNDED IN: 1970')."""
    starts = [s.start for s in view.sentences]

    def sentence(char: int) -> int:
        return bisect_right(starts, char) - 1

    with_unit: dict[int, list[Mention]] = {}  # sentence -> its counts that have a unit
    for o in values:
        if o.label == "QUANTITY" and o.unit:
            with_unit.setdefault(sentence(o.start), []).append(o)
    out = []
    for v in values:
        if v.label == "QUANTITY" and not v.unit and re.fullmatch(r"(?:19|20)\d\d", v.text.strip()) and \
                key_figure_label(view.text, v.start):  # 'FOUNDED IN: 1970' is a date
            v = replace(v, label="DATE", precision="year")
        if v.label == "QUANTITY" and not v.unit:
            siblings = with_unit.get(sentence(v.start), [])
            if siblings:
                nearest = min(siblings, key=lambda o: (abs(o.start - v.start), o.start))
                v = replace(v, unit=nearest.unit)
        out.append(v)
    return out


def _periods(syn: Syntax, values: list[Mention], where: dict) -> dict[tuple[int, int], Mention]:
    """figure -> its period date, for every figure of every sentence."""
    by_sent: dict[int, list[Mention]] = {}
    for v in values:
        if (v.start, v.end) in where:
            by_sent.setdefault(syn.toks[where[(v.start, v.end)][1]].sent, []).append(v)
    out: dict[tuple[int, int], Mention] = {}
    for members in by_sent.values():
        dates = [(d, where[(d.start, d.end)][1]) for d in members if d.label == "DATE" and d.value
                 and "/" not in d.value]
        figures = [m for m in members if m.label != "DATE"]
        for f in figures:
            found = period_of(syn, f, where[(f.start, f.end)][1], dates, figures)
            if found is not None:
                out[(f.start, f.end)] = found
    return out


def _reason(view: ArticleView, v: Mention, key: tuple[int, int], where: dict, periods: dict,
            syn: Syntax, speech: frozenset[str], rules: OpenRules) -> str:
    if not v.value:
        return "no_value"
    if key not in where:
        return "no_value"
    start, end = view.article.dateline
    if v.label == "DATE" and start <= v.start < end:
        return "dateline"
    if v.label == "DATE":
        owners = [f for f, d in periods.items() if (d.start, d.end) == key]
        if owners:
            return f"period:{owners[0][0]}"
        _, root, path = where[key]
        found = cues(syn, v, where[key][0], root, path)
        attribute, _ = choose_attribute(rules.vocabulary, v, found)
        verb = syn.governing_verb(root)
        if not attribute and verb is not None and syn.toks[verb].lemma in speech:
            return "when_said"
        if not attribute and re.fullmatch(r"(?:\d{4}|XXXX)-(?:Q[1-4]|H[12])", v.value):
            return "reporting_period"  # 'our second-quarter results', 'last year's second quarter'
    line_start = view.text.rfind("\n", 0, v.start) + 1
    line_end = view.text.find("\n", v.end)
    line = view.text[line_start:line_end if line_end >= 0 else len(view.text)]
    if v.label == "DATE" and (re.match(r"(?i)\s*(?:published|updated|posted|date|last updated)\b", line) or (
            v.value == view.article.published
            and not any(syn.toks[i].pos in ("VERB", "AUX") for i in syn.tokens_in(line_start, line_start + len(line))))):
        return "publication_date"
    if v.label == "DATE" and re.fullmatch(r"\d{4}", v.text.strip()):
        before = re.search(r"([A-Z][a-z]+)\s+$", view.text[max(line_start, v.start - 30):v.start])
        if before and before.group(1).lower() not in rules.words["period_preps"] and before.start() > 0 \
                and before.group(1).lower() not in {"in", "since", "by", "until", "from", "of", "fiscal"}:
            return "part_of_name"  # 'Car of the Year 2025', 'Vision 2030'
    if v.label == "QUANTITY" and re.search(r"\b[A-Z]{2,5}\s*$", view.text[max(line_start, v.start - 8):v.start]) and not v.unit:
        return "part_of_name"  # 'ISO 14001'
    if v.label == "QUANTITY" and re.match(r"\d{1,4}(?![\d,.])", v.text):
        ids = where[key][0]
        before = syn.toks[ids[0] - 1] if ids and ids[0] > 0 else None
        if before is not None and before.pos == "PROPN" and before.sent == syn.toks[ids[0]].sent \
                and before.lower not in MONTHS and before.text[:1].isupper() and before.end >= v.start - 1:
            return "part_of_name"  # 'Stage 1 potash project', 'Boeing 787 Dreamliners', 'Phase 2'
        if re.match(r"\d+-\d", v.text):
            return "part_of_name"  # 'a 50-50 joint venture'
    if v.label in ("QUANTITY", "MONEY") and v.text.split()[:1] and v.text.split()[0].lower() in rules.words["vague_quantities"]:
        return "vague"  # 'hundreds of stores'
    if v.label in ("QUANTITY", "MONEY") and v.value in ("0", "0.0"):
        return "zero"  # 'a net zero manufacturer'
    if v.label == "QUANTITY":
        before, after = view.text[max(0, v.start - 8):v.start].lower(), view.text[v.end:v.end + 12].lower()
        if re.search(r"\baged?\s*$", before) or re.match(r"-?\s*years?[ -]old\b", after) or (
                v.unit == "year" and re.match(r"\s*old\b", after)):
            return "age"
        if re.match(r"\s*ago\b", after) or v.unit in rules.words.get("clock_units", ()):
            return "time_span"
        if not v.unit and not key_figure_label(view.text, v.start):
            return "bare_number"
        if re.match(r"(?:19|20)\d\d\b(?![,.]\d)", v.text) and v.value == v.text[:4]:
            return "year"  # '2014 revenues', 'its 2021 results': a year the value layer counted
    if v.label == "PERCENT":
        _, root, path = where[key]
        if not choose_attribute(rules.vocabulary, v, cues(syn, v, where[key][0], root, path))[0]:
            return "unknown_percent"
    return ""


def _make(view: ArticleView, syn: Syntax, rules: OpenRules, v: Mention, ids: list[int], root: int,
          path: list[int], choice: Choice, periods: dict) -> list[Fact]:
    found = cues(syn, v, ids, root, path)
    attribute, entry = choose_attribute(rules.vocabulary, v, found)
    rule_id = f"open.{entry or 'fallback'}@{choice.how}"
    if not attribute:
        attribute = fallback_attribute(syn, v, path)
    period = periods.get((v.start, v.end))
    art = view.article
    sentence = _sentence_text(view, syn.toks[root].sent)
    common = dict(unit=v.unit, modifier=v.modifier, evidence=sentence, start=v.start, end=v.end, rule_id=rule_id,
                  value_text=v.text, published=art.published, url=art.url, precision=v.precision)
    if v.label == "DATE":
        common["modality"] = ""
        if "/" in v.value:  # 'between 1972 and 1985': production_start 1972, production_end 1985
            first, last = v.value.split("/", 1)
            base = re.sub(r"_(?:start|date|end)$", "", attribute)
            return [Fact(art.id, choice.name, f"{base}_start", first, "date", **common),
                    Fact(art.id, choice.name, f"{base}_end", last, "date", **common)]
        return [Fact(art.id, choice.name, attribute, v.value, "date", **common)]
    modality = modality_of(syn, root, path, rules.planned, period)
    unit = v.unit
    rate = view.rates.get(v.start, "") or (unit.split("/", 1)[1] if "/" in unit else "")
    if rate and unit and "/" not in unit:
        common["unit"] = f"{unit}/{rate}"
    vocab = rules.entry(entry)
    if rate and vocab is not None and dict(vocab.rate_attribute).get(rate):
        attribute = dict(vocab.rate_attribute)[rate]  # 'produces 900 cars a day': daily output
    period_value = ""
    if period is not None and re.fullmatch(r"\d{4}(?:-(?:Q[1-4]|H[12]))?", period.value):
        period_value = period.value
    elif period is not None and period.value[:4].isdigit():
        period_value = period.value[:4]
    if "/" in v.value:  # '$1.16 to $1.21', '2-3%': a low and a high figure, each a number
        low, high = v.value.split("/", 1)
        return [Fact(art.id, choice.name, f"{attribute}_low", low, VALUE_TYPES[v.label], period=period_value,
                     modality=modality, **common),
                Fact(art.id, choice.name, f"{attribute}_high", high, VALUE_TYPES[v.label], period=period_value,
                     modality=modality, **common)]
    return [Fact(art.id, choice.name, attribute, v.value, VALUE_TYPES[v.label], period=period_value,
                 modality=modality, **common)]
