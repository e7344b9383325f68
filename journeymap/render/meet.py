"""The client's own "Meet your team" page: one self-contained HTML file, safe to send.

Privacy is by allowlist. The template never sees the model: it gets `PublicClient`, whose
fields are copied one by one from what FORMAT.md lets a client see (their name, contact and
welcome; each team member's client-facing fields and role label; the `client_visible`
touchpoints that are not surprises, with their dates). Anything added to the model later
stays internal until someone adds it here on purpose.

The file stands alone: CSS inline, photos as data: URIs, no scripts, a CSP that forbids
loading anything, and no link into the internal site.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import nh3
from markupsafe import Markup

from ..derive.schedule import Occurrence, client_schedule
from ..model import Client, Person, Touchpoint, Workspace
from ..vocabulary import CHANNEL_LABELS, IMAGE_TYPES, format_date, format_month
from ..workspace.schema import CLIENT_FACING
from .env import environment, initials, meet_css, placeholder_hue
from .markup import render_markdown

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; " \
      "form-action 'none'"
HORIZON = dt.timedelta(days=365)  # "what happens next" looks a year ahead
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "hr", "i", "li", "mark", "ol", "p", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip


@dataclass(frozen=True)
class PublicPerson:
    """A team member as the client may see them."""

    name: str
    role: str  # the role label(s) they fill for this client
    title: str | None
    pronouns: str | None
    photo: str | None  # a data: URI
    photo_id: str  # the id its one copy in the page has
    initials: str
    hue: int  # of the drawn placeholder when there is no photo
    email: str | None
    video: str | None
    fun_facts: tuple[str, ...]
    bio: Markup

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


@dataclass(frozen=True)
class PublicStep:
    """A coming touchpoint the client is meant to know about."""

    title: str
    date: dt.date
    when: str  # the date in words
    month: str  # `Dec 2026`
    channel: str | None
    with_name: str | None  # the team member who owns it, if on the client's team


@dataclass(frozen=True)
class PublicClient:
    name: str
    contact: str | None
    welcome: Markup
    team: tuple[PublicPerson, ...]
    steps: tuple[PublicStep, ...]
    prepared_on: str

    @property
    def greeting_name(self) -> str:
        """Whom the page greets: the contact's first name (`Dr. Kwame Mensah` is greeted
        `Kwame`, a title being no name), else the client's name."""
        words = (self.contact or "").split()
        names = [word for word in words if not word.endswith(".")] or words
        return names[0] if names else self.name


def _href_filter(tag: str, attribute: str, value: str) -> str | None:
    # Only links that leave for the open web or a mail client: a relative link would point
    # into the internal site (or nowhere, once the file is sent).
    if tag == "a" and attribute == "href":
        return value if value.strip().lower().startswith(("https://", "http://", "mailto:")) \
            else None
    return value


def public_markdown(text: str | None) -> Markup:
    """Markdown for the client: the site's sanitiser, then no images and no relative links."""
    html = str(render_markdown(text))
    cleaned = nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}, "abbr": {"title"}},
                        url_schemes={"http", "https", "mailto"},
                        attribute_filter=_href_filter, link_rel="noopener noreferrer")
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 above


def photo_uri(photo: Path | None) -> str | None:
    if photo is None or photo.suffix.lower() not in IMAGE_TYPES:
        return None
    data = base64.b64encode(photo.read_bytes()).decode()
    return f"data:{IMAGE_TYPES[photo.suffix.lower()]};base64,{data}"


def _web(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("https://", "http://")) else None


def allowed(record: Client | Person | Touchpoint) -> dict[str, Any]:
    """The fields of a record that FORMAT.md lets a client see, and no others: everything a
    meet page shows is read through this, so a field added to the model stays internal
    until it is added to the allowlist (`workspace.schema.CLIENT_FACING`) on purpose."""
    return {name: getattr(record, name) for name in CLIENT_FACING[type(record).__name__]}


def public_person(person: Person, role: str, place: int = 1) -> PublicPerson:
    """`place`: the person's place in the team, which names their photo in the page."""
    shown = allowed(person)
    return PublicPerson(
        name=shown["name"], role=role, title=shown["title"], pronouns=shown["pronouns"],
        photo=photo_uri(shown["photo"]), photo_id=f"photo-{place}",
        initials=initials(shown["name"]),
        # The placeholder's colour comes from the id, which the page never shows.
        hue=placeholder_hue(person.id), email=shown["email"], video=_web(shown["video"]),
        fun_facts=tuple(shown["fun_facts"]), bio=public_markdown(shown["bio"]),
    )


def _team(ws: Workspace, client: Client) -> tuple[list[PublicPerson], dict[str, str]]:
    """The client's team in the journey's role order, one card per person; id -> name."""
    journey = ws.journeys[client.journey]
    labels: dict[str, list[str]] = {}
    for role, label in journey.roles.items():
        person_id = client.team.get(role)
        if person_id in ws.people:
            labels.setdefault(person_id, []).append(label)
    team = [public_person(ws.people[pid], " & ".join(found), place)
            for place, (pid, found) in enumerate(labels.items(), 1)]
    return team, {pid: ws.people[pid].name for pid in labels}


def _shown(occurrence: Occurrence, as_of: dt.date) -> bool:
    # `on:` touchpoints are left out: their dates come from the record's internal `dates`.
    tp, date = occurrence.touchpoint, occurrence.date
    return (tp.client_visible and not tp.surprise and tp.on is None and date is not None
            and as_of <= date < as_of + HORIZON)


def public_client(ws: Workspace, client: Client, as_of: dt.date) -> PublicClient:
    """What the client may see, copied field by field from the allowlist."""
    team, names = _team(ws, client)
    steps = []
    for occurrence in client_schedule(ws, client, as_of):
        if not _shown(occurrence, as_of):
            continue
        step, date = allowed(occurrence.touchpoint), occurrence.date
        assert date is not None
        steps.append(PublicStep(
            title=step["title"], date=date, when=format_date(date), month=format_month(date),
            channel=CHANNEL_LABELS.get(step["channel"]) if step["channel"] else None,
            with_name=names.get(occurrence.owner or ""),
        ))
    shown = allowed(client)
    return PublicClient(
        name=shown["name"], contact=shown["contact"], welcome=public_markdown(shown["welcome"]),
        team=tuple(team), steps=tuple(steps), prepared_on=format_date(as_of),
    )


def render_meet(ws: Workspace, client: Client, as_of: dt.date, theme_dir: Path | None = None,
                env: jinja2.Environment | None = None) -> str:
    """The complete meet page of one client, as HTML text (`env`: the build's, if made)."""
    template = (env or environment(theme_dir)).get_template("meet.html")
    return template.render(client=public_client(ws, client, as_of), csp=Markup(CSP),
                           css=meet_css(theme_dir))
