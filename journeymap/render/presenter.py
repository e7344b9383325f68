"""Lint findings placed on the journey map, for its presenter mode (the workshop view).

A finding is about a touchpoint, a stage, one of Coleman's phases or a run of quiet days
(`Problem.about`, set by derive.lint); one that says nothing of the kind is placed by its
position in the journey file, on the touchpoint or stage written there. Placing is pure
data: the template draws it, and presenter.js shows it only while presenting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..exceptions import Problem
from .map_layout import Column, JourneyMap


@dataclass(frozen=True)
class Band:
    """A run of quiet days across one column: `left` and `width` in percent of it."""

    left: float
    width: float
    message: str


@dataclass(frozen=True)
class MapMarks:
    cards: dict[str, list[Problem]] = field(default_factory=dict)  # touchpoint id -> findings
    stages: dict[str, list[Problem]] = field(default_factory=dict)
    bands: dict[str, list[Band]] = field(default_factory=dict)  # stage id -> its bands
    phases: dict[str, str] = field(default_factory=dict)  # a phase not served -> why it matters

    @property
    def count(self) -> int:
        return (sum(len(f) for f in self.cards.values()) + sum(len(f) for f in
                self.stages.values()) + len({b.message for bs in self.bands.values()
                                             for b in bs}) + len(self.phases))


def _band(column: Column, first: int, last: int, message: str) -> Band | None:
    """The part of days first..last that falls in the column's stage, if any."""
    stage = column.stage
    start, end = max(first, stage.start), min(last, stage.end)
    if start > end:
        return None
    left = column.across(column.x_of(start))
    right = column.across(column.x_of(end))
    if start == stage.start:
        left = 0.0  # the band runs on from the column before
    if end == stage.end:
        right = 100.0
    return Band(left, max(right - left, 1.0), message)


def map_marks(layout: JourneyMap, findings: Iterable[Problem]) -> MapMarks:
    journey = layout.journey
    marks = MapMarks(defaultdict(list), defaultdict(list), defaultdict(list), {})
    at_touchpoint = {(w.line, w.col): tp.id for tp in journey.touchpoints
                     for w in (tp.where, *tp.key_where.values())}
    at_stage = {(s.where.line, s.where.col): s.id for s in journey.stages}
    for problem in findings:
        if problem.path != journey.path:
            continue
        about: tuple[str, ...] = getattr(problem, "about", ())  # none from an older cache
        kind = about[0] if about else ""
        if kind == "days":
            first, last = int(about[1]), int(about[2])
            for column in layout.columns:
                band = _band(column, first, last, problem.message)
                if band is not None:
                    marks.bands[column.stage.id].append(band)
        elif kind == "phase":
            marks.phases[about[1]] = problem.message
        elif kind == "touchpoint" and journey.touchpoint(about[1]) is not None:
            marks.cards[about[1]].append(problem)
        elif (problem.line, problem.col) in at_touchpoint:
            marks.cards[at_touchpoint[problem.line, problem.col]].append(problem)
        elif (problem.line, problem.col) in at_stage:
            marks.stages[at_stage[problem.line, problem.col]].append(problem)
    return MapMarks(dict(marks.cards), dict(marks.stages), dict(marks.bands), marks.phases)
