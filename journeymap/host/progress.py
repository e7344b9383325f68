"""A progress line for long builds: on a terminal only, and quiet with -q."""

from __future__ import annotations

import sys
import time
from typing import TextIO

INTERVAL = 0.2  # seconds between redraws: a thousand pages must not mean a thousand writes


class Progress:
    """`pages 120/2111` redrawn in place on stderr; nothing when it is not a terminal."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.last = 0.0
        self.shown = False

    def update(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self.last < INTERVAL:
            return
        self.last = now
        self.stream.write(f"\r\x1b[Kjourneymap: {label} {done}/{total}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
