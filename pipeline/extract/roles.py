"""People in roles: "X, CEO of Y", "Y CEO X", "Y's chief executive X", "the new head of Y, X",
"the CEOs of A and B, X and Y, respectively", "X, Chairman" (the organisation named just before).

The same analysis corrects the NER: a capitalised name in a role slot is a PERSON even when the
model missed it or called it an ORG.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from pipeline.extract.entities import canonical_for
from pipeline.patterns import PatternSet
from pipeline.types import Mention

PARTICLES = {"de", "del", "della", "da", "di", "du", "van", "von", "der", "den", "la", "le", "bin", "al", "dos", "das", "ten", "ter"}
FILLERS = {"as", "newly", "appointed", "new", "the", "its", "their", "our", "recently", "named", "group", "interim", "global",
           "executive"}
STOP_BEFORE = {"former", "ex", "ex-", "outgoing", "late", "previous", "deputy", "vice"}
ORG_KINDS = {"company", "brand", "org", "body", "plant"}


@dataclass(frozen=True)
class RoleAssertion:
    person: Mention
    org: str
    attribute: str
    rule_id: str
    sentence: tuple[int, int]


_MATCHERS: dict[tuple[int, int], tuple[Any, PhraseMatcher, dict[str, dict[str, Any]]]] = {}


def build_role_matcher(doc: Doc, roles: tuple[dict[str, Any], ...]) -> tuple[PhraseMatcher, dict[str, dict[str, Any]]]:
    """The role phrases on a PhraseMatcher; built once per vocabulary and role set."""
    key = (id(doc.vocab), id(roles))
    cached = _MATCHERS.get(key)
    if cached is not None and cached[0] is roles:
        return cached[1], cached[2]
    matcher = PhraseMatcher(doc.vocab, attr="LOWER")
    by_id = {}
    for role in roles:
        matcher.add(role["id"], [_make(doc, p) for p in role["phrases"]])
        by_id[role["id"]] = role
    if len(_MATCHERS) >= 8:  # a long-lived process that rebuilds its Language keeps only the recent ones
        _MATCHERS.clear()
    _MATCHERS[key] = (roles, matcher, by_id)
    return matcher, by_id


def _make(doc: Doc, phrase: str) -> Doc:
    words = phrase.replace("-", " - ").split()
    return Doc(doc.vocab, words=words)


def _is_name_token(token) -> bool:
    return (token.is_title or token.text.isupper() and len(token.text) > 1) and token.is_alpha and not token.is_stop


def _name_run_before(doc: Doc, end: int, sent: Span) -> tuple[int, int] | None:
    i = end - 1
    start = None
    while i >= sent.start:
        tok = doc[i]
        if _is_name_token(tok) or (tok.text == "-" and start is not None and i > sent.start and _is_name_token(doc[i - 1])) \
                or (tok.lower_ in PARTICLES and start is not None):
            start = i
            i -= 1
            continue
        break
    if start is None:
        return None
    while start < end and doc[start].lower_ in PARTICLES:
        start += 1
    return (start, end) if end - start >= 2 else None


def _name_run_after(doc: Doc, start: int, sent: Span) -> tuple[int, int] | None:
    i = start
    while i < sent.end:
        tok = doc[i]
        if _is_name_token(tok) or (tok.text == "-" and i > start and i + 1 < sent.end and _is_name_token(doc[i + 1])) \
                or (tok.lower_ in PARTICLES and i > start and i + 1 < sent.end and doc[i + 1].is_title):
            i += 1
            continue
        break
    return (start, i) if i - start >= 2 else None


class _EntityIndex:
    """Token-indexed view of the article's entity mentions."""

    def __init__(self, doc: Doc, mentions: list[Mention]):
        self.by_start: dict[int, tuple[int, Mention]] = {}
        self.by_end: dict[int, tuple[int, Mention]] = {}
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            self.by_start[span.start] = (span.end, m)
            self.by_end[span.end] = (span.start, m)


def _person(doc: Doc, run: tuple[int, int], index: _EntityIndex, article_id: str) -> Mention | None:
    s, e = run
    for i in range(s, e):
        hit = index.by_start.get(i)
        if hit and hit[1].kind in ("company", "brand", "product", "platform", "plant") and hit[1].pattern_id.count(".") and \
                not hit[1].pattern_id.startswith("model."):
            return None  # a gazetteer organisation is not a person
    text = doc[s:e].text
    start = doc[s].idx
    return Mention(article_id, "PERSON", text, start, start + len(text), value=text,
                   pattern_id="person.role-context", kind="person", canonical=text)


def _persons_at(doc: Doc, i: int, sent: Span, index: _EntityIndex, article_id: str) -> tuple[list[Mention], int]:
    """Names starting at token i, joined by ',' or 'and': ('Ivan Espinosa and Takao Kato')."""
    persons: list[Mention] = []
    while i < sent.end:
        hit = index.by_start.get(i)
        if hit and hit[1].label == "PERSON":
            persons.append(hit[1])
            i = hit[0]
        else:
            run = _name_run_after(doc, i, sent)
            person = _person(doc, run, index, article_id) if run else None
            if person is None:
                break
            persons.append(person)
            i = run[1]
        if i < sent.end and doc[i].lower_ in ("and", ",") and i + 1 < sent.end and doc[i + 1].lower_ != "respectively":
            i += 1
            if i < sent.end and doc[i].lower_ == "and":
                i += 1
            continue
        break
    return persons, i


def _orgs_at(doc: Doc, i: int, sent: Span, index: _EntityIndex,
             departments: frozenset[str] = frozenset()) -> tuple[list[str], int]:
    """Organisations from token i: 'Nissan and Mitsubishi Motors', 'the Renault Group'."""
    orgs: list[str] = []
    while i < sent.end:
        if doc[i].lower_ == "the":
            i += 1
            continue
        if not orgs and doc[i].lower_ in departments:
            break  # 'Director of Operations': a department
        hit = index.by_start.get(i)
        if not hit or (hit[1].kind not in ORG_KINDS and not (not orgs and hit[1].pattern_id.startswith("model."))):
            break  # right after "CEO of", a name the model called a PERSON or place is the organisation
        orgs.append(hit[1].canonical)
        i = hit[0]
        nxt = index.by_start.get(i + 1, (0, None))[1] if i + 1 < sent.end else None
        if nxt is not None and nxt.kind in ORG_KINDS and (
                doc[i].lower_ == "and" or (doc[i].text == "," and not nxt.pattern_id.startswith("model."))):
            i += 1  # "Nissan and Mitsubishi Motors"; after a comma only a known organisation continues
            continue
        break
    return orgs, i


def role_chains(doc: Doc, roles: tuple[dict[str, Any], ...]) -> list[tuple[int, int, list[str]]]:
    """The article's role slots (token start, end, role ids): found once, read by role_slot_orgs
    and role_assertions."""
    matcher, _ = build_role_matcher(doc, roles)
    return _role_chains(doc, matcher)


def role_assertions(doc: Doc, entities: list[Mention], roles: tuple[dict[str, Any], ...],
                    article_id: str, departments: frozenset[str] = frozenset(),
                    chains: list[tuple[int, int, list[str]]] | None = None) -> list[RoleAssertion]:
    """Every (person, organisation, role) the role rules find, in document order."""
    matcher, by_id = build_role_matcher(doc, roles)
    index = _EntityIndex(doc, entities)
    out: list[RoleAssertion] = []
    for s, e, rids in (chains if chains is not None else _role_chains(doc, matcher)):
        role = {"needs_org_after": all(by_id[r].get("needs_org_after") for r in rids)}
        sent = doc[s].sent
        if any(doc[j].lower_ in STOP_BEFORE for j in range(max(sent.start, s - 2), s)):
            continue
        orgs_after: list[str] = []
        j = e
        if j < sent.end and doc[j].lower_ in ("of", "at", "for"):
            orgs_after, j = _orgs_at(doc, j + 1, sent, index, departments)
        elif any(by_id[r].get("org_follows") for r in rids):  # "X, who heads Y"
            orgs_after, j = _orgs_at(doc, j, sent, index)
        if role.get("needs_org_after") and not orgs_after:
            continue
        k = s
        while k > sent.start and doc[k - 1].lower_ in FILLERS:
            k -= 1
        org_before: list[str] = []
        if k > sent.start and doc[k - 1].tag_ == "POS":
            hit = index.by_end.get(k - 1)
            if hit and hit[1].kind in ORG_KINDS:
                org_before = [hit[1].canonical]
                k = hit[0]  # "Peter Carlsson, Northvolt's chief executive"
                while k > sent.start and doc[k - 1].lower_ in FILLERS:
                    k -= 1
        elif k > sent.start and index.by_end.get(k) and index.by_end[k][1].kind in ORG_KINDS:
            org_before = [index.by_end[k][1].canonical]
            k = index.by_end[k][0]
        persons: list[Mention] = []
        if k > sent.start and doc[k - 1].text == ",":
            hit = index.by_end.get(k - 1)
            run = _name_run_before(doc, k - 1, sent)
            if hit and hit[1].label == "PERSON" and not (run and run[0] < hit[0]):
                persons = [hit[1]]
            else:  # the model missed the name, or caught only part of it ('Hiernaux' of 'Sébastien Hiernaux')
                person = _person(doc, run, index, article_id) if run else None
                persons = [person] if person else []
        if not persons:
            start = j + 1 if j < sent.end and doc[j].text == "," else j
            if start == e or start > j:
                persons, _ = _persons_at(doc, start, sent, index, article_id)
        if not persons:
            persons = _predicate_person(doc, s, e, index)
        orgs = orgs_after or org_before
        if not orgs and persons and k > sent.start and doc[k - 1].text == ",":
            orgs = _nearest_org_before(index, persons[0], sent, doc)
        if not persons or not orgs:
            continue
        if len(orgs) == len(persons):
            pairs = list(zip(persons, orgs))
        elif len(orgs) == 1:
            pairs = [(p, orgs[0]) for p in persons]
        else:
            pairs = [(persons[0], orgs[0])]
        for rid in rids:
            if by_id[rid].get("needs_org_after") and not orgs_after:
                continue
            for person, org in pairs:
                out.append(RoleAssertion(person, org, by_id[rid]["attribute"], rid, (sent.start_char, sent.end_char)))
    return out


def _predicate_person(doc: Doc, s: int, e: int, index: _EntityIndex) -> list[Mention]:
    """The person a role is predicated of: 'X became CEO of Y', 'X was appointed CEO of Y', 'X took
    over as chief executive of Y' (the role is the verb's attribute, predicative complement or 'as'
    object, and X its subject). Never an object: in 'X met the CEO of Y', X is not the CEO."""
    head = next((t for t in doc[s:e] if not s <= t.head.i < e), doc[e - 1])
    if head.dep_ == "pobj" and head.head.lower_ == "as":
        verb = head.head.head
    elif head.dep_ in ("attr", "oprd"):
        verb = head.head
    else:
        return []
    if verb.pos_ not in ("VERB", "AUX"):
        return []
    for subject in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
        for start, (end, mention) in index.by_start.items():
            if start <= subject.i < end and mention.label == "PERSON":
                return [mention]
    return []


def _role_chains(doc: Doc, matcher: PhraseMatcher) -> list[tuple[int, int, list[str]]]:
    """Role phrases, longest first where they overlap, joined into chains when coordinated:
    'President and CEO of Kia' is one slot with two roles."""
    found = sorted(((s, e, doc.vocab.strings[mid]) for mid, s, e in matcher(doc)), key=lambda m: (m[0], -(m[1] - m[0])))
    chains: list[tuple[int, int, list[str]]] = []
    last_end = -1
    for s, e, rid in found:
        if s < last_end:
            continue
        last_end = e
        if chains and doc[chains[-1][1]:s].text.strip() in ("and", "&", ",", "and the") and s - chains[-1][1] <= 2:
            start, _, rids = chains[-1]
            chains[-1] = (start, e, rids + [rid])
        else:
            chains.append((s, e, [rid]))
    return chains


def _nearest_org_before(index: _EntityIndex, person: Mention, sent: Span, doc: Doc) -> list[str]:
    best = None
    for end, (start, m) in index.by_end.items():
        if m.kind in ("company", "org", "brand") and doc[start].idx >= sent.start_char and m.end <= person.start:
            if best is None or m.end > best.end:
                best = m
    return [best.canonical] if best else []


CAMEL = re.compile(r"^(?:[a-z]{1,6}[A-Z]|[A-Z][a-z]+[A-Z])[A-Za-z0-9]*$")  # easyJet, eBay, BioNTech
PLACE_LABELS = {"GPE", "LOC", "NORP"}


def _org_name_token(token) -> bool:
    text = token.text
    if token.is_punct or token.like_num or token.is_space or token.is_stop:
        return False
    return bool(CAMEL.match(text)) or (text[:1].isupper() and any(c.isalpha() for c in text))


def role_slot_orgs(doc: Doc, text: str, entities: list[Mention], pset: PatternSet, article_id: str,
                   chains: list[tuple[int, int, list[str]]] | None = None) -> list[Mention]:
    """The organisation slot of 'X, CEO of Y' holds an organisation even when the model missed it
    ('CEO of easyJet', 'CEO of Rivian') or swallowed the role into it ('Chair of Inditex' as one
    ORG). Such a name becomes an ORG mention, and so do its other occurrences in the article that no
    entity covers ('easyJet carried 82 million passengers'). Names the model calls places stay
    places ('President of France')."""
    departments = set(pset.lexicon.get("departments", ()))
    added: list[Mention] = []
    kept = list(entities)
    for s, e, _ in (chains if chains is not None else role_chains(doc, pset.roles)):
        sent = doc[s].sent
        i = e
        if i >= sent.end or doc[i].lower_ not in ("of", "at"):
            continue
        i += 1
        if i < sent.end and doc[i].lower_ == "the":
            i += 1
        j = i
        while j < sent.end and j - i < 5 and _org_name_token(doc[j]):
            j += 1
        if j == i or doc[i].lower_ in departments:
            continue  # 'head of Sales', 'Director of Operations': a department, not an organisation
        start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
        overlapping = [m for m in kept if m.start < end and start < m.end]
        if any(not m.pattern_id.startswith("model.") or m.label in PLACE_LABELS for m in overlapping):
            continue  # a known entity (found by _orgs_at if it is an organisation) or a place
        if any(m.label == "ORG" and m.start == start for m in overlapping):
            continue  # the model already has it
        name = doc[i:j].text
        canonical, kind, _ = canonical_for(name, "ORG", pset, "company")
        mention = Mention(article_id, "ORG", name, start, end, value=canonical, pattern_id="org.role-slot",
                          kind=kind, canonical=canonical)
        kept = [m for m in kept if m not in overlapping] + [mention]
        added.append(mention)
    if not added:
        return entities
    for org in {m.text: m for m in added}.values():
        for hit in re.finditer(rf"(?<![\w&]){re.escape(org.text)}(?![\w&])", text):
            s, e = hit.span()
            overlapping = [m for m in kept if m.start < e and s < m.end]
            if any((m.start, m.end) == (s, e) and m.label == "ORG" for m in overlapping):
                continue
            if overlapping and not all(m.pattern_id.startswith("model.") and (m.start, m.end) == (s, e)
                                       and m.label not in PLACE_LABELS for m in overlapping):
                continue  # part of a longer name, or a place
            kept = [m for m in kept if m not in overlapping] + [replace(org, start=s, end=e)]
    return sorted(kept, key=lambda m: (m.start, m.end))
