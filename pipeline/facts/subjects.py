"""Which entity a value is about: syntax first, then references, then the article's focus.

Preferences, each a tested rule (tests/test_open_facts.py), in order:
  1. attach     the object of 'in/at/for' on the value's path names a site or product
                ('invest €2bn in its Douai plant' -> Douai plant)
  2. possessor  a possessor on the value's path ("Renault's revenue", "the plant's 900 workers")
  3. subject    the grammatical subject of the governing verb, climbing subjectless verbs; the noun
                a relative clause modifies; an authority's beneficiary ('the Commission approved
                €5bn in aid for Intel' -> Intel)
  4. before     the nearest entity before the value in its sentence
  5. after      the nearest entity after it
  6. focus      the subject of the article's previous figure
  7. main       the article's main site, else its main organisation
Generic references ('the plant', 'the Japanese automaker') and pronouns resolve to the last entity
of their kind, else the article's main one. Organisations inside a person's title ('Chairman of
AESC', 'Mitsubishi boss Takao Kato') are never subjects. Places are subjects only as grammatical
subjects ('France will spend...').
"""
from __future__ import annotations

import re

from pipeline.facts.references import ArticleEntities, Choice, group_of
from pipeline.types import Mention

__all__ = ["SubjectResolver", "Choice", "group_of"]


class SubjectResolver(ArticleEntities):
    """Subject choice for one article (its entities and its running focus)."""

    def _customer(self, value: Mention, root: int, preps: tuple[str, ...]) -> Choice | None:
        """'an order of 40 Dreamliners for Emirates': the organisation behind 'for'/'from' in the
        figure's clause (the vocabulary names which attributes ask for it)."""
        syn = self.syn
        verb = syn.governing_verb(root)
        scope = syn.subtree(verb) if verb is not None else set(syn.sentence_tokens(syn.toks[root].sent))
        for i in sorted(scope):
            if syn.toks[i].lower in preps and syn.toks[i].pos == "ADP":
                for obj in syn.children[i]:
                    if syn.toks[obj].dep == "pobj":
                        m = self._entity_in(syn.name_parts(obj), value, places=True)
                        if m is not None and group_of(m) in ("org", "place"):  # airlines named after places
                            return Choice(m.canonical, "org", "customer")
        return None

    def resolve(self, value: Mention, root: int, path: list[int], prefer: tuple[str, ...] = (),
                customer_preps: tuple[str, ...] = ()) -> Choice | None:
        """The subject of a value; `prefer`: the kinds its attribute belongs to first (a plant's
        investment, output or workforce is the plant's even when the company is the grammatical
        subject: 'Toyota will invest €300m to modernise the Valenciennes plant')."""
        choice = (self._owner(value) or (self._customer(value, root, customer_preps) if customer_preps else None)
                  or self._attached(value, root, path) or self._possessor(value, path)
                  or self._subject(value, root) or self._nearest(value, root))
        sent = self.syn.toks[root].sent
        weak = choice is None or (choice.group not in ("market", "person") and choice.how not in ("attach", "beneficiary", "target", "owner", "customer"))
        if prefer and weak and (choice is None or choice.group != prefer[0]):
            site = self._preferred(value, sent, prefer)
            if site is not None:
                choice = site
        if choice is None:
            verbless = not any(self.syn.toks[i].pos in ("VERB", "AUX") for i in self.syn.sentence_tokens(sent))
            if self.focus is not None and sent - self.focus_sent <= 1 and (verbless or self.top is None):
                choice = Choice(self.focus.name, self.focus.group, "focus")
            else:
                top = next((self.main[g] for g in prefer if g in self.main), self.top)
                if top is not None:
                    choice = Choice(top.canonical, group_of(top), "main")
        if choice is not None and choice.group != "market":
            self.focus, self.focus_sent = choice, sent
        return choice

    def _owner(self, value: Mention) -> Choice | None:
        """A figure in brackets or after a colon right behind a name belongs to it: 'the Megane
        E-Tech (since 2022)', 'Scenic E-Tech Electric : 34 282 units'."""
        text = self.view.text
        for m in reversed(self.entities):
            if m.end <= value.start and value.start - m.end <= 4 and re.fullmatch(r"\s*[(:]\s*", text[m.end:value.start]) \
                    and id(m) not in self.excluded and group_of(m) not in ("person", "place"):
                return Choice(m.canonical, group_of(m), "owner")
            if m.end <= value.start - 4:
                break
        return None

    def _preferred(self, value: Mention, sent: int, prefer: tuple[str, ...]) -> Choice | None:
        """An entity of a preferred kind named in the value's sentence (the nearest before it, else
        after it), or referred to there ('the plant')."""
        span = self.view.sentences[sent]
        for group in prefer:  # in order: a product's start date before its plant's
            inside = [m for m in self.entities if span.start <= m.start < span.end and group_of(m) == group
                      and self.usable(m, value)]
            before = [m for m in inside if m.end <= value.start]
            m = before[-1] if before else (inside[0] if inside else None)
            if m is not None:
                return Choice(m.canonical, group_of(m), "site")
        for i in self.syn.sentence_tokens(sent):
            tok = self.syn.toks[i]
            owned = any(self.syn.toks[c].dep in ("compound", "poss") for c in self.syn.children[i])
            plural_site = tok.tag == "NNS" and not any(tok.lemma in self.refs.get(g, ()) for g in prefer if g not in ("plant", "project"))
            if tok.pos == "NOUN" and not plural_site and not owned and any(tok.lemma in self.refs.get(g, ()) for g in prefer) \
                    and not (value.start <= tok.idx < value.end):  # 'the plant', not 'those sites' nor 'the ACC plant'
                ref = self._referent(next(g for g in prefer if tok.lemma in self.refs.get(g, ())), tok)
                if ref is not None and group_of(ref) in prefer:
                    return Choice(ref.canonical, group_of(ref), "site")
        return None

    def _attached(self, value: Mention, root: int, path: list[int]) -> Choice | None:
        syn = self.syn
        preps = set(self.words["attach_preps"])
        own = set(syn.subtree(root))
        for head in path[:4]:
            for c in syn.children[head]:
                if c in own or syn.toks[c].dep != "prep" or syn.toks[c].lower not in preps:
                    continue
                for obj in syn.kids(c, frozenset({"pobj"})):
                    m = self._entity_in(syn.name_parts(obj), value)
                    if m is not None and group_of(m) in ("plant", "product", "project"):
                        return Choice(m.canonical, group_of(m), "attach")
                    ref = self._reference(obj)
                    if ref is not None and ref.group == "plant" and syn.toks[obj].lower not in self.pronouns:
                        return Choice(ref.name, ref.group, "attach")
            if syn.toks[head].pos in ("VERB", "AUX"):
                break
        return None

    def _possessor(self, value: Mention, path: list[int]) -> Choice | None:
        syn = self.syn
        for head in path[:3]:
            for p in syn.kids(head, frozenset({"poss"})):
                found = self._named_or_ref(p, value)
                if found is not None:
                    return Choice(found.name, found.group, "possessor")
            if syn.toks[head].pos in ("VERB", "AUX"):
                break
        return None

    def _subject(self, value: Mention, root: int) -> Choice | None:
        syn = self.syn
        verb = syn.governing_verb(root)
        if verb is None:
            return None
        subj, holder = syn.clause_subject(verb)
        if subj is None:
            return None
        if value.start <= syn.toks[subj].idx < value.end:  # the figure is the subject: '900 vehicles leave Douai'
            return self._object(holder, value, subj)
        if value.label in ("MONEY", "PERCENT"):
            for v in (verb, holder):  # 'Cisco will acquire Acacia for $115 a share', '... agreement to acquire Acacia for $4.5bn'
                if syn.toks[v].lemma in self.words["target_verbs"] and syn.toks[v].lemma != "pay":
                    target = self._object(v, value, subj)
                    if target is not None and target.group == "org":  # a company bought, not aircraft ordered
                        return Choice(target.name, target.group, "target")
        found = self._named_or_ref(subj, value, places=True, persons=True, proper=True)
        if found is None:
            for p in syn.kids(subj, frozenset({"poss"})):  # "Renault's sales rose to ..."
                found = self._named_or_ref(p, value, places=True)
                if found:
                    break
        if self._market(subj, found):
            return Choice("", "market", "market")
        if found is not None and (self._is_authority(subj) or syn.toks[holder].lemma in self.words["granting_verbs"]):
            beneficiary = self._beneficiary(holder, value)
            if beneficiary is not None:
                return beneficiary
        if value.label in ("MONEY", "PERCENT") and "pay" in {syn.toks[verb].lemma, syn.toks[holder].lemma}:
            target = self._object(verb if syn.toks[verb].lemma == "pay" else holder, value, subj, preps=("for",))
            if target is not None and target.name != (found.name if found else ""):
                return Choice(target.name, target.group, "target")
        return found

    def _object(self, verb: int, value: Mention, subj: int, *, preps: tuple[str, ...] = ()) -> Choice | None:
        """The entity among a verb's objects: when the figure itself is the subject ('900 vehicles
        leave Douai's lines'), or the company bought ('agreed to pay $70 a share for Acacia')."""
        syn = self.syn
        for c in syn.children[verb]:
            if c == subj or syn.toks[c].dep not in ("dobj", "attr", "prep", "dative", "oprd"):
                continue
            is_prep = syn.toks[c].dep == "prep" or (syn.toks[c].dep == "dative" and syn.toks[c].pos == "ADP")
            if preps and is_prep and syn.toks[c].lower not in preps:
                continue
            if value.start <= syn.toks[c].idx < value.end:
                continue
            objs = syn.kids(c, frozenset({"pobj"})) if is_prep else [c]
            for obj in objs:
                found = self._named_or_ref(obj, value, places=True)
                if found is not None:
                    return Choice(found.name, found.group, "object")
        return None

    def _market(self, i: int, found: Choice | None = None) -> bool:
        """A clause about a market, an index or demand as a whole ('Global potash demand by 2030',
        'The S&P 500 was up 0.3%'): its figures are about no entity of the article."""
        if i in self.entity_at:
            return False
        words = {self.syn.toks[j].lemma.lower() for j in self.syn.name_parts(i)} | {self.syn.toks[i].lemma.lower()}
        if words & self.market_words:
            return True
        # 'The U.S. share of the worldwide chip market': a country's share of a market
        around = {self.syn.toks[j].lemma.lower() for j in self.syn.subtree(i)}
        return bool(around & self.market_words) and found is not None and found.group == "place"

    def _is_authority(self, i: int) -> bool:
        words = {self.syn.toks[j].lemma for j in self.syn.name_parts(i)} | {self.syn.toks[i].lower}
        m = self.entity_at.get(i)
        return bool(words & self.authorities) or (m is not None and group_of(m) == "place")

    def _beneficiary(self, verb: int, value: Mention) -> Choice | None:
        """Who an authority's or approver's money is for: the object of 'for'/'to', or what a purpose
        clause builds ('approved $7.5bn in capital spending to build Jansen Stage 1')."""
        syn = self.syn
        preps = set(self.words["beneficiary_preps"])
        for i in sorted(syn.subtree(verb)):
            t = syn.toks[i]
            objs: list[int] = []
            if t.dep == "prep" and t.lower in preps:
                objs = syn.kids(i, frozenset({"pobj"}))
            elif t.pos == "VERB" and t.dep in ("xcomp", "advcl", "acl") and i != verb:
                objs = syn.kids(i, frozenset({"dobj"}))
            for obj in objs:
                m = self._entity_in(syn.name_parts(obj), value)
                if m is not None and group_of(m) in ("org", "plant", "project", "product"):
                    return Choice(m.canonical, group_of(m), "beneficiary")
                named = self._named_noun(obj, value)
                if named is not None:
                    return Choice(named.name, named.group, "beneficiary")
        return None

    def _nearest(self, value: Mention, root: int) -> Choice | None:
        sent = self.syn.toks[root].sent
        span = self.view.sentences[sent]
        inside = [m for m in self.entities if span.start <= m.start < span.end and self.usable(m, value)]
        before = [m for m in inside if m.end <= value.start]
        if before:
            m = before[-1]
            return Choice(m.canonical, group_of(m), "before")
        return None


