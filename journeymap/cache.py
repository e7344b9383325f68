"""A content-addressed cache on disk, for outputs that are slow to make (pages, calendars).

An entry's name is the hash of everything it was made from (its "recipe"), so a changed
input simply misses; nothing is ever invalidated by hand. Each entry starts with the hash of
its own bytes: a truncated or corrupt file is ignored and made again. The folder (by default
`.journeymap-cache/`) is safe to delete at any time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from . import __version__

_CHECK = 64  # hex digits of the sha256 of the content, at the start of each entry


def canonical(value: object) -> str:
    """A text for a value that is the same in every process: sets are sorted (their order
    changes with Python's hash seed), dataclasses are spelled out field by field."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(f"{f.name}={canonical(getattr(value, f.name))}"
                          for f in dataclasses.fields(value))
        return f"{type(value).__name__}({fields})"
    if isinstance(value, dict):
        return "{" + ",".join(f"{canonical(k)}:{canonical(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(canonical(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    return repr(value)


def recipe(*parts: object) -> str:
    """A recipe: the stable name of what an output is made from (the hash of its parts), under
    which the cache keeps the output."""
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(canonical(part).encode())
    return digest.hexdigest()


class Fingerprints:
    """Short stand-ins in recipes for records read from files: the hash of the file each was
    read from, since a record is what its file says and nothing else. Spelling a thousand
    clients out (`canonical`) takes a third of a second; this takes nothing. Known only for
    the very objects the loader made: any other record, such as an edited copy, stands for
    itself.
    """

    def __init__(self) -> None:
        self._known: dict[int, tuple[object, str]] = {}

    def add(self, record: object, digest: str) -> None:
        self._known[id(record)] = (record, digest)  # the record is kept, so its id stays its own

    def of(self, record: object) -> object:
        """What a recipe holds for `record`."""
        known = self._known.get(id(record))
        return ("file", known[1]) if known is not None and known[0] is record else record


class DiskCache:
    """Entries under `folder/kind/`; with no folder, nothing is kept and everything is made."""

    def __init__(self, folder: Path | None, kind: str) -> None:
        self.folder = folder / kind if folder is not None else None
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            data = (self.folder / key).read_bytes()
        except OSError:
            return None
        check, content = data[:_CHECK], data[_CHECK:]
        if check != hashlib.sha256(content).hexdigest().encode():
            return None  # cut short or damaged: make it again
        used(self.folder / key)
        return content

    def put(self, key: str, content: bytes) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:12]}.", dir=self.folder)
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(content).hexdigest().encode() + content)
            os.replace(tmp, self.folder / key)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def through(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The cached bytes for `key`, or `make()`'s, kept for next time."""
        found = self.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        content = make()
        self.put(key, content)
        return content


@dataclasses.dataclass(frozen=True)
class Output:
    """A file of the site made apart from the pages: `recipe` names what it is made from
    (None: from everything, made every build), `make` makes its bytes when they are needed."""

    recipe: str | None
    make: Callable[[], bytes]


# Entries and stamps that no build has used for this long are deleted (see `prune`). Every
# build date makes new entries for every client, so a nightly build would otherwise add its
# whole site to the cache every night.
UNUSED_FOR = 2 * 24 * 3600.0
KINDS = ("parsed", "pages", "files", "pdf", "dot")  # folders of entries, each used as a whole
_PRUNE_EVERY = 3600.0


def used(entry: Path) -> None:
    """Mark a cache entry as used now, so that `prune` keeps it."""
    with contextlib.suppress(OSError):
        os.utime(entry)


def prune(cache: Path, keep: Iterable[Path] = (), unused_for: float = UNUSED_FOR,
          now: float | None = None) -> int:
    """Delete what the cache holds that no build used for `unused_for` seconds: entries (by
    the time they were last written or read) and the stamp folders of site folders other than
    `keep` (by the time a stamp was last added). Runs at most once an hour; returns how many
    files it deleted."""
    now = time.time() if now is None else now
    mark = cache / ".pruned"
    try:
        if now - mark.stat().st_mtime < _PRUNE_EVERY:
            return 0
    except OSError:
        pass  # never pruned
    cutoff, deleted = now - unused_for, 0
    for kind in KINDS:
        with contextlib.suppress(OSError):
            for entry in os.scandir(cache / kind):
                with contextlib.suppress(OSError):
                    if entry.is_file() and entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)
                        deleted += 1
    kept = {folder.resolve() for folder in keep}
    with contextlib.suppress(OSError):
        for folder in (cache / "stamps").iterdir():
            with contextlib.suppress(OSError):
                if folder.resolve() not in kept and folder.stat().st_mtime < cutoff:
                    deleted += sum(1 for p in folder.rglob("*") if p.is_file())
                    shutil.rmtree(folder)
    with contextlib.suppress(OSError):
        cache.mkdir(parents=True, exist_ok=True)
        mark.touch()
    return deleted


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def fill_in_parallel(work: Callable[[int, int], None], workers: int) -> None:
    """Run `work(share, workers)` for every share at once: shares 1.. in forked processes,
    share 0 in this one, and return when all are done.

    The work only fills caches on disk: a worker that fails costs time, not correctness,
    because whatever is missing afterwards is made when it is asked for. Fork only where no
    other thread runs (a plain build or check, not the live server).
    """
    children = []
    for share in range(1, workers):
        pid = os.fork()
        if pid == 0:  # the worker: fill its share, then leave at once (no cleanup, no flush)
            status = 1
            try:
                work(share, workers)
                status = 0
            finally:
                os._exit(status)
        children.append(pid)
    try:
        work(0, workers)
    finally:
        for pid in children:
            os.waitpid(pid, 0)
