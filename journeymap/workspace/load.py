"""Load and validate a workspace: files → checked records → the model.

Every problem of a run is collected (not only the first) and positioned. Parsing is cached
per file: in memory by modification time and size, so a rebuild in the same process re-reads
only what changed; and on disk by content, so that a new process (`journeymap build`, `check`)
does not parse a thousand unchanged client files again.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from ..cache import DiskCache, Fingerprints, fill_in_parallel, recipe
from ..exceptions import InvalidWorkspace, Problem
from ..model import (
    Client,
    Ending,
    Feedback,
    Journey,
    Logged,
    Member,
    MonthDay,
    Person,
    Repeat,
    Stage,
    Touchpoint,
    Where,
    Workspace,
)
from ..vocabulary import IMAGE_SUFFIXES, LANE_LABELS, LANES
from .schema import (
    CLIENT,
    JOURNEY,
    LAST_DAY,
    PERSON,
    RECORDS,
    CheckedRecord,
    Problems,
    Record,
    did_you_mean,
    working_days,
)
from .source import (
    KIND_ORDER,
    FileError,
    Node,
    image_problem,
    list_workspace,
    parse_yaml,
    read_text,
    split_front_matter,
)
from .tables import CLIENT_ROW, Answer, client_rows, read_table, survey_answers

_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass
class Parsed:
    """One file's own result: its record (if valid enough to use) and its problems."""

    record: Any
    problems: list[Problem]


@functools.lru_cache(maxsize=1)
def parser_code() -> str:
    """The hash of the code a parse is made by, and of the model it makes: the parses on disk
    are pickles of model objects, so a changed model (a new field, say) must not read an old
    one back, whatever the version says."""
    digest = hashlib.sha256()
    package = resources.files("journeymap")
    for name in ("model.py", "workspace/load.py", "workspace/schema.py", "workspace/source.py",
                 "workspace/tables.py"):
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


@dataclass
class LoadCache:
    """Parsed files kept between loads, keyed by path; reused while a file is unchanged."""

    files: dict[Path, tuple[tuple[int, int], Parsed]] = field(default_factory=dict)
    store: DiskCache | None = None  # parsed journeys and clients on disk, by content
    keys: dict[Path, str] = field(default_factory=dict)  # their parse keys, by path
    # How many files of each kind this process parsed (not found in either cache).
    parsed: Counter[str] = field(default_factory=Counter)
    # The last load's result, with what it was made of (see `_Made`): a load from the very
    # same parses gives it again (the map's editor asks at every page the preview serves).
    last: tuple[_Made, Loaded] | None = None

    def get(self, file: Path, stamp: tuple[int, int]) -> Parsed | None:
        hit = self.files.get(file)
        return hit[1] if hit and hit[0] == stamp else None

    def remember(self, file: Path, kind: str, rel: str, parsed: Parsed) -> None:
        """A file just written (by the map's editor) with its parse: the next load takes it
        from here, under the parse key of its new bytes (its fingerprint in recipes)."""
        bad_name = _stem_problem(file, rel, kind)  # as a load's own parse has it
        if bad_name:
            parsed = Parsed(None, [bad_name, *parsed.problems])
        stat = file.stat()
        self.files[file] = ((stat.st_mtime_ns, stat.st_size), parsed)
        key = self.key(kind, rel, file)
        if not key:
            self.keys.pop(file, None)
            return
        self.keys[file] = key
        if self.store is not None:
            self.store.put(key, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))

    def key(self, kind: str, rel: str, file: Path) -> str:
        """The name of a file's parse on disk ("" if it is not kept there).

        People are left out: a person's result also depends on the photo files beside it.
        """
        if self.store is None or kind == "person":
            return ""
        try:
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
        except OSError:
            return ""
        return recipe("parsed", kind, rel, digest, parser_code())

    def stored(self, kind: str, rel: str, file: Path,
               key: str | None = None) -> tuple[str, Parsed | None]:
        """The key of a file's parse on disk (`key` if already known), and the parse if it is
        there. The entries are pickles: the cache folder is trusted like the workspace's own
        files.
        """
        key = self.key(kind, rel, file) if key is None else key
        if not key or self.store is None:
            return "", None
        saved = self.store.get(key)
        if saved is None:
            return key, None
        try:
            found = pickle.loads(saved)
        except Exception:  # an entry from another version of the model: parse again
            return key, None
        return key, found if isinstance(found, Parsed) else None


@dataclass
class Loaded:
    workspace: Workspace
    problems: list[Problem]
    # The journeys and clients by the content of their files (those kept on disk), for recipes.
    fingerprints: Fingerprints = field(default_factory=Fingerprints)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _where(problems: Problems, node: Node) -> Where:
    return Where(problems.path, node.line, node.col)


def _key_where(problems: Problems, checked: CheckedRecord) -> dict[str, Where]:
    """Where each key of a record was written, and the keys of maps one level down."""
    found: dict[str, Where] = {}
    for key, key_node in checked.node.keys.items():
        found[key] = _where(problems, key_node)
        value = checked.node.get(key)
        if value is not None and value.kind == "map":
            for sub, sub_node in value.keys.items():
                found[f"{key}.{sub}"] = _where(problems, sub_node)
    return found


def _stem_problem(file: Path, rel: str, kind: str) -> Problem | None:
    if not (set(file.stem) <= _ID_CHARS and file.stem):
        return Problem(
            rel, 1, 1,
            f"file name '{file.name}' is not a {kind} id: use lowercase letters, digits and '-'",
        )
    if file.stem == "index":
        # clients/index and team/index are the site's lists: a page of that name would
        # silently take the list's place.
        return Problem(rel, 1, 1, f"file name '{file.name}' is kept for the site's own index "
                                  f"pages: give the {kind} another id")
    return None


def _read_record(
    file: Path, rel: str, record: Record, front_matter: bool
) -> tuple[CheckedRecord | None, str, Problems]:
    problems = Problems(rel)
    body = ""
    try:
        text = read_text(file, rel)
        offset = 0
        if front_matter:
            text, body, body_line = split_front_matter(text, rel)
            offset = 1
    except FileError as error:
        problems.items.append(error.problem)
        return None, body, problems
    root, yaml_problems = parse_yaml(text, rel, offset)
    problems.items.extend(yaml_problems)
    needs = " and ".join(f"'{f.name}'" for f in record.fields if f.required)
    if root is None:
        if not yaml_problems:
            message = f"file is empty: a {record.kind} needs {needs}"
            problems.items.append(Problem(rel, 1, 1, message))
        return None, body, problems
    if root.kind != "map":
        problems.add(root, f"a {record.kind} file is a mapping of keys ({needs}), "
                           f"got {root.shown()}")
        return None, body, problems
    return record.check_fields(root, problems), body, problems


# ---- journeys ---------------------------------------------------------------------------


def _lane_labels(checked: CheckedRecord) -> dict[str, str]:
    """The lanes a stage may use: the fixed ones (relabelled if the journey says so), then
    the journey's own, as it lists them."""
    own: dict[str, str] = dict(checked.get("lanes", {}))
    return {**{lane: own.pop(lane, label) for lane, label in LANE_LABELS.items()}, **own}


def _lanes(s: CheckedRecord, labels: dict[str, str], broken: set[str],
           problems: Problems) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A stage's lanes with their notes; a lane neither fixed nor the journey's own is an
    error at its key (its notes would otherwise vanish from the map unseen), unless the
    journey names it with an error of its own (reported there already)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    node = s.node.get("lanes")
    for lane, notes in s.get("lanes", {}).items():
        if lane not in labels and lane not in broken:
            at = node.keys.get(lane, node) if node is not None else s.node
            problems.add(at, f"unknown lane '{lane}' in stage '{s.get('id')}'"
                             f"{did_you_mean(lane, labels)}: a lane is one of "
                             f"{', '.join(LANES)}, or one the journey names under 'lanes:' "
                             "with a label")
            continue
        if lane in labels:
            found.append((lane, tuple(note.strip() for note in notes)))
    return tuple(found)


def _stages(checked: CheckedRecord, problems: Problems) -> tuple[list[Stage], bool]:
    """The valid stages, and whether any stage was left out for an error of its own."""
    labels = _lane_labels(checked)
    declared = checked.node.get("lanes")
    misnamed = {str(key) for key in declared.keys} - set(labels) if declared is not None \
        and declared.kind == "map" else set()
    stages: list[Stage] = []
    seen: dict[str, Stage] = {}
    reported = len(problems.items)
    for s in checked.get("stages", []):
        values, node = s.values, s.node
        if not {"id", "title", "from", "to"} <= values.keys():
            continue
        stage = Stage(
            id=values["id"], title=values["title"], start=values["from"], end=values["to"],
            phases=tuple(values.get("phases", ())), feel=values.get("feel"),
            description=values.get("description"), where=_where(problems, node),
            promise=(values.get("promise") or "").strip() or None,  # a block's last line break
            lanes=_lanes(s, labels, misnamed, problems),
        )
        if stage.id in seen:
            problems.add(s.at("id"), f"stage id '{stage.id}' is used twice "
                                     f"(first on line {seen[stage.id].where.line})")
            continue
        if stage.start > stage.end:
            problems.add(s.at("to"), f"stage '{stage.id}' ends (to: {stage.end}) before it "
                                     f"starts (from: {stage.start})")
            continue
        if stages and stage.start <= stages[-1].end:
            before = stages[-1]
            problems.add(s.at("from"), f"stage '{stage.id}' (days {stage.start}..{stage.end}) "
                                       f"overlaps or comes before stage '{before.id}' "
                                       f"(days {before.start}..{before.end}): stages go in day "
                                       "order and their windows must not overlap")
            continue
        seen[stage.id] = stage
        stages.append(stage)
    raw = checked.node.get("stages")
    written = len(raw.value) if raw is not None and raw.kind == "seq" else 0
    broken = len(problems.items) > reported or len(stages) < written or raw is None \
        or raw.kind != "seq"
    return stages, broken


def _windows(stages: Iterable[Stage]) -> str:
    """The stages' days in words a facilitator reads (the map's editor shows this too)."""
    return "; ".join(f"{s.title} ('{s.id}'), days {s.start} to {s.end}" for s in stages)


def _place(checked: CheckedRecord, stages: list[Stage], problems: Problems,
           stages_broken: bool, label: str) -> Stage | None:
    """The stage a touchpoint falls in, by its `day` (and its `stage`, which must agree) or
    its `stage` with `on`; None, with the problem reported, if it cannot be placed."""
    node, v = checked.node, checked.values
    written = {key for key, value in node.value.items() if value.kind != "null"}
    by_id = {s.id: s for s in stages}
    stage: Stage | None = None
    if "stage" in v:
        stage = by_id.get(v["stage"])
        if stage is None and stages_broken:
            return None
        if stage is None:
            problems.add(checked.at("stage"), f"unknown stage '{v['stage']}' in {label}"
                                               f"{did_you_mean(v['stage'], by_id)}")
            return None
    if "day" in v and "on" in v:
        problems.add(checked.key_at("on"), f"{label} has both 'day' and 'on': give only one")
        return None
    if "day" in v:
        day = v["day"]
        holding = next((s for s in stages if s.holds(day)), None)
        if holding is None and stages_broken:
            return None
        if holding is None:
            problems.add(checked.at("day"), f"day {day} of {label} falls in no stage window "
                                            f"(stages: {_windows(stages)})")
            return None
        if stage is not None and stage.id != holding.id:
            problems.add(checked.at("stage"), f"stage '{stage.id}' of {label} does not agree with "
                                              f"day {day}, which falls in stage '{holding.id}' "
                                              f"(days {holding.start}..{holding.end})")
            return None
        stage = holding
    elif "on" in v:
        if stage is None:
            if "stage" not in written:
                problems.add(checked.key_at("on"), f"{label} has 'on: {v['on']}' but no 'stage': "
                                                   "say which stage it belongs to")
            return None
        if "repeat" in v:
            problems.add(checked.key_at("repeat"), f"'repeat' does not go with 'on' in {label}: "
                                                   "an 'on' date comes back every year by itself")
            return None
    else:
        if "day" not in written and "on" not in written:
            problems.add(node, f"{label} needs 'day' (a day number) or 'on' (a date of the client)")
        return None
    return stage


def _touchpoint(
    checked: CheckedRecord, stages: list[Stage], problems: Problems, stages_broken: bool
) -> Touchpoint | None:
    """A touchpoint placed in its stage. With a broken stage, placing is left unchecked:
    the stage's own error says what to fix, and guessing would only add noise."""
    node, v = checked.node, checked.values
    if not {"id", "title", "owner"} <= v.keys():
        return None
    label = f"touchpoint '{v['id']}'"
    stage = _place(checked, stages, problems, stages_broken, label)
    if stage is None:
        return None
    repeat = v.get("repeat")
    if repeat == "yearly":
        rep: Repeat | None = Repeat(yearly=True)
    elif isinstance(repeat, CheckedRecord):
        rep = Repeat(every=repeat.values["every"], times=repeat.values["times"])
        last = v.get("day", 0) + rep.every * (rep.times - 1)
        if last > LAST_DAY:
            problems.add(checked.at("repeat"), f"the last occurrence of {label} falls on day "
                                               f"{last}, past day {LAST_DAY}: repeat it less "
                                               "often, or fewer times")
            return None
    else:
        rep = None
    phase = v.get("phase") or (stage.phases[0] if stage.phases else None)
    if "phase" in v and stage.phases and v["phase"] not in stage.phases:
        problems.add(checked.at("phase"), f"phase '{v['phase']}' of {label} is not one of the "
                                          f"phases of stage '{stage.id}' "
                                          f"({', '.join(stage.phases)})")
        return None
    key_where = {key: _where(problems, checked.at(key)) for key in node.value}
    return Touchpoint(
        id=v["id"], title=v["title"], stage=stage.id, phase=phase, owner=v["owner"],
        day=v.get("day"), on=v.get("on"), repeat=rep,
        support=tuple(v.get("support", ())), informed=tuple(v.get("informed", ())),
        channel=v.get("channel"), feel=v.get("feel"), emotion=v.get("emotion"),
        description=v.get("description"), surprise=bool(v.get("surprise", False)),
        client_visible=bool(v.get("client_visible", False)), uses=tuple(v.get("uses", ())),
        where=_where(problems, node), key_where=key_where,
        order=v.get("day", stage.start), since=v.get("since"),
    )


def _journey(file: Path, rel: str) -> Parsed:
    checked, _, problems = _read_record(file, rel, JOURNEY, front_matter=False)
    if checked is None:
        return Parsed(None, problems.items)
    stages, stages_broken = _stages(checked, problems)
    touchpoints: list[Touchpoint] = []
    first_line: dict[str, int] = {}
    for item in checked.get("touchpoints", []):
        tp = _touchpoint(item, stages, problems, stages_broken)
        if tp is None:
            continue
        if tp.id in first_line:
            problems.add(item.at("id"), f"touchpoint id '{tp.id}' is used twice "
                                                 f"(first on line {first_line[tp.id]})")
            continue
        first_line[tp.id] = tp.where.line
        touchpoints.append(tp)
    if not {"title", "stages", "touchpoints"} <= checked.values.keys():
        return Parsed(None, problems.items)  # too incomplete to check clients against
    journey = Journey(
        id=file.stem, title=checked.values["title"], summary=checked.get("summary"),
        roles=dict(checked.get("roles", {})), stages=tuple(stages),
        touchpoints=tuple(sorted(touchpoints, key=lambda t: t.sort_key)), path=rel,
        written_ids=frozenset(item.get("id") for item in checked.get("touchpoints", [])
                              if isinstance(item.get("id"), str)),
        key_where=_key_where(problems, checked), lint=dict(checked.get("lint", {})),
        words=dict(words.values) if (words := checked.get("words")) else {},
        working_days=working_days(checked, problems),
        own_days="working_days" in checked,
        closed=frozenset(checked.get("closed", ())), grace=checked.get("grace", 30),
        lane_labels=_lane_labels(checked),
        parking_lot=tuple(note.strip() for note in checked.get("parking_lot", ())),
    )
    return Parsed(journey, problems.items)


# ---- people -----------------------------------------------------------------------------


def _photo(checked: CheckedRecord, file: Path, source: Path, problems: Problems) -> Path | None:
    photo: str | None = checked.get("photo")
    if photo is None:
        return None
    at = checked.at("photo")
    if photo.startswith(("/", "\\")) or ":" in photo or os.path.isabs(photo):
        problems.add(at, f"photo '{photo}' must be a path relative to this file, inside "
                         f"{source.name}/")
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in photo):
        problems.add(at, f"photo {photo!r} holds a control character: write a plain file path")
        return None
    if "\\" in photo:  # a folder separator on Windows, where `..\` would climb out
        problems.add(at, f"photo '{photo}' uses '\\': separate folders with '/'")
        return None
    target = (file.parent / photo)
    root = source.resolve()
    try:
        real = target.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop (RuntimeError before 3.13)
        problems.add(at, f"photo '{photo}' is a symbolic link that leads nowhere (a loop)")
        return None
    if not real.is_relative_to(root):
        problems.add(at, f"photo '{photo}' is outside {source.name}/: keep photos inside it")
        return None
    if not real.is_file():
        here = sorted(p.name for p in file.parent.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        problems.add(at, f"photo '{photo}' does not exist{did_you_mean(photo, here)}")
        return None
    if real.suffix.lower() not in IMAGE_SUFFIXES:
        problems.add(at, f"photo '{photo}' must be an image file: "
                         f"{', '.join(IMAGE_SUFFIXES)}")
        return None
    found = image_problem(real)
    if found is not None:
        severity, message = found
        problems.add(at, f"photo '{photo}' {message}", severity)
        if severity == "error":
            return None
    return real


def _person(file: Path, rel: str, source: Path) -> Parsed:
    checked, body, problems = _read_record(file, rel, PERSON, front_matter=True)
    if checked is None or "name" not in checked:
        return Parsed(None, problems.items)
    v = checked.values
    person = Person(
        id=file.stem, name=v["name"], path=rel, title=v.get("title"), pronouns=v.get("pronouns"),
        photo=_photo(checked, file, source, problems), email=v.get("email"), video=v.get("video"),
        fun_facts=tuple(v.get("fun_facts", ())), phone=v.get("phone"), notes=v.get("notes"),
        bio=body.strip(), key_where=_key_where(problems, checked),
    )
    return Parsed(person, problems.items)


# ---- clients ----------------------------------------------------------------------------


@dataclass
class _ClientDraft:
    """A client whose own file is valid; references are checked against the others later."""

    client: Client
    checked: CheckedRecord


def _client(file: Path, rel: str) -> Parsed:
    checked, _, problems = _read_record(file, rel, CLIENT, front_matter=False)
    if checked is None:
        return Parsed(None, problems.items)
    return Parsed(_make_client(checked, problems, file.stem, rel), problems.items)


def _client_table(file: Path, rel: str) -> Parsed:
    """A clients CSV: (id, draft, the row's fingerprint) for each row, the draft None if the
    row lacks what a client needs; the record is None only if the file itself cannot be read
    as one."""
    table, problems = read_table(file, rel)
    if table is None:
        return Parsed(None, problems)
    rows, found = client_rows(table)
    problems.extend(found)
    if not rows and any(p.severity == "error" for p in found):
        return Parsed(None, problems)  # the header is wrong: no row can be trusted
    drafts: list[tuple[str, _ClientDraft | None, str]] = []
    for row in rows:
        row_problems = Problems(rel)
        checked = CLIENT_ROW.check_fields(row.node, row_problems)
        draft = _make_client(checked, row_problems, row.id, rel)
        problems.extend(row_problems.items)
        # As with a client file, a row with errors of its own is still checked against the
        # other files (all its problems are said at once).
        drafts.append((row.id, draft, row.digest))
    return Parsed(drafts, problems)


def _survey(file: Path, rel: str) -> Parsed:
    table, problems = read_table(file, rel)
    if table is None:
        return Parsed(None, problems)
    answers, found = survey_answers(table)
    problems.extend(found)
    errors = any(p.severity == "error" for p in found)
    return Parsed(None if errors and not answers else answers, problems)


def _make_client(checked: CheckedRecord, problems: Problems, ident: str,
                 rel: str) -> _ClientDraft | None:
    v = checked.values
    if not {"name", "journey", "day_one", "team"} <= v.keys():
        return None
    done, skipped = _done_log(v.get("done", {}))
    client = Client(
        id=ident, name=v["name"], journey=v["journey"], day_one=v["day_one"],
        team=dict(v["team"]), path=rel, contact=v.get("contact"), welcome=v.get("welcome"),
        must_know=tuple(v.get("must_know", ())),
        dates={k: MonthDay(*parts) for k, parts in v.get("dates", {}).items()},
        preferences=dict(v.get("preferences", {})), cares_about=v.get("cares_about"),
        household=_household(v.get("people", ()), checked.at("people"), problems),
        goals=tuple(v.get("goals", ())), handoff=v.get("handoff"),
        done=done, notes=v.get("notes"), key_where=_key_where(problems, checked),
        skipped=skipped,
        feedback=tuple(sorted((f for item in v.get("feedback", ())
                               if (f := _feedback(item, problems)) is not None),
                              key=lambda f: f.date)),
        paused=_ending(v.get("paused")), left=_ending(v.get("left")),
    )
    for key in ("paused", "left"):
        ending = getattr(client, key)
        if ending is not None and ending.date < client.day_one:
            problems.add(checked.at(key).get("date") or checked.at(key),
                         f"'{key}' date {ending.date.isoformat()} is before day_one "
                         f"{client.day_one.isoformat()}")
    if client.paused and client.paused.until and client.paused.until <= client.paused.date:
        problems.add(checked.at("paused").get("until") or checked.at("paused"),
                     "'until' in paused must be after its date")
    return _ClientDraft(client, checked)


def _done_log(log: dict[str, list[Any]]) -> tuple[dict[str, tuple[dt.date, ...]],
                                                   dict[str, tuple[Logged, ...]]]:
    """A checked `done:` mapping as its done dates and its skipped entries, by touchpoint."""
    done = {k: tuple(sorted(d for d in entries if isinstance(d, dt.date)))
            for k, entries in log.items()}
    skipped = {k: found for k, entries in log.items()
               if (found := tuple(sorted((_logged(d) for d in entries
                                          if isinstance(d, CheckedRecord)),
                                         key=lambda e: e.date)))}
    return done, skipped


def _household(entries: list[CheckedRecord], written: Node,
               problems: Problems) -> tuple[Member, ...]:
    """The people of a household; a name given twice is refused, since each occurrence
    is named after its person. Each keeps their place in the list as written (an item
    that is not a person at all is left out, and must not shift the others' numbers)."""
    found: list[Member] = []
    seen: dict[str, Node] = {}
    items = written.value if written.kind == "seq" else []
    for entry in entries:
        number = next((i for i, item in enumerate(items, start=1) if item is entry.node), 0)
        v = entry.values
        if "name" not in v:
            continue  # reported: a required key is missing or wrong
        name_node = entry.at("name")
        first = seen.get(v["name"].casefold())
        if first is not None:
            problems.add(name_node, f"people: '{v['name']}' is named twice in this household "
                                    f"(first at {first.line}:{first.col}): each person once")
            continue
        seen[v["name"].casefold()] = name_node
        done, skipped = _done_log(v.get("done", {}))
        found.append(Member(
            name=v["name"], number=number, email=v.get("email"),
            dates={k: MonthDay(*parts) for k, parts in v.get("dates", {}).items()},
            preferences=dict(v.get("preferences", {})), done=done, skipped=skipped,
            where=_where(problems, entry.node)))
    return tuple(found)


def _logged(entry: Any) -> Logged:
    if isinstance(entry, CheckedRecord):
        return Logged(entry.values["skipped"], skipped=entry.values["reason"])
    return Logged(entry)


def _feedback(entry: CheckedRecord, problems: Problems) -> Feedback | None:
    v = entry.values
    if not {"date", "feel"} <= v.keys():
        return None  # reported: a required key is missing or wrong
    return Feedback(date=v["date"], feel=v["feel"], touchpoint=v.get("touchpoint"),
                    said=v.get("said"), heard_by=v.get("heard_by"),
                    where=_where(problems, entry.at("touchpoint")),
                    heard_by_where=_where(problems, entry.at("heard_by")))


def _ending(entry: CheckedRecord | None) -> Ending | None:
    if entry is None or "date" not in entry:
        return None
    return Ending(entry.values["date"], entry.get("reason"), entry.get("until"))


# ---- references across files ------------------------------------------------------------


def _check_owners(
    journey: Journey, people: dict[str, Person], broken_people: set[str]
) -> list[Problem]:
    found: list[Problem] = []
    names = [*journey.roles, *people]
    for tp in journey.touchpoints:
        for key, refs in (("owner", (tp.owner,)), ("support", tp.support),
                          ("informed", tp.informed)):
            for ref in refs:
                if ref in journey.roles or ref in people or ref in broken_people:
                    continue
                at = tp.key_where.get(key, tp.where)
                found.append(Problem(
                    journey.path, at.line, at.col,
                    f"{key} '{ref}' of touchpoint '{tp.id}' is neither a role of this journey "
                    f"nor a person{did_you_mean(ref, names)}",
                ))
    return found


def _check_client(
    draft: _ClientDraft, journeys: dict[str, Journey], people: dict[str, Person],
    broken: dict[str, set[str]],
) -> list[Problem]:
    client, checked = draft.client, draft.checked
    problems = Problems(client.path)
    journey = journeys.get(client.journey)
    if journey is None and client.journey in broken["journey"]:
        # The journey file has errors of its own (reported there); checking against it
        # would only repeat them.
        return []
    if journey is None:
        problems.add(checked.at("journey"), f"unknown journey '{client.journey}'"
                                            f"{did_you_mean(client.journey, journeys)}")
        return problems.items
    team = checked.at("team")
    for role, person in client.team.items():
        if role not in journey.roles:
            hint = did_you_mean(role, journey.roles)
            problems.add(team.keys.get(role, team),
                         f"'{role}' in team is not a role of journey '{journey.id}'{hint}")
        elif person not in people and person not in broken["person"]:
            problems.add(team.value[role], f"unknown person '{person}' for role '{role}'"
                                           f"{did_you_mean(person, people)}")
    missing = [role for role in journey.roles if role not in client.team]
    if missing:
        problems.add(checked.key_at("team"), "team has no person for role " +
                     ", ".join(f"'{r}'" for r in missing) + f" of journey '{journey.id}'")
    found = problems.items
    if "done" in checked:
        done_node = checked.at("done")
        for tp_id in client.logged():
            logged = len(client.done.get(tp_id, ())) + len(client.skipped.get(tp_id, ()))
            tp = journey.touchpoint(tp_id)
            at = done_node.keys.get(tp_id, done_node)
            if tp is None:
                # A touchpoint that is gone (or misspelt): a lint warning (`stale-done`), so
                # that removing a card in a workshop does not stop every client's pages.
                continue
            if tp.repeat is None and tp.on is None and logged > 1:
                problems.add(at, f"done: touchpoint '{tp_id}' happens once, but {logged} "
                                 "dates are given")
            elif tp.repeat and not tp.repeat.yearly and logged > tp.repeat.times:
                problems.add(at, f"done: touchpoint '{tp_id}' happens {tp.repeat.times} times, "
                                 f"but {logged} dates are given")
    found.extend(_check_household_done(client, journey, checked, problems.path))
    for entry in client.feedback:
        if entry.heard_by is not None and entry.heard_by not in people \
                and entry.heard_by not in broken["person"]:
            pos = entry.heard_by_where
            found.append(Problem(client.path, pos.line, pos.col, f"feedback: unknown person "
                                 f"'{entry.heard_by}' in heard_by"
                                 f"{did_you_mean(entry.heard_by, people)}"))
    return found


def _check_household_done(client: Client, journey: Journey, checked: CheckedRecord,
                          path: str) -> list[Problem]:
    """A person's own done log holds only their occurrences: of `on:` touchpoints whose
    date they have (anything else is the client's, in the client's `done:`)."""
    problems = Problems(path)
    people = checked.at("people")
    for member in client.household:
        item = people.value[member.number - 1] if people.kind == "seq" else people
        log = item.get("done") if item.kind == "map" else None
        if log is None or log.kind != "map":
            continue
        for tp_id in dict.fromkeys([*member.done, *member.skipped]):
            tp = journey.touchpoint(tp_id)
            at = log.keys.get(tp_id, log)
            if tp is None:
                continue  # gone or misspelt: lint's `stale-done`, as for the client's log
            if tp.on is None:
                problems.add(at, f"done of {member.name}: touchpoint '{tp_id}' is not on a "
                                 "date of theirs (it has no `on:`): write it in the "
                                 "client's own `done:`")
            elif tp.on not in member.dates:
                problems.add(at, f"done of {member.name}: touchpoint '{tp_id}' is on their "
                                 f"'{tp.on}', but they have no such date")
    return problems.items


# ---- the workspace ----------------------------------------------------------------------


class _Parser:
    """Each file's own result, from the cache when the file is unchanged."""

    def __init__(self, root: Path, folder: Path, cache: LoadCache) -> None:
        self.root, self.folder, self.cache = root, folder, cache
        self.keys: dict[Path, str] = {}  # parse keys worked out (each reads the whole file)

    def __call__(self, file: Path, kind: str) -> Parsed:
        cache, rel = self.cache, file.relative_to(self.root).as_posix()
        stat = file.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        hit = cache.get(file, stamp)
        if hit is not None:
            return hit
        key, hit = cache.stored(kind, rel, file, self.keys.get(file))
        if key:
            cache.keys[file] = key
        else:
            cache.keys.pop(file, None)
        if hit is not None:
            cache.files[file] = (stamp, hit)
            return hit
        cache.parsed[kind] += 1
        if kind == "journey":
            result = _journey(file, rel)
        elif kind == "person":
            result = _person(file, rel, self.folder)
        elif kind == "client":
            result = _client(file, rel)
        elif kind == "client-table":
            result = _client_table(file, rel)
        else:
            result = _survey(file, rel)
        # A CSV file's name is no one's id: its rows name their own.
        bad_name = _stem_problem(file, rel, kind) if kind in RECORDS else None
        if bad_name:
            result = Parsed(None, [bad_name, *result.problems])
        cache.files[file] = (stamp, result)
        if key and cache.store is not None:
            cache.store.put(key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        return result

    def in_parallel(self, listed: list[tuple[str, Path]], workers: int) -> None:
        """Parse the files the disk cache lacks in `workers` forked processes, into it."""
        cache, store = self.cache, self.cache.store
        if workers < 2 or store is None or store.folder is None or not hasattr(os, "fork"):
            return
        folder = store.folder
        self.keys.update((file, cache.key(kind, file.relative_to(self.root).as_posix(), file))
                         for kind, file in listed if file not in cache.files)
        unparsed = [(kind, file) for kind, file in listed
                    if self.keys.get(file) and not (folder / self.keys[file]).exists()]

        def parse_share(share: int, shares: int) -> None:
            for kind, file in unparsed[share::shares]:
                self(file, kind)

        if len(unparsed) >= 8 * workers:  # below that, forking costs more than it saves
            fill_in_parallel(parse_share, workers)


def load_workspace(root: Path, source: str = "journeys", cache: LoadCache | None = None,
                   workers: int = 1) -> Loaded:
    """Read and check every file under `root/source`. Problems never raise: they are returned.

    With a cache on disk and several `workers`, files not parsed yet are parsed in that many
    forked processes first (a cold load of a thousand clients is seconds of YAML parsing).
    """
    cache = cache if cache is not None else LoadCache()
    folder = root / source
    if not folder.is_dir():
        return Loaded(Workspace(folder, {}, {}, {}), [Problem(
            "mkdocs.yml", 1, 1, f"the journey folder '{source}/' does not exist: create it or "
                                "set the plugin's 'source' option")])
    listing = list_workspace(folder, root)
    problems = list(listing.problems)
    parsed = _Parser(root, folder, cache)
    parsed.in_parallel(listing.files, workers)
    journeys: dict[str, Journey] = {}
    people: dict[str, Person] = {}
    drafts: list[_ClientDraft] = []
    answers: list[Answer] = []
    broken: dict[str, set[str]] = {kind: set() for kind in KIND_ORDER}
    fingerprints = Fingerprints()
    made = _Made(folder, tuple(listing.files), tuple(listing.problems))
    for kind, file in listing.files:
        result = parsed(file, kind)
        made.add(result, cache.keys.get(file))
        problems.extend(result.problems)
        if result.record is None:
            broken[kind].add(file.stem)  # exists, but has errors of its own
            continue
        if kind == "journey":
            journeys[file.stem] = result.record
        elif kind == "person":
            people[file.stem] = result.record
        elif kind == "client":
            drafts.append(result.record)
        elif kind == "client-table":
            for ident, draft, row_digest in result.record:
                if draft is None:
                    broken["client"].add(ident)
                    continue
                drafts.append(draft)
                # A row's own fingerprint: one edited row makes only that client's pages again.
                fingerprints.add(draft.client, recipe("csv-row", row_digest, parser_code()))
            continue
        else:
            answers.extend(result.record)
            continue
        if parse_key := cache.keys.get(file):  # (never a person's: see LoadCache.key)
            fingerprints.add(result.record.client if kind == "client" else result.record,
                             parse_key)
    for stale in set(cache.files) - {file for _, file in listing.files}:
        del cache.files[stale]
        cache.keys.pop(stale, None)
    if cache.last is not None and cache.last[0].same(made):
        return cache.last[1]
    drafts = _defined_once(drafts, problems)
    clients = _cross_check(journeys, people, drafts, broken, problems)
    _add_answers(clients, journeys, answers, broken, problems, fingerprints)
    loaded = Loaded(Workspace(folder, journeys, people, clients), sorted(problems),
                    fingerprints)
    cache.last = (made, loaded)
    return loaded


@dataclass
class _Made:
    """What a load was made of: the files listed, each one's parse (the very object, so an
    edited or re-read file never matches) and parse key, and the listing's problems. The
    cross-checks that follow depend on nothing else."""

    folder: Path
    files: tuple[tuple[str, Path], ...]
    listed: tuple[Problem, ...]
    parses: list[Parsed] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)

    def add(self, parse: Parsed, key: str | None) -> None:
        self.parses.append(parse)
        self.keys.append(key)

    def same(self, other: _Made) -> bool:
        return (self.folder == other.folder and self.files == other.files
                and self.listed == other.listed and self.keys == other.keys
                and len(self.parses) == len(other.parses)
                and all(a is b for a, b in zip(self.parses, other.parses, strict=True)))


def _cross_check(journeys: dict[str, Journey], people: dict[str, Person],
                 drafts: list[_ClientDraft], broken: dict[str, set[str]],
                 problems: list[Problem]) -> dict[str, Client]:
    """The references between files checked (their problems added to `problems`); the
    clients that pass."""
    for journey in journeys.values():
        problems.extend(_check_owners(journey, people, broken["person"]))
    clients: dict[str, Client] = {}
    for draft in drafts:
        found = _check_client(draft, journeys, people, broken)
        problems.extend(found)
        if not any(p.severity == "error" for p in found):
            clients[draft.client.id] = draft.client
    return clients


def _defined_once(drafts: list[_ClientDraft], problems: list[Problem]) -> list[_ClientDraft]:
    """The drafts with each id once: a second definition (a CSV row beside a client file, say)
    is an error naming both places, and the first is kept."""
    first: dict[str, Where] = {}
    kept: list[_ClientDraft] = []
    for draft in drafts:
        client = draft.client
        here = client.key_where.get("id", Where(client.path, 1, 1))
        if client.id in first:
            there = first[client.id]
            problems.append(Problem(here.path, here.line, here.col, f"client id '{client.id}' "
                                    f"is defined twice: here and at {there.path}:{there.line}:"
                                    f"{there.col}; keep one of them"))
            continue
        first[client.id] = here
        kept.append(draft)
    return kept


def _add_answers(clients: dict[str, Client], journeys: dict[str, Journey],
                 answers: list[Answer], broken: dict[str, set[str]],
                 problems: list[Problem], fingerprints: Fingerprints) -> None:
    """Survey answers added to their clients' feedback, as if written in the client's
    file; an answer about no client, or about a touchpoint their journey lacks, is an error."""
    unsure = bool(broken["client-table"])  # a clients CSV unread: its ids are unknown
    by_client: dict[str, list[Feedback]] = {}
    for answer in answers:
        client = clients.get(answer.client)
        at = answer.client_where
        if client is None:
            if answer.client not in broken["client"] and not unsure:
                problems.append(Problem(at.path, at.line, at.col, f"unknown client "
                                        f"'{answer.client}'{did_you_mean(answer.client, clients)}"))
            continue
        tp = answer.feedback.touchpoint
        # No journey: its file has errors of its own (said there); the answer is kept.
        journey = journeys.get(client.journey)
        if tp is not None and journey is not None and journey.touchpoint(tp) is None:
            pos = answer.touchpoint_where or at
            problems.append(Problem(pos.path, pos.line, pos.col, f"touchpoint '{tp}' is not in "
                                    f"journey '{journey.id}' of client '{client.id}'"
                                    f"{did_you_mean(tp, [t.id for t in journey.touchpoints])}"))
            continue
        by_client.setdefault(client.id, []).append(answer.feedback)
    for ident, added in by_client.items():
        client = clients[ident]
        merged = replace(client, feedback=tuple(sorted((*client.feedback, *added),
                                                       key=lambda f: f.date)))
        clients[ident] = merged
        base = fingerprints.of(client)
        if base is not client:  # the client has a fingerprint: the answers join it
            # What the answers say, and from which file, not their lines: a survey row
            # inserted above would otherwise change every later answer's client.
            said = [(f.date, f.feel, f.touchpoint, f.said, f.heard_by, f.where.path)
                    for f in added]
            fingerprints.add(merged, recipe("answers", base, repr(said)))


def load_or_raise(root: Path, source: str = "journeys", cache: LoadCache | None = None) -> Loaded:
    """Like `load_workspace`, but raise InvalidWorkspace if there is any error."""
    loaded = load_workspace(root, source, cache)
    if loaded.errors:
        raise InvalidWorkspace(loaded.problems)
    return loaded


def parse_text(root: Path, source: str, file: Path, text: str) -> Parsed:
    """A journey or client file of the workspace, parsed as if it held `text` (the file on
    disk is not read)."""
    with tempfile.TemporaryDirectory(prefix="journeymap-edit-") as scratch:
        copy = Path(scratch) / file.name
        copy.write_text(text, encoding="utf-8")
        rel = file.relative_to(root).as_posix()
        return _journey(copy, rel) if file.parent == root / source else _client(copy, rel)


def load_with(root: Path, source: str, cache: LoadCache, parsed: dict[Path, Parsed]) -> Loaded:
    """The workspace as it would load with these files parsed as `parsed` (parse_text), for
    checking an edit before it is written. The files on disk and `cache` are left as they
    are (the other files' parses are reused from it)."""
    trial = LoadCache(files=dict(cache.files))
    for file, result in parsed.items():
        stat = file.stat()
        trial.files[file] = ((stat.st_mtime_ns, stat.st_size), result)
    return load_workspace(root, source, trial)
