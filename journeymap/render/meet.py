"""The client's own "Meet your team" page: one self-contained HTML file, safe to send.

Privacy is by allowlist. The template never sees the model: it gets `PublicClient`, whose
fields are copied one by one from what FORMAT.md lets a client see (their name, contact and
welcome; each team member's client-facing fields and role label; each stage's title and
promise; the `client_visible` touchpoints that are neither surprises nor `on:` a private
date, with their dates and whether each is done). Anything added to the model later stays
internal until someone adds it here on purpose. The business details (the plugin's
`business` option) are written for clients, and shown whole.

The file stands alone: CSS inline, photos and the logo as data: URIs (each once), no
scripts, a CSP that forbids loading anything, and no link into the internal site.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import nh3
from markupsafe import Markup

from ..derive.schedule import Occurrence, client_schedule, current_stage
from ..model import Business, Client, Person, Stage, Touchpoint, Workspace
from ..vocabulary import CHANNEL_LABELS, IMAGE_TYPES, MONTHS, format_date, format_month
from ..workspace.schema import CLIENT_FACING
from .env import environment, initials, meet_css, placeholder_hue
from .markup import render_markdown

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; " \
      "form-action 'none'"
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
    """A client-visible touchpoint (one occurrence of it) the client is meant to know about."""

    title: str
    date: dt.date  # when it happened, if done; else when it is planned
    when: str  # that date in words
    month: str  # `Dec 2026`
    channel: str | None
    with_name: str | None  # the team member who owns it, if on the client's team
    done: bool = False
    number: int = 1  # which occurrence, of `count`, of a repeating touchpoint
    count: int = 1


@dataclass(frozen=True)
class PublicStage:
    """A stage as the client sees it: its title, what we promise in it, and its steps."""

    title: str
    promise: tuple[str, ...]  # paragraphs of plain text
    dates: str  # its window in the client's dates: `20-26 Nov 2026`
    now: bool  # the client is in it
    steps: tuple[PublicStep, ...]


@dataclass(frozen=True)
class PublicBusiness:
    """The business, as its clients may see it (all of the `business` option)."""

    name: str
    logo: str | None  # a data: URI
    address: tuple[str, ...]  # its lines
    phone: str | None
    phone_href: str | None  # `tel:+15550100`
    email: str | None
    website: str | None
    website_label: str | None  # the address without `https://`
    action_label: str | None
    action_url: str | None


@dataclass(frozen=True)
class PublicClient:
    name: str
    contact: str | None
    welcome: Markup
    team: tuple[PublicPerson, ...]
    steps: tuple[PublicStep, ...]  # every step of every stage shown, in date order
    prepared_on: str
    stages: tuple[PublicStage, ...] = ()
    next_step: PublicStep | None = None  # the first step to come, not done yet

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


def allowed(record: Client | Person | Stage | Touchpoint) -> dict[str, Any]:
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


def public_business(business: Business | None) -> PublicBusiness | None:
    """The business as the page shows it. All of the option is meant for clients; the logo
    was checked on loading to be a real image inside the workspace."""
    if business is None:
        return None
    action = business.action
    phone = business.phone
    # A link dials only a number written as one: digits, spaces, dots, dashes, brackets and
    # a leading +. "+1 555 0199 ext. 45" or "1-800-FLOWERS" would dial a wrong number, so
    # they are shown as written, with no link.
    dialable = phone is not None and re.fullmatch(r"\+?[0-9 .()\-]{3,}", phone.strip())
    digits = re.sub(r"[^0-9+]", "", phone or "") if dialable else ""
    return PublicBusiness(
        name=business.name, logo=photo_uri(business.logo),
        address=tuple(line.strip() for line in (business.address or "").splitlines()
                      if line.strip()),
        phone=phone, phone_href=f"tel:{digits}" if digits.strip("+") else None,
        email=business.email, website=business.website,
        website_label=business.website.removeprefix("https://").rstrip("/")
        if business.website else None,
        action_label=action.label if action else None, action_url=action.url if action else None,
    )


def paragraphs(text: str | None) -> tuple[str, ...]:
    """Plain text in paragraphs: lines join as in Markdown, a blank line starts a new one (a
    promise written as a `|` block reads as prose, not as the lines of the editor)."""
    return tuple(" ".join(block.split()) for block in re.split(r"\n\s*\n", text or "")
                 if block.strip())


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


def _shown(occurrence: Occurrence) -> bool:
    """A step of the client's journey: client-visible, never a surprise, and never an `on:`
    touchpoint, whose date comes from the record's internal `dates` (a birthday)."""
    tp = occurrence.touchpoint
    return (tp.client_visible and not tp.surprise and tp.on is None
            and occurrence.date is not None and occurrence.status != "skipped")


def _step(occurrence: Occurrence, names: dict[str, str]) -> PublicStep:
    shown = allowed(occurrence.touchpoint)
    # Done: the day it happened (the client was there); else the day it is planned for.
    date = occurrence.done_on or occurrence.date
    assert date is not None
    return PublicStep(
        title=shown["title"], date=date, when=format_date(date), month=format_month(date),
        channel=CHANNEL_LABELS.get(shown["channel"]) if shown["channel"] else None,
        with_name=names.get(occurrence.owner or ""), done=occurrence.done_on is not None,
        number=occurrence.number, count=occurrence.count or 1,
    )


def date_span(first: dt.date, last: dt.date) -> str:
    """`20-26 Nov 2026`, `29 Nov - 19 Dec 2026`, `21 Dec 2026 - 18 Jan 2027`."""
    if first == last:
        return f"{first.day} {format_month(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}\u2013{last.day} {format_month(last)}"
    start = f"{first.day} {MONTHS[first.month - 1]}" + (
        f" {first.year}" if first.year != last.year else "")
    return f"{start} \u2013 {last.day} {format_month(last)}"


def _stages(ws: Workspace, client: Client, as_of: dt.date,
            steps: list[tuple[str, PublicStep]]) -> list[PublicStage]:
    """The stages with a promise or a step for the client, in order."""
    journey = ws.journeys[client.journey]
    now = current_stage(journey, client, as_of)
    found = []
    for stage in journey.stages:
        shown = allowed(stage)
        own = tuple(step for stage_id, step in steps if stage_id == stage.id)
        promise = paragraphs(shown["promise"])
        if not own and not promise:
            continue
        found.append(PublicStage(
            title=shown["title"], promise=promise, now=stage.id == now, steps=own,
            dates=date_span(client.date_of(stage.start), client.date_of(stage.end)),
        ))
    return found


def public_client(ws: Workspace, client: Client, as_of: dt.date) -> PublicClient:
    """What the client may see, copied field by field from the allowlist."""
    team, names = _team(ws, client)
    steps = [(o.touchpoint.stage, _step(o, names))
             for o in client_schedule(ws, client, as_of) if _shown(o)]
    shown = allowed(client)
    ordered = sorted((step for _, step in steps), key=lambda step: step.date)
    return PublicClient(
        name=shown["name"], contact=shown["contact"], welcome=public_markdown(shown["welcome"]),
        team=tuple(team), steps=tuple(ordered), prepared_on=format_date(as_of),
        stages=tuple(_stages(ws, client, as_of, steps)),
        next_step=next((s for s in ordered if not s.done and s.date >= as_of), None),
    )


def render_meet(ws: Workspace, client: Client, as_of: dt.date, theme_dir: Path | None = None,
                env: jinja2.Environment | None = None,
                business: Business | None = None) -> str:
    """The complete meet page of one client, as HTML text (`env`: the build's, if made;
    `business`: the site's business details)."""
    template = (env or environment(theme_dir)).get_template("meet.html")
    return template.render(client=public_client(ws, client, as_of),
                           business=public_business(business), csp=Markup(CSP),
                           css=meet_css(theme_dir))
