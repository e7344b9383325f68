"""A client's `must_know` (an allergy, an access need) follows them onto every internal page,
table row and calendar event about them, visibly marked, and never onto their meet page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
from conftest import AS_OF, copy_workspace

from journeymap.model import Workspace
from journeymap.render.pages import Page
from journeymap.render.renderer import Renderer
from journeymap.workspace.load import load_workspace

HARBOR = "harbor-street-bakery"
NOTE = "No calls before 1pm, ever; her day starts at 4am"  # harbor-street-bakery.yml
MARK = ('<span class="jm-must-know-mark"><strong><span aria-hidden="true">&#9888;</span> Must '
        'know:</strong> ')


@pytest.fixture(scope="module")
def renderer(example_workspace: Workspace) -> Renderer:
    return Renderer(example_workspace, dt.date.fromisoformat(AS_OF))


def render(renderer: Renderer, key: str) -> str:
    page: Page = next(p for p in renderer.pages() if p.key == key)
    return renderer.render(page)


def rows(html: str, table_after: str) -> list[str]:
    """The body rows of the first table after the text `table_after`."""
    table = html[html.index(table_after):]
    table = table[:table.index("</table>")]
    return re.findall(r"<tr class=\"jm-row--[a-z]+\">(.*?)</tr>", table, re.S)


def test_the_note_is_read_as_text_or_a_list(example_workspace: Workspace) -> None:
    assert example_workspace.clients[HARBOR].must_know == (NOTE,)
    assert example_workspace.clients["brightwater-dental"].must_know == (
        "Severe nut allergy (Dr. Mensah); nothing with nuts in any gift, treat or meal",
        "The clinic closes at 7pm; meetings at lunch or after 7.15pm")
    assert example_workspace.clients["tidewater-yoga"].must_know == ()


def test_their_own_pages_open_with_it(renderer: Renderer) -> None:
    for key in (f"clients/{HARBOR}", f"clients/{HARBOR}/handoff"):
        html = render(renderer, key)
        box = html.index('<div class="jm-must-know" role="note"')
        assert html.index("<h1>") < box < html.index("<h2"), key
        assert f"<li>{NOTE}</li>" in html
    # At the head of the schedule and of the packet's checklist, and beside every line the
    # client's preferences personalise (the treat, the drink, the restaurant).
    client = render(renderer, f"clients/{HARBOR}")
    assert re.search(r'<table class="jm-table jm-schedule">\s*<caption>' + re.escape(MARK + NOTE),
                     client)
    packet = render(renderer, f"clients/{HARBOR}/handoff")
    assert re.search(r'<table class="jm-table jm-checklist">\s*<caption>' + re.escape(MARK + NOTE),
                     packet)
    personalised = [r for r in rows(packet, 'class="jm-table jm-checklist"')
                    if 'class="jm-uses"' in r]
    assert len(personalised) == 3  # the welcome gift, the kickoff, the 100-day lunch
    assert all(MARK + NOTE in r for r in personalised)


def test_every_row_of_theirs_in_lists_of_many_clients_carries_it(renderer: Renderer) -> None:
    home = render(renderer, "index")
    due = rows(home, 'id="due"')
    theirs = [r for r in due if "Harbor Street Bakery" in r]
    others = [r for r in due if "Harbor Street Bakery" not in r]
    assert len(theirs) == 3 and others  # the check could fail both ways
    assert all(MARK + NOTE in r for r in theirs)
    # Brightwater and Lamp & Ladder (a row of the example's CSV) have notes of their own.
    assert not any("Must know" in r for r in others
                   if "Brightwater" not in r and "Ladder Books" not in r)
    overdue = rows(home, 'id="overdue"')
    assert any("Brightwater Dental" in r and "Severe nut allergy" in r and "7.15pm" in r
               for r in overdue)
    person = render(renderer, "team/jonah-lindqvist")
    soon = [r for r in rows(person, 'id="due"') if "Harbor Street Bakery" in r]
    assert soon and all(MARK + NOTE in r for r in soon)
    clients = person[person.index('id="clients"'):person.index('id="due"')]
    assert MARK + NOTE in clients
    listing = render(renderer, "clients/index")
    line = next(r for r in re.findall(r"<tr>(.*?)</tr>", listing, re.S) if HARBOR in r)
    assert MARK + NOTE in line


def test_every_calendar_event_about_them_says_it_first(renderer: Renderer) -> None:
    files = renderer.files()
    for path, name in ((f"clients/{HARBOR}/calendar.ics", None),
                       ("team/jonah-lindqvist.ics", "Harbor Street Bakery")):
        events = icalendar.Calendar.from_ical(files[path]).walk("VEVENT")
        theirs = [e for e in events if name is None or str(e["summary"]).endswith(name)]
        assert theirs
        for event in theirs:
            assert str(event["description"]).startswith(f"MUST KNOW: {NOTE}\n"), path
    jonah = icalendar.Calendar.from_ical(files["team/jonah-lindqvist.ics"]).walk("VEVENT")
    # Lamp & Ladder, a row of the example's CSV, has a note of its own, said first too.
    lamp = [e for e in jonah if str(e["summary"]).endswith("Lamp & Ladder Books")]
    assert lamp and all(str(e["description"]).startswith("MUST KNOW: Luis is allergic to nuts")
                        for e in lamp)
    others = [e for e in jonah if "Harbor Street Bakery" not in str(e["summary"])
              and e not in lamp]
    assert others and not any("MUST KNOW" in str(e["description"]) for e in others)


def test_never_on_their_meet_page(renderer: Renderer) -> None:
    meet = renderer.files()[f"meet/{HARBOR}.html"].decode()
    assert "Marisol" in meet and "1pm" not in meet and "Must know" not in meet


def test_a_note_that_is_not_text_is_refused(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    client = ws / "journeys" / "clients" / f"{HARBOR}.yml"
    text = client.read_text()
    client.write_text(text.replace(f"must_know: {NOTE}", "must_know: {allergy: nuts}", 1))
    problems = [str(p) for p in load_workspace(ws).problems]
    assert any(re.match(rf"journeys/clients/{HARBOR}\.yml:\d+:12: 'must_know' must be a "
                        r"list of text, got a mapping", p) for p in problems), problems
