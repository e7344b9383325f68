"""The PDFs of a build: printed by Chromium from the pages just built (unchanged ones from
the cache, and, in a rebuild in place, kept when their page was)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ..render.pdf import PdfJob, render_pdfs
from .stamps import made_after


def write_pdfs(jobs: list[tuple[str, str]], site: Path, kept: set[str], made: set[str],
               cache: Path, progress: Callable[[int, int], None],
               own_size: frozenset[str] = frozenset()) -> str:
    """Print each (HTML, PDF) site path pair in `jobs` whose page is not in `kept` (or was
    made after its PDF), adding every PDF to `made`; returns the line to log, with the
    stage's own time (the benchmark reads it). The PDFs in `own_size` get the paper their
    page asks for (a poster, a sheet of cards), the others A4."""
    start = time.perf_counter()
    todo, left = [], 0
    for html_path, pdf_path in jobs:
        made.add(pdf_path)
        # A page kept from the last build prints as it did, if it was printed after it was
        # made (a build that failed in between may have made the page only).
        if html_path in kept and made_after(site / pdf_path, site / html_path):
            left += 1
        else:
            todo.append(PdfJob(site / html_path, site / pdf_path, pdf_path in own_size))
    report = render_pdfs(todo, cache, progress=lambda done: progress(done, len(todo)))
    also = f", {left} kept from the last build" if left else ""
    return (f"journeymap: {len(todo) + left} PDFs ({report.rendered} printed, "
            f"{report.cached} from the cache{also}) in {time.perf_counter() - start:.1f} s")
