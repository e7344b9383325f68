"""Small edits to a journey or client file's text, the way a person would make them.

Each edit changes only the lines it must, found through ruamel.yaml's round-trip node tree
(which keeps every position); the result is then put in `journeymap fmt`'s canonical form,
which moves a touchpoint's own comments (those just above it and on its lines) with it when
its day changes. Values are written in the plainest form that reads back; fmt then drops the
quotes that are not needed.

Why text and not ruamel's emitter: ruamel attaches a comment to the item *before* it, so
deleting or moving items through its document model carries comments to the wrong place or
drops them (see fmt.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..exceptions import InvalidWorkspace, Problem
from .fmt import canonical_scalar, format_text
from .source import round_trip

Value = str | int | bool | list[str] | None
# What places a touchpoint (and a stage's heading) in fmt's order.
ORDER_KEYS = frozenset({"day", "on", "stage", "from", "to", "id"})


class Raw(str):
    """A value written as it is, unquoted: a date (`2026-12-01`) the loader reads as one."""


class PatchError(Exception):
    """An edit that cannot be made to this text (the message says why, in plain words)."""


def compose(text: str) -> MappingNode:
    """The file's round-trip node tree (the hardened reader has accepted it in `canonical`)."""
    root = round_trip(text)
    if not isinstance(root, MappingNode) or root.flow_style:
        raise PatchError("the file is not a YAML mapping of keys")
    return root


def canonical(text: str, kind: str, path: str,
              was: Mapping[str, str] | None = None) -> str:
    """`text` in fmt's canonical form; PatchError with the positioned problem if it does
    not read. `was`: each touchpoint's stage before the edit (fmt.format_text)."""
    try:
        return format_text(text, kind, path, was)
    except InvalidWorkspace as error:
        raise PatchError("; ".join(str(p) for p in error.problems)) from None


def child(node: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def item_with_id(seq: Node, wanted: str) -> MappingNode | None:
    if not isinstance(seq, SequenceNode):
        return None
    for item in seq.value:
        if isinstance(item, MappingNode):
            found = child(item, "id")
            if found and isinstance(found[1], ScalarNode) and found[1].value == wanted:
                return item
    return None


# ---- writing values ----------------------------------------------------------------------


def inline(value: Value, context: str = "value") -> str:
    """A value on one line, quoted as fmt would quote it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(inline(v, "flow") for v in value) + "]"
    assert isinstance(value, str)
    if isinstance(value, Raw):
        return str(value)
    return canonical_scalar(value.rstrip("\n"), context)  # one line: no `|` block


def _is_block(value: Value) -> bool:
    return isinstance(value, str) and "\n" in value.rstrip("\n")


def _block(value: str, indent: int) -> tuple[str, list[str]]:
    """A `|` block scalar: its header and its lines (each with its line break)."""
    header = "|" if value.endswith("\n") else "|-"
    body = value.rstrip("\n").split("\n")
    return header, [(" " * indent + line if line.strip() else "") + "\n" for line in body]


@dataclass
class Text:
    """A file's text being edited; positions come from a fresh compose after each change."""

    text: str
    # False while every change is a one-line value replaced in place, which keeps a file in
    # fmt's canonical form: fmt (four full parses) is then not needed.
    moved: bool = False

    def lines(self) -> list[str]:
        return self.text.splitlines(keepends=True)

    def line_start(self, line: int) -> int:
        return sum(len(x) for x in self.lines()[:line])

    def _content_end_line(self, node: Node) -> int:
        """The last line (0-based) holding the node's own text, not blank lines after it."""
        end: int = node.end_mark.line if node.end_mark.column > 0 else node.end_mark.line - 1
        lines = self.lines()
        while end > node.start_mark.line and not lines[end].strip():
            end -= 1
        return end

    def _value_end_line(self, node: Node) -> int:
        """The last line of a value's own text. A block mapping or list ends where the next
        token starts (perhaps the next item of the list around it): its last scalar's line."""
        while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
            node = node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1]
        return self._content_end_line(node)

    def set_keys(self, mapping: MappingNode, fields: dict[str, Value], indent: int,
                 at_end: bool = False) -> None:
        """Give each key in `fields` its value in `mapping` (None removes the key); `indent`:
        the column the mapping's keys start at. A new key goes just after the first key (fmt
        moves it to its place: there, no comment written above another key is taken over by
        it), or after the last one with `at_end` (for a map whose order is the author's).
        All positions come from one compose: the changes are made from the bottom up."""
        self.apply([self.splice(mapping, key, value, indent, at_end)
                    for key, value in fields.items()])

    def apply(self, splices: list[tuple[int, int, str]]) -> None:
        """Make changes found in one compose, from the bottom up (positions stay right)."""
        for start, end, new in sorted(splices, key=lambda s: (s[0], s[1]), reverse=True):
            self.text = self.text[:start] + new + self.text[end:]

    def splice(self, mapping: MappingNode, key: str, value: Value, indent: int,
               at_end: bool = False) -> tuple[int, int, str]:
        """Where the change to one key goes: (start, end, new text)."""
        found = child(mapping, key)
        if value is None:
            if found is None:
                return 0, 0, ""
            self.moved = True
            return self._removal(mapping, found)
        self.moved = self.moved or found is None or _is_block(value) or key in ORDER_KEYS
        if found is None:
            return self._addition(mapping, key, value, indent, at_end)
        k, v = found
        if isinstance(v, ScalarNode) and v.style in ("|", ">"):
            header_end = self.line_start(v.start_mark.line + 1) - 1  # its line break
            rest = self.text[v.start_mark.index + 1:header_end].lstrip("+-0123456789")
            after = self.line_start(self._content_end_line(v) + 1)
        elif isinstance(v, ScalarNode) or getattr(v, "flow_style", False):
            if v.start_mark.line != v.end_mark.line:
                raise PatchError(f"'{key}' is written over several lines here: edit it in the "
                                 "file itself")
            header_end = after = v.end_mark.index
            rest = ""
        else:
            raise PatchError(f"'{key}' holds a block of its own here: edit it in the file")
        self.moved = self.moved or after != header_end  # a block made one line
        start = v.start_mark.index
        if _is_block(value):
            assert isinstance(value, str)
            header, body = _block(value, k.start_mark.column + 2)
            if after == header_end:  # was on one line: the rest of that line stays on it
                line_end = self.text.index("\n", header_end) + 1
                return start, line_end, header + self.text[header_end:line_end] + "".join(body)
            return start, after, header + rest + "\n" + "".join(body)
        if after == header_end:
            return start, after, inline(value)
        return start, after, inline(value) + rest + "\n"

    def _addition(self, mapping: MappingNode, key: str, value: Value, indent: int,
                  at_end: bool) -> tuple[int, int, str]:
        pad = " " * indent
        if _is_block(value):
            assert isinstance(value, str)
            header, body = _block(value, indent + 2)
            new = f"{pad}{key}: {header}\n" + "".join(body)
        else:
            new = f"{pad}{key}: {inline(value)}\n"
        if not mapping.value:
            raise PatchError("an empty mapping cannot be added to here: edit the file")
        _, v0 = mapping.value[-1 if at_end else 0]
        if isinstance(v0, ScalarNode) and v0.style not in ("|", ">") and (
                v0.start_mark.line == v0.end_mark.line):
            line = v0.end_mark.line + 1
        else:
            line = self._value_end_line(v0) + 1
        if line >= len(self.lines()) and not self.text.endswith("\n"):
            new = "\n" + new
        at = self.line_start(line)
        return at, at, new

    def _removal(self, mapping: MappingNode, pair: tuple[Node, Node]) -> tuple[int, int, str]:
        k, v = pair
        if mapping.value and mapping.value[0][0] is k:
            raise PatchError(f"'{k.value}' comes first in its block: edit it in the file")
        start = self.line_start(k.start_mark.line)
        return start, self.line_start(self._content_end_line(v) + 1), ""

    def item_span(self, seq: SequenceNode, item: Node) -> tuple[int, int]:
        """The lines (0-based, end excluded) of a list item with its own comments above it:
        those that touch it, with no blank line between. A trailing comment indented no
        deeper than the dash belongs to what follows."""
        lines = self.lines()
        dash = item.start_mark.line
        while dash > 0 and not lines[dash].lstrip().startswith("-"):
            dash -= 1
        col = len(lines[dash]) - len(lines[dash].lstrip())
        index = seq.value.index(item)
        limit = seq.value[index + 1].start_mark.line if index + 1 < len(seq.value) else (
            self._content_end_line(item) + 1)
        end = limit
        while end - 1 > dash and (not lines[end - 1].strip() or (
                lines[end - 1].lstrip().startswith("#")
                and len(lines[end - 1]) - len(lines[end - 1].lstrip()) <= col)):
            end -= 1
        start = dash
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        return start, end

    def remove_item(self, seq: SequenceNode, item: Node) -> None:
        self.moved = True
        start, end = self.item_span(seq, item)
        lines = self.lines()
        if start > 0 and not lines[start - 1].strip():
            start -= 1  # the blank line that set it apart
        self.text = "".join(lines[:start] + lines[end:])

    def append_item(self, seq: SequenceNode, fields: Sequence[tuple[str, Value]]) -> None:
        """A new mapping at the end of a block list (fmt sorts touchpoints into day order)."""
        self.moved = True
        if seq.flow_style or not seq.value:
            raise PatchError("the list is written on one line ([...]): edit it in the file")
        last = seq.value[-1]
        start, end = self.item_span(seq, last)
        lines = self.lines()
        first = lines[start:end]
        dash_line = next(x for x in first if x.lstrip().startswith("-"))
        col = len(dash_line) - len(dash_line.lstrip())
        spaced = start > 0 and not lines[start - 1].strip()
        out = ["\n"] if spaced else []
        for n, (key, value) in enumerate(fields):
            lead = " " * col + "- " if n == 0 else " " * (col + 2)
            if _is_block(value):
                assert isinstance(value, str)
                header, body = _block(value, col + 4)
                out += [f"{lead}{key}: {header}\n", *body]
            else:
                out.append(f"{lead}{key}: {inline(value)}\n")
        if end > 0 and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        self.text = "".join(lines[:end] + out + lines[end:])

    def edit_notes(self, mapping: MappingNode, key: str, indent: int, action: str,
                   index: int, note: str) -> None:
        """Add a note to the list of notes under `key` (a lane, the parking lot), change the
        one at `index`, or delete it. A block list is edited line by line, so that comments
        among its items stay where they were; a lone note or a one-line list is written anew
        on its line, a new key after the mapping's last."""
        self.moved = True  # fmt puts a new key in its place
        found = child(mapping, key)
        value = found[1] if found else None
        if isinstance(value, SequenceNode) and not value.flow_style and value.value:
            self._edit_block_list(value, action, index, note)
            return
        if isinstance(value, ScalarNode) and str(value.tag).endswith(":null"):
            raise PatchError(f"'{key}' is left empty in the file: write its notes there")
        notes = ([] if value is None else [value.value] if isinstance(value, ScalarNode)
                 else [item.value for item in value.value
                       if isinstance(item, ScalarNode)] if isinstance(value, SequenceNode)
                 else None)
        if notes is None or (isinstance(value, SequenceNode)
                             and len(notes) != len(value.value)):
            raise PatchError(f"'{key}' is not a plain list of notes here: edit it in the file")
        self.apply([self.splice(mapping, key, _changed(notes, action, index, note), indent,
                                at_end=True)])

    def _edit_block_list(self, seq: SequenceNode, action: str, index: int, note: str) -> None:
        items = seq.value
        if action == "add":
            _, end = self.item_span(seq, items[-1])
            lines = self.lines()
            dash_line = lines[items[-1].start_mark.line][:items[-1].start_mark.column]
            col = len(dash_line.rstrip()) - 1  # the dash before the last note
            if end > 0 and not lines[end - 1].endswith("\n"):
                lines[end - 1] += "\n"
            self.text = "".join([*lines[:end], " " * col + "- " + inline(note) + "\n",
                                 *lines[end:]])
            return
        if not 0 <= index < len(items):
            raise PatchError("that note is not in the file (any more)")
        item = items[index]
        if action == "delete":
            self.remove_item(seq, item)
            return
        if not isinstance(item, ScalarNode):
            raise PatchError("that note is not plain text here: edit it in the file")
        if item.style in ("|", ">") or item.start_mark.line != item.end_mark.line:
            end = self.line_start(self._content_end_line(item) + 1)
            self.apply([(item.start_mark.index, end, inline(note) + "\n")])
        else:
            self.apply([(item.start_mark.index, item.end_mark.index, inline(note))])

    def add_nested(self, mapping: MappingNode, key: str, sub_key: str, value: Value,
                   indent: int) -> None:
        """A new key holding a mapping of one key (`lanes: {pains: [...]}` in block form),
        after the mapping's last key; fmt moves it to its place."""
        self.moved = True
        _, last = mapping.value[-1]
        line = self._value_end_line(last) + 1
        at = self.line_start(line)
        pad = " " * indent
        new = f"{pad}{key}:\n{pad}  {sub_key}: {inline(value)}\n"
        if line >= len(self.lines()) and not self.text.endswith("\n"):
            new = "\n" + new
        self.text = self.text[:at] + new + self.text[at:]

    def add_top(self, key: str, body: list[str]) -> None:
        """A new top-level key at the end of the file (fmt puts it in its place)."""
        self.moved = True
        if self.text and not self.text.endswith("\n"):
            self.text += "\n"
        self.text += f"{key}:\n" + "".join(body)


def _changed(notes: list[str], action: str, index: int, note: str) -> list[str]:
    """The notes after the edit."""
    if action == "add":
        return [*notes, note]
    if not 0 <= index < len(notes):
        raise PatchError("that note is not in the file (any more)")
    return [*notes[:index], *([note] if action == "set" else []), *notes[index + 1:]]


def top(root: MappingNode, key: str) -> Any:
    found = child(root, key)
    return found[1] if found else None


def problem_words(problems: Sequence[Problem]) -> str:
    return "; ".join(str(p) for p in problems)
