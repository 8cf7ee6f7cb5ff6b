"""Issue 16, items 1-5: no single input hangs the batch (each test failed on the code before it)."""
from __future__ import annotations

import importlib.util
import os
import threading
import time
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.errors import InputError
from pipeline.extract.values import find_value_matches, windows
from pipeline.ingest import read_file, read_inputs

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("hostile", ROOT / "benchmarks" / "hostile.py")
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)


def test_value_windows_stay_bounded_in_a_run_without_spaces(nlp_pset):
    """Item 1: a window ends at the next space, but never more than a few words past its end."""
    _, pset = nlp_pset
    text = ("€" + "x" * 300) * 60
    anchors = {p.anchors[i].pattern: p.anchors[i] for p in pset.values for i in range(len(p.anchors))
               if p.anchors[i] is not None}
    for anchor in [None, *anchors.values()]:
        spans = windows(text, pset, anchor)
        assert sum(end - start for start, end in spans) <= 60 * 400  # was: every window to the end


def test_overlapping_value_matches_are_chosen_in_linear_time(nlp_pset):
    """Item 2: 40,000 adjacent matches ('12; 12; ...', 160 kB) are resolved in a bounded time
    (the pairwise check took 45 s)."""
    _, pset = nlp_pset
    text = "Figures: " + "12; " * 40_000
    started = time.perf_counter()
    found = find_value_matches(text, pset, [(0, 8)])
    assert time.perf_counter() - started < 20
    assert len(found) >= 39_000
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))  # still never overlapping


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    """Item 3: the byte cap is checked on the open file before reading (a 300 MB sparse file)."""
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(300_000_000)
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        read_file(big, max_chars=1_000_000)
    assert info.value.code == "E015" and time.perf_counter() - started < 2
    zero = tmp_path / "zero.txt"
    os.symlink("/dev/zero", zero)  # read until MemoryError before
    with pytest.raises(InputError) as info:
        read_file(zero)
    assert info.value.code == "E013"


def test_html_tag_soup_is_read_in_bounded_time(tmp_path):
    """Item 3: unterminated tags ('<a<a<a...', '<!--<!--...') no longer make the HTML parser
    rescan the rest of the page for each of them (160 kB took 41 s)."""
    for unit in ("<a", "<!--", "<p x='"):
        page = tmp_path / "soup.html"
        page.write_text("<p>Renault invests €1 billion in Douai.</p>" + unit * (160_000 // len(unit)), encoding="utf-8")
        started = time.perf_counter()
        articles, _ = read_file(page)
        assert time.perf_counter() - started < 10, unit
        assert "Renault invests €1 billion in Douai." in articles[0].text


def test_sentences_are_capped_so_sentence_work_stays_linear(nlp_pset):
    """Item 4: one unpunctuated 'sentence' is cut into pieces of at most 256 tokens, and the entity
    ruler finds each hit's sentence from one index (it asked doc[i].sent per hit)."""
    nlp, _ = nlp_pset
    doc = nlp("the Renault plant in Douai and the Zwickau plant of Volkswagen and " * 300)
    assert max(len(sent) for sent in doc.sents) <= 256
    assert sum(1 for ent in doc.ents if ent.ent_id_ == "fac.named-plant") >= 280  # gated rules still match


def test_a_fifo_in_an_input_folder_is_skipped_not_waited_for(tmp_path):
    """Item 5: only regular files are read; a FIFO named *.txt used to block forever."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Nissan invested £450 million in Sunderland.", encoding="utf-8")
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    box: dict[str, object] = {}
    reader = threading.Thread(target=lambda: box.update(result=read_inputs([folder])), daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # the old code blocks in open(): give it an end of file to let it go
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=10)
        pytest.fail("reading a folder with a FIFO blocked")
    articles, errors = box["result"]
    assert [a.id for a in articles] == ["good"]
    assert [(Path(e.path).name, e.code) for e in errors] == [("pipe.txt", "E013")]


@pytest.mark.slow
def test_hostile_160kb_inputs_finish_beside_a_good_article(tmp_path, nlp_pset):
    """Acceptance: every hostile family at 160 kB (benchmarks/hostile.py) finishes within a
    generous bound, and the good article beside it still has its facts written. Figures per
    size are in the README; this only guards against a return of quadratic time."""
    nlp, pset = nlp_pset
    ordinary, _ = hostile.time_family("ordinary", 160_000, nlp, pset, tmp_path)
    bound = max(120.0, 4 * ordinary)  # the machine is shared: generous, but far below the old minutes
    for name in hostile.FAMILIES:
        if name == "ordinary":
            continue
        seconds, good_rows = hostile.time_family(name, 160_000, nlp, pset, tmp_path)
        assert seconds < bound, (name, seconds, ordinary)
        assert good_rows >= 1, name
        assert (tmp_path / f"{name}-160000" / "out" / "facts.csv").read_text(encoding="utf-8").count("Sunderland") >= 1
