"""The organisation slot of a role phrase, and the NER slips around titles that the role analysis
corrects before it pairs people with organisations (pipeline/extract/roles.py)."""
from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc

from pipeline.extract.entities import canonical_for
from pipeline.extract.role_people import name_run_after
from pipeline.extract.roles import role_chains
from pipeline.patterns import PatternSet, normalize_name
from pipeline.types import Mention

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
    not_orgs = {w.lower() for w in pset.lexicon.get("role_slot_not_orgs", ())}
    chains = chains if chains is not None else role_chains(doc, pset.roles)
    entities = repair_around_titles(doc, entities, pset, article_id, chains)
    added: list[Mention] = []
    kept = list(entities)
    for s, e, _ in chains:
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
        if j == i or doc[i].lower_ in departments or doc[i:j].text.lower() in not_orgs:
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



NOT_ORG_BEFORE_TITLE = {"founder", "co-founder", "cofounder", "owner", "partner", "acting", "then", "and", "&"}


def repair_around_titles(doc: Doc, entities: list[Mention], pset: PatternSet, article_id: str,
                         chains: list[tuple[int, int, list[str]]]) -> list[Mention]:
    """NER slips around a title, corrected before roles are read:
    - a model entity swallowed the title after a name ('GlobalWafers Chair' as one ORG, 'Infineon
      Chair' as a PERSON, before 'and CEO Jane Doe'): the words before the title are the ORG;
    - a model ORG swallowed a department before its organisation ('Sales at Volvo Cars' after
      'vice president of'): the part after 'at' is the ORG;
    - a product rule read a brand and the first name after it as a model ('Renault François Provost',
      'Renault Luca' in 'the new chief of Renault Luca de Meo'): a known company or brand right after
      'title of' and a name after it are an ORG and a PERSON;
    - the model missed the organisation before a title (not a public office's) that a name follows
      ('Verkor COO Mathieu Moreau', 'Unite assistant general secretary Tony Burke'): capitalised proper
      nouns just before the title are an ORG."""
    role_words = {w.lower() for role in pset.roles for p in role["phrases"] for w in p.split()}
    org_roles = {role["id"] for role in pset.roles if not role.get("place_ok") and not role.get("office")}
    portfolio_roles = {role["id"] for role in pset.roles if role.get("portfolio_attribute")}
    portfolios = {w.lower() for w in pset.lexicon.get("office_portfolios", ())}
    out = list(entities)
    for s, e, rids in chains:
        sent = doc[s].sent
        q = s
        while q > sent.start and doc[q - 1].lower_ in portfolios | {"and", "&"}:
            q -= 1  # the portfolio before the title: 'Foreign Trade' in 'Foreign Trade Minister'
        if q < s and any(r in portfolio_roles for r in rids):
            for m in list(out):  # 'United Arab Emirates Foreign (Trade)' as one GPE before 'Minister'
                span = doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is not None and m.pattern_id.startswith("model.") and m.label in ("GPE", "LOC") \
                        and span.start < q < span.end <= s:
                    out[out.index(m)] = _place_mention(doc, span.start, q, pset, article_id, m.label)
        persons_after = [m for m in out if m.label == "PERSON" and e < len(doc) and m.start == doc[e].idx]
        for m in list(out):
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or not m.pattern_id.startswith(("model.", "product.")):
                continue
            if m.label in ("PERSON", "ORG") and m.pattern_id.startswith("model.") and s <= span.start < e < span.end - 1 \
                    and name_run_after(doc, e, sent) == (e, span.end):
                rest = doc[e:span.end]  # 'Chair Euisun Chung' as one PERSON, 'COO Guillaume Cartier' as an ORG
                trimmed = replace(m, label="PERSON", text=rest.text, start=rest.start_char, value=rest.text,
                                  canonical=rest.text, kind="person",
                                  pattern_id=m.pattern_id if m.label == "PERSON" else "person.role-slot")
                out[out.index(m)] = trimmed
                persons_after.append(trimmed)
            elif m.pattern_id.startswith("model.") and span.start < s < span.end <= e and \
                    (m.label == "ORG" or m.label == "PERSON" and persons_after) and \
                    all(_org_name_token(t) for t in doc[span.start:s]):
                out[out.index(m)] = _org_mention(doc, span.start, s, pset, article_id)
            elif m.label == "ORG" and m.pattern_id.startswith("model.") and span.start in (e + 1, e + 2) \
                    and doc[e].lower_ == "of":
                at = next((t.i for t in span if t.lower_ == "at"), None)
                if at is not None and at + 1 < span.end:
                    out[out.index(m)] = _org_mention(doc, at + 1, span.end, pset, article_id)
            elif m.label == "PRODUCT" and m.pattern_id.startswith("product.") and e < sent.end \
                    and doc[e].lower_ == "of" and span.start in (e + 1, e + 2) and span.end - span.start >= 2:
                brand = pset.alias_index.get(normalize_name(doc[span.start].text))
                run = name_run_after(doc, span.start + 1, sent)
                if brand is None or brand.kind not in ("company", "brand") or run is None or run[1] < span.end:
                    continue
                first = doc[span.start]
                out[out.index(m)] = Mention(article_id, "ORG", first.text, first.idx, first.idx + len(first.text),
                                            value=brand.name, pattern_id=brand.id, kind=brand.kind, canonical=brand.name)
                name = doc[run[0]:run[1]]
                out = [x for x in out if not (name.start_char <= x.start < name.end_char)]
                out.append(Mention(article_id, "PERSON", name.text, name.start_char, name.end_char, value=name.text,
                                   pattern_id="person.role-slot", kind="person", canonical=name.text))
        if persons_after and any(r in org_roles for r in rids):
            k = s
            while k > sent.start and doc[k - 1].tag_ == "NNP" and _org_name_token(doc[k - 1]) \
                    and doc[k - 1].lower_ not in role_words | NOT_ORG_BEFORE_TITLE and s - k < 3:
                k -= 1
            if k < s and not any(m.start < doc[s - 1].idx + len(doc[s - 1]) and doc[k].idx < m.end for m in out):
                out.append(_org_mention(doc, k, s, pset, article_id))
    return sorted(out, key=lambda m: (m.start, m.end))


def _org_mention(doc: Doc, start: int, end: int, pset: PatternSet, article_id: str) -> Mention:
    span = doc[start:end]
    canonical, kind, gid = canonical_for(span.text, "ORG", pset, "org")
    return Mention(article_id, "ORG", span.text, span.start_char, span.end_char, value=canonical,
                   pattern_id=gid or "org.role-slot", kind=kind, canonical=canonical)


def _place_mention(doc: Doc, start: int, end: int, pset: PatternSet, article_id: str, label: str) -> Mention:
    span = doc[start:end]
    canonical, kind, _ = canonical_for(span.text, label, pset, "place")
    return Mention(article_id, label, span.text, span.start_char, span.end_char, value=canonical,
                   pattern_id=f"model.{label.lower()}", kind=kind, canonical=canonical)
