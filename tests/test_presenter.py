"""The workshop view's presenter mode in real Chromium: the lint findings drawn on the map
(each of the example's own, a silent gap as a band, an unserved phase, a nagging cadence),
the arrow keys stepping through the stages, zoom; hidden until the room presents."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import AS_OF, copy_workspace
from playwright.sync_api import Page, expect

from journeymap import Problem, Renderer, load_workspace
from journeymap.derive.lint import lint
from journeymap.render.overlay import inject, overlay_html

WORKSHOP = "journeys/client-love/workshop.html"


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_the_examples_findings_are_drawn_when_presenting(page: Page, example_url: str,
                                                         example_site: Path) -> None:
    loaded = load_workspace(example_site.parent, "journeys")
    journey = loaded.workspace.journeys["client-love"]
    own = [p for p in lint(loaded.workspace, dt.date.fromisoformat(AS_OF))
           if p.path == journey.path]
    assert len(own) >= 3  # the example has findings of its own (feedback, late work)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(example_url + WORKSHOP)
    flags = page.locator(".jm-pm-flag")
    assert flags.count() >= len(own)
    expect(flags.first).to_be_hidden()  # nothing of it before the room presents
    page.keyboard.press("p")
    expect(page.locator(".jm-pm-toggle")).to_have_attribute("aria-pressed", "true")
    shown = [squeeze(t) for t in page.locator(".jm-pm-flag:visible").all_text_contents()]
    for problem in own:
        assert any(squeeze(problem.message) in text for text in shown), problem
    # A finding about a touchpoint sits on its card, outlined.
    cards = page.locator(".jm-map-card.jm-pm-flagged")
    flagged = {c.get_attribute("data-touchpoint") for c in cards.all()}
    assert {m.group(1) for p in own if (m := re.match(r"touchpoint '([a-z0-9-]+)'",
                                                     p.message))} <= flagged
    expect(page.locator(".jm-pm-status")).to_contain_text(f"{len(own)} findings on the map")
    page.keyboard.press("Escape")
    expect(flags.first).to_be_hidden()


def test_arrow_keys_step_through_the_stages_and_zoom(page: Page, example_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(example_url + WORKSHOP)
    page.get_by_role("button", name="Present").click()
    status = page.locator(".jm-pm-status")
    expect(status).to_contain_text("All stages")
    current = page.locator(".jm-map-stage.jm-pm-current")
    for key, stage, words in (("ArrowRight", "pre-game", "Stage 1 of 7: Pre-game"),
                              ("ArrowRight", "first-week", "Stage 2 of 7: Days 1-7"),
                              ("ArrowRight", "first-month", "Stage 3 of 7: Days 8-30"),
                              ("ArrowLeft", "first-week", "Stage 2 of 7: Days 1-7")):
        page.keyboard.press(key)
        expect(current).to_have_attribute("data-stage", stage)
        expect(status).to_contain_text(words)
        # Every cell of the other stages is dimmed, this stage's cards and notes are not.
        expect(page.locator(f'.jm-map-cards[data-stage="{stage}"]')).not_to_have_class(
            re.compile("jm-pm-dim"))
        dimmed = page.locator(".jm-map-cards.jm-pm-dim")
        expect(dimmed).to_have_count(6)
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(current).to_have_attribute("data-stage", "every-year")  # stops at the last
    size = page.locator(".jm-map-grid").bounding_box()
    page.keyboard.press("+")
    expect(status).to_contain_text("zoom 125%")
    bigger = page.locator(".jm-map-grid").bounding_box()  # as wide as its frame, but taller
    assert size and bigger and bigger["height"] > size["height"] * 1.15
    page.keyboard.press("0")
    page.keyboard.press("Home")
    expect(current).to_have_count(0)
    expect(status).to_contain_text("All stages")


@pytest.fixture
def troubled(tmp_path: Path) -> Path:
    """The example with a stricter silence rule (10 quiet days at most, so its two-week
    stretches count), a cadence that nags, and no touchpoint left in the adopt phase."""
    ws = copy_workspace(tmp_path / "ws")
    file = ws / "journeys/client-love.yml"
    text = file.read_text()
    for old, new in (("title: Client Love Journey\n",
                      "title: Client Love Journey\nlint:\n  first-100-days-gap: {days: 10}\n"),
                     ("    repeat: {every: 7, times: 3}\n    owner: sales\n",
                      "    repeat: {every: 7, times: 6}\n    owner: sales\n")):
        assert text.count(old) == 1
        text = text.replace(old, new)
    text = text.replace("    phase: adopt\n", "    phase: advocate\n")
    text = text.replace("phases: [adopt]", "phases: [adopt, advocate]")
    file.write_text(text)
    return ws


def test_a_gap_an_unserved_phase_and_a_nagging_cadence(page: Page, troubled: Path) -> None:
    loaded = load_workspace(troubled, "journeys")
    assert not loaded.errors, loaded.errors
    as_of = dt.date.fromisoformat(AS_OF)
    findings = lint(loaded.workspace, as_of)
    rules = {p.rule for p in findings}
    assert {"first-100-days-gap", "missing-phase", "nagging-cadence"} <= rules, rules
    renderer = Renderer(loaded.workspace, as_of, findings=findings)
    html = troubled / "workshop.html"
    html.write_text(renderer.workshop_html(loaded.workspace.journeys["client-love"]))
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(html.as_uri())
    gaps = [p for p in findings if p.rule == "first-100-days-gap"]
    bands = page.locator(".jm-pm-gap")
    expect(bands.first).to_be_hidden()
    page.keyboard.press("p")
    # Each silence as a band across its days, in the columns of the stages they fall in.
    for gap in gaps:
        first, last = (int(d) for d in gap.about[1:])
        stage = next(s for s in loaded.workspace.journeys["client-love"].stages
                     if s.holds(first))
        band = page.locator(f'.jm-map-curve[data-stage="{stage.id}"] .jm-pm-gap'
                            f'[title="{gap.message}"]')
        expect(band).to_be_visible()
        box = band.bounding_box()
        column = page.locator(f'.jm-map-curve[data-stage="{stage.id}"]').bounding_box()
        assert box and column and column["x"] <= box["x"] < box["x"] + box["width"] <= (
            column["x"] + column["width"] + 1)
        assert first <= last
    # Adopt, listed by Six months, has no touchpoint: its chip is marked there.
    empty = page.locator('.jm-map-phases[data-stage="six-months"] .jm-phase--adopt')
    expect(empty).to_have_class(re.compile("jm-pm-empty"))
    expect(empty).to_contain_text("no touchpoint")
    # The follow-up that repeats six times is flagged on its card.
    expect(page.locator('.jm-map-card[data-touchpoint="follow-up"] '
                        '.jm-pm-flag[data-rule="nagging-cadence"]')).to_contain_text(
        "repeats 6 times")
    page.screenshot(path=troubled / "presenting.png", full_page=True)


def test_the_error_banner_leaves_the_map_readable(page: Page, tmp_path: Path) -> None:
    # Three problems with their lines, as the live preview shows them over the last good map:
    # a banner across the top, a third of the screen at most, the map's cards below it.
    ws = copy_workspace(tmp_path / "ws")
    loaded = load_workspace(ws, "journeys")
    journey = loaded.workspace.journeys["client-love"]
    problems = [Problem(journey.path, line, 5, f"unknown key 'ownr{line}'")
                for line in (120, 160, 200)]
    html = inject(Renderer(loaded.workspace, dt.date.fromisoformat(AS_OF)).workshop_html(
        journey), overlay_html(ws, problems))
    (ws / "page.html").write_text(html)
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto((ws / "page.html").as_uri())
        banner = page.locator(".jm-overlay")
        expect(banner).to_contain_text("3 problems in the journey files")
        box = banner.bounding_box()
        assert box and box["height"] <= 0.35 * 1000 and box["width"] >= 0.95 * width
        card = page.locator(".jm-map-card").first
        card.scroll_into_view_if_needed()
        spot = card.bounding_box()
        assert spot and spot["y"] > box["height"]  # not under the banner
        hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest("
                            "'.jm-map-card') !== null",
                            [spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2])
        assert hit
        page.screenshot(path=tmp_path / f"banner-{width}.png")
