"""Checking a workspace, as `journeymap check` and every build do: load every file, then,
if the files are valid, the journey's health (lint) over the agenda of the build date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..exceptions import Problem
from ..workspace.load import LoadCache, Loaded, load_workspace
from .lint import LintSettings, lint
from .schedule import Agenda, Schedules


@dataclass
class Checked:
    """A checked workspace: what was loaded, the lint findings, and the agenda lint used
    (None when the files have errors: then nothing is derived)."""

    loaded: Loaded
    findings: list[Problem] = field(default_factory=list)
    agenda: Agenda | None = None

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
                    schedules: Schedules | None = None, workers: int = 1) -> Checked:
    """Load and check the workspace at `root/source`, then lint it as of `as_of`.

    `cache` and `schedules` are kept by a host between runs (a live preview reuses what an
    edit did not touch); `workers` processes may parse a cold cache at once.
    """
    loaded = load_workspace(root, source, cache, workers=workers)
    if loaded.errors:
        return Checked(loaded)
    agenda = (schedules or Schedules()).agenda(loaded.workspace, as_of)
    return Checked(loaded, lint(loaded.workspace, as_of, settings, agenda), agenda)
