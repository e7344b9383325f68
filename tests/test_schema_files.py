"""The JSON Schema files editors use: made from the format's definitions, committed as made,
and in agreement with `journeymap check` on every example and on every bad fixture.

Each file in tests/fixtures/bad/ says on its first comment line who rejects it: "the schema
and journeymap check", or "journeymap check only (validator only)" for the rules a JSON
Schema cannot express (references between files, the file system, rules across the items of
a list).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO
from ruamel.yaml import YAML

from journeymap.exceptions import UsageError
from journeymap.workspace import editor_schema
from journeymap.workspace.business import load_business
from journeymap.workspace.editor_schema import (
    KINDS,
    PACKAGE_SCHEMAS,
    file_name,
    modeline,
    schema_command,
    schema_documents,
    schema_files,
    schema_text,
    write_schemas,
)
from journeymap.workspace.load import load_workspace
from journeymap.workspace.source import Node, parse_yaml, split_front_matter

BAD = Path(__file__).parent / "fixtures" / "bad"
FORMAT_MD = next((p for p in (Path("/work/shared/FORMAT.md"), REPO.parent / "shared" / "FORMAT.md")
                  if p.is_file()), None)
BOTH = "# Rejected by the schema and by journeymap check: "
ONLY = "# Rejected by journeymap check only (validator only): "


def plain(node: Node | None) -> Any:
    """A YAML node as the JSON value an editor's YAML 1.2 reader sees."""
    if node is None:
        return None
    if node.kind == "map":
        return {key: plain(value) for key, value in node.value.items()}
    if node.kind == "seq":
        return [plain(item) for item in node.value]
    return node.value  # dates stay text, as in YAML 1.2


def data_of(text: str, kind: str) -> Any:
    if kind == "person":
        text = split_front_matter(text, "-")[0]
    root, problems = parse_yaml(text, "-")
    assert problems == []
    return plain(root)


def schema_errors(text: str, kind: str) -> list[str]:
    validator = jsonschema.Draft7Validator(
        schema_documents()[kind], format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}"
            for e in validator.iter_errors(data_of(text, kind))]


def kind_of(file: Path) -> str:
    """An example's kind by its place; a fixture's by its name (journey-..., client-...)."""
    if file.parent == BAD:
        return file.stem.split("-")[0]
    if file.suffix == ".md":
        return "person"
    return "client" if file.parent.name == "clients" else "journey"


# ---- the committed files ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_is_what_the_definitions_make(kind: str) -> None:
    committed = (PACKAGE_SCHEMAS / file_name(kind)).read_text(encoding="utf-8")
    assert committed == schema_text(kind), (
        "journeymap/workspace/schemas/ is stale: run python -m journeymap.workspace.editor_schema"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_each_document_is_draft_07_with_an_id_and_every_key_described(kind: str) -> None:
    document = schema_documents()[kind]
    jsonschema.Draft7Validator.check_schema(document)
    assert document["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert document["$id"] == f"urn:journeymap:schema:{kind}"
    assert document["additionalProperties"] is False

    def walk(schema: Any) -> None:
        if isinstance(schema, dict):
            if schema.get("type") == "object" and "properties" in schema:
                assert schema["additionalProperties"] is False
                for name, prop in schema["properties"].items():
                    assert prop.get("description"), (kind, name)
            for value in schema.values():
                walk(value)
        elif isinstance(schema, list):
            for value in schema:
                walk(value)

    walk(document)


def test_the_journey_schema_lists_channels_phases_and_the_repeat_forms() -> None:
    touchpoint = schema_documents()["journey"]["properties"]["touchpoints"]["items"]
    channel = touchpoint["properties"]["channel"]["anyOf"][0]["enum"]
    assert "in-person" in channel and "email" in channel
    phases = touchpoint["properties"]["phase"]["anyOf"][0]["enum"]
    assert phases[0] == "assess" and phases[-1] == "advocate"
    repeat = touchpoint["properties"]["repeat"]["anyOf"]
    assert repeat[0] == {"enum": ["yearly"]}
    assert repeat[1]["required"] == ["every", "times"]
    assert touchpoint["required"] == ["id", "title", "owner"]


def test_write_schemas_and_the_module_command(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "out")
    assert [p.name for p in written] == [f"{k}.schema.json" for k in KINDS]
    for path in written:
        assert path.read_text(encoding="utf-8") == schema_text(path.name.split(".")[0])
    assert set(schema_files()) == {f"schemas/{k}.schema.json" for k in KINDS}


def test_schema_command_prints_writes_and_refuses(tmp_path: Path) -> None:
    assert schema_command("person", None) == schema_text("person").rstrip("\n")
    message = schema_command(None, tmp_path / "s")
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(
        f"{k}.schema.json" for k in KINDS)
    assert message.count("wrote ") == 3
    schema_command("client", tmp_path / "one")
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["client.schema.json"]
    index = schema_command(None, None)  # no kind: an index, not a usage error
    for kind in KINDS:
        assert f"journeymap schema {kind}" in index
    with pytest.raises(UsageError, match="unknown kind 'team'"):
        schema_command("team", None)


# ---- examples validate --------------------------------------------------------------------


EXAMPLES = sorted([*REPO.glob("journeys/*.yml"), *REPO.glob("journeys/clients/*.yml"),
                   *REPO.glob("journeys/team/*.md")])


def test_there_are_examples_of_every_kind() -> None:
    assert {kind_of(f) for f in EXAMPLES} == set(KINDS)


@pytest.mark.parametrize("file", EXAMPLES, ids=lambda f: f.relative_to(REPO).as_posix())
def test_every_example_file_validates(file: Path) -> None:
    assert schema_errors(file.read_text(encoding="utf-8"), kind_of(file)) == []


def doc_blocks() -> list[tuple[str, str, str]]:
    """(where, kind, text) of each YAML example block in FORMAT.md and docs/format.md."""
    found = []
    for doc in (FORMAT_MD, REPO / "docs" / "format.md"):
        if doc is None:
            continue
        text = doc.read_text(encoding="utf-8")
        for n, (language, body) in enumerate(re.findall(
                r"^```(yaml|markdown)\n(.*?)^```", text, re.MULTILINE | re.DOTALL)):
            kind = ("person" if language == "markdown" else "journey" if "stages:" in body
                    else "client" if "day_one:" in body
                    else "mkdocs" if body.startswith("plugins:") else "unknown")
            found.append((f"{doc.name}#{n}", kind, body))
    return found


@pytest.mark.skipif(FORMAT_MD is None, reason="FORMAT.md (shared/) is not beside this checkout")
def test_every_example_block_of_the_format_docs_validates(tmp_path: Path) -> None:
    blocks = doc_blocks()
    assert {kind for _, kind, _ in blocks} >= set(KINDS)
    for where, kind, body in blocks:
        if kind == "mkdocs":  # the plugin's options, such as `business:` (no JSON Schema)
            assert mkdocs_option_problems(tmp_path / where, body) == [], where
            continue
        assert kind in KINDS, where
        assert schema_errors(body, kind) == [], where


def mkdocs_option_problems(folder: Path, body: str) -> list[str]:
    """What journeymap finds wrong in an example of mkdocs.yml's plugin options (its logo
    taken from the example workspace)."""
    folder.mkdir(parents=True)
    (folder / "theme").mkdir()
    shutil.copy(REPO / "theme" / "logo.png", folder / "theme" / "logo.png")
    config = folder / "mkdocs.yml"
    config.write_text(body, encoding="utf-8")
    [options] = [item["journeymap"] for item in YAML(typ="safe").load(body)["plugins"]
                 if isinstance(item, dict)]
    assert set(options) <= {"business", "words", "lint", "secret"}, options
    return [str(p) for p in load_business(options.get("business"), config)[1]]


SCAFFOLD = REPO / "journeymap" / "workspace" / "starter" / "journeys"
SCAFFOLD_FILES = {"welcome.yml": ("journey", 1), "clients/first-client.yml": ("client", 2),
                  "team/kim-lee.md": ("person", 2), "team/sam-rivers.md": ("person", 2)}


@pytest.mark.parametrize("name", SCAFFOLD_FILES)
def test_scaffold_files_name_their_schema_and_validate(name: str) -> None:
    kind, depth = SCAFFOLD_FILES[name]
    text = (SCAFFOLD / name).read_text(encoding="utf-8").replace("{today}", "2026-11-24")
    first = text.split("\n")[1 if kind == "person" else 0]
    assert first == modeline(kind, depth)
    # The relative path leads from the file to the schema init writes into the workspace.
    target = (Path("/ws/journeys") / name).parent / first.split("$schema=")[1]
    assert target.resolve() == Path("/ws") / "schemas" / file_name(kind)
    assert schema_errors(text, kind) == []


# ---- bad fixtures: the schema and the checker agree ---------------------------------------


BAD_FILES = sorted(BAD.iterdir())


def verdict(file: Path) -> str:
    text = file.read_text(encoding="utf-8")
    line = text.split("\n")[1 if file.suffix == ".md" else 0]
    if line.startswith(BOTH):
        return "both"
    assert line.startswith(ONLY), f"{file.name} does not say who rejects it"
    return "validator only"


def test_there_are_enough_bad_fixtures_of_each_sort() -> None:
    verdicts = [verdict(f) for f in BAD_FILES]
    assert verdicts.count("both") >= 15
    assert verdicts.count("validator only") >= 5
    assert {kind_of(f) for f in BAD_FILES} == set(KINDS)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example journey folder, which is valid: each fixture is added to a copy."""
    root = tmp_path_factory.mktemp("base")
    shutil.copytree(REPO / "journeys", root / "journeys")
    assert load_workspace(root).problems == []
    return root


def place(base: Path, target: Path, name: str, text: str, kind: str) -> str:
    shutil.copytree(base / "journeys", target / "journeys")
    rel = {"journey": f"journeys/{name}.yml", "client": f"journeys/clients/{name}.yml",
           "person": f"journeys/team/{name}.md"}[kind]
    (target / rel).write_text(text, encoding="utf-8")
    return rel


@pytest.mark.parametrize("file", BAD_FILES, ids=lambda f: f.name)
def test_bad_fixture_is_rejected_by_whom_it_says(file: Path, base: Path, tmp_path: Path) -> None:
    kind, text = kind_of(file), file.read_text(encoding="utf-8")
    rel = place(base, tmp_path, file.stem, text, kind)
    errors = load_workspace(tmp_path).errors
    assert [p for p in errors if p.path == rel], "journeymap check accepts it"
    assert [p for p in errors if p.path != rel] == []
    rejected = schema_errors(text, kind)
    if verdict(file) == "both":
        assert rejected, "the schema accepts it"
    else:
        assert rejected == [], "the schema rejects it: it is not 'validator only'"


# Files both accept although they look odd: an optional key left empty counts as absent,
# and a lone value stands for a list of one.
GOOD = {
    "journey-empty-optional": ("journey", """title: Odd but fine
stages:
  - id: all
    title: All
    from: -10
    to: 400
    phases:
touchpoints:
  - id: a
    title: A
    day: 3
    on:
    feel:
    channel:
    owner: alex-rivera
    support: sam-okafor
  - id: b
    title: B
    day:
    on: birthday
    stage: all
    repeat:
    owner: alex-rivera
"""),
    "person-lone-fact": ("person", "---\nname: Ana Odd\nfun_facts: Juggles\nnotes:\n---\nHi.\n"),
    "client-leap-day": ("client", """name: Leap Co
journey: client-love
day_one: 2028-02-29
team: {sales: maya-okonkwo, lead: jonah-lindqvist, assistant: sam-okafor,
       founder: rosa-delgado}
dates: {birthday: 02-29}
goals: Grow
done:
  follow-up: [2028-01-10, 2028-01-17]
"""),
}


@pytest.mark.parametrize("name", GOOD)
def test_odd_but_valid_files_are_accepted_by_both(name: str, base: Path, tmp_path: Path) -> None:
    kind, text = GOOD[name]
    place(base, tmp_path, name, text, kind)
    assert load_workspace(tmp_path).problems == []
    assert schema_errors(text, kind) == []


def test_the_module_rewrites_the_package_copies(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setattr(editor_schema, "PACKAGE_SCHEMAS", tmp_path)
    editor_schema.main()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(file_name(k) for k in KINDS)
