"""The editor's lane and parking-lot notes, on the real example journey: each edit changes
only the lines it must (the whole file is compared), and the file stays in fmt's form."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_workspace

from journeymap import load_workspace
from journeymap.workspace.edit import Editor, Refused
from journeymap.workspace.fmt import format_text

JOURNEY = "journeys/client-love.yml"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_workspace(tmp_path / "ws")


def note(editor: Editor, **request: Any) -> dict[str, Any]:
    state = editor.state()
    return editor.apply({"op": "note", "journey": "client-love",
                         "hash": state["journeys"]["client-love"]["hash"], **request})


def replaced(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def check(ws: Path, expected: str) -> None:
    text = (ws / JOURNEY).read_text()
    assert text == expected
    assert format_text(text, "journey", JOURNEY) == text
    assert not load_workspace(ws, "journeys").errors


@pytest.mark.parametrize(("request_", "changes"), [
    # A lone note becomes a list of two on its line.
    ({"stage": "pre-game", "lane": "pains", "action": "add", "text": "Too many forms"},
     [("      pains: Not sure what working with us will cost\n",
       "      pains: [Not sure what working with us will cost, Too many forms]\n")]),
    # A block list gets a line; its other lines are untouched.
    ({"stage": "first-week", "lane": "backstage", "action": "add", "text": "Book the room"},
     [("        - The assistant orders the welcome gift\n",
       "        - The assistant orders the welcome gift\n        - Book the room\n")]),
    ({"stage": "first-week", "lane": "backstage", "action": "set", "index": 0,
      "text": "Sales writes the handoff: the same day"},
     [("        - Sales writes the handoff before the welcome call\n",
       '        - "Sales writes the handoff: the same day"\n')]),
    ({"stage": "first-week", "lane": "backstage", "action": "delete", "index": 0},
     [("        - Sales writes the handoff before the welcome call\n", "")]),
    ({"stage": "pre-game", "lane": "does", "action": "delete", "index": 1},
     [("      does: [Reads our site twice, Asks a friend about us]\n",
       "      does: [Reads our site twice]\n")]),
    # A lane the stage has not used yet: after its other lanes.
    ({"stage": "first-month", "lane": "pains", "action": "add", "text": "Slow replies"},
     [("      opportunities: A short video tour of the shared folder\n",
       "      opportunities: A short video tour of the shared folder\n"
       "      pains: [Slow replies]\n")]),
    # A stage with no lanes at all gets its `lanes:` last, after its promise.
    ({"stage": "day-60", "lane": "opportunities", "action": "add", "text": "A progress chart"},
     [("      what is behind.\n", "      what is behind.\n    lanes:\n"
                                  "      opportunities: [A progress chart]\n")]),
    ({"action": "add", "text": "Ask about their slow season"},
     [("  - A client advisory evening once a year?\n",
       "  - A client advisory evening once a year?\n  - Ask about their slow season\n")]),
    ({"action": "delete", "index": 0},
     [("  - Should the welcome gift arrive before the agreement is signed?\n", "")]),
], ids=["lone-to-list", "block-add", "block-set", "block-delete", "flow-delete", "new-lane",
        "new-lanes", "parking-add", "parking-delete"])
def test_a_note_edit_changes_only_its_lines(ws: Path, request_: dict[str, Any],
                                            changes: list[tuple[str, str]]) -> None:
    before = (ws / JOURNEY).read_text()
    answer = note(Editor(ws), **request_)
    assert answer["ok"] and answer["file"] == JOURNEY
    check(ws, replaced(before, *changes))


def test_a_journey_without_a_parking_lot_gets_one(ws: Path) -> None:
    text = (ws / JOURNEY).read_text()
    bare = text[:text.index("\nparking_lot:")].rstrip("\n") + "\n"
    (ws / JOURNEY).write_text(bare)
    note(Editor(ws), action="add", text="Where does the gift go?")
    check(ws, bare + "\nparking_lot:\n  - Where does the gift go?\n")


@pytest.mark.parametrize(("request_", "message"), [
    ({"stage": "pre-game", "lane": "pain", "action": "add", "text": "x"},
     "unknown lane 'pain' in stage 'pre-game' (did you mean 'pains'?)"),
    ({"stage": "pre-game", "lane": "pains", "action": "add", "text": "  "},
     "a note needs some text"),
    ({"stage": "pre-game", "lane": "pains", "action": "set", "index": 4, "text": "x"},
     "that note is not in the file (any more)"),
    ({"stage": "nowhere", "lane": "pains", "action": "add", "text": "x"},
     "stage 'nowhere' is not in the file (any more)"),
    ({"stage": "pre-game", "lane": "pains", "action": "add", "text": "bad \x1b[31m"},
     "which text may not hold"),
])
def test_a_wrong_note_edit_writes_nothing(ws: Path, request_: dict[str, Any],
                                          message: str) -> None:
    before = (ws / JOURNEY).read_bytes()
    with pytest.raises(Refused, match=re.escape(message)):
        note(Editor(ws), **request_)
    assert (ws / JOURNEY).read_bytes() == before


def test_a_note_edit_undoes(ws: Path) -> None:
    editor = Editor(ws)
    before = (ws / JOURNEY).read_bytes()
    note(editor, stage="pre-game", lane="asks", action="add", text="How long does it take?")
    assert "asks: [How long does it take?]" in (ws / JOURNEY).read_text()
    editor.apply({"op": "undo"})
    assert (ws / JOURNEY).read_bytes() == before


def test_a_new_lane_after_a_block_list_lands_inside_its_stage(ws: Path) -> None:
    # The lanes of Days 1-7 end with a block list (backstage): the new lane goes after its
    # last line, not after the blank line and into the next stage. Lanes keep the order
    # their author gave them.
    before = (ws / JOURNEY).read_text()
    note(Editor(ws), stage="first-week", lane="opportunities", action="add",
         text="A named contact card")
    check(ws, replaced(before, ("        - The assistant orders the welcome gift\n",
                                "        - The assistant orders the welcome gift\n"
                                "      opportunities: [A named contact card]\n")))
