"""What `journeymap check` accepts, a build makes: a property test over the loader's inputs.

Hypothesis writes workspaces whose every text field holds arbitrary text (control characters,
lone surrogates, line breaks, markup, right-to-left and combining characters...). Whatever the
loader accepts must then render into every page, calendar, meet page, diagram and Mermaid
block without an exception; what it refuses, it refuses with a position in the file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import AS_OF, copy_workspace, run, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.render import diagrams
from journeymap.render.mermaid import journey_mermaid_markdown
from journeymap.render.renderer import Renderer
from journeymap.workspace.load import load_workspace

DAY = dt.date.fromisoformat(AS_OF)
# Any character at all, surrogates included (YAML's "\ud800" escape makes one), and a
# bias towards the ones that broke builds before: line breaks and control characters.
ANY = st.characters(codec=None, exclude_categories=())
TRICKY = st.sampled_from(["\n", "\r", "\t", "\x1b", "\x00", "\x7f", "\x85", "\u2028", "\ud800",
                          "\u202e", "\u200b", "<", "&", "{{", "%", "\\", "`", "@", " ", "\ufeff"])
TEXT = st.lists(st.one_of(ANY, TRICKY), min_size=0, max_size=24).map("".join)


def q(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON strings are YAML), escapes and all."""
    return json.dumps(text)


def write(root: Path, t: dict[str, str]) -> None:
    (root / "journeys/team").mkdir(parents=True, exist_ok=True)
    (root / "journeys/clients").mkdir(exist_ok=True)
    (root / "journeys/j.yml").write_text(f"""\
title: {q(t["journey"])}
summary: {q(t["summary"])}
roles:
  lead: {q(t["role"])}
stages:
  - id: s
    title: {q(t["stage"])}
    from: -10
    to: 400
    phases: [assess, admit]
    feel: {q(t["aim"])}
touchpoints:
  - id: a
    title: {q(t["touchpoint"])}
    day: 3
    owner: lead
    emotion: {q(t["emotion"])}
    description: {q(t["description"])}
    client_visible: true
    feel: 4
  - id: b
    title: {q(t["touchpoint"] + "!")}
    on: birthday
    stage: s
    owner: kim
    uses: [treat]
""", encoding="utf-8")
    (root / "journeys/team/kim.md").write_text(f"""\
---
name: {q(t["person"])}
title: {q(t["job"])}
fun_facts: [{q(t["fact"])}]
---
{t["bio"].replace("---", "- - -")}
""", encoding="utf-8", errors="surrogatepass")
    (root / "journeys/clients/c.yml").write_text(f"""\
name: {q(t["client"])}
contact: {q(t["contact"])}
journey: j
day_one: 2026-11-02
team: {{lead: kim}}
welcome: {q(t["welcome"])}
dates: {{birthday: 03-14}}
preferences: {{treat: {q(t["treat"])}}}
cares_about: {q(t["cares"])}
goals: [{q(t["goal"])}]
handoff: {q(t["handoff"])}
""", encoding="utf-8")


FIELDS = ("journey", "summary", "role", "stage", "aim", "touchpoint", "emotion", "description",
          "person", "job", "fact", "bio", "client", "contact", "welcome", "treat", "cares", "goal",
          "handoff")


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: TEXT for name in FIELDS}))
def test_whatever_check_accepts_renders(tmp_path_factory: pytest.TempPathFactory,
                                         texts: dict[str, str]) -> None:
    root = tmp_path_factory.mktemp("ws")
    try:
        write(root, texts)
    except UnicodeEncodeError:
        return  # a bio (Markdown after the front matter) with a lone surrogate: no file holds it
    loaded = load_workspace(root, "journeys")
    for problem in loaded.problems:
        assert problem.line >= 1 and problem.col >= 1 and problem.path.startswith("journeys/")
        assert all(ch.isprintable() or ch == " " for ch in problem.message), problem
    if loaded.errors:
        return
    ws = loaded.workspace
    renderer = Renderer(ws, DAY)
    for page in renderer.pages():
        renderer.render(page).encode("utf-8")
    for output in renderer.outputs().values():
        output.make()
    journey = ws.journeys["j"]
    journey_mermaid_markdown(ws, journey).encode("utf-8")
    sources = {"flow": diagrams.flow_dot(ws, journey),
               "responsibility": diagrams.responsibility_dot(ws, journey)}
    diagrams.render_svgs(sources)


NASTY = {
    "journey": "Journey <script>alert(1)</script> & {{ config }}",
    "summary": "**bold** <img src=x onerror=alert(1)> [link](javascript:alert(1))",
    "role": "Lead \u202eevil\u202c",
    "stage": "Stage % \\ ` @everyone",
    "aim": "Calm\u200b and sure",
    "touchpoint": "Café ☕ naïve ﷽ and e\u0301",
    "emotion": "\U0001f600",
    "description": "Line one\n\nLine two with <b>html</b>",
    "person": "O'Brien \"Quotes\" Łukasz",
    "job": "Chief <Everything> Officer",
    "fact": "Likes 100% of {% raw %}",
    "bio": "# A heading\n\n<script>alert(2)</script>",
    "client": "Ampersand & Sons; \"quoted\" <b>",
    "contact": "Zoë \u05e9\u05dc\u05d5\u05dd",
    "welcome": "Welcome!\n\n- one\n- two",
    "treat": "Pain au chocolat\t(warm)",
    "cares": "Two lines\nof care",
    "goal": "Grow 10×",
    "handoff": "> quoted\n\n```\ncode\n```",
}


def test_a_real_build_of_nasty_but_valid_text(tmp_path: Path) -> None:
    """The same, through `journeymap build` with PDFs: every byte of it twice the same."""
    ws = copy_workspace(tmp_path / "ws")
    for folder in ("journeys", "docs"):
        for path in sorted((ws / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    write(ws, NASTY)
    check = run(["journeymap", "check"], ws)
    assert check.returncode == 0, check.stdout
    for site in ("one", "two"):
        built = run(["journeymap", "build", "--as-of", AS_OF, "--site-dir", site, "--clean"], ws)
        assert built.returncode == 0, built.stderr
    one, two = tree(ws / "one"), tree(ws / "two")
    assert one.keys() == two.keys() and [p for p in one if one[p] != two[p]] == []
    page = (ws / "one/journeys/j/index.html").read_text()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
