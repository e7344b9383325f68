"""The public surface (`journeymap.__all__`) and the choice of host."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, BIN, HOST, copy_workspace, run

import journeymap


def test_every_public_name_is_there_and_nothing_else_is_promised() -> None:
    assert len(set(journeymap.__all__)) == len(journeymap.__all__)
    for name in journeymap.__all__:
        assert getattr(journeymap, name) is not None, name
    with pytest.raises(AttributeError):
        journeymap.no_such_name  # noqa: B018


def test_importing_journeymap_imports_neither_host_nor_the_pipeline() -> None:
    code = ("import sys, journeymap; "
            "print(sorted(m for m in sys.modules if m.startswith(('journeymap.', 'mkdocs', "
            "'properdocs', 'jinja2', 'ruamel'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "['journeymap.version']"


def test_a_script_builds_pages_through_the_public_surface(tmp_path: Path) -> None:
    from journeymap import Renderer, build_date, check_workspace

    ws = copy_workspace(tmp_path / "ws")
    day = build_date(__import__("datetime").date.fromisoformat(AS_OF))
    checked = check_workspace(ws, "journeys", day)
    assert checked.errors == [] and checked.agenda is not None
    renderer = Renderer(checked.loaded.workspace, day, agenda=checked.agenda,
                        findings=checked.findings)
    home = next(page for page in renderer.pages() if page.key == "index")
    assert "Harbor Street Bakery" in renderer.render(home)


def test_an_unknown_host_is_refused(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    result = run(["journeymap", "check"], ws, env={"JOURNEYMAP_HOST": "zensical"})
    assert result.returncode == 1
    assert "JOURNEYMAP_HOST='zensical' is not a host journeymap knows" in result.stderr


@pytest.mark.skipif(importlib.util.find_spec("properdocs") is not None,
                    reason="ProperDocs is installed here")
def test_a_properdocs_workspace_without_properdocs_says_what_to_install(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    (ws / "mkdocs.yml").rename(ws / "properdocs.yml")
    result = run(["journeymap", "check"], ws)
    assert result.returncode == 1
    assert "properdocs is not installed: pip install properdocs properdocs-theme-mkdocs" \
        in result.stderr


@pytest.mark.skipif(HOST != "properdocs", reason="runs under ProperDocs (./dev test)")
@pytest.mark.host
def test_a_properdocs_yml_workspace_builds_with_journeymap_and_properdocs(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    (ws / "mkdocs.yml").rename(ws / "properdocs.yml")
    env = {"JOURNEYMAP_HOST": ""}  # chosen by the file's name alone
    built = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], ws, env=env)
    assert built.returncode == 0, built.stderr
    assert (ws / "site/clients/harbor-street-bakery/index.html").is_file()
    other = subprocess.run([str(BIN / "properdocs"), "build", "-d", "other"], cwd=ws,
                           capture_output=True, text=True,
                           env={**os.environ, "SOURCE_DATE_EPOCH": "1795478400"})
    assert other.returncode == 0, other.stderr
    assert (ws / "other/clients/harbor-street-bakery/index.html").is_file()
