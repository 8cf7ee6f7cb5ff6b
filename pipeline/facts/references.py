"""The entities of one article as the subject rules see them (no spaCy): which names can be
subjects, the article's main entities, and what generic words and pronouns refer to.

- named nouns: a site or project named by proper nouns before a site word where the model saw no
  entity ('the Vineyard Wind project');
- never subjects: an organisation inside a person's title ('Chairman of AESC'), a ticker
  ('(ROST)'), a line item or index the model takes for a name ('EPS', 'Q2', 'S&P');
- references: 'the plant' -> the plant named earlier in the sentence, else the article's most
  mentioned one; 'it' -> the subject before it, else the subject of the sentence before.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline.facts.syntax import Syntax
from pipeline.types import Mention

KIND_GROUPS = {"company": "org", "brand": "org", "org": "org", "body": "org", "plant": "plant", "product": "product",
               "platform": "product", "person": "person", "place": "place", "project": "project"}


@dataclass(frozen=True)
class Choice:
    name: str
    group: str  # org, plant, product, project, person, place
    how: str  # the rule that chose it: owner, customer, attach, possessor, subject, beneficiary, target, ...


def group_of(m: Mention) -> str:
    return KIND_GROUPS.get(m.kind, "org")


class ArticleEntities:
    """One article's entities, indexed by token, with what refers to them."""

    def __init__(self, syntax: Syntax, words: dict[str, Any]):
        self.syn = syntax
        self.view = syntax.view
        self.words = words
        self.refs: dict[str, set[str]] = {k: set(v) for k, v in words["generic_refs"].items()}
        self.pronouns = set(words["pronouns"])
        self.authorities = set(words["authorities"])
        self.entities = sorted([*self.view.entities, *self._named_nouns()], key=lambda m: (m.start, m.end))
        self.entity_at: dict[int, Mention] = {}
        for m in self.entities:
            for i in syntax.tokens_in(m.start, m.end):
                self.entity_at.setdefault(i, m)
        role = "|".join(sorted((re.escape(w) for w in words["role_words"]), key=len, reverse=True))
        self._role_before = re.compile(rf"\b(?:{role})s?\s*(?:\([^)]{{0,30}}\)\s*)?(?:of|at|for)\s+(?:the\s+)?$", re.I)
        self._role_after = re.compile(rf"^(?:['’]s)?\s+(?:(?:new|former|deputy|group|global|chief)\s+)*(?:{role})\b", re.I)
        self.not_subjects = {w.lower() for w in words["not_subjects"]}
        self.market_words = {w.lower() for w in words["market_words"]}
        self.not_subject_patterns = [re.compile(p, re.I) for p in words["not_subject_patterns"]]
        self.excluded = {id(m) for m in self.entities if self._in_title(m) or self._never_subject(m)}
        self.main = self._main_entities()
        self.focus: Choice | None = None
        self.focus_sent = -10
        self.top = self._top_entity()

    # -- entities --------------------------------------------------------------------------------
    def _named_nouns(self) -> list[Mention]:
        """Sites and projects named by proper nouns before a site or project word where the model
        saw no entity: 'the Vineyard Wind project', 'the Jansen Stage 1 potash project'."""
        syn = self.syn
        taken = set()
        for m in (*self.view.entities, *self.view.values):
            taken.update(syn.tokens_in(m.start, m.end))
        out = []
        for tok in syn.toks:
            group = next((g for g in ("project", "plant") if tok.lemma in self.refs.get(g, ()) and tok.pos == "NOUN"), "")
            if not group or tok.i in taken:
                continue
            parts = sorted(j for c in syn.children[tok.i] if syn.toks[c].dep in ("compound", "nmod", "amod", "nummod")
                           for j in syn.subtree(c) if j < tok.i)
            propn = [j for j in parts if syn.toks[j].pos == "PROPN"]
            if not propn or any(j in taken for j in parts):
                continue
            first = min(propn)
            name = self.view.text[syn.toks[first].idx:tok.end]
            if "\n" in name:
                continue
            out.append(Mention(self.view.article.id, "FAC", name, syn.toks[first].idx, tok.end, kind=group,
                               canonical=name, pattern_id="open.named-noun"))
        return out

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

    def _never_subject(self, m: Mention) -> bool:
        """A line item, index, agency or quarter the model took for a name ('EPS', 'Q2', 'S&P'), or a
        ticker in parentheses ('Ross Stores Inc. (ROST)')."""
        name = m.text.strip().lower()
        if name in self.not_subjects or any(p.match(m.text.strip()) for p in self.not_subject_patterns):
            return True
        text = self.view.text
        return bool(re.fullmatch(r"[A-Z]{2,5}", m.text.strip()) and re.search(r"\(\s*$", text[max(0, m.start - 2):m.start])
                    or re.search(r"\((?:nasdaq|nyse|lse|tsx|asx)\s*:\s*$", text[max(0, m.start - 12):m.start], re.I))

    def _top_entity(self) -> Mention | None:
        """The entity the article is about: the most mentioned site, project, organisation or
        product (sites first on a tie)."""
        counts: dict[str, list[Mention]] = {}
        for m in self.entities:
            if id(m) not in self.excluded and group_of(m) in ("plant", "project", "org", "product"):
                counts.setdefault(m.canonical, []).append(m)
        order = {"plant": 0, "project": 1, "org": 2, "product": 3}
        ranked = sorted(counts.values(), key=lambda ms: (-len(ms), order[group_of(ms[0])], ms[0].start))
        return ranked[0][0] if ranked else None

    def _main_entities(self) -> dict[str, Mention]:
        counts: dict[tuple[str, str], list[Mention]] = {}
        for m in self.entities:
            if id(m) not in self.excluded:
                counts.setdefault((group_of(m), m.canonical), []).append(m)
        main: dict[str, Mention] = {}
        for (group, _), found in sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[1][0].start)):
            main.setdefault(group, found[0])
        return main

    def person_choice(self, m: Mention, value: Mention) -> Choice | None:
        """A person is the subject of a date ('joined in 2002'); for a figure, their organisation."""
        if value.label == "DATE":
            return Choice(m.canonical, "person", "subject")
        org = self.view.person_orgs.get(m.canonical)
        return Choice(org, "org", "subject") if org else None

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
    def refs_word(self, i: int) -> bool:
        """Whether a noun is a generic word for an entity ('the company', 'the plant')."""
        tok = self.syn.toks[i]
        return any(tok.lemma in nouns for nouns in self.refs.values())

    def _named_noun(self, i: int, value: Mention) -> Choice | None:
        """'the Vineyard Wind project', 'the Jansen Stage 1 potash project': a site or project noun
        named by the proper nouns before it, where the model saw no entity."""
        syn = self.syn
        tok = syn.toks[i]
        group = next((g for g in ("project", "plant") if tok.lemma in self.refs.get(g, ())), "")
        if not group or i in self.entity_at:
            return None
        parts = sorted(j for c in syn.children[i] if syn.toks[c].dep in ("compound", "nmod", "amod", "nummod")
                       for j in syn.subtree(c) if j < i)
        if not parts or not any(syn.toks[j].pos == "PROPN" for j in parts):
            return None
        first = min(j for j in parts if syn.toks[j].pos == "PROPN")
        span = range(first, i + 1)
        if any(syn.toks[j].idx < value.end and value.start < syn.toks[j].end for j in span):
            return None
        name = self.view.text[syn.toks[first].idx:tok.end]
        return Choice(name, group, "named")

    def _reference(self, i: int) -> Choice | None:
        """A generic noun ('the plant', 'the carmaker') or a pronoun resolved to an entity."""
        tok = self.syn.toks[i]
        if tok.lower in self.pronouns:
            m = self._antecedent(tok)
            if m is not None:
                return Choice(m.canonical, group_of(m), "subject")
            if self.focus is not None:
                return Choice(self.focus.name, self.focus.group, "subject")
            m = self.main.get("org") or self.main.get("plant")
            return Choice(m.canonical, group_of(m), "subject") if m else None
        if tok.pos != "NOUN":  # a capitalised word in a name ('Emirates Airline') is no generic reference
            return None
        for group, nouns in self.refs.items():
            if group in ("plant", "project") and tok.tag == "NNS":  # 'those sites' names no one site
                continue
            if tok.lemma in nouns or tok.lower in nouns:
                m = self._referent(group, tok)
                if m is not None:
                    return Choice(m.canonical, group_of(m), "subject")
        return None

    def _antecedent(self, tok) -> Mention | None:
        """What 'it' or 'its' points back to: the grammatical subject before it in its sentence
        ('It is built on the CMF-EV platform, with its dimensions...': the 'It'), else the subject of
        the sentence before ('The Douai plant is a hive of production. It manufactures...'), else
        the last organisation, site or product named before it in its sentence."""
        syn = self.syn
        for n in (tok.sent, tok.sent - 1):
            if n < 0:
                break
            for i in syn.sentence_tokens(n):
                if syn.toks[i].dep not in ("nsubj", "nsubjpass") or (n == tok.sent and i >= tok.i):
                    continue
                if syn.toks[i].lower in self.pronouns and n == tok.sent:
                    continue  # 'It ..., with its ...': the sentence before says what 'It' is
                for j in sorted(syn.name_parts(i) | {i}):
                    m = self.entity_at.get(j)
                    if m is not None and id(m) not in self.excluded and group_of(m) in ("org", "plant", "project", "product"):
                        return m
                if syn.toks[i].pos == "NOUN" and self.refs_word(i):
                    ref = self._reference(i)
                    if ref is not None:
                        return next((m for m in self.entities if m.canonical == ref.name), None)
        span = self.view.sentences[tok.sent]
        here = [m for m in self.entities if span.start <= m.start < tok.idx and id(m) not in self.excluded
                and group_of(m) in ("org", "plant", "project", "product")]
        return here[-1] if here else None

    def _referent(self, group: str, tok) -> Mention | None:
        """What 'the plant' or 'the company' means: an entity of that kind earlier in the same
        sentence, else the article's most mentioned one (a project may be a named site)."""
        groups = ("project", "plant") if group in ("project", "plant") else (group,)
        span = self.view.sentences[tok.sent]
        here = [m for m in self.entities if span.start <= m.start < tok.idx and group_of(m) in groups
                and id(m) not in self.excluded]
        if here:
            return here[-1]
        return next((self.main[g] for g in groups if g in self.main), None)

    def _named_or_ref(self, i: int, value: Mention, *, places: bool = False, persons: bool = False,
                      proper: bool = False) -> Choice | None:
        """The entity a noun names (its own tokens first, then its compounds, then its possessor), a
        reference it makes, or, with `proper`, the proper noun itself where the model saw no entity."""
        syn = self.syn
        own = {i} | {c for c in syn.children[i] if syn.toks[c].dep in ("compound", "flat")}
        appos = {j for c in syn.children[i] if syn.toks[c].dep == "appos" for j in syn.name_parts(c)}
        m = (self._entity_in(own, value, places=places, persons=persons)
             or self._entity_in(syn.name_parts(i), value, places=places, persons=persons)
             or (self._entity_in(appos, value, places=places) if self.refs_word(i) else None))
        if m is not None and group_of(m) == "person":
            return self.person_choice(m, value)
        if m is not None:
            return Choice(m.canonical, group_of(m), "subject")
        named = self._named_noun(i, value)
        if named is not None:
            return named
        ref = self._reference(i)
        if ref is None and proper and syn.toks[i].pos == "PROPN" and i not in self.entity_at:
            parts = sorted(j for j in own if syn.toks[j].pos == "PROPN")
            first = syn.toks[parts[0]] if parts else None
            name = " ".join(syn.toks[j].text for j in parts)
            if (first is None or name.lower() in self.not_subjects or len(parts) == 1 and first.i == self.view.sentences[first.sent].first
                    or _headline(self.view.text, first.idx)):
                return None
            if not any(syn.toks[j].idx < value.end and value.start < syn.toks[j].end for j in parts):
                return Choice(" ".join(syn.toks[j].text for j in parts), "org", "proper")
        return ref

    # -- the choice ------------------------------------------------------------------------------


def _headline(text: str, at: int) -> bool:
    """Whether a position lies on a title-case line ('Acacia Stock Rises 30% After Cisco Agrees')."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    words = re.findall(r"[A-Za-z][\w'’-]*", text[start:end if end >= 0 else len(text)])
    long_words = [w for w in words if len(w) > 3]
    return len(long_words) >= 4 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)



def never_subjects(view, words: dict[str, Any], resolver: "ArticleEntities | None" = None) -> set[str]:
    """Canonical names in an article that are never a figure's subject (titles, line items, tickers)."""
    resolver = resolver or ArticleEntities(Syntax(view), words)
    keep = {m.canonical for m in resolver.entities if id(m) not in resolver.excluded}
    return {m.canonical for m in resolver.entities if id(m) in resolver.excluded} - keep

