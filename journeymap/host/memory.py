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
# The collection is a full one, about 0.35 s at a thousand clients (py-spy, over card drops),
# and an edit that arrives meanwhile waits for it. After a second, the browser has fetched
# the new page, and a person's next drop has seldom come yet (seeing the map and dragging
# the next card take longer). Measured at three seconds, it met the next drop more often.
IDLE = 1.0


class CollectionPause:
    """Turns cyclic collection off for a build, and back on after it."""

    def __init__(self, idle: float = IDLE) -> None:
        self.idle = idle
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
            gc.collect()

        timer = threading.Timer(self.idle, collect)
        timer.daemon = True
        timer.start()
