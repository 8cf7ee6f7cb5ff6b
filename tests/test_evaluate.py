import csv

from pipeline.cli import main
from pipeline.evaluate import score_rows

GOLD = [
    {"subject": "Douai plant", "subject_aliases": "Ampere Douai|Douai factory", "attribute": "investment", "value_type": "money",
     "value": "550000000", "value_aliases": "", "unit": "EUR", "period": "", "modifier": "", "sources": "a;b"},
    {"subject": "Douai plant", "subject_aliases": "Ampere Douai", "attribute": "production_volume", "value_type": "quantity",
     "value": "89527", "value_aliases": "", "unit": "vehicle", "period": "2024", "modifier": "", "sources": "a"},
    {"subject": "Nissan Micra", "subject_aliases": "Micra", "attribute": "launch_date", "value_type": "date",
     "value": "2025", "value_aliases": "", "unit": "", "period": "", "modifier": "late", "sources": "a;b"},
    {"subject": "Nissan", "subject_aliases": "", "attribute": "ceo", "value_type": "person",
     "value": "Ivan Espinosa", "value_aliases": "", "unit": "", "period": "", "modifier": "", "sources": "a"},
]


def test_matching_rules():
    pred = [
        {"subject": "the Ampere Douai", "attribute": "investment", "value": "550,000,000.0", "period": "", "sources": "b;a"},
        {"subject": "Douai factory", "attribute": "investment", "value": "550000000", "period": ""},  # duplicate
        {"subject": "Douai plant", "attribute": "production_volume", "value": "89527", "period": "2023"},  # wrong period
        {"subject": "MICRA", "attribute": "launch_date", "value": "2025", "modifier": "late", "sources": "a;b"},
        {"subject": "Nissan", "attribute": "ceo", "value": "ivan  espinosa!", "sources": "a"},
    ]
    score = score_rows(pred, GOLD)
    assert len(score.matched) == 3 and len(score.duplicates) == 1 and len(score.unmatched) == 1
    assert score.precision == 3 / 5 and score.recall == 3 / 4
    assert score.merged_exact() == (2, 2) and score.modifiers_right() == (1, 1)
    report = score.report(show=True)
    assert "MISS Douai plant | production_volume | 89527 | 2024" in report
    assert "DUP Douai factory | investment" in report and report.endswith("precision 0.600 recall 0.750 f1 0.667")


def test_cli_thresholds(tmp_path):
    gold = tmp_path / "gold.csv"
    with open(gold, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(GOLD[0]))
        writer.writeheader()
        writer.writerows(GOLD)
    assert main(["evaluate", str(gold), str(gold), "--min-f1", "0.99"]) == 0
    pred = tmp_path / "pred.csv"
    pred.write_text("subject,attribute,value\nNissan,ceo,Ivan Espinosa\n", encoding="utf-8")
    assert main(["evaluate", str(pred), str(gold), "--min-recall", "0.5"]) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("name,value\nx,1\n", encoding="utf-8")
    assert main(["evaluate", str(bad), str(gold)]) == 2
