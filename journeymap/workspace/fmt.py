"""`journeymap fmt`: rewrite journey, person and client files in one canonical layout.

The canonical layout: keys in the order of the format reference, touchpoints in day order
(written in block or flow style, or both), two-space indentation with list items indented
under their key, and quotes only where they are needed. Comments, blank lines between items,
the author's words, flow collections (`[a, b]`, `{k: v}`) and block scalars (`|`, `>`) are
kept. A flow collection is written on one line, unless comments stand inside it: then one
entry a line, each with its comments, and the closing bracket on a line of its own.

ruamel.yaml's round-trip mode composes the file (styles, positions); the output is written
here rather than by ruamel's emitter, because ruamel attaches a comment to the item *before*
it, so moving items would carry comments to the wrong place. Comments are found in the text
(every `#` outside a scalar that follows a space) and given to the item they belong to:
full-line comments to the item that follows them, end-of-line comments to the item on their
line, comments indented past what follows them to the block they close; inside a flow
collection, to its entries in the same way.

Nothing is lost: a file that the hardened reader (`source.py`) refuses is left as it is and
reported with its position, and every result is read back and compared with the original
(the data, every comment, and what each comment belongs to) before it replaces the file.
"""

from __future__ import annotations

import bisect
import codecs
import json
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from ..atomic import write_atomic
from ..exceptions import InvalidWorkspace, Problem
from .schema import RECORDS, AnyOf, ListOf, MapOf, Record, Type
from .source import (
    FileError,
    Node,
    parse_snippet,
    parse_yaml,
    read_text,
    round_trip,
    split_front_matter,
)

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
class _Source:
    """The text as lines. Positions are taken from a mark's character offset: ruamel's own
    line and column do not count a byte order mark inside the text."""

    lines: list[str]
    starts: list[int]  # the offset of each line, and one past the end

    @classmethod
    def of(cls, text: str) -> _Source:
        lines = text.split("\n")
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        return cls(lines, starts)

    def at(self, mark: Any) -> tuple[int, int]:
        """0-based line and column of a ruamel mark."""
        line = bisect.bisect_right(self.starts, mark.index) - 1
        return line, mark.index - self.starts[line]


def _blank(line: str) -> bool:
    return not line.strip(" \t")  # YAML's white space only: a no-break space is text


@dataclass
class _Entry:
    """A mapping entry (key and value) or a sequence item (key None), with its comments."""

    key: ScalarNode | None
    value: Any  # a ruamel node
    line: int  # 0-based, of the key or the item
    col: int  # of the key, or of the item's '-'
    index: int  # character offset of the key or the item
    lead: list[str] = field(default_factory=list)  # full-line comments before it; "" = blank
    eol: list[tuple[int, int, str]] = field(default_factory=list)  # column, gap, comment
    trail: list[str] = field(default_factory=list)  # comments after all of it
    children: list[_Entry] = field(default_factory=list)  # of a block mapping or sequence
    flow: list[_Entry] = field(default_factory=list)  # of a flow mapping or sequence
    closing: list[str] = field(default_factory=list)  # inside a flow one, after its last entry


def _block(node: Any) -> bool:
    return isinstance(node, MappingNode | SequenceNode) and not node.flow_style


def _flow(node: Any) -> bool:
    return isinstance(node, MappingNode | SequenceNode) and bool(node.flow_style)


def _entry(key: ScalarNode | None, value: Any, at: tuple[int, int], index: int,
           src: _Source) -> _Entry:
    entry = _Entry(key, value, at[0], at[1], index)
    if _block(value):
        entry.children = _items(value, src)
    elif _flow(value):
        entry.flow = _items(value, src)
    return entry


def _items(node: Any, src: _Source) -> list[_Entry]:
    if isinstance(node, MappingNode):
        return [_entry(key, value, src.at(key.start_mark), key.start_mark.index, src)
                for key, value in node.value]
    entries = []
    for item in node.value:
        at = src.at(item.start_mark)
        if _block(node):  # a block item is placed by its '-'
            at = _dash(src, *at)
        entries.append(_entry(None, item, at, item.start_mark.index, src))
    return entries


def _dash(src: _Source, line: int, col: int) -> tuple[int, int]:
    """Where the '-' of a block item that starts here stands: on its line, or on a line
    above (`-` alone, or with a comment); only white space and comments come between."""
    while line >= 0:
        text = src.lines[line][:col]
        comment = re.search(r"(^|[ \t])#", text)
        code = text[: comment.start()] if comment else text
        if code.strip(" \t"):
            dash = code.rstrip(" \t")
            return line, len(dash) - 1  # the reader found a '-' here, so it is one
        line -= 1
        col = len(src.lines[line]) if line >= 0 else 0
    return 0, 0


def _preorder(entries: list[_Entry]) -> list[_Entry]:
    """The block entries, each before what is nested in it."""
    found = []
    for entry in entries:
        found.append(entry)
        found.extend(_preorder(entry.children))
    return found


def _every_entry(entries: list[_Entry]) -> list[_Entry]:
    """Block and flow entries alike."""
    found = []
    for entry in entries:
        found.append(entry)
        found.extend(_every_entry(entry.children + entry.flow))
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


def _header(node: ScalarNode, src: _Source) -> str:
    """A block scalar's indicators as written: `+`, `-` and an indentation digit."""
    line, col = src.at(node.start_mark)
    found = _BLOCK_HEADER.match(src.lines[line], col)
    return found.group(1) if found else ""


def _block_content(node: ScalarNode, src: _Source) -> tuple[int, int]:
    """First and last line of a block scalar's content (last < first when it has none).
    The scanner also swallows the blank lines after it; they are content only with `+`."""
    first = src.at(node.start_mark)[0] + 1
    end_line, end_col = src.at(node.end_mark)
    last = end_line - 1 if end_col == 0 else end_line
    if "+" not in _header(node, src):
        while last >= first and _blank(src.lines[last]):
            last -= 1
    return first, last


@dataclass
class _Scan:
    """The comments and blank lines of a text, outside its scalars."""

    comments: list[tuple[int, int, str, int]]  # line, column, text, spaces before (-1: none)
    blanks: list[int]
    markers: list[int]  # lines with a '---' document start before the content


def _scan(src: _Source, root: Any) -> _Scan:
    starts = src.starts
    spans = []
    for scalar in _scalars(root):
        if scalar.style in ("|", ">"):
            first, last = _block_content(scalar, src)
            if last >= first:
                spans.append((starts[first], starts[last + 1]))  # with its line break
        else:
            spans.append((scalar.start_mark.index, scalar.end_mark.index))
    spans.sort()
    span_starts = [s for s, _ in spans]

    def inside(index: int) -> bool:
        at = bisect.bisect_right(span_starts, index) - 1
        return at >= 0 and index < spans[at][1]  # scalars never overlap

    first_content = src.at(root.start_mark)[0]
    scan = _Scan([], [], [])
    for number, line in enumerate(src.lines):
        if _blank(line):
            if not inside(starts[number]):
                scan.blanks.append(number)
            continue
        if number < first_content and re.match(r"---(\s|$)", line):
            scan.markers.append(number)
            continue
        _line_comments(line, number, starts[number], inside, scan)
    return scan


_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")  # ruamel ends a comment at these too


def _line_comments(line: str, number: int, start: int, inside: Any, scan: _Scan) -> None:
    """The comments on a line: every `#` outside a scalar after white space or the start."""
    col = line.find("#")
    while col >= 0:
        if (col == 0 or line[col - 1] in " \t\x85\u2028\u2029") and not inside(start + col):
            code = line[:col].rstrip(" \t")
            gap = col - len(code) if code else -1
            end = _OTHER_BREAKS.search(line, col)
            stop = end.start() if end else len(line)
            scan.comments.append((number, col, line[col:stop].rstrip(" \t"), gap))
            if end is None:
                return
            col = stop  # what follows is YAML again
        col = line.find("#", col + 1)


@dataclass
class _Doc:
    entries: list[_Entry]  # the root mapping's
    header: list[str]  # comments, blank lines and '---' that stay at the top
    tail: list[str]  # comments at the end of the file


class _FlowSpans:
    """The flow collections of a file, to find the innermost one around a comment."""

    def __init__(self, entries: list[_Entry]) -> None:
        found = sorted(((e.value.start_mark.index, e.value.end_mark.index, n, e)
                        for n, e in enumerate(_every_entry(entries)) if _flow(e.value)),
                       key=lambda span: span[:3])
        self.starts = [start for start, _, _, _ in found]
        self.spans = [(end, entry) for _, end, _, entry in found]
        self.reach: list[int] = []  # how far any collection up to this one reaches
        for end, _ in self.spans:
            self.reach.append(max(end, self.reach[-1] if self.reach else 0))

    def holder(self, index: int) -> _Entry | None:
        """The entry whose flow value holds `index`: the innermost such, for they nest."""
        at = bisect.bisect_left(self.starts, index) - 1
        while at >= 0 and self.reach[at] > index:
            end, entry = self.spans[at]
            if index < end:
                return entry
            at -= 1
        return None


def _in_flow(holder: _Entry, index: int, kind: str, comment: tuple[int, int, str]) -> None:
    """Attach a comment or blank line inside a flow collection: one on an entry's line
    (after it) to that entry, one on a line of its own to the entry after it."""
    after = bisect.bisect_left([e.index for e in holder.flow], index)
    if kind == "eol":
        (holder.flow[after - 1] if after else holder).eol.append(comment)
    elif after < len(holder.flow):
        holder.flow[after].lead.append("" if kind == "blank" else comment[2])
    elif kind == "full":
        holder.closing.append(comment[2])


def _attach(src: _Source, root: Any, scan: _Scan) -> _Doc:
    entries = _items(root, src)
    flat = _preorder(entries)
    parents = {id(child): entry for entry in flat for child in entry.children}
    flows = _FlowSpans(entries)
    positions = [(e.line, e.col) for e in flat]
    entry_lines = [e.line for e in flat]
    doc = _Doc(entries, [], [])
    events: list[tuple[int, int, str, str]] = [(n, 0, "", "blank") for n in scan.blanks]
    events += [(n, 0, src.lines[n].rstrip(" \t"), "marker") for n in scan.markers]
    gaps = {(n, c): gap for n, c, _, gap in scan.comments}
    events += [(n, c, t, "full" if gap < 0 else "eol") for n, c, t, gap in scan.comments]
    for number, col, text, kind in sorted(events):
        holder = flows.holder(src.starts[number] + col)
        if holder is not None:
            _in_flow(holder, src.starts[number] + col, kind, (col, gaps.get((number, col), -1),
                                                              text))
            continue
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
            # Level with a key: after the last key of a mapping, so it closes the mapping.
            if owner.key is not None and owner.col == col and id(owner) in parents:
                owner = parents[id(owner)]
            owner.trail.append(text)
    for entry in _every_entry(entries):  # one end-of-line comment each; more go above
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
    cut = _heading_cut(lead)
    doc.header = [*doc.header, *lead[:cut]]
    rest = lead[cut:]
    doc.header += [text for text in rest if text.startswith(MODELINE)]
    first.lead = [text for text in rest if not text.startswith(MODELINE)]


def _heading_cut(lead: list[str]) -> int:
    """Where the part of a lead that a blank line (or '---') sets apart from its item ends."""
    return max((i + 1 for i, text in enumerate(lead) if text == "" or text.startswith("---")),
               default=0)


# ---- canonical order ----------------------------------------------------------------------


def _record_of(value_type: Type | None) -> Record | None:
    if isinstance(value_type, Record):
        return value_type
    if isinstance(value_type, AnyOf):
        return next((o for o in value_type.options if isinstance(o, Record)), None)
    return None


@dataclass
class _MapRecord(Record):
    """A mapping of names to values (`done:`), seen as a record whose every key has the
    value type: so records inside its values (a skipped entry) get their keys in order."""

    value_type: Type | None = None


def _sub_record(record: Record | None, key: str, value: Any) -> Record | None:
    """The record that describes `value` (a mapping, or a list's items) under `key`."""
    if isinstance(record, _MapRecord):
        value_type = record.value_type
    else:
        definition = record.by_name().get(key) if record else None
        value_type = definition.type if definition else None
    if value_type is None:
        return None
    if isinstance(value_type, MapOf):
        return _MapRecord("map", value_type=value_type.value)
    if isinstance(value, SequenceNode):
        return _record_of(value_type.item) if isinstance(value_type, ListOf) else None
    if isinstance(value_type, ListOf) and isinstance(value, MappingNode):
        return _record_of(value_type.item)  # a lone entry standing for a list of one
    return _record_of(value_type)


def _key_name(node: Any) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else ""


def _ordered(pairs: list[Any], record: Record | None, key_of: Any) -> list[Any]:
    """Known keys in the record's order; unknown ones after them, as the author had them."""
    if record is None:
        return list(pairs)
    rank = {f.name: i for i, f in enumerate(record.fields)}
    return sorted(pairs, key=lambda pair: rank.get(key_of(pair), len(rank)))


def _ordered_entries(entries: list[_Entry], record: Record | None) -> list[_Entry]:
    return _ordered(entries, record, lambda e: _key_name(e.key))


_INT = re.compile(r"[-+]?[0-9]+")


def _scalar_child(node: Any, key: str) -> str | None:
    """The text of a scalar under `key` in a mapping, block or flow."""
    if not isinstance(node, MappingNode):
        return None
    for name, value in node.value:
        if isinstance(name, ScalarNode) and name.value == key:
            return str(value.value) if isinstance(value, ScalarNode) else None
    return None


def _int_child(node: Any, key: str) -> int | None:
    text = _scalar_child(node, key)
    return int(text) if text is not None and _INT.fullmatch(text) else None


def _by_key(entries: list[_Entry], key: str) -> _Entry | None:
    return next((e for e in entries if _key_name(e.key) == key), None)


def _list_items(entry: _Entry | None) -> list[_Entry]:
    """The items of a list written in either style."""
    if entry is None or not isinstance(entry.value, SequenceNode):
        return []
    return entry.children or entry.flow


_Key = tuple[int, int]


class _Placer:
    """Where a touchpoint goes: its day, or an `on:` one at the start of its stage (like
    `Touchpoint.sort_key`); and the start of the stage window it falls in. `was`: the stage
    each touchpoint (by id) was in before an edit changed the text, which a section heading
    above it still belongs to (see `_headings`)."""

    def __init__(self, entries: list[_Entry], was: Mapping[str, str] | None = None) -> None:
        self.was = was or {}
        self.windows: dict[str, tuple[int, int]] = {}
        for item in _list_items(_by_key(entries, "stages")):
            ident, start, end = (_scalar_child(item.value, "id"),
                                 _int_child(item.value, "from"), _int_child(item.value, "to"))
            if ident is not None and start is not None and end is not None:
                self.windows.setdefault(ident, (start, end))

    def place(self, entry: _Entry) -> tuple[_Key | None, int | None]:
        day = _int_child(entry.value, "day")
        if day is not None:
            start = next((s for s, e in self.windows.values() if s <= day <= e), None)
            return (day, 0), start
        stage = _scalar_child(entry.value, "on") and _scalar_child(entry.value, "stage")
        window = self.windows.get(stage or "")
        return ((window[0], 1), window[0]) if window else (None, None)

    def run_starts(self, items: list[_Entry], before: bool = False,
                   ) -> list[tuple[_Entry, _Key | None, int | None, bool]]:
        """Each item, its place, its stage, and whether it starts a run of its stage;
        `before`: the stage it was in before the edit, where `was` says."""
        found = []
        previous: int | None = None
        for item in items:
            key, stage = self.place(item)
            if before:
                window = self.windows.get(self.was.get(_scalar_child(item.value, "id") or "", ""))
                stage = window[0] if window else stage
            found.append((item, key, stage, stage is not None and stage != previous))
            previous = stage
        return found


def _headings(placer: _Placer, items: list[_Entry]) -> dict[int, tuple[int, int]]:
    """The section headings among the touchpoints: a comment block that a blank line sets
    apart from the touchpoint after it, where a stage starts. By id(item): (stage, lines).
    Stages as they were before an edit (`_Placer.was`): a touchpoint moved to another day
    leaves its stage's heading behind, for the stage's next one."""
    found = {}
    for item, _, stage, starts in placer.run_starts(items, before=True):
        cut = _heading_cut(item.lead)
        if starts and stage is not None and any(item.lead[:cut]):
            found[id(item)] = (stage, cut)
    return found


def _sort_touchpoints(entries: list[_Entry], was: Mapping[str, str] | None = None) -> None:
    """Touchpoints in day order, stably, in a block or a flow list. A section heading stays
    at its stage's start, above whichever touchpoint comes first there now."""
    listed = _by_key(entries, "touchpoints")
    items = _list_items(listed)
    if listed is None or not items:
        return
    placer = _Placer(entries, was)
    found = _headings(placer, items)
    headings: dict[int, list[str]] = {}
    units: list[tuple[_Key, _Entry]] = []
    last_key = (-(10**9), -1)
    for item, key, _, _ in placer.run_starts(items):
        if id(item) in found:
            stage, cut = found[id(item)]
            headings.setdefault(stage, []).extend(item.lead[:cut])
            item.lead = [""] + item.lead[cut:]
        last_key = key or last_key  # an item that cannot be placed stays after the one before
        units.append((last_key, item))
    units.sort(key=lambda unit: unit[0])
    ordered = [item for _, item in units]
    for item, _, start, starts in placer.run_starts(ordered):
        if starts and start is not None:
            # What is above the last blank line here reads as a heading: only one may be.
            blank = [""] if item.lead[:1] == [""] else []
            item.lead = [*headings.pop(start, []), *blank, *(t for t in item.lead if t)]
    if listed.children:
        listed.children = ordered
    else:
        listed.flow = ordered


# ---- scalars ------------------------------------------------------------------------------

_NUMBER_LIKE = re.compile(r"[-+.]?[0-9]")
_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~", ""}
_CHECKS = {  # how a scalar is tried in each context: (template, path to the value)
    "value": ("k: {0}", ("k",)),
    "key": ("{0}: x", None),
    # In a flow list an entry is followed by a comma, a bracket, a space or a line break:
    # ruamel reads `ends:` as text before the first two and as a key before the others.
    "flow": ("k: [{0},{0}]\nl: [{0} ,\n  {0}\n  ]", ("k", "l")),
    "flow-key": ("k: {{{0}: x}}", ("k", None)),
}


def _reads_back(text: str, context: str) -> bool:
    """Whether `text`, written plain in this context, is read back as that very string."""
    template, route = _CHECKS[context]
    root, problems = parse_snippet(template.format(text))
    if problems or root is None:
        return False
    if route is None or route[-1] is None:  # a key: of the root, or of the flow mapping
        node = root.get("k") if route is not None else root
        if node is None or node.kind != "map" or list(node.value) != [text]:
            return False
        return node.keys[text].kind == "str"
    found = [root.get(step) for step in route]
    values = [item for node in found if node is not None
              for item in (node.value if node.kind == "seq" else [node])]
    return len(values) == len(template.split("{0}")) - 1 and all(
        item.kind == "str" and item.value == text for item in values)


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


def canonical_scalar(text: str, context: str = "value") -> str:
    """A one-line string as `fmt` writes it: plain where that reads back, else quoted
    (`context`: "value", or "flow" for an entry of a `[...]` list)."""
    return _plain_or_quoted(text, context, quoted=True)


def _scalar(node: ScalarNode, context: str, src: _Source) -> str:
    if node.style is None:
        if src.at(node.start_mark)[0] == src.at(node.end_mark)[0]:
            return str(node.value)  # as written: plain words, numbers, dates, true, empty
        return _plain_or_quoted(node.value, context, quoted=False)  # a plain one over lines
    if node.style in ("|", ">"):
        return _quoted(_unfolded(node))  # in a flow list: cannot stay a block
    return _plain_or_quoted(node.value, context, quoted=True)


def _unfolded(node: ScalarNode) -> str:
    """The value of a scalar: ruamel marks where a `>` block folds with U+0007."""
    return str(node.value).replace("\a", "")


def _block_reads_back(header: str, lines: list[str], indent: int, value: str) -> bool:
    """Whether a block scalar, written so at this indentation, is read back as `value`:
    a block cannot escape anything, so unusual text (a line separator, a tab or spaces
    where indentation is read) is given a quoted string instead."""
    text = " " * indent + f"k: {header}\n" + "".join(line + "\n" for line in lines)
    text += " " * (indent + 1) + "# what follows a block is never deeper\n"
    root, problems = parse_snippet(text)
    found = root.get("k") if root is not None and not problems else None
    return found is not None and found.kind == "str" and found.value == value


def _literal(value: str, indent: int) -> tuple[str, list[str]] | None:
    """A `|` block for `value`, or None if a block cannot hold it."""
    if not value.endswith("\n"):
        chomp, body = "-", value
    elif value.endswith("\n\n") or value == "\n":
        chomp, body = "+", value[:-1]
    else:
        chomp, body = "", value[:-1]
    content = body.split("\n") if body else []
    first = next((line for line in content if line), "")
    # Without a line to take it from, the indentation would be read from what follows.
    indicator = str(INDENT) if first.startswith(" ") or not first else ""
    pad = " " * (indent + INDENT)
    header = f"|{indicator}{chomp}"
    lines = [pad + line if line else "" for line in content]
    return (header, lines) if _block_reads_back(header, lines, indent, value) else None


def _folded(node: ScalarNode, src: _Source, indent: int) -> tuple[str, list[str]] | None:
    """A `>` block, its lines as written, moved to the new indentation."""
    first, last = _block_content(node, src)
    content = src.lines[first : last + 1]
    written = [line for line in content if not _blank(line)]
    value = _unfolded(node)
    # The block's own indentation: a first line indented further (as an indentation
    # indicator allows) starts the value with those spaces.
    extra = len(value.lstrip("\n")) - len(value.lstrip("\n").lstrip(" "))
    margin = (len(written[0]) - len(written[0].lstrip(" ")) - extra) if written else 0
    pad = " " * (indent + INDENT)
    moved = [pad + line[margin:] if len(line) > margin else "" for line in content]
    chomp = "".join(c for c in _header(node, src) if c in "+-")
    header = ">" + (str(INDENT) if extra or not written else "") + chomp
    return (header, moved) if _block_reads_back(header, moved, indent, value) else None


# ---- writing ------------------------------------------------------------------------------
# ---- writing ------------------------------------------------------------------------------


def _join(head: str, text: str) -> str:
    """`key:` or `-` and what follows it; an empty value leaves the head alone."""
    if not text:
        return head
    return f"{head} {text}" if head.strip() else head + text


def _flow_pair(key: str, value: str) -> str:
    """A flow mapping's entry; one without a value is its key alone (`{a}`): `{a:}` would
    be read as the key `a:`."""
    return f"{key}: {value}" if value else key


def _commented(entry: _Entry) -> bool:
    """Whether a flow collection holds comments, and so is written one entry a line."""
    return bool(entry.closing) or any(
        any(child.lead) or child.eol or _commented(child) for child in entry.flow)


def _trail_indent(entry: _Entry, indent: int) -> int:
    """Comments after an entry are indented past it, so that they are read back as its
    own: by a step, like what is nested in it, but by one space after a block list or a
    block scalar (a step would be an item's level, or the scalar's text)."""
    value = entry.value
    deep = (isinstance(value, SequenceNode) and _block(value)) or (
        isinstance(value, ScalarNode) and value.style in ("|", ">"))
    return indent + (1 if deep else INDENT)


def _item_record(item: _Entry, record: Record | None) -> Record | None:
    """A list's record describes its items when they are mappings."""
    return record if isinstance(item.value, MappingNode) else None


class _Writer:
    def __init__(self, src: _Source) -> None:
        self.src = src
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

    def with_eol(self, text: str, eol: list[tuple[int, int, str]], aligned: bool = True) -> str:
        """The line with its comment: at the comment's old column while it fits (aligned
        comments stay aligned), with at least two spaces before it (one if it had one).
        In a flow collection laid out anew, old columns mean nothing: the least gap."""
        if not eol:
            return text
        col, gap, comment = eol[0]
        return text + " " * max(col - len(text) if aligned else 0, min(gap, 2)) + comment

    def flow_text(self, entry: _Entry, record: Record | None) -> str:
        """A value on one line: a scalar, or a flow collection without comments."""
        node = entry.value
        if isinstance(node, ScalarNode):
            return _scalar(node, "flow", self.src)
        if isinstance(node, SequenceNode):
            return "[" + ", ".join(self.flow_text(item, _item_record(item, record))
                                   for item in entry.flow) + "]"
        return "{" + ", ".join(self.pair_text(pair, record)
                               for pair in _ordered_entries(entry.flow, record)) + "}"

    def pair_text(self, pair: _Entry, record: Record | None) -> str:
        assert pair.key is not None
        sub = _sub_record(record, _key_name(pair.key), pair.value)
        return _flow_pair(_scalar(pair.key, "flow-key", self.src), self.flow_text(pair, sub))

    def flow_lines(self, head: str, entry: _Entry, indent: int, record: Record | None,
                   after: str | None = None) -> None:
        """A flow collection that holds comments: one entry a line, each with its own
        comments, the closing bracket on a line of its own (then `after`, a comma, for one
        inside another)."""
        is_list = isinstance(entry.value, SequenceNode)
        self.line(self.with_eol(_join(head, "[" if is_list else "{"), entry.eol,
                                aligned=after is None))
        entries = entry.flow if is_list else _ordered_entries(entry.flow, record)
        inner = indent + INDENT
        for n, child in enumerate(entries):
            comma = "," if n < len(entries) - 1 else ""
            self.comments(child.lead, inner)
            if is_list:
                child_head, sub = " " * inner, _item_record(child, record)
            else:
                assert child.key is not None
                child_head = " " * inner + _scalar(child.key, "flow-key", self.src)
                sub = _sub_record(record, _key_name(child.key), child.value)
            if _flow(child.value) and _commented(child):
                self.flow_lines(child_head + (":" if child.key is not None else ""), child,
                                inner, sub, comma)
            else:
                text = self.flow_text(child, sub)
                text = (_flow_pair(child_head, text) if child.key is not None
                        else _join(child_head, text))
                self.line(self.with_eol(text + comma, child.eol, aligned=False))
        self.comments(entry.closing, inner)
        self.line(" " * indent + ("]" if is_list else "}") + (after or ""))

    def value(self, head: str, entry: _Entry, indent: int, record: Record | None) -> None:
        """`head` (a key and ':', or '-') and the entry's value, then what is nested in it."""
        node = entry.value
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            block = (_literal(node.value, indent) if node.style == "|"
                     else _folded(node, self.src, indent))
            if block is not None:
                self.line(self.with_eol(f"{head} {block[0]}", entry.eol))
                self.out.extend(block[1])
                self.open_keep = "+" in block[0]
                return
            self.line(self.with_eol(f"{head} {_quoted(_unfolded(node))}", entry.eol))
            return
        if _flow(node) and _commented(entry):
            self.flow_lines(head, entry, indent, record)
            return
        if not _block(node):
            text = (_scalar(node, "value", self.src) if isinstance(node, ScalarNode)
                    else self.flow_text(entry, record))
            self.line(self.with_eol(_join(head, text), entry.eol))
            return
        self.line(self.with_eol(head, entry.eol))
        if isinstance(node, MappingNode):
            self.mapping(entry.children, indent + INDENT, record)
        else:
            self.sequence(entry.children, indent + INDENT, record)

    def mapping(self, entries: list[_Entry], indent: int, record: Record | None) -> None:
        pad = " " * indent
        for entry in _ordered_entries(entries, record):
            self.comments(entry.lead, indent)
            assert entry.key is not None
            key = _scalar(entry.key, "key", self.src)
            sub = _sub_record(record, _key_name(entry.key), entry.value)
            self.value(f"{pad}{key}:", entry, indent, sub)
            self.comments(entry.trail, _trail_indent(entry, indent))

    def sequence(self, entries: list[_Entry], indent: int, record: Record | None) -> None:
        pad = " " * indent
        for entry in entries:
            if _block(entry.value) and entry.children:
                self.block_item(entry, indent, record)
            else:
                self.comments(entry.lead, indent)
                self.value(f"{pad}-", entry, indent, record)
            self.comments(entry.trail, _trail_indent(entry, indent))

    def block_item(self, entry: _Entry, indent: int, record: Record | None) -> None:
        """An item that is a block mapping or list: its first key (or item) goes on the
        '-' line, so that one's comments go above the '-', with the item's own."""
        if isinstance(entry.value, MappingNode):
            entry.children = _ordered_entries(entry.children, record)
        first = entry.children[0]
        entry.lead, first.lead = entry.lead + first.lead, []
        if entry.eol and first.eol:  # one comment a line
            entry.lead += [text for _, _, text in entry.eol]
            entry.eol = []
        self.comments(entry.lead, indent)
        inner = _Writer(self.src)
        if isinstance(entry.value, MappingNode):
            inner.mapping(entry.children, indent + INDENT, record)
        else:
            inner.sequence(entry.children, indent + INDENT, None)
        top = inner.out[0]
        self.line(self.with_eol(" " * indent + "- " + top[indent + INDENT:], entry.eol))
        self.out.extend(inner.out[1:])
        self.open_keep = inner.open_keep


# ---- formatting one text ------------------------------------------------------------------


def _compose(text: str, path: str, line_offset: int) -> tuple[Node | None, Any]:
    """The file's values and its round-trip node tree, after the hardened reader has
    accepted it."""
    try:
        node, problems = parse_yaml(text, path, line_offset)
    except ReaderError as error:  # a control character, which YAML does not allow
        before = text[: error.position]
        line = before.count("\n") + 1 + line_offset
        col = len(before) - (before.rfind("\n") + 1) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        problems = [Problem(path, line, col, f"invalid YAML: the invisible character "
                                             f"U+{code:04X} is not allowed in a YAML file")]
    if problems:
        raise InvalidWorkspace(problems)
    return node, round_trip(text)


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


_Anchor = tuple[str, str, str]  # how it is placed, the path of its item, the comment


@dataclass
class _Reading:
    """What a text holds, to compare a result with its original: the values, the comments,
    and what each comment belongs to."""

    data: Any
    comments: Counter[str]
    anchors: Counter[_Anchor]

    @classmethod
    def of(cls, node: Node | None, root: Any, src: _Source, kind: str,
           was: Mapping[str, str] | None = None) -> _Reading:
        scan = _scan(src, root)
        comments = Counter(comment for _, _, comment, _ in scan.comments)
        doc = _attach(src, root, scan)  # its own entries: formatting changes the others
        return cls(_data(node, kind == "journey"), comments, _anchors(doc, node, kind, was))


def _anchors(doc: _Doc, node: Node | None, kind: str,
             was: Mapping[str, str] | None = None) -> Counter[_Anchor]:
    """Each comment with what it belongs to, by the rules fmt attaches them with: the path
    of its item (a touchpoint by its values, as fmt sorts them), and whether it is above or
    on the item's line ("at"), after all of it, or closes a flow collection. A section
    heading belongs to its stage, the comments at the top to the file."""
    found: Counter[_Anchor] = Counter(("top", "", t) for t in doc.header if t.startswith("#"))
    found.update(("end", "", t) for t in doc.tail if t)
    names: dict[int, str] = {}
    headings: dict[int, tuple[int, int]] = {}
    if kind == "journey":
        items = _list_items(_by_key(doc.entries, "touchpoints"))
        listed = node.get("touchpoints") if node is not None else None
        if listed is not None and listed.kind == "seq" and len(listed.value) == len(items):
            names = {id(item): json.dumps(_data(value, False), sort_keys=True)
                     for item, value in zip(items, listed.value, strict=True)}
        headings = _headings(_Placer(doc.entries, was), items)
    _anchor_entries(doc.entries, (), RECORDS[kind], found, (names, headings))
    return found


def _anchor_entries(entries: list[_Entry], path: tuple[str, ...], record: Record | None,
                    found: Counter[_Anchor],
                    touchpoints: tuple[dict[int, str], dict[int, tuple[int, int]]]) -> None:
    names, headings = touchpoints
    for n, entry in enumerate(entries):
        if entry.key is not None:
            here = (*path, _key_name(entry.key))
            sub = _sub_record(record, _key_name(entry.key), entry.value)
        else:
            here = (*path, names.get(id(entry), str(n)))
            sub = record if isinstance(entry.value, MappingNode) else None
        at = here
        if entry.key is None and entry.children:  # its first key is written on the '-' line
            first = _ordered_entries(entry.children, sub)[0]
            at = (*here, _key_name(first.key) if first.key is not None else "0")
        lead = [text for text in entry.lead if text and not text.startswith("---")]
        if id(entry) in headings:
            stage, cut = headings[id(entry)]
            found.update(("heading", str(stage), text) for text in entry.lead[:cut] if text)
            lead = [text for text in entry.lead[cut:] if text]
        where = json.dumps(at)
        found.update(("at", where, text) for text in [*lead, *(t for _, _, t in entry.eol)])
        found.update(("after", json.dumps(here), text) for text in entry.trail)
        found.update(("closing", json.dumps(here), text) for text in entry.closing)
        _anchor_entries(entry.children + entry.flow, here, sub, found, touchpoints)


def _verify(before: _Reading, after: str, kind: str, path: str, line_offset: int) -> None:
    node, problems = parse_yaml(after, path, line_offset)
    why = ""
    if problems:
        why = f"the result would not read back ({problems[0].message})"
    else:
        now = _Reading.of(node, round_trip(after), _Source.of(after), kind)
        if now.data != before.data:
            why = "the result would hold different values"
        elif now.comments != before.comments:
            why = "the result would lose or change a comment"
        elif now.anchors != before.anchors:
            why = "the result would move a comment away from what it describes"
    if why:
        raise InvalidWorkspace([Problem(path, 1 + line_offset, 1,
                                        f"fmt left this file as it was: {why}; "
                                        "please report it as a journeymap bug")])


def _format_yaml(text: str, kind: str, path: str, line_offset: int = 0,
                 was: Mapping[str, str] | None = None) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    unix = text.replace("\r\n", "\n").replace("\r", "\n")
    node, root = _compose(unix, path, line_offset)
    if not isinstance(root, MappingNode) or root.flow_style:
        return text  # empty, or not a mapping at all: the checker says what is wrong
    src = _Source.of(unix)
    before = _Reading.of(node, root, src, kind, was)
    doc = _attach(src, root, _scan(src, root))
    if kind == "journey":
        _sort_touchpoints(doc.entries, was)
    doc.entries = _ordered_entries(doc.entries, RECORDS[kind])
    # Below the file's own comments, a blank line would set the first key's apart as the
    # file's too.
    doc.entries[0].lead = [text for text in doc.entries[0].lead if text]
    writer = _Writer(src)
    writer.comments(doc.header, 0)
    writer.mapping(doc.entries, 0, RECORDS[kind])
    if doc.tail:
        writer.comments(doc.tail, 0)
    out = writer.out
    while out and out[-1] == "" and not writer.open_keep:  # a `|+` block keeps its own
        out.pop()
    result = "\n".join(out) + "\n"
    _verify(before, result, kind, path, line_offset)
    return result.replace("\n", newline)


def format_text(text: str, kind: str, path: str = "",
                was: Mapping[str, str] | None = None) -> str:
    """The canonical form of a journey, person or client file's text. `was`, for a journey
    file the map's editor changed: the stage each touchpoint (by id) was in before, so that
    a touchpoint moved to another stage leaves its old stage's section heading in place.

    Raises InvalidWorkspace (with positioned problems) for a file the hardened reader
    refuses, or if the result would not read back as the same values and comments.
    A person file's Markdown body is returned byte for byte."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    path = path or f"<{kind}>"
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text.removeprefix("\ufeff")
    if kind != "person":
        return bom + _format_yaml(text, kind, path, was=was)
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
    """Replace `file` with `data` atomically, keeping its mode, after reading the new bytes
    back."""
    write_atomic(file, data, mode=file.stat().st_mode & 0o7777, durable=True)


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
