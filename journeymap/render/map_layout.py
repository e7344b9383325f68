"""The journey map's layout: stage columns, card lanes, the emotion curve, phase coverage.

Pure geometry in percentages, and the map needs no JavaScript. Columns are sized by their day
windows, but on a compressed scale: a strictly proportional map would squeeze the first week
(7 days, the most important ones) into a sliver beside the yearly stage (165 days).

The emotion curve is drawn in pieces, one in each stage's column: every piece shows the whole
curve through a window onto its stage's share of it (`Column.view_box`), and places its points
across its own column. So the curve keeps to its columns however wide the browser makes them
(a column is never narrower than its longest word) and whichever way they are laid out (side by
side, or stacked on a phone), and the pieces of neighbouring columns meet where they touch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Journey, Stage, Touchpoint
from ..vocabulary import PHASES
from . import palette
from .palette import NEUTRAL

PERSON_COLOUR = NEUTRAL[1]  # a touchpoint owned by a named person rather than a role
# How a stage's width is made up: a part shared equally, a part that grows with the square
# root of its days, and a part that follows how many cards it holds.
EQUAL_SHARE, DAYS_SHARE, CARDS_SHARE = 0.35, 0.35, 0.3
MIN_POINT_GAP = 1.8  # percent of the map's width between neighbouring points of the curve
CURVE_TOP, CURVE_BOTTOM = 14.0, 86.0  # feel 5 and feel 1, in percent of the curve's height
COLUMN_PAD = 0.1  # keep curve points off the column edges (fraction of the column)


@dataclass(frozen=True)
class Column:
    """A stage as a column of the map: `left` and `width` in percent of the map's width."""

    stage: Stage
    left: float
    width: float
    cards: tuple[Touchpoint, ...]

    @property
    def view_box(self) -> str:
        """The SVG viewBox of this column's piece of the curve: its share of the 1000 x 100
        box the whole curve is drawn in."""
        return f"{self.left * 10:.3f} 0 {self.width * 10:.3f} 100"

    @property
    def right(self) -> float:
        return self.left + self.width

    def across(self, x: float) -> float:
        """A point `x` percent across the map, in percent across this column."""
        return (x - self.left) / self.width * 100 if self.width else 50.0

    def x_of(self, day: int) -> float:
        """Where a day lies across the column, in percent of the whole map."""
        span = self.stage.end - self.stage.start
        fraction = (day - self.stage.start) / span if span else 0.5
        inner = self.width * (1 - 2 * COLUMN_PAD)
        return self.left + self.width * COLUMN_PAD + inner * min(max(fraction, 0.0), 1.0)


@dataclass(frozen=True)
class CurvePoint:
    """A touchpoint with a `feel` on the emotion curve: x, y in percent (y from the top)."""

    touchpoint: Touchpoint
    stage: str
    x: float
    y: float

    @property
    def feel(self) -> int:
        assert self.touchpoint.feel is not None
        return self.touchpoint.feel


@dataclass(frozen=True)
class PhaseCoverage:
    """One of Coleman's eight phases: the touchpoints in it and the stages that name it."""

    phase: str
    touchpoints: tuple[Touchpoint, ...]
    stages: tuple[Stage, ...]

    @property
    def empty(self) -> bool:
        return not self.touchpoints


@dataclass(frozen=True)
class JourneyMap:
    journey: Journey
    columns: tuple[Column, ...]
    points: tuple[CurvePoint, ...]
    coverage: tuple[PhaseCoverage, ...]
    role_colours: dict[str, str]

    @property
    def grid_columns(self) -> str:
        """The CSS `grid-template-columns` of the stages: each its share of the width, but
        never narrower than its content's longest word (`min-content`); the map's stylesheet
        sets a narrowest column too (`--jm-col-min`)."""
        return " ".join(f"minmax(min-content, {c.width:.3f}fr)" for c in self.columns)

    def points_in(self, column: Column) -> tuple[CurvePoint, ...]:
        return tuple(p for p in self.points if p.stage == column.stage.id)

    @property
    def curve_path(self) -> str:
        """The curve as an SVG path in a 1000 x 100 box (x scaled from percent)."""
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x * 10:.1f} {p.y:.1f}"
                        for i, p in enumerate(self.points))

    @property
    def curve_area(self) -> str:
        """The curve closed down to its baseline, for a soft fill under the line."""
        if not self.points:
            return ""
        first, last = self.points[0], self.points[-1]
        return (f"{self.curve_path} L{last.x * 10:.1f} 100 L{first.x * 10:.1f} 100 Z")

    def colour_of(self, owner: str) -> str:
        return self.role_colours.get(owner, PERSON_COLOUR)


def role_colours(journey: Journey) -> dict[str, str]:
    """A colour per role: the line colour the diagrams give it, so map and flow agree."""
    return {role: line for role, (_, line) in palette.role_colours(journey).items()}


def column_widths(stages: tuple[Stage, ...], cards: list[int]) -> list[float]:
    """Each stage's share of the map's width, in percent."""
    if not stages:
        return []
    roots = [math.sqrt(s.end - s.start + 1) for s in stages]
    n, total_cards = len(stages), sum(cards)
    return [
        100 * (EQUAL_SHARE / n + DAYS_SHARE * root / sum(roots)
               + CARDS_SHARE * (count / total_cards if total_cards else 1 / n))
        for root, count in zip(roots, cards, strict=True)
    ]


def spread(xs: list[float], low: float, high: float) -> list[float]:
    """Nudge sorted positions apart so that neighbouring points do not hide each other."""
    if not xs:
        return []
    gap = min(MIN_POINT_GAP, (high - low) / max(len(xs) - 1, 1))
    out = list(xs)
    for i in range(1, len(out)):
        out[i] = max(out[i], out[i - 1] + gap)
    out[-1] = min(out[-1], high)
    for i in range(len(out) - 2, -1, -1):
        out[i] = min(out[i], out[i + 1] - gap)
    return out


def feel_y(feel: float) -> float:
    return CURVE_BOTTOM - (feel - 1) / 4 * (CURVE_BOTTOM - CURVE_TOP)


def coverage(journey: Journey) -> tuple[PhaseCoverage, ...]:
    return tuple(
        PhaseCoverage(
            phase,
            tuple(t for t in journey.touchpoints if t.phase == phase),
            tuple(s for s in journey.stages if phase in s.phases),
        )
        for phase in PHASES
    )


def journey_map(journey: Journey) -> JourneyMap:
    columns: list[Column] = []
    left = 0.0
    cards = [journey.in_stage(stage.id) for stage in journey.stages]
    widths = column_widths(journey.stages, [len(c) for c in cards])
    for stage, width, held in zip(journey.stages, widths, cards, strict=True):
        columns.append(Column(stage, left, width, tuple(held)))
        left += width
    points: list[CurvePoint] = []
    for column in columns:
        felt = [tp for tp in column.cards if tp.feel is not None]
        low = column.left + column.width * COLUMN_PAD
        high = column.left + column.width * (1 - COLUMN_PAD)
        xs = spread([column.x_of(tp.order) for tp in felt], low, high)
        points += [CurvePoint(tp, column.stage.id, x, feel_y(tp.feel))
                   for tp, x in zip(felt, xs, strict=True) if tp.feel is not None]
    return JourneyMap(journey, tuple(columns), tuple(points), coverage(journey),
                      role_colours(journey))
