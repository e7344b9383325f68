"""Markdown fields to safe HTML: Python-Markdown, then an allowlist sanitiser (nh3).

Raw HTML in a field is escaped by the sanitiser's allowlist: no scripts, no event handlers,
no `javascript:` or `data:` links, no remote images. Results are cached by text.
"""

from __future__ import annotations

from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p",
    "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "abbr": {"title"},
}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Images only from the site itself: a remote image is a tracking pixel waiting to happen.
    if tag == "img" and attribute == "src":
        lowered = value.strip().lower()
        if lowered.startswith(("//", "http:", "https:", "data:")) or ":" in lowered:
            return None
    return value


@lru_cache(maxsize=4096)
def _render(text: str, inline: bool) -> str:
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str | None, inline: bool = False) -> Markup:
    """Safe HTML for a Markdown field; `inline` drops the paragraph around a one-liner."""
    if not text:
        return Markup("")
    return Markup(_render(text, inline))  # noqa: S704 - sanitised by nh3 above
