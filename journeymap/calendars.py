"""Calendar feeds (.ics) of touchpoints: one per team member, one per client.

Every dated occurrence is an all-day event. Yearly touchpoints (`repeat: yearly`, `on:`) are
one event with a yearly rule from their first date, so a calendar app shows every year.
Output is reproducible: UIDs come from ids, and DTSTAMP from the build date, not the clock.
"""

from __future__ import annotations

import datetime as dt
import functools
import html as html_lib
import re
from collections.abc import Iterable

from icalendar import Calendar, Event

from .markup import render_markdown
from .model import Client, Journey, Touchpoint, Workspace
from .schedule import Agenda, Occurrence

PRODID = "-//journeymap//client journey calendar//EN"
# A person's feed holds what is recent and what is coming, not every client's whole history:
# with hundreds of clients the full history would be tens of thousands of stale events.
PERSON_PAST = dt.timedelta(days=30)
PERSON_AHEAD = dt.timedelta(days=366)
PART_LABELS = {"owner": "Owner", "support": "Support", "informed": "Kept informed"}

_BLOCK_END = re.compile(r"</(p|li|h[1-6]|tr|blockquote|pre)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


def part_of(ws: Workspace, journey: Journey, tp: Touchpoint, client: Client,
            person_id: str) -> str | None:
    """The person's part in a touchpoint for a client (the strongest if several), or None."""
    return next((part for part, ref in tp.parts
                 if ws.resolve(journey, ref, client) == person_id), None)


@functools.lru_cache(maxsize=4096)
def plain_text(markdown: str | None) -> str:
    """A Markdown field as plain text: words kept, markup and link targets dropped."""
    html = str(render_markdown(markdown)).replace("\n", " ")
    text = html_lib.unescape(_TAG.sub("", _BLOCK_END.sub("\n", html)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def first_date(occurrence: Occurrence) -> dt.date | None:
    """Where a yearly series starts: its first date on or after the client's day one."""
    client, tp = occurrence.client, occurrence.touchpoint
    if tp.on is not None:
        when = client.dates.get(tp.on)
        return when.next_on_or_after(client.day_one) if when else None
    assert tp.day is not None
    return client.date_of(tp.day)


def is_yearly(tp: Touchpoint) -> bool:
    return tp.on is not None or bool(tp.repeat and tp.repeat.yearly)


def _uid(occurrence: Occurrence, scope: str) -> str:
    # Stable across builds; a yearly series keeps one UID whichever year is current.
    number = "yearly" if is_yearly(occurrence.touchpoint) else str(occurrence.number)
    return f"{occurrence.client.id}.{occurrence.touchpoint.id}.{number}.{scope}@journeymap"


def _event(ws: Workspace, occurrence: Occurrence, scope: str, part: str | None,
           stamp: dt.datetime) -> Event | None:
    client, tp = occurrence.client, occurrence.touchpoint
    start = first_date(occurrence) if is_yearly(tp) else occurrence.date
    if start is None or occurrence.date is None:
        return None
    journey = ws.journeys[client.journey]
    owner = ws.people.get(occurrence.owner or "")
    lines = []
    if part is not None:
        lines.append(f"Your part: {PART_LABELS[part]}")
    owner_role = journey.roles.get(tp.owner)
    owner_name = owner.name if owner else "nobody yet"
    lines.append(f"Owner: {owner_name}" + (f" ({owner_role})" if owner_role else ""))
    if occurrence.count and occurrence.count > 1:
        lines.append(f"Occurrence {occurrence.number} of {occurrence.count}")
    if occurrence.done_on is not None:
        lines.append(f"Done on {occurrence.done_on.isoformat()}")
    for key in tp.uses:
        value = client.preferences.get(key)
        lines.append(f"{key.replace('_', ' ').capitalize()}: {value or 'to ask'}")
    text = plain_text(tp.description)
    if text:
        lines += ["", text]

    event = Event()
    event.add("uid", _uid(occurrence, scope))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(days=1))
    if is_yearly(tp):
        if (start.month, start.day) == (2, 29) or _wants_feb_29(occurrence):
            event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
        else:
            event.add("rrule", {"freq": "yearly"})
    event.add("summary", f"{tp.title} · {client.name}")
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")  # a reminder of the day, not a busy block
    if tp.channel:
        event.add("categories", [tp.channel])
    return event


def _wants_feb_29(occurrence: Occurrence) -> bool:
    """A 29 February date: every year on February's last day (28th, or 29th in leap years)."""
    tp, client = occurrence.touchpoint, occurrence.client
    if tp.on is not None:
        when = client.dates.get(tp.on)
        return bool(when and (when.month, when.day) == (2, 29))
    return False


def _calendar(name: str, description: str, events: Iterable[Event]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-caldesc", description)
    for event in events:
        cal.add_component(event)
    return bytes(cal.to_ical())


def _stamp(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC)


def parts_by_person(ws: Workspace, agenda: Agenda) -> dict[str, list[tuple[Occurrence, str]]]:
    """Each person's occurrences and their part in each, in one pass over every schedule."""
    found: dict[str, list[tuple[Occurrence, str]]] = {p: [] for p in ws.people}
    for client_id in sorted(agenda.schedules):
        client = ws.clients[client_id]
        journey = ws.journeys[client.journey]
        for occurrence in agenda.schedules[client_id]:
            seen: set[str] = set()
            # The strongest part first, so a person who owns and is informed shows as owner.
            for part, ref in occurrence.touchpoint.parts:
                person = ws.resolve(journey, ref, client)
                if person in found and person not in seen:
                    seen.add(person)
                    found[person].append((occurrence, part))
    return found


def person_calendar(ws: Workspace, agenda: Agenda, person_id: str,
                    parts: list[tuple[Occurrence, str]] | None = None) -> bytes:
    """The touchpoints a person owns, supports or is kept informed of, for every client:
    from 30 days back to a year ahead, and every yearly one.

    `parts` (from `parts_by_person`) saves a pass over every schedule per person.
    """
    person = ws.people[person_id]
    stamp = _stamp(agenda.as_of)
    if parts is None:
        parts = parts_by_person(ws, agenda)[person_id]
    first, last = agenda.as_of - PERSON_PAST, agenda.as_of + PERSON_AHEAD
    events = [event for occurrence, part in parts
              if occurrence.date is not None and (is_yearly(occurrence.touchpoint)
                                                  or first <= occurrence.date <= last)
              if (event := _event(ws, occurrence, f"team-{person_id}", part, stamp))]
    return _calendar(f"{person.name} · client touchpoints",
                     f"Touchpoints {person.name} takes part in, for every client.", events)


def client_calendar(ws: Workspace, agenda: Agenda, client_id: str) -> bytes:
    """Every touchpoint of one client's journey (internal: surprises included)."""
    client = ws.clients[client_id]
    stamp = _stamp(agenda.as_of)
    events = [event for occurrence in agenda.schedules[client_id]
              if (event := _event(ws, occurrence, "client", None, stamp))]
    return _calendar(f"{client.name} · client journey",
                     f"Every planned touchpoint with {client.name} (internal).", events)
