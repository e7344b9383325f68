"""What happened, in the files: feedback, skipped occurrences, clients who paused or left, a
touchpoint's `since:`, working days and the grace window, each accepted and refused with its
exact position, and the statuses the schedule gives them (missed, skipped, paused)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_load import C, J, found, schedule, sub, workspace

from journeymap.model import Ending, Feedback, Logged
from journeymap.workspace.load import load_workspace

d = dt.date
DONE = "  deep-dive: 2026-02-20\n"  # the last line of the base client (line 11)


def after_done(text: str) -> tuple[str, str, str]:
    return (C, DONE, DONE + text)


REFUSED = [
    ("feedback-feel-out-of-range", after_done("feedback:\n  - {date: 2026-03-10, feel: 6}\n"),
     (C, 13, 30, "'feel' in feedback must be a whole number from 1 to 5, got 6")),
    ("feedback-without-date", after_done("feedback:\n  - feel: 3\n    said: fine\n"),
     (C, 13, 5, "missing key 'date' in feedback")),
    ("feedback-unknown-key",
     after_done("feedback:\n  - date: 2026-03-10\n    feel: 3\n    heard: pat-kim\n"),
     (C, 15, 5, "unknown key 'heard' in feedback (did you mean 'heard_by'?)")),
    ("feedback-heard-by-nobody",
     after_done("feedback:\n  - date: 2026-03-10\n    feel: 3\n    heard_by: pat-kin\n"),
     (C, 15, 15, "feedback: unknown person 'pat-kin' in heard_by (did you mean 'pat-kim'?)")),
    ("feedback-no-such-day", after_done("feedback:\n  - date: 2026-02-30\n    feel: 3\n"),
     (C, 13, 11, "'date' in feedback must be a date YYYY-MM-DD, got '2026-02-30': no such day")),
    ("feedback-not-a-list", after_done("feedback: great\n"),
     (C, 12, 11, "'feedback' must be a list of {date: YYYY-MM-DD, feel: 1 to 5, ...}, got "
                 "'great'")),
    ("feedback-said-control-character",
     after_done('feedback:\n  - {date: 2026-03-10, feel: 3, said: "a\\eb"}\n'),
     (C, 13, 39, "'said' in feedback holds the character U+001B, which text may not hold (a "
                 "control character or half of a UTF-16 pair): remove it")),
    ("skipped-without-reason", (C, DONE, "  deep-dive: {skipped: 2026-02-20}\n"),
     (C, 11, 14, "missing key 'reason' in skipped entry")),
    ("skipped-no-such-day", (C, DONE, "  deep-dive: {skipped: 2026-13-20, reason: x}\n"),
     (C, 11, 24, "'skipped' in skipped entry must be a date YYYY-MM-DD, got '2026-13-20': no "
                 "such day")),
    ("skipped-misspelt-in-a-list",
     after_done("  check-in: [2026-04-10, {skipped: 2026-04-17, reason: Away}, "
                "{skiped: 2026-04-24, reason: x}]\n"),
     (C, 12, 64, "unknown key 'skiped' in skipped entry (did you mean 'skipped'?)")),
    ("skipped-counts-as-an-occurrence",
     (C, DONE, "  deep-dive: [2026-02-20, {skipped: 2026-02-21, reason: twice}]\n"),
     (C, 11, 3, "done: touchpoint 'deep-dive' happens once, but 2 dates are given")),
    ("done-far-ahead-keeps-its-message", (C, DONE, "  deep-dive: 9999-12-31\n"),
     (C, 11, 14, "'done: deep-dive' must be a date from 1900 to 2199, got '9999-12-31'")),
    ("left-before-signing", after_done("left: {date: 2026-01-01, reason: never mind}\n"),
     (C, 12, 14, "'left' date 2026-01-01 is before day_one 2026-03-02")),
    ("left-without-date", after_done("left:\n  reason: moved\n"),
     (C, 13, 3, "missing key 'date' in left")),
    ("left-as-a-bare-date", after_done("left: 2026-05-01\n"),
     (C, 12, 7, "'left' must be {date: YYYY-MM-DD, reason: why}, got '2026-05-01'")),
    ("paused-until-before-its-date",
     after_done("paused: {date: 2026-05-01, until: 2026-04-01}\n"),
     (C, 12, 35, "'until' in paused must be after its date")),
    ("paused-unknown-key", after_done("paused: {date: 2026-05-01, untill: 2026-06-01}\n"),
     (C, 12, 28, "unknown key 'untill' in paused (did you mean 'until'?)")),
    ("since-no-such-day", (J, "    feel: 5\n", "    feel: 5\n    since: 2026-02-31\n"),
     (J, 39, 12, "'since' in touchpoint 'welcome-gift' must be a date YYYY-MM-DD, got "
                 "'2026-02-31': no such day")),
    ("working-day-misspelt", (J, "roles:\n", "working_days: [mon, tuesday]\nroles:\n"),
     (J, 3, 21, "'working_days' must be one of mon, tue, wed, thu, fri, sat, sun, got "
                "'tuesday' (did you mean 'tue'?)")),
    ("working-days-none", (J, "roles:\n", "working_days: []\nroles:\n"),
     (J, 3, 15, "'working_days' lists no day: name at least one, or leave it out for every "
                "day")),
    ("closed-not-a-date", (J, "roles:\n", "closed: [2026-12-25, christmas]\nroles:\n"),
     (J, 3, 22, "'closed' must be a date YYYY-MM-DD, got 'christmas'")),
    ("grace-zero", (J, "roles:\n", "grace: 0\nroles:\n"),
     (J, 3, 8, "'grace' must be a whole number from 1 to 3650, got 0")),
]


@pytest.mark.parametrize(("change", "expected"), [pytest.param(c, e, id=n) for n, c, e in REFUSED])
def test_refused_with_its_position(tmp_path: Path, change: tuple[str, str, str],
                                  expected: tuple[str, int, int, str]) -> None:
    root = workspace(tmp_path)
    sub(*change)(root)
    assert found(load_workspace(root)) == [expected]


def test_every_new_field_is_accepted(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    sub(*after_done(
        "  check-in: [2026-04-10, {skipped: 2026-04-17, reason: Away that week}]\n"
        "feedback:\n"
        "  - date: 2026-03-07\n    touchpoint: welcome-gift\n    feel: 4\n"
        "    said: |\n      Lovely.\n      The card had a typo.\n    heard_by: alex-rivera\n"
        "  - {date: 2026-03-03, feel: 2}\n"
        "paused: {date: 2026-05-01, until: 2026-06-01, reason: Renovating}\n"
        "left: {date: 2026-09-30, reason: Sold the business}\n"))(root)
    sub(J, "roles:\n", "working_days: [mon, tue, wed, thu, fri]\nclosed: 2026-12-25\n"
                       "grace: 10\nroles:\n")(root)
    sub(J, "    feel: 5\n", "    feel: 5\n    since: 2026-01-01\n")(root)
    loaded = load_workspace(root)
    assert loaded.problems == []
    client = loaded.workspace.clients["acme-bakery"]
    assert client.log("check-in") == (Logged(d(2026, 4, 10)),
                                      Logged(d(2026, 4, 17), skipped="Away that week"))
    assert client.done["check-in"] == (d(2026, 4, 10),)
    first, second = client.feedback  # in date order
    assert first == Feedback(d(2026, 3, 3), 2, where=first.where,
                             heard_by_where=first.heard_by_where)
    assert second == Feedback(d(2026, 3, 7), 4, "welcome-gift", "Lovely.\nThe card had a typo.\n",
                              "alex-rivera", where=second.where,
                              heard_by_where=second.heard_by_where)
    assert (second.where.line, second.heard_by_where.line) == (15, 20)
    assert client.paused == Ending(d(2026, 5, 1), "Renovating", d(2026, 6, 1))
    assert client.left == Ending(d(2026, 9, 30), "Sold the business")
    journey = loaded.workspace.journeys["onboarding"]
    assert journey.working_days == frozenset(range(5))
    assert journey.closed == frozenset({d(2026, 12, 25)})
    assert journey.grace == 10
    assert journey.touchpoint("welcome-gift").since == d(2026, 1, 1)  # type: ignore[union-attr]


# ---- statuses ---------------------------------------------------------------------------------


def statuses(root: Path, as_of: dt.date, tp: str) -> list[tuple[dt.date, str]]:
    return [(row[0], row[3]) for row in schedule(root, as_of).get(tp, [])]


def test_a_pre_signing_occurrence_not_done_by_signing_is_missed(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    sub(C, "done:\n" + DONE, "")(root)
    assert statuses(root, d(2026, 3, 1), "deep-dive") == [(d(2026, 2, 19), "overdue")]
    assert statuses(root, d(2026, 3, 2), "deep-dive") == [(d(2026, 2, 19), "missed")]


def test_past_the_grace_window_an_occurrence_is_missed(tmp_path: Path) -> None:
    root = workspace(tmp_path)  # welcome gift on 2026-03-06, 30 days' grace
    assert statuses(root, d(2026, 4, 5), "welcome-gift") == [(d(2026, 3, 6), "overdue")]
    assert statuses(root, d(2026, 4, 6), "welcome-gift") == [(d(2026, 3, 6), "missed")]
    sub(J, "roles:\n", "grace: 7\nroles:\n")(root)
    assert statuses(root, d(2026, 3, 14), "welcome-gift") == [(d(2026, 3, 6), "missed")]


def test_skipped_takes_its_occurrence_in_order(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    sub(*after_done("  check-in: [2026-04-10, {skipped: 2026-04-16, reason: Away}]\n"))(root)
    rows = schedule(root, d(2026, 4, 18))["check-in"]
    assert [(r[3], r[4]) for r in rows] == [("done", d(2026, 4, 10)), ("skipped", None),
                                            ("due", None)]
    loaded = load_workspace(root)
    from journeymap.derive.schedule import client_schedule
    ws = loaded.workspace
    skipped = [o for o in client_schedule(ws, ws.clients["acme-bakery"], d(2026, 4, 18))
               if o.status == "skipped"]
    assert [(o.skipped, o.skipped_on) for o in skipped] == [("Away", d(2026, 4, 16))]


def test_a_client_who_left_is_owed_nothing_after_and_missed_what_was_not_done(
        tmp_path: Path) -> None:
    root = workspace(tmp_path)
    sub(*after_done("left: {date: 2026-04-12, reason: Moved away}\n"))(root)
    later = schedule(root, d(2026, 6, 1))
    assert [(r[0], r[3]) for r in later["check-in"]] == [(d(2026, 4, 10), "missed")]
    assert [(r[0], r[3]) for r in later["welcome-gift"]] == [(d(2026, 3, 6), "missed")]
    assert "birthday-card" not in later  # next year's, after they left
    assert later["deep-dive"][0][3] == "done"
    statuses_then = {r[3] for rows in later.values() for r in rows}
    assert not statuses_then & {"due", "overdue", "upcoming"}
    # Before the day they leave, the schedule runs as usual.
    assert statuses(root, d(2026, 4, 8), "check-in") == [(d(2026, 4, 10), "due")]


def test_a_paused_client_has_nothing_due_in_the_pause(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    sub(*after_done("paused: {date: 2026-04-01, until: 2026-04-20}\n"))(root)
    assert statuses(root, d(2026, 4, 18), "check-in") == [
        (d(2026, 4, 10), "paused"), (d(2026, 4, 17), "paused"), (d(2026, 4, 24), "due")]


def test_since_drops_the_occurrences_before_the_touchpoint_existed(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    sub(J, "    repeat: {every: 7, times: 3}\n",
        "    repeat: {every: 7, times: 3}\n    since: 2026-04-15\n")(root)
    assert statuses(root, d(2026, 4, 30), "check-in") == [
        (d(2026, 4, 17), "overdue"), (d(2026, 4, 24), "overdue")]
    # One done before the date still counts (and shows) as done.
    sub(*after_done("  check-in: 2026-04-10\n"))(root)
    assert [s for _, s in statuses(root, d(2026, 4, 30), "check-in")] == [
        "done", "overdue", "overdue"]


def test_a_closed_day_moves_to_the_next_working_day(tmp_path: Path) -> None:
    root = workspace(tmp_path)  # 2026-03-02 is a Monday; the birthday, 03-14, a Saturday
    sub(J, "roles:\n", "working_days: [mon, tue, wed, thu, fri]\nclosed: [2026-03-06]\n"
                       "roles:\n")(root)
    rows = schedule(root, d(2026, 3, 5))
    assert rows["welcome-gift"][0][0] == d(2026, 3, 9)  # Friday closed, then the weekend
    assert rows["birthday-card"][0][0] == d(2026, 3, 16)
    assert [r[0] for r in rows["check-in"]] == [d(2026, 4, 10), d(2026, 4, 17), d(2026, 4, 24)]


def test_the_sites_working_week_holds_where_a_journey_names_none(tmp_path: Path) -> None:
    """The `business` option's working days hold for a journey without its own; closing dates
    add up (the business's holidays and the journey's own)."""
    from journeymap.derive.check import check_workspace

    root = workspace(tmp_path)  # 2026-03-02 is a Monday; the birthday, 03-14, a Saturday
    config = root / "mkdocs.yml"
    config.write_text("site_name: t\nplugins:\n  - journeymap:\n      business:\n"
                      "        name: Acme\n        working_days: [mon, tue, wed, thu, fri]\n"
                      "        closed: [2026-03-06]\n")
    business = {"name": "Acme", "working_days": ["mon", "tue", "wed", "thu", "fri"],
                "closed": [d(2026, 3, 6)]}  # as MkDocs hands it over

    def dates(tp: str) -> list[dt.date]:
        checked = check_workspace(root, "journeys", d(2026, 3, 5), business=business,
                                  config_file=config)
        assert checked.errors == [], checked.errors
        assert checked.agenda is not None
        return [o.date for o in checked.agenda.schedules["acme-bakery"]
                if o.touchpoint.id == tp and o.date is not None]

    assert dates("welcome-gift") == [d(2026, 3, 9)]  # Friday closed, then the weekend
    assert dates("birthday-card") == [d(2026, 3, 16)]
    # The journey's own week wins; its closing dates add to the site's.
    sub(J, "roles:\n", "working_days: [mon, tue, wed, thu, fri, sat]\nclosed: [2026-03-07]\n"
                       "roles:\n")(root)
    assert dates("welcome-gift") == [d(2026, 3, 9)]  # the 6th the site's, the 7th its own
    assert dates("birthday-card") == [d(2026, 3, 14)]  # a Saturday: it works Saturdays
    # And without the option, nothing moves but for the journey's own.
    plain = check_workspace(root, "journeys", d(2026, 3, 5))
    assert plain.agenda is not None
    assert [o.date for o in plain.agenda.schedules["acme-bakery"]
            if o.touchpoint.id == "welcome-gift"] == [d(2026, 3, 6)]


# ---- fmt and the JSON Schemas -------------------------------------------------------------------

CLIENT_WITH_OUTCOMES = """\
left: {reason: Sold the business, date: 2026-09-30}
feedback:
  - feel: 4  # asked at the market
    heard_by: alex-rivera
    date: 2026-03-07
    touchpoint: welcome-gift
paused:
  until: 2026-06-01
  date: 2026-05-01
done:
  check-in: [2026-04-10, {reason: Away, skipped: 2026-04-17}]
team: {sales: pat-kim, lead: alex-rivera}
day_one: 2026-03-02
journey: onboarding
name: Acme Bakery
"""


def test_fmt_puts_the_new_keys_in_the_reference_order() -> None:
    from journeymap.workspace.fmt import format_text
    assert format_text(CLIENT_WITH_OUTCOMES, "client", "c.yml") == """\
name: Acme Bakery
journey: onboarding
day_one: 2026-03-02
team: {sales: pat-kim, lead: alex-rivera}
done:
  check-in: [2026-04-10, {skipped: 2026-04-17, reason: Away}]
feedback:
  - date: 2026-03-07
    touchpoint: welcome-gift
    feel: 4  # asked at the market
    heard_by: alex-rivera
paused:
  date: 2026-05-01
  until: 2026-06-01
left: {date: 2026-09-30, reason: Sold the business}
"""


def test_the_json_schema_takes_the_new_keys_and_refuses_their_mistakes() -> None:
    from test_schema_files import schema_errors
    assert schema_errors(CLIENT_WITH_OUTCOMES, "client") == []
    bad = CLIENT_WITH_OUTCOMES.replace("feel: 4", "feel: 7").replace("reason: Away, ", "")
    errors = schema_errors(bad, "client")
    assert any(e.startswith("['feedback', 0, 'feel']") for e in errors), errors
    assert any(e.startswith("['done', 'check-in'") for e in errors), errors
    journey_bits = "title: T\nworking_days: [mon, funday]\nstages: []\ntouchpoints: []\n"
    assert any("working_days" in e for e in schema_errors(journey_bits, "journey"))


def test_what_is_settled_is_on_no_one_s_to_do_list(tmp_path: Path) -> None:
    from journeymap.derive.people import People, clients_by_name
    from journeymap.derive.responsibility import weekly_load
    from journeymap.derive.schedule import agenda
    root = workspace(tmp_path)  # check-ins on 04-10, 04-17, 04-24, owned by alex-rivera
    sub(*after_done("  check-in: [{skipped: 2026-04-09, reason: Away}]\n"
                    "paused: {date: 2026-04-15, until: 2026-04-20}\n"))(root)
    ws = load_workspace(root).workspace
    day = agenda(ws, d(2026, 4, 8))
    to_do = People(ws, day, clients_by_name(ws)).to_do("alex-rivera")
    # As of 04-08 the next two weeks hold the first (skipped) and the second (in the pause):
    # nothing to do. As of 04-12 the third is in reach, and it alone.
    assert [o.date for o, _ in to_do if o.touchpoint.id == "check-in"] == []
    later = agenda(ws, d(2026, 4, 12))
    to_do = People(ws, later, clients_by_name(ws)).to_do("alex-rivera")
    assert [o.date for o, _ in to_do if o.touchpoint.id == "check-in"] == [d(2026, 4, 24)]
    load = weekly_load(ws, later, 4)
    weeks = [[o.date for o in week if o.touchpoint.id == "check-in"]
             for week in load.owned["alex-rivera"]]
    assert sum(weeks, []) == [d(2026, 4, 24)]
