"""The example site shows what happened: the actual curve beside the intended one (and its
table), each client's answers against the plan, who stayed, and whether the plan was kept;
the client who left shows as left everywhere; none of it reaches a meet page."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from playwright.sync_api import Page


def text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def row(html: str, touchpoint: str) -> str:
    found = re.search(rf'<tr data-touchpoint="{touchpoint}">(.*?)</tr>', html, re.S)
    assert found, touchpoint
    return text(found.group(1))


def test_the_journey_page_sets_actual_against_planned(example_site: Path) -> None:
    html = (example_site / "journeys/client-love/index.html").read_text()
    # Day 30 review: planned 4, answers 2, 3, 3, 3, 4 (five clients).
    assert row(html, "day-30-review").split() == [
        "Day", "30", "review", "Day", "30", "4", "3", "1", "below", "plan", "3", "to", "3", "5"]
    assert "below plan" not in row(html, "welcome-gift")  # planned 5, felt 5 (median of 5)
    assert row(html, "welcome-gift").split()[-1] == "5"
    # On the map: a median mark for each answered touchpoint, the ones below plan marked so.
    marks = re.findall(r'class="jm-curve-actual( jm-curve-actual--below)?" '
                       r'data-touchpoint="([a-z0-9-]+)"', html)
    below = {tp for flag, tp in marks if flag}
    assert below == {"kickoff", "weekly-check-in", "day-30-review"}
    assert {tp for _, tp in marks} >= {"welcome-gift", "day-60-review", "day-100-lunch"}
    # Retention as of 2026-11-24: Marlow & Moss left 94 days after signing, when three
    # clients had been with us that long (Fern & Fold, Marlow & Moss, Tidewater: the others
    # signed less than 94 days ago, and are not counted as lost): 2/3 after that.
    retention = re.search(r'<table class="jm-table jm-retention">(.*?)</table>', html, re.S)
    assert retention
    assert text(retention.group(1)).split("Still with us")[1].strip().split(" ") == [
        "100\u00a0%", "100\u00a0%", "67\u00a0%", "67\u00a0%", "Rests", "on", "5", "clients",
        "4", "clients", "2", "clients", "1", "client"]
    # The data-driven lint findings are on the page.
    assert "[felt-below-plan]" not in html and "felt-below-plan" in html
    assert "often-late" in html


def test_the_home_shows_the_first_100_day_figure(example_site: Path) -> None:
    html = text((example_site / "index.html").read_text())
    assert "67\u00a0% still with us after 100 days (2 clients that far; 1 left)" in html


def test_the_client_who_left_shows_as_left(example_site: Path) -> None:
    page = text((example_site / "clients/marlow-and-moss/index.html").read_text())
    assert "Left on 12 Jun 2026" in page
    assert "Moved to a cheaper firm" in page
    assert "Lots of numbers; I still do not know what to change." in page
    assert "0 overdue, 0 due this week, 0 to come, 6 missed, 4 skipped" in page
    assert "Skipped Jonah was off sick and nobody covered the call." in page
    listed = text((example_site / "clients/index.html").read_text())
    assert "Marlow & Moss Flowers Client Love Journey Tue 10 Mar 2026 Day 260 Left on 12 Jun " \
        "2026 0 0" in listed
    kept = text((example_site / "plan-kept/index.html").read_text())
    assert "Marlow & Moss Flowers Fri 12 Jun 2026" in kept
    assert "Day 90 results review (Sun 7 Jun 2026, 5 days before)" in kept
    assert "Gentle follow-up" not in kept.split("who left")[-1]  # skipped, before signing


def test_no_outcome_reaches_a_meet_page(example_site: Path) -> None:
    for meet in (example_site / "meet").glob("*.html"):
        html = meet.read_text()
        for words in ("Lots of numbers", "cheaper firm", "Left on", "below plan",
                      "still with us after", "nobody covered", "Biscuit has claimed"):
            assert words not in html, (meet.name, words)


def test_the_pages_at_two_widths(page: Page, example_url: str, tmp_path: Path) -> None:
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(example_url + "journeys/client-love/")
        mark = page.locator('.jm-curve-actual[data-touchpoint="day-30-review"]')
        point = page.locator('.jm-curve-point[data-touchpoint="day-30-review"]')
        m, p = mark.bounding_box(), point.bounding_box()
        assert m and p
        # Beside the intended point, lower on the curve (felt 3 against 4), not on top of it.
        assert m["x"] > p["x"] + p["width"] / 2 - 1
        assert m["y"] > p["y"]
        page.screenshot(path=str(tmp_path / f"map-{width}.png"))
