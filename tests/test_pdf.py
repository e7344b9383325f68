"""PDFs printed by the real Chromium, read back with poppler; the cache, by its effects."""

from __future__ import annotations

import concurrent.futures
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, BIN, REPO

from journeymap.cache import DiskCache
from journeymap.exceptions import MissingTool
from journeymap.render import pdf
from journeymap.render.pdf import PdfJob, _references, browser, is_pdf, job_hash, render_pdfs

PHOTO = REPO / "journeys" / "team" / "alex-rivera.jpg"


def page(folder: Path, text: str = "Hello from the handoff packet") -> Path:
    """A page with a stylesheet (which loads a font-free background) and an image."""
    (folder / "css").mkdir(parents=True, exist_ok=True)
    (folder / "css" / "page.css").write_text(
        "html, body { background: rgb(200, 40, 40); margin: 0; }\n"
        "h1 { color: white; font: 32px sans-serif; }\n")
    (folder / "img").mkdir(exist_ok=True)
    (folder / "img" / "me.jpg").write_bytes(PHOTO.read_bytes())
    html = folder / "page.html"
    html.write_text(f'<!doctype html><html><head><meta charset="utf-8"><title>t</title>'
                    f'<link rel="stylesheet" href="css/page.css"></head><body><h1>{text}</h1>'
                    f'<img src="img/me.jpg" alt="me" width="80"></body></html>')
    return html


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout


def pixel(path: Path, x: float, y: float) -> tuple[int, int, int]:
    """The colour at (x, y), as fractions of the first page's size, as poppler renders it."""
    ppm = subprocess.run(["pdftoppm", "-r", "20", "-f", "1", "-l", "1", str(path)],
                         capture_output=True, check=True).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+\d+\s", ppm)
    assert header is not None
    width, height = int(header.group(1)), int(header.group(2))
    at = header.end() + 3 * (int(y * height) * width + int(x * width))
    red, green, blue = ppm[at:at + 3]
    return red, green, blue


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to launch Chromium fails: what a run that needs none must not notice."""
    monkeypatch.setenv("JOURNEYMAP_CHROMIUM", "/nonexistent/chromium")


def test_a_pdf_is_printed_on_a4_with_backgrounds(tmp_path: Path) -> None:
    out = tmp_path / "out" / "page.pdf"
    report = render_pdfs([PdfJob(page(tmp_path), out)], cache_dir=None)
    assert report.rendered == 1 and report.cached == 0
    assert is_pdf(out.read_bytes())
    assert "Hello from the handoff packet" in pdftotext(out)
    assert "595.92 x 842.88 pts (A4)" in pdfinfo(out)
    # Backgrounds are printed (here, below the heading and the image).
    red, green, blue = pixel(out, 0.5, 0.6)
    assert red > 150 and green < 100 and blue < 100, (red, green, blue)
    assert sorted(p.name for p in out.parent.iterdir()) == ["page.pdf"]  # no temp files left


def test_several_jobs_share_one_browser_and_builds_are_reproducible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")
    jobs = []
    for n in range(3):
        html = page(tmp_path / f"p{n}", f"Page number {n}")
        jobs.append(PdfJob(html, tmp_path / f"p{n}.pdf"))
    jobs.append(PdfJob(jobs[0].html, tmp_path / "again.pdf"))
    assert render_pdfs(jobs, cache_dir=None, workers=2).rendered == 4
    for n in range(3):
        assert f"Page number {n}" in pdftotext(tmp_path / f"p{n}.pdf")
    # Printing the same page twice gives the same bytes: no wall-clock time inside.
    assert (tmp_path / "p0.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()
    assert b"/CreationDate (D:20261124000000+00'00')" in (tmp_path / "p0.pdf").read_bytes()


def document(folder: Path, name: str, title: str) -> Path:
    """A page with headings in order, a table with header cells (whose structure elements
    a tagged PDF names by DOM node) and a language."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = "".join(f"<tr><th scope=row>Step {n}</th><td>Call {n}</td></tr>" for n in range(30))
    html = folder / f"{name}.html"
    html.write_text(f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
                    f"<title>{title}</title></head><body><h1>{title}</h1>"
                    f"<h2>First part</h2><p>Alpha paragraph.</p>"
                    f"<table><tr><th scope=col>When</th><th scope=col>What</th></tr>{rows}"
                    f"</table><h2>Second part</h2><p>Omega paragraph.</p></body></html>")
    return html


def outline(path: Path) -> list[tuple[int, str]]:
    """The PDF's outline, as (depth, title) in order."""
    import pypdf

    found: list[tuple[int, str]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(pypdf.PdfReader(path).outline, 0)
    return found


def test_pdfs_are_tagged_titled_outlined_and_read_in_order(tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    render_pdfs([PdfJob(document(tmp_path, "a", "Packet for Anna"), out)], cache_dir=None)
    info = pdfinfo(out)
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+Packet for Anna$", info, re.M), info
    import pypdf

    assert pypdf.PdfReader(out).trailer["/Root"]["/Lang"] == "fr"
    assert outline(out) == [(0, "Packet for Anna"), (1, "First part"), (1, "Second part")]
    structure = subprocess.run(["pdfinfo", "-struct", str(out)], capture_output=True,
                               text=True, check=True).stdout
    assert "H1" in structure and "Table" in structure and "TH" in structure
    text = pdftotext(out)
    order = [text.index(words) for words in ("Packet for Anna", "First part", "Alpha",
                                             "Step 0", "Step 29", "Second part", "Omega")]
    assert order == sorted(order), text


def test_a_page_prints_the_same_bytes_whatever_its_tab_printed_before(tmp_path: Path) -> None:
    """One tab prints page after page; a tagged PDF's element names must not carry over."""
    a = document(tmp_path, "a", "Anna")
    b = document(tmp_path, "b", "Bert")
    jobs = [PdfJob(a, tmp_path / "first.pdf"), PdfJob(b, tmp_path / "b.pdf"),
            PdfJob(a, tmp_path / "again.pdf")]
    assert render_pdfs(jobs, cache_dir=None, workers=1).rendered == 3
    first = (tmp_path / "first.pdf").read_bytes()
    assert b"(node0" in first  # the names renumbered are there
    assert first == (tmp_path / "again.pdf").read_bytes()


class ParsedReferences(HTMLParser):
    """What the cache key follows, read by the standard library's HTML parser: the
    reference the faster reader in pdf.py is checked against."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values: dict[str, str] = {}
        for name, value in attrs:
            if value:
                values.setdefault(name, value)
        if tag == "link" and {"stylesheet", "icon"} & set(values.get("rel", "").lower().split()):
            self.found += [values["href"]] if "href" in values else []
        self.found += [values[name] for name in ("src", "poster", "xlink:href") if name in values]
        if tag in ("image", "use") and "href" in values:
            self.found.append(values["href"])
        if "style" in values:
            self.found += re.findall(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""", values["style"])


TRICKY = """<!doctype html><HTML><head><LINK REL="Stylesheet" HREF='css/a.css'>
<link rel=icon href=img/fav.ico><link rel="alternate" href="feed.xml">
<script src="js/x.js?v=1&amp;w=2"></script></head><body>
<img alt="a > b" src="img/one.png"><img src = "img/two%20words.png" loading=lazy>
<p style="background: url('img/bg.png')">text with a quote ' and a "</p>
<svg><image href="img/three.png"/><use xlink:href="#p1"/></svg>
<video poster="img/poster.jpg" src="media/v.mp4"></video><img src="data:image/png;base64,AAAA">
<a href="../other.html">a link, not a load</a><img src="img/one.png" src="img/second-src.png">
</body></HTML>"""


def test_the_cache_key_follows_what_an_html_parser_finds(example_site: Path) -> None:
    pages = [TRICKY, *(p.read_text() for p in sorted(example_site.rglob("*.html")))]
    assert len(pages) > 20
    for text in pages:
        parser = ParsedReferences()
        parser.feed(text)
        assert _references(text) == parser.found
    assert _references(TRICKY)[:4] == ["css/a.css", "img/fav.ico", "js/x.js?v=1&w=2",
                                       "img/one.png"]


def test_the_reference_reader_takes_linear_time_on_hostile_markup() -> None:
    for hostile in ("<a " + "b=" * 200_000, "<a " + '"' * 200_000, "<a" + " x='y'" * 50_000,
                    "<" + "a" * 200_000, "<a b=c/" * 50_000, "<a" * 100_000, '<a "' * 100_000):
        started = time.perf_counter()
        _references(hostile)
        assert time.perf_counter() - started < 10  # seconds; a backtracking reader takes hours


def moving_page(folder: Path) -> Path:
    """A page that is never the same two moments running: a band that turns from red to blue
    over a minute, and below it one that flashes yellow and magenta for ever (green at rest)."""
    folder.mkdir(parents=True, exist_ok=True)
    html = folder / "moving.html"
    html.write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>t</title><style>'
        "html, body { margin: 0; }"
        "@keyframes turn { from { background: rgb(255, 0, 0); }"
        " to { background: rgb(0, 0, 255); } }"
        "@keyframes flash { from { background: rgb(255, 255, 0); }"
        " to { background: rgb(255, 0, 255); } }"
        ".turn { height: 400px; animation: turn 60s linear forwards; }"
        ".flash { height: 400px; background: rgb(0, 160, 0);"
        " animation: flash 0.7s linear infinite alternate; }"
        '</style></head><body><div class="turn"></div><div class="flash"></div></body></html>')
    return html


def test_a_moving_page_prints_at_rest_whatever_the_moment(tmp_path: Path) -> None:
    """Printed four times, two at a time: the same bytes each time, and the page as it is once
    still (the finite animation at its end, the endless one undone), not a frame of the moment
    of printing, which a busy machine moves."""
    html = moving_page(tmp_path / "site")
    outs = [tmp_path / f"{n}.pdf" for n in range(4)]
    assert render_pdfs([PdfJob(html, out) for out in outs], cache_dir=None, workers=2).rendered == 4
    assert len({out.read_bytes() for out in outs}) == 1
    red, green, blue = pixel(outs[0], 0.5, 0.2)
    assert red < 40 and green < 40 and blue > 200, (red, green, blue)
    red, green, blue = pixel(outs[0], 0.5, 0.5)
    assert red < 40 and green > 120 and blue < 40, (red, green, blue)


def test_the_cache_copies_an_unchanged_page_without_a_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html, cache = page(tmp_path / "site"), tmp_path / "cache"
    first = render_pdfs([PdfJob(html, tmp_path / "one.pdf")], cache)
    assert (first.rendered, first.cached) == (1, 0)
    assert [p.name for p in (cache / "pdf").iterdir()] == [job_hash(html)]

    monkeypatch.setenv("JOURNEYMAP_CHROMIUM", "/nonexistent/chromium")
    second = render_pdfs([PdfJob(html, tmp_path / "two.pdf")], cache)
    assert (second.rendered, second.cached) == (0, 1)
    assert (tmp_path / "two.pdf").read_bytes() == (tmp_path / "one.pdf").read_bytes()

    # A changed stylesheet or image is a changed page: it is printed again (and here fails,
    # which shows that the browser was asked for).
    for changed in ("css/page.css", "img/me.jpg"):
        before = job_hash(html)
        target = tmp_path / "site" / changed
        target.write_bytes(target.read_bytes() + b"\n")
        assert job_hash(html) != before
        with pytest.raises(MissingTool):
            render_pdfs([PdfJob(html, tmp_path / "three.pdf")], cache)


def test_a_corrupt_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    html, cache = page(tmp_path / "site"), tmp_path / "cache"
    entry = cache / "pdf" / job_hash(html)
    entry.parent.mkdir(parents=True)
    kept = DiskCache(cache, "pdf")
    for corrupt in (b"<html>not a pdf</html>", b"%PDF-1.4\n1 0 obj\n"):  # the second cut short
        entry.write_bytes(corrupt)
        report = render_pdfs([PdfJob(html, tmp_path / "out.pdf")], cache)
        assert (report.rendered, report.cached) == (1, 0)
        assert "Hello from the handoff packet" in pdftotext(tmp_path / "out.pdf")
        assert is_pdf(kept.get(job_hash(html)) or b"")
    # An entry whose content is whole but is no PDF (another version's, say) is printed too.
    kept.put(job_hash(html), b"<html>a whole entry, but no PDF</html>")
    assert render_pdfs([PdfJob(html, tmp_path / "out.pdf")], cache).rendered == 1


def test_no_chromium_is_a_clear_error(tmp_path: Path, no_browser: None) -> None:
    with pytest.raises(MissingTool) as error:
        render_pdfs([PdfJob(page(tmp_path), tmp_path / "x.pdf")], cache_dir=None)
    message = str(error.value)
    assert "apt-get install chromium" in message and "JOURNEYMAP_CHROMIUM" in message
    assert not (tmp_path / "x.pdf").exists()
    # Nothing to print: no browser needed, no error.
    assert render_pdfs([], cache_dir=None).rendered == 0


def test_browser_context_manager_for_other_exports(tmp_path: Path) -> None:
    def use() -> None:
        with browser() as chromium:
            tab = chromium.new_page()
            tab.goto(page(tmp_path).as_uri())
            assert tab.locator("h1").inner_text() == "Hello from the handoff packet"
            assert tab.evaluate("document.images[0].naturalWidth") > 0

    # In a thread of its own: pytest-playwright's session keeps an event loop in this one,
    # and Playwright's sync API refuses to start inside a running loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(use).result()


def test_a_builds_pdfs_have_the_mode_of_its_html_pages(tmp_path: Path) -> None:
    """Printed, and copied from the cache: the mode `open()` gives under the umask, as the
    HTML pages beside them have (mkstemp's 0600 would keep a web server out)."""
    ws = tmp_path / "ws"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--clients", "1",
                    "--people", "2", "--seed", "1", "--out", str(ws)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    for umask in (0o022, 0o002):  # the first build prints, the second copies from the cache
        build = subprocess.run([str(BIN / "journeymap"), "build", "--as-of", AS_OF, "--clean",
                                "-q"], cwd=ws, env=env, umask=umask, capture_output=True,
                               text=True, timeout=300)
        assert build.returncode == 0, build.stderr
        site = ws / "site"
        pdfs = sorted(site.rglob("*.pdf"))
        # The client's handoff packet and meet page; the journey's A3 and A1 posters and cards.
        assert len(pdfs) == 5
        html = {oct(p.stat().st_mode & 0o777) for p in site.rglob("*.html")}
        assert html == {oct(0o666 & ~umask)}
        assert {oct(p.stat().st_mode & 0o777) for p in pdfs} == html, umask


def site_jobs(site: Path, out: Path) -> list[PdfJob]:
    """Every client PDF of a built site (the packets and the meet pages), printed to `out`."""
    pages = sorted(site.glob("clients/*/handoff/index.html")) + sorted(site.glob("meet/*.html"))
    assert len(pages) >= 4
    return [PdfJob(html, out / f"{n}-{html.parent.name}-{html.stem}.pdf")
            for n, html in enumerate(pages)]


def test_a_page_written_into_a_reused_tab_prints_as_it_does_on_its_own(
    example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example's packets (three and four pages) and meet pages (four, with photos),
    printed in one tab that shows page after page in the document it has, equal byte for
    byte what each prints when navigated to on its own, and what the build printed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")  # the build's: AS_OF's midnight
    reused = render_pdfs(site_jobs(example_site, tmp_path / "reused"), None, workers=1)
    fresh = render_pdfs(site_jobs(example_site, tmp_path / "fresh"), None, workers=1,
                        reuse=False)
    assert fresh.reused == 0
    # Of each kind (packets, meet pages), the first page is navigated to and the second is
    # written in and printed fresh too, to compare; the rest come from the tab's document.
    assert reused.reused == reused.rendered - 4, reused
    lengths = set()
    for job in site_jobs(example_site, tmp_path / "fresh"):
        again = (tmp_path / "reused" / job.out.name).read_bytes()
        assert again == job.out.read_bytes(), job.html
        built = job.html.with_suffix(".pdf") if job.html.stem != "index" else (
            job.html.parent.parent / "handoff.pdf")
        assert built.read_bytes() == again, built
        lengths.add(pdfinfo(job.out).split("Pages:")[1].split()[0])
    assert len(lengths) > 1, lengths  # packets of different lengths, each over pages


def test_the_headless_shell_is_preferred_and_a_named_browser_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell, full = tmp_path / "chromium-headless-shell", tmp_path / "chromium"
    monkeypatch.setattr(pdf, "HEADLESS_SHELL", str(shell))
    monkeypatch.setattr(pdf, "CHROMIUM", str(full))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("JOURNEYMAP_CHROMIUM", raising=False)
    assert pdf.chromium_path() is None  # neither: Playwright's own
    full.write_text("")
    assert pdf.chromium_path() == str(full)
    shell.write_text("")
    assert pdf.chromium_path() == str(shell)
    monkeypatch.setenv("JOURNEYMAP_CHROMIUM", "/opt/my/chrome")
    assert pdf.chromium_path() == "/opt/my/chrome"


def test_a_headless_shell_that_does_not_start_gives_way_to_the_desktop_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "chromium-headless-shell"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(pdf, "HEADLESS_SHELL", str(broken))
    monkeypatch.delenv("JOURNEYMAP_CHROMIUM", raising=False)
    out = tmp_path / "page.pdf"
    assert render_pdfs([PdfJob(page(tmp_path), out)], None).rendered == 1  # printed by chromium
    assert "Hello from the handoff packet" in pdftotext(out)

    def use() -> str:
        with browser() as chromium:
            return str(chromium.version)

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(use).result()  # the PNG exports' browser falls back too
    # With nothing to fall back on, the message names the browser that was tried.
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(MissingTool) as error:
        render_pdfs([PdfJob(page(tmp_path), tmp_path / "two.pdf")], None)
    assert f"Chromium ({broken}) could not be started" in str(error.value)


def rendered(path: Path) -> list[bytes]:
    """Each page of a PDF as poppler draws it (PPM): pixels to compare."""
    out = path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "60", str(path), str(out)], check=True)
    return [ppm.read_bytes() for ppm in sorted(path.parent.glob(out.name + "-*.ppm"))]


def unlike(one: bytes, other: bytes) -> tuple[int, int]:
    """How many colour values of two same-sized PPM pages differ, and by at most how much."""
    assert len(one) == len(other) and one[:20] == other[:20]
    differences = [abs(a - b) for a, b in zip(one, other, strict=True) if a != b]
    return len(differences), max(differences, default=0)


def test_the_headless_shell_prints_what_the_full_browser_prints(
    example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example's packets and meet pages, printed by the headless shell (what a build
    uses, and what ./dev installs) and by the desktop browser: the same pages and text, and
    the same pixels but for the odd one a shade apart (measured: three pixels, one level of
    255, in an effect Chromium draws as an image)."""
    assert Path(pdf.HEADLESS_SHELL).is_file(), "./dev setup installs chromium-headless-shell"
    wall = sorted(example_site.glob("journeys/*/poster-*.html")) + sorted(
        example_site.glob("journeys/*/cards.html"))
    assert len(wall) >= 3
    outs = {}
    for name, path in (("shell", pdf.HEADLESS_SHELL), ("full", pdf.CHROMIUM)):
        monkeypatch.setenv("JOURNEYMAP_CHROMIUM", path)
        jobs = site_jobs(example_site, tmp_path / name) + [  # and the wall's, at their own size
            PdfJob(html, tmp_path / name / f"wall-{html.stem}.pdf", own_size=True)
            for html in wall]
        assert render_pdfs(jobs, None).rendered == len(jobs)
        outs[name] = jobs
    for shell, full in zip(outs["shell"], outs["full"], strict=True):
        assert pdftotext(shell.out) == pdftotext(full.out), shell.html
        assert outline(shell.out) == outline(full.out), shell.html
        shell_info, full_info = pdfinfo(shell.out), pdfinfo(full.out)
        for field in ("Title", "Tagged", "Pages", "Page size"):
            line = re.compile(rf"^{field}:.*$", re.M)
            assert line.findall(shell_info) == line.findall(full_info), (shell.html, field)
        shell_pages, full_pages = rendered(shell.out), rendered(full.out)
        assert len(shell_pages) == len(full_pages) >= 1, shell.html
        for one, other in zip(shell_pages, full_pages, strict=True):
            if one != other:
                count, most = unlike(one, other)
                assert count <= 30 and most <= 2, (shell.html, count, most)


def test_a_page_that_prints_differently_in_a_reused_tab_is_always_navigated_to(
    tmp_path: Path
) -> None:
    """A script that remembers the page before (a global the document keeps) would print
    differently: the first comparison finds it, and every page of the kind is navigated."""
    jobs = []
    for n in range(4):
        html = tmp_path / f"p{n}.html"
        html.write_text(f"<!doctype html><html lang=en><head><meta charset=utf-8><title>p{n}"
                        "</title><script>addEventListener('DOMContentLoaded', () => {"
                        "document.body.append(window.seen ? ' again' : ' first');"
                        f"window.seen = 1; }});</script></head><body><h1>Page {n}</h1>"
                        "</body></html>")
        jobs.append(PdfJob(html, tmp_path / f"p{n}.pdf"))
    report = render_pdfs(jobs, None, workers=1)
    assert (report.rendered, report.reused) == (4, 0)
    for n in range(4):
        assert pdftotext(tmp_path / f"p{n}.pdf").split() == ["Page", str(n), "first"]


def test_a_page_with_another_policy_is_never_written_into_a_tab(tmp_path: Path) -> None:
    """A document keeps the Content-Security-Policy it was shown with: pages that need their
    stylesheets, around one that forbids them, all print with their backgrounds."""
    (tmp_path / "s").mkdir()
    strict = tmp_path / "s" / "page.html"  # at the pages' depth: printed in their order
    strict.write_text('<!doctype html><html><head><meta http-equiv="Content-Security-Policy" '
                      "content=\"default-src 'none'\"><title>s</title></head><body><p>Strict"
                      "</p></body></html>")
    jobs = [PdfJob(page(tmp_path / f"p{n}", f"Page {n}"), tmp_path / f"p{n}.pdf")
            for n in range(4)]
    jobs.insert(2, PdfJob(strict, tmp_path / "strict.pdf"))
    assert render_pdfs(jobs, None, workers=1).rendered == 5
    assert "Strict" in pdftotext(tmp_path / "strict.pdf")
    for n in range(4):
        red, green, blue = pixel(tmp_path / f"p{n}.pdf", 0.5, 0.6)
        assert red > 150 and green < 100 and blue < 100, (n, red, green, blue)


def browsers() -> set[int]:
    """The Chromium processes among this process's descendants (a browser left running shows
    here; other tests' session browsers too)."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                commands[int(entry.name)] = (entry / "cmdline").read_bytes().decode(
                    errors="replace").replace("\0", " ")
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    found, frontier = set(), [os.getpid()]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                if "chromium" in commands.get(pid, ""):
                    found.add(pid)
                frontier.append(pid)
    return found


def test_a_browser_launched_ahead_prints_the_same_and_goes_when_closed(tmp_path: Path) -> None:
    from journeymap.render.pdf import Printer

    html = page(tmp_path / "p")
    render_pdfs([PdfJob(html, tmp_path / "alone.pdf")], None)
    before = browsers()
    printer = Printer()
    try:
        report = render_pdfs([PdfJob(html, tmp_path / "ahead.pdf")], None, printer=printer)
        assert report.rendered == 1
        assert browsers() - before
    finally:
        printer.close()
    assert (tmp_path / "ahead.pdf").read_bytes() == (tmp_path / "alone.pdf").read_bytes()
    Printer().close()  # closed before it is used, even while it starts
    assert not browsers() - before


def test_a_browser_launched_ahead_that_cannot_start_is_said_when_needed(
    tmp_path: Path, no_browser: None
) -> None:
    from journeymap.render.pdf import Printer

    printer = Printer()
    try:
        with pytest.raises(MissingTool,
                           match=r"Chromium \(/nonexistent/chromium\) could not be started"):
            render_pdfs([PdfJob(page(tmp_path), tmp_path / "out.pdf")], None, printer=printer)
    finally:
        printer.close()
    assert not (tmp_path / "out.pdf").exists()
