"""Rendering details: relative links and what the search index reads."""

from __future__ import annotations

from pathlib import Path


def test_relative_links_agree_with_posixpath() -> None:
    import itertools
    import posixpath

    from journeymap.render import _relpath

    paths = ["", ".", "a", "a/", "a/b", "a/b/", "a/b/c.html", "a/c", "b/a/", "index.html",
             "assets/journeymap/x.css", "./a/b", "a//b"]
    for path, start in itertools.product(paths, repeat=2):
        assert _relpath(path or ".", start.rstrip("/") or ".") == posixpath.relpath(
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
