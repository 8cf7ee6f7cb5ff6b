"""Duckling-style corpus: every value pattern, entity rule, role and attribute rule has examples of
its own (positive and negative) in tests/corpus/, and every example holds.

Value examples:   {"id", "label", "text", "span", "value", "unit", "precision", "modifier", "published"}
                  a mention covering exactly `span`, the only one of its label overlapping it, with
                  exactly these normalized fields; negatives {"id", "label", "text", "not"}: no
                  mention of that label overlaps `not`.
Entity examples:  {"id", "label", "text", "span", "canonical"} / {"id", "label", "text", "not"}
Fact examples:    {"id", "text", "published", "facts": [[subject, attribute, value, period, modifier]]}
                  / {"id", "text", "absent": [[subject or null, attribute]]}
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.patterns import load_patterns

from conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
VALUE_FILES = ("money", "dates", "quantities", "percent")


def _load(name: str) -> list[dict]:
    path = CORPUS / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _cases(names):
    for name in names:
        for i, ex in enumerate(_load(name), start=1):
            yield pytest.param(ex, id=f"{name}:{i}:{ex['id']}")


def _overlapping(mentions, label, start, end):
    return [m for m in mentions if m.label == label and m.start < end and start < m.end]


@pytest.mark.parametrize("example", list(_cases(VALUE_FILES)))
def test_value_example(example, analyze_text):
    analysis = analyze_text(example["text"], example.get("published", ""))
    text = example["text"]
    if "not" in example:
        start = text.index(example["not"])
        found = _overlapping(analysis.mentions, example["label"], start, start + len(example["not"]))
        assert not found, f"unexpected {example['label']}: {[(m.text, m.value) for m in found]}"
        return
    start = text.index(example["span"])
    found = _overlapping(analysis.mentions, example["label"], start, start + len(example["span"]))
    assert [m.text for m in found] == [example["span"]], [(m.text, m.value, m.pattern_id) for m in found]
    m = found[0]
    got = {"value": m.value, "unit": m.unit, "modifier": m.modifier, "pattern": m.pattern_id}
    want = {"value": example["value"], "unit": example.get("unit", ""), "modifier": example.get("modifier", ""),
            "pattern": example["id"]}
    if "precision" in example:
        got["precision"], want["precision"] = m.precision, example["precision"]
    assert got == want


@pytest.mark.parametrize("example", list(_cases(["entities"])))
def test_entity_example(example, analyze_text):
    analysis = analyze_text(example["text"])
    text = example["text"]
    if "not" in example:
        start = text.index(example["not"])
        found = _overlapping(analysis.entities, example["label"], start, start + len(example["not"]))
        assert not found, [(m.text, m.pattern_id) for m in found]
        return
    start = text.index(example["span"])
    found = _overlapping(analysis.entities, example["label"], start, start + len(example["span"]))
    assert [(m.text, m.canonical) for m in found] == [(example["span"], example.get("canonical", example["span"]))]
    assert found[0].pattern_id == example["id"] or example["id"].startswith("role.")


def _fact_tuple(f, width):
    return (f.subject, f.attribute, f.value, f.period, f.modifier)[:width]


@pytest.mark.parametrize("example", list(_cases(["facts"])))
def test_fact_example(example, facts_of):
    facts = facts_of(example["text"], example.get("published", ""))
    got = [(f.subject, f.attribute, f.value, f.period, f.modifier, f.rule_id) for f in facts]
    for expected in example.get("facts", []):
        width = len(expected)
        assert tuple(expected) in {_fact_tuple(f, width) for f in facts}, got
        assert any(f.rule_id == example["id"] for f in facts if _fact_tuple(f, width) == tuple(expected)), got
    for subject, attribute in example.get("absent", []):
        bad = [g for g in got if g[1] == attribute and (subject is None or g[0] == subject)]
        assert not bad, bad


def test_every_pattern_id_has_positive_and_negative_examples():
    pset = load_patterns(ROOT / "patterns")
    examples = [ex for name in (*VALUE_FILES, "entities", "facts") for ex in _load(name)]
    positive = {ex["id"] for ex in examples if "not" not in ex and "absent" not in ex}
    negative = {ex["id"] for ex in examples if "not" in ex or "absent" in ex}
    ids = [p.id for p in pset.values] + [r["id"] for r in (*pset.entity_rules, *pset.roles, *pset.attributes)]
    missing = sorted(i for i in ids if i not in positive or i not in negative)
    assert not missing, f"pattern ids without a positive and a negative example: {missing}"


@pytest.mark.parametrize("name", VALUE_FILES)
def test_value_corpus_size(name):
    examples = _load(name)
    assert sum("not" not in ex for ex in examples) >= 80
    assert sum("not" in ex for ex in examples) >= 20
