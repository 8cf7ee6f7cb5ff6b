"""The output set of a run (facts, mentions, errors, conflicts, entities, provenance CSVs) replaced
as a whole, under a lock, with a manifest.

Layout beside the facts CSV:

    facts.csv    -> .press-facts/current/facts.csv        (each output path is a relative symlink)
    .press-facts/current -> runs/<run id>                 (one symlink: the run whose files you see)
    .press-facts/runs/<run id>/facts.csv ... manifest.json
    .press-facts/lock                                     (held for a whole run)

A run writes every file into a new run folder, fsyncs it, writes the manifest (fingerprint of what
the outputs depend on, counts, sha256 of each file), then swaps `current` with one rename. A reader
therefore sees all of the previous run's files or all of the new run's, whatever moment a run is
killed at; a failed write (read-only folder, full disk) leaves the previous set as it was and
raises a coded OutputError. Output paths that are still regular files (written by an older
version, or by hand) are first adopted: their bytes are copied into the current run folder and the
path becomes a symlink to that copy, so what a reader sees does not change.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.errors import OutputError

STATE_DIR = ".press-facts"
MANIFEST = "manifest.json"
LOCK_WAIT_SECONDS = 600.0  # how long a run waits for another run on the same outputs


def state_dir(out: Path) -> Path:
    return Path(out).absolute().parent / STATE_DIR


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (read-only folder or file)"
    return exc.strerror or str(exc)


@contextmanager
def run_lock(out: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the lock of the outputs beside `out` (an advisory flock, released by the kernel when a
    process dies, so a killed run never leaves a stale lock)."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    folder = state_dir(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise OutputError("E060", path=Path(out).parent, reason=_reason(exc)) from None
    started = time.monotonic()
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - started >= wait:
                    raise OutputError("E061", path=Path(out).parent, seconds=time.monotonic() - started) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _name(path: Path, out: Path) -> str:
    """The file's name inside a run folder: its own name beside the facts CSV, else prefixed by a
    hash of its absolute path (a mentions CSV in another folder)."""
    if path.parent == out.parent:
        return path.name
    return hashlib.sha256(str(path).encode()).hexdigest()[:8] + "-" + path.name


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_file(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    """Flush a file's or a folder's entry to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _symlink_atomic(target: str, link: Path) -> None:
    tmp = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.tmp")
    os.symlink(target, tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def read_manifest(out: Path) -> dict:
    """The manifest of the run whose files are visible ({} if none or unreadable)."""
    try:
        return json.loads((state_dir(out) / "current" / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def outputs_current(out: Path, paths: list[Path], fingerprint: str) -> dict | None:
    """The manifest's summary when the visible outputs are exactly what a run with `fingerprint`
    wrote (same paths, each a link into the current run, same content hashes); else None."""
    out = Path(out).absolute()
    manifest = read_manifest(out)
    if manifest.get("fingerprint") != fingerprint:
        return None
    files = manifest.get("files", {})
    if sorted(files) != sorted(str(Path(p).absolute()) for p in paths):
        return None
    current = state_dir(out) / "current"
    for raw in paths:
        path = Path(raw).absolute()
        entry = files[str(path)]
        try:
            if os.readlink(path) != os.path.relpath(current / entry["name"], path.parent):
                return None
            if hashlib.sha256((current / entry["name"]).read_bytes()).hexdigest() != entry["sha256"]:
                return None
        except (OSError, KeyError, TypeError):
            return None
    return manifest.get("summary") or None


def _adopt(path: Path, out: Path, current: Path, runs: Path) -> Path:
    """Make `path` a link into the current run folder without changing what it shows."""
    name = _name(path, out)
    link_target = os.path.relpath(current / name, path.parent)
    if os.path.islink(path) and os.readlink(path) == link_target:
        return current
    if path.exists() or os.path.lexists(path):
        if not current.is_dir():  # no run yet (or its folder was deleted by hand)
            adopted = runs / f"adopted-{uuid.uuid4().hex[:12]}"
            adopted.mkdir(parents=True)
            _symlink_atomic(os.path.relpath(adopted, current.parent), current)
        if path.is_file():
            keep = current / name
            if keep.exists():
                keep.unlink()
            shutil.copy2(path, keep)
            _fsync(keep)
    path.parent.mkdir(parents=True, exist_ok=True)
    _symlink_atomic(link_target, path)
    return current


def write_output_set(out: Path, files: dict[Path, str | bytes], *, fingerprint: str = "", summary: dict | None = None) -> None:
    """Replace the whole set of output files at once (see the module docstring). `files` maps each
    output path to its text; the facts CSV `out` decides where the state folder lives."""
    out = Path(out).absolute()
    state = state_dir(out)
    runs, current = state / "runs", state / "current"
    run_dir = runs / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    try:
        run_dir.mkdir(parents=True)
        entries = {}
        for raw, text in sorted(files.items(), key=lambda kv: str(kv[0])):
            path = Path(raw).absolute()
            data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
            try:
                mode = os.stat(path).st_mode & 0o777  # keep the mode a user gave the file
            except OSError:
                mode = _default_mode()
            _write_file(run_dir / _name(path, out), data, mode)
            entries[str(path)] = {"name": _name(path, out), "sha256": hashlib.sha256(data).hexdigest()}
        manifest = {"fingerprint": fingerprint, "summary": summary or {}, "files": entries}
        _write_file(run_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode(), _default_mode())
        _fsync(run_dir)
        for raw in sorted(files, key=str):
            _adopt(Path(raw).absolute(), out, current, runs)
        _symlink_atomic(os.path.relpath(run_dir, state), current)  # the one step that switches the set
        _fsync(state)
    except OSError as exc:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise OutputError("E060", path=out.parent, reason=_reason(exc)) from None
    _prune(runs, keep=run_dir)


def _prune(runs: Path, keep: Path) -> None:
    """Remove earlier run folders (best effort: a reader may still hold one open)."""
    for folder in runs.iterdir():
        if folder != keep and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
