"""The `journeymap` command as a user runs it: messages, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import copy_workspace, run

FIVE_MISTAKES = [
    ("    owner: assistant\n", "    ownr: assistant\n"),
    ("channel: gift", "channel: gfit"),
    ("feel: 5", "feel: 7"),
    ("owner: lead\n", "owner: leed\n"),
    ("day: 100\n", "day: 1000\n"),
]


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    ws = copy_workspace(tmp_path / "ws")
    journey = ws / "journeys" / "client-love.yml"
    text = journey.read_text()
    for old, new in FIVE_MISTAKES:
        assert old in text
        text = text.replace(old, new, 1)
    journey.write_text(text)
    return ws


def _line_of(ws: Path, needle: str) -> int:
    lines = (ws / "journeys" / "client-love.yml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_check_is_clean_on_the_example(tmp_path: Path) -> None:
    result = run(["journeymap", "check"], copy_workspace(tmp_path / "ws"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "is valid" in result.stderr


def test_five_mistakes_give_five_positioned_messages(broken: Path) -> None:
    result = run(["journeymap", "check"], broken)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5, result.stdout
    expected = [
        (_line_of(broken, "ownr: assistant"), 5, "unknown key 'ownr' in touchpoint"),
        (_line_of(broken, "channel: gfit"), 14, "did you mean 'gift'?"),
        (_line_of(broken, "feel: 7"), 11, "must be a whole number from 1 to 5, got 7"),
        (_line_of(broken, "owner: leed"), 12, "did you mean 'lead'?"),
        (_line_of(broken, "day: 1000"), 10, "day 1000 of touchpoint"),
    ]
    for line, col, text in expected:
        prefix = f"journeys/client-love.yml:{line}:{col}: "
        assert any(m.startswith(prefix) and text in m for m in lines), (prefix, text, lines)
    assert "5 problems" in result.stderr


def test_the_same_five_from_mkdocs_build(broken: Path) -> None:
    check = run(["journeymap", "check"], broken).stdout.splitlines()
    build = run(["mkdocs", "build"], broken)
    assert build.returncode == 1
    assert "Traceback" not in build.stderr
    for message in check:
        assert message in build.stderr


def test_github_format(broken: Path) -> None:
    result = run(["journeymap", "check", "--format", "github"], broken)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    line = _line_of(broken, "ownr: assistant")
    assert f"::error file=journeys/client-love.yml,line={line},col=5::unknown key 'ownr'" in (
        result.stdout
    )


def test_json_format(broken: Path) -> None:
    result = run(["journeymap", "check", "--format", "json"], broken)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["errors"] == 5
    assert {p["path"] for p in data["problems"]} == {"journeys/client-love.yml"}
    assert all(isinstance(p["line"], int) and isinstance(p["col"], int) for p in data["problems"])


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    assert run(["journeymap", "check", "--format", "xml"], ws).returncode == 2
    bad_date = run(["journeymap", "build", "--as-of", "tomorrow"], ws)
    assert bad_date.returncode == 2 and "is not a date YYYY-MM-DD" in bad_date.stderr
    assert run(["journeymap", "frobnicate"], ws).returncode == 2


def test_commands_say_clearly_when_run_outside_a_workspace(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    for command in (["check"], ["build"], ["serve"]):
        result = run(["journeymap", *command], ws / "journeys")
        assert result.returncode == 1
        assert "no mkdocs.yml" in result.stderr
        assert "the workspace root seems to be" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_mkdocs_yml_without_the_plugin_is_explained(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    result = run(["journeymap", "check"], tmp_path)
    assert result.returncode == 1
    assert "does not list the journeymap plugin" in result.stderr
