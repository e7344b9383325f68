"""Shared fixtures: a copy of the example workspace, real builds, a local server, Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The host the tests build with: MkDocs, or ProperDocs (JOURNEYMAP_HOST=properdocs, in a
# virtualenv without MkDocs, where `mkdocs.*` must be ProperDocs' modules before any test
# imports one).
HOST = os.environ.get("JOURNEYMAP_HOST", "mkdocs")
if HOST == "properdocs":
    import properdocs.replacement  # noqa: F401

from journeymap import Workspace, load_workspace  # noqa: E402 - the host comes first

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/lib/chromium/chromium"
AS_OF = "2026-11-24"  # the example clients are written around this date


def copy_workspace(target: Path, source: Path = REPO) -> Path:
    """A copy of a workspace (mkdocs.yml, journeys/, theme/, docs/) to build and change."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "mkdocs.yml", target / "mkdocs.yml")
    for folder in ("journeys", "theme", "docs"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    return target


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
        check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run one of the venv's commands (journeymap, mkdocs) in a workspace."""
    full_env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    full_env.update(env or {})
    command = HOST if args[0] == "mkdocs" else args[0]  # the host's own command
    result = subprocess.run([str(BIN / command), *args[1:]], cwd=cwd, env=full_env,
                            capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def example_workspace() -> Workspace:
    """The example workspace, loaded (and valid)."""
    loaded = load_workspace(REPO, "journeys")
    assert not loaded.errors, loaded.errors
    return loaded.workspace


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace, built once with `journeymap build --as-of`."""
    ws = copy_workspace(tmp_path_factory.mktemp("example"))
    run(["journeymap", "build", "--as-of", AS_OF, "--strict"], ws, check=True)
    return ws / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_folder(folder: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (a free port) while the caller runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def example_url(example_site: Path) -> Iterator[str]:
    yield from serve_folder(example_site)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium: Playwright cannot download a browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--disable-gpu", "--disable-dev-shm-usage"],
    }


# The build and browser tests, which run under each host (`./dev test` runs them again under
# ProperDocs with `-m host`).
HOST_MODULES = {"test_site", "test_plugin", "test_browser", "test_serve", "test_themes",
                "test_privacy", "test_hardening", "test_export", "test_firstrun",
                "test_business", "test_edit_serve", "test_outcome_pages",
                "test_edit_lanes_serve", "test_presenter", "test_csv"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "host: a build or browser test, run under each host")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__ in HOST_MODULES:  # type: ignore[attr-defined]
            item.add_marker(pytest.mark.host)
