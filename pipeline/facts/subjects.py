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
from dataclasses import dataclass
from typing import Any

from pipeline.facts.syntax import NOUN_POS, Syntax
from pipeline.types import Mention

KIND_GROUPS = {"company": "org", "brand": "org", "org": "org", "body": "org", "plant": "plant", "product": "product",
               "platform": "product", "person": "person", "place": "place", "project": "project"}


@dataclass(frozen=True)
class Choice:
    name: str
    group: str  # org, plant, product, project, person, place
    how: str  # attach, possessor, subject, beneficiary, before, after, focus, main


def group_of(m: Mention) -> str:
    return KIND_GROUPS.get(m.kind, "org")


class SubjectResolver:
    """Subject choice for one article (holds the article's entities and its running focus)."""

    def __init__(self, syntax: Syntax, words: dict[str, Any]):
        self.syn = syntax
        self.view = syntax.view
        self.words = words
        self.refs: dict[str, set[str]] = {k: set(v) for k, v in words["generic_refs"].items()}
        self.pronouns = set(words["pronouns"])
        self.authorities = set(words["authorities"])
        self.entities = sorted(self.view.entities, key=lambda m: (m.start, m.end))
        self.entity_at: dict[int, Mention] = {}
        for m in self.entities:
            for i in syntax.tokens_in(m.start, m.end):
                self.entity_at.setdefault(i, m)
        role = "|".join(sorted((re.escape(w) for w in words["role_words"]), key=len, reverse=True))
        self._role_before = re.compile(rf"\b(?:{role})s?\s*(?:\([^)]{{0,30}}\)\s*)?(?:of|at|for)\s+(?:the\s+)?$", re.I)
        self._role_after = re.compile(rf"^(?:['’]s)?\s+(?:(?:new|former|deputy|group|global|chief)\s+)*(?:{role})\b", re.I)
        self.excluded = {id(m) for m in self.entities if self._in_title(m)}
        self.main = self._main_entities()
        self.focus: Choice | None = None

    # -- entities --------------------------------------------------------------------------------
    def _in_title(self, m: Mention) -> bool:
        """'Chairman of AESC', 'Mitsubishi boss Takao Kato': an organisation in a person's title."""
        if group_of(m) not in ("org", "plant", "place"):
            return False
        text = self.view.text
        line_start = text.rfind("\n", 0, m.start) + 1
        if self._role_before.search(text[max(line_start, m.start - 60):m.start]):
            return True
        after = self._role_after.match(text[m.end:m.end + 60])
        if after:
            rest = text[m.end + after.end():m.end + after.end() + 60]
            return any(e.kind == "person" and m.end + after.end() <= e.start < m.end + after.end() + 50
                       for e in self.entities) or bool(re.match(r"\s*(?:officer\s+)?[A-Z][a-z]+\s+[A-Z]", rest))
        return False

    def _main_entities(self) -> dict[str, Mention]:
        counts: dict[tuple[str, str], list[Mention]] = {}
        for m in self.entities:
            if id(m) not in self.excluded:
                counts.setdefault((group_of(m), m.canonical), []).append(m)
        main: dict[str, Mention] = {}
        for (group, _), found in sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[1][0].start)):
            main.setdefault(group, found[0])
        return main

    def usable(self, m: Mention, value: Mention, *, places: bool = False) -> bool:
        if id(m) in self.excluded or (m.start < value.end and value.start < m.end):
            return False
        group = group_of(m)
        return group != "person" and (places or group != "place")

    def _entity_in(self, ids: set[int], value: Mention, *, places: bool = False, persons: bool = False) -> Mention | None:
        found = [self.entity_at[i] for i in sorted(ids) if i in self.entity_at]
        for m in found:
            if self.usable(m, value, places=places) or (persons and group_of(m) == "person" and id(m) not in self.excluded):
                return m
        return None

    def last_of(self, group: str, before: int) -> Mention | None:
        for m in reversed(self.entities):
            if m.start < before and group_of(m) == group and id(m) not in self.excluded:
                return m
        return self.main.get(group)

    # -- references ------------------------------------------------------------------------------
    def _reference(self, i: int) -> Choice | None:
        """A generic noun ('the plant', 'the carmaker') or a pronoun resolved to an entity."""
        tok = self.syn.toks[i]
        if tok.lower in self.pronouns:
            if self.focus is not None:
                return Choice(self.focus.name, self.focus.group, "subject")
            m = self.main.get("org") or self.main.get("plant")
            return Choice(m.canonical, group_of(m), "subject") if m else None
        if tok.pos not in NOUN_POS:
            return None
        for group, nouns in self.refs.items():
            if tok.lemma in nouns or tok.lower in nouns:
                m = self.last_of(group if group != "project" else "plant", tok.idx)
                if m is not None:
                    return Choice(m.canonical, group_of(m), "subject")
        return None

    def _named_or_ref(self, i: int, value: Mention, *, places: bool = False, persons: bool = False,
                      proper: bool = False) -> Choice | None:
        """The entity a noun names (its own tokens first, then its compounds, then its possessor), a
        reference it makes, or, with `proper`, the proper noun itself where the model saw no entity."""
        syn = self.syn
        own = {i} | {c for c in syn.children[i] if syn.toks[c].dep in ("compound", "flat")}
        m = (self._entity_in(own, value, places=places, persons=persons)
             or self._entity_in(syn.name_parts(i), value, places=places, persons=persons))
        if m is not None:
            return Choice(m.canonical, group_of(m), "subject")
        ref = self._reference(i)
        if ref is None and proper and syn.toks[i].pos == "PROPN" and i not in self.entity_at:
            parts = sorted(j for j in own if syn.toks[j].pos == "PROPN")
            if not any(syn.toks[j].idx < value.end and value.start < syn.toks[j].end for j in parts):
                return Choice(" ".join(syn.toks[j].text for j in parts), "org", "proper")
        return ref

    # -- the choice ------------------------------------------------------------------------------
    def resolve(self, value: Mention, root: int, path: list[int]) -> Choice | None:
        choice = (self._attached(value, root, path) or self._possessor(value, path)
                  or self._subject(value, root) or self._nearest(value, root))
        if choice is None:
            if self.focus is not None:
                choice = Choice(self.focus.name, self.focus.group, "focus")
            else:
                m = self.main.get("plant") or self.main.get("org") or self.main.get("product")
                choice = Choice(m.canonical, group_of(m), "main") if m else None
        if choice is not None:
            self.focus = choice
        return choice

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
        found = self._named_or_ref(subj, value, places=True, persons=True, proper=True)
        if found is None:
            for p in syn.kids(subj, frozenset({"poss"})):  # "Renault's sales rose to ..."
                found = self._named_or_ref(p, value)
                if found:
                    break
        if found is not None and self._is_authority(subj):
            beneficiary = self._beneficiary(holder, value)
            if beneficiary is not None:
                return beneficiary
        return found

    def _object(self, verb: int, value: Mention, subj: int) -> Choice | None:
        """The entity among a verb's objects when the figure itself is the subject."""
        syn = self.syn
        for c in syn.children[verb]:
            if c == subj or syn.toks[c].dep not in ("dobj", "attr", "prep", "dative", "oprd"):
                continue
            objs = syn.kids(c, frozenset({"pobj"})) if syn.toks[c].dep == "prep" else [c]
            for obj in objs:
                found = self._named_or_ref(obj, value, places=True)
                if found is not None:
                    return Choice(found.name, found.group, "object")
        return None

    def _is_authority(self, i: int) -> bool:
        words = {self.syn.toks[j].lemma for j in self.syn.name_parts(i)} | {self.syn.toks[i].lower}
        m = self.entity_at.get(i)
        return bool(words & self.authorities) or (m is not None and group_of(m) == "place")

    def _beneficiary(self, verb: int, value: Mention) -> Choice | None:
        syn = self.syn
        preps = set(self.words["beneficiary_preps"])
        for i in syn.subtree(verb):
            if syn.toks[i].dep == "prep" and syn.toks[i].lower in preps:
                for obj in syn.kids(i, frozenset({"pobj"})):
                    m = self._entity_in(syn.name_parts(obj), value)
                    if m is not None and group_of(m) in ("org", "plant", "project", "product"):
                        return Choice(m.canonical, group_of(m), "beneficiary")
        return None

    def _nearest(self, value: Mention, root: int) -> Choice | None:
        sent = self.syn.toks[root].sent
        span = self.view.sentences[sent]
        inside = [m for m in self.entities if span.start <= m.start < span.end and self.usable(m, value)]
        before = [m for m in inside if m.end <= value.start]
        if before:
            m = before[-1]
            return Choice(m.canonical, group_of(m), "before")
        after = [m for m in inside if m.start >= value.end]
        if after:
            m = after[0]
            return Choice(m.canonical, group_of(m), "after")
        return None
