"""`journeymap export`: a journey's map as PNG or PDF, a diagram as SVG, or Mermaid text.

PNG and PDF are the workshop view as Chromium shows it (the same HTML and CSS as the site),
so slides and handouts match what the team sees on screen.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from ..exceptions import UsageError
from ..model import Journey, Workspace
from ..workspace.schema import did_you_mean
from .diagrams import flow_dot, render_svgs, responsibility_dot
from .env import environment
from .mermaid import journey_mermaid_markdown
from .renderer import workshop_html
from .view import View

PROJECTOR = {"width": 1920, "height": 1080}


def pick_journey(ws: Workspace, journey_id: str | None) -> Journey:
    if journey_id is None:
        if len(ws.journeys) == 1:
            return next(iter(ws.journeys.values()))
        raise UsageError(f"name a journey to export: {', '.join(sorted(ws.journeys))}")
    if journey_id not in ws.journeys:
        hint = did_you_mean(journey_id, list(ws.journeys))
        known = ", ".join(sorted(ws.journeys)) or "none"
        raise UsageError(f"no journey {journey_id!r}{hint} (journeys: {known})")
    return ws.journeys[journey_id]


def export(ws: Workspace, journey: Journey, fmt: str, as_of: dt.date,
           theme_dir: Path | None = None, diagram: str = "flow",
           cache_dir: Path | None = None) -> bytes:
    """The exported file's bytes."""
    if fmt == "mermaid":
        return journey_mermaid_markdown(ws, journey).encode()
    if fmt == "svg":
        source = (flow_dot if diagram == "flow" else responsibility_dot)(ws, journey)
        return render_svgs({diagram: source}, cache_dir)[diagram].encode()
    # The map alone: a view of the workspace, with no client's agenda worked out.
    html = workshop_html(environment(theme_dir), View(ws, as_of), theme_dir, journey)
    return screenshot(html, fmt)


def screenshot(html: str, fmt: str) -> bytes:
    """The page as Chromium draws it: PNG at projector size, or PDF on landscape A4."""
    from .pdf import browser

    with tempfile.TemporaryDirectory(prefix="journeymap-export-") as folder:
        page_file = Path(folder) / "map.html"
        page_file.write_text(html, encoding="utf-8")
        with browser() as chromium:
            page = chromium.new_page(viewport=PROJECTOR, device_scale_factor=1)
            page.goto(page_file.as_uri())
            if fmt == "png":
                data: bytes = page.screenshot(full_page=True, type="png")
            else:
                data = page.pdf(prefer_css_page_size=True, print_background=True)
            page.close()
    return data
