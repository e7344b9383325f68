"""Editing under `journeymap serve`: the endpoints refuse anything foreign, and the map's
editor in real Chromium writes exactly the expected text to the files on disk.

One served workspace for the module: each test starts from the files as the one before left
them, reads them first, and compares the whole file afterwards.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BIN, copy_workspace, run
from playwright.sync_api import Page, expect
from test_serve import _free_port, _get, _wait

JOURNEY = "journeys/client-love.yml"
MAP = "journeys/client-love/"


class Served:
    def __init__(self, ws: Path, port: int, log: Path) -> None:
        self.ws, self.port, self.log = ws, port, log
        self.url = f"http://127.0.0.1:{port}/"

    def text(self, rel: str = JOURNEY) -> str:
        return (self.ws / rel).read_text()

    def token(self) -> str:
        found = re.search(r'name="journeymap-edit-token" content="([^"]+)"', _get(self.url + MAP))
        assert found
        return found.group(1)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read().decode()
        connection.close()
        return response.status, data


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("edit")
    ws = copy_workspace(tmp / "ws")
    port = _free_port()
    log = tmp / "serve.log"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795478400"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "journeymap"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=ws, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            _wait(lambda: "Client Love Journey" in _get(f"http://127.0.0.1:{port}/{MAP}"), 90)
            yield Served(ws, port, log)
        finally:
            process.terminate()
            process.wait(timeout=10)


def _check_clean(served: Served) -> None:
    result = run(["journeymap", "check"], served.ws)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()
    fmt = run(["journeymap", "fmt", "--check"], served.ws)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


# ---- the endpoints ------------------------------------------------------------------------


def _edit_body(served: Served) -> bytes:
    state = _state(served)
    return json.dumps({"op": "touchpoint.set", "journey": "client-love", "id": "kickoff",
                       "hash": state["journeys"]["client-love"]["hash"],
                       "fields": {"emotion": "hijacked"}}).encode()


def _state(served: Served) -> dict[str, Any]:
    status, data = served.request("GET", "/_journeymap/state", headers={
        "Host": f"127.0.0.1:{served.port}", "X-Journeymap-Token": served.token()})
    assert status == 200, data
    result: dict[str, Any] = json.loads(data)
    return result


@pytest.mark.parametrize("change", [
    {"Host": "evil.example"},  # DNS rebinding: another name pointed at 127.0.0.1
    {"Host": "127.0.0.1:1"},  # another port's server
    {"Origin": "http://evil.example"},
    {"Origin": None},
    {"Sec-Fetch-Site": "cross-site"},
    {"X-Journeymap-Token": None},
    {"X-Journeymap-Token": "guessed"},
    {"Content-Type": "text/plain"},
    {"Content-Type": "application/x-www-form-urlencoded"},
])
def test_foreign_requests_get_403_and_write_nothing(served: Served,
                                                    change: dict[str, str | None]) -> None:
    before = served.text()
    own = f"127.0.0.1:{served.port}"
    headers: dict[str, str | None] = {
        "Host": own, "Origin": f"http://{own}", "Sec-Fetch-Site": "same-origin",
        "X-Journeymap-Token": served.token(), "Content-Type": "application/json", **change}
    body = _edit_body(served)
    status, data = served.request("POST", "/_journeymap/edit", body,
                                  {k: v for k, v in headers.items() if v is not None})
    assert status == 403, data
    time.sleep(0.2)
    assert served.text() == before


def test_the_same_request_with_everything_right_is_accepted(served: Served) -> None:
    before = served.text()
    own = f"127.0.0.1:{served.port}"
    status, data = served.request("POST", "/_journeymap/edit", _edit_body(served), {
        "Host": own, "Origin": f"http://{own}", "X-Journeymap-Token": served.token(),
        "Content-Type": "application/json"})
    assert status == 200, data
    assert served.text() == before.replace("    emotion: energised\n",
                                           "    emotion: hijacked\n", 1)
    status, data = served.request("POST", "/_journeymap/edit", json.dumps(
        {"op": "undo"}).encode(), {"Host": own, "Origin": f"http://{own}",
                                   "X-Journeymap-Token": served.token(),
                                   "Content-Type": "application/json"})
    assert status == 200, data
    assert served.text() == before


def test_state_needs_the_token(served: Served) -> None:
    status, _ = served.request("GET", "/_journeymap/state",
                               headers={"Host": f"127.0.0.1:{served.port}"})
    assert status == 403


def test_only_the_pages_it_edits_carry_the_editor(served: Served) -> None:
    assert "journeymap-edit-token" in _get(served.url + MAP + "workshop.html")
    assert "journeymap-edit-token" in _get(served.url + "clients/harbor-street-bakery/")
    for path in ("meet/harbor-street-bakery.html", "", "team/"):  # the client's own page
        assert "journeymap-edit-token" not in _get(served.url + path), path


def test_the_built_site_has_no_editor(example_site: Path) -> None:
    for page in example_site.rglob("*.html"):
        text = page.read_text()
        assert "_journeymap/" not in text and "journeymap-edit-token" not in text, page


# ---- the editor in Chromium ----------------------------------------------------------------


def _caught_up(served: Served) -> bool:
    """Whether the server's last rebuild left nothing for a catch-up rebuild (the map
    first): one still to come would show an open page again in place, under a test's mouse."""
    builds = [line for line in served.log.read_text().splitlines() if "pages built" in line]
    return not builds or "(the map first)" not in builds[-1]


def _open(page: Page, served: Served, path: str = MAP, width: int = 1280) -> None:
    _wait(lambda: _caught_up(served), 90)  # an earlier test's edit, still being caught up
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(served.url + path)
    expect(page.locator("html[data-jm-editor=ready]")).to_have_count(1, timeout=20_000)
    toggle = page.locator(".jm-ed-toggle")
    if toggle.get_attribute("aria-pressed") != "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")


def _until_redrawn(page: Page, served: Served, before: str, rel: str = JOURNEY,
                   moment: float | None = None) -> float:
    """Wait for the file to change and the page to come back redrawn; the seconds since
    `moment` (the drop or the click) until the new map is ready."""
    _wait(lambda: served.text(rel) != before, 20)
    page.wait_for_function(SHOWN_ANEW, timeout=20_000)
    return time.monotonic() - moment if moment is not None else 0.0


# The editor marks the page each time it is shown anew: reloaded, or rebuilt in place.
SHOWN_ANEW = ("document.documentElement.dataset.jmEditor === 'ready' && "
              "document.documentElement.dataset.jmShown !== window.__jmMark")


def _mark(page: Page) -> float:
    page.evaluate("window.__jmMark = document.documentElement.dataset.jmShown")
    return time.monotonic()


def _start(text: str, tp_id: str) -> int:
    """Where a touchpoint's lines begin, its own comments above it included."""
    start = text.index(f"  - id: {tp_id}\n")
    while text[:start - 1].rsplit("\n", 1)[-1].lstrip().startswith("#"):
        start = text.rindex("\n", 0, start - 1) + 1
    return start


def _block(text: str, tp_id: str) -> str:
    start = _start(text, tp_id)
    return text[start - 1:text.index("\n\n", start) + 1]


def test_drag_a_curve_point_from_3_to_5(served: Served, page: Page) -> None:
    _open(page, served)
    before = served.text()
    point = page.locator('.jm-curve-point[data-touchpoint="first-hello"]')
    expect(point).to_have_text("3")
    box = point.bounding_box()
    curve = page.locator('.jm-map-curve[data-stage="pre-game"]').bounding_box()
    assert box and curve
    x = box["x"] + box["width"] / 2
    # Escape in the middle of the drag puts the point back and sends nothing.
    page.mouse.move(x, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(x, curve["y"] + curve["height"] * 0.14, steps=6)
    expect(point).to_have_text("5")
    page.keyboard.press("Escape")
    expect(point).to_have_text("3")
    expect(page.locator(".jm-ed-status")).to_contain_text("is as it was")
    page.mouse.up()
    page.wait_for_timeout(500)
    assert served.text() == before
    page.mouse.move(x, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(x, curve["y"] + curve["height"] * 0.14, steps=6)
    page.evaluate("window.__jmSamePage = true")
    moment = _mark(page)
    page.mouse.up()
    took = _until_redrawn(page, served, before, moment=moment)
    expect(page.locator('.jm-curve-point[data-touchpoint="first-hello"]')).to_have_text("5")
    # Shown in place, not reloaded: the page's own state lives on.
    assert page.evaluate("window.__jmSamePage") is True
    assert served.text() == before.replace("    feel: 3\n    emotion: curious\n",
                                           "    feel: 5\n    emotion: curious\n", 1)
    print(f"curve drop to redrawn map: {took:.2f} s")


def test_keyboard_sets_feel_and_undo_redo(served: Served, page: Page) -> None:
    _open(page, served)
    before = served.text()
    point = page.locator('.jm-curve-point[data-touchpoint="deep-dive"]')
    point.focus()
    _mark(page)
    page.keyboard.press("ArrowDown")
    _until_redrawn(page, served, before)
    lowered = before.replace("    feel: 4\n    emotion: heard\n",
                             "    feel: 3\n    emotion: heard\n")
    assert served.text() == lowered
    # Redrawn in place: the point keeps the focus (the next arrow key goes on from there),
    # and the bar says what was saved.
    expect(point).to_be_focused()
    expect(point).to_have_text("3")
    expect(page.locator(".jm-ed-status")).to_have_text("Saved: changed touchpoint 'deep-dive'.")
    _open(page, served)
    _mark(page)
    page.locator(".jm-ed-undo").click()
    _until_redrawn(page, served, lowered)
    assert served.text() == before
    _open(page, served)
    _mark(page)
    page.locator(".jm-ed-toggle").focus()
    page.keyboard.press("Control+y")
    _until_redrawn(page, served, before)
    assert served.text() == lowered


def test_add_a_touchpoint_from_the_plus(served: Served, page: Page) -> None:
    _open(page, served)
    before = served.text()
    page.locator('.jm-map-stage[data-stage="first-month"] .jm-ed-add').click()
    dialog = page.locator("dialog.jm-ed-dialog")
    expect(dialog).to_be_visible()
    page.keyboard.type("A quiet call")  # the title has the focus
    expect(dialog.locator("input[name=id]")).to_have_value("a-quiet-call")
    # The browser checks the id as it is typed (a pattern it could not read was ignored).
    assert dialog.locator("input[name=id]").evaluate(
        "e => { const was = e.value; e.value = 'A Quiet-Call'; const bad ="
        " e.validity.patternMismatch; e.value = was; return bad && !e.validity.patternMismatch }")
    dialog.locator("input[name=day]").fill("20")
    dialog.locator("select[name=owner]").select_option("lead")
    dialog.locator("select[name=channel]").select_option("call")
    dialog.locator("input[name=feel]").fill("4")
    dialog.locator("input[name=emotion]").fill("calm")
    dialog.locator("textarea[name=description]").fill("Ten minutes, no agenda.")
    dialog.locator("input[name=client_visible]").check()
    _mark(page)
    dialog.locator("input[name=emotion]").press("Enter")  # submits, like the Add button
    _until_redrawn(page, served, before)
    new = ("  - id: a-quiet-call\n    title: A quiet call\n    day: 20\n    owner: lead\n"
           "    channel: call\n    feel: 4\n    emotion: calm\n    client_visible: true\n"
           "    description: Ten minutes, no agenda.\n\n")
    at = before.index("  - id: day-30-review\n")
    assert served.text() == before[:at] + new + before[at:]
    expect(page.locator('.jm-map-card[data-touchpoint="a-quiet-call"]')).to_be_visible()
    _check_clean(served)


def test_edit_then_delete_a_card(served: Served, page: Page) -> None:
    _open(page, served)
    before = served.text()
    page.locator('.jm-map-card[data-touchpoint="halfway-note"]').click()
    dialog = page.locator("dialog.jm-ed-dialog")
    expect(dialog.locator("input[name=title]")).to_have_value(
        "A progress note they did not ask for")
    dialog.locator("input[name=emotion]").fill("noticed")
    _mark(page)
    dialog.locator(".jm-ed-save").click()
    _until_redrawn(page, served, before)
    edited = before.replace("    emotion: reassured\n    description: |\n      Three lines",
                            "    emotion: noticed\n    description: |\n      Three lines", 1)
    assert served.text() == edited

    _open(page, served)
    page.locator('.jm-map-card[data-touchpoint="halfway-note"]').click()
    asked: list[str] = []

    def confirm(d: Any) -> None:
        asked.append(d.message)
        d.accept()

    page.once("dialog", confirm)  # the confirmation
    from journeymap import load_workspace
    logged = sum(1 for c in load_workspace(served.ws, "journeys").workspace.clients.values()
                 if c.journey == "client-love" and ("halfway-note" in c.done
                                                    or "halfway-note" in c.skipped))
    assert logged > 0
    _mark(page)
    page.locator("dialog.jm-ed-dialog .jm-ed-delete").click()
    _until_redrawn(page, served, edited)
    assert served.text() == edited.replace(_block(edited, "halfway-note"), "", 1)
    # The confirmation said whose records still name it.
    assert f"The done logs of {logged} client{'s' * (logged != 1)} name it" in asked[0]
    expect(page.locator('.jm-map-card[data-touchpoint="halfway-note"]')).to_have_count(0)
    _check_clean(served)


def _client_page(served: Served, client: str) -> str:
    """A client's page as served, without the parts that change at every rebuild (the live
    reload script's epoch, the editor's state)."""
    page = _get(f"{served.url}clients/{client}/")
    return re.sub(r"<script\b.*?</script>|<meta name=\"journeymap-edit-token\"[^>]*>", "",
                  page, flags=re.S)


def test_drag_a_card_to_another_stage(served: Served, page: Page) -> None:
    _open(page, served)
    before = served.text()
    client_before = _client_page(served, "harbor-street-bakery")
    logged = len(served.log.read_text())
    page.locator('.jm-map-stage[data-stage="first-week"]').scroll_into_view_if_needed()
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(200)
    card = page.locator('.jm-map-card[data-touchpoint="handoff"]').bounding_box()
    first = page.locator('.jm-map-cards[data-stage="first-month"] .jm-map-card').first
    target = first.bounding_box()
    assert card and target
    # Escape in the middle of the drag drops the ghost card and sends nothing.
    page.mouse.move(card["x"] + 20, card["y"] + 10)
    page.mouse.down()
    page.mouse.move(target["x"] + 20, target["y"] + 4, steps=8)
    expect(page.locator(".jm-ed-ghost")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator(".jm-ed-ghost")).to_have_count(0)
    expect(page.locator(".jm-ed-over")).to_have_count(0)
    expect(page.locator(".jm-ed-status")).to_contain_text("stays where it was")
    page.mouse.up()
    page.wait_for_timeout(500)
    assert served.text() == before
    expect(page.locator("dialog.jm-ed-dialog")).not_to_be_visible()
    page.mouse.move(card["x"] + 20, card["y"] + 10)
    page.mouse.down()
    page.mouse.move(target["x"] + 20, target["y"] + 4, steps=8)  # above its first card
    moment = _mark(page)
    page.mouse.up()
    took = _until_redrawn(page, served, before, moment=moment)
    block = _block(before, "handoff")
    moved = block.replace("    day: 2\n", "    day: 8\n").replace(
        "    phase: affirm\n", "    phase: activate\n")
    without = before.replace(block, "", 1)
    at = without.index("\n  - id: setup-done\n")
    assert served.text() == without[:at] + moved + without[at:]
    expect(page.locator('.jm-map-cards[data-stage="first-month"] '
                        '.jm-map-card[data-touchpoint="handoff"]')).to_be_visible()
    print(f"card drop to redrawn map: {took:.2f} s")
    # The map first: the clients' pages (each schedule moved) were left for the rebuild
    # just after, which brings them up to date.
    assert "outputs made just after (the map first)" in served.log.read_text()[logged:]
    _wait(lambda: _client_page(served, "harbor-street-bakery") != client_before, 60)
    _check_clean(served)


def test_rename_a_stage_and_move_a_boundary(served: Served, page: Page) -> None:
    _open(page, served)
    before = served.text()
    page.locator('.jm-map-stage[data-stage="day-60"] a').click()
    dialog = page.locator("dialog.jm-ed-dialog")
    dialog.locator("input[name=title]").fill("The second month")
    dialog.locator("input[name=feel]").fill("At ease")
    _mark(page)
    dialog.locator(".jm-ed-save").click()
    _until_redrawn(page, served, before)
    renamed = before.replace("    title: Days 31-60\n", "    title: The second month\n", 1)
    renamed = renamed.replace("    feel: At ease, and starting to see progress\n",
                              "    feel: At ease\n", 1)
    assert served.text() == renamed
    expect(page.locator('.jm-map-stage[data-stage="day-60"] a')).to_have_text(
        "The second month")

    _open(page, served)
    page.locator('.jm-map-stage[data-stage="day-100"] a').click()
    dialog.locator("input[name=to]").fill("110")
    _mark(page)
    dialog.locator("input[name=to]").press("Enter")
    _until_redrawn(page, served, renamed)
    assert served.text() == renamed.replace("    from: 61\n    to: 100\n",
                                            "    from: 61\n    to: 110\n", 1).replace(
        "    from: 101\n    to: 200\n", "    from: 111\n    to: 200\n", 1)
    _check_clean(served)


def _heading_above(text: str, title: str, tp_id: str) -> str:
    """`text` with a section heading (and the blank line after it) moved above a touchpoint
    (and its own comments)."""
    heading = "  # " + "-" * 64 + f" {title}\n\n"
    text = text.replace(heading, "", 1)
    start = _start(text, tp_id)
    return text[:start] + heading + text[start:]


def test_drag_a_boundary_with_the_mouse(served: Served, page: Page) -> None:
    """The handle between two stage headings, dragged into the earlier column: the day
    under the pointer becomes its last day, and the touchpoints it hands over take the
    later stage's phase where theirs is not one of it."""
    _open(page, served)
    before = served.text()
    assert "    from: 31\n    to: 60\n" in before and "    from: 61\n    to: 110\n" in before
    handle = page.locator('.jm-map-stage[data-stage="day-60"] .jm-ed-boundary')
    expect(handle).to_have_attribute("aria-valuenow", "60")
    head = page.locator('.jm-map-stage[data-stage="day-60"]').bounding_box()
    box = handle.bounding_box()
    assert head and box
    # Days 31 to 60 run across the middle 80% of the column: day 44 is 13/29 of the way.
    x = head["x"] + head["width"] * (0.1 + 0.8 * 13 / 29)
    y = box["y"] + box["height"] / 2
    # Escape in the middle of a drag lets go of it: the handle goes back, nothing is sent.
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(x, y, steps=8)
    expect(handle).to_have_attribute("aria-valuenow", "44")
    page.keyboard.press("Escape")
    expect(handle).to_have_attribute("aria-valuenow", "60")
    expect(page.locator(".jm-ed-status")).to_contain_text("The boundary is as it was")
    page.mouse.up()
    page.wait_for_timeout(500)
    assert served.text() == before
    expect(page.locator(".jm-map-card.jm-ed-crossing")).to_have_count(0)
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(x, y, steps=8)
    expect(handle.locator(".jm-ed-boundary-label")).to_have_text("day 44 | 45")
    crossing = page.locator(".jm-map-card.jm-ed-crossing")
    expect(crossing).to_have_count(2)  # care-gesture (45) and day-60-review (60)
    assert served.text() == before  # nothing is written before the drop
    moment = _mark(page)
    page.mouse.up()
    took = _until_redrawn(page, served, before, moment=moment)
    care = _block(before, "care-gesture")
    # The Days 61-100 heading stays at its stage's start, which care-gesture is now.
    assert served.text() == _heading_above(before.replace(
        "    from: 31\n    to: 60\n", "    from: 31\n    to: 44\n", 1).replace(
        "    from: 61\n    to: 110\n", "    from: 45\n    to: 110\n", 1).replace(
        care, care.replace("    phase: acclimate\n", "    phase: accomplish\n"), 1),
        "Days 61-100", "care-gesture")
    expect(page.locator('.jm-map-cards[data-stage="day-100"] '
                        '.jm-map-card[data-touchpoint="care-gesture"]')).to_be_visible()
    expect(page.locator(".jm-map-card.jm-ed-crossing")).to_have_count(0)
    print(f"boundary drop to redrawn map: {took:.2f} s")
    _check_clean(served)
    after = served.text()
    _mark(page)
    page.locator(".jm-ed-undo").click()  # both stages and the phase, back in one step
    _until_redrawn(page, served, after)
    assert served.text() == before


def test_move_a_boundary_with_the_keyboard(served: Served, page: Page) -> None:
    _open(page, served)
    before = served.text()
    assert "    from: 8\n    to: 30\n" in before
    handle = page.locator('.jm-map-stage[data-stage="first-month"] .jm-ed-boundary')
    handle.focus()
    page.keyboard.press("ArrowLeft")
    expect(handle).to_have_attribute("aria-valuenow", "29")
    page.keyboard.press("Escape")  # back as it was, and nothing written
    expect(handle).to_have_attribute("aria-valuenow", "30")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(handle).to_have_attribute("aria-valuetext",
                                     "Days 8-30 ends on day 32, The second month starts on day 33")
    expect(page.locator(".jm-ed-status")).to_contain_text("1 touchpoint changes stage")
    page.wait_for_timeout(300)
    assert served.text() == before
    _mark(page)
    page.keyboard.press("Enter")
    _until_redrawn(page, served, before)
    # better-question (day 31) joins Days 8-30; the Days 31-60 heading stays at that
    # stage's start, above care-gesture now (the question's own comments go with it).
    assert served.text() == _heading_above(before.replace(
        "    from: 8\n    to: 30\n", "    from: 8\n    to: 32\n", 1).replace(
        "    from: 31\n    to: 60\n", "    from: 33\n    to: 60\n", 1),
        "Days 31-60", "care-gesture")
    # Redrawn in place: the handle keeps the focus, at its new day.
    expect(handle).to_be_focused()
    expect(handle).to_have_attribute("aria-valuenow", "32")
    _check_clean(served)
    after = served.text()
    _mark(page)
    page.keyboard.press("Control+z")
    _until_redrawn(page, served, after)
    assert served.text() == before
    expect(handle).to_have_attribute("aria-valuenow", "30")


@pytest.mark.parametrize("change, words", [
    ("day", "falls in no stage window"),
    # The owner removed: the form offers no empty owner, so a stale form is made here.
    ("owner", "owner"),
])
def test_a_refused_edit_shows_the_message_and_writes_nothing(served: Served, page: Page,
                                                             change: str, words: str) -> None:
    _open(page, served)
    before = served.text()
    page.locator('.jm-map-card[data-touchpoint="kickoff"]').click()
    dialog = page.locator("dialog.jm-ed-dialog")
    if change == "day":
        dialog.locator("input[name=day]").fill("400")
    else:
        dialog.locator("select[name=owner]").evaluate(
            "s => { s.add(new Option('(nobody)', '')); s.value = ''; }")
    dialog.locator(".jm-ed-save").click()
    error = dialog.locator(".jm-ed-error")
    expect(error).to_contain_text(words)
    expect(error).to_contain_text("journeys/client-love.yml:")
    expect(error).to_contain_text("not saved")
    time.sleep(1)
    assert served.text() == before
    dialog.locator("input[name=emotion]").fill("steady")  # a change: the refusal was of before
    expect(error).to_have_text("")


def _built(served: Served) -> list[str]:
    return [line for line in served.log.read_text().splitlines() if "pages built" in line]


def _shown(served: Served, path: str) -> str:
    """A page as the server renders it, without the editor's state (read from the files at
    each request, so it knows of a save before any rebuild)."""
    return re.sub(r'<script type="application/json" id="jm-edit-state">.*?</script>', "",
                  _get(served.url + path), flags=re.S)


def test_a_journey_file_saved_by_hand_shows_the_map_first(served: Served) -> None:
    """Saved in a text editor, alone: the rebuild after it makes the map and the journey's
    pages, and a catch-up the clients' pages, as after an edit on the map."""
    _wait(lambda: _caught_up(served), 90)
    before, builds = served.text(), len(_built(served))
    client = "clients/harbor-street-bakery/"
    assert "Kickoff meeting" in _shown(served, client)
    try:
        (served.ws / JOURNEY).write_text(before.replace(
            "    title: Kickoff meeting\n", "    title: Kickoff, by hand\n", 1))
        _wait(lambda: "Kickoff, by hand" in _shown(served, MAP), 30)
        assert "(the map first)" in _built(served)[builds]  # the save's own rebuild
        _wait(lambda: "Kickoff, by hand" in _shown(served, client), 60)  # then the rest
        _wait(lambda: _caught_up(served), 60)
    finally:
        (served.ws / JOURNEY).write_text(before)
    _wait(lambda: "Kickoff meeting" in _shown(served, client), 60)
    _wait(lambda: _caught_up(served), 60)


def test_a_broken_save_shows_its_banner_in_place_and_pauses_editing(served: Served,
                                                                    page: Page) -> None:
    """A journey file saved broken while the map is open: the rebuilt page is shown in
    place with the error banner, and the editor's bar says editing waits for the fix; the
    fix brings both back as they were."""
    _open(page, served)
    before = served.text()
    try:
        moment = _mark(page)
        (served.ws / JOURNEY).write_text(before.replace(
            "    title: Kickoff meeting\n", "      title: Kickoff meeting\n", 1))
        banner = page.locator("body > .jm-overlay")
        expect(banner).to_contain_text("journeys/client-love.yml:", timeout=20_000)
        print(f"broken save to banner: {time.monotonic() - moment:.2f} s")
        expect(page.locator(".jm-ed-paused")).to_contain_text("Editing is paused")
        expect(page.locator(".jm-ed-toggle")).to_have_count(0)
        expect(page.locator(".jm-map")).to_be_visible()  # the last good map, still there
    finally:
        (served.ws / JOURNEY).write_text(before)
    expect(page.locator("html[data-jm-editor=ready]")).to_have_count(1, timeout=20_000)
    expect(page.locator("body > .jm-overlay")).to_have_count(0)
    expect(page.locator(".jm-ed-paused")).to_have_count(0)
    expect(page.locator(".jm-ed-toggle")).to_have_attribute("aria-pressed", "true")
    _wait(lambda: _caught_up(served), 60)


def test_a_change_on_disk_is_detected_and_kept(served: Served, page: Page) -> None:
    _open(page, served)
    someone = served.text().replace("title: Client Love Journey", "title: Client Joy Journey")
    (served.ws / JOURNEY).write_text(someone)  # saved in an editor while the page is open
    page.locator('.jm-map-card[data-touchpoint="kickoff"]').click()
    dialog = page.locator("dialog.jm-ed-dialog")
    dialog.locator("input[name=emotion]").fill("overwritten")
    _mark(page)
    with page.expect_navigation(timeout=20_000):  # the page reloads
        dialog.locator(".jm-ed-save").click()
        expect(dialog.locator(".jm-ed-error")).to_contain_text("changed on disk")
    page.wait_for_function(SHOWN_ANEW, timeout=20_000)
    assert served.text() == someone
    expect(page.locator("h1")).to_contain_text("Client Joy Journey", timeout=20_000)
    # Said again once reloaded, so that nobody misses why nothing was saved.
    expect(page.locator(".jm-ed-status")).to_contain_text("changed on disk")


@pytest.mark.browser_context_args(timezone_id="America/Los_Angeles")
def test_mark_done_on_a_clients_page(served: Served, page: Page) -> None:
    from zoneinfo import ZoneInfo

    # Late in the evening in California, when the UTC date is already the next day: "done
    # today" must write the facilitator's date.
    evening = dt.datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert evening.astimezone(dt.UTC).date() == dt.date(2026, 12, 2)
    page.clock.set_fixed_time(evening)
    rel = "journeys/clients/harbor-street-bakery.yml"
    _open(page, served, "clients/harbor-street-bakery/")
    before = served.text(rel)
    row = page.locator("tr:is(.jm-row--overdue, .jm-row--due)").first
    button = row.locator(".jm-ed-done-today")
    row_link = row.locator('a[href*="#"]').first
    tp_id = (row_link.get_attribute("href") or "").split("#")[-1]
    assert tp_id and f"  {tp_id}:" not in before
    _mark(page)
    button.click()
    _until_redrawn(page, served, before, rel)
    assert served.text(rel) == before + f"  {tp_id}: 2026-12-01\n"
    _check_clean(served)


def test_mark_skipped_with_its_reason(served: Served, page: Page) -> None:
    rel = "journeys/clients/harbor-street-bakery.yml"
    _open(page, served, "clients/harbor-street-bakery/")
    before = served.text(rel)
    row = page.locator("tr:is(.jm-row--overdue, .jm-row--due)").first
    tp_id = (row.locator('a[href*="#"]').first.get_attribute("href") or "").split("#")[-1]
    assert tp_id and f"  {tp_id}:" not in before
    row.locator(".jm-ed-skip").click()
    dialog = page.locator("dialog.jm-ed-dialog")
    expect(dialog.locator("input[name=reason]")).to_be_focused()
    dialog.locator("input[name=date]").fill("2026-11-20")
    dialog.locator(".jm-ed-save").click()  # no reason: refused in the form, nothing sent
    time.sleep(0.5)
    assert served.text(rel) == before
    dialog.locator("input[name=reason]").fill("They asked: no calls in December")
    _mark(page)
    dialog.locator(".jm-ed-save").click()
    _until_redrawn(page, served, before, rel)
    assert served.text(rel) == before + (
        f'  {tp_id}: {{skipped: 2026-11-20, reason: "They asked: no calls in December"}}\n')
    # The page is made again from the edited file (not kept as the file was before).
    row = page.locator(f'tr:has(a[href$="#{tp_id}"])').first
    expect(row).to_contain_text("Skipped")
    expect(row).to_contain_text("They asked: no calls in December")
    _check_clean(served)


def test_keyboard_only_on_the_workshop_view(served: Served, page: Page) -> None:
    from journeymap.workspace.fmt import format_text

    page.set_viewport_size({"width": 1920, "height": 1080})  # a projector
    page.goto(served.url + MAP + "workshop.html")
    expect(page.locator("html[data-jm-editor=ready]")).to_have_count(1, timeout=20_000)
    page.locator(".jm-ed-toggle").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".jm-ed-toggle")).to_have_attribute("aria-pressed", "true")
    before = served.text()
    page.locator('.jm-map-card[data-touchpoint="team-intro"] a').focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.jm-ed-dialog")
    expect(dialog.locator("input[name=title]")).to_be_focused()
    for _ in range(6):  # title, id, day, owner, channel, feel: then the emotion
        page.keyboard.press("Tab")
    expect(dialog.locator("input[name=emotion]")).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type("expected")
    _mark(page)
    page.keyboard.press("Enter")
    _until_redrawn(page, served, before)
    edited = before.replace("    emotion: welcomed\n", "    emotion: expected\n", 1)
    assert served.text() == edited
    # The watcher's echo of the same save comes within a second: the page, the same but for
    # the live server's reload script, is not shown again (that would take the focus away).
    shown = page.evaluate("document.documentElement.dataset.jmShown")
    time.sleep(1.5)
    assert page.evaluate("document.documentElement.dataset.jmShown") == shown

    expect(page.locator(".jm-ed-toggle")).to_have_attribute("aria-pressed", "true")  # kept
    page.locator('.jm-map-card[data-touchpoint="setup-done"] a').focus()
    _mark(page)
    page.keyboard.press("Alt+ArrowRight")  # to the next stage, Days 31-60
    _until_redrawn(page, served, edited)
    block = _block(edited, "setup-done")
    moved = block.replace("    day: 10\n", "    day: 31\n").replace(
        "    phase: activate\n", "    phase: acclimate\n")
    expected = format_text(edited.replace(block, moved, 1), "journey", JOURNEY)
    assert served.text() == expected
    assert expected.index("id: setup-done") > expected.index("- Days 31-60\n")
    expect(page.locator('.jm-map-cards[data-stage="day-60"] '
                        '.jm-map-card[data-touchpoint="setup-done"]')).to_be_visible()
    _check_clean(served)


def test_the_editor_passes_axe(served: Served, page: Page) -> None:
    from test_quality import axe

    _open(page, served, MAP + "workshop.html", width=1920)
    found = [str(v) for v in axe(page, []) if "jm-ed" in v.html or "jm-curve-point" in v.html]
    assert found == []
    page.locator('.jm-map-card[data-touchpoint="kickoff"] a').focus()
    page.keyboard.press("Enter")
    expect(page.locator("dialog.jm-ed-dialog")).to_be_visible()
    found = [str(v) for v in axe(page, []) if "jm-ed" in v.target or "jm-ed" in v.html]
    assert found == []


def test_screenshots(served: Served, page: Page, tmp_path: Path) -> None:
    for width in (1280, 1920):
        _open(page, served, width=width)
        page.locator('.jm-map-card[data-touchpoint="kickoff"]').click()
        expect(page.locator("dialog.jm-ed-dialog")).to_be_visible()
        target = Path(os.environ.get("JM_SHOTS", tmp_path)) / f"edit-mode-{width}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000


# ---- the middleware alone --------------------------------------------------------------


def _call(app: Any, method: str, path: str, headers: dict[str, str],
          body: bytes = b"") -> tuple[str, bytes]:
    import io
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(body),
               "CONTENT_LENGTH": str(len(body)), **headers}
    got: list[str] = []
    data = b"".join(app(environ, lambda status, _headers, _exc=None: got.append(status)))
    return got[0], data


def test_read_only_refuses_every_edit_and_adds_no_script(tmp_path: Path) -> None:
    from journeymap.host.editing import editing

    def site(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b'<html><body><figure class="jm-map"></figure></body></html>']

    app = editing(site, None, "127.0.0.1", 8000)
    own = {"HTTP_HOST": "127.0.0.1:8000", "HTTP_ORIGIN": "http://127.0.0.1:8000",
           "CONTENT_TYPE": "application/json"}
    status, data = _call(app, "POST", "/_journeymap/edit", own, b'{"op": "undo"}')
    assert status.startswith("403") and b"--read-only" in data
    status, data = _call(app, "GET", "/journeys/x/", {"HTTP_HOST": "127.0.0.1:8000"})
    assert status.startswith("200") and b"_journeymap" not in data


def test_an_edit_is_worked_out_and_said_inside_making(tmp_path: Path) -> None:
    """A catch-up rebuild waits while an edit is worked out (catch_up.py): the endpoint
    reads, checks and writes the file, and says it wrote it, inside `making()`."""
    from contextlib import contextmanager

    from journeymap.host.editing import editing
    from journeymap.workspace.edit import Editor

    ws = copy_workspace(tmp_path / "ws")
    events: list[str] = []

    @contextmanager
    def making() -> Iterator[None]:
        events.append("in")
        yield
        events.append("out")

    def site(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b'<html><body><figure class="jm-map"></figure></body></html>']

    app = editing(site, Editor(ws), "127.0.0.1", 8000, events.append, making)
    own = {"HTTP_HOST": "127.0.0.1:8000", "HTTP_ORIGIN": "http://127.0.0.1:8000",
           "CONTENT_TYPE": "application/json"}
    _, page = _call(app, "GET", "/journeys/client-love/", {"HTTP_HOST": "127.0.0.1:8000"})
    found = re.search(rb'name="journeymap-edit-token" content="([^"]+)"', page)
    state = re.search(rb'id="jm-edit-state">(.*?)</script>', page)
    assert found and state and events == []  # showing a page is no edit
    own["HTTP_X_JOURNEYMAP_TOKEN"] = found[1].decode()
    edit = {"op": "touchpoint.set", "journey": "client-love", "id": "first-hello",
            "fields": {"feel": 5},
            "hash": json.loads(state[1])["journeys"]["client-love"]["hash"]}
    status, _ = _call(app, "POST", "/_journeymap/edit", own, json.dumps(edit).encode())
    assert status.startswith("200")
    assert events == ["in", "journeys/client-love.yml", "out"]
    status, _ = _call(app, "POST", "/_journeymap/edit", own, json.dumps(edit).encode())
    assert status.startswith("409")  # the hash is the old file's: refused, nothing said
    assert events == ["in", "journeys/client-love.yml", "out", "in", "out"]


def test_the_state_in_the_page_cannot_close_its_element() -> None:
    from journeymap.host.editing import tag
    shown = tag("token", {"title": "</script><img src=x onerror=alert(1)>"})
    assert shown.count("</script>") == 2  # the state's and the script's own
    assert "<img" not in shown


def test_the_live_server_hooks_fit_the_hosts_own_server(tmp_path: Path) -> None:
    """host/live.py leans on the live server's internals (MkDocs' and ProperDocs'): its
    reload script is rewritten to ask the editor first, a rebuild can be asked for at once
    (without the pause for saves to settle), and a rebuild with no watched file changed since
    the last is skipped, without telling the browsers to reload."""
    import mkdocs.livereload as livereload

    from journeymap.host.catch_up import Superseded
    from journeymap.host.live import (
        never_stuck,
        rebuild_now,
        same_site,
        saved,
        skip_unchanged,
        soft_reload,
    )

    script = livereload._SCRIPT_TEMPLATE.substitute(epoch=1, request_id=2)
    rewritten = soft_reload(f"<body>{script}</body>")
    assert "window.journeymapReload(this.responseText)" in rewritten
    assert rewritten.count("location.reload();") == 1  # kept as the fallback

    builds: list[int] = []
    server = livereload.LiveReloadServer(lambda: builds.append(1), "127.0.0.1", _free_port(),
                                         str(tmp_path))
    try:
        watched = tmp_path / "journeys"
        watched.mkdir()
        (watched / "a.yml").write_text("one\n")
        server.watch(str(watched))
        settle = server.build_delay
        assert settle > 0  # the pause it takes for a burst of saves to settle
        heard: list[set[str]] = []
        build = skip_unchanged(server.builder, server, changed=heard.append)
        rebuild = rebuild_now(server)
        assert rebuild is not None and rebuild_now(object()) is None
        assert saved(server)() is False and saved(object())() is False
        rebuild()
        assert server._want_rebuild is True and saved(server)() is True
        assert server.build_delay == 0  # the editor's file is whole: no pause
        build()  # nothing changed since the site was first built: skipped
        assert builds == [] and heard == []
        (watched / "b.yml").write_text("new\n")
        build()
        assert server.build_delay == settle  # back for the next save from an editor
        assert heard == [{str(watched / "b.yml")}]  # which file changed, told before it runs
        # The server's own: the site its browsers have, and the one a rebuild is making.
        assert isinstance(server._visible_epoch, int)
        assert server._wanted_epoch == server._visible_epoch
        server._visible_epoch, server._wanted_epoch = 5, 9  # as a rebuild's start sets them
        build()  # nothing changed since: skipped, and no browser is told to reload
        assert builds == [1] and server._wanted_epoch == 5
        (watched / "a.yml").write_text("two, longer\n")
        (watched / "b.yml").unlink()
        server._wanted_epoch = 10
        build()
        assert builds == [1, 1] and server._wanted_epoch == 10  # a new site to show
        assert heard[-1] == {str(watched / "a.yml"), str(watched / "b.yml")}
        # A catch-up that gave way to an edit: the edit's own rebuild tells the browsers.
        server._visible_epoch, server._wanted_epoch = 10, 11

        def stopped() -> None:
            raise Superseded

        never_stuck(stopped, lambda: same_site(server))()
        assert server._wanted_epoch == 10
        owed = [False]
        catch_up = skip_unchanged(server.builder, server, lambda: owed[0])
        catch_up()
        catch_up()  # nothing changed: skipped...
        assert builds == [1, 1]
        owed[0] = True
        catch_up()  # ...unless a rebuild is owed (the map first: catch_up.py)
        assert builds == [1, 1, 1]
    finally:
        server.server_close()


def test_mark_a_household_persons_birthday_done(served: Served, page: Page) -> None:
    # Omar's birthday card (the second person of Fern & Fold's household) is due: marked
    # done, it goes into his own log, not the client's, and only his row turns done.
    page.clock.set_fixed_time(dt.datetime(2026, 11, 27, 10, 0))
    rel = "journeys/clients/fern-and-fold.yml"
    _open(page, served, "clients/fern-and-fold/")
    before = served.text(rel)
    row = page.locator('tr[data-person="2"]:has(a[href$="#birthday-card"])')
    expect(row).to_contain_text("for Omar Aziz")
    expect(row.locator(".jm-ed-done-today")).to_have_attribute(
        "aria-label", "Mark \u201cBirthday card for Omar Aziz\u201d done today")
    _mark(page)
    row.locator(".jm-ed-done-today").click()
    _until_redrawn(page, served, before, rel)
    omar = "      favorite_treat: Pistachio baklava\n"
    assert served.text(rel) == before.replace(
        omar, omar + "    done:\n      birthday-card: 2026-11-27\n")
    expect(page.locator('tr[data-person="2"]:has(a[href$="#birthday-card"])')).to_contain_text(
        "Done")
    expect(page.locator('tr[data-person="1"]:has(a[href$="#birthday-card"])')).not_to_contain_text(
        "Done")  # Lena's card is hers: next February's, still to come
    _check_clean(served)
