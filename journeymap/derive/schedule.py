"""Each client's dated schedule: touchpoints to dates, with done / due / overdue status.

Day numbers become dates (`day_one + day - 1`); cadences repeat `every` days `times` times;
yearly touchpoints and `on:` dates show their current occurrence, from two weeks back
onward, so a missed one is seen as overdue for a while and then makes way for next year's.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from ..exceptions import JourneymapError
from ..model import Client, Journey, Logged, Member, MonthDay, Touchpoint, Week, Workspace
from ..vocabulary import STATUSES
from ..workspace.schema import FIRST_YEAR, LAST_YEAR

DUE_WINDOW = dt.timedelta(days=7)  # "due" means within the next week
GRACE = dt.timedelta(days=14)  # how long a missed yearly occurrence stays overdue


def build_date(as_of: dt.date | None = None) -> dt.date:
    """The date a build is as of: the given one, else SOURCE_DATE_EPOCH's (UTC), else today.

    Raises JourneymapError for a date outside FIRST_YEAR..LAST_YEAR, where schedules cannot
    be worked out (a year 9999 overflows the calendar a year later).
    """
    if as_of is None:
        epoch = source_date_epoch()
        as_of = epoch.date() if epoch is not None else dt.date.today()
    if not FIRST_YEAR <= as_of.year <= LAST_YEAR:
        raise JourneymapError(f"the build date {as_of.isoformat()} is not from {FIRST_YEAR} "
                              f"to {LAST_YEAR}: give a date in that range")
    return as_of


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH's moment (UTC), None if unset; JourneymapError if it is not a number
    of seconds since 1970 that falls in FIRST_YEAR..LAST_YEAR."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    latest = dt.datetime(LAST_YEAR, 12, 31, 23, 59, 59, tzinfo=dt.UTC).timestamp()
    if not (text.isascii() and text.isdigit()) or int(text) > latest:
        shown = text if len(text) <= 30 else text[:27] + "..."
        raise JourneymapError(f"SOURCE_DATE_EPOCH={shown!r} is not a time journeymap can use: "
                              "give whole seconds since 1970-01-01 (UTC), for a date up to "
                              f"{LAST_YEAR}")
    return dt.datetime.fromtimestamp(int(text), tz=dt.UTC)


@dataclass(frozen=True)
class Occurrence:
    """One dated occurrence of a touchpoint for one client."""

    client: Client
    touchpoint: Touchpoint
    date: dt.date | None  # None: the client record lacks the `on:` date
    number: int  # 1-based, among the touchpoint's occurrences
    count: int | None  # how many in all; None for yearly ones
    status: str
    done_on: dt.date | None
    owner: str | None  # the person who owns it for this client
    skipped: str | None = None  # the reason, when it was decided against
    skipped_on: dt.date | None = None
    member: Member | None = None  # the person of the household it is for (an `on:` date)

    @property
    def day(self) -> int | None:
        return self.client.day_number(self.date) if self.date else None

    @property
    def for_whom(self) -> str | None:
        """The name of the household's person it is for (internal), else None."""
        return self.member.name if self.member is not None else None

    @property
    def dates(self) -> dict[str, MonthDay]:
        """The dates its `on:` date comes from: its person's, else the client's."""
        return self.member.dates if self.member is not None else self.client.dates

    def preference(self, key: str) -> str | None:
        """A preference for it: its person's own first, then the client's."""
        own = self.member.preferences.get(key) if self.member is not None else None
        return own if own is not None else self.client.preferences.get(key)


def _status(date: dt.date, logged: Logged | None, as_of: dt.date, client: Client,
            journey: Journey) -> str:
    """Where an occurrence stands. Not done, it is `missed` once it can no longer be done on
    its terms: a pre-signing one when signing day has come, any one past the journey's grace
    window, and any one a client who left had not had by the day they left."""
    if logged is not None:
        return "skipped" if logged.skipped is not None else "done"
    if client.paused is not None and client.paused.covers(date):
        return "paused"
    if client.left is not None and client.has_left(as_of) and date <= client.left.date:
        return "missed"
    if date < as_of:
        before_signing = date < client.day_one <= as_of
        late = date + dt.timedelta(days=journey.grace) < as_of
        return "missed" if before_signing or late else "overdue"
    return "due" if date < as_of + DUE_WINDOW else "upcoming"


def _add_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def _yearly_done(date: dt.date, log: tuple[Logged, ...]) -> Logged | None:
    """A yearly occurrence counts as done by a date logged up to ~10 months before it."""
    return next((e for e in log
                 if date - dt.timedelta(days=300) <= e.date <= date + GRACE * 4), None)


def _undated(client: Client, tp: Touchpoint, owner: str | None,
             log: tuple[Logged, ...]) -> Occurrence:
    """An `on:` touchpoint nobody has the date for: to ask, unless the client's log says it
    was decided against (a client who asked for no birthday fuss)."""
    declined = next((e for e in log if e.skipped is not None), None)
    if declined is None:
        return Occurrence(client, tp, None, 1, None, "undated", None, owner)
    return Occurrence(client, tp, None, 1, None, "skipped", None, owner, declined.skipped,
                      declined.date)


def touchpoint_occurrences(
    client: Client, journey: Journey, tp: Touchpoint, owner: str | None, as_of: dt.date,
    site: Week | None = None,
) -> list[Occurrence]:
    """The touchpoint's occurrences for the client: each on a day the business works (the
    journey's week, or the `site`'s), none before the touchpoint's `since:` date nor after
    the day the client left."""
    week = journey.week(site)
    log = client.log(tp.id)
    # A client who left has their schedule as it stood on that day.
    now = min(as_of, client.left.date) if client.left is not None else as_of

    def make(date: dt.date, number: int, count: int | None, logged: Logged | None,
             member: Member | None = None) -> Occurrence:
        skipped = logged.skipped if logged else None
        return Occurrence(client, tp, date, number, count,
                          _status(date, logged, as_of, client, journey),
                          logged.date if logged and skipped is None else None, owner,
                          skipped, logged.date if logged and skipped is not None else None,
                          member)

    def owed(occurrence: Occurrence) -> bool:
        date = occurrence.date
        if occurrence.status in ("done", "skipped"):
            return True
        if date is None:  # undated: owed until they leave
            return not client.has_left(as_of)
        if tp.since is not None and date < tp.since:
            return False
        return client.left is None or date <= client.left.date

    if tp.on is not None:
        # Once for the client's own date, and once for each person of the household who
        # has it (a couple's two birthdays), each counted done by their own log.
        whose: list[tuple[Member | None, MonthDay, tuple[Logged, ...]]] = [
            (None, when, log) for when in (client.dates.get(tp.on),) if when is not None]
        whose += [(m, m.dates[tp.on], m.log(tp.id)) for m in client.household
                  if tp.on in m.dates]
        found = [] if whose else [_undated(client, tp, owner, log)]
        for member, when, own_log in whose:
            date = week.working_day(when.next_on_or_after(max(client.day_one, now - GRACE)))
            found.append(make(date, 1, None, _yearly_done(date, own_log), member))
    elif tp.repeat and tp.repeat.yearly:
        assert tp.day is not None
        first = client.date_of(tp.day)
        year = 0
        while _add_years(first, year) < now - GRACE:
            year += 1
        date = week.working_day(_add_years(first, year))
        found = [make(date, year + 1, None, _yearly_done(date, log))]
    else:
        assert tp.day is not None
        first = client.date_of(tp.day)
        every, times = (tp.repeat.every, tp.repeat.times) if tp.repeat else (0, 1)
        dates = [week.working_day(first + dt.timedelta(days=every * k)) for k in range(times)]
        # Each logged entry (done or skipped) stands for the next occurrence, in order.
        found = [make(d, k + 1, times, log[k] if k < len(log) else None)
                 for k, d in enumerate(dates)]
    return [o for o in found if owed(o)]


def client_schedule(ws: Workspace, client: Client, as_of: dt.date) -> list[Occurrence]:
    """Every occurrence of every touchpoint of the client's journey, in date order."""
    journey = ws.journeys[client.journey]
    found: list[Occurrence] = []
    for tp in journey.touchpoints:
        owner = ws.resolve(journey, tp.owner, client)
        found.extend(touchpoint_occurrences(client, journey, tp, owner, as_of, ws.week))
    return sorted(found, key=lambda o: (o.date or dt.date.max, o.touchpoint.sort_key))


def current_stage(journey: Journey, client: Client, as_of: dt.date) -> str | None:
    """The id of the stage the client is in as of a date (None if between or past them)."""
    day = client.day_number(as_of)
    return next((s.id for s in journey.stages if s.holds(day)), None)


@dataclass
class Agenda:
    """What needs doing across all clients as of a date."""

    as_of: dt.date
    schedules: dict[str, list[Occurrence]]
    # Who takes part in each client's occurrences (people.client_participation), kept with
    # the schedules it is worked out from: person id -> (occurrence, part) in order.
    participation: dict[str, dict[str, list[tuple[Occurrence, str]]]] = field(
        default_factory=dict, repr=False, compare=False)

    def with_status(self, status: str) -> list[Occurrence]:
        found = [o for s in self.schedules.values() for o in s if o.status == status]
        return sorted(found, key=lambda o: (o.date or dt.date.max, o.client.name,
                                            o.touchpoint.sort_key))

    def counts(self, client_id: str) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for o in self.schedules[client_id]:
            counts[o.status] += 1
        return counts


def agenda(ws: Workspace, as_of: dt.date) -> Agenda:
    """Every client's schedule as of a date (made afresh; `Schedules` reuses the last)."""
    return Agenda(as_of, {c.id: client_schedule(ws, c, as_of) for c in ws.clients.values()})


class Schedules:
    """Makes agendas, and keeps the last one it made.

    A build asks twice (lint, then the pages), and a live preview asks after every save, with
    a workspace in which most clients are the very same objects as before (the loader reuses
    unchanged files' results). So the last agenda is kept: the same workspace gets it back,
    and a new one reuses the schedule of each client whose record is the same object, when
    the date and the people are the same too (a journey may name people), and whose journey
    is either the same object or one whose dates are worked out the same way (`dates_key`):
    an edit of a touchpoint's feel, title or owner, or of a stage's aim, moves no date, so a
    thousand schedules need not be made again, only pointed at the new touchpoints.
    A host keeps one `Schedules` for as long as it serves, and passes the agenda it gives to
    whatever needs one.
    """

    def __init__(self) -> None:
        self._ws: Workspace | None = None
        self._as_of: dt.date | None = None
        self._people: frozenset[str] = frozenset()
        self._agenda: Agenda | None = None

    def agenda(self, ws: Workspace, as_of: dt.date) -> Agenda:
        last, last_ws = self._agenda, self._ws
        if last is not None and last_ws is ws and self._as_of == as_of:
            return last
        people = frozenset(ws.people)
        same = last is not None and last_ws is not None and self._as_of == as_of \
            and self._people == people and last_ws.week == ws.week
        made = Agenda(as_of, {})
        # Per journey: None (made afresh), "same" (kept as is), "moved" (its occurrences
        # pointed at the new journey's touchpoints) or "redated" (only those of the
        # touchpoints in `redated` made again: a card dragged to another day).
        reuse: dict[str, str | None] = {}
        parts_kept: dict[str, bool] = {}  # per journey, not per client: a thousand zips
        redated: dict[str, set[str]] = {}
        for journey_id, journey in ws.journeys.items():
            before = last_ws.journeys.get(journey_id) if same and last_ws else None
            reuse[journey_id] = None if before is None else "same" if before is journey \
                else "moved" if dates_key(before, ws.week) == dates_key(journey, ws.week) \
                else None
            if reuse[journey_id] == "moved" and before is not None:
                parts_kept[journey_id] = _same_parts(before, journey)
            elif reuse[journey_id] is None and before is not None:
                changed = _redated(before, journey, ws.week)
                if changed is not None:
                    reuse[journey_id], redated[journey_id] = "redated", changed
                    parts_kept[journey_id] = _same_parts(before, journey, changed)
        for client in ws.clients.values():
            how = reuse.get(client.journey)
            if (how is None or last is None or last_ws is None
                    or last_ws.clients.get(client.id) is not client):
                made.schedules[client.id] = client_schedule(ws, client, as_of)
            elif how == "same":
                made.schedules[client.id] = last.schedules[client.id]
                if client.id in last.participation:
                    made.participation[client.id] = last.participation[client.id]
            elif how == "redated":
                made.schedules[client.id], new_of = _redo(
                    ws, client, as_of, redated[client.journey], last.schedules[client.id])
                held = last.participation.get(client.id)
                if held is not None and parts_kept[client.journey]:
                    made.participation[client.id] = _carried(
                        ws, client, held, made.schedules[client.id], new_of,
                        redated[client.journey])
            else:
                before, journey = last_ws.journeys[client.journey], ws.journeys[client.journey]
                was = last.schedules[client.id]
                made.schedules[client.id] = now = _moved(ws, before, journey, was)
                held = last.participation.get(client.id)
                if held is not None and parts_kept[client.journey]:
                    # Who takes part follows the parts and the team: the same, moved along.
                    new_of = {id(o): n for o, n in zip(was, now, strict=True)}
                    made.participation[client.id] = {
                        person: [(new_of[id(o)], part) for o, part in occurrences]
                        for person, occurrences in held.items()}
        self._ws, self._as_of, self._people, self._agenda = ws, as_of, people, made
        return made


def dates_key(journey: Journey, site: Week | None) -> tuple[object, ...]:
    """Everything of a journey that a client's schedule takes its dates, statuses and order
    from (see `touchpoint_occurrences` and `client_schedule`): two journeys with the same key
    give every client the same dates. Not a touchpoint's title, feel, emotion, channel,
    description, owner, support (an occurrence's owner is looked up again) nor a stage's
    aim; a stage's window is in, through the `order` of an `on:` touchpoint."""
    return (journey.week(site), journey.grace,
            tuple((tp.id, tp.day, tp.on, tp.repeat, tp.since, tp.sort_key)
                  for tp in journey.touchpoints))


def _date_fields(tp: Touchpoint) -> tuple[object, ...]:
    """What a touchpoint's own occurrences take their dates and statuses from, beside the
    client and the journey's week and grace (see `touchpoint_occurrences`)."""
    return (tp.day, tp.on, tp.repeat, tp.since)


def _redated(before: Journey, journey: Journey, site: Week | None) -> set[str] | None:
    """The ids of the touchpoints of `journey` whose occurrences differ from `before`'s (new
    ones, or with other dates), if the rest are the same; None if every one may differ
    (another week or grace, or ids given twice)."""
    if before.week(site) != journey.week(site) or before.grace != journey.grace:
        return None
    was = {tp.id: tp for tp in before.touchpoints}
    if len(was) != len(before.touchpoints) or len(
            {tp.id for tp in journey.touchpoints}) != len(journey.touchpoints):
        return None
    return {tp.id for tp in journey.touchpoints
            if tp.id not in was or _date_fields(was[tp.id]) != _date_fields(tp)}


def _redo(ws: Workspace, client: Client, as_of: dt.date, redated: set[str],
          schedule: list[Occurrence]) -> tuple[list[Occurrence], dict[int, Occurrence]]:
    """`client_schedule`, from the client's last schedule: the occurrences of the touchpoints
    in `redated` made again, the others pointed at the journey's new touchpoints (their
    owners looked up again), all in date order as before; and the new occurrence for each
    one kept, by the id of the old."""
    journey = ws.journeys[client.journey]
    by_id = {tp.id: tp for tp in journey.touchpoints}
    owners: dict[str, str | None] = {}
    found: list[Occurrence] = []
    new_of: dict[int, Occurrence] = {}
    for o in schedule:
        tp = by_id.get(o.touchpoint.id)
        if tp is None or tp.id in redated:
            continue  # gone, or made again below
        if tp.id not in owners:
            owners[tp.id] = ws.resolve(journey, tp.owner, client)
        moved = _pointed(o, tp, owners[tp.id])
        found.append(moved)
        new_of[id(o)] = moved
    for tp in journey.touchpoints:
        if tp.id in redated:
            owner = ws.resolve(journey, tp.owner, client)
            found.extend(touchpoint_occurrences(client, journey, tp, owner, as_of, ws.week))
    return sorted(found, key=lambda o: (o.date or dt.date.max, o.touchpoint.sort_key)), new_of


def taking_part(ws: Workspace, journey: Journey, client: Client,
                occurrence: Occurrence) -> list[tuple[str, str]]:
    """(person, part) for each person of the team who takes part in an occurrence, once
    each, in their strongest part (owner, then support, then informed)."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for part, ref in occurrence.touchpoint.parts:  # the strongest part first
        person = ws.resolve(journey, ref, client)
        if person in ws.people and person not in seen:
            seen.add(person)
            found.append((person, part))
    return found


def _carried(ws: Workspace, client: Client, held: dict[str, list[tuple[Occurrence, str]]],
             schedule: list[Occurrence], new_of: dict[int, Occurrence],
             redated: set[str]) -> dict[str, list[tuple[Occurrence, str]]]:
    """Who takes part in a schedule `_redo` made, from who took part in the last one (the
    parts and roles the same): the kept occurrences' parts carried over, the remade ones'
    worked out as `people.client_participation` does, each person's in schedule order."""
    journey = ws.journeys[client.journey]
    found = {person: [(new_of[id(o)], part) for o, part in entries if id(o) in new_of]
             for person, entries in held.items()}
    for o in schedule:
        if o.touchpoint.id in redated:
            for person, part in taking_part(ws, journey, client, o):
                found.setdefault(person, []).append((o, part))
    place = {id(o): n for n, o in enumerate(schedule)}
    for entries in found.values():
        entries.sort(key=lambda entry: place[id(entry[0])])
    # People in the order they first take part, as worked out afresh.
    return {person: found[person] for person in sorted(
        (p for p, entries in found.items() if entries), key=lambda p: place[id(found[p][0][0])])}


def _same_parts(before: Journey, journey: Journey, redated: set[str] | None = None) -> bool:
    """Whether each touchpoint in its place has the same owner, support and informed, and
    the roles are the same: then so is everyone's part in every occurrence. With `redated`
    (see `_redated`): each touchpoint not in it, by its id."""
    if before.roles != journey.roles:
        return False
    if redated is None:
        return all(a.parts == b.parts
                   for a, b in zip(before.touchpoints, journey.touchpoints, strict=True))
    parts = {tp.id: tp.parts for tp in before.touchpoints}
    return all(parts[tp.id] == tp.parts for tp in journey.touchpoints if tp.id not in redated)


def _moved(ws: Workspace, before: Journey, journey: Journey,
           schedule: list[Occurrence]) -> list[Occurrence]:
    """A schedule made with `before`, a version of `journey` of the same `dates_key`: its
    occurrences pointed at the touchpoints of `journey` in the same place (the key holds
    them in order), their owners looked up again (an owner is not in the key)."""
    place = {id(tp): n for n, tp in enumerate(before.touchpoints)}
    owners: dict[int, str | None] = {}
    found: list[Occurrence] = []
    for o in schedule:
        n = place[id(o.touchpoint)]
        if n not in owners:
            owners[n] = ws.resolve(journey, journey.touchpoints[n].owner, o.client)
        found.append(_pointed(o, journey.touchpoints[n], owners[n]))
    return found


def _pointed(occurrence: Occurrence, tp: Touchpoint, owner: str | None) -> Occurrence:
    """The occurrence of another version of its touchpoint, with its owner looked up again:
    a copy with two fields changed, made the quick way (a frozen dataclass's own __init__
    or dataclasses.replace was a tenth of a rebuild at a thousand clients)."""
    moved = object.__new__(Occurrence)
    moved.__dict__.update(occurrence.__dict__, touchpoint=tp, owner=owner)
    return moved


def stage_name(journey: Journey, client: Client, as_of: dt.date) -> str:
    """Where the client is on the journey as of a date, in words: the stage's title, or
    `Not started`, `Between stages`, `Every year (year 3)`."""
    stage_id = current_stage(journey, client, as_of)
    if stage_id is not None:
        return journey.stage(stage_id).title
    day = client.day_number(as_of)
    if day < journey.stages[0].start:
        return "Not started"
    if day > journey.stages[-1].end:
        return f"{journey.stages[-1].title} (year {(day - 1) // 365 + 1})"
    return "Between stages"
