"""Issue 16, items 8-13 and 16-18: valid data is read and normalized right, hostile data is
refused by name, and one bad article never takes the others with it."""
from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.entity_resolution import resolve_entities
from pipeline.export import safe_cell
from pipeline.extract.money import normalize_money
from pipeline.extract.numbers import format_number
from pipeline.extract.values import find_value_matches
from pipeline.htmltext import html_to_text
from pipeline.ingest import read_file, read_inputs
from pipeline.reconcile import reconcile
from pipeline.types import Article, Fact, Mention


def _values(analysis, label):
    return [(m.text, m.value) for m in analysis.mentions if m.label == label]


# item 8 ---------------------------------------------------------------------------------------

def test_jsonl_lines_end_only_at_line_feeds_and_a_bad_line_loses_only_itself(tmp_path):
    """Item 8: str.splitlines() split records on U+2028/U+2029/U+0085; a deeply nested line
    (RecursionError) or a 4,300-digit integer (ValueError) lost the whole file (E003)."""
    lines = [json.dumps({"id": "a", "text": "Renault invests\u2028€1 billion\u2029in Douai\x85today."}, ensure_ascii=False),
             "[" * 100_000 + "]" * 100_000,
             '{"id": "c", "text": "x", "n": ' + "9" * 4400 + "}",
             json.dumps({"id": "d", "text": "Nissan invests £450 million in Sunderland."})]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, errors = read_file(path)
    assert [a.id for a in articles] == ["a", "d"]
    assert "€1 billion" in articles[0].text
    assert [(e.path.rsplit(":", 1)[1], e.code) for e in errors] == [("2", "E005"), ("3", "E005")]


def test_a_json_file_too_deep_or_with_a_huge_integer_is_an_invalid_json_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    articles, errors = read_inputs([path])
    assert not articles and [e.code for e in errors] == ["E004"]


# items 9 and 13 -------------------------------------------------------------------------------

def test_numbers_beyond_float_range_never_lose_the_article(facts_of):
    """Item 9: a 310-digit number or 103 groups of three digits overflowed float in
    format_number (E090: every fact of the article lost, on every run)."""
    for huge in ("1" * 310, " ".join(["123"] * 103)):
        facts = facts_of(f"Nissan has invested £450 million in its Sunderland plant. It counted {huge} visitors.")
        assert any(f.attribute == "investment" and f.value == "450000000" for f in facts), huge
    assert format_number(float("inf")) == "" and format_number(Decimal("1" * 310)) == "1" * 310


def test_money_amounts_are_exact_decimals(nlp_pset):
    """Item 13: '€99999999999999999999 billion' was written 99999999999999991433150857216."""
    _, pset = nlp_pset
    value = normalize_money({"cursym": "€", "num": "99999999999999999999", "scale": "billion"}, pset.lexicon)
    assert value["value"] == "99999999999999999999000000000"
    assert normalize_money({"cursym": "$", "num": "1.1", "scale": "bn"}, pset.lexicon)["value"] == "1100000000"
    from pipeline.extract.numbers import parse_decimal

    assert parse_decimal("1.234,5") == Decimal("1234.5")


# item 10 --------------------------------------------------------------------------------------

def _mention(article: str, text: str, canonical: str) -> Mention:
    return Mention(article_id=article, start=0, end=len(text), label="ORG", text=text, kind="company",
                   canonical=canonical, pattern_id="model.org")


def test_acronyms_and_tied_conflicts_do_not_depend_on_file_order_or_names():
    """Item 10: the first definition of an acronym won (setdefault), and a tied conflict's value
    followed the article ids (renaming a corpus changed 16 of 85 rows)."""
    mentions = [_mention("a", "TMMF", "Toyota Motor Manufacturing France"), _mention("a", "Toyota Motor Manufacturing France", "Toyota Motor Manufacturing France"),
                _mention("b", "TMMF", "Toyota Motor Manufacturing Fund"), _mention("b", "Toyota Motor Manufacturing Fund", "Toyota Motor Manufacturing Fund"),
                _mention("c", "TMMF", "TMMF")]
    assert resolve_entities(mentions)[0] == resolve_entities(list(reversed(mentions)))[0]

    def facts(first: str, second: str) -> list[Fact]:
        return [Fact(first, "Douai plant", "production", "100000", "quantity", unit="vehicle", period="2023",
                     evidence="The Douai plant built 100,000 vehicles in 2023."),
                Fact(second, "Douai plant", "production", "120000", "quantity", unit="vehicle", period="2023",
                     evidence="Douai made 120,000 vehicles in 2023.")]

    rows_ab, _ = reconcile(facts("a", "b"))
    rows_ba, _ = reconcile(facts("b", "a"))
    assert (rows_ab[0].value, rows_ab[0].evidence) == (rows_ba[0].value, rows_ba[0].evidence)
    assert rows_ab[0].status == "conflict"


# item 11 --------------------------------------------------------------------------------------

def test_invisible_characters_and_table_cells_do_not_change_amounts(tmp_path, analyze_text):
    """Item 11: '€550&nbsp;mil&shy;lion' was €550, '£4&#8203;50 million' £4, and table cells ran
    together ('2023</td><td>50 729' became 202350)."""
    page = tmp_path / "p.html"
    page.write_text("<p>Renault will invest €550&nbsp;mil&shy;lion in Douai.</p><p>Nissan will invest £4&#8203;50 million "
                    "in Sunderland.</p><p>Ford will spend $1&#x200D;2&lrm;0 million in Cologne.</p><table><tr><td>2023</td><td>50 729</td></tr></table>",
                    encoding="utf-8")
    (article,), _ = read_file(page)
    money = _values(analyze_text(article.text), "MONEY")
    assert sorted(v for _, v in money) == ["120000000", "450000000", "550000000"]
    assert "2023 | 50 729" in article.text


# item 12 --------------------------------------------------------------------------------------

def test_rs_is_a_currency_only_as_a_word_and_entities_are_unescaped_once(nlp_pset):
    """Item 12: 'years 500 engineers' held a MONEY mention 'rs 500'; AT&amp;amp;T became AT&T."""
    _, pset = nlp_pset
    text = "Over the years 500 engineers joined. It paid Rs 500 crore."
    money = [m.start for m in find_value_matches(text, pset, []) if m.label == "MONEY"]
    assert money and all(start >= text.index("Rs 500") for start in money)
    assert html_to_text("<p>AT&amp;amp;T</p>")[0] == "AT&amp;T"


# item 16 --------------------------------------------------------------------------------------

def test_workers_get_the_raised_length_limit(monkeypatch, nlp_pset):
    """Item 16: with --workers 2 and a raised max-chars, workers kept spaCy's limit (E088)."""
    from pipeline import api

    monkeypatch.setattr(api, "build_nlp", lambda settings, pset=None: (type("L", (), {"max_length": 1_000_000})(), None))
    monkeypatch.setattr(api, "_WORKER", {})
    api._worker_init(Settings(max_chars=3_000_000))
    assert api._WORKER["nlp"].max_length > 3_000_000


def test_an_exception_inside_nlp_pipe_loses_only_its_article():
    """Item 16: a component raising inside nlp.pipe failed the whole batch."""
    import spacy
    from spacy.language import Language

    from pipeline import api

    @Language.component("issue16_raises_on_boom")
    def _boom(doc):
        if "BOOM" in doc.text:
            raise ValueError("boom")
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("issue16_raises_on_boom")
    articles = [Article(id=i, text=t, path=i) for i, t in (("a", "fine"), ("b", "BOOM here"), ("c", "also fine"))]
    errors: list = []
    parsed = list(api._parse_isolated(nlp, articles, 8, errors))
    assert [a.id for _, a in parsed] == ["a", "c"]
    assert [(e.path, e.code) for e in errors] == [("b", "E090")]


# item 17 --------------------------------------------------------------------------------------

@pytest.mark.parametrize("column,value,expected", [
    ("sources", "a;=HYPERLINK(\"http://x\")", "a;'=HYPERLINK(\"http://x\")"),
    ("rule_ids", "r1;@SUM(A1)", "r1;'@SUM(A1)"),
    ("subject", "\n=1+1", "'\n=1+1"),
    ("subject", " =1+1", "' =1+1"),
    ("subject", "\uff1d1+1", "'\uff1d1+1"),
    ("evidence", "a\x00b", "ab"),
    ("value", "-5", "-5"),
    ("subject", "Renault", "Renault"),
])
def test_formula_prefixes_cover_every_part_and_hidden_starts(column, value, expected):
    """Item 17: only the first character was checked; ;-joined parts, LF or space then '=', and
    full-width '＝' passed; NUL bytes reached the CSVs."""
    assert safe_cell(value, column) == expected


def test_nul_bytes_never_reach_the_text(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Renault\u0000 invests €1 billion."}) + "\n", encoding="utf-8")
    late = tmp_path / "late.txt"
    late.write_bytes(b"Renault invests " + b"x " * 5000 + b"\x00 in Douai.")
    (a,), _ = read_file(path)
    articles, _ = read_inputs([late])
    assert "\x00" not in a.text and all("\x00" not in x.text for x in articles)


# item 18 --------------------------------------------------------------------------------------

def test_links_out_of_the_input_folder_are_not_followed(tmp_path):
    """Item 18: a link inside an input folder to a file outside it was read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Private figures: €9 billion.", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("Nissan invests £450 million.", encoding="utf-8")
    os.symlink(secret, folder / "link.txt")
    os.symlink(folder / "ok.txt", folder / "inside.txt")
    articles, errors = read_inputs([folder])
    assert len(articles) == 1 and articles[0].id in ("ok", "inside")  # the other: same content, E011
    assert [(Path(e.path).name, e.code) for e in errors if e.code != "E011"] == [("link.txt", "E014")]


def test_json_fields_are_checked(tmp_path):
    """Item 18: unbounded id/url were copied into every row, a list as text or id was analysed as
    its repr, an id of 0 was replaced, an invalid published date vanished without a note."""
    records = [{"id": "x" * 400_000, "text": "Renault invests €1 billion."},
               {"id": "u", "url": "http://x/" + "a" * 5000, "text": "Renault invests €2 billion."},
               {"id": ["a"], "text": "Renault invests €3 billion."},
               {"id": "l", "text": ["Renault invests", "€4 billion."]},
               {"id": 0, "text": "Renault invests €5 billion."},
               {"id": "p", "published": "not a date", "text": "Renault invests €6 billion."}]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    articles, errors = read_file(path)
    assert [a.id for a in articles] == ["0", "p"]
    assert [(e.path.rsplit(":", 1)[1], e.code) for e in errors] == [("1", "E016"), ("2", "E016"), ("3", "E016"),
                                                                    ("4", "E016"), ("6", "E017")]


def test_the_report_forbids_base_and_form_targets():
    """Item 18: the report's CSP lacked base-uri and form-action."""
    from pipeline.api import RunResult
    from pipeline.report import render_report

    page = render_report(RunResult())
    assert "base-uri 'none'" in page and "form-action 'none'" in page


def test_a_broken_tag_opener_is_dropped_and_a_lone_angle_bracket_stays_text():
    from pipeline.guards import guard_markup

    assert guard_markup("<p>x < 5 and <a<a<a <b>bold</b> <3</p>") == "<p>x &lt; 5 and aaa <b>bold</b> &lt;3</p>"
    assert guard_markup("<p>ok</p>") == "<p>ok</p>"
