"""Quality gates over real builds (issue 13): accessibility (axe-core in Chromium), HTML
validity (the Nu HTML checker), internal links and anchors, the meet page on a phone and
its PDF on A4, and titles holding `&` and `<` shown as written in the nav, the <title> and
the search results.

Three sites: the example under MkDocs' own theme (conftest's example_site) and under
mkdocs-material, and a generated workspace of 20 clients. What a theme gets wrong on its own
is listed below, each with its reason, and each entry is shown to occur on a bare MkDocs
site of the same theme, without journeymap: nothing of ours can hide behind the lists.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, REPO, copy_workspace, run, serve_folder
from linkcheck import broken_links
from playwright.sync_api import Page, expect
from test_themes import THEMES, with_theme

AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
QUIET = {"NO_MKDOCS_2_WARNING": "1"}  # Material 9.7 prints a notice about MkDocs 2


# ---- What the themes get wrong by themselves --------------------------------------------

@dataclass(frozen=True)
class ThemeOwned:
    """An axe violation the theme makes: the rule, the elements (a CSS selector) and what
    axe measured on them (its check's data, e.g. the colours), all of which must match."""

    theme: str
    rule: str
    selector: str
    data: dict[str, str] = field(default_factory=dict)
    reason: str = ""


THEME_OWNED = (
    ThemeOwned("mkdocs", "color-contrast", "a, a *", {"fgColor": "#2fa4e7"},
               "MkDocs' link colour #2fa4e7 is 2.76:1 on white: links are the theme's to colour"),
    ThemeOwned("material", "color-contrast", ".md-tabs__link",
               {"fgColor": "#c6cbe9", "bgColor": "#4051b5"},
               "Material's tab links, white at 70 % on its indigo header: 4.28:1"),
    ThemeOwned("material", "color-contrast", ".md-copyright",
               {"fgColor": "#7f7f7f", "bgColor": "#171717"},
               "Material's 'Made with Material for MkDocs' footer line: 4.47:1"),
    ThemeOwned("material", "aria-dialog-name", ".md-search", {},
               "Material's search box is a role=dialog without an accessible name"),
    ThemeOwned("material", "link-in-text-block", "a",
               {"nodeColor": "#4051b5", "parentColor": "#212121"},
               "Material does not underline links in text: #4051b5 is 2.34:1 against its text"),
)


@dataclass(frozen=True)
class ThemeHtmlError:
    """A Nu HTML checker error in a theme's own markup: the message, and the markup of the
    line it points at (so that the same message from our templates is still reported)."""

    theme: str
    message: str
    markup: str
    reason: str


THEME_HTML_ERRORS = (
    ThemeHtmlError("mkdocs", r"Element “a” is missing required attribute “href”",
                   r'<a rel="(prev|next)" class="nav-link disabled">',
                   "MkDocs' Previous/Next link on the first/last page is an <a> without href"),
    ThemeHtmlError("mkdocs", r"The heading “h4” .* skipping \d heading levels?",
                   r'<h4 class="modal-title" id="searchModalLabel">',
                   "MkDocs' search dialog is titled by an h4, after the page's h1 or h2"),
    ThemeHtmlError("material", r"Attribute “autocomplete” is only allowed when",
                   r'<input class="md-[\w -]*toggle[^>]* type="checkbox"[^>]* autocomplete="off"',
                   "Material's drawer, search and nav toggles are checkboxes with autocomplete"),
    ThemeHtmlError("material", r"The value of the “for” attribute of the “label” element must",
                   r'<label class="md-nav__title" for="__toc">',
                   "Material's contents label, on a page outside the nav, names a missing #__toc"),
    ThemeHtmlError("material", r"Bad value “” for attribute “tabindex” on element “label”",
                   r'<label class="md-nav__link" for="__nav_\d+" [^>]*tabindex="">',
                   "Material's label of a nav section has tabindex=\"\""),
)


def owned_by(theme: str) -> list[ThemeOwned]:
    return [owned for owned in THEME_OWNED if owned.theme == theme]


# ---- The sites ----------------------------------------------------------------------------

KINDS = ("home", "journey", "workshop", "clients", "client", "handoff", "team", "person", "who",
         "meet", "docs")
STANDALONE = {"workshop", "meet"}  # whole documents of ours: no theme, nothing excluded


@dataclass(frozen=True)
class Site:
    root: Path
    url: str
    theme: str
    journey: str  # the ids of one of each, for the pages of every kind
    client: str
    person: str
    docs: str  # a page of docs/
    journey_title: str = ""  # titles that hold `&` and `<`, where the site has them
    client_name: str = ""

    def page(self, kind: str) -> str:
        j, c = f"journeys/{self.journey}", f"clients/{self.client}"
        return {"home": "", "journey": f"{j}/", "workshop": f"{j}/workshop.html",
                "clients": "clients/", "client": f"{c}/", "handoff": f"{c}/handoff/",
                "team": "team/", "person": f"team/{self.person}/",
                "who": "team/responsibilities/", "meet": f"meet/{self.client}.html",
                "docs": self.docs}[kind]


def retitle(path: Path, key: str, new: str) -> str:
    """Give the file's top-level `key` the value `new` (quoted YAML); the old value back."""
    text = path.read_text()
    found = re.search(rf"^{key}: (.*)$", text, re.M)
    assert found, f"no {key}: in {path}"
    path.write_text(text[:found.start(1)] + f'"{new}"' + text[found.end(1):])
    return found.group(1)


def build(ws: Path) -> None:
    run(["journeymap", "build", "--as-of", AS_OF, "--strict"], ws, env=QUIET, check=True)


@pytest.fixture(scope="session")
def example_mkdocs(example_site: Path, example_url: str) -> Site:
    return Site(example_site, example_url, "mkdocs", "client-love", "brightwater-dental",
                "alex-rivera", "format/")


@pytest.fixture(scope="session")
def example_material(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example under mkdocs-material, a journey and a client titled with `&` and `<`."""
    ws = copy_workspace(tmp_path_factory.mktemp("quality-material"))
    with_theme(ws / "mkdocs.yml", "material")
    journey, client = "Client Love & <Care> Journey", "Brightwater & <Smile> Dental"
    retitle(ws / "journeys" / "client-love.yml", "title", journey)
    retitle(ws / "journeys" / "clients" / "brightwater-dental.yml", "name", client)
    build(ws)
    for url in serve_folder(ws / "site"):
        yield Site(ws / "site", url, "material", "client-love", "brightwater-dental",
                   "alex-rivera", "format/", journey, client)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """benchmarks/generate.py's workspace of 20 clients, under MkDocs' theme, its journey and
    first client titled with `&` and `<`."""
    ws = tmp_path_factory.mktemp("quality-generated")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--clients", "20",
                    "--people", "8", "--seed", "1", "--out", str(ws)], check=True)
    client = min(path.stem for path in (ws / "journeys" / "clients").glob("*.yml"))
    person = min(path.stem for path in (ws / "journeys" / "team").glob("*.md"))
    journey = "Client Care & <Growth> Journey"
    retitle(ws / "journeys" / "client-care.yml", "title", journey)
    client_file = ws / "journeys" / "clients" / f"{client}.yml"
    name = f"{retitle(client_file, 'name', 'x')} & <Co>"
    retitle(client_file, "name", name)
    build(ws)
    for url in serve_folder(ws / "site"):
        yield Site(ws / "site", url, "mkdocs", "client-care", client, person, "playbook/",
                   journey, name)


SITES = ("example-mkdocs", "example-material", "generated")


def site_named(request: pytest.FixtureRequest, name: str) -> Site:
    site = request.getfixturevalue(name.replace("-", "_"))
    assert isinstance(site, Site)
    return site


BARE_PAGES = {
    "index.md": "# A page\n\nText with [a link](plain.md) in it, and more text after it.\n\n"
                "| A | B |\n| --- | --- |\n| [a link](plain.md#a-section) | text |\n",
    "plain.md": "# Plain\n\n## A section\n\nText with [a link](index.md) in it, and more.\n",
    "outside.md": "# Not in the nav\n\n## A heading\n\nText with [a link](index.md) in it.\n\n"
                  "## Another\n\nMore text.\n",
}
# Like journeymap's: a nested section (Team), and pages outside the nav (clients, people).
BARE_NAV = "nav:\n  - index.md\n  - Section:\n      - plain.md\n"


@pytest.fixture(scope="session")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Site]]:
    """For each theme, a bare MkDocs site of the same theme settings, without journeymap."""
    sites: dict[str, Site] = {}
    with contextlib.ExitStack() as servers:
        for theme in THEMES:
            ws = tmp_path_factory.mktemp(f"quality-bare-{theme}")
            (ws / "docs").mkdir()
            for name, text in BARE_PAGES.items():
                (ws / "docs" / name).write_text(text)
            (ws / "mkdocs.yml").write_text(f"site_name: Bare\n{THEMES[theme]}"
                                           f"plugins:\n  - search\n{BARE_NAV}")
            run(["mkdocs", "build"], ws, env=QUIET, check=True)
            url = servers.enter_context(contextlib.contextmanager(serve_folder)(ws / "site"))
            sites[theme] = Site(ws / "site", url, theme, "", "", "", "")
        yield sites


# ---- axe-core ----------------------------------------------------------------------------

# Runs axe on the page; returns its serious and critical findings, each with the index of the
# theme-owned entry it matches (-1: none, it is ours).
AXE_RUN = """async (owned) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  const found = [];
  for (const rule of result.violations) {
    if (rule.impact !== "serious" && rule.impact !== "critical") continue;
    for (const node of rule.nodes) {
      const check = [...node.any, ...node.all, ...node.none][0];
      const data = (check && check.data) || {};
      const element = node.target.length === 1 ? document.querySelector(node.target[0]) : null;
      const owner = owned.findIndex(x => x.rule === rule.id && element !== null
        && element.matches(x.selector)
        && Object.entries(x.data).every(([key, value]) => data[key] === value));
      found.push({rule: rule.id, target: node.target.join(" "), html: node.html.slice(0, 160),
                  summary: (check && check.message) || rule.help, owner: owner});
    }
  }
  return found;
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    target: str
    html: str
    summary: str
    owner: int

    def __str__(self) -> str:
        return f"{self.rule} at {self.target}: {self.summary}\n    {self.html}"


def axe(page: Page, owned: list[ThemeOwned]) -> list[Violation]:
    page.add_script_tag(path=AXE_JS)
    found: list[dict[str, Any]] = page.evaluate(AXE_RUN, [asdict(x) for x in owned])
    return [Violation(**item) for item in found]


def ours(page: Page, owned: list[ThemeOwned]) -> list[str]:
    return [str(v) for v in axe(page, owned) if v.owner < 0]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The meet page's Content-Security-Policy allows no script: axe is injected past it.
    return {**browser_context_args, "bypass_csp": True}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", SITES)
def test_no_serious_accessibility_violation(page: Page, request: pytest.FixtureRequest,
                                            name: str, kind: str) -> None:
    site = site_named(request, name)
    page.goto(site.url + site.page(kind))
    owned = [] if kind in STANDALONE else owned_by(site.theme)
    assert ours(page, owned) == []


@pytest.mark.parametrize("theme", THEMES)
def test_theme_owned_violations_occur_without_journeymap(page: Page, bare: dict[str, Site],
                                                         theme: str) -> None:
    owned = owned_by(theme)
    seen: set[int] = set()
    for path in ("", "plain/", "outside/"):
        page.goto(bare[theme].url + path)
        seen |= {v.owner for v in axe(page, owned)}
    assert [o.reason for i, o in enumerate(owned) if i not in seen] == []


def test_axe_reports_what_is_ours(page: Page) -> None:
    """The gate can fail: faint text is reported, the theme's link colour is not."""
    page.set_content('<!doctype html><html lang="en"><head><title>t</title></head><body>'
                     '<main><div class="jm"><p style="color: #aaa">Faint text</p>'
                     '<p><a href="#x" style="color: #2fa4e7">A link</a></p></div></main>'
                     '</body></html>')
    found = axe(page, owned_by("mkdocs"))
    assert [(v.rule, v.owner) for v in found] == [("color-contrast", -1), ("color-contrast", 0)]


# ---- The Nu HTML checker ----------------------------------------------------------------

_VNU_LINE = re.compile(r'^"file:(?P<path>[^"]+)":(?P<line>\d+)\.\d+-\d+\.\d+: error: (?P<msg>.*)$')


@dataclass(frozen=True)
class HtmlError:
    path: Path
    line: int
    message: str

    def markup(self) -> str:
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return lines[self.line - 1] if 0 < self.line <= len(lines) else ""

    def owner(self, theme: str) -> ThemeHtmlError | None:
        return next((known for known in THEME_HTML_ERRORS if known.theme == theme
                     and re.search(known.message, self.message)
                     and re.search(known.markup, self.markup())), None)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}\n    {self.markup().strip()[:160]}"


def nu_check(folders: list[Path]) -> list[HtmlError]:
    """Every error the Nu HTML checker finds in the folders' HTML, in one run of the JVM
    (it takes seconds to start)."""
    assert shutil.which("java"), "the Nu HTML checker needs Java: ./dev setup installs it"
    # A short run: the quick compiler alone halves the CPU time; it needs a deeper stack.
    java = ["java", "-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(VNU_JAR)]
    result = subprocess.run([*java, "--errors-only", "--skip-non-html", "--format", "gnu",
                             *map(str, folders)], capture_output=True, text=True, timeout=600)
    errors, unread = [], []
    for line in (result.stdout + result.stderr).splitlines():
        found = _VNU_LINE.match(line)
        if found:
            errors.append(HtmlError(Path(found["path"]), int(found["line"]), found["msg"]))
        elif line.strip():
            unread.append(line)
    assert result.returncode in (0, 1) and not unread, (result.returncode, unread)
    return errors


@pytest.fixture(scope="session")
def html_errors(request: pytest.FixtureRequest, bare: dict[str, Site]) -> list[HtmlError]:
    roots = [site_named(request, name).root for name in SITES] + [s.root for s in bare.values()]
    return nu_check(roots)


def errors_in(errors: list[HtmlError], site: Site) -> list[HtmlError]:
    return [error for error in errors if error.path.is_relative_to(site.root)]


@pytest.mark.parametrize("name", SITES)
def test_html_is_valid(request: pytest.FixtureRequest, html_errors: list[HtmlError],
                       name: str) -> None:
    site = site_named(request, name)
    mine = [str(e) for e in errors_in(html_errors, site) if e.owner(site.theme) is None]
    assert mine == []


@pytest.mark.parametrize("theme", THEMES)
def test_theme_html_errors_occur_without_journeymap(html_errors: list[HtmlError],
                                                    bare: dict[str, Site], theme: str) -> None:
    seen = {e.owner(theme) for e in errors_in(html_errors, bare[theme])}
    assert [k.reason for k in THEME_HTML_ERRORS if k.theme == theme and k not in seen] == []


def test_nu_checker_reports_what_is_ours(tmp_path: Path) -> None:
    """The gate can fail: the theme's message in our markup is still ours."""
    (tmp_path / "page.html").write_text('<!doctype html><html lang="en"><head><title>t</title>'
                                        '</head><body>\n<p id="x">a</p><p id="x">b</p>\n'
                                        '<a rel="prev" class="jm-chip">x</a>\n</body></html>')
    errors = nu_check([tmp_path])
    assert [(e.line, e.owner("mkdocs")) for e in errors] == [(2, None), (3, None)]
    assert "Duplicate ID “x”" in errors[0].message
    assert re.search(THEME_HTML_ERRORS[0].message, errors[1].message)


# ---- Links and anchors ------------------------------------------------------------------

@pytest.mark.parametrize("name", SITES)
def test_every_internal_link_resolves(request: pytest.FixtureRequest, name: str) -> None:
    site = site_named(request, name)
    assert broken_links(site.root) == []


def test_link_checker_reports_what_is_broken(tmp_path: Path) -> None:
    """The gate can fail: a missing page, a missing anchor, a missing image."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2>')
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#here">ok</a><a href="#top" id="top">ok</a>\n'
        '<a href="b/">page</a><a href="a/#there">anchor</a><img src="a/x.png" alt="">\n'
        '<a href="https://example.com/">out</a><a href="mailto:x@example.com">out</a>')
    assert broken_links(tmp_path) == [
        "index.html:2: b/: no such file",
        "index.html:2: a/#there: no id 'there' in a/index.html",
        "index.html:2: a/x.png: no such file",
    ]


# ---- The meet page on a phone, on paper, and its PDF ------------------------------------

@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("name", ["example-mkdocs", "generated"])
def test_meet_page_on_a_phone(page: Page, request: pytest.FixtureRequest, screenshots: Path,
                              name: str) -> None:
    site = site_named(request, name)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.url + site.page("meet"))
    page.screenshot(path=screenshots / f"meet-{name}-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert ours(page, []) == []


def test_meet_page_printed_on_a4(page: Page, example_mkdocs: Site) -> None:
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 px an inch
    page.emulate_media(media="print")
    page.goto(example_mkdocs.url + example_mkdocs.page("meet"))
    assert ours(page, []) == []


def test_meet_pdf_is_a4_with_its_text(example_mkdocs: Site, screenshots: Path) -> None:
    pdf = example_mkdocs.root / "meet" / f"{example_mkdocs.client}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.M)
    assert size, info.stdout
    assert abs(float(size[1]) - 595.28) < 1 and abs(float(size[2]) - 841.89) < 1  # A4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for words in ("meet your team", "Alex Rivera", "Maya Okonkwo", "Prepared for Brightwater"):
        assert words in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(screenshots / "meet-example-a4")], check=True)
    assert (screenshots / "meet-example-a4.png").stat().st_size > 10_000  # drawn, not blank


# ---- Titles with `&` and `<` (item 14) --------------------------------------------------

def search(page: Page, site: Site, words: str) -> list[str]:
    """Type into the theme's search box; the titles of the results, as shown."""
    if site.theme == "mkdocs":
        # Its box listens for keys only once the index is built.
        with page.expect_console_message(lambda m: "search ready" in m.text):
            page.goto(site.url)
        page.get_by_role("link", name="Search").first.click()
        box, titles = page.locator("#mkdocs-search-query"), "#mkdocs-search-results h3"
    else:
        page.goto(site.url)
        # A page's result is an h1, the sections found in it h2s.
        box = page.locator("input.md-search__input")
        titles = ".md-search-result__item h1, .md-search-result__item h2"
    box.click()
    box.press_sequentially(words, delay=20)
    expect(page.locator(titles).first).to_be_visible(timeout=15_000)
    return [" ".join(text.split()) for text in page.locator(titles).all_text_contents()]


@pytest.mark.parametrize("name", ["generated", "example-material"])
def test_titles_show_as_written(page: Page, request: pytest.FixtureRequest, name: str) -> None:
    site = site_named(request, name)
    journey, client = site.journey_title, site.client_name
    page.goto(site.url + site.page("client"))
    assert page.title().startswith(f"{client} - ")
    page.goto(site.url + site.page("journey"))
    assert page.title().startswith(f"{journey} - ")
    page.goto(site.url)
    nav = page.locator(", ".join(f'a.{link}[href$="{site.journey}/"]'
                                 for link in ("nav-link", "md-tabs__link", "md-nav__link")))
    assert journey in [" ".join(t.split()) for t in nav.all_text_contents()]
    word = re.findall(r"<(\w+)>", journey)[0]  # Growth, Care: words that only it has
    shown = (search(page, site, client.split()[0]) + search(page, site, word)
             + search(page, site, "matrix"))
    assert client in shown and journey in shown and f"{journey}: the matrix" in shown
    assert [text for text in shown if "&amp;" in text or "&lt;" in text] == []
