"""Checking a workspace, as `journeymap check` and every build do: load every file, then,
if the files are valid, the journey's health (lint) over the agenda of the build date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..exceptions import Problem
from ..model import Business
from ..workspace.business import load_business
from ..workspace.load import LoadCache, Loaded, load_workspace
from .lint import LintSettings, lint
from .schedule import Agenda, Schedules


@dataclass
class Checked:
    """A checked workspace: what was loaded, the lint findings, and the agenda lint used
    (None when the files have errors: then nothing is derived); the business details of the
    site, if given."""

    loaded: Loaded
    findings: list[Problem] = field(default_factory=list)
    agenda: Agenda | None = None
    business: Business | None = None

    @property
    def errors(self) -> list[Problem]:
        """The errors: the files' own, and lint rules set to `error`."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def problems(self) -> list[Problem]:
        """Every problem and finding, in file order."""
        return sorted([*self.loaded.problems, *self.findings])


def check_workspace(root: Path, source: str, as_of: dt.date,
                    settings: LintSettings | None = None, *, cache: LoadCache | None = None,
                    schedules: Schedules | None = None, workers: int = 1,
                    business: Any = None, config_file: Path | None = None) -> Checked:
    """Load and check the workspace at `root/source`, then lint it as of `as_of`.

    `cache` and `schedules` are kept by a host between runs (a live preview reuses what an
    edit did not touch); `workers` processes may parse a cold cache at once. `business` is
    the plugin option as written in `config_file` (default `root/mkdocs.yml`): its problems
    count as the files' own.
    """
    loaded = load_workspace(root, source, cache, workers=workers)
    details, problems = load_business(business, config_file or root / "mkdocs.yml")
    if problems:
        loaded = replace(loaded, problems=[*loaded.problems, *problems])
    if loaded.errors:
        return Checked(loaded, business=details)
    if details is not None and details.week is not None:
        # The site's working week, for the journeys that name none of their own.
        loaded = replace(loaded, workspace=replace(loaded.workspace, week=details.week))
    agenda = (schedules or Schedules()).agenda(loaded.workspace, as_of)
    return Checked(loaded, lint(loaded.workspace, as_of, settings, agenda), agenda, details)
