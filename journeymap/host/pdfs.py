"""The PDFs of a build: printed by Chromium from the pages just built (unchanged ones from
the cache, and, in a rebuild in place, kept when their page was)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..render.pdf import PdfJob, Printer, render_pdfs
from .stamps import made_after

if TYPE_CHECKING:
    from ..render.renderer import Renderer
    from .files import SiteFiles
    from .progress import Progress


def write_pdfs(jobs: list[tuple[str, str]], site: Path, kept: set[str], made: set[str],
               cache: Path, progress: Callable[[int, int], None],
               own_size: frozenset[str] = frozenset(), printer: Printer | None = None) -> str:
    """Print each (HTML, PDF) site path pair in `jobs` whose page is not in `kept` (or was
    made after its PDF), adding every PDF to `made`; returns the line to log, with the
    stage's own time (the benchmark reads it). The PDFs in `own_size` get the paper their
    page asks for (a poster, a sheet of cards), the others A4. `printer`: a browser launched
    ahead, if one was."""
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
    report = render_pdfs(todo, cache, progress=lambda done: progress(done, len(todo)),
                         printer=printer)
    also = f", {left} kept from the last build" if left else ""
    return (f"journeymap: {len(todo) + left} PDFs ({report.rendered} printed, "
            f"{report.cached} from the cache{also}) in {time.perf_counter() - start:.1f} s")


class PdfStage:
    """A build's PDFs: a browser launched ahead, at the first page whose PDF is to be printed
    again (while the rest of the site is built), then every PDF written."""

    def __init__(self) -> None:
        self.printer: Printer | None = None

    def ahead(self) -> None:
        if self.printer is None:
            self.printer = Printer()

    def write(self, renderer: Renderer, site: Path, files: SiteFiles, cache: Path,
              progress: Progress) -> str:
        """Every PDF of `renderer`'s site written; the line to log."""
        progress.clear()
        try:
            wall = renderer.wall_pdf_jobs()
            return write_pdfs(renderer.pdf_jobs() + wall, site, files.kept, files.made, cache,
                              lambda done, total: progress.update("PDFs", done, total),
                              frozenset(pdf for _, pdf in wall), self.printer)
        finally:
            progress.clear()
            self.close()

    def close(self) -> None:
        if self.printer is not None:
            self.printer.close()
            self.printer = None
