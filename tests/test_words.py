"""Words per business: a restaurant's pages speak of guests and first visits, not clients
and signing; counts are in the singular for one."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from journeymap import Renderer
from journeymap.model import Workspace
from journeymap.vocabulary import Words, capitalized
from journeymap.workspace.load import load_workspace

JOURNEY = """\
title: Dinner at Cedar
summary: From the booking to the regular who brings friends.
words: {client: guest, signing: first visit, signed: first came, sales: the host}
roles:
  host: Host
  server: Server
stages:
  - {id: booking, title: Booking, from: -7, to: 0, phases: [assess], feel: Welcome}
  - {id: first-visit, title: First visit, from: 1, to: 30, phases: [admit, affirm],
     feel: Looked after, promise: We learn what you like.}
  - {id: regular, title: Regular, from: 31, to: 365, phases: [adopt, advocate]}
touchpoints:
  - {id: confirm, title: Booking confirmed, day: -2, owner: host, channel: email, feel: 4}
  - {id: welcome, title: Welcome at the door, day: 1, owner: host, support: [server],
     channel: in-person, feel: 5, client_visible: true}
  - {id: note, title: Thank-you note, day: 3, owner: server, channel: mail, feel: 4}
  - {id: table, title: Their usual table, day: 60, owner: host, channel: in-person, feel: 5}
"""

PERSON = "---\nname: {name}\ntitle: {title}\n---\n{name} works the floor.\n"

GUEST = """\
name: Ada Marsh
journey: dinner
day_one: 2026-11-10
team: {host: rae-lin, server: tom-ode}
"""


class _Text(HTMLParser):
    """The words a reader sees: text outside scripts, styles and SVG, and no attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("script", "style", "svg")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style", "svg")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture()
def restaurant(tmp_path: Path) -> Workspace:
    (tmp_path / "journeys" / "team").mkdir(parents=True)
    (tmp_path / "journeys" / "clients").mkdir()
    (tmp_path / "journeys" / "dinner.yml").write_text(JOURNEY)
    (tmp_path / "journeys" / "team" / "rae-lin.md").write_text(
        PERSON.format(name="Rae Lin", title="Host"))
    (tmp_path / "journeys" / "team" / "tom-ode.md").write_text(
        PERSON.format(name="Tom Ode", title="Server"))
    (tmp_path / "journeys" / "clients" / "ada-marsh.yml").write_text(GUEST)
    loaded = load_workspace(tmp_path)
    assert not loaded.errors, loaded.errors
    return loaded.workspace


def rendered(ws: Workspace, words: Words | None = None) -> dict[str, str]:
    renderer = Renderer(ws, dt.date(2026, 11, 24), words=words)
    return {page.key: text_of(renderer.render(page)) for page in renderer.pages()}


CLIENT_WORD = re.compile(r"\bclients?\b|\bsign(ed|ing)\b|\bsales\b", re.IGNORECASE)


def test_a_restaurant_speaks_of_guests_on_every_page(restaurant: Workspace) -> None:
    site = Words().over({"client": "guest", "signed": "first came", "signing": "first visit",
                         "sales": "the host"})
    pages = rendered(restaurant, site)
    assert set(pages) >= {"index", "journeys/dinner", "clients/index", "clients/ada-marsh",
                          "clients/ada-marsh/handoff", "team/index", "team/rae-lin",
                          "team/responsibilities"}
    for key, text in pages.items():
        assert not CLIENT_WORD.search(text), (key, CLIENT_WORD.findall(text), text)
    assert "Guest journeys" in pages["index"] and "1 guest" in pages["index"]
    assert "Guests on this journey" in pages["journeys/dinner"]
    assert "First came" in pages["clients/ada-marsh"]
    assert "What the host learned" in pages["clients/ada-marsh/handoff"]
    assert "Guests" in pages["team/rae-lin"]


def test_a_journey_names_its_own_words_for_its_own_pages(restaurant: Workspace) -> None:
    pages = rendered(restaurant)  # the site keeps journeymap's words
    assert "Client journeys" in pages["index"]  # every journey's page: the site's words
    assert "1 guest" in pages["index"]  # ...but a journey's own card counts in its words
    for key in ("journeys/dinner", "clients/ada-marsh", "clients/ada-marsh/handoff"):
        assert not CLIENT_WORD.search(pages[key]), (key, CLIENT_WORD.findall(pages[key]))


@pytest.mark.parametrize(("number", "expected"), [
    (0, "0 guests"), (1, "1 guest"), (2, "2 guests"), (1000, "1,000 guests")])
def test_counts_are_singular_for_one(number: int, expected: str) -> None:
    assert Words().over({"client": "guest"}).count(number) == expected


def test_one_client_one_stage_and_one_touchpoint_are_counted_as_one(
        restaurant: Workspace) -> None:
    pages = rendered(restaurant, Words())
    assert "1 client" in pages["index"] and "1 clients" not in pages["index"]
    assert not re.search(r"\b1 (touchpoints|stages|phases|clients|guests)\b",
                         " ".join(pages.values()))


def test_capitalized_keeps_the_rest_as_written() -> None:
    assert capitalized("the host") == "The host"
    assert capitalized("CEO") == "CEO"
    assert capitalized("") == ""


@pytest.mark.parametrize(("written", "message"), [
    ("words: guest\n", "'words' must be a mapping of words, such as {client: guest, signing: "
                       "first visit}, got 'guest'"),
    ("words: {cliant: guest}\n", "unknown key 'cliant' in words (did you mean 'client'?)"),
])
def test_a_journey_s_words_that_cannot_be_used_are_positioned(
        tmp_path: Path, written: str, message: str) -> None:
    (tmp_path / "journeys").mkdir()
    journey = JOURNEY.replace(JOURNEY.splitlines()[2] + "\n", written)
    (tmp_path / "journeys" / "dinner.yml").write_text(journey)
    problems = load_workspace(tmp_path).errors
    assert [(p.path, p.line) for p in problems] == [("journeys/dinner.yml", 3)], problems
    assert problems[0].message.startswith(message), problems[0].message


def test_check_counts_in_the_singular_for_one(restaurant: Workspace) -> None:
    from conftest import run

    from journeymap.derive.lint import RULES

    root = restaurant.source.parent
    quiet = "".join(f"        {rule}: off\n" for rule in RULES)  # the summary of a clean check
    (root / "mkdocs.yml").write_text("site_name: Cedar\nplugins:\n  - journeymap:\n"
                                     "      lint:\n" + quiet)
    checked = run(["journeymap", "check", "--as-of", "2026-11-24"], root)
    assert "journeys/ is valid: 1 journey, 2 people, 1 client" in checked.stderr + checked.stdout
    assert "(s)" not in checked.stderr + checked.stdout
