"""journeymap: design and publish a client journey from files in git.

The package is laid out as its pipeline: `workspace/` reads and checks the files into the
model (`model.py`), `derive/` works out schedules, people's parts and the journey's health,
`render/` makes pages, files and pictures, `review/` compares revisions, and `host/` runs
MkDocs or ProperDocs; `vocabulary.py` holds the words they share.

What a host or a script may use is exported here (imported on first use, so that
`import journeymap` costs nothing). Anything else may change without notice.

    from journeymap import check_workspace, Renderer, build_date

    checked = check_workspace(root, "journeys", build_date())
    renderer = Renderer(checked.loaded.workspace, build_date(), agenda=checked.agenda)
    for page in renderer.pages():
        html = renderer.render(page)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Each public name, and the module it comes from.
_PUBLIC = {
    # errors and findings
    "Problem": "exceptions", "JourneymapError": "exceptions", "UsageError": "exceptions",
    "InvalidWorkspace": "exceptions", "MissingTool": "exceptions",
    # the model
    "Workspace": "model", "Journey": "model", "Stage": "model", "Touchpoint": "model",
    "Person": "model", "Client": "model", "Where": "model",
    # reading and checking the files
    "load_workspace": "workspace.load", "Loaded": "workspace.load",
    "LoadCache": "workspace.load", "check_workspace": "derive.check", "Checked": "derive.check",
    "lint": "derive.lint", "LintSettings": "derive.lint", "RULES": "derive.lint",
    "format_text": "workspace.fmt", "format_paths": "workspace.fmt",
    "schema_documents": "workspace.editor_schema", "init_workspace": "workspace.scaffold",
    # derived data
    "build_date": "derive.schedule", "Schedules": "derive.schedule", "Agenda": "derive.schedule",
    "Occurrence": "derive.schedule", "client_schedule": "derive.schedule",
    "People": "derive.people",
    # rendering
    "Renderer": "render.renderer", "Page": "render.pages", "SitePaths": "render.paths",
    "meet_name": "render.paths", "render_meet": "render.meet", "export": "render.export",
    "journey_mermaid": "render.mermaid",
    # reviewing a change
    "compare": "review.compare", "review_markdown": "review.markdown",
    "load_revision": "review.git",
}
__all__ = [
    "RULES", "Agenda", "Checked", "Client", "InvalidWorkspace", "Journey", "JourneymapError",
    "LintSettings", "LoadCache", "Loaded", "MissingTool", "Page", "People", "Person",
    "Problem", "Renderer", "Schedules", "SitePaths", "Stage", "Touchpoint", "UsageError",
    "Where", "Workspace", "__version__", "build_date", "check_workspace", "client_schedule",
    "compare", "export", "format_paths", "format_text", "init_workspace", "journey_mermaid",
    "lint", "load_revision", "load_workspace", "meet_name", "render_meet", "review_markdown",
    "schema_documents", "Occurrence",
]

if TYPE_CHECKING:
    from .derive.check import Checked, check_workspace
    from .derive.lint import RULES, LintSettings, lint
    from .derive.people import People
    from .derive.schedule import Agenda, Occurrence, Schedules, build_date, client_schedule
    from .exceptions import InvalidWorkspace, JourneymapError, MissingTool, Problem, UsageError
    from .model import Client, Journey, Person, Stage, Touchpoint, Where, Workspace
    from .render.export import export
    from .render.meet import render_meet
    from .render.mermaid import journey_mermaid
    from .render.pages import Page
    from .render.paths import SitePaths, meet_name
    from .render.renderer import Renderer
    from .review.compare import compare
    from .review.git import load_revision
    from .review.markdown import review_markdown
    from .workspace.editor_schema import schema_documents
    from .workspace.fmt import format_paths, format_text
    from .workspace.load import LoadCache, Loaded, load_workspace
    from .workspace.scaffold import init_workspace


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'journeymap' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once looked up, a plain attribute
    return value
