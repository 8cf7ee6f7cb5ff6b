"""The closed value rules (`strategy: value` in patterns/attributes.jsonl): a value with a trigger
in its clause becomes the rule's attribute of the nearest sensible subject."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from spacy.tokens import Token

from pipeline.extract.mentions import Analysis
from pipeline.types import Fact, Mention

from pipeline.extract.closed_context import PLANNED, ArticleContext, Sentence, _trigger_positions, rule_distance


def _modality(ctx: ArticleContext, sent: Sentence, value: Mention) -> str:
    """'planned' when the clause governing the value is future or a target ("will reach 60 GWh
    by 2026", "aims to make 1 million"), else 'actual'; the verb chain decides, not the sentence."""
    if value.modifier == "before":
        return "planned"
    span = ctx.doc.char_span(value.start, value.end, alignment_mode="expand")
    token = span.root if span is not None and len(span) else None
    hops = 0
    while token is not None and hops < 10:
        if token.pos_ in ("VERB", "AUX"):
            aux = {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}
            if token.lemma_.lower() in PLANNED or token.lower_ in PLANNED or aux & PLANNED:
                return "planned"
            if token.dep_ not in ("xcomp", "ccomp", "advcl", "conj"):
                return "actual"
        elif token.lemma_.lower() in ("target", "goal", "plan", "ambition", "objective"):
            return "planned"
        if token.head.i == token.i:
            break
        token, hops = token.head, hops + 1
    words = set(sent.words) | set(sent.lemmas)
    return "planned" if words & PLANNED and token is None else "actual"


def _owned_date(sent: Sentence, value: Mention, text: str) -> Mention | None:
    """The product a date is attached to in a list: 'Megane E-Tech (since 2022)', 'A290 (2024)'."""
    for product in sent.products:
        between = text[product.end:value.start]
        if product.end <= value.start and re.fullmatch(r"\s*[(:]\s*|\s*,\s*", between):
            return product
    return None


def _in_other_relative_clause(sent: Sentence, year: Mention, value: Mention) -> bool:
    """A year inside a relative clause that does not hold the value dates something else: in 'The
    Kenitra plant, which opened in 2019, employs 3,500 people' 2019 is no period of the 3,500."""
    doc = sent.span.doc
    year_span = doc.char_span(year.start, year.end, alignment_mode="expand")
    value_span = doc.char_span(value.start, value.end, alignment_mode="expand")
    if year_span is None or value_span is None or not len(year_span) or not len(value_span):
        return False
    token = year_span.root
    while token.head.i != token.i:
        if token.dep_ == "relcl":
            return not (token.left_edge.i <= value_span.root.i <= token.right_edge.i)
        token = token.head
    return False


def _period(sent: Sentence, value: Mention, others: list[Mention], text: str) -> str:
    """The year a figure is for: the closest year in its sentence not closer to another figure."""
    years = [m for m in sent.values if m.label == "DATE" and m.precision == "year" and m.value[:4].isdigit()
             and not _in_other_relative_clause(sent, m, value)]
    if not years:
        return ""
    def gap(year: Mention, figure: Mention) -> int:
        if figure.end <= year.start:  # "89,527 in 2024"
            between = text[figure.end:year.start]
            return 0 if re.fullmatch(r"\s+(?:\w+\s+){0,2}(?:in|for|during|over|through)\s+", between) else len(between)
        between = text[year.end:figure.start]  # "2024: 89 527"
        return 0 if re.fullmatch(r"\s*[:=]\s*", between) else len(between) + 1

    best = min(years, key=lambda y: (gap(y, value), y.start))
    rivals = [o for o in others if o is not value and gap(best, o) < gap(best, value)]
    return "" if rivals else best.value


def _fact(analysis: Analysis, sent: Sentence, rule: dict[str, Any], subject: str, value: str, *,
          mention: Mention | None = None, unit: str = "", period: str = "", modifier: str = "",
          modality: str = "", precision: str = "") -> Fact:
    art = analysis.article
    return Fact(art.id, subject, rule["attribute"], value, rule["value_type"], unit=unit, period=period,
                modifier=modifier, modality=modality, evidence=sent.text,
                start=mention.start if mention else sent.start, end=mention.end if mention else sent.end,
                rule_id=rule["id"], value_text=mention.text if mention else value, published=art.published,
                url=art.url, precision=precision)


def _in_dateline(ctx: ArticleContext, value: Mention) -> bool:
    start, end = ctx.analysis.article.dateline
    return value.label == "DATE" and start <= value.start < end


def _value_facts(ctx: ArticleContext, rules: list[dict[str, Any]],
                 skip: frozenset[tuple[int, int]] = frozenset()) -> list[Fact]:
    facts: list[Fact] = []
    text = ctx.analysis.article.text
    for sent in ctx.sentences:
        for value in sent.values:
            if not value.value or _in_dateline(ctx, value) or (value.start, value.end) in skip:
                continue
            candidates = []
            vpos = ctx.token_pos(sent, value.start)
            clause = ctx.clause_of(sent, value)
            for rule in rules:
                if rule.get("value_label") != value.label:
                    continue
                units = rule.get("units")
                if units is not None and value.unit not in units and not (
                        "@product_nouns" in units and value.unit in ctx.pset.lexicon["product_nouns"]):
                    continue
                if rule.get("value_position") == "modifies_trigger":
                    noun = _modified_noun(ctx, value)
                    distance = 0 if noun is not None and _noun_is_trigger(sent, rule, noun) else None
                else:
                    distance = rule_distance(sent, rule, vpos, clause)
                if distance is not None:
                    candidates.append((distance, rule["_line"], rule))
            for _, _, rule in sorted(candidates, key=lambda c: (c[0], c[1])):
                found = _apply_value_rule(ctx, sent, rule, value, text)
                if found:  # the closest rule that can use the value wins
                    facts.extend(found)
                    break
    return facts


def _modified_noun(ctx: ArticleContext, value: Mention) -> Token | None:
    """The noun an amount sizes: 'a €7.3 billion battery plant' -> plant, 'the $2bn factory' ->
    factory (the value's root is that noun's number or compound modifier)."""
    span = ctx.doc.char_span(value.start, value.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    root = span.root
    head = root.head
    if root.dep_ in ("nummod", "compound", "amod", "nmod") and head.i >= span.end and head.pos_ in ("NOUN", "PROPN"):
        return head
    return None


def _noun_is_trigger(sent: Sentence, rule: dict[str, Any], noun: Token) -> bool:
    """Whether the noun is one of the rule's trigger words (lemma or surface form) and no `unless`
    word is in the sentence."""
    if rule.get("unless") and _trigger_positions(sent, rule["unless"], inherited=False):
        return False
    words = {w.lower() for w in rule.get("triggers", []) if " " not in w}
    return noun.lemma_.lower() in words or noun.lower_ in words


def _apply_value_rule(ctx: ArticleContext, sent: Sentence, rule: dict[str, Any], value: Mention, text: str) -> list[Fact]:
    analysis = ctx.analysis
    kinds = rule["subject"]
    modifier = "" if value.modifier in rule.get("absorb", ()) else value.modifier
    if rule["value_type"] == "date":
        owner = _owned_date(sent, value, text)
        if rule.get("value_position") == "after_subject":
            subjects = [owner.canonical] if owner else []
        elif owner is not None:
            subjects = [] if "product" not in kinds else [owner.canonical]
        elif "product" in kinds and ctx.subject_products(sent):
            subjects = [p.canonical for p in ctx.subject_products(sent)]
        else:
            other = [k for k in kinds if k != "product"]
            subjects = [ctx.resolve_subject(sent, other, value)] if other else []
        return [_fact(analysis, sent, rule, s, value.value, mention=value, modifier=modifier,
                      precision=value.precision, modality="") for s in subjects if s]
    figures = [v for v in sent.values if v.label == value.label]
    period = _period(sent, value, figures, text)
    unit = value.unit
    rate = analysis.rates.get(value.start, "")
    if rule.get("requires_period") and not (period or rate):
        return []
    if not unit and value.label == "QUANTITY":
        allowed = set(rule.get("units", [])) | (set(ctx.pset.lexicon["product_nouns"]) if "@product_nouns" in rule.get("units", []) else set())
        siblings = [v.unit for v in figures if v.unit and v.unit in allowed]
        unit = siblings[0] if siblings else ""
        if not unit:  # what the article counts, else plain 'unit'
            unit = next((u for u in (ctx.product_noun, "unit") if u and u in allowed), "")
        if not unit:
            return []
    attribute = rule["attribute"]
    if rate:
        unit = f"{unit}/{rate}"
        if rule.get("rate_attribute", {}).get(rate):
            attribute = rule["rate_attribute"][rate]  # "will produce 30,000 vehicles a year": a capacity
    subject = ctx.resolve_subject(sent, kinds, value)
    if not subject:
        return []
    fact = _fact(analysis, sent, dict(rule, attribute=attribute), subject, value.value, mention=value, unit=unit,
                 period=period, modifier=modifier, modality=_modality(ctx, sent, value))
    if rule.get("qualifiers"):  # funding: the kind of money ('grant', 'loan') nearest to the value
        vpos, vend = ctx.token_pos(sent, value.start), ctx.token_pos(sent, value.end - 1)
        found = [(p - vend if p > vend else vpos - p, kind) for phrase, kind in rule["qualifiers"].items()
                 for p in _trigger_positions(sent, [phrase], inherited=False)]
        if found:
            fact = replace(fact, qualifier=min(found)[1])
    return [fact]
