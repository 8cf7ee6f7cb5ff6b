"""Bad, huge or hostile input never crashes a batch and never loses the work done on other files."""
from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.api import run
from pipeline.config import Settings
from pipeline.export import FACT_COLUMNS, MENTION_COLUMNS, fact_rows, mention_rows, render_csv

from conftest import ROOT

GOOD = "Douai, France – September 16, 2025 – Renault has invested €550 million in its Douai plant."


def _settings(tmp_path: Path) -> Settings:
    return Settings(patterns_dir=ROOT / "patterns", out=tmp_path / "out" / "facts.csv", mentions=tmp_path / "out" / "mentions.csv")


@pytest.fixture(scope="module")
def shared_nlp(nlp_pset):
    return nlp_pset


def _run(tmp_path, shared_nlp, **kw):
    nlp, pset = shared_nlp
    return run([tmp_path / "in"], _settings(tmp_path).with_overrides(**kw), nlp=nlp, pset=pset, write=True)


def _errors(tmp_path) -> dict[str, str]:
    with open(tmp_path / "out" / "errors.csv", newline="", encoding="utf-8") as fh:
        return {Path(r["file"].split(":")[0]).name: r["code"] for r in csv.DictReader(fh)}


def test_a_batch_of_bad_files(tmp_path, shared_nlp, monkeypatch):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (d / "nul.txt").write_bytes(b"Renault \x00\x00 invested")
    (d / "bad-utf8.txt").write_bytes("Nissan invested £450 million in the Sunderland plant.".encode("utf-8")[:-3] + b"\xff\xfe.")
    (d / "latin1.txt").write_bytes("Le groupe a investi 50 millions d'euros à Flins.".encode("latin-1"))
    (d / "cp1252.txt").write_bytes("Toyota said “it will invest €400 million” in its Valenciennes plant.".encode("cp1252"))
    (d / "utf16.txt").write_bytes("Stellantis will invest €2 billion in its Kenitra plant.".encode("utf-16"))
    (d / "script.html").write_text("<html><script>alert('x')</script><style>p{}</style><p>Volvo will invest €1bn in its Ghent plant.</p></html>", encoding="utf-8")
    (d / "broken.json").write_text('{"text": "unterminated', encoding="utf-8")
    (d / "lines.jsonl").write_text('{"id": "j1", "text": "Kia will invest $1bn in its Zilina plant."}\n{oops\n{"text": 5}\n', encoding="utf-8")
    (d / "copy.txt").write_text(GOOD, encoding="utf-8")
    (d / "german.txt").write_text("Volkswagen investiert 2 Milliarden Euro in das Werk Zwickau.", encoding="utf-8")
    (d / "huge.txt").write_bytes(b"Nissan built cars. " * (50 * 1024 * 1024 // 19))
    (d / "oneline.txt").write_bytes(b"x" * (5 * 1024 * 1024))
    (d / "locked.txt").write_text("Renault invested €10 million.", encoding="utf-8")
    (d / "loop").symlink_to(d, target_is_directory=True)
    from pipeline import guards

    real_read = guards.read_capped

    def read_capped(path, max_bytes):
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(path, max_bytes)

    monkeypatch.setattr("pipeline.ingest.read_capped", read_capped)
    result = _run(tmp_path, shared_nlp)
    ids = sorted(a.id for a in result.articles)
    assert ids == ["bad-utf8", "copy", "cp1252", "german", "j1", "latin1", "script", "utf16"]  # files in name order
    errors = _errors(tmp_path)
    errors.pop("lines.jsonl")  # its bad lines: test_jsonl_reports_every_bad_line
    assert errors == {"empty.txt": "E001", "image.html": "E002", "nul.txt": "E002", "broken.json": "E004",
                      "good.txt": "E011", "huge.txt": "E015", "oneline.txt": "E015", "locked.txt": "E003"}
    facts = (tmp_path / "out" / "facts.csv").read_text(encoding="utf-8")
    for expected in ("Douai plant,investment,550000000", "Ghent plant,investment,1000000000",
                     "Kenitra plant,investment,2000000000", "Valenciennes plant,investment,400000000"):
        assert expected in facts
    assert "alert" not in (tmp_path / "out" / "mentions.csv").read_text(encoding="utf-8")
    messages = [e.message for e in result.errors]
    assert any("huge.txt" in m and "refused before reading" in m for m in messages)  # byte cap (issue 16)


def test_jsonl_reports_every_bad_line(tmp_path, shared_nlp):
    d = tmp_path / "in"
    d.mkdir()
    (d / "lines.jsonl").write_text('{"id": "j1", "text": "Kia will invest $1bn in its Zilina plant."}\n{oops\n{"text": 5}\n', encoding="utf-8")
    result = _run(tmp_path, shared_nlp)
    assert sorted((e.path.rsplit(":", 1)[1], e.code) for e in result.errors) == [("2", "E005"), ("3", "E016")]  # text not a string


@pytest.mark.parametrize("text", [
    " ".join(["123"] * 100_000),
    "1 " * 100_000,
    "," * 200_000,
    "-" * 100_000 + "€",
    "€" + "1," * 50_000 + "million",
    "late " * 20_000 + "2025",
    ("Q" + "4" * 10) * 10_000,
    "May " * 30_000,
    # the templates of spelled-out numbers, day names, numeric and relative dates, money in parts
    "one " * 50_000 + "x",
    "hundred and " * 30_000,
    "1/" * 100_000,
    "1.1." * 50_000,
    "1/1/1 " * 30_000,
    "next Monday of " * 20_000,
    "the 1st of " * 20_000,
    "in 1 " * 40_000,
    "3 fridays " * 30_000,
    "$1 and " * 20_000,
    "1 dollars 1 " * 20_000,
    "one point " * 30_000,
    "minus " * 40_000 + "1",
    "- " * 100_000 + "1",
    "its 9th " * 30_000,
    "\none" * 50_000,
    "the late 1990s " * 20_000,
    "4 units, and one in " * 15_000,
])
def test_no_catastrophic_backtracking(text, nlp_pset):
    """Value patterns run in time linear in the text: each pathological input in a few seconds."""
    from pipeline.extract.values import find_value_matches

    _, pset = nlp_pset
    started = time.perf_counter()
    find_value_matches(text, pset, [])
    assert time.perf_counter() - started < 20  # generous: linear scans take well under a second


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300) | st.lists(
    st.sampled_from(["Renault", "invested", "€550 million", "in", "2024", "the", "Douai plant", ",", ".", "CEO",
                     "Ivan Espinosa", "50 729", "units", "late 2025", "since", "May", "(", ")", "\n", ":", "100%",
                     "six", "models", "Nissan Micra", "respectively", "and", "'s", "—"]), max_size=40).map(" ".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, published=st.sampled_from(["", "2025-09-16", "2001-01-01"]))
def test_extraction_never_raises_and_offsets_slice_exactly(text, published, analyze_text, nlp_pset):
    from pipeline.extract.article_facts import extract_facts
    from pipeline.reconcile import reconcile

    _, pset = nlp_pset
    analysis = analyze_text(text, published)
    for m in analysis.mentions:
        assert text[m.start:m.end] == m.text
    facts = extract_facts(analysis, pset)
    again = extract_facts(analyze_text(text, published), pset)
    assert render_csv(FACT_COLUMNS, fact_rows(reconcile(facts)[0])) == render_csv(FACT_COLUMNS, fact_rows(reconcile(again)[0]))
    assert render_csv(MENTION_COLUMNS, mention_rows(analysis.mentions)) == render_csv(
        MENTION_COLUMNS, mention_rows(analyze_text(text, published).mentions))
