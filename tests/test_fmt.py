"""`journeymap fmt`: the canonical layout, and that it never loses a byte of content.

Comments are counted with ruamel's own scanner (not fmt's), and data is compared through the
loader (`load_workspace`), so these tests do not trust the code they test.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import stat
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from ruamel.yaml import YAML
from ruamel.yaml.tokens import CommentToken

from journeymap.exceptions import InvalidWorkspace
from journeymap.workspace import fmt
from journeymap.workspace.fmt import format_paths, format_text
from journeymap.workspace.load import load_workspace
from journeymap.workspace.schema import TOUCHPOINT
from journeymap.workspace.source import split_front_matter

FIXTURES = Path(__file__).parent / "fixtures"
FORMAT_MD = next((p for p in (Path("/work/shared/FORMAT.md"), REPO.parent / "shared" / "FORMAT.md")
                  if p.is_file()), None)


def comments(text: str, kind: str) -> Counter[str]:
    """Every comment line, as ruamel's round-trip scanner sees them."""
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


@pytest.mark.parametrize("name", ["messy-journey", "sections-journey"])
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
    assert len(result.changed) + len(result.unchanged) == 13
    assert model(workspace) == before
    again = format_paths(workspace, "journeys", None, check=False)
    assert again.changed == [] and len(again.unchanged) == 13


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
    assert len(result.unchanged) == 5 and result.changed == []
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
