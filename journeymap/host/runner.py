"""Running MkDocs for a workspace: find it, build it atomically, serve it.

This is the adapter between the CLI and MkDocs; the core (load, model, render) never
imports MkDocs.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import JourneymapError, WorkspaceNotFound, os_error
from ..workspace.source import inside

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

CONFIG_NAME = "mkdocs.yml"


@dataclass(frozen=True)
class WorkspaceRoot:
    """A workspace: the folder holding mkdocs.yml, and the plugin's options."""

    root: Path
    source: str
    theme_dir: str
    site_dir: Path
    lint: dict[str, Any] | None = None  # the plugin's `lint:` option
    cache_dir: str = ".journeymap-cache"  # the plugin's `cache_dir:` option
    docs_dir: Path | None = None  # MkDocs' docs_dir, absolute

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def cache_path(self) -> Path:
        return self.root / self.cache_dir

    @property
    def theme_path(self) -> Path:
        return self.root / self.theme_dir


def find_workspace(start: Path | None = None) -> WorkspaceRoot:
    """The workspace at `start` (default: the current folder), or a clear error."""
    here = (start or Path.cwd()).resolve()
    config = here / CONFIG_NAME
    if not config.is_file():
        above = next((p for p in here.parents if (p / CONFIG_NAME).is_file()), None)
        hint = (f"; the workspace root seems to be {above}: cd there first" if above
                else "; create a workspace with 'journeymap init DIR'")
        raise WorkspaceNotFound(f"no {CONFIG_NAME} in {here}: run journeymap from the "
                                f"workspace root, where {CONFIG_NAME} is{hint}")
    cfg = _load_config(config)
    plugin = cfg.plugins.get("journeymap")
    if plugin is None:
        raise WorkspaceNotFound(f"{CONFIG_NAME} does not list the journeymap plugin: add "
                                "'- journeymap' under 'plugins:'")
    return WorkspaceRoot(here, plugin.config.source, plugin.config.theme_dir,
                         Path(cfg.site_dir), plugin.config.lint, plugin.config.cache_dir,
                         Path(cfg.docs_dir))


def site_dir_problem(site: Path, root: Path, keep: dict[str, Path],
                     replaced: bool = True) -> str | None:
    """Why `site` must not be the site folder, if it must not. A build empties or replaces
    its site folder, so it may not be the workspace or hold it, nor be, hold or lie inside
    one of the folders in `keep` (what it is -> folder: the journeys, docs, theme, cache).
    `replaced`: the folder is replaced whole (journeymap build), so an existing one must look
    like a built site."""
    target, ours = os.path.realpath(site), os.path.realpath(root)
    shown = os.path.relpath(target, ours) if inside(target, ours) else str(site)
    own = "choose a folder of its own (the default is site/)"
    if inside(ours, target):
        what = "is" if target == ours else "holds"
        return (f"the site folder {shown} {what} the workspace: a build empties its site "
                f"folder, which would take the workspace's files with it; {own}")
    for name, folder in keep.items():
        real = os.path.realpath(folder)
        if inside(target, real) or inside(real, target):
            what = "is" if target == real else "lies inside" if inside(target, real) else "holds"
            return (f"the site folder {shown} {what} the {name} ({folder.name}/): a build "
                    f"empties its site folder, which would destroy those files; {own}")
    if inside(target, os.path.join(ours, ".git")):
        return f"the site folder {shown} lies inside .git/: {own}"
    if os.path.lexists(target) and not os.path.isdir(target):
        return f"the site folder {shown} is a file, not a folder: {own}"
    if replaced and os.path.isdir(target) and os.listdir(target) and not any(
            os.path.isfile(os.path.join(target, name)) for name in ("index.html", "404.html")):
        return (f"the site folder {shown} holds files but no index.html: it does not look like "
                "a built site, and a build replaces it whole; empty it or choose another")
    return None


def protected_folders(ws: WorkspaceRoot) -> dict[str, Path]:
    """The folders of a workspace that no site folder may touch."""
    found = {"journey folder": ws.root / ws.source, "theme folder": ws.theme_path,
             "cache folder": ws.cache_path}
    if ws.docs_dir is not None:
        found["docs folder"] = ws.docs_dir
    return found


def _load_config(config: Path, **overrides: Any) -> MkDocsConfig:
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        with _quiet("mkdocs.config"):
            return load_config(str(config), **overrides)
    except ConfigurationError as error:
        raise JourneymapError(f"{config.name}: {error}") from None


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
    """Our positioned problems print as they are; MkDocs' own lines keep their level."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name.startswith("mkdocs.plugins.journeymap"):
            return message
        return f"{record.levelname:<8}-  {message}"


def setup_logging(verbose: bool, quiet: bool) -> None:
    log = logging.getLogger("mkdocs")
    log.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Format())
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    log.propagate = False


def pin_date(as_of: dt.date | None) -> None:
    """Make `as_of` the build date for journeymap and for MkDocs' sitemap alike."""
    if as_of is not None:
        moment = dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result: int = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def build(ws: WorkspaceRoot, site_dir: Path | None = None, strict: bool = False,
          pdf: bool | None = None, clean: bool = False) -> Path:
    """Build the site into a folder beside `site_dir`, then swap it in.

    A build that fails leaves the previous site exactly as it was. The site before the
    previous one is kept beside it (`.site.spare/`) and brought up to date in place: only
    the files whose inputs changed are made again (see stamps.py). `clean`: make everything.
    """
    target = Path(os.path.abspath(site_dir or ws.site_dir))
    problem = site_dir_problem(target, ws.root, protected_folders(ws))
    if problem is not None:
        raise JourneymapError(problem)
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Two builds of one site at once would both update its spare.
    with _one_build_at_a_time(target.with_name(f".{target.name}.lock")):
        return _build(ws, target, strict, pdf, clean)


def _build(ws: WorkspaceRoot, target: Path, strict: bool, pdf: bool | None,
           clean: bool) -> Path:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    spare = target.with_name(f".{target.name}.spare")
    if clean or not target.is_dir():
        shutil.rmtree(spare, ignore_errors=True)
        into = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    else:
        if not spare.is_dir():
            _copy_site(target, spare, ws.cache_path)
        into = spare if spare.is_dir() else Path(
            tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    in_place = into == spare
    try:
        cfg = _load_config(ws.config_file, site_dir=str(into), strict=strict)
        if pdf is not None:
            cfg.plugins["journeymap"].config.pdf = pdf
        cfg.plugins.on_startup(command="build", dirty=in_place)
        try:
            with _without_dirty_warning():
                mkdocs_build(cfg, dirty=in_place)
        except MkDocsException as error:
            # MkDocs' own summary of errors it has logged says nothing of them.
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
            _swap_in(into, target, spare)
        except OSError as error:
            raise JourneymapError(f"the new site could not replace {target.name}/ "
                                  f"({os_error(error)}); {target.name}/ is unchanged") from None
        _prune_cache(ws.cache_path, target, spare)
    finally:
        if not in_place and into.exists():
            shutil.rmtree(into, ignore_errors=True)
    return target


@contextlib.contextmanager
def _one_build_at_a_time(lock: Path) -> Iterator[None]:
    """Hold `lock` while building; a build that finds it held waits for the other to end."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    with open(lock, "a") as held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            site = lock.name.removeprefix(".").removesuffix(".lock")
            logging.getLogger("mkdocs.plugins.journeymap").warning(
                f"journeymap: waiting for another build of {site}/ to finish")
            fcntl.flock(held, fcntl.LOCK_EX)
        yield  # (closing the file lets go of the lock)


def _copy_site(site: Path, spare: Path, cache: Path) -> None:
    """A copy of the site to bring up to date, with its stamps: the files keep their times,
    so the stamps still tell which ones are up to date."""
    from .stamps import stamps_folder

    partial = spare.with_name(spare.name + f".{os.getpid()}")
    try:
        shutil.copytree(site, partial, symlinks=True)
        stamps = stamps_folder(cache, site)
        if stamps.is_dir():
            shutil.copytree(stamps, stamps_folder(cache, partial), dirs_exist_ok=True)
        partial.rename(spare)
    except OSError:
        pass  # no spare: the build makes everything, into a new folder
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _prune_cache(cache: Path, *sites: Path) -> None:
    """Delete what the cache holds that no build used lately (cache.prune), keeping the stamps
    of these site folders."""
    from ..cache import prune
    from .stamps import stamps_folder

    keep = []
    for site in sites:
        with contextlib.suppress(OSError):
            keep.append(stamps_folder(cache, site))
    prune(cache, keep)


def _swap_in(new: Path, target: Path, spare: Path) -> None:
    """Make `new` the site at `target`; the site it replaces becomes the spare."""
    if target.exists() and _exchange(new, target):
        if new != spare:  # `new` now holds the previous site
            shutil.rmtree(spare, ignore_errors=True)
            with contextlib.suppress(OSError):  # no spare: the next build makes everything
                new.rename(spare)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old.exists():  # put the previous site back
            old.rename(target)
        raise
    if old.exists():
        shutil.rmtree(spare, ignore_errors=True)
        with contextlib.suppress(OSError):
            old.rename(spare)


def serve(ws: WorkspaceRoot, dev_addr: str, open_browser: bool = False) -> None:
    """Live preview: rebuild on every save under the journey and theme folders."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    try:
        with _without_dirty_warning(), _stop_on_terminate():
            mkdocs_serve(str(ws.config_file), livereload=True, dev_addr=dev_addr,
                         open_in_browser=open_browser, build_type="dirty")
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
    log = logging.getLogger("mkdocs.commands.build")
    log.addFilter(_not_the_dirty_warning)
    try:
        yield
    finally:
        log.removeFilter(_not_the_dirty_warning)


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    message = record.getMessage()
    return not (message.startswith("A 'dirty' build is being performed")
                or message.startswith("The directory contains stale files"))
