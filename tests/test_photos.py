"""Photo paths stay inside the source folder: what the loader accepts and refuses, and where.

A photo is copied into the site and embedded in client pages, so a path that leads out of
journeys/ (by `..`, an absolute path, or a symbolic link, of the file or of a folder on the
way) would publish any file the build can read.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, run

from journeymap.workspace.load import load_workspace

PERSON = "journeys/team/kim.md"
JPEG = (REPO / "journeys" / "team" / "alex-rivera.jpg").read_bytes()
# The smallest PNG there is: one transparent pixel.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")
LINK_OUT = "a symbolic link that leads outside journeys/"


def workspace(root: Path, photo: str | None, setup: Callable[[Path], None] | None = None) -> Path:
    """A valid workspace whose one person has `photo:` as written (YAML, quoted as given)."""
    team = root / "journeys" / "team"
    team.mkdir(parents=True)
    (root / "journeys" / "clients").mkdir()
    (root / "journeys" / "j.yml").write_text(
        "title: J\nroles:\n  lead: Lead\nstages:\n  - id: s\n    title: S\n    from: 1\n"
        "    to: 100\n    phases: [admit]\n"
        "touchpoints:\n  - id: t\n    title: T\n    day: 1\n    owner: lead\n")
    (root / "journeys" / "clients" / "c.yml").write_text(
        "name: C\njourney: j\nday_one: 2026-11-02\nteam:\n  lead: kim\n")
    (team / "kim.jpg").write_bytes(JPEG)
    (root / "outside").mkdir()
    (root / "outside" / "secret.jpg").write_bytes(b"SECRET" + JPEG)
    if setup is not None:
        setup(root)
    line = f"photo: {photo}\n" if photo is not None else ""
    (team / "kim.md").write_text(f"---\nname: Kim Lee\n{line}---\nHello.\n")
    (root / "mkdocs.yml").write_text("site_name: t\ndocs_dir: docs\nplugins:\n  - journeymap\n")
    (root / "docs").mkdir()
    return root


def problems(root: Path) -> list[str]:
    loaded = load_workspace(root, "journeys")
    return [str(p) for p in loaded.errors]


def photo_of(root: Path) -> Path | None:
    loaded = load_workspace(root, "journeys")
    assert not loaded.errors, loaded.errors
    return loaded.workspace.people["kim"].photo


def link(name: str, target: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        os.symlink(target, root / "journeys" / "team" / name)
    return make


def test_a_photo_beside_the_file(tmp_path: Path) -> None:
    root = workspace(tmp_path, "kim.jpg")
    assert photo_of(root) == (root / "journeys" / "team" / "kim.jpg").resolve()


@pytest.mark.parametrize("photo, setup", [
    ("../team/kim.jpg", None),  # `..` that stays inside
    ("pics/kim.png", lambda r: ((r / "journeys/team/pics").mkdir(),
                                (r / "journeys/team/pics/kim.png").write_bytes(PNG))),
    ("../shared/kim.jpg", lambda r: ((r / "journeys/shared").mkdir(),
                                     (r / "journeys/shared/kim.jpg").write_bytes(JPEG))),
    ("alias.jpg", link("alias.jpg", "kim.jpg")),  # a link to a file inside
    ("'with space.jpg'", lambda r: (r / "journeys/team/with space.jpg").write_bytes(JPEG)),
])
def test_paths_that_stay_inside_are_accepted(tmp_path: Path, photo: str,
                                             setup: Callable[[Path], None] | None) -> None:
    found = photo_of(workspace(tmp_path, photo, setup))
    assert found is not None and found.is_relative_to((tmp_path / "journeys").resolve())
    assert found.read_bytes() == (PNG if photo.endswith(".png") else JPEG)


OUT = "is outside journeys/: keep photos inside it"
RELATIVE = "must be a path relative to this file, inside journeys/"


@pytest.mark.parametrize("photo, setup, message", [
    ("../../outside/secret.jpg", None, f"photo '../../outside/secret.jpg' {OUT}"),
    ("../../../../../../etc/passwd.jpg", None, f"photo '../../../../../../etc/passwd.jpg' {OUT}"),
    ("/etc/passwd", None, f"photo '/etc/passwd' {RELATIVE}"),
    ("'//server/share/a.jpg'", None, f"photo '//server/share/a.jpg' {RELATIVE}"),
    ("'\\\\server\\share\\a.jpg'", None, f"photo '\\\\server\\share\\a.jpg' {RELATIVE}"),
    ("C:/photos/a.jpg", None, f"photo 'C:/photos/a.jpg' {RELATIVE}"),
    ("file:///etc/passwd", None, f"photo 'file:///etc/passwd' {RELATIVE}"),
    ("'..\\..\\outside\\secret.jpg'", None,
     "photo '..\\..\\outside\\secret.jpg' uses '\\': separate folders with '/'"),
    ('"kim\\tx.jpg"', None, "photo 'kim\\tx.jpg' holds a control character"),
    ('"kim\\0.jpg"', None, "'photo' holds the character U+0000"),
    # Symbolic links: of the file, of a folder on the way, absolute or relative.
    ("secret.jpg", link("secret.jpg", "../../outside/secret.jpg"), f"photo 'secret.jpg' {OUT}"),
    ("abs.jpg", lambda r: os.symlink(r / "outside/secret.jpg", r / "journeys/team/abs.jpg"),
     f"photo 'abs.jpg' {OUT}"),
    ("pics/secret.jpg", link("pics", "../../outside"), f"photo 'pics/secret.jpg' {OUT}"),
    ("loop.jpg", lambda r: (link("loop.jpg", "loop2.jpg")(r), link("loop2.jpg", "loop.jpg")(r)),
     "photo 'loop.jpg' is a symbolic link that leads nowhere (a loop)"),
    ("gone.jpg", link("gone.jpg", "nothing-here.jpg"), "photo 'gone.jpg' does not exist"),
    ("folder.jpg", lambda r: (r / "journeys/team/folder.jpg").mkdir(),
     "photo 'folder.jpg' does not exist"),
    ("../clients/c.yml", None, "photo '../clients/c.yml' must be an image file"),
])
def test_paths_that_lead_out_or_nowhere_are_refused_with_a_position(
    tmp_path: Path, photo: str, setup: Callable[[Path], None] | None, message: str
) -> None:
    found = problems(workspace(tmp_path, photo, setup))
    # A link that leads out is also an error of its own, at the link.
    links = [p for p in found if LINK_OUT in p]
    assert len(links) == (message.endswith(OUT) and photo.startswith(("secret", "abs", "pics")))
    mine = [p for p in found if p.startswith(f"{PERSON}:")]
    assert len(mine) == 1 and len(found) == len(mine) + len(links), found
    assert mine[0].startswith(f"{PERSON}:3:8: {message}"), mine[0]


def test_a_refused_photo_never_reaches_the_site(tmp_path: Path) -> None:
    root = workspace(tmp_path, "pics/secret.jpg", link("pics", "../../outside"))
    check = run(["journeymap", "check"], root)
    assert check.returncode == 1
    assert f"{PERSON}:3:8: photo 'pics/secret.jpg' {OUT}" in check.stdout
    build = run(["journeymap", "build", "--as-of", "2026-11-24"], root)
    assert build.returncode == 1 and "Traceback" not in build.stderr
    assert not (root / "site").exists()
