"""The build caches (.journeymap-cache/): a warm build gives the bytes of a cold one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import AS_OF, copy_workspace, run, tree

from journeymap.cache import DiskCache, canonical, recipe


def build(ws: Path, site: str, log: list[str] | None = None) -> dict[str, bytes]:
    result = run(["journeymap", "build", "--as-of", AS_OF, "--site-dir", site], ws, check=True)
    if log is not None:
        log.append(result.stderr)
    return tree(ws / site)


def differences(one: dict[str, bytes], two: dict[str, bytes]) -> list[str]:
    return sorted(p for p in one.keys() | two.keys() if one.get(p) != two.get(p))


def test_a_warm_build_after_an_edit_equals_a_cold_build(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    first: list[str] = []
    build(ws, "first", first)  # fills the cache
    assert "19 PDFs (19 printed, 0 from the cache)" in first[0]
    cache = ws / ".journeymap-cache"
    assert {p.name for p in cache.iterdir()} >= {"dot", "pdf", "pages", "files"}

    client = ws / "journeys" / "clients" / "harbor-street-bakery.yml"
    client.write_text(client.read_text().replace("contact: Marisol Vega", "contact: Marisol V."))
    log: list[str] = []
    warm = build(ws, "warm", log)
    # Only the edited client's packet is printed again (its meet page shows no contact; the
    # journey's posters and cards show no client).
    assert "19 PDFs (1 printed, 18 from the cache)" in log[0]
    assert b"Marisol V." in warm["clients/harbor-street-bakery/handoff/index.html"]

    cold_ws = copy_workspace(tmp_path / "cold", ws)  # the same files, no cache
    assert not (cold_ws / ".journeymap-cache").exists()
    cold = build(cold_ws, "site")
    assert differences(warm, cold) == []

    # Damaged entries (a crash mid-write, a full disk) are made again, never used.
    for entry in cache.rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
    assert differences(build(ws, "after-damage"), cold) == []
    # Deleting the cache is always safe.
    for entry in sorted(cache.rglob("*"), reverse=True):
        entry.unlink() if entry.is_file() else entry.rmdir()
    assert differences(build(ws, "no-cache"), cold) == []


def test_an_edited_feedback_entry_rebuilds_what_shows_it_and_equals_a_cold_build(
        tmp_path: Path) -> None:
    """Feedback is internal and read by the journey's figures: an edited answer changes the
    client's page, the journey page (its curve, table and lint findings), the home and the
    plan-kept page, never a meet page or a PDF; a warm build equals a cold one."""
    ws = copy_workspace(tmp_path / "ws")
    rebuild(ws, "--no-pdf")
    rebuild(ws, "--no-pdf")  # the site and its spare
    before = tree(ws / "site")
    client = ws / "journeys" / "clients" / "tidewater-yoga.yml"
    text = client.read_text()
    old = "    touchpoint: day-30-review\n    feel: 3\n"
    assert text.count(old) == 1
    client.write_text(text.replace(old, "    touchpoint: day-30-review\n    feel: 1\n"))
    edited, log = rebuild(ws, "--no-pdf")
    assert differences(edited, cold_build(ws, tmp_path / "cold", "--no-pdf")) == []
    changed = differences(before, edited)
    assert "journeys/client-love/index.html" in changed
    assert "clients/tidewater-yoga/index.html" in changed
    assert not [p for p in changed if p.startswith("meet/") or p.endswith(".pdf")], changed
    assert not [p for p in changed if p.startswith("clients/") and "tidewater" not in p
                and p != "clients/index.html"], changed
    assert kept_pages(log) > 0
    # And back: the answer undone, the site is what it was.
    client.write_text(text)
    undone, _ = rebuild(ws, "--no-pdf")
    assert differences(undone, cold_build(ws, tmp_path / "cold-back", "--no-pdf")) == []


def test_a_dragged_curve_point_remakes_the_map_not_every_client(tmp_path: Path) -> None:
    """A touchpoint's planned feel and emotion (the workshop's curve) show on the journey's
    pages and, beside their answers, on the pages of the clients who answered it: changing
    them remakes those, and keeps every other client's pages, calendars and meet pages."""
    ws = copy_workspace(tmp_path / "ws")
    rebuild(ws, "--no-pdf")
    rebuild(ws, "--no-pdf")  # the site and its spare
    before = tree(ws / "site")
    journey = ws / "journeys" / "client-love.yml"
    text = journey.read_text()
    old = "    phase: adopt\n    feel: 4\n    emotion: invested\n"
    assert text.count(old) == 1  # the six-month review, which only Fern & Fold answered
    journey.write_text(text.replace(old, "    phase: adopt\n    feel: 2\n    emotion: doubtful\n"))
    edited, log = rebuild(ws, "--no-pdf")
    assert differences(edited, cold_build(ws, tmp_path / "cold", "--no-pdf")) == []
    changed = differences(before, edited)
    assert "journeys/client-love/index.html" in changed
    assert "clients/fern-and-fold/index.html" in changed
    assert [p for p in changed if p.startswith("clients/") and p != "clients/index.html"
            ] == ["clients/fern-and-fold/index.html"], changed
    assert not [p for p in changed if p.startswith(("meet/", "team/")) or p.endswith(".ics")]
    # Every other client's page and packet at least (Fern & Fold's team's pages list them).
    assert kept_pages(log) >= 2 * 8 - 1


EVERY_CLIENT_PAGES = ["clients/index.html", "index.html", "plan-kept/index.html",
                      "team/index.html", "team/responsibilities/index.html"]


def made_since(site: Path, since: float) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")
            if p.stat().st_mtime >= since}


def file_time(folder: Path) -> float:
    mark = folder / ".now"
    mark.touch()
    return mark.stat().st_mtime


def test_the_pages_of_every_client_are_made_again_only_when_what_they_show_changes(
        tmp_path: Path) -> None:
    """The home page, the lists, who does what and the plan kept show every client's
    schedule but no touchpoint's planned feel: a dragged curve point keeps them, an edit
    that moves dates (a day) or names (a title) makes them again, and every rebuild equals
    a cold build."""
    ws = copy_workspace(tmp_path / "ws")
    rebuild(ws, "--no-pdf")
    rebuild(ws, "--no-pdf")  # the site and its spare
    journey = ws / "journeys" / "client-love.yml"
    text = journey.read_text()
    edits = [("    feel: 3\n    emotion: curious\n", "    feel: 5\n    emotion: glad\n"),
             ("    day: -42\n", "    day: -40\n"),
             ("title: Gentle follow-up", "title: A gentle follow-up")]
    for number, (old, new) in enumerate(edits):
        assert text.count(old) == 1
        text = text.replace(old, new)
        before = tree(ws / "site")
        journey.write_text(text)
        since = file_time(tmp_path)
        edited, _ = rebuild(ws, "--no-pdf")
        made = made_since(ws / "site", since)
        assert "journeys/client-love/index.html" in made
        if number == 0:  # the curve: none of them
            assert not made & set(EVERY_CLIENT_PAGES), made
        else:  # dates or names: all of them (each shows the touchpoints, or their owners)
            assert made >= set(EVERY_CLIENT_PAGES), made
            assert "team/responsibilities/index.html" in differences(before, edited)
        assert differences(edited, cold_build(ws, tmp_path / f"cold-{number}", "--no-pdf")) == []
        rebuild(ws, "--no-pdf")  # the spare catches up


def rebuild(ws: Path, *args: str) -> tuple[dict[str, bytes], str]:
    """`journeymap build` into the workspace's own site/, over the previous site."""
    result = run(["journeymap", "build", "--as-of", AS_OF, *args], ws, check=True)
    return tree(ws / "site"), result.stderr


def cold_build(ws: Path, to: Path, *args: str) -> dict[str, bytes]:
    """A build of the same files in a copy with no cache and no previous site."""
    return tree(ws_site(copy_workspace(to, ws), *args))


def ws_site(ws: Path, *args: str) -> Path:
    run(["journeymap", "build", "--as-of", AS_OF, *args], ws, check=True)
    return ws / "site"


def kept_pages(log: str) -> int:
    found = re.search(r"(\d+) of (\d+) pages built, (\d+) kept from the last build", log)
    assert found, log
    return int(found[3])


def test_a_rebuild_keeps_what_did_not_change_and_equals_a_cold_build(tmp_path: Path) -> None:
    """`journeymap build` brings the site before the last one up to date in place, making
    only what changed since: the result is always the bytes of a cold build."""
    ws = copy_workspace(tmp_path / "ws")
    first, log = rebuild(ws)
    assert "19 PDFs (19 printed, 0 from the cache)" in log
    assert "kept from the last build" not in log  # nothing to keep from

    # Nothing changed: every client's and person's page and file is kept, PDFs included (the
    # journey's posters and cards come from the cache: the journey page is made every build).
    again, log = rebuild(ws)
    assert again == first
    assert kept_pages(log) >= 8 * 2 + 6  # 8 clients' pages and packets, 6 people's pages
    assert "19 PDFs (0 printed, 3 from the cache, 16 kept from the last build)" in log

    # One client edited: its pages, packet, calendar and meet page are made again (its
    # packet printed again), the rest kept; its team's pages too, as they list it.
    client = ws / "journeys" / "clients" / "harbor-street-bakery.yml"
    client.write_text(client.read_text().replace("contact: Marisol Vega", "contact: Marisol V."))
    edited, log = rebuild(ws)
    assert 0 < kept_pages(log) < 22
    assert "(1 printed, 4 from the cache, 14 kept from the last build)" in log
    assert b"Marisol V." in edited["clients/harbor-street-bakery/handoff/index.html"]
    assert differences(edited, cold_build(ws, tmp_path / "cold1")) == []

    # Each of these changes what other pages show: a client removed, a page added to docs/
    # (the navigation of every page), the theme's CSS, the site's name in mkdocs.yml.
    def remove_client() -> None:
        (ws / "journeys" / "clients" / "tidewater-yoga.yml").unlink()
        # And their survey answers, which would name no client (an error) if left.
        survey = ws / "journeys" / "surveys" / "client-survey.csv"
        survey.write_text("".join(line for line in survey.read_text().splitlines(True)
                                  if ",tidewater-yoga," not in line))

    def add_docs_page() -> None:
        (ws / "docs" / "welcome.md").write_text("# Welcome\n\nHow we work.\n")

    def change_css() -> None:
        css = next((ws / "theme").glob("*.css"))
        css.write_text(css.read_text() + "\n.jm-card { outline: 0; }\n")

    def rename_site() -> None:
        config = ws / "mkdocs.yml"
        config.write_text(config.read_text().replace("site_name: Client Love",
                                                     "site_name: Client Care"))

    for step, change in enumerate([remove_client, add_docs_page, change_css, rename_site]):
        change()
        changed, log = rebuild(ws, "--no-pdf")
        assert differences(changed, cold_build(ws, tmp_path / f"cold-{step}", "--no-pdf")) == []
    assert not any("tidewater-yoga" in path for path in changed)

    # A person the journey names directly (not through a role) shows on the pages of every
    # client on it, on whose team they are or not: renaming them rebuilds those pages.
    journey = ws / "journeys" / "client-love.yml"
    journey.write_text(journey.read_text().replace("owner: founder", "owner: alex-rivera", 1))
    rebuild(ws, "--no-pdf")
    rebuild(ws, "--no-pdf")  # the site and its spare, both naming Alex
    alex = ws / "journeys" / "team" / "alex-rivera.md"
    alex.write_text(alex.read_text().replace("name: Alex Rivera", "name: Alexandra Rivera", 1))
    renamed, _ = rebuild(ws, "--no-pdf")
    assert differences(renamed, cold_build(ws, tmp_path / "cold-named", "--no-pdf")) == []
    # (Alex is not on this client's team.)
    assert b"Alexandra Rivera" in renamed["clients/spoke-and-sprocket/index.html"]

    # A setting read from the environment shows on every page as well.
    config = ws / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "site_name: Client Care", 'site_name: !ENV [JM_SITE_NAME, "Client Care"]'))
    rebuild(ws, "--no-pdf")
    rebuild(ws, "--no-pdf")  # the site and its spare, both from this mkdocs.yml
    joy = {"JM_SITE_NAME": "Client Joy"}
    build_args = ["journeymap", "build", "--as-of", AS_OF, "--no-pdf"]
    run(build_args, ws, env=joy, check=True)
    cold_env = copy_workspace(tmp_path / "cold-env", ws)
    run(build_args, cold_env, env=joy, check=True)
    assert b"Client Joy" in tree(ws / "site")["clients/harbor-street-bakery/index.html"]
    assert differences(tree(ws / "site"), tree(cold_env / "site")) == []
    changed = tree(ws / "site")

    # A failed build leaves the site as it was, links and all.
    client.write_text(client.read_text() + "\n  broken: [\n")
    failed = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], ws)
    assert failed.returncode == 1
    assert tree(ws / "site") == changed

    # A strict build fails at its very end, after writing the spare: the next build still
    # knows which of the spare's files are up to date.
    client.write_text(client.read_text().replace("\n  broken: [\n", ""))
    client.write_text(client.read_text().replace("contact: Marisol V.", "contact: Marisol W."))
    (ws / "docs" / "broken.md").write_text("# Broken\n\nSee [this](missing.md).\n")
    failed = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf", "--strict"], ws)
    assert failed.returncode == 1 and "missing.md" in failed.stderr
    assert tree(ws / "site") == changed
    (ws / "docs" / "broken.md").unlink()
    after, log = rebuild(ws, "--no-pdf")
    assert b"Marisol W." in after["clients/harbor-street-bakery/index.html"]
    assert differences(after, cold_build(ws, tmp_path / "cold-strict", "--no-pdf")) == []

    # --clean keeps nothing.
    clean, log = rebuild(ws, "--no-pdf", "--clean")
    assert "kept from the last build" not in log
    assert clean == after


def test_disk_cache_entries_check_themselves(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, "things")
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"made"

    assert cache.through("k", make) == b"made" and cache.through("k", make) == b"made"
    assert len(made) == 1 and (cache.hits, cache.misses) == (1, 1)
    (tmp_path / "things" / "k").write_bytes(b"0" * 64 + b"made")  # wrong checksum
    assert cache.get("k") is None
    assert DiskCache(None, "x").through("k", make) == b"made"  # no folder: always made


@pytest.mark.parametrize("one,two", [({"b", "a", "c"}, {"c", "a", "b"}),
                                     (frozenset({"x", "y"}), frozenset({"y", "x"}))])
def test_recipes_do_not_depend_on_set_order(one: object, two: object) -> None:
    assert canonical(one) == canonical(two)
    assert recipe(one) == recipe(two)
    assert recipe({"a": 1}) != recipe({"a": 2})


def test_prefill_in_worker_processes_makes_the_same_outputs(tmp_path: Path) -> None:
    import datetime as dt

    from journeymap.render.renderer import Renderer
    from journeymap.workspace.load import load_workspace

    ws = load_workspace(copy_workspace(tmp_path / "ws"), "journeys").workspace
    as_of = dt.date.fromisoformat(AS_OF)

    def everything(renderer: Renderer) -> dict[str, str | bytes]:
        made: dict[str, str | bytes] = {p.key: renderer.render(p) for p in renderer.pages()}
        return {**made, **renderer.files()}

    plain = everything(Renderer(ws, as_of))  # no cache at all
    cache = tmp_path / "cache"
    filled = Renderer(ws, as_of, cache_dir=cache)
    assert filled.prefill(workers=2) == len(ws.clients)  # all missing at first
    # The forked worker made its share (every other client): the entries are on disk before
    # this process asks for a single page.
    pages = {p.name for p in (cache / "pages").iterdir()}
    assert len(pages) == 2 * len(ws.clients) + len(ws.people)  # page and packet; profiles
    made_here = filled.page_cache.misses  # this process's own share: every other client's
    assert made_here == 2 * len(range(0, len(ws.clients), 2)) + len(range(0, len(ws.people), 2))
    assert everything(filled) == plain
    # Every client's and person's page came from the cache; the pages made from every client
    # (the home page, the lists) were made here, and are kept for the next build.
    assert filled.page_cache.misses == made_here + len(EVERY_CLIENT_PAGES)
    assert Renderer(ws, as_of, cache_dir=cache).prefill(workers=2) == 0  # nothing left to make


def test_schedules_are_reused_only_for_the_very_same_clients(tmp_path: Path) -> None:
    import dataclasses
    import datetime as dt

    from journeymap import LoadCache, Schedules, client_schedule, load_workspace

    ws_dir = copy_workspace(tmp_path / "ws")
    cache = LoadCache()
    as_of = dt.date.fromisoformat(AS_OF)
    first = load_workspace(ws_dir, "journeys", cache).workspace
    schedules = Schedules()  # as a host keeps it
    plan = schedules.agenda(first, as_of)
    assert schedules.agenda(first, as_of) is plan  # asked twice in a build (lint, pages)

    client = ws_dir / "journeys" / "clients" / "harbor-street-bakery.yml"
    client.write_text(client.read_text().replace("day_one: ", "day_one: 2026-10-01\n# was: ", 1))
    second = load_workspace(ws_dir, "journeys", cache).workspace  # a rebuild under serve
    again = schedules.agenda(second, as_of)
    for client_id, schedule in again.schedules.items():
        assert schedule == client_schedule(second, second.clients[client_id], as_of)
        unchanged = first.clients[client_id] is second.clients[client_id]
        assert (schedule is plan.schedules[client_id]) == unchanged
    assert not all(first.clients[c] is second.clients[c] for c in second.clients)

    # Another date, or other people (a journey may name a person), and all are made again.
    later = schedules.agenda(second, as_of + dt.timedelta(days=1))
    assert all(later.schedules[c] is not again.schedules[c] for c in second.clients)
    fewer = dataclasses.replace(second, people={})
    alone = schedules.agenda(fewer, as_of + dt.timedelta(days=1))
    assert all(alone.schedules[c] is not later.schedules[c] for c in second.clients)


def test_client_keys_follow_the_files_they_were_read_from(tmp_path: Path) -> None:
    """A client's recipe names its record by the hash of its file: it changes exactly when
    the client's file or a team member's record does, and is the same in every process."""
    import dataclasses
    import datetime as dt

    from journeymap.render.renderer import Renderer
    from journeymap.workspace.load import LoadCache, load_workspace

    ws_dir = copy_workspace(tmp_path / "ws")
    as_of = dt.date.fromisoformat(AS_OF)

    def keys(cache: LoadCache) -> dict[str, str]:
        loaded = load_workspace(ws_dir, "journeys", cache)
        renderer = Renderer(loaded.workspace, as_of, fingerprints=loaded.fingerprints)
        return {c: renderer.recipes.client(client)
                for c, client in loaded.workspace.clients.items()}

    def on_disk() -> LoadCache:  # a new process: nothing in memory, the parses on disk
        return LoadCache(store=DiskCache(tmp_path / "cache", "parsed"))

    serving = on_disk()
    before = keys(serving)
    assert keys(on_disk()) == before  # another process names every client the same

    client = ws_dir / "journeys" / "clients" / "harbor-street-bakery.yml"
    client.write_text(client.read_text().replace("contact: Marisol Vega", "contact: M. Vega"))
    person = ws_dir / "journeys" / "team" / "jonah-lindqvist.md"
    person.write_text(person.read_text().replace("title:", "title: Senior", 1))
    loaded = load_workspace(ws_dir, "journeys", on_disk())
    after = keys(on_disk())
    assert keys(serving) == after  # a rebuild under serve, from memory, agrees
    for client_id, the_client in loaded.workspace.clients.items():
        changed = (client_id == "harbor-street-bakery"
                   or "jonah-lindqvist" in the_client.team.values())
        assert (after[client_id] == before[client_id]) == (not changed)

    # A record that is not the loader's own (an edited copy) stands for itself.
    ws = loaded.workspace
    bakery = ws.clients["harbor-street-bakery"]
    copy = dataclasses.replace(bakery, name="Harbor Street Bakery & Cafe")
    edited = dataclasses.replace(ws, clients={**ws.clients, bakery.id: copy})
    renderer = Renderer(edited, as_of, fingerprints=loaded.fingerprints)
    assert renderer.recipes.client(copy) != after[bakery.id]
    assert loaded.fingerprints.of(copy) is copy


def test_the_cache_forgets_what_no_build_used_lately(tmp_path: Path) -> None:
    """Every build date makes new entries for every client: what no build read or wrote for
    two days is deleted, and the stamps of site folders that are gone with it."""
    import os
    import time

    from journeymap.cache import UNUSED_FOR, prune

    cache = tmp_path / ".journeymap-cache"
    now = time.time()
    long_ago = now - UNUSED_FOR - 60
    pages = DiskCache(cache, "pages")
    pages.put("old", b"made long ago, never read since")
    pages.put("read", b"made long ago, read today")
    pages.put("new", b"made today")
    for name in ("old", "read"):
        os.utime(cache / "pages" / name, (long_ago, long_ago))
    assert pages.get("read") == b"made long ago, read today"  # a read counts as a use
    (cache / "pdf").mkdir()
    (cache / "pdf" / "old.pdf").write_bytes(b"%PDF-")
    os.utime(cache / "pdf" / "old.pdf", (long_ago, long_ago))
    stamps = {}
    for name in ("site", "gone", "recent"):
        stamps[name] = cache / "stamps" / name
        (stamps[name] / "clients").mkdir(parents=True)
        (stamps[name] / "clients" / "a.md.stamp").write_text("recipe\n")
        if name != "recent":
            os.utime(stamps[name], (long_ago, long_ago))
    (cache / "mine").mkdir()  # not the cache's: left alone
    (cache / "mine" / "notes.txt").write_text("kept")
    os.utime(cache / "mine" / "notes.txt", (long_ago, long_ago))

    assert prune(cache, keep=[stamps["site"]], now=now) == 3
    assert sorted(p.name for p in (cache / "pages").iterdir()) == ["new", "read"]
    assert not (cache / "pdf" / "old.pdf").exists()
    assert sorted(p.name for p in (cache / "stamps").iterdir()) == ["recent", "site"]
    assert (cache / "mine" / "notes.txt").exists()
    # At most once an hour: the next build does not look again.
    os.utime(cache / "pages" / "new", (long_ago, long_ago))
    assert prune(cache, keep=[stamps["site"]], now=now + 60) == 0
    assert prune(cache, keep=[stamps["site"]], now=now + 2 * 3600) == 1


def test_a_build_prunes_the_cache_and_keeps_its_stamps(tmp_path: Path) -> None:
    import os
    import time

    ws = copy_workspace(tmp_path / "ws")
    rebuild(ws, "--no-pdf")
    rebuild(ws, "--no-pdf")  # a site and its spare, each with its stamps
    cache = ws / ".journeymap-cache"
    folders = sorted((cache / "stamps").iterdir())
    assert len(folders) == 2
    long_ago = time.time() - 3 * 24 * 3600
    for path in [*cache.rglob("*"), cache / "stamps"]:
        os.utime(path, (long_ago, long_ago))  # as if both were built days ago
    (cache / ".pruned").unlink()
    _, log = rebuild(ws, "--no-pdf")
    assert kept_pages(log) > 0  # the stamps of the site and of its spare were kept
    assert sorted((cache / "stamps").iterdir()) == folders
    assert (cache / ".pruned").is_file()


def test_one_edited_csv_row_rebuilds_only_that_client_and_equals_a_cold_build(
        tmp_path: Path) -> None:
    """Rows of one CSV file are each their own client to the cache: editing a row's
    contact makes that client's pages again and keeps every other client's."""
    ws = copy_workspace(tmp_path / "ws")
    head = ("id,name,contact,journey,day_one,team.sales,team.lead,team.assistant,"
            "team.founder\n")
    rows = [f"{ident},{name},{contact},client-love,2026-11-0{k + 2},maya-okonkwo,"
            f"alex-rivera,sam-okafor,rosa-delgado\n"
            for k, (ident, name, contact) in enumerate((
                ("ash-cafe", "Ash Café", "Ines Roy"), ("birch-co", "Birch & Co", "Bo Lund"),
                ("cedar-books", "Cedar Books", "Cy Park")))]
    table = ws / "journeys" / "clients" / "more.csv"
    table.write_text(head + "".join(rows))
    rebuild(ws, "--no-pdf")
    rebuild(ws, "--no-pdf")  # the site and its spare
    before = tree(ws / "site")
    table.write_text(head + "".join(rows).replace("Bo Lund", "Bo Lund-Berg"))
    edited, log = rebuild(ws, "--no-pdf")
    assert differences(edited, cold_build(ws, tmp_path / "cold", "--no-pdf")) == []
    changed = differences(before, edited)
    assert b"Bo Lund-Berg" in edited["clients/birch-co/handoff/index.html"]
    assert "clients/birch-co/index.html" in changed
    # The site's search index holds every page's words, the new contact among them.
    others = [p for p in changed if "birch-co" not in p]
    assert others == ["search/search_index.json"], others
    # As many pages made as for the same edit to a client file: the other rows' are kept.
    rebuild(ws, "--no-pdf")  # the spare catches up
    client = ws / "journeys" / "clients" / "harbor-street-bakery.yml"
    client.write_text(client.read_text().replace("contact: Marisol Vega", "contact: Marisol V."))
    _, file_log = rebuild(ws, "--no-pdf")
    assert pages_made(log) == pages_made(file_log) < pages_made(file_log) + kept_pages(log)
    assert kept_pages(log) >= 3 * 2 + 6  # at least the other clients' and people's pages


def pages_made(log: str) -> int:
    found = re.search(r"(\d+) of (\d+) pages built", log)
    assert found, log
    return int(found[1])


# (an edit of the journey file, whether it can move a date)
# Each edit of the example journey, and which schedules it makes again: none ("kept": only
# pointed at the new touchpoints), the occurrences of the touchpoints named (the rest of each
# schedule kept: a card dragged to another day), or all of them ("afresh").
JOURNEY_EDITS: dict[str, tuple[tuple[str, ...], str | set[str]]] = {
    "feel": (("    feel: 3\n    emotion: curious\n", "    feel: 5\n    emotion: delighted\n"),
             "kept"),
    "title": (("title: A warm first reply", "title: A very warm first reply"), "kept"),
    "owner": (("    day: -42\n    owner: sales", "    day: -42\n    owner: lead"), "kept"),
    "stage aim": (("feel: Curious and respected, never chased", "feel: Curious"), "kept"),
    "day": (("    day: -42\n", "    day: -40\n"), {"first-hello"}),
    "repeat": (("day: -30\n    repeat: {every: 7, times: 3}",
                "day: -30\n    repeat: {every: 8, times: 3}"), {"follow-up"}),
    # A window moves no dated touchpoint; the yearly ones sit at its start, in a new order.
    "stage window": (("    from: 201\n    to: 365", "    from: 190\n    to: 365",
                      "    from: 101\n    to: 200", "    from: 101\n    to: 189"), set()),
    "grace": (("\nroles:", "\ngrace: 3\nroles:"), "afresh"),
    "working days": (("\nroles:", "\nworking_days: [mon, tue, wed, thu, fri]\nroles:"),
                     "afresh"),
}


@pytest.mark.parametrize("edit", sorted(JOURNEY_EDITS))
def test_schedules_after_a_journey_edit_are_those_made_afresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """A journey edit that moves no date (a feel, a title, an owner, a stage's aim) keeps
    every client's schedule, pointed at the new touchpoints and owners; one that can move a
    date (a day, a cadence, a stage's window, the grace, the working week) makes them again.
    Either way the agenda is the one made from nothing."""
    import datetime as dt

    from journeymap import LoadCache, Schedules, load_workspace
    from journeymap.derive import schedule
    from journeymap.derive.people import client_participation, participation_by_person
    from journeymap.derive.schedule import Agenda

    pairs, moves = JOURNEY_EDITS[edit]
    ws_dir = copy_workspace(tmp_path / "ws")
    cache = LoadCache()
    as_of = dt.date.fromisoformat(AS_OF)
    first = load_workspace(ws_dir, "journeys", cache).workspace
    schedules = Schedules()
    before = schedules.agenda(first, as_of)
    participation_by_person(first, before)  # who takes part, kept with the schedules
    path = ws_dir / "journeys" / "client-love.yml"
    text = path.read_text()
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert text.count(old) == 1
        text = text.replace(old, new)
    path.write_text(text)
    loaded = load_workspace(ws_dir, "journeys", cache)
    assert not loaded.errors, loaded.errors
    second = loaded.workspace
    made, redone = [], []
    fresh, occurrences_of = schedule.client_schedule, schedule.touchpoint_occurrences
    monkeypatch.setattr(schedule, "client_schedule",
                        lambda *a: made.append(a[1].id) or fresh(*a))
    monkeypatch.setattr(schedule, "touchpoint_occurrences",
                        lambda *a: redone.append((a[0].id, a[2].id)) or occurrences_of(*a))
    after = schedules.agenda(second, as_of)
    yaml_clients = {c for c in second.clients if first.clients[c] is second.clients[c]}
    assert yaml_clients  # (the CSV ones are read again with the journey)
    assert (set(made) >= yaml_clients) == (moves == "afresh")
    assert not set(made) & yaml_clients or moves == "afresh"
    if isinstance(moves, set):  # only those touchpoints' occurrences, for every client
        assert {tp for c, tp in redone if c in yaml_clients} == moves
        assert {c for c, _ in redone} >= (yaml_clients if moves else set())
    journey = second.journeys["client-love"]
    for client_id, occurrences in after.schedules.items():
        assert occurrences == fresh(second, second.clients[client_id], as_of)
        assert all(any(o.touchpoint is tp for tp in journey.touchpoints) for o in occurrences)
        # Who takes part (kept along, or worked out again): as from nothing, and in this
        # very agenda's occurrences.
        kept = client_participation(second, after, client_id)
        assert kept == client_participation(second, Agenda(as_of, after.schedules), client_id)
        mine = {id(o) for o in occurrences}
        assert all(id(o) in mine for held in kept.values() for o, _ in held)
    dates = {c: [(o.touchpoint.id, o.date, o.status) for o in s]
             for c, s in before.schedules.items()}
    assert (dates != {c: [(o.touchpoint.id, o.date, o.status) for o in s]
                      for c, s in after.schedules.items()}) == (moves not in ("kept", set()))


def test_a_row_inserted_above_others_rebuilds_only_the_new_client(tmp_path: Path) -> None:
    """A row inserted at the top of a CSV moves every row below it down a line: they are
    the same clients, so their pages are kept; and messages about them name their new
    lines."""
    ws = copy_workspace(tmp_path / "ws")
    head = ("id,name,contact,journey,day_one,team.sales,team.lead,team.assistant,"
            "team.founder,goals\n")

    def row(ident: str, name: str, k: int, goals: str = "") -> str:
        return (f"{ident},{name},,client-love,2026-11-0{k},maya-okonkwo,alex-rivera,"
                f"sam-okafor,rosa-delgado,{goals}\n")

    rows = [row("ash-cafe", "Ash Café", 2), row("birch-co", "Birch & Co", 3),
            row("cedar-books", "Cedar Books", 4)]
    table = ws / "journeys" / "clients" / "more.csv"
    table.write_text(head + "".join(rows))
    rebuild(ws, "--no-pdf")
    rebuild(ws, "--no-pdf")  # the site and its spare
    # Control: a client added at the end, where no other row moves.
    table.write_text(head + "".join(rows) + row("elm-yard", "Elm Yard", 6))
    _, appended = rebuild(ws, "--no-pdf")
    rebuild(ws, "--no-pdf")  # the spare catches up
    # The same, inserted at the top, moving all four rows down a line (and a quoted cell of
    # two lines, two lines).
    inserted = row("alder-inn", "Alder Inn", 5, '"Open a second inn\nHire a chef"')
    table.write_text(head + inserted + "".join(rows) + row("elm-yard", "Elm Yard", 6))
    edited, log = rebuild(ws, "--no-pdf")
    assert differences(edited, cold_build(ws, tmp_path / "cold", "--no-pdf")) == []
    assert "clients/alder-inn/index.html" in edited
    assert pages_made(log) == pages_made(appended), (log, appended)
    # Positions come from this parse: a lint finding about a moved row names its new line
    # (Cedar Books, now on line 6, has no birthday for the birthday card).
    linted = run(["journeymap", "lint", "--as-of", AS_OF], ws)
    assert "journeys/clients/more.csv:6:13: warning: Cedar Books has no date 'birthday'" in \
        linted.stdout + linted.stderr, linted.stdout + linted.stderr
