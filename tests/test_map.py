"""The journey map: its layout numbers, and its geometry in a real Chromium."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from journeymap import Renderer
from journeymap.model import Journey, Workspace
from journeymap.render.map_layout import column_widths, journey_map, spread
from journeymap.render.view import short_label
from journeymap.workspace.load import load_workspace


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


@pytest.mark.parametrize(("label", "short"), [
    ("Owner", "Owner"),
    ("Front-of-house host", "Front-of-house host"),  # 19 characters: fits
    ("Partnerships and marketing manager", "Partnerships\u2026"),  # never "... and…"
    ("Events and catering coordinator", "Events and catering\u2026"),
    ("Head of guest-relations planning", "Head of guest\u2026"),  # a hyphen ends a word
    ("Gästezufriedenheitsbeauftragte", "Gästezufriedenheits\u2026"),  # one long word: cut
])
def test_short_label_keeps_whole_words(label: str, short: str) -> None:
    assert short_label(label) == short
    assert len(short_label(label)) <= 20


GUEST = Path(__file__).parent / "fixtures" / "map" / "guest-journey.yml"


@pytest.fixture(scope="module")
def guest_map(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The journey page of the restaurant's guest journey (roles `pm`, `owner`, ...), as HTML."""
    root = tmp_path_factory.mktemp("guest")
    (root / "journeys").mkdir()
    (root / "journeys" / GUEST.name).write_bytes(GUEST.read_bytes())
    loaded = load_workspace(root, "journeys")
    assert not loaded.errors, loaded.errors
    renderer = Renderer(loaded.workspace, dt.date(2026, 12, 1))
    page = next(p for p in renderer.pages() if p.key == "journeys/guest-journey")
    html = renderer.render(page)
    return html[html.index('<figure class="jm-map"'):html.index("</figure>")]


def test_map_cards_name_the_role_by_its_label(guest_map: str) -> None:
    """A card's owner is the role's label from the journey's `roles:`, cut to its first words
    if long (the whole label its tooltip), never the role's id title-cased ("Pm")."""
    owners = re.findall(r'<span class="jm-map-owner" title="([^"]*)">([^<]*)</span>', guest_map)
    by_title = dict(owners)
    assert by_title == {
        "Partnerships and marketing manager": "Partnerships\u2026",
        "Events and catering coordinator": "Events and catering\u2026",
        "Front-of-house host": "Front-of-house host",
        "Chef": "Chef",
        "Owner": "Owner",
    }
    assert ">Pm<" not in guest_map and ">Sales<" not in guest_map


def test_map_legend_names_each_role_once_by_its_label(guest_map: str) -> None:
    legend = guest_map[guest_map.index('<ul class="jm-map-legend"'):]
    roles = re.findall(r'<span class="jm-swatch"[^>]*></span>([^<]*)</li>', legend)
    assert roles == ["Partnerships and marketing manager", "Owner", "Front-of-house host",
                     "Chef", "Events and catering coordinator"]
    assert "(Owner)" not in legend and "Pm" not in legend


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


# How the map fits the page: words broken inside, cards clipped, the frame, the layout, the
# curve's pieces. Words are measured on screen: a word (a run of letters up to a space, a
# hyphen, a dash, a slash or a soft hyphen) whose first and last letters lie on different
# lines was broken inside, unless it is wider than a card filling the whole frame could be,
# the one case where breaking it is right (a column grows to fit any other word).
FIT = """() => {
  const box = e => e.getBoundingClientRect();
  const frame = document.querySelector('.jm-map-scroll');
  const f = box(frame), fs = getComputedStyle(frame);
  // A word may break only if it would not fit even a card as wide as the frame.
  const room = frame.clientWidth - 64;
  const broken = [];
  const texts = '.jm-map-card-title, .jm-map-card-meta, .jm-map-channel, .jm-mark, ' +
                '.jm-map-stage a, .jm-map-stage small, .jm-phase, .jm-map-aim, .jm-map-lane';
  for (const element of frame.querySelectorAll(texts)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
      for (const m of node.data.matchAll(/[^\\s\\u00ad\\-\\u2013\\u2014\\/]+/g)) {
        // The line of a word's first and of its last character (the last box of each: a
        // hyphen the browser draws at a soft hyphen comes before the character after it).
        const line = (start) => {
          const range = document.createRange();
          range.setStart(node, start);
          range.setEnd(node, start + 1);
          const rects = [...range.getClientRects()].filter(r => r.width > 0);
          return rects.length ? Math.round(rects[rects.length - 1].bottom) : null;
        };
        const lines = new Set([line(m.index), line(m.index + m[0].length - 1)]);
        if (lines.size < 2) continue;
        const probe = document.createElement('span');
        probe.style.whiteSpace = 'nowrap';
        probe.textContent = m[0];
        node.parentElement.append(probe);
        const wide = box(probe).width;
        probe.remove();
        if (wide <= room) broken.push(`${m[0]} (in ${node.data.trim()})`);
      }
    }
  }
  // Where everything lies across the frame's content, scrolled or not.
  const across = r => [r.left - f.left - frame.clientLeft + frame.scrollLeft,
                       r.right - f.left - frame.clientLeft + frame.scrollLeft];
  const cards = [...frame.querySelectorAll('.jm-map-card')].map(card => {
    const r = box(card), [left, right] = across(r);
    const title = card.querySelector('.jm-map-card-title');
    const size = parseFloat(getComputedStyle(title).fontSize);
    return {id: card.dataset.touchpoint, left, right, width: r.width, size};
  });
  const clipping = [];
  for (let e = frame.parentElement; e && e !== document.documentElement; e = e.parentElement) {
    const o = getComputedStyle(e).overflowX;
    if (o !== 'visible') {
      const r = box(e);
      if (f.left < r.left - 0.5 || f.right > r.right + 0.5) clipping.push(e.className || e.tagName);
    }
  }
  const stages = [...frame.querySelectorAll('.jm-map-stage')].map(s => {
    const r = box(s); return {id: s.dataset.stage, left: r.left, right: r.right, top: r.top,
                              bottom: r.bottom};
  });
  const pieces = [...frame.querySelectorAll('.jm-map-curve')].map(c => {
    const r = box(c); return {stage: c.dataset.stage, left: r.left, right: r.right, top: r.top,
                              bottom: r.bottom, label: c.getAttribute('aria-label')};
  });
  const points = [...frame.querySelectorAll('.jm-curve-point')].map(p => {
    const r = box(p), piece = p.closest('.jm-map-curve');
    return {id: p.dataset.touchpoint, stage: p.dataset.stage, piece: piece && piece.dataset.stage,
            x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2};
  });
  const cells = [...frame.querySelectorAll(
      '.jm-map-stage, .jm-map-phases, .jm-map-aim, .jm-map-lane')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className);
  return {broken, cards, clipping, stages, pieces, points, cells,
          frame: {left: f.left, right: f.right, scrollWidth: frame.scrollWidth,
                  clientWidth: frame.clientWidth, overflow: fs.overflowX,
                  border: parseFloat(fs.borderLeftWidth), tabindex: frame.getAttribute('tabindex'),
                  role: frame.getAttribute('role'), label: frame.getAttribute('aria-label')},
          viewport: document.documentElement.clientWidth};
}"""


def check_fit(page: Page, journey: Any, stacked: bool) -> dict[str, Any]:
    """The map on screen: no word broken inside that would fit its box, no card clipped (each
    lies inside what its frame scrolls to, and the frame scrolls if it must), the frame visible
    and reachable from the keyboard, every card readable, the stages side by side or stacked
    as asked, and each piece of the curve in its own stage's column with its points in it."""
    found: dict[str, Any] = page.evaluate(FIT)
    frame = found["frame"]
    assert found["broken"] == [], "words broken inside"
    assert found["cells"] == [], "text sticks out of a stage's cell"
    assert frame["border"] >= 1 and frame["tabindex"] == "0" and frame["role"] == "region"
    assert frame["label"], "the scroll frame has no name"
    assert found["clipping"] == [] and -0.5 <= frame["left"] <= frame["right"] <= \
        found["viewport"] + 0.5, "the map's frame is cut off by the page"
    if frame["scrollWidth"] > frame["clientWidth"] + 1:
        assert frame["overflow"] in ("auto", "scroll"), "the map is wider than its frame"
    for card in found["cards"]:
        assert card["left"] >= -0.5 and card["right"] <= frame["scrollWidth"] + 0.5, \
            f"{card['id']} lies outside what the frame scrolls to"
        assert card["size"] >= 12 and card["width"] >= 7 * card["size"], \
            f"{card['id']} is too small to read: {card['width']:.0f} px, {card['size']} px type"
    stages = found["stages"]
    assert [s["id"] for s in stages] == [s.id for s in journey.stages]
    pairs = list(zip(stages, stages[1:], strict=False))
    if stacked:
        assert all(abs(a["left"] - b["left"]) < 1 and b["top"] >= a["bottom"] for a, b in pairs)
    else:
        assert all(abs(a["top"] - b["top"]) < 1 and b["left"] >= a["right"] - 1 for a, b in pairs)
    by_stage = {s["id"]: s for s in stages}
    assert [p["stage"] for p in found["pieces"]] == [s.id for s in journey.stages]
    for piece in found["pieces"]:
        stage = by_stage[piece["stage"]]
        assert abs(piece["left"] - stage["left"]) < 1.5
        assert abs(piece["right"] - stage["right"]) < 1.5
        assert piece["label"].startswith("Emotion curve, ")
    pieces = {p["stage"]: p for p in found["pieces"]}
    for point in found["points"]:
        piece = pieces[point["stage"]]
        assert point["piece"] == point["stage"], f"{point['id']} is drawn in another stage"
        assert piece["left"] <= point["x"] <= piece["right"] and \
            piece["top"] <= point["y"] <= piece["bottom"], f"{point['id']} is off its stage's curve"
    return found


def test_the_curve_pieces_tile_the_whole_curve(journey: Any) -> None:
    """Each column's piece of the curve is its window onto the whole: side by side, the
    windows meet, so the line runs on from one column into the next."""
    m = journey_map(journey)
    boxes = [tuple(map(float, c.view_box.split())) for c in m.columns]
    assert boxes[0][0] == 0 and boxes[-1][0] + boxes[-1][2] == pytest.approx(1000, abs=0.01)
    for (x, _, w, _), (next_x, *_) in zip(boxes, boxes[1:], strict=False):
        assert x + w == pytest.approx(next_x, abs=0.01)
    assert all(y == 0 and h == 100 for _, y, _, h in boxes)
    for column in m.columns:
        for point in m.points_in(column):
            assert 0 < column.across(point.x) < 100


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800), (390, 844)])
def test_map_geometry_on_the_journey_page(
    page: Page, example_url: str, journey: Any, size: tuple[int, int],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(example_url + "journeys/client-love/")
    check_geometry(page, journey)
    check_fit(page, journey, stacked=size[0] < 600)
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.locator(".jm-map").screenshot(path=shots / f"map-{size[0]}x{size[1]}.png")


def test_workshop_view_fills_a_projector(page: Page, example_url: str, journey: Any) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(example_url + "journeys/client-love/workshop.html")
    found = check_geometry(page, journey)
    check_fit(page, journey, stacked=False)
    assert not found["scrolls"]
    # The map down to its cards fits the screen; the workshop wall's lanes (the example has
    # six) come below, where the room scrolls to them. A journey without lanes has no rows
    # for them at all (tests/test_lanes.py).
    size = page.evaluate("[document.documentElement.scrollWidth, Math.max(...[...document"
                         ".querySelectorAll('.jm-map-cards')].map(e => e.getBoundingClientRect()"
                         ".bottom))]")
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
