"""A semantic diff of a workspace between two revisions: what a change means.

Not a line diff: it says what changed for clients (which schedules move, and when) and for
the team (owners, feelings, stages, people). `git.load_revision` reads the source folder as
it was at a revision, `compare` finds the changes, `markdown.review_markdown` writes them up.
The details are Markdown already (user text escaped by `escape`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..derive.schedule import client_schedule
from ..exceptions import Problem
from ..model import Client, Journey, Person, Stage, Touchpoint, Workspace
from .escape import code, md

Lint = Callable[[Workspace], list[Problem]]

# Headline kinds, in the order the headline lists them: (kind, singular, plural).
KINDS: tuple[tuple[str, str, str], ...] = (
    ("journey-added", "journey added", "journeys added"),
    ("journey-removed", "journey removed", "journeys removed"),
    ("journey-changed", "journey detail changed", "journey details changed"),
    ("touchpoint-added", "touchpoint added", "touchpoints added"),
    ("touchpoint-removed", "touchpoint removed", "touchpoints removed"),
    ("touchpoint-renamed", "touchpoint renamed", "touchpoints renamed"),
    ("touchpoint-moved", "touchpoint moved", "touchpoints moved"),
    ("owner", "owner changed", "owners changed"),
    ("helpers", "support/informed change", "support/informed changes"),
    ("feel-lowered", "feel lowered", "feels lowered"),
    ("feel-raised", "feel raised", "feels raised"),
    ("feel-changed", "feel set or cleared", "feels set or cleared"),
    ("touchpoint-detail", "other touchpoint change", "other touchpoint changes"),
    ("stage-added", "stage added", "stages added"),
    ("stage-removed", "stage removed", "stages removed"),
    ("stage-changed", "stage change", "stage changes"),
    ("stage-empty", "stage left with no touchpoint", "stages left with no touchpoint"),
    ("role-added", "role added", "roles added"),
    ("role-removed", "role removed", "roles removed"),
    ("role-changed", "role relabelled", "roles relabelled"),
    ("person-added", "person added", "people added"),
    ("person-removed", "person removed", "people removed"),
    ("person-changed", "person changed", "people changed"),
    ("client-added", "client added", "clients added"),
    ("client-removed", "client removed", "clients removed"),
    ("client-changed", "client changed", "clients changed"),
    ("unchecked", "item not compared for its errors", "items not compared for their errors"),
)
_KIND_ORDER = {kind: i for i, (kind, _, _) in enumerate(KINDS)}
SPARKS = {1: "▁", 2: "▂", 3: "▄", 4: "▆", 5: "█"}
NO_CHANGES = "No changes to the journey, the team or the clients."
_INTERNAL_CLIENT_FIELDS = ("must_know", "dates", "preferences", "cares_about", "goals",
                           "handoff", "done", "notes")


# ---- the review as data -----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One thing that changed. `subject` and `detail` are Markdown."""

    kind: str  # one of KINDS: how the headline counts it
    subject: str
    detail: str


@dataclass(frozen=True)
class Impact:
    """What an added, removed or moved touchpoint (or a new cadence) does to current
    clients' schedules."""

    subject: str  # the touchpoint, Markdown
    change: str  # "added", "removed", "moved", "repeat changed" or "moved, repeat changed"
    clients: tuple[str, ...]  # ids of clients whose schedule changes
    of: int  # clients on the journey
    nearest: dt.date | None  # the affected date nearest to as_of, upcoming first
    nearest_client: str | None  # that client's name
    on_journey: tuple[str, ...] = ()  # ids of the current clients counted in `of`


@dataclass
class JourneyReview:
    id: str
    title: str
    status: str  # "added", "removed" or "changed"
    summary: str = ""  # for an added or removed journey, Markdown
    journey: list[Change] = field(default_factory=list)  # title, summary, roles
    stages: list[Change] = field(default_factory=list)
    touchpoints: list[Change] = field(default_factory=list)  # grouped by subject, day order
    curve: tuple[str, str] | None = None  # the emotion curve before and after
    impacts: list[Impact] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [*self.journey, *self.stages, *self.touchpoints]


@dataclass
class Review:
    base_label: str  # Markdown
    head_label: str
    as_of: dt.date
    journeys: list[JourneyReview]
    people: list[Change]
    clients: list[Change]
    lint_added: list[Problem]
    lint_fixed: list[Problem]
    base_errors: list[Problem]
    head_errors: list[Problem]

    @property
    def changes(self) -> list[Change]:
        found = [c for j in self.journeys for c in j.changes]
        found += [Change(f"journey-{j.status}", j.id, "") for j in self.journeys
                  if j.status != "changed"]
        return [*found, *self.people, *self.clients]

    @property
    def affected_clients(self) -> set[str]:
        return {c for j in self.journeys for i in j.impacts for c in i.clients}

    @property
    def empty(self) -> bool:
        return not (self.changes or self.lint_added or self.lint_fixed)

    def headline(self) -> list[str]:
        """Counts of what changed, e.g. ``["2 touchpoints moved", "1 owner changed"]``."""
        counts = Counter(c.kind for c in self.changes)
        parts = [count(counts[kind], one, many) for kind, one, many in KINDS if counts[kind]]
        affected = len(self.affected_clients)
        if affected:
            parts.append(f"{affected} client's schedule changes" if affected == 1
                         else f"{affected} clients' schedules change")
        if self.lint_added:
            parts.append(count(len(self.lint_added), "lint finding added",
                                "lint findings added"))
        if self.lint_fixed:
            parts.append(count(len(self.lint_fixed), "lint finding fixed",
                                "lint findings fixed"))
        return parts


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# ---- comparing --------------------------------------------------------------------------


def _refs(journey: Journey, ws: Workspace, refs: Iterable[str]) -> str:
    labels = [ws.ref_label(journey, r) for r in refs]
    return ", ".join(labels) if labels else "none"


def _subject(title: str, id_: str) -> str:
    return f"**{md(title)}** `{id_}`"


def _when(tp: Touchpoint, journey: Journey) -> str:
    stage = md(journey.stage(tp.stage).title)
    if tp.day is not None:
        return f"day {tp.day} in {stage}"
    return f"their `{tp.on}` date in {stage}"


def _repeat(tp: Touchpoint) -> str:
    if tp.repeat is None:
        return "once"
    if tp.repeat.yearly:
        return "yearly"
    return f"every {tp.repeat.every} days, {tp.repeat.times} times"


def _pair_renamed_ids(
    removed: list[Touchpoint], added: list[Touchpoint]
) -> list[tuple[Touchpoint, Touchpoint]]:
    """A new id with the same title and day as a dropped one is the same touchpoint."""
    pairs = []
    free = list(added)
    for old in removed:
        match = next((new for new in free if (new.title, new.day, new.on)
                      == (old.title, old.day, old.on)), None)
        if match is not None:
            free.remove(match)
            pairs.append((old, match))
    return pairs


def _touchpoint_changes(
    old: Touchpoint, new: Touchpoint, bj: Journey, hj: Journey, base: Workspace, head: Workspace
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if old.id != new.id:
        found.append(("touchpoint-renamed", f"id `{old.id}` → `{new.id}`"))
    if old.title != new.title:
        found.append(("touchpoint-renamed", f"title: {md(old.title)} → {md(new.title)}"))
    if (old.day, old.on) != (new.day, new.on):
        found.append(("touchpoint-moved", f"moved: {_when(old, bj)} → {_when(new, hj)}"))
    elif old.stage != new.stage:
        found.append(("touchpoint-moved", f"stage: {md(bj.stage(old.stage).title)} → "
                                          f"{md(hj.stage(new.stage).title)}"))
    # By reference: a relabelled role or renamed person is reported once, where it changed.
    if old.owner != new.owner:
        found.append(("owner", f"owner: {md(base.ref_label(bj, old.owner))} → "
                               f"{md(head.ref_label(hj, new.owner))}"))
    for key in ("support", "informed"):
        if getattr(old, key) != getattr(new, key):
            found.append(("helpers", f"{key}: {md(_refs(bj, base, getattr(old, key)))} → "
                                     f"{md(_refs(hj, head, getattr(new, key)))}"))
    if old.feel != new.feel:
        kind = ("feel-changed" if old.feel is None or new.feel is None
                else "feel-lowered" if new.feel < old.feel else "feel-raised")
        found.append((kind, f"feel: {old.feel or 'none'} → {new.feel or 'none'}"))
    details: list[str] = []
    if old.emotion != new.emotion:
        details.append(f"emotion: {md(old.emotion or 'none')} → {md(new.emotion or 'none')}")
    if old.channel != new.channel:
        details.append(f"channel: {old.channel or 'none'} → {new.channel or 'none'}")
    if old.surprise != new.surprise:
        details.append("now a surprise" if new.surprise else "no longer a surprise")
    if old.client_visible != new.client_visible:
        details.append("now shown to clients" if new.client_visible
                       else "no longer shown to clients")
    if old.repeat != new.repeat:
        details.append(f"repeat: {_repeat(old)} → {_repeat(new)}")
    if old.phase != new.phase:
        details.append(f"phase: {old.phase or 'none'} → {new.phase or 'none'}")
    if old.uses != new.uses:
        details.append(f"uses: {_codes(old.uses)} → {_codes(new.uses)}")
    if old.description != new.description:
        details.append("description changed")
    found.extend(("touchpoint-detail", d) for d in details)
    return found


def _codes(items: Iterable[str]) -> str:
    return ", ".join(code(i) for i in items) or "none"


def _curve(journey: Journey) -> str:
    """One mark per touchpoint with a feel, in day order; stages separated by │."""
    return "│".join("".join(SPARKS[t.feel] for t in journey.in_stage(s.id) if t.feel)
                    for s in journey.stages)


def _average(journey: Journey) -> str:
    feels = [t.feel for t in journey.touchpoints if t.feel]
    return f"average {sum(feels) / len(feels):.2f}" if feels else "no feel given"


def _all_loaded(journey: Journey) -> bool:
    return journey.written_ids <= {t.id for t in journey.touchpoints}


def _stage_changes(bj: Journey, hj: Journey, broken: Broken) -> list[Change]:
    found: list[Change] = []
    old = {s.id: s for s in bj.stages}
    new = {s.id: s for s in hj.stages}
    order = sorted({*old, *new}, key=lambda i: (new.get(i) or old[i]).start)
    for sid in order:
        o, n = old.get(sid), new.get(sid)
        subject = _subject((n or o).title, sid)  # type: ignore[union-attr]
        # A stage with an error does not load: the journey file has errors on that side.
        if n is None and hj.path in broken.head or o is None and bj.path in broken.base:
            found.append(_unchecked(subject, "head" if n is None else "base"))
            continue
        if n is None:
            assert o is not None
            found.append(Change("stage-removed", subject,
                                f"removed (was days {o.start}..{o.end})"))
            continue
        if o is None:
            found.append(Change("stage-added", subject, f"added: days {n.start}..{n.end}"))
        else:
            found.extend(Change("stage-changed", subject, d) for d in _stage_details(o, n))
        if not hj.in_stage(sid) and (o is None or bj.in_stage(sid)) and _all_loaded(hj):
            found.append(Change("stage-empty", subject, "has no touchpoint left"))
    return found


def _stage_details(o: Stage, n: Stage) -> list[str]:
    details = []
    if o.title != n.title:
        details.append(f"title: {md(o.title)} → {md(n.title)}")
    if (o.start, o.end) != (n.start, n.end):
        details.append(f"window: days {o.start}..{o.end} → days {n.start}..{n.end}")
    if o.phases != n.phases:
        details.append(f"phases: {', '.join(o.phases) or 'none'} → "
                       f"{', '.join(n.phases) or 'none'}")
    if o.feel != n.feel:
        details.append(f"intended feeling: {md(o.feel or 'none')} → {md(n.feel or 'none')}")
    if o.promise != n.promise:  # the clients' own pages show it
        details.append(f"promise to the client: {md(o.promise or 'none')} → "
                       f"{md(n.promise or 'none')}")
    if o.description != n.description:
        details.append("description changed")
    for lane in dict.fromkeys([*(name for name, _ in o.lanes), *(name for name, _ in n.lanes)]):
        notes = _notes_changed(o.notes(lane), n.notes(lane))
        if notes:
            details.append(f"lane `{lane}`: {notes}")
    return details


def _notes_changed(old: tuple[str, ...], new: tuple[str, ...]) -> str:
    """The notes added to a lane or the parking lot, and those taken off, quoted (they are
    the journey file's own words, which the pull request shows anyway); '' if the same
    notes are there, moved or not."""
    added = [note for note in new if note not in old]
    removed = [note for note in old if note not in new]
    parts = [*(f"+ {md(' '.join(note.split()))}" for note in added),
             *(f"− {md(' '.join(note.split()))}" for note in removed)]
    if not parts and old != new:
        return "notes reordered"
    return "; ".join(parts)


def _role_changes(bj: Journey, hj: Journey) -> list[Change]:
    found = []
    for role in sorted({*bj.roles, *hj.roles}):
        subject = f"role `{role}`"
        if role not in hj.roles:
            found.append(Change("role-removed", subject, f"removed ({md(bj.roles[role])})"))
        elif role not in bj.roles:
            found.append(Change("role-added", subject, f"added ({md(hj.roles[role])})"))
        elif bj.roles[role] != hj.roles[role]:
            found.append(Change("role-changed", subject,
                                f"label: {md(bj.roles[role])} → {md(hj.roles[role])}"))
    return found


def _pending(ws: Workspace, client: Client, tp_id: str, as_of: dt.date) -> set[dt.date]:
    """Dates still to come (or overdue) for a touchpoint in a client's schedule: not done,
    skipped or missed (those are history)."""
    if client.journey not in ws.journeys:
        return set()
    return {o.date for o in client_schedule(ws, client, as_of)
            if o.touchpoint.id == tp_id and o.date is not None
            and o.status not in ("done", "skipped", "missed")}


def _impact(subject: str, change: str, old_id: str | None, new_id: str | None,
            base: Workspace, head: Workspace, journey_id: str, as_of: dt.date) -> Impact:
    """How many of the journey's current clients (those in `head`) see their dates change.
    Each side uses its own client record (a done date may go with the change); a client
    new in `head` uses its record on both sides."""
    clients = sorted((c for c in head.clients.values()
                      if c.journey == journey_id and not c.has_left(as_of)),
                     key=lambda c: c.id)  # a change to the journey no longer reaches who left
    affected: list[str] = []
    dates: list[tuple[dt.date, str]] = []
    for client in clients:
        was = base.clients.get(client.id, client)
        before = _pending(base, was, old_id, as_of) if old_id else set()
        after = _pending(head, client, new_id, as_of) if new_id else set()
        changed = before ^ after
        if changed:
            affected.append(client.id)
            dates.extend((d, client.name) for d in changed)
    upcoming = sorted(d for d in dates if d[0] >= as_of)
    past = sorted((d for d in dates if d[0] < as_of), reverse=True)
    nearest = (upcoming or past)[0] if dates else None
    return Impact(subject, change, tuple(affected), len(clients),
                  nearest[0] if nearest else None, nearest[1] if nearest else None,
                  tuple(c.id for c in clients))


def _reach(impact: Impact, head: Workspace) -> str:
    """Which of the journey's current clients a touchpoint added with `since:` reaches, and
    which passed its day before it existed."""
    names = sorted(head.clients[c].name for c in impact.clients)
    others = sorted(head.clients[c].name for c in impact.on_journey if c not in impact.clients)
    reached = f"; reaches {', '.join(md(n) for n in names)}" if names else "; reaches no client"
    return reached + (f"; not {', '.join(md(n) for n in others)} (past its day before it was "
                      "added)" if others else "")


def _unchecked(subject: str, side: str) -> Change:
    return Change("unchecked", subject, f"not compared: it has errors in the {side}")


def _settings(values: dict[str, Any]) -> str:
    """A journey's `words:` or `lint:` in one line: `client: guest, sales: the host`."""
    def value_in_words(value: object) -> str:
        if isinstance(value, dict):
            return "(" + ", ".join(f"{k} {v}" for k, v in value.items()) + ")"
        return str(value)
    return md(", ".join(f"{key}: {value_in_words(value)}"
                        for key, value in sorted(values.items()))) or "none"


def _journey_changes(bj: Journey, hj: Journey) -> list[Change]:
    """What changed in the journey as a whole: title, summary, words, lint settings, roles,
    lane labels and the parking lot."""
    found: list[Change] = []
    if bj.title != hj.title:
        found.append(Change("journey-changed", "title", f"{md(bj.title)} → {md(hj.title)}"))
    if bj.summary != hj.summary:
        found.append(Change("journey-changed", "summary", "changed"))
    for name, old_value, new_value in (("words", bj.words, hj.words),
                                       ("lint settings", bj.lint, hj.lint)):
        if old_value != new_value:  # the words change every page; lint, what the build allows
            found.append(Change("journey-changed", name,
                                f"{_settings(old_value)} → {_settings(new_value)}"))
    found.extend(_role_changes(bj, hj))
    own = {lane: label for lane, label in hj.lane_labels.items()
           if bj.lane_labels.get(lane) != label}
    gone = [lane for lane in bj.lane_labels if lane not in hj.lane_labels]
    if own or gone:
        found.append(Change("journey-changed", "lanes", "; ".join(
            [*(f"`{lane}` labelled {md(label)}" for lane, label in own.items()),
             *(f"`{lane}` removed" for lane in gone)])))
    parked = _notes_changed(bj.parking_lot, hj.parking_lot)
    if parked:
        found.append(Change("journey-changed", "parking lot", parked))
    return found


def _journey_review(
    jid: str, bj: Journey, hj: Journey, base: Workspace, head: Workspace, as_of: dt.date,
    broken: Broken,
) -> JourneyReview:
    review = JourneyReview(jid, hj.title, "changed")
    review.journey.extend(_journey_changes(bj, hj))
    review.stages = _stage_changes(bj, hj, broken)

    old = {t.id: t for t in bj.touchpoints}
    new = {t.id: t for t in hj.touchpoints}
    # A touchpoint that is in the file but did not load has errors, listed above: it is
    # neither added nor removed.
    removed = [t for t in bj.touchpoints if t.id not in new and t.id not in hj.written_ids]
    added = [t for t in hj.touchpoints if t.id not in old and t.id not in bj.written_ids]
    pairs = [(old[i], new[i]) for i in sorted(old.keys() & new.keys())]
    renamed = _pair_renamed_ids(removed, added)
    pairs += renamed
    removed = [t for t in removed if t.id not in {o.id for o, _ in renamed}]
    added = [t for t in added if t.id not in {n.id for _, n in renamed}]

    rows: list[tuple[tuple[int, int, str], int, Change]] = []
    for o, n in pairs:
        subject = _subject(n.title, n.id)
        if broken.touchpoint("base", bj, o) or broken.touchpoint("head", hj, n):
            side = "head" if broken.touchpoint("head", hj, n) else "base"
            rows.append((n.sort_key, 0, _unchecked(subject, side)))
            continue
        changes = _touchpoint_changes(o, n, bj, hj, base, head)
        rows.extend((n.sort_key, _KIND_ORDER[k], Change(k, subject, d)) for k, d in changes)
        # Changes that move dates in client schedules.
        moves = [why for why, changed in (("moved", (o.day, o.on) != (n.day, n.on)),
                                          ("repeat changed", o.repeat != n.repeat)) if changed]
        if moves:
            review.impacts.append(_impact(subject, ", ".join(moves), o.id, n.id, base, head,
                                          jid, as_of))
    for t in added:
        subject = _subject(t.title, t.id)
        detail = f"added: {_when(t, hj)}, owner {md(head.ref_label(hj, t.owner))}"
        impact = _impact(subject, "added", None, t.id, base, head, jid, as_of)
        if t.since is not None:
            detail += f", owed from {t.since.isoformat()} on" + _reach(impact, head)
        rows.append((t.sort_key, 0, Change("touchpoint-added", subject, detail)))
        review.impacts.append(impact)
    for t in removed:
        subject = _subject(t.title, t.id)
        rows.append((t.sort_key, 0, Change("touchpoint-removed", subject,
                                           f"removed (was {_when(t, bj)})")))
        review.impacts.append(_impact(subject, "removed", t.id, None, base, head, jid, as_of))
    for side, ts, written in (("head", bj.touchpoints, hj.written_ids),
                              ("base", hj.touchpoints, bj.written_ids)):
        rows.extend((t.sort_key, 0, _unchecked(_subject(t.title, t.id), side)) for t in ts
                    if t.id in written and t.id not in old.keys() & new.keys())
    rows.sort(key=lambda r: (r[0], r[1]))
    review.touchpoints = [c for _, _, c in rows]
    order = {c.subject: i for i, c in enumerate(review.touchpoints)}
    review.impacts.sort(key=lambda i: order[i.subject])

    before, after = _curve(bj), _curve(hj)
    if before != after:
        width = max(len(before), len(after))
        review.curve = (f"{before.ljust(width)}  {_average(bj)}",
                        f"{after.ljust(width)}  {_average(hj)}")
    return review


def _record_changes(kind: str, base: Workspace, head: Workspace, broken: Broken,
                    added: Callable[[Any], str],
                    details: Callable[[Any, Any, Workspace, Workspace], list[str]]
                    ) -> list[Change]:
    """The people (`kind` "person") or clients ("client") added, removed or changed, each
    record in words: `added(new)` of one added, `details(old, new, ...)` of one changed."""
    records: tuple[dict[str, Any], dict[str, Any]] = (
        (base.people, head.people) if kind == "person" else (base.clients, head.clients))
    found: list[Change] = []
    for rid in sorted({*records[0], *records[1]}):
        o, n = records[0].get(rid), records[1].get(rid)
        subject = _subject((n or o).name, rid)  # type: ignore[union-attr]
        unchecked = broken.check(o, n, subject)
        if unchecked:
            found.append(unchecked)
        elif n is None:
            found.append(Change(f"{kind}-removed", subject, "removed"))
        elif o is None:
            found.append(Change(f"{kind}-added", subject, added(n)))
        elif changed := details(o, n, base, head):
            found.append(Change(f"{kind}-changed", subject, "; ".join(changed)))
    return found


def _person_changes(base: Workspace, head: Workspace, broken: Broken) -> list[Change]:
    return _record_changes("person", base, head, broken,
                           lambda n: f"added ({md(n.title)})" if n.title else "added",
                           _person_details)


def _photo(person: Person, ws: Workspace) -> tuple[str, str] | None:
    if person.photo is None:
        return None
    try:
        rel = person.photo.relative_to(ws.source.resolve()).as_posix()
    except ValueError:
        rel = person.photo.name
    try:
        digest = hashlib.sha256(person.photo.read_bytes()).hexdigest()
    except OSError:
        digest = ""
    return rel, digest


def _person_details(o: Person, n: Person, base: Workspace, head: Workspace) -> list[str]:
    details = []
    for key in ("name", "title", "pronouns", "email"):
        before, after = getattr(o, key), getattr(n, key)
        if before != after:
            details.append(f"{key}: {md(before or 'none')} → {md(after or 'none')}")
    if _photo(o, base) != _photo(n, head):
        details.append("photo changed")
    for key, label in (("video", "hello video"), ("fun_facts", "fun facts"), ("bio", "bio")):
        if getattr(o, key) != getattr(n, key):
            details.append(f"{label} changed")
    # Internal fields: named, never shown.
    if o.phone != n.phone:
        details.append("phone number changed")
    if o.notes != n.notes:
        details.append("internal notes changed")
    return details


def _client_changes(base: Workspace, head: Workspace, broken: Broken) -> list[Change]:
    return _record_changes("client", base, head, broken,
                           lambda n: f"added: journey `{n.journey}`, day one {n.day_one}",
                           _client_details)


def _person_name(ws: Workspace, pid: str | None) -> str:
    person = ws.people.get(pid) if pid else None
    return md(person.name) if person else (pid or "nobody")


def _client_details(o: Client, n: Client, base: Workspace, head: Workspace) -> list[str]:
    details = []
    for key in ("name", "contact"):
        before, after = getattr(o, key), getattr(n, key)
        if before != after:
            details.append(f"{key}: {md(before or 'none')} → {md(after or 'none')}")
    if o.journey != n.journey:
        details.append(f"journey: `{o.journey}` → `{n.journey}`")
    if o.day_one != n.day_one:
        days = (n.day_one - o.day_one).days
        way = "later" if days > 0 else "earlier"
        details.append(f"day one: {o.day_one} → {n.day_one} (every date moves "
                       f"{count(abs(days), 'day', 'days')} {way})")
    journey = head.journeys.get(n.journey)
    for role in sorted({*o.team, *n.team}):
        if o.team.get(role) != n.team.get(role):
            label = md(journey.role_label(role)) if journey else f"`{role}`"
            details.append(f"{label}: {_person_name(base, o.team.get(role))} → "
                           f"{_person_name(head, n.team.get(role))}")
    if o.welcome != n.welcome:
        details.append("welcome message changed")
    internal = [key for key in _INTERNAL_CLIENT_FIELDS if getattr(o, key) != getattr(n, key)]
    if internal:
        details.append(f"internal {_codes(internal)} changed")
    details += _household_changes(o, n)
    return details


def _household_changes(o: Client, n: Client) -> list[str]:
    """People of the household added, removed or changed, by name: which of their internal
    keys changed, never the values (as for the client's own internal keys)."""
    before = {m.name.casefold(): m for m in o.household}
    after = {m.name.casefold(): m for m in n.household}
    found = []
    for key, m in after.items():
        old = before.get(key)
        if old is None:
            dated = f" (dates: {', '.join(sorted(m.dates))})" if m.dates else ""
            found.append(f"household: {md(m.name)} added{dated}")
            continue
        changed = [k for k in ("email", "dates", "preferences", "done", "skipped")
                   if getattr(old, k) != getattr(m, k)]
        if "skipped" in changed:  # one log, as the file writes it
            changed = [k for k in changed if k != "skipped"]
            changed += [] if "done" in changed else ["done"]
        if changed:
            found.append(f"household: {md(m.name)}'s internal {_codes(changed)} changed")
    found += [f"household: {md(m.name)} removed" for key, m in before.items()
              if key not in after]
    if not found and o.household != n.household:
        found.append("household: the same people, in another order")
    return found


def _lint_key(p: Problem) -> tuple[str, str, str]:
    return (p.path, p.rule or "", p.message)


def _only_in(these: list[Problem], others: list[Problem]) -> list[Problem]:
    """Findings of `these` beyond those in `others`, matched by file, rule and message."""
    budget = Counter(_lint_key(p) for p in others)
    found = []
    for p in sorted(these):
        key = _lint_key(p)
        if budget[key]:
            budget[key] -= 1
        else:
            found.append(p)
    return found


class _File(Protocol):
    @property
    def path(self) -> str: ...


@dataclass(frozen=True)
class Broken:
    """Where each side has errors (path -> lines). What did not load there, or loaded
    without a field, is "not compared": it was not removed, nor changed."""

    base: dict[str, set[int]]
    head: dict[str, set[int]]

    @classmethod
    def of(cls, base_errors: Iterable[Problem], head_errors: Iterable[Problem]) -> Broken:
        sides: tuple[dict[str, set[int]], dict[str, set[int]]] = ({}, {})
        for side, errors in zip(sides, (base_errors, head_errors), strict=True):
            for p in errors:
                side.setdefault(p.path, set()).add(p.line)
        return cls(*sides)

    def check(self, old: _File | None, new: _File | None, subject: str,
              whole: bool = True) -> Change | None:
        """For a file: missing on a side where it has errors, or (`whole`) with errors."""
        if old is not None and old.path in self.head and (new is None or whole):
            return _unchecked(subject, "head")
        if new is not None and new.path in self.base and (old is None or whole):
            return _unchecked(subject, "base")
        return None

    def touchpoint(self, side: str, journey: Journey, tp: Touchpoint) -> bool:
        """Whether an error on `side` lies within the touchpoint's lines."""
        lines = (self.head if side == "head" else self.base).get(journey.path, set())
        last = max((w.line for w in tp.key_where.values()), default=tp.where.line)
        return any(tp.where.line <= line <= last for line in lines)


def compare(
    base: Workspace, head: Workspace, as_of: dt.date, lint: Lint | None = None, *,
    base_errors: Sequence[Problem] = (), head_errors: Sequence[Problem] = (),
    base_label: str = "base", head_label: str = "head",
) -> Review:
    """What changed from `base` to `head`, with client dates as of `as_of`.

    `lint`, if given, runs on both sides: findings only in head are "added", only in base
    "fixed". Errors are the sides' validation errors, listed in the review; labels are
    Markdown.
    """
    broken = Broken.of(base_errors, head_errors)
    journeys: list[JourneyReview] = []
    for jid in sorted({*base.journeys, *head.journeys}):
        bj, hj = base.journeys.get(jid), head.journeys.get(jid)
        subject = _subject((hj or bj).title, jid)  # type: ignore[union-attr]
        unchecked = broken.check(bj, hj, subject, whole=False)
        if unchecked:
            review = JourneyReview(jid, (hj or bj).title, "changed")  # type: ignore[union-attr]
            review.journey.append(unchecked)
            journeys.append(review)
        elif hj is None:
            assert bj is not None
            journeys.append(JourneyReview(jid, bj.title, "removed", _outline(bj)))
        elif bj is None:
            journeys.append(JourneyReview(jid, hj.title, "added", _outline(hj)))
        else:
            review = _journey_review(jid, bj, hj, base, head, as_of, broken)
            if review.changes:
                journeys.append(review)
    lint_base = lint(base) if lint else []
    lint_head = lint(head) if lint else []
    return Review(
        base_label, head_label, as_of, journeys, _person_changes(base, head, broken),
        _client_changes(base, head, broken), _only_in(lint_head, lint_base),
        _only_in(lint_base, lint_head), sorted(base_errors), sorted(head_errors),
    )


def _outline(journey: Journey) -> str:
    return (f"{count(len(journey.stages), 'stage', 'stages')}, "
            f"{count(len(journey.touchpoints), 'touchpoint', 'touchpoints')}")
