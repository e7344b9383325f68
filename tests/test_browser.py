"""The built example site in Debian's Chromium: content present, links work, no errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect


@pytest.fixture
def errors(page: Page) -> Iterator[list[str]]:
    """Console errors and failed requests of the page, which a test expects to be none."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(str(error)))
    # A request cut short by the test's own navigation (ERR_ABORTED) is not an error.
    page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED"
            and found.append(f"failed: {request.url} {request.failure}"))
    yield found


def test_journey_page(page: Page, example_url: str, errors: list[str]) -> None:
    page.goto(example_url + "journeys/client-love/")
    expect(page.locator("h1").first).to_have_text("Client Love Journey")
    stages = page.locator("table.jm-stages tbody tr")
    expect(stages).to_have_count(7)
    # Every touchpoint has a row, in day order within its stage, with owner and channel.
    welcome = page.locator("tr#welcome-gift")
    expect(welcome).to_contain_text("surprise")
    expect(page.locator("tr#deep-dive")).to_contain_text("Call")
    expect(page.locator("tr#signing")).to_contain_text("Day 1")
    assert page.locator("table.jm-touchpoints tbody tr").count() >= 25
    expect(page.locator(".jm-phase--advocate").first).to_be_visible()
    assert errors == []


def test_client_page(page: Page, example_url: str, errors: list[str]) -> None:
    page.goto(example_url + "clients/index.html")
    page.get_by_role("link", name="Brightwater Dental").first.click()
    expect(page.locator("h1").first).to_have_text("Brightwater Dental")
    expect(page.locator(".jm-facts")).to_contain_text("Day 50")
    team = page.locator("ul.jm-team li")
    assert team.count() >= 3
    schedule = page.locator("table.jm-schedule tbody tr")
    assert schedule.count() > 20
    expect(page.locator(".jm-schedule .jm-status--overdue").first).to_be_visible()
    expect(page.locator(".jm-schedule .jm-status--done").first).to_be_visible()
    # Photos load (a broken image has no natural width). Waited for: the click's navigation
    # does not wait for the images, and on a busy machine they came after the checks above.
    page.wait_for_load_state("load")
    images = page.locator("img.jm-avatar")
    assert images.count() > 0
    page.wait_for_function("() => [...document.querySelectorAll('img.jm-avatar')]"
                           ".every(e => e.complete)")
    widths = images.evaluate_all("els => els.map(e => e.naturalWidth)")
    assert all(w > 0 for w in widths), widths
    assert errors == []


def test_home_lists_what_is_due_and_overdue(page: Page, example_url: str,
                                            errors: list[str]) -> None:
    page.goto(example_url)
    expect(page.locator(".jm-asof")).to_contain_text("Tue 24 Nov 2026")
    expect(page.locator("#overdue + table tbody tr")).to_have_count(2)
    assert page.locator("#due + table tbody tr").count() >= 1
    page.get_by_role("link", name="Team").first.click()  # a menu: People, Who does what
    page.get_by_role("link", name="People").first.click()
    expect(page.locator(".jm-profile")).to_have_count(6)
    assert errors == []
