"""The article's own date: every documented form has positive examples, and dates that are not
the article's date (inside a sentence, ambiguous, a modification date) are not taken."""
import json

import pytest

from pipeline.datelines import FORMS, find_dateline

from conftest import ROOT

CORPUS = [json.loads(line) for line in (ROOT / "tests" / "corpus" / "datelines.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", CORPUS, ids=[c["text"][:40] for c in CORPUS])
def test_corpus(case):
    found = find_dateline(case["text"])
    assert found.iso == case["date"], case.get("why", "")
    if case["date"]:
        assert found.form == case["form"]
        assert case["text"][found.start:found.end].strip()  # the span (left out of facts) is the dateline


def test_every_form_has_examples_and_there_are_negatives():
    forms = {form for form, _ in FORMS}
    positives = {c["form"] for c in CORPUS if c["date"]}
    assert positives == forms
    assert sum(1 for c in CORPUS if not c["date"]) >= 10


def test_a_date_far_down_is_not_the_dateline_unless_labelled():
    filler = "The company makes parts. " * 200
    assert find_dateline(filler + "\nMarch 5, 2024\n" + filler).iso == ""
    assert find_dateline(filler + filler + "\nPublished on March 5, 2024").iso == "2024-03-05"
