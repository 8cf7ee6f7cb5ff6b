"""Publication dates and boilerplate on real pages, measured by hand (see tests/data/real_dates).

    python benchmarks/real_dates.py FOLDER

FOLDER holds the texts named in tests/data/real_dates/manifest.csv, rebuilt outside the
repository (the third-party texts are never committed). Prints, per file, the gold date, the date
found and where it came from; the number found right; and for each .html file the lines of its
hand-written boilerplate (elements marked `data-boilerplate`) that reached the article text.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ingest import read_file  # noqa: E402

MANIFEST = ROOT / "tests" / "data" / "real_dates" / "manifest.csv"


def boilerplate_lines(markup: str) -> list[str]:
    """Every line of visible text inside an element marked data-boilerplate."""
    import lxml.html

    tree = lxml.html.fromstring(markup)
    lines: list[str] = []
    for element in tree.xpath("//*[@data-boilerplate]"):
        for piece in element.itertext():
            lines.extend(part.strip() for part in piece.splitlines() if len(part.strip()) >= 3)
    return lines


def leaked(text: str, lines: list[str]) -> list[str]:
    text_lines = {line.strip() for line in text.splitlines()}
    return [b for b in lines if b in text_lines or (len(b) >= 12 and b in text)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    args = ap.parse_args()
    rows = list(csv.DictReader(MANIFEST.open(encoding="utf-8")))
    right = 0
    leaks: dict[str, list[str]] = {}
    for row in rows:
        path = args.folder / row["file"]
        articles, errors = read_file(path)
        found = articles[0].published if articles else ""
        origin = articles[0].published_from if articles else (errors[0].code if errors else "?")
        ok = found == row["gold_date"]
        right += ok
        print(f"{'ok ' if ok else 'MISS'} {row['file']:28} gold {row['gold_date']}  found {found or '-':10}  ({origin})")
        if row["format"] == "html" and articles:
            leaks[row["file"]] = leaked(articles[0].text, boilerplate_lines(path.read_text(encoding="utf-8")))
    print(f"\ndates found right: {right}/{len(rows)}")
    for name, lines in leaks.items():
        print(f"boilerplate in {name}: {len(lines)} line(s) {lines if lines else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
