"""A workspace without a docs/ folder, as FORMAT.md lays one out.

MkDocs and ProperDocs refuse to start unless the folder their `docs_dir` names exists, and
they check it before any plugin is loaded, so the plugin cannot help plain `mkdocs build`.
journeymap's own commands can: when mkdocs.yml names no `docs_dir` and there is no docs/,
they give the host an empty folder in journeymap's cache instead, and the site is
journeymap's pages alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

STAND_IN = "docs"  # the empty folder, inside the cache folder
_DEFAULT_CACHE = ".journeymap-cache"  # the plugin's `cache_dir` default (config.py)


def stand_in(config_file: Path) -> Path | None:
    """The empty folder to give the host as its `docs_dir` (made if need be), or None when
    the workspace has a docs folder of its own, names one, or does not list journeymap."""
    if (config_file.parent / "docs").is_dir():
        return None
    settings = _settings(config_file)
    if settings is None or "docs_dir" in settings:
        return None
    cache = _cache_dir(settings.get("plugins"))
    if cache is None:
        return None
    folder = config_file.parent / cache / STAND_IN
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # the host then says what it says of a missing docs/
    return folder


def note(config_file: Path, source: str, host: str) -> str:
    """What a build without docs/ says once: what the host's own `build` would need."""
    return (f"{config_file.name}:1:1: no docs/ folder: journeymap builds without one; for "
            f"'{host} build' and '{host} serve' too, add the line 'docs_dir: {source}' to "
            f"{config_file.name}")


def _settings(config_file: Path) -> dict[str, Any] | None:
    """mkdocs.yml read as the host reads it (`!ENV`, `INHERIT`), or None if it cannot be:
    the host then reports why."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(config_file)))
    try:
        with open(config_file, "rb") as stream:
            settings = yaml_load(stream, loader)
    except (OSError, ConfigurationError, ValueError):
        return None
    return settings if isinstance(settings, dict) else None


def _cache_dir(plugins: object) -> str | None:
    """The journeymap plugin's `cache_dir`, if `plugins` (as written) lists the plugin."""
    entries: list[tuple[object, object]] = []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        for entry in plugins:
            if isinstance(entry, dict):
                entries.extend(entry.items())
            else:
                entries.append((entry, None))
    for name, options in entries:
        if name == "journeymap":
            cache = options.get("cache_dir") if isinstance(options, dict) else None
            return cache if isinstance(cache, str) and cache else _DEFAULT_CACHE
    return None
