"""Derived figures: the retention estimate against lifelines' KaplanMeierFitter on censored
data, the feel spread, and the plan-kept figures on a hand-worked example."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from test_load import C, sub, workspace

from journeymap.derive.outcomes import feel_figures, kaplan_meier, plan_kept, retention, spread
from journeymap.derive.schedule import agenda
from journeymap.workspace.load import load_workspace

d = dt.date


def reference(durations: list[tuple[int, bool]], days: list[int]) -> list[float]:
    lifelines = pytest.importorskip("lifelines")
    fitter = lifelines.KaplanMeierFitter()
    fitter.fit([t for t, _ in durations], event_observed=[e for _, e in durations])
    return [float(v) for v in fitter.survival_function_at_times(days)]


@pytest.mark.parametrize("seed", range(20))
def test_kaplan_meier_agrees_with_lifelines_on_censored_data(seed: int) -> None:
    rng = random.Random(seed)
    # Clients signed at different times: many still with us (censored) at short follow-ups.
    durations = [(rng.randint(0, 400), rng.random() < 0.35) for _ in range(rng.randint(3, 60))]
    durations += [(30, True), (30, False), (100, True)]  # ties at the figures' own days
    longest = max(t for t, _ in durations)
    days = [day for day in (0, 1, 29, 30, 31, 60, 99, 100, 101, 200, 365) if day <= longest]
    estimate = kaplan_meier(durations, days)
    assert [p.share for p in estimate.points] == pytest.approx(reference(durations, days))
    assert [p.at_risk for p in estimate.points] == [
        sum(1 for t, _ in durations if t >= day) for day in days]


def test_kaplan_meier_by_hand_and_past_the_data() -> None:
    # Five clients: left on days 10 and 40; still with us at 20, 50 and 120 days.
    est = kaplan_meier([(10, True), (20, False), (40, True), (50, False), (120, False)],
                       [30, 60, 100, 365])
    # After day 10: 4/5; after day 40 (3 followed): 4/5 * 2/3.
    assert [p.share for p in est.points[:3]] == pytest.approx([0.8, 0.8 * 2 / 3, 0.8 * 2 / 3])
    assert [p.at_risk for p in est.points] == [3, 1, 1, 0]
    assert est.points[3].share is None  # nobody followed for a year: unknown, not 100 %
    # Censored clients are not lost: a naive "share of all who are still here" would say 3/5
    # at day 60; one who has only been with us 20 days says nothing about day 60.
    assert est.at(60).share != pytest.approx(3 / 5)  # type: ignore[union-attr]


def test_spread_is_median_and_quartiles() -> None:
    s = spread([2, 3, 3, 4, 5])
    assert s is not None and (s.n, s.median, s.low, s.high) == (5, 3.0, 3.0, 4.0)
    one = spread([4])
    assert one is not None and (one.n, one.median, one.low, one.high) == (1, 4.0, 4.0, 4.0)
    assert spread([]) is None


def test_plan_kept_on_a_hand_worked_example(tmp_path: Path) -> None:
    """acme-bakery signs 2026-03-02. As of 2026-05-20:
    deep-dive (2026-02-19) done 02-20: 1 day late.
    welcome-gift (03-06) done 03-06: on time.
    check-in (04-10, 04-17, 04-24): done 04-10 (on time), skipped, done 05-01 (7 days late).
    birthday-card (2027-03-14): still to come, not counted.
    A second client, zenith (signed 2026-04-01), left on 2026-04-20 having had nothing:
    its deep-dive (03-21) missed at signing, its welcome-gift (04-05) not had when it left;
    the check-ins fall after."""
    root = workspace(tmp_path)
    sub(C, "  deep-dive: 2026-02-20\n",
        "  deep-dive: 2026-02-20\n  welcome-gift: 2026-03-06\n"
        "  check-in: [2026-04-10, {skipped: 2026-04-17, reason: Away}, 2026-05-01]\n"
        "feedback:\n  - {date: 2026-03-07, touchpoint: welcome-gift, feel: 3}\n")(root)
    (root / "journeys/clients/zenith.yml").write_text(
        "name: Zenith\njourney: onboarding\nday_one: 2026-04-01\n"
        "team: {sales: pat-kim, lead: sam-okafor}\n"
        "feedback:\n  - {date: 2026-04-06, touchpoint: welcome-gift, feel: 1}\n"
        "left: {date: 2026-04-20, reason: Went elsewhere}\n")
    loaded = load_workspace(root)
    assert loaded.problems == []
    ws = loaded.workspace
    journey = ws.journeys["onboarding"]
    figures = plan_kept(ws, journey, agenda(ws, d(2026, 5, 20)))
    tp = {k: (v.due, v.on_time, v.done, v.median_late) for k, v in figures.by_touchpoint.items()}
    assert tp == {"deep-dive": (2, 0, 1, 1), "welcome-gift": (2, 1, 1, 0),
                  "check-in": (2, 1, 2, 3.5), "birthday-card": (0, 0, 0, None)}
    assert figures.by_touchpoint["check-in"].share == 0.5
    owners = {k: (v.due, v.on_time) for k, v in figures.by_owner.items()}
    assert owners == {"pat-kim": (2, 0), "alex-rivera": (3, 2), "sam-okafor": (1, 0)}
    stages = {k: (v.due, v.on_time) for k, v in figures.by_stage.items()}
    assert stages == {"before": (2, 0), "first": (2, 1), "later": (2, 1)}
    assert {k: [(o.touchpoint.id, o.date) for o in v]
            for k, v in figures.overdue_when_left.items()} == {
        "zenith": [("welcome-gift", d(2026, 4, 5))]}  # the deep dive was missed at signing
    feel = {f.touchpoint: (f.intended, f.actual.median if f.actual else None, f.gap)
            for f in feel_figures(ws, journey)}
    assert feel["welcome-gift"] == (5, 2.0, -3.0)
    assert feel["deep-dive"] == (None, None, None)
    kept_then = retention(ws.clients.values(), d(2026, 5, 20))
    assert (kept_then.clients, kept_then.left) == (2, 1)
    assert kept_then.at(30).share == pytest.approx(0.5)  # type: ignore[union-attr]


# ---- lint learns from the data ------------------------------------------------------------------


def _lint(root: Path, as_of: dt.date, settings: dict | None = None,
          rule: str = "often-late") -> list[tuple]:
    from journeymap.derive.lint import LintSettings, lint
    ws = load_workspace(root).workspace
    found = lint(ws, as_of, LintSettings.from_mapping(settings or {}))
    return [(p.path, p.line, p.col, p.rule, p.message) for p in found
            if p.rule == rule]


def _answers(root: Path, feels: list[int]) -> None:
    """One client per answer, each telling us how the welcome gift (planned 5) felt."""
    for n, feel in enumerate(feels):
        (root / f"journeys/clients/c{n}.yml").write_text(
            "name: C\njourney: onboarding\nday_one: 2026-03-02\n"
            "team: {sales: pat-kim, lead: alex-rivera}\ndates: {birthday: 03-14}\n"
            "done: {deep-dive: 2026-02-20, welcome-gift: 2026-03-06}\n"
            f"feedback:\n  - {{date: 2026-03-07, touchpoint: welcome-gift, feel: {feel}}}\n")


def test_felt_below_plan_on_enough_answers(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    rule = "felt-below-plan"
    _answers(root, [4, 4])  # a point below plan, but on two answers only
    assert _lint(root, d(2026, 3, 10), rule=rule) == []
    _answers(root, [4, 4, 5])
    assert _lint(root, d(2026, 3, 10), rule=rule) == [
        ("journeys/onboarding.yml", 38, 11, "felt-below-plan",
         "touchpoint 'welcome-gift' aims for a feel of 5, but the median of 3 answers is 4: "
         "ask what fell short, and change the touchpoint or the aim")]
    assert _lint(root, d(2026, 3, 10), {rule: {"min-answers": 4}}, rule) == []
    assert _lint(root, d(2026, 3, 10), {rule: {"points": 2}}, rule) == []


def test_often_late_when_most_are_late(tmp_path: Path) -> None:
    root = workspace(tmp_path)  # check-in on 04-10, 04-17, 04-24, the welcome gift on 03-06
    sub(C, "  deep-dive: 2026-02-20\n",
        "  deep-dive: 2026-02-20\n  check-in: [2026-04-10, 2026-04-20, 2026-04-30]\n")(root)
    # As of 05-01: 3 of 3 check-ins come due, 2 of them late: under the four needed.
    assert _lint(root, d(2026, 5, 1)) == []
    assert _lint(root, d(2026, 5, 1), {"often-late": {"min-due": 3}}) == [
        ("journeys/onboarding.yml", 39, 5, "often-late",
         "touchpoint 'check-in' was done late or not at all 2 times of 3: give it a date the "
         "owner can keep, or help to keep it")]
    # 2 of 3 is not over 70 %.
    assert _lint(root, d(2026, 5, 1), {"often-late": {"min-due": 3, "percent": 70}}) == []
