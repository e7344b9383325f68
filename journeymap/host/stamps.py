"""Which files of the last build a rebuild may keep as they are.

Every output made from a known few inputs (a client's pages and files, a person's page and
calendar) has a stamp file holding its recipe, one set of stamps per site folder. Every build
of that folder writes a stamp again when its recipe changed, and always before the output is
made from it, so an output file newer than its stamp was made from the recipe the stamp holds
now: it can stay. Everything else is made again.

`serve` keeps files in its own site folder. `journeymap build` brings the site before the
last one (kept beside it) up to date the same way, then swaps it in.

A folder's stamps are named after the folder's inode, which stays the same when the folder
is renamed (as the site and its spare are at every build).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def stamps_folder(cache: Path, site: Path) -> Path:
    """Where the stamps of the site folder `site` are (it must exist)."""
    info = os.stat(site)
    return cache / "stamps" / f"{info.st_dev}-{info.st_ino}"


class Stamps:
    """Stamp files under `folder`, one per output, named after the output's source path."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: dict[str, str] = {}  # what each stamp holds, to skip reading it again

    def path(self, name: str) -> Path:
        return self.folder / (name + ".stamp")

    def stamp(self, name: str, recipe: str) -> Path | None:
        """The stamp of output `name` holding `recipe`, written if it held something else;
        None if it cannot be written (then nothing may be kept)."""
        path = self.path(name)
        text = recipe + "\n"
        if self.written.get(name) == text:
            return path
        try:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        self.written[name] = text
        return path

    def holds(self, name: str, recipe: str) -> bool:
        """Whether output `name`'s stamp holds `recipe` now (nothing is written)."""
        text = recipe + "\n"
        if name in self.written:
            return self.written[name] == text
        try:
            return self.path(name).read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            return False

    def made_since(self, name: str, output: Path) -> bool:
        """Whether `output` was made since output `name`'s stamp. A stamp gone missing (the
        cache deleted) is written again next time."""
        stamp = self.path(name)
        if made_after(output, stamp):
            return True
        if not stamp.is_file():
            self.written.pop(name, None)
        return False


def made_after(output: Path, source: Path) -> bool:
    """Whether both exist and `output` is no older than `source` (as MkDocs compares them)."""
    try:
        return os.path.getmtime(output) >= os.path.getmtime(source)
    except OSError:
        return False


def file_clock(folder: Path) -> float:
    """The file system's time now, as it will stamp the files written next (the clock of file
    times can lag `time.time()` by a few milliseconds)."""
    mark = folder / ".now"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        mark.touch()
        return os.path.getmtime(mark)
    except OSError:
        return 0.0  # unknown: nothing will look stale


def remove_stale(site: Path, made: set[str], since: float) -> int:
    """Delete the files of `site` that this build neither made nor kept: not in `made` (site
    paths) and not written since `since` (what other plugins wrote stays). They are the
    outputs of clients and people who are gone. Returns how many were deleted."""
    removed = 0
    for folder, _, files in os.walk(site, topdown=False):
        here = Path(folder)
        for name in files:
            path = here / name
            if path.relative_to(site).as_posix() in made:
                continue
            try:
                if os.path.getmtime(path) < since:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
        if here != site:
            with contextlib.suppress(OSError):
                here.rmdir()  # only if it is empty now
    return removed
