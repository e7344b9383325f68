"""The plugin's options, and where a workspace's folders are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from ..vocabulary import Words
from ..workspace.schema import did_you_mean


class JourneymapConfig(base.Config):
    """The options under `- journeymap:` in mkdocs.yml (or properdocs.yml)."""

    source = c.Type(str, default="journeys")
    """Folder of the journey files (journeys, `team/`, `clients/`), relative to mkdocs.yml."""

    theme_dir = c.Type(str, default="theme")
    """Folder of templates and CSS that override or extend journeymap's own."""

    as_of = c.Optional(c.Type(str))
    """Build date, YYYY-MM-DD; default: SOURCE_DATE_EPOCH's date, else today."""

    nav = c.Type(bool, default=True)
    """Add journeymap's pages to the navigation when mkdocs.yml has no `nav` of its own."""

    secret = c.Optional(c.Type(str))
    """Makes the names of clients' "meet your team" files unguessable (meet/<id>-<token>.html).
    Better set through the JOURNEYMAP_SECRET environment variable than written here."""

    pdf = c.Type(bool, default=True)
    """Write the PDFs (handoff packets, meet pages) after a build. `journeymap serve` skips
    them, to keep the preview fast."""

    cache_dir = c.Type(str, default=".journeymap-cache")
    """Where parsed files, pages, calendars, diagrams and PDFs are kept between builds,
    relative to mkdocs.yml. Safe to delete; keep it out of git."""

    words = c.Optional(c.Type(dict))
    """The site's words for the people it serves and their day 1, over journeymap's:
    `{client: guest, signing: first visit, signed: first came, sales: the host}`. A journey
    may name its own (its `words:` key)."""

    lint = c.Optional(c.Type(dict))
    """Journey health rules: rule id -> `error`, `warning`, `off` or `{level: ..., threshold: N}`
    (`journeymap lint --rules` lists them)."""

    business = c.Optional(c.Type(object))
    """Who the clients are clients of, on their meet pages and PDFs: `{name, logo, address,
    phone, email, website, action: {label, url}}`. Any value is taken here and checked by
    journeymap (workspace/business.py), so that a mistake is reported at its line in
    mkdocs.yml."""


@dataclass(frozen=True)
class WorkspacePaths:
    """A workspace's folders: its root (where the configuration file is) and, absolute, the
    folders the plugin's options name."""

    root: Path
    config_file: Path
    source: str  # the journey folder's name, as the option gives it
    source_path: Path
    theme_path: Path
    cache_path: Path
    docs_path: Path
    site_path: Path
    lint: dict[str, Any] | None = None  # the plugin's `lint:` option
    business: Any = None  # the plugin's `business:` option, as written (checked on loading)

    @classmethod
    def of(cls, options: JourneymapConfig, config: MkDocsConfig) -> WorkspacePaths:
        config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
        root = config_file.parent
        return cls(root, config_file, options.source, root / options.source,
                   root / options.theme_dir, root / options.cache_dir,
                   Path(config.docs_dir), Path(config.site_dir), options.lint,
                   business=options.business)

    def kept_apart(self, with_docs: bool = True) -> dict[str, Path]:
        """The folders no site folder may be, hold or lie inside: a build empties it."""
        found = {"journey folder": self.source_path, "theme folder": self.theme_path,
                 "cache folder": self.cache_path}
        if with_docs:
            found["docs folder"] = self.docs_path
        return found


def site_words(option: dict[str, Any] | None) -> Words:
    """The `words` option as Words; PluginError says what cannot be used."""
    if not option:
        return Words()
    for key, value in option.items():
        if key not in Words.FIELDS:
            raise PluginError(f"journeymap: plugin option 'words': unknown word '{key}'"
                              f"{did_you_mean(str(key), Words.FIELDS)}; the words are "
                              f"{', '.join(Words.FIELDS)}")
        if not isinstance(value, str) or not value.strip() or not value.isprintable():
            raise PluginError(f"journeymap: plugin option 'words': '{key}' must be a word or "
                              f"a few on one line, got {value!r}")
    return Words().over({key: value.strip() for key, value in option.items()})


def parse_as_of(text: str | None) -> dt.date | None:
    """The `as_of` option as a date (None if not given)."""
    if text is None:
        return None
    if str(text).isascii():  # fromisoformat would take other scripts' digits too
        try:
            return dt.date.fromisoformat(str(text))
        except ValueError:
            pass
    raise PluginError(f"journeymap: as_of must be a date YYYY-MM-DD, got {text!r}")
