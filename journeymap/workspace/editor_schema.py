"""JSON Schema (draft-07) documents for editors, made from the format's definitions.

An editor with a YAML language server reads a `# yaml-language-server: $schema=...` line at the
top of a file and then completes keys, shows each key's meaning and underlines mistakes while
the facilitator types. The documents are built from the records in `schema.py`, so they cannot
drift from what `journeymap check` enforces. Rules that need other files (references, photos)
or the whole list (stage windows, unique ids) stay the checker's alone.

`python -m journeymap.workspace.editor_schema` rewrites the copies shipped in
`journeymap/workspace/schemas/`.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from ..exceptions import UsageError
from .schema import (
    RECORDS,
    AnyOf,
    Date,
    ListOf,
    MapOf,
    Record,
    Text,
    Type,
)

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
KINDS = ("journey", "person", "client")
PACKAGE_SCHEMAS = Path(str(resources.files("journeymap.workspace") / "schemas"))
WORKSPACE_SCHEMAS = "schemas"  # where `init` puts them in a new workspace, beside journeys/

PLACES = {
    "journey": "journeys/<id>.yml",
    "person": "the front matter of journeys/team/<id>.md",
    "client": "journeys/clients/<id>.yml",
}
TITLES = {kind: f"journeymap {kind} ({place})" for kind, place in PLACES.items()}

# Python's `\d` also matches other scripts' digits; editors use ECMAScript regexes, so spell
# the ranges out. Month and day ranges catch most slips; `format: date` catches 02-30.
_MONTH_DAY = "(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE_PATTERN = f"^[0-9]{{4}}-{_MONTH_DAY}$"
MONTH_DAY_PATTERN = f"^([0-9]{{4}}-)?{_MONTH_DAY}$"
# Text: some that is not space, and no control character (but tab and line feed); on one
# line, but for the line break a `>` block ends with, unless it is Markdown.
_CONTROL = r"\u0000-\u0008\u000b-\u001f\u007f-\u009f"
NOT_BLANK = rf"^(?=[\s\S]*\S)[^{_CONTROL}]*$"
ONE_LINE = rf"^(?=[\s\S]*\S)\s*[^\n\u2028\u2029{_CONTROL}]*\s*$"
# The years of a signing day or a done date (schema.FIRST_YEAR, LAST_YEAR: 1900 to 2199).
_BOUNDED_YEAR = "(19[0-9]{2}|2[01][0-9]{2})"
BOUNDED_DATE_PATTERN = f"^{_BOUNDED_YEAR}-{_MONTH_DAY}$"


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def schema_id(kind: str) -> str:
    # A URN, not a web address: the schemas are read from disk and nothing needs to be online.
    return f"urn:journeymap:schema:{kind}"


def _present(key: str) -> dict[str, Any]:
    """The key is given with a value (the checker treats `key:` left empty as absent)."""
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """Also accept an empty value: an optional key left empty counts as absent."""
    if isinstance(schema.get("type"), str) and "anyOf" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    return {"anyOf": [schema, {"type": "null"}]}


def type_schema(value_type: Type) -> dict[str, Any]:
    """The JSON Schema of one value type. Leaf types describe themselves (`json_schema`);
    records, lists, maps and alternatives are built here so that every record inside them
    gets the editor's view of optional keys (see `_nullable`)."""
    if isinstance(value_type, Record):
        return record_schema(value_type)
    if isinstance(value_type, ListOf):
        array: dict[str, Any] = {"type": "array", "items": type_schema(value_type.item)}
        if value_type.unique:
            array["uniqueItems"] = True
        if value_type.allow_single:
            return {"anyOf": [type_schema(value_type.item), array]}
        return array
    if isinstance(value_type, MapOf):
        return {
            "type": "object",
            "propertyNames": type_schema(value_type.key),
            "additionalProperties": type_schema(value_type.value),
        }
    if isinstance(value_type, AnyOf):
        return {"anyOf": [type_schema(option) for option in value_type.options]}
    if isinstance(value_type, Date):
        if value_type.year_optional:
            return {"type": "string", "pattern": MONTH_DAY_PATTERN,
                    "patternErrorMessage": f"Expected {value_type.expected}"}
        return {"type": "string",
                "pattern": BOUNDED_DATE_PATTERN if value_type.bounded else DATE_PATTERN,
                "format": "date", "patternErrorMessage": f"Expected {value_type.expected}"}
    if isinstance(value_type, Text):
        if value_type.pattern is None and value_type.single_line:
            return {"type": "string", "pattern": ONE_LINE,
                    "patternErrorMessage": "Expected some text on one line, with no control "
                                           "characters"}
        if value_type.pattern is None:
            return {"type": "string", "pattern": NOT_BLANK,
                    "patternErrorMessage": "Expected some text, not only spaces, with no "
                                           "control characters"}
        return {**value_type.json_schema(),
                "patternErrorMessage": f"Expected {value_type.expected}"}
    return value_type.json_schema()


def _touchpoint_rules() -> list[dict[str, Any]]:
    return [
        {
            "oneOf": [_present("day"), _present("on")],
            "errorMessage": "A touchpoint has exactly one of 'day' (a day number) and 'on' "
                            "(a date of the client).",
        },
        {
            "if": _present("on"),
            "then": {
                "allOf": [_present("stage"), {"not": _present("repeat")}],
                "errorMessage": "With 'on', give 'stage' and no 'repeat' (an 'on' date comes "
                                "back every year by itself).",
            },
        },
    ]


RULES = {"touchpoint": _touchpoint_rules}  # rules of one record that JSON Schema can express


def record_schema(record: Record) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for field in record.fields:
        value = type_schema(field.type)
        if not field.required:
            value = _nullable(value)
        properties[field.name] = {"description": field.doc, **value}
    schema: dict[str, Any] = {"type": "object"}
    if record.doc:
        schema["description"] = record.doc
    schema["properties"] = properties
    required = [f.name for f in record.fields if f.required]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    rules = RULES.get(record.kind)
    if rules:
        schema["allOf"] = rules()
    return schema


def schema_document(kind: str) -> dict[str, Any]:
    """The complete draft-07 document for one kind of file."""
    return {
        "$schema": DRAFT_07,
        "$id": schema_id(kind),
        "title": TITLES[kind],
        **record_schema(RECORDS[kind]),
    }


def schema_documents() -> dict[str, dict[str, Any]]:
    """Every kind's document: journey, person, client."""
    return {kind: schema_document(kind) for kind in KINDS}


def schema_text(kind: str) -> str:
    """One document as the JSON text that is written to disk."""
    return json.dumps(schema_document(kind), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path, kinds: tuple[str, ...] = KINDS) -> list[Path]:
    """Write `<kind>.schema.json` files into `folder` (created if needed); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in kinds:
        path = folder / file_name(kind)
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written


def schema_files() -> dict[str, str]:
    """The files `init` writes into a new workspace: relative path -> text."""
    return {f"{WORKSPACE_SCHEMAS}/{file_name(kind)}": schema_text(kind) for kind in KINDS}


def modeline(kind: str, depth: int) -> str:
    """The editor line for a file `depth` folders below the workspace root
    (1 for journeys/<id>.yml, 2 for journeys/clients/ and journeys/team/)."""
    return f"# yaml-language-server: $schema={'../' * depth}{WORKSPACE_SCHEMAS}/{file_name(kind)}"


def schema_command(kind: str | None, write: Path | None) -> str:
    """`journeymap schema [KIND] [--write DIR]`: the text to print.

    With --write, writes the named kind (or all three) into DIR and lists the files;
    without it, returns the named kind's document, or with no kind an index of the three."""
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}': choose one of {', '.join(KINDS)}")
    if write is not None:
        paths = write_schemas(write, (kind,) if kind else KINDS)
        return "\n".join(f"wrote {path}" for path in paths)
    if kind is None:
        return schema_index()
    return schema_text(kind).rstrip("\n")


def schema_index() -> str:
    """What `journeymap schema` alone prints: the three schemas, and how editors use them."""
    rows = [f"  {kind:<8} {PLACES[kind]:<43} journeymap schema {kind}" for kind in KINDS]
    return "\n".join([
        "The JSON Schemas of the journey files, for editors (completion and checks as you type):",
        "", *rows, "",
        f"journeymap schema --write {WORKSPACE_SCHEMAS} writes all three into "
        f"{WORKSPACE_SCHEMAS}/; a file that starts",
        f"with a line such as '{modeline('journey', 1)}'",
        "then gets them in VS Code (YAML extension) and other editors that use "
        "yaml-language-server."])


def main() -> None:
    for path in write_schemas(PACKAGE_SCHEMAS):
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
