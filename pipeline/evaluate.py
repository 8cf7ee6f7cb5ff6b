"""Score a facts CSV against a gold CSV (the format of the seed gold), as ../shared/eval/score.py does.

A predicted row matches a gold row when subject (or a gold alias), attribute, value (or a value
alias) and, where the gold has one, period agree after normalisation (case, punctuation and
spacing folded; numbers as numbers; dates as ISO strings). A second row for a matched gold fact is
an unmerged duplicate and counts against precision.
"""
from __future__ import annotations

import csv
import sys
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import ConfigError

REQUIRED = ("subject", "attribute", "value")


def norm(text: object) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).casefold().replace("’", "'")
    text = re.sub(r"^(the|a|an)\s+", "", text.strip())
    return re.sub(r"[^\w]+", " ", text).strip()


def as_number(text: object) -> float | None:
    try:
        return float(str(text).replace(",", "").replace(" ", ""))
    except ValueError:
        return None


def same_value(pred: str, gold: dict[str, str]) -> bool:
    value, value_type = gold["value"], gold.get("value_type", "")
    if value_type in ("money", "quantity", "percent"):
        p, g = as_number(pred), as_number(value)
        return p is not None and g is not None and abs(p - g) <= 1e-6 * max(1.0, abs(g))
    if value_type == "date":
        return str(pred).strip() == str(value).strip()
    names = {norm(value)} | {norm(a) for a in (gold.get("value_aliases") or "").split("|") if a}
    return norm(pred) in names


def same_period(pred: str, gold: str) -> bool:
    gold = str(gold or "").strip()
    return not gold or str(pred or "").strip().startswith(gold)


def sources_of(row: dict[str, str]) -> set[str]:
    return {s.strip() for s in re.split(r"[;|]", row.get("sources") or "") if s.strip()}


@dataclass
class Score:
    gold: list[dict[str, str]]
    predicted: list[dict[str, str]]
    matched: dict[int, dict[str, str]] = field(default_factory=dict)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    unmatched: list[dict[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return len(self.matched) / len(self.predicted) if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return len(self.matched) / len(self.gold) if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if self.matched else 0.0

    def merged_exact(self) -> tuple[int, int]:
        multi = [i for i, g in enumerate(self.gold) if len(sources_of(g)) > 1]
        ok = sum(1 for i in multi if i in self.matched and sources_of(self.matched[i]) == sources_of(self.gold[i]))
        return ok, len(multi)

    def modifiers_right(self) -> tuple[int, int]:
        with_mod = [i for i, g in enumerate(self.gold) if (g.get("modifier") or "").strip()]
        ok = sum(1 for i in with_mod if i in self.matched and norm(self.matched[i].get("modifier")) == norm(self.gold[i]["modifier"]))
        return ok, len(with_mod)

    def report(self, show: bool = False) -> str:
        merged, multi = self.merged_exact()
        mods, with_mod = self.modifiers_right()
        lines = [f"gold facts: {len(self.gold)}  predicted rows: {len(self.predicted)}  matched: {len(self.matched)}",
                 f"unmerged duplicates: {len(self.duplicates)}  unmatched predicted rows: {len(self.unmatched)}",
                 f"multi-source facts merged with exact source sets: {merged}/{multi}",
                 f"fuzzy date modifiers right: {mods}/{with_mod}"]
        if show:
            lines += [f"  MISS {g['subject']} | {g['attribute']} | {g['value']} | {g.get('period', '')}"
                      for i, g in enumerate(self.gold) if i not in self.matched]
            lines += [f"  EXTRA {r.get('subject')} | {r.get('attribute')} | {r.get('value')} | {r.get('period', '')}"
                      for r in self.unmatched]
            lines += [f"  DUP {r.get('subject')} | {r.get('attribute')} | {r.get('value')} | {r.get('period', '')}"
                      for r in self.duplicates]
        lines.append(f"precision {self.precision:.3f} recall {self.recall:.3f} f1 {self.f1:.3f}")
        return "\n".join(lines)


def score_rows(predicted: list[dict[str, str]], gold: list[dict[str, str]]) -> Score:
    score = Score(gold, predicted)
    names = [{norm(g["subject"])} | {norm(a) for a in (g.get("subject_aliases") or "").split("|") if a} for g in gold]
    for row in predicted:
        hit = None
        for i, g in enumerate(gold):
            if (norm(row.get("subject")) in names[i] and norm(row.get("attribute")) == norm(g["attribute"])
                    and same_value(row.get("value", ""), g) and same_period(row.get("period", ""), g.get("period", ""))):
                hit = i
                break
        if hit is None:
            score.unmatched.append(row)
        elif hit in score.matched:
            score.duplicates.append(row)
        else:
            score.matched[hit] = row
    return score


def _read_long_fields(path: Path | str) -> list[dict[str, str]]:
    """Read a CSV whose fields exceed csv's default limit, restoring that limit afterwards."""
    previous = csv.field_size_limit(sys.maxsize)
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        raise ConfigError("E050", path=path, reason=exc) from exc
    finally:
        csv.field_size_limit(previous)


def read_csv(path: Path | str, required: tuple[str, ...] = ()) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            raise ConfigError("E050", path=path, reason=exc) from exc
        rows = _read_long_fields(path)  # evidence longer than the csv module's default limit
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        raise ConfigError("E050", path=path, reason=exc) from exc
    missing = [c for c in required if rows and c not in rows[0]]
    if missing:
        raise ConfigError("E051", path=path, columns=", ".join(missing))
    return rows


def read_gold(path: Path | str) -> list[dict[str, str]]:
    """A gold CSV, or a folder of them (every *.csv inside, in name order, read as one)."""
    path = Path(path)
    if path.is_dir():
        return [row for f in sorted(path.glob("*.csv")) for row in read_csv(f, REQUIRED)]
    return read_csv(path, REQUIRED)


def score_files(predicted: Path | str, gold: Path | str) -> Score:
    return score_rows(read_csv(predicted, REQUIRED), read_gold(gold))
