"""The files journeymap adds to MkDocs' build, and which of them a rebuild keeps.

Every page and file journeymap makes becomes a generated `File`. One made from a known few
inputs (a client's pages and files, a person's page and calendar) gets a stamp holding its
recipe (stamps.py); in a rebuild in place, MkDocs leaves it as it is when it is newer than
its stamp, and makes everything else again. Files the build neither made nor kept, and that
nobody wrote since it started, belong to clients and people who are gone: they are deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from mkdocs import __version__ as host_version
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from ..cache import recipe
from .stamps import Stamps, file_clock, remove_stale, stamps_folder

# Settings that do not show in a page (where it is written, how strictly it is checked).
_NOT_SHOWN = {"site_dir", "strict", "dev_addr", "watch", "plugins", "validation", "hooks"}

Make = Callable[[], str | bytes]


def shown_settings(config: MkDocsConfig, overlay: str) -> str:
    """What every page shows beside its own content, hashed: the settings as MkDocs read
    them (the navigation, the site's name and URL, the theme's options; values from the
    environment included), the theme's files, the error overlay and the host's version. A
    change rebuilds every page."""
    settings = {key: value for key, value in config.items() if key not in _NOT_SHOWN}
    settings.update(extra=dict(config.extra), theme=dict(config.theme))
    theme = sorted((str(path), path.stat().st_mtime_ns, path.stat().st_size)
                   for folder in config.theme.dirs for path in Path(folder).rglob("*")
                   if path.is_file())
    return recipe(json.dumps(settings, sort_keys=True, default=str), theme, overlay,
                  host_version)


class SiteFiles:
    """The bookkeeping of one site folder's builds: what each made, kept and left behind."""

    def __init__(self, dirty: bool) -> None:
        self.dirty = dirty  # a rebuild in place: files whose stamps say so are kept
        self.stamps: Stamps | None = None
        self.kept: set[str] = set()  # site paths of the files kept from the last build
        self.made: set[str] = set()  # site paths of every file of this build
        self.last_made: set[str] = set()  # ...and of the last one
        self.started = 0.0  # when this build began, by the file system's clock
        self.deferred = 0  # stale outputs this build left for a later one (see `keeper`)
        # The source of each file copied as it is, by site path, as it was (path, size, time)
        # when the last build of this folder that ended well copied it; this build's.
        self.copied: dict[str, tuple[str, int, int]] = {}
        self.copying: dict[str, tuple[str, int, int]] = {}

    def start(self, cache: Path) -> None:
        self.started = file_clock(cache)
        self.kept = set()
        self.deferred = 0

    def keeper(self, config: MkDocsConfig, cache: Path, shared: str,
               defer: bool = False) -> Callable[[str, str | None, Make, InclusionLevel], File]:
        """`keep(src_uri, recipe, make, inclusion)`: the file for an output, kept from the last
        build when its stamp allows (a dirty build), else with the content `make()` gives.
        `shared`: what every page shows (`shown_settings`), part of every stamp. `defer`: an
        output with a recipe that the site already has is kept even if stale, its stamp left
        as it is so that a later build makes it (catch_up.py); `deferred` counts them."""
        site = Path(config.site_dir)
        site.mkdir(parents=True, exist_ok=True)
        folder = stamps_folder(cache, site)
        if self.stamps is None or self.stamps.folder != folder:
            self.stamps = Stamps(folder)
        stamps = self.stamps

        def keep(uri: str, recipe: str | None, make: Make, inclusion: InclusionLevel) -> File:
            if recipe is None:
                return File.generated(config, uri, content=make(), inclusion=inclusion)
            stamped = f"{recipe} {shared}"
            if defer and self.dirty:
                file = File.generated(config, uri, abs_src_path=str(stamps.path(uri)),
                                      inclusion=inclusion)
                dest = Path(file.abs_dest_path)
                current = stamps.holds(uri, stamped) and stamps.made_since(uri, dest)
                if current or dest.is_file():
                    if not current:  # stale, but the site has it: left for a later build
                        file.abs_src_path = str(dest)  # (nothing newer: MkDocs skips it)
                        self.deferred += 1
                    self.kept.add(file.dest_uri)
                    return file
            stamp = stamps.stamp(uri, stamped)
            if stamp is None:
                return File.generated(config, uri, content=make(), inclusion=inclusion)
            file = File.generated(config, uri, abs_src_path=str(stamp), inclusion=inclusion)
            if self.dirty and stamps.made_since(uri, Path(file.abs_dest_path)):
                self.kept.add(file.dest_uri)
                return file  # MkDocs skips it: the stamp is older than the file
            content = make()
            if isinstance(content, str):
                file.content_string = content
            else:
                file.content_bytes = content
            return file

        return keep

    def record(self, files: Files) -> None:
        """Every file of this build is known: in a rebuild in place, every one but the kept
        ones is made again. (A page MkDocs skips has no title to show in the navigation; a
        static file's source may be older than its last copy.)"""
        self.made = {file.dest_uri for file in files}
        self.copying = {}
        for file in files:
            if file.abs_src_path is None or file.dest_uri in self.kept:
                continue
            if not file.is_documentation_page():
                # A file copied as it is (a photo, the theme's fonts): not copied again when
                # the last build of this folder copied it from the very same source. (A
                # file with content is written again whatever its times say.)
                try:
                    info = os.stat(file.abs_src_path)
                except OSError:
                    continue
                source = (file.abs_src_path, info.st_size, info.st_mtime_ns)
                self.copying[file.dest_uri] = source
                if self.copied.get(file.dest_uri) == source:
                    continue
            if self.dirty and os.path.isfile(file.abs_dest_path):
                os.utime(file.abs_dest_path, (0, 0))  # older than any source: made again

    def unmake(self, written: list[str]) -> None:
        """A build stopped half way (catch_up.Superseded) wrote these files: they are made
        again by a later build, which indexes them for search too (the stopped build's index
        was never written)."""
        for path in written:
            with contextlib.suppress(OSError):
                os.utime(path, (0, 0))  # older than any source

    def finish(self, site: Path, serving: bool) -> None:
        """After the build: delete the files of clients and people who are gone (a server
        whose files only grew has none)."""
        if self.dirty and not (serving and self.last_made <= self.made):
            remove_stale(site, self.made, self.started)
        self.last_made = self.made
        self.copied = self.copying

    def forget(self) -> None:
        """The site folder is gone (a preview's, on exit): its stamps go with it."""
        if self.stamps is not None:
            shutil.rmtree(self.stamps.folder, ignore_errors=True)
