"""Pages of the internal site as HTML fragments, from the model and derived data.

Free of MkDocs: the plugin (or any other host) asks for `site_pages()` and renders each page
with `Renderer.render(page)`. Templates are looked up in the workspace's theme folder first,
then in the package, so a team restyles by copying a template and changing it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html as html_lib
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..cache import DiskCache, Fingerprints, Output, fill_in_parallel, recipe_key
from ..derive import responsibility
from ..derive.schedule import Agenda, Occurrence, agenda, current_stage, touchpoint_occurrences
from ..exceptions import Problem
from ..model import Client, Journey, Person, Touchpoint, Workspace
from . import diagrams
from .calendars import Parts, calendar_feeds, calendar_outputs, parts_by_person
from .map_layout import JourneyMap, feel_y, journey_map
from .markup import render_markdown

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
ONE_CLIENT_TEMPLATES = ("client.html", "packet.html")  # pages made from one client alone
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
        target = _relpath(to_path or ".", here.rstrip("/") or ".")
        if (not to_path or to_path.endswith("/")) and not target.endswith("/"):
            target += "/"
        return target


def _relpath(path: str, start: str) -> str:
    """`posixpath.relpath` for clean site paths (no `..`), without its two `abspath` calls:
    a thousand-client site makes a hundred thousand links."""
    if ".." in path or ".." in start or path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part and part != "."]
    here = [part for part in start.split("/") if part and part != "."]
    common = 0
    for a, b in zip(to, here, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_SMALL = re.compile(r"<small\b.*?</small>", re.S)  # asides in a heading stay out of the TOC


def headings(html: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the h2/h3 headings that carry an id, for a table of contents."""
    return [(int(level), ident,
             " ".join(html_lib.unescape(_TAG.sub("", _SMALL.sub("", text))).split()))
            for level, ident, text in _HEADING.findall(html)]


# Templates bracket what a search index should not hold (dated tables that repeat other pages,
# the packet that repeats the client's page): the text stays on the page, out of the index.
_SEARCH_SKIP = re.compile(r"<!--jm:search-skip-->.*?<!--/jm:search-skip-->", re.S)


def search_view(html: str) -> str:
    """A page's HTML as a search index should read it: without the bracketed parts."""
    return _SEARCH_SKIP.sub("", html)


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


def _templates(theme_dir: Path | None, cache_dir: Path | None = None) -> jinja2.Environment:
    package = resources.files("journeymap.render") / "templates"
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(package))]
    if theme_dir is not None and theme_dir.is_dir():
        loaders.insert(0, jinja2.FileSystemLoader(str(theme_dir)))
    compiled = None
    if cache_dir is not None:
        # Compiling the templates takes a tenth of a second a process; Jinja checks each
        # kept one against its template's source.
        try:
            (cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
            compiled = jinja2.FileSystemBytecodeCache(str(cache_dir / "jinja"))
        except OSError:
            pass
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=compiled,
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
        secret: str | None = None,
        cache_dir: Path | None = None,
        fingerprints: Fingerprints | None = None,
    ) -> None:
        self.ws = ws
        self.as_of = as_of
        self.paths = paths or SitePaths()
        self.secret = secret  # makes meet page names unguessable (meet.meet_name)
        self.cache_dir = cache_dir  # rendered diagrams and PDFs, kept between builds
        # The loader's names for the records it read (their files' hashes), for recipes.
        self.fingerprints = fingerprints or Fingerprints()
        self._diagrams: dict[str, str] | None = None
        self.findings: list[Problem] = []  # lint findings, shown on the journey pages
        self.page_cache = DiskCache(cache_dir, "pages")
        self.file_cache = DiskCache(cache_dir, "files")
        self._digest: str | None = None
        self._journey_keys: dict[str, str] = {}
        self._client_keys: dict[str, str] = {}
        self._person_keys: dict[str, str] = {}
        self._shared_key: str | None = None
        self._named: dict[str, set[str]] = {}
        self._sorted_clients: list[Client] | None = None
        self._served_index: dict[str, dict[str, dict[str, tuple[Client, ...]]]] | None = None
        self._parts: Parts | None = None
        self._roles: dict[str, list[tuple[Client, str]]] | None = None
        self._clients_of: dict[str, set[str]] | None = None
        self.env = _templates(theme_dir, cache_dir)
        self.theme_dir = theme_dir
        self.agenda: Agenda = agenda(ws, as_of)

    # ---- what the site holds --------------------------------------------------------------

    def pages(self) -> list[Page]:
        ws = self.ws
        pages = [Page("index", "Home", "home.html", {"rows": HOME_ROWS})]
        for journey in sorted(ws.journeys.values(), key=lambda j: j.title):
            pages.append(Page(f"journeys/{journey.id}", journey.title, "journey.html",
                              {"journey": journey}))
        pages.append(Page("clients/index", "Clients", "clients.html"))
        for client in self.clients():
            pages += self._client_pages(client)
        pages.append(Page("team/index", "Team", "team.html"))
        pages.append(Page("team/responsibilities", "Who does what", "responsibilities.html"))
        return pages + self._person_pages()

    def _person_pages(self) -> list[Page]:
        return [Page(f"team/{person.id}", person.name, "person.html", {"member": person})
                for person in sorted(self.ws.people.values(), key=lambda p: (p.name, p.id))]

    def _client_pages(self, client: Client) -> list[Page]:
        return [Page(f"clients/{client.id}", client.name, "client.html", {"client": client}),
                Page(f"clients/{client.id}/handoff", f"Handoff: {client.name}", "packet.html",
                     {"client": client})]

    def assets(self) -> dict[str, Path]:
        """Files the pages refer to: site path → file on disk."""
        return {
            path: person.photo
            for person in self.ws.people.values()
            if person.photo and (path := photo_path(person))
        }

    def css(self) -> str:
        """journeymap's CSS followed by the theme's, for pages that carry their own styles."""
        files = [resources.files("journeymap.render") / "assets" / "journeymap.css"]
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
        key = self.recipe(page)
        if key is not None:
            # Made from a known few inputs: an unchanged page comes from the cache.
            return self.page_cache.through(key, lambda: self._render(page).encode()).decode()
        return self._render(page)

    def recipe(self, page: Page) -> str | None:
        """What a page is made from, hashed: for a client's pages and a person's; else None
        (a page made from everything, such as the home page, is made again every build)."""
        client = page.context.get("client")
        if isinstance(client, Client) and page.template in ONE_CLIENT_TEMPLATES:
            return self._page_key(page, client)
        member = page.context.get("member")
        if isinstance(member, Person) and page.template == "person.html":
            return self._person_page_key(page, member.id)
        return None

    def _page_key(self, page: Page, client: Client) -> str:
        return recipe_key("page", page.key, page.template, self._client_recipe(client))

    def _person_page_key(self, page: Page, person_id: str) -> str:
        """A person's page shows their record, the clients they serve or take part in the
        touchpoints of, and the journeys (with how many clients each has)."""
        if self._clients_of is None:
            self._clients_of = {p: set() for p in self.ws.people}
            for held_by, held in self.parts().items():
                self._clients_of[held_by].update(o.client.id for o, _ in held)
            for client in self.ws.clients.values():
                for member in client.team.values():
                    self._clients_of.setdefault(member, set()).add(client.id)
        clients = sorted(self._client_recipe(self.ws.clients[c])
                         for c in self._clients_of.get(person_id, ()))
        journeys = sorted((j, self._journey_recipe(j), len(self.clients(self.ws.journeys[j])))
                          for j in self.ws.journeys)
        return recipe_key("person-page", page.key, page.template, self._person_recipe(person_id),
                          clients, journeys, self._build_recipe())

    def _render(self, page: Page) -> str:
        template = self.env.get_template(page.template)
        return template.render(page=page, **self.common(page), **page.context)

    # ---- what an output is made from (cache keys) --------------------------------------------

    def _templates_digest(self) -> str:
        """The templates and CSS in use, so that a changed template misses the cache."""
        if self._digest is None:
            folders = [Path(str(resources.files("journeymap.render") / "templates")),
                       Path(str(resources.files("journeymap.render") / "assets"))]
            if self.theme_dir is not None and self.theme_dir.is_dir():
                folders.append(self.theme_dir)
            digest = hashlib.sha256()
            for folder in folders:
                for file in sorted(folder.rglob("*")):
                    if file.is_file():
                        digest.update(file.name.encode() + b"\0" + file.read_bytes())
            self._digest = digest.hexdigest()
        return self._digest

    def _journey_recipe(self, journey_id: str) -> str:
        if journey_id not in self._journey_keys:
            journey = self.ws.journeys[journey_id]
            self._journey_keys[journey_id] = recipe_key(self.fingerprints.of(journey))
        return self._journey_keys[journey_id]

    def _person_recipe(self, person_id: str) -> str:
        if person_id not in self._person_keys:
            person = self.ws.people.get(person_id)
            photo = person.photo.stat() if person and person.photo else None
            self._person_keys[person_id] = recipe_key(
                person, (photo.st_mtime_ns, photo.st_size) if photo else None)
        return self._person_keys[person_id]

    def _client_recipe(self, client: Client) -> str:
        """Everything a client's own pages and files are made from, hashed."""
        if client.id not in self._client_keys:
            # Everyone the client's pages name: the team, and people the journey names itself.
            shown = set(client.team.values()) | self._named_in(client.journey)
            team = [self._person_recipe(p) for p in sorted(shown)]
            self._client_keys[client.id] = recipe_key(
                self.fingerprints.of(client), self._journey_recipe(client.journey), team,
                self._build_recipe())
        return self._client_keys[client.id]

    def _named_in(self, journey_id: str) -> set[str]:
        """The people a journey names directly (not through a role) as owner, support or
        informed."""
        if journey_id not in self._named:
            named = self.ws.journeys[journey_id].named_directly()
            self._named[journey_id] = {ref for ref in named if ref in self.ws.people}
        return self._named[journey_id]

    def _build_recipe(self) -> str:
        """What every client's outputs share: the date, the paths, the secret, the templates."""
        if self._shared_key is None:
            self._shared_key = recipe_key(self.as_of, self.paths, self.secret,
                                          self._templates_digest())
        return self._shared_key

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
        """The clients by name (sorted once: every page asks)."""
        if self._sorted_clients is None:
            self._sorted_clients = sorted(self.ws.clients.values(),
                                          key=lambda c: (c.name.lower(), c.id))
        if journey is None:
            return list(self._sorted_clients)
        return [c for c in self._sorted_clients if c.journey == journey.id]

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
        return self.ws.ref_label(journey, ref)

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
        if self._roles is None:
            self._roles = {}
            for client in self.clients():
                journey = self.journey_of(client)
                for role, who in client.team.items():
                    self._roles.setdefault(who, []).append(
                        (client, journey.roles.get(role, role)))
        return list(self._roles.get(person_id, []))

    def responsibility_matrix(self, journey: Journey) -> responsibility.Matrix:
        return responsibility.matrix(self.ws, journey)

    def weekly_load(self, weeks: int = 12) -> responsibility.Load:
        return responsibility.weekly_load(self.ws, self.agenda, weeks)

    def totals(self) -> dict[str, responsibility.Involvement]:
        return responsibility.totals(self.ws, self.agenda)

    def diagram(self, journey: Journey, kind: str) -> Markup:
        """A journey's `flow` or `responsibility` diagram as inline SVG.

        The first call draws every diagram of the site in one `dot` run (unchanged ones come
        from the cache), which costs far less than a process per diagram.
        """
        if self._diagrams is None:
            sources = {}
            for j in self.ws.journeys.values():
                sources[f"{j.id}/flow"] = diagrams.flow_dot(self.ws, j)
                sources[f"{j.id}/responsibility"] = diagrams.responsibility_dot(self.ws, j)
            self._diagrams = diagrams.render_svgs(sources, self.cache_dir)
        label = {"flow": f"{journey.title}: touchpoints in day order, by stage",
                 "responsibility": f"{journey.title}: who owns, supports or hears of what"}[kind]
        return Markup(diagrams.inline_svg(self._diagrams[f"{journey.id}/{kind}"], label))

    def health(self, journey: Journey) -> list[Problem]:
        """The lint findings about a journey's file or the files of its clients."""
        paths = {journey.path} | {c.path for c in self.clients(journey)}
        return [p for p in self.findings if p.path in paths]

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

    # ---- people, packets, calendars and meet pages ------------------------------------------

    def meet_path(self, client: Client) -> str:
        """The site path of the client's own "Meet your team" file."""
        from .meet import MEET_DIR, meet_name  # here: meet.py imports this module

        return f"{MEET_DIR}{meet_name(client.id, self.secret)}.html"

    # Every person's page asks who they serve, what they take part in and what is due: the
    # indexes below answer all of them from one pass over the clients, not one per person.

    def _served(self) -> dict[str, dict[str, dict[str, tuple[Client, ...]]]]:
        """journey id → role → person id → the clients they serve in that role, by name."""
        if self._served_index is None:
            index: dict[str, dict[str, dict[str, list[Client]]]] = {}
            for client in self.clients():
                roles = index.setdefault(client.journey, {})
                for role, person_id in client.team.items():
                    roles.setdefault(role, {}).setdefault(person_id, []).append(client)
            self._served_index = {j: {r: {p: tuple(cs) for p, cs in people.items()}
                                      for r, people in roles.items()}
                                  for j, roles in index.items()}
        return self._served_index

    def parts(self) -> dict[str, list[tuple[Occurrence, str]]]:
        """Each person's occurrences, with their strongest part in each."""
        if self._parts is None:
            self._parts = parts_by_person(self.ws, self.agenda)
        return self._parts

    def involvement(self, person_id: str) -> list[Involvement]:
        """Every touchpoint a person owns, supports or hears of: through a role or by name."""
        found = []
        served_by_role = self._served()
        for journey in sorted(self.ws.journeys.values(), key=lambda j: j.title):
            on_it = tuple(self.clients(journey))
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

    def person_agenda(self, person_id: str, days: int = 14) -> list[tuple[Occurrence, str]]:
        """What a person owns or supports that is overdue or due in the next `days` days."""
        end = self.as_of + dt.timedelta(days=days)
        found = [(o, part) for o, part in self.parts().get(person_id, [])
                 if part in ("owner", "support") and o.date is not None and o.date < end
                 and o.status != "done" and (o.status == "overdue" or o.date >= self.as_of)]
        return sorted(found, key=lambda x: (x[0].date or dt.date.max, x[0].client.name))

    def plan(self, client: Client, last_day: int = 100) -> list[PlanItem]:
        """The client's first `last_day` days as a dated checklist (first-year dates)."""
        journey = self.journey_of(client)
        items = []
        for tp in journey.touchpoints:
            owner = self.ws.resolve(journey, tp.owner, client)
            # As of day one: an `on:` date shows its first occurrence, not this year's.
            for o in touchpoint_occurrences(client, journey, tp, owner, client.day_one):
                if o.date is None or not 1 <= client.day_number(o.date) <= last_day:
                    continue
                helpers = tuple(p for ref in tp.support
                                if (p := self.ws.resolve(journey, ref, client)))
                uses = tuple((key, client.preferences.get(key)) for key in tp.uses)
                items.append(PlanItem(o, o.done_on is None and o.date < self.as_of,
                                      helpers, uses))
        return sorted(items, key=lambda i: (i.occurrence.date or dt.date.max,
                                            i.occurrence.touchpoint.sort_key))

    def to_ask(self, client: Client) -> list[str]:
        """Dates and preferences the journey needs that the client record lacks."""
        journey = self.journey_of(client)
        missing = [tp.on for tp in journey.touchpoints if tp.on and tp.on not in client.dates]
        missing += [k for tp in journey.touchpoints for k in tp.uses
                    if k not in client.preferences]
        return sorted({key.replace("_", " ") for key in missing if key})

    def outputs(self) -> dict[str, Output]:
        """Files beside the pages, site path → how to make them: each journey's workshop view
        (one standalone page, the map filling the screen), the calendars and the clients'
        meet pages."""
        found = {workshop_path(j): Output(None, functools.partial(self._workshop_bytes, j))
                 for j in self.ws.journeys.values()}
        found.update(calendar_outputs(self.ws, self.agenda, self.file_cache, self._client_recipe))
        found.update((self.meet_path(client), self._meet_output(client))
                     for client in self.clients())
        return found

    def files(self, only: list[str] | None = None) -> dict[str, bytes]:
        """The bytes of every output but the workshop views (calendars and meet pages).

        With `only` (client ids): just those clients' own files, and their share of the
        people's calendars made into the cache (see `prefill`).
        """
        if only is None:
            return {path: output.make() for path, output in self.outputs().items()
                    if output.recipe is not None}
        found = calendar_feeds(self.ws, self.agenda, self.file_cache, self._client_recipe,
                               only=only)
        for client_id in only:
            client = self.ws.clients[client_id]
            found[self.meet_path(client)] = self._meet_output(client).make()
        return found

    def _workshop_bytes(self, journey: Journey) -> bytes:
        return self.workshop_html(journey, back=True).encode()

    def prefill(self, workers: int,
                progress: Callable[[int, int], None] | None = None) -> int:
        """Make what the cache lacks of each client's own outputs (pages, calendars, meet page)
        and the people's pages in `workers` processes at once, before the build asks for them
        one by one.

        A cold build of a thousand clients spends most of its time there, and the work splits
        by client. The workers are forked (they share the loaded workspace) and only fill the
        cache: whatever one fails to make, the build makes itself. Returns how many clients
        were missing. Forking is for a plain build, not for a server with threads running.
        `progress(done, total)` follows the clients made.
        """
        folder = self.page_cache.folder
        missing = [c for c in self.clients() if folder is not None
                   and not (folder / self._page_key(self._client_pages(c)[0], c)).exists()]
        if workers < 2 or len(missing) < 2 * workers or not hasattr(os, "fork"):
            return len(missing)
        def report(done: int) -> None:  # this process's share, the others keep pace
            if progress is not None:
                progress(min(done * workers, len(missing)), len(missing))

        fill_in_parallel(lambda share, n: self._fill(missing[share::n], share, n,
                                                     report if share == 0 else None), workers)
        return len(missing)

    def _fill(self, clients: list[Client], share: int, workers: int,
              report: Callable[[int], None] | None) -> None:
        for done, client in enumerate(clients, 1):
            for page in self._client_pages(client):
                self.render(page)
            if report is not None:
                report(done)
        for page in self._person_pages()[share::workers]:
            self.render(page)
        self.files(only=[c.id for c in clients])

    def _meet_output(self, client: Client) -> Output:
        key = recipe_key("meet", self._client_recipe(client))
        return Output(key, functools.partial(self.file_cache.through, key,
                                             functools.partial(self._meet_bytes, client)))

    def _meet_bytes(self, client: Client) -> bytes:
        from .meet import render_meet

        return render_meet(self.ws, client, self.as_of, self.theme_dir).encode()

    def pdf_jobs(self) -> list[tuple[str, str]]:
        """(site path of a built HTML file, site path of its PDF) for every PDF to print."""
        jobs = []
        for client in self.clients():
            url = self.paths.url(f"clients/{client.id}/handoff")
            jobs.append((url + "index.html" if url.endswith("/") else url,
                         f"clients/{client.id}/handoff.pdf"))
            meet = self.meet_path(client)
            jobs.append((meet, meet.removesuffix(".html") + ".pdf"))
        return jobs


@dataclass(frozen=True)
class Involvement:
    """A person's part in a touchpoint: through a role (`via` its label) or by name."""

    journey: Journey
    touchpoint: Touchpoint
    part: str  # owner, support or informed
    via: str  # the role's label; "" when the touchpoint names the person
    clients: tuple[Client, ...]  # the clients it concerns them for
    every: bool  # for every client on the journey


@dataclass(frozen=True)
class PlanItem:
    """One line of a handoff packet's checklist."""

    occurrence: Occurrence
    overdue: bool
    helpers: tuple[str, ...]  # person ids of the supporters
    uses: tuple[tuple[str, str | None], ...]  # (preference, value or None: to ask)
