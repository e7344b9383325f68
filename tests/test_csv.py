"""Clients and survey answers from CSV files: read as a client file would be, every bad cell
reported at its file:line:col, and nothing else about the workspace changed by them."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, copy_workspace, run, tree
from test_load import BASE, Change, case, found, put, workspace

from journeymap.derive.outcomes import feel_figures
from journeymap.model import MonthDay, Where
from journeymap.review.diff import diff_command
from journeymap.workspace.edit import Editor, Refused
from journeymap.workspace.load import LoadCache, load_workspace
from journeymap.workspace.tables import SCALES

T = "journeys/clients/guests.csv"
S = "journeys/surveys/cards.csv"
HEAD = ("id,name,contact,journey,day_one,team.sales,team.lead,dates.birthday,"
        "dates.partner_birthday\n")
# Columns start at 1, 17, 31, 50, 61, 72, 80, 92 and 98.
ROW = ("lamp-and-ladder,Lamp & Ladder,Priya and Tom Shah,onboarding,2026-03-09,pat-kim,"
       "alex-rivera,04-02,1984-11-30\n")
SURVEY_HEAD = "date,client,touchpoint,score:0-10,comment\n"


def table(*rows: str, head: str = HEAD) -> Change:
    return put(T, head + "".join(rows))


def survey(*rows: str, head: str = SURVEY_HEAD) -> Change:
    def change(root: Path) -> None:
        table(ROW)(root)
        put(S, head + "".join(rows))(root)
    return change


def row(**cells: str) -> str:
    """ROW with some cells replaced, by column name."""
    names = HEAD.strip().split(",")
    values = dict(zip(names, ROW.strip().split(","), strict=True)) | cells
    return ",".join(values[n] for n in names) + "\n"


CASES = [
    # ---- the header ----------------------------------------------------------------------
    case("unknown-column", table(ROW, head=HEAD.replace("contact", "contcat")),
         (T, 1, 9, "unknown column 'contcat' (did you mean 'contact'?)")),
    case("missing-column", table("x,X,onboarding,pat-kim,alex-rivera\n",
                                 head="id,name,journey,team.sales,team.lead\n"),
         (T, 1, 1, "missing column 'day_one': a clients CSV needs the columns id, name, "
                   "journey, day_one and a team.<role> column for each role")),
    case("column-named-twice", table(ROW, head=HEAD.replace("contact", "name")),
         (T, 1, 9, "column 'name' is named twice (first at 1:4)")),
    case("log-column", table(ROW, head=HEAD.replace("contact", "feedback")),
         (T, 1, 9, "column 'feedback' cannot be in a CSV file: write 'feedback' in a client "
                   "file clients/<id>.yml")),
    case("done-date-in-another-form", table(ROW.replace("\n", ",2026-03-1\n"),
                                            head=HEAD.replace("\n", ",done.welcome-gift\n")),
         (T, 2, 109, "'done: welcome-gift' in client 'lamp-and-ladder' must be a date "
                     "YYYY-MM-DD, got '2026-03-1'")),
    case("group-without-a-name", table(ROW, head=HEAD.replace("contact", "preferences")),
         (T, 1, 9, "column 'preferences' needs a name after a dot: 'preferences.<name>', one "
                    "column each (such as 'preferences.favorite_dish')")),
    # ---- cells ---------------------------------------------------------------------------
    case("date-in-another-form", table(row(day_one="09/03/2026")),
         (T, 2, 61, "'day_one' in client 'lamp-and-ladder' must be a date YYYY-MM-DD, got "
                    "'09/03/2026'")),
    case("no-such-birthday", table(row(**{"dates.birthday": "02-30"})),
         (T, 2, 92, "'dates: birthday' in client 'lamp-and-ladder' must be a date MM-DD or "
                    "YYYY-MM-DD, got '02-30': no such day")),
    case("unknown-journey", table(row(journey="onbording")),
         (T, 2, 50, "unknown journey 'onbording' (did you mean 'onboarding'?)")),
    case("unknown-person", table(row(**{"team.lead": "alex-rivra"})),
         (T, 2, 80, "unknown person 'alex-rivra' for role 'lead' (did you mean "
                    "'alex-rivera'?)")),
    case("required-cell-empty", table(row(name="")),
         (T, 2, 17, "'name' in client 'lamp-and-ladder' needs a value")),
    case("bad-id", table(row(id="Lamp Ladder")),
         (T, 2, 1, "id 'Lamp Ladder' is not a client id: use lowercase letters, digits and "
                   "'-'")),
    case("id-twice-in-the-file", table(ROW, ROW),
         (T, 3, 1, "client id 'lamp-and-ladder' is defined twice: here and at "
                   f"{T}:2:1")),
    case("id-of-a-client-file", table(row(id="acme-bakery")),
         (T, 2, 1, "client id 'acme-bakery' is defined twice: here and at "
                   "journeys/clients/acme-bakery.yml:1:1; keep one of them")),
    case("unquoted-delimiter", table(row(name="Lamp, Ladder and Co")),
         (T, 2, 104, "this row has 10 cells but the header names 9 columns: quote a cell "
                    "that holds ','")),
    case("quoted-cell-over-two-lines-then-a-bad-date",
         table('x-1,"Two\nlines",,onboarding,2026-03-09,pat-kim,alex-rivera,04-02,\n',
               row(day_one="2026-3-9")),
         (T, 2, 5, "'name' in client 'x-1' must be on one line: join its lines (a '|' block "
                    "keeps each line break)"),
         (T, 4, 61, "'day_one' in client 'lamp-and-ladder' must be a date YYYY-MM-DD, got "
                    "'2026-3-9'")),
    # ---- the file ------------------------------------------------------------------------
    case("quote-never-closed", table('x-1,"Bob,onboarding,2026-03-09,pat-kim,alex-rivera\n',
                                     ROW),
         (T, 2, 1, "a quoted cell that starts on this line is never closed: add its closing "
                   "'\"' (a quote inside a quoted cell is written twice, '\"\"')")),
    case("text-after-a-quoted-cell", table('x-1,"Bob" x,onboarding,2026-03-09,pat-kim,'
                                           'alex-rivera\n', ROW),
         (T, 2, 1, "this row is not CSV the csv module can read (',' expected after '\"'): a "
                   "cell that holds a quote is quoted itself, its quotes doubled (\"Bob "
                   "\"\"the Builder\"\"\")")),
    case("windows-1252", put(T, (HEAD + row(contact="Zoë")).encode("cp1252")),
         (T, 2, 33, "file is not UTF-8 text: save it with UTF-8 encoding (a spreadsheet's "
                    "plain 'CSV' is often Windows-1252: save as 'CSV UTF-8' instead)")),
    case("empty", put(T, "\n\n"),
         (T, 1, 1, "file is empty: a CSV file starts with a header line naming its columns")),
    case("csv-in-a-subfolder", put("journeys/clients/old/x.csv", HEAD),
         ("journeys/clients/old/x.csv", 1, 1, "files in clients/old/ are not read: journeymap "
          "reads journeys directly in the journey folder, people in team/, clients in "
          "clients/ and survey answers in surveys/ (move it to clients/, or out of the "
          "journey folder)")),
    case("csv-in-the-team-folder", put("journeys/team/people.csv", HEAD),
         ("journeys/team/people.csv", 1, 1, "not read: a CSV file is read as clients in "
          "clients/<name>.csv, or as survey answers in surveys/<name>.csv")),
    # ---- survey answers --------------------------------------------------------------------
    case("unknown-client", survey("2026-03-20,lamp-and-lader,welcome-gift,9,\n"),
         (S, 2, 12, "unknown client 'lamp-and-lader' (did you mean 'lamp-and-ladder'?)")),
    case("unknown-touchpoint", survey("2026-03-20,lamp-and-ladder,welcome-gif,9,\n"),
         (S, 2, 28, "touchpoint 'welcome-gif' is not in journey 'onboarding' of client "
                    "'lamp-and-ladder' (did you mean 'welcome-gift'?)")),
    case("score-off-the-scale", survey("2026-03-20,acme-bakery,,11,\n"),
         (S, 2, 25, "'score:0-10' must be a whole number from 0 to 10, got '11'")),
    case("score-not-a-number", survey("2026-03-20,acme-bakery,,great,\n"),
         (S, 2, 25, "'score:0-10' must be a whole number from 0 to 10, got 'great'")),
    case("answer-date-in-another-form", survey("20.03.2026,acme-bakery,,9,\n"),
         (S, 2, 1, "'date' must be a date YYYY-MM-DD, got '20.03.2026'")),
    case("scale-not-said", survey("2026-03-20,acme-bakery,,9,\n",
                                  head=SURVEY_HEAD.replace("score:0-10", "score")),
         (S, 1, 24, "column 'score' must say its scale: 'score:1-5', 'score:0-10' (as NPS "
                    "asks) or 'score:-2..2'")),
    case("survey-missing-client-column", survey("2026-03-20,welcome-gift,9,\n",
                                                head="date,touchpoint,score:1-5,comment\n"),
         (S, 1, 1, "missing column 'client': survey answers need the columns date, client "
                   "and score:<scale>")),
    case("survey-extra-column", survey("2026-03-20,acme-bakery,,9,,jo@example.com\n",
                                       head=SURVEY_HEAD.strip() + ",e-mail\n"),
         (S, 1, 43, "column 'e-mail' is not read")),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_bad_csv(tmp_path: Path, change: Change, expected: list[tuple[str, int, int, str]]):
    root = workspace(tmp_path)
    change(root)
    assert found(load_workspace(root)) == expected


def test_rows_are_clients_beside_client_files(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    table(ROW, 'ada-okafor,Ada Okafor,,onboarding,2026-04-01,pat-kim,alex-rivera,,\n')(root)
    loaded = load_workspace(root)
    assert loaded.problems == []
    clients = loaded.workspace.clients
    assert sorted(clients) == ["acme-bakery", "ada-okafor", "lamp-and-ladder"]
    lamp = clients["lamp-and-ladder"]
    assert (lamp.name, lamp.contact, lamp.day_one, lamp.team, lamp.path) == (
        "Lamp & Ladder", "Priya and Tom Shah", dt.date(2026, 3, 9),
        {"sales": "pat-kim", "lead": "alex-rivera"}, T)
    # A household: each person's date in a column of its own.
    assert lamp.dates == {"birthday": MonthDay(None, 4, 2),
                          "partner_birthday": MonthDay(1984, 11, 30)}
    assert clients["ada-okafor"].contact is None and clients["ada-okafor"].dates == {}
    # Where a key was written is its cell (lint's findings point there).
    assert lamp.where("dates") == Where(T, 2, 92)


def test_done_columns_are_the_done_log(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    table(ROW.replace("\n", ',2026-03-06,"2026-04-10\n2026-04-17"\n'),
          head=HEAD.replace("\n", ",done.welcome-gift,done.check-in\n"))(root)
    loaded = load_workspace(root)
    assert loaded.problems == []
    assert loaded.workspace.clients["lamp-and-ladder"].done == {
        "welcome-gift": (dt.date(2026, 3, 6),),
        "check-in": (dt.date(2026, 4, 10), dt.date(2026, 4, 17))}


def test_a_spreadsheets_semicolons_bom_and_lists(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    head = "id;name;journey;day_one;team.sales;team.lead;preferences.favorite_dish;must_know\n"
    put(T, "\ufeff" + head + 'x-1;X, Y & Co;onboarding;2026-03-09;pat-kim;alex-rivera;'
           'Risotto;"No nuts\nStep-free entrance"\r\n')(root)
    loaded = load_workspace(root)
    assert loaded.problems == []
    client = loaded.workspace.clients["x-1"]
    assert client.name == "X, Y & Co" and client.preferences == {"favorite_dish": "Risotto"}
    assert client.must_know == ("No nuts", "Step-free entrance")


@pytest.mark.parametrize(("scale", "answers", "feels"), [
    ("1-5", "1 3 5", [1, 3, 5]),
    ("0-10", "0 2 4 5 6 7 8 9 10", [1, 2, 2, 3, 3, 4, 4, 5, 5]),
    ("-2..2", "-2 0 +2", [1, 3, 5]),
])
def test_survey_scales_land_on_the_feel_scale(tmp_path: Path, scale: str, answers: str,
                                              feels: list[int]) -> None:
    root = workspace(tmp_path)
    rows = [f"2026-03-{10 + k},acme-bakery,welcome-gift,{a},Card {k}\n"
            for k, a in enumerate(answers.split())]
    put(S, f"date,client,touchpoint,score:{scale},comment\n" + "".join(rows))(root)
    loaded = load_workspace(root)
    assert loaded.problems == []
    feedback = loaded.workspace.clients["acme-bakery"].feedback
    assert [f.feel for f in feedback] == feels
    assert feedback[0].touchpoint == "welcome-gift" and feedback[0].said == "Card 0"
    assert feedback[0].where == Where(S, 2, 24)


def test_scales_cover_every_answer() -> None:
    for scale in SCALES.values():
        assert set(scale.values()) == {1, 2, 3, 4, 5}


def test_answers_join_the_client_files_feedback(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    put(BASE_CLIENT, BASE[BASE_CLIENT] + "feedback:\n  - {date: 2026-03-15, feel: 2}\n")(root)
    put(S, SURVEY_HEAD + "2026-03-12,acme-bakery,,10,\n2026-03-20,acme-bakery,,0,\n")(root)
    loaded = load_workspace(root)
    assert loaded.problems == []
    feedback = loaded.workspace.clients["acme-bakery"].feedback
    assert [(f.date.day, f.feel) for f in feedback] == [(12, 5), (15, 2), (20, 1)]


BASE_CLIENT = "journeys/clients/acme-bakery.yml"


def test_one_edited_row_changes_only_its_clients_fingerprint(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    other = "ada-okafor,Ada Okafor,,onboarding,2026-04-01,pat-kim,alex-rivera,,\n"
    table(ROW, other)(root)
    cache = LoadCache()
    before = load_workspace(root, cache=cache)
    table(ROW, other.replace("Ada Okafor", "Ada Okafor-Reyes"))(root)
    after = load_workspace(root, cache=cache)
    ws_b, ws_a = before.workspace.clients, after.workspace.clients
    assert isinstance(after.fingerprints.of(ws_a["lamp-and-ladder"]), tuple)  # known
    assert before.fingerprints.of(ws_b["lamp-and-ladder"]) == \
        after.fingerprints.of(ws_a["lamp-and-ladder"])
    assert before.fingerprints.of(ws_b["ada-okafor"]) != \
        after.fingerprints.of(ws_a["ada-okafor"])
    assert ws_a["ada-okafor"].name == "Ada Okafor-Reyes"


def test_the_format_references_csv_examples_load(tmp_path: Path) -> None:
    # The reference's examples are real: the clients one beside a client file, the survey
    # one about a row of it and the client file. (Short lines: a wide block would scroll.)
    text = (REPO / "journeymap" / "workspace" / "format.md").read_text(encoding="utf-8")
    clients, answers = re.findall(r"```csv\n(.*?)```", text, re.DOTALL)
    assert max(len(line) for line in (clients + answers).splitlines()) <= 80
    root = workspace(tmp_path)
    (root / "journeys/onboarding.yml").rename(root / "journeys/client-love.yml")
    client_file = root / BASE_CLIENT
    client_file.write_text(client_file.read_text().replace("journey: onboarding",
                                                           "journey: client-love"))
    put("journeys/clients/example.csv", clients)(root)
    put("journeys/surveys/example.csv", answers)(root)
    loaded = load_workspace(root)
    assert loaded.problems == []
    client = loaded.workspace.clients["ash-cafe"]
    assert client.must_know == ("No nuts", "Step-free entrance")
    assert [(f.touchpoint, f.feel) for f in client.feedback] == [("welcome-gift", 5)]
    assert [f.feel for f in loaded.workspace.clients["acme-bakery"].feedback] == [3]


def test_the_editor_leaves_a_csv_alone(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    csv_text = (HEAD.replace("team.lead", "team.lead,team.assistant,team.founder")
                + ROW.replace("onboarding", "client-love").replace("pat-kim,alex-rivera",
                              "maya-okonkwo,alex-rivera,sam-okafor,rosa-delgado"))
    put(T, csv_text)(root)
    editor = Editor(root)
    state = editor.state()
    with pytest.raises(Refused, match="is a row of journeys/clients/guests.csv"):
        editor.apply({"op": "done.add", "client": "lamp-and-ladder", "touchpoint": "kickoff",
                      "date": "2026-11-25",
                      "hash": state["clients"]["lamp-and-ladder"]["hash"]})
    assert (root / T).read_text() == csv_text


def test_answers_feed_planned_versus_actual(tmp_path: Path) -> None:
    # welcome-gift is planned at feel 5: a file's entry (2) and two survey answers (9 → 5,
    # 3 → 2) give a median of 2 against it, the same figure as three entries in the file.
    root = workspace(tmp_path)
    put(BASE_CLIENT, BASE[BASE_CLIENT] + "feedback:\n"
        "  - {date: 2026-03-15, touchpoint: welcome-gift, feel: 2}\n")(root)
    table(ROW)(root)
    put(S, SURVEY_HEAD + "2026-03-12,acme-bakery,welcome-gift,9,\n"
           "2026-03-20,lamp-and-ladder,welcome-gift,3,Late and the card was wrong\n")(root)
    loaded = load_workspace(root)
    assert loaded.problems == []
    ws = loaded.workspace
    figure = {f.touchpoint: f for f in feel_figures(ws, ws.journeys["onboarding"])}
    gift = figure["welcome-gift"]
    assert gift.actual is not None and (gift.actual.n, gift.actual.median) == (3, 2.0)
    assert (gift.intended, gift.gap) == (5, -3.0)
    assert figure["deep-dive"].actual is None


# ---- the commands: check, fmt, diff --------------------------------------------------------

# A clients CSV for the example workspace (its journey and team).
EXAMPLE_HEAD = ("id,name,contact,journey,day_one,team.sales,team.lead,team.assistant,"
                "team.founder,preferences.favorite_drink\n")


def example_row(ident: str, name: str, day_one: str = "2026-11-02",
                drink: str = "Mint tea") -> str:
    return (f"{ident},{name},,client-love,{day_one},maya-okonkwo,alex-rivera,sam-okafor,"
            f"rosa-delgado,{drink}\n")


def test_check_reports_csv_problems_and_fmt_leaves_csv_files_alone(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    # Not canonical in any way: a BOM, `;`, CRLF line ends, quotes where none are needed.
    text = ("\ufeff" + EXAMPLE_HEAD.replace(",", ";") + example_row("a-1", '"A One"', "02/11/2026")
            .replace(",", ";")).replace("\n", "\r\n")
    put("journeys/clients/more.csv", text)(root)
    checked = run(["journeymap", "check"], root)
    assert checked.returncode == 1
    assert ("journeys/clients/more.csv:2:26: 'day_one' in client 'a-1' must be a date "
            "YYYY-MM-DD, got '02/11/2026'") in checked.stdout + checked.stderr
    before = tree(root / "journeys")
    formatted = run(["journeymap", "fmt"], root)
    assert formatted.returncode == 0, formatted.stderr
    after = tree(root / "journeys")
    assert after["clients/more.csv"] == text.encode("utf-8")
    assert [k for k in after if after[k] != before.get(k)] == []


def test_diff_reports_rows_added_changed_and_removed_by_id(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "repo")
    rows = EXAMPLE_HEAD + example_row("ash-cafe", "Ash Café") + example_row("birch-co", "Birch")
    put("journeys/clients/more.csv", rows)(root)
    for args in (("init", "-q", "-b", "main"), ("config", "user.name", "Test"),
                 ("config", "user.email", "t@example.com"), ("add", "-A"),
                 ("-c", "commit.gpgsign=false", "commit", "-qm", "base")):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    put("journeys/clients/more.csv", EXAMPLE_HEAD
        + example_row("birch-co", "Birch", day_one="2026-11-05", drink="Cold brew")
        + example_row("cedar-books", "Cedar Books"))(root)
    out = diff_command(root, "journeys", "HEAD", None, dt.date(2026, 12, 1))
    assert "**1 client added, 1 client removed, 1 client changed.**" in out
    assert "- **Cedar Books** `cedar-books`: added: journey `client-love`, day one 2026-11-02" \
        in out
    assert "- **Ash Café** `ash-cafe`: removed" in out
    assert ("- **Birch** `birch-co`: day one: 2026-11-02 → 2026-11-05 (every date moves 3 "
            "days later); internal `preferences` changed") in out
    assert "Cold brew" not in out and "Mint tea" not in out


def test_init_can_start_with_a_clients_csv(tmp_path: Path) -> None:
    made = run(["journeymap", "init", "shop", "--csv"], tmp_path)
    assert made.returncode == 0, made.stderr
    ws = tmp_path / "shop"
    assert not (ws / "journeys/clients/first-client.yml").exists()
    assert (ws / "journeys/surveys/answers.csv").read_text().startswith("date,client,")
    loaded = load_workspace(ws)
    assert loaded.errors == []
    [client] = loaded.workspace.clients.values()
    assert (client.id, client.path, client.day_one) == (
        "first-client", "journeys/clients/clients.csv", dt.date.today())
    assert client.welcome and client.welcome.startswith("Robin, welcome aboard.")
    # And it builds.
    built = run(["journeymap", "build", "--no-pdf"], ws)
    assert built.returncode == 0, built.stderr
    assert (ws / "site/clients/first-client/index.html").is_file()


# ---- the example workspace ------------------------------------------------------------------


def test_the_example_sites_pages_show_its_csv_clients_and_survey(example_site: Path) -> None:
    """The example's guests from the business fair (a CSV) have their pages like any client,
    and the survey's answers are on the internal pages of the clients who gave them."""
    def words(rel: str) -> str:
        html = (example_site / rel).read_text(encoding="utf-8")
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    lamp = words("clients/lamp-and-ladder/index.html")
    assert "Lamp &amp; Ladder Books" in lamp and "Hana and Luis Ortega" in lamp
    assert "Luis is allergic to nuts" in lamp  # the must-know note, on the internal page
    handoff = words("clients/lamp-and-ladder/handoff/index.html")
    assert "Harbour business fair" in handoff
    meet = words(next(p for p in (example_site / "meet").glob("lamp-and-ladder*.html"))
                 .relative_to(example_site).as_posix())
    assert "Hana and Luis, welcome!" in meet
    assert "allergic" not in meet and "Harbour business fair" not in meet
    assert "Lamp &amp; Ladder Books" in words("clients/index.html")
    spoke = words("clients/spoke-and-sprocket/index.html")
    assert "Keep the winter plan on one page like this: it was worth the whole quarter." in spoke
    assert "A survey (client-survey.csv)" in spoke  # who heard it: the survey
    assert "add what they say as a row of a survey file" in words(
        "clients/saltmarsh-ceramics/index.html")
    assert "I had to ask twice for the setup checklist." in spoke
    fern = words("clients/fern-and-fold/index.html")
    assert "Our year-end was the calmest in a decade." in fern


def test_a_comment_with_a_control_character_is_refused(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    put(S, SURVEY_HEAD + "2026-03-12,acme-bakery,,9,Nice\x1b[2J\n")(root)
    assert found(load_workspace(root)) == [
        (S, 2, 27, "'comment' holds the character U+001B, which text may not hold (a control "
                   "character or half of a UTF-16 pair): remove it")]


def test_answers_beside_a_broken_journey_are_no_traceback(tmp_path: Path) -> None:
    # The journey's own error is what is said; its clients' answers wait for it.
    root = workspace(tmp_path)
    put("journeys/onboarding.yml", BASE["journeys/onboarding.yml"].replace(
        "title: Onboarding", "title: [Onboarding"))(root)
    put(S, SURVEY_HEAD + "2026-03-12,acme-bakery,welcome-gift,9,\n")(root)
    loaded = load_workspace(root)
    assert [p.path for p in loaded.problems] == ["journeys/onboarding.yml"]
