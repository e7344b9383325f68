"""Which files of the last build a rebuild may keep as they are.

Every output made from a known few inputs (a client's pages and files, a person's page and
calendar) has a stamp file holding its recipe, one set of stamps per site folder. Every build
of that folder writes a stamp again when its recipe changed, and always before the output is
made from it, so an output file newer than its stamp was made from the recipe the stamp holds
now: it can stay. Everything else is made again.

`serve` keeps files in its own site folder. `journeymap build` makes a fresh folder, links
the kept files of the previous site into it (hard links: nothing is copied), and makes the
rest; the previous site stays whole until the new one replaces it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class Stamps:
    """Stamp files under `folder`, one per output, named after the output's source path."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: dict[Path, str] = {}  # what each stamp holds, to skip reading it again

    def stamp(self, name: str, recipe: str) -> Path | None:
        """The stamp of output `name` holding `recipe`, written if it held something else;
        None if it cannot be written (then nothing may be kept)."""
        path = self.folder / (name + ".stamp")
        text = recipe + "\n"
        if self.written.get(path) == text and path.is_file():  # (the cache may be deleted)
            return path
        try:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        self.written[path] = text
        return path


def made_since(output: Path, stamp: Path) -> bool:
    """Whether `output` exists and is no older than `stamp` (as MkDocs compares them)."""
    try:
        return os.path.getmtime(output) >= os.path.getmtime(stamp)
    except OSError:
        return False


def keep(old: Path, new: Path) -> bool:
    """Put the previous build's `old` file at `new`: a hard link, else a copy with its time."""
    try:
        try:
            os.link(old, new)
        except FileNotFoundError:  # (most folders are made by the first file linked into them)
            new.parent.mkdir(parents=True, exist_ok=True)
            os.link(old, new)
    except OSError:
        try:  # another file system, or one without hard links
            new.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old, new)
        except OSError:
            return False
    return True
