"""The editor's core: each edit changes only what it must, on the real example files.

Every expected text is the original with exactly the lines an edit should touch changed,
so the whole file is compared: comments, blank lines and every other touchpoint unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_workspace

from journeymap import load_workspace
from journeymap.cache import DiskCache
from journeymap.workspace.edit import Editor, Refused
from journeymap.workspace.fmt import format_text
from journeymap.workspace.load import LoadCache

JOURNEY = "journeys/client-love.yml"
BAKERY = "journeys/clients/harbor-street-bakery.yml"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_workspace(tmp_path / "ws")


@pytest.fixture
def editor(ws: Path) -> Editor:
    return Editor(ws)


def _edit(editor: Editor, **request: Any) -> dict[str, Any]:
    state = editor.state()
    if "client" in request:
        request.setdefault("hash", state["clients"][request["client"]]["hash"])
    else:
        request.setdefault("journey", "client-love")
        request.setdefault("hash", state["journeys"]["client-love"]["hash"])
    return editor.apply(request)


def _block(text: str, tp_id: str) -> str:
    """A touchpoint's lines with its own comments above it, and the blank line before."""
    start = text.index(f"  - id: {tp_id}\n")
    while text[:start - 1].rsplit("\n", 1)[-1].lstrip().startswith("#"):
        start = text.rindex("\n", 0, start - 1) + 1
    end = text.index("\n\n", start) + 1
    return text[start - 1:end]  # from the blank line before it


def _clean(ws: Path) -> None:
    loaded = load_workspace(ws, "journeys")
    assert not loaded.errors, loaded.errors
    for rel in (JOURNEY, BAKERY):
        text = (ws / rel).read_text()
        assert format_text(text, "client" if "clients" in rel else "journey", rel) == text


def test_feel_changes_one_line(ws: Path, editor: Editor) -> None:
    before = (ws / JOURNEY).read_text()
    _edit(editor, op="touchpoint.set", id="first-hello", fields={"feel": 5})
    expected = before.replace("    feel: 3\n    emotion: curious\n",
                              "    feel: 5\n    emotion: curious\n", 1)
    assert (ws / JOURNEY).read_text() == expected
    _clean(ws)


def test_move_to_another_stage_carries_its_comments(ws: Path, editor: Editor) -> None:
    before = (ws / JOURNEY).read_text()
    block = _block(before, "handoff")
    assert "# Internal: the client never sees" in block
    _edit(editor, op="touchpoint.set", id="handoff", fields={"day": 12})
    moved = block.replace("    day: 2\n", "    day: 12\n").replace(
        "    phase: affirm\n", "    phase: activate\n")  # the nearest phase of Days 8-30
    without = before.replace(block, "", 1)
    at = without.index("\n  - id: weekly-check-in\n")
    expected = without[:at] + moved + without[at:]
    assert (ws / JOURNEY).read_text() == expected
    _clean(ws)


DAYS_8_30 = "\n  # " + "-" * 64 + " Days 8-30\n"
DAYS_1_7 = "\n  # " + "-" * 64 + " Days 1-7\n"


def test_a_stages_first_touchpoint_moved_away_leaves_its_heading(ws: Path,
                                                                  editor: Editor) -> None:
    """Everything set up is the first touchpoint under the Days 8-30 heading: moved to day
    52, it goes, and the heading stays at the start of Days 8-30, above the next one."""
    before = (ws / JOURNEY).read_text()
    assert before.index(DAYS_8_30) + len(DAYS_8_30) == before.index("\n  - id: setup-done\n")
    block = _block(before, "setup-done")
    _edit(editor, op="touchpoint.set", id="setup-done", fields={"day": 52})
    moved = block.replace("    day: 10\n", "    day: 52\n").replace(
        "    phase: activate\n", "    phase: acclimate\n")  # the nearest phase of Days 31-60
    without = before.replace(block, "", 1)
    assert without.index(DAYS_8_30) + len(DAYS_8_30) == without.index(
        "\n  - id: weekly-check-in\n")
    at = without.index("\n  - id: day-60-review\n")
    assert (ws / JOURNEY).read_text() == without[:at] + moved + without[at:]
    _clean(ws)


def test_a_touchpoint_moved_to_a_stages_start_goes_under_its_heading(ws: Path,
                                                                     editor: Editor) -> None:
    """The proposal, last of the pre-game, moved to day 1: it is now the first of Days 1-7
    (before the signing, which was there first in the file), so under that heading."""
    before = (ws / JOURNEY).read_text()
    block = _block(before, "proposal")
    _edit(editor, op="touchpoint.set", id="proposal", fields={"day": 1})
    moved = block.replace("    day: -10\n", "    day: 1\n")  # admit is a phase of Days 1-7
    without = before.replace(block, "", 1)
    at = without.index(DAYS_1_7) + len(DAYS_1_7)
    assert (ws / JOURNEY).read_text() == without[:at] + moved + without[at:]
    _clean(ws)


def test_add_lands_in_day_order(ws: Path, editor: Editor) -> None:
    before = (ws / JOURNEY).read_text()
    _edit(editor, op="touchpoint.add", fields={
        "id": "quiet-call", "title": "A quiet call", "day": 20, "owner": "lead",
        "channel": "call", "feel": 4, "emotion": "calm", "surprise": False,
        "client_visible": True, "description": "Ten minutes, no agenda.\nJust listen.\n"})
    new = ("  - id: quiet-call\n    title: A quiet call\n    day: 20\n    owner: lead\n"
           "    channel: call\n    feel: 4\n    emotion: calm\n    client_visible: true\n"
           "    description: |\n      Ten minutes, no agenda.\n      Just listen.\n\n")
    at = before.index("  - id: day-30-review\n")
    assert (ws / JOURNEY).read_text() == before[:at] + new + before[at:]
    _clean(ws)


def test_edit_several_fields_and_remove_one(ws: Path, editor: Editor) -> None:
    before = (ws / JOURNEY).read_text()
    _edit(editor, op="touchpoint.set", id="deep-dive-recap", fields={
        "title": "What we heard: in their words", "emotion": "", "surprise": True,
        "description": "One short line."})
    old = _block(before, "deep-dive-recap")
    new = ("\n  - id: deep-dive-recap\n    title: \"What we heard: in their words\"\n"
           "    day: -33\n    owner: sales\n    channel: email\n    phase: assess\n"
           "    feel: 4\n    surprise: true\n    description: One short line.\n")
    assert (ws / JOURNEY).read_text() == before.replace(old, new, 1)
    _clean(ws)


def test_delete_takes_its_comments_and_keeps_the_heading(ws: Path, editor: Editor) -> None:
    before = (ws / JOURNEY).read_text()
    _edit(editor, op="touchpoint.delete", id="follow-up")
    block = _block(before, "follow-up")
    assert block.startswith("\n  # Three follow-ups at most")
    assert (ws / JOURNEY).read_text() == before.replace(block, "", 1)
    _edit(editor, op="touchpoint.delete", id="first-hello")  # the first after a heading
    after = (ws / JOURNEY).read_text()
    heading = "  # " + "-" * 64 + " Pre-game (courting)\n\n  - id: deep-dive\n"
    assert heading in before.replace(_block(before, "first-hello"), "", 1)
    assert heading in after
    assert "first-hello" not in after
    _clean(ws)


def test_stage_rename_aim_phases_and_boundary(ws: Path, editor: Editor) -> None:
    before = (ws / JOURNEY).read_text()
    _edit(editor, op="stage.set", id="day-60", fields={
        "title": "The second month", "feel": "At ease",
        "phases": ["acclimate", "accomplish", "adopt"]})
    _edit(editor, op="stage.boundary", stage="day-100", to=110)
    expected = before.replace(
        "    title: Days 31-60\n    from: 31\n    to: 60\n    phases: [acclimate, accomplish]\n"
        "    feel: At ease, and starting to see progress\n",
        "    title: The second month\n    from: 31\n    to: 60\n"
        "    phases: [acclimate, accomplish, adopt]\n"
        "    feel: At ease\n", 1)
    expected = expected.replace("    from: 61\n    to: 100\n", "    from: 61\n    to: 110\n", 1)
    expected = expected.replace("    from: 101\n    to: 200\n", "    from: 111\n    to: 200\n", 1)
    assert (ws / JOURNEY).read_text() == expected
    _clean(ws)
    # Testimonial (day 120, adopt) falls in day-100 (accomplish only): it takes that phase,
    # as a card dragged there would, and the touchpoints that stay keep theirs.
    _edit(editor, op="stage.boundary", stage="day-100", to=150, phases={"kickoff": "adopt"})
    block = _block(expected, "testimonial")
    moved = expected.replace("    from: 61\n    to: 110\n", "    from: 61\n    to: 150\n", 1)
    moved = moved.replace("    from: 111\n    to: 200\n", "    from: 151\n    to: 200\n", 1)
    moved = moved.replace(block, block.replace("    phase: adopt\n", "    phase: accomplish\n"))
    # It was the first under the Six months heading, which stays at that stage's start:
    # above the six-month review, now the first of Six months.
    heading = "\n  # " + "-" * 64 + " Six months\n"
    moved = moved.replace(heading, "", 1)
    at = moved.index("\n  - id: six-month-review\n")
    moved = moved[:at] + heading + moved[at:]
    assert (ws / JOURNEY).read_text() == moved
    _clean(ws)
    with pytest.raises(Refused) as refused:  # six-months would end before it starts
        _edit(editor, op="stage.boundary", stage="day-100", to=200)
    assert "six-months" in str(refused.value)
    assert (ws / JOURNEY).read_text() == moved


def test_mark_done_appends_to_the_log(ws: Path, editor: Editor) -> None:
    before = (ws / BAKERY).read_text()
    _edit(editor, op="done.add", client="harbor-street-bakery", touchpoint="kickoff",
          date="2026-11-25")
    assert (ws / BAKERY).read_text() == before + "  kickoff: 2026-11-25\n"
    _clean(ws)


def test_mark_skipped_with_a_reason(ws: Path, editor: Editor) -> None:
    """A skipped occurrence is written `{skipped: date, reason: why}`, the reason quoted as
    YAML needs (a colon, a hash); added to a touchpoint's entries, those written stay as
    they were."""
    before = (ws / BAKERY).read_text()
    _edit(editor, op="done.add", client="harbor-street-bakery", touchpoint="kickoff",
          date="2026-11-25", skipped="They asked: email only, #busy season")
    after = before + ("  kickoff: {skipped: 2026-11-25, reason: \"They asked: email only, "
                      "#busy season\"}\n")
    assert (ws / BAKERY).read_text() == after
    _clean(ws)
    # A repeating one: done, then skipped, then done, each entry kept as written.
    for date, reason in [("2026-12-04", None), ("2026-12-11", "Closed for a funeral"),
                         ("2026-12-18", None)]:
        _edit(editor, op="done.add", client="harbor-street-bakery",
              touchpoint="weekly-check-in", date=date,
              **({"skipped": reason} if reason else {}))
    assert (ws / BAKERY).read_text() == after + (
        "  weekly-check-in: [2026-12-04, {skipped: 2026-12-11, reason: Closed for a funeral}, "
        "2026-12-18]\n")
    _clean(ws)
    shown = editor.state()["clients"]["harbor-street-bakery"]["hash"]
    for reason in ("", "   ", 3):
        with pytest.raises(Refused) as refused:
            editor.apply({"op": "done.add", "client": "harbor-street-bakery", "hash": shown,
                          "touchpoint": "handoff", "date": "2026-11-25", "skipped": reason})
        assert "say why it was skipped" in str(refused.value)


def test_a_load_after_an_edit_knows_the_file_by_its_new_bytes(ws: Path) -> None:
    """The preview's builds share the editor's parses: the record it wrote must stand in
    recipes for the new file (else the client's pages would be kept as they were)."""
    editor = Editor(ws, "journeys", LoadCache(store=DiskCache(ws / ".cache", "parsed")))
    load_workspace(ws, "journeys", editor.cache)
    _edit(editor, op="done.add", client="harbor-street-bakery", touchpoint="kickoff",
          date="2026-11-25")
    shared = load_workspace(ws, "journeys", editor.cache)
    fresh = load_workspace(ws, "journeys", LoadCache(store=editor.cache.store))
    client = shared.workspace.clients["harbor-street-bakery"]
    assert client.done["kickoff"] == (dt.date(2026, 11, 25),)
    known = shared.fingerprints.of(client)
    assert isinstance(known, tuple) and known[0] == "file"  # known by its file's hash
    assert known == fresh.fingerprints.of(fresh.workspace.clients["harbor-street-bakery"])


@pytest.mark.parametrize("fields, words", [
    ({"owner": "nobody"}, "owner 'nobody' of touchpoint 'kickoff' is neither a role"),
    ({"day": 400}, "day 400 of touchpoint 'kickoff' falls in no stage window"),
    ({"feel": 9}, "feel"),
    ({"owner": ""}, "owner"),  # the owner removed
])
def test_refused_edits_write_nothing(ws: Path, editor: Editor, fields: dict[str, Any],
                                     words: str) -> None:
    before = (ws / JOURNEY).read_bytes()
    with pytest.raises(Refused) as refused:
        _edit(editor, op="touchpoint.set", id="kickoff", fields=fields)
    assert words in str(refused.value)
    assert "journeys/client-love.yml:" in str(refused.value)  # positioned: file:line:col
    assert not refused.value.conflict
    assert (ws / JOURNEY).read_bytes() == before
    assert not editor.done


def test_a_refused_move_is_said_at_the_touchpoints_own_lines(ws: Path,
                                                            editor: Editor) -> None:
    """Day 400 would sort the kickoff to the end of the file: the message names the line
    it is on now, and the stages in words."""
    text = (ws / JOURNEY).read_text()
    line = text[:text.index("  - id: kickoff\n")].count("\n") + 1
    with pytest.raises(Refused) as refused:
        _edit(editor, op="touchpoint.set", id="kickoff", fields={"day": 400})
    assert f"journeys/client-love.yml:{line + 2}:10: day 400 of touchpoint 'kickoff'" in str(
        refused.value)
    assert "Days 1-7 ('first-week'), days 1 to 7;" in str(refused.value)


def test_a_change_on_disk_is_never_overwritten(ws: Path, editor: Editor) -> None:
    shown = editor.state()["journeys"]["client-love"]["hash"]
    someone = (ws / JOURNEY).read_text().replace("Client Love Journey", "Client Love Trip")
    (ws / JOURNEY).write_text(someone)
    with pytest.raises(Refused) as refused:
        editor.apply({"op": "touchpoint.set", "journey": "client-love", "hash": shown,
                      "id": "kickoff", "fields": {"feel": 5}})
    assert refused.value.conflict
    assert (ws / JOURNEY).read_text() == someone


def test_undo_and_redo(ws: Path, editor: Editor) -> None:
    before = (ws / JOURNEY).read_bytes()
    _edit(editor, op="touchpoint.set", id="kickoff", fields={"feel": 5})
    edited = (ws / JOURNEY).read_bytes()
    editor.apply({"op": "undo"})
    assert (ws / JOURNEY).read_bytes() == before
    editor.apply({"op": "redo"})
    assert (ws / JOURNEY).read_bytes() == edited
    editor.apply({"op": "undo"})
    (ws / JOURNEY).write_bytes(before + b"# saved in an editor meanwhile\n")
    with pytest.raises(Refused) as refused:
        editor.apply({"op": "redo"})
    assert refused.value.conflict
    assert (ws / JOURNEY).read_bytes().endswith(b"# saved in an editor meanwhile\n")


def test_a_byte_order_mark_is_kept_and_not_counted(ws: Path, editor: Editor) -> None:
    before = "\ufeff" + (ws / JOURNEY).read_text()
    (ws / JOURNEY).write_text(before, encoding="utf-8")
    _edit(editor, op="touchpoint.set", id="first-hello", fields={"emotion": "intrigued"})
    assert (ws / JOURNEY).read_text(encoding="utf-8") == before.replace(
        "    emotion: curious\n", "    emotion: intrigued\n", 1)


def test_an_id_that_done_logs_name_is_kept(ws: Path, editor: Editor) -> None:
    before = (ws / JOURNEY).read_bytes()
    with pytest.raises(Refused) as refused:
        _edit(editor, op="touchpoint.set", id="kickoff", fields={"id": "kick-off"})
    assert "done logs" in str(refused.value)
    assert (ws / JOURNEY).read_bytes() == before


def test_only_journey_folder_files(ws: Path, editor: Editor) -> None:
    with pytest.raises(Refused):
        editor.apply({"op": "touchpoint.set", "journey": "../mkdocs", "hash": "",
                      "id": "x", "fields": {"feel": 1}})
    with pytest.raises(Refused):
        _edit(editor, op="touchpoint.set", id="kickoff", fields={"repeat": "yearly"})
