"""A hostile or careless user against journeymap: what must never be published, destroyed or
turned into a traceback (the defects of the hardening issue, each tried as it was found).

Every test here runs the real commands (`journeymap`, `mkdocs`) on real files.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import AS_OF, BIN, HOST, REPO, copy_workspace, run, tree

from journeymap import compare, review_markdown
from journeymap.workspace.load import load_workspace

SECRET = "s3cret-Zq9-value"
LINK_OUT = "a symbolic link that leads outside journeys/"


def init(tmp_path: Path, name: str = "ws") -> Path:
    """A workspace as `journeymap init` makes it (its docs folder is the journey folder)."""
    run(["journeymap", "init", name], tmp_path, check=True)
    return tmp_path / name


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command printed (no traceback, nothing else)."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


# ---- 1. links inside journeys/ are never followed, nor published ---------------------------


@pytest.mark.parametrize("command", [["journeymap", "build", "--no-pdf"], ["mkdocs", "build"]])
def test_a_link_out_of_the_journey_folder_is_an_error_and_never_published(
        tmp_path: Path, command: list[str]) -> None:
    ws = init(tmp_path)
    os.symlink("/proc/self/environ", ws / "journeys/env.txt")
    moved = tmp_path / "moved.yml"  # a client file moved out, and linked back
    shutil.move(ws / "journeys/clients/first-client.yml", moved)
    os.symlink(moved, ws / "journeys/clients/first-client.yml")
    result = run(command, ws, env={"JOURNEYMAP_SECRET": SECRET})
    assert result.returncode == 1, result.stderr
    assert f"journeys/env.txt:1:1: {LINK_OUT}" in result.stderr
    assert f"journeys/clients/first-client.yml:1:1: {LINK_OUT}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (ws / "site").exists()
    # `check` says the same, and never echoes what a link leads to.
    os.symlink("/etc/passwd", ws / "journeys/clients/x.yml")
    check = run(["journeymap", "check"], ws)
    assert check.returncode == 1 and f"journeys/clients/x.yml:1:1: {LINK_OUT}" in check.stdout
    assert "root:" not in check.stdout + check.stderr


def test_nothing_from_the_journey_folder_reaches_the_site_even_through_links(
        tmp_path: Path) -> None:
    """The README's promise, as stated: no journey file (nor any file a link in the journey
    folder or in docs/ leads to) reaches the site, except what journeymap renders."""
    ws = copy_workspace(tmp_path / "ws")
    journeys = ws / "journeys"
    (journeys / "notes.txt").write_text(f"internal {SECRET}-notes\n")
    (journeys / "sub").mkdir()
    os.symlink("../clients/harbor-street-bakery.yml", journeys / "sub" / "alias.yml")
    os.symlink("../journeys/clients/fern-and-fold.yml", ws / "docs" / "fern.yml")
    os.symlink("../journeys", ws / "docs" / "all-journeys")
    client = journeys / "clients/tidewater-yoga.yml"
    client.write_text(client.read_text() + f"# A comment is never rendered: {SECRET}-client\n")
    result = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], ws)
    assert result.returncode == 0, result.stderr
    built = tree(ws / "site")
    sources = {p.relative_to(ws).as_posix(): p.read_bytes()
               for p in journeys.rglob("*") if p.is_file() and p.suffix != ".jpg"}
    for rel, data in built.items():
        assert SECRET.encode() not in data, rel
        for source, content in sources.items():
            assert data != content, f"{source} was published as {rel}"
    assert not [p for p in built if p.endswith((".yml", ".yaml", ".txt")) or "all-journeys" in p]
    # Photos are published on purpose, as the people's pictures.
    assert (ws / "site/assets/journeymap/people/alex-rivera.jpg").read_bytes() == \
        (journeys / "team/alex-rivera.jpg").read_bytes()


# ---- 2. a site folder that holds sources is refused before anything moves -----------------


@pytest.mark.parametrize(("site_dir", "what"), [
    ("journeys", "is the journey folder (journeys/)"),
    (".", "is the workspace"),
    ("..", "holds the workspace"),
    ("journeys/out", "lies inside the journey folder (journeys/)"),
    ("docs", "is the docs folder (docs/)"),
    ("theme", "is the theme folder (theme/)"),
    (".journeymap-cache", "is the cache folder (.journeymap-cache/)"),
])
def test_a_site_folder_that_would_destroy_sources_is_refused(
        tmp_path: Path, site_dir: str, what: str) -> None:
    ws = copy_workspace(tmp_path / "ws")
    (ws / ".journeymap-cache").mkdir()
    before = tree(ws)
    for _ in range(2):  # the second run is the one that used to delete every journey file
        line = one_line_error(run(["journeymap", "build", "--no-pdf", "--site-dir", site_dir],
                                  ws))
        assert what in line and "choose a folder of its own" in line, line
    assert tree(ws) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("command", [["journeymap", "build", "--no-pdf"], ["mkdocs", "build"]])
def test_site_dir_in_mkdocs_yml_may_not_be_the_journey_folder(
        tmp_path: Path, command: list[str]) -> None:
    ws = copy_workspace(tmp_path / "ws")
    config = ws / "mkdocs.yml"
    config.write_text(config.read_text() + "site_dir: journeys\n")
    before = tree(ws)
    result = run(command, ws)
    assert result.returncode == 1
    assert "the site folder journeys is the journey folder" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert tree(ws) == before


def test_a_folder_that_is_not_a_site_is_not_replaced(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    other = tmp_path / "my-documents"
    other.mkdir()
    (other / "thesis.odt").write_text("years of work")
    line = one_line_error(run(["journeymap", "build", "--site-dir", str(other)], ws))
    assert "holds files but no index.html" in line
    assert (other / "thesis.odt").read_text() == "years of work"


# ---- 4. dates out of range ---------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "message"), [
    ("day_one: 2026-11-20", "day_one: 9999-12-01",
     "journeys/clients/harbor-street-bakery.yml:4:10: 'day_one' must be a date from 1900 to "
     "2199, got '9999-12-01'"),
    ("day_one: 2026-11-20", "day_one: 0001-01-01", "must be a date from 1900 to 2199"),
])
def test_dates_out_of_range_are_positioned_errors(tmp_path: Path, old: str, new: str,
                                                   message: str) -> None:
    ws = copy_workspace(tmp_path / "ws")
    client = ws / "journeys/clients/harbor-street-bakery.yml"
    text = client.read_text()
    assert text.count(old) == 1
    client.write_text(text.replace(old, new))
    for command in (["journeymap", "check"], ["journeymap", "build", "--no-pdf"]):
        result = run(command, ws)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert message in result.stdout + result.stderr


def test_a_build_date_out_of_range_is_refused_in_one_line(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    usage = run(["journeymap", "check", "--as-of", "9999-12-31"], ws)
    assert usage.returncode == 2 and "is not from 1900 to 2199" in usage.stderr
    for command in (["journeymap", "check"], ["journeymap", "build", "--no-pdf"]):
        line = one_line_error(run(command, ws, env={"SOURCE_DATE_EPOCH": "999999999999999"}))
        assert "SOURCE_DATE_EPOCH='999999999999999' is not a time journeymap can use" in line
    mkdocs = run(["mkdocs", "build"], ws, env={"SOURCE_DATE_EPOCH": "999999999999999"})
    assert mkdocs.returncode == 1 and "Traceback" not in mkdocs.stderr
    assert "is not a time journeymap can use" in mkdocs.stderr


# ---- 5. what check accepts, build makes ---------------------------------------------------


def test_a_name_folded_over_lines_builds_and_one_on_two_lines_is_refused(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    client = ws / "journeys/clients/harbor-street-bakery.yml"
    text = client.read_text()
    client.write_text(text.replace("name: Harbor Street Bakery", "name: >\n  Harbor Street\n"
                                                                "  Bakery", 1))
    result = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], ws)
    assert result.returncode == 0, result.stderr
    feed = (ws / "site/clients/harbor-street-bakery/calendar.ics").read_text()
    assert "X-WR-CALNAME:Harbor Street Bakery · client journey" in feed
    client.write_text(text.replace("name: Harbor Street Bakery", "name: |\n  Harbor Street\n"
                                                                "  Bakery", 1))
    check = run(["journeymap", "check"], ws)
    assert check.returncode == 1
    assert ("journeys/clients/harbor-street-bakery.yml:1:7: 'name' must be on one line"
            in check.stdout)


# ---- 6. photos ----------------------------------------------------------------------------


def test_photos_are_checked_by_content_and_size(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    team = ws / "journeys/team"
    person = team / "alex-rivera.md"
    person.write_text(person.read_text().replace("photo: alex-rivera.jpg", "photo: x.png"))
    (team / "x.png").write_text("name: a YAML file in disguise\nnotes: internal\n")
    check = run(["journeymap", "check"], ws)
    assert "journeys/team/alex-rivera.md:5:8: photo 'x.png' is not a PNG image" in check.stdout
    jpeg = (team / "noor-haddad.jpg").read_bytes()
    (team / "x.jpg").write_bytes(jpeg + b"\0" * 6_000_000)
    person.write_text(person.read_text().replace("photo: x.png", "photo: x.jpg"))
    check = run(["journeymap", "check"], ws)
    assert "photo 'x.jpg' is 6.0 MB, more than the 5 MB a photo may be" in check.stdout
    (team / "x.jpg").write_bytes(jpeg + b"\0" * 2_000_000)
    check = run(["journeymap", "check"], ws)
    assert check.returncode == 0
    assert "warning: photo 'x.jpg' is 2.0 MB: every meet page" in check.stdout


# ---- 7. the file system says no -----------------------------------------------------------


def test_init_where_no_folder_can_be_made_says_so_in_one_line(tmp_path: Path) -> None:
    line = one_line_error(run(["journeymap", "init", "/proc/nonexistent/x"], tmp_path))
    assert line.startswith("journeymap: cannot create the workspace in /proc/nonexistent/x")


def _chattr(flag: str, path: Path) -> bool:
    result = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    return result.returncode == 0


def test_a_site_that_cannot_be_replaced_is_left_whole(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], ws, check=True)
    before = tree(ws / "site")
    if not _chattr("+i", ws / "site"):
        pytest.skip("this file system has no immutable flag (chattr +i)")
    try:
        line = one_line_error(run(["journeymap", "build", "--as-of", "2027-01-01", "--no-pdf",
                                   "-q"], ws))
    finally:
        _chattr("-i", ws / "site")
    assert "site/ is unchanged" in line, line
    assert tree(ws / "site") == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A small file system of its own (tmpfs), to fill up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_build_in_one_line_and_keeps_the_site(small_disk: Path) -> None:
    ws = copy_workspace(small_disk / "ws")
    shutil.rmtree(ws / "docs")
    config = ws / "mkdocs.yml"
    config.write_text(config.read_text().replace("docs_dir: docs", "docs_dir: journeys"))
    run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], ws, check=True)
    before = tree(ws / "site")
    # Every byte that is left. Unbuffered: a buffered file's close would try again to
    # write what did not fit, and fail outside the `try`, as the site's size decides.
    with open(small_disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass
    result = run(["journeymap", "build", "--as-of", "2027-01-01", "--no-pdf"], ws)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    ours = [line for line in result.stderr.splitlines() if line.startswith("journeymap:")]
    assert len(ours) == 1 and "No space left on device" in ours[0], result.stderr
    assert tree(ws / "site") == before


# ---- 8. the preview serves this machine only, and never leaks into meet pages -------------


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[bytes], Path]]:
    from test_serve import _free_port, _get, _wait

    ws = copy_workspace(tmp_path / "ws")
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "journeymap"), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=ws,
            stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1795478400", "TMPDIR": str(temp)})
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait(lambda: "Client Love Journey" in _get(url + "journeys/client-love/"), 60)
            yield ws, url, process, temp
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


def _request(url: str, host: str, origin: str | None = None) -> tuple[int, str]:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    headers = {"Host": host, **({"Origin": origin} if origin else {})}
    connection.request("GET", parts.path or "/", headers=headers)
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, body


def test_the_preview_answers_only_requests_for_this_machine(
        preview: tuple[Path, str, subprocess.Popen[bytes], Path]) -> None:
    _, url, _, _ = preview
    page = url + "clients/harbor-street-bakery/"
    port = url.rsplit(":", 1)[1].strip("/")
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}",
                 f"preview.localhost:{port}"):
        status, body = _request(page, host)
        assert status == 200 and "Harbor Street Bakery" in body, host
    # DNS rebinding: a page of another site whose name was pointed at 127.0.0.1.
    for host in (f"evil.example:{port}", "evil.example", f"localhost.evil.example:{port}", ""):
        status, body = _request(page, host)
        assert status == 403 and "Harbor" not in body, host
    status, _ = _request(page, f"localhost:{port}", origin="https://evil.example")
    assert status == 403
    status, _ = _request(page, f"localhost:{port}", origin=f"http://localhost:{port}")
    assert status == 200


def test_the_error_overlay_never_goes_into_a_meet_page(
        preview: tuple[Path, str, subprocess.Popen[bytes], Path]) -> None:
    from test_serve import _get, _wait

    ws, url, _, _ = preview
    client = ws / "journeys/clients/tidewater-yoga.yml"
    client.write_text(client.read_text().replace("journey: client-love",
                                                 "journey: client-love\nnotes: |\n  Internal "
                                                 "Zq-note\nbad key here", 1))
    # The banner itself (the editor's script, in the page too, names its class).
    _wait(lambda: 'class="jm jm-overlay"' in _get(url + "clients/harbor-street-bakery/"))
    assert "Zq-note" in _get(url + "clients/harbor-street-bakery/")  # the overlay quotes it
    meet = _get(url + "meet/harbor-street-bakery.html")
    assert "Meet your team" in meet and "jm-overlay" not in meet and "Zq-note" not in meet


def test_a_stopped_preview_leaves_no_internal_site_behind(
        preview: tuple[Path, str, subprocess.Popen[bytes], Path]) -> None:
    _, _, process, temp = preview
    built = [p for p in temp.iterdir() if p.name.startswith(f"{HOST}_")]
    assert built and (built[0] / "clients" / "harbor-street-bakery").is_dir()
    process.terminate()  # SIGTERM, as a service manager or `kill` stops it
    assert process.wait(timeout=20) == 0
    assert [p for p in temp.iterdir() if p.name.startswith(f"{HOST}_")] == []


# ---- 10. a pull request's comment cannot be hijacked --------------------------------------


def test_the_review_escapes_paths_and_neutralises_mentions(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    base = load_workspace(ws, "journeys").workspace
    journey = ws / "journeys/client-love.yml"
    journey.write_text(journey.read_text().replace(
        "title: Kickoff meeting\n", "title: Kickoff @everyone and @acme/sales-team\n", 1))
    weird = ws / "journeys/clients" / "x\n# Pwned `\n- [x] done.yml"
    weird.write_text("name: X\n")
    head = load_workspace(ws, "journeys")
    review = compare(base, head.workspace, dt.date.fromisoformat(AS_OF),
                     head_errors=head.errors)
    out = review_markdown(review)
    assert "@everyone" not in out and "@acme/sales-team" not in out
    assert "@\u200beveryone" in out and "@\u200bacme/sales-team" in out
    assert not re.search(r"^#+ Pwned", out, re.M) and not re.search(r"^- \[x\]", out, re.M)
    assert "x\\n# Pwned" in out  # the name is shown, escaped, in a code span


# ---- 11, 12. what reaches the terminal; files that are not read --------------------------


def test_terminal_escapes_never_reach_the_terminal(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    journey = ws / "journeys/client-love.yml"
    journey.write_text(journey.read_text().replace(
        "title: Kickoff meeting\n", 'title: "\\e]0;owned\\a\\e[2JKickoff"\n    "not\\eakey": 1\n',
        1))
    result = run(["journeymap", "check"], ws)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert "holds the character U+001B" in result.stdout
    assert "unknown key 'not\\x1bakey' in touchpoint 'kickoff'" in result.stdout


def test_files_that_look_like_journey_files_but_are_not_read_are_named(tmp_path: Path) -> None:
    ws = init(tmp_path)
    journeys = ws / "journeys"
    (journeys / "clients/x.yaml").write_text("name: X\n")
    (journeys / "Other.YML").write_text("title: X\n")
    (journeys / "clients/old").mkdir()
    (journeys / "clients/old/third.yml").write_text("name: X\n")
    (journeys / "team/kim-lee.markdown").write_text("---\nname: Kim\n---\n")
    (journeys / "team/.kim-lee.md.swp").write_text("editor scratch")  # nobody's journey
    result = run(["journeymap", "check"], ws)
    assert result.returncode == 0, result.stdout
    lines = [line for line in result.stdout.splitlines() if "not read" in line]
    assert sorted(line.split(":")[0] for line in lines) == [
        "journeys/Other.YML", "journeys/clients/old/third.yml", "journeys/clients/x.yaml",
        "journeys/team/kim-lee.markdown"]
    assert all(": warning: " in line for line in lines)
    assert "journeys/clients/x.yaml:1:1: warning: not read: a client file ends in '.yml' " \
           "(rename it x.yml)" in result.stdout


def test_the_example_has_nothing_that_is_not_read() -> None:
    loaded = load_workspace(REPO, "journeys")
    assert [p for p in loaded.problems if "not read" in p.message] == []


def test_the_preview_shows_out_of_range_dates_and_survives_a_failing_template(
        preview: tuple[Path, str, subprocess.Popen[bytes], Path], tmp_path: Path) -> None:
    from test_serve import _get, _wait

    ws, url, _, _ = preview
    client = ws / "journeys/clients/harbor-street-bakery.yml"
    good = client.read_text()
    client.write_text(good.replace("day_one: 2026-11-20", "day_one: 9999-12-01"))
    _wait(lambda: "must be a date from 1900 to 2199" in _get(url))  # the overlay, not a hang
    client.write_text(good)
    _wait(lambda: 'class="jm jm-overlay"' not in _get(url))
    # A theme's template that fails (a bug of anyone's): the preview still answers.
    (ws / "theme/client.html").write_text("{{ no_such_thing.attribute }}\n")
    log = tmp_path / "serve.log"
    _wait(lambda: "the preview could not be rebuilt" in log.read_text(), 30)
    assert "Harbor Street Bakery" in _get(url + "clients/")
    (ws / "theme/client.html").unlink()
    _wait(lambda: "Harbor Street Bakery" in _get(url + "clients/harbor-street-bakery/"))


@pytest.mark.parametrize("command", [["journeymap", "build", "--no-pdf"], ["mkdocs", "build"]])
def test_a_missing_graphviz_is_one_clear_error(tmp_path: Path, command: list[str]) -> None:
    ws = copy_workspace(tmp_path / "ws")
    result = run(command, ws, env={"PATH": str(BIN)})  # no `dot` on it
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "Graphviz's 'dot' program is needed to draw the diagrams" in result.stderr
