"""The pull-request kit: pre-commit hooks and the GitHub workflow call real commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from conftest import REPO, copy_workspace, run
from ruamel.yaml import YAML

from journeymap.cli import main


def load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text())


def test_hooks_run_the_commands_they_name(tmp_path: Path) -> None:
    hooks = {hook["id"]: hook for hook in load(REPO / ".pre-commit-hooks.yaml")}
    assert set(hooks) == {"journeymap-check", "journeymap-fmt"}
    ws = copy_workspace(tmp_path / "ws")
    journey = ws / "journeys" / "client-love.yml"
    for hook in hooks.values():
        words = shlex.split(hook["entry"])
        assert words[0] == "journeymap" and words[1] in main.commands
        assert re.search(hook["files"], "journeys/client-love.yml")
        files = [] if hook.get("pass_filenames") is False else ["journeys/client-love.yml"]
        result = run([*words, *files], ws)
        assert result.returncode == 0, result.stderr  # the example is valid and canonical
    # The fmt hook rewrites a file out of order (pre-commit then stops the commit, since a
    # hook changed a file) back to the canonical form.
    canonical = journey.read_text()
    swapped = canonical.replace("    owner: sales\n    channel: email\n",
                                "    channel: email\n    owner: sales\n", 1)
    assert swapped != canonical
    journey.write_text(swapped)
    result = run(["journeymap", "fmt", "journeys/client-love.yml"], ws)
    assert result.returncode == 0 and "reformatted journeys/client-love.yml" in result.stdout
    assert journey.read_text() == canonical


def test_the_workflow_checks_reviews_and_uploads_the_site() -> None:
    workflow = load(REPO / ".github" / "workflows" / "journeymap.yml")
    steps = workflow["jobs"]["journey"]["steps"]
    commands = [line.strip() for step in steps for line in step.get("run", "").splitlines()
                if line.strip().startswith("journeymap ")]
    assert [shlex.split(c)[1] for c in commands] == ["check", "diff", "build"]
    assert "--format github" in commands[0]
    assert all(shlex.split(c)[1] in main.commands for c in commands)
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in steps)
    assert any("gh pr comment" in step.get("run", "") for step in steps)
    assert workflow["permissions"]["pull-requests"] == "write"
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # diff needs the base branch
