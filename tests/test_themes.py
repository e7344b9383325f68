"""The example builds, without a warning, with MkDocs' default theme and with mkdocs-material,
and the journey map keeps its shape in both, on a phone, a laptop and a large screen: the
example's map, and a restaurant's eight stages of long words (tests/fixtures/map)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, copy_workspace, run, serve_folder
from playwright.sync_api import Page
from test_map import check_fit, check_geometry

from journeymap.model import Journey, Workspace
from journeymap.workspace.load import load_workspace

GUEST = REPO / "tests" / "fixtures" / "map" / "guest-journey.yml"
WIDTHS = {390: 844, 1280: 800, 1920: 1080}
STACKED_BELOW = 600  # px wide: a phone, where the stages stack

THEMES = {
    "mkdocs": "theme:\n  name: mkdocs\n  highlightjs: false\n",
    # font: false: Material would fetch Google Fonts, and this machine is offline.
    "material": "theme:\n  name: material\n  font: false\n  features: [navigation.tabs]\n",
}


def with_theme(mkdocs_yml: Path, theme: str) -> None:
    text = mkdocs_yml.read_text()
    start = text.index("theme:")
    # Replace the whole `theme:` block (its indented lines) with the chosen one.
    lines = text[start:].splitlines(keepends=True)
    block = 1
    while block < len(lines) and lines[block].startswith((" ", "\t")):
        block += 1
    end = start + sum(len(line) for line in lines[:block])
    mkdocs_yml.write_text(text[:start] + THEMES[theme] + text[end:])


@pytest.fixture(scope="module", params=sorted(THEMES))
def themed_site(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    theme = request.param
    ws = copy_workspace(tmp_path_factory.mktemp(f"theme-{theme}"))
    (ws / "journeys" / GUEST.name).write_bytes(GUEST.read_bytes())
    with_theme(ws / "mkdocs.yml", theme)
    result = run(["mkdocs", "build", "--strict"], ws,
                 env={"SOURCE_DATE_EPOCH": "1795478400", "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    assert "WARNING -" not in result.stderr and "WARNING  -" not in result.stderr, result.stderr
    html = (ws / "site" / "journeys" / "client-love" / "index.html").read_text()
    assert ("md-typeset" in html) == (theme == "material")
    for url in serve_folder(ws / "site"):
        yield theme, url


@pytest.fixture(scope="module")
def journeys(example_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, Journey]:
    """The example's journey and the guest journey, as the themed sites show them."""
    root = tmp_path_factory.mktemp("guest")
    (root / "journeys").mkdir()
    (root / "journeys" / GUEST.name).write_bytes(GUEST.read_bytes())
    loaded = load_workspace(root, "journeys")
    assert not loaded.errors, loaded.errors
    return {"client-love": example_workspace.journeys["client-love"],
            "guest-journey": loaded.workspace.journeys["guest-journey"]}


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("journey_id", ["client-love", "guest-journey"])
def test_the_journey_map_keeps_its_shape(page: Page, themed_site: tuple[str, str],
                                         journeys: dict[str, Journey], journey_id: str,
                                         width: int,
                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    theme, url = themed_site
    journey = journeys[journey_id]
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    page.goto(url + f"journeys/{journey_id}/")
    check_geometry(page, journey)
    check_fit(page, journey, stacked=width < STACKED_BELOW)
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / f"{theme}-{journey_id}-{width}.png")
    page.locator(".jm-map").screenshot(path=shots / f"{theme}-{journey_id}-{width}-map.png")


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("journey_id", ["client-love", "guest-journey"])
def test_the_workshop_view_keeps_its_shape(page: Page, themed_site: tuple[str, str],
                                           journeys: dict[str, Journey], journey_id: str,
                                           width: int,
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    """The workshop view (the site's own page, whatever the theme): on a projector
    (1920 x 1080) it shows the whole map without scrolling."""
    theme, url = themed_site
    journey = journeys[journey_id]
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    page.goto(url + f"journeys/{journey_id}/workshop.html")
    found = check_geometry(page, journey)
    check_fit(page, journey, stacked=width < STACKED_BELOW)
    if width == 1920:
        assert not found["scrolls"]
        # The map down to its cards fits the screen; the wall's lanes come below it (as in
        # test_map's projector test).
        size = page.evaluate("[document.documentElement.scrollWidth, Math.max(...[...document"
                             ".querySelectorAll('.jm-map-cards')].map(e => e.getBoundingClient"
                             "Rect().bottom))]")
        assert size[0] <= 1920 and size[1] <= 1080, f"the workshop view needs {size} to show"
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / f"workshop-{theme}-{journey_id}-{width}.png", full_page=True)


@pytest.mark.parametrize("path", ["", "clients/", "team/", "team/responsibilities/",
                                  "clients/harbor-street-bakery/"])
def test_pages_load_with_their_styles(page: Page, themed_site: tuple[str, str],
                                      path: str) -> None:
    _, url = themed_site
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url + path)
    assert page.locator(".jm h1").count() == 1
    # journeymap's stylesheet applies, and theme/brand.css after it, overriding the accent.
    def prop(name: str) -> str:
        return str(page.evaluate(f"getComputedStyle(document.querySelector('.jm'))"
                                 f".getPropertyValue('{name}').trim()"))

    assert prop("--jm-muted") == "#626970"  # not in brand.css: the package default
    assert prop("--jm-accent") == "#2f6f73"
    assert errors == []

