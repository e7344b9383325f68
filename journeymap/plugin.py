"""The MkDocs plugin: thin hooks over the load → derive → render pipeline.

Pages are generated in memory (nothing is written into the source tree), the journey files
themselves never reach the site, and invalid input fails the build before MkDocs empties the
site folder, with the same positioned messages as `journeymap check`.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import html
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs import __version__ as mkdocs_version
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.contrib.search import SearchPlugin as MkDocsSearch
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import TableOfContents, get_toc

from .cache import DiskCache, Fingerprints, recipe_key, usable_cores
from .exceptions import JourneymapError, Problem
from .lint import LintSettings, lint
from .load import LoadCache, load_workspace
from .model import Workspace
from .overlay import inject, overlay_html
from .pdf import PdfJob, render_pdfs
from .progress import Progress
from .render import ASSET_DIR, Page, Renderer, SitePaths, headings, search_view
from .schedule import build_date
from .stamps import Stamps, file_clock, made_after, remove_stale, stamps_folder

# A plain logger under mkdocs.plugins (not get_plugin_logger, which prefixes every line):
# each problem line starts with its path, for editors and problem matchers.
log = logging.getLogger("mkdocs.plugins.journeymap")
PACKAGE_CSS = Path(__file__).parent / "assets" / "journeymap.css"


class JourneymapConfig(base.Config):
    source = c.Type(str, default="journeys")
    """Folder of the journey files (journeys, `team/`, `clients/`), relative to mkdocs.yml."""

    theme_dir = c.Type(str, default="theme")
    """Folder of templates and CSS that override or extend journeymap's own."""

    as_of = c.Optional(c.Type(str))
    """Build date, YYYY-MM-DD; default: SOURCE_DATE_EPOCH's date, else today."""

    nav = c.Type(bool, default=True)
    """Add journeymap's pages to the navigation when mkdocs.yml has no `nav` of its own."""

    secret = c.Optional(c.Type(str))
    """Makes the names of clients' "meet your team" files unguessable (meet/<id>-<token>.html).
    Better set through the JOURNEYMAP_SECRET environment variable than written here."""

    pdf = c.Type(bool, default=True)
    """Write the PDFs (handoff packets, meet pages) after a build. `journeymap serve` skips
    them, to keep the preview fast."""

    cache_dir = c.Type(str, default=".journeymap-cache")
    """Where drawn diagrams and PDFs are kept between builds, relative to mkdocs.yml. Safe to
    delete; keep it out of git."""

    lint = c.Optional(c.Type(dict))
    """Journey health rules: rule id -> `error`, `warning`, `off` or `{level: ..., threshold: N}`
    (`journeymap lint --rules` lists them)."""


def parse_as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise PluginError(f"journeymap: as_of must be a date YYYY-MM-DD, got {text!r}") from None


def _toc(found: list[tuple[int, str, str]], as_html: bool = True) -> TableOfContents:
    """MkDocs' table of contents for our headings: h3s nest under the h2 before them. Titles
    are HTML (themes print them as they are), or text for a search index that wants text."""
    tokens: list[Any] = []
    for level, ident, name in found:
        token = {"level": level, "id": ident, "name": html.escape(name) if as_html else name,
                 "children": []}
        if level == 3 and tokens:
            tokens[-1]["children"].append(token)
        else:
            tokens.append(token)
    return get_toc(tokens)


# Settings that do not show in a page (where it is written, how strictly it is checked).
_NOT_SHOWN = {"site_dir", "strict", "dev_addr", "watch", "plugins", "validation", "hooks"}


def _search_index(path: Path) -> dict[str, Any] | None:
    """MkDocs' search index at `path`, if it is one with a list of documents."""
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or not isinstance(index.get("docs"), list):
        return None
    return index


class JourneymapPlugin(BasePlugin[JourneymapConfig]):
    def __init__(self) -> None:
        self.cache = LoadCache()  # kept across `mkdocs serve` rebuilds (see on_startup)
        self.renderer: Renderer | None = None
        self.pages: dict[str, Page] = {}
        self.serving = False
        self.problems: list[Problem] = []  # the current errors, while serving a last good site
        self.overlay = ""  # their overlay, laid over every page of the last good site
        self.progress = Progress(False)
        self.rendered = 0
        self.full_content: dict[str, str] = {}  # a page's content while search sees less
        self.html_titles: dict[str, tuple[str | None, TableOfContents]] = {}  # and its titles
        self.dirty = False  # a rebuild in place: files whose stamps say so are kept as they are
        self.stamps: Stamps | None = None
        self.kept: set[str] = set()  # site paths of the files kept from the last build
        self.made: set[str] = set()  # site paths of every file of this build
        self.last_made: set[str] = set()  # ...and of the last one
        self.started = 0.0  # when this build began, by the file system's clock
        self.gc_was_on = False  # garbage collection was on before this build turned it off
        self.search_docs: list[dict[str, Any]] = []  # the last full search index, when dirty
        self.built: set[str] = set()  # the URLs of the pages this build made again
        self.page_urls: dict[str, int] = {}  # the URL of every page of this build: its place

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance, and its cache, between rebuilds."""
        self.serving = command == "serve"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        if self.serving and self.stamps is not None:  # the preview's folder is gone with it
            shutil.rmtree(self.stamps.folder, ignore_errors=True)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.started = file_clock(self._cache(config))
        if self.dirty and not self.search_docs:
            # The search index of the pages kept: read before the search plugin replaces it.
            last = _search_index(Path(config.site_dir) / "search" / "search_index.json")
            self.search_docs = last["docs"] if last else []

    # ---- paths ----------------------------------------------------------------------------

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def _source(self, config: MkDocsConfig) -> Path:
        return self._root(config) / self.config.source

    def _theme_dir(self, config: MkDocsConfig) -> Path:
        return self._root(config) / self.config.theme_dir

    # ---- events -----------------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # No cyclic garbage collection during a build: a thousand clients' records are
        # millions of objects, each collection walks them all, and a build's cycles are few.
        # (A third of a rebuild's time, measured.) Collected after the build.
        self.gc_was_on = self.gc_was_on or gc.isenabled()
        gc.disable()
        as_of = build_date(parse_as_of(self.config.as_of))
        try:
            settings = LintSettings.from_mapping(self.config.lint)
        except JourneymapError as error:
            raise PluginError(str(error)) from None
        self.cache.store = DiskCache(self._cache(config), "parsed")
        loaded = load_workspace(self._root(config), self.config.source, self.cache,
                                workers=self._workers())
        findings = [] if loaded.errors else lint(loaded.workspace, as_of, settings)
        loaded.problems.extend(findings)
        for problem in loaded.problems:
            (log.error if problem.severity == "error" else log.warning)(str(problem))
        self.problems = list(loaded.errors)
        self.overlay = ""
        count = len(loaded.errors)
        summary = f"{count} problem{'s' * (count != 1)} in the journey files (listed above)"
        if not loaded.errors:
            self.renderer = self._renderer(loaded.workspace, as_of, config, loaded.fingerprints)
            self.renderer.findings = findings
            self.pages = {page.src_uri: page for page in self.renderer.pages()}
        elif not self.serving:
            raise PluginError(f"journeymap: {summary}; the site was not built")
        elif self.renderer is not None:
            # A live preview keeps showing the last good journey until the files are fixed.
            log.warning(f"journeymap: {summary}; still showing the last good version")
            self.overlay = str(overlay_html(self._root(config), self.problems))
        else:
            log.warning(f"journeymap: {summary}; the preview lists them until they are fixed")
            self.renderer = self._renderer(loaded.workspace, as_of, config)
            problems_page = Page("index", "Problems", "problems.html",
                                 {"problems": loaded.errors})
            self.pages = {problems_page.src_uri: problems_page}
        css = [f"{ASSET_DIR}/journeymap.css", *(f"{ASSET_DIR}/theme/{f.name}"
                                                 for f in self._theme_css(config))]
        config.extra_css = [*css, *(x for x in config.extra_css if x not in css)]
        return config

    def _renderer(self, ws: Workspace, as_of: dt.date, config: MkDocsConfig,
                  fingerprints: Fingerprints | None = None) -> Renderer:
        secret = self.config.secret or os.environ.get("JOURNEYMAP_SECRET") or None
        return Renderer(ws, as_of, SitePaths(directory_urls=config.use_directory_urls),
                        self._theme_dir(config), secret=secret, cache_dir=self._cache(config),
                        fingerprints=fingerprints)

    def _workers(self) -> int:
        """How many processes may fill the caches: one per core, but only where forking is
        safe, with no other thread running (the live server runs threads; so may another
        plugin), since a thread's lock held at the fork would stay held in the child."""
        return 1 if self.serving or threading.active_count() > 1 else usable_cores()

    def _cache(self, config: MkDocsConfig) -> Path:
        return self._root(config) / self.config.cache_dir

    def _theme_css(self, config: MkDocsConfig) -> list[Path]:
        folder = self._theme_dir(config)
        return sorted(folder.glob("*.css")) if folder.is_dir() else []

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.renderer is not None
        self.progress = Progress(enabled=not self.serving and log.isEnabledFor(logging.INFO))
        self.rendered = 0
        source = self._source(config).resolve()
        for file in list(files):
            # The journey files hold internal data: none of them is published as it is.
            inside = file.abs_src_path and Path(file.abs_src_path).resolve().is_relative_to(source)
            if inside or file.src_uri in self.pages:
                if not inside:
                    log.info(f"'{file.src_uri}' is replaced by journeymap's page of that name")
                files.remove(file)
        if self.config.nav and not config.nav:
            config.nav = self._nav(files)
        in_nav = {"index.md", "clients/index.md", "team/index.md", "team/responsibilities.md"}
        self.kept = set()
        keep = self._keeper(config)
        for page in self.pages.values():
            # Pages that the navigation does not list are reached through links; saying so
            # keeps MkDocs from listing a thousand client pages as missing from the nav.
            level = InclusionLevel.UNDEFINED
            if page.src_uri not in in_nav and page.template != "journey.html":
                level = InclusionLevel.NOT_IN_NAV
            files.append(keep(page.src_uri, self.renderer.recipe(page), lambda: "", level))
        assets = {f"{ASSET_DIR}/journeymap.css": PACKAGE_CSS, **self.renderer.assets()}
        assets.update({f"{ASSET_DIR}/theme/{f.name}": f for f in self._theme_css(config)})
        for uri, path in assets.items():
            if files.get_file_from_path(uri) is not None:
                files.remove(files.get_file_from_path(uri))  # type: ignore[arg-type]
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        if self._workers() > 1:
            self.renderer.prefill(self._workers(), lambda done, total: self.progress.update(
                "clients", done, total))
            self.progress.clear()
        for uri, output in self.renderer.outputs().items():
            make = output.make
            if self.overlay and uri.endswith(".html"):  # (not into a calendar)
                make = functools.partial(self._with_overlay, make)
            files.append(keep(uri, output.recipe, make, InclusionLevel.UNDEFINED))
        self.built = set()
        # As pages and the search index spell them: the home page is "", not "./".
        self.page_urls = {"" if file.url == "./" else file.url: place
                          for place, file in enumerate(files.documentation_pages())}
        self.made = {file.dest_uri for file in files}
        if self.dirty:
            self._rebuild_others(files)
        return files

    def _with_overlay(self, make: Callable[[], bytes]) -> bytes:
        return inject(make().decode(), self.overlay).encode()

    def _keeper(self, config: MkDocsConfig) -> Callable[
            [str, str | None, Callable[[], str | bytes], InclusionLevel], File]:
        """`keep(src_uri, recipe, make, inclusion)`: the file for an output, kept from the last
        build when its stamp allows (a dirty build), else with the content `make()` gives."""
        site = Path(config.site_dir)
        site.mkdir(parents=True, exist_ok=True)
        folder = stamps_folder(self._cache(config), site)
        if self.stamps is None or self.stamps.folder != folder:
            self.stamps = Stamps(folder)
        stamps = self.stamps
        shared = self._shared(config)

        def keep(uri: str, recipe: str | None, make: Callable[[], str | bytes],
                 inclusion: InclusionLevel) -> File:
            stamp = stamps.stamp(uri, f"{recipe} {shared}") if recipe is not None else None
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

    def _shared(self, config: MkDocsConfig) -> str:
        """What every page shows beside its own content, hashed: the settings as MkDocs read
        them (the navigation, the site's name and URL, the theme's options; values from the
        environment included), the theme's files and the error overlay. A change rebuilds
        every page."""
        settings = {key: value for key, value in config.items() if key not in _NOT_SHOWN}
        settings.update(extra=dict(config.extra), theme=dict(config.theme))
        theme = sorted((str(path), path.stat().st_mtime_ns, path.stat().st_size)
                       for folder in config.theme.dirs for path in Path(folder).rglob("*")
                       if path.is_file())
        return recipe_key(json.dumps(settings, sort_keys=True, default=str), theme,
                          self.overlay, mkdocs_version)

    def _rebuild_others(self, files: Files) -> None:
        """In a rebuild in place, every file but the kept ones is made again: mark the others'
        output as old, so that MkDocs makes them. (A page MkDocs skips has no title to show
        in the navigation; a static file's source may be older than its last copy.)"""
        for file in files:
            if (file.abs_src_path is not None and file.dest_uri not in self.kept
                    and os.path.isfile(file.abs_dest_path)):
                os.utime(file.abs_dest_path, (0, 0))

    def _nav(self, files: Files) -> list[Any]:
        journeys = [{html.escape(page.title): page.src_uri} for page in self.pages.values()
                    if page.template == "journey.html"]
        others = sorted(f.src_uri for f in files.documentation_pages()
                        if f.src_uri not in self.pages)
        nav: list[Any] = [{"Home": "index.md"}]
        if journeys:
            nav.append({"Journeys": journeys} if len(journeys) > 1 else journeys[0])
        team = [{"People": "team/index.md"}, {"Who does what": "team/responsibilities.md"}]
        if "clients/index.md" in self.pages:
            nav.append({"Clients": "clients/index.md"})
        if "team/index.md" in self.pages:
            nav.append({"Team": team})
        return nav + others

    def on_page_markdown(
        self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        ours = self.pages.get(page.file.src_uri)
        if ours is None:
            return markdown
        # Themes print titles as HTML (the nav, the <title>): a title is text, so escape it.
        page.meta["title"] = html.escape(ours.title)
        if ours.template == "packet.html":
            # The packet repeats the client's page: indexing it twice only slows the build.
            page.meta["search"] = {"exclude": True}
        return ""

    def on_page_content(
        self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        ours = self.pages.get(page.file.src_uri)
        if ours is None or self.renderer is None:
            return html
        self.rendered += 1
        self.progress.update("pages", self.rendered, len(self.pages))
        content = self.renderer.render(ours)
        page.toc = _toc(headings(content))
        return content

    # Search plugins index `page.content` in on_page_context. Around them, our pages show the
    # index their search view (no dated tables that repeat other pages: at a thousand clients
    # those made a 20 MB index and most of the build time), then get their full content back
    # before the theme renders them.
    @event_priority(100)
    def _show_search_view(
        self, context: Any, *, page: MkDocsPage, config: MkDocsConfig, nav: Navigation
    ) -> Any:
        self.built.add(page.url)
        ours = self.pages.get(page.file.src_uri)
        if ours is not None and page.content is not None:
            self.full_content[page.file.src_uri] = page.content
            if any(isinstance(plugin, MkDocsSearch) for plugin in config.plugins.values()):
                # MkDocs' search script escapes the titles it shows (Material's shows them as
                # HTML): its index takes them as text, or `&` shows as `&amp;`.
                # (The title, not its meta: the nav's title, if any, comes first.)
                self.html_titles[page.file.src_uri] = (page.title, page.toc)
                page.title = ours.title
                page.toc = _toc(headings(page.content), as_html=False)
            page.content = search_view(page.content)
        return context

    @event_priority(-100)
    def _restore_content(
        self, context: Any, *, page: MkDocsPage, config: MkDocsConfig, nav: Navigation
    ) -> Any:
        full = self.full_content.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        shown = self.html_titles.pop(page.file.src_uri, None)
        if shown is not None:
            page.title, page.toc = shown
        return context

    on_page_context = CombinedEvent(_show_search_view, _restore_content)

    def on_post_page(self, output: str, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        return inject(output, self.overlay) if self.overlay else output

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The PDFs; in a rebuild in place, the search index completed and the files of
        clients and people who are gone deleted."""
        site = Path(config.site_dir)
        if self.dirty:
            self._complete_search_index(site)
            unchanged = len(self.page_urls.keys() - self.built)
            log.info(f"journeymap: {len(self.built)} of {len(self.page_urls)} pages built, "
                     f"{unchanged} {'unchanged' if self.serving else 'kept from the last build'}")
        # Printing is mostly waiting for the browser, and its many small cycles (futures,
        # callbacks) must be collected as it goes: garbage collection is back on for it.
        self._resume_gc()
        if self.renderer is not None and not self.serving and self.config.pdf and not self.problems:
            self._write_pdfs(site, config)
        # Files of clients and people who are gone; a server whose files only grew has none.
        if self.dirty and not (self.serving and self.last_made <= self.made):
            remove_stale(site, self.made, self.started)
        self.last_made = self.made

    def on_build_error(self, *, error: Exception) -> None:
        self._resume_gc()

    def _resume_gc(self) -> None:
        if not self.gc_was_on:
            return
        self.gc_was_on = False
        gc.enable()
        if self.serving:
            # Collect once the page is shown (the live server waits for this event to end),
            # rather than in the middle of the next rebuild.
            collect = threading.Timer(1.0, gc.collect)
            collect.daemon = True
            collect.start()

    def _write_pdfs(self, site: Path, config: MkDocsConfig) -> None:
        """The PDFs, printed by Chromium from the pages just built (unchanged ones cached)."""
        assert self.renderer is not None
        jobs, kept = [], 0
        for html_path, pdf_path in self.renderer.pdf_jobs():
            self.made.add(pdf_path)
            # A page kept from the last build prints as it did, if it was printed after it
            # was made (a build that failed in between may have made the page only).
            if html_path in self.kept and made_after(site / pdf_path, site / html_path):
                kept += 1
            else:
                jobs.append(PdfJob(site / html_path, site / pdf_path))
        self.progress.clear()
        try:
            report = render_pdfs(jobs, self._cache(config),
                                 progress=lambda done: self.progress.update("PDFs", done,
                                                                            len(jobs)))
        except JourneymapError as error:
            raise PluginError(f"journeymap: {error}") from None
        finally:
            self.progress.clear()
        also = f", {kept} kept from the last build" if kept else ""
        log.info(f"journeymap: {len(jobs) + kept} PDFs ({report.rendered} printed, "
                 f"{report.cached} from the cache{also})")

    def _complete_search_index(self, site: Path) -> None:
        """A dirty rebuild indexes only the pages it made again: add back the last index's
        entries for the pages it left as they were, so that search still finds them."""
        index_file = site / "search" / "search_index.json"
        index = _search_index(index_file)
        if index is None:
            return  # no search plugin, or not one we know
        docs: list[Any] = index["docs"]

        def page_of(doc: Any) -> str:
            return str(doc.get("location", "")).split("#")[0] if isinstance(doc, dict) else ""

        kept = [doc for doc in self.search_docs
                if page_of(doc) not in self.built and page_of(doc) in self.page_urls]
        if kept:
            # In the order of the pages, as a full build writes them (one page's entries
            # all come from one of the two lists, in their order).
            docs = sorted(docs + kept, key=lambda doc: self.page_urls.get(page_of(doc), -1))
            index["docs"] = docs
            # Spelled as the search plugin spells it.
            index_file.write_bytes(json.dumps(index, sort_keys=True, separators=(",", ":"),
                                              default=str).encode("utf-8"))
        self.search_docs = docs

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        docs = Path(config.docs_dir).resolve()
        for folder in (self._source(config), self._theme_dir(config)):
            if folder.is_dir() and not folder.resolve().is_relative_to(docs):
                server.watch(str(folder))
        return server
