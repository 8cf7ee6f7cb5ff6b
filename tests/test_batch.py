"""Batch runs: incremental through the SQLite store, and safe to kill."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from pipeline.api import run
from pipeline.config import Settings
from pipeline.store import count

from conftest import ROOT

OUTPUTS = ("facts.csv", "mentions.csv", "conflicts.csv", "entities.csv", "provenance.csv", "errors.csv")


def _corpus(folder, n):
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for i in range(n):
        text = seeds[i % 2].read_text(encoding="utf-8")
        (folder / f"a{i:03d}.txt").write_text(text.replace("550 million", f"{500 + i} million"), encoding="utf-8")


def _settings(tmp, **kw):
    return Settings(patterns_dir=ROOT / "patterns", out=tmp / "facts.csv", mentions=tmp / "mentions.csv", **kw)


def _outputs(folder):
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def test_second_run_extracts_nothing_and_adding_one_extracts_one(tmp_path, nlp_pset):
    nlp, pset = nlp_pset
    _corpus(tmp_path / "in", 4)
    first = run([tmp_path / "in"], _settings(tmp_path / "out"), nlp=nlp, pset=pset, write=True)
    before = _outputs(tmp_path / "out")
    again = run([tmp_path / "in"], _settings(tmp_path / "out"), nlp=nlp, pset=pset, write=True)
    assert (first.extracted, again.extracted, again.from_store) == (4, 0, 4)
    assert _outputs(tmp_path / "out") == before
    _corpus(tmp_path / "in", 5)
    third = run([tmp_path / "in"], _settings(tmp_path / "out"), nlp=nlp, pset=pset, write=True)
    assert (third.extracted, third.from_store) == (1, 4)
    full = run([tmp_path / "in"], _settings(tmp_path / "out"), nlp=nlp, pset=pset, full=True, write=True)
    assert full.extracted == 5


def test_changed_patterns_invalidate_the_store(tmp_path, nlp_pset):
    nlp, pset = nlp_pset
    _corpus(tmp_path / "in", 2)
    patterns = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", patterns)
    settings = _settings(tmp_path / "out").with_overrides(patterns_dir=patterns)
    assert run([tmp_path / "in"], settings, write=True).extracted == 2
    assert run([tmp_path / "in"], settings, write=True).extracted == 0
    with open(patterns / "lexicon.json", "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert run([tmp_path / "in"], settings, write=True).extracted == 2


@pytest.mark.slow
def test_a_killed_run_then_a_rerun_equals_a_clean_run(tmp_path):
    _corpus(tmp_path / "in", 40)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "pipeline", "run", str(tmp_path / "in"), "--quiet"]
    killed = tmp_path / "killed"
    proc = subprocess.Popen(cmd + ["--out", str(killed / "facts.csv"), "--mentions", str(killed / "mentions.csv")],
                            env=env, cwd=ROOT)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if (killed / "store.sqlite").exists() and count(killed / "store.sqlite") >= 32:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "facts.csv").exists()
    assert subprocess.run(cmd + ["--out", str(killed / "facts.csv"), "--mentions", str(killed / "mentions.csv")],
                          env=env, cwd=ROOT).returncode == 0
    clean = tmp_path / "clean"
    assert subprocess.run(cmd + ["--out", str(clean / "facts.csv"), "--mentions", str(clean / "mentions.csv"), "--no-store"],
                          env=env, cwd=ROOT).returncode == 0
    assert _outputs(killed) == _outputs(clean)
