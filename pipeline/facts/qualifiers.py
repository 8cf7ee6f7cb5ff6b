"""Period and modality of a figure (no spaCy).

period    the date in the figure's clause that says when it holds: '89,527 units in 2024',
          '2024: 89 527', 'hire 1,000 people by 2024', '2 473 on December 31, 2023'. A date closer
          to another figure of the sentence belongs to that one; a date in a relative clause that
          does not hold the figure ('the plant, which opened in 2019, employs 3,500') is not its
          period.
modality  'planned' when the verbs above the figure say so (will, plans to, aims, expects, could,
          'by 2030'), else 'actual'.
"""
from __future__ import annotations

import re
from typing import Iterable

from pipeline.facts.syntax import RELATIVE_DEPS, Syntax
from pipeline.types import Mention


def _gap(text: str, figure: Mention, date: Mention) -> int:
    """How loosely a date is tied to a figure: 0 for 'X in 2024' / '2024: X', else the characters between."""
    if figure.end <= date.start:
        between = text[figure.end:date.start]
        tight = re.fullmatch(r"[\s,]+(?:[\w-]+\s+){0,3}(?:in|for|during|over|through|by|on|as of|at|until|from|to|since)\s+(?:the\s+)?",
                             between)
        return 0 if tight else len(between)
    between = text[date.end:figure.start]
    return 0 if re.fullmatch(r"\s*[:=]\s*(?:[\w-]+\s+){0,2}", between) else len(between) + 1


def _in_relative_clause_without(syn: Syntax, date_root: int, figure_root: int) -> bool:
    i = date_root
    for head in syn.chain(date_root):
        if syn.toks[i].dep in RELATIVE_DEPS and figure_root not in syn.subtree(i) and head != figure_root:
            return True
        i = head
    return False


def period_of(syn: Syntax, figure: Mention, figure_root: int, dates: list[tuple[Mention, int]],
              figures: Iterable[Mention]) -> Mention | None:
    """The date mention that is a figure's period, or None."""
    text = syn.view.text
    verb = syn.governing_verb(figure_root)
    clause = syn.subtree(verb) if verb is not None else set(syn.sentence_tokens(syn.toks[figure_root].sent))
    best: tuple[int, int, Mention] | None = None
    for date, root in dates:
        if root not in clause and _gap(text, figure, date) != 0:
            continue
        if _in_relative_clause_without(syn, root, figure_root):
            continue
        gap = _gap(text, figure, date)
        if best is None or (gap, date.start) < best[:2]:
            best = (gap, date.start, date)
    if best is None:
        return None
    date = best[2]
    for other in figures:
        if other is not figure and other.label != "DATE" and _gap(text, other, date) < best[0]:
            return None
    return date


def modality_of(syn: Syntax, root: int, path: list[int], planned: frozenset[str], period: Mention | None) -> str:
    """'planned' when the figure's verb chain is future, conditional or a target."""
    if period is not None and period.modifier == "before":
        return "planned"
    for i in (root, *path):
        t = syn.toks[i]
        if t.lemma in planned or t.lower in planned:
            return "planned"
        if t.pos in ("VERB", "AUX"):
            aux = {syn.toks[c].lower for c in syn.children[i] if syn.toks[c].dep in ("aux", "auxpass")}
            if aux & planned:
                return "planned"
            if t.dep not in ("xcomp", "ccomp", "advcl", "conj", "pcomp", "acl", "relcl", "prep", "pobj"):
                break
    return "actual"
