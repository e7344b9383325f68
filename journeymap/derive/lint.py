"""Journey health lint: a valid journey can still be a poor one for the client.

The loader checks that the files are right; these rules check that the journey is kind: no
long silences in the first 100 days, someone there when buyer's remorse sets in, every phase
of Coleman's journey served, cadences that stop before they annoy, a sales-to-delivery
handoff, something to surprise and delight, and people who are not drowning in touchpoints.

Each rule is a pure function over the loaded model. Its level (error / warning / off) and
thresholds come from the plugin option `lint:` in mkdocs.yml, e.g.

    plugins:
      - journeymap:
          lint:
            first-100-days-gap: {level: warning, days: 21}
            no-surprise: off

Day rules count the occurrences of repeating touchpoints (`repeat: {every, times}` and
`yearly`); `on:` touchpoints have no fixed day number and are left out of them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import JourneymapError, Problem
from ..model import Client, Journey, Stage, Touchpoint, Where, Workspace
from ..vocabulary import PHASES, count
from ..workspace.schema import did_you_mean
from . import outcomes
from .responsibility import weekly_load
from .schedule import Agenda
from .schedule import agenda as make_agenda

LEVELS = ("error", "warning", "off")
# Rules that learn from what clients said and what the team did (feedback, done logs), not
# from mistakes in the files: a build shows their findings on the journey page and logs them
# as information, so a strict build does not fail because a client was unhappy. `journeymap
# lint` lists them like the others, and a level of `error` still stops a build.
FROM_OUTCOMES = frozenset({"felt-below-plan", "often-late"})
LOWEST, HIGHEST = 1, 10_000  # the range of every numeric threshold
OPTION = "plugin option 'lint'"


@dataclass(frozen=True)
class Rule:
    """A lint rule: its id, what it looks for (one line), default level and thresholds."""

    id: str
    summary: str
    default_level: str
    defaults: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # settings that are words, not numbers


RULES: dict[str, Rule] = {rule.id: rule for rule in (
    Rule("first-100-days-gap",
         "More than `days` days in a row without a touchpoint within days 1..100.",
         "warning", {"days": 14}),
    Rule("silent-first-week",
         "No touchpoint in days 1..`days`, when buyer's remorse sets in (Coleman's affirm).",
         "warning", {"days": 7}),
    Rule("missing-phase", "One of Coleman's eight phases has no touchpoint.", "warning"),
    Rule("nagging-cadence",
         "A repeat more often than every `min-every` days, or more than `max-times` times.",
         "warning", {"min-every": 2, "max-times": 3}),
    Rule("busy-week",
         "A person owns more than `per-week` touchpoints in one ISO week, across clients, "
         "in the next `weeks` weeks.",
         "warning", {"per-week": 10, "weeks": 13}),
    Rule("no-surprise", "A journey with no surprise touchpoint.", "warning"),
    Rule("no-handoff",
         "No sales-to-delivery handoff in days 0..`days`: a touchpoint the `role` role owns "
         "or supports together with another role, or one named a handoff.",
         "warning", {"days": 7}, {"role": "sales"}),
    Rule("missing-preference",
         "A client lacks a preference that a touchpoint still ahead of them `uses`.", "warning"),
    Rule("missing-date",
         "An `on:` touchpoint whose date neither a client nor anyone of their household "
         "(`people:`) has: it cannot be scheduled for them.", "warning"),
    Rule("unused-role", "A role that no touchpoint owns, supports or informs.", "warning"),
    Rule("owner-off-team",
         "A touchpoint owned or supported by a person on no client's team for the journey.",
         "warning"),
    Rule("empty-stage", "A stage with no touchpoint.", "warning"),
    Rule("stage-without-feel", "A stage that does not say what the client should feel.",
         "warning"),
    Rule("nothing-visible-early",
         "No client-visible touchpoint in days 1..`days`: the client's page shows nothing "
         "coming.",
         "warning", {"days": 30}),
    Rule("low-feel", "A touchpoint whose intended feel is below `min-feel`.", "warning",
         {"min-feel": 3}),
    Rule("stale-done",
         "A client's `done:` log names a touchpoint the journey no longer has (the entry is "
         "kept, and counts for nothing).", "warning"),
    Rule("felt-below-plan",
         "Clients' median answer for a touchpoint is `points` or more below its intended "
         "`feel`, on at least `min-answers` answers (their `feedback:`).",
         "warning", {"points": 1, "min-answers": 3}),
    Rule("often-late",
         "A touchpoint done late (or not at all) in more than `percent` % of at least "
         "`min-due` occurrences whose date has come.",
         "warning", {"percent": 50, "min-due": 4}),
    Rule("visible-surprise",
         "A surprise marked client_visible: a surprise never shows, so the flag does nothing.",
         "warning"),
)}


# ---- settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSettings:
    level: str
    numbers: Mapping[str, int]
    texts: Mapping[str, str]


def _default(rule: Rule) -> RuleSettings:
    return RuleSettings(rule.default_level, dict(rule.defaults), dict(rule.texts))


def _all_defaults() -> dict[str, RuleSettings]:
    return {rule_id: _default(rule) for rule_id, rule in RULES.items()}


def _level(rule: Rule, value: Any) -> str:
    """A level as written; YAML 1.1 (MkDocs' loader) reads `off` as false and `on` as true."""
    if value is False:
        return "off"
    if value is True or value == "on":
        return rule.default_level if rule.default_level != "off" else "warning"
    if isinstance(value, str) and value in LEVELS:
        return value
    hint = did_you_mean(value, LEVELS) if isinstance(value, str) else ""
    raise ValueError(f"level must be error, warning or off, got {value!r}{hint}")


def _rule_settings(rule: Rule, value: Any, base: RuleSettings | None = None) -> RuleSettings:
    """One rule's settings as written (in mkdocs.yml, or a journey's `lint:`), over `base`
    (the rule's defaults if None); ValueError says what is wrong."""
    base = base or _default(rule)
    if not isinstance(value, Mapping):
        if value is None:
            raise ValueError("give a level (error, warning or off) or a mapping such as "
                             "{level: warning" + "".join(f", {k}: {v}" for k, v in
                                                         rule.defaults.items()) + "}")
        return RuleSettings(_level(rule, value), dict(base.numbers), dict(base.texts))
    level = base.level
    numbers, texts = dict(base.numbers), dict(base.texts)
    known = ["level", *numbers, *texts]
    for key, given in value.items():
        if key == "level":
            level = _level(rule, given)
        elif key in numbers:
            if isinstance(given, bool) or not isinstance(given, int) \
                    or not LOWEST <= given <= HIGHEST:
                raise ValueError(f"'{key}' must be a whole number from {LOWEST} to {HIGHEST}, "
                                 f"got {given!r}")
            numbers[key] = given
        elif key in texts:
            if not isinstance(given, str) or not re.fullmatch(r"[a-z0-9-]+", given):
                raise ValueError(f"'{key}' must be an id such as '{rule.texts[key]}', "
                                 f"got {given!r}")
            texts[key] = given
        else:
            takes = ", ".join(f"'{k}'" for k in known)
            raise ValueError(f"unknown setting '{key}'{did_you_mean(str(key), known)}; "
                             f"this rule takes {takes}")
    return RuleSettings(level, numbers, texts)


@dataclass(frozen=True)
class LintSettings:
    """The level and thresholds of every rule (defaults unless mkdocs.yml says otherwise)."""

    rules: Mapping[str, RuleSettings] = field(default_factory=_all_defaults)

    def level(self, rule_id: str) -> str:
        return self.rules[rule_id].level

    def number(self, rule_id: str, name: str) -> int:
        return self.rules[rule_id].numbers[name]

    def text(self, rule_id: str, name: str) -> str:
        return self.rules[rule_id].texts[name]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> LintSettings:
        """Settings from the plugin's `lint:` option; SettingsError lists every mistake."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise SettingsError([(None, f"{OPTION} must map rule ids to a level or settings, "
                                        f"got {data!r}")])
        rules = _all_defaults()
        mistakes: list[tuple[str | None, str]] = []
        for key, value in data.items():
            rule = RULES.get(key) if isinstance(key, str) else None
            if rule is None:
                hint = did_you_mean(str(key), RULES) or f"; the rules are {', '.join(RULES)}"
                mistakes.append((str(key), f"{OPTION}: unknown rule '{key}'{hint}"))
                continue
            try:
                rules[rule.id] = _rule_settings(rule, value)
            except ValueError as error:
                mistakes.append((rule.id, f"{OPTION}: {rule.id}: {error}"))
        if mistakes:
            raise SettingsError(mistakes)
        return cls(rules)


class SettingsError(JourneymapError):
    """Mistakes in the `lint:` option: (the rule's key as written, or None for the option
    itself; the message) each, for a host to place in its configuration file."""

    def __init__(self, mistakes: list[tuple[str | None, str]]) -> None:
        super().__init__("\n".join(message for _, message in mistakes))
        self.mistakes = mistakes


def journey_settings(settings: LintSettings, journey: Journey
                     ) -> tuple[LintSettings, list[Problem]]:
    """A journey's settings: the site's, with the journey's own `lint:` over them; and a
    positioned problem for each of its own that cannot be used (left as the site has it)."""
    if not journey.lint:
        return settings, []
    rules = dict(settings.rules)
    problems: list[Problem] = []
    for key, value in journey.lint.items():
        at = journey.key_where.get(f"lint.{key}", journey.key_where.get("lint"))
        where = at or Where(journey.path, 1, 1)
        rule = RULES.get(key)
        try:
            if rule is None:
                hint = did_you_mean(key, RULES) or f"; the rules are {', '.join(RULES)}"
                raise ValueError(f"unknown rule '{key}'{hint}")
            if key in SITE_WIDE:
                raise ValueError("this rule weighs every journey together (a person's week "
                                 "holds them all): set it in the site's lint option, in "
                                 "mkdocs.yml")
            rules[key] = _rule_settings(rule, value, settings.rules[key])
        except ValueError as error:
            problems.append(Problem(where.path, where.line, where.col,
                                    f"lint: {key}: {error}"))
    return LintSettings(rules), problems


# ---- helpers over the model -------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    where: Where
    message: str
    about: tuple[str, ...] = ()  # see Problem.about


Check = Callable[[Workspace, Agenda, RuleSettings], Iterator[Finding]]

# What each of Coleman's phases is about, to say why a missing one matters.
PHASE_MEANING = {
    "assess": "while they weigh whether to work with you",
    "admit": "the moment they say yes",
    "affirm": "when doubt creeps in and they need to hear they chose right",
    "activate": "when you first deliver what you promised",
    "acclimate": "while they learn how you work together",
    "accomplish": "when they reach the result they came for",
    "adopt": "when working with you becomes simply how they do business",
    "advocate": "when they are glad to send friends your way",
}
_HANDOFF_WORDS = re.compile(r"\bhand[- ]?(off|over)\b", re.IGNORECASE)


def _top(journey: Journey, *keys: str) -> Where:
    """The first of `keys` the journey file has written, else its first line."""
    return next((journey.key_where[k] for k in keys if k in journey.key_where),
                Where(journey.path, 1, 1))


def _stage_at(journey: Journey, day: int) -> Where:
    stage = next((s for s in journey.stages if s.holds(day)), None)
    return stage.where if stage else _top(journey)


def _at(tp: Touchpoint, *keys: str) -> Where:
    """The first of `keys` the touchpoint has written, else the touchpoint itself."""
    return next((tp.key_where[k] for k in keys if k in tp.key_where), tp.where)


def _days(tp: Touchpoint, until: int) -> Iterator[tuple[int, int]]:
    """(day, occurrence number) of a day-numbered touchpoint, up to day `until`."""
    if tp.day is None:
        return
    if tp.repeat and tp.repeat.yearly:
        every, times = 365, until  # enough years to pass `until`
    elif tp.repeat:
        every, times = tp.repeat.every, tp.repeat.times
    else:
        every, times = 1, 1
    for number in range(1, times + 1):
        day = tp.day + every * (number - 1)
        if day > until:
            return
        yield day, number


def _occurrences(journey: Journey, first: int, last: int) -> list[tuple[int, int, Touchpoint]]:
    """(day, number, touchpoint) of every occurrence in days first..last, in day order."""
    found = [(day, n, tp) for tp in journey.touchpoints for day, n in _days(tp, last)
             if day >= first]
    return sorted(found, key=lambda o: (o[0], o[2].sort_key))


def _clients(ws: Workspace, journey: Journey) -> list[Client]:
    return sorted((c for c in ws.clients.values() if c.journey == journey.id),
                  key=lambda c: c.id)


def _names(items: Iterable[str]) -> str:
    return ", ".join(f"'{i}'" for i in items)


# ---- the rules --------------------------------------------------------------------------


def _gap(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """Runs of more than `days` quiet days within days 1..100, day 1 and day 100 included;
    placed on the touchpoint after the silence (where to add one before), else the one before
    it, else the stage holding day 1."""
    limit = s.numbers["days"]
    for journey in ws.journeys.values():
        marks = _occurrences(journey, 1, 100)
        before: tuple[int, int, Touchpoint] | None = None
        for after in [*marks, None]:
            start = before[0] + 1 if before else 1
            end = after[0] - 1 if after else 100
            quiet = end - start + 1
            if quiet > limit:
                around = []
                if before:
                    around.append(f"after '{before[2].id}' on day {before[0]}")
                if after:
                    around.append(f"before '{after[2].id}' on day {after[0]}")
                if after:
                    where = _at(after[2], "repeat" if after[1] > 1 else "day")
                elif before:
                    where = _at(before[2], "repeat" if before[1] > 1 else "day")
                else:
                    where = _stage_at(journey, 1)
                context = f", {' and '.join(around)}" if around else ""
                yield Finding(where, (
                    f"no touchpoint for {quiet} days in a row (days {start}..{end}{context}), "
                    f"more than {limit}: in the first 100 days a client who hears nothing "
                    "starts to wonder whether they still matter; plan a touchpoint in between"),
                    ("days", str(start), str(end)))
            if after:
                before = after


def _first_week(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """No occurrence in days 1..`days`; placed on the stage holding day 1."""
    days = s.numbers["days"]
    for journey in ws.journeys.values():
        if not _occurrences(journey, 1, days):
            yield Finding(_stage_at(journey, 1), (
                f"no touchpoint in days 1..{days}: buyer's remorse sets in during the first "
                "week (Coleman's affirm phase), so plan something that tells them they chose "
                "right, such as a short personal video from their lead"))


def _missing_phase(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """A phase no touchpoint serves (its own `phase`, or its stage's first). Placed on the
    first stage listing the phase, else on the stage where it would go in Coleman's order.
    A journey that names no phase at all gets one finding, not eight."""
    for journey in ws.journeys.values():
        served = {tp.phase for tp in journey.touchpoints}
        listed = [s for s in journey.stages if s.phases]
        if not listed and not served - {None}:
            yield Finding(journey.stages[0].where if journey.stages else _top(journey), (
                f"journey '{journey.id}' names none of Coleman's phases "
                f"({', '.join(PHASES)}): give its stages 'phases' to see which ones it "
                "leaves out"))
            continue
        for index, phase in enumerate(PHASES):
            if phase in served:
                continue
            owner = next((st for st in listed if phase in st.phases), None)
            if owner is not None:
                where, note = owner.where, f"stage '{owner.id}' lists it but "
            else:
                later = [st for st in listed if max(PHASES.index(p) for p in st.phases) > index]
                place: Stage | None = later[0] if later else (listed[-1] if listed else None)
                where, note = (place.where if place else _top(journey)), "no stage lists it and "
            yield Finding(where, (
                f"Coleman's '{phase}' phase ({PHASE_MEANING[phase]}) is not served: {note}no "
                f"touchpoint has 'phase: {phase}'"), ("phase", phase))


def _cadence(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """`repeat: {every, times}` too dense or too long (yearly repeats are left alone)."""
    min_every, max_times = s.numbers["min-every"], s.numbers["max-times"]
    for journey in ws.journeys.values():
        for tp in journey.touchpoints:
            rep = tp.repeat
            if rep is None or rep.yearly:
                continue
            if rep.every < min_every:
                yield Finding(_at(tp, "repeat"), (
                    f"touchpoint '{tp.id}' repeats every {rep.every} day"
                    f"{'s' * (rep.every != 1)}, more often than every {min_every} days: a "
                    "cadence that close feels like chasing; space it out"), ("touchpoint", tp.id))
            if rep.times > max_times:
                yield Finding(_at(tp, "repeat"), (
                    f"touchpoint '{tp.id}' repeats {rep.times} times, more than {max_times}: "
                    "stop the cadence before it annoys; better to be missed than to be a "
                    "nuisance"), ("touchpoint", tp.id))


def _busy_week(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """Occurrences a person owns (not done yet) per ISO week, over `weeks` weeks from the week
    of the agenda's date; one finding per person, for their busiest week, on the person's file."""
    per_week, weeks = s.numbers["per-week"], s.numbers["weeks"]
    load = weekly_load(ws, agenda, weeks)
    for person_id in sorted(load.owned):
        weekly = zip(load.weeks, load.owned[person_id], strict=True)
        over = {m: [o.client.id for o in week] for m, week in weekly if len(week) > per_week}
        if not over:
            continue
        person = ws.people[person_id]
        monday = max(sorted(over), key=lambda m: len(over[m]))  # busiest; the earliest on a tie
        year, week, _ = monday.isocalendar()
        others = f"; {len(over)} of the next {weeks} weeks are over" if len(over) > 1 else ""
        clients = count(len(set(over[monday])), "client")
        yield Finding(person.key_where.get("name", Where(person.path, 1, 1)), (
            f"{person.name} owns {len(over[monday])} touchpoints in the week of "
            f"{monday.isoformat()} ({year}-W{week:02d}) for {clients}, "
            f"more than {per_week}: nobody gives that many moments real care; share them out "
            f"or spread them over other weeks{others}"))


def _no_surprise(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    for journey in ws.journeys.values():
        if journey.touchpoints and not any(tp.surprise for tp in journey.touchpoints):
            yield Finding(_top(journey, "touchpoints"), (
                f"journey '{journey.id}' has no surprise: every touchpoint is one the client "
                "could expect; plan at least one unexpected, personal gesture "
                "('surprise: true') to delight them"))


def _is_handoff(tp: Touchpoint, sales: str, delivery: set[str]) -> bool:
    """Sales owns or supports it with a delivery role doing the same, or it is named one."""
    hands = {tp.owner, *tp.support}
    return (sales in hands and bool(hands & delivery)) \
        or bool(_HANDOFF_WORDS.search(tp.id.replace("-", " ")) or _HANDOFF_WORDS.search(tp.title))


def _no_handoff(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """No handoff among the occurrences in days 0..`days` (day 0: the day before signing).
    A handoff is a touchpoint owned or supported by the sales role where another role (a
    delivery role) owns or supports it too (being `informed` is a notice, not a handover),
    or a touchpoint whose id or title says handoff / hand-off / handover. A journey without
    the sales role is reported once, since a misspelt `role` would silence the rule."""
    days, sales = s.numbers["days"], s.texts["role"]
    for journey in ws.journeys.values():
        if sales not in journey.roles:
            yield Finding(_top(journey, "roles", "title"), (
                f"journey '{journey.id}' has no role '{sales}' to hand a new client over from"
                f"{did_you_mean(sales, journey.roles)}: name the role that wins clients in "
                "this journey's `lint: {no-handoff: {role: ...}}` (or the site's lint option), "
                "or turn the rule off"))
            continue
        delivery = set(journey.roles) - {sales}
        if not delivery:
            continue  # nobody to hand over to: the seller also delivers
        if any(_is_handoff(tp, sales, delivery) for _, _, tp in _occurrences(journey, 0, days)):
            continue
        yield Finding(_stage_at(journey, 1), (
            f"no sales-to-delivery handoff in days 0..{days}: no touchpoint there has "
            f"'{sales}' owning or supporting it together with {_names(sorted(delivery))}, and "
            "none is called a handoff; without one the client has to tell their new team "
            "everything again"))


def _fully_done(tp: Touchpoint, client: Client) -> bool:
    if tp.on is not None or (tp.repeat and tp.repeat.yearly):
        return False  # comes back every year
    # Done or skipped entries (a skipped occurrence is settled too), counted, not sorted.
    settled = len(client.done.get(tp.id, ())) + len(client.skipped.get(tp.id, ()))
    return settled >= (tp.repeat.times if tp.repeat else 1)


def _missing_preference(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """Per client and preference, naming the touchpoints (not yet done) that use it."""
    for client in sorted(ws.clients.values(), key=lambda c: c.id):
        journey = ws.journeys.get(client.journey)
        if journey is None or client.has_left(agenda.as_of):
            continue  # nothing more is owed to a client who left
        wanted: dict[str, list[str]] = defaultdict(list)
        for tp in journey.touchpoints:
            # Cheapest first: this runs for every client and touchpoint at every rebuild.
            lacking = [pref for pref in tp.uses if pref not in client.preferences]
            if not lacking or _fully_done(tp, client):
                continue
            when = f", due {client.date_of(tp.day).isoformat()}" \
                if tp.day is not None and tp.repeat is None else ""
            for pref in lacking:
                wanted[pref].append(f"'{tp.id}' ({tp.title}{when})")
        for pref, users in sorted(wanted.items()):
            yield Finding(client.where("preferences", "name"), (
                f"{client.name} has no preference '{pref}', which touchpoint "
                f"{' and '.join(users)} uses: find it out in time, or the personal touch "
                "falls flat"))


def _missing_date(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """Per client and date name, naming the `on:` touchpoints that need it."""
    for client in sorted(ws.clients.values(), key=lambda c: c.id):
        journey = ws.journeys.get(client.journey)
        if journey is None or client.has_left(agenda.as_of):
            continue
        wanted: dict[str, list[str]] = defaultdict(list)
        for tp in journey.touchpoints:
            # Cheapest first: this runs for every client and touchpoint at every rebuild.
            if tp.on is None or client.has_date(tp.on) or client.skipped.get(tp.id):
                continue  # (a skipped entry: they declined to give the date)
            wanted[tp.on].append(f"'{tp.id}' ({tp.title})")
        for name, users in sorted(wanted.items()):
            lacks = (f"neither {client.name} nor anyone of their household has a date "
                     f"'{name}'" if client.household else f"{client.name} has no date '{name}'")
            yield Finding(client.where("dates", "people", "name"), (
                f"{lacks}, which touchpoint {' and '.join(users)} is on: it cannot be dated "
                "for them until someone asks"))


def _unused_role(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """Clients must fill every role (the loader checks that), so a role that no touchpoint
    owns, supports or informs only makes every client name a person for nothing."""
    for journey in ws.journeys.values():
        used = {ref for tp in journey.touchpoints for ref in (tp.owner, *tp.support,
                                                                *tp.informed)}
        for role, label in journey.roles.items():
            if role not in used:
                yield Finding(_top(journey, f"roles.{role}", "roles"), (
                    f"role '{role}' ({label}) of journey '{journey.id}' has no touchpoint to "
                    "own, support or be informed of, yet every client must name a person for "
                    "it: give it a part or remove it"))


def _owner_off_team(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """A touchpoint owned or supported by a person (not a role) who is on the team of none
    of the journey's clients, so the client meets a stranger. Only for journeys with clients.
    (A role no client fills cannot happen: the loader requires every role to be filled.)"""
    for journey in ws.journeys.values():
        clients = _clients(ws, journey)
        if not clients:
            continue
        teams = {person for c in clients for person in c.team.values()}
        for tp in journey.touchpoints:
            for key, refs in (("owner", (tp.owner,)), ("support", tp.support)):
                for ref in refs:
                    if ref in journey.roles or ref not in ws.people or ref in teams:
                        continue
                    verb = "owned" if key == "owner" else "supported"
                    yield Finding(_at(tp, key), (
                        f"touchpoint '{tp.id}' is {verb} by {ws.people[ref].name} ('{ref}'), "
                        f"who is on no client's team for journey '{journey.id}': the client "
                        "would hear from someone they were never introduced to; use a role, "
                        "or put them on the clients' teams"))


def _empty_stage(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    for journey in ws.journeys.values():
        for stage in journey.stages:
            if not journey.in_stage(stage.id):
                yield Finding(stage.where, (
                    f"stage '{stage.id}' (days {stage.start}..{stage.end}) has no touchpoint: "
                    "the client goes through it without hearing from anyone"))


def _stage_feel(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    for journey in ws.journeys.values():
        for stage in journey.stages:
            if not stage.feel:
                yield Finding(stage.where, (
                    f"stage '{stage.id}' has no 'feel': say in plain words what the client "
                    "should feel here, so every touchpoint in it can aim for that"))


def _visible_early(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """No occurrence in days 1..`days` of a touchpoint shown on the client's page."""
    days = s.numbers["days"]
    for journey in ws.journeys.values():
        if any(tp.client_visible and not tp.surprise
               for _, _, tp in _occurrences(journey, 1, days)):
            continue
        yield Finding(_stage_at(journey, 1), (
            f"no client-visible touchpoint in days 1..{days}: the client's \"what happens "
            "next\" page shows nothing to look forward to while they are newest; mark a "
            "planned meeting or review 'client_visible: true'"))


def _low_feel(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    least = s.numbers["min-feel"]
    for journey in ws.journeys.values():
        for tp in journey.touchpoints:
            if tp.feel is not None and tp.feel < least:
                yield Finding(_at(tp, "feel"), (
                    f"touchpoint '{tp.id}' aims for a feel of {tp.feel}, below {least}: make "
                    "even a required step (a form, an invoice) remarkable, or say why not"))


def _felt_below_plan(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    points, least = s.numbers["points"], s.numbers["min-answers"]
    for journey in ws.journeys.values():
        for figure in outcomes.feel_figures(ws, journey):
            tp, actual, gap = journey.touchpoint(figure.touchpoint), figure.actual, figure.gap
            if tp is None or actual is None or gap is None or actual.n < least:
                continue
            if -gap >= points:
                yield Finding(_at(tp, "feel"), (
                    f"touchpoint '{tp.id}' aims for a feel of {tp.feel}, but the median of "
                    f"{actual.n} answers is {actual.median:g}: ask what fell short, and change "
                    "the touchpoint or the aim"))


def _often_late(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    percent, least = s.numbers["percent"], s.numbers["min-due"]
    for journey in ws.journeys.values():
        kept = outcomes.kept_by_touchpoint(ws, journey, agenda)
        for tp in journey.touchpoints:
            k = kept.get(tp.id)
            if k is None or k.due < least:
                continue
            late = k.due - k.on_time
            if late * 100 > percent * k.due:
                yield Finding(tp.where, (
                    f"touchpoint '{tp.id}' was done late or not at all {late} times of "
                    f"{k.due}: give it a date the owner can keep, or help to keep it"))


def _visible_surprise(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    for journey in ws.journeys.values():
        for tp in journey.touchpoints:
            if tp.surprise and tp.client_visible:
                yield Finding(_at(tp, "client_visible"), (
                    f"touchpoint '{tp.id}' is a surprise, so it never appears on the client's "
                    "page: 'client_visible: true' has no effect; drop one of the two"))


def _stale_done(ws: Workspace, agenda: Agenda, s: RuleSettings) -> Iterator[Finding]:
    """A touchpoint removed from the journey, or a misspelt id, in a client's done log."""
    for client in sorted(ws.clients.values(), key=lambda c: c.id):
        journey = ws.journeys[client.journey]
        ids = [t.id for t in journey.touchpoints]
        for tp_id in client.logged():
            if journey.touchpoint(tp_id) is None and tp_id not in journey.written_ids:
                yield Finding(client.where(f"done.{tp_id}", "done"), (
                    f"done: '{tp_id}' is not a touchpoint of journey '{journey.id}'"
                    f"{did_you_mean(tp_id, ids)}: the entry is kept but counts for nothing; "
                    "fix its id, or remove it once you no longer need the record"))
        for member in client.household:  # each person's own log too
            for tp_id in dict.fromkeys([*member.done, *member.skipped]):
                if journey.touchpoint(tp_id) is None and tp_id not in journey.written_ids:
                    yield Finding(member.where, (
                        f"done of {member.name}: '{tp_id}' is not a touchpoint of journey "
                        f"'{journey.id}'{did_you_mean(tp_id, ids)}: the entry is kept but "
                        "counts for nothing; fix its id, or remove it"))
        for entry in client.feedback:
            fb_id = entry.touchpoint
            if fb_id and journey.touchpoint(fb_id) is None and fb_id not in journey.written_ids:
                yield Finding(entry.where, (
                    f"feedback: '{fb_id}' is not a touchpoint of journey '{journey.id}'"
                    f"{did_you_mean(fb_id, ids)}: the answer counts for the {client.name} "
                    "page only, not for any touchpoint's figures"))


CHECKS: dict[str, Check] = {
    "first-100-days-gap": _gap,
    "silent-first-week": _first_week,
    "missing-phase": _missing_phase,
    "nagging-cadence": _cadence,
    "busy-week": _busy_week,
    "no-surprise": _no_surprise,
    "no-handoff": _no_handoff,
    "missing-preference": _missing_preference,
    "missing-date": _missing_date,
    "unused-role": _unused_role,
    "owner-off-team": _owner_off_team,
    "empty-stage": _empty_stage,
    "stage-without-feel": _stage_feel,
    "nothing-visible-early": _visible_early,
    "low-feel": _low_feel,
    "stale-done": _stale_done,
    "felt-below-plan": _felt_below_plan,
    "often-late": _often_late,
    "visible-surprise": _visible_surprise,
}


# Rules about people across every journey: run once, with the site's settings. Every other
# rule looks at one journey and its clients, with that journey's settings.
SITE_WIDE = frozenset({"busy-week"})


def lint(ws: Workspace, as_of: dt.date, settings: LintSettings | None = None,
         agenda: Agenda | None = None) -> list[Problem]:
    """Every finding of every rule that is not off, positioned and sorted. `agenda`: the
    workspace's agenda as of `as_of`, if the caller has it (else it is made here)."""
    settings = settings or LintSettings()
    if agenda is None or agenda.as_of != as_of:
        agenda = make_agenda(ws, as_of)
    found = _run(ws, agenda, settings, SITE_WIDE)
    others = frozenset(CHECKS) - SITE_WIDE
    for journey in sorted(ws.journeys.values(), key=lambda j: j.id):
        own, problems = journey_settings(settings, journey)
        found += problems
        clients = {c.id: c for c in ws.clients.values() if c.journey == journey.id}
        alone = Workspace(ws.source, {journey.id: journey}, ws.people, clients)
        found += _run(alone, Agenda(as_of, {c: agenda.schedules[c] for c in clients}), own,
                      others)
    return sorted(found)


def _run(ws: Workspace, agenda: Agenda, settings: LintSettings,
         rules: frozenset[str]) -> list[Problem]:
    found: list[Problem] = []
    for rule_id, check in CHECKS.items():
        rule = settings.rules[rule_id]
        if rule_id not in rules or rule.level == "off":
            continue
        for f in check(ws, agenda, rule):
            found.append(Problem(f.where.path, f.where.line, f.where.col, f.message,
                                 rule.level, rule_id, f.about))
    return found
