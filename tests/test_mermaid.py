"""The Mermaid export, parsed and drawn by the real mermaid.js in Chromium."""

from __future__ import annotations

import itertools
import json
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from journeymap.model import Journey, Workspace
from journeymap.render.mermaid import (
    ACTOR,
    NEUTRAL_SCORE,
    SECTION,
    TASK,
    TITLE,
    escape_actor,
    escape_section,
    escape_task,
    escape_title,
    journey_mermaid,
    journey_mermaid_markdown,
)
from journeymap.workspace.load import load_workspace

REPO = Path(__file__).resolve().parent.parent
MERMAID_JS = REPO / "node_modules/mermaid/dist/mermaid.min.js"

ODD = """\
title: 'Odd: names, here; #1 & <b>bold</b>'
roles:
  sales: 'Sales: closers, #1; 100%'
  lead: Client lead
stages:
  - id: before
    title: 'Before: signing; #1, 50%'
    from: -30
    to: 0
  - id: quiet
    title: Quiet
    from: 1
    to: 30
  - id: later
    title: Later
    from: 31
    to: 365
touchpoints:
  - id: odd-call
    title: 'Call: "hello", then; #1 follow-up at 50% off'
    day: -10
    owner: sales
    support: [pat-kim]
    feel: 2
  - id: keyword
    title: 'journey planning'
    day: -5
    owner: lead
    feel: 4
  - id: section-word
    title: 'Section two: the sequel'
    day: -4
    owner: lead
    feel: 5
  - id: comment-like
    title: '%% not a comment %%{init}%%'
    day: -3
    owner: lead
    feel: 1
  - id: markup
    title: 'Q&A <b>bold</b> &amp; <img src=x onerror=alert(1)> done'
    day: -2
    owner: lead
  - id: spaced
    title: "title  with\\t a tab and a back\\\\slash"
    day: 40
    owner: pat-kim
    feel: 3
"""
PAT = "---\nname: 'Kim, Pat: #2; the 1%'\n---\nPat.\n"

# mermaid.js draws a task's face this far down for a score (journeyRenderer: 300 + (5 - s) * 30).
FACE_Y = {score: 300 + (5 - score) * 30 for score in range(1, 6)}


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Journey]:
    root = tmp_path_factory.mktemp("odd")
    for rel, text in {"journeys/odd.yml": ODD, "journeys/team/pat-kim.md": PAT}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    loaded = load_workspace(root, "journeys")
    assert not loaded.problems, loaded.problems
    return loaded.workspace, loaded.workspace.journeys["odd"]


@pytest.fixture(scope="module")
def example(example_workspace: Workspace) -> tuple[Workspace, Journey]:
    return example_workspace, example_workspace.journeys["client-love"]


@pytest.fixture(scope="module")
def mermaid(browser: Browser) -> Iterator[Page]:
    """One page with mermaid.js loaded, for the whole module."""
    assert MERMAID_JS.is_file(), "run `npm ci` in the repository root"
    page = browser.new_page()
    page.set_content("<!doctype html><html><body><div id='out'></div></body></html>")
    page.add_script_tag(path=str(MERMAID_JS))
    page.evaluate("mermaid.initialize({startOnLoad: false})")
    yield page
    page.close()


_ids = itertools.count()


def draw(page: Page, code: str) -> dict[str, Any]:
    """Parse and render `code`; what the drawing shows (or the error mermaid raised)."""
    result: dict[str, Any] = page.evaluate(
        """async ([code, id]) => {
            try {
                const parsed = await mermaid.parse(code);
                const {svg} = await mermaid.render(id, code);
                const out = document.getElementById('out');
                out.innerHTML = svg;
                const texts = (sel) => [...out.querySelectorAll(sel)].map(e => e.textContent);
                return {
                    type: parsed.diagramType,
                    tasks: texts('text.task'),
                    lines: out.querySelectorAll('line.task-line').length,
                    faces: [...out.querySelectorAll('circle.face')].map(c => +c.getAttribute('cy')),
                    sections: texts('text.journey-section'),
                    // Each task's actors, from their circles' tooltips (the legend wraps).
                    actors: [...new Set(texts('circle[class^="actor-"] > title'))],
                    title: out.querySelector('svg > text[font-weight="bold"]')?.textContent,
                };
            } catch (e) {
                return {error: String(e)};
            }
        }""",
        [code, f"jm-mermaid-{next(_ids)}"],
    )
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_example_journey_renders_a_task_per_touchpoint(
    mermaid: Page, example: tuple[Workspace, Journey]
) -> None:
    ws, journey = example
    drawn = draw(mermaid, journey_mermaid(ws, journey))
    assert "error" not in drawn, drawn.get("error")
    assert drawn["type"] == "journey"
    assert drawn["lines"] == len(journey.touchpoints)
    assert drawn["tasks"] == [flat(tp.title) for tp in journey.touchpoints]
    assert drawn["faces"] == [FACE_Y[tp.feel or NEUTRAL_SCORE] for tp in journey.touchpoints]
    assert drawn["sections"] == [s.title for s in journey.stages if journey.in_stage(s.id)]
    assert drawn["title"] == journey.title
    assert set(drawn["actors"]) == set(journey.roles.values())


def test_odd_titles_show_exactly_as_written(mermaid: Page, odd: tuple[Workspace, Journey]) -> None:
    ws, journey = odd
    drawn = draw(mermaid, journey_mermaid(ws, journey))
    assert "error" not in drawn, drawn.get("error")
    assert drawn["tasks"] == [flat(tp.title) for tp in journey.touchpoints]
    assert drawn["title"] == journey.title
    assert drawn["sections"] == ["Before: signing; #1, 50%", "Later"]
    # Actor names keep their commas and colons (a comma would otherwise split one in two).
    assert sorted(drawn["actors"]) == sorted(["Sales: closers, #1; 100%", "Client lead",
                                              "Kim, Pat: #2; the 1%"])


# Every ASCII punctuation character, a few non-ASCII ones, and Mermaid's own stand-ins for an
# entity code (ﬂ° and ¶ß), each at the start, alone, inside, doubled and at the end.
CHARACTERS = [*string.punctuation, "é", "–", "’", "😀", "\ufb02\u00b0", "\u00b6\u00df"]


def shapes(c: str) -> str:
    return f"{c}A {c} b{c}{c}c {c}"


@pytest.fixture(scope="module")
def punctuated(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A journey per character (and one with all the punctuation at once), the character in
    its title, its stage's title, its task's name and both actors' names (a role's label and
    a person's name)."""
    root = tmp_path_factory.mktemp("punctuated")
    (root / "journeys" / "team").mkdir(parents=True)
    texts = [shapes(c) for c in CHARACTERS] + [string.punctuation]
    for i, text in enumerate(texts):
        q = json.dumps(text)  # JSON strings are YAML flow scalars
        (root / "journeys" / f"p{i:02}.yml").write_text(
            f"title: {json.dumps('T' + text)}\nroles:\n  r: {json.dumps('R' + text)}\n"
            f"stages:\n  - {{id: s, title: {json.dumps('S' + text)}, from: 1, to: 9}}\n"
            f"touchpoints:\n  - {{id: t, title: {q}, day: 1, owner: r, support: [p{i:02}],"
            f" feel: 4}}\n", encoding="utf-8")
        (root / "journeys" / "team" / f"p{i:02}.md").write_text(
            f"---\nname: {json.dumps('P' + text)}\n---\n", encoding="utf-8")
    loaded = load_workspace(root, "journeys")
    assert not loaded.errors, loaded.errors
    assert len(loaded.workspace.journeys) == len(texts)
    return loaded.workspace


def codes(line: str) -> set[str]:
    """The characters a line of Mermaid source writes as entity codes."""
    return {chr(int(code)) for code in re.findall(r"#(\d+);", line)}


def test_every_punctuation_character_is_drawn_as_written(
    mermaid: Page, punctuated: Workspace
) -> None:
    for journey in sorted(punctuated.journeys.values(), key=lambda j: j.id):
        source = journey_mermaid(punctuated, journey)
        drawn = draw(mermaid, source)
        assert "error" not in drawn, (journey.title, source, drawn["error"])
        tp = journey.touchpoints[0]
        seen = (drawn["title"], drawn["sections"], drawn["tasks"], sorted(drawn["actors"]))
        actors = sorted([journey.roles["r"], punctuated.people[tp.support[0]].name])
        assert seen == (flat(journey.title), [flat(journey.stages[0].title)], [flat(tp.title)],
                        [flat(a) for a in actors]), source
        # ...and nothing is coded that its field can hold as it is: `&` stays `&`.
        _, title, section, task = source.splitlines()
        assert codes(title) <= TITLE and codes(section) <= SECTION
        name, _, names = task.strip().split(": ")  # every `:` in a field is coded
        assert codes(name) <= TASK
        assert codes(names) <= ACTOR


def test_a_touchpoint_without_feel_is_a_neutral_face_with_a_note(
    mermaid: Page, odd: tuple[Workspace, Journey]
) -> None:
    ws, journey = odd
    source = journey_mermaid(ws, journey)
    assert "    %% markup: no feel given, drawn as a neutral 3\n" in source
    drawn = draw(mermaid, source)
    faces = dict(zip((tp.id for tp in journey.touchpoints), drawn["faces"], strict=True))
    assert faces["markup"] == FACE_Y[NEUTRAL_SCORE]
    assert faces["odd-call"] == FACE_Y[2] and faces["comment-like"] == FACE_Y[1]


def test_a_stage_without_touchpoints_is_left_out_with_a_note(
    odd: tuple[Workspace, Journey]
) -> None:
    ws, journey = odd
    source = journey_mermaid(ws, journey)
    assert "  %% stage quiet has no touchpoints, so no section\n" in source
    assert "section Quiet" not in source


def test_what_mermaid_would_misread_breaks_the_unescaped_source(mermaid: Page) -> None:
    """The escaping is needed: the same lines written plainly fail or read differently."""
    assert "error" in draw(mermaid, "journey\n  section A\n    Call: then; go: 3: Me\n")
    plain = draw(mermaid, "journey\n  section A\n    Half #1 done: 3: Me\n")
    assert plain.get("tasks") != ["Half #1 done"]
    actors = draw(mermaid, "journey\n  section A\n    Go: 3: Kim, Pat\n")
    assert sorted(actors["actors"]) == ["Kim", "Pat"]
    escaped = draw(mermaid, f"journey\n  section A\n    {escape_task('Call: then; go')}: 3: "
                            f"{escape_actor('Kim, Pat')}\n")
    assert escaped["tasks"] == ["Call: then; go"] and escaped["actors"] == ["Kim, Pat"]


def test_escaping() -> None:
    assert escape_title("a: b; c # d % e") == "a: b#59; c #35; d #37; e"
    # `&` and `>` as they are: Mermaid draws them so (a code is shown as such by anything
    # that reads the source without Mermaid's decoding step).
    assert escape_title("Cedar & Pine <x>") == "Cedar & Pine #60;x>"
    assert escape_section("Cedar & Pine: <br> 2") == "Cedar & Pine#58; #60;br> 2"
    assert escape_title("two\n  lines\t") == "two lines"
    assert escape_title("a, b") == "a, b"
    assert escape_actor("a, b: c & d <e>") == "a#44; b#58; c & d <e>"
    assert escape_task("journey planning") == "#106;ourney planning"
    assert escape_task("Title page") == "#84;itle page"
    assert escape_task("section 2: more") == "#115;ection 2#58; more"
    assert escape_task("Journeys") == "Journeys"  # not the keyword
    assert escape_task("%% hidden?") == "#37;#37; hidden?"
    # Mermaid's own stand-ins for a code while it parses: coded, so never decoded.
    assert escape_title("\ufb02\u00b0 \u00b6\u00df") == "#64258;\u00b0 #182;\u00df"


def test_markdown_fences_the_source(odd: tuple[Workspace, Journey]) -> None:
    ws, journey = odd
    text = journey_mermaid_markdown(ws, journey)
    assert text == f"```mermaid\n{journey_mermaid(ws, journey)}```\n"
    ticks = Journey(**{**journey.__dict__, "title": "Code ````x```` here"})
    fenced = journey_mermaid_markdown(ws, ticks)
    assert fenced.startswith("`````mermaid\n") and fenced.endswith("\n`````\n")
