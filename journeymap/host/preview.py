"""What `journeymap serve` lets through: requests for this machine's preview, and no others.

The preview shows the internal site (every client's schedule, the team's notes). A web page
elsewhere could read it through DNS rebinding: its own name made to point at 127.0.0.1, so
that the browser sends the page's requests to the preview as if it were that site. Such a
request still names the page's host in its `Host` header, so only localhost names and IP
addresses (which no rebinding can fake), and the host the preview was told to serve on, are
answered; a request from another site's page (`Origin`) is refused too.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
REFUSED = (b"journeymap serve answers only requests for this machine (localhost); "
           b"this one named another host.\n")


def _host_name(host: str) -> str:
    """The name in a `Host` header (`localhost:8000`, `[::1]:8000`), lower-cased."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_host(host: str, served_on: str) -> bool:
    """Whether a request for `host` may be answered by a preview serving on `served_on`."""
    name = _host_name(host).rstrip(".")
    if not name:
        return False
    if name == "localhost" or name.endswith(".localhost") or name == served_on.lower():
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def guarded(app: WsgiApp, served_on: str) -> WsgiApp:
    """`app`, answering only requests whose Host (and Origin, if any) is allowed."""

    def guard(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        origin = environ.get("HTTP_ORIGIN")
        origin_host = urlsplit(origin).netloc if origin and origin != "null" else None
        if not allowed_host(environ.get("HTTP_HOST", ""), served_on) or (
                origin_host is not None and not allowed_host(origin_host, served_on)):
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"),
                                             ("Content-Length", str(len(REFUSED)))])
            return [REFUSED]
        return app(environ, start_response)

    return guard
