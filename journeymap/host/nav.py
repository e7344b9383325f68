"""The site's navigation and each page's table of contents, for journeymap's pages."""

from __future__ import annotations

import html
from typing import Any

from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.toc import TableOfContents, get_toc

from ..render.pages import Page

IN_NAV = {"index.md", "clients/index.md", "team/index.md", "team/responsibilities.md",
          "plan-kept.md"}


def inclusion(page: Page) -> InclusionLevel:
    """Pages the navigation does not list are reached through links; saying so keeps MkDocs
    from listing a thousand client pages as missing from the nav."""
    if page.src_uri in IN_NAV or page.template == "journey.html":
        return InclusionLevel.UNDEFINED
    return InclusionLevel.NOT_IN_NAV


def navigation(pages: dict[str, Page], files: Files) -> list[Any]:
    """The nav, when mkdocs.yml has none: home, journeys, clients, team, then other pages."""
    journeys = [{html.escape(page.title): page.src_uri} for page in pages.values()
                if page.template == "journey.html"]
    others = sorted(f.src_uri for f in files.documentation_pages() if f.src_uri not in pages)
    nav: list[Any] = [{"Home": "index.md"}]
    if journeys:
        nav.append({"Journeys": journeys} if len(journeys) > 1 else journeys[0])
    team = [{"People": "team/index.md"}, {"Who does what": "team/responsibilities.md"}]
    if "clients/index.md" in pages:  # titled in the site's words: "Clients", "Guests"
        nav.append({html.escape(pages["clients/index.md"].title): "clients/index.md"})
    if "team/index.md" in pages:
        nav.append({"Team": team})
    if "plan-kept.md" in pages:
        nav.append({"Plan kept": "plan-kept.md"})
    return nav + others


def toc(found: list[tuple[int, str, str]], as_html: bool = True) -> TableOfContents:
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
