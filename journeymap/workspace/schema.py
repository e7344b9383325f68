"""The file format's definitions: one source of truth for the validator and the JSON Schema.

Each kind of record (journey, stage, touchpoint, person, client) is a `Record` of `Field`s.
A field's `Type` checks a YAML node (reporting positioned problems) and describes itself
as JSON Schema. Cross-file references are checked later, in `load`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import Problem
from ..vocabulary import CHANNELS, LANES, PHASES
from .source import Node

ID_PATTERN = r"^[a-z0-9-]+$"  # use re.fullmatch: with re.match, "$" lets a final newline in
KEY_PATTERN = r"^[a-z0-9_-]+$"  # preference and date names: favorite_treat, birthday


# An email address as mailto: links use it: one address, with none of the characters that
# would add a second one, a header (`?cc=`) or break out of an attribute.
_NOT_IN_EMAIL = "\\s\"'<>()\\[\\]\\\\,;:?&=%/#"
EMAIL = f"^[^@{_NOT_IN_EMAIL}]+@[^@{_NOT_IN_EMAIL}]+\\.[^@.{_NOT_IN_EMAIL}]+$"


class Problems:
    """Collects the problems of one file, so that a run reports all of them at once."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Problem] = []

    def add(self, at: Node, message: str, severity: str = "error") -> None:
        self.items.append(Problem(self.path, at.line, at.col, message, severity))


def did_you_mean(word: str, choices: Any) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


INVALID: Any = object()  # a check's result when the value was wrong (already reported)


class Type:
    """A value's expected form: `check` converts a node or reports and returns INVALID."""

    expected = "a value"

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def wrong(self, node: Node, name: str, where: str, problems: Problems, hint: str = "") -> Any:
        problems.add(node, f"'{name}'{where} must be {self.expected}, got {node.shown()}{hint}")
        return INVALID


# Never in text: control characters but tab and line feed (a terminal escape in a title would
# reach the terminal in messages, a NUL the HTML), and lone surrogates (half a UTF-16 pair,
# which cannot be written out as UTF-8: a page or calendar made with one fails).
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAKS = re.compile("[\n\u2028\u2029]")


def codepoint(character: str) -> str:
    return f"U+{ord(character):04X}"


@dataclass
class Text(Type):
    """Text; `markdown` marks it as rendered Markdown (and so on any number of lines).

    Other text is on one line (a name, a title: calendars and headings cannot break it):
    the line break a `>` block ends with, and spaces around the text, are dropped.
    `one_line=False` allows plain text on several lines.
    """

    markdown: bool = False
    pattern: str | None = None
    pattern_expected: str = ""
    one_line: bool = True

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.pattern_expected or "text"

    @property
    def single_line(self) -> bool:
        return self.one_line and not self.markdown

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        if node.kind in ("int", "float") and self.pattern is None:
            hint = f": put it in quotes, \"{node.raw or node.value}\", to keep it as written"
            return self.wrong(node, name, where, problems, hint)
        if node.kind not in ("str", "date"):
            return self.wrong(node, name, where, problems)
        value = str(node.value)
        bad = FORBIDDEN_CHARACTERS.search(value)
        if bad is not None:
            problems.add(node, f"'{name}'{where} holds the character {codepoint(bad.group())}, "
                               "which text may not hold (a control character or half of a "
                               "UTF-16 pair): remove it")
            return INVALID
        if self.single_line and self.pattern is None:
            value = value.strip()
            if LINE_BREAKS.search(value):
                problems.add(node, f"'{name}'{where} must be on one line: join its lines "
                                   "(a '|' block keeps each line break)")
                return INVALID
        if self.pattern and not re.fullmatch(self.pattern, value):
            return self.wrong(node, name, where, problems)
        if not self.pattern and not value.strip():
            problems.add(node, f"'{name}'{where} is empty")
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.pattern:
            schema["pattern"] = self.pattern
        else:
            schema["minLength"] = 1
        return schema


def Ident() -> Text:  # noqa: N802 - reads as a type
    return Text(pattern=ID_PATTERN, pattern_expected="an id of lowercase letters, digits and '-'")


def Key() -> Text:  # noqa: N802
    expected = "a name of lowercase letters, digits, '_' and '-'"
    return Text(pattern=KEY_PATTERN, pattern_expected=expected)


@dataclass
class Integer(Type):
    minimum: int | None = None
    maximum: int | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.minimum is not None and self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"a whole number of at least {self.minimum}"
        return "a whole number"

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        if node.kind != "int":
            return self.wrong(node, name, where, problems)
        value: int = node.value
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            return self.wrong(node, name, where, problems)
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema


class Boolean(Type):
    expected = "true or false"

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        return node.value if node.kind == "bool" else self.wrong(node, name, where, problems)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


# ASCII digits only: `\d` would also take other scripts' digits (٢٠٢٦), which no one means.
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MONTH_DAY_RE = r"^([0-9]{4}-)?[0-9]{2}-[0-9]{2}$"
# Signing days and done dates: the years a schedule can be worked out for (a typo such as
# 9999 would overflow the calendar arithmetic, and no client signed in 1066).
FIRST_YEAR, LAST_YEAR = 1900, 2199


@dataclass
class Date(Type):
    """A calendar date YYYY-MM-DD; with `year_optional`, MM-DD is accepted too. With
    `bounded`, the year is FIRST_YEAR..LAST_YEAR."""

    year_optional: bool = False
    bounded: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a date MM-DD or YYYY-MM-DD" if self.year_optional else "a date YYYY-MM-DD"

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        text = str(node.value) if node.kind in ("str", "date") else ""
        if not re.fullmatch(MONTH_DAY_RE if self.year_optional else DATE_RE, text):
            return self.wrong(node, name, where, problems)
        if self.bounded and not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
            problems.add(node, f"'{name}'{where} must be a date from {FIRST_YEAR} to "
                               f"{LAST_YEAR}, got {node.shown()}")
            return INVALID
        if len(text) == 5:
            month, day = int(text[:2]), int(text[3:])
            try:
                dt.date(2000, month, day)  # a leap year, so 02-29 is a real birthday
            except ValueError:
                return self.wrong(node, name, where, problems, ": no such day")
            return (None, month, day)
        try:
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            return self.wrong(node, name, where, problems, ": no such day")
        return (parsed.year, parsed.month, parsed.day) if self.year_optional else parsed

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": MONTH_DAY_RE if self.year_optional else DATE_RE}


@dataclass
class Choice(Type):
    choices: tuple[str, ...] = ()

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.choices)

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        if node.kind == "str" and node.value in self.choices:
            return node.value
        hint = did_you_mean(str(node.value), self.choices) if node.kind == "str" else ""
        return self.wrong(node, name, where, problems, hint)

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}


@dataclass
class ListOf(Type):
    item: Type
    unique: bool = False
    allow_single: bool = False  # a lone value stands for a list of one

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a list of {self.item.expected}"

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        if node.kind != "seq":
            if self.allow_single and node.kind != "null" and (
                    node.kind != "map" or _takes_mapping(self.item)):
                node = Node([node], node.line, node.col, "seq")
            else:
                return self.wrong(node, name, where, problems)
        values = []
        for item in node.value:
            value = self.item.check(item, name, where, problems)
            if value is INVALID:
                continue
            if self.unique and value in values:
                problems.add(item, f"'{name}'{where} lists {item.shown()} twice")
                continue
            values.append(value)
        return values

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.unique:
            schema["uniqueItems"] = True
        if self.allow_single:
            return {"anyOf": [self.item.json_schema(), schema]}
        return schema


def _takes_mapping(item: Type) -> bool:
    """Whether a list's item may be a mapping (a lone mapping then stands for a list of one)."""
    return isinstance(item, Record) or (
        isinstance(item, AnyOf) and any(isinstance(o, Record) for o in item.options))


@dataclass
class MapOf(Type):
    """A mapping from names (checked by `key`) to values of one type."""

    key: Text
    value: Type

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a mapping of names to values"

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        if node.kind != "map":
            return self.wrong(node, name, where, problems)
        result = {}
        for key, value_node in node.value.items():
            key_node = node.keys[key]
            if self.key.check(key_node, f"{name}: {key}", where, problems) is INVALID:
                continue
            value = self.value.check(value_node, f"{name}: {key}", where, problems)
            if value is not INVALID:
                result[key] = value
        return result

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "propertyNames": self.key.json_schema(),
            "additionalProperties": self.value.json_schema(),
        }


@dataclass
class AnyOf(Type):
    """One of several forms, chosen by the node's kind (a word or a mapping, say)."""

    options: tuple[Type, ...]
    description: str
    # A value that is not a mapping gets the message of the first option's own check (a
    # date's "from 1900 to 2199") rather than the list of forms.
    scalar_first: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.description

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        for option in self.options:
            trial = Problems(problems.path)
            value = option.check(node, name, where, trial)
            if value is not INVALID and not trial.items:
                return value
            if isinstance(option, Record) and node.kind == "map":
                problems.items.extend(trial.items)  # a mapping was meant: say what is wrong in it
                return INVALID
        if self.scalar_first and node.kind != "map":
            return self.options[0].check(node, name, where, problems)
        return self.wrong(node, name, where, problems)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [option.json_schema() for option in self.options]}


class RuleOverrides(Type):
    """A journey's own lint settings: rule id -> a level (`error`, `warning`, `off`), or a
    mapping of the rule's settings. Which rules there are, and what each takes, lint knows:
    it checks them (with their positions) when it runs."""

    expected = "a mapping of lint rule ids to a level or to the rule's settings"

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        if node.kind != "map":
            return self.wrong(node, name, where, problems)
        found: dict[str, Any] = {}
        for rule, value in node.value.items():
            if value.kind == "map":
                settings = {key: item.value for key, item in value.value.items()
                            if item.kind in ("str", "int", "bool")}
                if len(settings) != len(value.value):
                    problems.add(value, f"'{name}: {rule}'{where} takes plain values "
                                        "(a level, numbers, ids)")
                    continue
                found[rule] = settings
            elif value.kind in ("str", "bool"):
                found[rule] = value.value
            else:
                problems.add(value, f"'{name}: {rule}'{where} must be a level (error, "
                                    f"warning or off) or a mapping of settings, got "
                                    f"{value.shown()}")
        return found

    def json_schema(self) -> dict[str, Any]:
        level = {"enum": ["error", "warning", "off"]}
        return {"type": "object", "propertyNames": {"pattern": ID_PATTERN},
                "additionalProperties": {"anyOf": [level, {"type": "boolean"},
                                                   {"type": "object"}]}}


@dataclass
class Field:
    name: str
    type: Type
    doc: str
    required: bool = False


@dataclass
class Record(Type):
    """A mapping with known keys: unknown keys and missing required ones are errors."""

    kind: str  # "touchpoint", "stage"...: named in messages
    fields: list[Field] = field(default_factory=list)
    doc: str = ""
    rules: list[str] = field(default_factory=list)  # further rules, for the reference docs
    shape: str = ""  # what a wrong value should have been, if "a <kind>" does not say it

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.shape or f"a {self.kind} (a mapping of keys)"

    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def label(self, node: Node) -> str:
        ident = node.get("id") if node.kind == "map" else None
        if ident is not None and ident.kind == "str":
            return f" in {self.kind} '{ident.value}'"
        return f" in {self.kind}" if self.kind not in ("journey", "person", "client") else ""

    def check(self, node: Node, name: str, where: str, problems: Problems) -> Any:
        if node.kind != "map":
            return self.wrong(node, name, where, problems)
        return self.check_fields(node, problems)

    def check_fields(self, node: Node, problems: Problems) -> CheckedRecord:
        known = self.by_name()
        label = self.label(node)
        values: dict[str, Any] = {}
        meant: set[str] = set()  # required keys that a misspelt key was surely meant to be
        for key, value_node in node.value.items():
            definition = known.get(key)
            if definition is None:
                hint = did_you_mean(key, known)
                problems.add(node.keys[key], f"unknown key '{key}'{label}{hint}")
                meant.update(k for k in known if hint == f" (did you mean '{k}'?)")
                continue
            if value_node.kind == "null":
                if definition.required:
                    problems.add(value_node, f"'{key}'{label} needs a value")
                continue  # an optional key left empty is as if absent
            value = definition.type.check(value_node, key, label, problems)
            if value is not INVALID:
                values[key] = value
        missing = [f.name for f in self.fields
                   if f.required and f.name not in node.value and f.name not in meant]
        for key in missing:
            problems.add(node, f"missing key '{key}'{label}")
        return CheckedRecord(values, node)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {
                f.name: {**f.type.json_schema(), "description": f.doc} for f in self.fields
            },
            "additionalProperties": False,
        }
        required = [f.name for f in self.fields if f.required]
        if required:
            schema["required"] = required
        if self.doc:
            schema["description"] = self.doc
        return schema


@dataclass
class CheckedRecord:
    """The valid values of a record, and its node for positions of keys and values."""

    values: dict[str, Any]
    node: Node

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def at(self, key: str) -> Node:
        """The node of a key's value, or of the record itself."""
        found = self.node.get(key)
        return found if found is not None else self.node

    def key_at(self, key: str) -> Node:
        return self.node.keys.get(key, self.node)


# Day numbers: ten years before signing to a hundred after. Beyond, a day is a typo, and its
# dates would leave the calendar.
FIRST_DAY, LAST_DAY = -3650, 36500
MAX_EVERY, MAX_TIMES = 3650, 1000


def Day() -> Integer:  # noqa: N802 - reads as a type
    return Integer(FIRST_DAY, LAST_DAY)


WORDS = Record(
    "words",
    [
        Field("client", Text(), "One of the people the journey serves: client, guest, member."),
        Field("clients", Text(), "More than one (by default the word for one, plus s)."),
        Field("signing", Text(), "The moment of day 1, as a noun: signing, first visit."),
        Field("signed", Text(), "The same, as a verb in the past: signed, first came."),
        Field("sales", Text(), "Who wins them: sales, the host."),
    ],
    doc="A business's own words, over journeymap's (client, signing, sales).",
    shape="a mapping of words, such as {client: guest, signing: first visit}",
)


def _repeat_every() -> Record:
    return Record(
        "repeat",
        [
            Field("every", Integer(1, MAX_EVERY), "Days between occurrences.", required=True),
            Field("times", Integer(1, MAX_TIMES),
                  "How many occurrences in all, the first included.", required=True),
        ],
    )


REPEAT = AnyOf(
    (Choice(("yearly",)), _repeat_every()),
    "'yearly' or {every: N, times: M}",
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order

# A lane's notes and the parking lot: sticky notes, plain text, one or several lines.
NOTES = ListOf(Text(one_line=False), allow_single=True)

STAGE = Record(
    "stage",
    [
        Field("id", Ident(), "The stage's id, unique in the journey.", required=True),
        Field("title", Text(), "The stage's name on the map.", required=True),
        Field("from", Day(), "First day of the stage's window (day 1 is signing day).",
              required=True),
        Field("to", Day(), "Last day of the window; windows must not overlap.", required=True),
        Field("phases", ListOf(Choice(PHASES), unique=True),
              "Joey Coleman's phases this stage serves."),
        Field("feel", Text(), "What we want the client to feel in this stage (internal)."),
        Field("promise", Text(one_line=False),
              "What we promise the client in this stage, in words for them: plain text, "
              "shown on their own page."),
        Field("description", Text(markdown=True), "Markdown notes on the stage."),
        Field("lanes", MapOf(Ident(), NOTES),
              f"The map's lanes for this stage, lane -> notes (internal): {', '.join(LANES)}, "
              "or a lane the journey names under its own `lanes:`."),
    ],
    doc="A stretch of the journey, a window of day numbers.",
)

TOUCHPOINT = Record(
    "touchpoint",
    [
        Field("id", Ident(), "The touchpoint's id, unique in the journey.", required=True),
        Field("title", Text(), "What happens, in a few words.", required=True),
        Field("day", Day(), "Day number: 1 is signing day, 0 the day before."),
        Field("on", Key(), "A date from the client record (`dates:`), every year."),
        Field("stage", Ident(), "The stage; required with `on:`, and must agree with `day:`."),
        Field("repeat", REPEAT, "`yearly`, or `{every: N, times: M}` for a cadence."),
        Field("owner", Ident(), "The role of the journey, or the person, who does it.",
              required=True),
        Field("support", ListOf(Ident(), unique=True, allow_single=True),
              "Roles or people who help."),
        Field("informed", ListOf(Ident(), unique=True, allow_single=True),
              "Roles or people kept informed."),
        Field("channel", Choice(CHANNELS), "How it reaches the client."),
        Field("phase", Choice(PHASES), "Coleman phase; by default the stage's first."),
        Field("feel", Integer(1, 5), "Intended feeling, 1 (bad) to 5 (delighted)."),
        Field("emotion", Text(), "One word for the feeling."),
        Field("surprise", Boolean(), "Never shown to the client before it happens."),
        Field("client_visible", Boolean(), "Shown on the client's \"what happens next\"."),
        Field("uses", ListOf(Key(), unique=True, allow_single=True),
              "Client preferences that personalise it."),
        Field("description", Text(markdown=True), "Markdown: what to do and why."),
        Field("since", Date(bounded=True),
              "The date the touchpoint was added: occurrences before it are not owed."),
    ],
    doc="One planned moment of the journey.",
    rules=[
        "exactly one of `day` and `on`",
        "a `day` falls in exactly one stage window; `stage`, if given, must agree",
        "`stage` is required with `on`",
        "`phase`, if given, is one of its stage's phases",
        "owner, support and informed are roles of the journey or people",
    ],
)

def working_days(checked: CheckedRecord, problems: Problems) -> frozenset[int]:
    """A record's `working_days` as `date.weekday()` numbers, every day if not written; an
    empty list is a problem (and counts as every day)."""
    days = frozenset(WEEKDAYS.index(d) for d in checked.get("working_days", WEEKDAYS))
    if not days:
        problems.add(checked.at("working_days"), "'working_days' lists no day: name at least "
                                                 "one, or leave it out for every day")
    return days or frozenset(range(7))


# A journey's working week, and the site's (the `business` option) for journeys without one.
WORKING_DAYS = Field("working_days", ListOf(Choice(WEEKDAYS), unique=True),
                     "The days of the week the team works (`[mon, tue, wed, thu, fri]`); a "
                     "touchpoint that falls on another day moves to the next working day.")
CLOSED = Field("closed", ListOf(Date(bounded=True), unique=True, allow_single=True),
               "Dates the business is closed (holidays): a touchpoint falling on one moves to "
               "the next working day.")

JOURNEY = Record(
    "journey",
    [
        Field("title", Text(), "The journey's name.", required=True),
        Field("summary", Text(markdown=True), "Markdown introduction."),
        Field("roles", MapOf(Ident(), Text()),
              "Roles that own touchpoints, with a label; each client names a person for each."),
        Field("words", WORDS,
              "The words this journey's pages use for its people and its day 1 (a "
              "restaurant: `{client: guest, signing: first visit}`)."),
        Field("lint", RuleOverrides(),
              "This journey's own health rules, over the site's (`journeymap lint --rules`)."),
        WORKING_DAYS,
        CLOSED,
        Field("grace", Integer(1, 3650),
              "Days an occurrence not done stays overdue before it counts as missed "
              "(30 by default)."),
        Field("lanes", MapOf(Ident(), Text()),
              "The journey's own lanes on the map, lane id -> label, besides "
              f"{', '.join(LANES)} (internal)."),
        Field("stages", ListOf(STAGE), "The stages, in order.", required=True),
        Field("touchpoints", ListOf(TOUCHPOINT), "The touchpoints.", required=True),
        Field("parking_lot", NOTES,
              "Notes the room is not ready to place in a stage yet (internal)."),
    ],
    doc="A client journey: journeys/<id>.yml.",
    rules=["stages are in day order and their windows do not overlap", "ids are unique"],
)

PERSON = Record(
    "person",
    [
        Field("name", Text(), "Full name.", required=True),
        Field("title", Text(), "Job title."),
        Field("pronouns", Text(), "Pronouns, e.g. she/her."),
        Field("photo", Text(), "Photo path, relative to this file, inside journeys/."),
        Field("email", Text(pattern=EMAIL,
                            pattern_expected="an email address like name@example.com"),
              "Email address."),
        Field("video", Text(pattern=r"^https?://\S+$",
                            pattern_expected="a web address starting with https://"),
              "A short hello video for new clients."),
        Field("fun_facts", ListOf(Text(), allow_single=True), "A few things people like to know."),
        Field("phone", Text(), "Phone number (internal)."),
        Field("notes", Text(markdown=True), "Internal notes."),
    ],
    doc="A team member: journeys/team/<id>.md, front matter then a Markdown bio.",
)

# What a page for a client may show of each kind of record (FORMAT.md), by the model's field
# names: a person's client-facing keys and their Markdown bio; a client's name, contact and
# welcome; a stage's title and promise (never its `feel`, which is the team's aim); a
# client-visible touchpoint's title and channel (with its date). Client-facing code reads
# records only through this allowlist (render.meet.allowed).
CLIENT_FACING = {
    "Person": ("name", "title", "pronouns", "photo", "email", "video", "fun_facts", "bio"),
    "Client": ("name", "contact", "welcome"),
    "Stage": ("title", "promise"),
    "Touchpoint": ("title", "channel"),
}

SKIPPED = Record(
    "skipped entry",
    [
        Field("skipped", Date(bounded=True), "The day it was decided against.", required=True),
        Field("reason", Text(one_line=False), "Why (internal).", required=True),
    ],
    doc="An occurrence decided against, in the done log.",
    shape="a date, or {skipped: YYYY-MM-DD, reason: why}",
)

DONE_VALUE = ListOf(AnyOf((Date(bounded=True), SKIPPED),
                          "a date, or {skipped: YYYY-MM-DD, reason: why}", scalar_first=True),
                    allow_single=True)

FEEDBACK = Record(
    "feedback",
    [
        Field("date", Date(bounded=True), "The day the client told us.", required=True),
        Field("touchpoint", Ident(), "The touchpoint it answers, if one."),
        Field("feel", Integer(1, 5), "How they felt, 1 (bad) to 5 (delighted), as `feel`.",
              required=True),
        Field("said", Text(one_line=False), "What they said, in their words (internal)."),
        Field("heard_by", Ident(), "The person who heard it."),
    ],
    doc="What a client told us they felt (internal).",
    shape="{date: YYYY-MM-DD, feel: 1 to 5, ...}",
)

LEFT = Record(
    "left",
    [
        Field("date", Date(bounded=True), "The day they left.", required=True),
        Field("reason", Text(one_line=False), "Why they left (internal)."),
    ],
    doc="The client left: nothing is owed to them after this date.",
    shape="{date: YYYY-MM-DD, reason: why}",
)

PAUSED = Record(
    "paused",
    [
        Field("date", Date(bounded=True), "The day the pause began.", required=True),
        Field("until", Date(bounded=True), "The day it ends, if known."),
        Field("reason", Text(one_line=False), "Why (internal)."),
    ],
    doc="The client paused: nothing falls due from the date until `until` (or for now).",
    shape="{date: YYYY-MM-DD, until: YYYY-MM-DD, reason: why}",
)

# One person of a client's household (a couple, a family): their own dates fire the
# journey's `on:` touchpoints once each, named after them. All of it is internal.
MEMBER = Record(
    "household person",
    [
        Field("name", Text(), "Their name, as the team calls them (internal).", required=True),
        Field("email", Text(pattern=EMAIL,
                            pattern_expected="an email address like name@example.com"),
              "Their email address (internal)."),
        Field("dates", MapOf(Key(), Date(year_optional=True)),
              "Their own dates: each `on:` touchpoint fires for them on theirs (internal)."),
        Field("preferences", MapOf(Key(), Text()),
              "Their own preferences, used before the client's for their occurrences "
              "(internal)."),
        Field("done", MapOf(Ident(), DONE_VALUE),
              "Their own occurrences of `on:` touchpoints done, or skipped with a reason "
              "(internal)."),
    ],
    doc="A person of the client's household, with their own dates (internal).",
    shape="{name: ..., dates: {birthday: MM-DD}, ...}",
)

CLIENT = Record(
    "client",
    [
        Field("name", Text(), "The client's name.", required=True),
        Field("contact", Text(), "The person we deal with."),
        Field("journey", Ident(), "The journey they are on (its file stem).", required=True),
        Field("day_one", Date(bounded=True), "The day the agreement was signed.", required=True),
        Field("team", MapOf(Ident(), Ident()), "A person for every role of the journey.",
              required=True),
        Field("welcome", Text(markdown=True), "Markdown shown on the client's own page."),
        Field("must_know", ListOf(Text(), allow_single=True),
              "What everyone serving them must know (an allergy, an access need): shown on "
              "every internal page, packet line and calendar event about them, never to the "
              "client (internal)."),
        Field("dates", MapOf(Key(), Date(year_optional=True)),
              "Dates that `on:` touchpoints use; the year is optional."),
        Field("preferences", MapOf(Key(), Text()), "Preferences touchpoints use (internal)."),
        Field("people", ListOf(MEMBER),
              "The household: the people behind the client, each with their own dates "
              "(internal)."),
        Field("cares_about", Text(one_line=False), "What they care about (internal)."),
        Field("goals", ListOf(Text(), allow_single=True), "Their goals (internal)."),
        Field("handoff", Text(markdown=True), "Markdown: all that sales learned (internal)."),
        Field("done", MapOf(Ident(), DONE_VALUE),
              "Touchpoints done, with the date, or skipped with a reason (internal)."),
        Field("feedback", ListOf(FEEDBACK), "What the client told us they felt (internal)."),
        Field("paused", PAUSED, "The client paused (internal)."),
        Field("left", LEFT, "The client left (internal)."),
        Field("notes", Text(markdown=True), "Internal notes."),
    ],
    doc="A client: journeys/clients/<id>.yml, or a row of a CSV file "
        "journeys/clients/<name>.csv whose columns are these keys with an `id` column "
        "(team, dates, preferences and done as a `team.<role>` column each; feedback in "
        "journeys/surveys/<name>.csv; skipped entries, paused and left only in a YAML file).",
)

RECORDS: dict[str, Record] = {"journey": JOURNEY, "person": PERSON, "client": CLIENT}

