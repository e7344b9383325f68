"""One build's pages and files, from the model and derived data: the renderer a host asks.

Free of MkDocs: a host (the MkDocs or ProperDocs plugin, or a script) asks for `pages()` and
renders each with `render(page)`, then writes the `outputs()` beside them and prints the
`pdf_jobs()`. Pages and files made from a few known inputs go through the cache by recipe.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..cache import DiskCache, Fingerprints, Output, fill_in_parallel
from ..derive.schedule import Agenda
from ..derive.schedule import agenda as make_agenda
from ..exceptions import Problem
from ..model import Business, Client, Journey, Workspace
from ..vocabulary import Words
from .calendars import calendar_feeds, calendar_outputs
from .diagrams import SiteDiagrams
from .env import environment, presenter_js, site_css
from .meet import render_meet
from .pages import Page, client_pages, person_pages, site_pages
from .paths import POSTERS, SitePaths, cards_path, photo_path, poster_path, workshop_path
from .recipes import Recipes
from .view import View


class Renderer:
    """Renders the pages and files of one build (one workspace, one date)."""

    def __init__(self, ws: Workspace, as_of: dt.date, paths: SitePaths | None = None,
                 theme_dir: Path | None = None, secret: str | None = None,
                 cache_dir: Path | None = None, fingerprints: Fingerprints | None = None,
                 agenda: Agenda | None = None, findings: Iterable[Problem] = (),
                 words: Words | None = None, business: Business | None = None,
                 pdf_note: str | None = None) -> None:
        """`secret` makes meet page names unguessable; `cache_dir` keeps what was made
        between builds; `fingerprints` are the loader's names for the records it read;
        `agenda` (as of `as_of`) is made here if not given; `findings` are the lint findings
        the journey pages show; `words` are the site's (vocabulary.Words); `business` is who
        the clients' meet pages come from; `pdf_note`, if given, says that this build makes
        no PDFs (a live preview): the pages say it in place of the links to them."""
        self.ws = ws
        self.as_of = as_of
        self.paths = paths or SitePaths()
        self.theme_dir = theme_dir
        self.secret = secret
        self.business = business
        self.page_cache = DiskCache(cache_dir, "pages")
        self.file_cache = DiskCache(cache_dir, "files")
        self.env = environment(theme_dir, cache_dir)
        self.agenda = agenda if agenda is not None else make_agenda(ws, as_of)
        self.view = View(ws, as_of, self.paths, agenda=self.agenda, findings=findings,
                         diagrams=SiteDiagrams(ws, cache_dir), secret=secret, words=words,
                         pdf_note=pdf_note)
        # The view's, not self's: a renderer that held functions holding it would be a cycle,
        # and under a live server each build's old renderer, its agenda with it, would wait
        # for a garbage collection instead of going when the next one replaces it.
        view = self.view
        self.recipes = Recipes(ws, as_of, self.paths, (secret, words, pdf_note), theme_dir,
                               fingerprints,
                               business=business,
                               clients_of=lambda person: view.people_data.clients_of(person),
                               clients_on=lambda journey: len(
                                   view.clients(ws.journeys[journey])))

    # ---- what the site holds ----------------------------------------------------------------

    def pages(self) -> list[Page]:
        return site_pages(self.ws, self.view.clients(), self.view.site_words)

    def assets(self) -> dict[str, Path]:
        """Files the pages refer to: site path → file on disk."""
        return {path: person.photo for person in self.ws.people.values()
                if person.photo and (path := photo_path(person))}

    def recipe(self, page: Page) -> str | None:
        return self.recipes.page(page)

    def render(self, page: Page) -> str:
        key = self.recipes.page(page)
        if key is not None:
            # Made from a known few inputs: an unchanged page comes from the cache.
            return self.page_cache.through(key, lambda: self._render(page).encode()).decode()
        return self._render(page)

    def _render(self, page: Page) -> str:
        template = self.env.get_template(page.template)
        return template.render(page=page, **self.view.context(page), **page.context)

    def workshop_html(self, journey: Journey, back: bool = False) -> str:
        """A journey's map as one self-contained HTML page (the CSS inline); `back`: with a
        link to the journey's page."""
        return workshop_html(self.env, self.view, self.theme_dir, journey, back)

    # ---- files beside the pages ---------------------------------------------------------------

    def outputs(self) -> dict[str, Output]:
        """Files beside the pages, site path → how to make them: each journey's workshop view
        (one standalone page, the map filling the screen), the calendars and the clients'
        meet pages."""
        found = {workshop_path(j): Output(None, functools.partial(self._workshop_bytes, j))
                 for j in self.ws.journeys.values()}
        for j in self.ws.journeys.values():  # the wall's printouts, for their PDFs
            found.update({poster_path(j, size): Output(None, functools.partial(
                self._poster_bytes, j, size)) for size in POSTERS})
            found[cards_path(j)] = Output(None, functools.partial(self._cards_bytes, j))
        found.update(calendar_outputs(self.ws, self.agenda, self.file_cache,
                                      self.recipes.client))
        found.update((self.view.meet_path(client), self._meet_output(client))
                     for client in self.view.clients())
        return found

    def files(self, only: list[str] | None = None) -> dict[str, bytes]:
        """The bytes of every output but the workshop views (calendars and meet pages).

        With `only` (client ids): just those clients' own files, and their share of the
        people's calendars made into the cache (see `prefill`).
        """
        if only is None:
            return {path: output.make() for path, output in self.outputs().items()
                    if output.recipe is not None}
        found = calendar_feeds(self.ws, self.agenda, self.file_cache, self.recipes.client,
                               only=only)
        for client_id in only:
            client = self.ws.clients[client_id]
            found[self.view.meet_path(client)] = self._meet_output(client).make()
        return found

    def _workshop_bytes(self, journey: Journey) -> bytes:
        return self.workshop_html(journey, back=True).encode()

    def _poster_bytes(self, journey: Journey, size: str) -> bytes:
        # Its links lead to the journey page, as the workshop view's do (print drops them).
        return workshop_html(self.env, self.view, self.theme_dir, journey, back=True,
                             poster=size).encode()

    def _cards_bytes(self, journey: Journey) -> bytes:
        template = self.env.get_template("cards.html")
        return template.render(journey=journey, css=Markup(site_css(self.theme_dir)),  # noqa: S704
                               as_of=self.as_of, **self.view.links(
                                   Page(f"journeys/{journey.id}", "", ""))).encode()

    def wall_pdf_jobs(self) -> list[tuple[str, str]]:
        """(HTML, PDF) site paths of the wall's printouts, each printed at its own paper
        size (the page's @page rule): the posters and the touchpoint cards."""
        jobs = []
        for j in self.ws.journeys.values():
            pages = [poster_path(j, size) for size in POSTERS] + [cards_path(j)]
            jobs += [(page, page.removesuffix(".html") + ".pdf") for page in pages]
        return jobs

    def _meet_output(self, client: Client) -> Output:
        key = self.recipes.meet(client)
        return Output(key, functools.partial(self.file_cache.through, key,
                                             functools.partial(self._meet_bytes, client)))

    def _meet_bytes(self, client: Client) -> bytes:
        return render_meet(self.ws, client, self.as_of, self.theme_dir, self.env,
                           self.business).encode()

    def pdf_jobs(self) -> list[tuple[str, str]]:
        """(site path of a built HTML file, site path of its PDF) for every PDF to print."""
        jobs = []
        for client in self.view.clients():
            jobs.append((self.paths.file(f"clients/{client.id}/handoff"),
                         f"clients/{client.id}/handoff.pdf"))
            meet = self.view.meet_path(client)
            jobs.append((meet, meet.removesuffix(".html") + ".pdf"))
        return jobs

    # ---- a cold build's head start ------------------------------------------------------------

    def prefill(self, workers: int, progress: Callable[[int, int], None] | None = None) -> int:
        """Make what the cache lacks of each client's own outputs (pages, calendars, meet page)
        and the people's pages in `workers` processes at once, before the build asks for them
        one by one.

        A cold build of a thousand clients spends most of its time there, and the work splits
        by client. The workers are forked (they share the loaded workspace) and only fill the
        cache: whatever one fails to make, the build makes itself. Returns how many clients
        were missing. Forking is for a plain build, not for a server with threads running.
        `progress(done, total)` follows the clients made.
        """
        folder = self.page_cache.folder
        missing = [c for c in self.view.clients() if folder is not None
                   and not (folder / str(self.recipes.page(client_pages(c)[0]))).exists()]
        if workers < 2 or len(missing) < 2 * workers or not hasattr(os, "fork"):
            return len(missing)

        def report(done: int) -> None:  # this process's share, the others keep pace
            if progress is not None:
                progress(min(done * workers, len(missing)), len(missing))

        fill_in_parallel(lambda share, n: self._fill(missing[share::n], share, n,
                                                     report if share == 0 else None), workers)
        return len(missing)

    def _fill(self, clients: list[Client], share: int, workers: int,
              report: Callable[[int], None] | None) -> None:
        for done, client in enumerate(clients, 1):
            for page in client_pages(client):
                self.render(page)
            if report is not None:
                report(done)
        for page in person_pages(self.ws)[share::workers]:
            self.render(page)
        self.files(only=[c.id for c in clients])


# Posters: the workshop view's map on one landscape sheet, its type scaled with the paper
# (A1 is twice A3 each way), as 6 pt fills A4. CSS names A3 but no A1: sizes in mm.
POSTER_PAPER = {"a3": ("A3", "420mm 297mm", "8.4pt"), "a1": ("A1", "841mm 594mm", "16.8pt")}


def workshop_html(env: jinja2.Environment, view: View, theme_dir: Path | None,
                  journey: Journey, back: bool = False, poster: str | None = None) -> str:
    """A journey's map as one self-contained HTML page, the CSS inline (the workshop view,
    and what `journeymap export` shows Chromium). It needs no client's schedule."""
    here = posixpath.dirname(workshop_path(journey))
    page_url = view.paths.url(f"journeys/{journey.id}")
    link = posixpath.relpath(page_url, here) + ("/" if page_url.endswith("/") else "")
    template = env.get_template("workshop.html")
    return template.render(journey=journey, css=Markup(site_css(theme_dir)),  # noqa: S704
                           script=presenter_js(),
                           poster=dict(zip(("name", "size", "type"), POSTER_PAPER[poster],
                                           strict=True)) if poster else None,
                           back=link if back else None, as_of=view.as_of,
                           **view.links(Page(f"journeys/{journey.id}", "", "")))
