"""The exploration notebook: committed without outputs, a parameter cell first, and it runs clean on
a folder of articles and on another run's output folder (reading the outputs, not re-extracting)."""
import json
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "01-explore.ipynb"
ALLOWED_IMPORTS = {"pipeline", "pathlib", "pandas", "spacy", "matplotlib"}


def test_notebook_is_committed_without_outputs_and_starts_with_its_parameters():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "parameters" in code[0]["metadata"].get("tags", []) and "SOURCE = " in "".join(code[0]["source"])
    sources = "".join("".join(c["source"]) for c in code)
    imports = [line for line in sources.splitlines() if line.startswith(("import ", "from "))]
    assert all(line.split()[1].split(".")[0] in ALLOWED_IMPORTS for line in imports)
    assert "seeds" not in sources.replace('SOURCE = "../seeds"', "") and "Douai" not in sources  # nothing hard-wired


def _execute(tmp_path, source, output):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = f"SOURCE = {str(source)!r}\nOUTPUT = {str(output)!r}"
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    text = "".join(o.get("text", "") + json.dumps(o.get("data", {}), ensure_ascii=False) for c in nb.cells for o in c.get("outputs", []))
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    return text, images


@pytest.mark.slow
def test_notebook_runs_on_a_folder_of_articles(tmp_path):
    shutil.copytree(ROOT / "seeds", tmp_path / "articles")
    text, images = _execute(tmp_path, tmp_path / "articles", tmp_path / "out")
    assert (tmp_path / "out" / "facts.parquet").is_file()  # the run wrote where it was told
    assert "4 brands" in text and "Takao Kato" in text  # the fact sheet, values as a reader writes them
    assert "dateline" in text and "(not recorded" not in text  # reasons from the facts stage
    assert len(images) >= 3  # money by subject, a history, the timeline
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "out"]


@pytest.mark.slow
def test_notebook_reads_another_runs_outputs(tmp_path):
    shutil.copytree(ROOT / "tests" / "data" / "heldout3", tmp_path / "articles", ignore=shutil.ignore_patterns("*.csv", "*.md"))
    (tmp_path / "articles" / "notes.pdf").write_bytes(b"%PDF-1.7")
    subprocess.run([sys.executable, "-m", "pipeline", "run", str(tmp_path / "articles"), "--out", str(tmp_path / "run" / "facts.csv"),
                    "--quiet"], check=True, cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=600)
    import pandas as pd  # as a run made before the facts stage recorded reasons: no `fact` column

    mentions = pd.read_parquet(tmp_path / "run" / "mentions.parquet")
    mentions.drop(columns=["fact"]).to_parquet(tmp_path / "run" / "mentions.parquet")
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "run").iterdir()}
    text, images = _execute(tmp_path, tmp_path / "run", tmp_path / "unused")
    assert "reading the outputs in" in text and not (tmp_path / "unused").exists()
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "run").iterdir()} == before  # nothing re-extracted or rewritten
    assert "E019" in text and "values fed no fact" in text and "(not recorded by this run)" in text
    assert len(images) >= 1
