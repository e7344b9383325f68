"""Every internal link of a built site resolves: a small checker on html.parser.

Each `href`, `src`, `xlink:href` and `srcset` of every HTML file must point to a file of the
site, and a `#fragment` into an HTML file to an `id` (or `<a name>`) in it. Links with a
scheme or a host (http:, mailto:, data:, //cdn...) are not the site's and are not followed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"href", "src", "xlink:href"}


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[int, str]] = field(default_factory=list)  # (line, URL)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value)
            elif name in LINK_ATTRIBUTES:
                self.page.links.append((line, value.strip()))
            elif name == "srcset":
                self.page.links.extend((line, candidate.split()[0])
                                       for candidate in value.split(",") if candidate.strip())


def parse(path: Path) -> ParsedPage:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


def broken_links(site: Path, skip: Collection[str] = ("404.html",)) -> list[str]:
    """`page:line: url: why` for each link in the site's HTML that does not resolve. Pages in
    `skip` are not read as sources (MkDocs' 404 page links from the server's root)."""
    pages = {path.relative_to(site).as_posix(): parse(path)
             for path in sorted(site.rglob("*.html"))}
    problems = []
    for source, page in pages.items():
        if source in skip:
            continue
        for line, url in page.links:
            why = _unresolved(site, source, url, pages)
            if why:
                problems.append(f"{source}:{line}: {url}: {why}")
    return problems


def _unresolved(site: Path, source: str, url: str, pages: dict[str, ParsedPage]) -> str | None:
    """Why `url`, found in the page `source`, does not resolve in the site; None if it does."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None  # not the site's
    path = unquote(parts.path)
    if path.startswith("/"):
        return "root-relative: it breaks when the site is not served from the root"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path)) if path \
        else source
    if target == ".." or target.startswith("../"):
        return "outside the site"
    if (site / target).is_dir():
        target = posixpath.normpath(posixpath.join(target, "index.html"))
    if not (site / target).is_file():
        return "no such file"
    fragment = unquote(parts.fragment)
    if fragment and target in pages and fragment not in pages[target].ids:
        return f"no id {fragment!r} in {target}"
    return None
