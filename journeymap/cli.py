"""The `journeymap` command: check, build, serve and init a journey workspace."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .exceptions import JourneymapError, Problem
from .load import load_workspace
from .schedule import build_date

F = TypeVar("F", bound=Callable[..., Any])


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date YYYY-MM-DD", param, ctx)


def reports_errors(command: F) -> F:
    """Turn our exceptions into a message and an exit code, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except JourneymapError as error:
            click.echo(f"journeymap: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="journeymap")
def main() -> None:
    """Design and publish your client journey from YAML and Markdown files.

    Run every command from the workspace root, the folder that holds mkdocs.yml.
    """


def _escape_github(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_problems(problems: list[Problem], style: str) -> str:
    if style == "json":
        return json.dumps(
            {
                "problems": [
                    {"path": p.path, "line": p.line, "col": p.col, "severity": p.severity,
                     "message": p.message}
                    for p in problems
                ],
                "errors": sum(p.severity == "error" for p in problems),
                "warnings": sum(p.severity == "warning" for p in problems),
            },
            indent=2,
        )
    if style == "github":
        return "\n".join(
            f"::{p.severity} file={_escape_github(p.path, True)},line={p.line},col={p.col}"
            f"::{_escape_github(p.message)}"
            for p in problems
        )
    return "\n".join(str(p) for p in problems)


@main.command()
@click.option("--format", "style", type=click.Choice(["text", "github", "json"]),
              default="text", show_default=True, help="How to print the problems.")
@reports_errors
def check(style: str) -> None:
    """Check every journey, person and client file; exit 1 if any has a problem."""
    from .site import find_workspace

    ws = find_workspace()
    loaded = load_workspace(ws.root, ws.source)
    output = format_problems(loaded.problems, style)
    if output:
        click.echo(output)
    errors = len(loaded.errors)
    if style == "text":
        w = loaded.workspace
        summary = (f"{len(w.journeys)} journey(s), {len(w.people)} people, "
                   f"{len(w.clients)} client(s)")
        if errors:
            click.echo(f"journeymap: {errors} problem{'s' * (errors != 1)} in {ws.source}/",
                       err=True)
        else:
            click.echo(f"{ws.source}/ is valid: {summary}", err=True)
    sys.exit(1 if errors else 0)


@main.command()
@click.option("--as-of", type=DateType(),
              help="Build date (default: SOURCE_DATE_EPOCH, else today).")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: mkdocs.yml's site_dir).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@reports_errors
def build(as_of: dt.date | None, site_dir: Path | None, strict: bool, quiet: bool) -> None:
    """Build the site. A build that fails leaves the previous site as it was."""
    from . import site

    site.setup_logging(verbose=False, quiet=quiet)
    ws = site.find_workspace()
    site.pin_date(as_of)
    target = site.build(ws, site_dir, strict=strict)
    if not quiet:
        click.echo(f"Built the site as of {build_date(as_of).isoformat()} in {target}", err=True)


@main.command()
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              metavar="IP:PORT", help="Address to serve on.")
@click.option("--as-of", type=DateType(), help="Date to preview the site as of.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@reports_errors
def serve(dev_addr: str, as_of: dt.date | None, open_browser: bool) -> None:
    """Live preview: every save under the journey and theme folders rebuilds the page."""
    from . import site

    site.setup_logging(verbose=False, quiet=False)
    ws = site.find_workspace()
    site.pin_date(as_of)
    site.serve(ws, dev_addr, open_browser)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@reports_errors
def init(directory: Path) -> None:
    """Create a new workspace in DIRECTORY: a small journey, two people and a client."""
    from .scaffold import init_workspace

    written = init_workspace(directory, dt.date.today())
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"\nNext: cd {directory} && journeymap serve", err=True)
