"""Who does what: roles and people against touchpoints, totals, and each person's weekly load.

A role's part in a touchpoint comes straight from the journey. A person's part comes through
the clients they serve: Alex owns "Day 30 review" once for every client where Alex is the lead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .model import Journey, Touchpoint, Workspace
from .schedule import Agenda

PARTS = ("owns", "supports", "informed")


@dataclass
class Involvement:
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
    """(part, reference) for the owner, each supporter and each one informed."""
    return ([("owns", tp.owner)] + [("supports", r) for r in tp.support]
            + [("informed", r) for r in tp.informed])


@dataclass
class Matrix:
    """One journey's touchpoints against its roles and the people involved."""

    journey: Journey
    roles: list[str]
    people: list[str]  # person ids, by name
    cells: dict[tuple[str, str], Involvement] = field(default_factory=dict)

    def cell(self, touchpoint_id: str, who: str) -> Involvement:
        return self.cells.get((touchpoint_id, who), Involvement())


def matrix(ws: Workspace, journey: Journey) -> Matrix:
    clients = [c for c in ws.clients.values() if c.journey == journey.id]
    cells: dict[tuple[str, str], Involvement] = {}
    people: set[str] = set()
    for tp in journey.touchpoints:
        for part, ref in parts_of(tp):
            if ref in journey.roles:
                cells.setdefault((tp.id, ref), Involvement()).add(part)
                for client in clients:
                    if (person := client.team.get(ref)) is not None:
                        cells.setdefault((tp.id, person), Involvement()).add(part)
                        people.add(person)
            elif ref in ws.people:
                # Named directly: that person does it for every client (or once, with none).
                cells.setdefault((tp.id, ref), Involvement()).add(part, max(len(clients), 1))
                people.add(ref)
    ordered = sorted(people, key=lambda p: (ws.people[p].name.lower(), p))
    return Matrix(journey, list(journey.roles), ordered, cells)


@dataclass(frozen=True)
class Load:
    """A person's owned occurrences per week, from the week of the build date on."""

    weeks: tuple[dt.date, ...]  # Mondays
    counts: dict[str, tuple[int, ...]]  # person id -> one count per week

    def peak(self, person_id: str) -> int:
        return max(self.counts.get(person_id, (0,)), default=0)


def weekly_load(ws: Workspace, agenda: Agenda, weeks: int = 12) -> Load:
    monday = agenda.as_of - dt.timedelta(days=agenda.as_of.weekday())
    starts = tuple(monday + dt.timedelta(weeks=w) for w in range(weeks))
    counts = {person: [0] * weeks for person in ws.people}
    for schedule in agenda.schedules.values():
        for o in schedule:
            if o.date is None or o.owner not in counts or o.status == "done":
                continue
            week = (o.date - monday).days // 7
            if 0 <= week < weeks:
                counts[o.owner][week] += 1
    return Load(starts, {p: tuple(c) for p, c in counts.items()})


def totals(ws: Workspace, agenda: Agenda) -> dict[str, Involvement]:
    """Each person's part in every client's schedule: occurrences owned, supported, informed."""
    found = {person: Involvement() for person in ws.people}
    for client_id, schedule in agenda.schedules.items():
        client = ws.clients[client_id]
        journey = ws.journeys[client.journey]
        for o in schedule:
            for part, ref in parts_of(o.touchpoint):
                person = ws.resolve(journey, ref, client)
                if person in found:
                    found[person].add(part)
    return found
