import json
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.errors import PatternError
from pipeline.patterns import load_patterns

ROOT = Path(__file__).resolve().parent.parent


def _append(path: Path, line: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def test_project_patterns_load():
    pset = load_patterns(ROOT / "patterns")
    assert len(set(pset.ids)) == len(pset.ids)
    assert {p.label for p in pset.values} == {"MONEY", "DATE", "QUANTITY", "PERCENT"}


def test_invalid_json_line_names_file_and_line(patterns_copy):
    line = _append(patterns_copy / "money.jsonl", '{"id": "money.broken", ')
    with pytest.raises(PatternError) as err:
        load_patterns(patterns_copy)
    assert "[E020]" in str(err.value) and "money.jsonl" in str(err.value) and f"line {line}" in str(err.value)


def test_unknown_label(patterns_copy):
    line = _append(patterns_copy / "dates.jsonl", json.dumps({"id": "date.x", "label": "TIME", "regex": "{YEAR}"}))
    with pytest.raises(PatternError, match=rf"\[E023\].*dates.jsonl line {line} \(date.x\): unknown label 'TIME'"):
        load_patterns(patterns_copy)


def test_duplicate_id(patterns_copy):
    _append(patterns_copy / "percent.jsonl", json.dumps({"id": "percent.number-sign", "label": "PERCENT", "regex": "x"}))
    with pytest.raises(PatternError, match=r"\[E022\].*percent.jsonl.*percent.number-sign.*duplicate"):
        load_patterns(patterns_copy)


def test_unknown_macro_and_bad_regex(patterns_copy):
    _append(patterns_copy / "money.jsonl", json.dumps({"id": "money.x", "label": "MONEY", "regex": "{NOPE}"}))
    with pytest.raises(PatternError, match=r"money.x.*unknown macro \{NOPE\}"):
        load_patterns(patterns_copy)


def test_bad_attribute_strategy(patterns_copy):
    _append(patterns_copy / "attributes.jsonl", json.dumps({"id": "fact.x", "attribute": "x", "strategy": "magic", "value_type": "money"}))
    with pytest.raises(PatternError, match=r"attributes.jsonl line \d+ \(fact.x\): unknown strategy"):
        load_patterns(patterns_copy)


def test_pattern_spacy_rejects_is_reported_before_any_article(patterns_copy):
    from pipeline.nlp import build_nlp

    line = _append(patterns_copy / "entity_rules.jsonl",
                   json.dumps({"id": "fac.bad", "label": "FAC", "kind": "plant", "pattern": [{"NOT_AN_ATTR": "x"}]}))
    with pytest.raises(PatternError, match=rf"entity_rules.jsonl line {line} \(fac.bad\): spaCy rejects"):
        build_nlp(Settings(patterns_dir=patterns_copy))
