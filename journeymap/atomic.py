"""Writing a file whole or not at all: through a temporary file beside it, renamed over it.

A reader (a web server, the next build, an editor) never sees half a file, and a write cut
short by a full disk or a crash leaves the old file as it was. Used for the site's PDFs, the
cache's entries and the journey files `fmt` rewrites.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def umask() -> int:
    """The process's umask, read without changing it: os.umask can only set it, and setting
    it even for a moment would give files other threads create meanwhile the wrong mode."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:  # no /proc (not Linux): set it, and put it straight back
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes, mode: int | None = None,
                 durable: bool = False) -> None:
    """Write `data` to `path`, all at once.

    The file gets `mode`, else the mode `open(path, "w")` would give it (0o666 less the
    umask), not mkstemp's private 0o600, so a web server running as another user can serve
    it. `durable`: on disk before it takes the old file's place, and read back first (a file
    someone wrote by hand must never be replaced by bytes that did not land).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), mode if mode is not None else 0o666 & ~umask())
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if durable and temp.read_bytes() != data:
            raise OSError(f"{path.name}: the new file did not read back as written")
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
