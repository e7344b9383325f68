"""Real builds of real workspaces: `mkdocs build`, `journeymap build`, and what they write."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import AS_OF, REPO, copy_workspace, run, tree


def test_example_builds_with_mkdocs_strict_and_no_warning(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    result = run(["mkdocs", "build", "--strict"], ws, env={"SOURCE_DATE_EPOCH": "1795478400"})
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    site = ws / "site"
    assert (site / "index.html").is_file()
    assert (site / "journeys" / "client-love" / "index.html").is_file()
    assert (site / "team" / "index.html").is_file()
    for client in (ws / "journeys" / "clients").glob("*.yml"):
        assert (site / "clients" / client.stem / "index.html").is_file()


def test_sources_never_reach_the_site_and_nothing_is_written_into_them(
    tmp_path: Path,
) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = tree(ws / "journeys")
    run(["journeymap", "build", "--as-of", AS_OF], ws, check=True)
    assert tree(ws / "journeys") == before
    built = tree(ws / "site")
    assert not [p for p in built if p.endswith((".yml", ".yaml"))]
    assert not [p for p in built if p.startswith("team/") and p.endswith(".md")]
    # The person files are not copied raw: their front matter appears nowhere.
    phone = re.search(r'phone: "([^"]+)"', (ws / "journeys/team/alex-rivera.md").read_text())
    assert phone and not any(phone.group(0).encode() in data for data in built.values())


def test_the_same_date_gives_byte_identical_sites(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    run(["journeymap", "build", "--as-of", AS_OF, "--site-dir", "one"], ws, check=True)
    run(["journeymap", "build", "--as-of", AS_OF, "--site-dir", "two"], ws, check=True)
    one, two = tree(ws / "one"), tree(ws / "two")
    assert one.keys() == two.keys()
    assert [p for p in one if one[p] != two[p]] == []


def test_the_build_date_changes_the_schedule(example_site: Path, tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    run(["journeymap", "build", "--as-of", "2027-06-01"], ws, check=True)
    later = (ws / "site" / "index.html").read_text()
    assert "Tue 1 Jun 2027" in later
    assert "Tue 24 Nov 2026" in (example_site / "index.html").read_text()


def test_a_failed_build_leaves_the_previous_site_exactly_as_it_was(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    run(["journeymap", "build", "--as-of", AS_OF], ws, check=True)
    before = tree(ws / "site")
    journey = ws / "journeys" / "client-love.yml"
    journey.write_text(journey.read_text().replace("owner: sales", "ownr: sales", 1))
    result = run(["journeymap", "build", "--as-of", "2027-01-01"], ws)
    assert result.returncode == 1
    assert "journeys/client-love.yml:" in result.stderr
    assert "unknown key 'ownr'" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(ws / "site") == before
    # No half-made folder is left: only the spare, the copy the next build brings up to date,
    # and the lock that keeps two builds from updating it at once.
    left = sorted(p.name for p in ws.iterdir() if p.name.startswith(".site"))
    assert left == [".site.lock", ".site.spare"]


def test_mkdocs_build_reports_the_same_positioned_messages(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    journey = ws / "journeys" / "client-love.yml"
    journey.write_text(journey.read_text().replace("channel: gift", "channel: gfit", 1))
    check = run(["journeymap", "check"], ws)
    build = run(["mkdocs", "build"], ws)
    assert check.returncode == 1 and build.returncode == 1
    messages = [line for line in check.stdout.splitlines() if line.startswith("journeys/")]
    assert len(messages) == 1 and "did you mean 'gift'?" in messages[0]
    assert messages[0] in build.stderr
    assert not (ws / "site").exists()


def test_a_docs_folder_that_is_the_journey_folder_works(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    shutil.rmtree(ws / "docs")
    config = ws / "mkdocs.yml"
    config.write_text(config.read_text().replace("docs_dir: docs", "docs_dir: journeys"))
    result = run(["mkdocs", "build", "--strict"], ws)
    assert result.returncode == 0, result.stderr
    built = tree(ws / "site")
    assert "journeys/client-love/index.html" in built
    assert not [p for p in built if p.endswith((".yml", ".md"))]


def test_init_makes_a_workspace_that_builds_at_once(tmp_path: Path) -> None:
    result = run(["journeymap", "init", "new"], tmp_path)
    assert result.returncode == 0, result.stderr
    ws = tmp_path / "new"
    assert (ws / "mkdocs.yml").is_file()
    assert run(["journeymap", "check"], ws).returncode == 0
    # With the secret a real site has (without it, a build warns: see test_firstrun.py).
    built = run(["mkdocs", "build", "--strict"], ws, env={"JOURNEYMAP_SECRET": "s3cret"})
    assert built.returncode == 0, built.stderr
    assert "WARNING" not in built.stderr
    page = (ws / "site" / "clients" / "first-client" / "index.html").read_text()
    assert "Our First Client" in page and "Kim Lee" in page
    # It never overwrites: a second init into the same folder is refused, files untouched.
    before = tree(ws)
    again = run(["journeymap", "init", "new"], tmp_path)
    assert again.returncode == 1 and "never overwrites" in again.stderr
    assert tree(ws) == before


def test_example_files_are_in_the_repository() -> None:
    assert (REPO / "journeys" / "client-love.yml").is_file()
    assert len(list((REPO / "journeys" / "team").glob("*.md"))) >= 4
    assert len(list((REPO / "journeys" / "clients").glob("*.yml"))) >= 3


def test_a_second_build_of_the_same_site_waits_for_the_first(tmp_path: Path) -> None:
    """Builds update the site's spare in place: two at once take turns."""
    import fcntl
    import subprocess
    import time

    from conftest import BIN

    ws = copy_workspace(tmp_path / "ws")
    run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], ws, check=True)
    with open(ws / ".site.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a build in progress holds it
        second = subprocess.Popen([str(BIN / "journeymap"), "build", "--as-of", AS_OF,
                                   "--no-pdf"], cwd=ws, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        assert second.poll() is None  # still waiting
    _, stderr = second.communicate(timeout=120)
    assert second.returncode == 0, stderr
    assert "waiting for another build of site/ to finish" in stderr
