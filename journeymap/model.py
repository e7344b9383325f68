"""The journey workspace as plain data: what the files say, checked and resolved.

Nothing here knows about YAML, MkDocs or HTML. `Where` keeps positions so that derived
checks (lint, say) can point back at the line a user wrote.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from .vocabulary import BACKSTAGE, date_name, format_day


@dataclass(frozen=True)
class Where:
    """A position in a workspace file (1-based)."""

    path: str
    line: int
    col: int


@dataclass(frozen=True)
class Repeat:
    """`yearly`, or `every` days for `times` occurrences in all."""

    yearly: bool = False
    every: int = 0
    times: int = 1


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    start: int  # `from`
    end: int  # `to`
    phases: tuple[str, ...]
    feel: str | None
    description: str | None
    where: Where
    promise: str | None = None  # what the client is promised here, in words for them
    # The workshop wall's notes (internal): (lane id, its notes), in the order written.
    lanes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def notes(self, lane: str) -> tuple[str, ...]:
        return next((notes for name, notes in self.lanes if name == lane), ())

    def holds(self, day: int) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Touchpoint:
    id: str
    title: str
    stage: str
    phase: str | None
    owner: str
    day: int | None = None
    on: str | None = None
    repeat: Repeat | None = None
    support: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()
    channel: str | None = None
    feel: int | None = None
    emotion: str | None = None
    description: str | None = None
    surprise: bool = False
    client_visible: bool = False
    uses: tuple[str, ...] = ()
    where: Where = Where("", 1, 1)
    key_where: dict[str, Where] = field(default_factory=dict, compare=False, hash=False)
    order: int = 0  # its day, or for an `on:` touchpoint the first day of its stage
    since: dt.date | None = None  # added to the journey on this date: nothing owed before

    @property
    def parts(self) -> tuple[tuple[str, str], ...]:
        """(part, reference) for the owner, each supporter and each one informed, in that
        order, so the first match for a person is their strongest part."""
        return (("owner", self.owner), *(("support", r) for r in self.support),
                *(("informed", r) for r in self.informed))

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """Day order; `on:` touchpoints sit at the start of their stage's window."""
        return (self.order, 0 if self.day is not None else 1, self.id)


@dataclass(frozen=True)
class Week:
    """The days a business works: a date that falls on another day, or on a closing date,
    moves to the next working day."""

    days: frozenset[int] = frozenset(range(7))  # date.weekday() numbers
    closed: frozenset[dt.date] = frozenset()

    def working_day(self, date: dt.date) -> dt.date:
        """The date, or the next day the business works if it is closed on it."""
        if not self.days:
            return date
        while date.weekday() not in self.days or date in self.closed:
            date += dt.timedelta(days=1)
        return date


@dataclass(frozen=True)
class Journey:
    id: str
    title: str
    summary: str | None
    roles: dict[str, str]
    stages: tuple[Stage, ...]
    touchpoints: tuple[Touchpoint, ...]  # in day order
    path: str
    written_ids: frozenset[str] = frozenset()  # every touchpoint id in the file, valid or not
    key_where: dict[str, Where] = field(default_factory=dict, compare=False, hash=False)
    lint: dict[str, object] = field(default_factory=dict)  # its own lint settings, as written
    words: dict[str, str] = field(default_factory=dict)  # its own words (vocabulary.Words)
    working_days: frozenset[int] = frozenset(range(7))  # date.weekday() numbers
    closed: frozenset[dt.date] = frozenset()
    own_days: bool = False  # whether it names its working_days (else the site's hold)
    grace: int = 30  # days an occurrence not done stays overdue before it counts as missed
    # Every lane a stage may use, id -> label: the fixed ones, then the journey's own
    # (`vocabulary.LANES`; a journey may relabel a fixed one). Internal, as the notes are.
    lane_labels: dict[str, str] = field(default_factory=dict)
    parking_lot: tuple[str, ...] = ()  # notes not placed in a stage yet (internal)

    @property
    def lanes_used(self) -> tuple[str, ...]:
        """The lanes some stage has a note in, in the map's order (backstage last, below
        the line of visibility), so a journey without notes gets no empty rows."""
        used = {lane for stage in self.stages for lane, notes in stage.lanes if notes}
        ordered = sorted((lane for lane in self.lane_labels if lane in used),
                         key=lambda lane: lane == BACKSTAGE)
        return tuple(ordered)

    def week(self, site: Week | None = None) -> Week:
        """Its working week: its own working days, else the site's (the `business` option);
        closed on its own closing dates and on the site's."""
        if site is None:
            return Week(self.working_days, self.closed)
        return Week(self.working_days if self.own_days else site.days,
                    self.closed | site.closed)

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    def touchpoint(self, touchpoint_id: str) -> Touchpoint | None:
        return self._by_id.get(touchpoint_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, Touchpoint]:
        # Asked for each entry of every client's done log and feedback: a thousand clients
        # made a search through the touchpoints a second's work.
        return {t.id: t for t in reversed(self.touchpoints)}  # the first of a repeated id

    def in_stage(self, stage_id: str) -> list[Touchpoint]:
        return [t for t in self.touchpoints if t.stage == stage_id]

    def role_label(self, ref: str) -> str:
        return self.roles.get(ref, ref)

    def named_directly(self) -> tuple[str, ...]:
        """The references that are not roles (people named directly), first mention first."""
        return tuple(dict.fromkeys(ref for tp in self.touchpoints for _, ref in tp.parts
                                   if ref not in self.roles))


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    path: str
    title: str | None = None
    pronouns: str | None = None
    photo: Path | None = None  # absolute, checked to lie inside the source folder
    email: str | None = None
    video: str | None = None
    fun_facts: tuple[str, ...] = ()
    phone: str | None = None
    notes: str | None = None
    bio: str = ""
    key_where: dict[str, Where] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Logged:
    """One entry of a client's done log: done on a date, or skipped then with a reason."""

    date: dt.date
    skipped: str | None = None  # the reason, for an occurrence decided against


@dataclass(frozen=True)
class Feedback:
    """What a client told us they felt, on a date, maybe about one touchpoint (internal)."""

    date: dt.date
    feel: int
    touchpoint: str | None = None
    said: str | None = None
    heard_by: str | None = None
    where: Where = Where("", 1, 1)  # of its `touchpoint`, else of the entry
    heard_by_where: Where = Where("", 1, 1)


@dataclass(frozen=True)
class Ending:
    """A client who left (`until` None) or paused (maybe `until` a date), and why."""

    date: dt.date
    reason: str | None = None
    until: dt.date | None = None

    def covers(self, date: dt.date) -> bool:
        return self.date <= date and (self.until is None or date < self.until)


# A date from a client record; the year may be unknown (a birthday given as 03-14).
@dataclass(frozen=True)
class MonthDay:
    year: int | None
    month: int
    day: int

    def next_on_or_after(self, after: dt.date) -> dt.date:
        """The first anniversary on or after `after` (29 Feb falls on 28 Feb in other years)."""
        for year in (after.year, after.year + 1):
            try:
                candidate = dt.date(year, self.month, self.day)
            except ValueError:
                candidate = dt.date(year, self.month, self.day - 1)
            if candidate >= after:
                return candidate
        raise AssertionError("unreachable: next year's date is always later")


@dataclass(frozen=True)
class Member:
    """One person of a client's household (`people:`), with their own dates and done log:
    an `on:` touchpoint fires for each of them who has its date. Internal, all of it."""

    name: str
    number: int  # 1-based, their place in the household as written (`people.<n>` in CSV)
    email: str | None = None
    dates: dict[str, MonthDay] = field(default_factory=dict)
    preferences: dict[str, str] = field(default_factory=dict)
    done: dict[str, tuple[dt.date, ...]] = field(default_factory=dict)
    skipped: dict[str, tuple[Logged, ...]] = field(default_factory=dict)
    where: Where = field(default=Where("", 1, 1), compare=False, hash=False)

    def log(self, tp_id: str) -> tuple[Logged, ...]:
        """Their own done log of a touchpoint, as `Client.log` gives the client's."""
        return _in_order(self.done.get(tp_id, ()), self.skipped.get(tp_id, ()))


def _in_order(done: tuple[dt.date, ...], skipped: tuple[Logged, ...]) -> tuple[Logged, ...]:
    entries = [Logged(d) for d in done] + list(skipped)
    return tuple(sorted(entries, key=lambda e: (e.date, e.skipped is not None)))


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    journey: str
    day_one: dt.date
    team: dict[str, str]  # role -> person id
    path: str
    contact: str | None = None
    welcome: str | None = None
    must_know: tuple[str, ...] = ()  # an allergy, an access need: on every internal page
    dates: dict[str, MonthDay] = field(default_factory=dict)
    preferences: dict[str, str] = field(default_factory=dict)
    household: tuple[Member, ...] = ()  # `people:`, in the order written
    cares_about: str | None = None
    goals: tuple[str, ...] = ()
    handoff: str | None = None
    done: dict[str, tuple[dt.date, ...]] = field(default_factory=dict)
    notes: str | None = None
    # The done log's skipped entries by touchpoint (`done` holds its done dates).
    skipped: dict[str, tuple[Logged, ...]] = field(default_factory=dict)
    feedback: tuple[Feedback, ...] = ()  # in date order
    paused: Ending | None = None
    left: Ending | None = None
    # Where each key was written: `team`, and one level down, `team.lead` (for lint).
    key_where: dict[str, Where] = field(default_factory=dict, compare=False, hash=False)

    def where(self, *keys: str) -> Where:
        """The first of `keys` the file has, else its first line."""
        return next((self.key_where[k] for k in keys if k in self.key_where),
                    Where(self.path, 1, 1))

    def day_number(self, on: dt.date) -> int:
        """The journey day that `on` is for this client (day 1 = signing day)."""
        return (on - self.day_one).days + 1

    def date_of(self, day: int) -> dt.date:
        return self.day_one + dt.timedelta(days=day - 1)

    def log(self, tp_id: str) -> tuple[Logged, ...]:
        """A touchpoint's done log, done and skipped entries, in date order (done first on
        a day with both)."""
        return _in_order(self.done.get(tp_id, ()), self.skipped.get(tp_id, ()))

    def logged(self) -> list[str]:
        """The touchpoint ids in the done log, done or skipped."""
        return list(dict.fromkeys([*self.done, *self.skipped]))

    def has_date(self, name: str) -> bool:
        """Whether the client or someone of the household has the date `name`."""
        return name in self.dates or any(name in m.dates for m in self.household)

    def has_left(self, as_of: dt.date) -> bool:
        return self.left is not None and self.left.date <= as_of

    def is_paused(self, as_of: dt.date) -> bool:
        return self.paused is not None and self.paused.covers(as_of)


@dataclass
class Workspace:
    """Everything in a workspace's source folder, valid and cross-checked."""

    source: Path
    journeys: dict[str, Journey]
    people: dict[str, Person]
    clients: dict[str, Client]
    week: Week | None = None  # the site's working week (the `business` option), if it names one

    def ref_label(self, journey: Journey, ref: str) -> str:
        """An owner, supporter or informed reference in words: the role's label or the name."""
        if ref in journey.roles:
            return journey.roles[ref]
        person = self.people.get(ref)
        return person.name if person else ref

    def resolve(self, journey: Journey, ref: str, client: Client | None) -> str | None:
        """The person behind an owner/support/informed reference, for a client if a role."""
        if ref in journey.roles:
            return client.team.get(ref) if client else None
        return ref if ref in self.people else None


@dataclass(frozen=True)
class Action:
    """What a client can do next, as a button: `Book a table` at a web address."""

    label: str
    url: str  # https:, mailto: or tel:


@dataclass(frozen=True)
class Business:
    """The business a site's journeys belong to, as its clients see it on their own page (the
    plugin's `business` option): all of it is for clients, none of it internal."""

    name: str
    logo: Path | None = None  # absolute, checked: inside the workspace, a real image
    address: str | None = None  # may hold line breaks
    phone: str | None = None
    email: str | None = None
    website: str | None = None  # https:
    action: Action | None = None
    # The site's working week, for journeys that name none (internal: not on a meet page).
    week: Week | None = None


def when_in_words(tp: Touchpoint, style: str = "long") -> str:
    """When a touchpoint happens, in words, in one of three styles:

    - `long`, for tables: `Day 5`, `Day -18, every 4 days, 3 times`, `Every year on their
      birthday`;
    - `short`, for a diagram's node: `day -18, every 4 days ×3`, `on: birthday, yearly`;
    - `card`, for a map's card: `Day 5`, `Birthday`.
    """
    if style == "card":
        return date_name(tp.on).capitalize() if tp.on is not None else format_day(tp.day)
    short = style == "short"
    if tp.on is not None:
        return f"on: {tp.on}, yearly" if short else f"Every year on their {date_name(tp.on)}"
    text = f"day {tp.day}" if short else format_day(tp.day)
    if tp.repeat and tp.repeat.yearly:
        return f"{text}, then {'yearly' if short else 'every year'}"
    if tp.repeat:
        times = f"×{tp.repeat.times}" if short else f"{tp.repeat.times} times"
        return f"{text}, every {tp.repeat.every} days{'' if short else ','} {times}"
    return text
