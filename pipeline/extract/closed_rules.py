"""Attribute rules (data in patterns/attributes.jsonl) turn an article's mentions into Facts.

Strategies:
  value       a value mention (money, count, date) + a trigger in its sentence -> attribute of the
              nearest sensible subject (an entity of the rule's kinds in the sentence, a generic
              reference such as "the plant"/"It", earlier products for "both models", else the
              article's main entity). Competing rules for one value: the closest trigger wins.
  relation    products + objects of a kind (platform, plant) + a trigger ("built on", "assembles")
  parent      "X — Y's subsidiary", "X, a subsidiary of Y", "Y's subsidiary X"
  event_date  "today's Alliance Board meeting", "the X meeting on 16 May"
  segment     "Ampr Small (segment A / B)", "a C-segment SUV"
Roles (ceo, chairman...) come from the role analysis in extract/roles.py. The article's view and
trigger finding live in closed_context.py, the value strategy in closed_values.py. These rules are
being retired in favour of the open stage (pipeline/facts): a value fact of theirs is kept only
where the open stage names the same subject (extract/article_facts.py).
"""
from __future__ import annotations

import re
from typing import Any

from pipeline.extract.closed_context import ArticleContext, _rule_fires, _trigger_positions, _unique
from pipeline.extract.closed_values import _fact, _in_dateline, _value_facts
from pipeline.extract.mentions import Analysis
from pipeline.extract.numbers import format_number, lookup
from pipeline.patterns import PatternSet, normalize_name
from pipeline.types import Fact, Mention


def _relation_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    facts = []
    for sent in ctx.sentences:
        named_object = any(m.kind == rule["object_kind"] for m in sent.entities)
        if not _rule_fires(sent, rule) and not (named_object and _rule_fires(sent, {k: v for k, v in rule.items() if k != "unless"})):
            continue
        products = [p for p in ctx.subject_products(sent) if p.kind == "product"
                    and not re.match(r"(?:['’]s)?\s+(?:successor|replacement|follow-up|predecessor)\b", ctx.text[p.end:p.end + 16])]
        if not products:
            continue
        kind = rule["object_kind"]
        objects = _unique([m for m in sent.entities if m.kind == kind])
        names = [o.canonical for o in objects]
        if not names and kind == "plant":
            if sent.plant_ref:
                names = [ctx.main["plant"]] if ctx.main["plant"] else []
        if not names:
            continue
        if len(names) == len(products) and len(names) > 1:
            pairs = list(zip(products, names))
        elif len(names) == 1:
            pairs = [(p, names[0]) for p in products]
        else:
            continue
        facts.extend(_fact(ctx.analysis, sent, rule, p.canonical, name, mention=p) for p, name in pairs)
    return facts


def _parent_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    facts = []
    for sent in ctx.sentences:
        for pos in _trigger_positions(sent, rule["triggers"]):
            if pos < 0:
                continue
            toks = sent.tokens
            trig_char = toks[pos].idx
            orgs = [m for m in sent.entities if m.kind in ("company", "brand", "org")]
            after = [m for m in orgs if m.start > trig_char and re.fullmatch(r"\s*(?:of|to)\s+(?:the\s+)?",
                                                                             ctx.text[trig_char + len(toks[pos].text):m.start])]
            before = [m for m in orgs if m.end <= trig_char and trig_char - m.end < 60
                      and re.match(r"['’]s\b", ctx.text[m.end:m.end + 2])]
            parent = (after or before[-1:] or [None])[0]
            if parent is None:
                continue
            named = [m for m in sent.entities if m.kind in ("company", "brand", "org", "place") and m.label != "GPE"]
            children = [m for m in named if m.end <= parent.start and re.fullmatch(
                r"\s*(?:—|–|-|,|\()\s*(?:a|an|the)?\s*(?:[\w-]+\s+){0,5}", ctx.text[m.end:parent.start])]
            if not children:
                children = [m for m in orgs if m.start > trig_char and not after and m.start - trig_char < 20]
            for child in children[-1:]:
                if child.canonical != parent.canonical:
                    facts.append(_fact(ctx.analysis, sent, rule, child.canonical, parent.canonical, mention=child))
    return facts


def _event_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    """A dated, named event: "today's Alliance Operating Board meeting" (name between the possessive
    date and a lowercase event noun), "the Toyota Annual General Meeting held on June 14, 2024"."""
    facts = []
    text = ctx.text
    nouns = "|".join(re.escape(t) for t in rule["triggers"])
    name = r"((?:[A-Z][\w&-]*\s+){0,6}[A-Z][\w&-]*)"
    for sent in ctx.sentences:
        for value in sent.values:
            if value.label != "DATE" or not value.value or _in_dateline(ctx, value):
                continue
            after = re.match(rf"['’]s\s+{name}\s+(?-i:{nouns})\b", text[value.end:value.end + 120])
            before = re.search(rf"{name}(?:\s+(?-i:{nouns}))?\s*,?\s*(?:held|taking place|which took place|to be held)?\s*(?:on|in)\s+$",
                               text[max(sent.start, value.start - 120):value.start])
            found = after or before
            if not found or (before and not after and not re.search(rf"\b(?:{nouns})\b", found.group(0), re.I)):
                continue
            subject = re.sub(r"^(?:The|A|An)\s+", "", found.group(1))
            entry = ctx.pset.alias_index.get(normalize_name(subject))
            facts.append(_fact(ctx.analysis, sent, rule, entry.name if entry else subject, value.value,
                               mention=value, modifier=value.modifier, precision=value.precision))
    return facts


def _segment_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    facts = []
    text = ctx.text
    for sent in ctx.sentences:
        for ent in sent.entities:
            if ent.kind not in rule["subject"]:
                continue
            after = re.match(r"\s*\(\s*segments?\s+([A-F](?:\s*/\s*[A-F])*)\s*\)", text[ent.end:ent.end + 30])
            before = re.search(r"\b([A-F](?:\s*/\s*[A-F])?)-segment\s+(?:[\w-]+\s+)?$", text[max(0, ent.start - 30):ent.start])
            found = after or before
            if found:
                value = re.sub(r"\s*/\s*", "/", found.group(1))
                facts.append(_fact(ctx.analysis, sent, rule, ent.canonical, value, mention=ent))
    return facts


def _milestone_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    """A production milestone stated as an ordinal: 'its 100,000th car', 'the one millionth battery'.
    Ordinals are never count mentions; this rule reads them from the sentence text."""
    facts = []
    lex = ctx.pset.lexicon
    words = "|".join(sorted((k for k in lex["number_words"] if " " not in k), key=len, reverse=True))
    pattern = re.compile(rf"\b(?:(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:st|nd|rd|th)|(?:({words})[\s-])?(million|billion|thousand|hundred)th)"
                         rf"\s+((?:[a-z-]+\s+)?[a-z-]+)", re.I)
    for sent in ctx.sentences:
        if not _rule_fires(sent, rule):
            continue
        for m in pattern.finditer(sent.raw):
            if m.group(1):
                value = float(m.group(1).replace(",", ""))
            else:
                scale = {"million": 1e6, "billion": 1e9, "thousand": 1e3, "hundred": 1e2}[m.group(3).lower()]
                value = (lookup_number(lex, m.group(2)) if m.group(2) else 1) * scale
            known = set(lex["product_nouns"]) | {"vehicle", "unit"}
            units = [lookup(lex["noun_unit_aliases"], w) or w for w in m.group(4).lower().split()]
            unit = next((u for u in units if u in known), "")
            if not unit:  # 'the 3rd largest factory' is a rank, not a milestone
                continue
            start = sent.start + m.start()
            mention = Mention(ctx.analysis.article.id, "QUANTITY", m.group(0), start, sent.start + m.end())
            subject = ctx.resolve_subject(sent, rule["subject"], mention)
            if subject:
                facts.append(_fact(ctx.analysis, sent, rule, subject, format_number(value), mention=mention, unit=unit,
                                   modality="actual"))
    return facts


def lookup_number(lex: dict[str, Any], word: str) -> float:
    return float(lookup(lex["number_words"], word) or 1)


def _role_facts(analysis: Analysis) -> list[Fact]:
    art = analysis.article
    out = []
    for r in analysis.roles:
        sentence = art.text[r.sentence[0]:r.sentence[1]].strip()
        out.append(Fact(art.id, r.org, r.attribute, r.person.canonical, "person", evidence=sentence,
                        start=r.person.start, end=r.person.end, rule_id=r.rule_id, value_text=r.person.text,
                        published=art.published, url=art.url))
    return out


def extract_facts(analysis: Analysis, pset: PatternSet, *, skip: frozenset[tuple[int, int]] = frozenset()) -> list[Fact]:
    """All facts of one article, deduplicated (first statement kept), in document order; `skip`:
    value spans known to be no fact (the open stage's verdict), which the value rules pass over."""
    if not analysis.article.text.strip():
        return []
    ctx = ArticleContext(analysis, pset)
    rules = list(pset.attributes)
    facts = _value_facts(ctx, [r for r in rules if r["strategy"] == "value"], skip)
    handlers = {"relation": _relation_facts, "parent": _parent_facts, "event_date": _event_facts,
                "segment": _segment_facts, "milestone": _milestone_facts}
    for rule in rules:
        if rule["strategy"] in handlers:
            facts.extend(handlers[rule["strategy"]](ctx, rule))
    facts.extend(_role_facts(analysis))
    seen, out = set(), []
    for fact in sorted(facts, key=lambda f: (f.start, f.attribute, f.subject, f.value)):
        key = (fact.subject, fact.attribute, fact.value, fact.period, fact.modifier)
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out
