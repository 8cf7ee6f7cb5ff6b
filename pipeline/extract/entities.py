"""Named entities from a parsed Doc: the model's, corrected by the gazetteer, rules and context.

Each entity gets a kind (company, brand, plant, product, platform, body, person, place, org) and a
canonical name: the gazetteer's name when an alias matches, otherwise the folded surface form
("the Sunderland factory" -> "Sunderland plant").
"""
from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Span

from pipeline.names import initials_match, name_key, person_variant
from pipeline.patterns import PatternSet, normalize_name
from pipeline.types import Mention

NAMED_LABELS = {"ORG", "PERSON", "GPE", "LOC", "FAC", "PRODUCT"}
MODEL_KIND = {"ORG": "org", "PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "PRODUCT": "product"}
PLANT_WORDS = r"(?:plant|factory|facility|gigafactory|works|mill|fab|site|refinery|foundry|smelter)"
PRODUCTION_KINDS = {"battery", "assembly", "engine", "paint", "cell", "vehicle", "car", "chip", "steel", "pharmaceutical",
                    "vaccine", "semiconductor", "components", "stamping", "press", "ev", "aluminium", "aluminum", "tyre",
                    "tire", "glass", "cement", "chemical", "production", "manufacturing", "final"}


def clean_surface(text: str) -> str:
    """Drop a leading article and a trailing possessive: "the Douai plant's" -> "Douai plant"."""
    text = re.sub(r"^(?:the|The|THE)\s+", "", text.strip())
    return re.sub(r"(?:['’]s|['’])$", "", text).strip(" ,.;:")


def canonical_for(text: str, label: str, pset: PatternSet, kind_hint: str = "") -> tuple[str, str, str]:
    """(canonical name, kind, gazetteer id or '') for an entity's surface text."""
    entry = pset.alias_index.get(normalize_name(text))
    if entry is not None:
        return entry.name, entry.kind, entry.id
    surface = clean_surface(text)
    kind = kind_hint or MODEL_KIND.get(label, "org")
    if kind == "platform":
        surface = re.sub(r"\s+(?:platforms?|architectures?)$", "", surface, flags=re.I)
    placed = re.match(rf"^(?:(?:new|first|second|european|american|own)\s+)*(.*?)\s*\b(?:{PLANT_WORDS}|plants|factories|facilities|sites)\s+in\s+(.+)$", surface, re.I)
    if label == "FAC" and placed:  # "vaccine plant in Vitry-sur-Seine" -> "Vitry-sur-Seine vaccine plant"
        kind = "plant"
        surface = " ".join(x for x in (placed.group(2), placed.group(1).lower(), "plant") if x)
    elif label == "FAC" and re.match(r"(?:Plant|Werk)\s+[A-ZÀ-Þ]", surface):  # "Plant Spartanburg"
        kind = "plant"
        surface = re.sub(r"^(?:Plant|Werk)\s+", "", surface) + " plant"
    elif label == "FAC" and re.search(rf"\b{PLANT_WORDS}$", surface, re.I):
        kind = "plant"
        surface = re.sub(rf"\s+{PLANT_WORDS}$", " plant", surface, flags=re.I)
        words = surface.split()
        for n in range(len(words) - 2, 0, -1):  # "Renault Flins plant" -> "Flins plant"
            owner = pset.alias_index.get(normalize_name(" ".join(words[:n])))
            if owner is not None and owner.kind in ("company", "brand"):
                surface = " ".join(words[n:])
                break
    return surface, kind, ""


def _rule_kinds(pset: PatternSet) -> dict[str, str]:
    kinds = {g.id: g.kind for g in pset.gazetteer}
    kinds.update({r["id"]: r.get("kind", "") for r in pset.entity_rules})
    return kinds


def _prefer_longer_names(doc: Doc, spans: list[Span], stop_words: set[str]) -> list[Span]:
    """A known company followed by more capitalised name words is another, longer name: "Toyota
    Motor Manufacturing France" (a subsidiary), not "Toyota Motor" — unless the words are a role
    ("Renault Group Chairman") or the start of another entity."""
    starts = {s.start for s in spans}
    out = []
    for span in spans:
        end = span.end
        if span.label_ == "ORG" and span.ent_id_:
            while (end < len(doc) and end not in starts and doc[end].is_title and doc[end].pos_ == "PROPN"
                   and doc[end].lower_ not in stop_words and not doc[end].is_sent_start):
                end += 1
        if span.ent_id_ == "fac.plant-in-place" and span.start > 0 and doc[span.start - 1].pos_ == "PROPN":
            start = span.start - 1  # "its Holland battery plant in Michigan" is the Holland plant
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title:
                start -= 1
            plant_word = next(t.i for t in span if t.lower_ == "in")
            out.append(Span(doc, start, plant_word, label="FAC"))
            continue
        out.append(span if end == span.end else Span(doc, span.start, end, label=span.label_))
    return out


def consistent_labels(spans: list[Span]) -> dict[str, str]:
    """One sense per article: a surface tagged with several labels by the model takes its majority
    label ('Douai' as GPE twice and PERSON once is a GPE)."""
    by_text: dict[str, Counter[str]] = {}
    for span in spans:
        by_text.setdefault(clean_surface(span.text), Counter())[span.label_] += 1
    return {t: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for t, c in by_text.items() if len(c) > 1}


def entity_mentions(doc: Doc, article_id: str, pset: PatternSet) -> list[Mention]:
    """ORG, PERSON, GPE, LOC, FAC and PRODUCT mentions with kinds and canonical names."""
    kinds = _rule_kinds(pset)
    stop_words = {w.lower() for role in pset.roles for p in role["phrases"] for w in p.split()}
    spans = _prefer_longer_names(doc, [e for e in doc.ents if e.label_ in NAMED_LABELS], stop_words)
    majority = consistent_labels([e for e in spans if not e.ent_id_])
    out = []
    full_text = doc.text
    for ent in spans:
        label = ent.label_
        if not ent.ent_id_ and clean_surface(ent.text) in majority:
            label = majority[clean_surface(ent.text)]
        start, end = ent.start_char, ent.end_char
        text = full_text[start:end]
        if re.search(r"['’]s$", text):  # "Ampere’s" -> "Ampere"
            end -= 2
            text = full_text[start:end]
        lead = re.match(r"(?:the|The)\s+", text)
        if lead and label != "PERSON":
            start += lead.end()
            text = full_text[start:end]
        if not re.search(r"[^\W\d_]", text) or text in pset.lexicon.get("not_entities", ()):
            continue
        canonical, kind, gid = canonical_for(text, label, pset, kinds.get(ent.ent_id_, ""))
        pattern_id = ent.ent_id_ or f"model.{label.lower()}"
        out.append(Mention(article_id, label, text, start, end, value=canonical, pattern_id=pattern_id,
                           kind=kind, canonical=canonical))
    return out


def main_entity(mentions: list[Mention], kind: str) -> str:
    """The entity of a kind the article is about: the most mentioned, then the first mentioned."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in mentions:
        if m.kind == kind:
            counts[m.canonical] += 1
            first.setdefault(m.canonical, m.start)
    if not counts:
        return ""
    return sorted(counts, key=lambda c: (-counts[c], first[c], c))[0]


def link_within_article(mentions: list[Mention], text: str) -> list[Mention]:
    """Acronyms defined in the article ('Toyota Motor Manufacturing France (TMMF)') and short forms
    of a person named in full ('Mr Leroy' after 'Didier Leroy') take the full entity's name."""
    from dataclasses import replace

    acronyms: dict[str, Mention] = {}
    for m in mentions:
        after = re.match(r"\s*\(([A-Z][A-Za-z0-9&]{1,9})\)", text[m.end:m.end + 14])
        if after and m.label in ("ORG", "FAC", "PRODUCT") and initials_match(after.group(1), m.text):
            acronyms[after.group(1)] = m
    mentions = sorted(mentions + _bare_plant_names(mentions, text), key=lambda m: (m.start, m.end))
    people = [m for m in mentions if m.label == "PERSON"]
    plants = _plant_names(mentions)
    out = []
    for m in mentions:
        if m.text in acronyms and acronyms[m.text] is not m and not m.pattern_id.count(".") > 1:
            full = acronyms[m.text]
            m = replace(m, canonical=full.canonical, kind=full.kind, label=full.label)
        elif m.label == "PERSON":
            key = name_key(m.canonical, "person")
            longer = [p for p in people if person_variant(key, name_key(p.canonical, "person"))]
            if longer:
                m = replace(m, canonical=sorted(longer, key=lambda p: (p.start, p.canonical))[0].canonical)
        if m.kind == "plant" and m.canonical in plants:
            m = replace(m, canonical=plants[m.canonical])
        out.append(m)
    return out


def harmonize_labels(mentions: list[Mention], text: str = "", words: dict | None = None) -> list[Mention]:
    """One name, one kind within an article, where the model wavers: a lone surname it called an
    organisation is the person named in full elsewhere ('Rentler' after 'Barbara Rentler'); a
    'person' whose words begin an organisation's name is that organisation ('Ross Stores' beside
    'Ross Stores, Inc.')."""
    from dataclasses import replace

    words = words or {}
    org_words = set(words.get("org_name_words", ()))
    site_nouns = {w for kind in ("plant", "project") for w in words.get("generic_refs", {}).get(kind, ())}
    not_people = _not_people(mentions, text, org_words, site_nouns)
    mentions = [replace(m, label="ORG" if kind == "org" else "FAC", kind=kind) if (kind := not_people.get(m.canonical))
                and m.label == "PERSON" and m.pattern_id.startswith("model.") else m for m in mentions]
    full_people = {m.canonical.split()[-1]: m for m in mentions
                   if m.label == "PERSON" and len(m.canonical.split()) >= 2 and m.canonical.split()[-1][:1].isupper()}
    orgs = [m for m in mentions if m.label == "ORG" and m.kind != "person"]
    out = []
    for m in mentions:
        model = m.pattern_id.startswith("model.")
        if model and m.label == "ORG" and " " not in m.text.strip() and m.text.strip() in full_people:
            person = full_people[m.text.strip()]
            m = replace(m, label="PERSON", kind="person", canonical=person.canonical)
        elif model and m.label == "ORG" and " " not in m.text.strip() and len(m.text.strip()) >= 4 and (
                longer := [o for o in orgs if o.text != m.text and o.text.startswith(m.text.strip()) and o.canonical != m.canonical]):
            m = replace(m, canonical=longer[0].canonical, kind=longer[0].kind)  # 'Astra' after 'AstraZeneca'
        elif model and m.label == "PERSON":
            words = m.text.strip()
            longer = [o for o in orgs if o.text.startswith(words) and o.text != words
                      and not o.text[len(words):len(words) + 1].isalnum() and o.text.strip() not in full_people]
            if longer:
                org = longer[0]
                m = replace(m, label="ORG", kind=org.kind, canonical=org.canonical)
        out.append(m)
    return out


def _bare_plant_names(mentions: list[Mention], text: str) -> list[Mention]:
    """A plant whose own name holds a plant word ('the Factory Zero plant') is the same plant when
    named bare later ('Factory Zero builds...')."""
    from dataclasses import replace

    covered = [(m.start, m.end) for m in mentions]
    added = []
    for m in mentions:
        base = re.sub(r"\s+plant$", "", m.canonical)
        if m.kind != "plant" or base == m.canonical or not re.search(rf"\b{PLANT_WORDS}\b|\bgiga", base, re.I):
            continue
        for hit in re.finditer(rf"(?<!\w){re.escape(base)}(?!\w)", text):
            if not any(s < hit.end() and hit.start() < e for s, e in covered):
                added.append(replace(m, text=hit.group(0), start=hit.start(), end=hit.end(), pattern_id="fac.named-plant"))
                covered.append(hit.span())
    return added


def _plant_names(mentions: list[Mention]) -> dict[str, str]:
    """Within one article, 'the West Virginia mill' and 'a steel mill in West Virginia' are one plant:
    names equal but for a kind of production take the fullest one."""
    names = sorted({m.canonical for m in mentions if m.kind == "plant" and not m.pattern_id.startswith("plant.")})
    bare = lambda n: " ".join(w for w in n.split() if w.lower() not in PRODUCTION_KINDS)  # noqa: E731
    out = {}
    for name in names:
        fuller = [o for o in names if o != name and bare(o) == bare(name) and len(o) > len(name)]
        if fuller:
            out[name] = max(fuller, key=lambda o: (len(o), o))
    return out


def _not_people(mentions: list[Mention], text: str, org_words: set[str], site_nouns: set[str]) -> dict[str, str]:
    """Names the model called persons that the article shows are not: a digit or an organisation
    word in the name ('Vineyard Wind 1', 'Avangrid Renewables') -> org; followed anywhere by a site
    or project noun ('the Jansen project', "Jansen's mine") -> project."""
    out: dict[str, str] = {}
    for m in mentions:
        if m.label != "PERSON" or not m.pattern_id.startswith("model."):
            continue
        tokens = m.canonical.lower().replace("-", " ").split()
        if any(t.isdigit() for t in tokens) or set(tokens) & org_words:
            out.setdefault(m.canonical, "org")
            continue
        following = re.match(r"(?:['’]s)?((?:\s+(?:stage\s+\d+|[a-z][a-z-]*)){1,3})", text[m.end:m.end + 50]) if text else None
        if following and set(following.group(1).split()) & site_nouns:
            out[m.canonical] = "project"
    return out
