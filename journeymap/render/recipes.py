"""What each output is made from, as a recipe: the hash of its inputs.

An output whose recipe is unchanged is taken from the cache (and, in a rebuild, left as it is
in the site), so a recipe must hold everything the output shows: a client's pages are made
from the client's record, their journey (but for the planned feel of the touchpoints they did
not answer), the people their pages name, and what every page of the build shares (the date,
the site's paths, the meet pages' secret, the templates).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ..cache import Fingerprints, recipe
from ..model import Business, Client, Person, Workspace
from .env import templates_digest
from .pages import EVERY_CLIENT_TEMPLATES, ONE_CLIENT_TEMPLATES, Page
from .paths import SitePaths


class Recipes:
    """The recipes of one build's outputs, each worked out once."""

    def __init__(self, ws: Workspace, as_of: dt.date, paths: SitePaths, settings: object,
                 theme_dir: Path | None, fingerprints: Fingerprints | None = None,
                 clients_of: Callable[[str], set[str]] | None = None,
                 clients_on: Callable[[str], int] | None = None,
                 business: Business | None = None) -> None:
        """`settings`: what else every page shows (the meet pages' secret, the site's words,
        what stands for the PDFs where the build makes none);
        `fingerprints`: the loader's names for the records it read (their files' hashes);
        `clients_of(person)`: the clients a person's page shows; `clients_on(journey)`: how
        many clients a journey has; `business`: what the meet pages say of the business."""
        self.ws, self.as_of, self.paths, self.settings = ws, as_of, paths, settings
        self.theme_dir = theme_dir
        self.business = business
        self.fingerprints = fingerprints or Fingerprints()
        self._clients_of = clients_of or (lambda person: set())
        self._clients_on = clients_on or (lambda journey: sum(
            c.journey == journey for c in ws.clients.values()))
        self._journeys_shown: dict[str, str] = {}
        self._journey_feels: dict[str, dict[str, int | None]] = {}
        self._clients: dict[str, str] = {}
        self._people: dict[str, str] = {}
        self._named: dict[str, set[str]] = {}
        self._shared: str | None = None
        self._everyone: str | None = None
        self._journeys: str | None = None

    def page(self, page: Page) -> str | None:
        """What a page is made from: for a client's pages, a person's, and the pages made
        from every client (the home page, the lists); else None (the journey's pages, which
        show its map and findings, are made again every build)."""
        client = page.context.get("client")
        if isinstance(client, Client) and page.template in ONE_CLIENT_TEMPLATES:
            return recipe("page", page.key, page.template, self.client(client))
        member = page.context.get("member")
        if isinstance(member, Person) and page.template == "person.html":
            return self.person_page(page, member.id)
        if page.template in EVERY_CLIENT_TEMPLATES and not any(
                isinstance(v, (Client, Person)) for v in page.context.values()):
            return recipe("every-client-page", page.key, page.template, page.context,
                          self.everyone(), self.build())
        return None

    def everyone(self) -> str:
        """Every record a page made from all of them shows: each client (by the file it was
        read from), each journey as its clients' pages show it (without its curve), each
        person; the dates and statuses of every schedule follow from these and the build."""
        if self._everyone is None:
            self._everyone = recipe(
                sorted((c.id, self.fingerprints.of(c)) for c in self.ws.clients.values()),
                sorted((j, self.journey_shown(j)) for j in self.ws.journeys),
                sorted((p, self.person(p)) for p in self.ws.people))
        return self._everyone

    def person_page(self, page: Page, person_id: str) -> str:
        """A person's page shows their record, the clients they serve or take part in the
        touchpoints of, and the journeys (with how many clients each has)."""
        clients = sorted(self.client(self.ws.clients[c]) for c in self._clients_of(person_id))
        if self._journeys is None:  # the same for every person (counting clients is not free)
            self._journeys = recipe(sorted((j, self.journey_shown(j), self._clients_on(j))
                                           for j in self.ws.journeys))
        return recipe("person-page", page.key, page.template, self.person(person_id),
                      clients, self._journeys, self.build())

    def meet(self, client: Client) -> str:
        """A meet page also shows the business, its logo drawn from the file."""
        return recipe("meet", self.client(client), self.business_details())

    def business_details(self) -> tuple[Business | None, tuple[int, int] | None]:
        logo = self.business.logo if self.business else None
        try:
            stat = logo.stat() if logo else None
        except OSError:  # gone since it was checked: the page says so when made
            stat = None
        return self.business, (stat.st_mtime_ns, stat.st_size) if stat else None

    def journey_shown(self, journey_id: str) -> str:
        """What the pages of its clients and the team's take from a journey: all of it but
        its touchpoints' planned feel and emotion, the map's curve, which only the journey's
        own pages show (and a client's page beside the answers they gave: see `client`).
        Dragging a point of the curve in the workshop then remakes the map, not a thousand
        clients' pages and calendars."""
        if journey_id not in self._journeys_shown:
            journey = self.ws.journeys[journey_id]
            without = tuple(dataclasses.replace(tp, feel=None, emotion=None)
                            for tp in journey.touchpoints)
            self._journeys_shown[journey_id] = recipe(
                dataclasses.replace(journey, touchpoints=without))
        return self._journeys_shown[journey_id]

    def _feels(self, journey_id: str) -> dict[str, int | None]:
        if journey_id not in self._journey_feels:
            self._journey_feels[journey_id] = {
                tp.id: tp.feel for tp in self.ws.journeys[journey_id].touchpoints}
        return self._journey_feels[journey_id]

    def person(self, person_id: str) -> str:
        if person_id not in self._people:
            person = self.ws.people.get(person_id)
            photo = person.photo.stat() if person and person.photo else None
            self._people[person_id] = recipe(
                person, (photo.st_mtime_ns, photo.st_size) if photo else None)
        return self._people[person_id]

    def client(self, client: Client) -> str:
        """Everything a client's own pages and files are made from."""
        if client.id not in self._clients:
            # Everyone the client's pages name: the team, and people the journey names itself.
            shown = set(client.team.values()) | self._named_in(client.journey)
            team = [self.person(p) for p in sorted(shown)]
            # The planned feel of what they answered, shown beside each answer.
            feels = self._feels(client.journey)
            planned = [(f.touchpoint, feels.get(f.touchpoint)) for f in client.feedback
                       if f.touchpoint]
            self._clients[client.id] = recipe(
                self.fingerprints.of(client), self.journey_shown(client.journey), planned,
                team, self.build())
        return self._clients[client.id]

    def _named_in(self, journey_id: str) -> set[str]:
        """The people a journey names directly (not through a role) as owner, support or
        informed."""
        if journey_id not in self._named:
            named = self.ws.journeys[journey_id].named_directly()
            self._named[journey_id] = {ref for ref in named if ref in self.ws.people}
        return self._named[journey_id]

    def build(self) -> str:
        """What every client's outputs share: the date, the site's working week (its dates
        follow it), the paths, the settings, the templates."""
        if self._shared is None:
            self._shared = recipe(self.as_of, self.ws.week, self.paths, self.settings,
                                  templates_digest(self.theme_dir))
        return self._shared
