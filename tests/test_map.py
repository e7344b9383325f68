"""The journey map: its layout numbers, and its geometry in a real Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from journeymap.model import Journey, Workspace
from journeymap.render.map_layout import column_widths, journey_map, spread


@pytest.fixture(scope="module")
def journey(example_workspace: Workspace) -> Journey:
    return example_workspace.journeys["client-love"]


def test_columns_share_the_width_and_keep_the_first_week_readable(journey: Any) -> None:
    m = journey_map(journey)
    assert sum(c.width for c in m.columns) == pytest.approx(100)
    widths = {c.stage.id: c.width for c in m.columns}
    # 7 days against 165: proportional would give the first week 1.7% of the width.
    assert widths["first-week"] > 10
    assert widths["every-year"] > widths["first-week"]
    lefts = [c.left for c in m.columns]
    assert lefts == sorted(lefts) and lefts[0] == 0


def test_one_curve_point_per_touchpoint_with_a_feel_inside_its_column(journey: Any) -> None:
    m = journey_map(journey)
    felt = [tp.id for tp in journey.touchpoints if tp.feel is not None]
    assert sorted(p.touchpoint.id for p in m.points) == sorted(felt)
    columns = {c.stage.id: c for c in m.columns}
    for point in m.points:
        column = columns[point.stage]
        assert column.left < point.x < column.left + column.width
        assert point.y == pytest.approx(86 - (point.feel - 1) * 18)
    assert m.curve_path.startswith("M") and m.curve_path.count("L") == len(m.points) - 1


def test_spread_keeps_order_and_bounds() -> None:
    assert spread([10, 10, 10], 0, 100) == pytest.approx([10, 11.8, 13.6])
    crowded = spread([9, 9.5, 10], 0, 10)
    assert crowded == sorted(crowded) and crowded[-1] <= 10
    assert all(b - a >= 1.8 - 1e-9 for a, b in zip(crowded, crowded[1:], strict=False))
    assert spread([], 0, 1) == []


def test_no_stage_and_no_cards() -> None:
    assert column_widths((), []) == []


GEOMETRY = """() => {
  const box = e => e.getBoundingClientRect();
  const stages = {};
  for (const s of document.querySelectorAll('.jm-map-stage')) {
    const r = box(s); stages[s.dataset.stage] = [r.left, r.right];
  }
  const cards = [];
  for (const list of document.querySelectorAll('.jm-map-cards')) {
    const l = box(list);
    for (const card of list.querySelectorAll('.jm-map-card')) {
      const c = box(card);
      const overflowing = [card, ...card.querySelectorAll('*')].filter(
        e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline');
      cards.push({id: card.dataset.touchpoint, stage: list.dataset.stage,
                  inside: c.left >= l.left - 0.5 && c.right <= l.right + 0.5
                          && c.top >= l.top - 0.5 && c.bottom <= l.bottom + 0.5,
                  overflow: overflowing.length});
    }
  }
  const points = [...document.querySelectorAll('.jm-curve-point')].map(p => {
    const r = box(p); return {id: p.dataset.touchpoint, stage: p.dataset.stage,
                              x: (r.left + r.right) / 2};
  });
  const grid = document.querySelector('.jm-map-scroll');
  return {stages, cards, points, scrolls: grid.scrollWidth > grid.clientWidth + 1};
}"""


def check_geometry(page: Page, journey: Any) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(GEOMETRY)
    assert sorted(c["id"] for c in found["cards"]) == sorted(t.id for t in journey.touchpoints)
    for card in found["cards"]:
        assert card["inside"], f"{card['id']} sticks out of its stage's column"
        assert card["overflow"] == 0, f"text overflows in {card['id']}"
        assert card["stage"] == journey.touchpoint(card["id"]).stage
    felt = sorted(t.id for t in journey.touchpoints if t.feel is not None)
    assert sorted(p["id"] for p in found["points"]) == felt
    for point in found["points"]:
        left, right = found["stages"][point["stage"]]
        assert left <= point["x"] <= right, f"{point['id']} is outside its stage on the curve"
    return found


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)])
def test_map_geometry_on_the_journey_page(
    page: Page, example_url: str, journey: Any, size: tuple[int, int],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(example_url + "journeys/client-love/")
    check_geometry(page, journey)
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.locator(".jm-map").screenshot(path=shots / f"map-{size[0]}x{size[1]}.png")


def test_workshop_view_fills_a_projector(page: Page, example_url: str, journey: Any) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(example_url + "journeys/client-love/workshop.html")
    found = check_geometry(page, journey)
    assert not found["scrolls"]
    size = page.evaluate("[document.documentElement.scrollWidth, "
                         "document.documentElement.scrollHeight]")
    assert size[0] <= 1920 and size[1] <= 1080, f"the workshop view needs {size} to show"
    assert page.locator("style").count() == 1 and page.locator("link[rel=stylesheet]").count() == 0
    page.get_by_role("link", name="the journey page").click()
    page.wait_for_url("**/journeys/client-love/")


def test_map_prints_on_landscape_a4(page: Page, example_url: str, tmp_path: Any) -> None:
    page.goto(example_url + "journeys/client-love/workshop.html")
    pdf = tmp_path / "map.pdf"
    page.pdf(path=pdf, prefer_css_page_size=True, print_background=True)
    import subprocess

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (float(x) for x in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height  # landscape
    assert "Pages:           1" in info
