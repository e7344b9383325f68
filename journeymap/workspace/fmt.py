"""`journeymap fmt`: rewrite journey, person and client files in one canonical layout.

The canonical layout: keys in the order of the format reference, touchpoints in day order,
two-space indentation with list items indented under their key, and quotes only where they
are needed. Comments, blank lines between items, the author's words and block scalars (`|`,
`>`) are kept.

ruamel.yaml's round-trip mode composes the file (styles, positions); the output is written
here rather than by ruamel's emitter, because ruamel attaches a comment to the item *before*
it, so moving items would carry comments to the wrong place. Comments are found in the text
(every `#` outside a scalar that follows a space) and given to the item they belong to:
full-line comments to the item that follows them, end-of-line comments to the item on their
line.

Nothing is lost: a file that the hardened reader (`source.py`) refuses is left as it is and
reported with its position, and every result is read back and compared with the original
(the data, and every comment) before it replaces the file.
"""

from __future__ import annotations

import bisect
import codecs
import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from ..exceptions import InvalidWorkspace, Problem
from .schema import RECORDS, AnyOf, ListOf, Record, Type
from .source import FileError, Node, parse_yaml, read_text, split_front_matter

KINDS = ("journey", "person", "client")
INDENT = 2
MODELINE = "# yaml-language-server:"


@dataclass
class FmtResult:
    """What `format_paths` did: files (relative to the root) changed or already canonical,
    and the files it could not format."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def exit_code(self, check: bool) -> int:
        return 1 if self.problems or (check and self.changed) else 0


# ---- the file as items with their comments ----------------------------------------------


@dataclass
class _Entry:
    """A mapping entry (key and value) or a sequence item (key None), with its comments."""

    key: ScalarNode | None
    value: Any  # a ruamel node
    line: int  # 0-based, of the key or the item
    col: int  # of the key, or of the item's '-'
    lead: list[str] = field(default_factory=list)  # full-line comments before it; "" = blank
    eol: list[tuple[int, int, str]] = field(default_factory=list)  # column, gap, comment
    trail: list[str] = field(default_factory=list)  # comments after it, indented like it
    children: list[_Entry] = field(default_factory=list)  # of a block mapping or sequence


def _block(node: Any) -> bool:
    return isinstance(node, MappingNode | SequenceNode) and not node.flow_style


def _children(node: Any, lines: list[str]) -> list[_Entry]:
    if not _block(node):
        return []
    entries = []
    if isinstance(node, MappingNode):
        for key, value in node.value:
            entries.append(_Entry(key, value, key.start_mark.line, key.start_mark.column,
                                  children=_children(value, lines)))
        return entries
    for item in node.value:
        line, col = item.start_mark.line, item.start_mark.column
        dash = lines[line].rfind("-", 0, col) if line < len(lines) else -1
        entries.append(_Entry(None, item, line, dash if dash >= 0 else max(col - 2, 0),
                              children=_children(item, lines)))
    return entries


def _preorder(entries: list[_Entry]) -> list[_Entry]:
    found = []
    for entry in entries:
        found.append(entry)
        found.extend(_preorder(entry.children))
    return found


def _scalars(node: Any) -> list[ScalarNode]:
    if isinstance(node, ScalarNode):
        return [node]
    if isinstance(node, SequenceNode):
        return [s for item in node.value for s in _scalars(item)]
    if isinstance(node, MappingNode):
        return [s for key, value in node.value for s in (*_scalars(key), *_scalars(value))]
    return []


_BLOCK_HEADER = re.compile(r"[|>]([-+0-9]*)")


def _block_content(node: ScalarNode, lines: list[str]) -> tuple[int, int]:
    """First and last line of a block scalar's content (last < first when it has none).
    The scanner also swallows the blank lines after it; they are content only with `+`."""
    first = node.start_mark.line + 1
    end = node.end_mark
    last = end.line - 1 if end.column == 0 else end.line
    header = _BLOCK_HEADER.match(lines[node.start_mark.line], node.start_mark.column)
    if not (header and "+" in header.group(1)):
        while last >= first and not lines[last].strip():
            last -= 1
    return first, last


@dataclass
class _Scan:
    """The comments and blank lines of a text, outside its scalars."""

    comments: list[tuple[int, int, str, int]]  # line, column, text, spaces before (-1: none)
    blanks: list[int]
    markers: list[int]  # lines with a '---' document start before the content


def _scan(lines: list[str], root: Any) -> _Scan:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    spans = []
    for scalar in _scalars(root):
        if scalar.style in ("|", ">"):
            first, last = _block_content(scalar, lines)
            if last >= first:
                spans.append((starts[first], starts[last + 1]))  # with its line break
        else:
            spans.append((scalar.start_mark.index, scalar.end_mark.index))
    spans.sort()
    span_starts = [s for s, _ in spans]

    def inside(index: int) -> bool:
        at = bisect.bisect_right(span_starts, index) - 1
        return at >= 0 and index < spans[at][1]  # scalars never overlap

    first_content = root.start_mark.line
    scan = _Scan([], [], [])
    for number, line in enumerate(lines):
        if not line.strip():
            if not inside(starts[number]):
                scan.blanks.append(number)
            continue
        if number < first_content and re.match(r"---(\s|$)", line):
            scan.markers.append(number)
            continue
        col = line.find("#")
        while col >= 0:
            if (col == 0 or line[col - 1] in " \t") and not inside(starts[number] + col):
                code = line[:col].rstrip()
                gap = len(line[:col]) - len(code) if code else -1
                scan.comments.append((number, col, line[col:].rstrip(), gap))
                break
            col = line.find("#", col + 1)
    return scan


@dataclass
class _Doc:
    entries: list[_Entry]  # the root mapping's
    header: list[str]  # comments, blank lines and '---' that stay at the top
    tail: list[str]  # comments at the end of the file


def _attach(lines: list[str], root: Any, scan: _Scan) -> _Doc:
    entries = _children(root, lines)
    flat = _preorder(entries)
    positions = [(e.line, e.col) for e in flat]
    entry_lines = [e.line for e in flat]
    doc = _Doc(entries, [], [])
    events: list[tuple[int, int, str, str]] = [(n, 0, "", "blank") for n in scan.blanks]
    events += [(n, 0, lines[n].rstrip(), "marker") for n in scan.markers]
    gaps = {(n, c): gap for n, c, _, gap in scan.comments}
    events += [(n, c, t, "full" if gap < 0 else "eol") for n, c, t, gap in scan.comments]
    for number, col, text, kind in sorted(events):
        if kind == "eol":
            at = bisect.bisect_right(positions, (number, col)) - 1
            if at < 0:
                doc.header.append(text)
            else:
                flat[at].eol.append((col, gaps[number, col], text))
            continue
        at = bisect.bisect_right(entry_lines, number)
        following = flat[at] if at < len(flat) else None
        if kind in ("blank", "marker"):
            if following is not None:
                following.lead.append("" if kind == "blank" else text)
            elif kind == "blank":
                doc.tail.append("")
            continue
        if following is not None and col <= following.col:
            following.lead.append(text)
            continue
        # Deeper than what follows (or at the end): it closes the block above it.
        owner = next((e for e in reversed(flat[:at]) if e.col <= col), None)
        if owner is None and following is not None:
            following.lead.append(text)
        elif owner is None or (following is None and col == 0):
            doc.tail.append(text)
        else:
            owner.trail.append(text)
    for entry in flat:  # one end-of-line comment each; more (in a long flow list) go above
        if len(entry.eol) > 1:
            entry.lead.extend(text for _, _, text in entry.eol[1:])
            del entry.eol[1:]
    if entries:
        _split_header(entries[0], doc)
    return doc


def _split_header(first: _Entry, doc: _Doc) -> None:
    """Comments above the first key that a blank line separates from it describe the file,
    not that key: they stay at the top whatever key comes first. So does the editor line."""
    lead = first.lead
    cut = max((i for i, text in enumerate(lead) if text == "" or text.startswith("---")),
              default=-1)
    doc.header = [*doc.header, *lead[: cut + 1]]
    rest = lead[cut + 1 :]
    doc.header += [text for text in rest if text.startswith(MODELINE)]
    first.lead = [text for text in rest if not text.startswith(MODELINE)]


# ---- canonical order ----------------------------------------------------------------------


def _record_of(value_type: Type | None) -> Record | None:
    if isinstance(value_type, Record):
        return value_type
    if isinstance(value_type, AnyOf):
        return next((o for o in value_type.options if isinstance(o, Record)), None)
    return None


def _sub_record(record: Record | None, key: str, value: Any) -> Record | None:
    """The record that describes `value` (a mapping, or a list's items) under `key`."""
    definition = record.by_name().get(key) if record else None
    if definition is None:
        return None
    if isinstance(value, SequenceNode):
        return _record_of(definition.type.item) if isinstance(definition.type, ListOf) else None
    return _record_of(definition.type)


def _key_name(node: Any) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else ""


def _ordered(pairs: list[Any], record: Record | None, key_of: Any) -> list[Any]:
    """Known keys in the record's order; unknown ones after them, as the author had them."""
    if record is None:
        return list(pairs)
    rank = {f.name: i for i, f in enumerate(record.fields)}
    return sorted(pairs, key=lambda pair: rank.get(key_of(pair), len(rank)))


_INT = re.compile(r"[-+]?[0-9]+")


def _scalar_child(entry: _Entry, key: str) -> str | None:
    child = next((c for c in entry.children if c.key is not None and c.key.value == key), None)
    if child is None or not isinstance(child.value, ScalarNode):
        return None
    return str(child.value.value)


def _int_child(entry: _Entry, key: str) -> int | None:
    text = _scalar_child(entry, key)
    return int(text) if text is not None and _INT.fullmatch(text) else None


def _sort_touchpoints(entries: list[_Entry]) -> None:
    """Touchpoints in day order, stably; an `on:` one at the start of its stage, like
    `Touchpoint.sort_key`. A comment block that a blank line separates from the touchpoint
    after it, at the start of a stage, is a section heading: it stays at the stage's start."""
    by_key = {_key_name(e.key): e for e in entries}
    listed = by_key.get("touchpoints")
    if listed is None or not isinstance(listed.value, SequenceNode) or not listed.children:
        return
    windows: dict[str, tuple[int, int]] = {}
    stages = by_key.get("stages")
    for item in stages.children if stages else []:
        ident, start, end = (_scalar_child(item, "id"), _int_child(item, "from"),
                             _int_child(item, "to"))
        if ident is not None and start is not None and end is not None:
            windows.setdefault(ident, (start, end))

    def placed(entry: _Entry) -> tuple[tuple[int, int] | None, int | None]:
        day = _int_child(entry, "day")
        if day is not None:
            start = next((s for s, e in windows.values() if s <= day <= e), None)
            return (day, 0), start
        window = windows.get(_scalar_child(entry, "on") and _scalar_child(entry, "stage") or "")
        return ((window[0], 1), window[0]) if window else (None, None)

    units: list[tuple[tuple[int, int], list[str] | _Entry]] = []
    previous_stage: int | None = None
    last_key = (-(10**9), -1)
    for entry in listed.children:
        key, stage = placed(entry)
        attached = len(entry.lead)
        while attached > 0 and entry.lead[attached - 1] != "":
            attached -= 1
        before = entry.lead[:attached]
        if stage is not None and stage != previous_stage and any(before):
            units.append(((stage, -1), before))
            entry.lead = ([""] if before[-1] == "" else []) + entry.lead[attached:]
        last_key = key or last_key  # an item that cannot be placed stays after the one before
        units.append((last_key, entry))
        previous_stage = stage
    units.sort(key=lambda unit: unit[0])
    heading: list[str] = []
    ordered = []
    for _, unit in units:
        if isinstance(unit, list):
            heading += unit
        else:
            unit.lead, heading = heading + unit.lead, []
            ordered.append(unit)
    listed.children = ordered


# ---- scalars ------------------------------------------------------------------------------

_NUMBER_LIKE = re.compile(r"[-+.]?[0-9]")
_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~", ""}
_CHECKS = {  # how a scalar is tried in each context: (template, path to the value)
    "value": ("k: {}", ("k",)),
    "key": ("{}: x", None),
    "flow": ("k: [{}]", ("k", 0)),
    "flow-key": ("k: {{{}: x}}", ("k", None)),
}


def _reads_back(text: str, context: str) -> bool:
    """Whether `text`, written plain in this context, is read back as that very string."""
    template, route = _CHECKS[context]
    root, problems = parse_yaml(template.format(text), "-")
    node: Node | None = root
    if problems or node is None:
        return False
    if route is None or route[-1] is None:  # a key: of the root, or of the flow mapping
        if route is not None:
            node = node.get("k")
        if node is None or node.kind != "map" or list(node.value) != [text]:
            return False
        return node.keys[text].kind == "str"
    for step in route:
        if isinstance(step, str):
            node = node.get(step) if node is not None else None
        elif node is not None and node.kind == "seq" and len(node.value) == 1:
            node = node.value[0]
        else:
            return False
    return node is not None and node.kind == "str" and node.value == text


def _needs_quotes(text: str, is_key: bool) -> bool:
    """Quotes stay on what looks like a number, a date or a time (phone numbers, 03-14,
    007) and, in values, on words that older YAML tools read as true, false or null."""
    return bool(_NUMBER_LIKE.match(text)) or (not is_key and text.lower() in _WORDS)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def _quoted(text: str) -> str:
    """Double quotes (single ones for text with a backslash or a double quote); anything
    invisible is escaped, so that it can be seen and reviewed."""
    if ("\\" in text or '"' in text) and "'" not in text and text.isprintable():
        return f"'{text}'"
    return '"' + "".join(
        _ESCAPES.get(c) or (c if c.isprintable() else
                            f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        for c in text
    ) + '"'


def _plain_or_quoted(text: str, context: str, quoted: bool) -> str:
    if quoted and _needs_quotes(text, context.endswith("key")):
        return _quoted(text)
    if text == text.strip() and text.isprintable() and _reads_back(text, context):
        return text
    return _quoted(text)


def _scalar(node: ScalarNode, context: str, lines: list[str]) -> str:
    if node.style is None:
        if node.start_mark.line == node.end_mark.line:
            return str(node.value)  # as written: plain words, numbers, dates, true, empty
        return _plain_or_quoted(node.value, context, quoted=False)  # a plain one over lines
    if node.style in ("|", ">"):
        return _quoted(node.value.replace("\a", ""))  # in a flow list: cannot stay a block
    return _plain_or_quoted(node.value, context, quoted=True)


def _literal(value: str, indent: int) -> tuple[str, list[str]] | None:
    """A `|` block for `value`, or None if it holds what a block cannot."""
    if any(not (c.isprintable() or c in "\n\t") for c in value):
        return None
    if not value.endswith("\n"):
        chomp, body = "-", value
    elif value.endswith("\n\n") or value == "\n":
        chomp, body = "+", value[:-1]
    else:
        chomp, body = "", value[:-1]
    content = body.split("\n") if body else []
    first = next((line for line in content if line), "")
    indicator = str(INDENT) if first.startswith(" ") else ""
    pad = " " * (indent + INDENT)
    return f"|{indicator}{chomp}", [pad + line if line else "" for line in content]


def _folded(node: ScalarNode, lines: list[str], indent: int) -> tuple[str, list[str]] | None:
    """A `>` block, its lines as written, moved to the new indentation."""
    header = _BLOCK_HEADER.match(lines[node.start_mark.line], node.start_mark.column)
    indicators = header.group(1) if header else ""
    if any(c.isdigit() for c in indicators):
        return None
    first, last = _block_content(node, lines)
    content = lines[first : last + 1]
    written = [line for line in content if line.strip()]
    margin = len(written[0]) - len(written[0].lstrip(" ")) if written else 0
    pad = " " * (indent + INDENT)
    moved = [pad + line[margin:] if len(line) > margin else "" for line in content]
    return ">" + indicators, moved


# ---- writing ------------------------------------------------------------------------------


class _Writer:
    def __init__(self, lines: list[str]) -> None:
        self.source = lines
        self.out: list[str] = []
        self.open_keep = False  # after a `|+` block a blank line would join its value

    def line(self, text: str) -> None:
        self.out.append(text)
        self.open_keep = False

    def blank(self) -> None:
        if self.out and self.out[-1] != "" and not self.open_keep:
            self.out.append("")

    def comments(self, texts: list[str], indent: int) -> None:
        for text in texts:
            if text == "":
                self.blank()
            else:
                self.line(text if text.startswith("---") else " " * indent + text)

    def with_eol(self, text: str, eol: list[tuple[int, int, str]]) -> str:
        """The line with its comment: at the comment's old column while it fits (aligned
        comments stay aligned), with at least two spaces before it (one if it had one)."""
        if not eol:
            return text
        col, gap, comment = eol[0]
        return text + " " * max(col - len(text), min(gap, 2)) + comment

    def flow(self, node: Any, record: Record | None) -> str:
        if isinstance(node, ScalarNode):
            return _scalar(node, "flow", self.source)
        if isinstance(node, SequenceNode):
            return "[" + ", ".join(self.flow(item, None) for item in node.value) + "]"
        pairs = _ordered(node.value, record, lambda pair: _key_name(pair[0]))
        return "{" + ", ".join(
            f"{_scalar(k, 'flow-key', self.source)}: {self.flow(v, None)}".rstrip()
            for k, v in pairs
        ) + "}"

    def value(self, head: str, entry: _Entry, indent: int, record: Record | None) -> None:
        """`head` (a key and ':', or '-') and the entry's value, then what is nested in it."""
        node = entry.value
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            block = (_literal(node.value, indent) if node.style == "|"
                     else _folded(node, self.source, indent))
            if block is not None:
                self.line(self.with_eol(f"{head} {block[0]}", entry.eol))
                for text in block[1]:
                    self.out.append(text)
                self.open_keep = "+" in block[0]
                return
            self.line(self.with_eol(f"{head} {_quoted(node.value.replace(chr(7), ''))}",
                                    entry.eol))
            return
        if not _block(node):
            text = (_scalar(node, "value", self.source) if isinstance(node, ScalarNode)
                    else self.flow(node, record))
            self.line(self.with_eol(f"{head} {text}".rstrip(), entry.eol))
            return
        self.line(self.with_eol(head, entry.eol))
        if isinstance(node, MappingNode):
            self.mapping(entry.children, indent + INDENT, record)
        else:
            self.sequence(entry.children, indent + INDENT, record)

    def mapping(self, entries: list[_Entry], indent: int, record: Record | None) -> None:
        pad = " " * indent
        for entry in _ordered(entries, record, lambda e: _key_name(e.key)):
            self.comments(entry.lead, indent)
            assert entry.key is not None
            key = _scalar(entry.key, "key", self.source)
            sub = _sub_record(record, _key_name(entry.key), entry.value)
            self.value(f"{pad}{key}:", entry, indent, sub)
            self.comments(entry.trail, indent)

    def sequence(self, entries: list[_Entry], indent: int, record: Record | None) -> None:
        pad = " " * indent
        for entry in entries:
            if _block(entry.value):
                # The item's first line is its first key (or item): that one's comments go
                # above the '-'.
                if isinstance(entry.value, MappingNode):
                    entry.children = _ordered(entry.children, record, lambda e: _key_name(e.key))
                first = entry.children[0]
                entry.lead, first.lead = entry.lead + first.lead, []
                self.comments(entry.lead, indent)
                inner = _Writer(self.source)
                if isinstance(entry.value, MappingNode):
                    inner.mapping(entry.children, indent + INDENT, record)
                else:
                    inner.sequence(entry.children, indent + INDENT, None)
                top = inner.out[0]
                self.line(self.with_eol(f"{pad}- {top[indent + INDENT:]}", entry.eol))
                self.out.extend(inner.out[1:])
                self.open_keep = inner.open_keep
            else:
                self.comments(entry.lead, indent)
                self.value(f"{pad}-", entry, indent, record)
            self.comments(entry.trail, indent)


# ---- formatting one text ------------------------------------------------------------------


def _compose(text: str, path: str, line_offset: int) -> Any:
    """The file's round-trip node tree, after the hardened reader has accepted it."""
    try:
        _, problems = parse_yaml(text, path, line_offset)
    except ReaderError as error:  # a control character, which YAML does not allow
        before = text[: error.position]
        line = before.count("\n") + 1 + line_offset
        col = len(before) - (before.rfind("\n") + 1) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        problems = [Problem(path, line, col, f"invalid YAML: the invisible character "
                                             f"U+{code:04X} is not allowed in a YAML file")]
    if problems:
        raise InvalidWorkspace(problems)
    return YAML(typ="rt").compose(text)


def _data(node: Node | None, journey: bool) -> Any:
    """The values a file holds, for comparison: mapping order never counts, and a journey's
    touchpoints are compared as a collection (fmt sorts them)."""
    if node is None:
        return None
    if node.kind == "map":
        found = {key: _data(value, False) for key, value in node.value.items()}
        if journey and isinstance(found.get("touchpoints"), list):
            found["touchpoints"] = sorted(json.dumps(t, sort_keys=True)
                                          for t in found["touchpoints"])
        return found
    if node.kind == "seq":
        return [_data(item, False) for item in node.value]
    return [node.kind, node.value]


def _comments(text: str) -> Counter[str]:
    root = YAML(typ="rt").compose(text)
    if root is None:
        return Counter()
    lines = text.split("\n")
    return Counter(comment for _, _, comment, _ in _scan(lines, root).comments)


def _verify(before: str, after: str, kind: str, path: str, line_offset: int) -> None:
    old, _ = parse_yaml(before, path, line_offset)
    new, problems = parse_yaml(after, path, line_offset)
    why = ""
    if problems:
        why = f"the result would not read back ({problems[0].message})"
    elif _data(old, kind == "journey") != _data(new, kind == "journey"):
        why = "the result would hold different values"
    elif _comments(before) != _comments(after):
        why = "the result would lose or change a comment"
    if why:
        raise InvalidWorkspace([Problem(path, 1 + line_offset, 1,
                                        f"fmt left this file as it was: {why}; "
                                        "please report it as a journeymap bug")])


def _format_yaml(text: str, kind: str, path: str, line_offset: int = 0) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    unix = text.replace("\r\n", "\n").replace("\r", "\n")
    root = _compose(unix, path, line_offset)
    if not isinstance(root, MappingNode) or root.flow_style:
        return text  # empty, or not a mapping at all: the checker says what is wrong
    lines = unix.split("\n")
    doc = _attach(lines, root, _scan(lines, root))
    if kind == "journey":
        _sort_touchpoints(doc.entries)
    writer = _Writer(lines)
    writer.comments(doc.header, 0)
    writer.mapping(doc.entries, 0, RECORDS[kind])
    if doc.tail:
        writer.comments(doc.tail, 0)
    out = writer.out
    while out and out[-1] == "":
        out.pop()
    result = "\n".join(out) + "\n"
    _verify(unix, result, kind, path, line_offset)
    return result.replace("\n", newline)


def format_text(text: str, kind: str, path: str = "") -> str:
    """The canonical form of a journey, person or client file's text.

    Raises InvalidWorkspace (with positioned problems) for a file the hardened reader
    refuses, or if the result would not read back as the same values and comments.
    A person file's Markdown body is returned byte for byte."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    path = path or f"<{kind}>"
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text.removeprefix("\ufeff")
    if kind != "person":
        return bom + _format_yaml(text, kind, path)
    try:
        yaml_text, body, _ = split_front_matter(text, path)
    except FileError as error:
        raise InvalidWorkspace([error.problem]) from None
    start = text.index("\n") + 1
    rest = text[start + len(yaml_text) :]  # the closing '---' and the body, untouched
    return bom + text[:start] + _format_yaml(yaml_text, kind, path, 1) + rest


# ---- files --------------------------------------------------------------------------------


def _kind_of(file: Path, folder: Path) -> str | None:
    try:
        parts = file.relative_to(folder).parts
    except ValueError:
        return None
    if len(parts) == 1 and file.suffix == ".yml":
        return "journey"
    if len(parts) == 2 and parts[0] == "team" and file.suffix == ".md":
        return "person"
    if len(parts) == 2 and parts[0] == "clients" and file.suffix == ".yml":
        return "client"
    return None


def _workspace_files(folder: Path) -> list[Path]:
    found = [*folder.glob("*.yml"), *folder.glob("team/*.md"), *folder.glob("clients/*.yml")]
    return sorted(p for p in found if p.is_file())


def _write(file: Path, data: bytes) -> None:
    """Replace `file` with `data` atomically, after reading the new bytes back."""
    handle, name = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".fmt")
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, file.stat().st_mode & 0o7777)
        if temp.read_bytes() != data:
            raise OSError("the new file did not read back as written")
        os.replace(temp, file)
    finally:
        temp.unlink(missing_ok=True)


def format_paths(root: Path, source: str, paths: list[Path] | None, check: bool) -> FmtResult:
    """Format the workspace's files (all of them, or the files and folders in `paths`,
    relative to `root`). With `check`, write nothing and only say what would change."""
    root = root.resolve()
    folder = (root / source).resolve()
    result = FmtResult()
    if not folder.is_dir():
        result.problems.append(Problem("mkdocs.yml", 1, 1, f"the journey folder '{source}/' "
                                                           "does not exist"))
        return result
    files: list[Path] = []
    for given in paths if paths is not None else [folder]:
        target = given if given.is_absolute() else root / given
        if target.is_dir():
            inside = target.resolve()
            files += [f for f in _workspace_files(folder) if inside in (f, *f.parents)]
        elif target.is_file() and _kind_of(target.parent.resolve() / target.name, folder):
            files.append(target.parent.resolve() / target.name)
        else:
            what = "does not exist" if not target.exists() else (
                f"is not a journey, person or client file in {source}/")
            result.problems.append(Problem(given.as_posix(), 1, 1, f"{given} {what}"))
    for file in dict.fromkeys(files):  # each once, in order
        rel = Path(os.path.relpath(file, root)).as_posix()
        kind = _kind_of(file, folder)
        assert kind is not None
        if file.is_symlink():  # replacing it would turn the link into a copy
            result.problems.append(Problem(rel, 1, 1, "fmt leaves linked files alone: format "
                                                      "the file the link points to"))
            continue
        try:
            text = read_text(file, rel)
            raw = file.read_bytes()
            formatted = format_text(text, kind, rel)
        except FileError as error:
            result.problems.append(error.problem)
            continue
        except InvalidWorkspace as error:
            result.problems.extend(error.problems)
            continue
        bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
        data = bom + formatted.encode("utf-8")
        if data == raw:
            result.unchanged.append(rel)
            continue
        result.changed.append(rel)
        if not check:
            try:
                _write(file, data)
            except OSError as error:
                result.changed.remove(rel)
                result.problems.append(Problem(rel, 1, 1, f"cannot write the file: {error}"))
    return result
