"""The pages of the internal site: which there are, what each is made with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Client, Workspace
from ..vocabulary import Words, capitalized

# Pages made from one client alone, and so kept between builds while the client is unchanged.
ONE_CLIENT_TEMPLATES = ("client.html", "packet.html")
# Pages made from every client, but from nothing a journey's map alone shows (the planned
# feel of its touchpoints) nor from the lint findings (the journey page's): kept between
# builds while no record they are made from changes (see recipes.py).
EVERY_CLIENT_TEMPLATES = ("home.html", "clients.html", "team.html", "responsibilities.html",
                          "plan_kept.html")
# The home page lists at most this many overdue and due touchpoints, and lists the clients
# only up to this many: with hundreds of clients it would be megabytes long, and the full
# lists are each person's and client's own.
HOME_ROWS = 50


@dataclass(frozen=True)
class Page:
    """One page of the site: `key` is its path without suffix, e.g. ``clients/acme-bakery``."""

    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def src_uri(self) -> str:
        return self.key + ".md"


def site_pages(ws: Workspace, clients: list[Client], words: Words | None = None) -> list[Page]:
    """Every page, in the order of the site: the home, the journeys, the clients (`clients`,
    in the order they are listed), the team and each person; titled in the site's `words`."""
    words = words or Words()
    pages = [Page("index", "Home", "home.html", {"rows": HOME_ROWS})]
    for journey in sorted(ws.journeys.values(), key=lambda j: j.title):
        pages.append(Page(f"journeys/{journey.id}", journey.title, "journey.html",
                          {"journey": journey}))
    pages.append(Page("clients/index", capitalized(words.clients), "clients.html"))
    for client in clients:
        pages += client_pages(client)
    pages.append(Page("team/index", "Team", "team.html"))
    pages.append(Page("team/responsibilities", "Who does what", "responsibilities.html"))
    pages.append(Page("plan-kept", "Was the plan kept?", "plan_kept.html"))
    return pages + person_pages(ws)


def client_pages(client: Client) -> list[Page]:
    """A client's own pages: their page, and the handoff packet."""
    return [Page(f"clients/{client.id}", client.name, "client.html", {"client": client}),
            Page(f"clients/{client.id}/handoff", f"Handoff: {client.name}", "packet.html",
                 {"client": client})]


def person_pages(ws: Workspace) -> list[Page]:
    return [Page(f"team/{person.id}", person.name, "person.html", {"member": person})
            for person in sorted(ws.people.values(), key=lambda p: (p.name, p.id))]
