"""Reading rendered HTML back: the headings of a page (for a table of contents), and what a
search index should see of it."""

from __future__ import annotations

import html as html_lib
import re

_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_SMALL = re.compile(r"<small\b.*?</small>", re.S)  # asides in a heading stay out of the TOC
# Templates bracket what a search index should not hold (dated tables that repeat other pages,
# the packet that repeats the client's page): the text stays on the page, out of the index.
_SEARCH_SKIP = re.compile(r"<!--jm:search-skip-->.*?<!--/jm:search-skip-->", re.S)


def headings(html: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the h2/h3 headings that carry an id, for a table of contents."""
    return [(int(level), ident,
             " ".join(html_lib.unescape(_TAG.sub("", _SMALL.sub("", text))).split()))
            for level, ident, text in _HEADING.findall(html)]


def search_view(html: str) -> str:
    """A page's HTML as a search index should read it: without the bracketed parts."""
    return _SEARCH_SKIP.sub("", html)
