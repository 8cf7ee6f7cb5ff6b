"""Typed analytics outputs: Parquet tables with documented dtypes, a Frictionless description that
validates the CSVs, to_frame() with the same columns, and a Python API that writes only when asked."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from pipeline import to_frame
from pipeline.api import run
from pipeline.config import Settings
from pipeline.tables import date_bounds, parse_amount

from conftest import ROOT

OUTPUT_CSVS = {"facts.csv", "mentions.csv", "errors.csv", "conflicts.csv", "entities.csv", "provenance.csv"}


@pytest.mark.parametrize("iso, expected", [
    ("2025-09-17", (dt.date(2025, 9, 17), dt.date(2025, 9, 17), "day")),
    ("2025", (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year")),
    ("2024-02", (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")),
    ("2025-Q4", (dt.date(2025, 10, 1), dt.date(2025, 12, 31), "quarter")),
    ("2025-H1", (dt.date(2025, 1, 1), dt.date(2025, 6, 30), "half")),
    ("2025-SU", (dt.date(2025, 6, 1), dt.date(2025, 8, 31), "season")),
    ("2025-WI", (dt.date(2025, 12, 1), dt.date(2026, 2, 28), "season")),
    ("2025-W02", (dt.date(2025, 1, 6), dt.date(2025, 1, 12), "week")),
    ("2022/2024", (dt.date(2022, 1, 1), dt.date(2024, 12, 31), "year")),
    ("XXXX-09-17", (None, None, "day")),
    ("Douai plant", (None, None, "")),
])
def test_date_bounds(iso, expected):
    assert date_bounds(iso) == expected


def test_parse_amount():
    assert parse_amount("50000000000") == (5e10, 5e10)
    assert parse_amount("2.5") == (2.5, 2.5)
    assert parse_amount("10/20") == (10.0, 20.0)
    assert parse_amount("2025-09-17") == (None, None) and parse_amount("") == (None, None)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, nlp_pset):
    nlp, pset = nlp_pset
    tmp = tmp_path_factory.mktemp("typed")
    shutil.copytree(ROOT / "seeds", tmp / "in")
    (tmp / "in" / "acme.txt").write_text(
        "Toledo, Ohio – March 5, 2024 – Acme Corp. will invest $200 million in a new plant in Toledo, Ohio. "
        "The plant will employ 450 people when it opens in the fourth quarter of 2026.", encoding="utf-8")
    (tmp / "in" / "slides.pdf").write_bytes(b"%PDF-1.7")
    settings = Settings(patterns_dir=ROOT / "patterns", out=tmp / "out" / "facts.csv", mentions=tmp / "out" / "mentions.csv")
    result = run([tmp / "in"], settings, nlp=nlp, pset=pset, write=True)
    return tmp / "out", result


def test_every_column_of_every_csv_is_described_and_the_description_validates_them(outputs, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    out, _ = outputs
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    by_path = {r["path"]: r for r in package["resources"]}
    assert OUTPUT_CSVS <= set(by_path) and {"facts.parquet", "mentions.parquet"} <= set(by_path)
    for name in OUTPUT_CSVS:
        header = (out / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        fields = by_path[name]["schema"]["fields"]
        assert [f["name"] for f in fields] == header, name
        assert all(f["description"] for f in fields), [f["name"] for f in fields if not f["description"]]
    pkg = frictionless.Package(str(out / "datapackage.json"))
    for resource in pkg.resources:
        if resource.format == "csv":
            report = resource.validate()
            assert report.valid, (resource.name, report.flatten(["rowNumber", "fieldName", "message"])[:5])
    # the check can fail: a count that is not a number, and a missing column, are caught
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    facts = (broken / "facts.csv").read_text(encoding="utf-8").splitlines()
    cells = facts[1].split(",")
    n_sources = facts[0].split(",").index("n_sources")
    facts[1] = ",".join(cells[:n_sources] + ["many"] + cells[n_sources + 1:])
    (broken / "facts.csv").write_text("\n".join(facts) + "\n", encoding="utf-8")
    (broken / "entities.csv").write_text("id,name\nx,y\n", encoding="utf-8")
    bad = frictionless.Package(str(broken / "datapackage.json"))
    assert not bad.get_resource("facts").validate().valid
    assert not bad.get_resource("entities").validate().valid


def test_parquet_reads_back_with_the_documented_dtypes(outputs):
    import pandas as pd

    out, _ = outputs
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    for name in ("facts", "mentions"):
        documented = {f["name"]: f["pandas_dtype"] for f in
                      next(r for r in package["resources"] if r["path"] == f"{name}.parquet")["schema"]["fields"]}
        frame = pd.read_parquet(out / f"{name}.parquet")
        assert {c: str(t) for c, t in frame.dtypes.items()} == documented, name
    facts = pd.read_parquet(out / "facts.parquet")
    money = facts[facts["value_type"] == "money"]
    assert len(money) and money["amount"].notna().all() and (money["currency"] == "EUR").any()
    assert money["amount"].sum() >= 550_000_000  # numbers add up, not concatenate
    usd = money[money["currency"] == "USD"]
    assert list(usd["amount"]) == [200_000_000.0] and list(usd["modality"]) == ["planned"]
    dated = facts[facts["value_type"] == "date"]
    assert dated["date_start"].notna().any() and (dated["date_start"] <= dated["date_end"]).all()
    assert all(isinstance(list(s), list) and len(s) == n for s, n in zip(facts["sources"], facts["n_sources"]))


def test_to_frame_has_the_parquet_columns_and_dtypes(outputs):
    import pandas as pd

    out, result = outputs
    frame = to_frame(result.rows)
    stored = pd.read_parquet(out / "facts.parquet")
    assert list(frame.columns) == list(stored.columns)
    assert dict(frame.dtypes) == dict(stored.dtypes)
    lists = ["sources", "values", "rule_ids"]
    pd.testing.assert_frame_equal(frame.drop(columns=lists), stored.drop(columns=lists))
    assert [list(x) for x in stored["sources"]] == list(frame["sources"])


def test_unsupported_files_are_counted_and_listed(outputs):
    out, result = outputs
    assert "1 unsupported files skipped" in result.summary() and "0 failed" in result.summary()
    errors = (out / "errors.csv").read_text(encoding="utf-8")
    assert "slides.pdf,ingest,E019," in errors


def test_the_python_api_writes_nothing_unless_asked(tmp_path, monkeypatch, nlp_pset):
    nlp, pset = nlp_pset
    shutil.copytree(ROOT / "seeds", tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    result = run([tmp_path / "in"], nlp=nlp, pset=pset)
    assert result.rows and sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    result = run([tmp_path / "in"], Settings(patterns_dir=ROOT / "patterns"), nlp=nlp, pset=pset)
    assert result.rows and sorted(p.name for p in tmp_path.iterdir()) == ["in"]
