"""Rendering details: relative links and what the search index reads."""

from __future__ import annotations

from pathlib import Path


def test_relative_links_agree_with_posixpath() -> None:
    import itertools
    import posixpath

    from journeymap.render.paths import relpath

    paths = ["", ".", "a", "a/", "a/b", "a/b/", "a/b/c.html", "a/c", "b/a/", "index.html",
             "assets/journeymap/x.css", "./a/b", "a//b"]
    for path, start in itertools.product(paths, repeat=2):
        assert relpath(path or ".", start.rstrip("/") or ".") == posixpath.relpath(
            path or ".", start.rstrip("/") or "."), (path, start)


def test_search_indexes_pages_without_their_dated_tables(example_site: Path) -> None:
    import json

    index = json.loads((example_site / "search" / "search_index.json").read_text())
    text = {doc["location"]: doc["text"] for doc in index["docs"]}
    client = (example_site / "clients" / "harbor-street-bakery" / "index.html").read_text()
    assert "Kickoff meeting" in client  # the page keeps its schedule...
    assert "Kickoff meeting" not in text["clients/harbor-street-bakery/"]  # ...the index does not
    assert "Harbor Street Bakery" in text["clients/harbor-street-bakery/"]
    assert "Kickoff meeting" in text["journeys/client-love/"]  # where a touchpoint is described
    # The packet repeats the client's page: only its title is indexed.
    assert text["clients/harbor-street-bakery/handoff/"] == ""
    assert "<!--jm:search-skip-->" in client  # invisible markers, kept in the page


def test_the_home_page_shows_the_first_rows_of_long_lists(example_workspace: object) -> None:
    """With hundreds of clients the home would be megabytes: it shows the first rows of the
    overdue and due lists, and links to the full list of clients."""
    import dataclasses
    import datetime as dt
    import re

    from conftest import AS_OF

    from journeymap import Renderer
    from journeymap.model import Workspace
    from journeymap.render.pages import HOME_ROWS

    assert isinstance(example_workspace, Workspace)
    renderer = Renderer(example_workspace, dt.date.fromisoformat(AS_OF))
    home = next(p for p in renderer.pages() if p.key == "index")
    assert home.context["rows"] == HOME_ROWS
    overdue = renderer.agenda.with_status("overdue")
    assert len(overdue) > 1  # so that one row is fewer

    def rows(html: str, section: str) -> int:
        part = html.split(f'<h2 id="{section}">')[1].split("<h2 ")[0]
        return len(re.findall(r"<tr\b", part)) - 1  # less the header row

    everything = renderer.render(home)
    assert rows(everything, "overdue") == len(overdue)
    assert "are shown" not in everything and "All 8 clients" not in everything

    short = renderer.render(dataclasses.replace(home, context={"rows": 1}))
    assert rows(short, "overdue") == 1
    assert f"The 1 oldest of {len(overdue)} are shown" in short
    assert "All 8 clients</a>" in short
    assert "jm-clients" in everything and "jm-clients" not in short  # the client table


def test_a_build_without_pdfs_says_so_in_place_of_the_links(example_workspace: object) -> None:
    """The renderer takes a plain `pdf_note`: given one (a preview, which prints no PDF), the
    client page and the packet show it in place of each link to a PDF."""
    import datetime as dt

    from conftest import AS_OF

    from journeymap import Renderer
    from journeymap.model import Workspace

    assert isinstance(example_workspace, Workspace)
    keys = {"clients/harbor-street-bakery", "clients/harbor-street-bakery/handoff"}
    for note in (None, "made by journeymap build"):
        renderer = Renderer(example_workspace, dt.date.fromisoformat(AS_OF), pdf_note=note)
        pages = {p.key: p for p in renderer.pages()}
        for key in keys:
            html = renderer.render(pages[key])
            if note is None:
                assert 'handoff.pdf">PDF' in html and "jm-pdf-later" not in html
            else:
                assert ".pdf\"" not in html, key
                assert '<span class="jm-pdf-later">PDF' in html and note in html
