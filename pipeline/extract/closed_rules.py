"""Attribute rules (data in patterns/attributes.jsonl) turn an article's mentions into Facts.

Strategies:
  value       a value mention (money, count, date) + a trigger in its sentence -> attribute of the
              nearest sensible subject (an entity of the rule's kinds in the sentence, a generic
              reference such as "the plant"/"It", earlier products for "both models", else the
              article's main entity). Competing rules for one value: the closest trigger wins.
  relation    products + objects of a kind (platform, plant) + a trigger ("built on", "assembles")
  parent      "X — Y's subsidiary", "X, a subsidiary of Y", "Y's subsidiary X"
  event_date  "today's Alliance Board meeting", "the X meeting on 16 May"
  segment     "Ampr Small (segment A / B)", "a C-segment SUV"
Roles (ceo, chairman...) come from the role analysis in extract/roles.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from spacy.tokens import Span, Token

from pipeline.extract.entities import main_entity
from pipeline.extract.mentions import Analysis
from pipeline.extract.numbers import format_number, lookup
from pipeline.extract.quantities import dominant_product_noun
from pipeline.patterns import PatternSet, normalize_name
from pipeline.types import Fact, Mention

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


def _modality(ctx: ArticleContext, sent: Sentence, value: Mention) -> str:
    """'planned' when the clause governing the value is future or a target ("will reach 60 GWh
    by 2026", "aims to make 1 million"), else 'actual'; the verb chain decides, not the sentence."""
    if value.modifier == "before":
        return "planned"
    span = ctx.doc.char_span(value.start, value.end, alignment_mode="expand")
    token = span.root if span is not None and len(span) else None
    hops = 0
    while token is not None and hops < 10:
        if token.pos_ in ("VERB", "AUX"):
            aux = {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}
            if token.lemma_.lower() in PLANNED or token.lower_ in PLANNED or aux & PLANNED:
                return "planned"
            if token.dep_ not in ("xcomp", "ccomp", "advcl", "conj"):
                return "actual"
        elif token.lemma_.lower() in ("target", "goal", "plan", "ambition", "objective"):
            return "planned"
        if token.head.i == token.i:
            break
        token, hops = token.head, hops + 1
    words = set(sent.words) | set(sent.lemmas)
    return "planned" if words & PLANNED and token is None else "actual"


def _owned_date(sent: Sentence, value: Mention, text: str) -> Mention | None:
    """The product a date is attached to in a list: 'Megane E-Tech (since 2022)', 'A290 (2024)'."""
    for product in sent.products:
        between = text[product.end:value.start]
        if product.end <= value.start and re.fullmatch(r"\s*[(:]\s*|\s*,\s*", between):
            return product
    return None


def _in_other_relative_clause(sent: Sentence, year: Mention, value: Mention) -> bool:
    """A year inside a relative clause that does not hold the value dates something else: in 'The
    Kenitra plant, which opened in 2019, employs 3,500 people' 2019 is no period of the 3,500."""
    doc = sent.span.doc
    year_span = doc.char_span(year.start, year.end, alignment_mode="expand")
    value_span = doc.char_span(value.start, value.end, alignment_mode="expand")
    if year_span is None or value_span is None or not len(year_span) or not len(value_span):
        return False
    token = year_span.root
    while token.head.i != token.i:
        if token.dep_ == "relcl":
            return not (token.left_edge.i <= value_span.root.i <= token.right_edge.i)
        token = token.head
    return False


def _period(sent: Sentence, value: Mention, others: list[Mention], text: str) -> str:
    """The year a figure is for: the closest year in its sentence not closer to another figure."""
    years = [m for m in sent.values if m.label == "DATE" and m.precision == "year" and m.value[:4].isdigit()
             and not _in_other_relative_clause(sent, m, value)]
    if not years:
        return ""
    def gap(year: Mention, figure: Mention) -> int:
        if figure.end <= year.start:  # "89,527 in 2024"
            between = text[figure.end:year.start]
            return 0 if re.fullmatch(r"\s+(?:\w+\s+){0,2}(?:in|for|during|over|through)\s+", between) else len(between)
        between = text[year.end:figure.start]  # "2024: 89 527"
        return 0 if re.fullmatch(r"\s*[:=]\s*", between) else len(between) + 1

    best = min(years, key=lambda y: (gap(y, value), y.start))
    rivals = [o for o in others if o is not value and gap(best, o) < gap(best, value)]
    return "" if rivals else best.value


def _fact(analysis: Analysis, sent: Sentence, rule: dict[str, Any], subject: str, value: str, *,
          mention: Mention | None = None, unit: str = "", period: str = "", modifier: str = "",
          modality: str = "", precision: str = "") -> Fact:
    art = analysis.article
    return Fact(art.id, subject, rule["attribute"], value, rule["value_type"], unit=unit, period=period,
                modifier=modifier, modality=modality, evidence=sent.text,
                start=mention.start if mention else sent.start, end=mention.end if mention else sent.end,
                rule_id=rule["id"], value_text=mention.text if mention else value, published=art.published,
                url=art.url, precision=precision)


def _in_dateline(ctx: ArticleContext, value: Mention) -> bool:
    start, end = ctx.analysis.article.dateline
    return value.label == "DATE" and start <= value.start < end


def _value_facts(ctx: ArticleContext, rules: list[dict[str, Any]]) -> list[Fact]:
    facts: list[Fact] = []
    text = ctx.analysis.article.text
    for sent in ctx.sentences:
        for value in sent.values:
            if not value.value or _in_dateline(ctx, value):
                continue
            candidates = []
            vpos = ctx.token_pos(sent, value.start)
            clause = ctx.clause_of(sent, value)
            for rule in rules:
                if rule.get("value_label") != value.label:
                    continue
                units = rule.get("units")
                if units is not None and value.unit not in units and not (
                        "@product_nouns" in units and value.unit in ctx.pset.lexicon["product_nouns"]):
                    continue
                if rule.get("value_position") == "modifies_trigger":
                    noun = _modified_noun(ctx, value)
                    distance = 0 if noun is not None and _noun_is_trigger(sent, rule, noun) else None
                else:
                    distance = rule_distance(sent, rule, vpos, clause)
                if distance is not None:
                    candidates.append((distance, rule["_line"], rule))
            for _, _, rule in sorted(candidates, key=lambda c: (c[0], c[1])):
                found = _apply_value_rule(ctx, sent, rule, value, text)
                if found:  # the closest rule that can use the value wins
                    facts.extend(found)
                    break
    return facts


def _modified_noun(ctx: ArticleContext, value: Mention) -> Token | None:
    """The noun an amount sizes: 'a €7.3 billion battery plant' -> plant, 'the $2bn factory' ->
    factory (the value's root is that noun's number or compound modifier)."""
    span = ctx.doc.char_span(value.start, value.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    root = span.root
    head = root.head
    if root.dep_ in ("nummod", "compound", "amod", "nmod") and head.i >= span.end and head.pos_ in ("NOUN", "PROPN"):
        return head
    return None


def _noun_is_trigger(sent: Sentence, rule: dict[str, Any], noun: Token) -> bool:
    """Whether the noun is one of the rule's trigger words (lemma or surface form) and no `unless`
    word is in the sentence."""
    if rule.get("unless") and _trigger_positions(sent, rule["unless"], inherited=False):
        return False
    words = {w.lower() for w in rule.get("triggers", []) if " " not in w}
    return noun.lemma_.lower() in words or noun.lower_ in words


def _apply_value_rule(ctx: ArticleContext, sent: Sentence, rule: dict[str, Any], value: Mention, text: str) -> list[Fact]:
    analysis = ctx.analysis
    kinds = rule["subject"]
    modifier = "" if value.modifier in rule.get("absorb", ()) else value.modifier
    if rule["value_type"] == "date":
        owner = _owned_date(sent, value, text)
        if rule.get("value_position") == "after_subject":
            subjects = [owner.canonical] if owner else []
        elif owner is not None:
            subjects = [] if "product" not in kinds else [owner.canonical]
        elif "product" in kinds and ctx.subject_products(sent):
            subjects = [p.canonical for p in ctx.subject_products(sent)]
        else:
            other = [k for k in kinds if k != "product"]
            subjects = [ctx.resolve_subject(sent, other, value)] if other else []
        return [_fact(analysis, sent, rule, s, value.value, mention=value, modifier=modifier,
                      precision=value.precision, modality="") for s in subjects if s]
    figures = [v for v in sent.values if v.label == value.label]
    period = _period(sent, value, figures, text)
    unit = value.unit
    rate = analysis.rates.get(value.start, "")
    if rule.get("requires_period") and not (period or rate):
        return []
    if not unit and value.label == "QUANTITY":
        allowed = set(rule.get("units", [])) | (set(ctx.pset.lexicon["product_nouns"]) if "@product_nouns" in rule.get("units", []) else set())
        siblings = [v.unit for v in figures if v.unit and v.unit in allowed]
        unit = siblings[0] if siblings else ""
        if not unit:  # what the article counts, else plain 'unit'
            unit = next((u for u in (ctx.product_noun, "unit") if u and u in allowed), "")
        if not unit:
            return []
    attribute = rule["attribute"]
    if rate:
        unit = f"{unit}/{rate}"
        if rule.get("rate_attribute", {}).get(rate):
            attribute = rule["rate_attribute"][rate]  # "will produce 30,000 vehicles a year": a capacity
    subject = ctx.resolve_subject(sent, kinds, value)
    if not subject:
        return []
    fact = _fact(analysis, sent, dict(rule, attribute=attribute), subject, value.value, mention=value, unit=unit,
                 period=period, modifier=modifier, modality=_modality(ctx, sent, value))
    if rule.get("qualifiers"):  # funding: the kind of money ('grant', 'loan') nearest to the value
        vpos, vend = ctx.token_pos(sent, value.start), ctx.token_pos(sent, value.end - 1)
        found = [(p - vend if p > vend else vpos - p, kind) for phrase, kind in rule["qualifiers"].items()
                 for p in _trigger_positions(sent, [phrase], inherited=False)]
        if found:
            fact = replace(fact, qualifier=min(found)[1])
    return [fact]


def _relation_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    facts = []
    for sent in ctx.sentences:
        named_object = any(m.kind == rule["object_kind"] for m in sent.entities)
        if not _rule_fires(sent, rule) and not (named_object and _rule_fires(sent, {k: v for k, v in rule.items() if k != "unless"})):
            continue
        products = [p for p in ctx.subject_products(sent) if p.kind == "product"
                    and not re.match(r"(?:['’]s)?\s+(?:successor|replacement|follow-up|predecessor)\b", ctx.text[p.end:p.end + 16])]
        if not products:
            continue
        kind = rule["object_kind"]
        objects = _unique([m for m in sent.entities if m.kind == kind])
        names = [o.canonical for o in objects]
        if not names and kind == "plant":
            if sent.plant_ref:
                names = [ctx.main["plant"]] if ctx.main["plant"] else []
        if not names:
            continue
        if len(names) == len(products) and len(names) > 1:
            pairs = list(zip(products, names))
        elif len(names) == 1:
            pairs = [(p, names[0]) for p in products]
        else:
            continue
        facts.extend(_fact(ctx.analysis, sent, rule, p.canonical, name, mention=p) for p, name in pairs)
    return facts


def _parent_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    facts = []
    for sent in ctx.sentences:
        for pos in _trigger_positions(sent, rule["triggers"]):
            if pos < 0:
                continue
            toks = sent.tokens
            trig_char = toks[pos].idx
            orgs = [m for m in sent.entities if m.kind in ("company", "brand", "org")]
            after = [m for m in orgs if m.start > trig_char and re.fullmatch(r"\s*(?:of|to)\s+(?:the\s+)?",
                                                                             ctx.text[trig_char + len(toks[pos].text):m.start])]
            before = [m for m in orgs if m.end <= trig_char and trig_char - m.end < 60
                      and re.match(r"['’]s\b", ctx.text[m.end:m.end + 2])]
            parent = (after or before[-1:] or [None])[0]
            if parent is None:
                continue
            named = [m for m in sent.entities if m.kind in ("company", "brand", "org", "place") and m.label != "GPE"]
            children = [m for m in named if m.end <= parent.start and re.fullmatch(
                r"\s*(?:—|–|-|,|\()\s*(?:a|an|the)?\s*(?:[\w-]+\s+){0,5}", ctx.text[m.end:parent.start])]
            if not children:
                children = [m for m in orgs if m.start > trig_char and not after and m.start - trig_char < 20]
            for child in children[-1:]:
                if child.canonical != parent.canonical:
                    facts.append(_fact(ctx.analysis, sent, rule, child.canonical, parent.canonical, mention=child))
    return facts


def _event_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    """A dated, named event: "today's Alliance Operating Board meeting" (name between the possessive
    date and a lowercase event noun), "the Toyota Annual General Meeting held on June 14, 2024"."""
    facts = []
    text = ctx.text
    nouns = "|".join(re.escape(t) for t in rule["triggers"])
    name = r"((?:[A-Z][\w&-]*\s+){0,6}[A-Z][\w&-]*)"
    for sent in ctx.sentences:
        for value in sent.values:
            if value.label != "DATE" or not value.value or _in_dateline(ctx, value):
                continue
            after = re.match(rf"['’]s\s+{name}\s+(?-i:{nouns})\b", text[value.end:value.end + 120])
            before = re.search(rf"{name}(?:\s+(?-i:{nouns}))?\s*,?\s*(?:held|taking place|which took place|to be held)?\s*(?:on|in)\s+$",
                               text[max(sent.start, value.start - 120):value.start])
            found = after or before
            if not found or (before and not after and not re.search(rf"\b(?:{nouns})\b", found.group(0), re.I)):
                continue
            subject = re.sub(r"^(?:The|A|An)\s+", "", found.group(1))
            entry = ctx.pset.alias_index.get(normalize_name(subject))
            facts.append(_fact(ctx.analysis, sent, rule, entry.name if entry else subject, value.value,
                               mention=value, modifier=value.modifier, precision=value.precision))
    return facts


def _segment_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    facts = []
    text = ctx.text
    for sent in ctx.sentences:
        for ent in sent.entities:
            if ent.kind not in rule["subject"]:
                continue
            after = re.match(r"\s*\(\s*segments?\s+([A-F](?:\s*/\s*[A-F])*)\s*\)", text[ent.end:ent.end + 30])
            before = re.search(r"\b([A-F](?:\s*/\s*[A-F])?)-segment\s+(?:[\w-]+\s+)?$", text[max(0, ent.start - 30):ent.start])
            found = after or before
            if found:
                value = re.sub(r"\s*/\s*", "/", found.group(1))
                facts.append(_fact(ctx.analysis, sent, rule, ent.canonical, value, mention=ent))
    return facts


def _milestone_facts(ctx: ArticleContext, rule: dict[str, Any]) -> list[Fact]:
    """A production milestone stated as an ordinal: 'its 100,000th car', 'the one millionth battery'.
    Ordinals are never count mentions; this rule reads them from the sentence text."""
    facts = []
    lex = ctx.pset.lexicon
    words = "|".join(sorted((k for k in lex["number_words"] if " " not in k), key=len, reverse=True))
    pattern = re.compile(rf"\b(?:(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:st|nd|rd|th)|(?:({words})[\s-])?(million|billion|thousand|hundred)th)"
                         rf"\s+((?:[a-z-]+\s+)?[a-z-]+)", re.I)
    for sent in ctx.sentences:
        if not _rule_fires(sent, rule):
            continue
        for m in pattern.finditer(sent.raw):
            if m.group(1):
                value = float(m.group(1).replace(",", ""))
            else:
                scale = {"million": 1e6, "billion": 1e9, "thousand": 1e3, "hundred": 1e2}[m.group(3).lower()]
                value = (lookup_number(lex, m.group(2)) if m.group(2) else 1) * scale
            known = set(lex["product_nouns"]) | {"vehicle", "unit"}
            units = [lookup(lex["noun_unit_aliases"], w) or w for w in m.group(4).lower().split()]
            unit = next((u for u in units if u in known), "")
            if not unit:  # 'the 3rd largest factory' is a rank, not a milestone
                continue
            start = sent.start + m.start()
            mention = Mention(ctx.analysis.article.id, "QUANTITY", m.group(0), start, sent.start + m.end())
            subject = ctx.resolve_subject(sent, rule["subject"], mention)
            if subject:
                facts.append(_fact(ctx.analysis, sent, rule, subject, format_number(value), mention=mention, unit=unit,
                                   modality="actual"))
    return facts


def lookup_number(lex: dict[str, Any], word: str) -> float:
    return float(lookup(lex["number_words"], word) or 1)


def _role_facts(analysis: Analysis) -> list[Fact]:
    art = analysis.article
    out = []
    for r in analysis.roles:
        sentence = art.text[r.sentence[0]:r.sentence[1]].strip()
        out.append(Fact(art.id, r.org, r.attribute, r.person.canonical, "person", evidence=sentence,
                        start=r.person.start, end=r.person.end, rule_id=r.rule_id, value_text=r.person.text,
                        published=art.published, url=art.url))
    return out


def extract_facts(analysis: Analysis, pset: PatternSet) -> list[Fact]:
    """All facts of one article, deduplicated (first statement kept), in document order."""
    if not analysis.article.text.strip():
        return []
    ctx = ArticleContext(analysis, pset)
    rules = list(pset.attributes)
    facts = _value_facts(ctx, [r for r in rules if r["strategy"] == "value"])
    handlers = {"relation": _relation_facts, "parent": _parent_facts, "event_date": _event_facts,
                "segment": _segment_facts, "milestone": _milestone_facts}
    for rule in rules:
        if rule["strategy"] in handlers:
            facts.extend(handlers[rule["strategy"]](ctx, rule))
    facts.extend(_role_facts(analysis))
    seen, out = set(), []
    for fact in sorted(facts, key=lambda f: (f.start, f.attribute, f.subject, f.value)):
        key = (fact.subject, fact.attribute, fact.value, fact.period, fact.modifier)
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out
