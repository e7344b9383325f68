"""Reading a workspace as it was at a git revision, for `journeymap diff`."""

from __future__ import annotations

import os
import subprocess
import tempfile
import weakref
from pathlib import Path, PurePosixPath

from ..exceptions import JourneymapError, MissingTool
from ..model import Workspace
from ..workspace.load import Loaded, load_workspace


class GitFailed(Exception):
    pass


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                                check=False)
    except FileNotFoundError:
        raise MissingTool("git is not installed: journeymap diff needs it to read "
                          "revisions") from None
    if result.returncode != 0:
        raise GitFailed(result.stderr.decode(errors="replace").strip())
    return result.stdout


def repository(root: Path) -> tuple[Path, str]:
    """The repository's top folder, and the workspace root's path inside it ('' or 'a/b/')."""
    if not root.is_dir():
        raise JourneymapError(f"{root} is not a folder")
    try:
        out = _git(root, "rev-parse", "--show-toplevel", "--show-prefix").decode()
    except GitFailed:
        raise JourneymapError(f"{root} is not in a git repository: journeymap diff compares "
                              "git revisions (run 'git init' and commit first)") from None
    lines = out.split("\n")
    return Path(lines[0]), lines[1] if len(lines) > 1 else ""


def _commit(top: Path, rev: str) -> str:
    try:
        return _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    f"{rev}^{{commit}}").decode().strip()
    except GitFailed:
        raise JourneymapError(f"unknown revision '{rev}': give a branch, a tag or a commit "
                              "of this repository") from None


def _materialise(top: Path, commit: str, folder: str, into: Path) -> int:
    """Write the files under `folder` at `commit` below `into`; return how many."""
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", folder)
    blobs: list[tuple[str, str, str]] = []  # mode, object, path
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, raw = entry.split(b"\t", 1)
        mode, kind, obj = meta.decode().split(" ")
        path = os.fsdecode(raw)
        if kind == "blob" and path.startswith(folder + "/"):
            blobs.append((mode, obj, path))
    if not blobs:
        return 0
    out = _git(top, "cat-file", "--batch", stdin="".join(f"{o}\n" for _, o, _ in blobs).encode())
    at = 0
    links: list[tuple[Path, str]] = []
    for mode, _, path in blobs:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split(b" ")[2])
        data = out[header_end + 1:header_end + 1 + size]
        at = header_end + 1 + size + 1
        if ".." in PurePosixPath(path).parts or path.startswith("/"):
            continue  # no tree git made holds such a path; a crafted one might
        target = into / path
        if mode == "120000":
            links.append((target, os.fsdecode(data)))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    # Symbolic links last, so that no file is written through one. Each is made as a
    # checkout would make it: the loader follows none that leads out of the journey folder
    # (it looks where a link leads once they are all there, so a chain cannot get past it)
    # and reports it as it would in the working tree.
    for target, link in links:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(link)
    return len(blobs)


def load_revision(root: Path, source: str, rev: str | None) -> Loaded:
    """The workspace at `root/source` as of git revision `rev`; None: the working tree.

    A revision is written to a temporary folder that lives as long as the returned
    workspace (photos point into it). A revision without the folder loads as empty.
    """
    if rev is None:
        return load_workspace(root, source)
    top, prefix = repository(root)
    commit = _commit(top, rev)
    folder = (PurePosixPath(prefix) / source).as_posix() if prefix else source.strip("/")
    tmp = tempfile.TemporaryDirectory(prefix="journeymap-rev-")
    base = Path(tmp.name).resolve()
    try:
        written = _materialise(top, commit, folder, base)
    except GitFailed as error:
        tmp.cleanup()
        raise JourneymapError(f"could not read '{source}/' at revision '{rev}': {error}") from None
    ws_root = base / prefix
    if not written:
        loaded = Loaded(Workspace(ws_root / source, {}, {}, {}), [])
    else:
        loaded = load_workspace(ws_root, source)
    weakref.finalize(loaded.workspace, tmp.cleanup)
    return loaded


def default_base(root: Path, head: str | None) -> tuple[str, str]:
    """The merge base of `head` (default HEAD) with the main branch: (commit, label)."""
    top, _ = repository(root)
    tip = _commit(top, head) if head else _head_commit(top)
    for ref, name in (("refs/heads/main", "main"), ("refs/heads/master", "master"),
                      ("refs/remotes/origin/HEAD", "origin/HEAD"),
                      ("refs/remotes/origin/main", "origin/main"),
                      ("refs/remotes/origin/master", "origin/master")):
        try:
            _git(top, "rev-parse", "--verify", "--quiet", ref)
        except GitFailed:
            continue
        try:
            base = _git(top, "merge-base", tip, ref).decode().strip()
        except GitFailed:
            raise JourneymapError(f"{head or 'HEAD'} and {name} have no commit in common: "
                                  "give BASE, e.g. 'journeymap diff HEAD~1'") from None
        short = _git(top, "rev-parse", "--short", base).decode().strip()
        return base, f"`{short}` (merge base with `{name}`)"
    raise JourneymapError("no main branch to compare with (main, master or origin/HEAD): "
                          "give BASE, e.g. 'journeymap diff HEAD~1'")


def _head_commit(top: Path) -> str:
    try:
        return _git(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip()
    except GitFailed:
        raise JourneymapError("this repository has no commit yet: commit the workspace "
                              "first") from None
