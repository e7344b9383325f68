"""The business a site belongs to: the plugin's `business` option, checked like a journey file.

The host hands over the option as plain data (MkDocs has read mkdocs.yml, `!ENV` values
included). Its positions come from reading the same file again, composed but not
constructed, so that a mistake is reported at its own line and column, as in the journey
files; where the file does not hold the option as written (an `INHERIT`ed file, say), the
messages point at the nearest key it does hold.

The logo is embedded in every client's meet page, so it is checked like a photo: a path
inside the workspace (no way out, no link out), the content of the image type its name
says, and small. An SVG is refused: it can carry scripts and links, and the meet page must
run nothing and lead nowhere inside the site.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..exceptions import Problem
from ..model import Action, Business, Week
from ..vocabulary import IMAGE_SUFFIXES
from .schema import (
    CLOSED,
    EMAIL,
    WORKING_DAYS,
    CheckedRecord,
    Field,
    Problems,
    Record,
    Text,
    did_you_mean,
    working_days,
)
from .source import Node, image_problem

OPTION = "business"
LOGO_MAX_BYTES = 1_000_000  # every meet page embeds the logo once
LOGO_LARGE_BYTES = 300_000
WEB_ADDRESS = r"^https://[^\s<>\"]+$"
ACTION_ADDRESS = r"^(https://[^\s<>\"]+|mailto:[^\s<>\"]+|tel:\+?[0-9][0-9().-]*)$"

ACTION = Record(
    "business action",
    [
        Field("label", Text(), "The button's words: `Book a table`.", required=True),
        Field("url", Text(pattern=ACTION_ADDRESS, pattern_expected=(
            "a web address starting with https://, or a mailto: or tel: address")),
              "Where it leads: https://, mailto: or tel:.", required=True),
    ],
    doc="A call to action on the client's page.",
)

BUSINESS = Record(
    OPTION,
    [
        Field("name", Text(), "The business's name, as clients know it.", required=True),
        Field("logo", Text(), "A PNG, JPEG, WebP or GIF file, relative to mkdocs.yml, inside "
                              "the workspace (not SVG: it can hold scripts)."),
        Field("address", Text(one_line=False), "The postal address; its lines are kept."),
        Field("phone", Text(), "A phone number for clients (in quotes)."),
        Field("email", Text(pattern=EMAIL,
                            pattern_expected="an email address like hello@example.com"),
              "An email address for clients."),
        Field("website", Text(pattern=WEB_ADDRESS,
                              pattern_expected="a web address starting with https://"),
              "The business's website."),
        Field("action", ACTION, "A button: `{label: Book a table, url: https://...}`."),
        replace(WORKING_DAYS, doc="The days the business works, for every journey that "
                                  "names none of its own: `[tue, wed, thu, fri, sat, sun]`. "
                                  "A touchpoint that falls on another day moves to the next "
                                  "working day. Not shown to clients."),
        replace(CLOSED, doc="Dates the business is closed (holidays), for every journey, "
                            "besides a journey's own: a touchpoint falling on one moves to "
                            "the next working day. Not shown to clients."),
    ],
    doc="The plugin's `business` option: who the journey's clients are clients of.",
)


def load_business(value: Any, config_file: Path) -> tuple[Business | None, list[Problem]]:
    """The `business` option as a model (None if not given or wrong), and its problems,
    positioned in `config_file`; the logo's path is relative to that file's folder."""
    if value is None:
        return None, []
    path = config_file.name
    problems = Problems(path)
    node = _positioned(value, _option_node(config_file))
    if node.kind != "map":
        problems.add(node, f"plugin option '{OPTION}' must be a mapping of keys (name, logo, "
                           f"address, phone, email, website, action), got {node.shown()}")
        return None, problems.items
    checked = BUSINESS.check_fields(node, problems)
    if "name" not in checked:
        return None, problems.items
    action = checked.get("action")
    business = Business(
        name=checked.values["name"], logo=_logo(checked, config_file.parent, problems),
        address=checked.get("address"), phone=checked.get("phone"), email=checked.get("email"),
        website=checked.get("website"),
        action=Action(action.values["label"], action.values["url"])
        if isinstance(action, CheckedRecord) and {"label", "url"} <= action.values.keys()
        else None,
        week=_week(checked, problems),
    )
    return business, problems.items


def _week(checked: CheckedRecord, problems: Problems) -> Week | None:
    if "working_days" not in checked and "closed" not in checked:
        return None
    return Week(working_days(checked, problems), frozenset(checked.get("closed", ())))


# ---- the logo -----------------------------------------------------------------------------


def _logo(checked: CheckedRecord, root: Path, problems: Problems) -> Path | None:
    logo: str | None = checked.get("logo")
    if logo is None:
        return None
    at = checked.at("logo")
    if logo.startswith(("/", "\\")) or ":" in logo or os.path.isabs(logo) or "\\" in logo:
        problems.add(at, f"logo '{logo}' must be a path relative to the workspace folder "
                         "(where mkdocs.yml is), with '/' between folders")
        return None
    try:
        return _checked_logo(logo, root, at, problems)
    except RuntimeError:  # a loop of symbolic links (RuntimeError before 3.13)
        problems.add(at, f"logo '{logo}' is a symbolic link that leads nowhere (a loop)")
    except OSError as error:  # a name too long, a folder that cannot be read...
        shown = logo if len(logo) <= 60 else logo[:57] + "..."
        problems.add(at, f"logo '{shown}' cannot be read: {error.strerror or error}")
    return None


def _checked_logo(logo: str, root: Path, at: Node, problems: Problems) -> Path | None:
    real = (root / logo).resolve()
    if not real.is_relative_to(root.resolve()):
        problems.add(at, f"logo '{logo}' is outside the workspace folder: keep it inside "
                         "(theme/logo.png, say)")
        return None
    if real.suffix.lower() == ".svg":
        problems.add(at, f"logo '{logo}' is an SVG, which can hold scripts and links, and a "
                         "client's page runs none: save the logo as a PNG")
        return None
    if not real.is_file():
        folder = (root / logo).parent
        here = sorted(p.name for p in folder.iterdir()
                      if p.suffix.lower() in IMAGE_SUFFIXES) if folder.is_dir() else []
        problems.add(at, f"logo '{logo}' does not exist"
                         f"{did_you_mean(Path(logo).name, here)}")
        return None
    if real.suffix.lower() not in IMAGE_SUFFIXES:
        problems.add(at, f"logo '{logo}' must be an image file: {', '.join(IMAGE_SUFFIXES)}")
        return None
    size = real.stat().st_size
    if size > LOGO_MAX_BYTES:
        problems.add(at, f"logo '{logo}' is {size / 1_000_000:.1f} MB, more than the 1 MB a "
                         "logo may be (every client's page embeds it): save it smaller, a "
                         "few hundred pixels across")
        return None
    found = image_problem(real)
    if found is not None:
        problems.add(at, f"logo '{logo}' {found[1]}", found[0])
        if found[0] == "error":
            return None
    elif size > LOGO_LARGE_BYTES:
        problems.add(at, f"logo '{logo}' is {size // 1000} kB: every client's page embeds it; "
                         "a logo a few hundred pixels across is a few tens of kB", "warning")
    return real


# ---- positions in the configuration file ----------------------------------------------------


def _option_node(config_file: Path) -> tuple[Any, Any] | None:
    """(key node, value node) of `business` under the journeymap plugin in the file, as
    composed by ruamel (positions, no values built: a tag such as `!ENV` is no problem), or
    None if the file does not hold it."""
    try:
        root = YAML(typ="safe", pure=True).compose(config_file.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - unreadable here: MkDocs has read it, positions go
        return None
    plugins = _value_of(root, "plugins")
    options = None
    if isinstance(plugins, SequenceNode):
        for item in plugins.value:
            options = options or _value_of(item, "journeymap")
    else:
        options = _value_of(plugins, "journeymap")
    return _pair_of(options, OPTION)


def _pair_of(mapping: Any, key: str) -> tuple[Any, Any] | None:
    if not isinstance(mapping, MappingNode):
        return None
    return next(((k, v) for k, v in mapping.value
                 if isinstance(k, ScalarNode) and k.value == key), None)


def _value_of(mapping: Any, key: str) -> Any:
    pair = _pair_of(mapping, key)
    return pair[1] if pair else None


def _at(yaml_node: Any, fallback: tuple[int, int]) -> tuple[int, int]:
    if yaml_node is None:
        return fallback
    return yaml_node.start_mark.line + 1, yaml_node.start_mark.column + 1


def _positioned(value: Any, found: tuple[Any, Any] | None) -> Node:
    """`value` as a tree of Nodes, each at its place in the file where the file has it."""
    key_node, value_node = found or (None, None)
    # An empty value (`business:` then a mapping below) starts at its first key, and a
    # scalar at itself; a value the file lacks points at its key, else at the first line.
    return _node(value, value_node, _at(key_node, (1, 1)))


def _node(value: Any, yaml_node: Any, fallback: tuple[int, int]) -> Node:
    line, col = _at(yaml_node, fallback)
    if isinstance(value, dict):
        pairs = {str(k.value): (k, v) for k, v in yaml_node.value if isinstance(k, ScalarNode)} \
            if isinstance(yaml_node, MappingNode) else {}
        values: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for key, item in value.items():
            name = str(key).lower() if isinstance(key, bool) else str(key)
            key_yaml, item_yaml = pairs.get(name, (None, None))
            keys[name] = Node(name, *_at(key_yaml, (line, col)), "str", raw=name)
            values[name] = _node(item, item_yaml, (keys[name].line, keys[name].col))
        return Node(values, line, col, "map", keys)
    if isinstance(value, (list, tuple)):
        items = yaml_node.value if isinstance(yaml_node, SequenceNode) else []
        return Node([_node(item, items[i] if i < len(items) else None, (line, col))
                     for i, item in enumerate(value)], line, col, "seq")
    # As written, unless a tag (`!ENV PHONE`) stands for a value read elsewhere: that value.
    written = isinstance(yaml_node, ScalarNode) and not str(yaml_node.tag).startswith("!")
    raw = yaml_node.value if written else str(value)
    scalar, kind = _scalar(value)
    return Node(scalar, line, col, kind, raw=raw)


def _scalar(value: Any) -> tuple[Any, str]:
    """(value, kind) of a plain value as MkDocs read it, in the kinds the checks know."""
    if value is None:
        return None, "null"
    if isinstance(value, bool):
        return value, "bool"
    if isinstance(value, int):
        return value, "int"
    if isinstance(value, float):
        return value, "float"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(), "date"
    return str(value), "str"
