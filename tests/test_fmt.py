"""`journeymap fmt`: the canonical layout, and that it never loses a byte of content.

Comments are counted with ruamel's own scanner (not fmt's), and data is compared through the
loader (`load_workspace`), so these tests do not trust the code they test.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import stat
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.tokens import CommentToken

from journeymap.exceptions import InvalidWorkspace
from journeymap.workspace import fmt
from journeymap.workspace.fmt import KINDS, format_paths, format_text
from journeymap.workspace.load import load_workspace
from journeymap.workspace.schema import TOUCHPOINT
from journeymap.workspace.source import parse_yaml, split_front_matter

FIXTURES = Path(__file__).parent / "fixtures"
FORMAT_MD = next((p for p in (Path("/work/shared/FORMAT.md"), REPO.parent / "shared" / "FORMAT.md")
                  if p.is_file()), None)


def comments(text: str, kind: str) -> Counter[str]:
    """Every comment line, as ruamel's round-trip scanner sees them."""
    text = text.removeprefix("\ufeff")
    if kind == "person":
        text = split_front_matter(text, "-")[0]
    found: Counter[str] = Counter()

    def take(value: Any) -> None:
        if isinstance(value, CommentToken):
            value = value.value
        if isinstance(value, str):
            found.update(line.strip() for line in value.split("\n")
                         if line.strip().startswith("#"))
        elif isinstance(value, list):
            for item in value:
                take(item)

    for token in YAML(typ="rt").scan(text):
        take(getattr(token, "comment", None))
    return found


def kind_of(file: Path) -> str:
    if file.suffix == ".md":
        return "person"
    return "client" if file.parent.name == "clients" else "journey"


def all_inputs() -> list[tuple[str, str, str]]:
    """(name, kind, text) of every example file, doc example, scaffold file and fixture."""
    found = []
    for file in sorted([*REPO.glob("journeys/*.yml"), *REPO.glob("journeys/clients/*.yml"),
                        *REPO.glob("journeys/team/*.md")]):
        found.append((file.relative_to(REPO).as_posix(), kind_of(file), file.read_text()))
    scaffold = REPO / "journeymap" / "workspace" / "starter" / "journeys"
    for file in sorted([*scaffold.glob("*.yml"), *scaffold.glob("*/*.yml"),
                        *scaffold.glob("*/*.md")]):
        text = file.read_text().replace("{today}", "2026-11-24")
        found.append((f"scaffold/{file.relative_to(scaffold)}", kind_of(file), text))
    for file in sorted((FIXTURES / "fmt").iterdir()):
        found.append((f"fmt/{file.name}", "journey" if "journey" in file.name else kind_of(file),
                      file.read_text()))
    for file in sorted((FIXTURES / "bad").iterdir()):
        found.append((f"bad/{file.name}", file.stem.split("-")[0], file.read_text()))
    if FORMAT_MD is not None:
        blocks = re.findall(r"^```(yaml|markdown)\n(.*?)^```", FORMAT_MD.read_text(),
                            re.MULTILINE | re.DOTALL)
        for n, (language, body) in enumerate(blocks):
            kind = ("person" if language == "markdown" else "journey" if "stages:" in body
                    else "client")
            found.append((f"FORMAT.md#{n}", kind, body))
    return found


INPUTS = all_inputs()


@pytest.mark.parametrize(("name", "kind", "text"), INPUTS, ids=[i[0] for i in INPUTS])
def test_every_file_keeps_its_comments_and_formats_once(name: str, kind: str, text: str) -> None:
    try:
        once = format_text(text, kind, name)
    except InvalidWorkspace:
        # Only fixtures that the hardened reader itself refuses may fail; none do today.
        pytest.fail(f"{name} could not be formatted")
    assert comments(once, kind) == comments(text, kind)
    assert format_text(once, kind, name) == once
    if kind == "person":
        assert split_front_matter(once, "-")[1] == split_front_matter(text, "-")[1]


def test_there_is_something_of_each_sort_to_format() -> None:
    names = [name for name, _, _ in INPUTS]
    assert any(n.startswith("journeys/team/") for n in names)
    assert any(n.startswith("bad/") for n in names) and any(n.startswith("fmt/") for n in names)


CANONICAL = [i for i in INPUTS if i[0].startswith(("scaffold/", "FORMAT.md", "journeys/team/",
                                                    "journeys/clients/"))]


@pytest.mark.parametrize(("name", "kind", "text"), CANONICAL, ids=[i[0] for i in CANONICAL])
def test_the_format_examples_and_a_new_workspace_are_canonical_already(
        name: str, kind: str, text: str) -> None:
    assert format_text(text, kind, name) == text


# ---- the canonical layout -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["messy-journey", "sections-journey", "flow-journey"])
def test_fixture_formats_to_its_expected_file(name: str) -> None:
    given = (FIXTURES / "fmt" / f"{name}.yml").read_text()
    expected = (FIXTURES / "fmt" / f"{name}.expected.yml").read_text()
    assert format_text(given, "journey") == expected
    assert format_text(expected, "journey") == expected


def ids_in_order(text: str) -> list[str]:
    return re.findall(r"^  - id: (\S+)", text.split("touchpoints:")[1], re.MULTILINE)


def test_touchpoints_go_in_day_order_with_their_comments() -> None:
    out = format_text((FIXTURES / "fmt" / "messy-journey.yml").read_text(), "journey")
    assert ids_in_order(out) == ["early", "first", "birthday", "weekly-call"]
    assert "  # a note that belongs to the birthday card\n  - id: birthday\n" in out
    assert "  # a trailing comment deep inside first\n" in out.split("- id: birthday")[0]
    assert "repeat: {every: 7, times: 3}  # three weeks running\n" in out


def test_same_day_touchpoints_keep_their_order_and_on_ones_start_their_stage() -> None:
    out = format_text((FIXTURES / "fmt" / "sections-journey.yml").read_text(), "journey")
    assert ids_in_order(out) == ["kickoff", "hello", "same-day", "card", "lost", "thanks",
                                 "review"]
    # The heading of a stage stays at the stage's start, above the card that moved there.
    heading = out.index("--- Every year\n")
    assert heading < out.index("- id: card") < out.index("- id: thanks")
    assert out.index("# A note about the next one") < out.index("- id: same-day")


def test_the_example_journey_ends_in_day_order_and_its_stage_headings_stay(
        tmp_path: Path) -> None:
    shutil.copytree(REPO / "journeys", tmp_path / "journeys")
    file = tmp_path / "journeys" / "client-love.yml"
    out = format_text(file.read_text(), "journey")
    file.write_text(out)
    loaded = load_workspace(tmp_path)
    assert loaded.problems == []
    by_id = {t.id: t for t in loaded.workspace.journeys["client-love"].touchpoints}
    order = ids_in_order(out)
    assert sorted(order) == sorted(by_id)
    keys = [(by_id[i].order, by_id[i].day is None) for i in order]
    assert keys == sorted(keys)
    every_year = out.index("---- Every year\n")
    assert every_year < out.index("- id: birthday-card") < out.index("- id: intro-for-them")


def test_keys_follow_the_format_reference_order() -> None:
    text = """touchpoints:
  - uses: [favorite_treat]
    owner: lead
    description: Some words.
    day: 5
    title: Gift
    id: gift
    surprise: true
stages:
  - to: 10
    title: All
    id: all
    from: 1
roles:
  lead: Lead
title: Order
"""
    out = format_text(text, "journey")
    top = re.findall(r"^(\w+):", out, re.MULTILINE)
    assert top == ["title", "roles", "stages", "touchpoints"]
    touchpoint_keys = re.findall(r"^    (\w+):", out.split("touchpoints:")[1], re.MULTILINE)
    first_key = re.search(r"^  - (\w+):", out.split("touchpoints:")[1], re.MULTILINE)
    assert first_key is not None
    order = [first_key.group(1), *touchpoint_keys]
    names = [f.name for f in TOUCHPOINT.fields]
    assert order == sorted(order, key=names.index)
    assert "  - id: all\n    title: All\n    from: 1\n    to: 10\n" in out


def test_a_stages_promise_and_a_clients_must_know_take_their_places() -> None:
    # `promise` sits between the stage's (internal) feel and its description; `must_know`
    # right after the welcome, the first of the internal keys.
    journey = ("title: T\nstages:\n  - description: Notes.\n    promise: We will call.\n"
               "    feel: Calm\n    id: s\n    title: S\n    from: 1\n    to: 9\n"
               "touchpoints: []\n")
    assert ("  - id: s\n    title: S\n    from: 1\n    to: 9\n    feel: Calm\n"
            "    promise: We will call.\n    description: Notes.\n") in format_text(journey,
                                                                               "journey")
    client = ("dates:\n  birthday: 03-14\nmust_know: Nut allergy\nwelcome: Hi\nname: C\n"
              "journey: j\nday_one: 2026-01-01\nteam:\n  lead: a\n")
    out = format_text(client, "client")
    assert re.findall(r"^(\w+):", out, re.MULTILINE) == [
        "name", "journey", "day_one", "team", "welcome", "must_know", "dates"]


def test_unknown_keys_go_after_the_known_ones_in_their_own_order() -> None:
    out = format_text("---\nzeta: 1\nname: X\nalpha: 2\n---\n", "person")
    assert out == "---\nname: X\nzeta: 1\nalpha: 2\n---\n"


def test_lists_are_indented_under_their_key_by_two_spaces() -> None:
    text = "name: A\ngoals:\n- One\n-   Two\nteam:\n    sales: pat\n"
    out = format_text(text, "client")
    assert out == "name: A\nteam:\n  sales: pat\ngoals:\n  - One\n  - Two\n"


QUOTING = [
    ('"Almond croissant"', "Almond croissant"),  # needless quotes go
    ("'Flat white'", "Flat white"),
    ('"+1 555 0100"', '"+1 555 0100"'),  # a phone number keeps them
    ("'+1 555 0100'", '"+1 555 0100"'),  # ... in one style
    ('"03-14"', '"03-14"'),  # looks like a date
    ("03-14", "03-14"),  # plain stays plain: it reads as text already
    ('"0123"', '"0123"'),  # a leading zero
    ('"12:30"', '"12:30"'),  # a time (an old YAML reads a number)
    ('"yes"', '"yes"'), ('"No"', '"No"'), ('"off"', '"off"'), ('"null"', '"null"'),
    ('"true"', '"true"'), ('"~"', '"~"'), ('""', '""'),
    ('"Yes please"', "Yes please"),
    ('"a: b"', '"a: b"'), ('"#1 fan"', '"#1 fan"'), ('"a #b"', '"a #b"'),
    ('"- dash"', '"- dash"'), ('"[x]"', '"[x]"'), ('"@home"', '"@home"'),
    ('" padded "', '" padded "'), ('"ends:"', '"ends:"'),
    ('"it\'s"', "it's"), ("'say \"hi\"'", 'say "hi"'),
    ('"line\\nbreak"', '"line\\nbreak"'), ("'Jo''s'", "Jo's"),
    ("plain words\n    over two lines", "plain words over two lines"),
]


@pytest.mark.parametrize(("written", "expected"), QUOTING, ids=[q[0] for q in QUOTING])
def test_quoting(written: str, expected: str) -> None:
    text = f"name: Q\npreferences:\n  it: {written}\n"
    assert format_text(text, "client") == f"name: Q\npreferences:\n  it: {expected}\n"


def test_quoted_keys_lose_needless_quotes_but_not_number_like_ones() -> None:
    text = 'name: Q\nteam:\n  "sales": pat\n  "007": bond\n'
    assert format_text(text, "client") == 'name: Q\nteam:\n  sales: pat\n  "007": bond\n'


def test_block_scalars_keep_their_style_and_move_with_the_indentation() -> None:
    text = ("touchpoints:\n"
            "    -   id: a\n"
            "        description: |\n"
            "            Line one\n"
            "              indented\n"
            "\n"
            "            after a blank\n"
            "        title: >-\n"
            "            folded\n"
            "            title\n"
            "title: T\n")
    out = format_text(text, "journey")
    assert out == ("title: T\n"
                   "touchpoints:\n"
                   "  - id: a\n"
                   "    title: >-\n"
                   "      folded\n"
                   "      title\n"
                   "    description: |\n"
                   "      Line one\n"
                   "        indented\n"
                   "\n"
                   "      after a blank\n")


def test_line_endings_and_a_byte_order_mark_are_kept() -> None:
    text = "\ufeffname: \"A\"\r\nteam:\r\n  sales: pat\r\n"
    assert format_text(text, "client") == "\ufeffname: A\r\nteam:\r\n  sales: pat\r\n"


def test_a_person_body_is_kept_byte_for_byte() -> None:
    body = "Bio with trailing spaces  \r\n\r\n---\r\nname: not front matter\r\n\tTabbed.\r\n"
    text = "---\r\ntitle: 'Lead'\r\nname:   Kim\r\n---\r\n" + body
    out = format_text(text, "person")
    assert out == "---\r\nname: Kim\r\ntitle: Lead\r\n---\r\n" + body


def test_the_editor_line_stays_on_top_whatever_key_comes_first() -> None:
    line = "# yaml-language-server: $schema=../../schemas/person.schema.json"
    out = format_text(f"---\n{line}\ntitle: Lead\nname: Kim\n---\nBio.\n", "person")
    assert out == f"---\n{line}\nname: Kim\ntitle: Lead\n---\nBio.\n"


# ---- never lose a byte --------------------------------------------------------------------


def model(root: Path) -> Any:
    """The loaded workspace, without positions (formatting moves lines)."""
    loaded = load_workspace(root)
    assert loaded.problems == []

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("where", "key_where")}
        if isinstance(value, list | tuple):
            return [strip(v) for v in value]
        return value

    return strip(dataclasses.asdict(loaded.workspace))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "journeys", tmp_path / "journeys")
    shutil.copy(FIXTURES / "fmt" / "messy-journey.yml", tmp_path / "journeys" / "messy.yml")
    return tmp_path


def test_formatting_the_workspace_keeps_the_model(workspace: Path) -> None:
    before = model(workspace)
    result = format_paths(workspace, "journeys", None, check=False)
    assert result.problems == []
    assert "journeys/messy.yml" in result.changed
    assert len(result.changed) + len(result.unchanged) == 14
    assert model(workspace) == before
    again = format_paths(workspace, "journeys", None, check=False)
    assert again.changed == [] and len(again.unchanged) == 14


def test_check_writes_nothing_and_says_what_would_change(workspace: Path) -> None:
    files = {p: p.read_bytes() for p in (workspace / "journeys").rglob("*") if p.is_file()}
    result = format_paths(workspace, "journeys", None, check=True)
    assert "journeys/messy.yml" in result.changed
    assert result.exit_code(check=True) == 1
    assert {p: p.read_bytes() for p in files} == files
    assert sorted(p for p in (workspace / "journeys").rglob("*") if p.is_file()) == sorted(files)
    format_paths(workspace, "journeys", None, check=False)
    clean = format_paths(workspace, "journeys", None, check=True)
    assert clean.changed == [] and clean.exit_code(check=True) == 0


BROKEN = {
    "anchors.yml": b"title: &t Hello\nsummary: *t\nstages: []\ntouchpoints: []\n",
    "duplicate.yml": b"title: A\ntitle: B\nstages: []\ntouchpoints: []\n",
    "unclosed.yml": b"title: [A\nstages: []\n",
    "latin1.yml": b"title: Caf\xe9\nstages: []\ntouchpoints: []\n",
    "team/no-front-matter.md": b"name: Kim\n",
}


def test_a_broken_file_is_left_byte_for_byte_and_reported_with_its_position(
        workspace: Path) -> None:
    for name, data in BROKEN.items():
        (workspace / "journeys" / name).write_bytes(data)
    result = format_paths(workspace, "journeys", None, check=False)
    reported = {p.path: (p.line, p.col) for p in result.problems}
    assert reported == {
        "journeys/anchors.yml": (1, 8),
        "journeys/duplicate.yml": (2, 1),
        "journeys/unclosed.yml": (2, 7),
        "journeys/latin1.yml": (1, 11),
        "journeys/team/no-front-matter.md": (1, 1),
    }
    for name, data in BROKEN.items():
        assert (workspace / "journeys" / name).read_bytes() == data
    assert "journeys/messy.yml" in result.changed  # the others are still formatted
    assert result.exit_code(check=False) == 1


def test_a_result_that_would_not_read_back_the_same_is_never_written(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong(value: str, indent: int) -> tuple[str, list[str]]:
        return "|", [" " * (indent + 2) + "something else"]

    monkeypatch.setattr(fmt, "_literal", wrong)
    target = workspace / "journeys" / "client-love.yml"
    before = target.read_bytes()
    result = format_paths(workspace, "journeys", [Path("journeys/client-love.yml")], False)
    assert [p.path for p in result.problems] == ["journeys/client-love.yml"]
    assert "would hold different values" in result.problems[0].message
    assert target.read_bytes() == before


def test_paths_pick_files_and_folders_and_refuse_others(workspace: Path) -> None:
    (workspace / "notes.txt").write_text("hello")
    result = format_paths(workspace, "journeys", [Path("journeys/clients"), Path("notes.txt"),
                                                  Path("journeys/missing.yml")], check=True)
    assert len(result.unchanged) == 6 and result.changed == []
    assert [p.path for p in result.problems] == ["notes.txt", "journeys/missing.yml"]
    only = format_paths(workspace, "journeys", [workspace / "journeys" / "messy.yml"], False)
    assert only.changed == ["journeys/messy.yml"] and only.unchanged == []


def test_writing_keeps_the_file_mode_and_leaves_no_temporary_file(workspace: Path) -> None:
    target = workspace / "journeys" / "messy.yml"
    target.chmod(0o640)
    format_paths(workspace, "journeys", [target], check=False)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []


def test_a_linked_file_is_left_alone_and_a_missing_folder_is_reported(workspace: Path) -> None:
    target = workspace / "journeys" / "messy.yml"
    outside = workspace / "outside.yml"
    target.rename(outside)
    target.symlink_to(outside)
    before = outside.read_bytes()
    result = format_paths(workspace, "journeys", None, check=False)
    assert [(p.path, "linked" in p.message) for p in result.problems] == [
        ("journeys/messy.yml", True)]
    assert target.is_symlink() and outside.read_bytes() == before
    missing = format_paths(workspace, "content", None, check=True)
    assert [p.message for p in missing.problems] == [
        "the journey folder 'content/' does not exist"]


# ---- flow style, block scalar headers, unusual whitespace (issue 13, item 13) -------------


def safe_data(text: str, kind: str) -> Any:
    """The values a file holds as PyYAML-style data, with a journey's touchpoints as a
    collection (fmt sorts them): read by ruamel's safe loader, not by fmt's code."""
    text = text.removeprefix("\ufeff")
    if kind == "person":
        text = split_front_matter(text, "-")[0]
    data = YAML(typ="safe", pure=True).load(text)
    if kind == "journey" and isinstance(data, dict) and isinstance(data.get("touchpoints"), list):
        data["touchpoints"] = sorted(json.dumps(keyed(t), default=str)
                                     for t in data["touchpoints"])
    return data


def keyed(value: Any) -> Any:
    """A value with its mappings as sorted lists of pairs: keys may be numbers and text."""
    if isinstance(value, dict):
        return sorted(([repr(k), keyed(v)] for k, v in value.items()), key=lambda p: p[0])
    return [keyed(v) for v in value] if isinstance(value, list) else value


def formats_safely(text: str, kind: str) -> str:
    """fmt's output for `text`: the same values and comments, and formatting it again
    changes nothing."""
    out = format_text(text, kind)
    assert safe_data(out, kind) == safe_data(text, kind)
    assert comments(out, kind) == comments(text, kind)
    assert format_text(out, kind) == out
    return out


FLOW_HEAD = """title: T
roles:
  lead: Lead
stages:
  - id: a
    title: A
    from: 1
    to: 10
  - {id: b, title: B, from: 11, to: 20}
"""

FLOW_TOUCHPOINTS = {
    "flow items": ("""touchpoints:
  # about x
  - {id: x, title: X, day: 15, owner: lead}  # x's own
  - {id: y, title: Y, day: 2, owner: lead}  # y's own
  - id: z
    title: Z
    day: 5
    owner: lead
  - {owner: lead, stage: b, on: birthday, title: W, id: w}
""", """touchpoints:
  - {id: y, title: Y, day: 2, owner: lead}  # y's own
  - id: z
    title: Z
    day: 5
    owner: lead
  - {id: w, title: W, on: birthday, stage: b, owner: lead}
  # about x
  - {id: x, title: X, day: 15, owner: lead}  # x's own
"""),
    "a flow list": (
        "touchpoints: [{id: x, title: X, day: 15, owner: lead}, "
        "{id: y, title: Y, day: 2, owner: lead}]  # all\n",
        "touchpoints: [{id: y, title: Y, day: 2, owner: lead}, "
        "{id: x, title: X, day: 15, owner: lead}]  # all\n"),
    "a flow list over lines with comments": ("""touchpoints: [
  {id: x, title: X, day: 15, owner: lead},  # later
  # the first
  {id: y, title: Y, day: 2, owner: lead}
]
""", """touchpoints: [
  # the first
  {id: y, title: Y, day: 2, owner: lead},
  {id: x, title: X, day: 15, owner: lead}  # later
]
"""),
}


@pytest.mark.parametrize("case", FLOW_TOUCHPOINTS)
def test_flow_touchpoints_go_in_day_order_with_their_comments(case: str) -> None:
    given, expected = FLOW_TOUCHPOINTS[case]
    assert formats_safely(FLOW_HEAD + given, "journey") == FLOW_HEAD + expected


def test_check_reports_flow_touchpoints_out_of_day_order(workspace: Path) -> None:
    file = workspace / "journeys" / "flow.yml"
    file.write_text(FLOW_HEAD + FLOW_TOUCHPOINTS["a flow list"][0])
    result = format_paths(workspace, "journeys", [file], check=True)
    assert result.changed == ["journeys/flow.yml"] and result.exit_code(check=True) == 1


MULTI_LINE_FLOW = {
    "a list": ("""    phases: [assess,  # the first
      admit]  # the list
""", """    phases: [  # the list
      assess,  # the first
      admit
    ]
"""),
    "a list without comments inside": ("""    phases: [assess,
      admit]  # the list
""", """    phases: [assess, admit]  # the list
"""),
    "a comment on the opening line and one at the end": ("""    phases: [  # open
      assess, admit
      # closing words
    ]
""", """    phases: [  # open
      assess,
      admit
      # closing words
    ]
"""),
}


@pytest.mark.parametrize("case", MULTI_LINE_FLOW)
def test_comments_inside_a_multi_line_flow_list_stay_with_their_items(case: str) -> None:
    given, expected = MULTI_LINE_FLOW[case]
    head = "title: T\nstages:\n  - id: a\n    title: A\n    from: 1\n    to: 10\n"
    tail = "touchpoints: []\n"
    assert formats_safely(head + given + tail, "journey") == head + expected + tail


def test_comments_inside_a_multi_line_flow_touchpoint_stay_with_their_keys() -> None:
    text = """title: T
stages: []
touchpoints:
  - {id: x,  # the x
     day: 5, title: X,
     repeat: {times: 2,  # twice
              every: 7},
     # who
     owner: lead}
  - id: y
    title: Y
    day: 2
    owner: lead
"""
    assert formats_safely(text, "journey") == """title: T
stages: []
touchpoints:
  - id: y
    title: Y
    day: 2
    owner: lead
  - {
    id: x,  # the x
    title: X,
    day: 5,
    repeat: {
      every: 7,
      times: 2  # twice
    },
    # who
    owner: lead
  }
"""


def test_the_read_back_check_catches_a_comment_that_moved_to_another_item(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sort = fmt._sort_touchpoints

    def swap_comments(entries: list[Any], was: Any = None) -> None:
        sort(entries, was)
        listed = next(e for e in entries if e.key is not None and e.key.value == "touchpoints")
        first, second = listed.children[:2]
        first.eol, second.eol = second.eol, first.eol

    monkeypatch.setattr(fmt, "_sort_touchpoints", swap_comments)
    text = FLOW_HEAD + FLOW_TOUCHPOINTS["flow items"][0]
    with pytest.raises(InvalidWorkspace) as raised:
        format_text(text, "journey")
    assert "comment" in raised.value.problems[0].message


BLOCK_SCALARS = [
    "notes: |+\n  kept\n\n",  # keep, at the end of the file
    "notes: |+\n  kept\n\n\nteam:\n  sales: pat\n",  # keep, then a key
    "notes: |+\n  kept\n\n# a comment after it\nteam:\n  sales: pat\n",
    "notes: |-\n  stripped\n",
    "notes: >+\n  folded\n  kept\n\n\n",
    "notes: >-\n  folded\n  stripped\n",
    "notes: |2\n    more indented first\n  then less\n",
    "notes: >2\n    more indented first\n  then less\n",
    "notes: |+2\n    both\n\n",
    "notes: |\n  text\n    # not a comment: it is text\n",
    "notes: |\n  text\n  # text too\n# but this is a comment\n",
    "team:\n  sales: pat\n    # a comment inside team, after pat\n",
    "notes: |\n  text\n   # deeper, and text\nteam: {sales: pat}\n",
]


@pytest.mark.parametrize("tail", BLOCK_SCALARS, ids=[b.split("\n")[0] for b in BLOCK_SCALARS])
def test_block_scalars_with_every_header_are_formatted(tail: str) -> None:
    formats_safely("name: A\njourney: j\n" + tail, "client")


UNUSUAL = ["\u00a0", "\u2009", "\u3000", "\ufeff", "\u200b", "\u2028", "\t"]
PLACES = [
    "name: A{c}\n", "name: A{c}B\n", "name: '{c}A{c}'\n", 'name: "A{c}"\n', "name: A\n  {c}B\n",
    "name: A\nnotes: |\n  a{c}\n  {c}\n", "name: A\nnotes: >\n  a{c}\n  b\n",
    "name: A\ngoals: [a{c}, '{c}b']\n", "name: A  # a comment{c}\n",
    "name: A\nteam:\n  'k{c}': v\n",
    "name: A\nnotes: |\n  {c}first\n  second\n",
]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("char", UNUSUAL, ids=[f"U+{ord(c):04X}" for c in UNUSUAL])
def test_unusual_whitespace_is_formatted_never_reported_as_a_bug(place: str, char: str) -> None:
    text = place.format(c=char)
    try:
        YAML(typ="safe", pure=True).load(text)
    except Exception:  # not YAML at all: the loader refuses it, and so may fmt
        with pytest.raises(InvalidWorkspace) as raised:
            format_text(text, "client")
        assert "journeymap bug" not in raised.value.problems[0].message
        return
    formats_safely(text, "client")


# ---- property: any file the loader accepts formats safely, once ---------------------------
#
# The files are written here as text, in every style the format allows: block and flow
# collections (flow ones over several lines, with comments between their entries), comments
# at any depth, block scalars with every header, plain and quoted scalars holding unusual
# text, keys in any order. What the loader refuses is skipped; everything else must format
# without a word, to the same data and comments, and format again to itself.

TEXTS = ["lead", "Kim Lee", "café", "日本語", "x\u00a0y", "thin\u2009space", "wide\u3000gap",
         "zero\u200bwidth", "mark\ufeffmid", "tab\there", "party 🎉", "e\u0301", "#hash",
         "a #b", "colon: x", "- dash", "[x]", "{y}", "yes", "null", "007", "12:30", "2026-01-02",
         "1e3", "'q'", '"dq"', "back\\slash", " padded ", "", "~", "@at", "it's", "ends:",
         "a,b", "?q", "|pipe", ">gt", "trailing\u00a0", "\u00a0leading", "line\u2028sep",
         "plain words"]
WORDS = ["assess", "admit", "sales", "lead", "x", "kim-lee", "a1"]


def plain_reads_as(text: str, context: str) -> bool:
    """Whether `text`, written plain here, is read back as that string (by ruamel's safe
    loader, not by fmt)."""
    template, expected = {"block": ("k: {}", {"k": text}), "flow": ("k: [{}]", {"k": [text]}),
                          "key": ("{}: v", {text: "v"})}[context]
    try:
        return bool(YAML(typ="safe", pure=True).load(template.format(text)) == expected)
    except Exception:
        return False


def double_quoted(text: str) -> str:
    return '"' + "".join("\\" + c if c in '"\\' else c if c.isprintable() or c == "\t"
                         else f"\\u{ord(c):04x}" for c in text) + '"'


class Writer:
    """Writes a value tree (str, int, list, dict, or ("block", text)) as YAML text, drawing
    every choice of style from hypothesis."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def pick(self, options: list[Any]) -> Any:
        return self.data.draw(st.sampled_from(options))

    def chance(self, percent: int) -> bool:
        return bool(self.data.draw(st.integers(0, 99)) < percent)

    def comment(self) -> str:
        return "# " + self.pick(TEXTS[:12] + ["note", "- a list?", "key: value"])

    def eol(self) -> str:
        return self.pick([" ", "  ", "    "]) + self.comment() if self.chance(25) else ""

    def leads(self, indent: int) -> list[str]:
        found = []
        while self.chance(20):
            found.append("" if self.chance(30) else " " * self.pick([indent, indent, 0, indent + 2])
                         + self.comment())
        return found

    def scalar(self, value: Any, context: str, indent: int = 0) -> str:
        """A scalar; over two lines sometimes (folded back to one by the reader)."""
        if value is None:
            return self.pick(["", "~", "null"]) if context != "key" else "x"
        if not isinstance(value, str):
            return str(value)
        styles = ["single", "double"] + ["plain"] * 3 * plain_reads_as(value, context)
        style = self.pick(styles)
        if style == "plain":
            text = value
        elif style == "single" and all(c.isprintable() or c == "\t" for c in value):
            text = "'" + value.replace("'", "''") + "'"
        else:
            text = double_quoted(value)
        words = text.split(" ")
        if context != "key" and len(words) > 2 and "  " not in text and self.chance(20):
            cut = self.data.draw(st.integers(1, len(words) - 1))
            return (" ".join(words[:cut]) + "\n" + " " * (indent + 3)
                    + " ".join(words[cut:]))  # the reader folds the break to a space
        return text

    def block_scalar(self, text: str, indent: int) -> list[str]:
        style = self.pick(["|", ">"])
        chomp = "+" if text.endswith("\n\n") else "" if text.endswith("\n") else "-"
        body = text[:-1] if text.endswith("\n") else text
        step = self.pick([2, 4])
        indicator = str(step) if body.lstrip("\n").startswith(" ") or self.chance(10) else ""
        pad = " " * (indent + step)
        lines = [pad + line if line else "" for line in body.split("\n")] if body else []
        return [style + self.pick([indicator + chomp, chomp + indicator])] + lines

    def flow(self, value: Any, indent: int, record: str = "") -> list[str]:
        """A flow collection: its first line, then any more it spans."""
        if not isinstance(value, list | dict):  # a block scalar cannot stand in a flow one
            text = value[1] if isinstance(value, tuple) else value
            return self.scalar(text, "flow", indent).split("\n")
        parts = ([self.scalar(k, "key") + ":" + self.pick([" ", " ", "  # between\n  "])
                  + "\n".join(self.flow(v, indent + 2)) for k, v in value.items()]
                 if isinstance(value, dict) else
                 ["\n".join(self.flow(v, indent + 2)) for v in value])
        opener, closer = ("{", "}") if isinstance(value, dict) else ("[", "]")
        lines = [opener + ("  # opening" if self.chance(10) else "")]
        pad = " " * (indent + 1)
        for n, part in enumerate(parts):
            last = n == len(parts) - 1
            if self.chance(30) or "\n" in lines[-1]:
                lines += [pad + c for c in self.leads(0) if c] + [pad]
            lines[-1] += part.replace("\n", "\n" + pad) + ("" if last else ",")
            if self.chance(15) and not lines[-1].endswith(opener):
                lines[-1] += self.eol() or "  # after"
                lines.append(pad)
            elif not last:
                lines[-1] += " "
        if self.chance(10):
            lines += [pad + "# before the end", pad]
        if lines[-1].strip() == "":
            lines[-1] = pad + closer
        else:
            lines[-1] = lines[-1].rstrip(" ") + closer
        return "\n".join(lines).split("\n")

    def value(self, head: str, value: Any, indent: int) -> list[str]:
        """`head` (a key and ':', or '-') and its value, with what is nested in it."""
        if isinstance(value, tuple):
            first, *rest = self.block_scalar(value[1], indent)
            return [f"{head} {first}{self.eol()}", *rest]
        if not isinstance(value, list | dict) or not value or self.chance(25):
            first, *rest = self.flow(value, indent)
            gap = "\t" if self.chance(5) and first.strip() else " "
            return [f"{head}{gap}{first}".rstrip(" ") + self.eol(), *rest]
        step = self.pick([2, 4])
        if isinstance(value, dict):
            return [head + self.eol(), *self.mapping(value, indent + step)]
        inner = indent + (step if head.lstrip() != "-" and not self.chance(30) else 0)
        if head.lstrip() == "-":
            inner = indent + 2
        return [head + self.eol(), *self.sequence(value, inner)]

    def mapping(self, value: dict[str, Any], indent: int) -> list[str]:
        lines = []
        for key, item in value.items():
            lines += self.leads(indent)
            lines += self.value(" " * indent + self.scalar(key, "key") + ":", item, indent)
        if self.chance(15):
            lines.append(" " * (indent + self.pick([0, 1, 2])) + self.comment())
        return lines

    def sequence(self, value: list[Any], indent: int) -> list[str]:
        lines = []
        for item in value:
            lines += self.leads(indent)
            if isinstance(item, dict) and item and self.chance(70):
                nested = self.mapping(item, indent + 2)
                lines.append(" " * indent + "- " + nested[0][indent + 2:])
                lines += nested[1:]
            else:
                lines += self.value(" " * indent + "-", item, indent)
        return lines


def shuffled(data: Any, pairs: dict[str, Any]) -> dict[str, Any]:
    keys = data.draw(st.permutations(list(pairs)))
    return {k: pairs[k] for k in keys}


def some_text(data: Any) -> Any:
    return data.draw(st.sampled_from([*TEXTS, None, 12, [["a", "b"], ["c"]]]))


def some_block(data: Any) -> tuple[str, str]:
    lines = data.draw(st.lists(st.sampled_from([*TEXTS, "", "  more indented", "\tfirst tab"]),
                               min_size=0, max_size=4))
    end = data.draw(st.sampled_from(["", "\n", "\n", "\n\n"]))
    return ("block", "\n".join(lines) + end if lines else end)


def maybe(data: Any, pairs: dict[str, Any]) -> dict[str, Any]:
    """Some of the keys, and perhaps one the format does not know."""
    kept = {k: v for k, v in pairs.items() if data.draw(st.booleans()) or k in ("id", "name")}
    if data.draw(st.integers(0, 9)) == 0:
        kept[data.draw(st.sampled_from(["zeta", "x-extra", "note"]))] = some_text(data)
    return shuffled(data, kept)


def a_touchpoint(data: Any, n: int) -> dict[str, Any]:
    stage = data.draw(st.sampled_from(["a", "b"]))
    timing: dict[str, Any] = ({"day": data.draw(st.integers(-40, 400))} if data.draw(st.booleans())
                              else {"on": "birthday", "stage": stage})
    return maybe(data, {"id": f"t{n}", "title": some_text(data), **timing,
                        "owner": "lead", "feel": data.draw(st.integers(1, 5)),
                        "description": some_block(data), "repeat": {"times": 2, "every": 7},
                        "support": data.draw(st.lists(st.sampled_from(WORDS), max_size=3))})


def a_journey(data: Any) -> dict[str, Any]:
    stages = [maybe(data, {"id": "a", "title": some_text(data), "from": -30, "to": 30,
                           "phases": ["assess", "admit"]}),
              maybe(data, {"id": "b", "title": "B", "from": 31, "to": 365})]
    touchpoints = [a_touchpoint(data, n) for n in range(data.draw(st.integers(0, 5)))]
    return maybe(data, {"title": some_text(data), "summary": some_block(data),
                        "roles": {"lead": some_text(data), "sales": "Sales"},
                        "stages": stages, "touchpoints": touchpoints})


def a_client(data: Any) -> dict[str, Any]:
    return maybe(data, {"name": some_text(data), "journey": "client-love",
                        "day_one": "2026-01-05", "team": {"lead": "kim-lee"},
                        "goals": data.draw(st.lists(st.sampled_from(TEXTS), max_size=3)),
                        "preferences": {"favorite_treat": some_text(data)},
                        "notes": some_block(data)})


def a_person(data: Any) -> dict[str, Any]:
    return maybe(data, {"name": some_text(data), "title": some_text(data),
                        "fun_facts": data.draw(st.lists(st.sampled_from(TEXTS), max_size=3)),
                        "phone": "+1 555 0100", "notes": some_block(data)})


@settings(max_examples=int(os.environ.get("JOURNEYMAP_FMT_EXAMPLES", "150")), deadline=None,
          derandomize=os.environ.get("JOURNEYMAP_FMT_EXAMPLES") is None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(st.data(), st.sampled_from(KINDS))
def test_any_file_the_loader_accepts_formats_safely_and_once(data: Any, kind: str) -> None:
    value = {"journey": a_journey, "client": a_client, "person": a_person}[kind](data)
    writer = Writer(data)
    text = a_file(writer, value, kind)
    front = split_front_matter(text.removeprefix("\ufeff"), "-")[0] if kind == "person" else text
    _, problems = parse_yaml(front.removeprefix("\ufeff").replace("\r\n", "\n"), "-")
    assume(not problems)
    note(text)
    formats_safely(text, kind)


def a_file(writer: Writer, value: dict[str, Any], kind: str) -> str:
    top = writer.pick([[], [], ["---" if kind != "person" else "# -"],
                       [fmt.MODELINE + " $schema=x.json"], ["# the file", ""]])
    lines = [*top, *writer.leads(0), *writer.mapping(value, 0), *writer.leads(0)]
    text = "\n".join(lines) + "\n"
    if kind == "person":
        text = "---\n" + text + "---\nA bio.\n"
    if writer.chance(5):
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if writer.chance(5) else "") + text


# What the property test and probing found, kept as plain cases.
FOUND = {
    # An empty block scalar takes its indentation from the next line: the comment after it
    # must not become its text.
    "an empty block, then a comment": ("name: A\nnotes: |2-\n # a comment, not text\nzeta: x\n",
                                       "name: A\nnotes: |2-\n # a comment, not text\nzeta: x\n"),
    # A comment on a '-' line whose item starts below stays on the item, not on the key.
    "a comment after a lone dash": ("name: A\nzeta:\n  - # c\n    id: x\n",
                                    "name: A\nzeta:\n  - id: x # c\n"),
    "a comment after a lone dash, and one on the next line": (
        "name: A\nzeta:\n  -   # c\n    t: y  # d\n", "name: A\nzeta:\n  # c\n  - t: y  # d\n"),
    # ruamel reads `ends:` as text before `,` or `]`, but as a key before a space or a line
    # break, as when it is the last entry of a list laid out one entry a line.
    "a colon at the end, in a flow list over lines": (
        "name: A\ngoals: ['ends:',  # c\n  \"ends:\"]\n",
        "name: A\ngoals: [\n  \"ends:\",  # c\n  \"ends:\"\n]\n"),
    # `{a:}` is read as the key `a:`: an entry without a value is written as its key alone.
    "a flow entry without a value": ("name: A\nteam: {'b', c: }\n", "name: A\nteam: {b, c}\n"),
    # ruamel ends a comment at a line separator: what follows it is YAML again.
    "a line separator in a comment": ("name: A\nteam: {  # x\u2028sales: pat}\n",
                                      "name: A\nteam: {sales: pat}  # x\n"),
}


@pytest.mark.parametrize("case", FOUND)
def test_found_by_the_property_test(case: str) -> None:
    given, expected = FOUND[case]
    assert formats_safely(given, "client") == expected
