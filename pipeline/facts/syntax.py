"""Dependency walks over an ArticleView's tokens (no spaCy): children, spans, head chains, clauses.

The one place where the facts stage reads syntax. Dependency labels are spaCy's English ones
(ClearNLP style), named once here as textacy does in its constants module.
"""
from __future__ import annotations

from bisect import bisect_right

from pipeline.view import ArticleView, Tok

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
NAME_PART_DEPS = frozenset({"compound", "flat", "poss", "amod", "nmod", "npadvmod"})
CLAUSE_CLIMB_DEPS = frozenset({"xcomp", "advcl", "conj", "ccomp", "pcomp", "acomp", "oprd"})
RELATIVE_DEPS = frozenset({"relcl", "acl"})
VERB_POS = frozenset({"VERB", "AUX"})
NOUN_POS = frozenset({"NOUN", "PROPN", "PRON"})


class Syntax:
    """An index over one view's tokens, built once per article."""

    def __init__(self, view: ArticleView):
        self.view = view
        self.toks: tuple[Tok, ...] = view.tokens
        self.children: list[list[int]] = [[] for _ in self.toks]
        for t in self.toks:
            if t.head != t.i:
                self.children[t.head].append(t.i)
        self._starts = [t.idx for t in self.toks]

    def tokens_in(self, start: int, end: int) -> list[int]:
        """Indices of the tokens overlapping the characters [start, end)."""
        if not self.toks:
            return []
        first = max(0, bisect_right(self._starts, start) - 1)
        out = []
        for i in range(first, len(self.toks)):
            t = self.toks[i]
            if t.idx >= end:
                break
            if t.end > start and t.text.strip():
                out.append(i)
        return out

    def root_of(self, ids: list[int]) -> int | None:
        """The token of a span whose head lies outside it (the span's syntactic head)."""
        inside = set(ids)
        for i in ids:
            if self.toks[i].head not in inside or self.toks[i].head == i:
                return i
        return ids[-1] if ids else None

    def chain(self, i: int, *, limit: int = 8) -> list[int]:
        """The heads above token i, nearest first, within its sentence."""
        out: list[int] = []
        sent = self.toks[i].sent
        while len(out) < limit:
            head = self.toks[i].head
            if head == i or self.toks[head].sent != sent:
                break
            out.append(head)
            i = head
        return out

    def subtree(self, i: int) -> set[int]:
        seen, todo = {i}, [i]
        while todo:
            for c in self.children[todo.pop()]:
                if c not in seen:
                    seen.add(c)
                    todo.append(c)
        return seen

    def name_parts(self, i: int) -> set[int]:
        """A noun with the compounds and possessors that name it: 'the [Toyota] [Valenciennes] plant'."""
        out = {i}
        for c in self.children[i]:
            if self.toks[c].dep in NAME_PART_DEPS:
                out |= self.subtree(c)
        return out

    def kids(self, i: int, deps: frozenset[str] | set[str]) -> list[int]:
        return [c for c in self.children[i] if self.toks[c].dep in deps]

    def governing_verb(self, i: int) -> int | None:
        """The first verb at or above token i."""
        for j in (i, *self.chain(i)):
            if self.toks[j].pos in VERB_POS:
                return j
        return None

    def clause_subject(self, verb: int) -> tuple[int | None, int]:
        """(subject token, the verb that has it) for a verb, climbing from subjectless verbs to the
        verb they depend on ('will begin producing X': begin's subject); for a relative clause the
        noun it modifies ('the plant, which employs 3,000 people': plant)."""
        v: int | None = verb
        for _ in range(5):
            if v is None:
                return None, verb
            subjects = [c for c in self.children[v] if self.toks[c].dep in SUBJECT_DEPS]
            if subjects:
                s = subjects[0]
                if self.toks[s].lower in ("which", "that", "who") and self.toks[v].dep in RELATIVE_DEPS:
                    return self.toks[v].head, v
                return s, v
            tok = self.toks[v]
            if tok.dep in RELATIVE_DEPS and tok.head != v:
                return tok.head, v
            if tok.dep in CLAUSE_CLIMB_DEPS and tok.head != v:
                v = self.governing_verb(tok.head)
                continue
            break
        return None, verb

    def sentence_tokens(self, n: int) -> range:
        s = self.view.sentences[n]
        return range(s.first, s.last)
