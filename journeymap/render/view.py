"""What templates see: the names every page is rendered with, and `view`, the object whose
methods they call (`view.stage_of(client)`, `view.diagram(journey, "flow")`...).

Teams override templates, so these names are part of journeymap's surface: a method may
change how it works out its answer, never its name or what it answers. The answers come from
the derived data (`derive/`); the view only puts them in the words and shapes pages use.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup

from ..derive import outcomes, responsibility
from ..derive import people as people_data
from ..derive.people import Involvement, People, PlanItem, clients_by_name
from ..derive.schedule import Agenda, Occurrence, agenda, stage_name
from ..exceptions import Problem
from ..model import Client, Feedback, Journey, Person, Touchpoint, Workspace, when_in_words
from ..vocabulary import STATUS_LABELS, Words, count
from .diagrams import SiteDiagrams
from .map_layout import JourneyMap, feel_y, journey_map
from .pages import Page
from .paths import SitePaths, meet_path, photo_path
from .presenter import MapMarks, map_marks

SHORT_LABEL = 20  # characters: what a map card's line holds beside "Day -45"
# Words a cut label should not end on ("Partnerships and…" says less than "Partnerships…").
_DANGLING = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to",
                       "with", "&", "+", "/", "-", "–"})


def short_label(text: str, limit: int = SHORT_LABEL) -> str:
    """`text` if it has at most `limit` characters, else its first whole words (a hyphen ends
    a word too) that fit, with an ellipsis; a first word longer than that is cut."""
    if len(text) <= limit:
        return text
    ends = [m.start() for m in re.finditer(r"\s|(?<=-)", text) if 0 < m.start() < limit]
    words = text[:max(ends)].split() if ends else [text[:limit - 1]]
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(",;:.-–") + "\u2026"


class View:
    """The helpers of one build's templates (one workspace, one date).

    Everything is worked out when a template first asks: a page that shows one journey's map
    (the workshop view, an export) never makes every client's agenda.
    """

    def __init__(self, ws: Workspace, as_of: dt.date, paths: SitePaths | None = None, *,
                 agenda: Agenda | None = None, findings: Iterable[Problem] = (),
                 diagrams: SiteDiagrams | None = None, secret: str | None = None,
                 words: Words | None = None, pdf_note: str | None = None) -> None:
        self.ws = ws
        self.as_of = as_of
        self.paths = paths or SitePaths()
        self.findings = list(findings)  # lint findings, shown on the journey pages
        self.diagrams = diagrams or SiteDiagrams(ws)
        self.secret = secret  # makes meet page names unguessable (paths.meet_name)
        self.site_words = words or Words()
        self.pdf_note = pdf_note  # said in place of a link to a PDF this build does not make
        self._agenda = agenda
        self._people: People | None = None
        self._clients: list[Client] | None = None

    @property
    def agenda(self) -> Agenda:
        if self._agenda is None:
            self._agenda = agenda(self.ws, self.as_of)
        return self._agenda

    @property
    def people_data(self) -> People:
        if self._people is None:
            self._people = People(self.ws, self.agenda, self.clients())
        return self._people

    def context(self, page: Page) -> dict[str, Any]:
        """The names every page's template is rendered with, beside its own context."""
        return {
            **self.links(page),
            "ws": self.ws,
            "as_of": self.as_of,
            "agenda": self.agenda,
            "people": sorted(self.ws.people.values(), key=lambda p: p.name),
            "clients": self.clients(),
            "journeys": sorted(self.ws.journeys.values(), key=lambda j: j.title),
            "words": self.site_words,
        }

    def links(self, page: Page) -> dict[str, Any]:
        """What a page needs to link to others: `link`, `asset`, `photo`, `person`, `view`."""
        def link(key: str) -> str:
            return self.paths.rel(page.key, self.paths.url(key))

        def asset(path: str) -> str:
            return self.paths.rel(page.key, path)

        photo: Callable[[Person], str | None] = \
            lambda person: asset(p) if (p := photo_path(person)) else None  # noqa: E731
        return {"link": link, "asset": asset, "photo": photo, "person": self.person,
                "view": self}

    # ---- the records ----------------------------------------------------------------------

    def words(self, journey: Journey | None = None) -> Words:
        """The words a page uses: a journey's own over the site's (the site's for pages of
        every journey)."""
        return self.site_words.over(journey.words) if journey is not None else self.site_words

    def count(self, number: int, one: str, many: str | None = None) -> str:
        """`1 touchpoint`, `3 touchpoints`."""
        return count(number, one, many)

    def person(self, person_id: str | None) -> Person | None:
        return self.ws.people.get(person_id) if person_id else None

    def clients(self, journey: Journey | None = None) -> list[Client]:
        """The clients by name (sorted once: every page asks)."""
        if self._clients is None:
            self._clients = clients_by_name(self.ws)
        if journey is None:
            return list(self._clients)
        return [c for c in self._clients if c.journey == journey.id]

    def journey_of(self, client: Client) -> Journey:
        return self.ws.journeys[client.journey]

    def meet_path(self, client: Client) -> str:
        """The site path of the client's own "Meet your team" file."""
        return meet_path(client, self.secret)

    # ---- schedules --------------------------------------------------------------------------

    def schedule(self, client: Client) -> list[Occurrence]:
        return self.agenda.schedules[client.id]

    def stage_of(self, client: Client) -> str:
        """Where the client is: the stage, or that they left or are paused (and since when)."""
        if client.left is not None and client.has_left(self.as_of):
            return f"Left on {client.left.date:%-d %b %Y}"
        if client.paused is not None and client.is_paused(self.as_of):
            return f"Paused since {client.paused.date:%-d %b %Y}"
        return stage_name(self.journey_of(client), client, self.as_of)

    # ---- what happened (internal: never on a meet page) --------------------------------------

    def feel_figures(self, journey: Journey) -> dict[str, outcomes.FeelFigure]:
        """Planned against actual feel, by touchpoint id, in day order."""
        return {f.touchpoint: f for f in outcomes.feel_figures(self.ws, journey)}

    def answers(self, client: Client) -> list[tuple[Feedback, Touchpoint | None]]:
        """The client's feedback, newest first, each with the touchpoint it answers."""
        journey = self.journey_of(client)
        return [(f, journey.touchpoint(f.touchpoint) if f.touchpoint else None)
                for f in reversed(client.feedback)]

    def retention(self, journey: Journey | None = None) -> outcomes.Retention:
        """Who stayed, by day since signing (Kaplan-Meier), for a journey or every client."""
        return outcomes.retention(self.clients(journey), self.as_of)

    def plan_kept(self, journey: Journey) -> outcomes.PlanKept:
        return outcomes.plan_kept(self.ws, journey, self.agenda)

    def kept_rows(self, journey: Journey, kept: outcomes.PlanKept,
                  by: str) -> list[tuple[str, outcomes.Kept]]:
        """(label, figures) rows of a plan-kept table: by `touchpoint`, `owner` or `stage`."""
        if by == "touchpoint":
            titles = {tp.id: tp.title for tp in journey.touchpoints}
            return [(titles.get(k, k), v) for k, v in kept.by_touchpoint.items()]
        if by == "stage":
            return [(journey.stage(k).title, v) for k, v in kept.by_stage.items()]
        return sorted(((p.name if (p := self.ws.people.get(k)) else "No one", v)
                       for k, v in kept.by_owner.items()), key=lambda row: row[0])

    def share(self, value: float | None) -> str:
        """`84 %`, or an en dash when there is nothing to say."""
        return "–" if value is None else f"{value * 100:.0f} %"

    def median(self, value: float | None) -> str:
        return "–" if value is None else f"{value:g}"

    def feel_top(self, value: float) -> str:
        """The height on the curve of a feel that may fall between two whole ones."""
        return f"{feel_y(value):.3f}"

    def day_today(self, client: Client) -> int:
        return client.day_number(self.as_of)

    def plan(self, client: Client, last_day: int = 100) -> list[PlanItem]:
        """The client's first `last_day` days as a dated checklist (first-year dates)."""
        return people_data.plan(self.ws, client, self.as_of, last_day)

    def to_ask(self, client: Client) -> list[str]:
        """Dates and preferences the journey needs that the client record lacks."""
        return people_data.to_ask(self.journey_of(client), client)

    # ---- people -----------------------------------------------------------------------------

    def roles_of(self, person_id: str) -> list[tuple[Client, str]]:
        """(client, role label) for each client this person serves."""
        return self.people_data.roles_of(person_id)

    def involvement(self, person_id: str) -> list[Involvement]:
        """Every touchpoint a person owns, supports or hears of: through a role or by name."""
        return self.people_data.involvement(person_id)

    def person_agenda(self, person_id: str, days: int = 14) -> list[tuple[Occurrence, str]]:
        """What a person owns or supports that is overdue or due in the next `days` days."""
        return self.people_data.to_do(person_id, days)

    def responsibility_matrix(self, journey: Journey) -> responsibility.Matrix:
        return responsibility.matrix(self.ws, journey)

    def weekly_load(self, weeks: int = 12) -> responsibility.Load:
        return responsibility.weekly_load(self.ws, self.agenda, weeks)

    def totals(self) -> dict[str, responsibility.PartCounts]:
        return responsibility.totals(self.ws, self.agenda)

    # ---- journeys, in words and pictures ------------------------------------------------------

    def ref_label(self, journey: Journey, ref: str) -> str:
        """An owner, supporter or informed reference in words: the role's label or the name."""
        return self.ws.ref_label(journey, ref)

    def when(self, tp: Touchpoint) -> str:
        """When a touchpoint happens, in words: `Day 5`, `Day -18, every 4 days, 3 times`."""
        return when_in_words(tp)

    def short_when(self, tp: Touchpoint) -> str:
        """A map card's when: `Day 5`, `Day -18`, `Birthday`."""
        return when_in_words(tp, "card")

    def owner_short(self, journey: Journey, ref: str) -> str:
        """A short owner label for a map card: the role's label or the person's name, cut to
        its first words if long (the full one is the card's tooltip)."""
        return short_label(self.ref_label(journey, ref))

    def pdf_link(self, href: str, label: str = "PDF") -> Markup:
        """A link to one of the build's PDFs; where the build makes none (a live preview),
        the label and `pdf_note` as plain text, not a link that leads nowhere."""
        if self.pdf_note is None:
            return Markup('<a href="{0}">{1}</a>').format(href, label)
        return Markup('<span class="jm-pdf-later">{0}: {1}</span>').format(label, self.pdf_note)

    def badge(self, status: str) -> Markup:
        return Markup('<span class="jm-status jm-status--{0}">{1}</span>').format(
            status, STATUS_LABELS.get(status, status)
        )

    def diagram(self, journey: Journey, kind: str) -> Markup:
        """A journey's `flow` or `responsibility` diagram as inline SVG."""
        return Markup(self.diagrams.inline(journey, kind))  # noqa: S704 - drawn by dot

    def health(self, journey: Journey) -> list[Problem]:
        """The lint findings about a journey's file or the files of its clients."""
        paths = {journey.path} | {c.path for c in self.clients(journey)}
        return [p for p in self.findings if p.path in paths]

    def journey_map(self, journey: Journey) -> JourneyMap:
        return journey_map(journey)

    def map_marks(self, layout: JourneyMap) -> MapMarks:
        """The lint findings about the journey, placed on its map (presenter mode)."""
        return map_marks(layout, self.findings)

    def feel_y(self, feel: int) -> str:
        return f"{feel_y(feel):.1f}"
