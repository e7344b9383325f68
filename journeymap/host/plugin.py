"""The MkDocs (and ProperDocs) plugin: thin hooks over the load → derive → render pipeline.

Pages are generated in memory (nothing is written into the source tree), the journey files
themselves never reach the site, and invalid input fails the build before MkDocs empties the
site folder, with the same positioned messages as `journeymap check`. Each concern lives in a
module of its own: the options and folders (config, options, and plugin_options for the hooks
that read them), the files and what a rebuild keeps (files), the navigation (nav), the search
index (search), the PDFs (pdfs), garbage collection (memory), the preview's guard
(preview), and under serve the map's editor (editing) with its rebuilds (live, catch_up).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as HostPage

from ..cache import DiskCache, usable_cores
from ..derive.check import Checked, check_workspace
from ..derive.lint import FROM_OUTCOMES
from ..derive.schedule import Schedules
from ..exceptions import JourneymapError, Problem
from ..model import Workspace
from ..render.env import SITE_CSS, compiled_templates, theme_css
from ..render.html import headings
from ..render.overlay import inject, overlay_html
from ..render.pages import Page
from ..render.paths import ASSET_DIR, MEET_DIR, SitePaths
from ..render.renderer import Renderer
from ..workspace.edit import Editor
from ..workspace.load import LoadCache
from ..workspace.source import inside
from .catch_up import CatchUp, Superseded
from .config import WorkspacePaths
from .editing import READ_ONLY_ENV, serve_editing
from .files import SiteFiles, shown_settings
from .memory import CollectionPause
from .nav import IN_NAV, inclusion, navigation, toc
from .pdfs import PdfStage
from .plugin_options import OptionsPlugin
from .progress import Progress
from .search import SearchIndex
from .site_folder import site_dir_problem

# A plain logger under the host's plugins (not get_plugin_logger, which prefixes every line):
# each problem line starts with its path, for editors and problem matchers.
log = logging.getLogger(f"{mkdocs.__name__}.plugins.journeymap")


# About 260 lines: one short method per MkDocs hook, each delegating to its module (files,
# search, pdfs, editing); the option hooks live in plugin_options.py.
class JourneymapPlugin(OptionsPlugin):
    def __init__(self) -> None:
        super().__init__()
        self.cache = LoadCache()  # kept across `mkdocs serve` rebuilds (see on_startup)
        self.schedules = Schedules()  # ...and so is the last agenda
        self.renderer: Renderer | None = None
        self.pages: dict[str, Page] = {}
        self.problems: list[Problem] = []  # the current errors, while serving a last good site
        self.overlay = ""  # their overlay, laid over every page of the last good site
        self.progress = Progress(False)
        self.rendered = 0
        self.files = SiteFiles(dirty=False)
        self.search = SearchIndex()
        self.collection = CollectionPause()
        self.page_urls: dict[str, int] = {}  # the URL of every page of this build: its place
        self.pdfs = PdfStage()
        self.catch_up = CatchUp()  # under serve: the map first after an edit on it
        self.written: list[str] = []  # the pages this build wrote so far (see on_build_error)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance, and its cache, between rebuilds."""
        self.serving = command == "serve"
        self.address_checked = False
        self.files = SiteFiles(dirty)

    def on_shutdown(self) -> None:
        self.pdfs.close()
        self.catch_up.close()
        if self.serving:  # the preview's folder is gone with it
            self.files.forget()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.collection.pause()
        self.catch_up.start()
        as_of, settings = self._options(Path(config.config_file_path or "mkdocs.yml"))
        if self.serving and not self.address_checked:
            self._check_address(config)
        paths = WorkspacePaths.of(self.config, config)
        refused = site_dir_problem(paths.site_path, paths.root, paths.kept_apart(False),
                                   replaced=False)
        if refused is not None:
            raise PluginError(f"journeymap: {refused}")
        self.cache.store = DiskCache(paths.cache_path, "parsed")
        checked = check_workspace(paths.root, paths.source, as_of, settings, cache=self.cache,
                                  schedules=self.schedules, workers=_workers(self.serving),
                                  business=paths.business, config_file=paths.config_file)
        for problem in checked.problems:
            if problem.severity == "error":
                log.error(str(problem))
            elif problem.rule in FROM_OUTCOMES:
                log.info(str(problem))  # on the journey page; no reason to fail --strict
            else:
                log.warning(str(problem))
        loaded = checked.loaded
        self.problems = list(loaded.errors)
        self.overlay = ""
        count = len(loaded.errors)
        summary = (f"{count} problem{'s' * (count != 1)} in "
                   f"{_problem_files(loaded.errors, paths.config_file.name)} (listed above)")
        if not loaded.errors:
            self._warn_of_guessable_names(loaded.workspace, paths.config_file)
            self.renderer = self._renderer(loaded.workspace, as_of, config, paths, checked)
            self.pages = {page.src_uri: page for page in self.renderer.pages()}
        elif not self.serving:
            raise PluginError(f"journeymap: {summary}; the site was not built")
        elif self.renderer is not None:
            # A live preview keeps showing the last good journey until the files are fixed.
            log.warning(f"journeymap: {summary}; still showing the last good version")
            self.overlay = str(overlay_html(paths.root, self.problems))
        else:
            log.warning(f"journeymap: {summary}; the preview lists them until they are fixed")
            self.renderer = self._renderer(loaded.workspace, as_of, config, paths)
            problems_page = Page("index", "Problems", "problems.html",
                                 {"problems": loaded.errors})
            self.pages = {problems_page.src_uri: problems_page}
        css = [f"{ASSET_DIR}/journeymap.css", *(f"{ASSET_DIR}/theme/{f.name}"
                                                 for f in theme_css(paths.theme_path))]
        config.extra_css = [*css, *(x for x in config.extra_css if x not in css)]
        return config

    def _renderer(self, ws: Workspace, as_of: dt.date, config: MkDocsConfig,
                  paths: WorkspacePaths, checked: Checked | None = None) -> Renderer:
        return Renderer(ws, as_of, SitePaths(directory_urls=config.use_directory_urls),
                        paths.theme_path, secret=self._secret(), cache_dir=paths.cache_path,
                        words=self.words,
                        fingerprints=checked.loaded.fingerprints if checked else None,
                        agenda=checked.agenda if checked else None,
                        findings=checked.findings if checked else (),
                        business=checked.business if checked else None,
                        pdf_note=_pdf_note(self.serving, self.config.pdf))

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.files.start(WorkspacePaths.of(self.config, config).cache_path)
        if self.files.dirty:
            self.search.remember(Path(config.site_dir))

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """The theme's templates compiled once, not again at every build and rebuild (a
        third of a live preview's rebuild went there)."""
        if getattr(env, "bytecode_cache", True) is None:
            env.bytecode_cache = compiled_templates(
                WorkspacePaths.of(self.config, config).cache_path, "jinja-theme")
        return env

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        try:
            return self._files(files, config)
        except JourneymapError as error:
            raise PluginError(f"journeymap: {error}") from None

    def _files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.renderer is not None
        paths = WorkspacePaths.of(self.config, config)
        self.progress = Progress(enabled=not self.serving and log.isEnabledFor(logging.INFO))
        self.rendered = 0
        for file in list(files):
            # The journey files hold internal data: none of them is published as it is, nor
            # anything a link among them leads to (looked at both as written and resolved).
            ours = file.abs_src_path is not None and in_folder(file.abs_src_path,
                                                               paths.source_path)
            if ours or file.src_uri in self.pages:
                if not ours:
                    log.info(f"'{file.src_uri}' is replaced by journeymap's page of that name")
                files.remove(file)
        titled = bool(self.config.nav and not config.nav)
        if titled:
            config.nav = navigation(self.pages, files)
        keep = self.files.keeper(config, paths.cache_path, shown_settings(config, self.overlay),
                                 defer=self.catch_up.deferring)
        for page in self.pages.values():
            # A page MkDocs skips has no title of its own: one the navigation lists is kept
            # only where journeymap's navigation titles it.
            made = self.renderer.recipe(page) if titled or page.src_uri not in IN_NAV else None
            files.append(keep(page.src_uri, made, lambda: "", inclusion(page)))
        assets = {f"{ASSET_DIR}/journeymap.css": Path(str(SITE_CSS)), **self.renderer.assets()}
        assets.update({f"{ASSET_DIR}/theme/{f.name}": f for f in theme_css(paths.theme_path)})
        for uri, path in assets.items():
            if (existing := files.get_file_from_path(uri)) is not None:
                files.remove(existing)
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        workers = _workers(self.serving)
        if workers > 1:
            self.renderer.prefill(workers, lambda done, total: self.progress.update(
                "clients", done, total))
            self.progress.clear()
        for uri, output in self.renderer.outputs().items():
            self.catch_up.check()
            make = output.make
            # Not into a calendar, and never into a client's meet page: the overlay quotes
            # the journey files' lines, internal notes included.
            if self.overlay and uri.endswith(".html") and not uri.startswith(MEET_DIR):
                make = functools.partial(self._with_overlay, make)
            files.append(keep(uri, output.recipe, make, InclusionLevel.UNDEFINED))
        self.search.built = set()
        self.written = []
        # As pages and the search index spell them: the home page is "", not "./".
        self.page_urls = {"" if file.url == "./" else file.url: place
                          for place, file in enumerate(files.documentation_pages())}
        self.files.record(files)
        return files

    def _with_overlay(self, make: Callable[[], bytes]) -> bytes:
        return inject(make().decode(), self.overlay).encode()

    def on_page_markdown(self, markdown: str, *, page: HostPage, config: MkDocsConfig,
                         files: Files) -> str:
        ours = self.pages.get(page.file.src_uri)
        if ours is None:
            return markdown
        # Themes print titles as HTML (the nav, the <title>): a title is text, so escape it.
        page.meta["title"] = html.escape(ours.title)
        if ours.template == "packet.html":
            # The packet repeats the client's page: indexing it twice only slows the build.
            page.meta["search"] = {"exclude": True}
        return ""

    def on_page_content(self, content: str, *, page: HostPage, config: MkDocsConfig,
                        files: Files) -> str:
        ours = self.pages.get(page.file.src_uri)
        if ours is None or self.renderer is None:
            return content
        self.catch_up.check()
        self.rendered += 1
        self.progress.update("pages", self.rendered, len(self.pages))
        if ours.template == "packet.html" and self.config.pdf and not self.serving:
            self.pdfs.ahead()  # its PDF will be printed: start the browser now
        try:
            made = self.renderer.render(ours)
        except JourneymapError as error:  # a program it needs is missing (`dot`), say
            raise PluginError(f"journeymap: {error}") from None
        page.toc = toc(headings(made))
        return made

    @event_priority(100)  # before the search plugins read the page...
    def _show_search_view(self, context: Any, *, page: HostPage, config: MkDocsConfig,
                          nav: Navigation) -> Any:
        self.catch_up.check()
        self.written.append(page.file.abs_dest_path)
        ours = self.pages.get(page.file.src_uri)
        self.search.show(page, ours.title if ours else None, config)
        return context

    @event_priority(-100)  # ...and after them
    def _restore_content(self, context: Any, *, page: HostPage, config: MkDocsConfig,
                         nav: Navigation) -> Any:
        self.search.restore(page)
        return context

    on_page_context = CombinedEvent(_show_search_view, _restore_content)

    def on_post_page(self, output: str, *, page: HostPage, config: MkDocsConfig) -> str:
        return inject(output, self.overlay) if self.overlay else output

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The PDFs; in a rebuild in place, the search index completed and the files of
        clients and people who are gone deleted."""
        site = Path(config.site_dir)
        if self.files.dirty:
            self.search.complete(site, self.page_urls)
            built = self.search.built
            unchanged = len(self.page_urls.keys() - built)
            later = (f", {self.files.deferred} outputs made just after (the map first)"
                     if self.files.deferred else "")
            log.info(f"journeymap: {len(built)} of {len(self.page_urls)} pages built, "
                     f"{unchanged} {'unchanged' if self.serving else 'kept from the last build'}"
                     f"{later}")
        self.catch_up.done(self.files.deferred)
        self.collection.resume(later=self.serving)
        if self.renderer is not None and not self.serving and self.config.pdf and not self.problems:
            self._write_pdfs(site, WorkspacePaths.of(self.config, config).cache_path)
        self.pdfs.close()
        self.files.finish(site, self.serving)

    def on_build_error(self, *, error: Exception) -> None:
        if isinstance(error, Superseded):
            self.files.unmake(self.written)
        self.collection.resume(later=self.serving)
        self.pdfs.close()

    def _write_pdfs(self, site: Path, cache: Path) -> None:
        assert self.renderer is not None
        try:
            log.info(self.pdfs.write(self.renderer, site, self.files, cache, self.progress))
        except JourneymapError as error:
            raise PluginError(f"journeymap: {error}") from None

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        paths = WorkspacePaths.of(self.config, config)
        docs = Path(config.docs_dir).resolve()
        for folder in (paths.source_path, paths.theme_path):
            if folder.is_dir() and not folder.resolve().is_relative_to(docs):
                server.watch(str(folder))
        host, port = config.dev_addr
        editor = None
        if not os.environ.get(READ_ONLY_ENV):
            # The builds' parses, in memory and on disk: a first edit reads them rather than
            # parsing a thousand clients again, and the rebuild after an edit finds the file
            # the editor wrote already parsed.
            self.cache.store = DiskCache(paths.cache_path, "parsed")
            editor = Editor(paths.root, paths.source, self.cache)
        source = paths.source_path.resolve()
        serve_editing(server, editor, str(host), int(port), self.catch_up,
                      lambda rel: (paths.root / rel).parent.resolve() == source)
        return server


def _pdf_note(serving: bool, pdf: bool) -> str | None:
    """What the pages say in place of a link to a PDF this build does not make (the PDFs
    are printed only by a build, with the `pdf` option on); None where it makes them."""
    if serving:
        return "made by journeymap build"
    return None if pdf else "not made (the pdf option is off)"


def _workers(serving: bool) -> int:
    """How many processes may fill the caches: one per core, but only where forking is safe,
    with no other thread running (the live server runs threads; so may another plugin),
    since a thread's lock held at the fork would stay held in the child."""
    return 1 if serving or threading.active_count() > 1 else usable_cores()


def _problem_files(errors: list[Problem], config_name: str) -> str:
    """Where the errors are, in words: the journey files, mkdocs.yml (the `business`
    option), or both."""
    in_config = {p.path == config_name for p in errors}
    if in_config == {True}:
        return config_name
    return f"the journey files and {config_name}" if True in in_config else "the journey files"


def in_folder(path: str, folder: Path) -> bool:
    """Whether `path` lies in `folder`, as written or once links are resolved."""
    written = os.path.abspath(path)
    return any(inside(candidate, base) for candidate in (written, os.path.realpath(path))
               for base in (os.path.abspath(folder), os.path.realpath(folder)))
