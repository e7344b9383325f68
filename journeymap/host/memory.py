"""No cyclic garbage collection while a build runs.

A thousand clients' records are millions of objects, each collection walks them all, and a
build's cycles are few: measured, collection was a third of a rebuild's time. Collection is
back on for the PDFs (Playwright's many small cycles must be collected as it prints) and at
the end of the build.
"""

from __future__ import annotations

import gc
import threading


class CollectionPause:
    """Turns cyclic collection off for a build, and back on after it."""

    def __init__(self) -> None:
        self.was_on = False  # collection was on before this build turned it off

    def pause(self) -> None:
        self.was_on = self.was_on or gc.isenabled()
        gc.disable()

    def resume(self, later: bool = False) -> None:
        """Collection on again, if this build turned it off; `later`: collect a second from
        now (a live server answers the browser first, then collects)."""
        if not self.was_on:
            return
        self.was_on = False
        gc.enable()
        if later:
            collect = threading.Timer(1.0, gc.collect)
            collect.daemon = True
            collect.start()
