"""PDFs of built HTML pages, printed by headless Chromium (Playwright), with a cache.

One browser serves every job of a run: one tab per core, each printing one page after
another (a new tab costs a new renderer process, more than printing a page). A job's PDF is
cached under the hash of its HTML and of the local files it references (stylesheets, images,
scripts), so an unchanged page is copied instead of printed again, and the browser is
launched only when some page changed. A page is printed at rest (animations settled, images
decoded, fonts loaded), so the same page gives the same bytes however busy the machine.
Writes are atomic: a reader never sees half a PDF.

The PDFs are tagged (a structure tree a screen reader follows, in the page's reading order),
with the page's title and language, and an outline of its headings.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import html
import os
import re
import shutil
import threading
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from ..atomic import write_atomic
from ..cache import DiskCache, usable_cores
from ..exceptions import MissingTool

if TYPE_CHECKING:
    from playwright.async_api import PdfMargins

# Debian's, in the order tried (JOURNEYMAP_CHROMIUM overrides both). The headless shell
# (package chromium-headless-shell: the old headless mode, without the desktop browser's
# print stack) prints the same pixels and text in about half the time (measured on the
# benchmark's packets and meet pages: 131 ms a document against 63 ms in one tab).
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = ["--disable-gpu", "--disable-dev-shm-usage"]
MARGIN: PdfMargins = {"top": "14mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
# Part of every cache key: change it when the print settings above, or how a page is made
# ready for printing (SETTLE), change. Not the browser: a PDF cached from another Chromium
# (a newer one, or the desktop browser rather than the headless shell) shows the same page,
# and the cache must serve a build that has no browser at all.
# v2: pages are printed at rest; v3: tagged, outlined.
PRINT_SETTINGS = f"A4 background {sorted(MARGIN.items())} tagged outline v3"
INSTALL_HINT = (
    "install Chromium (Debian: 'apt-get install chromium-headless-shell', or "
    "'apt-get install chromium'; elsewhere: "
    "'playwright install chromium'), or set JOURNEYMAP_CHROMIUM to the path of a "
    "Chromium or Chrome executable"
)
_CSS_URL = re.compile(rb"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""")
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) ?\(D:[0-9+\-Z']*\)")
_NODE_ID = re.compile(rb"\(node(\d{8})\)")


@dataclass(frozen=True)
class PdfJob:
    """A built HTML file, and where to write its PDF. With `own_size`, the page's CSS
    (`@page { size: A1 landscape; margin: ... }`) sets the paper and its margins: a poster,
    a sheet of cards; else it is A4 with journeymap's margins."""

    html: Path
    out: Path
    own_size: bool = False


@dataclass(frozen=True)
class PdfReport:
    rendered: int  # printed by the browser
    cached: int  # copied from the cache
    reused: int = 0  # of those printed: written into a tab's document, not navigated to


# ---- finding a browser ----------------------------------------------------------------------


def chromium_path() -> str | None:
    """The Chromium to use: JOURNEYMAP_CHROMIUM, Debian's headless shell or its browser, or
    one on PATH (None: Playwright's own)."""
    configured = os.environ.get("JOURNEYMAP_CHROMIUM", "").strip()
    if configured:
        return configured
    for debian in (HEADLESS_SHELL, CHROMIUM):
        if Path(debian).is_file():
            return debian
    for name in ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome",
                 "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_choices() -> list[dict[str, Any]]:
    """Playwright's launch options for the Chromium to use, then for the one to fall back on:
    Debian's desktop browser, when the headless shell was chosen (not named) and does not
    start."""
    path = chromium_path()
    paths = [path]
    if path == HEADLESS_SHELL and Path(CHROMIUM).is_file():
        paths.append(CHROMIUM)
    return [{"headless": True, "args": CHROMIUM_ARGS,
             **({"executable_path": one} if one is not None else {})} for one in paths]


def _missing(error: Exception, options: dict[str, Any]) -> MissingTool:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    tried = options.get("executable_path", "Playwright's own")
    return MissingTool(f"Chromium ({tried}) could not be started to write PDFs ({first}): "
                       f"{INSTALL_HINT}")


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium (a Playwright sync `Browser`) for other exports, e.g. PNG maps."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        *others, last = launch_choices()
        for options in others:
            with contextlib.suppress(Error):
                instance = p.chromium.launch(**options)
                break
        else:
            try:
                instance = p.chromium.launch(**last)
            except Error as error:
                raise _missing(error, last) from None
        try:
            yield instance
        finally:
            instance.close()


# ---- the cache key ------------------------------------------------------------------------


# A start tag and its attributes, read by regular expressions rather than an HTML parser:
# several times faster over a page full of inline images, and linear whatever the input
# (possessive: it never backtracks, and no tag runs past the next `<`). What it may read
# wrongly: a tag inside a script or a comment is read too (a file too many: a reprint,
# never a stale PDF), and a tag with a raw `<` or a stray quote inside it is skipped; the
# pages journeymap and the host write escape both.
_START_TAG = re.compile(r"""<([a-zA-Z][^\s/>"'<]*+)((?:[^>"'<]++|"[^"<]*+"|'[^'<]*+')*+)>""")
_LOADING = re.compile(r"src|href|poster|style", re.I)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]*)))?""")


def _references(text: str) -> list[str]:
    """The local files an HTML page loads: stylesheets, icons, scripts, images, media."""
    found: list[str] = []
    for tag_match in _START_TAG.finditer(text):
        tag, attributes = tag_match.group(1).lower(), tag_match.group(2)
        if not _LOADING.search(attributes):
            continue  # most tags: nothing to load
        values: dict[str, str] = {}
        for attribute in _ATTRIBUTE.finditer(attributes):
            value = next((v for v in attribute.groups()[1:] if v is not None), "")
            if value:
                values.setdefault(attribute.group(1).lower(), html.unescape(value))
        if tag == "link":
            rel = values.get("rel", "").lower().split()
            if {"stylesheet", "icon"} & set(rel) and "href" in values:
                found.append(values["href"])
        found += [values[name] for name in ("src", "poster", "xlink:href") if name in values]
        if tag in ("image", "use") and "href" in values:
            found.append(values["href"])
        if "style" in values:
            found += [m.decode() for m in _CSS_URL.findall(values["style"].encode())]
    return found


def _local(base: Path, ref: str) -> Path | None:
    """The file a relative or file:// reference names, or None for remote and inline ones."""
    parts = urlsplit(ref)
    if parts.scheme == "file":
        path = Path(unquote(parts.path))
    elif parts.scheme or parts.netloc or not parts.path:
        return None
    else:
        path = base / unquote(parts.path)
    return path if path.is_file() else None


# What a reference from a folder names, kept for one run (many pages share a stylesheet):
# the file, the hash of its bytes and, for a stylesheet, what it loads in turn (relative
# to the stylesheet as named, as a browser reads it); None for no local file.
Loaded = tuple[Path, Path, bytes, list[str]]  # as named, resolved, its hash, what it loads
Known = dict[tuple[Path, str], Loaded | None]


def _loaded(base: Path, ref: str, known: Known) -> Loaded | None:
    if (base, ref) not in known:
        path = _local(base, ref)
        if path is None:
            known[base, ref] = None
        else:
            content = path.read_bytes()
            css = ([m.decode() for m in _CSS_URL.findall(content)]
                   if path.suffix.lower() == ".css" else [])  # fonts and images it loads
            known[base, ref] = (path, path.resolve(), hashlib.sha256(content).digest(), css)
    return known[base, ref]


def job_hash(page: Path, known: Known | None = None) -> str:
    """The cache key: the HTML, and the bytes of every local file it (or its CSS) loads.
    `known` keeps the references already followed in this run."""
    known = {} if known is None else known
    digest = hashlib.sha256(PRINT_SETTINGS.encode())
    data = page.read_bytes()
    digest.update(data)
    refs = [(page.parent, ref) for ref in _references(data.decode("utf-8", errors="replace"))]
    refs += [(page.parent, m.decode()) for m in _CSS_URL.findall(data)]
    seen: set[Path] = set()
    while refs:
        base, ref = refs.pop(0)
        found = _loaded(base, ref, known)
        if found is None or found[1] in seen:
            continue
        path, resolved, file_digest, loads = found
        seen.add(resolved)
        digest.update(b"\0" + ref.encode() + b"\0" + file_digest)
        refs += [(path.parent, m) for m in loads]
    return digest.hexdigest()


def is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def _fixed_dates(data: bytes) -> bytes:
    """Chromium stamps the time of printing; the build's date keeps builds reproducible.

    SOURCE_DATE_EPOCH's moment if set, else a fixed one; replaced at the same length, so
    the cross-reference offsets stay right.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = dt.datetime.fromtimestamp(int(epoch) if epoch.isdigit() else 946684800, tz=dt.UTC)
    fixed = moment.strftime("%Y%m%d%H%M%S+00'00'").encode()

    def replace(match: re.Match[bytes]) -> bytes:
        text = match.group(0)
        head = text[: text.index(b"(D:") + 3]
        return head + fixed + b")" if len(text) == len(head) + len(fixed) + 1 else text

    return _PDF_DATE.sub(replace, data)


def _fixed_ids(data: bytes) -> bytes:
    """A tagged PDF names its structure elements after the DOM nodes they come from, whose
    numbers run on through every page a tab has shown: renumbered from 1 here, in the same
    order (the ID tree stays sorted) and at the same length (the offsets stay right), so a
    page prints the same bytes whatever the tab printed before it."""
    numbers = sorted(set(_NODE_ID.findall(data)))  # at most 10**8 - 1: eight digits
    rank = {number: b"%08d" % index for index, number in enumerate(numbers, 1)}
    return _NODE_ID.sub(lambda match: b"(node" + rank[match.group(1)] + b")", data)


# Run in every page between its load and its printing, so that the PDF shows the page at rest,
# whatever the moment of printing: the same HTML gives the same bytes on a busy machine too.
SETTLE = """async () => {
  // Links into the site would print as file:// paths of the build folder: dead on paper,
  // and different in every build.
  for (const a of document.querySelectorAll('a[href]')) {
    if (!/^(https?:|mailto:|tel:)/i.test(a.getAttribute('href'))) a.removeAttribute('href');
  }
  // A lazy image may not have loaded by then: load it now, like every other.
  for (const img of document.images) if (img.loading === 'lazy') img.loading = 'eager';
  // A running animation prints as its frame of the moment: finish it (or, if it never
  // ends, undo it), as a page left open long enough would show it.
  for (const animation of document.getAnimations()) {
    try {
      if (Number.isFinite(animation.effect.getComputedTiming().endTime)) animation.finish();
      else animation.cancel();
    } catch (error) {
      animation.cancel();
    }
  }
  // Every image decoded and every font loaded, the print styles' own included (the layout
  // read first starts their loads). A broken image is printed as it is; an image that
  // never comes does not hold the build for ever.
  void document.documentElement.offsetHeight;
  const images = [...document.images].map(img => img.decode().catch(() => null));
  const late = new Promise(done => setTimeout(done, 10000));
  await Promise.race([Promise.all([...images, document.fonts.ready]), late]);
}"""

# ---- printing: a tab's document, shown again ---------------------------------------------
#
# Navigating costs Chromium more than printing a small page: a new document each time, its
# stylesheets and scripts loaded and run again (measured: about 60% of a packet's printing).
# A tab that has shown one page can show the next page of the same kind in the document it
# already has, written in with `set_content` (document.open and write): the page's own HTML,
# a `<base>` added so that its relative links resolve from its own folder. What a written
# document inherits from the one before it is its URL, its Content-Security-Policy and its
# scripts' globals, so a page is written in only after one with the same policy and scripts
# (its "kind"), and the first time a kind is written in during a run, it is printed again
# from a fresh navigation and the two compared: a kind that prints differently is navigated
# to for the rest of the run.

_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)
_CSP = re.compile(r"""<meta\s[^>]*http-equiv\s*=\s*["']?content-security-policy[^>]*>""", re.I)
_SCRIPT = re.compile(r"<script\b[^>]*>", re.I)
_OWN_BASE = re.compile(r"<base[\s>]", re.I)


def kind_of(text: str) -> str | None:
    """What a page's document carries over to the next one written into it: its policies
    and its script tags. None: the page is always navigated to (it has no `<head>` to add
    the base to, or a `<base>` of its own)."""
    if _HEAD.search(text) is None or _OWN_BASE.search(text):
        return None
    return "\0".join(_CSP.findall(text) + ["scripts"] + _SCRIPT.findall(text))


def _written(text: str, folder: Path) -> str:
    """The page as written into a reused document: a `<base>` first in its head."""
    base = f'<base href="{html.escape(folder.resolve().as_uri() + "/")}">'
    return _HEAD.sub(lambda match: match.group(0) + base, text, count=1)


@dataclass
class _Tab:
    """A browser tab, and the kind of page its document shows (None: not to be reused)."""

    page: Any
    kind: str | None = None


@dataclass
class _Reuse:
    """What a run knows of reusing documents, shared by its tabs."""

    allowed: bool = True
    # Per kind: whether a page written into a reused document prints as a fresh one does
    # (None: being found out in some tab; absent: not tried yet).
    verdicts: dict[str, bool | None] = field(default_factory=dict)
    count: int = 0  # PDFs printed from a reused document


async def _pdf(page: Any, job: PdfJob) -> bytes:
    """The PDF of what `page` shows, settled first."""
    await page.evaluate(SETTLE)
    if job.own_size:
        data = await page.pdf(prefer_css_page_size=True, print_background=True, tagged=True,
                              outline=True)
    else:
        data = await page.pdf(format="A4", print_background=True, margin=MARGIN, tagged=True,
                              outline=True)
    return _fixed_ids(_fixed_dates(data))


async def _fresh(tab: _Tab, job: PdfJob, kind: str | None) -> bytes:
    await tab.page.goto(job.html.resolve().as_uri(), wait_until="load")
    tab.kind = kind
    return await _pdf(tab.page, job)


async def _print_one(tab: _Tab, job: PdfJob, reuse: _Reuse) -> bytes:
    """One job's PDF, printed in `tab` (which may have printed others before)."""
    try:
        text = job.html.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return await _fresh(tab, job, None)
    kind = kind_of(text) if reuse.allowed else None
    verdicts = reuse.verdicts
    if kind is None or kind != tab.kind or (kind in verdicts and not verdicts[kind]):
        return await _fresh(tab, job, kind)
    trying = kind not in verdicts
    if trying:
        verdicts[kind] = None  # the other tabs navigate until this one knows
    await tab.page.set_content(_written(text, job.html.parent), wait_until="load")
    data = await _pdf(tab.page, job)
    if trying:
        fresh = await _fresh(tab, job, kind)
        verdicts[kind] = fresh == data
        return fresh
    reuse.count += 1
    return data


Todo = tuple[PdfJob, str]  # a job to print, and its cache key


async def _launched(playwright: Any) -> Any:
    from playwright.async_api import Error

    *others, last = launch_choices()
    for options in others:
        with contextlib.suppress(Error):
            return await playwright.chromium.launch(**options)
    try:
        return await playwright.chromium.launch(**last)
    except Error as error:
        raise _missing(error, last) from None


async def _print_in(chromium: Any, first: Todo, next_todo: Callable[[], Todo | None],
                    cache: DiskCache, workers: int, printed: Callable[[], None],
                    reuse: _Reuse) -> None:
    """Print `first`, then whatever `next_todo` (run in a thread: it hashes pages and copies
    unchanged ones from the cache) gives, until None, in `workers` tabs of `chromium`."""
    # One context: pages share its caches. JavaScript stays on: some pages lay out with it.
    # Reduced motion: a page that honours it starts no animation at all.
    context = await chromium.new_context(reduced_motion="reduce")
    waiting, taking = [first], asyncio.Lock()

    async def take() -> Todo | None:
        async with taking:  # next_todo walks one list: one caller at a time
            return waiting.pop() if waiting else await asyncio.to_thread(next_todo)

    async def tab() -> None:
        page = await context.new_page()
        # Print media before loading: the fonts and images only the print styles use are
        # loaded with the page, and no transition runs from screen to print.
        await page.emulate_media(media="print")
        shown = _Tab(page)
        try:
            while (todo := await take()) is not None:
                job, key = todo
                data = await _print_one(shown, job, reuse)
                write_atomic(job.out, data)
                cache.put(key, data)
                printed()
        finally:
            await page.close()

    try:
        await asyncio.gather(*(tab() for _ in range(max(1, workers))))
    finally:
        await context.close()


async def _print_all(first: Todo, next_todo: Callable[[], Todo | None], cache: DiskCache,
                     workers: int, printed: Callable[[], None], reuse: _Reuse) -> None:
    """`_print_in` a Chromium launched for it."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await _launched(p)
        try:
            await _print_in(chromium, first, next_todo, cache, workers, printed, reuse)
        finally:
            await chromium.close()


class Printer:
    """A Chromium launched ahead, in a thread of its own, while the pages it will print are
    being made: a rebuild's few PDFs then do not wait for the browser to start (about a
    second, most of a warm rebuild's PDF stage). Hand it to `render_pdfs`; `close()` ends
    it, used or not. A Chromium that cannot start is said when a PDF must be printed."""

    def __init__(self) -> None:
        self._playwright: Any = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="journeymap-printer")
        self._thread.start()
        self._chromium = asyncio.run_coroutine_threadsafe(self._launch(), self._loop)

    async def _launch(self) -> Any:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        return await _launched(self._playwright)

    def run(self, work: Callable[[Any], Coroutine[Any, Any, None]]) -> None:
        """Run `work(chromium)` in the printer's thread, to its end."""
        chromium = self._chromium.result()  # MissingTool if it could not start
        asyncio.run_coroutine_threadsafe(work(chromium), self._loop).result()

    def close(self) -> None:
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    async def _stop(self) -> None:
        try:
            chromium = await asyncio.wrap_future(self._chromium)
        except Exception:  # noqa: BLE001 -- it never started: nothing to close
            chromium = None
        if chromium is not None:
            await chromium.close()
        if self._playwright is not None:
            await self._playwright.stop()


def render_pdfs(jobs: Sequence[PdfJob], cache_dir: Path | None, workers: int | None = None,
                progress: Callable[[int], None] | None = None, reuse: bool = True,
                printer: Printer | None = None) -> PdfReport:
    """Write each job's PDF: from the cache when its page is unchanged, else printed, in
    `workers` tabs at once (default: one per usable core). The pages are hashed while the
    tabs print; the browser starts only once a page is found that must be printed.

    `progress` is told how many PDFs are written so far, after each one. With `reuse`, a
    tab shows the next page of a kind in the document it has (faster; the same bytes);
    without, it navigates to every page. `printer`: a Chromium launched ahead (else one is
    launched here, if a page must be printed).
    """
    counts = {"printed": 0, "cached": 0}
    counting = threading.Lock()  # PDFs are counted from the tabs and from the hashing thread

    def one_done(kind: str) -> None:
        with counting:
            counts[kind] += 1
            if progress is not None:
                progress(counts["printed"] + counts["cached"])

    cache = DiskCache(cache_dir, "pdf")
    reused = _Reuse(allowed=reuse)
    known: Known = {}
    # Pages of a kind one after another, so that a tab shows them in one document: a site's
    # pages of a kind (the packets, the meet pages) sit at one depth of its folders.
    pending = iter(sorted(jobs, key=lambda job: (job.own_size, len(job.html.parts))))

    def next_todo() -> Todo | None:
        """The next job to print; the unchanged ones before it copied from the cache."""
        for job in pending:
            key = job_hash(job.html, known) + ("-own-size" if job.own_size else "")
            data = cache.get(key)
            if data is None or not is_pdf(data):  # missing, or damaged: print it again
                return job, key
            write_atomic(job.out, data)
            one_done("cached")
        return None

    first = next_todo()
    if first is not None:
        args = (first, next_todo, cache, workers or usable_cores(), lambda: one_done("printed"),
                reused)
        if printer is not None:
            printer.run(lambda chromium: _print_in(chromium, *args))
        else:
            _run(_print_all(*args))
    return PdfReport(rendered=counts["printed"], cached=counts["cached"], reused=reused.count)


def _run(job: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to the end, in a thread of its own if this one already has a loop
    (a host such as a notebook or a test runner may be running one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(job)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, job).result()
