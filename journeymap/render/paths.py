"""Where pages and files live in the built site, and the relative links between them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import posixpath
from dataclasses import dataclass

from ..model import Client, Journey, Person

ASSET_DIR = "assets/journeymap"
MEET_DIR = "meet/"  # the clients' own pages


@dataclass(frozen=True)
class SitePaths:
    """Where pages and assets live in the built site, and relative links between them."""

    directory_urls: bool = True

    def url(self, key: str) -> str:
        """The site path of a page: ``clients/acme/`` (or ``clients/acme.html``)."""
        if key == "index" or key.endswith("/index"):
            folder = key[: -len("index")]
            return folder if self.directory_urls else folder + "index.html"
        return key + "/" if self.directory_urls else key + ".html"

    def file(self, key: str) -> str:
        """The site path of the file a page is written to: ``clients/acme/index.html``."""
        url = self.url(key)
        return url + "index.html" if url.endswith("/") or not url else url

    def rel(self, from_key: str, to_path: str) -> str:
        """A relative link from page `from_key` to a site path (a page URL or an asset)."""
        base = self.url(from_key)
        here = base if base.endswith("/") or not base else posixpath.dirname(base)
        target = relpath(to_path or ".", here.rstrip("/") or ".")
        if (not to_path or to_path.endswith("/")) and not target.endswith("/"):
            target += "/"
        return target


def relpath(path: str, start: str) -> str:
    """`posixpath.relpath` for clean site paths (no `..`), without its two `abspath` calls:
    a thousand-client site makes a hundred thousand links."""
    if ".." in path or ".." in start or path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part and part != "."]
    here = [part for part in start.split("/") if part and part != "."]
    common = 0
    for a, b in zip(to, here, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


def photo_path(person: Person) -> str | None:
    return f"{ASSET_DIR}/people/{person.id}{person.photo.suffix.lower()}" if person.photo else None


def workshop_path(journey: Journey) -> str:
    return f"journeys/{journey.id}/workshop.html"


# The wall's printouts: the map as a poster at each size, and the touchpoints as cards.
POSTERS = ("a3", "a1")


def poster_path(journey: Journey, size: str) -> str:
    return f"journeys/{journey.id}/poster-{size}.html"


def cards_path(journey: Journey) -> str:
    return f"journeys/{journey.id}/cards.html"


def meet_name(client_id: str, secret: str | None) -> str:
    """The meet page's file name (no suffix): the client id, plus a token if there is a secret.

    The token (HMAC-SHA256 of the id, 160 bits in base32) makes the address unguessable, so
    knowing one client's address does not lead to another's.
    """
    if not secret:
        return client_id
    digest = hmac.new(secret.encode(), client_id.encode(), hashlib.sha256).digest()
    token = base64.b32encode(digest[:20]).decode().lower()
    return f"{client_id}-{token}"


def meet_path(client: Client, secret: str | None) -> str:
    """The site path of the client's own "Meet your team" file."""
    return f"{MEET_DIR}{meet_name(client.id, secret)}.html"
