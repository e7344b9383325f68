"""The `journeymap` command: check, build, serve and init a journey workspace."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .cache import DiskCache, usable_cores
from .derive.schedule import build_date
from .exceptions import InvalidWorkspace, JourneymapError, PositionedError, Problem, os_error
from .version import __version__
from .vocabulary import DIAGRAM_KINDS, EXPORT_FORMATS, EXPORT_SUFFIXES, count
from .workspace.load import LoadCache
from .workspace.schema import FIRST_YEAR, LAST_YEAR

if TYPE_CHECKING:
    from .derive.lint import LintSettings
    from .host.config import WorkspacePaths

F = TypeVar("F", bound=Callable[..., Any])


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            date = dt.date.fromisoformat(value) if value.isascii() else None
        except ValueError:
            date = None
        if date is None:
            self.fail(f"{value!r} is not a date YYYY-MM-DD", param, ctx)
        if not FIRST_YEAR <= date.year <= LAST_YEAR:
            self.fail(f"{value!r} is not from {FIRST_YEAR} to {LAST_YEAR}", param, ctx)
        return date


def reports_errors(command: F) -> F:
    """Turn our exceptions into a message and an exit code, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except JourneymapError as error:
            # Positioned lines start with their path, for editors and problem matchers.
            prefix = "" if isinstance(error, PositionedError) else "journeymap: "
            click.echo(f"{prefix}{error}", err=True)
            sys.exit(error.exit_code)
        except OSError as error:  # a full disk, a folder that cannot be written...
            click.echo(f"journeymap: {os_error(error)}", err=True)
            sys.exit(1)

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
                     "message": p.message, "rule": p.rule}
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
            + (f",title={_escape_github(p.rule, True)}" if p.rule else "")
            + f"::{_escape_github(p.message)}"
            for p in problems
        )
    return "\n".join(str(p) for p in problems)


FORMAT_OPTION = click.option(
    "--format", "style", type=click.Choice(["text", "github", "json"]), default="text",
    show_default=True, help="How to print the problems (github: workflow annotations).")
AS_OF_OPTION = click.option("--as-of", type=DateType(),
                            help="Date to check schedules as of (default: today).")


def _report(problems: list[Problem], style: str, summary: str, where: str) -> None:
    """Print the problems, then a summary line; exit 1 if any is an error."""
    output = format_problems(problems, style)
    if output:
        click.echo(output)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if style == "text":
        if errors or warnings:
            counts = [f"{n} {word}{'s' * (n != 1)}" for n, word in
                      ((errors, "error"), (warnings, "warning")) if n]
            total = len(problems)
            click.echo(f"journeymap: {total} problem{'s' * (total != 1)} in {where} "
                       f"({' and '.join(counts)})", err=True)
        else:
            click.echo(summary, err=True)
    sys.exit(1 if errors else 0)


def _workspace_and_lint(style: str) -> tuple[WorkspacePaths, LintSettings]:
    """The workspace and its lint settings; mistakes in the plugin's options (its `lint:`
    and `words:`) are reported (in `style`) as problems placed in mkdocs.yml, and the command
    exits."""
    from .derive.lint import LintSettings
    from .host.options import lint_settings, words
    from .host.runner import find_workspace

    try:
        paths = find_workspace()
    except PositionedError as error:
        _report(list(error.problems), style, "", f"{error.problems[0].path}'s plugin options")
        raise  # (_report exits)
    problems: list[Problem] = []
    settings = LintSettings()
    try:
        words(paths.config_file, paths.words)
    except PositionedError as error:
        problems += error.problems
    try:
        settings = lint_settings(paths.config_file, paths.lint)
    except PositionedError as error:
        problems += error.problems
    if problems:
        _report([*paths.option_problems, *problems], style, "",
                f"{paths.config_file.name}'s plugin options")
    return paths, settings


@main.command()
@FORMAT_OPTION
@AS_OF_OPTION
@reports_errors
def check(style: str, as_of: dt.date | None) -> None:
    """Check every journey, person and client file, then the journey's health (lint).

    Exits 1 if there is an error; lint warnings are printed but do not fail. What clients
    felt and whether touchpoints were done on time are left to `journeymap lint`.
    """
    from .derive.check import check_workspace
    from .derive.lint import FROM_OUTCOMES

    paths, settings = _workspace_and_lint(style)
    parsed = LoadCache(store=DiskCache(paths.cache_path, "parsed"))
    checked = check_workspace(paths.root, paths.source, build_date(as_of), settings,
                              cache=parsed, workers=usable_cores(),
                              business=paths.business, config_file=paths.config_file)
    w = checked.loaded.workspace
    # The files and the journey's health; what the rules learn from clients' answers and the
    # done logs is for `journeymap lint` and the journey page (an error level still counts).
    problems = [*paths.option_problems,
                *(p for p in checked.problems
                  if p.rule not in FROM_OUTCOMES or p.severity == "error")]
    # The `business` option is checked with the files: name mkdocs.yml when it is wrong.
    places = [f"{paths.source}/"] * any(p.path != paths.config_file.name for p in problems)
    places += [paths.config_file.name] * any(p.path == paths.config_file.name for p in problems)
    _report(problems, style,
            f"{paths.source}/ is valid: {count(len(w.journeys), 'journey')}, "
            f"{count(len(w.people), 'person', 'people')}, {count(len(w.clients), 'client')}",
            " and ".join(places))


@main.command("lint")
@FORMAT_OPTION
@AS_OF_OPTION
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and their settings.")
@reports_errors
def lint_command(style: str, as_of: dt.date | None, list_rules: bool) -> None:
    """Check the journey's health: gaps, silent first week, missing phases, overload...

    Each finding names its rule; set a rule to error, warning or off (and its thresholds)
    under the plugin's `lint:` option in mkdocs.yml.
    """
    from .derive.check import check_workspace
    from .derive.lint import RULES

    paths, settings = _workspace_and_lint(style)
    if list_rules:
        for rule in RULES.values():
            current = settings.rules[rule.id]
            knobs = {**current.numbers, **current.texts}
            extra = "  " + ", ".join(f"{k}: {v}" for k, v in knobs.items()) if knobs else ""
            click.echo(f"{rule.id:<24} {current.level:<8} {rule.summary}{extra}")
        return
    # Checked as a build checks it: the business option's working week moves dates.
    checked = check_workspace(paths.root, paths.source, build_date(as_of), settings,
                              business=paths.business, config_file=paths.config_file)
    if checked.loaded.errors:
        raise InvalidWorkspace(checked.loaded.problems)
    _report([*paths.option_problems, *checked.findings], style,
            "The journey is in good health: no lint finding.", f"{paths.source}/")


@main.command()
@click.option("--as-of", type=DateType(),
              help="Build date (default: SOURCE_DATE_EPOCH, else today).")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: mkdocs.yml's site_dir).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--pdf/--no-pdf", default=None,
              help="Write the PDFs (handoff packets, meet pages), or skip them for a quick "
                   "build (default: the plugin's `pdf` option, on).")
@click.option("--clean", is_flag=True,
              help="Make every file again, keeping nothing from the previous site.")
@reports_errors
def build(as_of: dt.date | None, site_dir: Path | None, strict: bool, quiet: bool,
          pdf: bool | None, clean: bool) -> None:
    """Build the site. A build that fails leaves the previous site as it was.

    The site before the previous one is kept beside it (.site.spare) and brought up to date
    in place, so a rebuild after a small edit makes only what changed since.
    """
    from .host import engine, runner

    paths = runner.find_workspace()
    runner.setup_logging(verbose=False, quiet=quiet, host=engine.name())
    build_date(as_of)  # a SOURCE_DATE_EPOCH that cannot be used is said before the host starts
    runner.pin_date(as_of)
    target = runner.build(paths, site_dir, strict=strict, pdf=pdf, clean=clean)
    if not quiet:
        click.echo(f"Built the site as of {build_date(as_of).isoformat()} in {target}", err=True)


@main.command()
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              metavar="IP:PORT", help="Address to serve on.")
@click.option("--as-of", type=DateType(), help="Date to preview the site as of.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option("--read-only", is_flag=True,
              help="No editing in the browser: the map's edit mode is off.")
@reports_errors
def serve(dev_addr: str, as_of: dt.date | None, open_browser: bool, read_only: bool) -> None:
    """Live preview: every save under the journey and theme folders rebuilds the page.

    The map and the clients' pages can be edited in the browser (written back to the files),
    unless --read-only."""
    from .host import engine, runner

    if read_only:
        runner.read_only()
    paths = runner.find_workspace()
    runner.setup_logging(verbose=False, quiet=False, host=engine.name())
    build_date(as_of)
    runner.pin_date(as_of)
    runner.serve(paths, dev_addr, open_browser)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--csv", "as_csv", is_flag=True,
              help="Keep clients as rows of journeys/clients/clients.csv, with survey answers "
                   "in journeys/surveys/answers.csv.")
@reports_errors
def init(directory: Path, as_csv: bool) -> None:
    """Create a new workspace in DIRECTORY: a small journey, two people and a client."""
    from .workspace.scaffold import init_workspace

    try:
        written = init_workspace(directory, dt.date.today(), csv=as_csv)
    except OSError as error:
        raise JourneymapError(f"cannot create the workspace in {directory} "
                              f"({os_error(error)})") from None
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"\nNext: cd {directory} && journeymap serve\n"
               "The file format in full: journeymap format", err=True)


@main.command()
@click.argument("journey", required=False)
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS),
              default="png", show_default=True,
              help="png/pdf: the map as Chromium shows it; svg: a Graphviz diagram; "
                   "mermaid: a `journey` block GitHub renders.")
@click.option("--diagram", type=click.Choice(DIAGRAM_KINDS), default="flow",
              show_default=True, help="Which diagram --format svg draws.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: JOURNEY.<format>; '-' for standard output).")
@click.option("--as-of", type=DateType(), help="Date the map is as of (default: today).")
@reports_errors
def export(journey: str | None, fmt: str, diagram: str, output: Path | None,
           as_of: dt.date | None) -> None:
    """Export JOURNEY's map (PNG, PDF), a diagram (SVG) or a Mermaid journey block."""
    from .host.runner import find_workspace
    from .render import export as exporting
    from .workspace.load import load_or_raise

    paths = find_workspace()
    workspace = load_or_raise(paths.root, paths.source).workspace
    chosen = exporting.pick_journey(workspace, journey)
    data = exporting.export(workspace, chosen, fmt, build_date(as_of), paths.theme_path,
                            diagram, paths.cache_path)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    target = output or Path(f"{chosen.id}{EXPORT_SUFFIXES[fmt]}")
    target.write_bytes(data)
    click.echo(f"wrote {target} ({len(data):,} bytes)", err=True)


@main.command()
@click.argument("base", required=False)
@click.argument("head", required=False)
@AS_OF_OPTION
@reports_errors
def diff(base: str | None, head: str | None, as_of: dt.date | None) -> None:
    """What a change means for clients and the team, as Markdown for a pull request.

    BASE and HEAD are git revisions: BASE defaults to the merge base with the main branch,
    HEAD to the working tree (uncommitted edits included).
    """
    from .derive.lint import lint
    from .host.options import lint_settings
    from .host.runner import find_workspace
    from .review.diff import diff_command

    paths = find_workspace()
    day = build_date(as_of)
    settings = lint_settings(paths.config_file, paths.lint)
    click.echo(diff_command(paths.root, paths.source, base, head, day,
                            lint=lambda w: lint(w, day, settings)), nl=False)


@main.command("schema")
@click.argument("kind", required=False, type=click.Choice(["journey", "person", "client"]))
@click.option("--write", "write_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write all three schema files into this folder instead of printing one.")
@reports_errors
def schema_command(kind: str | None, write_dir: Path | None) -> None:
    """Print the JSON Schema of a KIND of file, for editors, or write all three.

    With no KIND and no --write, lists the three and how to use them.

    Files that start with `# yaml-language-server: $schema=<path>` get completion and checks
    as you type in VS Code (with the YAML extension) and other editors.
    """
    from .workspace.editor_schema import schema_command as make

    click.echo(make(kind, write_dir))


@main.command("format")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the reference to this file instead of printing it.")
@reports_errors
def format_command(output: Path | None) -> None:
    """Print the reference of the journey file format: every file, key and rule.

    Needs no workspace. `journeymap format -o FORMAT.md` keeps a copy beside your files.
    (To put files in canonical form, see `journeymap fmt`.)
    """
    from .workspace.reference import format_reference

    text = format_reference()
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise JourneymapError(f"cannot write {output} ({os_error(error)})") from None
    click.echo(f"wrote {output}", err=True)


@main.command("fmt")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file would change.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@reports_errors
def fmt_command(check: bool, paths: tuple[Path, ...]) -> None:
    """Put the journey files (or PATHS) in canonical form, keeping every comment.

    Keys in the documented order, touchpoints in day order, consistent quoting. A file that
    does not parse is left exactly as it is.
    """
    from .host.runner import find_workspace
    from .workspace.fmt import format_paths

    workspace = find_workspace()
    result = format_paths(workspace.root, workspace.source, list(paths) or None, check)
    for path in result.changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {path}")
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if not check and not result.changed and not result.problems:
        click.echo(f"{count(len(result.unchanged), 'file')} already formatted", err=True)
    sys.exit(result.exit_code(check))
