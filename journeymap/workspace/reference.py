"""The format reference, shipped with the package: `journeymap format` prints it.

`format.md` beside this module is the one source of truth; the repository's docs/format.md
(a page of the example site) is its copy, and a test keeps the two equal.
"""

from __future__ import annotations

from importlib import resources

REFERENCE = "format.md"


def format_reference() -> str:
    """The reference's Markdown text."""
    return (resources.files(__package__ or "journeymap.workspace") / REFERENCE).read_text(
        encoding="utf-8")
