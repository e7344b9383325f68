"""CSV files of a workspace: clients (a row each) and survey answers, read with `csv`.

Each cell becomes a positioned `Node`, as a YAML value is, so that a row is checked by the
same record definitions and its problems name `file:line:col` like any other file's. A
spreadsheet's habits are taken in stride: a byte order mark is dropped, a `;` or tab
delimiter is recognised from the header line, and a file saved in another encoding is
refused with the position of its first bad byte and how to save it again.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..exceptions import Problem
from ..model import Feedback, Where
from .schema import (
    CLIENT,
    DATE_RE,
    ID_PATTERN,
    INVALID,
    KEY_PATTERN,
    MEMBER,
    Field,
    Ident,
    Problems,
    Record,
    Text,
    did_you_mean,
)
from .source import FileError, Node, read_text

MAX_CSV_BYTES = 20_000_000  # a few hundred thousand rows: a survey tool's whole history
_ENCODING_ADVICE = (" (a spreadsheet's plain 'CSV' is often Windows-1252: save as "
                    "'CSV UTF-8' instead)")


@dataclass
class Row:
    """One record of a CSV file: its cells by column, and where it starts."""

    line: int
    cells: dict[str, Node]
    text: str  # the record as written, for fingerprints


@dataclass
class Table:
    path: str
    header: dict[str, Node]  # each column's header cell
    rows: list[Row] = field(default_factory=list)
    header_text: str = ""


def _delimiter(first_line: str) -> str:
    """The delimiter a header line uses: a spreadsheet in a country that writes 1,5 for
    one and a half saves CSV with `;`; some tools export tabs."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _starts(record: str, delimiter: str) -> list[int]:
    """The offsets at which a record's fields start. Only positions are worked out here:
    the values themselves are the `csv` module's. A quote opens a quoted field only at a
    field's start, and `""` inside one is a quote, as the module reads them."""
    starts, quoted, at_start = [0], False, True
    i = 0
    while i < len(record):
        c = record[i]
        if quoted:
            if c == '"':
                if record[i + 1: i + 2] == '"':
                    i += 1
                else:
                    quoted = False
        elif c == '"' and at_start:
            quoted = True
        elif c == delimiter:
            starts.append(i + 1)
            at_start = True
            i += 1
            continue
        at_start = False
        i += 1
    return starts


def _csv_error(said: str) -> str:
    """The csv module's complaint about a record, in words that say what to do."""
    if "unexpected end of data" in said:
        return ("a quoted cell that starts on this line is never closed: add its closing "
                "'\"' (a quote inside a quoted cell is written twice, '\"\"')")
    if "field larger than field limit" in said:
        return f"a cell of this row is longer than {csv.field_size_limit()} characters"
    return (f"this row is not CSV the csv module can read ({said}): a cell that holds a "
            "quote is quoted itself, its quotes doubled (\"Bob \"\"the Builder\"\"\")")


def _position(record: str, line: int, offset: int) -> tuple[int, int]:
    before = record[:offset]
    newline = before.rfind("\n")
    return line + before.count("\n"), offset - newline if newline >= 0 else offset + 1


def read_table(file: Path, rel: str) -> tuple[Table | None, list[Problem]]:
    """A CSV file as a header and rows of positioned cells, or its problems."""
    try:
        text = read_text(file, rel, MAX_CSV_BYTES, _ENCODING_ADVICE)
    except FileError as error:
        return None, [error.problem]
    # The `csv` module splits the records (a quoted cell may span lines); its line count
    # says where each one starts, and the lines it read are the record as written.
    lines = list(io.StringIO(text, newline=""))
    reader = csv.reader(iter(lines), delimiter=_delimiter(lines[0] if lines else ""),
                        strict=True)
    delimiter = reader.dialect.delimiter
    problems: list[Problem] = []
    table = Table(rel, {})
    n, read = -1, 0
    while True:
        line = read + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            read = reader.line_num
            problems.append(Problem(rel, line, 1, _csv_error(str(error))))
            continue
        read = reader.line_num
        record = "".join(lines[line - 1: read])
        if not any(v.strip() for v in values):
            continue  # a blank line, or a row of empty cells a spreadsheet left behind
        n += 1
        if n == 0:
            table.header_text = record
        starts = _starts(record, delimiter)
        cells: list[Node] = []
        for k, value in enumerate(values):
            at = _position(record, line, starts[k] if k < len(starts) else 0)
            cells.append(Node(value, at[0], at[1], "str", raw=value))
        if n == 0:
            for cell in cells:
                name = cell.value.strip()
                if not name:
                    problems.append(Problem(rel, cell.line, cell.col, "a column has no name "
                                                                      "in the header line"))
                elif name in table.header:
                    first_at = table.header[name]
                    problems.append(Problem(rel, cell.line, cell.col, f"column '{name}' is "
                                            f"named twice (first at {first_at.line}:"
                                            f"{first_at.col})"))
                else:
                    table.header[name] = Node(name, cell.line, cell.col, "str", raw=name)
            if problems:
                return None, problems
            continue
        names = list(table.header)
        if len(cells) > len(names):
            extra = cells[len(names)]
            if any(c.value.strip() for c in cells[len(names):]):
                problems.append(Problem(rel, extra.line, extra.col, f"this row has "
                                        f"{len(cells)} cells but the header names "
                                        f"{len(names)} columns: quote a cell that holds "
                                        f"'{delimiter}'"))
                continue
        table.rows.append(Row(line, dict(zip(names, cells, strict=False)), record))
    if n < 0:
        return None, [*problems, Problem(rel, 1, 1, "file is empty: a CSV file starts with a "
                                                    "header line naming its columns")]
    return table, problems


def _null(at: Node) -> Node:
    return Node(None, at.line, at.col, "null")


def _id_problem(node: Node) -> str | None:
    value = node.value.strip()
    if not value:
        return "this row has no 'id': every client needs one (lowercase letters, digits, '-')"
    if not re.fullmatch(ID_PATTERN, value):
        return f"id {node.shown()} is not a client id: use lowercase letters, digits and '-'"
    if value == "index":
        return "id 'index' is kept for the site's list of clients: give the client another id"
    return None


# ---- clients ------------------------------------------------------------------------------

# The columns of a clients CSV: the client's own keys, its mappings as `group.key` columns
# (a done date per touchpoint column, several on lines of the cell), and lists as one item a
# line of a cell. Feedback has a file of its own (surveys/); skipped steps, pauses and
# leaving, with their reasons, stay in YAML files.
GROUPS = ("team", "dates", "preferences", "done")
_ID_GROUPS = {"team": "role id", "done": "touchpoint id"}  # the others' keys are names
LISTS = ("must_know", "goals")
_YAML_ONLY = ("feedback", "paused", "left")
CLIENT_COLUMNS = ("id", *(f.name for f in CLIENT.fields
                          if f.name not in GROUPS and f.name not in _YAML_ONLY
                          and f.name != "people"))
# A household, a person to a number: `people.1.name`, `people.1.dates.birthday`,
# `people.2.name`... A row whose household is smaller leaves the higher numbers' cells empty.
MEMBER_COLUMNS = tuple(f.name for f in MEMBER.fields if f.name not in GROUPS)
MEMBER_GROUPS = tuple(f.name for f in MEMBER.fields if f.name in GROUPS)
MAX_PEOPLE = 20  # a household, not a mailing list: a typo such as people.100 is caught
# A row is a client file's mapping with its id in it (messages then name the client).
CLIENT_ROW = Record("client", [Field("id", Ident(), "The client's id.", required=True),
                               *CLIENT.fields], doc=CLIENT.doc)


@dataclass
class ClientRow:
    """A row turned into a mapping node, as if it were a client file's."""

    id: str
    node: Node
    digest: str  # of the row, its header and its place: the client's fingerprint


def _check_header(table: Table) -> tuple[dict[str, tuple[str, str | None]], list[Problem]]:
    """Each column's (key, key in its group), and the header's problems."""
    problems = Problems(table.path)
    columns: dict[str, tuple[str, str | None]] = {}
    every = [*CLIENT_COLUMNS, *(f"{g}.<name>" for g in GROUPS), "people.<n>.name"]
    for name, cell in table.header.items():
        group, dot, sub = name.partition(".")
        if group == "people":
            bad = _person_column(name)
            if bad is not None:
                problems.add(cell, bad)
            else:
                columns[name] = ("people", sub)
        elif dot and group in GROUPS:
            what = _ID_GROUPS.get(group)
            if not re.fullmatch(ID_PATTERN if what else KEY_PATTERN, sub):
                problems.add(cell, f"column '{name}': '{sub}' is not a {what or 'name'} "
                                   "(lowercase letters, digits"
                                   + (" and '-')" if what else ", '_' and '-')"))
                continue
            columns[name] = (group, sub)
        elif name in _YAML_ONLY:
            problems.add(cell, f"column '{name}' cannot be in a CSV file: write '{name}' in "
                               f"a client file clients/<id>.yml")
        elif name in GROUPS:
            problems.add(cell, f"column '{name}' needs a name after a dot: '{name}.<name>', "
                               f"one column each (such as '{name}.{_EXAMPLE[name]}')")
        elif name in CLIENT_COLUMNS:
            columns[name] = (name, None)
        else:
            problems.add(cell, f"unknown column '{name}'{did_you_mean(name, every)}")
    missing = [f for f in ("id", "name", "journey", "day_one") if f not in table.header]
    if not any(k == "team" for k, _ in columns.values()):
        missing.append("team.<role>")
    for name in missing:
        first = next(iter(table.header.values()))
        problems.add(first, f"missing column '{name}': a clients CSV needs the columns id, "
                            "name, journey, day_one and a team.<role> column for each role")
    return columns, problems.items


def _person_column(name: str) -> str | None:
    """What is wrong with a household column's name (`people.<n>.<key>`), or None."""
    parts = name.split(".")
    forms = ("a household column is 'people.<n>.<key>': 'people.1.name', "
             "'people.1.dates.birthday', 'people.2.name'...")
    if len(parts) < 3 or not re.fullmatch(r"[1-9][0-9]*", parts[1]):
        return f"column '{name}': {forms}"
    if int(parts[1]) > MAX_PEOPLE:
        return f"column '{name}': a household of more than {MAX_PEOPLE} people? ({forms})"
    key, rest = parts[2], parts[3:]
    every = [*MEMBER_COLUMNS, *(f"{g}.<name>" for g in MEMBER_GROUPS)]
    if key in MEMBER_COLUMNS and not rest:
        return None
    if key in MEMBER_GROUPS and len(rest) == 1:
        what = _ID_GROUPS.get(key)
        if re.fullmatch(ID_PATTERN if what else KEY_PATTERN, rest[0]):
            return None
        return (f"column '{name}': '{rest[0]}' is not a {what or 'name'} (lowercase letters, "
                "digits" + (" and '-')" if what else ", '_' and '-')"))
    if key in MEMBER_GROUPS:
        return f"column '{name}' needs one name after '{key}.': 'people.{parts[1]}.{key}.<name>'"
    return (f"column '{name}': '{key}' is not a key of a household's person"
            f"{did_you_mean('.'.join(parts[2:]), every)}")


_EXAMPLE = {"team": "lead", "dates": "birthday", "preferences": "favorite_dish",
            "done": "welcome-gift"}


def client_rows(table: Table) -> tuple[list[ClientRow], list[Problem]]:
    """The rows as client mapping nodes (each with its id), and the problems found."""
    columns, problems = _check_header(table)
    if any(p.severity == "error" for p in problems):
        return [], problems
    rows: list[ClientRow] = []
    seen: dict[str, Node] = {}
    for row in table.rows:
        id_cell = row.cells.get("id")
        if id_cell is None:
            continue  # a short row: its cells are missing (reported below)
        bad = _id_problem(id_cell)
        if bad is not None:
            problems.append(Problem(table.path, id_cell.line, id_cell.col, bad))
            continue
        ident = id_cell.value.strip()
        if ident in seen:
            first = seen[ident]
            problems.append(Problem(table.path, id_cell.line, id_cell.col,
                                    f"client id '{ident}' is defined twice: here and at "
                                    f"{table.path}:{first.line}:{first.col}"))
            continue
        seen[ident] = id_cell
        rows.append(ClientRow(ident, _row_node(row, columns), _digest(table, row)))
    return rows, problems


def _digest(table: Table, row: Row) -> str:
    # Not the row's line: a row inserted above would make every client below it look
    # changed. No page shows a client's line; messages take positions from the parse
    # itself, made afresh whenever the file changes.
    text = "\x00".join((table.path, table.header_text, row.text))
    return hashlib.sha256(text.encode()).hexdigest()


def _row_node(row: Row, columns: dict[str, tuple[str, str | None]]) -> Node:
    """A row as the mapping node a client file would give: an empty cell is an absent key
    (a required one is reported as needing a value), and a cell's node stands for its key
    too, so that a key's position is its cell."""
    values: dict[str, Node] = {}
    keys: dict[str, Node] = {}
    first = next(iter(row.cells.values()))
    people: dict[int, dict[str, Node]] = {}  # a person's number -> their cells by key
    for name, (key, sub) in columns.items():
        cell = row.cells.get(name)
        if cell is None:
            continue
        empty = not cell.value.strip()
        if key == "people":
            assert sub is not None  # (a household column always names its key)
            if not empty:
                number, _, rest = sub.partition(".")
                people.setdefault(int(number), {})[rest] = cell
            continue
        if sub is None:
            if key == "id":
                node = Node(cell.value.strip(), cell.line, cell.col, "str", raw=cell.raw)
            elif empty:
                node = _null(cell)
            elif key in LISTS:
                items = [Node(part, cell.line, cell.col, "str", raw=part)
                         for part in cell.value.splitlines() if part.strip()]
                node = Node(items, cell.line, cell.col, "seq")
            else:
                node = cell
            values[key], keys[key] = node, cell
            continue
        if empty:
            continue
        group = values.setdefault(key, Node({}, cell.line, cell.col, "map"))
        keys.setdefault(key, cell)
        lines = [part for part in cell.value.splitlines() if part.strip()]
        group.value[sub] = cell if key != "done" or len(lines) < 2 else Node(
            [Node(part, cell.line, cell.col, "str", raw=part) for part in lines],
            cell.line, cell.col, "seq")  # a repeating touchpoint's dates, a line each
        group.keys[sub] = Node(sub, cell.line, cell.col, "str", raw=sub)
    if people:
        items = [_person_node(people[n]) for n in sorted(people)]
        values["people"] = Node(items, items[0].line, items[0].col, "seq")
        keys["people"] = values["people"]
    return Node(values, row.line, first.col, "map", keys=keys)


def _person_node(cells: dict[str, Node]) -> Node:
    """A person's cells (`name`, `dates.birthday`...) as the mapping a YAML item would be."""
    first = next(iter(cells.values()))
    node = Node({}, first.line, first.col, "map")
    for key, cell in cells.items():
        group, dot, sub = key.partition(".")
        if not dot:
            node.value[key], node.keys[key] = cell, cell
            continue
        holder = node.value.setdefault(group, Node({}, cell.line, cell.col, "map"))
        node.keys.setdefault(group, cell)
        lines = [part for part in cell.value.splitlines() if part.strip()]
        holder.value[sub] = cell if group != "done" or len(lines) < 2 else Node(
            [Node(part, cell.line, cell.col, "str", raw=part) for part in lines],
            cell.line, cell.col, "seq")
        holder.keys[sub] = Node(sub, cell.line, cell.col, "str", raw=sub)
    return node


# ---- survey answers -------------------------------------------------------------------------

# A survey's scale, written in the header of its score column (`score:0-10`), and how each
# answer lands on the 1..5 feel scale. 0-10 follows NPS's bands: a promoter (9, 10) is
# delighted, a passive (7, 8) pleased, and a detractor (0 to 6) at best neutral.
_NPS = {0: 1, 1: 1, 2: 2, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4, 9: 5, 10: 5}
SCALES: dict[str, dict[int, int]] = {
    "1-5": {n: n for n in range(1, 6)},
    "0-10": _NPS,
    "-2..2": {n: n + 3 for n in range(-2, 3)},
}
SURVEY_COLUMNS = ("date", "client", "touchpoint", "comment")


@dataclass
class Answer:
    """One survey answer, its client and touchpoint checked against the workspace later."""

    client: str
    feedback: Feedback
    client_where: Where
    touchpoint_where: Where | None


def survey_answers(table: Table) -> tuple[list[Answer], list[Problem]]:
    problems = Problems(table.path)
    scale: dict[int, int] | None = None
    score_column = ""
    for name, cell in table.header.items():
        word, colon, which = name.partition(":")
        if word.strip() == "score":
            if not colon or which.strip() not in SCALES:
                problems.add(cell, f"column '{name}' must say its scale: 'score:1-5', "
                                   "'score:0-10' (as NPS asks) or 'score:-2..2'")
                continue
            scale, score_column = SCALES[which.strip()], name
        elif name not in SURVEY_COLUMNS:
            # Survey tools export more than we read (an email, a respondent id): said once,
            # in case a column we read was misspelt.
            hint = did_you_mean(name, [*SURVEY_COLUMNS, "score"])
            problems.add(cell, f"column '{name}' is not read{hint}", "warning")
    first = next(iter(table.header.values()))
    for name in ("date", "client"):
        if name not in table.header:
            problems.add(first, f"missing column '{name}': survey answers need the columns "
                                "date, client and score:<scale>")
    if scale is None and not any("score" in n for n in table.header):
        problems.add(first, "missing column 'score:<scale>' (such as 'score:0-10')")
    if scale is None or any(p.severity == "error" for p in problems.items):
        return [], problems.items
    answers: list[Answer] = []
    for row in table.rows:
        answer = _answer(row, score_column, scale, problems)
        if answer is not None:
            answers.append(answer)
    return answers, problems.items


def _answer(row: Row, score_column: str, scale: dict[int, int],
            problems: Problems) -> Answer | None:
    cells = row.cells
    date_cell, client_cell, score_cell = cells.get("date"), cells.get("client"), \
        cells.get(score_column)
    if date_cell is None or client_cell is None or score_cell is None:
        at = next(iter(cells.values()))
        problems.add(at, "this row is short: it has no cell for date, client or score")
        return None
    ok = True
    text = date_cell.value.strip()
    date: dt.date | None = None
    if re.fullmatch(DATE_RE, text):
        with contextlib.suppress(ValueError):  # no such day: said below
            date = dt.date.fromisoformat(text)
    if date is None:
        problems.add(date_cell, f"'date' must be a date YYYY-MM-DD, got {date_cell.shown()}")
        ok = False
    ident = client_cell.value.strip()
    if not re.fullmatch(ID_PATTERN, ident):
        problems.add(client_cell, f"'client' must be a client id, got {client_cell.shown()}")
        ok = False
    score_text = score_cell.value.strip().removeprefix("+")
    low, high = min(scale), max(scale)
    if not re.fullmatch(r"-?[0-9]+", score_text) or int(score_text) not in scale:
        problems.add(score_cell, f"'{score_column}' must be a whole number from {low} to "
                                 f"{high}, got {score_cell.shown()}")
        ok = False
    tp_cell = cells.get("touchpoint")
    touchpoint = tp_cell.value.strip() if tp_cell is not None and tp_cell.value.strip() else None
    comment_cell = cells.get("comment")
    comment = ""
    if comment_cell is not None and comment_cell.value.strip():
        # Checked as a YAML `said:` is: the same characters refused.
        checked = Text(one_line=False).check(comment_cell, "comment", "", problems)
        ok = ok and checked is not INVALID
        comment = checked if checked is not INVALID else ""
    if not ok or date is None:
        return None
    path = problems.path
    at = tp_cell if touchpoint is not None and tp_cell is not None else client_cell
    return Answer(
        ident,
        Feedback(date=date, feel=scale[int(score_text)], touchpoint=touchpoint,
                 said=comment or None, where=Where(path, at.line, at.col)),
        Where(path, client_cell.line, client_cell.col),
        Where(path, tp_cell.line, tp_cell.col) if touchpoint and tp_cell else None,
    )
