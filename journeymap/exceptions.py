"""Every error journeymap reports to a user, in one place.

Following click's convention, a user error (bad input, missing workspace) exits with code 1
and a usage error (bad command line) with code 2; the CLI maps these classes to exit codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# What a message may not print as it is: a terminal escape in a title would reach the terminal
# raw, a line break would split a `path:line:col` line in two.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with control characters (line breaks included) shown as escapes: `\\x1b`."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace")
                            .decode("ascii"), text)


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
    # What a lint finding is about, for the map's presenter mode: ("touchpoint", id),
    # ("stage", id), ("phase", name) or ("days", first, last). Not compared either.
    about: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        # Messages quote what users wrote, and are printed to terminals and into pages.
        object.__setattr__(self, "path", printable(self.path))
        object.__setattr__(self, "message", printable(self.message))

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


class PositionedError(JourneymapError):
    """Errors placed in files: a `path:line:col: message` line each (printed as they are,
    with no prefix before the path), then a summary of how many there are `where`."""

    def __init__(self, problems: Iterable[Problem], where: str) -> None:
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join([*lines, f"journeymap: {count} in {where}"]))


class InvalidWorkspace(PositionedError):
    """The journey files have errors; ``problems`` holds every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(problems, "the journey files")


class MissingTool(JourneymapError):
    """An external program journeymap needs (``dot``, Chromium) is not installed."""


def os_error(error: OSError) -> str:
    """An operating system's error in one line: what went wrong, and with which file."""
    what = error.strerror or str(error) or type(error).__name__
    return printable(what + (f": {error.filename}" if error.filename is not None else ""))
