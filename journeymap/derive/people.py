"""People's derived data: who takes part in what, whom they serve, what they have to do, and
each client's first hundred days as a checklist.

Every person's page asks who they serve, what they take part in and what is due: `People`
answers all of them from indexes built in one pass over the clients, not one pass per
person (a thousand clients' workspace has a hundred people).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Client, Journey, Touchpoint, Workspace
from ..vocabulary import date_name
from .schedule import Agenda, Occurrence, taking_part, touchpoint_occurrences

# person id -> (occurrence, their strongest part in it), in the order of the schedules
Participation = dict[str, list[tuple[Occurrence, str]]]


def clients_by_name(ws: Workspace) -> list[Client]:
    """The clients in the order every list shows them: by name, then id."""
    return sorted(ws.clients.values(), key=lambda c: (c.name.lower(), c.id))


def client_participation(ws: Workspace, agenda: Agenda, client_id: str) -> Participation:
    """Who takes part in a client's occurrences, with their part in each (worked out once per
    schedule: the agenda keeps it)."""
    kept = agenda.participation.get(client_id)
    if kept is not None:
        return kept
    client = ws.clients[client_id]
    journey = ws.journeys[client.journey]
    found: Participation = {}
    for occurrence in agenda.schedules[client_id]:
        # A person who owns and is informed shows as owner.
        for person, part in taking_part(ws, journey, client, occurrence):
            found.setdefault(person, []).append((occurrence, part))
    agenda.participation[client_id] = found
    return found


def participation_by_person(ws: Workspace, agenda: Agenda) -> Participation:
    """Each person's occurrences and their part in each, in one pass over every schedule."""
    found: Participation = {p: [] for p in ws.people}
    for client_id in sorted(agenda.schedules):
        for person, held in client_participation(ws, agenda, client_id).items():
            found[person].extend(held)
    return found


@dataclass(frozen=True)
class Involvement:
    """A person's part in a touchpoint: through a role (`via` its label) or by name."""

    journey: Journey
    touchpoint: Touchpoint
    part: str  # owner, support or informed
    via: str  # the role's label; "" when the touchpoint names the person
    clients: tuple[Client, ...]  # the clients it concerns them for
    every: bool  # for every client on the journey


# journey id -> role -> person id -> the clients they serve in that role, by name
Served = dict[str, dict[str, dict[str, tuple[Client, ...]]]]


class People:
    """Each person's part in a workspace's clients and touchpoints, as of an agenda."""

    def __init__(self, ws: Workspace, agenda: Agenda, clients: list[Client] | None = None):
        self.ws = ws
        self.agenda = agenda
        self.clients = clients if clients is not None else clients_by_name(ws)
        self._served: Served | None = None
        self._participation: Participation | None = None
        self._roles: dict[str, list[tuple[Client, str]]] | None = None
        self._clients_of: dict[str, set[str]] | None = None

    def served(self) -> Served:
        if self._served is None:
            index: dict[str, dict[str, dict[str, list[Client]]]] = {}
            for client in self.clients:
                roles = index.setdefault(client.journey, {})
                for role, person_id in client.team.items():
                    roles.setdefault(role, {}).setdefault(person_id, []).append(client)
            self._served = {j: {r: {p: tuple(cs) for p, cs in people.items()}
                                for r, people in roles.items()}
                            for j, roles in index.items()}
        return self._served

    def participation(self) -> Participation:
        if self._participation is None:
            self._participation = participation_by_person(self.ws, self.agenda)
        return self._participation

    def involvement(self, person_id: str) -> list[Involvement]:
        """Every touchpoint a person owns, supports or hears of: through a role or by name."""
        found = []
        served_by_role = self.served()
        for journey in sorted(self.ws.journeys.values(), key=lambda j: j.title):
            on_it = tuple(c for c in self.clients if c.journey == journey.id)
            served_in = served_by_role.get(journey.id, {})
            for tp in journey.touchpoints:
                for part, ref in tp.parts:
                    if ref == person_id:
                        found.append(Involvement(journey, tp, part, "", on_it, True))
                    elif ref in journey.roles:
                        served = served_in.get(ref, {}).get(person_id, ())
                        if served:
                            found.append(Involvement(journey, tp, part, journey.roles[ref],
                                                     served, served == on_it))
        return found

    def to_do(self, person_id: str, days: int = 14) -> list[tuple[Occurrence, str]]:
        """What a person owns or supports that is overdue or due in the next `days` days."""
        as_of = self.agenda.as_of
        end = as_of + dt.timedelta(days=days)
        found = [(o, part) for o, part in self.participation().get(person_id, [])
                 if part in ("owner", "support") and o.date is not None and o.date < end
                 and o.status in ("overdue", "due", "upcoming")
                 and (o.status == "overdue" or o.date >= as_of)]
        return sorted(found, key=lambda x: (x[0].date or dt.date.max, x[0].client.name))

    def roles_of(self, person_id: str) -> list[tuple[Client, str]]:
        """(client, role label) for each client this person serves."""
        if self._roles is None:
            self._roles = {}
            for client in self.clients:
                journey = self.ws.journeys[client.journey]
                for role, who in client.team.items():
                    self._roles.setdefault(who, []).append(
                        (client, journey.roles.get(role, role)))
        return list(self._roles.get(person_id, []))

    def clients_of(self, person_id: str) -> set[str]:
        """The ids of the clients a person serves or takes part in the touchpoints of."""
        if self._clients_of is None:
            self._clients_of = {p: set() for p in self.ws.people}
            for held_by, held in self.participation().items():
                self._clients_of[held_by].update(o.client.id for o, _ in held)
            for client in self.ws.clients.values():
                for member in client.team.values():
                    self._clients_of.setdefault(member, set()).add(client.id)
        return self._clients_of.get(person_id, set())


@dataclass(frozen=True)
class PlanItem:
    """One line of a handoff packet's checklist."""

    occurrence: Occurrence
    overdue: bool
    helpers: tuple[str, ...]  # person ids of the supporters
    uses: tuple[tuple[str, str | None], ...]  # (preference, value or None: to ask)


def plan(ws: Workspace, client: Client, as_of: dt.date, last_day: int = 100) -> list[PlanItem]:
    """The client's first `last_day` days as a dated checklist (first-year dates)."""
    journey = ws.journeys[client.journey]
    items = []
    for tp in journey.touchpoints:
        owner = ws.resolve(journey, tp.owner, client)
        # As of day one: an `on:` date shows its first occurrence, not this year's.
        for o in touchpoint_occurrences(client, journey, tp, owner, client.day_one, ws.week):
            if o.date is None or not 1 <= client.day_number(o.date) <= last_day:
                continue
            helpers = tuple(p for ref in tp.support if (p := ws.resolve(journey, ref, client)))
            uses = tuple((key, o.preference(key)) for key in tp.uses)
            late = o.done_on is None and o.skipped is None and o.date < as_of
            items.append(PlanItem(o, late, helpers, uses))
    return sorted(items, key=lambda i: (i.occurrence.date or dt.date.max,
                                        i.occurrence.touchpoint.sort_key))


def to_ask(journey: Journey, client: Client) -> list[str]:
    """Dates and preferences the journey needs that the client record lacks, in words."""
    missing = [tp.on for tp in journey.touchpoints if tp.on and not client.has_date(tp.on)]
    missing += [k for tp in journey.touchpoints for k in tp.uses if k not in client.preferences]
    return sorted({date_name(key) for key in missing if key})
