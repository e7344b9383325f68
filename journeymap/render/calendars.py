"""Calendar feeds (.ics) of touchpoints: one per team member, one per client.

Every dated occurrence is an all-day event. Yearly touchpoints (`repeat: yearly`, `on:`) are
one event with a yearly rule from their first date, so a calendar app shows every year.
Output is reproducible: UIDs come from ids, and DTSTAMP from the build date, not the clock.

icalendar is slow (tens of thousands of events take seconds), so `calendar_feeds` keeps events
already serialised by icalendar in a `DiskCache`, one entry per client: the client's whole
feed, then the client's block of each person's feed. The entry's recipe is the client's (from
the caller), the people in it, the build date and the names of the owners it prints, so an
edited client serialises only its own blocks again, and its team's feeds are put together
from every other client's kept blocks. The bytes are those of one icalendar `Calendar` of the
same events (`person_calendar`, `client_calendar`): an empty calendar's lines before its END
line, the events one after another, then the END line.
"""

from __future__ import annotations

import datetime as dt
import functools
import html as html_lib
import re
from collections.abc import Callable, Iterable, Iterator

import icalendar
from icalendar import Calendar, Event

from ..cache import DiskCache, Output, recipe
from ..derive.people import client_participation, participation_by_person
from ..derive.schedule import Agenda, Occurrence
from ..model import Client, Touchpoint, Workspace
from ..vocabulary import PART_LABELS
from .markup import render_markdown

PRODID = "-//journeymap//client journey calendar//EN"
# A person's feed holds what is recent and what is coming, not every client's whole history:
# with hundreds of clients the full history would be tens of thousands of stale events.
PERSON_PAST = dt.timedelta(days=30)
PERSON_AHEAD = dt.timedelta(days=366)

_BLOCK_END = re.compile(r"</(p|li|h[1-6]|tr|blockquote|pre)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


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
        when = occurrence.dates.get(tp.on)
        return when.next_on_or_after(client.day_one) if when else None
    assert tp.day is not None
    return client.date_of(tp.day)


def is_yearly(tp: Touchpoint) -> bool:
    return tp.on is not None or bool(tp.repeat and tp.repeat.yearly)


def _uid(occurrence: Occurrence, scope: str) -> str:
    # Stable across builds; a yearly series keeps one UID whichever year is current.
    number = "yearly" if is_yearly(occurrence.touchpoint) else str(occurrence.number)
    # A household's person by their place in it: their name may be corrected later.
    member = f"person-{occurrence.member.number}." if occurrence.member is not None else ""
    return (f"{occurrence.client.id}.{occurrence.touchpoint.id}.{member}{number}.{scope}"
            "@journeymap")


def _event(ws: Workspace, occurrence: Occurrence, scope: str, part: str | None,
           stamp: dt.datetime) -> Event | None:
    client, tp = occurrence.client, occurrence.touchpoint
    start = first_date(occurrence) if is_yearly(tp) else occurrence.date
    if start is None or occurrence.date is None:
        return None
    journey = ws.journeys[client.journey]
    owner = ws.people.get(occurrence.owner or "")
    lines = []
    if client.must_know:  # first, where a calendar app's preview shows it
        lines.append(f"MUST KNOW: {'; '.join(client.must_know)}")
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
        value = occurrence.preference(key)
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
    whom = f" for {occurrence.for_whom}" if occurrence.for_whom else ""
    event.add("summary", f"{tp.title}{whom} · {client.name}")
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")  # a reminder of the day, not a busy block
    if tp.channel:
        event.add("categories", [tp.channel])
    return event


def _wants_feb_29(occurrence: Occurrence) -> bool:
    """A 29 February date: every year on February's last day (28th, or 29th in leap years)."""
    tp = occurrence.touchpoint
    if tp.on is not None:
        when = occurrence.dates.get(tp.on)
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


_END = b"END:VCALENDAR\r\n"


def _header(name: str, description: str) -> bytes:
    """A calendar's lines before its events, exactly as icalendar writes them."""
    empty = _calendar(name, description, [])
    assert empty.endswith(_END)
    return empty[: -len(_END)]


def _person_title(name: str) -> tuple[str, str]:
    return (f"{name} · client touchpoints",
            f"Touchpoints {name} takes part in, for every client.")


def _stamp(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC)


def person_calendar(ws: Workspace, agenda: Agenda, person_id: str,
                    parts: list[tuple[Occurrence, str]] | None = None) -> bytes:
    """The touchpoints a person owns, supports or is kept informed of, for every client:
    from 30 days back to a year ahead, and every yearly one.

    `parts` (from `people.participation_by_person`) saves a pass over every schedule per
    person.
    """
    stamp = _stamp(agenda.as_of)
    if parts is None:
        parts = participation_by_person(ws, agenda)[person_id]
    events = [event for occurrence, part in _in_window(parts, agenda.as_of)
              if (event := _event(ws, occurrence, f"team-{person_id}", part, stamp))]
    return _calendar(*_person_title(ws.people[person_id].name), events)


def client_calendar(ws: Workspace, agenda: Agenda, client_id: str) -> bytes:
    """Every touchpoint of one client's journey (internal: surprises included)."""
    stamp = _stamp(agenda.as_of)
    events = [event for occurrence in agenda.schedules[client_id]
              if (event := _event(ws, occurrence, "client", None, stamp))]
    name = ws.clients[client_id].name
    return _calendar(f"{name} · client journey",
                     f"Every planned touchpoint with {name} (internal).", events)


def _in_window(parts: Iterable[tuple[Occurrence, str]],
               as_of: dt.date) -> Iterator[tuple[Occurrence, str]]:
    """What a person's feed shows: recent and coming occurrences, and every yearly one."""
    first, last = as_of - PERSON_PAST, as_of + PERSON_AHEAD
    for occurrence, part in parts:
        if occurrence.date is not None and (is_yearly(occurrence.touchpoint)
                                            or first <= occurrence.date <= last):
            yield occurrence, part


def _owner_names(ws: Workspace, schedule: list[Occurrence]) -> dict[str, str | None]:
    """Whose names a client's events print ("Owner: ..."): a caller's client key may leave
    out a person the journey names directly rather than through the client's team."""
    return {o.owner: (p.name if (p := ws.people.get(o.owner)) else None)
            for o in schedule if o.owner is not None}


def calendar_feeds(ws: Workspace, agenda: Agenda, cache: DiskCache,
                   client_key: Callable[[Client], str],
                   only: Iterable[str] | None = None) -> dict[str, bytes]:
    """Every feed, `clients/<id>/calendar.ics` and `team/<person>.ics`: the same bytes as
    `client_calendar` and `person_calendar`, made from each client's blocks kept in `cache`.

    With `only` (client ids), just those clients' blocks are made or read and their own feeds
    returned, no person's (each needs every client): to fill the cache in several processes.
    """
    outputs = calendar_outputs(ws, agenda, cache, client_key, only)
    return {path: output.make() for path, output in outputs.items()}


def calendar_outputs(ws: Workspace, agenda: Agenda, cache: DiskCache,
                     client_key: Callable[[Client], str],
                     only: Iterable[str] | None = None) -> dict[str, Output]:
    """`calendar_feeds`, each feed with its recipe and made only when asked for: a build that
    keeps a feed from the last one reads none of its blocks.

    `client_key(client)` must change whenever the client's record or journey does (the
    renderer's client recipe); the build date, the people and the owners' names are added here.
    """
    stamp = _stamp(agenda.as_of)
    unpacked: dict[str, list[bytes]] = {}  # each client's entry, read once for all its feeds
    held: dict[str, list[tuple[Callable[[], list[bytes]], int, str]]] = {p: [] for p in ws.people}
    found: dict[str, Output] = {}
    # In client id order, the order of each person's feed.
    for client_id in sorted(ws.clients if only is None else only):
        taking_part = client_participation(ws, agenda, client_id)
        theirs = {person: kept for person, parts in taking_part.items()
                  if (kept := list(_in_window(parts, agenda.as_of)))}
        people = sorted(theirs)
        key = recipe("ics", client_key(ws.clients[client_id]), people,
                         _owner_names(ws, agenda.schedules[client_id]), agenda.as_of,
                         PERSON_PAST, PERSON_AHEAD, icalendar.__version__)
        # One entry a client, not one a block: creating thousands of small files costs more
        # than writing their bytes. It holds the client's whole feed, then its block of each
        # person's feed.
        make = functools.partial(_client_blocks, ws, agenda, client_id,
                                 [(p, theirs[p]) for p in people], stamp)

        def entry(client_id: str = client_id, key: str = key,
                  make: Callable[[], bytes] = make) -> list[bytes]:
            if client_id not in unpacked:
                unpacked[client_id] = _unpack(cache.through(key, make))
            return unpacked[client_id]

        found[f"clients/{client_id}/calendar.ics"] = Output(
            key, functools.partial(lambda entry: entry()[0], entry))
        for place, person_id in enumerate(people, 1):
            held[person_id].append((entry, place, key))
    if only is None:
        for person_id in sorted(ws.people):
            title = _person_title(ws.people[person_id].name)
            blocks = held[person_id]

            def feed(title: tuple[str, str] = title,
                     blocks: list[tuple[Callable[[], list[bytes]], int, str]] = blocks) -> bytes:
                return b"".join([_header(*title), *(entry()[place] for entry, place, _ in blocks),
                                 _END])

            found[f"team/{person_id}.ics"] = Output(
                recipe("person-ics", title, [key for _, _, key in blocks]), feed)
    return found


def _client_blocks(ws: Workspace, agenda: Agenda, client_id: str,
                   theirs: list[tuple[str, list[tuple[Occurrence, str]]]],
                   stamp: dt.datetime) -> bytes:
    # A calendar's events are written one after another, each as it would be on its own.
    blocks = [client_calendar(ws, agenda, client_id)]
    for person_id, parts in theirs:
        blocks.append(b"".join(
            event.to_ical() for occurrence, part in parts
            if (event := _event(ws, occurrence, f"team-{person_id}", part, stamp))))
    return _pack(blocks)


def _pack(blocks: list[bytes]) -> bytes:
    """Blocks as one entry: their lengths on the first line, then the blocks."""
    return b" ".join(str(len(block)).encode() for block in blocks) + b"\n" + b"".join(blocks)


def _unpack(entry: bytes) -> list[bytes]:
    sizes, _, data = entry.partition(b"\n")
    blocks, start = [], 0
    for size in map(int, sizes.split()):
        blocks.append(data[start:start + size])
        start += size
    return blocks
