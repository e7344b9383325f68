"""Which site generator hosts journeymap: MkDocs 1.6 or ProperDocs, its maintained fork.

Both load the plugin (from the `mkdocs.plugins` and `properdocs.plugins` entry points), and
the plugin is written against MkDocs' API, which ProperDocs keeps. Under ProperDocs, every
`mkdocs.*` module is ProperDocs' own (`properdocs.replacement` makes the names point there),
so the code is the same for both: only which package answers differs.

`journeymap build`, `serve` and `check` choose the host before anything imports it: the one
`JOURNEYMAP_HOST` names (`mkdocs` or `properdocs`); else ProperDocs when the workspace has a
`properdocs.yml`; else MkDocs if it is installed, else ProperDocs.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from ..exceptions import JourneymapError

HOSTS = ("mkdocs", "properdocs")
# The configuration files each host reads, first found first (ProperDocs falls back on
# MkDocs' names).
CONFIG_NAMES = {"mkdocs": ("mkdocs.yml", "mkdocs.yaml"),
                "properdocs": ("properdocs.yml", "properdocs.yaml", "mkdocs.yml", "mkdocs.yaml")}


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def running() -> str | None:
    """The host already imported in this process, if any (the one running the plugin)."""
    module = sys.modules.get("mkdocs")
    return getattr(module, "__name__", None) if module is not None else None


def name() -> str:
    """The running host's name, for its loggers (`mkdocs` until one runs)."""
    return running() or "mkdocs"


def choose(root: Path) -> str:
    """The host for the workspace at `root`, made the one `mkdocs.*` imports give."""
    already = running()
    wanted = os.environ.get("JOURNEYMAP_HOST", "").strip().lower()
    if wanted and wanted not in HOSTS:
        raise JourneymapError(f"JOURNEYMAP_HOST={wanted!r} is not a host journeymap knows: "
                              f"use {' or '.join(HOSTS)}")
    if not wanted:
        if already is not None:
            return already
        own = any((root / name).is_file() for name in CONFIG_NAMES["properdocs"][:2])
        wanted = "properdocs" if own or not _installed("mkdocs") else "mkdocs"
    if not _installed(wanted):
        raise JourneymapError(f"{wanted} is not installed: pip install {wanted}"
                              + (" properdocs-theme-mkdocs" if wanted == "properdocs" else ""))
    if already is not None and already != wanted:
        raise JourneymapError(f"{already} is already running in this process; {wanted} "
                              "cannot host journeymap beside it")
    if wanted == "properdocs":
        import properdocs.replacement  # noqa: F401 - from now on, mkdocs.* is ProperDocs
    return wanted


def config_file(root: Path, host: str) -> Path | None:
    """The host's configuration file in `root`, if there is one."""
    return next((root / name for name in CONFIG_NAMES[host] if (root / name).is_file()), None)
