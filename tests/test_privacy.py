"""Nothing internal reaches a client's "Meet your team" page, in HTML or in PDF.

A fixture workspace carries a unique marker (`Zq###`) in every text field there is. The
markers a client may see on their own page are known (their name, contact and welcome, their
team's client-facing fields, role labels, the stages' titles and promises, client-visible
touchpoint titles, the business details); every other marker, and every marker of another
client or of someone not on their team, must be absent from every file under site/meet/.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import AS_OF, REPO, run

from journeymap.model import Business
from journeymap.render.meet import render_meet
from journeymap.render.pdf import PdfJob, render_pdfs
from journeymap.render.renderer import Renderer
from journeymap.workspace.business import load_business
from journeymap.workspace.load import load_workspace

PHOTO = REPO / "journeys" / "team" / "alex-rivera.jpg"
TOKEN = re.compile(r"Zq\d{3}")


class Markers:
    """Hands out a unique marker per field and remembers who may see it."""

    def __init__(self) -> None:
        self.seen_by: dict[str, set[str]] = {}  # marker -> client ids whose page may show it
        self.field: dict[str, str] = {}

    def __call__(self, field: str, *visible_to: str) -> str:
        marker = f"Zq{len(self.field):03d}"
        self.field[marker] = field
        self.seen_by[marker] = set(visible_to)
        return marker

    def forbidden(self, client_id: str) -> dict[str, str]:
        return {m: self.field[m] for m, who in self.seen_by.items() if client_id not in who}

    def allowed(self, client_id: str) -> dict[str, str]:
        return {m: self.field[m] for m, who in self.seen_by.items() if client_id in who}


def q(text: str) -> str:
    """A YAML scalar holding `text` exactly (JSON strings are YAML double-quoted scalars)."""
    return json.dumps(text, ensure_ascii=False)


# The team: who serves which client (person -> clients). `noor` serves nobody.
TEAMS = {"acme": {"lead": "alex", "helper": "sam"}, "brio": {"lead": "pat", "helper": "sam"},
         "cora": {"lead": "alex", "helper": "sam"}}  # cora is a row of a clients CSV
CSV_CLIENT = "cora"
PEOPLE = ("alex", "sam", "pat", "noor")


def write_workspace(root: Path, text: Callable[..., str]) -> Path:
    """A workspace whose every text field is `text(field, *clients who may see it)`.

    Three clients on one journey (two in client files, one a row of a CSV), four people
    (one on every team, one on none), touchpoints of every kind: visible, surprise,
    internal, `on:`, with `uses:`; and survey answers in a CSV, with comments.
    """
    served = {p: [c for c, team in TEAMS.items() if p in team.values()] for p in PEOPLE}
    both = tuple(TEAMS)  # every client
    (root / "journeys" / "team").mkdir(parents=True)
    (root / "journeys" / "clients").mkdir()
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(
        "site_name: Privacy check\nsite_url: https://journeys.example.com/\ndocs_dir: docs\n"
        "theme:\n  name: mkdocs\nplugins:\n  - search\n  - journeymap:\n      business:\n"
        + "".join(f"        {key}: {q(text('business.' + key, *both) + end)}\n"
                  for key, end in (("name", ""), ("address", "\nLine two"), ("phone", ""),
                                   ("email", "@example.com")))
        + f"        action: {{label: {q(text('business.action', *both))}, "
          "url: 'https://example.com/book'}\n")
    (root / "docs" / "about.md").write_text("# About\n\nAn internal page.\n")

    def touchpoint(ident: str, day: str, title: str, extra: str = "") -> str:
        return (f"  - id: {ident}\n    {day}\n    title: {q(title)}\n    owner: lead\n"
                f"    support: [helper]\n    channel: meeting\n"
                f"    emotion: {q(text(ident + '.emotion'))}\n"
                f"    description: {q(text(ident + '.description') + ' *said* [here](https://example.com/x)')}\n"
                f"{extra}")

    journey = (
        f"title: {q(text('journey.title'))}\n"
        f"summary: {q(text('journey.summary'))}\n"
        f"roles:\n  lead: {q(text('role.lead', *both))}\n"
        f"  helper: {q(text('role.helper', *both))}\n"
        # The workshop wall's lanes and parking lot are internal, every note of them.
        f"lanes:\n  worries: {q(text('lane.label'))}\n"
        "stages:\n"
        f"  - id: before\n    title: {q(text('stage.title', *both))}\n    from: -30\n"
        f"    to: 0\n    phases: [assess]\n    feel: {q(text('stage.feel'))}\n"
        f"    promise: {q(text('stage.promise', *both))}\n"
        f"    description: {q(text('stage.description'))}\n"
        f"    lanes:\n      does: [{q(text('lane.does'))}]\n"
        f"      pains: {q(text('lane.pains'))}\n"
        f"      opportunities: [{q(text('lane.opportunities'))}]\n"
        f"      backstage: [{q(text('lane.backstage'))}]\n"
        f"      worries: [{q(text('lane.worries'))}]\n"
        f"  - id: after\n    title: {q(text('stage2.title', *both))}\n    from: 1\n"
        "    to: 400\n    phases: [admit]\n"
        # A stage with no step for the client and no promise is not on their page at all.
        f"  - id: quiet\n    title: {q(text('stage3.title'))}\n    from: 401\n    to: 500\n"
        f"    feel: {q(text('stage3.feel'))}\n"
        "touchpoints:\n"
        + touchpoint("visible", "day: 10", text("visible.title", *both),
                     "    client_visible: true\n")
        + touchpoint("later", "day: 20", text("later.title", *both),
                     "    client_visible: true\n    uses: [treat_pref]\n")
        # Past and done: on the page, ticked (the whole journey is shown).
        + touchpoint("past", "day: -20", text("past.title", *both), "    client_visible: true\n")
        + touchpoint("quiet", "day: 450", text("quiet.title"))
        + touchpoint("surprise", "day: 12", text("surprise.title"),
                     "    client_visible: true\n    surprise: true\n    uses: [treat_pref]\n")
        + touchpoint("internal", "day: 14", text("internal.title"))
        + touchpoint("yearly", "on: birthday", text("yearly.title"),
                     "    stage: after\n    client_visible: true\n")
        + touchpoint("cadence", "day: 15", text("cadence.title", *both),
                     "    client_visible: true\n    repeat: {every: 7, times: 3}\n")
        + f"parking_lot: [{q(text('parking.note'))}]\n"
    )
    (root / "journeys" / "care.yml").write_text(journey)

    for person in PEOPLE:
        clients = served[person]
        photo = person in ("alex", "pat")
        if photo:
            shutil.copy(PHOTO, root / "journeys" / "team" / f"{person}.jpg")
        fm = (
            f"name: {q(text(person + '.name', *clients))}\n"
            f"title: {q(text(person + '.title', *clients))}\n"
            f"pronouns: {q(text(person + '.pronouns', *clients))}\n"
            + (f"photo: {person}.jpg\n" if photo else "")
            + f"email: {q(text(person + '.email', *clients) + '@example.com')}\n"
            f"video: {q('https://example.com/' + text(person + '.video', *clients))}\n"
            f"fun_facts:\n  - {q(text(person + '.fact1', *clients))}\n"
            f"  - {q(text(person + '.fact2', *clients))}\n"
            f"phone: {q(text(person + '.phone'))}\n"
            f"notes: {q(text(person + '.notes'))}\n"
        )
        bio = text(person + ".bio", *clients) + " with *emphasis* and a [link](https://example.com)"
        (root / "journeys" / "team" / f"{person}.md").write_text(f"---\n{fm}---\n{bio}\n")

    for client, team in TEAMS.items():
        if client == CSV_CLIENT:
            _write_csv_client(root, client, team, text)
            continue
        day_one = "2026-11-20" if client == "acme" else "2026-11-18"
        record = (
            f"name: {q(text(client + '.name', client))}\n"
            f"contact: {q(text(client + '.contact', client))}\n"
            f"journey: care\nday_one: {day_one}\n"
            "team:\n" + "".join(f"  {role}: {who}\n" for role, who in team.items())
            + f"welcome: {q(text(client + '.welcome', client) + ' **welcome**')}\n"
            f"must_know:\n  - {q(text(client + '.must_know1'))}\n"
            f"  - {q(text(client + '.must_know2'))}\n"
            "dates:\n  birthday: 12-24\n  anniversary: 2015-03-01\n"
            f"preferences:\n  treat_pref: {q(text(client + '.pref'))}\n"
            f"  other_pref: {q(text(client + '.pref2'))}\n"
            # The household: every name, address, preference and date of theirs internal.
            f"people:\n  - name: {q(text(client + '.person1'))}\n"
            f"    email: {q(text(client + '.person1.email') + '@example.com')}\n"
            f"    dates: {{birthday: 12-26}}\n"
            f"    preferences: {{treat_pref: {q(text(client + '.person1_pref'))}}}\n"
            f"  - name: {q(text(client + '.person2'))}\n"
            f"    dates: {{birthday: 12-27}}\n"
            f"cares_about: {q(text(client + '.cares'))}\n"
            f"goals:\n  - {q(text(client + '.goal1'))}\n  - {q(text(client + '.goal2'))}\n"
            f"handoff: {q(text(client + '.handoff'))}\n"
            f"notes: {q(text(client + '.notes'))}\n"
            "done:\n  past: 2026-10-30\n"
            # What happened: all internal (the reasons, what they said, how they felt).
            f"  internal: {{skipped: 2026-11-19, reason: {q(text(client + '.skip_reason'))}}}\n"
            "feedback:\n"
            f"  - {{date: 2026-11-21, touchpoint: visible, feel: 2, heard_by: {team['lead']}, "
            f"said: {q(text(client + '.said'))}}}\n"
            f"  - {{date: 2026-11-22, feel: 1, said: {q(text(client + '.said2'))}}}\n"
            + (f"paused: {{date: 2026-12-20, until: 2026-12-22, "
               f"reason: {q(text(client + '.pause_reason'))}}}\n" if client == "acme" else
               f"left: {{date: 2026-12-30, reason: {q(text(client + '.left_reason'))}}}\n")
        )
        (root / "journeys" / "clients" / f"{client}.yml").write_text(record)
    (root / "journeys" / "surveys").mkdir()
    _write_csv(root / "journeys" / "surveys" / "answers.csv", [
        ["date", "client", "touchpoint", "score:0-10", "comment", "email"],
        *([f"2026-11-2{k}", client, "visible" if k % 2 else "", str(k * 3),
           text(f"{client}.survey{k}"), text(f"{client}.survey_email{k}") + "@example.com"]
          for client in TEAMS for k in (1, 2)),
    ])
    return root


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)


def _write_csv_client(root: Path, client: str, team: dict[str, str],
                      text: Callable[..., str]) -> None:
    """A client as a row of a CSV file, with a marker in every column that holds text."""
    cells = {
        "id": client, "name": text(client + ".name", client),
        "contact": text(client + ".contact", client), "journey": "care",
        "day_one": "2026-11-19",
        **{f"team.{role}": who for role, who in team.items()},
        "welcome": text(client + ".welcome", client) + " **welcome**",
        "must_know": text(client + ".must_know1") + "\n" + text(client + ".must_know2"),
        "dates.birthday": "12-24", "dates.anniversary": "2015-03-01",
        "preferences.treat_pref": text(client + ".pref"),
        "preferences.other_pref": text(client + ".pref2"),
        "cares_about": text(client + ".cares"),
        "goals": text(client + ".goal1") + "\n" + text(client + ".goal2"),
        "handoff": text(client + ".handoff"), "notes": text(client + ".notes"),
        "people.1.name": text(client + ".person1"),
        "people.1.email": text(client + ".person1.email") + "@example.com",
        "people.1.dates.birthday": "12-26",
        "people.1.preferences.treat_pref": text(client + ".person1_pref"),
        "people.2.name": text(client + ".person2"), "people.2.dates.birthday": "12-27",
    }
    _write_csv(root / "journeys" / "clients" / "more.csv", [list(cells), list(cells.values())])


def business_of(root: Path) -> Business | None:
    """The `business` option of a workspace's mkdocs.yml, as a build reads it."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    option = next((p["journeymap"] for p in config["plugins"]
                   if isinstance(p, dict) and "journeymap" in p), None) or {}
    business, problems = load_business(option.get("business"), root / "mkdocs.yml")
    assert [p for p in problems if p.severity == "error"] == [], problems
    return business


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def assert_private(client_id: str, text: str, markers: Markers, where: str) -> None:
    found = set(TOKEN.findall(text))
    leaked = {m: markers.field[m] for m in found if m in markers.forbidden(client_id)}
    assert not leaked, f"{where} shows internal or foreign fields: {leaked}"
    # The check can fail: the page does show what it may (here, most of it).
    shown = {markers.field[m] for m in found}
    for field in (f"{client_id}.name", f"{client_id}.welcome", "sam.fact1", "visible.title",
                  "role.lead", "stage.promise", "past.title", "business.name",
                  "business.action"):
        assert field in shown, f"{where} lacks {field}: the markers did not reach it at all"


@pytest.fixture(scope="module")
def markers() -> Markers:
    return Markers()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, markers: Markers) -> Path:
    return write_workspace(tmp_path_factory.mktemp("privacy"), markers)


@pytest.fixture(scope="module")
def renderer(workspace: Path) -> Renderer:
    loaded = load_workspace(workspace, "journeys")
    assert not loaded.errors, loaded.errors
    return Renderer(loaded.workspace, dt.date.fromisoformat(AS_OF),
                    business=business_of(workspace))


def test_every_field_got_a_marker(markers: Markers, workspace: Path) -> None:
    # Guard against a fixture that silently drops fields: each marker is in the files.
    written = "".join(p.read_text() for p in (workspace / "journeys").rglob("*")
                      if p.suffix in (".yml", ".md", ".csv"))
    written += (workspace / "mkdocs.yml").read_text()
    assert set(TOKEN.findall(written)) == set(markers.field)
    assert len(markers.field) > 60


def test_meet_html_shows_nothing_internal(renderer: Renderer, markers: Markers) -> None:
    files = renderer.files()
    for client_id in TEAMS:
        html = files[f"meet/{client_id}.html"].decode()
        assert_private(client_id, html, markers, f"meet/{client_id}.html")
        # The internal touchpoint description carries a link; nothing of it is there.
        assert "said" not in html


def test_the_lanes_reach_the_internal_map(renderer: Renderer, markers: Markers) -> None:
    # The lane markers above are checked to stay off the clients' pages; here, that they are
    # there to leak at all: the workshop view (the map) shows every one of them.
    html = renderer.workshop_html(renderer.ws.journeys["care"])
    shown = {markers.field[m] for m in TOKEN.findall(html)}
    lanes = {f for f in markers.field.values() if f.startswith(("lane.", "parking."))}
    assert len(lanes) == 7 and lanes <= shown


def test_the_household_reaches_the_internal_pages(renderer: Renderer,
                                                  markers: Markers) -> None:
    # The household's markers are checked to stay off the meet pages; here, that they are
    # there to leak at all: the client's own page and packet name each person, and the
    # birthday touchpoint is on the schedule once for each of them.
    pages = {page.key: page for page in renderer.pages()}
    for client_id in TEAMS:
        for key in (f"clients/{client_id}", f"clients/{client_id}/handoff"):
            html = renderer.render(pages[key])
            shown = {markers.field[m] for m in TOKEN.findall(html)}
            assert {f"{client_id}.person1", f"{client_id}.person2",
                    f"{client_id}.person1_pref"} <= shown, key
        schedule = renderer.render(pages[f"clients/{client_id}"])
        assert schedule.count('class="jm-for-whom"') == 2, client_id


def test_internal_fields_do_not_change_the_page_at_all(renderer: Renderer) -> None:
    # Stronger than markers: the must-know note, preferences, goals and the rest (dates
    # aside, which `on:` touchpoints need) can hold no text, so show they have no effect at
    # all. The done log ticks the client's own steps, and only those: entries for the
    # surprise and the internal touchpoints change nothing.
    ws, as_of = renderer.ws, renderer.as_of
    for client in ws.clients.values():
        page = render_meet(ws, client, as_of)
        bare = replace(client, preferences={}, cares_about=None, goals=(), handoff=None,
                       notes=None, must_know=(), feedback=(), skipped={}, paused=None,
                       left=None, household=())
        assert len(client.household) == 2  # from the client file and from the CSV's row
        assert client.feedback  # from the client file and from the survey's CSV
        from_file = client.id != CSV_CLIENT  # a row holds no logs
        assert not from_file or (client.skipped and (client.paused or client.left))
        assert page == render_meet(ws, bare, as_of)
        hidden = replace(client, done={**client.done, "surprise": (dt.date(2026, 12, 2),),
                                       "internal": (dt.date(2026, 12, 4),)})
        assert page == render_meet(ws, hidden, as_of)
        if from_file:
            assert page != render_meet(ws, replace(client, done={}), as_of)  # the ticks
        undated = replace(client, dates={})
        assert page == render_meet(ws, undated, as_of)


def test_meet_pdf_shows_nothing_internal(renderer: Renderer, markers: Markers,
                                         tmp_path: Path) -> None:
    jobs, files = [], renderer.files()
    for client_id in TEAMS:
        html = tmp_path / f"{client_id}.html"
        html.write_bytes(files[f"meet/{client_id}.html"])
        jobs.append(PdfJob(html, tmp_path / f"{client_id}.pdf"))
    render_pdfs(jobs, cache_dir=None)
    for client_id in TEAMS:
        assert_private(client_id, pdf_text(tmp_path / f"{client_id}.pdf"), markers,
                       f"meet/{client_id}.pdf")


def test_built_site_meet_files_are_private_and_unlisted(workspace: Path,
                                                        markers: Markers) -> None:
    """The real build. Needs the plugin to write Renderer.files() and the PDFs."""
    result = run(["journeymap", "build", "--as-of", AS_OF], workspace)
    assert result.returncode == 0, result.stderr
    site = workspace / "site"
    meet = site / "meet"
    built = sorted(p.name for p in meet.iterdir()) if meet.is_dir() else []
    assert built == ["acme.html", "acme.pdf", "brio.html", "brio.pdf", "cora.html", "cora.pdf"]
    for path in meet.iterdir():
        client_id = path.stem
        text = pdf_text(path) if path.suffix == ".pdf" else path.read_text()
        assert_private(client_id, text, markers, f"site/meet/{path.name}")
    # Not listed where a crawler or a colleague's search would find them.
    sitemap = (site / "sitemap.xml").read_text()
    index = (site / "search" / "search_index.json").read_text()
    assert "clients/acme/" in sitemap and "acme" in index  # the checks can fail
    assert "meet/" not in sitemap and "meet/" not in index
    for name in built:
        assert name not in sitemap and name not in index
    # The internal pages and calendars were built beside them.
    assert (site / "clients" / "acme" / "handoff" / "index.html").is_file()
    assert (site / "clients" / "acme" / "calendar.ics").is_file()
    assert (site / "team" / "sam.ics").is_file()
    # What the CSV files hold reached the internal pages (so their absence above means
    # something): a survey comment, and the CSV client's must-know note.
    marker = {field: m for m, field in markers.field.items()}
    for client_id, field in (("acme", "acme.survey1"), ("cora", "cora.survey2"),
                             ("cora", "cora.must_know1")):
        page = (site / "clients" / client_id / "index.html").read_text()
        assert marker[field] in page, f"{field} is not on the internal page of {client_id}"

