"""The one Jinja environment every page is rendered with, and the stylesheets pages carry.

Templates are looked up in the workspace's theme folder first, then in the package, so a team
restyles a page by copying its template into `theme/` and changing it.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..vocabulary import (
    CHANNEL_GLYPHS,
    CHANNEL_LABELS,
    PHASE_TITLES,
    STATUS_LABELS,
    capitalized,
    format_date,
    format_day,
)
from .markup import render_markdown

PACKAGE = resources.files("journeymap.render")
TEMPLATES = PACKAGE / "templates"
ASSETS = PACKAGE / "assets"
SITE_CSS = ASSETS / "journeymap.css"
MEET_CSS = ASSETS / "meet.css"
PRESENTER_JS = ASSETS / "presenter.js"


def initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    return "".join(p[0] for p in (parts[:1] + parts[-1:] if len(parts) > 1 else parts)).upper()


def placeholder_hue(person_id: str) -> int:
    """The hue of a person's drawn placeholder, the same in every build."""
    return int(hashlib.sha256(person_id.encode()).hexdigest()[:4], 16) % 360


def compiled_templates(cache_dir: Path | None, name: str) -> jinja2.BytecodeCache | None:
    """Where an environment keeps its compiled templates: `cache_dir`/`name`, or nowhere.
    Compiling a theme's templates takes a tenth of a second or more at every build (and
    every rebuild of a live preview); Jinja checks each kept one against its source."""
    if cache_dir is None:
        return None
    try:
        (cache_dir / name).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(cache_dir / name))


def environment(theme_dir: Path | None, cache_dir: Path | None = None) -> jinja2.Environment:
    """An environment for a workspace's theme folder, with compiled templates cached in
    `cache_dir`/jinja. Made once a build: Jinja notices an edited template by itself, but not
    a template a theme adds later to override one it has already loaded."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(TEMPLATES))]
    if theme_dir is not None:  # (a folder made later is found too)
        loaders.insert(0, jinja2.FileSystemLoader(str(theme_dir)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=compiled_templates(cache_dir, "jinja"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    env.filters.update(
        markdown=render_markdown,
        inline_markdown=lambda text: render_markdown(text, inline=True),
        date=format_date,
        day=format_day,
        initials=initials,
        hue=placeholder_hue,
        cap=capitalized,
    )
    env.globals.update(
        PHASES=PHASE_TITLES, CHANNELS=CHANNEL_LABELS, STATUSES=STATUS_LABELS,
        CHANNEL_GLYPHS=CHANNEL_GLYPHS,
    )
    return env


def theme_css(theme_dir: Path | None) -> list[Path]:
    """The theme's stylesheets, loaded after journeymap's own, in name order."""
    return sorted(theme_dir.glob("*.css")) if theme_dir is not None and theme_dir.is_dir() else []


def site_css(theme_dir: Path | None) -> str:
    """journeymap's CSS followed by the theme's, for pages that carry their own styles."""
    return "\n".join([SITE_CSS.read_text(encoding="utf-8"),
                      *(f.read_text(encoding="utf-8") for f in theme_css(theme_dir))])


def presenter_js() -> Markup:
    """The workshop view's presenter mode, for an inline <script> (the page is one file)."""
    script = PRESENTER_JS.read_text(encoding="utf-8")
    assert "</" not in script  # nothing in it may end the element early
    return Markup(script)  # noqa: S704 - journeymap's own script


def meet_css(theme_dir: Path | None) -> Markup:
    """journeymap's meet.css, then the workspace's theme/meet.css, for an inline <style>."""
    css = MEET_CSS.read_text(encoding="utf-8")
    extra = theme_dir / "meet.css" if theme_dir is not None else None
    if extra is not None and extra.is_file():
        css += "\n/* theme/meet.css */\n" + extra.read_text(encoding="utf-8")
    # `</style` would end the element early: escape the slash (CSS reads `\/` as `/`).
    return Markup(css.replace("</", "<\\/"))  # noqa: S704 - the team's own stylesheet


def templates_digest(theme_dir: Path | None) -> str:
    """The templates and CSS in use, hashed, so that a changed template misses the cache."""
    folders = [Path(str(TEMPLATES)), Path(str(ASSETS))]
    if theme_dir is not None and theme_dir.is_dir():
        folders.append(theme_dir)
    digest = hashlib.sha256()
    for folder in folders:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()
