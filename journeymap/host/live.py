"""MkDocs' live server, made quick for the map's editor.

The live server (MkDocs' and ProperDocs', the same code) looks for saved files every half
second and then rebuilds; a browser reloads the whole page when the rebuild is done. For an
edit made with the mouse that is slow and jumpy, so under `journeymap serve`:

- the editor asks for the rebuild as soon as it has written the file (`rebuild_now`), not
  waiting for the watcher nor for saves to settle; the watcher then sees the same save: that
  second rebuild is skipped
  when no watched file changed since the last one began (`skip_unchanged`), and the browsers
  are not told of a new site (a page reloaded in the middle of the next drag would lose it);
- a page with the editor shows the rebuilt page in place (editor.js) instead of reloading:
  `soft_reload` has MkDocs' reload script ask it first.

Each relies on the live server's internals where it must; without them (another version)
the server simply behaves as MkDocs' own does, only slower.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from typing import Any

from mkdocs.exceptions import MkDocsException

from .catch_up import Superseded

log = logging.getLogger("mkdocs.plugins.journeymap")

Snapshot = frozenset[tuple[str, int, int]]


def rebuild_now(server: Any) -> Callable[[], None] | None:
    """A function that asks `server` to rebuild now, as its file watcher would; None if the
    server is not the one we know (its watcher will notice the save)."""
    condition = getattr(server, "_rebuild_cond", None)
    if not isinstance(condition, threading.Condition) or not hasattr(server, "_want_rebuild"):
        return None

    def now() -> None:
        with condition:
            server._want_rebuild = True  # noqa: SLF001 - what its watcher's callback sets
            # The server waits `build_delay` for a burst of saves to settle, again after each
            # save its watcher reports; the editor wrote its file whole (atomically), so this
            # build starts at once. `skip_unchanged` puts the delay back when it starts.
            if isinstance(getattr(server, "build_delay", None), (int, float)):
                server.build_delay = 0
            condition.notify_all()

    return now


def snapshot(paths: list[str]) -> Snapshot:
    """Every file under `paths` (files or folders) with its modification time and size."""
    found: set[tuple[str, int, int]] = set()
    for path in paths:
        for folder, _, names in os.walk(path) if os.path.isdir(path) else [("", [], [path])]:
            for name in names:
                full = os.path.join(folder, name)
                try:
                    stat = os.stat(full)
                except OSError:
                    continue
                found.add((full, stat.st_mtime_ns, stat.st_size))
    return frozenset(found)


def skip_unchanged(builder: Callable[[], None], server: Any,
                   owed: Callable[[], bool] = lambda: False,
                   changed: Callable[[set[str]], None] = lambda paths: None,
                   ) -> Callable[[], None]:
    """`builder`, not run again when no file the server watches changed since the last run
    began (the watcher's echo of a save the editor already asked a rebuild for), unless
    `owed()` (a rebuild that makes what the last one deferred: catch_up.py). Before a run,
    `changed(paths)` hears which files changed since the last run began, or since this was
    called for the first run (added, changed or deleted). Runs always if the server does
    not say what it watches."""
    settle = getattr(server, "build_delay", None)
    # What the site was first built from (the server builds it before it serves), so that
    # the first save is told apart from the rest too.
    first = getattr(server, "_watched_paths", None)
    last: list[Snapshot] = [_watched(first)] if isinstance(first, dict) else []

    def build() -> None:
        if isinstance(settle, (int, float)):
            server.build_delay = settle  # (see rebuild_now)
        watched = getattr(server, "_watched_paths", None)
        if not isinstance(watched, dict):
            builder()
            return
        now = _watched(watched)
        if last and last[0] == now and not owed():
            log.debug("journeymap: no watched file changed since the last rebuild began")
            same_site(server)
            return
        if last:
            changed({path for path, _, _ in last[0] ^ now})
        last[:] = [now]
        builder()

    return build


def _watched(paths: dict[Any, Any]) -> Snapshot:
    """The snapshot of what the live server watches (its `_watched_paths`)."""
    return snapshot(sorted(str(p) for p in paths))


def saved(server: Any) -> Callable[[], bool]:
    """Whether `server`'s watcher (or the editor) asked for a rebuild that has not begun
    yet; always False if the server is not the one we know."""
    if not isinstance(getattr(server, "_want_rebuild", None), bool):
        return lambda: False
    return lambda: server._want_rebuild is True  # noqa: SLF001 - set by its watcher


def same_site(server: Any) -> None:
    """After a skipped rebuild (or one that gave way to an edit), the server's browsers are
    not told to reload: the server shows them the epoch it wanted (set when the rebuild
    began) once the builder returns, so that epoch is put back to the one they have."""
    shown = getattr(server, "_visible_epoch", None)
    if isinstance(shown, (int, float)) and isinstance(getattr(server, "_wanted_epoch", None),
                                                      (int, float)):
        server._wanted_epoch = shown  # noqa: SLF001


def never_stuck(builder: Callable[[], None],
                gave_way: Callable[[], None] = lambda: None) -> Callable[[], None]:
    """The live server's rebuild, made to end normally whatever happens: MkDocs' server
    holds every request until a rebuild succeeds, so one that raised (a bug, a template of
    the theme's that fails) would leave the browser waiting for ever. The last good site is
    served instead, and the error said in one line. A rebuild that gave way to a newer edit
    of the map (catch_up.py) says so, then calls `gave_way()`."""

    def rebuild() -> None:
        try:
            builder()
        except Superseded:
            log.info("journeymap: a newer edit of the map comes first; the rest just after")
            gave_way()
        except Exception as error:  # noqa: BLE001 - any error: the preview must answer
            message = error.format_message() if isinstance(error, MkDocsException) else (
                f"{type(error).__name__}: {error}")
            log.error(f"journeymap: the preview could not be rebuilt ({message}); still "
                      "showing the last good version")

    return rebuild


# MkDocs' reload script, as injected in every page it serves: on a newer site it reloads.
_RELOAD = re.compile(
    r"(if \(parseFloat\(this\.responseText\) > epoch\) \{\s*)location\.reload\(\);")
_SOFT = ("if (window.journeymapReload && window.journeymapReload(this.responseText)) "
         "{ epoch = parseFloat(this.responseText); timeout = setTimeout(poll, 0); return; } "
         "location.reload();")


def soft_reload(page: str) -> str:
    """The page with MkDocs' reload script asking the editor first (editor.js's
    `journeymapReload`, which shows the rebuilt page in place and says so), and polling on
    for the next rebuild if it did. Unchanged if the script is not the one we know."""
    return _RELOAD.sub(lambda m: m[1] + _SOFT, page, count=1)
