"""The built wheel carries the pattern files and runs outside the checkout.

The slow test is the acceptance check of a new user's install: build the wheel from a copy of the
sources, `python -m venv`, `pip install` the wheel (its dependencies come from the package index,
through pip's cache when warm), then run the installed `press-facts` command from a folder that
is not the checkout."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT

SOURCES = ("pyproject.toml", "setup.py", "README.md", "pipeline", "patterns")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """Build the wheel from a copy of the sources, so the build writes nothing into the checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp / "src" / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            (tmp / "src").mkdir(exist_ok=True)
            shutil.copy(src, tmp / "src" / name)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp / "dist"),
                           str(tmp / "src")], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    [built] = (tmp / "dist").glob("press_facts-*.whl")
    return built


def test_the_wheel_ships_every_pattern_file(wheel):
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n.rsplit("/", 1)[-1]: zf.read(n) for n in zf.namelist() if n.startswith("pipeline/patterns_data/")}
        names = zf.namelist()
    expected = {p.name: p.read_bytes() for p in (ROOT / "patterns").iterdir() if p.is_file()}
    assert shipped == expected
    assert "pipeline/cli.py" in names and "pipeline/extract/values.py" in names


def test_patterns_load_from_the_package_by_default(tmp_path, monkeypatch):
    import pipeline.config as config

    shipped = tmp_path / "pipeline" / "patterns_data"
    shutil.copytree(ROOT / "patterns", shipped)
    monkeypatch.setattr(config, "PACKAGE_ROOT", tmp_path / "pipeline")
    assert config.default_patterns_dir() == shipped  # installed: the package's own copy
    monkeypatch.setattr(config, "PACKAGE_ROOT", ROOT / "pipeline")
    assert config.default_patterns_dir() == ROOT / "patterns"  # a checkout: the top-level folder


@pytest.mark.slow
def test_installed_wheel_runs_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "v"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)],
                          capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copytree(ROOT / "seeds", tmp_path / "in")
    exe = str(venv / "bin" / "press-facts")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120)
    from pipeline import __version__

    assert version.stdout.strip() == f"press-facts {__version__}"
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import pipeline.config as c; print(c.DEFAULT_PATTERNS)"],
                           capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("pipeline/patterns_data")
    out = tmp_path / "o" / "facts.csv"
    proc = subprocess.run([exe, "run", str(tmp_path / "in"), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, cwd=elsewhere, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert list(elsewhere.iterdir()) == []  # everything went beside --out
    assert {"facts.csv", "mentions.csv", "facts.parquet", "datapackage.json"} <= {p.name for p in out.parent.iterdir()}
    # the installed package gives exactly what the checkout gives
    checkout = tmp_path / "c" / "facts.csv"
    subprocess.run([sys.executable, "-m", "pipeline", "run", str(tmp_path / "in"), "--out", str(checkout), "--quiet"],
                   check=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=600)
    assert out.read_bytes() == checkout.read_bytes() and out.read_text(encoding="utf-8").count("\n") > 20
