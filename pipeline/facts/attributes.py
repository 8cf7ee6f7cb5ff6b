"""What a value is: its attribute from the words around it, through the vocabulary in
patterns/vocabulary.jsonl (no spaCy).

Cues, each with a distance (smaller is stronger):
  0    the label of a key-figure line ('WORKFORCE: 2 473', 'AREA: 118 ha')
  0.5  modifiers inside the value's own phrase ('700 permanent new jobs')
  k    the k-th head above the value ('invest €2bn': invest at 1; 'revenue of $5bn': revenue at 2),
       with compound words ('market share', 'state aid') and, for verbs such as rise, reach, total
       or be, the noun they say it of ('revenue rose to $5bn': revenue)
An entry with words takes the nearest cue it knows; an entry with units only names a count by what
it counts (distance 90). Nothing known: a documented fallback name (`fallback_attribute`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.facts.syntax import Syntax
from pipeline.types import Mention

REPORTING_VERBS = frozenset({"rise", "fall", "increase", "decrease", "grow", "reach", "total", "amount", "stand", "be",
                             "climb", "jump", "drop", "decline", "hit", "come", "top", "exceed", "surge", "slip",
                             "double", "triple", "remain", "represent", "account"})
UNIT_ONLY = 90.0


@dataclass(frozen=True)
class VocabEntry:
    id: str
    attribute: str
    labels: frozenset[str]
    words: frozenset[str]
    units: frozenset[str] | None
    line: int
    prefer: tuple[str, ...] = ()  # subject kinds first: ("plant", "project") for a site's figures
    customer_preps: tuple[str, ...] = ()  # 'an order ... for Emirates': the organisation behind these
    rate_attribute: tuple[tuple[str, str], ...] = ()  # per rate: 'produce 900 cars a day' -> daily_output
    patterns: frozenset[str] = frozenset()  # value patterns that name the attribute themselves ('the 100,000th car')


def vocabulary_entries(rows: list[dict]) -> tuple[VocabEntry, ...]:
    return tuple(VocabEntry(r["id"], r["attribute"], frozenset(r["labels"]), frozenset(w.lower() for w in r.get("words", ())),
                            frozenset(r["units"]) if "units" in r else None, r.get("_line", 0), tuple(r.get("prefer", ())),
                            tuple(r.get("customer_preps", ())), tuple(sorted(r.get("rate_attribute", {}).items())),
                            frozenset(r.get("patterns", ())))
                 for r in rows)


def cues(syn: Syntax, value: Mention, ids: list[int], root: int, path: list[int]) -> dict[str, float]:
    """Every cue word of a value with its distance."""
    found: dict[str, float] = {}

    def add(word: str, dist: float) -> None:
        word = word.lower().strip()
        if word and dist < found.get(word, 1e9):
            found[word] = dist

    after = syn.view.text[value.end:value.end + 16].lower()
    if re.match(r"\s*(?:per|a|each)\s+(?:share|unit|tonne|ton|barrel|vehicle|car)\b", after):
        add("per " + re.match(r"\s*(?:per|a|each)\s+(\w+)", after).group(1), 0)
    label = key_figure_label(syn.view.text, value.start)
    if label:
        for w in re.findall(r"[a-z][a-z-]*", label.lower()):
            add(w, 0)
        add(label.lower(), 0)
    inside = set(ids)
    for c in syn.children[root]:  # '€2 billion in aid', '$5bn of investment'
        if syn.toks[c].dep == "prep" and c not in inside:
            for obj in syn.children[c]:
                if syn.toks[obj].dep == "pobj":
                    add(syn.toks[obj].lemma, 1.5)
    for i in ids:
        t = syn.toks[i]
        if t.pos in ("ADJ",) and i != root:
            add(t.lemma, 0.5)
    for k, i in enumerate(path, start=1):
        t = syn.toks[i]
        add(t.lemma, k)
        add(t.lower, k)
        for c in syn.children[i]:
            ct = syn.toks[c]
            if c in inside:
                continue
            if ct.dep == "xcomp" and ct.pos == "VERB":  # 'will begin assembling X in 2026': assemble
                add(ct.lemma, k + 0.5)
            if ct.dep in ("compound", "prt", "amod") and ct.pos != "NUM":
                add(ct.lemma, k + 0.3)
                pair = f"{ct.lemma} {t.lemma}" if c < i else f"{t.lemma} {ct.lemma}"
                add(pair, k - 0.1)
            if ct.dep in ("nsubj", "nsubjpass") and ct.pos == "NOUN":
                # 'revenue rose to $5bn' (the noun a reporting verb speaks of); 'deliveries will
                # begin in 2022' (what any other verb says begins, a little further away)
                near = k - 0.2 if t.lemma in REPORTING_VERBS else k + 0.5
                add(ct.lemma, near)
                for cc in syn.children[c]:
                    if syn.toks[cc].dep == "compound":
                        add(f"{syn.toks[cc].lemma} {ct.lemma}", near - 0.1)
                        add(syn.toks[cc].lemma, near + 0.1)
    return found


def key_figure_label(text: str, start: int) -> str:
    """'WORKFORCE' in '- WORKFORCE: 2 473 on December 31, 2023' (the label before a colon on the
    value's line); '' when the line has none."""
    line_start = text.rfind("\n", 0, start) + 1
    m = re.match(r"[\s\-*•–]*([A-Za-z][\w &/'()-]{1,40}?)\s*:\s*", text[line_start:start])
    if m and m.end() >= start - line_start - 40:
        return m.group(1).strip()
    return ""


def choose_attribute(entries: tuple[VocabEntry, ...], value: Mention, found: dict[str, float]) -> tuple[str, str]:
    """(attribute, id of the vocabulary entry) or ('', '') when no entry applies."""
    best: tuple[float, int, VocabEntry] | None = None
    unit = value.unit.split("/")[0]
    for e in entries:
        if value.label not in e.labels:
            continue
        if e.patterns:  # the value's own pattern names it: nothing is nearer
            if value.pattern_id in e.patterns and (best is None or best[0] > -1):
                best = (-1, e.line, e)
            continue
        if e.units is not None and unit not in e.units and unit.lower() not in e.units:
            continue
        if e.words:
            dists = [found[w] for w in e.words if w in found]
            if not dists:
                continue
            dist = min(dists)
        else:
            dist = UNIT_ONLY
        if best is None or (dist, e.line) < (best[0], best[1]):
            best = (dist, e.line, e)
    return (best[2].attribute, best[2].id) if best else ("", "")


def fallback_attribute(syn: Syntax, value: Mention, path: list[int]) -> str:
    """The name of a figure the vocabulary does not know: the governing noun or verb
    ('a 45-minute ride' -> ride), '<unit>_count' for counts, else the value kind."""
    label = key_figure_label(syn.view.text, value.start)
    label = re.sub(r"\([^)]*\)", "", label).strip()
    if label and value.label != "DATE":
        return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "value"
    noun = next((syn.toks[i].lemma for i in path[:3] if syn.toks[i].pos == "NOUN"), "")
    verb_at = next((i for i in path[:4] if syn.toks[i].pos in ("VERB", "AUX")), None)
    verb = syn.toks[verb_at].lemma if verb_at is not None and syn.toks[verb_at].pos == "VERB" else ""
    if verb_at is not None and syn.toks[verb_at].lemma in REPORTING_VERBS and value.label != "DATE":
        said_of = [c for c in syn.children[verb_at] if syn.toks[c].dep in ("nsubj", "nsubjpass") and syn.toks[c].pos in ("NOUN", "PROPN")]
        if said_of:  # 'Inventory was $2.3 million' -> inventory
            noun = syn.toks[said_of[0]].lemma
    unit = value.unit.split("/")[0]
    if value.label == "MONEY":
        name = f"{noun}_amount" if noun else "amount"
    elif value.label == "PERCENT":
        name = f"{noun}_percent" if noun else "percent"
    elif value.label == "DATE":
        name = f"{verb or noun}_date" if (verb or noun) else "date"
    elif unit and re.fullmatch(r"[a-z][a-z -]*", unit):
        name = f"{unit}_count"
    elif unit:
        name = f"{noun}_{unit}" if noun else f"quantity_{unit}"
    else:
        name = f"{noun}_count" if noun else "count"
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "value"
