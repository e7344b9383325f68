"""PDFs of built HTML pages, printed by headless Chromium (Playwright), with a cache.

One browser serves every job of a run, a few pages at a time. A job's PDF is cached under
the hash of its HTML and of the local files it references (stylesheets, images, scripts), so
an unchanged page is copied instead of printed again, and the browser is launched only when
some page changed. A page is printed at rest (animations settled, images decoded, fonts
loaded), so the same page gives the same bytes however busy the machine. Writes are atomic:
a reader never sees half a PDF.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from ..cache import used
from ..exceptions import MissingTool

if TYPE_CHECKING:
    from playwright.async_api import PdfMargins

CHROMIUM = "/usr/lib/chromium/chromium"  # Debian's; JOURNEYMAP_CHROMIUM overrides it
CHROMIUM_ARGS = ["--disable-gpu", "--disable-dev-shm-usage"]
MARGIN: PdfMargins = {"top": "14mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
# Part of every cache key: change it when the print settings above, or how a page is made
# ready for printing (SETTLE), change. v2: pages are printed at rest.
PRINT_SETTINGS = f"A4 background {sorted(MARGIN.items())} v2"
INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: 'apt-get install chromium'; elsewhere: "
    "'playwright install chromium'), or set JOURNEYMAP_CHROMIUM to the path of a "
    "Chromium or Chrome executable"
)
_CSS_URL = re.compile(rb"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""")
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) ?\(D:[0-9+\-Z']*\)")
_UMASK_LOCK = threading.Lock()


@dataclass(frozen=True)
class PdfJob:
    """A built HTML file, and where to write its PDF."""

    html: Path
    out: Path


@dataclass(frozen=True)
class PdfReport:
    rendered: int  # printed by the browser
    cached: int  # copied from the cache


# ---- finding a browser ----------------------------------------------------------------------


def chromium_path() -> str | None:
    """The Chromium to use: JOURNEYMAP_CHROMIUM, Debian's, or one on PATH (None: Playwright's)."""
    configured = os.environ.get("JOURNEYMAP_CHROMIUM", "").strip()
    if configured:
        return configured
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_options() -> dict[str, Any]:
    options: dict[str, Any] = {"headless": True, "args": CHROMIUM_ARGS}
    path = chromium_path()
    if path is not None:
        options["executable_path"] = path
    return options


def _missing(error: Exception) -> MissingTool:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return MissingTool(f"Chromium could not be started to write PDFs ({first}): {INSTALL_HINT}")


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium (a Playwright sync `Browser`) for other exports, e.g. PNG maps."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        try:
            instance = p.chromium.launch(**launch_options())
        except Error as error:
            raise _missing(error) from None
        try:
            yield instance
        finally:
            instance.close()


# ---- the cache key ------------------------------------------------------------------------


class _References(HTMLParser):
    """The local files an HTML page loads: stylesheets, scripts, images, media."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value}
        if tag == "link":
            rel = (values.get("rel") or "").lower().split()
            if {"stylesheet", "icon"} & set(rel) and "href" in values:
                self.found.append(values["href"])
        for name in ("src", "poster", "xlink:href"):
            if name in values:
                self.found.append(values[name])
        if tag in ("image", "use") and "href" in values:
            self.found.append(values["href"])
        if "style" in values:
            self.found += [m.decode() for m in _CSS_URL.findall(values["style"].encode())]


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


def job_hash(html: Path) -> str:
    """The cache key: the HTML, and the bytes of every local file it (or its CSS) loads."""
    digest = hashlib.sha256(PRINT_SETTINGS.encode())
    data = html.read_bytes()
    digest.update(data)
    parser = _References()
    parser.feed(data.decode("utf-8", errors="replace"))
    refs = [(html.parent, ref) for ref in parser.found]
    refs += [(html.parent, m.decode()) for m in _CSS_URL.findall(data)]
    seen: set[Path] = set()
    while refs:
        base, ref = refs.pop(0)
        path = _local(base, ref)
        if path is None or path.resolve() in seen:
            continue
        seen.add(path.resolve())
        content = path.read_bytes()
        digest.update(b"\0" + ref.encode() + b"\0" + hashlib.sha256(content).digest())
        if path.suffix.lower() == ".css":  # fonts and images a stylesheet loads
            refs += [(path.parent, m.decode()) for m in _CSS_URL.findall(content)]
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


def _umask() -> int:
    """The process's umask, read without changing it: os.umask can only set it, and setting
    it even for a moment would give files other threads create meanwhile the wrong mode."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:  # no /proc (not Linux): set it, and put it straight back
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` through a temporary file renamed over it: a reader never sees half a file.

    The file gets the mode `open(path, "w")` would give it (0o666 less the umask), not
    mkstemp's private 0o600, so a web server running as another user can serve the PDFs as
    it serves the HTML pages beside them.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o666 & ~_umask())
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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

# ---- printing -----------------------------------------------------------------------------


async def _print_all(jobs: list[tuple[PdfJob, Path | None]], workers: int,
                     one_done: Callable[[], None]) -> None:
    from playwright.async_api import Error, async_playwright

    async with async_playwright() as p:
        try:
            chromium = await p.chromium.launch(**launch_options())
        except Error as error:
            raise _missing(error) from None
        try:
            # One context: pages share its caches. JavaScript stays on: some pages lay out
            # with it. Reduced motion: a page that honours it starts no animation at all.
            context = await chromium.new_context(reduced_motion="reduce")
            limit = asyncio.Semaphore(max(1, workers))

            async def one(job: PdfJob, cached: Path | None) -> None:
                async with limit:
                    page = await context.new_page()
                    try:
                        await page.goto(job.html.resolve().as_uri(), wait_until="load")
                        # Print media before settling: the fonts and images only the print
                        # styles use are then loaded too, and a transition the change of
                        # media starts is finished with the others.
                        await page.emulate_media(media="print")
                        await page.evaluate(SETTLE)
                        data = await page.pdf(format="A4", print_background=True,
                                              margin=MARGIN)
                    finally:
                        await page.close()
                data = _fixed_dates(data)
                write_atomic(job.out, data)
                if cached is not None:
                    write_atomic(cached, data)
                one_done()

            await asyncio.gather(*(one(job, cached) for job, cached in jobs))
        finally:
            await chromium.close()


def render_pdfs(jobs: Sequence[PdfJob], cache_dir: Path | None, workers: int = 2,
                progress: Callable[[int], None] | None = None) -> PdfReport:
    """Write each job's PDF: from the cache when its page is unchanged, else printed.

    `progress` is told how many PDFs are written so far, after each one.
    """
    done = 0

    def one_done() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done)

    todo: list[tuple[PdfJob, Path | None]] = []
    cached = 0
    for job in jobs:
        if cache_dir is None:
            todo.append((job, None))
            continue
        entry = cache_dir / "pdf" / f"{job_hash(job.html)}.pdf"
        data = entry.read_bytes() if entry.is_file() else b""
        if is_pdf(data):
            used(entry)
            write_atomic(job.out, data)
            cached += 1
            one_done()
        else:  # missing, or corrupt (a crash mid-write elsewhere): print it again
            todo.append((job, entry))
    if todo:
        _run(_print_all(todo, workers, one_done))
    return PdfReport(rendered=len(todo), cached=cached)


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
