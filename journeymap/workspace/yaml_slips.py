"""What a YAML syntax error means, in the words of the person who made it.

The parser says what it met (`mapping values are not allowed here`); a workshop facilitator
needs what they did and what to do ("this line is indented more than the one above it").
`explain` recognises the slips people make most, says them plainly, and keeps the parser's
own words after the advice. Its position is the parser's, except where the parser noticed
the slip later than it was made: at the end of the file (a quote never closed: the quote), or
on the line after a key with no colon (that line).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ruamel.yaml.error import MarkedYAMLError

# A `key: value` line (or `- key: value`): its indent, the dash, the key and what follows.
_KEY = re.compile(r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s:#'\"\[\]{}-][^:#]*?)"
                  r":(?=\s|$)(?P<rest>.*)$")
_LEAD = re.compile(r"^(?P<indent> *)(?P<dash>- +)?")
_NO_SPACE = re.compile(r"^ *(?:- +)?(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:/][^#]*)$")


@dataclass(frozen=True)
class Slip:
    """What went wrong, where (0-based line and column of the text), in plain words."""

    line: int
    col: int
    advice: str


def explain(text: str, error: MarkedYAMLError, line_offset: int = 0) -> Slip | None:
    """The slip behind a parser error, or None when it is none of those known here. Lines
    the advice names are numbered as in the file: `text` starts at line `line_offset` + 1."""
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    mark, opened = error.problem_mark, error.context_mark
    if mark is None:
        return None
    seen = _Error(text.split("\n"), problem, context, mark.line, mark.column,
                  (opened.line, opened.column) if opened is not None else None, line_offset)
    return next((slip for rule in _RULES if (slip := rule(seen)) is not None), None)


@dataclass(frozen=True)
class _Error:
    lines: list[str]
    problem: str
    context: str
    line: int
    col: int
    opened: tuple[int, int] | None  # where the parser's context began
    offset: int  # the file's lines before the text's first

    def n(self, line: int) -> int:
        """A line of the text as the file numbers it."""
        return line + 1 + self.offset

    def text(self, line: int) -> str:
        return self.lines[line] if 0 <= line < len(self.lines) else ""

    def before(self, line: int) -> int | None:
        """The nearest line above `line` that holds more than a comment."""
        for n in range(min(line, len(self.lines)) - 1, -1, -1):
            stripped = self.lines[n].strip()
            if stripped and not stripped.startswith("#"):
                return n
        return None

    def here(self, advice: str) -> Slip:
        return Slip(self.line, self.col, advice)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str) -> int:
    """Where a line's key starts: after its indent, and after a `- ` if it is a list item."""
    found = _LEAD.match(line)
    return found.end() if found else 0


def _key(line: str) -> str | None:
    found = _KEY.match(line)
    return found["key"].strip() if found else None


def _quoted(value: str) -> str:
    value = value.strip()
    return "'" + value.replace("'", "''") + "'" if '"' in value else f'"{value}"'


def _shown(line: str) -> str:
    text = line.strip()
    return text if len(text) <= 40 else text[:37] + "..."


# ---- the slips, each a rule: the error -> the slip, if it is that one -----------------------


def _tab(e: _Error) -> Slip | None:
    if "'\\t'" not in e.problem:
        return None
    if e.text(e.line)[: e.col].strip(" ") == "":
        return e.here("this line is indented with a tab: use spaces, not a tab")
    return e.here("a tab here: YAML lines things up with spaces only: use spaces, not a tab")


def _odd_start(e: _Error) -> Slip | None:
    """A value that starts with a character YAML keeps for itself (`@`, a backquote, `%`,
    `&`, `*`), unquoted."""
    found = re.match(r"found character '(.)' that cannot start any token", e.problem)
    char = found[1] if found else None
    if char is None and e.context in ("while scanning an anchor", "while scanning an alias"):
        char = "&" if "anchor" in e.context else "*"
    if char is None:
        return None
    line = e.text(e.line)
    start = e.opened[1] if e.opened is not None and e.opened[0] == e.line else e.col
    written = f"{line[:start].strip()} {_quoted(line[start:])}".strip()
    return e.here(f"a value cannot start with '{char}' unless it is in quotes: write "
                  f"{written}")


def _unclosed_quote(e: _Error) -> Slip | None:
    if "quoted scalar" not in e.context or e.opened is None:
        return None
    line, col = e.opened
    quote = e.text(line)[col : col + 1] or '"'
    if "end of stream" in e.problem or "document separator" in e.problem:
        return Slip(line, col, f"the quote {quote} that starts this value is never closed: "
                               f"end the value with {quote}")
    return None


def _unclosed_flow(e: _Error) -> Slip | None:
    if e.opened is None or not e.context.startswith("while parsing a flow"):
        return None
    line, col = e.opened
    opener = e.text(line)[col : col + 1]
    closer = {"[": "]", "{": "}"}.get(opener)
    if closer is None:
        return None
    what = "list" if opener == "[" else "mapping"
    if closer not in e.text(line)[col:]:
        advice = (f"the '{opener}' on line {e.n(line)} is never closed: end the {what} with "
                  f"'{closer}'")
        if "<stream end>" in e.problem:
            return Slip(line, col, advice)
        return e.here(advice)
    return e.here(f"in the {opener}...{closer} {what} on line {e.n(line)}, separate the items "
                  "with ', '")


def _colon_in_value(e: _Error) -> Slip | None:
    if e.problem != "mapping values are not allowed here":
        return None
    line = e.text(e.line)
    found = _KEY.match(line[: e.col])
    if found is None or not found["rest"].strip():
        return None
    key = found["key"].strip()
    value = line[found.start("rest") :]
    return e.here(f"the value of '{key}' holds ': ', which YAML takes for another key: put the "
                  f"whole value in quotes, {key}: {_quoted(value)}")


def _line_above_lacks_colon(e: _Error) -> Slip | None:
    """`title:Welcome` (no space after the colon) or `title Welcome` (no colon): YAML reads
    on into the next line, and stumbles there."""
    if e.problem == "could not find expected ':'" and e.opened is not None:
        culprit: int | None = e.opened[0]
    elif e.problem == "mapping values are not allowed here":
        culprit = e.before(e.line)
    else:
        return None
    if culprit is None or _key(e.text(culprit)) is not None:
        return None
    text = e.text(culprit)
    where = Slip(culprit, _key_column(text), "")
    spaced = _NO_SPACE.match(text)
    if spaced is not None:
        return Slip(where.line, where.col, f"no space after the colon in '{_shown(text)}': "
                    f"write '{spaced['key']}: {spaced['value'].strip()}'")
    if ":" in text or (e.problem == "mapping values are not allowed here"
                       and _indent(e.text(e.line)) > _indent(text)):
        return None
    words = text.strip().split(" ", 1)
    example = f"{words[0]}: {words[1]}" if len(words) == 2 else f"{words[0]}: ..."
    return Slip(where.line, where.col, f"'{_shown(text)}' has no ':' after its key: write "
                f"'{example}' (or, if it goes on the text above, indent it as that text is)")


def _indented_too_far(e: _Error) -> Slip | None:
    if e.problem != "mapping values are not allowed here":
        return None
    above = e.before(e.line)
    if above is None or _indent(e.text(e.line)) <= _key_column(e.text(above)):
        return None
    key = _key(e.text(above))
    like = f"'{key}' on line {e.n(above)}" if key else f"line {e.n(above)}"
    return e.here(f"this line is indented more than the one above it: line it up with {like}")


def _list_on_key_line(e: _Error) -> Slip | None:
    if e.problem != "sequence entries are not allowed here":
        return None
    item = e.text(e.line)[e.col :].lstrip("- ").strip()
    return e.here(f"a list cannot start on its key's line: write [{item}], or put "
                  f"'- {item}' on the next line, indented")


def _after_quote(e: _Error) -> Slip | None:
    if not e.problem.endswith("but found '<scalar>'"):
        return None
    line = e.text(e.line)
    head = line[: e.col].rstrip()
    if not head.endswith(("'", '"')):
        return None
    quote = head[-1]
    value = line[line.find(quote) :].strip()
    if quote == "'" and head[-2:-1].isalpha():
        inner = value[1:-1] if value.endswith("'") else value[1:]
        doubled = inner.replace("'", "''")
        return e.here(f"an apostrophe inside '...' ends the value: write it twice "
                      f"('{doubled}'), or quote the value with \" instead (\"{inner}\")")
    return e.here("the value goes on after its closing quote: put all of it inside the quotes")


def _backslash(e: _Error) -> Slip | None:
    if "double-quoted scalar" not in e.context or "escape" not in e.problem:
        return None
    return e.here("a backslash inside \"...\" starts an escape such as \\n: write it twice "
                  "(\\\\), or quote the value with ' instead")


def _dash_out_of_line(e: _Error) -> Slip | None:
    if not re.search(r"but found '(-|<block sequence start>)'", e.problem):
        return None
    indent = _indent(e.text(e.line))
    for n in range(e.line - 1, -1, -1):
        other = e.text(n)
        if other.lstrip(" ").startswith("-") and _indent(other) != indent:
            return e.here(f"this list item's '-' is not lined up with the one on line {e.n(n)}: "
                          f"indent it {_indent(other)} spaces, as there")
    return e.here("a '- ' list item among 'key: value' lines: indent it under the key whose "
                  "list it is (a key that ends with ':')")


def _indented_too_little(e: _Error) -> Slip | None:
    if not re.search(r"but found '(\?|<block mapping start>)'", e.problem):
        return None
    above = e.before(e.line)
    indent = _indent(e.text(e.line))
    if above is None or indent >= _key_column(e.text(above)):
        return None
    key = _key(e.text(above))
    like = f"'{key}' on line {e.n(above)}" if key else f"line {e.n(above)}"
    dashes = any(_indent(e.text(n)) == indent and e.text(n).lstrip(" ").startswith("- ")
                 for n in range(e.line))
    new_item = ", or start it with '- ' if it begins a new item" if dashes else ""
    return e.here(f"this line is indented less than the one above it: line it up with "
                  f"{like}{new_item}")


_RULES: tuple[Callable[[_Error], Slip | None], ...] = (
    _tab, _odd_start, _unclosed_quote, _backslash, _unclosed_flow, _list_on_key_line,
    _colon_in_value, _line_above_lacks_colon, _indented_too_far, _after_quote, _dash_out_of_line,
    _indented_too_little,
)
