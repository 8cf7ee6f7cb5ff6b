"""Pure functions: numbers, money, dates, exports (no model needed)."""
import datetime as dt

import pytest

from pipeline.config import Settings
from pipeline.export import render_csv, safe_cell, write_atomic
from pipeline.extract.dates import _resolve_partial, normalize_date
from pipeline.extract.numbers import format_number, parse_digits, parse_word_number
from pipeline.patterns import load_patterns

from conftest import ROOT

LEX = load_patterns(ROOT / "patterns").lexicon


@pytest.mark.parametrize("text, value", [
    ("50,729", 50729), ("50 729", 50729), ("50\u00a0729", 50729), ("50\u202f729", 50729), ("1,234,567", 1234567),
    ("12,5", 12.5), ("1.234,5", 1234.5), ("0.55", 0.55), ("7", 7),
])
def test_parse_digits(text, value):
    assert parse_digits(text) == pytest.approx(value)


@pytest.mark.parametrize("text, value", [("six", 6), ("twenty-five", 25), ("a dozen", 12), ("two hundred", 200), ("ninety nine", 99)])
def test_word_numbers(text, value):
    assert parse_word_number(text, LEX) == value


def test_format_number_has_no_exponent():
    assert format_number(550e6) == "550000000" and format_number(66.7) == "66.7" and format_number(1.4e9) == "1400000000"


@pytest.mark.parametrize("month, day, published, tense, expected", [
    (9, 17, "2025-09-16", "future", "2025-09-17"),
    (9, 17, "2025-09-16", "past", "2024-09-17"),
    (9, 17, "2025-09-16", "", "2025-09-17"),
    (5, None, "2025-09-16", "past", "2025-05"),
    (5, None, "2025-09-16", "future", "2026-05"),
    (12, 24, "2026-01-10", "", "2025-12-24"),
    (9, 17, "", "", "XXXX-09-17"),
])
def test_partial_dates_resolve_against_article_date(month, day, published, tense, expected):
    assert _resolve_partial(month, day, published, tense)[0] == expected


@pytest.mark.parametrize("groups, pattern_id, published, expected", [
    ({"relative": "today"}, "date.relative", "2025-09-16", ("2025-09-16", "day")),
    ({"relative": "yesterday"}, "date.relative", "2025-09-16", ("2025-09-15", "day")),
    ({"relative": "last year"}, "date.relative", "2025-09-16", ("2024", "year")),
    ({"relative": "next month"}, "date.relative", "2025-12-16", ("2026-01", "month")),
    ({"relative": "this summer"}, "date.relative", "2025-03-01", ("2025-SU", "season")),
    ({"relative": "next quarter"}, "date.relative", "2025-11-01", ("2026-Q1", "quarter")),
    ({"relative": "today"}, "date.relative", "", ("", "")),
])
def test_relative_dates(groups, pattern_id, published, expected):
    out = normalize_date(groups, pattern_id, LEX, published=published)
    assert (out["value"], out["precision"]) == expected


def test_relative_dates_never_use_the_clock():
    out = normalize_date({"relative": "today"}, "date.relative", LEX, published="2001-02-03")
    assert out["value"] == "2001-02-03" != dt.date.today().isoformat()


@pytest.mark.parametrize("value, column, expected", [
    ("=HYPERLINK(\"x\")", "subject", "'=HYPERLINK(\"x\")"), ("+1", "evidence", "'+1"), ("-5", "value", "-5"),
    ("-5", "subject", "'-5"), ("@SUM(A1)", "evidence", "'@SUM(A1)"), ("\tx", "text", "'\tx"), ("Renault", "subject", "Renault"),
    ("-10/-5", "value", "-10/-5"), ("=1+2", "value", "'=1+2"),
])
def test_csv_cells_are_formula_safe(value, column, expected):
    assert safe_cell(value, column) == expected


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "facts.csv"
    write_atomic(target, render_csv(("a",), [("1",)]))
    import os

    def boom(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new content")
    assert target.read_text() == "a\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["facts.csv"]


def test_sentence_breaks(nlp_pset):
    nlp, _ = nlp_pset
    doc = nlp("The plant has built only EVs since May 2023. Alpine: A290 (2024) With this milestone, it grew.\n"
              "New workshop for batteries The site produces 4 brands.")
    sents = [s.text.strip() for s in doc.sents]
    assert "The plant has built only EVs since May 2023." in sents
    assert any(s.startswith("With this milestone") for s in sents)
    assert any(s.startswith("The site produces") for s in sents)


@pytest.mark.parametrize("regex, required", [
    (r"(?:(?P<mod>about)\s+)?(?P<num>\d+)(?:\s(?P<scale>million))?", {"num"}),
    (r"(?P<a>x)(?:(?P<b>y)|(?P<c>z)(?P<b2>y))", {"a"}),
    (r"(?:(?P<m>may)\s(?P<y>\d{4})|(?P<y2>\d{4}))", set()),
    (r"(?:between\s)?(?P<sym>\$)(?P<num>\d)(?=(?P<look>\s))", {"sym", "num"}),
    (r"(?P<a>x)+(?P<b>y)*(?P<c>z){2}", {"a", "c"}),
])
def test_mandatory_groups(regex, required):
    from pipeline.patterns import mandatory_groups
    assert mandatory_groups(regex) == required


def _brute_force_matches(text, pset, blocked):
    """find_value_matches without windows: every template over the whole text."""
    from pipeline.extract import values
    saved = values.windows
    values.windows = lambda text, pset, anchor=None: [(0, len(text))]
    try:
        return values.find_value_matches(text, pset, blocked)
    finally:
        values.windows = saved


def test_anchored_windows_find_what_a_whole_text_scan_finds():
    """Templates run only around their anchors (a currency, a month, '%'...); that must never lose
    or change a match: compared with a whole-text scan on every corpus example and test passage."""
    import json
    from pipeline.extract.values import find_value_matches
    pset = load_patterns(ROOT / "patterns")
    texts = [json.loads(line)["text"] for name in ("money", "dates", "quantities", "percent", "facts")
             for line in (ROOT / "tests" / "corpus" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for folder in ("generalization", "heldout"):
        texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "data" / folder).glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    assert len(texts) > 400
    for text in texts:
        assert find_value_matches(text, pset, []) == _brute_force_matches(text, pset, []), text[:80]


def test_required_words_of_token_patterns():
    from pipeline.nlp import required_words
    pattern = [{"LOWER": {"IN": ["new", "first"]}, "OP": "?"}, {"IS_TITLE": True}, {"lower": "plant"},
               {"ORTH": {"IN": ["A", "B"]}, "OP": "+"}, {"TEXT": {"REGEX": "^x"}}, {"LOWER": {"NOT_IN": ["y"]}}]
    assert required_words(pattern) == (("LOWER", frozenset({"plant"})), ("ORTH", frozenset({"A", "B"})))
    assert required_words([{"IS_DIGIT": True}]) == ()


def test_gated_entity_rules_match_like_a_plain_matcher(nlp_pset):
    """Entity rules run only over sentences holding their required words: on every test passage
    and the seeds that gives exactly the matches of the same rules run over the whole Doc."""
    nlp, _ = nlp_pset
    ruler = nlp.get_pipe("press_entity_ruler")
    texts = [p.read_text(encoding="utf-8") for folder in ("tests/data/generalization", "tests/data/heldout", "seeds")
             for p in sorted((ROOT / folder).glob("*.txt"))]
    found = 0
    for doc in nlp.pipe(texts):
        plain = sorted(m for _, matcher in ruler.gated for m in matcher(doc))
        assert sorted(ruler._gated_matches(doc)) == plain
        found += len(plain)
    assert found > 20


def test_indexed_attribute_ruler_gives_the_rulers_own_matches_and_annotations():
    """The model's attribute ruler with its matches found by lookup: the same match list as the
    ruler's token Matcher, and the same POS, morphology and lemmas, on every passage and the seeds."""
    from pipeline.matching import IndexedAttributeMatch
    from pipeline.nlp import load_model
    stock = load_model(Settings().model)
    ruler = stock.get_pipe("attribute_ruler")
    indexed = IndexedAttributeMatch(ruler)
    assert indexed.n_indexed > 100
    texts = [p.read_text(encoding="utf-8") for folder in ("tests/data/generalization", "tests/data/heldout", "seeds")
             for p in sorted((ROOT / folder).glob("*.txt"))]
    texts.append("Y'all ain't gonna believe it: there's nothin' like c'mon, let's go. He gotta go.")
    before = stock.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"])
    docs = list(stock.pipe(texts))
    before.restore()
    for doc in docs:
        assert indexed(doc) == ruler.match(doc)
    annotated = [[(t.pos_, str(t.morph), t.lemma_) for t in doc] for doc in stock.pipe(texts)]
    ruler.match = indexed
    try:
        assert [[(t.pos_, str(t.morph), t.lemma_) for t in doc] for doc in stock.pipe(texts)] == annotated
    finally:
        del ruler.match


def test_plant_descriptors_do_not_tell_plants_apart_across_articles():
    from pipeline.entity_resolution import resolve_entities
    from pipeline.names import name_key
    from pipeline.types import Mention

    drop = frozenset({"ev", "manufacturing"})
    assert name_key("the Lyon EV plant", "plant", drop) == "lyon plant"
    assert name_key("Lyon battery plant", "plant", drop) == "lyon battery plant"  # a kind of product does
    mentions = [Mention("a", "FAC", "Lyon plant", 0, 10, kind="plant", canonical="Lyon plant"),
                Mention("b", "FAC", "Lyon EV plant", 0, 13, kind="plant", canonical="Lyon ev plant"),
                Mention("c", "FAC", "Lyon battery plant", 0, 18, kind="plant", canonical="Lyon battery plant"),
                Mention("d", "FAC", "Orla plant", 0, 10, kind="plant", canonical="Orla plant", pattern_id="plant.orla"),
                Mention("e", "FAC", "Orla site", 0, 9, kind="plant", canonical="Orla works", pattern_id="plant.orla")]
    mapping, _ = resolve_entities(mentions, ["plant.orla"], drop)
    assert mapping["Lyon ev plant"] == mapping["Lyon plant"] != mapping["Lyon battery plant"]
    assert mapping["Orla works"] == mapping["Orla plant"]  # one gazetteer id, one entity
