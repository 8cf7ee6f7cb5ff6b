"""The closed rules' view of an article (spaCy-based, being retired in favour of pipeline/facts):
sentences with their mentions, the rules' trigger phrases found once per sentence, list frames,
and the subject choice of the closed value rules."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.tokens import Span, Token

from pipeline.extract.entities import main_entity
from pipeline.extract.mentions import Analysis
from pipeline.extract.quantities import dominant_product_noun
from pipeline.patterns import PatternSet
from pipeline.types import Mention

GENERIC_REFS = {
    "plant": ("the plant", "the factory", "the site", "the facility", "the works", "the gigafactory", "this plant",
              "the production site", "the mill", "the fab", "the complex"),
    "org": ("the company", "the group", "the carmaker", "the automaker", "the manufacturer", "the firm"),
}
ANAPHORA = ("both models", "both vehicles", "both cars", "these vehicles", "these models", "the two models",
            "the two vehicles", "these cars", "the models", "the vehicles", "both")
PLANNED = {"will", "plan", "plans", "planned", "aim", "aims", "target", "targets", "expect", "expects", "expected",
           "intend", "intends", "goal", "forecast", "scheduled", "slated", "set to", "projected", "would"}
ORG_KINDS = ("company", "brand", "org")


@dataclass
class Sentence:
    span: Span
    start: int
    end: int
    lemmas: list[str]
    words: list[str]
    inherited: list[str] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
    values: list[Mention] = field(default_factory=list)
    products: list[Mention] = field(default_factory=list)
    list_like: bool = False
    plant_ref: bool = False
    cache: dict = field(default_factory=dict)
    tokens: list[Token] = field(default_factory=list)  # the sentence's tokens without spaces
    raw: str = ""  # the sentence's text (Span.text rebuilds the string on every access)
    _positions: dict = field(default_factory=dict)
    phrases: PhraseIndex | None = None  # the trigger phrases of the rules, found once per sentence
    _hits: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.raw.strip()

    def hits(self, which: str) -> dict[tuple[str, ...], int]:
        """First position of every known trigger phrase present in `which` (one pass over it)."""
        found = self._hits.get(which)
        if found is None:
            found = self._hits[which] = {}
            seq = getattr(self, which)
            by_first = self.phrases.by_first if self.phrases is not None else {}
            for i, word in enumerate(seq):
                for words in by_first.get(word, ()):
                    if words not in found and tuple(seq[i:i + len(words)]) == words:
                        found[words] = i
        return found

    def positions(self, which: str) -> dict[str, list[int]]:
        """Word -> its positions in `lemmas`, `words` or `inherited`, built once per sentence."""
        index = self._positions.get(which)
        if index is None:
            index = self._positions[which] = {}
            for i, word in enumerate(getattr(self, which)):
                index.setdefault(word, []).append(i)
        return index


@lru_cache(maxsize=4096)
def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.lower().replace("-", " - ").replace("%", " %").split())


@dataclass(frozen=True)
class PhraseIndex:
    """Every phrase the rules look for, by first word: each sentence is scanned once for all of them."""

    known: frozenset[tuple[str, ...]]
    by_first: dict[str, tuple[tuple[str, ...], ...]]


_PHRASE_INDEXES: dict[int, tuple[PatternSet, PhraseIndex]] = {}


def phrase_index(pset: PatternSet) -> PhraseIndex:
    cached = _PHRASE_INDEXES.get(id(pset))
    if cached is not None and cached[0] is pset:
        return cached[1]
    phrases: set[str] = set(ANAPHORA)
    for rule in pset.attributes:
        for key in ("triggers", "unless", "unless_nearer"):
            phrases.update(rule.get(key) or [])
        for group in rule.get("triggers_all") or []:
            phrases.update(group)
    known = {_phrase_words(p) for p in phrases} - {()}
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for words in sorted(known):
        by_first.setdefault(words[0], []).append(words)
    index = PhraseIndex(frozenset(known), {k: tuple(v) for k, v in by_first.items()})
    if len(_PHRASE_INDEXES) >= 8:
        _PHRASE_INDEXES.clear()
    _PHRASE_INDEXES[id(pset)] = (pset, index)
    return index


def _contains(sent: Sentence, which: str, phrase: str) -> int:
    """Index where the phrase's words occur contiguously in the sentence's `which` sequence
    (lemmas, words, inherited), or -1."""
    words = _phrase_words(phrase)
    if not words:
        return -1
    if sent.phrases is not None and words in sent.phrases.known:
        return sent.hits(which).get(words, -1)
    seq = getattr(sent, which)
    n = len(words)
    for i in sent.positions(which).get(words[0], ()):
        if n == 1 or tuple(seq[i:i + n]) == words:
            return i
    return -1


def _trigger_positions(sent: Sentence, phrases: list[str], *, inherited: bool = True) -> list[int]:
    """Token positions (within the sentence) of any trigger phrase, lemma or surface form;
    a trigger inherited from a list's header counts as far away (-1000). Cached per sentence:
    every value of a sentence asks the same questions."""
    key = (tuple(phrases), inherited)
    cached = sent.cache.get(key)
    if cached is None:
        cached = sent.cache[key] = _scan_triggers(sent, phrases, inherited)
    return cached


@lru_cache(maxsize=4096)
def _phrase_set(phrases: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    return frozenset(_phrase_words(p) for p in phrases) - {()}


def _scan_triggers(sent: Sentence, phrases: list[str], inherited: bool) -> list[int]:
    if sent.phrases is not None:  # most rules have no trigger in most sentences: say so in one look
        wanted = _phrase_set(tuple(phrases))
        if wanted <= sent.phrases.known:
            pools = [sent.hits("lemmas"), sent.hits("words")]
            if inherited and sent.inherited:
                pools.append(sent.hits("inherited"))
            if not any(words in wanted for pool in pools for words in pool):
                return []
    found = []
    for phrase in phrases:
        for which in ("lemmas", "words"):
            pos = _contains(sent, which, phrase)
            if pos >= 0:
                found.append(pos)
        if inherited and sent.inherited and _contains(sent, "inherited", phrase) >= 0:
            found.append(-1000)
    return found


def _rule_fires(sent: Sentence, rule: dict[str, Any]) -> list[int]:
    """Trigger positions of a rule in a sentence (no value in view): blockers anywhere veto it."""
    if rule.get("unless") and _trigger_positions(sent, rule["unless"], inherited=False):
        return []
    if "triggers_all" in rule:
        groups = [_trigger_positions(sent, group) for group in rule["triggers_all"]]
        return [p for g in groups for p in g] if all(groups) else []
    return _trigger_positions(sent, rule.get("triggers", []))


def rule_distance(sent: Sentence, rule: dict[str, Any], vpos: int, clause: set[int]) -> int | None:
    """How far the rule's evidence is from the value at token vpos, counting only triggers in the
    value's clause (or inherited from a list header); None when the rule does not apply. `unless`
    words in the clause veto the rule; `unless_nearer` words veto it only when closer to the value
    than every trigger ("invested €1.5bn, including a €650m grant": 'grant' blocks investment for
    the €650m only)."""
    def near(phrases: list[str], inherited: bool = True) -> int | None:
        found = [abs(p - vpos) for p in _trigger_positions(sent, phrases, inherited=inherited) if p < 0 or p in clause]
        return min(found) if found else None

    if "triggers_all" in rule:
        dists = [near(group) for group in rule["triggers_all"]]
        if any(d is None for d in dists):
            return None
        distance = max(d for d in dists if d is not None)
    else:
        distance = near(rule.get("triggers", []))
        if distance is None:
            return None
    if rule.get("unless") and near(rule["unless"], inherited=False) is not None:
        return None
    nearer = near(rule["unless_nearer"], inherited=False) if rule.get("unless_nearer") else None
    if nearer is not None and nearer <= distance:
        return None
    return distance


class ArticleContext:
    """Sentences with their mentions, list frames and the article's main entities."""

    def __init__(self, analysis: Analysis, pset: PatternSet):
        self.analysis = analysis
        self.pset = pset
        self.doc = analysis.doc
        self.text = analysis.article.text  # the same string as doc.text, which spaCy rebuilds on every access
        self.sentences: list[Sentence] = []
        phrases = phrase_index(pset)
        for span in self.doc.sents:
            toks = [t for t in span if not t.is_space]
            sent = Sentence(span, span.start_char, span.end_char, [t.lemma_.lower() for t in toks],
                            [t.lower_ for t in toks], tokens=toks, raw=self.text[span.start_char:span.end_char],
                            phrases=phrases)
            sent.list_like = len(toks) <= 12 and not any(t.pos_ == "VERB" for t in toks)
            self.sentences.append(sent)
        for m in analysis.entities:
            self._sentence_of(m.start).entities.append(m)
        for m in analysis.values:
            self._sentence_of(m.start).values.append(m)
        previous: Sentence | None = None
        for sent in self.sentences:
            sent.products = [m for m in sent.entities if m.kind == "product"]
            sent.plant_ref = self.generic_ref(sent, "plant") or any(m.kind == "plant" for m in sent.entities)
            header = sent.text.endswith(":")
            if previous is not None and not header and (sent.list_like or previous.text.endswith(":")):
                sent.inherited = previous.lemmas + previous.inherited
                sent.plant_ref = sent.plant_ref or previous.plant_ref
            previous = sent
        self.product_noun = dominant_product_noun(self.doc, pset.lexicon)
        self.main = {kind: main_entity(analysis.entities, kind) for kind in ("plant", "product", "platform")}
        self.main["org"] = main_entity([m for m in analysis.entities if m.kind in ORG_KINDS],
                                       next((m.kind for m in analysis.entities if m.kind in ORG_KINDS), "company"))

    def _sentence_of(self, char: int) -> Sentence:
        for sent in self.sentences:
            if sent.start <= char < sent.end:
                return sent
        return self.sentences[-1]

    def index_of(self, sent: Sentence) -> int:
        return self.sentences.index(sent)

    def token_pos(self, sent: Sentence, char: int) -> int:
        toks = sent.tokens
        for i, t in enumerate(toks):
            if t.idx + len(t.text) > char:
                return i
        return len(toks)

    def generic_ref(self, sent: Sentence, kind: str) -> bool:
        text = " " + " ".join(sent.words) + " "
        if any(f" {ref} " in text for ref in GENERIC_REFS.get(kind, ())):
            return True
        if kind == "plant" and sent.words[:1] == ["it"]:
            return True
        return False

    def previous_products(self, sent: Sentence) -> list[Mention]:
        """Products an anaphor ('both models', 'these vehicles') points back to."""
        for earlier in reversed(self.sentences[:self.index_of(sent)]):
            if earlier.products:
                return _unique(earlier.products)
            resolved = getattr(earlier, "resolved_products", None)
            if resolved:
                return resolved
        return []

    def subject_products(self, sent: Sentence) -> list[Mention]:
        products = _unique(sent.products)
        if not products and any(_contains(sent, "words", a) >= 0 for a in ANAPHORA):
            products = self.previous_products(sent)
            sent.resolved_products = products  # type: ignore[attr-defined]
        return products

    def clause_of(self, sent: Sentence, value: Mention) -> set[int]:
        """Sentence token positions of the clause that governs a value: the subtree of its verb,
        without coordinated clauses ("... began in Q4 2023 and mass production will start in 2026")."""
        toks = sent.tokens
        index = {t.i: n for n, t in enumerate(toks)}
        span = self.doc.char_span(value.start, value.end, alignment_mode="expand")
        token = span.root if span is not None and len(span) else None
        while token is not None and token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
            token = token.head
        if token is None or token.pos_ not in ("VERB", "AUX"):
            return set(range(len(toks)))
        # a verb with no subject of its own belongs to the clause above it: "will begin producing X
        # in 2026", "Starting in late 2025, the factory will...", "launches scheduled for late 2025"
        while (token.dep_ in ("xcomp", "advcl", "acl") and token.head.i != token.i
               and not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)):
            token = token.head
            while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
                token = token.head
        excluded = {t.i for c in token.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") for t in c.subtree}
        return {index[t.i] for t in token.subtree if t.i in index and t.i not in excluded}

    def _syntactic_subject(self, value: Mention) -> set[int]:
        """Token ids of the grammatical subject of the verb governing the value (with its compounds)."""
        span = self.doc.char_span(value.start, value.end, alignment_mode="expand")
        token = span.root if span is not None and len(span) else None
        while token is not None and token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
            token = token.head
        ids: set[int] = set()
        hops = 0
        while token is not None and hops < 4:
            subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:  # the head noun and its name parts, not its appositions ("X, a subsidiary of Y")
                return {t.i for c in subjects for t in (c, *c.children) if t is c or t.dep_ in ("compound", "flat", "poss")}
            if token.dep_ in ("xcomp", "advcl", "conj", "ccomp") and token.head.i != token.i:
                token, hops = token.head, hops + 1
                continue
            break
        return ids

    def _in_role_phrase(self, m: Mention) -> bool:
        """'Chairman of BYD', 'CEO of Verkor': the organisation names whose person speaks, not the subject."""
        before = self.text[max(0, m.start - 40):m.start].lower()
        return bool(re.search(r"\b(?:ceo|chief executive(?: officer)?|chairman|chair|president|director|head|"
                              r"chief financial officer|cfo|spokesperson|spokesman|spokeswoman)s?\s+(?:of|at)\s+(?:the\s+)?$", before))

    def resolve_subject(self, sent: Sentence, kinds: list[str], value: Mention) -> str:
        """The sensible subject of a value: a named entity of the first kind in the sentence (the
        grammatical subject first, then the nearest), a generic reference ("the plant", "It"), a named
        organisation that is the clause's subject, the article's main plant, another named
        organisation, the article's main organisation."""
        subject_ids = self._syntactic_subject(value)

        def named(wanted: tuple[str, ...]) -> list[Mention]:
            found = [m for m in sent.entities if m.kind in wanted and not (m.start >= value.start and m.end <= value.end)
                     and not self._in_role_phrase(m)]
            return sorted(found, key=lambda m: (not self._overlaps(m, subject_ids), abs(m.start - value.start), m.start))

        for kind in kinds:
            wanted = ORG_KINDS if kind == "org" else (kind,)
            explicit = named(wanted)
            if explicit and (kind != "org" or self._overlaps(explicit[0], subject_ids) or not self.main.get("plant")
                             or "plant" not in kinds):
                return explicit[0].canonical
            if self.generic_ref(sent, kind) and self.main.get(kind):
                return self.main[kind]
        for kind in kinds:
            if kind in ("plant", "org") and self.main.get(kind):
                if kind == "org":
                    explicit = named(ORG_KINDS)
                    if explicit:
                        return explicit[0].canonical
                return self.main[kind]
        return ""

    def _overlaps(self, m: Mention, token_ids: set[int]) -> bool:
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        return span is not None and any(t.i in token_ids for t in span)


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        if m.canonical not in seen:
            seen.add(m.canonical)
            out.append(m)
    return out
