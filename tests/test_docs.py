"""The format reference and the README keep up with the format's definitions."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from conftest import REPO, run

from journeymap.workspace.business import BUSINESS
from journeymap.workspace.load import load_workspace
from journeymap.workspace.schema import CLIENT, JOURNEY, PERSON, STAGE, TOUCHPOINT


def test_every_key_is_in_the_format_reference() -> None:
    reference = (REPO / "docs" / "format.md").read_text()
    for record in (JOURNEY, STAGE, TOUCHPOINT, PERSON, CLIENT, BUSINESS):
        for field in record.fields:
            assert f"| `{field.name}` |" in reference, (record.kind, field.name)


def test_the_readme_journey_example_is_valid(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    example = re.search(r"```yaml\n(title: .*?)```", readme, re.S)
    assert example
    (tmp_path / "journeys" / "team").mkdir(parents=True)
    (tmp_path / "journeys" / "j.yml").write_text(example.group(1))
    loaded = load_workspace(tmp_path)
    assert loaded.problems == []
    assert [t.id for t in loaded.workspace.journeys["j"].touchpoints] == [
        "deep-dive", "welcome-gift"
    ]


# ---- the reference ships with the package ---------------------------------------------------

PACKAGED = "format.md"  # in journeymap.workspace, beside the schemas and the starter


def _packaged_reference() -> str:
    return (resources.files("journeymap.workspace") / PACKAGED).read_text(encoding="utf-8")


def test_the_format_reference_ships_with_the_package_as_docs_format_md() -> None:
    # One source of truth: docs/format.md (a page of the example site) is the packaged file's
    # copy; after changing the packaged one, `journeymap format -o docs/format.md`.
    assert (REPO / "docs" / "format.md").read_text(encoding="utf-8") == _packaged_reference()


def test_journeymap_format_prints_the_reference_or_writes_it(tmp_path: Path) -> None:
    printed = run(["journeymap", "format"], tmp_path)  # no workspace needed
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == _packaged_reference()
    written = run(["journeymap", "format", "-o", "FORMAT.md"], tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "FORMAT.md").read_text(encoding="utf-8") == _packaged_reference()
    assert written.stderr == "wrote FORMAT.md\n"
    nowhere = run(["journeymap", "format", "-o", "missing/FORMAT.md"], tmp_path)
    assert nowhere.returncode == 1
    assert nowhere.stderr.startswith("journeymap: cannot write missing/FORMAT.md (")
    assert len(nowhere.stderr.splitlines()) == 1


def test_the_files_init_writes_point_to_journeymap_format(tmp_path: Path) -> None:
    made = run(["journeymap", "init", "new"], tmp_path)
    assert made.returncode == 0, made.stderr
    texts = {path.relative_to(tmp_path / "new").as_posix(): path.read_text(encoding="utf-8")
             for path in (tmp_path / "new").rglob("*") if path.is_file()}
    assert not [name for name, text in texts.items() if "journeymap repository" in text]
    assert "journeymap format" in texts["journeys/welcome.yml"]
    assert "journeymap format" in made.stderr  # and so does what init says next


def test_the_built_package_carries_the_reference(tmp_path: Path) -> None:
    """What a wheel would hold: setuptools' build of a copy of the project (its package
    data as pyproject.toml lists it), made without the network."""
    pytest.importorskip("setuptools")
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "journeymap", source / "journeymap",
                    ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()",
                            "-q", "build_py", "--build-lib", str(tmp_path / "lib")],
                           cwd=source, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    shipped = tmp_path / "lib" / "journeymap" / "workspace" / PACKAGED
    assert shipped.read_text(encoding="utf-8") == _packaged_reference()


# ---- the README's first run, and several businesses ---------------------------------------------


def _section(title: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"^##+ {re.escape(title)}\n(.*?)(?=^##+ )", readme, re.S | re.M)
    assert found, f"README has no section '{title}'"
    return found.group(1)


def _command_lines(text: str) -> list[list[str]]:
    """The journeymap commands in a section's shell blocks, as argument lists (a leading
    `(cd DIR && ` and a trailing `) &` or comment left off)."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = re.sub(r"^\(cd \S+ && ", "", line.split(" #")[0].strip())
            line = re.sub(r"\)? *&$", "", line).strip()
            if line.startswith("journeymap "):
                found.append(shlex.split(line)[1:])
    return found


def test_the_readme_first_run_uses_real_commands_and_options() -> None:
    from journeymap.cli import main

    section = _section("Your own site")
    commands = _command_lines(section)
    assert [c[0] for c in commands] == ["init", "check", "serve", "build", "format"]
    for args in commands:  # each parses: the command and its options exist
        main.commands[args[0]].make_context(args[0], args[1:])
    assert "JOURNEYMAP_SECRET" in section  # what the first build warns of


def test_the_readme_says_one_workspace_is_one_business() -> None:
    from journeymap.cli import main

    section = _section("One workspace, one business")
    assert "one business" in section and "several journeys" in section
    assert "its own `mkdocs.yml`" in section
    serves = [c for c in _command_lines(section) if c[0] == "serve"]
    ports = {args[args.index("--dev-addr") + 1] for args in serves}
    assert len(serves) >= 2 and len(ports) == len(serves)  # one port each
    for args in serves:
        main.commands["serve"].make_context("serve", args[1:])
