"""`journeymap diff [BASE [HEAD]]`: what a change means, as Markdown for a pull request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..derive.schedule import build_date
from .compare import Lint, compare
from .git import default_base, load_revision, repository
from .markdown import review_markdown


def _label(rev: str) -> str:
    return f"`{rev.replace('`', '')}`"


def diff_command(root: Path, source: str, base: str | None, head: str | None,
                 as_of: dt.date | None = None, lint: Lint | None = None) -> str:
    """`journeymap diff [BASE [HEAD]]`: the review of BASE → HEAD as Markdown.

    BASE defaults to the merge base with the main branch, HEAD to the working tree.
    """
    repository(root)  # a clear error outside a repository, before anything else
    if base is None:
        base_rev, base_label = default_base(root, head)
    else:
        base_rev, base_label = base, _label(base)
    head_label = _label(head) if head is not None else "the working tree"
    before = load_revision(root, source, base_rev)
    after = load_revision(root, source, head)
    review = compare(before.workspace, after.workspace, build_date(as_of), lint,
                     base_errors=before.errors, head_errors=after.errors,
                     base_label=base_label, head_label=head_label)
    return review_markdown(review)
