"""Edits to a workspace from the map's editor: checked whole, written atomically, undoable.

An edit arrives as plain data (an operation and its fields, see `Editor.apply`). It is made
to the file's text (patch.py), put in fmt's canonical order, and the whole workspace is
checked with the new text before anything is written: an edit that would add an error is
refused with the positioned message. The page sends the hash of the file it was shown; if
the file changed on disk since (someone saved it in an editor), the edit is refused and the
page reloads, so nothing anyone wrote is lost. The journal of edits lives as long as the
editor (the server): undo puts a file back only if nobody changed it since.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from ..atomic import write_atomic
from ..exceptions import Problem
from ..model import Journey, Workspace
from ..vocabulary import CHANNEL_LABELS, PHASES
from .load import LoadCache, Parsed, load_with, load_workspace, parse_text
from .patch import (
    PatchError,
    Raw,
    Text,
    Value,
    canonical,
    child,
    compose,
    inline,
    item_with_id,
    top,
)

TOUCHPOINT_FIELDS = {  # what the form may set, and the type each takes
    "id": str, "title": str, "day": int, "stage": str, "owner": str, "channel": str,
    "phase": str, "feel": int, "emotion": str, "description": str, "surprise": bool,
    "client_visible": bool,
}
STAGE_FIELDS = {"title": str, "feel": str, "phases": list}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


class Refused(Exception):
    """An edit not made; `conflict`: because the file changed on disk since it was shown."""

    def __init__(self, message: str, conflict: bool = False) -> None:
        super().__init__(message)
        self.conflict = conflict


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass
class Change:
    path: Path
    before: bytes
    after: bytes
    what: str


@dataclass
class Editor:
    """The edits of one server's lifetime to the workspace at `root/source`."""

    root: Path
    source: str = "journeys"
    cache: LoadCache = field(default_factory=LoadCache)
    done: list[Change] = field(default_factory=list)
    undone: list[Change] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.root = self.root.resolve()  # file paths as the loader lists them, for its cache

    # ---- reading -----------------------------------------------------------------------

    def workspace(self) -> tuple[Workspace, list[Problem]]:
        loaded = load_workspace(self.root, self.source, self.cache)
        return loaded.workspace, loaded.errors

    def state(self, client: str | None = None, all_clients: bool = True) -> dict[str, Any]:
        """What the page's editor needs: each journey's stages, touchpoints and roles, the
        team, and the clients (every one, or only `client`), with the hash of each file."""
        ws, _ = self.workspace()
        journeys = {jid: _journey_state(j, self._hash(j.path)) for jid, j in ws.journeys.items()}
        logged: dict[str, Counter[str]] = {jid: Counter() for jid in journeys}
        for c in ws.clients.values():  # whose done logs name each touchpoint: said on delete
            if c.journey in logged:
                logged[c.journey].update(set(c.done) | set(c.skipped))
        for jid, counts in logged.items():
            journeys[jid]["logged"] = dict(counts)
        clients = {cid: {"name": c.name, "journey": c.journey, "path": c.path,
                         "hash": self._hash(c.path)} for cid, c in ws.clients.items()
                   if all_clients or cid == client}
        return {"journeys": journeys, "clients": clients,
                "people": {pid: p.name for pid, p in sorted(ws.people.items())},
                "undo": len(self.done), "redo": len(self.undone),
                "channels": dict(CHANNEL_LABELS), "phases": list(PHASES)}

    def _hash(self, rel: str) -> str:
        try:
            return digest((self.root / rel).read_bytes())
        except OSError:
            return ""

    # ---- editing -----------------------------------------------------------------------

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        """Make one edit; the answer names the file and its new hash. Raises Refused."""
        with self.lock:
            op = request.get("op")
            if op in ("undo", "redo"):
                return self._step(op == "undo")
            ws, errors_before = self.workspace()
            journey: Journey | None = None
            if op == "done.add":
                client = ws.clients.get(_text(request, "client"))
                if client is None:
                    raise Refused("that client is not in the workspace (any more)")
                if not client.path.endswith(".yml"):
                    # A row of a CSV file: its cells are who the client is, and a done log
                    # has no column there; the file is left exactly as written.
                    raise Refused(f"{client.name} is a row of {client.path}, which holds no "
                                  "done dates: nothing was changed")
                rel, kind = client.path, "client"
            else:
                journey = ws.journeys.get(_text(request, "journey"))
                if journey is None:
                    raise Refused("that journey is not in the workspace (any more)")
                rel, kind = journey.path, "journey"
            file = self._inside(rel)
            before = file.read_bytes()
            if request.get("hash") != digest(before):
                raise Refused("the file changed on disk since this page was shown (someone "
                              "saved it): nothing was changed; the page shows it as it is now",
                              conflict=True)
            text = before.decode("utf-8")
            if op == "touchpoint.set" and journey is not None:
                _follow_stage(journey, request)
                _keep_done_logs(ws, journey, request)
            if op == "stage.boundary" and journey is not None:
                _follow_boundary(journey, request)
            try:
                # A byte order mark is set aside while patching and put back, as fmt does.
                bom = "\ufeff" if text.startswith("\ufeff") else ""
                doc, what = _OPS[str(op)](text.removeprefix(bom), request)
                # Section headings stay with the stages they were written for.
                was = {t.id: t.stage for t in journey.touchpoints} if journey else None
                result = bom + (canonical(doc.text, kind, rel, was) if doc.moved
                                else doc.text)
            except PatchError as error:
                raise Refused(f"not saved: {error}") from None
            except KeyError:
                raise Refused(f"unknown edit {op!r}") from None
            try:
                parsed = self._check(file, result, errors_before)
            except Refused:
                if result != bom + doc.text:
                    # Said at the lines of the patched text, where the touchpoint still is
                    # (fmt's order may have moved it far down): the facilitator finds them.
                    self._check(file, bom + doc.text, errors_before)
                raise
            after = result.encode("utf-8")
            if after != before:
                write_atomic(file, after, durable=True)
                self.cache.remember(file, kind, rel, parsed)  # no need to parse it again
                self.done.append(Change(file, before, after, what))
                self.undone.clear()
            return {"ok": True, "file": rel, "hash": digest(after), "did": what,
                    "written": after != before}

    def _inside(self, rel: str) -> Path:
        """The file, refused unless it lies inside the journey folder."""
        folder = (self.root / self.source).resolve()
        file = (self.root / rel).resolve()
        if not file.is_relative_to(folder) or not file.is_file():
            raise Refused("only the files of the journey folder can be edited")
        return self.root / rel

    def _check(self, file: Path, text: str, errors_before: list[Problem]) -> Parsed:
        """Refuse `text` for `file` if the workspace would have an error it has not now;
        else the file's parse."""
        parsed = parse_text(self.root, self.source, file, text)
        loaded = load_with(self.root, self.source, self.cache, {file: parsed})
        known = {(p.path, p.message) for p in errors_before}
        new = [p for p in loaded.errors if (p.path, p.message) not in known]
        if new:
            raise Refused("not saved, because the journey would then be broken: "
                          + "; ".join(str(p) for p in new[:3]))
        return parsed

    def _step(self, undo: bool) -> dict[str, Any]:
        source, target = (self.done, self.undone) if undo else (self.undone, self.done)
        if not source:
            raise Refused("nothing to undo" if undo else "nothing to redo")
        change = source[-1]
        expected, wanted = (change.after, change.before) if undo else (
            change.before, change.after)
        try:
            now = change.path.read_bytes()
        except OSError:
            now = b""
        if now != expected:
            raise Refused("the file changed on disk since that edit: it cannot be undone "
                          "here without losing that change", conflict=True)
        write_atomic(change.path, wanted, durable=True)
        target.append(source.pop())
        rel = change.path.relative_to(self.root).as_posix()
        return {"ok": True, "file": rel, "hash": digest(wanted),
                "did": ("undid: " if undo else "redid: ") + change.what, "written": True}


def _follow_stage(journey: Journey, request: dict[str, Any]) -> None:
    """A touchpoint moved to another stage (a new day, or a stage for a yearly one) takes
    the nearest of that stage's phases if its own is not one of them: dragging a card
    across must not leave it broken."""
    fields = request.get("fields")
    tp = next((t for t in journey.touchpoints if t.id == request.get("id")), None)
    if not isinstance(fields, dict) or tp is None or "phase" in fields or tp.phase is None:
        return
    day, stage_id = fields.get("day"), fields.get("stage")
    stage = next((s for s in journey.stages if (isinstance(day, int) and s.holds(day))
                  or (day is None and s.id == stage_id)), None)
    if stage is None or not stage.phases or tp.phase in stage.phases:
        return
    fields["phase"] = _nearest_phase(tp.phase, stage.phases)


def _nearest_phase(phase: str, phases: tuple[str, ...]) -> str:
    """Of a stage's `phases`, the one nearest to `phase` in Coleman's order."""
    return min(phases, key=lambda p: abs(PHASES.index(p) - PHASES.index(phase)))


def _follow_boundary(journey: Journey, request: dict[str, Any]) -> None:
    """The touchpoints a moved boundary puts in the other stage take its nearest phase
    where the phase written in the file is not one of that stage's (as a dragged card
    does): `request["phases"]` maps their ids to the phase to write."""
    phases: dict[str, str] = {}
    request["phases"] = phases  # worked out here, never taken from the request
    ids = [s.id for s in journey.stages]
    last, wanted = request.get("to"), request.get("stage")
    if wanted not in ids or ids.index(wanted) + 1 >= len(ids) or type(last) is not int:
        return
    at = ids.index(wanted)
    before, after = journey.stages[at], journey.stages[at + 1]
    for tp in journey.touchpoints:
        if tp.day is None or tp.phase is None or "phase" not in tp.key_where:
            continue  # a phase not written follows its stage by itself
        now = before if tp.day <= last else after
        if tp.stage in (before.id, after.id) and now.id != tp.stage and now.phases \
                and tp.phase not in now.phases:
            phases[tp.id] = _nearest_phase(tp.phase, now.phases)


def _keep_done_logs(ws: Workspace, journey: Journey, request: dict[str, Any]) -> None:
    """A new id would leave the clients' `done:` entries under the old one (only a lint
    warning then): refused while any client's log names it."""
    fields = request.get("fields")
    old = request.get("id")
    if not isinstance(fields, dict) or fields.get("id") in (None, old):
        return
    logged = sorted(c.name for c in ws.clients.values()
                    if c.journey == journey.id and old in c.done)
    if logged:
        raise Refused(f"not saved: the done logs of {', '.join(logged[:3])}"
                      f"{' and others' if len(logged) > 3 else ''} name '{old}'; keep its id "
                      "(or rename it in those files too)")


def _journey_state(j: Journey, file_hash: str) -> dict[str, Any]:
    return {
        "title": j.title, "path": j.path, "hash": file_hash, "roles": j.roles,
        "stages": [{"id": s.id, "title": s.title, "from": s.start, "to": s.end,
                    "phases": list(s.phases), "feel": s.feel or "",
                    "lanes": {lane: list(notes) for lane, notes in s.lanes}} for s in j.stages],
        "lanes": j.lane_labels, "parking_lot": list(j.parking_lot),
        "touchpoints": {t.id: {
            "id": t.id, "title": t.title, "day": t.day, "on": t.on, "stage": t.stage,
            "owner": t.owner, "channel": t.channel or "", "phase": t.phase or "",
            "feel": t.feel, "emotion": t.emotion or "", "description": t.description or "",
            "surprise": t.surprise, "client_visible": t.client_visible,
            "repeat": t.repeat is not None} for t in j.touchpoints},
    }


# ---- the operations: (text, request) -> (new text, what was done) -------------------------


def _text(request: dict[str, Any], key: str) -> str:
    value = request.get(key)
    if not isinstance(value, str) or not value:
        raise Refused(f"the edit lacks its '{key}'")
    return value


def _fields(request: dict[str, Any], allowed: Mapping[str, type]) -> dict[str, Value]:
    """The fields sent, typed as the form gives them; empty ones remove the key."""
    fields = request.get("fields")
    if not isinstance(fields, dict):
        raise Refused("the edit lacks its fields")
    out: dict[str, Value] = {}
    for key, value in fields.items():
        kind = allowed.get(key)
        if kind is None:
            raise Refused(f"'{key}' cannot be set from the map")
        if value is None or value == "" or value is False:
            out[key] = None
        elif kind is int and isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            out[key] = int(value)
        elif kind is list and isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = value or None
        elif isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            out[key] = value.replace("\r\n", "\n") if isinstance(value, str) else (
                value if isinstance(value, int | bool) else None)
        else:
            raise Refused(f"'{key}' must be {kind.__name__}")
    return out


def _seq(text: str, key: str) -> tuple[Text, Any]:
    doc = Text(text)
    seq = top(compose(text), key)
    if seq is None:
        raise PatchError(f"the file has no '{key}' list")
    return doc, seq


def _set_on(doc: Text, key: str, changes: dict[str, dict[str, Value]]) -> None:
    """Set fields on list items by id (`changes`: id -> fields), from one compose."""
    seq = top(compose(doc.text), key)
    if seq is None:
        raise PatchError(f"the file has no '{key}' list")
    splices = []
    for wanted, fields in changes.items():
        item = item_with_id(seq, wanted)
        if item is None:
            raise PatchError(f"'{wanted}' is not in the file (any more)")
        indent = item.value[0][0].start_mark.column
        splices += [doc.splice(item, name, value, indent) for name, value in fields.items()]
    doc.apply(splices)


def touchpoint_set(text: str, request: dict[str, Any]) -> tuple[Text, str]:
    wanted = _text(request, "id")
    fields = _fields(request, TOUCHPOINT_FIELDS)
    if "day" in fields and fields["day"] is not None:
        fields.setdefault("stage", None)  # a day places it; a stage is only for `on:` ones
    doc = Text(text)
    _set_on(doc, "touchpoints", {wanted: fields})
    return doc, f"changed touchpoint '{wanted}'"


def touchpoint_add(text: str, request: dict[str, Any]) -> tuple[Text, str]:
    fields = _fields(request, TOUCHPOINT_FIELDS)
    tp_id = fields.get("id")
    if not isinstance(tp_id, str) or not _ID.fullmatch(tp_id):
        raise PatchError("the id must be lower-case letters, digits and dashes")
    doc, seq = _seq(text, "touchpoints")
    if item_with_id(seq, tp_id) is not None:
        raise PatchError(f"a touchpoint with the id '{tp_id}' already exists")
    written = [(k, v) for k, v in fields.items() if v is not None]
    written.sort(key=lambda kv: list(TOUCHPOINT_FIELDS).index(kv[0]))
    doc.append_item(seq, written)
    return doc, f"added touchpoint '{tp_id}'"


def touchpoint_delete(text: str, request: dict[str, Any]) -> tuple[Text, str]:
    wanted = _text(request, "id")
    doc, seq = _seq(text, "touchpoints")
    item = item_with_id(seq, wanted)
    if item is None:
        raise PatchError(f"'{wanted}' is not in the file (any more)")
    doc.remove_item(seq, item)
    return doc, f"deleted touchpoint '{wanted}'"


def stage_set(text: str, request: dict[str, Any]) -> tuple[Text, str]:
    wanted = _text(request, "id")
    fields = _fields(request, STAGE_FIELDS)
    doc = Text(text)
    _set_on(doc, "stages", {wanted: fields})
    return doc, f"changed stage '{wanted}'"


def stage_boundary(text: str, request: dict[str, Any]) -> tuple[Text, str]:
    """Move the boundary after stage `stage` to the end of day `to`: the next stage starts
    the day after."""
    wanted = _text(request, "stage")
    last = request.get("to")
    if not isinstance(last, int) or isinstance(last, bool):
        raise Refused("the boundary's day must be a whole number")
    doc, seq = _seq(text, "stages")
    ids = [child(s, "id")[1].value for s in seq.value if child(s, "id")]  # type: ignore[index]
    if wanted not in ids or ids.index(wanted) + 1 >= len(ids):
        raise PatchError(f"stage '{wanted}' has no stage after it")
    after = ids[ids.index(wanted) + 1]
    _set_on(doc, "stages", {wanted: {"to": last}, after: {"from": last + 1}})
    moved = request.get("phases") or {}
    if moved:
        _set_on(doc, "touchpoints", {tp: {"phase": phase} for tp, phase in moved.items()})
    return doc, f"moved the boundary between '{wanted}' and '{after}'"


def done_add(text: str, request: dict[str, Any]) -> tuple[Text, str]:
    """An entry added to a client's `done:` log: the date it was done, or with `skipped`
    (the reason) an occurrence decided against, `{skipped: date, reason: why}`."""
    tp_id = _text(request, "touchpoint")
    date = _text(request, "date")
    if not _DATE.fullmatch(date) or not _ID.fullmatch(tp_id):
        raise Refused("a date is written YYYY-MM-DD")
    reason = request.get("skipped")
    if reason is not None and (not isinstance(reason, str) or not reason.strip()):
        raise Refused("say why it was skipped: the reason is what the team learns from")
    new = Raw(date) if reason is None else Raw(
        f"{{skipped: {date}, reason: {inline(reason.strip(), 'flow')}}}")
    doc = Text(text)
    root = compose(text)
    did = "done" if reason is None else "skipped"
    person = request.get("person")
    if person is not None:
        whose = _add_to_persons_log(doc, root, person, tp_id, new)
        return doc, f"marked '{tp_id}' {did} for {whose} on {date}"
    done = top(root, "done")
    if done is None:
        doc.add_top("done", [f"  {tp_id}: {new}\n"])
    else:
        entry = child(done, tp_id)
        indent = done.value[0][0].start_mark.column if done.value else 2
        entries: Value = new
        if entry is not None:
            entries = [*_written(text, entry[1]), new]
        doc.set_keys(done, {tp_id: entries}, indent, at_end=True)
    return doc, f"marked '{tp_id}' {did} on {date}"


def _add_to_persons_log(doc: Text, root: MappingNode, person: object, tp_id: str,
                        new: Raw) -> str:
    """An occurrence of a household's person goes to their own `done:` (under `people:`,
    the `person`-th, counted from 1 as the pages number them); returns their name."""
    people = top(root, "people")
    if isinstance(person, bool) or not isinstance(person, int) or not isinstance(
            people, SequenceNode) or not 1 <= person <= len(people.value):
        raise Refused("that person is not in the client's household (any more)")
    item = people.value[person - 1]
    name = child(item, "name") if isinstance(item, MappingNode) else None
    if not isinstance(item, MappingNode) or item.flow_style or name is None:
        raise PatchError("that person is written on one line here: add to their log in "
                         "the file itself")
    indent = item.value[0][0].start_mark.column
    done = child(item, "done")
    if done is None:
        doc.add_nested(item, "done", tp_id, new, indent)
    elif not isinstance(done[1], MappingNode) or done[1].flow_style or not done[1].value:
        raise PatchError("that person's done log is written on one line here: add to it in "
                         "the file itself")
    else:
        entry = child(done[1], tp_id)
        entries: Value = new if entry is None else [*_written(doc.text, entry[1]), new]
        doc.set_keys(done[1], {tp_id: entries}, done[1].value[0][0].start_mark.column,
                     at_end=True)
    return str(name[1].value)


def _written(text: str, node: Node) -> list[str]:
    """A done log entry's entries as they are written (dates, `{skipped: ...}` maps)."""
    items = node.value if isinstance(node, SequenceNode) else [node]
    found: list[str] = []
    for item in items:
        if item.start_mark.line != item.end_mark.line:
            raise PatchError("that touchpoint's done log is written over several lines: "
                             "add to it in the file itself")
        found.append(Raw(text[item.start_mark.index:item.end_mark.index]))
    return found


NOTE_ACTIONS = ("add", "set", "delete")


def note_edit(text: str, request: dict[str, Any]) -> tuple[Text, str]:
    """A note of a stage's lane (`stage` and `lane`) or, with no stage, of the journey's
    parking lot: added (`text`), changed (`index`, `text`) or deleted (`index`)."""
    action = request.get("action")
    index = request.get("index", -1)
    if action not in NOTE_ACTIONS or not isinstance(index, int) or isinstance(index, bool):
        raise Refused("the edit lacks its action or its note")
    note = request.get("text", "")
    if action != "delete":
        if not isinstance(note, str) or not note.strip():
            raise Refused("a note needs some text")
        note = note.replace("\r\n", "\n").strip()
    doc = Text(text)
    root = compose(text)
    stage_id = request.get("stage")
    if stage_id is None:
        where, key, holder, indent = "the parking lot", "parking_lot", root, 0
        if top(root, key) is None:
            if action != "add":
                raise PatchError("that note is not in the file (any more)")
            if doc.text.endswith("\n") and not doc.text.endswith("\n\n"):
                doc.text += "\n"  # set apart from the touchpoints, as a section of its own
            doc.add_top(key, [f"  - {inline(note)}\n"])
            return doc, _note_done(action, where)
    else:
        lane = _text(request, "lane")
        if not isinstance(stage_id, str) or not _ID.fullmatch(lane):
            raise Refused("the edit lacks its stage or its lane")
        stage = item_with_id(top(root, "stages"), stage_id)
        if stage is None:
            raise PatchError(f"stage '{stage_id}' is not in the file (any more)")
        where, key = f"lane '{lane}' of stage '{stage_id}'", lane
        lanes = child(stage, "lanes")
        stage_indent = stage.value[0][0].start_mark.column
        if lanes is None:
            if action != "add":
                raise PatchError("that note is not in the file (any more)")
            doc.add_nested(stage, "lanes", lane, [note], stage_indent)
            return doc, _note_done(action, where)
        holder = lanes[1]  # type: ignore[assignment]  # checked just below
        if not isinstance(holder, MappingNode) or holder.flow_style or not holder.value:
            raise PatchError(f"the lanes of stage '{stage_id}' are written on one line "
                             "here: edit them in the file")
        indent = holder.value[0][0].start_mark.column
    doc.edit_notes(holder, key, indent, str(action), index, note)
    return doc, _note_done(action, where)


def _note_done(action: object, where: str) -> str:
    verb = {"add": "added a note to", "set": "changed a note of", "delete": "deleted a note of"}
    return f"{verb[str(action)]} {where}"


_OPS: dict[str, Callable[[str, dict[str, Any]], tuple[Text, str]]] = {
    "touchpoint.set": touchpoint_set, "touchpoint.add": touchpoint_add,
    "touchpoint.delete": touchpoint_delete, "stage.set": stage_set,
    "stage.boundary": stage_boundary, "done.add": done_add, "note": note_edit,
}
