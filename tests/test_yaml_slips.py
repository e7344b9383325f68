"""The YAML slips a workshop facilitator makes most, each said in plain words at its place,
with the parser's own words after the advice."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, copy_workspace, run
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.workspace.source import parse_yaml

HEAD = "title: Welcome Journey\nroles:\n  sales: Salesperson\n  lead: Client lead\n"
TP = "touchpoints:\n  - id: kickoff\n    title: Kickoff call\n    day: 3\n    owner: lead\n"
STAGE = "stages:\n  - id: first\n    title: First month\n    from: 1\n    to: 30\n"

# (slip, file text, line, column, message)
SLIPS = [
    ("a tab", HEAD + "stages:\n\t- id: first\n", 6, 1,
     "this line is indented with a tab: use spaces, not a tab (YAML: found character '\\t' "
     "that cannot start any token, while scanning for the next token)"),
    ("a line indented too far", "title: Welcome Journey\n  summary: From the first call.\n", 2, 10,
     "this line is indented more than the one above it: line it up with 'title' on line 1 "
     "(YAML: mapping values are not allowed here)"),
    ("a line indented too little", TP + "   channel: call\n", 6, 4,
     "this line is indented less than the one above it: line it up with 'owner' on line 5 "
     "(YAML: expected <block end>, but found '<block mapping start>', while parsing a block "
     "collection)"),
    ("no space after a colon", TP.replace("day: 3", "day:3"), 4, 5,
     "no space after the colon in 'day:3': write 'day: 3' (YAML: could not find expected ':', "
     "while scanning a simple key)"),
    ("no colon after a key", TP.replace("owner: lead", "owner lead"), 5, 5,
     "'owner lead' has no ':' after its key: write 'owner: lead' (or, if it goes on the text "
     "above, indent it as that text is) (YAML: could not find expected ':', while scanning a "
     "simple key)"),
    ("a quote never closed", HEAD.replace("title: Welcome", 'title: "Welcome'), 1, 8,
     'the quote " that starts this value is never closed: end the value with " (YAML: found '
     "unexpected end of stream, while scanning a quoted scalar)"),
    ("an apostrophe in '...'", TP.replace("title: Kickoff call", "title: 'Alex's call'"), 3, 18,
     "an apostrophe inside '...' ends the value: write it twice ('Alex''s call'), or quote the "
     "value with \" instead (\"Alex's call\") (YAML: expected <block end>, but found '<scalar>', "
     "while parsing a block mapping)"),
    ("text after the closing quote", TP.replace("title: Kickoff call", 'title: "Kickoff" call'),
     3, 22, "the value goes on after its closing quote: put all of it inside the quotes (YAML: "
            "expected <block end>, but found '<scalar>', while parsing a block mapping)"),
    ("a [ never closed", STAGE + "    phases: [admit, affirm\n    feel: Welcomed\n", 7, 9,
     "the '[' on line 6 is never closed: end the list with ']' (YAML: expected ',' or ']', but "
     "got ':', while parsing a flow sequence)"),
    ("a [ never closed, at the end", STAGE + "    phases: [admit, affirm\n", 6, 13,
     "the '[' on line 6 is never closed: end the list with ']' (YAML: expected ',' or ']', but "
     "got '<stream end>', while parsing a flow sequence)"),
    ("a { never closed", "stages:\n  - {id: first, title: First, from: 1, to: 30\n"
                         "  - {id: next, title: Next, from: 31, to: 60}\n", 3, 5,
     "the '{' on line 2 is never closed: end the mapping with '}' (YAML: expected ',' or '}', "
     "but got '{', while parsing a flow mapping)"),
    ("a colon in a value", TP.replace("title: Kickoff call", "title: Day 3: kickoff"), 3, 17,
     "the value of 'title' holds ': ', which YAML takes for another key: put the whole value in "
     "quotes, title: \"Day 3: kickoff\" (YAML: mapping values are not allowed here)"),
    ("a list item out of line", TP + "   - id: welcome-gift\n", 6, 4,
     "this list item's '-' is not lined up with the one on line 2: indent it 2 spaces, as there "
     "(YAML: expected <block end>, but found '<block sequence start>', while parsing a block "
     "collection)"),
    ("a new item without its dash", TP + "  id: welcome-gift\n", 6, 3,
     "this line is indented less than the one above it: line it up with 'owner' on line 5, or "
     "start it with '- ' if it begins a new item (YAML: expected <block end>, but found '?', "
     "while parsing a block collection)"),
    ("a list on its key's line", TP + "    support: - sales\n", 6, 14,
     "a list cannot start on its key's line: write [sales], or put '- sales' on the next line, "
     "indented (YAML: sequence entries are not allowed here)"),
    ("a value starting with @", TP.replace("title: Kickoff call", "title: @home visit"), 3, 12,
     "a value cannot start with '@' unless it is in quotes: write title: \"@home visit\" (YAML: "
     "found character '@' that cannot start any token, while scanning for the next token)"),
    ("Markdown emphasis first", HEAD + "summary: *Every* client, every time.\n", 5, 10,
     "a value that starts with & or * is a YAML anchor or alias, which is not allowed: put the "
     "value in quotes if the & or * is part of the text, or write the value out"),
]


@pytest.mark.parametrize(("text", "line", "col", "message"),
                         [case[1:] for case in SLIPS], ids=[case[0] for case in SLIPS])
def test_each_slip_is_said_plainly_where_it_is(text: str, line: int, col: int,
                                               message: str) -> None:
    root, problems = parse_yaml(text, "journeys/welcome.yml")
    assert root is None
    assert [(p.line, p.col, p.message) for p in problems] == [
        (line, col, f"invalid YAML: {message}")]


def test_a_duplicate_key_names_the_first(tmp_path: Path) -> None:
    _, problems = parse_yaml(TP.replace("    day: 3\n", "    day: 3\n    title: Kick-off\n"), "j")
    assert [str(p) for p in problems] == ["j:5:5: duplicate key 'title' (first given on line 3)"]


def test_front_matter_lines_are_named_as_the_file_numbers_them() -> None:
    # A person's front matter starts on the file's second line.
    _, problems = parse_yaml("name: Sam\n  title: Lead\n", "journeys/team/sam.md", 1)
    assert [(p.line, p.col) for p in problems] == [(3, 8)]
    assert "line it up with 'name' on line 2" in problems[0].message


def test_an_unknown_error_keeps_the_parser_words() -> None:
    _, problems = parse_yaml('title: "C:\\new\\x"\n', "j")
    assert problems[0].message.startswith("invalid YAML: a backslash inside \"...\"")
    _, problems = parse_yaml("title: A\n---\ntitle: B\n", "j")
    assert problems[0].message == "invalid YAML: a file holds only one document: remove the " \
                                  "second '---'"


def test_journeymap_check_prints_the_advice(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    journey = ws / "journeys" / "client-love.yml"
    lines = journey.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("    owner: "))
    lines[at] = "\t" + lines[at].lstrip(" ")
    journey.write_text("".join(lines))
    result = run(["journeymap", "check"], ws)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"journeys/client-love.yml:{at + 1}:1: invalid YAML: this line is indented with a tab: "
        "use spaces, not a tab (YAML: found character '\\t' that cannot start any token, while "
        "scanning for the next token)")


JOURNEY = (REPO / "journeys" / "client-love.yml").read_text()
EDIT = st.tuples(st.integers(0, len(JOURNEY)), st.integers(0, 3),
                 st.text(alphabet=" \t\n:-#'\"[]{}*&@`|>%?,!ab1", max_size=4))


@settings(max_examples=150, deadline=None)
@given(st.lists(EDIT, min_size=1, max_size=3))
def test_any_slip_gives_positioned_one_line_messages(edits: list[tuple[int, int, str]]) -> None:
    text = JOURNEY
    for at, cut, put in edits:
        text = text[:at] + put + text[at + cut:]
    _, problems = parse_yaml(text, "j.yml")
    lines = text.count("\n") + 2
    for problem in problems:
        assert 1 <= problem.line <= lines and problem.col >= 1
        assert "\n" not in str(problem)
