"""The workshop wall's notes edited in real Chromium under `journeymap serve`: a pain point
and an opportunity added, a note changed and deleted, and the file on disk compared whole."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from test_edit_serve import Served, _check_clean, _mark, _open, _until_redrawn, served

__all__ = ["served"]  # the module's served workspace (a fixture of test_edit_serve)


def test_add_a_pain_point_and_an_opportunity(served: Served, page: Page,
                                             tmp_path: Path) -> None:
    _open(page, served)
    before = served.text()
    # The pain point: the + of the pains lane in Days 1-7, where there is one already.
    page.get_by_role("button", name="Add a note to Pain points, Days 1-7").click()
    dialog = page.locator("dialog.jm-ed-dialog")
    expect(dialog.locator("select[name=lane]")).to_have_value("pains")
    dialog.locator("textarea[name=text]").fill("Nobody says who to call")
    _mark(page)
    dialog.get_by_role("button", name="Add").click()
    _until_redrawn(page, served, before)
    with_pain = before.replace(
        "      pains: Filling in the same details twice\n",
        "      pains: [Filling in the same details twice, Nobody says who to call]\n", 1)
    assert served.text() == with_pain
    # The opportunity: from the stage's "+ Note", in a stage with no opportunity yet.
    _open(page, served)
    page.get_by_role("button", name="Add a note to a lane of Days 1-7").click()
    dialog = page.locator("dialog.jm-ed-dialog")
    dialog.locator("select[name=lane]").select_option("opportunities")
    dialog.locator("textarea[name=text]").fill("A named contact card in the welcome gift")
    _mark(page)
    dialog.get_by_role("button", name="Add").click()
    _until_redrawn(page, served, with_pain)
    with_both = with_pain.replace(
        "        - The assistant orders the welcome gift\n",
        "        - The assistant orders the welcome gift\n"
        "      opportunities: [A named contact card in the welcome gift]\n", 1)
    assert served.text() == with_both
    notes = page.locator('.jm-map-notes[data-stage="first-week"][data-lane="opportunities"]'
                         " .jm-map-note")
    expect(notes).to_have_text(["A named contact card in the welcome gift"])
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 1000})
        page.screenshot(path=tmp_path / f"lanes-editing-{width}.png", full_page=True)
    _check_clean(served)


def test_change_then_delete_a_note_and_park_one(served: Served, page: Page) -> None:
    _open(page, served)
    before = served.text()
    page.locator('.jm-map-notes[data-stage="first-week"][data-lane="backstage"] '
                 '.jm-map-note[data-index="1"]').click()
    dialog = page.locator("dialog.jm-ed-dialog")
    expect(dialog.locator("textarea[name=text]")).to_have_value(
        "The assistant orders the welcome gift")
    dialog.locator("textarea[name=text]").fill("The assistant orders the gift on day 2")
    _mark(page)
    dialog.get_by_role("button", name="Save").click()
    _until_redrawn(page, served, before)
    changed = before.replace("        - The assistant orders the welcome gift\n",
                             "        - The assistant orders the gift on day 2\n", 1)
    assert served.text() == changed
    _open(page, served)
    page.locator('.jm-map-notes[data-stage="pre-game"][data-lane="does"] '
                 '.jm-map-note[data-index="0"]').focus()
    page.keyboard.press("Enter")  # a note opens from the keyboard too
    dialog = page.locator("dialog.jm-ed-dialog")
    _mark(page)
    dialog.get_by_role("button", name="Delete").click()
    _until_redrawn(page, served, changed)
    deleted = changed.replace("      does: [Reads our site twice, Asks a friend about us]\n",
                              "      does: [Asks a friend about us]\n", 1)
    assert served.text() == deleted
    _open(page, served)
    page.get_by_role("button", name="+ Parking lot note").click()
    dialog = page.locator("dialog.jm-ed-dialog")
    expect(dialog.locator("select[name=lane]")).to_have_value("")
    dialog.locator("textarea[name=text]").fill("Ask about their slow season")
    _mark(page)
    dialog.get_by_role("button", name="Add").click()
    _until_redrawn(page, served, deleted)
    assert served.text() == deleted + "  - Ask about their slow season\n"
    _check_clean(served)
