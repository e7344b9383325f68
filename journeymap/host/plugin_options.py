"""The plugin's options, as the host hands them over: what is wrong in them said in
journeymap's words and placed in mkdocs.yml (see options.py), the build date, lint settings
and words they give, the secret, and a preview's address checked before it is built."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

import mkdocs
from mkdocs.config.base import ConfigErrors, ConfigWarnings
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from ..derive.lint import LintSettings
from ..derive.schedule import build_date
from ..exceptions import JourneymapError, PositionedError, Problem
from ..model import Workspace
from ..vocabulary import Words
from . import options
from .address import address_problem
from .config import JourneymapConfig
from .options import Mistake, host_mistakes, place

log = logging.getLogger(f"{mkdocs.__name__}.plugins.journeymap")


class OptionsPlugin(BasePlugin[JourneymapConfig]):
    """The part of the plugin that reads its options (JourneymapPlugin builds the site)."""

    def __init__(self) -> None:
        self.serving = False
        self.option_problems: list[Problem] = []  # what the host found wrong in the options
        self.words = Words()  # the site's words (the `words` option)
        self.address_checked = False  # whether a preview's address is known to be free

    def load_config(self, options: dict[str, Any],
                    config_file_path: str | None = None) -> tuple[ConfigErrors, ConfigWarnings]:
        """The host checks the options; what it finds wrong is kept, placed in mkdocs.yml, for
        on_config (or the command that loaded the configuration) to say in journeymap's own
        words, instead of the host's unplaced ones."""
        errors, warnings = super().load_config(options, config_file_path)
        known = [name for name, _ in self.config_scheme]
        mistakes = host_mistakes(errors, warnings, options, known)
        self.option_problems = place(Path(config_file_path or "mkdocs.yml"), mistakes)
        return [], []

    def _check_address(self, config: MkDocsConfig) -> None:
        """Before the first build of a preview: the host binds its server only after it."""
        self.address_checked = True
        host, port = config.dev_addr
        problem = address_problem(str(host), int(port), f"{mkdocs.__name__} serve")
        if problem is not None:
            raise PluginError(f"journeymap: {problem}")

    def _options(self, config_file: Path) -> tuple[dt.date, LintSettings]:
        """The build date and lint settings the options give (and the site's words, kept);
        every mistake in the options is said first, each placed in mkdocs.yml, and an error
        stops the build."""
        problems = list(self.option_problems)
        as_of: dt.date | None = None
        settings = LintSettings()
        if not any(p.severity == "error" for p in problems):  # else the host stopped checking
            try:
                as_of = options.as_of(config_file, self.config.as_of)
            except PositionedError as error:
                problems += error.problems
            try:
                settings = options.lint_settings(config_file, self.config.lint)
            except PositionedError as error:
                problems += error.problems
            try:
                self.words = options.words(config_file, self.config.words)
            except PositionedError as error:
                problems += error.problems
        for problem in problems:
            (log.error if problem.severity == "error" else log.warning)(str(problem))
        errors = sum(p.severity == "error" for p in problems)
        if errors:
            raise PluginError(f"journeymap: {errors} problem{'s' * (errors != 1)} in "
                              f"{options.options_where(config_file)} (listed above); the site "
                              "was not built")
        try:
            return build_date(as_of), settings
        except JourneymapError as error:  # SOURCE_DATE_EPOCH
            raise PluginError(f"journeymap: {error}") from None

    def _secret(self) -> str | None:
        return self.config.secret or os.environ.get("JOURNEYMAP_SECRET") or None

    def _warn_of_guessable_names(self, ws: Workspace, config_file: Path) -> None:
        """Once a build: meet pages named by client id alone can be guessed from one another
        (a preview, on this machine only, is spared)."""
        if self.serving or not ws.clients or self._secret() or self.config.guessable_meet_names:
            return
        first = min(ws.clients)
        message = (f"meet pages are named by client id (meet/{first}.html), so anyone with one "
                   "client's link can guess another's: set the JOURNEYMAP_SECRET environment "
                   "variable (or the 'secret' option), or 'guessable_meet_names: true' for a "
                   "site that is never published")
        [problem] = place(config_file, [Mistake((), message, severity="warning")])
        log.warning(str(problem))
