"""The HTML review page: self-contained, escaped, and clean in a real headless Chromium."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from pipeline.cli import main

from conftest import ROOT

HOSTILE = ("Evil Corp will invest €5 million in its Lille plant. <script>console.error('INJECTED');"
           "document.title='HACKED'</script> <img src=x onerror=\"console.error('INJECTED2')\"> "
           "The Lille plant employs 300 people.")


ONE_SOURCE_AND_TWO = {  # an article that gives two values; two articles that disagree; a later one that revises
    "arras.txt": "Arras, France – March 5, 2024 – Acme will invest €100 million in its Arras plant, the company said.\n\n"
                 "Later in the day, Acme said it will invest €150 million in its Arras plant.\n",
    "rouen-a.txt": "Paris, France – March 6, 2024 – Borg will invest €200 million in its Rouen plant.\n",
    "rouen-b.txt": "Rouen, France – March 6, 2024 – Borg will invest €250 million in its Rouen plant.\n",
    "lyon-a.txt": "Lyon, France – March 6, 2024 – Crux will invest €300 million in its Lyon plant.\n",
    "lyon-b.txt": "Lyon, France – April 9, 2024 – Crux will invest €350 million in its Lyon plant.\n",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    (tmp / "in").mkdir()
    for seed in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(seed, tmp / "in" / seed.name)
    (tmp / "in" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    for name, text in ONE_SOURCE_AND_TWO.items():
        (tmp / "in" / name).write_text(text, encoding="utf-8")
    out = tmp / "report.html"
    assert main(["report", str(tmp / "in"), "--out", str(out), "--facts", str(tmp / "data" / "facts.csv")]) == 0
    return out


def test_report_is_escaped_and_self_contained(report):
    page = report.read_text(encoding="utf-8")
    assert "<script>console.error" not in page and "onerror=\"console" not in page
    assert "&lt;script&gt;console.error(&#x27;INJECTED&#x27;)" in page
    assert "http://" not in page and "https://" not in page
    assert "Douai plant" in page and "<mark>€550 million</mark>" in page
    assert page.count("<tr class='fact'") >= 33
    assert "Content-Security-Policy" in page


def _row(page: str, subject: str) -> str:
    start = page.rindex("<tr class='fact'", 0, page.index(f"data-subject='{subject}'"))
    return page[start:page.index("</tr>", start)]


def test_report_shows_formatted_values_modality_period_confidence_and_dates(report):
    page = report.read_text(encoding="utf-8")
    assert "<td class='value num'>€550 million</td>" in page
    assert not re.search(r"class='value num'>\d{7,}", page)  # never "550000000 EUR"
    douai = [r for r in re.findall(r"<tr class='fact'.*?</tr>", page) if "production_volume" in r and "Douai plant" in r]
    assert douai and any("89,527 vehicles" in r and "<td>2024</td>" in r for r in douai)
    assert "<span class='modality planned'>planned</span>" in page and "<span class='modality actual'>actual</span>" in page
    assert "published 2025-09-16" in page and "published 2024-04-09" in page
    assert re.search(r"<span class='conf' style='width:\d+px'></span>0\.\d\d", page)
    assert "<section class='legend'><h2>Legend</h2>" in page
    for term in ("sources agree", "one source", "sources disagree", "ambiguous in one source", "planned", "confidence"):
        assert f"{term}</span></dt>" in page or f"<dt>{term}</dt>" in page or term in page.split("Legend")[1][:3000]


def test_ambiguity_in_one_source_is_not_a_disagreement_between_sources(report):
    page = report.read_text(encoding="utf-8")
    rows = re.findall(r"<tr class='fact'.*?</tr>", page)
    arras = [r for r in rows if "data-subject='arras plant'" in r]
    assert len(arras) == 2 and all("data-status='ambiguous'" in r and "ambiguous in one source</span>" in r for r in arras)
    assert {"€100 million", "€150 million"} <= {v for r in arras for v in re.findall(r"€\d+ million", r)}
    [rouen] = [r for r in rows if "data-subject='rouen plant'" in r]
    assert "data-status='conflict'" in rouen and "sources disagree</span>" in rouen and "(also: €250 million)" in rouen
    [lyon] = [r for r in rows if "data-subject='lyon plant'" in r]
    assert "data-status='revised'" in lyon and "€350 million" in lyon and "(earlier: €300 million)" in lyon
    assert page.count("data-status='conflict'") == 1 and page.count("data-status='ambiguous'") == 2
    disagreements = page.split("<h2>Disagreements between sources</h2>")[1].split("</section>")[0]
    ambiguous = page.split("<h2>Ambiguous in one source</h2>")[1].split("</section>")[0]
    assert "Rouen plant" in disagreements and "Arras plant" not in disagreements and "Lyon plant" not in disagreements
    assert "Arras plant" in ambiguous and "Rouen plant" not in ambiguous


def test_values_that_produced_no_fact_are_listed(report):
    page = report.read_text(encoding="utf-8")
    left = page.split("<section id='left-out'>")[1].split("</section>")[0]
    assert re.search(r"Values that produced no fact \((\d+)\)", left)
    assert "m-nofact" in page and "</mark>" in left
    assert "<td>dateline</td>" in left  # the facts stage's reason: a dateline's date is no fact


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.slow
def test_report_renders_in_headless_chromium(report, tmp_path):
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--enable-logging=stderr", "--v=0", f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "report.png"
    proc = subprocess.run(flags + [f"--screenshot={shot}", "--window-size=1280,1800", report.as_uri()],
                          capture_output=True, text=True, timeout=120)
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console
    assert "INJECTED" not in proc.stderr
    dom = subprocess.run(flags + ["--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "<title>press-facts review</title>" in dom and "HACKED" not in dom.split("</title>")[0]
    assert "press-facts review" in dom and "&lt;script&gt;" in dom
    def dom(fragment: str) -> str:
        return subprocess.run(flags + ["--dump-dom", report.as_uri() + fragment], capture_output=True, text=True,
                              timeout=120).stdout

    def visible(page: str) -> list[str]:
        rows = re.findall(r"<tr class=\"fact\"[^>]*>", page)
        return [re.search(r'data-subject="([^"]*)"', r).group(1) for r in rows if "display: none" not in r]

    everything = visible(dom(""))
    assert len(everything) >= 33 and re.search(r'id="count">\d+ of \d+ facts shown<', dom(""))
    searched = dom("#q=rouen")  # the search box, filled from the address, filters by subject
    assert visible(searched) == ["rouen plant"] and 'id="count">1 of ' in searched
    by_attribute = visible(dom("#q=investment"))
    assert "arras plant" in by_attribute and "rouen plant" in by_attribute and len(by_attribute) < len(everything)
    descending = visible(dom("#sort=subject&dir=desc"))
    assert descending == sorted(descending, reverse=True) and descending != everything
    sorted_dom = dom("#sort=confidence&dir=desc")
    confidences = [float(c) for c in re.findall(r'<tr class="fact"[^>]*data-confidence="([\d.]+)"', sorted_dom)]
    assert confidences == sorted(confidences, reverse=True) and 'aria-sort="descending"' in sorted_dom
    import matplotlib.image as mpimg

    pixels = mpimg.imread(shot)
    assert pixels.shape[0] > 500 and pixels.shape[1] > 500
    assert pixels.reshape(-1, pixels.shape[-1]).std(axis=0).max() > 0.05  # not a blank page
