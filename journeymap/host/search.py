"""The search index: small, whole, and showing titles as they are.

Search plugins index `page.content` when a page's context is made. Around them, journeymap's
pages show the index their search view (no dated tables that repeat other pages: at a
thousand clients those made a 20 MB index and most of the build time), then get their full
content back before the theme renders them. A rebuild in place indexes only the pages it
made again: the last index's entries for the pages it kept are added back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.contrib.search import SearchPlugin
from mkdocs.structure.pages import Page as HostPage
from mkdocs.structure.toc import TableOfContents

from ..render.html import headings, search_view
from .nav import toc


def read_index(path: Path) -> dict[str, Any] | None:
    """The host's search index at `path`, if it is one with a list of documents."""
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or not isinstance(index.get("docs"), list):
        return None
    return index


def _page_of(doc: Any) -> str:
    return str(doc.get("location", "")).split("#")[0] if isinstance(doc, dict) else ""


class SearchIndex:
    """What the search plugin sees of journeymap's pages, and the index a rebuild keeps."""

    def __init__(self) -> None:
        self.full: dict[str, str] = {}  # a page's content while search sees less
        self.titles: dict[str, tuple[str | None, TableOfContents]] = {}  # ...and its titles
        self.last: list[dict[str, Any]] = []  # the last full index's documents, when dirty
        self.built: set[str] = set()  # the URLs of the pages this build made again

    def remember(self, site: Path) -> None:
        """Before a rebuild in place: the index of the pages it may keep (read before the
        search plugin writes the new one)."""
        if not self.last:
            last = read_index(site / "search" / "search_index.json")
            self.last = last["docs"] if last else []

    def show(self, page: HostPage, title: str | None, config: MkDocsConfig) -> None:
        """Before the search plugin reads `page` (journeymap's, titled `title`; None for a
        page of another's): only what it should index."""
        self.built.add(page.url)
        if title is None or page.content is None:
            return
        self.full[page.file.src_uri] = page.content
        if any(isinstance(plugin, SearchPlugin) for plugin in config.plugins.values()):
            # MkDocs' own search script escapes the titles it shows (Material's shows them as
            # HTML): its index takes them as text, or `&` shows as `&amp;`. (The title, not
            # its meta: the nav's title, if any, comes first.)
            self.titles[page.file.src_uri] = (page.title, page.toc)
            page.title = title
            page.toc = toc(headings(page.content), as_html=False)
        page.content = search_view(page.content)

    def restore(self, page: HostPage) -> None:
        """After the search plugin: the page whole again, for the theme."""
        full = self.full.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        shown = self.titles.pop(page.file.src_uri, None)
        if shown is not None:
            page.title, page.toc = shown

    def complete(self, site: Path, page_urls: dict[str, int]) -> None:
        """After a rebuild in place: add back the last index's entries for the pages it
        left as they were (`page_urls`: every page of the build, by its place)."""
        index_file = site / "search" / "search_index.json"
        index = read_index(index_file)
        if index is None:
            return  # no search plugin, or not one we know
        docs: list[Any] = index["docs"]
        kept = [doc for doc in self.last
                if _page_of(doc) not in self.built and _page_of(doc) in page_urls]
        if kept:
            # In the order of the pages, as a full build writes them (one page's entries
            # all come from one of the two lists, in their order).
            docs = sorted(docs + kept, key=lambda doc: page_urls.get(_page_of(doc), -1))
            index["docs"] = docs
            # Spelled as the search plugin spells it.
            index_file.write_bytes(json.dumps(index, sort_keys=True, separators=(",", ":"),
                                              default=str).encode("utf-8"))
        self.last = docs
