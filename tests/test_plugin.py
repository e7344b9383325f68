"""The plugin in-process, as mkdocs-section-index tests its own: hooks called on the real
`get_files` output of a real workspace, and whole sites built with `build(load_config(...))`.

The subprocess tests (test_site.py, test_cli.py) prove the commands; these show what each
hook does, under whichever host runs the tests (MkDocs, or ProperDocs with JOURNEYMAP_HOST).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, copy_workspace
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, InclusionLevel, get_files

from journeymap.plugin import JourneymapPlugin


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")  # AS_OF, 2026-11-24
    yield copy_workspace(tmp_path / "ws")


def configured(ws: Path, command: str = "build", **overrides: Any
               ) -> tuple[MkDocsConfig, JourneymapPlugin]:
    """The workspace's config as the host loads it, and the plugin instance in it, started."""
    config = load_config(str(ws / "mkdocs.yml"), site_dir=str(ws / "site"), **overrides)
    plugin = config.plugins["journeymap"]
    assert isinstance(plugin, JourneymapPlugin)
    plugin.on_startup(command=command, dirty=False)
    return config, plugin


def files_after_hooks(config: MkDocsConfig) -> Files:
    """The files once the plugins' first events ran, as `build` runs them (through the
    plugin collection, which tells generated files who made them)."""
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    return config.plugins.on_files(get_files(config), config=config)


def test_on_files_publishes_no_journey_file_and_adds_every_page(workspace: Path) -> None:
    # A docs folder that is the journey folder, as `journeymap init` makes it.
    config, plugin = configured(workspace, docs_dir=str(workspace / "journeys"))
    files = files_after_hooks(config)
    journeys = (workspace / "journeys").resolve()
    # Nothing of the journey folder, but the photos, published on purpose as pictures.
    sources = [f.src_uri for f in files if f.abs_src_path and Path(f.abs_src_path).resolve()
               .is_relative_to(journeys)]
    assert sources and all(uri.startswith("assets/journeymap/people/") for uri in sources)
    uris = {f.src_uri for f in files}
    assert {"index.md", "journeys/client-love.md", "clients/index.md",
            "clients/harbor-street-bakery.md", "clients/harbor-street-bakery/handoff.md",
            "team/index.md", "team/responsibilities.md", "team/alex-rivera.md"} <= uris
    assert {"assets/journeymap/journeymap.css", "meet/harbor-street-bakery.html",
            "clients/harbor-street-bakery/calendar.ics", "team/alex-rivera.ics",
            "journeys/client-love/workshop.html",
            "assets/journeymap/people/alex-rivera.jpg"} <= uris
    # A thousand client pages are reached through links, not listed in the navigation.
    client = files.get_file_from_path("clients/harbor-street-bakery.md")
    assert client is not None and client.inclusion == InclusionLevel.NOT_IN_NAV
    journey = files.get_file_from_path("journeys/client-love.md")
    assert journey is not None and journey.inclusion == InclusionLevel.UNDEFINED
    assert config.nav is not None and config.nav[0] == {"Home": "index.md"}
    assert config.extra_css[0] == "assets/journeymap/journeymap.css"


def test_invalid_files_stop_the_build_in_on_config(workspace: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    journey = workspace / "journeys/client-love.yml"
    journey.write_text(journey.read_text().replace("owner: sales", "ownr: sales", 1))
    config, plugin = configured(workspace)
    with caplog.at_level(logging.INFO), pytest.raises(PluginError) as error:
        plugin.on_config(config)
    assert "problem in the journey files" in str(error.value)
    assert any(record.getMessage().startswith("journeys/client-love.yml:")
               and "unknown key 'ownr'" in record.getMessage() for record in caplog.records)


def test_a_preview_keeps_its_last_good_pages_with_an_overlay_off_the_meet_pages(
        workspace: Path) -> None:
    config, plugin = configured(workspace, command="serve")
    files_after_hooks(config)
    last_good = plugin.renderer
    client = workspace / "journeys/clients/tidewater-yoga.yml"
    client.write_text(client.read_text() + "notes: |\n  Zq internal\nnot: [closed\n")
    files = files_after_hooks(config)  # the same config and plugin, as `serve` keeps them
    assert plugin.renderer is last_good and "jm-overlay" in plugin.overlay
    page = files.get_file_from_path("journeys/client-love/workshop.html")
    meet = files.get_file_from_path("meet/harbor-street-bakery.html")
    assert page is not None and meet is not None
    assert "jm-overlay" in page.content_string
    assert "jm-overlay" not in meet.content_string and "Zq internal" not in meet.content_string


def test_titles_are_text_for_the_theme_and_the_search_index(workspace: Path) -> None:
    client = workspace / "journeys/clients/harbor-street-bakery.yml"
    client.write_text(client.read_text().replace("name: Harbor Street Bakery",
                                                 'name: "Harbor & <Street> Bakery"', 1))
    config, _ = configured(workspace)
    build(config)
    site = workspace / "site"
    page = (site / "clients/harbor-street-bakery/index.html").read_text()
    assert "<title>Harbor &amp; &lt;Street&gt; Bakery" in page
    import json

    index = json.loads((site / "search/search_index.json").read_text())
    titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    assert titles["clients/harbor-street-bakery/"] == "Harbor & <Street> Bakery"


def test_an_in_process_build_and_a_rebuild_in_place(workspace: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    config, plugin = configured(workspace)
    build(config)
    site = workspace / "site"
    assert (site / "clients/harbor-street-bakery/index.html").is_file()
    assert (site / "clients/harbor-street-bakery/handoff.pdf").is_file()
    assert not list(site.rglob("*.yml"))
    first = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
    # The same site again, in place: nothing changed, so every client's file is kept.
    config = load_config(str(workspace / "mkdocs.yml"), site_dir=str(site))
    plugin = config.plugins["journeymap"]
    plugin.on_startup(command="build", dirty=True)
    with caplog.at_level(logging.INFO):
        build(config, dirty=True)
    assert any("kept from the last build" in r.getMessage() and "PDFs" in r.getMessage()
               for r in caplog.records)
    packet = site / "clients/harbor-street-bakery/handoff/index.html"
    assert packet.stat().st_mtime_ns == first[packet]
    assert AS_OF.replace("-", "") in (site / "clients/harbor-street-bakery/handoff.pdf") \
        .read_bytes().decode("latin-1")
