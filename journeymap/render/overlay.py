"""The live preview's error banner: each problem with the lines around it, atop the page.

While `journeymap serve` runs and the files have errors, every page keeps showing the last
good journey with this banner across its top (a third of the screen at most, scrolling
inside itself), so the map stays readable while the room fixes the file; the next good save
rebuilds without it, and the browser's live reload clears it by itself.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup, escape

from ..exceptions import Problem

AROUND = 2  # lines shown before and after the one with the problem
MAX_SHOWN = 20


def context(root: Path, problem: Problem, around: int = AROUND) -> list[tuple[int, str]]:
    """(line number, text) of the lines around a problem; empty if the file is unreadable."""
    try:
        lines = (root / problem.path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    first = max(problem.line - around, 1)
    last = min(problem.line + around, len(lines))
    return [(n, lines[n - 1]) for n in range(first, last + 1)]


def overlay_html(root: Path, problems: list[Problem]) -> Markup:
    """The banner as HTML, styled by journeymap.css (`.jm-overlay`); no script needed."""
    errors = [p for p in problems if p.severity == "error"]
    parts = [
        '<div class="jm jm-overlay" role="alert" aria-labelledby="jm-overlay-title">',
        '<div class="jm-overlay-box">',
        f'<h2 id="jm-overlay-title">{len(errors)} problem{"s" * (len(errors) != 1)} in the '
        "journey files</h2>",
        "<p>The page below is the last good version. Fix the files and save: this banner "
        "goes away by itself.</p>",
    ]
    for problem in errors[:MAX_SHOWN]:
        parts.append('<section class="jm-overlay-problem">')
        parts.append(f'<p class="jm-overlay-where"><code>{escape(problem.path)}:{problem.line}:'
                     f"{problem.col}</code> {escape(problem.message)}</p>")
        lines = context(root, problem)
        if lines:
            parts.append('<pre class="jm-overlay-code">')
            for number, text in lines:
                mark = number == problem.line
                cls = ' class="jm-overlay-line--bad"' if mark else ""
                parts.append(f"<span{cls}><b>{number:>4}</b> {escape(text)}</span>\n")
                if mark:
                    parts.append(f'<span class="jm-overlay-caret">{" " * (4 + problem.col)}^'
                                 "</span>\n")
            parts.append("</pre>")
        parts.append("</section>")
    if len(errors) > MAX_SHOWN:
        parts.append(f"<p>… and {len(errors) - MAX_SHOWN} more (run <code>journeymap check"
                     "</code>).</p>")
    parts.append("</div></div>")
    return Markup("".join(parts))


def inject(html: str, overlay: str) -> str:
    """The page with the overlay as the first thing in its body."""
    overlay = str(overlay)  # plain text: a Markup operand would escape the page around it
    start = html.find("<body")
    end = html.find(">", start) if start != -1 else -1
    if end == -1:
        return overlay + html
    return html[: end + 1] + overlay + html[end + 1:]
