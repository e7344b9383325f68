"""Every error journeymap reports to a user, in one place.

Following click's convention, a user error (bad input, missing workspace) exits with code 1
and a usage error (bad command line) with code 2; the CLI maps these classes to exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """A positioned finding, ``path:line:col: message``: 1-based, path relative to the root.

    `rule` names the lint rule behind a finding (shown as ``[rule-id]``). It takes no part in
    comparing or ordering, so problems with and without one still sort together.
    """

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"  # "error" or "warning"
    rule: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        suffix = f" [{self.rule}]" if self.rule else ""
        return f"{self.path}:{self.line}:{self.col}: {prefix}{self.message}{suffix}"


class JourneymapError(Exception):
    """A problem the user can fix: reported without a traceback, exit code 1."""

    exit_code = 1


class UsageError(JourneymapError):
    """The command was called wrongly (exit code 2)."""

    exit_code = 2


class WorkspaceNotFound(JourneymapError):
    """No mkdocs.yml where a command expected one."""


class InvalidWorkspace(JourneymapError):
    """The journey files have errors; ``problems`` holds every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join([*lines, f"journeymap: {count} in the journey files"]))


class MissingTool(JourneymapError):
    """An external program journeymap needs (``dot``, Chromium) is not installed."""
