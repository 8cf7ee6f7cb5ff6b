"""Fact rules on 40 passages of other companies, plants and industries (battery gigafactories,
steel mills, chip fabs, pharmaceutical plants, retailers, airlines), scored with `press-facts
evaluate` against their gold CSVs. These passages were used while developing the rules; see
tests/data/heldout/ for passages measured once, after the rules were written."""
from pipeline.cli import main
from pipeline.evaluate import score_files

from conftest import ROOT

DATA = ROOT / "tests" / "data" / "generalization"


def test_generalization_set_f1(tmp_path):
    assert len(list(DATA.glob("*.gold.csv"))) >= 40
    out = tmp_path / "facts.csv"
    assert main(["run", str(DATA), "--out", str(out), "--mentions", str(tmp_path / "m.csv"), "--quiet"]) == 0
    score = score_files(out, DATA)
    print(score.report(show=True))
    assert score.f1 >= 0.85
    assert main(["evaluate", str(out), str(DATA), "--min-f1", "0.85"]) == 0
