"""A journey as a Mermaid `journey` diagram, for Markdown that GitHub (or any Mermaid) renders.

Sections are the stages, tasks the touchpoints in day order, each scored by its `feel` and
acted by its owner and supporters.

Escaping, as measured with mermaid.js 11 in Chromium (tests/test_mermaid.py draws every
ASCII punctuation character, alone and together, in each field): every character is written as
it is, except the few each field cannot hold, which are written as Mermaid's entity codes
(`#59;` for `;`), the only escape its journey grammar has. An entity code is a last resort:
Mermaid decodes it only while it renders, so anything else that reads the source (a person,
a diff, a renderer that skips that step) sees `#38;` where the title said `&`.

- every field ends at `#` and `;`, and `%%` opens a comment or a directive (`%%{init}%%`)
  wherever it is, so `#`, `;` and `%` are coded everywhere;
- a title drops a `<` and what follows it (Mermaid's sanitizer reads a tag), and a section or
  a task breaks its line at a `<br>`, so `<` is coded there;
- a section and a task end at `:`; a task whose name starts with a keyword (`title x`,
  `section x`, `journey`) is read as that keyword, so its first letter is coded;
- actors are separated by `,` and end at `:`.

Everything else, `&`, `>`, quotes, backslashes and any non-ASCII letter included, is written
as it is and drawn as it is.

Mermaid stands for a code as `ﬂ°°38¶ß` while it parses, and turns those characters back into
`&#` and `;` at the end: a `ﬂ` or `¶` in the text is coded too, so that it cannot be taken for one.
"""

from __future__ import annotations

import re

from ..model import Journey, Touchpoint, Workspace

NEUTRAL_SCORE = 3  # Mermaid needs a score for every task; 3 is the middle face, "neither"
_STAND_INS = "\ufb02\u00b6"  # ﬂ and ¶, which Mermaid's own stand-ins for codes begin and end with
TITLE = frozenset("#%;<" + _STAND_INS)
SECTION = frozenset("#%:;<" + _STAND_INS)
TASK = frozenset("#%:;<" + _STAND_INS)
ACTOR = frozenset("#%,:;" + _STAND_INS)
_KEYWORD = re.compile(r"(journey|title|section|acctitle|accdescr)\b", re.I)


def _code(char: str) -> str:
    return f"#{ord(char)};"


def escape(text: str, special: frozenset[str] = TITLE) -> str:
    """Text for a Mermaid journey line, on one line, the characters in `special` as codes."""
    return "".join(_code(c) if c in special else c for c in " ".join(text.split()))


def escape_title(text: str) -> str:
    return escape(text, TITLE)


def escape_section(text: str) -> str:
    return escape(text, SECTION)


def escape_task(text: str) -> str:
    """A task name: escaped, and not read as a keyword when it starts with one."""
    flat = " ".join(text.split())
    escaped = escape(flat, TASK)
    if _KEYWORD.match(flat):
        escaped = _code(flat[0]) + escaped[1:]
    return escaped


def escape_actor(text: str) -> str:
    return escape(text, ACTOR)


def _actors(ws: Workspace, journey: Journey, tp: Touchpoint) -> list[str]:
    names = [ws.ref_label(journey, ref) for ref in (tp.owner, *tp.support)]
    return list(dict.fromkeys(names))


def journey_mermaid(ws: Workspace, journey: Journey) -> str:
    """The Mermaid source (starting `journey`, without Markdown fences)."""
    lines = ["journey", f"  title {escape_title(journey.title)}"]
    for stage in journey.stages:
        tps = journey.in_stage(stage.id)
        if not tps:
            # Mermaid accepts an empty section but draws nothing for it; say so instead.
            lines.append(f"  %% stage {stage.id} has no touchpoints, so no section")
            continue
        lines.append(f"  section {escape_section(stage.title)}")
        for tp in tps:
            score = tp.feel
            if score is None:
                lines.append(f"    %% {tp.id}: no feel given, drawn as a neutral "
                             f"{NEUTRAL_SCORE}")
                score = NEUTRAL_SCORE
            actors = ", ".join(escape_actor(a) for a in _actors(ws, journey, tp))
            lines.append(f"    {escape_task(tp.title)}: {score}: {actors}")
    return "\n".join(lines) + "\n"


def journey_mermaid_markdown(ws: Workspace, journey: Journey) -> str:
    """The diagram in a fenced ```mermaid block, as GitHub renders it."""
    source = journey_mermaid(ws, journey)
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}mermaid\n{source}{fence}\n"
