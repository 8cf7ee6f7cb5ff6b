"""All mentions of one article: entities (with role-based corrections) and normalized values."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc

from pipeline.extract.dates import clause_tense, normalize_date
from pipeline.extract.entities import entity_mentions, harmonize_labels, link_within_article
from pipeline.extract.money import normalize_money
from pipeline.extract.numbers import lookup
from pipeline.extract.quantities import (NOT_COUNTED, counted_noun, dominant_product_noun, normalize_percent,
                                         normalize_quantity, noun_unit, rate_after)
from pipeline.extract.role_slots import role_slot_orgs
from pipeline.extract.roles import RoleAssertion, role_assertions, role_chains
from pipeline.extract.values import find_value_matches, is_phone_like
from pipeline.patterns import PatternSet
from pipeline.types import Article, Mention


@dataclass
class Analysis:
    """One article's Doc with its mentions: what the fact rules read."""

    article: Article
    doc: Doc
    entities: list[Mention] = field(default_factory=list)
    values: list[Mention] = field(default_factory=list)
    roles: list[RoleAssertion] = field(default_factory=list)
    rates: dict[int, str] = field(default_factory=dict)  # value start -> rate unit

    @property
    def mentions(self) -> list[Mention]:
        return sorted(self.entities + self.values, key=lambda m: (m.start, m.end, m.label))


def _merge_persons(entities: list[Mention], roles: list[RoleAssertion]) -> list[Mention]:
    """Role-context persons replace whatever entity overlapped them (a missed or mislabelled name)."""
    persons = {(r.person.start, r.person.end): r.person for r in roles}
    kept = [m for m in entities if not any(m.start < e and s < m.end and (m.label != "PERSON" or (s, e) != (m.start, m.end))
                                           for s, e in persons)]
    have = {(m.start, m.end) for m in kept}
    kept.extend(p for span, p in persons.items() if span not in have)
    return sorted(kept, key=lambda m: (m.start, m.end))


def nlp_singular(doc: Doc, char: int, lexicon: dict) -> str:
    """The counted noun of a key-figure label that starts at char ('Employees' -> 'employee');
    '' for labels that are not counted nouns ('Production 2022', 'Investment')."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None or not len(span):
        return ""
    token = span[0]
    plural = token.tag_ in ("NNS", "NNPS") or (token.pos_ in ("NOUN", "PROPN") and token.lower_.endswith("s"))
    if not plural or token.lemma_.lower() in NOT_COUNTED:
        return ""
    return noun_unit(token, lexicon)


def value_mentions(doc: Doc, article: Article, pset: PatternSet, entities: list[Mention]) -> tuple[list[Mention], dict[int, str]]:
    lex = pset.lexicon
    text = article.text
    # a gazetteer/rule entity blocks any overlapping number ("A290", "Renault 5"); a model entity
    # blocks only numbers it wholly contains (the model's ORG "MW" does not block "15 MW")
    blocked = [(m.start, m.end) for m in entities if m.label in ("PRODUCT", "ORG", "FAC") and m.kind != "place"
               and not m.pattern_id.startswith("model.")]
    contained = [(m.start, m.end) for m in entities if m.label in ("PRODUCT", "ORG", "FAC") and m.pattern_id.startswith("model.")]
    generic_unit = ""
    out: list[Mention] = []
    rates: dict[int, str] = {}
    for match in find_value_matches(text, pset, blocked):
        g, start, end = match.groups, match.start, match.end
        if match.label in ("DATE", "QUANTITY") and any(s <= start and end <= e and (s, e) != (start, end)
                                                       for s, e in contained):
            continue
        fields: dict[str, str]
        pattern_id = match.pattern_id
        if match.label == "MONEY":
            fields = normalize_money(g, lex)
        elif match.label == "PERCENT":
            fields = normalize_percent(g, lex, pattern_id)
        elif match.label == "DATE":
            partial = not (g.keys() & {"year", "ny", "qy"}) and bool(g.keys() & {
                "month", "monthx", "weekday", "day", "ordday", "nd", "ordq", "offin"})
            tense = clause_tense(doc, start) if partial else ""
            if g.get("offin") and tense == "past":  # 'In seven weeks, the line was converted': a duration
                fields = normalize_quantity(g, lex)
                start += len(g["offin"]) + 1
                out.append(Mention(article.id, "QUANTITY", text[start:end], start, end, value="1" if g.get("one") else fields["value"],
                                   unit=lookup(lex["date_units"], g["dunit"]) or "", pattern_id=pattern_id))
                continue
            fields = normalize_date(g, pattern_id, lex, published=article.published, tense=tense, text=text[start:end])
        else:
            if is_phone_like(text, start, end) and not g.get("unitsym"):  # not '372 miles (600 km)'
                continue
            fields = normalize_quantity(g, lex)
            window = max(0, start - 60)
            label = re.search(r"(?:^|\n)[\s*•-]*([A-Za-z][\w -]{1,40}?)\s*:\s*$", text[window:start])
            if not fields["unit"] and label:  # "Employees: 2,600" in a list of key figures
                head = nlp_singular(doc, window + label.start(1), lex)
                if head:
                    fields["unit"] = head
            if not fields["unit"]:
                noun, noun_end = counted_noun(doc, end)
                if noun is None and match.noun == "sibling":  # 'four warehouses in the region, three in Ohio'
                    fields["unit"] = _sibling_unit(out, text, start)
                    if not fields["unit"]:
                        continue
                elif noun is None and match.noun == "required":
                    continue
                if noun is not None:
                    fields["unit"] = noun_unit(noun, lex)
                    end = noun_end
                    if fields["unit"] in lex["generic_counters"]:
                        generic_unit = generic_unit or dominant_product_noun(doc, lex) or fields["unit"]
                        fields["unit"] = generic_unit
            rate, _ = rate_after(text, end, lex)
            if rate:
                rates[start] = rate
        out.append(Mention(article.id, match.label, text[start:end], start, end, value=fields.get("value", ""),
                           unit=fields.get("unit", ""), precision=fields.get("precision", ""),
                           modifier=fields.get("modifier", ""), pattern_id=pattern_id))
    return _bare_dollars(out, lex), rates


def _sibling_unit(found: list[Mention], text: str, start: int) -> str:
    """The counted noun of the count just before, in the same sentence, that an elided count shares:
    'four warehouses in the region, three in Ohio' -> 'warehouse'; '' when there is none."""
    before = [m for m in found if m.label == "QUANTITY" and m.unit and m.end <= start]
    if not before or re.search(r"[.;!?\n]", text[before[-1].end:start]):
        return ""
    return before[-1].unit


def _bare_dollars(values: list[Mention], lexicon: dict) -> list[Mention]:
    """A bare '$' (or an amount in cents) is USD unless the article says otherwise: when its explicit
    amounts are all in one other dollar currency ('C$40 million', '500 million Canadian dollars'),
    '$' means that one."""
    dollar_codes = {code for sym, code in lexicon["currency_symbols"].items() if sym.endswith("$")} | \
        {code for word, code in lexicon["currency_words"].items() if "dollar" in word}
    explicit = {m.unit for m in values if m.label == "MONEY" and m.unit in dollar_codes
                and not re.match(r"(?:[a-z ]+\s)?\$", m.text, re.I) and not _in_cents(m.text)}
    if len(explicit) != 1 or explicit == {"USD"}:
        return values
    code = explicit.pop()
    return [replace(m, unit=code) if m.label == "MONEY" and m.unit == "USD" and (
            re.match(r"(?:[A-Za-z ]+\s)?\$", m.text) or _in_cents(m.text)) else m for m in values]


def _in_cents(text: str) -> bool:
    """'43 cents', '10¢', '10c': an amount in cents of the article's dollar."""
    return bool(re.search(r"(?:\d|\b[a-z]+)\s?(?:cents?|¢|c)$", text, re.I))


def analyze(doc: Doc, article: Article, pset: PatternSet) -> Analysis:
    """Entities, role assertions and values of one parsed article."""
    entities = entity_mentions(doc, article.id, pset)
    chains = role_chains(doc, pset.roles)
    entities = role_slot_orgs(doc, article.text, entities, pset, article.id, chains)
    roles = role_assertions(doc, entities, pset.roles, article.id, frozenset(pset.lexicon.get("departments", ())), chains,
                            pset.lexicon)
    entities = _merge_persons(entities, roles)
    role_orgs = {r.org for r in roles}
    # the chief executive's or chairman's organisation is a company even where the model saw a place
    # ('Mira Holm, CEO of Kestrova'); a president's may be a country ('President of France')
    company_roles = {role["id"] for role in pset.roles if role.get("org_is_company")}
    company_orgs = {r.org for r in roles if r.rule_id in company_roles}
    entities = [replace(e, label="ORG", kind="org") if e.pattern_id.startswith("model.") and (
                (e.label == "PERSON" and e.canonical in role_orgs) or (e.label in ("GPE", "LOC", "NORP") and e.canonical in company_orgs))
                else e for e in entities]
    values, rates = value_mentions(doc, article, pset, entities)
    entities = [e for e in entities if not (e.pattern_id.startswith("model.")
                                            and any(v.start <= e.start and e.end <= v.end for v in values))]
    entities = link_within_article(entities, article.text)
    entities = harmonize_labels(entities, article.text, pset.open_rules.words if pset.open_rules else None)
    return Analysis(article, doc, entities, values, roles, rates)
