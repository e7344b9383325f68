"""`journeymap serve`: a save rebuilds the page; a broken file keeps the last good site up."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import BIN, copy_workspace
from playwright.sync_api import Page, expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode())


def _wait(condition: Callable[[], bool], seconds: float = 20) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if condition():
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    ws = copy_workspace(tmp_path / "ws")
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795478400"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "journeymap"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=ws, stdout=out, stderr=subprocess.STDOUT, env=env,
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait(lambda: "Client Love Journey" in _get(url + "journeys/client-love/"), 60)
            yield ws, url, log
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_a_save_rebuilds_and_a_broken_file_keeps_the_last_good_site(
    served: tuple[Path, str, Path],
) -> None:
    ws, url, log = served
    page = url + "journeys/client-love/"
    journey = ws / "journeys" / "client-love.yml"
    text = journey.read_text()

    journey.write_text(text.replace("title: Client Love Journey", "title: Client Joy Journey", 1))
    _wait(lambda: "Client Joy Journey" in _get(page))
    # A page of docs/ is not journeymap's, but its navigation names the journey too.
    _wait(lambda: "Client Joy Journey" in _get(url + "format/"))

    journey.write_text(text.replace("owner: sales", "ownr: sales", 1))
    _wait(lambda: "unknown key 'ownr'" in log.read_text())
    assert "journeys/client-love.yml:" in log.read_text()
    assert "Traceback" not in log.read_text()
    assert "Client Joy Journey" in _get(page)  # the last good site is still served
    _wait(lambda: 'class="jm jm-overlay"' in _get(page))  # with the problems laid over it
    # ...but not over a calendar, which must stay a calendar.
    feed = _get(url + "clients/harbor-street-bakery/calendar.ics")
    assert feed.startswith("BEGIN:VCALENDAR") and "jm-overlay" not in feed

    journey.write_text(text)
    _wait(lambda: "Client Love Journey" in _get(page))


def test_theme_css_edits_rebuild(served: tuple[Path, str, Path]) -> None:
    ws, url, _ = served
    (ws / "theme" / "extra.css").write_text(".jm h1 { color: rebeccapurple; }\n")
    _wait(lambda: "assets/journeymap/theme/extra.css" in _get(url))
    assert "rebeccapurple" in _get(url + "assets/journeymap/theme/extra.css")


def test_a_photo_is_copied_again_only_when_its_file_changed(
        served: tuple[Path, str, Path]) -> None:
    """A rebuild leaves the files it copies as they are (a hundred people's photos) unless
    their source changed, even to an older file put in its place."""
    ws, url, log = served
    photo = ws / "journeys" / "team" / "alex-rivera.jpg"
    other = ws / "journeys" / "team" / "sam-okafor.jpg"
    address = url + "assets/journeymap/people/alex-rivera.jpg"
    with urllib.request.urlopen(address, timeout=5) as response:
        assert response.read() == photo.read_bytes()
    builds = log.read_text().count("pages built")
    journey = ws / "journeys" / "client-love.yml"
    journey.write_text(journey.read_text().replace("title: Client Love Journey",
                                                   "title: Client Joy Journey", 1))
    _wait(lambda: log.read_text().count("pages built") > builds)
    # The same photo, older than its copy: a build that only looked at times would keep it.
    old = photo.stat().st_mtime - 3600
    photo.write_bytes(other.read_bytes())
    os.utime(photo, (old, old))
    journey.write_text(journey.read_text().replace("Client Joy Journey", "Client Love Journey"))

    def shown() -> bytes:
        with urllib.request.urlopen(address, timeout=5) as response:
            return bytes(response.read())

    _wait(lambda: shown() == other.read_bytes())


def test_a_preview_started_on_broken_files_lists_the_problems_then_recovers(
    tmp_path: Path,
) -> None:
    ws = copy_workspace(tmp_path / "ws")
    journey = ws / "journeys" / "client-love.yml"
    good = journey.read_text()
    journey.write_text(good.replace("channel: gift", "channel: gfit", 1))
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "journeymap"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait(lambda: "did you mean &#39;gift&#39;?" in _get(url), 60)
        assert "journeys/client-love.yml:" in _get(url)
        journey.write_text(good)
        _wait(lambda: "Overdue" in _get(url))
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_broken_file_shows_an_overlay_in_the_open_page_until_it_is_fixed(
    served: tuple[Path, str, Path], page: Page,
) -> None:
    ws, url, _ = served
    journey = ws / "journeys" / "client-love.yml"
    text = journey.read_text()
    response = page.goto(url + "journeys/client-love/workshop.html")
    assert response is not None and response.status == 200, page.content()[:500]
    expect(page.locator(".jm-map-card")).not_to_have_count(0)

    broken = text.replace("owner: sales", "ownr: sales", 1)
    line = broken[: broken.index("ownr:")].count("\n") + 1
    journey.write_text(broken)
    overlay = page.locator(".jm-overlay")
    expect(overlay).to_be_visible(timeout=20_000)  # live reload brings it without a click
    expect(overlay).to_contain_text(f"journeys/client-love.yml:{line}:5")
    expect(overlay).to_contain_text("unknown key 'ownr'")
    expect(overlay.locator(".jm-overlay-line--bad")).to_contain_text(f"{line} ")
    expect(overlay.locator(".jm-overlay-line--bad")).to_contain_text("ownr: sales")
    expect(page.locator(".jm-map-card")).not_to_have_count(0)  # the last good map is below

    start = time.monotonic()
    journey.write_text(text.replace("title: A warm first reply", "title: A warmer first reply"))
    expect(page.locator(".jm-map-card").first).to_contain_text("A warmer first reply",
                                                                  timeout=20_000)
    reload = time.monotonic() - start
    expect(overlay).to_have_count(0)
    print(f"save to reloaded map: {reload:.2f} s")  # a figure to read, not a gate


def test_a_rebuild_makes_only_the_pages_an_edit_touches(served: tuple[Path, str, Path]) -> None:
    ws, url, log = served
    total = len(json.loads(_get(url + "search/search_index.json"))["docs"])
    client = ws / "journeys" / "clients" / "harbor-street-bakery.yml"
    client.write_text(client.read_text().replace("name: Harbor Street Bakery",
                                                 "name: Harbour Street Bakery", 1))
    _wait(lambda: "Harbour Street Bakery" in _get(url + "clients/harbor-street-bakery/"))
    _wait(lambda: log.read_text().count("pages built") >= 2)
    first, again = re.findall(r"(\d+) of (\d+) pages built", log.read_text())[:2]
    assert first[0] == first[1] and f"{first[1]} pages built, 0 unchanged" in log.read_text()
    # The client's page and packet, its team's pages and the pages made from everything
    # (home, lists, journey): not the other clients' pages.
    assert int(again[0]) < int(again[1]) - 4
    assert "Harbour Street Bakery" in _get(url)  # the home's client list is made again
    # The search index still holds every page, the edited one with its new name.
    docs = json.loads(_get(url + "search/search_index.json"))["docs"]
    assert len(docs) == total
    titles = {d["location"]: d["title"] for d in docs}
    assert titles["clients/harbor-street-bakery/"] == "Harbour Street Bakery"
    # Kept as the full build wrote it: text, which MkDocs' search script escapes to show.
    assert titles["clients/fern-and-fold/"] == "Fern & Fold Design Studio"


PDF_HREF = re.compile(r'href="([^"]*\.pdf)"')


def test_the_preview_links_to_no_pdf_it_does_not_make(served: tuple[Path, str, Path]) -> None:
    """The preview prints no PDF: the client page and the packet say where the PDFs come
    from, in plain text, where a build links to them (see test_a_build_links_to_its_pdfs)."""
    _, url, _ = served
    for path in ("clients/harbor-street-bakery/", "clients/harbor-street-bakery/handoff/"):
        html = _get(url + path)
        assert PDF_HREF.findall(html) == [], f"{path} links to a PDF the preview never makes"
        assert '<span class="jm-pdf-later">' in html and "made by journeymap build" in html
    client = _get(url + "clients/harbor-street-bakery/")
    assert client.count("PDF: made by journeymap build") == 2  # the packet's and the meet page's
    with pytest.raises(urllib.error.HTTPError):  # indeed not there
        _get(url + "clients/harbor-street-bakery/handoff.pdf")


def test_a_build_links_to_its_pdfs(example_site: Path) -> None:
    """A build prints the PDFs and links to each, from the client page and the packet."""
    import posixpath

    for path in ("clients/harbor-street-bakery/index.html",
                 "clients/harbor-street-bakery/handoff/index.html"):
        html = (example_site / path).read_text()
        links = PDF_HREF.findall(html)
        assert links and "jm-pdf-later" not in html and "made by journeymap build" not in html
        for link in links:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
            assert (example_site / target).is_file(), f"{path} links to a missing {target}"
    assert len(PDF_HREF.findall((example_site / "clients/harbor-street-bakery/index.html")
                                .read_text())) == 2
