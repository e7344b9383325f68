"""The progress line: drawn on a terminal, silent elsewhere and with -q."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import AS_OF, copy_workspace, run

from journeymap.host.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_only() -> None:
    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        progress = Progress(True, stream)
        for done in range(1, 1001):
            progress.update("pages", done, 1000)
        progress.clear()
    assert "journeymap: pages 1000/1000" in tty.getvalue()
    assert tty.getvalue().count("\r") < 50  # redrawn now and then, not a thousand times
    assert pipe.getvalue() == ""
    quiet = Terminal()
    Progress(False, quiet).update("pages", 1, 2)
    assert quiet.getvalue() == ""


def test_a_build_into_a_pipe_prints_no_progress(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    result = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], ws, check=True)
    assert "\r" not in result.stderr and "pages 1/" not in result.stderr


def test_a_build_on_a_terminal_shows_its_progress(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess

    from conftest import BIN

    from journeymap.cache import usable_cores

    ws = copy_workspace(tmp_path / "ws")
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(BIN / "journeymap"), "build", "--as-of", AS_OF, "--no-pdf"],
                               cwd=ws, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the build closed the terminal: it has finished
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0
    text = seen.decode()
    assert "journeymap: pages " in text and "\r\x1b[K" in text
    if usable_cores() > 1:  # the clients' pages and files are made in parallel first
        assert "journeymap: clients " in text
