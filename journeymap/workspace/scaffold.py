"""`journeymap init`: a new workspace that builds at once. It never overwrites a file."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ..exceptions import JourneymapError
from .editor_schema import schema_files

RENAMES = {"gitignore": ".gitignore"}  # dotfiles do not survive packaging well


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith(("__", ".")):
            continue
        name = f"{prefix}{RENAMES.get(entry.name, entry.name)}"
        if entry.is_dir():
            found.extend(_walk(entry, name + "/"))
        else:
            found.append((name, entry))
    return found


def init_workspace(target: Path, today: dt.date) -> list[Path]:
    """Write the starter workspace into `target`; refuse if any of its files exist."""
    files = _walk(resources.files("journeymap.workspace") / "starter")
    # The JSON Schemas that the files' `yaml-language-server` lines point editors to.
    schemas = schema_files()
    clashes = [name for name in [*(n for n, _ in files), *schemas] if (target / name).exists()]
    if clashes:
        raise JourneymapError(f"{target} already has {', '.join(clashes)}: journeymap init "
                              "never overwrites files; choose an empty folder")
    written = []
    for name, entry in files:
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = entry.read_text(encoding="utf-8").replace("{today}", today.isoformat())
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for name, text in schemas.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
