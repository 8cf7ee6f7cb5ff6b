"""Typed tables for analysis: facts and mentions as pandas DataFrames and Parquet files whose
columns have real types (amounts as numbers, dates as timestamps with their precision, sources as
lists), and a Frictionless data package (`datapackage.json`) that describes every column of every
output file.

The typed tables hold the CSV's columns (numbers as numbers, `;`-joined lists as lists, empty
cells as missing) plus columns derived from the normalized value:

    amount, amount_to   the number of a money/quantity/percent value (`amount_to`: the upper end
                        of a range such as `10/20`; equal to `amount` for a single number)
    currency            the ISO 4217 code of a money value
    date_start, date_end  first and last day a date value covers ("2025-Q4": 2025-10-01 and
                        2025-12-31; "2025": the whole year); missing when the year is unknown
    date_precision      day, week, month, quarter, half, season or year
    period_year         the year a figure is for (the first year of a span such as `2021/2025`)

    >>> date_bounds("2025-Q4")
    (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31), 'quarter')
    >>> parse_amount("550000000"), parse_amount("10/20"), parse_amount("Douai plant")
    ((550000000.0, 550000000.0), (10.0, 20.0), (None, None))
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.export import FACT_COLUMNS, MENTION_COLUMNS, fact_rows, mention_rows

# -- the description of every column -------------------------------------------------------------
# name: (Frictionless type in the CSV, pandas dtype in the typed table, description)
STRING, INT, FLOAT, TIME, LIST = "string", "Int64", "Float64", "datetime64[ms]", "object"
FACT_FIELDS: dict[str, tuple[str, str, str]] = {
    "subject": ("string", STRING, "canonical name of what the fact is about"),
    "attribute": ("string", STRING, "the fact's name (patterns/README.md has the vocabulary)"),
    "value": ("string", STRING, "the normalized value: a number (money in currency units), an ISO date "
              "(2025, 2025-05, 2025-Q4, ranges START/END) or a name"),
    "value_type": ("string", STRING, "money, quantity, date, percent, person, entity or text"),
    "unit": ("string", STRING, "ISO 4217 code for money; counted noun or unit symbol for quantities; % or pp"),
    "period": ("string", STRING, "the year (or years START/END) a figure is for"),
    "modifier": ("string", STRING, "early, mid, late, before, after, approx, more_than, less_than, up_to; empty when exact"),
    "status": ("string", STRING, "single, agreed, conflict, ambiguous (one article, several values), "
               "revised (later sources changed it) or superseded"),
    "n_sources": ("integer", INT, "how many articles state it"),
    "sources": ("list", LIST, "the ids of the articles that state it (`;`-joined in the CSV)"),
    "evidence": ("string", STRING, "the sentence from the earliest source"),
    "confidence": ("number", FLOAT, "1 - 0.4^n for n agreeing sources; lower for conflicts and approximate values"),
    "modality": ("string", STRING, "actual or planned for figures; empty for dates and names"),
    "qualifier": ("string", STRING, "the kind of value where the attribute has kinds (grant, loan, ...)"),
    "values": ("list", LIST, "every distinct value the sources gave (`;`-joined in the CSV)"),
    "rule_ids": ("list", LIST, "the rules that produced the fact (`;`-joined in the CSV)"),
}
MENTION_FIELDS: dict[str, tuple[str, str, str]] = {
    "article_id": ("string", STRING, "the article (file stem or JSON id)"),
    "start": ("integer", INT, "character offset of the mention in the article text"),
    "end": ("integer", INT, "character offset just after the mention"),
    "label": ("string", STRING, "ORG, PERSON, GPE, LOC, FAC, PRODUCT, DATE, MONEY, QUANTITY or PERCENT"),
    "text": ("string", STRING, "the mention as written (article[start:end])"),
    "value": ("string", STRING, "values: the normalized value (number or ISO date); entities: empty"),
    "unit": ("string", STRING, "ISO 4217 code, counted noun or unit symbol"),
    "precision": ("string", STRING, "dates: year, half, quarter, season, month, week or day"),
    "modifier": ("string", STRING, "fuzzy modifier of a value (approx, late, before, ...)"),
    "pattern_id": ("string", STRING, "the rule that found it (model.person for the statistical model)"),
    "kind": ("string", STRING, "entities: company, brand, plant, product, platform, person, place"),
    "canonical": ("string", STRING, "entities: canonical name"),
    "fact": ("string", STRING, "values: the facts it fed ('attribute@subject', ;-joined) or the reason it fed none "
             "(dateline, publication_date, age, time_span, part_of_name, ...)"),
}
DERIVED_FIELDS: dict[str, tuple[str, str, str]] = {
    "amount": ("number", FLOAT, "the number of a money, quantity or percent value (money in currency units)"),
    "amount_to": ("number", FLOAT, "the upper end of a range of numbers; equal to amount for one number"),
    "currency": ("string", STRING, "ISO 4217 code of a money value"),
    "date_start": ("date", TIME, "first day a date value covers (missing when its year is unknown)"),
    "date_end": ("date", TIME, "last day a date value covers"),
    "date_precision": ("string", STRING, "day, week, month, quarter, half, season or year"),
    "period_year": ("integer", INT, "the year a figure is for (the first year of a span)"),
}
OTHER_CSVS: dict[str, dict[str, tuple[str, str]]] = {
    "errors": {"file": ("string", "the input file (and line)"), "stage": ("string", "ingest or extract"),
               "code": ("string", "E0xx code; E011 and E019 are skipped inputs, the others failures"),
               "message": ("string", "what went wrong, naming the file")},
    "conflicts": {"subject": ("string", "the fact's subject"), "attribute": ("string", "the fact's name"),
                  "period": ("string", "the year a figure is for"), "modality": ("string", "actual or planned"),
                  "chosen_value": ("string", "the value facts.csv shows"), "article_id": ("string", "one source"),
                  "value": ("string", "the value that source gives"), "unit": ("string", "its unit"),
                  "modifier": ("string", "its modifier"), "published": ("string", "the source's publication date"),
                  "evidence": ("string", "the source's sentence")},
    "entities": {"id": ("string", "gazetteer id or kind:slug"), "name": ("string", "canonical name"),
                 "kind": ("string", "company, brand, plant, product, platform, person, place"),
                 "aliases": ("string", "every other name seen, |-joined"), "articles": ("string", "article ids, ;-joined"),
                 "n_mentions": ("integer", "how many mentions")},
    "provenance": {"subject": ("string", "the fact's subject"), "attribute": ("string", "the fact's name"),
                   "period": ("string", "the year a figure is for"), "modality": ("string", "actual or planned"),
                   "value": ("string", "the reconciled value"), "article_id": ("string", "the source"),
                   "value_as_stated": ("string", "the value as written"), "start": ("integer", "offset in the article"),
                   "end": ("integer", "offset just after"), "sentence": ("string", "the sentence"),
                   "published": ("string", "the source's publication date"), "url": ("string", "the source's url"),
                   "rule_id": ("string", "the rule that produced it")},
}
UNDOCUMENTED = ("string", STRING, "")  # a column added without a description: the tests ask for one

_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "AU": (9, 11), "WI": (12, 14)}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse_amount(value: str) -> tuple[float | None, float | None]:
    """The number (and upper end of a range) of a normalized numeric value; (None, None) otherwise."""
    parts = str(value).split("/")
    if not 1 <= len(parts) <= 2 or not all(_NUMBER.fullmatch(p) for p in parts):
        return None, None
    low, high = float(parts[0]), float(parts[-1])
    return low, high


def _one_date(iso: str) -> tuple[dt.date | None, dt.date | None, str]:
    m = re.fullmatch(r"(\d{4}|XXXX)(?:-(\d\d|Q[1-4]|H[12]|W\d\d|SP|SU|FA|AU|WI))?(?:-(\d\d))?", iso)
    if not m:
        return None, None, ""
    year, part, day = m.groups()
    if day:
        precision = "day"
    elif not part:
        precision = "year"
    else:
        precision = ("season" if part in _SEASON_MONTHS else "month" if part.isdigit()
                     else {"Q": "quarter", "H": "half", "W": "week"}[part[0]])
    if year == "XXXX":
        return None, None, precision
    y = int(year)
    try:
        if precision == "day":
            d = dt.date(y, int(part), int(day))
            return d, d, precision
        if precision == "year":
            return dt.date(y, 1, 1), dt.date(y, 12, 31), precision
        if precision == "month":
            month = int(part)
            return dt.date(y, month, 1), dt.date(y, month, calendar.monthrange(y, month)[1]), precision
        if precision in ("quarter", "half"):
            n, size = int(part[1]), 3 if precision == "quarter" else 6
            first, last = (n - 1) * size + 1, n * size
            return dt.date(y, first, 1), dt.date(y, last, calendar.monthrange(y, last)[1]), precision
        if precision == "week":
            monday = dt.date.fromisocalendar(y, int(part[1:]), 1)
            return monday, monday + dt.timedelta(days=6), precision
        first, last = _SEASON_MONTHS[part]
        end_year, end_month = (y + 1, last - 12) if last > 12 else (y, last)
        return (dt.date(y, first, 1), dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1]),
                precision)
    except ValueError:
        return None, None, precision


def date_bounds(iso: str) -> tuple[dt.date | None, dt.date | None, str]:
    """First and last day an ISO date value covers, and its precision (a range START/END: from the
    start of START to the end of END, with START's precision)."""
    if "/" in iso:
        start, end = iso.split("/", 1)
        first, _, precision = _one_date(start)
        _, last, _ = _one_date(end)
        return first, last, precision
    return _one_date(iso)


def _cells(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> dict[str, list[object]]:
    table: dict[str, list[object]] = {c: [] for c in columns}
    for row in rows:
        for column, cell in zip(columns, row):
            table[column].append(cell)
    return table


def _typed(columns: Sequence[str], table: dict[str, list[object]], fields: dict[str, tuple[str, str, str]],
           kinds: list[str]):
    """A DataFrame with the CSV's columns typed as documented, then the derived columns."""
    import pandas as pd

    data: dict[str, object] = {}
    for column in columns:
        kind, dtype, _ = fields.get(column, UNDOCUMENTED)
        cells = table[column]
        if kind == "list":
            data[column] = pd.Series([[p for p in str(c).split(";") if p] if c not in (None, "") else [] for c in cells],
                                     dtype=object)
        elif dtype == STRING:
            data[column] = pd.Series([str(c) if c not in (None, "") else pd.NA for c in cells], dtype=STRING)
        else:
            numbers = pd.to_numeric(pd.Series([c if c not in (None, "") else None for c in cells], dtype="object"))
            data[column] = numbers.astype(dtype)
    values = [str(v or "") for v in table["value"]]
    units = [str(u or "") for u in table["unit"]]
    amounts = [parse_amount(v) if k in ("money", "quantity", "percent", "MONEY", "QUANTITY", "PERCENT") else (None, None)
               for v, k in zip(values, kinds)]
    bounds = [date_bounds(v) if k in ("date", "DATE") else (None, None, "") for v, k in zip(values, kinds)]
    data["amount"] = pd.array([a for a, _ in amounts], dtype=FLOAT)
    data["amount_to"] = pd.array([b for _, b in amounts], dtype=FLOAT)
    data["currency"] = pd.array([u if k in ("money", "MONEY") and u else pd.NA for u, k in zip(units, kinds)], dtype=STRING)
    data["date_start"] = pd.Series(pd.to_datetime([b[0] for b in bounds])).astype(TIME)
    data["date_end"] = pd.Series(pd.to_datetime([b[1] for b in bounds])).astype(TIME)
    data["date_precision"] = pd.array([b[2] or pd.NA for b in bounds], dtype=STRING)
    return pd.DataFrame(data)


def fact_frame(rows) -> "pd.DataFrame":  # noqa: F821
    """Reconciled facts as a typed DataFrame: the columns of facts.csv, then the derived ones."""
    import pandas as pd

    table = _cells(FACT_COLUMNS, fact_rows(rows))
    frame = _typed(FACT_COLUMNS, table, FACT_FIELDS, [str(k) for k in table["value_type"]])
    years = [re.match(r"\d{4}", str(p or "")) for p in table["period"]]
    frame["period_year"] = pd.array([int(m.group()) if m else pd.NA for m in years], dtype=INT)
    return frame


def mention_frame(mentions) -> "pd.DataFrame":  # noqa: F821
    """Mentions as a typed DataFrame: the columns of mentions.csv, then the derived ones."""
    table = _cells(MENTION_COLUMNS, mention_rows(mentions))
    return _typed(MENTION_COLUMNS, table, MENTION_FIELDS, [str(k) for k in table["label"]])


def field_spec(table: str, column: str) -> tuple[str, str, str]:
    """(CSV type, pandas dtype, description) of a column of the facts or mentions table."""
    fields = FACT_FIELDS if table == "facts" else MENTION_FIELDS
    return fields.get(column) or DERIVED_FIELDS.get(column) or UNDOCUMENTED


def write_parquet(frame, path: Path) -> None:
    """Write a typed table to Parquet atomically (temporary file, then rename); the same frame
    gives the same bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _csv_field(name: str, spec: tuple[str, str, str]) -> dict[str, object]:
    kind, _, description = spec
    field: dict[str, object] = {"name": name, "type": kind, "description": description}
    if kind == "list":
        field.update(delimiter=";", itemType="string")
    return field


def _typed_field(name: str, spec: tuple[str, str, str]) -> dict[str, object]:
    kind, dtype, description = spec
    kind = {"list": "array", "date": "date"}.get(kind, kind)
    return {"name": name, "type": kind, "description": description, "pandas_dtype": dtype}


def datapackage(folder: Path, facts_csv: Path, mentions_csv: Path, typed_columns: dict[str, list[str]]) -> dict[str, object]:
    """A Frictionless data package describing every output file in `folder`: the CSVs (what a
    validator checks them against) and the typed Parquet tables (with their pandas dtypes)."""
    def rel(path: Path) -> str:
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(folder))).as_posix()  # outputs may be links

    csv_dialect = {"header": True, "delimiter": ",", "quoteChar": '"'}
    resources: list[dict[str, object]] = []
    for name, path, fields, columns in (("facts", facts_csv, FACT_FIELDS, FACT_COLUMNS),
                                        ("mentions", mentions_csv, MENTION_FIELDS, MENTION_COLUMNS)):
        resources.append({"name": name, "path": rel(path), "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "dialect": csv_dialect,
                          "schema": {"fields": [_csv_field(c, fields.get(c, UNDOCUMENTED)) for c in columns],
                                     "missingValues": [""]}})
    for name, columns in typed_columns.items():
        resources.append({"name": f"{name}-typed", "path": f"{name}.parquet", "format": "parquet",
                          "schema": {"fields": [_typed_field(c, field_spec(name, c)) for c in columns]}})
    for name, fields in OTHER_CSVS.items():
        resources.append({"name": name, "path": f"{name}.csv", "format": "csv", "mediatype": "text/csv",
                          "encoding": "utf-8", "dialect": csv_dialect,
                          "schema": {"fields": [{"name": c, "type": t, "description": d} for c, (t, d) in fields.items()],
                                     "missingValues": [""]}})
    return {"name": "press-facts-output", "title": "press-facts output",
            "description": "Reconciled facts from press releases; every column of every file described.",
            "resources": resources}


def parquet_bytes(frame) -> bytes:
    """A typed table as Parquet bytes (the same frame gives the same bytes)."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer, compression="zstd")
    return buffer.getvalue()


def typed_output_files(rows, mentions, folder: Path, facts_csv: Path, mentions_csv: Path) -> dict[Path, bytes | str]:
    """facts.parquet, mentions.parquet and datapackage.json (beside facts.csv) as contents, for the
    output set that is replaced as a whole (pipeline/outputs.py)."""
    facts = fact_frame(rows)
    ments = mention_frame(mentions)
    package = datapackage(folder, facts_csv, mentions_csv, {"facts": list(facts.columns), "mentions": list(ments.columns)})
    return {Path(folder) / "facts.parquet": parquet_bytes(facts), Path(folder) / "mentions.parquet": parquet_bytes(ments),
            Path(folder) / "datapackage.json": json.dumps(package, indent=2, ensure_ascii=False) + "\n"}


def write_typed_outputs(rows, mentions, folder: Path, facts_csv: Path, mentions_csv: Path) -> None:
    """facts.parquet, mentions.parquet and datapackage.json in `folder` (beside facts.csv)."""
    from pipeline.export import write_atomic

    facts = fact_frame(rows)
    ments = mention_frame(mentions)
    write_parquet(facts, Path(folder) / "facts.parquet")
    write_parquet(ments, Path(folder) / "mentions.parquet")
    package = datapackage(folder, facts_csv, mentions_csv, {"facts": list(facts.columns), "mentions": list(ments.columns)})
    write_atomic(Path(folder) / "datapackage.json", json.dumps(package, indent=2, ensure_ascii=False) + "\n")
