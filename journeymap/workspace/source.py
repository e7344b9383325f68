"""Reading journey files: bytes to text to a tree of positioned YAML nodes.

The YAML load is hardened: anchors, aliases, explicit tags and directives are refused,
nesting is capped, duplicate keys are caught, and timestamps stay text (we parse dates
ourselves, with their position). Every node keeps its 1-based line and column.
"""

from __future__ import annotations

import functools
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, DocumentStartEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from ..exceptions import Problem
from .yaml_slips import explain

MAX_DEPTH = 32
MAX_BYTES = 2_000_000

_YAML_TAG = "tag:yaml.org,2002:"


@dataclass(slots=True)
class Node:
    """A YAML value with its position. Mappings and sequences hold Nodes."""

    value: Any
    line: int
    col: int
    kind: str  # str int float bool null date map seq
    keys: dict[str, Node] = field(default_factory=dict)  # for maps: each key's own node
    raw: str = ""  # a scalar as written, for messages

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if self.kind == "map" else None

    def shown(self) -> str:
        """The value as the user wrote it, for messages."""
        if self.kind == "map":
            return "a mapping"
        if self.kind == "seq":
            return "a list"
        if self.kind == "null":
            return "nothing"
        if self.kind in ("str", "date"):
            text = str(self.value)
            return repr(text if len(text) <= 40 else text[:37] + "...")
        if self.kind == "bool":
            return "true" if self.value else "false"
        return self.raw or str(self.value)


class FileError(Exception):
    """A file that cannot be read as YAML at all; carries one positioned problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Refused(MarkedYAMLError):
    pass


class _StrictComposer(Composer):
    """Refuses what a journey file never needs and an attacker might use."""

    allow_tags = False

    def compose_document(self) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, DocumentStartEvent) and (event.version or event.tags):
            raise _Refused(
                problem="YAML directives (lines starting with %) are not allowed",
                problem_mark=event.start_mark,
            )
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                problem="a value that starts with & or * is a YAML anchor or alias, which is not "
                        "allowed: put the value in quotes if the & or * is part of the text, or "
                        "write the value out",
                problem_mark=event.start_mark,
            )
        tag = getattr(event, "ctag", None)
        if tag is not None and str(tag) != "!" and not self.allow_tags:
            shown = str(tag).replace(_YAML_TAG, "!!")
            raise _Refused(
                problem=f"tags such as {shown} are not allowed: write a plain value",
                problem_mark=event.start_mark,
            )
        self._jm_depth = getattr(self, "_jm_depth", 0) + 1
        try:
            if self._jm_depth > MAX_DEPTH:
                raise _Refused(
                    problem=f"nesting deeper than {MAX_DEPTH} levels is not allowed",
                    problem_mark=event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._jm_depth -= 1


class _TagsComposer(_StrictComposer):
    """For a host's configuration file (`!ENV`, `!!python/name:`), read only for positions:
    its tags are kept as plain values."""

    allow_tags = True


def _yaml(tags: bool = False) -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _TagsComposer if tags else _StrictComposer
    return yaml


_INT = re.compile(r"[-+]?(0o[0-7]+|0x[0-9a-fA-F]+|[0-9]+)")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _joined_pairs(text: str) -> str:
    """`text` with each UTF-16 pair of halves (`"\\ud83d\\ude00"`, as JSON writes an emoji)
    made the one character it stands for; lone halves stay, for the checks to refuse."""
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return text


def _scalar(node: ScalarNode) -> tuple[Any, str]:
    tag = str(node.tag)
    text: str = _joined_pairs(node.value)
    if tag == _YAML_TAG + "int" and _INT.fullmatch(text):
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        base = 16 if digits[:2] == "0x" else 8 if digits[:2] == "0o" else 10
        return sign * int(digits[2:] if base != 10 else digits, base), "int"
    if tag == _YAML_TAG + "float":
        number = float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".nan", "nan"))
        return number, "float" if math.isfinite(number) else "str"
    if tag == _YAML_TAG + "bool":
        return text.lower() == "true", "bool"
    if tag == _YAML_TAG + "null":
        return None, "null"
    if tag == _YAML_TAG + "timestamp":
        return text, "date"
    return text, "str"


def _convert(node: Any, path: str, line_offset: int, problems: list[Problem]) -> Node:
    line = node.start_mark.line + 1 + line_offset
    col = node.start_mark.column + 1
    if isinstance(node, ScalarNode):
        value, kind = _scalar(node)
        return Node(value, line, col, kind, raw=node.value)
    if isinstance(node, SequenceNode):
        items = [_convert(item, path, line_offset, problems) for item in node.value]
        return Node(items, line, col, "seq")
    assert isinstance(node, MappingNode)
    values: dict[str, Node] = {}
    keys: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, path, line_offset, problems)
        if key.kind in ("map", "seq", "null"):
            problems.append(Problem(path, key.line, key.col, "a key must be a plain word"))
            continue
        name = str(key.value) if key.kind != "bool" else key.shown()
        if name in keys:
            first = keys[name]
            problems.append(
                Problem(
                    path,
                    key.line,
                    key.col,
                    f"duplicate key '{name}' (first given on line {first.line})",
                )
            )
            continue
        keys[name] = key
        values[name] = _convert(value_node, path, line_offset, problems)
    return Node(values, line, col, "map", keys)


def parse_yaml(text: str, path: str, line_offset: int = 0,
               tags: bool = False) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document. Returns the root node (None if empty) and any problems.
    `tags`: take tags (as a host's configuration file has them) as plain values.

    The last few results are kept (nobody changes a node once made): the map's editor
    reads the text it is about to write twice, checking that fmt kept it whole and that
    the workspace would still load."""
    node, problems = _parse_yaml(text, path, line_offset, tags)
    return node, list(problems)


@functools.lru_cache(maxsize=4)
def _parse_yaml(text: str, path: str, line_offset: int,
                tags: bool) -> tuple[Node | None, tuple[Problem, ...]]:
    node, problems = _parse_yaml_afresh(text, path, line_offset, tags)
    return node, tuple(problems)


def parse_snippet(text: str) -> tuple[Node | None, list[Problem]]:
    """parse_yaml for a few lines made up on the spot (fmt's check that a value it writes
    reads back as itself): kept apart from the files' parses, which fmt checks dozens of
    values between, so that these do not push those out."""
    node, problems = _parse_snippet(text)
    return node, list(problems)


@functools.lru_cache(maxsize=512)
def _parse_snippet(text: str) -> tuple[Node | None, tuple[Problem, ...]]:
    node, problems = _parse_yaml_afresh(text, "-", 0, False)
    return node, tuple(problems)


@functools.lru_cache(maxsize=4)
def round_trip(text: str) -> Any:
    """ruamel.yaml's round-trip node tree of `text`, comments attached (None if empty), for
    reading where things are. The last few are kept, as parse_yaml's are, and for the same
    reason: the map's editor composed the text of one edit three times (its patch, fmt's
    order, fmt's read-back check), and the next edit starts from the text the last wrote.
    Nobody changes a node once made."""
    return YAML(typ="rt").compose(text)


def _parse_yaml_afresh(text: str, path: str, line_offset: int,
                       tags: bool) -> tuple[Node | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        root = _yaml(tags).compose(text)
    except MarkedYAMLError as error:
        return None, [_yaml_problem(text, path, line_offset, error)]
    except ReaderError as error:
        # A control character (U+0007, say) that YAML does not allow in a file.
        line, col = _offset_position(text, error.position)
        return None, [Problem(path, line + line_offset, col,
                              f"invalid YAML: the control character {_codepoint(error.character)}"
                              " is not allowed in a YAML file: remove it")]
    if root is None:
        return None, problems
    return _convert(root, path, line_offset, problems), problems


def _yaml_problem(text: str, path: str, line_offset: int, error: MarkedYAMLError) -> Problem:
    """A syntax error: the slip in plain words where it is a known one, then the parser's."""
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line, mark.column) if mark else (0, 0)
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    if isinstance(error, _Refused):  # our own words already
        message = problem
    elif "another document" in problem:
        message = "a file holds only one document: remove the second '---'"
    else:
        words = f"{problem}, {context}" if problem and context else problem or context
        slip = explain(text, error, line_offset)
        if slip is None:
            message = words or "invalid YAML"
        else:
            line, col = slip.line, slip.col
            message = f"{slip.advice} (YAML: {words})"
    return Problem(path, line + 1 + line_offset, col + 1, f"invalid YAML: {message}")


def _codepoint(character: object) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"U+{code:04X}"


def _offset_position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def read_text(file: Path, path: str, limit: int = MAX_BYTES, advice: str = "") -> str:
    """Read a file as UTF-8, raising FileError with the position of the first bad byte
    (`advice` added to that message)."""
    try:
        with open(file, "rb") as stream:
            data = stream.read(limit + 1)  # never more: a huge file is refused unread
    except OSError as error:
        raise FileError(Problem(path, 1, 1, f"cannot read file: {error.strerror}")) from None
    if len(data) > limit:
        raise FileError(Problem(path, 1, 1, f"file is larger than {limit // 1_000_000} MB"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        start_of_line = before[before.rfind(b"\n") + 1 :]
        col = len(start_of_line.decode("utf-8", errors="replace")) + 1
        raise FileError(
            Problem(path, line, col, "file is not UTF-8 text: save it with UTF-8 encoding"
                                     + advice)
        ) from None
    if "\x00" in text:
        raise FileError(Problem(path, 1, 1, "file is not text (it holds NUL bytes)"))
    return text.removeprefix("\ufeff")


_FRONT_END = re.compile(r"^(---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Split a Markdown file into (front matter YAML, body, line of the body's start).

    Front matter is a block between a first line of ``---`` and a closing ``---``.
    """
    if not re.match(r"---[ \t]*\r?\n", text):
        raise FileError(
            Problem(path, 1, 1, "a person file starts with '---', then its details, then '---'")
        )
    start = text.index("\n") + 1
    end = _FRONT_END.search(text, start)
    if end is None:
        raise FileError(
            Problem(path, 1, 1, "front matter is not closed: add a line '---' after the details")
        )
    yaml_text = text[start : end.start()]
    body_start = end.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    return yaml_text, text[body_start:], body_line


# ---- which files a workspace holds -------------------------------------------------------

# A photo is embedded in every meet page of the clients its person serves, and copied into
# the site: past this size it is refused, and past the lower one it is worth a warning.
MAX_PHOTO_BYTES = 5_000_000
LARGE_PHOTO_BYTES = 1_000_000
_IMAGE_STARTS = {
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",),
    ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",),
}  # fmt: skip
_IMAGE_NAMES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WebP"}
_LOOKS_READ = (".yml", ".yaml", ".md", ".markdown", ".csv")  # files a user may mean us to read
_SPELLED = {".yaml": ".yml", ".markdown": ".md"}  # other spellings of the suffixes we read
# A CSV of clients holds a row per client beside their YAML files; survey answers go in a
# folder of their own, as a survey tool exports them.
KINDS_BY_PLACE = {("", ".yml"): "journey", ("team", ".md"): "person",
                  ("clients", ".yml"): "client", ("clients", ".csv"): "client-table",
                  ("surveys", ".csv"): "survey"}
KIND_ORDER = {"journey": 0, "person": 1, "client": 2, "client-table": 3, "survey": 4}


@dataclass
class Listing:
    """The files of a journey folder: (kind, file) for each one read, in order, and what is
    wrong with the rest (links that lead outside are errors; files not read, warnings)."""

    files: list[tuple[str, Path]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or below it (both real, absolute paths)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _ignored(name: str) -> bool:
    # Editors' backups and swap files, and hidden files (`.DS_Store`, `.git`), are no one's
    # journey: nothing to say about them.
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".tmp", ".bak"))


def _not_read_hint(parts: tuple[str, ...]) -> str:
    """Why a file that looks like ours is not read, and what would be."""
    name = parts[-1]
    stem, suffix = os.path.splitext(name)
    place = parts[0] if len(parts) == 2 and parts[0] in ("team", "clients", "surveys") else ""
    if len(parts) > 2 or (len(parts) == 2 and not place):
        folder = "/".join(parts[:-1])
        where = {"team": "team/", "clients": "clients/", "surveys": "surveys/"}.get(
            parts[0], "journeys/")
        return (f"files in {folder}/ are not read: journeymap reads journeys directly in the "
                f"journey folder, people in team/, clients in clients/ and survey answers in "
                f"surveys/ (move it to {where}, or out of the journey folder)")
    if suffix.lower() == ".csv":
        return ("not read: a CSV file is read as clients in clients/<name>.csv, or as survey "
                "answers in surveys/<name>.csv")
    if place == "surveys":
        return "not read: survey answers are a CSV file surveys/<name>.csv"
    wanted = {"": ".yml", "team": ".md", "clients": ".yml"}[place]
    what = {"": "a journey", "team": "a person", "clients": "a client"}[place]
    if _SPELLED.get(suffix.lower(), suffix.lower()) == wanted:
        return f"not read: {what} file ends in '{wanted}' (rename it {stem}{wanted})"
    if place == "team":
        return "not read: a person is a Markdown file team/<id>.md (front matter, then a bio)"
    if place == "clients":
        return "not read: a client is a YAML file clients/<id>.yml"
    return ("not read: the journey folder holds journeys (<id>.yml), team/<id>.md and "
            "clients/<id>.yml")


def list_workspace(folder: Path, root: Path) -> Listing:
    """Every journey, person and client file under `folder` (paths in messages relative to
    `root`), without following a link out of it.

    A symbolic link that leads outside the folder is an error, never read: the files of a
    journey folder are internal, and a link could bring in anything (`/etc/passwd`, another
    workspace's clients, the build's environment). Files that look meant to be read but are
    not (`clients/x.yaml`, `X.YML`, a file in a subfolder) get a warning.
    """
    listing = Listing()
    real_root = os.path.realpath(folder)
    source = folder.name or str(folder)

    def rel(path: Path) -> str:
        return Path(os.path.relpath(path, root)).as_posix()

    def visit(here: Path, real_here: str, parts: tuple[str, ...], seen: frozenset[str]) -> None:
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError as error:
            listing.problems.append(Problem(rel(here), 1, 1, f"cannot read this folder: "
                                                            f"{error.strerror}"))
            return
        for entry in entries:
            if _ignored(entry.name):
                continue
            path = here / entry.name
            where = (*parts, entry.name)
            # Only a link needs resolving (a thousand realpath calls are most of a listing).
            link = entry.is_symlink()
            real = os.path.realpath(path) if link else os.path.join(real_here, entry.name)
            if link and not inside(real, real_root):
                listing.problems.append(Problem(
                    rel(path), 1, 1, f"a symbolic link that leads outside {source}/: journeymap "
                                     "never follows it; put the file itself here instead"))
                continue
            try:
                info = os.stat(path)
            except OSError:
                listing.problems.append(Problem(rel(path), 1, 1, "a symbolic link to nothing: "
                                                                 "not read", "warning"))
                continue
            if stat.S_ISDIR(info.st_mode):
                if real not in seen:  # a link back up would loop
                    visit(path, real, where, seen | {real})
                continue
            suffix = os.path.splitext(entry.name)[1]
            kind = KINDS_BY_PLACE.get(("/".join(parts), suffix)) if len(parts) <= 1 else None
            if not stat.S_ISREG(info.st_mode):
                if kind or suffix.lower() in _LOOKS_READ:
                    listing.problems.append(Problem(
                        rel(path), 1, 1, "not a regular file (a pipe or a device): not read",
                        "warning"))
                continue
            if kind is not None:
                listing.files.append((kind, path))
            elif suffix.lower() in _LOOKS_READ:
                listing.problems.append(Problem(rel(path), 1, 1, _not_read_hint(where),
                                                "warning"))

    visit(folder, real_root, (), frozenset({real_root}))
    listing.files.sort(key=lambda pair: (KIND_ORDER[pair[0]], pair[1].name))
    return listing


def image_problem(path: Path) -> tuple[str, str] | None:
    """(severity, what is wrong) if the file at `path` is not a photo fit to publish: its
    first bytes must be those of the image type its suffix names (a YAML file renamed
    `x.png` would otherwise be embedded in a client's page), and it must not be huge."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        with open(path, "rb") as stream:
            head = stream.read(16)
    except OSError as error:
        return "error", f"cannot be read: {error.strerror}"
    kind = _IMAGE_NAMES.get(suffix, suffix)
    starts = _IMAGE_STARTS.get(suffix, ())
    webp_ok = suffix != ".webp" or head[8:12] == b"WEBP"
    if not any(head.startswith(start) for start in starts) or not webp_ok:
        return "error", (f"is not a {kind} image (its content does not start as one): "
                         "save it again as a real image")
    megabytes = f"{size / 1_000_000:.1f} MB"
    if size > MAX_PHOTO_BYTES:
        return "error", (f"is {megabytes}, more than the {MAX_PHOTO_BYTES // 1_000_000} MB a "
                         "photo may be: resize it (about 600 pixels across is plenty)")
    if size > LARGE_PHOTO_BYTES:
        return "warning", (f"is {megabytes}: every meet page of this person's clients embeds "
                           "it; a photo about 600 pixels across is a few hundred kB")
    return None
