"""`journeymap init`: a new workspace that builds at once. It never overwrites a file."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ..exceptions import JourneymapError
from .editor_schema import schema_files

RENAMES = {"gitignore": ".gitignore"}  # dotfiles do not survive packaging well

# `init --csv`: the starter's client as a row of a clients CSV (with empty columns to show
# what else a row may hold, a household of two among them), and a survey file with its
# header only, in place of the client's YAML file.
CSV_STARTER = {
    "journeys/clients/clients.csv": (
        "id,name,contact,journey,day_one,team.sales,team.lead,welcome,dates.birthday,"
        "preferences.favorite_treat,must_know,people.1.name,people.1.dates.birthday,"
        "people.2.name,people.2.dates.birthday\n"
        "first-client,Our First Client,Robin,welcome,{today},sam-rivers,kim-lee,"
        '"Robin, welcome aboard. Here is who you will work with, and what comes next.",,,,'
        ",,,\n"),
    "journeys/surveys/answers.csv": "date,client,touchpoint,score:0-10,comment\n",
}
YAML_CLIENT = "journeys/clients/first-client.yml"


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


def init_workspace(target: Path, today: dt.date, csv: bool = False) -> list[Path]:
    """Write the starter workspace into `target`; refuse if any of its files exist. With
    `csv`, its client is a row of a clients CSV, beside an empty survey file."""
    files: list[tuple[str, Traversable | str]] = [
        (name, entry) for name, entry in _walk(resources.files("journeymap.workspace") / "starter")
        if not (csv and name == YAML_CLIENT)]
    if csv:
        files += list(CSV_STARTER.items())
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
        text = entry if isinstance(entry, str) else entry.read_text(encoding="utf-8")
        text = text.replace("{today}", today.isoformat())
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for name, text in schemas.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
