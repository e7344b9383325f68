"""User text in Markdown for GitHub: escaped, on one line, and mentioning nobody."""

from __future__ import annotations

import re

from ..exceptions import printable

_ESCAPE = {c: "\\" + c for c in "\\`*_[]<>|#"}


# `@name` and `@org/team` notify people on GitHub: a zero-width space after the `@` keeps
# the text and drops the mention (`@everyone` in a touchpoint title must not page a team).
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def md(text: str) -> str:
    """User text as inline Markdown: one line, no markup, no mentions, safe in a table cell."""
    flat = " ".join(printable(text).split())
    escaped = "".join(_ESCAPE.get(c, c) for c in flat)
    # `&copy;` would render as ©, `~x~` as struck through text.
    escaped = re.sub(r"&(?=[#A-Za-z])", r"\\&", escaped).replace("~", "\\~")
    return _MENTION.sub("@\u200b", escaped)


def code(text: str) -> str:
    """Text as an inline code span, whatever backticks it holds (on one line; `|` escaped,
    which a table cell needs even in code)."""
    flat = " ".join(printable(text).split()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"
