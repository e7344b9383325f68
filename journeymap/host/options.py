"""Mistakes in the plugin's options, placed where mkdocs.yml writes them.

The host checks the options' types and names, and journeymap checks `lint:`, `as_of:` and
`words:` (and `business:`, with the journey files: workspace/business.py);
either way the message is one `mkdocs.yml:line:col:` line, found by reading the file again
for positions (with the project's own YAML reader, tags taken as plain values). A file that
cannot be read so, or an option that comes from an inherited file, is placed on line 1.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..derive.lint import OPTION, LintSettings, SettingsError
from ..exceptions import PositionedError, Problem
from ..vocabulary import Words
from ..workspace.schema import did_you_mean
from ..workspace.source import Node, parse_yaml

PLUGIN = "journeymap"
# What the host's "Expected type: <class 'bool'>" means, in a user's words.
_TYPE_WORDS = {"bool": "true or false", "str": "text", "dict": "a mapping of keys",
               "int": "a whole number", "list": "a list"}
_TYPE_ERROR = re.compile(r"Expected type: <class '(\w+)'> but received: <class '(\w+)'>")


@dataclass(frozen=True)
class Mistake:
    """A mistake in the options: the keys that lead to it (`("lint", "busy-week")`), what is
    wrong, and whether the last key itself is (an unknown name) rather than its value.
    `named_inside`: the message may name one of the value's own keys; point at that one."""

    path: tuple[str, ...]
    message: str
    at_key: bool = False
    severity: str = "error"
    named_inside: bool = False


def place(config_file: Path, mistakes: Iterable[Mistake]) -> list[Problem]:
    """Each mistake as a problem positioned in the configuration file."""
    entry = _plugin_entry(config_file)
    return [Problem(config_file.name, *_where(entry, m), m.message, m.severity)
            for m in mistakes]


def host_mistakes(errors: Iterable[tuple[str, Any]], warnings: Iterable[tuple[str, Any]],
                  options: Mapping[str, Any], known: Iterable[str]) -> list[Mistake]:
    """What the host found wrong in the options as written (`options`): errors (a value of
    the wrong type, say) and warnings (a name journeymap does not have)."""
    names = list(known)
    found = []
    for key, error in errors:
        found.append(Mistake((key,), _type_message(key, str(error), options.get(key))))
    for key, warning in warnings:
        if str(warning).startswith("Unrecognised configuration name"):
            hint = did_you_mean(key, names) or f"; the options are {', '.join(names)}"
            found.append(Mistake((key,), f"unknown plugin option '{key}'{hint}: journeymap "
                                         "ignores it", at_key=True, severity="warning"))
        else:
            found.append(Mistake((key,), f"plugin option '{key}': {warning}",
                                 severity="warning"))
    return found


def lint_settings(config_file: Path, lint: Mapping[str, Any] | None) -> LintSettings:
    """The `lint:` option's settings; PositionedError places every mistake in it."""
    try:
        return LintSettings.from_mapping(lint)
    except SettingsError as error:
        mistakes = [Mistake(("lint",) if key is None else ("lint", key), message,
                            at_key=f"{OPTION}: unknown rule" in message,
                            named_inside=True) for key, message in error.mistakes]
        raise PositionedError(place(config_file, mistakes), options_where(config_file)) from None


def as_of(config_file: Path, text: str | None) -> dt.date | None:
    """The `as_of` option as a date (None if not given); PositionedError if it is not one."""
    if text is None:
        return None
    if str(text).isascii():  # fromisoformat would take other scripts' digits too
        try:
            return dt.date.fromisoformat(str(text))
        except ValueError:
            pass
    mistake = Mistake(("as_of",), f"plugin option 'as_of' must be a date YYYY-MM-DD, got "
                                  f"{text!r}")
    raise PositionedError(place(config_file, [mistake]), options_where(config_file))


def words(config_file: Path, option: Mapping[str, Any] | None) -> Words:
    """The `words` option as Words; PositionedError places every word that cannot be used."""
    if not option:
        return Words()
    mistakes = []
    for key, value in option.items():
        if key not in Words.FIELDS:
            mistakes.append(Mistake(("words", str(key)), (
                f"plugin option 'words': unknown word '{key}'"
                f"{did_you_mean(str(key), Words.FIELDS)}; the words are "
                f"{', '.join(Words.FIELDS)}"), at_key=True))
        elif not isinstance(value, str) or not value.strip() or not value.isprintable():
            mistakes.append(Mistake(("words", key), f"plugin option 'words': '{key}' must be a "
                                                    f"word or a few on one line, got {value!r}"))
    if mistakes:
        raise PositionedError(place(config_file, mistakes), options_where(config_file))
    return Words().over({key: value.strip() for key, value in option.items()})


def options_where(config_file: Path) -> str:
    return f"{config_file.name}'s plugin options"


def _type_message(key: str, error: str, value: Any) -> str:
    wrong = _TYPE_ERROR.fullmatch(error)
    if wrong is not None:
        wanted = _TYPE_WORDS.get(wrong[1], wrong[1])
        return f"plugin option '{key}' must be {wanted}, got {value!r}"
    return f"plugin option '{key}': {error}"


def _plugin_entry(config_file: Path) -> Node | None:
    """The node of journeymap's entry under `plugins:` (its options, or its bare name)."""
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    root, problems = parse_yaml(text, config_file.name, tags=True)
    plugins = root.get("plugins") if root is not None and not problems else None
    if plugins is None:
        return None
    if plugins.kind == "map":  # plugins as a mapping of names to options
        options = plugins.get(PLUGIN)
        if options is None:
            return None
        return options if options.kind == "map" else plugins.keys[PLUGIN]
    items: list[Node] = plugins.value if plugins.kind == "seq" else []
    for item in items:
        if item.kind == "str" and item.value == PLUGIN:
            return item
        if item.kind == "map" and PLUGIN in item.value:
            found: Node = item.value[PLUGIN]
            return found if found.kind == "map" else item.keys[PLUGIN]
    return None


def _where(entry: Node | None, mistake: Mistake) -> tuple[int, int]:
    """The line and column of the mistake: as deep along its path as mkdocs.yml goes."""
    if entry is None:
        return 1, 1
    node = entry
    for depth, key in enumerate(mistake.path):
        child = node.get(key)
        if child is None:
            return node.line, node.col
        if depth == len(mistake.path) - 1 and mistake.at_key:
            key_node = node.keys[key]
            return key_node.line, key_node.col
        node = child
    if mistake.named_inside and node.kind == "map":
        # The key the message names first ("unknown setting 'x'", "level must be ...").
        named = sorted((at, name) for name in node.keys
                       for at in (mistake.message.find(f"'{name}'"),
                                  mistake.message.find(f": {name} must")) if at >= 0)
        if named:
            name = named[0][1]
            if f"unknown setting '{name}'" in mistake.message:
                return node.keys[name].line, node.keys[name].col
            return node.value[name].line, node.value[name].col
    return node.line, node.col
