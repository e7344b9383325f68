"""Households: several people behind one client, each with their own dates. An `on:`
touchpoint fires once per person who has its date (and for the client's own), each
occurrence named after its person, done by that person's own log; all of it internal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_load import BASE, CLIENT, C, case, found, put, sub, workspace

from journeymap.derive.schedule import client_schedule
from journeymap.workspace.load import load_workspace

HOUSEHOLD = """\
people:
  - name: Hana Ortega
    email: hana@example.com
    dates:
      birthday: 04-02
    preferences:
      favorite_treat: Lemon drizzle cake
  - name: Luis Ortega
    dates:
      birthday: 1980-11-09
    done:
      birthday-card: 2026-11-09
"""
# Lines of CLIENT + HOUSEHOLD: 12 people, 13 Hana (14 email, 15 dates, 16 birthday,
# 17 preferences, 18 treat), 19 Luis (20 dates, 21 birthday, 22 done, 23 birthday-card).


def with_household(text: str = HOUSEHOLD) -> dict[str, str]:
    return {**BASE, C: CLIENT + text}


def test_a_birthday_card_fires_for_each_person_with_their_own_done_log(tmp_path: Path) -> None:
    loaded = load_workspace(workspace(tmp_path, with_household()))
    assert loaded.problems == []
    ws = loaded.workspace
    client = ws.clients["acme-bakery"]
    assert [m.name for m in client.household] == ["Hana Ortega", "Luis Ortega"]
    cards = [o for o in client_schedule(ws, client, dt.date(2026, 11, 20))
             if o.touchpoint.id == "birthday-card"]
    # The client's own 14 March, Hana's 2 April, Luis's 9 November (done, by his log).
    assert [(o.for_whom, o.date, o.status, o.done_on) for o in cards] == [
        ("Luis Ortega", dt.date(2026, 11, 9), "done", dt.date(2026, 11, 9)),
        (None, dt.date(2027, 3, 14), "upcoming", None),
        ("Hana Ortega", dt.date(2027, 4, 2), "upcoming", None),
    ]
    hana = cards[2]
    assert hana.preference("favorite_treat") == "Lemon drizzle cake"


def test_a_household_alone_dates_the_touchpoint(tmp_path: Path) -> None:
    # No `dates:` of the client's own: the household's dates are enough.
    files = with_household()
    files[C] = files[C].replace("dates:\n  birthday: 03-14\n", "")
    ws = load_workspace(workspace(tmp_path, files)).workspace
    cards = [o for o in client_schedule(ws, ws.clients["acme-bakery"], dt.date(2026, 11, 20))
             if o.touchpoint.id == "birthday-card"]
    assert [o.for_whom for o in cards] == ["Luis Ortega", "Hana Ortega"]
    assert all(o.status != "undated" for o in cards)


CASES = [
    case("unknown-key", sub(C, "    email: hana", "    emial: hana"),
         (C, 14, 5, "unknown key 'emial' in household person (did you mean 'email'?)")),
    case("no-name", sub(C, "  - name: Luis Ortega\n    dates:", "  - dates:"),
         (C, 19, 5, "missing key 'name' in household person")),
    case("named-twice", sub(C, "name: Luis Ortega", "name: hana ortega"),
         (C, 19, 11, "people: 'hana ortega' is named twice in this household (first at "
                     "13:11): each person once")),
    case("bad-date", sub(C, "birthday: 04-02", "birthday: 04-31"),
         (C, 16, 17, "'dates: birthday' in household person must be a date MM-DD or "
                     "YYYY-MM-DD, got '04-31': no such day")),
    case("not-a-list", put(C, CLIENT + "people: Hana and Luis\n"),
         (C, 12, 9, "'people' must be a list of {name: ..., dates: {birthday: MM-DD}, ...}, "
                    "got 'Hana and Luis'")),
    case("done-not-on", sub(C, "      birthday-card: 2026-11-09", "      welcome-gift: 2026-03-06"),
         (C, 23, 7, "done of Luis Ortega: touchpoint 'welcome-gift' is not on a date of "
                    "theirs (it has no `on:`): write it in the client's own `done:`")),
    case("done-without-date", sub(C, "      birthday: 1980-11-09\n", "      anniversary: 11-09\n"),
         (C, 23, 7, "done of Luis Ortega: touchpoint 'birthday-card' is on their 'birthday', "
                    "but they have no such date")),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_bad_household(tmp_path: Path, change, expected) -> None:
    root = workspace(tmp_path, with_household())
    change(root)
    assert found(load_workspace(root)) == expected


# ---- households in a clients CSV -----------------------------------------------------------

T = "journeys/clients/guests.csv"
HEAD = ("id,name,journey,day_one,team.sales,team.lead,people.1.name,people.1.dates.birthday,"
        "people.2.name,people.2.dates.birthday,people.2.done.birthday-card\n")
# Header columns start at 1, 4, 9, 17, 25, 36, 46, 60, 84, 98, 122; ROW's at 1, 8, 20, 31,
# 42, 50, 62, 67, 73, 78, 84.
ROW = ("ortega,The Ortegas,onboarding,2026-03-09,pat-kim,alex-rivera,Hana,04-02,Luis,11-09,"
       "2026-11-09\n")
SOLO = "wren,Wren Calloway,onboarding,2026-03-09,pat-kim,alex-rivera,Wren,09-21,,,\n"


def test_a_csv_rows_household_columns(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    put(T, HEAD + ROW + SOLO)(root)
    loaded = load_workspace(root)
    assert loaded.problems == []
    ws = loaded.workspace
    ortega, wren = ws.clients["ortega"], ws.clients["wren"]
    assert [(m.name, m.number, m.dates["birthday"].month) for m in ortega.household] == [
        ("Hana", 1, 4), ("Luis", 2, 11)]
    assert ortega.household[1].done == {"birthday-card": (dt.date(2026, 11, 9),)}
    assert [m.name for m in wren.household] == ["Wren"]  # the empty person 2 is no one
    cards = [(o.for_whom, o.status) for o in client_schedule(ws, ortega, dt.date(2026, 11, 20))
             if o.touchpoint.id == "birthday-card"]
    assert cards == [("Luis", "done"), ("Hana", "upcoming")]


def head(old: str, new: str) -> str:
    assert old in HEAD
    return HEAD.replace(old, new)


CSV_CASES = [
    case("misspelt-key", put(T, head("people.1.name", "people.1.nmae") + ROW),
         (T, 1, 46, "column 'people.1.nmae': 'nmae' is not a key of a household's person "
                    "(did you mean 'name'?)")),
    case("no-number", put(T, head("people.1.name", "people.name") + ROW),
         (T, 1, 46, "column 'people.name': a household column is 'people.<n>.<key>': "
                    "'people.1.name', 'people.1.dates.birthday', 'people.2.name'...")),
    case("number-zero", put(T, head("people.1.name", "people.0.name") + ROW),
         (T, 1, 46, "column 'people.0.name': a household column is 'people.<n>.<key>': "
                    "'people.1.name', 'people.1.dates.birthday', 'people.2.name'...")),
    case("bad-date-name", put(T, head("people.1.dates.birthday", "people.1.dates.Birth Day")
                              + ROW),
         (T, 1, 60, "column 'people.1.dates.Birth Day': 'Birth Day' is not a name (lowercase "
                    "letters, digits, '_' and '-')")),
    case("bad-date-cell", put(T, HEAD + ROW.replace("04-02", "04-31")),
         (T, 2, 67, "'dates: birthday' in household person must be a date MM-DD or "
                    "YYYY-MM-DD, got '04-31': no such day")),
    case("date-without-name", put(T, HEAD + ROW.replace("Luis,", ",")),
         (T, 2, 74, "missing key 'name' in household person")),
]


@pytest.mark.parametrize(("change", "expected"), CSV_CASES)
def test_bad_household_columns(tmp_path: Path, change, expected) -> None:
    root = workspace(tmp_path)
    change(root)
    assert found(load_workspace(root)) == expected


# ---- the editor's "done" for a person's occurrence ------------------------------------------


def test_done_for_a_person_goes_to_their_own_log() -> None:
    from journeymap.workspace.edit import Refused, done_add
    from journeymap.workspace.fmt import format_text

    text = CLIENT + HOUSEHOLD
    # Hana has no log yet: one is started under her; Luis's gets a second entry.
    doc, what = done_add(text, {"touchpoint": "birthday-card", "date": "2027-04-02",
                                "person": 1})
    assert what == "marked 'birthday-card' done for Hana Ortega on 2027-04-02"
    hana = "      favorite_treat: Lemon drizzle cake\n"
    assert format_text(doc.text, "client") == format_text(text.replace(
        hana, hana + "    done:\n      birthday-card: 2027-04-02\n"), "client")
    doc, _ = done_add(text, {"touchpoint": "birthday-card", "date": "2027-11-09",
                             "person": 2, "skipped": "Away all month"})
    assert doc.text == text.replace(
        "      birthday-card: 2026-11-09\n",
        "      birthday-card: [2026-11-09, {skipped: 2027-11-09, reason: Away all month}]\n")
    assert "done:\n  deep-dive: 2026-02-20\n" in doc.text  # the client's own log as it was
    for person in (0, 3, "1", True):
        with pytest.raises(Refused, match="not in the client's household"):
            done_add(text, {"touchpoint": "birthday-card", "date": "2027-04-02",
                            "person": person})


def test_the_format_references_household_example_loads(tmp_path: Path) -> None:
    import re

    from conftest import REPO, copy_workspace

    text = (REPO / "journeymap" / "workspace" / "format.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```yaml\n(name: Lamp & Ladder Books\n.*?)```", text, re.DOTALL)
    root = copy_workspace(tmp_path / "ws")
    put("journeys/clients/lamp-example.yml", example)(root)
    loaded = load_workspace(root)
    assert loaded.errors == []
    client = loaded.workspace.clients["lamp-example"]
    cards = [(o.for_whom, o.date, o.status) for o in
             client_schedule(loaded.workspace, client, dt.date(2027, 1, 20))
             if o.touchpoint.id == "birthday-card"]
    assert cards == [("Luis Ortega", dt.date(2027, 1, 19), "done"),
                     ("Hana Ortega", dt.date(2027, 4, 2), "upcoming")]


# ---- lint: an `on:` date nobody has ------------------------------------------------------


def test_lint_warns_of_a_date_nobody_in_the_household_has(tmp_path: Path) -> None:
    from journeymap.derive.lint import lint

    def missing(files: dict[str, str], root: Path) -> list[tuple[int, int, str]]:
        ws = load_workspace(workspace(root, files)).workspace
        return [(p.line, p.col, p.message) for p in lint(ws, dt.date(2026, 11, 20))
                if p.rule == "missing-date"]

    assert missing(with_household(), tmp_path / "a") == []
    no_own = with_household()[C].replace("dates:\n  birthday: 03-14\n", "")
    assert missing({**BASE, C: no_own}, tmp_path / "b") == []  # the household has it
    nobody = no_own.replace("      birthday: 04-02\n", "      anniversary: 04-02\n") \
        .replace("      birthday: 1980-11-09\n", "      anniversary: 1980-11-09\n") \
        .replace("    done:\n      birthday-card: 2026-11-09\n", "")
    assert missing({**BASE, C: nobody}, tmp_path / "c") == [
        (10, 1, "neither Acme Bakery nor anyone of their household has a date 'birthday', "
                "which touchpoint 'birthday-card' (Birthday card) is on: it cannot be dated "
                "for them until someone asks")]
    alone = CLIENT.replace("dates:\n  birthday: 03-14\n", "")
    assert missing({**BASE, C: alone}, tmp_path / "d") == [
        (1, 1, "Acme Bakery has no date 'birthday', which touchpoint 'birthday-card' "
               "(Birthday card) is on: it cannot be dated for them until someone asks")]


# ---- journeymap diff ---------------------------------------------------------------------


def test_diff_names_people_added_removed_and_changed(tmp_path: Path) -> None:
    import subprocess

    from journeymap.review.diff import diff_command

    root = workspace(tmp_path, with_household())
    for args in (("init", "-q", "-b", "main"), ("config", "user.name", "Test"),
                 ("config", "user.email", "t@example.com"), ("add", "-A"),
                 ("-c", "commit.gpgsign=false", "commit", "-qm", "base")):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    sub(C, "    email: hana@example.com\n", "")(root)
    sub(C, "      favorite_treat: Lemon drizzle cake\n",
        "      favorite_treat: Carrot cake\n")(root)
    sub(C, "  - name: Luis Ortega\n", "  - name: Ines Ortega\n")(root)
    out = diff_command(root, "journeys", "HEAD", None, dt.date(2026, 11, 20))
    assert ("- **Acme Bakery** `acme-bakery`: household: Hana Ortega's internal `email`, "
            "`preferences` changed; household: Ines Ortega added (dates: birthday); "
            "household: Luis Ortega removed") in out, out
    assert "Carrot" not in out and "hana@" not in out  # names, never the values


def test_a_date_declined_is_skipped_and_not_warned_of(tmp_path: Path) -> None:
    from journeymap.derive.lint import lint

    files = {**BASE, C: CLIENT.replace("dates:\n  birthday: 03-14\n", "").replace(
        "done:\n", "done:\n  birthday-card: {skipped: 2026-03-02, reason: No fuss please}\n")}
    ws = load_workspace(workspace(tmp_path, files)).workspace
    client = ws.clients["acme-bakery"]
    [card] = [o for o in client_schedule(ws, client, dt.date(2026, 11, 20))
              if o.touchpoint.id == "birthday-card"]
    assert (card.date, card.status, card.skipped) == (None, "skipped", "No fuss please")
    assert [p for p in lint(ws, dt.date(2026, 11, 20)) if p.rule == "missing-date"] == []


def test_init_csv_starts_with_household_columns(tmp_path: Path) -> None:
    from conftest import run

    made = run(["journeymap", "init", "shop", "--csv"], tmp_path)
    assert made.returncode == 0, made.stderr
    table = tmp_path / "shop/journeys/clients/clients.csv"
    head = table.read_text().splitlines()[0].split(",")
    assert head[-4:] == ["people.1.name", "people.1.dates.birthday", "people.2.name",
                         "people.2.dates.birthday"]
    # Filled in, the row is a client with a household of two.
    text = table.read_text()
    table.write_text(text.replace(",,,\n", "Robin Lee,03-14,Sam Lee,09-30\n"))
    loaded = load_workspace(tmp_path / "shop")
    assert loaded.errors == []
    client = loaded.workspace.clients["first-client"]
    assert [(m.name, str(m.dates["birthday"].month)) for m in client.household] == [
        ("Robin Lee", "3"), ("Sam Lee", "9")]


def test_lint_warns_of_a_stale_entry_in_a_persons_log(tmp_path: Path) -> None:
    from journeymap.derive.lint import lint

    files = with_household(HOUSEHOLD.replace("      birthday-card: 2026-11-09",
                                             "      birthday-crad: 2026-11-09"))
    loaded = load_workspace(workspace(tmp_path, files))
    assert loaded.errors == []  # a removed or misspelt touchpoint never stops a build
    found = [(p.line, p.col, p.message) for p in lint(loaded.workspace, dt.date(2026, 11, 20))
             if p.rule == "stale-done"]
    assert found == [(19, 5, "done of Luis Ortega: 'birthday-crad' is not a touchpoint of "
                             "journey 'onboarding' (did you mean 'birthday-card'?): the entry "
                             "is kept but counts for nothing; fix its id, or remove it")]
