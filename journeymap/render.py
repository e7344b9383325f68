"""Pages of the internal site as HTML fragments, from the model and derived data.

Free of MkDocs: the plugin (or any other host) asks for `site_pages()` and renders each page
with `Renderer.render(page)`. Templates are looked up in the workspace's theme folder first,
then in the package, so a team restyles by copying a template and changing it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .journey_map import JourneyMap, feel_y, journey_map
from .markup import render_markdown
from .model import Client, Journey, Person, Touchpoint, Workspace
from .schedule import Agenda, Occurrence, agenda, current_stage

PHASE_TITLES = {
    "assess": "Assess", "admit": "Admit", "affirm": "Affirm", "activate": "Activate",
    "acclimate": "Acclimate", "accomplish": "Accomplish", "adopt": "Adopt",
    "advocate": "Advocate",
}  # fmt: skip
CHANNEL_LABELS = {
    "email": "Email", "call": "Call", "meeting": "Meeting", "video": "Video", "gift": "Gift",
    "mail": "Mail", "sms": "Text message", "social": "Social", "event": "Event",
    "in-person": "In person", "other": "Other",
}  # fmt: skip
STATUS_LABELS = {
    "overdue": "Overdue", "due": "Due this week", "upcoming": "Upcoming", "done": "Done",
    "undated": "No date yet",
}  # fmt: skip
# Shown before the channel's name on map cards; all in DejaVu Sans, so no tofu on Linux.
CHANNEL_GLYPHS = {
    "email": "\u2709", "call": "\u260e", "meeting": "\u25ce", "video": "\u25b6", "gift": "\u273f",
    "mail": "\u270e", "sms": "\u2706", "social": "\u263a", "event": "\u2691",
    "in-person": "\u263b", "other": "\u2022",
}  # fmt: skip
ASSET_DIR = "assets/journeymap"


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


@dataclass(frozen=True)
class SitePaths:
    """Where pages and assets live in the built site, and relative links between them."""

    directory_urls: bool = True

    def url(self, key: str) -> str:
        """The site path of a page: ``clients/acme/`` (or ``clients/acme.html``)."""
        if key == "index" or key.endswith("/index"):
            folder = key[: -len("index")]
            return folder if self.directory_urls else folder + "index.html"
        return key + "/" if self.directory_urls else key + ".html"

    def rel(self, from_key: str, to_path: str) -> str:
        """A relative link from page `from_key` to a site path (a page URL or an asset)."""
        base = self.url(from_key)
        here = base if base.endswith("/") or not base else posixpath.dirname(base)
        target = posixpath.relpath(to_path or ".", here.rstrip("/") or ".")
        if (not to_path or to_path.endswith("/")) and not target.endswith("/"):
            target += "/"
        return target


_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_SMALL = re.compile(r"<small\b.*?</small>", re.S)  # asides in a heading stay out of the TOC


def headings(html: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the h2/h3 headings that carry an id, for a table of contents."""
    return [(int(level), ident,
             " ".join(html_lib.unescape(_TAG.sub("", _SMALL.sub("", text))).split()))
            for level, ident, text in _HEADING.findall(html)]


def photo_path(person: Person) -> str | None:
    return f"{ASSET_DIR}/people/{person.id}{person.photo.suffix.lower()}" if person.photo else None


def workshop_path(journey: Journey) -> str:
    return f"journeys/{journey.id}/workshop.html"


def format_date(date: dt.date | None) -> str:
    """`Tue 24 Nov 2026`, the same in every locale."""
    if date is None:
        return ""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
    return f"{days[date.weekday()]} {date.day} {months[date.month - 1]} {date.year}"


def format_day(day: int | None) -> str:
    if day is None:
        return ""
    return f"Day {day}" if day >= 1 else ("Day 0" if day == 0 else f"Day {day}")


def initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    return "".join(p[0] for p in (parts[:1] + parts[-1:] if len(parts) > 1 else parts)).upper()


def placeholder_hue(person_id: str) -> int:
    return int(hashlib.sha256(person_id.encode()).hexdigest()[:4], 16) % 360


def _templates(theme_dir: Path | None) -> jinja2.Environment:
    package = resources.files("journeymap") / "templates"
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(package))]
    if theme_dir is not None and theme_dir.is_dir():
        loaders.insert(0, jinja2.FileSystemLoader(str(theme_dir)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    env.filters.update(
        markdown=render_markdown,
        inline_markdown=lambda text: render_markdown(text, inline=True),
        date=format_date,
        day=format_day,
        initials=initials,
        hue=placeholder_hue,
    )
    env.globals.update(
        PHASES=PHASE_TITLES, CHANNELS=CHANNEL_LABELS, STATUSES=STATUS_LABELS,
        CHANNEL_GLYPHS=CHANNEL_GLYPHS,
    )
    return env


class Renderer:
    """Renders the pages of one build (one workspace, one date)."""

    def __init__(
        self,
        ws: Workspace,
        as_of: dt.date,
        paths: SitePaths | None = None,
        theme_dir: Path | None = None,
    ) -> None:
        self.ws = ws
        self.as_of = as_of
        self.paths = paths or SitePaths()
        self.env = _templates(theme_dir)
        self.theme_dir = theme_dir
        self.agenda: Agenda = agenda(ws, as_of)

    # ---- what the site holds --------------------------------------------------------------

    def pages(self) -> list[Page]:
        ws = self.ws
        pages = [Page("index", "Home", "home.html")]
        for journey in sorted(ws.journeys.values(), key=lambda j: j.title):
            pages.append(Page(f"journeys/{journey.id}", journey.title, "journey.html",
                              {"journey": journey}))
        pages.append(Page("clients/index", "Clients", "clients.html"))
        for client in self.clients():
            pages.append(Page(f"clients/{client.id}", client.name, "client.html",
                              {"client": client}))
        pages.append(Page("team/index", "Team", "team.html"))
        return pages

    def assets(self) -> dict[str, Path]:
        """Files the pages refer to: site path → file on disk."""
        return {
            path: person.photo
            for person in self.ws.people.values()
            if person.photo and (path := photo_path(person))
        }

    def map_files(self) -> dict[str, bytes]:
        """The workshop view of each journey: one standalone page, the map filling the screen."""
        return {workshop_path(j): self.workshop_html(j, back=True).encode()
                for j in self.ws.journeys.values()}

    def css(self) -> str:
        """journeymap's CSS followed by the theme's, for pages that carry their own styles."""
        files = [resources.files("journeymap") / "assets" / "journeymap.css"]
        if self.theme_dir is not None and self.theme_dir.is_dir():
            files += sorted(self.theme_dir.glob("*.css"))
        return "\n".join(f.read_text(encoding="utf-8") for f in files)

    def workshop_html(self, journey: Journey, back: bool = False) -> str:
        """A journey's map as one self-contained HTML page (the CSS inline)."""
        here = posixpath.dirname(workshop_path(journey))
        page_url = self.paths.url(f"journeys/{journey.id}")
        link = posixpath.relpath(page_url, here) + ("/" if page_url.endswith("/") else "")
        template = self.env.get_template("workshop.html")
        return template.render(journey=journey, css=Markup(self.css()),
                               back=link if back else None,
                               **self.common(Page(f"journeys/{journey.id}", "", "")))

    # ---- rendering ------------------------------------------------------------------------

    def render(self, page: Page) -> str:
        template = self.env.get_template(page.template)
        return template.render(page=page, **self.common(page), **page.context)

    def common(self, page: Page) -> dict[str, Any]:
        def link(key: str) -> str:
            return self.paths.rel(page.key, self.paths.url(key))

        def asset(path: str) -> str:
            return self.paths.rel(page.key, path)

        return {
            "ws": self.ws,
            "as_of": self.as_of,
            "agenda": self.agenda,
            "link": link,
            "asset": asset,
            "photo": lambda person: asset(p) if (p := photo_path(person)) else None,
            "person": self.person,
            "people": sorted(self.ws.people.values(), key=lambda p: p.name),
            "clients": self.clients(),
            "journeys": sorted(self.ws.journeys.values(), key=lambda j: j.title),
            "view": self,
        }

    # ---- helpers the templates use ----------------------------------------------------------

    def person(self, person_id: str | None) -> Person | None:
        return self.ws.people.get(person_id) if person_id else None

    def clients(self, journey: Journey | None = None) -> list[Client]:
        found: Iterable[Client] = self.ws.clients.values()
        if journey is not None:
            found = (c for c in found if c.journey == journey.id)
        return sorted(found, key=lambda c: (c.name.lower(), c.id))

    def journey_of(self, client: Client) -> Journey:
        return self.ws.journeys[client.journey]

    def schedule(self, client: Client) -> list[Occurrence]:
        return self.agenda.schedules[client.id]

    def stage_of(self, client: Client) -> str:
        journey = self.journey_of(client)
        stage_id = current_stage(journey, client, self.as_of)
        if stage_id is None:
            day = client.day_number(self.as_of)
            if day < journey.stages[0].start:
                return "Not started"
            if day > journey.stages[-1].end:
                return f"{journey.stages[-1].title} (year {(day - 1) // 365 + 1})"
            return "Between stages"
        return journey.stage(stage_id).title

    def day_today(self, client: Client) -> int:
        return client.day_number(self.as_of)

    def ref_label(self, journey: Journey, ref: str) -> str:
        """An owner, supporter or informed reference in words: the role's label or the name."""
        if ref in journey.roles:
            return journey.roles[ref]
        person = self.person(ref)
        return person.name if person else ref

    def when(self, tp: Touchpoint) -> str:
        """When a touchpoint happens, in words: `Day 5`, `Day -18, every 4 days, 3 times`."""
        if tp.on is not None:
            return f"Every year on their {tp.on.replace('_', ' ')}"
        text = format_day(tp.day)
        if tp.repeat and tp.repeat.yearly:
            return f"{text}, then every year"
        if tp.repeat:
            return f"{text}, every {tp.repeat.every} days, {tp.repeat.times} times"
        return text

    def roles_of(self, person_id: str) -> list[tuple[Client, str]]:
        """(client, role label) for each client this person serves."""
        found = []
        for client in self.clients():
            journey = self.journey_of(client)
            for role, who in client.team.items():
                if who == person_id:
                    found.append((client, journey.roles.get(role, role)))
        return found

    def journey_map(self, journey: Journey) -> JourneyMap:
        return journey_map(journey)

    def feel_y(self, feel: int) -> str:
        return f"{feel_y(feel):.1f}"

    def short_when(self, tp: Touchpoint) -> str:
        """A map card's when: `Day 5`, `Day -18`, `Birthday`."""
        if tp.on is not None:
            return tp.on.replace("_", " ").capitalize()
        return format_day(tp.day)

    def owner_short(self, journey: Journey, ref: str) -> str:
        """A short owner label for a map card: the role's id in words, or the person's name."""
        if ref in journey.roles:
            return ref.replace("-", " ").replace("_", " ").capitalize()
        person = self.person(ref)
        return person.name if person else ref

    def badge(self, status: str) -> Markup:
        return Markup('<span class="jm-status jm-status--{0}">{1}</span>').format(
            status, STATUS_LABELS.get(status, status)
        )
