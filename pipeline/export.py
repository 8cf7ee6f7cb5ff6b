"""CSV output with fixed, documented column orders; atomic replacement; spreadsheet-safe cells."""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.types import ArticleError, Fact, Mention, ReconciledFact

FACT_COLUMNS = ("subject", "attribute", "value", "value_type", "unit", "period", "modifier", "status",
                "n_sources", "sources", "evidence", "confidence", "modality", "qualifier", "values", "rule_ids")
MENTION_COLUMNS = ("article_id", "start", "end", "label", "text", "value", "unit", "precision", "modifier",
                   "pattern_id", "kind", "canonical", "fact")
ERROR_COLUMNS = ("file", "stage", "code", "message")
CONFLICT_COLUMNS = ("subject", "attribute", "period", "modality", "chosen_value", "article_id", "value",
                    "unit", "modifier", "published", "evidence")
PROVENANCE_COLUMNS = ("subject", "attribute", "period", "modality", "value", "article_id", "value_as_stated",
                      "start", "end", "sentence", "published", "url", "rule_id")
ENTITY_COLUMNS = ("id", "name", "kind", "aliases", "articles", "n_mentions")
NUMERIC_COLUMNS = {"value", "start", "end", "n_sources", "confidence", "chosen_value", "n_mentions"}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:/-?\d+(?:\.\d+)?)?")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")
_JOINED_COLUMNS = {"sources", "values", "rule_ids", "articles", "aliases"}  # ;- or |-joined lists
_JOINERS = re.compile(r"([;|])")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _is_dangerous(text: str) -> bool:
    """A spreadsheet runs it as a formula: its first character that is not a space (after
    folding full-width forms such as '＝') is =, +, -, @, or it starts with a tab or line break."""
    if text.startswith(_DANGEROUS):
        return True
    head = unicodedata.normalize("NFKC", text.lstrip(" \u00a0\u3000")[:1])
    return head.startswith(_DANGEROUS)


def safe_cell(value: object, column: str) -> str:
    """Neutralize cells a spreadsheet would run as a formula (OWASP CSV injection) by prefixing
    a quote; numbers in numeric columns are left as they are. In a joined column every part is
    checked (a spreadsheet splitting on ';' sees each one as a cell). Control characters (NUL...)
    are removed."""
    text = _CONTROL.sub("", "" if value is None else str(value))
    if column in NUMERIC_COLUMNS and _NUMBER.fullmatch(text):
        return text
    if column in _JOINED_COLUMNS or column in NUMERIC_COLUMNS:
        parts = _JOINERS.split(text)
        return "".join(p if i % 2 or not _is_dangerous(p) or (column in NUMERIC_COLUMNS and _NUMBER.fullmatch(p))
                       else "'" + p for i, p in enumerate(parts))
    return "'" + text if _is_dangerous(text) else text


def render_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(v, c) for v, c in zip(row, columns)])
    return buffer.getvalue()


def _file_mode(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(path: Path, content: str) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it: readers see the old
    file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _file_mode(path))  # mkstemp makes 0600; keep the file's mode, else the umask's
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def fact_rows(rows: Iterable[ReconciledFact]) -> list[tuple[object, ...]]:
    return [(r.subject, r.attribute, r.value, r.value_type, r.unit, r.period, r.modifier, r.status,
             r.n_sources, ";".join(r.sources), r.evidence, f"{r.confidence:.3f}", r.modality, r.qualifier,
             ";".join(r.values), ";".join(r.rule_ids)) for r in rows]


def mention_rows(mentions: Iterable[Mention]) -> list[tuple[object, ...]]:
    ordered = sorted(mentions, key=lambda m: (m.article_id, m.start, m.end, m.label, m.pattern_id))
    return [(m.article_id, m.start, m.end, m.label, m.text, m.value, m.unit, m.precision, m.modifier,
             m.pattern_id, m.kind, m.canonical, m.fed) for m in ordered]


def error_rows(errors: Iterable[ArticleError]) -> list[tuple[object, ...]]:
    return sorted((e.path, e.stage, e.code, e.message) for e in errors)


def conflict_rows(pairs: Iterable[tuple[ReconciledFact, Fact]]) -> list[tuple[object, ...]]:
    return [(r.subject, r.attribute, r.period, r.modality, r.value, f.article_id, f.value, f.unit, f.modifier,
             f.published, f.evidence) for r, f in pairs]


def provenance_rows(pairs: Iterable[tuple[ReconciledFact, Fact]]) -> list[tuple[object, ...]]:
    return [(r.subject, r.attribute, r.period, r.modality, r.value, f.article_id, f.value_text, f.start, f.end,
             f.evidence, f.published, f.url, f.rule_id) for r, f in pairs]


def entity_rows(records: Iterable[object]) -> list[tuple[object, ...]]:
    return [(e.id, e.name, e.kind, "|".join(e.aliases), ";".join(e.articles), e.n_mentions) for e in records]


def to_frame(rows: Iterable[ReconciledFact]):
    """The reconciled facts as a typed pandas DataFrame (see pipeline.tables.fact_frame)."""
    from pipeline.tables import fact_frame

    return fact_frame(rows)
