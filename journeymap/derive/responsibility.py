"""Who does what: roles and people against touchpoints, totals, and each person's weekly load.

A role's part in a touchpoint comes straight from the journey. A person's part comes through
the clients they serve: Alex owns "Day 30 review" once for every client where Alex is the lead.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..model import Journey, Touchpoint, Workspace
from ..vocabulary import PART_VERBS
from .schedule import Agenda, Occurrence

# The matrix names parts by their verb (vocabulary.PART_VERBS), strongest first.
PARTS = tuple(PART_VERBS.values())


@dataclass
class PartCounts:
    """How many times someone owns, supports or is informed of a touchpoint (one per client)."""

    owns: int = 0
    supports: int = 0
    informed: int = 0

    def add(self, part: str, count: int = 1) -> None:
        setattr(self, part, getattr(self, part) + count)

    @property
    def total(self) -> int:
        return self.owns + self.supports + self.informed

    @property
    def main(self) -> str | None:
        """The strongest part, for a matrix cell: owns > supports > informed."""
        return next((part for part in PARTS if getattr(self, part)), None)


def parts_of(tp: Touchpoint) -> list[tuple[str, str]]:
    """(owns / supports / informed, reference) for each person or role in a touchpoint."""
    return [(PART_VERBS[part], ref) for part, ref in tp.parts]


@dataclass
class Matrix:
    """One journey's touchpoints against its roles and the people involved."""

    journey: Journey
    roles: list[str]
    people: list[str]  # person ids, by name
    cells: dict[tuple[str, str], PartCounts] = field(default_factory=dict)

    def cell(self, touchpoint_id: str, who: str) -> PartCounts:
        return self.cells.get((touchpoint_id, who), PartCounts())


def matrix(ws: Workspace, journey: Journey) -> Matrix:
    clients = [c for c in ws.clients.values() if c.journey == journey.id]
    # How many of the journey's clients each person serves in each role, counted once.
    serving = {role: Counter(person for c in clients if (person := c.team.get(role)) is not None)
               for role in journey.roles}
    cells: dict[tuple[str, str], PartCounts] = {}
    people: set[str] = set()
    for tp in journey.touchpoints:
        for part, ref in parts_of(tp):
            if ref in journey.roles:
                cells.setdefault((tp.id, ref), PartCounts()).add(part)
                for person, count in serving[ref].items():
                    cells.setdefault((tp.id, person), PartCounts()).add(part, count)
                    people.add(person)
            elif ref in ws.people:
                # Named directly: that person does it for every client (or once, with none).
                cells.setdefault((tp.id, ref), PartCounts()).add(part, max(len(clients), 1))
                people.add(ref)
    ordered = sorted(people, key=lambda p: (ws.people[p].name.lower(), p))
    return Matrix(journey, list(journey.roles), ordered, cells)


@dataclass(frozen=True)
class Load:
    """What each person owns and has still to do, week by week from the build date's week."""

    weeks: tuple[dt.date, ...]  # Mondays
    owned: dict[str, tuple[tuple[Occurrence, ...], ...]]  # person id -> occurrences per week

    @property
    def counts(self) -> dict[str, tuple[int, ...]]:
        return {p: tuple(len(week) for week in weeks) for p, weeks in self.owned.items()}

    def peak(self, person_id: str) -> int:
        return max((len(week) for week in self.owned.get(person_id, ())), default=0)


def weekly_load(ws: Workspace, agenda: Agenda, weeks: int = 12) -> Load:
    monday = agenda.as_of - dt.timedelta(days=agenda.as_of.weekday())
    starts = tuple(monday + dt.timedelta(weeks=w) for w in range(weeks))
    owned: dict[str, list[list[Occurrence]]] = {p: [[] for _ in range(weeks)] for p in ws.people}
    for schedule in agenda.schedules.values():
        for o in schedule:
            # What is still to do: not done, skipped, missed, nor in a pause.
            if o.date is None or o.owner not in owned or o.status not in ("overdue", "due",
                                                                          "upcoming"):
                continue
            week = (o.date - monday).days // 7
            if 0 <= week < weeks:
                owned[o.owner][week].append(o)
    return Load(starts, {p: tuple(tuple(w) for w in ws_) for p, ws_ in owned.items()})


def totals(ws: Workspace, agenda: Agenda) -> dict[str, PartCounts]:
    """Each person's part in every client's schedule: occurrences owned, supported, informed."""
    found = {person: PartCounts() for person in ws.people}
    for client_id, schedule in agenda.schedules.items():
        client = ws.clients[client_id]
        journey = ws.journeys[client.journey]
        for o in schedule:
            for part, ref in parts_of(o.touchpoint):
                person = ws.resolve(journey, ref, client)
                if person in found:
                    found[person].add(part)
    return found
