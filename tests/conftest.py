"""Shared fixtures: the Language is built once per session (loading the model is the slow part)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.types import Article

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _run_in_a_temporary_folder(tmp_path_factory, monkeypatch):
    """Every test runs in a fresh temporary working folder: an output path left at its default
    (data/facts.csv) lands there, never in the project (`make test` once overwrote data/facts.csv)."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(scope="session")
def nlp_pset():
    from pipeline.nlp import build_nlp

    return build_nlp(Settings(patterns_dir=ROOT / "patterns"))


@pytest.fixture(scope="session")
def analyze_text(nlp_pset):
    """analyze_text(text, published="") -> Analysis, for tests that need the real pipeline."""
    from pipeline.extract.mentions import analyze
    from pipeline.ingest import find_dateline

    nlp, pset = nlp_pset

    def _run(text: str, published: str = "", article_id: str = "t"):
        _, start, end = find_dateline(text)
        article = Article(id=article_id, text=text, published=published, dateline=(start, end) if start or end else (0, 0))
        return analyze(nlp(text), article, pset)

    return _run


@pytest.fixture(scope="session")
def facts_of(nlp_pset, analyze_text):
    """facts_of(text, published="") -> list of Facts of one article."""
    from pipeline.extract.article_facts import extract_facts

    _, pset = nlp_pset

    def _run(text: str, published: str = "", article_id: str = "t"):
        return extract_facts(analyze_text(text, published, article_id), pset)

    return _run


@pytest.fixture
def patterns_copy(tmp_path):
    """A copy of patterns/ in the test's own folder, to edit."""
    target = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", target)
    return target
