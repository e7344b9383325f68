"""Running the host (MkDocs or ProperDocs) for a workspace: find it, build it atomically,
serve it. The adapter between the CLI and the host: nothing below it imports either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import JourneymapError, PositionedError, WorkspaceNotFound, os_error
from . import engine
from .address import address_problem, parse_address
from .docs_folder import note, stand_in
from .options import options_where
from .site_folder import copy_site, one_build_at_a_time, prune_cache, site_dir_problem, swap_in

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .config import WorkspacePaths

__all__ = ["build", "find_workspace", "pin_date", "read_only", "serve", "setup_logging",
           "site_dir_problem"]


def find_workspace(start: Path | None = None) -> WorkspacePaths:
    """The workspace at `start` (default: the current folder), or a clear error. Chooses the
    host first (see engine.py): nothing may import it before."""
    here = (start or Path.cwd()).resolve()
    host = engine.choose(here)
    from .config import WorkspacePaths  # (imports the host)

    names = engine.CONFIG_NAMES[host]
    config = engine.config_file(here, host)
    if config is None:
        above = next((p for p in here.parents if engine.config_file(p, host)), None)
        hint = (f"; the workspace root seems to be {above}: cd there first" if above
                else "; create a workspace with 'journeymap init DIR'")
        raise WorkspaceNotFound(f"no {' or '.join(names[::2])} in {here}: run journeymap from "
                                f"the workspace root, where that file is{hint}")
    cfg = _load_config(config)
    plugin = cfg.plugins.get("journeymap")
    if plugin is None:
        raise WorkspaceNotFound(f"{config.name} does not list the journeymap plugin: add "
                                "'- journeymap' under 'plugins:'")
    problems = tuple(getattr(plugin, "option_problems", ()))
    if any(p.severity == "error" for p in problems):
        raise PositionedError(problems, options_where(config))
    return replace(WorkspacePaths.of(plugin.config, cfg), option_problems=problems)


def _load_config(config: Path, **overrides: Any) -> MkDocsConfig:
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if "docs_dir" not in overrides:
        overrides.update(_docs_dir(config))
    try:
        with _quiet(f"{engine.name()}.config"):
            return load_config(str(config), **overrides)
    except ConfigurationError as error:
        raise JourneymapError(f"{config.name}: {error}") from None


def _docs_dir(config: Path) -> dict[str, Any]:
    """The host's `docs_dir`, for a workspace without docs/ (see docs_folder.py)."""
    docs = stand_in(config)
    return {} if docs is None else {"docs_dir": str(docs)}


@contextlib.contextmanager
def _quiet(logger: str) -> Iterator[None]:
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


class _Format(logging.Formatter):
    """Our positioned problems print as they are; the host's own lines keep their level."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name.endswith(".plugins.journeymap"):
            return message
        return f"{record.levelname:<8}-  {message}"


def setup_logging(verbose: bool, quiet: bool, host: str = "mkdocs") -> None:
    """The host's log on standard error, as its own command prints it."""
    log = logging.getLogger(host)
    log.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Format())
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    log.propagate = False


def pin_date(as_of: dt.date | None) -> None:
    """Make `as_of` the build date for journeymap and for the host's sitemap alike."""
    if as_of is not None:
        moment = dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))


def read_only() -> None:
    """Turn the preview's editing off (read by the plugin's serve hook)."""
    from .editing import READ_ONLY_ENV

    os.environ[READ_ONLY_ENV] = "1"


def build(ws: WorkspacePaths, site_dir: Path | None = None, strict: bool = False,
          pdf: bool | None = None, clean: bool = False) -> Path:
    """Build the site into a folder beside `site_dir`, then swap it in.

    A build that fails leaves the previous site exactly as it was. The site before the
    previous one is kept beside it (`.site.spare/`) and brought up to date in place: only
    the files whose inputs changed are made again (see stamps.py). `clean`: make everything.
    """
    target = Path(os.path.abspath(site_dir or ws.site_path))
    problem = site_dir_problem(target, ws.root, ws.kept_apart())
    if problem is not None:
        raise JourneymapError(problem)
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Two builds of one site at once would both update its spare.
    with one_build_at_a_time(target.with_name(f".{target.name}.lock")):
        return _build(ws, target, strict, pdf, clean)


def _build(ws: WorkspacePaths, target: Path, strict: bool, pdf: bool | None,
           clean: bool) -> Path:
    from mkdocs.commands.build import build as host_build
    from mkdocs.exceptions import MkDocsException

    spare = target.with_name(f".{target.name}.spare")
    if clean or not target.is_dir():
        shutil.rmtree(spare, ignore_errors=True)
        into = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    else:
        if not spare.is_dir():
            copy_site(target, spare, ws.cache_path)
        into = spare if spare.is_dir() else Path(
            tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    in_place = into == spare
    try:
        docs = _docs_dir(ws.config_file)
        cfg = _load_config(ws.config_file, site_dir=str(into), strict=strict, **docs)
        if docs:  # once, where plain `mkdocs build` would stop
            logging.getLogger(f"{engine.name()}.plugins.journeymap").info(
                note(ws.config_file, ws.source, engine.name()))
        if pdf is not None:
            cfg.plugins["journeymap"].config.pdf = pdf
        cfg.plugins.on_startup(command="build", dirty=in_place)
        try:
            with _without_dirty_warning():
                host_build(cfg, dirty=in_place)
        except MkDocsException as error:
            # The host's own summary of errors it has logged says nothing of them.
            detail = error.format_message()
            why = "" if detail.startswith("Aborted with") else f" ({detail})"
            raise JourneymapError(f"the build failed{why}; {target.name}/ is unchanged") from None
        except OSError as error:  # a full disk, say
            raise JourneymapError(f"the build failed ({os_error(error)}); {target.name}/ is "
                                  "unchanged") from None
        finally:
            cfg.plugins.on_shutdown()
        try:
            into.chmod(0o755)  # mkdtemp makes it private; a site is for serving
            swap_in(into, target, spare)
        except OSError as error:
            raise JourneymapError(f"the new site could not replace {target.name}/ "
                                  f"({os_error(error)}); {target.name}/ is unchanged") from None
        prune_cache(ws.cache_path, target, spare)
    finally:
        if not in_place and into.exists():
            shutil.rmtree(into, ignore_errors=True)
    return target


def serve(ws: WorkspacePaths, dev_addr: str, open_browser: bool = False) -> None:
    """Live preview: rebuild on every save under the journey and theme folders."""
    from mkdocs.commands.serve import serve as host_serve
    from mkdocs.exceptions import MkDocsException

    problem = address_problem(*parse_address(dev_addr), "journeymap serve")
    if problem is not None:  # said before the host builds the whole site
        raise JourneymapError(problem)
    try:
        with _without_dirty_warning(), _stop_on_terminate():
            host_serve(str(ws.config_file), livereload=True, dev_addr=dev_addr,
                       open_in_browser=open_browser, build_type="dirty",
                       **_docs_dir(ws.config_file))
    except MkDocsException as error:
        raise JourneymapError(f"the preview could not start ({error.format_message()}); "
                              "fix the problems above and run it again") from None


@contextlib.contextmanager
def _stop_on_terminate() -> Iterator[None]:
    """A `kill` (SIGTERM) or a closed terminal (SIGHUP) stops the preview as Ctrl+C does, so
    that MkDocs removes the internal site it built into a temporary folder."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _without_dirty_warning() -> Iterator[None]:
    """Dirty builds: MkDocs makes again only the files whose source is newer than their
    output. journeymap's stamps (stamps.py) make that exact for its own pages and files, and
    every other page is made again, so MkDocs' warning that a dirty build may be inaccurate
    would only be noise (and would fail a strict build)."""
    log = logging.getLogger(f"{engine.name()}.commands.build")
    log.addFilter(_not_the_dirty_warning)
    try:
        yield
    finally:
        log.removeFilter(_not_the_dirty_warning)


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    message = record.getMessage()
    return not (message.startswith("A 'dirty' build is being performed")
                or message.startswith("The directory contains stale files"))
