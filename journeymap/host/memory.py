"""No cyclic garbage collection while a build runs.

A thousand clients' records are millions of objects, each collection walks them all, and a
build's cycles are few: measured, collection was a third of a rebuild's time. Collection is
back on for the PDFs (Playwright's many small cycles must be collected as it prints) and at
the end of the build (under a live server, a moment after it: see `IDLE`).
"""

from __future__ import annotations

import gc
import threading

# Seconds from a live server's build to its collection (none if another build begins first).
# An edit that arrives during a collection waits for it. After a second, the browser has
# fetched the new page, and a person's next drop has seldom come yet (seeing the map and
# dragging the next card take longer); measured at three seconds, the collection met the
# next drop more often.
IDLE = 1.0
# What survives a live server's collection is frozen (gc.freeze: left out of later
# collections), so that the next one looks only at what the builds since made, not again at
# the long-lived objects (caches, parsed records, schedules). A frozen object that dies is
# still freed by reference counting; only one in a cycle waits, for every FULL_EVERY-th
# collection, which unfreezes and looks at everything. Measured at 1,000 clients over 15
# drops on the map: 0.02-0.18 s a collection instead of 0.30-0.39 s for a full one, and the
# server's memory grew as much either way (about 33 MB: its caches).
FULL_EVERY = 10


class CollectionPause:
    """Turns cyclic collection off for a build, and back on after it."""

    def __init__(self, idle: float = IDLE, full_every: int = FULL_EVERY) -> None:
        self.idle, self.full_every = idle, full_every
        self.collections = 0  # made by the timer (see FULL_EVERY)
        self.was_on = False  # collection was on before this build turned it off
        self.builds = 0  # builds paused so far: a later resume knows if another began
        self.lock = threading.Lock()  # the build's thread against the resuming timer

    def pause(self) -> None:
        with self.lock:
            self.builds += 1
            self.was_on = self.was_on or gc.isenabled()
            gc.disable()

    def resume(self, later: bool = False) -> None:
        """Collection on again, if this build turned it off; `later`: `idle` seconds from now
        (a live server answers the browser, and the next edit, first: turned on now, the
        collection that a build's many new objects set off would run before the browser is
        told of the new site), unless another build has begun by then (its own end turns it
        on)."""
        with self.lock:
            if not self.was_on:
                return
            if not later:
                self.was_on = False
                gc.enable()
                return
            build = self.builds

        def collect() -> None:
            with self.lock:
                if self.builds != build or not self.was_on:
                    return
                self.was_on = False
                gc.enable()
                self.collections += 1
                full = self.collections % self.full_every == 0
            if full:
                gc.unfreeze()
            gc.collect()
            gc.freeze()

        timer = threading.Timer(self.idle, collect)
        timer.daemon = True
        timer.start()
