"""People in roles: "X, CEO of Y", "Y CEO X", "Y's chief executive X", "the new head of Y, X",
"the CEOs of A and B, X and Y, respectively", "X, Chairman" (the organisation named just before),
"X (left), Chairman of Y", "Douai plant director, X", "Mitsubishi boss X", "new CEO X" (in an
article about one company), public offices ("French President X", "Texas Governor X", "X,
president of the Y region", "French Industry Minister X") and long titles ("X, Executive Vice
President of Operations at Y"). Which title takes a place, a portfolio or a department is data
(patterns/roles.jsonl; vocabularies in pipeline/extract/offices.py).

The same analysis corrects the NER: a capitalised name in a role slot is a PERSON even when the
model missed it or called it an ORG (role_slots.py: the NER slips around titles; role_people.py: names
and which person a title belongs to).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from pipeline.extract.offices import (OfficeVocab, country_before, country_of, generic_company_before, main_company,
                                      place_at, portfolio_after, portfolio_before)
from pipeline.extract.role_people import EntityIndex, appointee, persons_for, reporting_org
from pipeline.types import Mention

FILLERS = {"as", "newly", "appointed", "new", "the", "its", "their", "our", "recently", "named", "group", "interim", "global",
           "executive", "brand"}
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


def _orgs_at(doc: Doc, i: int, sent: Span, index: EntityIndex,
             departments: frozenset[str] = frozenset(), kinds: set[str] = ORG_KINDS) -> tuple[list[str], int]:
    """Organisations from token i: 'Nissan and Mitsubishi Motors', 'the Renault Group'."""
    orgs: list[str] = []
    while i < sent.end:
        if doc[i].lower_ == "the":
            i += 1
            continue
        if not orgs and doc[i].lower_ in departments:
            break  # 'Director of Operations': a department
        hit = index.by_start.get(i)
        if not hit or (hit[1].kind not in kinds and not (not orgs and hit[1].pattern_id.startswith("model."))):
            break  # right after "CEO of", a name the model called a PERSON or place is the organisation
        orgs.append(hit[1].canonical)
        i = hit[0]
        nxt = index.by_start.get(i + 1, (0, None))[1] if i + 1 < sent.end else None
        if nxt is not None and nxt.kind in kinds and (
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
                    chains: list[tuple[int, int, list[str]]] | None = None,
                    lexicon: dict[str, Any] | None = None) -> list[RoleAssertion]:
    """Every (person, organisation, role) the role rules find, in document order."""
    matcher, by_id = build_role_matcher(doc, roles)
    index = EntityIndex(doc, entities)
    vocab = OfficeVocab.from_lexicon(lexicon or {}, departments)
    main: list[str | None] = []  # the article's main company, computed on first need
    out: list[RoleAssertion] = []
    shared: tuple[int, str, tuple[bool, bool]] | None = None  # the last 'ORG title X': X's end, ORG, kind of title
    chains = chains if chains is not None else _role_chains(doc, matcher)
    titles = frozenset(i for s, e, _ in chains for i in range(s, e))  # tokens of titles: never part of a name
    for s, e, rids in chains:
        specs = [by_id[r] for r in rids]
        sent = doc[s].sent
        if any(doc[j].lower_ in STOP_BEFORE for j in range(max(sent.start, s - 2), s)):
            continue
        place_ok = any(r.get("place_ok") for r in specs)
        kinds = ORG_KINDS | {"place"} if place_ok else ORG_KINDS
        # after the title: an aside, a portfolio or department, then 'of/at/for ORG'
        j = _skip_aside(doc, e, sent)
        title_end = j
        portfolio = ""
        if any(r.get("portfolio_attribute") or r.get("department_ok") for r in specs):
            words = vocab.portfolios | (vocab.departments if any(r.get("department_ok") for r in specs) else frozenset())
            portfolio, j = portfolio_after(doc, j, sent, vocab, words - {"the"})
            title_end = j
        orgs_after: list[str] = []
        unit = False
        if j < sent.end and doc[j].lower_ in ("of", "at", "for"):
            place, place_end = place_at(doc, j + 1, sent, vocab) if place_ok else ("", j)
            orgs_after, j2 = _orgs_at(doc, j + 1, sent, index, departments, kinds)
            if place and (not orgs_after or place_end > j2):
                orgs_after, j2 = [place], place_end
            if place_ok:
                orgs_after = [country_of(o, vocab) for o in orgs_after]
            if len(orgs_after) == 1 and j2 < sent.end and doc[j2].lower_ in vocab.org_nouns:
                orgs_after, j2 = [f"{orgs_after[0]} {doc[j2].lower_}"], j2 + 1  # 'of the Community union'
            if orgs_after and j2 + 1 < sent.end and doc[j2].tag_ == "POS":  # 'head of M&S's clothing business'
                owned = index.by_start.get(j2 + 1)
                if doc[j2 + 1].lower_ in vocab.bodies:
                    j2 += 2  # 'chairman of Toyota's board'
                elif owned and owned[1].kind in ORG_KINDS:
                    orgs_after, j2 = [owned[1].canonical], owned[0]  # 'director of Toyota's Valenciennes factory'
                else:
                    orgs_after, unit = [], True  # the title is a unit's: no organisation borrowed from elsewhere
            if orgs_after:
                j = j2
        elif any(r.get("org_follows") for r in specs):  # "X, who heads Y"
            orgs_after, j = _orgs_at(doc, j, sent, index)
        elif j + 1 < sent.end and doc[j].text == "," and k_comma_before(doc, s, sent):
            hit = index.by_start.get(j + 1)  # 'said Jane Doe, chief executive officer, Kestrova.'
            if hit and hit[1].kind in ORG_KINDS and (hit[0] >= sent.end or doc[hit[0]].text in (".", ",", ";")
                                                     or doc[hit[0]].lower_ in ("said", "says")):
                orgs_after = [hit[1].canonical]
        if all(r.get("needs_org_after") for r in specs) and not orgs_after:
            continue
        k = s
        while k > sent.start and doc[k - 1].lower_ in FILLERS and k not in index.by_end:
            k -= 1  # 'the new CEO', 'Renault group CEO' (but 'Hyundai Motor Group Executive Chair')
        company = any(r.get("org_is_company") for r in specs) and not any(r.get("office") for r in specs)
        pre = ""
        if any(r.get("portfolio_attribute") for r in specs):  # 'Commerce Secretary', 'Economy and Finance Minister'
            pre, k = portfolio_before(doc, k, sent, vocab)
            portfolio = portfolio or pre
        follows = index.by_start.get(title_end)
        org_before, k = _org_before(doc, s, k, sent, index, kinds, company, covering=not pre, bodies=vocab,
                                    name_follows=bool(follows and follows[1].label == "PERSON"))
        if place_ok:
            org_before = [country_of(o, vocab) for o in org_before]
        if not org_before and place_ok and country_before(doc, k, sent, vocab):
            org_before, k = [country_before(doc, k, sent, vocab)], k - 1  # 'French President', 'German Chancellor'
            while k > sent.start and doc[k - 1].lower_ in FILLERS:
                k -= 1  # 'Olaf Scholz, the German chancellor'
        generic = not org_before and company and generic_company_before(doc, k, sent, vocab)
        if generic:
            k -= 3  # "Jane Doe, the company's chief executive": the article's main company
            while k > sent.start and doc[k - 1].lower_ in FILLERS:
                k -= 1
        if not org_before and not orgs_after and shared and k - 1 > sent.start and doc[k - 1].lower_ in ("and", "&") \
                and doc[k - 2].idx + len(doc[k - 2]) == shared[0] and shared[2] == (company, place_ok):
            org_before = [shared[1]]  # 'Nissan CEO X and COO Y', 'French President X and Prime Minister Y'
        if any(r.get("needs_org") for r in specs) and not (orgs_after or org_before):
            continue
        persons, adjacent = persons_for(doc, s, e, k, j, title_end, bool(orgs_after), sent, index, article_id, titles)
        if any(r.get("needs_org") for r in specs) and any(p.pattern_id == "person.role-context" for p in persons):
            continue  # 'Kestrova chief Operating Officer...': only a name the model saw follows 'boss'/'chief'
        orgs = orgs_after or org_before
        if not persons and company:  # 'Asda has appointed X as its new chairman'
            persons, appointer = appointee(doc, s, e, index, vocab.appointment_verbs)
            if appointer is not None and not orgs and (appointer.kind in ORG_KINDS or appointer.pattern_id.startswith("model.")) \
                    and appointer.label != "PERSON" and not vocab.not_role_org(appointer.text):
                orgs = [appointer.canonical]
        office = all(r.get("office") for r in specs)
        if unit:
            continue
        if not orgs and persons and not office and k > sent.start and doc[k - 1].text == ",":
            orgs = _nearest_org_before(index, persons[0], sent, doc, vocab)
        if not orgs and persons and (adjacent or generic) and company \
                and all(p.pattern_id != "person.role-context" for p in persons) \
                and not (k > sent.start and doc[k - 1].tag_ in ("NNP", "NNPS")):  # 'London Heathrow Airport CEO X': unresolved
            reporter = reporting_org(doc, s, e, index)  # 'Walgreens announced that CEO X will retire'
            if reporter is not None and not vocab.not_role_org(reporter.text):
                orgs = [reporter.canonical]
            else:
                if not main:
                    main.append(main_company(entities, vocab))
                orgs = [main[0]] if main[0] else []  # 'new CEO Luca de Meo' in an article about one company
        if not persons or not orgs:
            continue
        if len(orgs) == len(persons):
            pairs = list(zip(persons, orgs))
        elif len(orgs) == 1:
            pairs = [(p, orgs[0]) for p in persons]
        else:
            pairs = [(persons[0], orgs[0])]
        for rid, spec in zip(rids, specs):
            if spec.get("needs_org_after") and not orgs_after:
                continue
            attribute = spec["attribute"]
            if portfolio and spec.get("portfolio_attribute"):
                attribute = spec["portfolio_attribute"].format(portfolio=portfolio)
            for person, org in pairs:
                out.append(RoleAssertion(person, org, attribute, rid, (sent.start_char, sent.end_char)))
        shared = (persons[-1].end, org_before[0], (company, place_ok)) if org_before and adjacent else None
    return out


def k_comma_before(doc: Doc, s: int, sent: Span) -> bool:
    """A comma just before the title (fillers aside): 'Jane Doe, chief executive officer'."""
    k = s
    while k > sent.start and doc[k - 1].lower_ in FILLERS | {"and"}:
        k -= 1
    return k > sent.start and doc[k - 1].text == ","


def _skip_aside(doc: Doc, j: int, sent: Span) -> int:
    """Past a short parenthetical after a title or name: 'president (various right) of'."""
    if j < sent.end and doc[j].text == "(":
        for i in range(j + 1, min(sent.end, j + 7)):
            if doc[i].text == ")":
                return i + 1
    return j


def _org_before(doc: Doc, s: int, k: int, sent: Span, index: EntityIndex, kinds: set[str],
                company: bool = False, covering: bool = True, bodies: OfficeVocab | None = None,
                name_follows: bool = False) -> tuple[list[str], int]:
    """The organisation named just before a title: 'Northvolt's chief executive', 'Renault Chairman',
    'Douai plant director' (the plant word is both the entity's and the title's; not so a portfolio:
    'Mineral Resources Minister' is no organisation's minister)."""
    for start, (end, m) in index.by_start.items():
        if covering and start < s < end and m.kind in ORG_KINDS:
            k = start
            while k > sent.start and doc[k - 1].lower_ in FILLERS:
                k -= 1
            return [m.canonical], k
    if k > sent.start and doc[k - 1].tag_ == "POS":
        hit = index.by_end.get(k - 1)  # a company's title: a name the model took for a place is the company
        if hit and (hit[1].kind in kinds or company and hit[1].pattern_id.startswith("model.") and hit[1].kind == "place"):
            k = hit[0]  # "Peter Carlsson, Northvolt's chief executive"
            while k > sent.start and doc[k - 1].lower_ in FILLERS:
                k -= 1
            return [hit[1].canonical], k
        return [], k
    hit = index.by_end.get(k)
    if k > sent.start and hit and hit[1].kind in kinds and not (bodies and bodies.not_role_org(hit[1].text)):
        return [hit[1].canonical], hit[0]  # not a body of its own: 'Council president X', 'Board chairman X'
    if k > sent.start and hit and company and name_follows and hit[1].pattern_id.startswith("model.") \
            and hit[1].label in ("PERSON", "FAC"):
        return [hit[1].canonical], hit[0]  # 'Heathrow boss X', 'Brussels Airport CEO X': the model's PERSON or FAC
    return [], k


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


def _nearest_org_before(index: EntityIndex, person: Mention, sent: Span, doc: Doc, vocab: OfficeVocab) -> list[str]:
    """The organisation named last before 'X, title' in its sentence; a department ('Operations') or
    a company's own body ('the Board of Directors') is not one."""
    best = None
    for end, (start, m) in index.by_end.items():
        if m.kind in ("company", "org", "brand") and doc[start].idx >= sent.start_char and m.end <= person.start \
                and not vocab.not_role_org(m.text):
            if best is None or m.end > best.end:
                best = m
    return [best.canonical] if best else []
