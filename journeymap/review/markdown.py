"""A review as Markdown, for a pull request's comment: stable for the same input."""

from __future__ import annotations

import datetime as dt

from ..exceptions import Problem
from .compare import NO_CHANGES, Change, JourneyReview, Review, count
from .escape import code, md


def _problem(p: Problem) -> str:
    prefix = "warning: " if p.severity == "warning" else ""
    suffix = f" ({code(p.rule)})" if p.rule else ""
    return f"- {code(f'{p.path}:{p.line}')}: {prefix}{md(p.message)}{suffix}"


def _bullets(changes: list[Change]) -> list[str]:
    """One bullet per subject, its changes joined in order."""
    lines: list[str] = []
    for subject, details in _grouped(changes):
        lines.append(f"- {subject}: {'; '.join(details)}")
    return lines


def _grouped(changes: list[Change]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for c in changes:
        groups.setdefault(c.subject, []).append(c.detail)
    return list(groups.items())


def _journey_markdown(j: JourneyReview, as_of: dt.date) -> list[str]:
    out = [f"#### {md(j.title)} `{j.id}`", ""]
    if j.status != "changed":
        out += [f"Journey {j.status}: {j.summary}.", ""]
        return out
    if j.journey:
        out += [*_bullets(j.journey), ""]
    if j.stages:
        out += ["**Stages**", "", *_bullets(j.stages), ""]
    if j.touchpoints:
        out += ["| Touchpoint | What changed |", "| --- | --- |"]
        out += [f"| {s} | {'; '.join(d)} |" for s, d in _grouped(j.touchpoints)]
        out.append("")
    if j.curve:
        out += ["**Emotion curve** (one mark per touchpoint with a feel, in day order; "
                "│ between stages; ▁ 1 … █ 5)", "", "```text",
                f"before {j.curve[0]}", f"after  {j.curve[1]}", "```", ""]
    if j.impacts:
        out += [f"**What this means for clients** (as of {as_of})", "",
                "| Touchpoint | Change | Schedules that change | Nearest affected date |",
                "| --- | --- | --- | --- |"]
        for i in j.impacts:
            where = "–"
            if i.nearest is not None:
                late = ", overdue" if i.nearest < as_of else ""
                where = f"{i.nearest} ({md(i.nearest_client or '')}{late})"
            out.append(f"| {i.subject} | {i.change} | {len(i.clients)} of "
                       f"{count(i.of, 'client', 'clients')} | {where} |")
        out.append("")
    return out


def review_markdown(review: Review) -> str:
    """The review as Markdown for a pull-request comment; stable for the same input."""
    out = [f"### Journey review: {review.base_label} → {review.head_label}", ""]
    for errors, side, label in ((review.base_errors, "base", review.base_label),
                                (review.head_errors, "head", review.head_label)):
        if errors:
            out += [f"**The {side} ({label}) has {count(len(errors), 'error', 'errors')}**; "
                    "this review compares what loaded:", "", *map(_problem, errors), ""]
    if review.empty:
        out.append(NO_CHANGES)
        return "\n".join(out) + "\n"
    out += [f"**{', '.join(review.headline())}.**", ""]
    for j in review.journeys:
        out += _journey_markdown(j, review.as_of)
    if review.people:
        out += ["#### Team", "", *_bullets(review.people), ""]
    if review.clients:
        out += ["#### Clients", "", *_bullets(review.clients), ""]
    if review.lint_added or review.lint_fixed:
        out += ["#### Lint", ""]
        if review.lint_added:
            out += ["New findings:", "", *map(_problem, review.lint_added), ""]
        if review.lint_fixed:
            out += ["Fixed:", "", *map(_problem, review.lint_fixed), ""]
    return "\n".join(out).rstrip("\n") + "\n"
