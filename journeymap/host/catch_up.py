"""The map first: after an edit of a journey file, the map is rebuilt at once, the rest just
after.

Moving a touchpoint to another day (or renaming it, or giving it another owner) changes the
pages of every client of its journey, their calendars and meet pages, and the team's pages:
at a thousand clients, MkDocs takes many seconds to make them all again, and the live server
answers no page while it builds. The facilitator who dragged the card is looking at the map.
So, under `journeymap serve`:

- the rebuild the map's editor asks for after writing a journey file (`edited`) *defers*: an
  output of a client or a person that needs making again, and that the site already has, is
  left as it is for now; the map and the journey's pages are made, and the browser shows them.
  So does the rebuild after a journey file saved by hand, in a text editor, when no other
  file changed with it (live.skip_unchanged says which did): at 1,000 clients its map came
  after 21-27 s, the whole site rebuilt; now after 1.3-1.8 s;
- a moment later (`DELAY`: time for the browser to fetch the new map, since the live server
  holds requests while it builds), a second rebuild makes what was deferred (`owed`; the
  watcher's echo of the edit, sooner, is skipped as usual);
- an edit made while that second rebuild runs stops it at its next output (`check` raises
  `Superseded`), so that the new edit's map comes first again. What the stopped rebuild did
  not make is still stale by its stamp (stamps.py): the next rebuild makes it. While the
  editor works out an edit (`editing`), that rebuild waits at its next output: sharing the
  interpreter with it, the edit took two to three times as long (0.6-0.85 s against 0.25 s
  at 1,000 clients); an edit that writes nothing lets it go on. A save by hand that the
  server's watcher reported stops it too (`saved`): the rebuild after it makes, or defers
  again, what the catch-up had yet to make.

An edit of a client's file (marking work done on the client's page) does not defer: what it
changes is that client's own pages, which the browser is showing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DELAY = 1.5  # seconds from a deferring rebuild's end to the rebuild that catches up
HOLD = 10.0  # seconds at most that a catch-up waits for an edit being worked out


class Superseded(Exception):  # noqa: N818 - not an error: a rebuild gave way to a newer edit
    """A rebuild stopped so that the map of a newer edit is shown first."""


class CatchUp:
    """Which rebuilds defer, which catch up, and when a catch-up gives way to an edit."""

    def __init__(self, delay: float = DELAY, hold: float = HOLD) -> None:
        self.delay = delay
        self.hold = hold
        self._making = 0  # edits being worked out (see `editing`)
        self._made = threading.Condition()
        self._edited = threading.Event()  # an edit of a journey file waits for its rebuild
        self._due = threading.Event()  # the rebuild that makes the deferred outputs is due
        self.deferring = False  # this build leaves stale outputs as they are, for now
        self.stopping = False  # this build is stopping for an edit (see `quiet_stop`)
        self._timer: threading.Timer | None = None
        self.catching_up = False  # this build makes what the last one deferred
        self.rebuild: Callable[[], None] = lambda: None  # asks the live server to rebuild
        self.saved: Callable[[], bool] = lambda: False  # whether the watcher saw a save since

    def edited(self) -> None:
        """A journey file was written (by the map's editor, or saved by hand and no other
        file with it); its rebuild is asked for next, and defers."""
        self._cancel()
        self._edited.set()

    def owed(self) -> bool:
        """Whether the next rebuild is owed though no file changed (see live.skip_unchanged):
        an edit's own (a build that began between the write and `edited` saw the new file,
        then gave way to it), or the catch-up once its moment came (not the watcher's echo
        of the edit, which would keep the browser from fetching the new map)."""
        return self._edited.is_set() or self._due.is_set()

    def start(self) -> bool:
        """A build begins: whether it defers (it follows an edit of a journey file)."""
        self._cancel()
        self.catching_up = self._due.is_set()
        self._due.clear()  # this one makes everything, or defers and asks again
        self.stopping = False
        self.deferring = self._edited.is_set()
        self._edited.clear()
        return self.deferring

    @contextmanager
    def editing(self) -> Iterator[None]:
        """While the editor works out an edit (reads, patches, checks and writes a file), a
        catch-up waits at its next `check`."""
        with self._made:
            self._making += 1
        try:
            yield
        finally:
            with self._made:
                self._making -= 1
                self._made.notify_all()

    def check(self) -> None:
        """Raise Superseded if an edit of the map waits and this build is not its own (or
        this build is a catch-up and a save waits): the build would hold the new map back
        until it ends. Wait first while an edit is being worked out (`editing`), at most
        `hold` seconds."""
        if self.deferring:
            return
        if self._making:
            with self._made:
                self._made.wait_for(lambda: not self._making, timeout=self.hold)
        if self._edited.is_set() or (self.catching_up and self.saved()):
            self.stopping = True
            if self.catching_up:
                self._due.set()  # still owed: the next rebuild is never skipped as an echo
            raise Superseded

    def done(self, deferred: int) -> None:
        """A build ended having deferred `deferred` outputs: the rebuild that makes them is
        asked for after `delay` seconds (unless an edit comes first)."""
        if not (self.deferring and deferred):
            return
        self._cancel()
        self._timer = threading.Timer(self.delay, self._catch_up)
        self._timer.daemon = True
        self._timer.start()

    def _catch_up(self) -> None:
        self._due.set()
        self.rebuild()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        self._cancel()

    def quiet_stop(self, logger: logging.Logger) -> None:
        """Keep `logger` (the host's build module's) from reporting a stopped build's page as
        an error: the host logs the page it was making when an event raised."""

        def keep(record: logging.LogRecord) -> bool:
            return not (self.stopping and str(record.msg).startswith(
                ("Error reading page", "Error building page")))

        logger.addFilter(keep)
