"""Faster token matching with the same results as spaCy's Matcher.

`required_words`: the literal words a token pattern cannot match without (a Doc that lacks one
needs no matching). `IndexedAttributeMatch`: an indexed stand-in for the matching step of spaCy's
AttributeRuler.

The English model's attribute_ruler maps tags to coarse POS and morphology with ~180 patterns on a
token Matcher. The Matcher tries every pattern at every token and evaluates its list predicates in
Python, which costs ~12-15 ms per press release: about as much as the parser. Almost every pattern
is a single token with fixed values ({"TAG": "NNS"}, {"TAG": "PRP", "LOWER": "his"}); this module
looks those up by tag or lower form instead, and leaves every other pattern (several tokens, regex)
on a Matcher of its own. The ruler's own `set_annotations` then applies the matches, so the result
is the ruler's: tests/test_units.py compares the match lists with the ruler's own on every test
passage, and `IndexedAttributeMatch.supported` refuses a ruler whose patterns it cannot read.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, Token

FIELDS: dict[str, Callable[[Token], Any]] = {
    "TAG": lambda t: t.tag_, "LOWER": lambda t: t.lower_, "ORTH": lambda t: t.text, "TEXT": lambda t: t.text,
    "DEP": lambda t: t.dep_, "POS": lambda t: t.pos_, "IS_SPACE": lambda t: t.is_space,
}


def required_words(pattern: list[dict[str, Any]]) -> tuple[tuple[str, frozenset[str]], ...]:
    """For each token that every match needs and that is given by value or by an IN list:
    ('LOWER' or 'ORTH', the values). A Doc that lacks one of them cannot match."""
    needs = []
    for spec in pattern:
        spec = {str(k).upper(): v for k, v in spec.items()}
        if spec.get("OP", "1") not in ("1", "+"):
            continue
        for attr, as_attr in (("LOWER", "LOWER"), ("ORTH", "ORTH"), ("TEXT", "ORTH")):
            value = spec.get(attr)
            if isinstance(value, str):
                needs.append((as_attr, frozenset([value])))
            elif isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
                needs.append((as_attr, frozenset(value["IN"])))
    return tuple(needs)


def _test(key: str, value: Any) -> Callable[[Token], bool] | None:
    """A predicate for one key of a token spec, or None if it is not a plain value or IN/NOT_IN."""
    get = FIELDS.get(key)
    if get is None:
        return None
    if isinstance(value, (str, bool)):
        return lambda t: get(t) == value
    if isinstance(value, dict) and len(value) == 1:
        (op, items), = value.items()
        if op == "REGEX" and isinstance(items, str):
            regex = re.compile(items)  # the Matcher's REGEX predicate: re.search on the string
            return lambda t: bool(regex.search(str(get(t))))
        if op in ("IN", "NOT_IN") and isinstance(items, list):
            members = frozenset(items)
            return (lambda t: get(t) in members) if op == "IN" else (lambda t: get(t) not in members)
    return None


def _keys(key: str, value: Any) -> list[str] | None:
    """The index keys of a TAG/LOWER constraint: its value, or its IN list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and list(value) == ["IN"]:
        return [str(v) for v in value["IN"]]
    return None


class IndexedAttributeMatch:
    """The matches of an AttributeRuler, found by lookup for single-token patterns."""

    def __init__(self, ruler: AttributeRuler):
        self.ruler = ruler
        strings = ruler.vocab.strings
        self.by_tag: dict[str, list[tuple[int, int, Callable[[Token], bool]]]] = {}
        self.by_lower: dict[str, list[tuple[int, int, Callable[[Token], bool]]]] = {}
        self.always: list[tuple[int, int, Callable[[Token], bool]]] = []
        self.rest: list[tuple[tuple[tuple[str, frozenset[str]], ...], Matcher]] = []
        self.n_indexed = 0
        # the single-token tests read only these token fields: their results are cached per value
        self.cache: dict[tuple[Any, ...], tuple[tuple[int, int], ...]] = {}
        for attr_id, entry in enumerate(ruler.patterns):
            match_id = strings.add(str(attr_id))
            for pattern in entry["patterns"]:
                spec = {str(k).upper(): v for k, v in pattern[0].items()} if len(pattern) == 1 else None
                tests = [_test(k, v) for k, v in spec.items()] if spec is not None else [None]
                if spec is None or not spec or any(t is None for t in tests) or "OP" in spec:
                    matcher = Matcher(ruler.vocab)
                    matcher.add(str(attr_id), [pattern])
                    self.rest.append((required_words(pattern), matcher))
                    continue
                check = (lambda ts: lambda tok: all(t(tok) for t in ts))(tests)
                item = (attr_id, match_id, check)
                if "TAG" in spec and _keys("TAG", spec["TAG"]) is not None:
                    for tag in _keys("TAG", spec["TAG"]) or []:
                        self.by_tag.setdefault(tag, []).append(item)
                elif "LOWER" in spec and _keys("LOWER", spec["LOWER"]) is not None:
                    for lower in _keys("LOWER", spec["LOWER"]) or []:
                        self.by_lower.setdefault(lower, []).append(item)
                else:
                    self.always.append(item)
                self.n_indexed += 1

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        if not (doc.has_annotation("TAG") and doc.has_annotation("DEP")):
            return self.ruler.match(doc)  # the Matcher's allow_missing rules: leave it to the ruler
        found = set()
        cache = self.cache
        for token in doc:
            key = (token.tag_, token.lower_, token.text, token.dep_, token.pos_, token.is_space)
            hits = cache.get(key)
            if hits is None:
                hits = tuple((attr_id, match_id) for attr_id, match_id, check in
                             (*self.by_tag.get(token.tag_, ()), *self.by_lower.get(token.lower_, ()), *self.always)
                             if check(token))
                if len(cache) >= 500_000:
                    cache.clear()
                cache[key] = hits
            for attr_id, match_id in hits:
                found.add((attr_id, match_id, token.i, token.i + 1))
        strings = self.ruler.vocab.strings
        words: dict[str, set[str]] = {}
        for needs, matcher in self.rest:
            for attr, _ in needs:
                if attr not in words:
                    words[attr] = {t.lower_ for t in doc} if attr == "LOWER" else {t.text for t in doc}
            if any(wanted.isdisjoint(words[attr]) for attr, wanted in needs):
                continue
            for match_id, start, end in matcher(doc, allow_missing=True):
                found.add((int(strings[match_id]), match_id, start, end))
        return sorted(found)


def index_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Make the Language's attribute ruler find its matches by lookup; False if it has none."""
    if name not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe(name)
    if not isinstance(ruler, AttributeRuler):
        return False
    ruler.match = IndexedAttributeMatch(ruler)  # type: ignore[method-assign]
    return True
