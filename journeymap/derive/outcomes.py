"""What happened against the plan: how clients felt at each touchpoint, who stayed, and
whether the touchpoints were done on their dates.

All of it is internal (scores, quotes, reasons, on-time figures): the meet pages never read
this module.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Client, Journey, Workspace
from .schedule import Agenda, Occurrence

RETENTION_DAYS = (30, 60, 100, 365)


# ---- planned against actual feel ------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """A set of 1-5 answers: how many, their median and their middle half (quartiles)."""

    n: int
    median: float
    low: float  # first quartile (the lowest answer when fewer than two)
    high: float  # third quartile


def spread(values: Iterable[int]) -> Spread | None:
    found = sorted(values)
    if not found:
        return None
    if len(found) < 2:
        return Spread(1, float(found[0]), float(found[0]), float(found[0]))
    q1, _, q3 = statistics.quantiles(found, n=4, method="inclusive")
    return Spread(len(found), float(statistics.median(found)), q1, q3)


@dataclass(frozen=True)
class FeelFigure:
    touchpoint: str
    intended: int | None  # the touchpoint's `feel`
    actual: Spread | None  # None: no answers yet

    @property
    def gap(self) -> float | None:
        """Actual median less intended (negative: below the plan)."""
        if self.intended is None or self.actual is None:
            return None
        return self.actual.median - self.intended


def feel_figures(ws: Workspace, journey: Journey) -> list[FeelFigure]:
    """Per touchpoint of the journey, in day order, its answers from the journey's clients."""
    answers: dict[str, list[int]] = {tp.id: [] for tp in journey.touchpoints}
    for client in ws.clients.values():
        if client.journey != journey.id:
            continue
        for entry in client.feedback:
            if entry.touchpoint in answers:
                answers[entry.touchpoint].append(entry.feel)
    return [FeelFigure(tp.id, tp.feel, spread(answers[tp.id])) for tp in journey.touchpoints]


# ---- who stayed: Kaplan-Meier ----------------------------------------------------------------


@dataclass(frozen=True)
class RetentionPoint:
    day: int
    share: float | None  # the estimated share still with us after `day` days; None: no data
    at_risk: int  # clients followed for at least that long (what the figure rests on)


@dataclass(frozen=True)
class Retention:
    clients: int
    left: int
    steps: tuple[tuple[int, float], ...]  # (day, share just after it), where someone left
    points: tuple[RetentionPoint, ...]

    def at(self, day: int) -> RetentionPoint | None:
        return next((p for p in self.points if p.day == day), None)


def kaplan_meier(durations: list[tuple[int, bool]],
                 days: Iterable[int] = RETENTION_DAYS) -> Retention:
    """The Kaplan-Meier estimate of S(t), the share still with us after t days, from
    (days followed, left) pairs: a client who has not left is censored at the days followed
    so far, never counted as lost. S steps down at each day someone left by the share of
    those still followed that day who left then. The figure for a day beyond everyone's
    follow-up is unknown (None), as is any with nobody followed that long."""
    times = sorted({t for t, left in durations if left})
    share, steps = 1.0, []
    for t in times:
        at_risk = sum(1 for d, _ in durations if d >= t)
        gone = sum(1 for d, left in durations if left and d == t)
        share *= 1 - gone / at_risk
        steps.append((t, share))
    points = []
    longest = max((d for d, _ in durations), default=-1)
    for day in days:
        at_risk = sum(1 for d, _ in durations if d >= day)
        value = next((s for t, s in reversed(steps) if t <= day), 1.0)
        points.append(RetentionPoint(day, value if day <= longest and durations else None,
                                     at_risk))
    return Retention(len(durations), sum(1 for _, left in durations if left), tuple(steps),
                     tuple(points))


def followed(client: Client, as_of: dt.date) -> tuple[int, bool] | None:
    """(days since signing, left) as of a date; None for a client who has not signed yet."""
    if client.day_one > as_of:
        return None
    if client.left is not None and client.left.date <= as_of:
        return (client.left.date - client.day_one).days, True
    return (as_of - client.day_one).days, False


def retention(clients: Iterable[Client], as_of: dt.date) -> Retention:
    return kaplan_meier([f for c in clients if (f := followed(c, as_of)) is not None])


# ---- was the plan kept -------------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """Occurrences whose date has come: how many, how many done on time, and the median
    days late of those done (0 for one done on or before its date)."""

    due: int
    on_time: int
    done: int
    median_late: float | None

    @property
    def share(self) -> float | None:
        return self.on_time / self.due if self.due else None


def kept(occurrences: Iterable[Occurrence]) -> Kept:
    """Skipped, paused and undated occurrences and ones still to come do not count; missed
    and overdue ones count as due and not on time."""
    due = on_time = 0
    late: list[int] = []
    for o in occurrences:
        if o.date is None or o.status in ("skipped", "paused", "upcoming", "due", "undated"):
            continue
        due += 1
        if o.done_on is not None:
            days = max(0, (o.done_on - o.date).days)
            late.append(days)
            on_time += days == 0
    return Kept(due, on_time, len(late), statistics.median(late) if late else None)


@dataclass(frozen=True)
class PlanKept:
    by_touchpoint: dict[str, Kept]
    by_owner: dict[str, Kept]  # person id ("" for no one)
    by_stage: dict[str, Kept]
    # Client id -> what they had not had when they left, since signing (what was missed
    # before signing was missed at signing, not when they left).
    overdue_when_left: dict[str, list[Occurrence]]


def _journey_occurrences(ws: Workspace, journey: Journey, agenda: Agenda) -> list[Occurrence]:
    return [o for c in ws.clients.values() if c.journey == journey.id
            for o in agenda.schedules.get(c.id, [])]


def kept_by_touchpoint(ws: Workspace, journey: Journey, agenda: Agenda) -> dict[str, Kept]:
    """`plan_kept(...).by_touchpoint` alone (what lint asks, at every rebuild)."""
    tps: dict[str, list[Occurrence]] = {}
    for o in _journey_occurrences(ws, journey, agenda):
        tps.setdefault(o.touchpoint.id, []).append(o)
    return {tp.id: kept(tps[tp.id]) for tp in journey.touchpoints if tp.id in tps}


def plan_kept(ws: Workspace, journey: Journey, agenda: Agenda) -> PlanKept:
    """The plan-kept figures of one journey from its clients' schedules."""
    mine = _journey_occurrences(ws, journey, agenda)
    # One pass over a thousand clients' occurrences for the three groupings.
    tps: dict[str, list[Occurrence]] = {}
    owners: dict[str, list[Occurrence]] = {}
    stages: dict[str, list[Occurrence]] = {}
    for o in mine:
        tps.setdefault(o.touchpoint.id, []).append(o)
        owners.setdefault(o.owner or "", []).append(o)
        stages.setdefault(o.touchpoint.stage, []).append(o)
    by_touchpoint, by_owner, by_stage = ({name: kept(found) for name, found in group.items()}
                                         for group in (tps, owners, stages))
    left: dict[str, list[Occurrence]] = {}
    for client in sorted(ws.clients.values(), key=lambda c: c.id):
        if client.journey == journey.id and client.has_left(agenda.as_of):
            assert client.left is not None
            left[client.id] = [o for o in agenda.schedules.get(client.id, [])
                               if o.status == "missed" and o.date is not None
                               and client.day_one <= o.date < client.left.date]
    return PlanKept(
        {tp.id: by_touchpoint[tp.id] for tp in journey.touchpoints if tp.id in by_touchpoint},
        by_owner,
        {s.id: by_stage[s.id] for s in journey.stages if s.id in by_stage}, left)
