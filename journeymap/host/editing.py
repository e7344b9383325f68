"""The map editor's endpoints, in front of the live server: under `journeymap serve` only.

Safe by default. The preview's guard (preview.py) already answers only requests naming this
machine; an edit must also name this server's own host and port, come from its own pages
(`Origin`, `Sec-Fetch-Site`), carry the server's token in a header (a cookie would ride along
with a forged request; a header cannot be set across origins without the server's consent,
which it never gives), and be JSON. The token is in the pages the server serves, which only
its own origin can read. Anything else is answered 403, and nothing is written.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands import build as host_build

from ..render.overlay import inject
from ..workspace.edit import Editor, Refused
from .catch_up import CatchUp
from .live import never_stuck, rebuild_now, same_site, saved, skip_unchanged, soft_reload
from .preview import WsgiApp, allowed_host, guarded

PREFIX = "/_journeymap/"
TOKEN_HEADER = "X-Journeymap-Token"
MAX_BODY = 1_000_000
READ_ONLY_ENV = "JOURNEYMAP_READ_ONLY"


def new_token() -> str:
    return secrets.token_urlsafe(32)


@functools.lru_cache(maxsize=1)
def editor_script() -> bytes:
    return (resources.files("journeymap") / "host" / "assets" / "editor.js").read_bytes()


def tag(token: str, state: dict[str, Any] | None = None) -> str:
    """What a served page gets at the start of its body: the token, the script and, on the
    pages it edits, the editor's state (saving a request after each reload). The JSON is
    made safe to stand in HTML: no `<` in it can end the element."""
    shown = ""
    if state is not None:
        data = json.dumps(state).replace("<", "\\u003c").replace(">", "\\u003e")
        shown = f'<script type="application/json" id="jm-edit-state">{data}</script>'
    # The script itself inline too: one request less before the editor is ready again.
    script = editor_script().decode("utf-8")
    assert "</script" not in script.lower()
    return (f'<meta name="journeymap-edit-token" content="{token}">{shown}'
            f'<script>{script}</script>')


def _answer(start_response: Callable[..., Any], status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                            ("Content-Length", str(len(data))), ("Cache-Control", "no-store"),
                            ("X-Content-Type-Options", "nosniff")])
    return [data]


def refusal(environ: dict[str, Any], token: str, port: int, served_on: str) -> str | None:
    """Why a request to the endpoints is refused, or None if it may go on."""
    host = environ.get("HTTP_HOST", "")
    parts = urlsplit(f"//{host}")
    try:
        host_port = parts.port
    except ValueError:
        return "a malformed Host"
    if not allowed_host(host, served_on) or host_port != port:
        return "a request for another host"
    origin = environ.get("HTTP_ORIGIN")
    if environ.get("REQUEST_METHOD") != "GET" and not origin:
        return "a change without an Origin"
    if origin is not None and origin != f"http://{host}":
        return "a request from another site"
    if environ.get("HTTP_SEC_FETCH_SITE", "same-origin") != "same-origin":
        return "a request from another site"
    sent = environ.get("HTTP_" + TOKEN_HEADER.upper().replace("-", "_"), "")
    if not sent or not secrets.compare_digest(sent.encode(), token.encode()):
        return "a request without this server's token"
    return None


def _body(environ: dict[str, Any]) -> dict[str, Any] | str:
    """The request's JSON object, or why it is refused."""
    kind = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if kind != "application/json":
        return "a request that is not JSON"
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "a request of unknown length"
    if not 0 < length <= MAX_BODY:
        return "a request of the wrong size"
    try:
        data = json.loads(environ["wsgi.input"].read(length))
    except (ValueError, UnicodeDecodeError):
        return "a request that is not JSON"
    return data if isinstance(data, dict) else "a request that is not a JSON object"


def _with_editor(app: WsgiApp, environ: dict[str, Any], start_response: Callable[..., Any],
                 token: str, editor: Editor) -> Iterable[bytes]:
    """The page as the server gives it, with the editor's tag in an HTML page: added as it
    is served, so that the site's files (and a build) never hold it."""
    held: list[Any] = []

    def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        held[:] = [status, headers, exc_info]
        return lambda data: None  # (the live server never writes through it)

    body = app(environ, hold)
    status, headers, exc_info = held
    kind = next((v for k, v in headers if k.lower() == "content-type"), "")
    if not kind.startswith("text/html") or not status.startswith("200"):
        start_response(status, headers, exc_info)
        return body
    page = b"".join(body)
    if hasattr(body, "close"):
        body.close()
    text = page.decode("utf-8", "replace")
    # Only the pages it edits: the map (journey page, workshop view) and a client's page;
    # never a client's meet page, which goes to the client.
    if 'class="jm-map"' in text or 'class="jm jm-client"' in text:
        # A page carries only its own client's file hash (not a thousand of them).
        client = re.search(r"/clients/([a-z0-9-]+)/", environ.get("PATH_INFO", ""))
        state = editor.state(client.group(1) if client else None, all_clients=False)
        page = soft_reload(inject(text, tag(token, state))).encode("utf-8")
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    start_response(status, [*headers, ("Content-Length", str(len(page)))], exc_info)
    return [page]


def editing(app: WsgiApp, editor: Editor | None, served_on: str, port: int,
            written: Callable[[str], None] = lambda rel: None,
            making: Callable[[], AbstractContextManager[object]] = nullcontext) -> WsgiApp:
    """`app` with the editor's endpoints in front; `editor` None: read-only (all refused).
    `written(rel)` is called after each edit that wrote a file (to rebuild at once), with
    the file's path from the workspace root; each edit is worked out inside `making()`
    (CatchUp.editing)."""
    token = new_token()

    def endpoints(environ: dict[str, Any],
                  start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            if editor is None or environ.get("REQUEST_METHOD") != "GET":
                return app(environ, start_response)
            return _with_editor(app, environ, start_response, token, editor)
        method = environ.get("REQUEST_METHOD", "GET")
        if editor is None:
            return _answer(start_response, "403 Forbidden", {
                "ok": False, "message": "editing is off: the preview runs with --read-only"})
        why = refusal(environ, token, port, served_on)
        if why is not None:
            return _answer(start_response, "403 Forbidden", {
                "ok": False, "message": f"refused {why}; nothing was changed"})
        if path == PREFIX + "state" and method == "GET":
            return _answer(start_response, "200 OK", editor.state())
        if path != PREFIX + "edit" or method != "POST":
            return _answer(start_response, "404 Not Found", {"ok": False,
                                                             "message": "no such endpoint"})
        body = _body(environ)
        if isinstance(body, str):
            return _answer(start_response, "403 Forbidden", {
                "ok": False, "message": f"refused {body}; nothing was changed"})
        with making():
            try:
                answer = editor.apply(body)
            except Refused as error:
                return _answer(start_response, "409 Conflict" if error.conflict else
                               "422 Unprocessable Entity",
                               {"ok": False, "message": str(error), "conflict": error.conflict})
            if answer.get("written"):
                written(str(answer["file"]))  # inside: a waiting catch-up sees the edit
        return _answer(start_response, "200 OK", answer)

    return endpoints


def serve_editing(server: Any, editor: Editor | None, served_on: str, port: int,
                  catch_up: CatchUp, journey_file: Callable[[str], bool]) -> None:
    """The editor's endpoints in front of `server` (MkDocs' live server) and its rebuilds:
    asked for at once after an edit, the map first after an edit of a journey file or after
    a journey file saved by hand alone (a path, from the workspace root or absolute, for
    which `journey_file` is true; catch_up.py), and never leaving the browser waiting
    (live.never_stuck)."""
    rebuild = rebuild_now(server)
    catch_up.quiet_stop(logging.getLogger(host_build.__name__))

    def written(rel: str) -> None:
        if rebuild is None:  # not a server we know: no map first, its watcher rebuilds
            return
        if journey_file(rel):
            catch_up.edited()
        rebuild()

    if rebuild is not None:
        catch_up.rebuild = rebuild
        catch_up.saved = saved(server)

    def changed(paths: set[str]) -> None:
        """A journey file saved by hand, alone: its rebuild shows the map first too."""
        if rebuild is not None and paths and all(journey_file(path) for path in paths):
            catch_up.edited()

    # The guard outermost: the edit endpoints see only requests for this machine.
    server.set_app(guarded(editing(server.get_app(), editor, served_on, port, written,
                                   catch_up.editing), served_on))
    # A catch-up that gave way leaves the browsers as they are: the edit's own rebuild,
    # next, tells them (told twice, the map was shown twice, 0.1 s apart).
    server.builder = never_stuck(skip_unchanged(server.builder, server, catch_up.owed,
                                                changed), lambda: same_site(server))

