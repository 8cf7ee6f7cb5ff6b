"""The HTML review page: self-contained, escaped, and clean in a real headless Chromium."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from pipeline.cli import main

from conftest import ROOT

HOSTILE = ("Evil Corp will invest €5 million in its Lille plant. <script>console.error('INJECTED');"
           "document.title='HACKED'</script> <img src=x onerror=\"console.error('INJECTED2')\"> "
           "The Lille plant employs 300 people.")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    (tmp / "in").mkdir()
    for seed in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(seed, tmp / "in" / seed.name)
    (tmp / "in" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
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
    import matplotlib.image as mpimg

    pixels = mpimg.imread(shot)
    assert pixels.shape[0] > 500 and pixels.shape[1] > 500
    assert pixels.reshape(-1, pixels.shape[-1]).std(axis=0).max() > 0.05  # not a blank page
