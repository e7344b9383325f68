"""The site folder: which folders may be one, and how a new site replaces the last.

A build writes into the spare (the site before the last, kept beside it) or a new folder,
then swaps it with the site in one step, so that a failed build leaves the site exactly as
it was and a web server never sees half a site.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from ..cache import prune
from ..workspace.source import inside
from . import engine
from .stamps import stamps_folder


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


def exchange(a: Path, b: Path) -> bool:
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


@contextlib.contextmanager
def one_build_at_a_time(lock: Path) -> Iterator[None]:
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
            logging.getLogger(f"{engine.name()}.plugins.journeymap").warning(
                f"journeymap: waiting for another build of {site}/ to finish")
            fcntl.flock(held, fcntl.LOCK_EX)
        yield  # (closing the file lets go of the lock)


def copy_site(site: Path, spare: Path, cache: Path) -> None:
    """A copy of the site to bring up to date, with its stamps: the files keep their times,
    so the stamps still tell which ones are up to date."""
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


def prune_cache(cache: Path, *sites: Path) -> None:
    """Delete what the cache holds that no build used lately (cache.prune), keeping the stamps
    of these site folders."""
    keep = []
    for site in sites:
        with contextlib.suppress(OSError):
            keep.append(stamps_folder(cache, site))
    prune(cache, keep)


def swap_in(new: Path, target: Path, spare: Path) -> None:
    """Make `new` the site at `target`; the site it replaces becomes the spare."""
    if target.exists() and exchange(new, target):
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
