"""Journey health lint: each rule on a small workspace that triggers it and one that does not,
with the exact rule id, severity, position and the gist of the message; then the settings
read from mkdocs.yml's `lint:` option, and the lint of the example workspace.

Each case starts from BASE (written into tmp_path and loaded for real), a journey kind enough
to pass every rule, and changes one thing. Line numbers refer to the base files (a comment
after JOURNEY says where its records start).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeymap.derive.lint import CHECKS, FROM_OUTCOMES, LEVELS, RULES, LintSettings, lint
from journeymap.exceptions import JourneymapError, Problem
from journeymap.model import Workspace
from journeymap.workspace.load import load_workspace

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 24)  # a Tuesday; its ISO week starts on 2026-11-23

J = "journeys/onboarding.yml"
C = "journeys/clients/acme-bakery.yml"
A = "journeys/team/alex-rivera.md"
P = "journeys/team/pat-kim.md"

JOURNEY = """\
title: Onboarding
roles:
  sales: Salesperson who won the client
  lead: Client lead
stages:
  - id: before
    title: Before signing
    from: -30
    to: 0
    phases: [assess]
    feel: Curious, never chased
  - id: welcome
    title: First week
    from: 1
    to: 7
    phases: [admit, affirm, activate]
    feel: Sure they chose right
  - id: settle
    title: Settling in
    from: 8
    to: 100
    phases: [acclimate, accomplish]
    feel: At ease
  - id: later
    title: For life
    from: 101
    to: 365
    phases: [adopt, advocate]
    feel: Part of the family
touchpoints:
  - id: deep-dive
    title: Deep dive call
    day: -10
    owner: sales
    phase: assess
  - id: signing
    title: Agreement signed
    day: 1
    owner: sales
    phase: admit
    client_visible: true
  - id: meet-lead
    title: Meet your lead
    day: 2
    owner: sales
    support: [lead]
    phase: affirm
  - id: gift
    title: Welcome gift
    day: 5
    owner: lead
    phase: activate
    surprise: true
    uses: [favorite_treat]
  - id: check-in
    title: Fortnightly check-in
    day: 14
    repeat: {every: 14, times: 3}
    owner: lead
    phase: acclimate
  - id: review
    title: Progress review
    day: 56
    repeat: {every: 14, times: 3}
    owner: lead
    phase: accomplish
  - id: result
    title: First result
    day: 98
    owner: lead
    phase: accomplish
  - id: testimonial
    title: Testimonial, made easy
    day: 120
    owner: lead
    phase: adopt
  - id: referral
    title: Who else could we help?
    day: 200
    owner: lead
    phase: advocate
"""
# Lines of JOURNEY: 2 roles, 5 stages, 6 stage before, 12 stage welcome, 18 stage settle,
# 24 stage later (29 feel), 30 touchpoints, 31 deep-dive, 36 signing (41 client_visible),
# 42 meet-lead (46 support), 48 gift (51 owner, 53 surprise), 55 check-in (58 repeat),
# 61 review (63 day, 64 repeat), 67 result (69 day, 70 owner), 72 testimonial, 77 referral.
# Days 1..100 hold 1, 2, 5, 14, 28, 42, 56, 70, 84, 98: at most 13 quiet days in a row.

ALEX = """\
---
name: Alex Rivera
---
Alex leads.
"""

PAT = """\
---
name: Pat Kim
---
Pat sells.
"""

CLIENT = """\
name: Acme Bakery
journey: onboarding
day_one: 2026-11-02
team:
  sales: pat-kim
  lead: alex-rivera
preferences:
  favorite_treat: Almond croissant
"""

BASE = {J: JOURNEY, A: ALEX, P: PAT, C: CLIENT}
MIN_STAGES = """\
title: Small
roles:
  sales: Sales
  lead: Lead
stages:
  - id: before
    title: Before
    from: -30
    to: 0
    feel: Curious
  - id: after
    title: After
    from: 1
    to: 400
    feel: Welcome
touchpoints:
"""  # a journey with no phases; its stage 'after' starts on line 11


def sub(files: dict[str, str], rel: str, old: str, new: str) -> dict[str, str]:
    """A copy of `files` with the one occurrence of `old` in `rel` replaced."""
    assert files[rel].count(old) == 1, f"{old!r} is not once in {rel}"
    return {**files, rel: files[rel].replace(old, new)}


def load(root: Path, files: dict[str, str]) -> Workspace:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    loaded = load_workspace(root, "journeys")
    assert loaded.problems == [], loaded.problems  # lint runs on valid workspaces
    return loaded.workspace


def run(root: Path, files: dict[str, str], rule: str,
        settings: dict[str, Any] | None = None) -> list[Problem]:
    """The findings of one rule on a workspace."""
    found = lint(load(root, files), AS_OF, LintSettings.from_mapping(settings or {}))
    return [p for p in found if p.rule == rule]


def one(found: list[Problem], path: str, line: int, col: int, *fragments: str,
        severity: str = "warning") -> None:
    assert len(found) == 1, found
    problem = found[0]
    assert (problem.path, problem.line, problem.col, problem.severity) == \
        (path, line, col, severity), problem
    for fragment in fragments:
        assert fragment in problem.message, (fragment, problem.message)


def touchpoints(*items: str) -> str:
    return MIN_STAGES + "".join(items)


def test_the_base_workspace_passes_every_rule(tmp_path: Path) -> None:
    assert lint(load(tmp_path, BASE), AS_OF) == []


# ---- 1. gaps in the first 100 days ----------------------------------------------------


def test_gap_is_placed_on_the_touchpoint_after_it(tmp_path: Path) -> None:
    files = sub(BASE, J, "repeat: {every: 14, times: 3}\n    owner: lead\n    phase: accomplish",
                "repeat: {every: 14, times: 2}\n    owner: lead\n    phase: accomplish")
    one(run(tmp_path, files, "first-100-days-gap"), J, 69, 10,
        "no touchpoint for 27 days in a row (days 71..97, after 'review' on day 70 and "
        "before 'result' on day 98), more than 14")


def test_gap_before_a_later_occurrence_points_at_the_repeat(tmp_path: Path) -> None:
    # check-in on 14, 30, 46: days 15..29 and 31..45 are quiet.
    files = sub(BASE, J, "day: 14\n    repeat: {every: 14,", "day: 14\n    repeat: {every: 16,")
    found = run(tmp_path, files, "first-100-days-gap")
    assert [(p.line, p.col) for p in found] == [(58, 13), (58, 13)]
    assert "(days 15..29, after 'check-in' on day 14 and before 'check-in' on day 30)" \
        in found[0].message
    assert "(days 31..45, after 'check-in' on day 30 and before 'check-in' on day 46)" \
        in found[1].message


@pytest.mark.parametrize(("day", "quiet"), [(85, 15), (86, 14)])
def test_gap_counts_day_100_as_the_edge(tmp_path: Path, day: int, quiet: int) -> None:
    files = sub(BASE, J, "day: 98", f"day: {day}")
    found = run(tmp_path, files, "first-100-days-gap")
    if quiet > 14:
        one(found, J, 69, 10, f"for {quiet} days in a row (days {day + 1}..100, after "
            f"'result' on day {day})")
    else:
        assert found == []


def test_gap_counts_day_1_as_the_edge(tmp_path: Path) -> None:
    files = {**BASE, J: touchpoints("  - {id: a, title: A, day: 16, owner: lead}\n"
                                    "  - {id: b, title: B, day: 30, owner: lead}\n"
                                    "  - {id: c, title: C, day: 44, owner: lead}\n"
                                    "  - {id: d, title: D, day: 58, owner: lead}\n"
                                    "  - {id: e, title: E, day: 72, owner: lead}\n"
                                    "  - {id: f, title: F, day: 86, owner: lead}\n"
                                    "  - {id: g, title: G, day: 100, owner: lead}\n")}
    one(run(tmp_path, files, "first-100-days-gap"), J, 17, 28,
        "no touchpoint for 15 days in a row (days 1..15, before 'a' on day 16)")


def test_gap_threshold(tmp_path: Path) -> None:
    files = sub(BASE, J, "repeat: {every: 14, times: 3}\n    owner: lead\n    phase: accomplish",
                "repeat: {every: 14, times: 2}\n    owner: lead\n    phase: accomplish")
    assert run(tmp_path, files, "first-100-days-gap",
               {"first-100-days-gap": {"days": 27}}) == []
    one(run(tmp_path, files, "first-100-days-gap", {"first-100-days-gap": {"days": 26}}),
        J, 69, 10, "27 days", "more than 26")


# ---- 2. the first week ---------------------------------------------------------------------


def test_silent_first_week(tmp_path: Path) -> None:
    files = {**BASE, J: touchpoints("  - {id: a, title: A, day: -5, owner: sales}\n"
                                    "  - {id: b, title: B, day: 8, owner: lead}\n")}
    one(run(tmp_path, files, "silent-first-week"), J, 11, 5,
        "no touchpoint in days 1..7: buyer's remorse sets in during the first week")
    assert run(tmp_path, files, "silent-first-week", {"silent-first-week": {"days": 8}}) == []
    files = sub(files, J, "day: 8", "day: 7")
    assert run(tmp_path, files, "silent-first-week") == []


# ---- 3. Coleman's phases ----------------------------------------------------------------


def test_phase_listed_by_a_stage_but_served_by_no_touchpoint(tmp_path: Path) -> None:
    files = sub(BASE, J, "phase: activate", "phase: affirm")
    one(run(tmp_path, files, "missing-phase"), J, 12, 5,
        "Coleman's 'activate' phase (when you first deliver what you promised) is not "
        "served: stage 'welcome' lists it but no touchpoint has 'phase: activate'")


def test_phase_in_no_stage_is_placed_where_it_would_go(tmp_path: Path) -> None:
    files = sub(BASE, J, "phases: [adopt, advocate]", "phases: [advocate]")
    files = sub(files, J, "phase: adopt", "phase: advocate")
    one(run(tmp_path, files, "missing-phase"), J, 24, 5,
        "Coleman's 'adopt' phase", "no stage lists it and no touchpoint has 'phase: adopt'")


def test_a_journey_without_phases_gets_one_finding(tmp_path: Path) -> None:
    files = {**BASE, J: touchpoints("  - {id: a, title: A, day: 2, owner: sales, "
                                    "support: [lead]}\n")}
    one(run(tmp_path, files, "missing-phase"), J, 6, 5,
        "journey 'onboarding' names none of Coleman's phases")


# ---- 4. cadences ------------------------------------------------------------------------


def test_nagging_cadence(tmp_path: Path) -> None:
    files = sub(BASE, J, "day: 14\n    repeat: {every: 14, times: 3}",
                "day: 14\n    repeat: {every: 1, times: 5}")
    found = run(tmp_path, files, "nagging-cadence")
    assert [(p.line, p.col) for p in found] == [(58, 13), (58, 13)]
    assert "'check-in' repeats 5 times, more than 3: stop the cadence before it annoys" \
        in found[0].message
    assert "'check-in' repeats every 1 day, more often than every 2 days" in found[1].message
    only_dense = run(tmp_path, files, "nagging-cadence", {"nagging-cadence": {"max-times": 5}})
    assert [p.message[:30] for p in only_dense] == ["touchpoint 'check-in' repeats "]
    assert "every 1 day" in only_dense[0].message
    assert run(tmp_path, files, "nagging-cadence",
               {"nagging-cadence": {"max-times": 5, "min-every": 1}}) == []


# ---- 5. a person's week -------------------------------------------------------------------


def three_new_clients() -> dict[str, str]:
    """Three clients signing on Thursday 2026-11-26: Pat has the signing and meet-lead of each
    in the week of as_of (W48); Alex has their gifts (day 5) on Monday 11-30 (W49)."""
    files = sub(BASE, C, "day_one: 2026-11-02", "day_one: 2026-11-26")
    for name in ("bolt-bikes", "corner-cafe"):
        files[f"journeys/clients/{name}.yml"] = files[C].replace("Acme Bakery", name)
    return files


def test_busy_week_counts_across_clients(tmp_path: Path) -> None:
    files = three_new_clients()
    one(run(tmp_path, files, "busy-week", {"busy-week": {"per-week": 5}}), P, 2, 1,
        "Pat Kim owns 6 touchpoints in the week of 2026-11-23 (2026-W48) for 3 clients, "
        "more than 5: nobody gives that many moments real care")
    assert run(tmp_path, files, "busy-week", {"busy-week": {"per-week": 6}}) == []
    assert run(tmp_path, files, "busy-week") == []  # far from the default of 10


def test_busy_week_looks_weeks_ahead(tmp_path: Path) -> None:
    files = three_new_clients()
    found = run(tmp_path, files, "busy-week", {"busy-week": {"per-week": 2}})
    assert [(p.path, p.line, p.col) for p in found] == [(A, 2, 1), (P, 2, 1)]
    assert "Alex Rivera owns 3 touchpoints in the week of 2026-11-30 (2026-W49)" \
        in found[0].message
    # With one week, only the week of as_of counts: Alex's gifts fall in the next one.
    found = run(tmp_path, files, "busy-week", {"busy-week": {"per-week": 2, "weeks": 1}})
    assert [p.path for p in found] == [P]


def test_busy_week_leaves_out_what_is_done(tmp_path: Path) -> None:
    files = three_new_clients()
    files[C] += "done:\n  signing: 2026-11-24\n"
    assert run(tmp_path, files, "busy-week", {"busy-week": {"per-week": 5}}) == []


# ---- 6. surprise -----------------------------------------------------------------------


def test_no_surprise(tmp_path: Path) -> None:
    files = sub(BASE, J, "    surprise: true\n", "")
    one(run(tmp_path, files, "no-surprise"), J, 30, 1,
        "journey 'onboarding' has no surprise", "'surprise: true'")


# ---- 7. handoff -------------------------------------------------------------------------


def test_no_handoff_when_sales_works_alone(tmp_path: Path) -> None:
    files = sub(BASE, J, "    support: [lead]\n", "")
    one(run(tmp_path, files, "no-handoff"), J, 12, 5,
        "no sales-to-delivery handoff in days 0..7: no touchpoint there has 'sales' owning "
        "or supporting it together with 'lead', and none is called a handoff")


def test_being_informed_is_not_a_handoff(tmp_path: Path) -> None:
    files = sub(BASE, J, "support: [lead]", "informed: [lead]")
    assert len(run(tmp_path, files, "no-handoff")) == 1


@pytest.mark.parametrize("title", ["Handoff to the lead", "Hand-over call", "The hand off"])
def test_a_touchpoint_named_a_handoff_is_one(tmp_path: Path, title: str) -> None:
    files = sub(BASE, J, "    support: [lead]\n", "")
    files = sub(files, J, "title: Meet your lead", f"title: {title}")
    assert run(tmp_path, files, "no-handoff") == []


def test_handoff_window_and_role(tmp_path: Path) -> None:
    # meet-lead is on day 2.
    one(run(tmp_path, BASE, "no-handoff", {"no-handoff": {"days": 1}}), J, 12, 5,
        "in days 0..1")
    one(run(tmp_path, BASE, "no-handoff", {"no-handoff": {"role": "sale"}}), J, 2, 1,
        "journey 'onboarding' has no role 'sale' to hand a new client over from "
        "(did you mean 'sales'?)")
    files = sub(BASE, J, "support: [lead]", "support: [sales]")  # sales with sales
    files = sub(files, J, "day: 2\n    owner: sales", "day: 2\n    owner: lead")
    assert run(tmp_path, files, "no-handoff") == []  # lead owns, sales supports
    assert len(run(tmp_path, files, "no-handoff", {"no-handoff": {"role": "lead"}})) == 0


# ---- 8. preferences ------------------------------------------------------------------------


def test_missing_preference(tmp_path: Path) -> None:
    files = sub(BASE, C, "preferences:\n  favorite_treat: Almond croissant\n", "")
    one(run(tmp_path, files, "missing-preference"), C, 1, 1,
        "Acme Bakery has no preference 'favorite_treat', which touchpoint 'gift' (Welcome "
        "gift, due 2026-11-06) uses")
    files[C] += "done:\n  gift: 2026-11-06\n"  # nothing ahead needs it any more
    assert run(tmp_path, files, "missing-preference") == []


# ---- 9. roles and people ---------------------------------------------------------------


def test_unused_role(tmp_path: Path) -> None:
    files = sub(BASE, J, "  lead: Client lead\n", "  lead: Client lead\n  founder: Founder\n")
    files = sub(files, C, "  lead: alex-rivera\n", "  lead: alex-rivera\n  founder: pat-kim\n")
    one(run(tmp_path, files, "unused-role"), J, 5, 3,
        "role 'founder' (Founder) of journey 'onboarding' has no touchpoint")
    files = sub(files, J, "    phase: admit\n", "    phase: admit\n    informed: [founder]\n")
    assert run(tmp_path, files, "unused-role") == []


def test_owner_off_team(tmp_path: Path) -> None:
    files = {**BASE, "journeys/team/kim-lee.md": "---\nname: Kim Lee\n---\n"}
    files = sub(files, J, "day: 98\n    owner: lead", "day: 98\n    owner: kim-lee")
    one(run(tmp_path, files, "owner-off-team"), J, 70, 12,
        "touchpoint 'result' is owned by Kim Lee ('kim-lee'), who is on no client's team "
        "for journey 'onboarding'")
    # A person on a client's team is known to the client.
    files = sub(files, J, "owner: kim-lee", "owner: alex-rivera")
    assert run(tmp_path, files, "owner-off-team") == []


def test_owner_off_team_needs_clients(tmp_path: Path) -> None:
    files = {k: v for k, v in BASE.items() if k != C}
    files["journeys/team/kim-lee.md"] = "---\nname: Kim Lee\n---\n"
    files = sub(files, J, "support: [lead]", "support: [kim-lee]")
    assert run(tmp_path, files, "owner-off-team") == []
    files[C] = CLIENT
    one(run(tmp_path, files, "owner-off-team"), J, 46, 14, "is supported by Kim Lee")


# ---- more: stages, visibility, feelings ------------------------------------------------


def test_empty_stage(tmp_path: Path) -> None:
    files = sub(BASE, J, "touchpoints:\n", "  - id: beyond\n    title: Year two\n    from: 366\n"
                "    to: 730\n    feel: Loyal\ntouchpoints:\n")
    one(run(tmp_path, files, "empty-stage"), J, 30, 5,
        "stage 'beyond' (days 366..730) has no touchpoint")


def test_stage_without_feel(tmp_path: Path) -> None:
    files = sub(BASE, J, "    feel: Part of the family\n", "")
    one(run(tmp_path, files, "stage-without-feel"), J, 24, 5, "stage 'later' has no 'feel'")


def test_nothing_visible_early(tmp_path: Path) -> None:
    files = sub(BASE, J, "    client_visible: true\n", "")
    files = sub(files, J, "day: 56\n", "day: 56\n    client_visible: true\n")
    one(run(tmp_path, files, "nothing-visible-early"), J, 12, 5,
        "no client-visible touchpoint in days 1..30")
    assert run(tmp_path, files, "nothing-visible-early",
               {"nothing-visible-early": {"days": 56}}) == []


def test_a_surprise_does_not_count_as_visible(tmp_path: Path) -> None:
    files = sub(BASE, J, "    client_visible: true\n", "")  # line 41 goes, so 54 is 53
    files = sub(files, J, "    surprise: true\n", "    surprise: true\n    client_visible: true\n")
    assert len(run(tmp_path, files, "nothing-visible-early")) == 1
    one(run(tmp_path, files, "visible-surprise"), J, 53, 21,
        "touchpoint 'gift' is a surprise", "'client_visible: true' has no effect")


def test_low_feel(tmp_path: Path) -> None:
    files = sub(BASE, J, "    phase: acclimate\n", "    phase: acclimate\n    feel: 2\n")
    one(run(tmp_path, files, "low-feel"), J, 61, 11, "'check-in' aims for a feel of 2, below 3")
    assert run(tmp_path, files, "low-feel", {"low-feel": {"min-feel": 2}}) == []


# ---- settings -----------------------------------------------------------------------------


NO_SURPRISE = sub(BASE, J, "    surprise: true\n", "")


@pytest.mark.parametrize("setting", ["off", False, {"level": "off"}, {"level": False}])
def test_a_rule_turned_off(tmp_path: Path, setting: Any) -> None:
    assert run(tmp_path, NO_SURPRISE, "no-surprise", {"no-surprise": setting}) == []


@pytest.mark.parametrize(("setting", "severity"), [
    ("error", "error"), ({"level": "error"}, "error"), (True, "warning"), ("on", "warning"),
    ({}, "warning"),
])
def test_rule_levels(tmp_path: Path, setting: Any, severity: str) -> None:
    found = run(tmp_path, NO_SURPRISE, "no-surprise", {"no-surprise": setting})
    one(found, J, 30, 1, "has no surprise", severity=severity)


def test_problem_text_names_the_rule(tmp_path: Path) -> None:
    [error] = run(tmp_path, NO_SURPRISE, "no-surprise", {"no-surprise": "error"})
    assert re.fullmatch(r"journeys/onboarding\.yml:30:1: journey 'onboarding' has no "
                        r"surprise: .* \[no-surprise\]", str(error))
    warning = Problem("a.yml", 2, 3, "too quiet", "warning", "first-100-days-gap")
    assert str(warning) == "a.yml:2:3: warning: too quiet [first-100-days-gap]"
    assert str(Problem("a.yml", 2, 3, "bad")) == "a.yml:2:3: bad"
    # The rule takes no part in ordering: mixed problems still sort.
    assert sorted([warning, Problem("a.yml", 2, 3, "too quiet", "warning")])[0].line == 2


def test_the_mkdocs_yml_example_is_understood() -> None:
    # MkDocs reads mkdocs.yml as YAML 1.1, where `off` is false.
    config = yaml.safe_load("lint:\n  first-100-days-gap: {level: warning, days: 21}\n"
                            "  no-surprise: off\n")
    settings = LintSettings.from_mapping(config["lint"])
    assert settings.level("no-surprise") == "off"
    assert settings.number("first-100-days-gap", "days") == 21
    assert settings.level("busy-week") == RULES["busy-week"].default_level
    assert settings.text("no-handoff", "role") == "sales"
    assert LintSettings.from_mapping(None) == LintSettings()


@pytest.mark.parametrize(("data", "message"), [
    ({"no-suprise": "off"}, "unknown rule 'no-suprise' (did you mean 'no-surprise'?)"),
    ({"gremlins": "off"}, "unknown rule 'gremlins'; the rules are first-100-days-gap, "),
    ({"first-100-days-gap": {"day": 21}},
     "first-100-days-gap: unknown setting 'day' (did you mean 'days'?); this rule takes "
     "'level', 'days'"),
    ({"no-surprise": {"days": 3}}, "no-surprise: unknown setting 'days'; this rule takes "
                                   "'level'"),
    ({"no-surprise": "warn"},
     "no-surprise: level must be error, warning or off, got 'warn' (did you mean 'warning'?)"),
    ({"no-surprise": 2}, "no-surprise: level must be error, warning or off, got 2"),
    ({"no-surprise": None}, "no-surprise: give a level (error, warning or off) or a mapping"),
    ({"first-100-days-gap": {"days": "21"}},
     "first-100-days-gap: 'days' must be a whole number from 1 to 10000, got '21'"),
    ({"first-100-days-gap": {"days": 0}}, "'days' must be a whole number from 1 to 10000, got 0"),
    ({"first-100-days-gap": {"days": 1.5}}, "got 1.5"),
    ({"first-100-days-gap": {"days": True}}, "got True"),
    ({"busy-week": {"weeks": 10_001}}, "'weeks' must be a whole number from 1 to 10000"),
    ({"no-handoff": {"role": "Sales Team"}},
     "no-handoff: 'role' must be an id such as 'sales', got 'Sales Team'"),
    (["no-surprise"], "plugin option 'lint' must map rule ids to a level or settings"),
])
def test_bad_settings_are_explained(data: Any, message: str) -> None:
    with pytest.raises(JourneymapError) as error:
        LintSettings.from_mapping(data)
    assert str(error.value).startswith("plugin option 'lint'")  # the printer adds a prefix
    assert message in str(error.value)


def test_every_bad_setting_is_listed_at_once() -> None:
    with pytest.raises(JourneymapError) as error:
        LintSettings.from_mapping({"no-suprise": "off", "busy-week": {"per-week": -1}})
    lines = str(error.value).splitlines()
    assert len(lines) == 2
    assert "unknown rule 'no-suprise'" in lines[0]
    assert "busy-week: 'per-week' must be a whole number" in lines[1]


# ---- the registry ----------------------------------------------------------------------


def test_every_rule_has_a_check_and_documents_its_thresholds() -> None:
    assert list(RULES) == list(CHECKS)
    for rule in RULES.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id)
        assert rule.default_level in LEVELS
        assert rule.summary.endswith(".") and "\n" not in rule.summary
        for name in [*rule.defaults, *rule.texts]:
            assert f"`{name}`" in rule.summary, (rule.id, name)


# ---- the example workspace -----------------------------------------------------------


def test_the_example_workspace() -> None:
    loaded = load_workspace(REPO, "journeys")
    assert loaded.problems == []
    found = lint(loaded.workspace, dt.date(2026, 11, 24))
    # The example's files are meant to be healthy: it is what a new team copies. What its
    # clients said and what its team did tell a story, and the rules that learn from the
    # data find it: three touchpoints felt below plan, one mostly done late.
    assert [p for p in found if p.rule not in FROM_OUTCOMES] == []
    assert sorted((p.rule, p.line) for p in found) == [
        ("felt-below-plan", 287), ("felt-below-plan", 317), ("felt-below-plan", 332),
        ("often-late", 400)]


# ---- a journey's own settings ----------------------------------------------------------------

RESTAURANT = """\
title: Guests
roles:
  host: Front of house
  chef: Kitchen
lint:
  no-handoff: {role: host}
  low-feel: off
stages:
  - id: first
    title: First visit
    from: 1
    to: 30
    phases: [admit]
touchpoints:
  - id: welcome
    title: Welcome at the door
    day: 1
    owner: host
    support: [chef]
    feel: 2
"""


def test_a_journey_s_own_lint_settings_go_over_the_site_s(tmp_path: Path) -> None:
    """A restaurant's journey has no `sales` role: it names its own, while the site's other
    journey keeps the site's settings."""
    files = {**BASE, "journeys/guests.yml": RESTAURANT}
    found = lint(load(tmp_path, files), AS_OF, LintSettings.from_mapping({"low-feel": "error"}))
    guests = [p for p in found if p.path == "journeys/guests.yml"]
    assert not [p for p in guests if p.rule in ("no-handoff", "low-feel")], guests
    # The site's setting still holds for the other journey.
    assert LintSettings.from_mapping({"low-feel": "error"}).level("low-feel") == "error"
    without = {**files, "journeys/guests.yml": RESTAURANT.replace("  no-handoff: {role: host}\n",
                                                                 "")}
    found = lint(load(tmp_path / "two", without), AS_OF)
    one([p for p in found if p.path == "journeys/guests.yml" and p.rule == "no-handoff"],
        "journeys/guests.yml", 2, 1, "has no role 'sales'", "this journey's `lint: {no-handoff")


def test_a_journey_s_settings_keep_the_site_s_thresholds(tmp_path: Path) -> None:
    files = {**BASE, "journeys/guests.yml": RESTAURANT.replace(
        "  low-feel: off\n", "  low-feel: error\n")}
    found = lint(load(tmp_path, files), AS_OF, LintSettings.from_mapping(
        {"low-feel": {"level": "warning", "min-feel": 2}}))
    assert not [p for p in found if p.rule == "low-feel"]  # feel 2 is not below 2
    found = lint(load(tmp_path / "two", files), AS_OF)
    one([p for p in found if p.rule == "low-feel"], "journeys/guests.yml", 20, 11,
        severity="error")


@pytest.mark.parametrize(("written", "line", "col", "message"), [
    ("  no-handof: off\n", 7, 3, "lint: no-handof: unknown rule 'no-handof' (did you mean "
                                 "'no-handoff'?)"),
    ("  low-feel: loud\n", 7, 3, "lint: low-feel: level must be error, warning or off, "
                                 "got 'loud'"),
    ("  low-feel: {min-feel: 9999999}\n", 7, 3, "lint: low-feel: 'min-feel' must be a whole "
                                                "number from 1 to 10000"),
    # A person's week holds every journey: one journey cannot set what it allows.
    ("  busy-week: {per-week: 1}\n", 7, 3, "lint: busy-week: this rule weighs every journey "
                                          "together (a person's week holds them all): set it "
                                          "in the site's lint option, in mkdocs.yml"),
])
def test_a_journey_s_settings_that_cannot_be_used_are_positioned_errors(
        tmp_path: Path, written: str, line: int, col: int, message: str) -> None:
    files = {**BASE, "journeys/guests.yml": RESTAURANT.replace("  low-feel: off\n", written)}
    found = [p for p in lint(load(tmp_path, files), AS_OF) if p.rule is None]
    assert [(p.path, p.line, p.col, p.severity) for p in found] == \
        [("journeys/guests.yml", line, col, "error")]
    assert found[0].message.startswith(message), found[0].message
