"""Read press releases from files and folders into Articles (no spaCy here).

Supports .txt, .md, .html/.htm, .json (one object or a list) and .jsonl (one article a line).
Decoding is robust (BOMs, UTF-8, then cp1252); binary files are refused with a clear error.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from pipeline import datelines
from pipeline.errors import InputError
from pipeline.htmltext import html_to_text
from pipeline.guards import InputRefused, byte_cap, clean_text, guard_markup, read_capped
from pipeline.types import Article, ArticleError

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"}
BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF")


def display_path(path: str | Path) -> str:
    """One spelling per file: relative to the working folder when inside it, else absolute
    ("./in/a.txt", "in/a.txt" and "/home/me/in/a.txt" are all "in/a.txt" from /home/me)."""
    full = os.path.abspath(path)
    here = os.getcwd()
    return os.path.relpath(full, here) if full.startswith(here.rstrip(os.sep) + os.sep) else full


def iter_input_files(inputs: list[str | Path]) -> Iterator[Path]:
    """Yield input files in a stable order; folders are walked (symlink loops are not followed).
    Files of a type the pipeline does not read are yielded too, so that they are reported."""
    for path, _ in iter_inputs(inputs):
        yield path


def iter_inputs(inputs: list[str | Path]) -> Iterator[tuple[Path, Path | None]]:
    """(file, the folder it was found in or None for a file named directly), in a stable order;
    files of a type the pipeline does not read too, so that they are reported."""
    for raw in inputs:
        path = Path(display_path(raw))
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / f for f in files if not f.startswith("."))
            yield from ((f, path) for f in sorted(found))
        else:
            yield path, None


def outside_link(path: Path, root: Path | None) -> str:
    """The target of a link found in a folder that points outside that folder, else ""."""
    if root is None or not path.is_symlink():
        return ""
    target = path.resolve()
    return "" if target.is_relative_to(root.resolve()) else str(target)


def decode_bytes(data: bytes, path: str) -> str:
    """Decode bytes to text: BOMs first, then strict UTF-8, then cp1252, then Latin-1."""
    if not data.strip():
        raise InputError("E001", path=path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").lstrip("\ufeff")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(BINARY_SIGNATURES) or b"\x00" in data[:8192]:
        raise InputError("E002", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def find_dateline(text: str) -> tuple[str, int, int]:
    """The article's own date and where it stands (see pipeline.datelines for the forms); ("", 0, 0) if none."""
    found = datelines.find_dateline(text)
    return found.iso, found.start, found.end


def find_published_date(text: str) -> str:
    return find_dateline(text)[0]


def normalize_published(value: object) -> str:
    """An ISO date from a JSON field ("2025-09-16", "2025-09-16T10:00:00Z", "September 16, 2025")."""
    text = str(value or "").strip()
    if not text:
        return ""
    m = re.match(r"((?:19|20)\d\d-[01]\d-[0-3]\d)", text)
    if m:
        try:
            return dt.date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            return ""
    return find_published_date(text)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _article(aid: str, text: str, path: str, *, published: str = "", url: str = "",
             source: str = "", cli_published: str = "", force: bool = False, origin: str = "field") -> Article:
    """An Article whose date is, in order: `--published` when forced; the date the input states
    (a JSON field, the HTML page's markup, the text's own dateline); `--published` as a fallback."""
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not re.search(r"[^\W_]", text):  # no letter and no digit; "$10,000" or "2/15" is analysed
        raise InputError("E009", path=path)
    found, start, end = find_dateline(text)
    if force and cli_published:
        published, origin = cli_published, "forced"
    elif published:
        pass
    elif found:
        published, origin = found, "dateline"
    elif cli_published:
        published, origin = cli_published, "cli"
    else:
        origin = ""
    return Article(id=aid, text=text, path=path, source=source, url=url, published=published,
                   published_from=origin, dateline=(start, end))


MAX_ID_CHARS, MAX_URL_CHARS = 200, 2048  # an id or url is copied into many rows


def _field(record: dict, name: str, path: str, line: int, limit: int) -> str:
    """A string field of a JSON record ("" when absent); numbers are read as their text."""
    value = record.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError("E016", path=path, line=line, field=name, reason=f"must be a string, not {type(value).__name__}")
    text = str(value)
    if len(text) > limit:
        raise InputError("E016", path=path, line=line, field=name, reason=f"is {len(text):,} characters long (at most {limit:,})")
    return text


def _from_record(record: object, path: str, line: int, default_id: str,
                 cli_published: str, force: bool = False) -> tuple[Article, list[ArticleError]]:
    if not isinstance(record, dict) or not str(record.get("text") or "").strip():
        raise InputError("E006", path=path, line=line)
    if not isinstance(record["text"], str):
        raise InputError("E016", path=path, line=line, field="text", reason=f"must be a string, not {type(record['text']).__name__}")
    aid = _field(record, "id", path, line, MAX_ID_CHARS) or default_id
    url = _field(record, "url", path, line, MAX_URL_CHARS)
    source = _field(record, "source", path, line, MAX_ID_CHARS)
    raw_published = record.get("published")
    published = normalize_published(raw_published) if isinstance(raw_published, str) else ""
    notes = []
    if raw_published not in (None, "") and not published:
        note = InputError("E017", path=f"{path}:{line}", value=str(raw_published)[:80])
        notes.append(ArticleError(f"{path}:{line}", "ingest", note.code, str(note)))
    article = _article(aid, record["text"], f"{path}:{line}", published=published, url=url, source=source,
                       cli_published=cli_published, force=force)
    return article, notes


def read_file(path: Path, *, published: str = "", force_published: bool = False,
              max_chars: int = 1_000_000) -> tuple[list[Article], list[ArticleError]]:
    """Read one input file into Articles; per-line problems of a JSONL file become errors."""
    name = str(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError("E008", path=name)
    if suffix not in SUFFIXES:
        raise InputError("E007", path=name, suffix=suffix)
    try:
        data = read_capped(path, byte_cap(suffix, max_chars))
    except InputRefused as exc:
        kind = suffix.lstrip(".")
        raise InputError(exc.code, path=name, kind=kind, **exc.fields) from None
    except OSError as exc:
        raise InputError("E003", path=name, reason=exc.strerror or str(exc)) from exc
    text = decode_bytes(data, name)
    stem = path.stem
    if suffix in (".html", ".htm"):
        body, meta = html_to_text(guard_markup(text))
        return [_article(stem, body, name, published=meta["published"], url=meta["url"], origin="html",
                         cli_published=published, force=force_published)], []
    if suffix == ".json":
        try:
            payload = json.loads(text)
        except (ValueError, RecursionError) as exc:  # also too deep, or an integer too long to read
            raise InputError("E004", path=name, reason=_json_reason(exc)) from None
        records = payload if isinstance(payload, list) else [payload]
        articles, errors = [], []
        for i, rec in enumerate(records, start=1):
            default = stem if len(records) == 1 else f"{stem}-{i}"
            try:
                article, notes = _from_record(rec, name, i, default, published, force_published)
                articles.append(article)
                errors.extend(notes)
            except InputError as exc:
                errors.append(ArticleError(f"{name}:{i}", "ingest", exc.code, str(exc)))
        return articles, errors
    if suffix == ".jsonl":
        articles, errors = [], []
        # only "\n" ends a line: U+2028, U+2029 and U+0085 are valid inside a JSON string
        for i, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                try:
                    rec = json.loads(line)
                except (ValueError, RecursionError) as exc:
                    raise InputError("E005", path=name, line=i, reason=_json_reason(exc)) from None
                article, notes = _from_record(rec, name, i, f"{stem}-{i}", published, force_published)
                articles.append(article)
                errors.extend(notes)
            except InputError as exc:
                errors.append(ArticleError(f"{name}:{i}", "ingest", exc.code, str(exc)))
        return articles, errors
    return [_article(stem, text, name, cli_published=published, force=force_published)], []


def _json_reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).splitlines()[0][:200]


def read_inputs(inputs: list[str | Path], *, published: str = "", max_chars: int = 1_000_000,
                force_published: bool = False) -> tuple[list[Article], list[ArticleError]]:
    """Read every input; a bad file becomes an ArticleError and never stops the others.

    Duplicate ids get an error; byte-identical content under a second name is skipped with a note.
    """
    articles: list[Article] = []
    errors: list[ArticleError] = []
    seen_ids: dict[str, str] = {}
    seen_content: dict[str, str] = {}
    named = {Path(p) for p in inputs}
    for path, root in iter_inputs(inputs):
        if path not in named and path.suffix.lower() not in SUFFIXES:  # found in a folder: noted, not read
            exc = InputError("E019", path=str(path), suffix=path.suffix.lower() or "no extension")
            errors.append(ArticleError(str(path), "ingest", exc.code, str(exc)))
            continue
        try:
            target = outside_link(path, root)
            if target:
                raise InputError("E014", path=str(path), target=target, root=str(root))
            got, errs = read_file(path, published=published, force_published=force_published, max_chars=max_chars)
        except InputError as exc:
            errors.append(ArticleError(str(path), "ingest", exc.code, str(exc)))
            continue
        except (OSError, UnicodeError, ValueError, RecursionError, MemoryError) as exc:
            errors.append(ArticleError(str(path), "ingest", "E003", f"[E003] {path}: cannot be read: {exc}"))
            continue
        errors.extend(errs)
        for art in got:
            if len(art.text) > max_chars:
                exc = InputError("E012", path=art.path, size=len(art.text), limit=max_chars)
                errors.append(ArticleError(art.path, "ingest", exc.code, str(exc)))
                continue
            digest = content_hash(art.text)
            if art.id in seen_ids:
                exc = InputError("E010", path=art.path, id=art.id, first=seen_ids[art.id])
                errors.append(ArticleError(art.path, "ingest", exc.code, str(exc)))
                continue
            if digest in seen_content:
                exc = InputError("E011", path=art.path, first=seen_content[digest])
                errors.append(ArticleError(art.path, "ingest", exc.code, str(exc)))
                continue
            seen_ids[art.id] = art.path
            seen_content[digest] = art.path
            articles.append(art)
    return articles, errors


def with_published(article: Article, published: str) -> Article:
    return replace(article, published=published, published_from="cli" if published else "")
