"""The workshop wall's lanes and parking lot: loaded with exact positions, in the schemas,
ordered by fmt, compared by the review, drawn on the map and kept off every client's page."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from conftest import AS_OF, copy_workspace

from journeymap import Renderer
from journeymap.review.diff import diff_command
from journeymap.workspace.fmt import format_text
from journeymap.workspace.load import load_workspace

J = "journeys/wall.yml"

JOURNEY = """\
title: Wall
roles:
  lead: Client lead
lanes:
  worries: What keeps them up
  does: The guest does
stages:
  - id: before
    title: Before
    from: -10
    to: 0
    lanes:
      does: [Reads our site, Books a call]
      pains: Not sure what it costs
      backstage:
        - Sales prepares the call
  - id: after
    title: After
    from: 1
    to: 30
    lanes:
      worries:
        - |
          Will they remember
          what I said?
touchpoints:
  - id: call
    title: First call
    day: -5
    owner: lead
parking_lot:
  - Should the gift come before signing?
"""
# Lines: 4 lanes (5 worries), 8 stage before, 12 its lanes (13 does, 14 pains, 15 backstage),
# 17 stage after, 21 its lanes (22 worries), 31 parking_lot (32 its note).


def write(root: Path, text: str = JOURNEY) -> Path:
    (root / "journeys").mkdir(parents=True, exist_ok=True)
    (root / J).write_text(text, encoding="utf-8")
    return root


def test_lanes_and_the_parking_lot_load_in_order(tmp_path: Path) -> None:
    loaded = load_workspace(write(tmp_path))
    assert loaded.problems == []
    journey = loaded.workspace.journeys["wall"]
    before, after = journey.stages
    assert before.lanes == (("does", ("Reads our site", "Books a call")),
                            ("pains", ("Not sure what it costs",)),
                            ("backstage", ("Sales prepares the call",)))
    assert after.notes("worries") == ("Will they remember\nwhat I said?",)
    # The fixed lanes first (one relabelled), then the journey's own; backstage drawn last.
    assert journey.lane_labels["does"] == "The guest does"
    assert journey.lane_labels["pains"] == "Pain points"
    assert list(journey.lane_labels)[-1] == "worries"
    assert journey.lanes_used == ("does", "pains", "worries", "backstage")
    assert journey.parking_lot == ("Should the gift come before signing?",)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("      pains: Not", "      pain: Not",
     (14, 7, "unknown lane 'pain' in stage 'before' (did you mean 'pains'?): a lane is one of "
             "does, thinks, asks, pains, opportunities, backstage, or one the journey names "
             "under 'lanes:' with a label")),
    ("      worries:\n", "      worry:\n",
     (22, 7, "unknown lane 'worry' in stage 'after' (did you mean 'worries'?): a lane is one "
             "of does, thinks, asks, pains, opportunities, backstage, or one the journey names "
             "under 'lanes:' with a label")),
    ("      pains: Not sure what it costs", "      pains: [3]",
     (14, 15, "'lanes: pains' in stage 'before' must be text, got 3: put it in quotes, \"3\", to "
              "keep it as written")),
    ("  worries: What keeps them up", "  worries: [What keeps them up]",
     (5, 12, "'lanes: worries' must be text, got a list")),
    ("  - Should the gift come before signing?", "  - {a: b}",
     (32, 5, "'parking_lot' must be text, got a mapping")),
])
def test_a_wrong_lane_is_named_at_its_line_and_column(
        tmp_path: Path, old: str, new: str, expected: tuple[int, int, str]) -> None:
    assert JOURNEY.count(old) == 1
    loaded = load_workspace(write(tmp_path, JOURNEY.replace(old, new)))
    assert [(p.path, p.line, p.col, p.message) for p in loaded.problems] == [(J, *expected)]


def test_fmt_puts_lanes_and_the_parking_lot_in_their_places() -> None:
    # A stage's lanes come last in it, after its notes; the journey's own lanes before the
    # stages that use them, the parking lot after the touchpoints. Notes keep their order.
    text = ("parking_lot: [Later]\ntouchpoints: []\nstages:\n  - lanes:\n      pains: [B, A]\n"
            "    description: Notes.\n    id: s\n    title: S\n    from: 1\n    to: 9\n"
            "lanes:\n  worries: Worries\ntitle: T\n")
    assert format_text(text, "journey") == (
        "title: T\nlanes:\n  worries: Worries\nstages:\n  - id: s\n    title: S\n    from: 1\n"
        "    to: 9\n    description: Notes.\n    lanes:\n      pains: [B, A]\n"
        "touchpoints: []\nparking_lot: [Later]\n")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=repo,
                   capture_output=True, text=True, check=True)


def test_the_review_says_which_notes_came_and_went(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    file = root / "journeys/client-love.yml"
    text = file.read_text(encoding="utf-8")
    for old, new in (("      pains: Filling in the same details twice\n",
                      "      pains: [Filling in the same details twice, Too many emails]\n"),
                     ("      opportunities: A short video tour of the shared folder\n", ""),
                     ("  - A client advisory evening once a year?\n", "  - Ask for a review?\n"),
                     ("title: Client Love Journey\n",
                      "title: Client Love Journey\nlanes:\n  worries: Worries\n")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    file.write_text(text, encoding="utf-8")
    out = diff_command(root, "journeys", "HEAD", None, dt.date.fromisoformat(AS_OF))
    assert "- **Days 1-7** `first-week`: lane `pains`: + Too many emails\n" in out
    assert ("- **Days 8-30** `first-month`: lane `opportunities`: − A short video tour of the "
            "shared folder\n") in out
    assert "lanes: `worries` labelled Worries" in out
    assert "parking lot: + Ask for a review?; − A client advisory evening once a year?" in out


def test_a_journey_without_lanes_gets_no_rows_for_them(tmp_path: Path) -> None:
    # Lanes add rows only where a stage has a note: none here, so the map keeps its five rows
    # and no parking lot; with notes in one lane, one row more.
    bare = JOURNEY.split("lanes:\n  worries")[0] + "stages:" + JOURNEY.split("stages:")[1]
    bare = "\n".join(line for line in bare.split("\n")
                     if not line.startswith(("    lanes:", "      ", "        ")))
    bare = bare.split("parking_lot:")[0]
    for text, rows, parking in ((bare, 5, False),
                                (bare.replace("    to: 0\n", "    to: 0\n    lanes:\n"
                                              "      pains: [Costs]\n"), 6, False),
                                (JOURNEY, 9, True)):
        loaded = load_workspace(write(tmp_path, text))
        assert loaded.problems == []
        html = Renderer(loaded.workspace, dt.date.fromisoformat(AS_OF)).workshop_html(
            loaded.workspace.journeys["wall"])
        labels = re.findall(r'class="jm-map-lane[^"]*" style="grid-row: (\d+)"', html)
        assert [int(n) for n in labels] == list(range(1, rows + 1))
        assert ('class="jm-map-parking"' in html) is parking
