"""Calendar feeds of the example workspace, read back with icalendar and checked by hand.

Harbor Street Bakery signed on Fri 20 Nov 2026 (day 1), so: the welcome gift (day 5) falls
on 24 Nov, the kickoff (day 7) on 26 Nov, the weekly check-ins (day 14, every 7 days, 3
times) on 3, 10 and 17 Dec, the anniversary thank-you (day 365, yearly) on 19 Nov 2027, and
the birthday card (`on: birthday`, 07-09) first on 9 Jul 2027.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import AS_OF, REPO
from dateutil.rrule import rrulestr
from icalendar import Calendar

from journeymap.cache import DiskCache, recipe
from journeymap.derive.schedule import agenda
from journeymap.model import Client, MonthDay, Person, Workspace
from journeymap.render.calendars import calendar_feeds, client_calendar, person_calendar, plain_text
from journeymap.render.renderer import Renderer
from journeymap.workspace.load import load_workspace

AS_OF_DATE = dt.date.fromisoformat(AS_OF)


@pytest.fixture(scope="module")
def ws() -> Workspace:
    loaded = load_workspace(REPO, "journeys")
    assert not loaded.errors
    return loaded.workspace


def events(data: bytes) -> dict[str, list[dict[str, object]]]:
    """Events by summary, each as {start, rrule, uid, description}."""
    cal = Calendar.from_ical(data)
    found: dict[str, list[dict[str, object]]] = {}
    for event in cal.walk("VEVENT"):
        rrule = event.get("rrule")
        found.setdefault(str(event["summary"]), []).append({
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "rrule": rrule.to_ical().decode() if rrule else None,
            "uid": str(event["uid"]),
            "stamp": event.decoded("dtstamp"),
            "description": str(event["description"]),
        })
    return found


def test_client_calendar_dates_by_hand(ws: Workspace) -> None:
    data = client_calendar(ws, agenda(ws, AS_OF_DATE), "harbor-street-bakery")
    cal = Calendar.from_ical(data)
    assert str(cal["x-wr-calname"]) == "Harbor Street Bakery · client journey"
    found = events(data)
    one = "· Harbor Street Bakery"

    def starts(title: str) -> list[dt.date]:
        return sorted(e["start"] for e in found[f"{title} {one}"])  # type: ignore[misc]

    assert starts("A little welcome gift") == [dt.date(2026, 11, 24)]  # internal: surprises too
    assert starts("Kickoff meeting") == [dt.date(2026, 11, 26)]
    assert starts("Weekly check-in") == [dt.date(2026, 12, 3), dt.date(2026, 12, 10),
                                         dt.date(2026, 12, 17)]
    assert starts("Gentle follow-up") == [dt.date(2026, 10, 20), dt.date(2026, 10, 27),
                                          dt.date(2026, 11, 3)]
    # All-day events: one day long, dates not times.
    kickoff = found[f"Kickoff meeting {one}"][0]
    assert kickoff["end"] == dt.date(2026, 11, 27)
    assert not isinstance(kickoff["start"], dt.datetime)
    # Yearly ones: one event with a yearly rule from the first date.
    thanks = found[f"Anniversary thank-you {one}"]
    assert [(e["start"], e["rrule"]) for e in thanks] == [(dt.date(2027, 11, 19), "FREQ=YEARLY")]
    birthday = found[f"Birthday card {one}"]
    assert [(e["start"], e["rrule"]) for e in birthday] == [(dt.date(2027, 7, 9), "FREQ=YEARLY")]
    assert starts("Their business's birthday") == [dt.date(2027, 5, 6)]
    # Descriptions: the owner with their role, what is done, the preference used; no links.
    gift = str(found[f"A little welcome gift {one}"][0]["description"])
    assert "Owner: Sam Okafor (Client assistant)" in gift
    assert "Favorite treat: Pistachio financiers" in gift
    deep_dive = str(found[f"Deep Dive call {one}"][0]["description"])
    assert "Done on 2026-10-15" in deep_dive
    assert "http" not in data.decode() and "<" not in data.decode()


def test_uids_are_unique_and_stable_and_the_bytes_reproducible(ws: Workspace) -> None:
    now = client_calendar(ws, agenda(ws, AS_OF_DATE), "harbor-street-bakery")
    assert now == client_calendar(ws, agenda(ws, AS_OF_DATE), "harbor-street-bakery")
    uids = [e["uid"] for found in events(now).values() for e in found]
    assert len(uids) == len(set(uids)) > 30
    # A later build: DTSTAMP follows the build date, the UIDs stay (yearly ones included).
    later = client_calendar(ws, agenda(ws, dt.date(2028, 1, 10)), "harbor-street-bakery")
    assert {e["uid"] for f in events(later).values() for e in f} == set(uids)
    stamps = {e["stamp"] for f in events(later).values() for e in f}
    assert stamps == {dt.datetime(2028, 1, 10, tzinfo=dt.UTC)}


def test_an_undated_on_touchpoint_is_left_out(ws: Workspace) -> None:
    # Brightwater Dental has no birthday on record: nothing to put in a calendar.
    found = events(client_calendar(ws, agenda(ws, AS_OF_DATE), "brightwater-dental"))
    assert "Birthday card · Brightwater Dental" not in found
    assert "Their business's birthday · Brightwater Dental" in found


def test_person_calendar_holds_their_part_only(ws: Workspace) -> None:
    plan = agenda(ws, AS_OF_DATE)
    sam = events(person_calendar(ws, plan, "sam-okafor"))
    assert str(Calendar.from_ical(person_calendar(ws, plan, "sam-okafor"))["x-wr-calname"]) \
        == "Sam Okafor · client touchpoints"
    gift = sam["A little welcome gift · Harbor Street Bakery"][0]
    assert gift["start"] == dt.date(2026, 11, 24)
    assert "Your part: Owner" in str(gift["description"])
    kickoff = sam["Kickoff meeting · Harbor Street Bakery"][0]
    assert "Your part: Support" in str(kickoff["description"])
    assert "Owner: Jonah Lindqvist (Client lead)" in str(kickoff["description"])
    # Sales calls are Maya's, not Sam's.
    assert not [s for s in sam if s.startswith("Deep Dive call")]
    maya = events(person_calendar(ws, plan, "maya-okonkwo"))
    assert "Agreement signed · Harbor Street Bakery" in maya  # 4 days ago
    # A person's feed is recent and coming events: last year's Deep Dive calls are left out,
    # yearly ones are kept whatever their first date.
    # The two who sign in January have theirs to come.
    assert sorted(s for s in maya if s.startswith("Deep Dive call")) == [
        "Deep Dive call · Lamp & Ladder Books", "Deep Dive call · Saltmarsh Ceramics"]
    assert [s for s in sam if s.startswith("Birthday card")]
    # Noor leads one client only: her calendar is that client's.
    noor = events(person_calendar(ws, plan, "noor-haddad"))
    assert noor and all(s.endswith("· Tidewater Yoga") for s in noor)


def test_29_february_repeats_on_the_last_day_of_february(ws: Workspace) -> None:
    client = ws.clients["harbor-street-bakery"]
    leap = Workspace(ws.source, ws.journeys, ws.people, {
        client.id: type(client)(**{**client.__dict__,
                                   "dates": {"birthday": MonthDay(None, 2, 29)}})})
    found = events(client_calendar(leap, agenda(leap, AS_OF_DATE), client.id))
    card = found["Birthday card · Harbor Street Bakery"][0]
    start = card["start"]
    assert start == dt.date(2027, 2, 28)
    rule = rrulestr(str(card["rrule"]), dtstart=dt.datetime.combine(start, dt.time()))
    dates = [d.date() for d in rule[:3]]  # type: ignore[index]
    assert dates == [dt.date(2027, 2, 28), dt.date(2028, 2, 29), dt.date(2029, 2, 28)]


def test_plain_text_drops_markup_and_link_targets() -> None:
    text = plain_text("Read **this** [page](https://example.com/x)\nplease.\n\n- one\n- two")
    assert text == "Read this page please.\none\ntwo"


def test_renderer_files_hold_the_feeds(ws: Workspace, tmp_path: Path) -> None:
    files = Renderer(ws, AS_OF_DATE).files()
    assert {p for p in files if p.endswith(".ics")} == (
        {f"team/{p}.ics" for p in ws.people} | {f"clients/{c}/calendar.ics" for c in ws.clients})
    for path, data in files.items():
        if path.endswith(".ics"):
            assert Calendar.from_ical(data).walk("VEVENT"), path


# ---- feeds put together from cached blocks ---------------------------------------------------

def _key(ws: Workspace) -> Callable[[Client], str]:
    """A client recipe that leaves people out: the feeds must add the owners' names."""
    return lambda client: recipe(client, ws.journeys[client.journey])


def _plain(ws: Workspace, as_of: dt.date = AS_OF_DATE) -> dict[str, bytes]:
    """Every feed as one icalendar Calendar each, with no cache."""
    plan = agenda(ws, as_of)
    return {**{f"team/{p}.ics": person_calendar(ws, plan, p) for p in ws.people},
            **{f"clients/{c}/calendar.ics": client_calendar(ws, plan, c) for c in ws.clients}}


def _feeds(ws: Workspace, cache: DiskCache, as_of: dt.date = AS_OF_DATE) -> dict[str, bytes]:
    return calendar_feeds(ws, agenda(ws, as_of), cache, _key(ws))


@pytest.fixture(scope="module")
def tricky(ws: Workspace) -> Workspace:
    """The example with the awkward cases: a 29 February birthday, a client whose yearly
    day-365 thank-you first falls on 29 Feb 2028, a touchpoint owned by a person named in the
    journey (not through a role), and a person who takes part in nothing."""
    journey = ws.journeys["client-love"]
    journey = replace(journey, touchpoints=tuple(
        replace(tp, owner="noor-haddad") if tp.id == "kickoff" else tp
        for tp in journey.touchpoints))
    harbor = ws.clients["harbor-street-bakery"]
    leap = replace(harbor, id="leap-day-florist", name="Leap Day Florist",
                   day_one=dt.date(2027, 3, 2), done={})
    people = {**ws.people, "new-hire": Person("new-hire", "New Hire", "team/new-hire.md")}
    clients = {**ws.clients, leap.id: leap, harbor.id: replace(
        harbor, dates={**harbor.dates, "birthday": MonthDay(None, 2, 29)})}
    return Workspace(ws.source, {journey.id: journey}, people, clients)


@pytest.mark.parametrize("which", ["example", "tricky"])
def test_feeds_are_the_bytes_of_one_calendar(ws: Workspace, tricky: Workspace, which: str,
                                             tmp_path: Path) -> None:
    space = ws if which == "example" else tricky
    plain = _plain(space)
    cold_cache = DiskCache(tmp_path, "files")
    cold = _feeds(space, cold_cache)
    assert cold == plain  # same paths, same bytes
    warm_cache = DiskCache(tmp_path, "files")
    assert _feeds(space, warm_cache) == plain
    # One entry a client, which holds its blocks of every feed.
    assert cold_cache.misses == len(space.clients)
    assert (warm_cache.hits, warm_cache.misses) == (len(space.clients), 0)
    for data in cold.values():
        Calendar.from_ical(data)
    text = b"".join(cold.values()).decode()
    assert "\r\n " in text  # long lines folded (inside blocks, where "·" is two bytes)
    assert "Occurrence 2 of 3" in text and "RRULE:FREQ=YEARLY\r\n" in text
    if which == "tricky":
        assert cold["team/new-hire.ics"].count(b"BEGIN:VEVENT") == 0
        assert "RRULE:FREQ=YEARLY;BYMONTHDAY=-1;BYMONTH=2" in text
        florist = events(cold["clients/leap-day-florist/calendar.ics"])
        assert [e["start"] for e in florist["Anniversary thank-you · Leap Day Florist"]] \
            == [dt.date(2028, 2, 29)]
        assert "Owner: Noor Haddad" in text


def test_a_changed_client_makes_only_its_own_blocks_again(ws: Workspace,
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "files"
    before = _feeds(ws, DiskCache(tmp_path, "files"))
    kept = set(folder.iterdir())
    harbor = ws.clients["harbor-street-bakery"]
    edited = Workspace(ws.source, ws.journeys, ws.people, {
        **ws.clients, harbor.id: replace(harbor, name="Harbour Street Bakery")})
    cache = DiskCache(tmp_path, "files")
    after = _feeds(edited, cache)
    assert after == _plain(edited)
    changed = {path for path in after if after[path] != before[path]}
    team = {path for path, data in before.items()
            if path.startswith("team/") and b"Harbor Street Bakery" in data}
    assert len(team) >= 3 and changed == team | {f"clients/{harbor.id}/calendar.ics"}
    # Made again: the client's own blocks (one entry); the team's feeds took every other
    # client's blocks from the cache.
    assert (cache.hits, cache.misses) == (len(ws.clients) - 1, 1)
    assert len(set(folder.iterdir()) - kept) == 1


def test_the_cache_can_be_filled_client_by_client(ws: Workspace, tmp_path: Path) -> None:
    # As separate processes would, each with a share of the clients.
    ids = sorted(ws.clients)
    plain = _plain(ws)
    for share in (ids[:2], ids[2:]):
        part = calendar_feeds(ws, agenda(ws, AS_OF_DATE), DiskCache(tmp_path, "files"),
                              _key(ws), only=share)
        assert part == {f"clients/{c}/calendar.ics": plain[f"clients/{c}/calendar.ics"]
                        for c in share}  # no person's feed: each needs every client
    cache = DiskCache(tmp_path, "files")
    assert _feeds(ws, cache) == plain
    assert (cache.hits, cache.misses) == (len(ids), 0)


def test_a_renamed_owner_named_in_the_journey_is_printed_anew(tricky: Workspace,
                                                             tmp_path: Path) -> None:
    # The client recipe here leaves people out, and Noor is on no team but Tidewater's:
    # the feeds must notice her new name themselves.
    before = _feeds(tricky, DiskCache(tmp_path, "files"))
    noor = tricky.people["noor-haddad"]
    renamed = Workspace(tricky.source, tricky.journeys,
                        {**tricky.people, noor.id: replace(noor, name="Noor Haddad-Lee")},
                        tricky.clients)
    after = _feeds(renamed, DiskCache(tmp_path, "files"))
    assert after == _plain(renamed)
    assert sum(b"Owner: Noor Haddad" in data for data in before.values()) > len(tricky.clients)
    assert not any(b"Owner: Noor Haddad (" in data for data in after.values())


def test_a_person_named_in_the_journey_who_joins_gets_their_blocks(tricky: Workspace,
                                                                   tmp_path: Path) -> None:
    # Kept informed of every kickoff by name, before and after their file exists: the
    # clients are the same, the people taking part are not.
    journey = tricky.journeys["client-love"]
    journey = replace(journey, touchpoints=tuple(
        replace(tp, informed=(*tp.informed, "new-hire")) if tp.id == "kickoff" else tp
        for tp in journey.touchpoints))
    joined = Workspace(tricky.source, {journey.id: journey}, tricky.people, tricky.clients)
    before = Workspace(tricky.source, joined.journeys,
                       {p: v for p, v in tricky.people.items() if p != "new-hire"},
                       tricky.clients)
    _feeds(before, DiskCache(tmp_path, "files"))
    after = _feeds(joined, DiskCache(tmp_path, "files"))
    assert after == _plain(joined)
    assert "Kickoff meeting · Leap Day Florist" in events(after["team/new-hire.ics"])


def test_a_new_build_date_stamps_every_event_again(ws: Workspace, tmp_path: Path) -> None:
    _feeds(ws, DiskCache(tmp_path, "files"))
    later = dt.date(2027, 1, 5)
    assert _feeds(ws, DiskCache(tmp_path, "files"), later) == _plain(ws, later)


def test_damaged_cache_entries_are_made_again(ws: Workspace, tmp_path: Path) -> None:
    plain = _feeds(ws, DiskCache(tmp_path, "files"))
    entries = sorted((tmp_path / "files").iterdir())
    # Every entry damaged, half cut short and half with one byte changed.
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        if number % 2:
            entry.write_bytes(data[: len(data) // 2])
        else:
            middle = len(data) // 2
            entry.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:])
    cache = DiskCache(tmp_path, "files")
    assert _feeds(ws, cache) == plain == _plain(ws)
    assert (cache.hits, cache.misses) == (0, len(entries))


def test_a_household_has_an_event_per_person(ws: Workspace) -> None:
    # Fern & Fold's two owners each have a birthday card: two yearly series, each named
    # after its person, with a UID of its own and their own preference in the description.
    found = events(client_calendar(ws, agenda(ws, AS_OF_DATE), "fern-and-fold"))
    lena = found["Birthday card for Lena Park · Fern & Fold Design Studio"]
    omar = found["Birthday card for Omar Aziz · Fern & Fold Design Studio"]
    assert [(e["start"], e["rrule"]) for e in lena + omar] == [
        (dt.date(2026, 2, 11), "FREQ=YEARLY"), (dt.date(2025, 11, 27), "FREQ=YEARLY")]
    assert lena[0]["uid"] == "fern-and-fold.birthday-card.person-1.yearly.client@journeymap"
    assert omar[0]["uid"] == "fern-and-fold.birthday-card.person-2.yearly.client@journeymap"
    assert not [s for s in found if s.startswith("Birthday card ·")]  # no date of the client
