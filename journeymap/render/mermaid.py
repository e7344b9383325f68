"""A journey as a Mermaid `journey` diagram, for Markdown that GitHub (or any Mermaid) renders.

Sections are the stages, tasks the touchpoints in day order, each scored by its `feel` and
acted by its owner and supporters.

Escaping, as checked against mermaid.js 11's journey grammar and renderer: the lexer stops a
title, section or task at `#`, `;` or a newline and a task name at `:`; `,` separates actors;
`%` can open a comment; and a task whose name starts with a keyword (`title x`, `section x`,
`journey`) is read as that keyword. Mermaid turns `#<code>;` into the character `&#<code>;`
after parsing, so those characters are written as such codes (also `&`, `<` and `>`, which
the title would otherwise show escaped twice), and a leading keyword's first letter too.
"""

from __future__ import annotations

import re

from ..model import Journey, Touchpoint, Workspace

NEUTRAL_SCORE = 3  # Mermaid needs a score for every task; 3 is the middle face, "neither"
_SPECIAL = frozenset("#:;%&<>")
_KEYWORD = re.compile(r"(journey|title|section|acctitle|accdescr)\b", re.I)


def _code(char: str) -> str:
    return f"#{ord(char)};"


def escape(text: str, *, extra: str = "") -> str:
    """Text for a Mermaid journey line: on one line, with reserved characters as `#<code>;`."""
    special = _SPECIAL | set(extra)
    return "".join(_code(c) if c in special else c for c in " ".join(text.split()))


def escape_task(text: str) -> str:
    """A task name: escaped, and not read as a keyword when it starts with one."""
    flat = " ".join(text.split())
    escaped = escape(flat)
    if _KEYWORD.match(flat):
        escaped = _code(flat[0]) + escaped[1:]
    return escaped


def escape_actor(text: str) -> str:
    return escape(text, extra=",")


def _actors(ws: Workspace, journey: Journey, tp: Touchpoint) -> list[str]:
    names = [ws.ref_label(journey, ref) for ref in (tp.owner, *tp.support)]
    return list(dict.fromkeys(names))


def journey_mermaid(ws: Workspace, journey: Journey) -> str:
    """The Mermaid source (starting `journey`, without Markdown fences)."""
    lines = ["journey", f"  title {escape(journey.title)}"]
    for stage in journey.stages:
        tps = journey.in_stage(stage.id)
        if not tps:
            # Mermaid accepts an empty section but draws nothing for it; say so instead.
            lines.append(f"  %% stage {stage.id} has no touchpoints, so no section")
            continue
        lines.append(f"  section {escape(stage.title)}")
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
