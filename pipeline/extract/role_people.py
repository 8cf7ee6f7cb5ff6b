"""The people of role phrases: capitalised name runs (with particles and hyphens: 'Ursula von der
Leyen', 'Pierre-Emmanuel Andrieux'), the entity index the role rules read, and which person a title
belongs to ('X, title', 'X (aside), title', 'title X', 'title of Y, X', 'X became title')."""
from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.types import Mention

PARTICLES = {"de", "del", "della", "da", "di", "du", "van", "von", "der", "den", "la", "le", "bin", "al", "dos", "das", "ten", "ter"}


def is_name_token(token) -> bool:
    return (token.is_title or token.text.isupper() and len(token.text) > 1) and token.is_alpha and not token.is_stop


def name_run_before(doc: Doc, end: int, sent: Span) -> tuple[int, int] | None:
    i = end - 1
    start = None
    while i >= sent.start:
        tok = doc[i]
        if is_name_token(tok) or (tok.text == "-" and start is not None and i > sent.start and is_name_token(doc[i - 1])) \
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


def name_run_after(doc: Doc, start: int, sent: Span) -> tuple[int, int] | None:
    i = start
    while i < sent.end:
        tok = doc[i]
        if is_name_token(tok) or (tok.text == "-" and i > start and i + 1 < sent.end and is_name_token(doc[i + 1])) \
                or (tok.lower_ in PARTICLES and i > start and _title_after_particles(doc, i, sent)):
            i += 1
            continue
        break
    return (start, i) if i - start >= 2 else None


def _title_after_particles(doc: Doc, i: int, sent: Span) -> bool:
    """'von der Leyen', 'de la Fuente': particles followed by a capitalised name word."""
    while i < sent.end and doc[i].lower_ in PARTICLES:
        i += 1
    return i < sent.end and doc[i].is_title


class EntityIndex:
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


def person_from_run(doc: Doc, run: tuple[int, int], index: EntityIndex, article_id: str) -> Mention | None:
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


def persons_at(doc: Doc, i: int, sent: Span, index: EntityIndex, article_id: str,
                titles: frozenset[int] = frozenset(), appositive: bool = False) -> tuple[list[Mention], int]:
    """Names starting at token i, joined by ',' or 'and': ('Ivan Espinosa and Takao Kato')."""
    persons: list[Mention] = []
    while i < sent.end:
        hit = index.by_start.get(i)
        run = name_run_after(doc, i, sent)
        if hit and hit[1].label == "PERSON" and doc[hit[0] - 1].lower_ in PARTICLES and run and run[1] > hit[0]:
            persons.append(person_from_run(doc, run, index, article_id) or hit[1])  # 'Ursula von der' + 'Leyen'
            i = run[1]
        elif hit and hit[1].label == "PERSON":
            nxt = hit[0] + (hit[0] < sent.end and doc[hit[0]].lower_ in ("brand", "group", "unit"))
            if persons and nxt in titles:
                break  # '..., X and Hollister brand president Y': 'Hollister' names the next title's organisation
            persons.append(hit[1])
            i = hit[0]
        else:
            person = person_from_run(doc, run, index, article_id) if run else None
            if person is None or any(t in titles for t in range(*run)) or (not persons and not appositive and any(
                    run[0] < t < run[1] and index.by_start[t][1].label == "PERSON" for t in index.by_start)):
                break  # 'Chief Engineer Gilles Vidal': right after a title, words before the model's name are a title
            persons.append(person)
            i = run[1]
        if i < sent.end and doc[i].lower_ in ("and", ",") and i + 1 < sent.end and doc[i + 1].lower_ != "respectively":
            i += 1
            if i < sent.end and doc[i].lower_ == "and":
                i += 1
            if i in titles:
                break  # 'Nissan CEO X and COO Y': Y has a title of his own
            continue
        break
    return persons, i


def aside_before(doc: Doc, k: int, sent: Span) -> int:
    """Before a short parenthetical that ends at token k - 1: 'Zhang Lei (left), Chairman'."""
    if k - 1 > sent.start and doc[k - 1].text == ")":
        for i in range(k - 2, max(sent.start, k - 8) - 1, -1):
            if doc[i].text == "(":
                return i
    return k


def persons_for(doc: Doc, s: int, e: int, k: int, j: int, title_end: int, has_org_after: bool, sent: Span,
                 index: EntityIndex, article_id: str, titles: frozenset[int]) -> tuple[list[Mention], bool]:
    """The person(s) a title belongs to, and whether the title stands right next to the name (an
    appositive title, which may take the article's main company): 'X, title', 'X (aside), title',
    'title X', 'title of Y, X', 'title of Y X', or the subject of 'X became title'."""
    after = index.by_start.get(title_end)
    if j == title_end and after and after[1].label == "PERSON" and k < s:
        return persons_at(doc, title_end, sent, index, article_id, titles)[0], True  # 'X, Hollister brand president Y': Y
    if k > sent.start and doc[k - 1].text == ",":
        kk = aside_before(doc, k - 1, sent)
        hit = index.by_end.get(kk)
        run = name_run_before(doc, kk, sent)
        while run and run[0] < kk and run[0] in titles:
            run = (run[0] + 1, run[1]) if kk - run[0] > 2 else None  # 'COO Jonathan Ramsden, ...': not 'COO'
        if hit and hit[1].label == "PERSON" and not (run and run[0] < hit[0]):
            return [hit[1]], True
        person = person_from_run(doc, run, index, article_id) if run else None  # the model missed the name, or part of it
        if person:
            return [person], True
    start = j + 1 if j < sent.end and doc[j].text == "," else j
    if start in (e, title_end) or start > j:
        persons, _ = persons_at(doc, start, sent, index, article_id, titles, appositive=start > j)
        if persons:
            return persons, start in (e, title_end) or not has_org_after
    elif has_org_after and start == j:
        hit = index.by_start.get(j)  # 'the new chief of Renault François Provost': a name the model saw
        if hit and hit[1].label == "PERSON":
            return [hit[1]], False
    return predicate_person(doc, s, e, index), False


def predicate_person(doc: Doc, s: int, e: int, index: EntityIndex) -> list[Mention]:
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
        if subject.lower_ in ("who", "that") and verb.dep_ == "relcl":
            subject = verb.head  # 'X, who was named chief executive of Y in March'
        for start, (end, mention) in index.by_start.items():
            if start <= subject.i < end and mention.label == "PERSON":
                return [mention]
    return []


def appointee(doc: Doc, s: int, e: int, index: EntityIndex, verbs: frozenset[str]) -> tuple[list[Mention], Mention | None]:
    """The person an organisation appoints to a title, and the organisation: 'Asda has appointed X
    as its new chairman', 'Kestrova named X chief executive', 'The board of Y appointed X CEO' (the
    title is the 'as' object or predicative complement of an appointment verb, the person its direct
    object, the organisation its subject or the subject's 'of' object)."""
    head = next((t for t in doc[s:e] if not s <= t.head.i < e), doc[e - 1])
    if head.dep_ == "pobj" and head.head.lower_ == "as":
        verb = head.head.head
    elif head.dep_ in ("oprd", "xcomp", "attr"):
        verb = head.head
    else:
        return [], None
    if verb.lemma_.lower() not in verbs:
        return [], None
    persons = [m for c in verb.children if c.dep_ == "dobj" for m in [_covering(index, c.i)] if m and m.label == "PERSON"]
    org = None
    for subject in (c for c in verb.children if c.dep_ == "nsubj"):
        org = _covering(index, subject.i)
        if org is None:  # 'The board of Kestrova'
            org = next((_covering(index, g.i) for p in subject.children if p.lower_ == "of" for g in p.children
                        if g.dep_ == "pobj" and _covering(index, g.i)), None)
    return persons, org


def _covering(index: EntityIndex, i: int) -> Mention | None:
    for start, (end, m) in index.by_start.items():
        if start <= i < end:
            return m
    return None


def reporting_org(doc: Doc, s: int, e: int, index: EntityIndex) -> Mention | None:
    """The organisation that reports a title in a clause it governs: 'Walgreens announced that CEO
    and President Greg Wasson will retire' (the clause's verb is the complement of a verb whose
    subject is an organisation)."""
    token = next((t for t in doc[s:e] if not s <= t.head.i < e), doc[e - 1])
    for _ in range(4):
        if token.dep_ == "ccomp":
            for subject in (c for c in token.head.children if c.dep_ == "nsubj"):
                m = _covering(index, subject.i)
                return m if m is not None and m.label == "ORG" else None
            return None
        if token.head is token:
            return None
        token = token.head
    return None
