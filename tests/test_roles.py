"""Role vocabulary (patterns/roles.jsonl) checks and the office vocabularies of the lexicon; the role
rules themselves are exercised by the role examples in tests/corpus/facts.jsonl."""
import json
from pathlib import Path

import pytest

from pipeline.errors import PatternError
from pipeline.patterns import load_patterns

ROOT = Path(__file__).resolve().parent.parent


def _append(path: Path, row: dict) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + json.dumps(row) + "\n", encoding="utf-8")


@pytest.mark.parametrize("row, message", [
    ({"id": "role.x", "attribute": "x", "phrases": ["x"], "needs_org_before": True}, "unknown keys"),
    ({"id": "role.x", "attribute": "x", "phrases": []}, "non-empty list"),
    ({"id": "role.x", "attribute": "x", "phrases": ["x"], "place_ok": "yes"}, "true or false"),
    ({"id": "role.x", "attribute": "x", "phrases": ["x"], "portfolio_attribute": "x_minister"}, "holding {portfolio}"),
])
def test_bad_role_line_is_reported(patterns_copy, row, message):
    _append(patterns_copy / "roles.jsonl", row)
    with pytest.raises(PatternError, match=r"\[E024\].*roles.jsonl line \d+ \(role.x\)"):
        load_patterns(patterns_copy)
    with pytest.raises(PatternError) as err:
        load_patterns(patterns_copy)
    assert message in str(err.value)


def test_office_vocabularies():
    pset = load_patterns(ROOT / "patterns")
    lex = pset.lexicon
    assert lex["demonyms"]["French"] == "France"
    assert all(isinstance(k, str) and isinstance(v, str) and v[:1].isupper() for k, v in lex["demonyms"].items())
    assert all(w == w.lower() for w in lex["office_portfolios"] + lex["office_place_nouns"])
    offices = [r for r in pset.roles if r.get("office")]
    assert offices and all(r.get("place_ok") for r in offices)  # an office belongs to a place or a body
