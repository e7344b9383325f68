"""The client's "Meet your team" page: one safe, self-contained file, checked in Chromium.

Also the script-injection check of every page this feature adds or touches (meet, person,
packet, client): payloads in every text and Markdown field, and no script may run.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, REPO, run
from playwright.sync_api import Browser, Dialog, Page
from test_privacy import TEAMS, write_workspace

from journeymap import meet_name
from journeymap.model import Workspace
from journeymap.render.meet import CSP
from journeymap.render.renderer import Renderer
from journeymap.workspace.load import load_workspace

AS_OF_DATE = dt.date.fromisoformat(AS_OF)
HARBOR = "harbor-street-bakery"


@pytest.fixture(scope="module")
def ws() -> Workspace:
    loaded = load_workspace(REPO, "journeys")
    assert not loaded.errors
    return loaded.workspace


@pytest.fixture(scope="module")
def harbor_html(ws: Workspace) -> str:
    return Renderer(ws, AS_OF_DATE, theme_dir=REPO / "theme").files()[f"meet/{HARBOR}.html"] \
        .decode()


def keep_screenshot(path: Path) -> None:
    """Copy a screenshot where a person can look at it (JOURNEYMAP_SCREENSHOTS=dir)."""
    folder = os.environ.get("JOURNEYMAP_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


# ---- names ------------------------------------------------------------------------------


def test_meet_name_is_the_id_without_a_secret() -> None:
    assert meet_name("acme", None) == "acme"
    assert meet_name("acme", "") == "acme"


def test_meet_name_token_is_long_keyed_and_per_client() -> None:
    name = meet_name("acme", "s3cret")
    assert re.fullmatch(r"acme-[a-z2-7]{32}", name), name
    assert name == meet_name("acme", "s3cret")  # stable across builds
    assert name != meet_name("acme", "other")  # depends on the secret
    assert meet_name("brio", "s3cret")[5:] != name[5:]  # one client's token is not another's


def test_the_secret_names_the_files_the_jobs_and_the_links(ws: Workspace) -> None:
    view = Renderer(ws, AS_OF_DATE, secret="s3cret")
    name = meet_name(HARBOR, "s3cret")
    files = view.files()
    assert f"meet/{name}.html" in files and f"meet/{HARBOR}.html" not in files
    assert (f"meet/{name}.html", f"meet/{name}.pdf") in view.pdf_jobs()
    page = next(p for p in view.pages() if p.key == f"clients/{HARBOR}")
    assert f'href="../../meet/{name}.html"' in view.render(page)


# ---- the example client's page ------------------------------------------------------------


def test_meet_page_is_self_contained(harbor_html: str) -> None:
    html = harbor_html
    assert "<script" not in html.lower()
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    assert CSP.startswith("default-src 'none'; img-src data:; style-src 'unsafe-inline'")
    sources = re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', html)
    sources += re.findall(r'<image\b[^>]*\shref="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/") for s in sources)
    # Each photo once, however many times the face is drawn (by <use> of its one copy).
    assert len(sources) == len(set(sources)) == html.count("data:image/") == 4
    assert re.findall(r'<use href="([^"]*)"', html) == [f"#photo-{n}" for n in range(1, 5)] * 3
    links = re.findall(r'<a\b[^>]*\shref="([^"]*)"', html)
    assert links and all(link.startswith(("mailto:", "https://")) for link in links), links
    assert not [u for u in re.findall(r"url\(([^)]*)\)", html) if not u.startswith("data:")]
    for tag in ("<link", "<iframe", "<base", "<form", "<object", "<embed"):
        assert tag not in html.lower()


def test_meet_page_content(harbor_html: str) -> None:
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", harbor_html))
    text = " ".join(text.split())
    assert "Marisol, meet your team" in text
    assert "Marisol, welcome!" in text  # the welcome
    for name, role in (("Maya Okonkwo", "Partnerships lead"), ("Jonah Lindqvist", "Client lead"),
                       ("Sam Okafor", "Client assistant"), ("Rosa Delgado", "Founder")):
        assert name in text and role in text
    assert "Makes a very serious hot sauce" in text  # a fun fact
    assert "Watch Jonah's hello" in text and 'href="https://example.com/videos/' in harbor_html
    # What happens next: coming client-visible touchpoints, with dates (by hand: day 7 of a
    # client who signed on Fri 20 Nov 2026 is Thu 26 Nov).
    assert "Kickoff meeting Thu 26 Nov 2026" in text
    assert "Day 30 review Sat 19 Dec 2026" in text
    assert text.index("Kickoff meeting") < text.index("Day 30 review")
    # Not: surprises, internal touchpoints, what is past, other people and internal fields.
    for absent in ("A little welcome gift", "Sales-to-delivery handoff", "Agreement signed",
                   "Birthday card", "Alex Rivera", "Noor Haddad", "+1 555", "Pistachio",
                   "Theo at Spoke", "community garden", "Client Love Journey"):
        assert absent not in text, absent


def test_meet_page_in_chromium(browser: Browser, harbor_html: str, tmp_path: Path) -> None:
    path = tmp_path / "meet.html"
    path.write_text(harbor_html)
    requests: list[str] = []
    problems: list[str] = []
    for width, height, label in ((1280, 900, "desktop"), (390, 844, "phone")):
        requests.clear()
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(path.as_uri())
        # Only the file itself is loaded: nothing else exists to fetch, and the CSP is quiet.
        assert [u for u in requests if not u.startswith("data:")] == [path.as_uri()]
        assert problems == []
        widths = page.evaluate("""Promise.all([...document.querySelectorAll('svg image')]
            .map(i => { const img = new Image(); img.src = i.getAttribute('href');
                        return img.decode().then(() => img.naturalWidth); }))""")
        assert len(widths) >= 4 and all(w > 0 for w in widths)
        # The faces draw the photo: without it, they look different.
        face = page.locator(".card .face").first
        drawn = face.screenshot()
        page.evaluate("document.querySelectorAll('svg image').forEach(i => i.remove())")
        assert face.screenshot() != drawn
        page.reload()
        assert page.locator(".card").count() == 4
        assert page.locator(".step").count() >= 8
        # Nothing sticks out sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot = tmp_path / f"meet-{label}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
        keep_screenshot(shot)
        page.close()


# ---- script injection -----------------------------------------------------------------------

PAYLOAD = (
    '<script>window.__pwned=1;alert(1)</script>'
    '<img src=x onerror="window.__pwned=2;alert(2)">'
    '<svg><script>window.__pwned=3;alert(3)</script></svg>'
    ' [click](javascript:window.__pwned=4) <a href="javascript:alert(5)">five</a>'
    ' <iframe src="javascript:alert(6)"></iframe> "\'><b onmouseover=alert(7)>x</b>'
)


def payload(field: str, *visible_to: str) -> str:
    if field.endswith((".email", ".video")):  # these must stay a web and a mail address
        return f'{field}"><img/src/onerror=alert(8)>'
    return f"{field} {PAYLOAD}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with script payloads in every field, built with `journeymap build`."""
    root = write_workspace(tmp_path_factory.mktemp("xss"), payload)
    result = run(["journeymap", "build", "--as-of", AS_OF], root)
    assert result.returncode == 0, result.stderr
    # The meet pages straight from the renderer, in case the build does not write them.
    loaded = load_workspace(root, "journeys")
    for path, data in Renderer(loaded.workspace, AS_OF_DATE).files().items():
        if path.startswith("meet/"):
            (root / "meet-direct").mkdir(exist_ok=True)
            (root / "meet-direct" / Path(path).name).write_bytes(data)
    return root


def hostile_pages(root: Path) -> list[Path]:
    site = root / "site"
    pages = [site / "team" / person / "index.html" for person in ("alex", "sam", "pat", "noor")]
    for client in TEAMS:
        pages += [site / "clients" / client / "index.html",
                  site / "clients" / client / "handoff" / "index.html",
                  root / "meet-direct" / f"{client}.html"]
    return pages


def test_no_script_runs_on_any_page(browser: Browser, hostile: Path) -> None:
    dialogs: list[str] = []
    page: Page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in hostile_pages(hostile):
        assert path.is_file(), path
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        # No handler waits for an event (a hover, a click) either.
        assert page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(e =>
            [...e.attributes].filter(a => a.name.startsWith('on')
              || /^\\s*javascript:/i.test(a.value)).map(a => e.tagName + ' ' + a.name))""") \
            == [], path
        assert page.locator("iframe").count() == 0, path
        # The payload arrived, as text: the check could have failed.
        assert "onerror" in page.content() or "__pwned" in page.inner_text("body"), path
    assert dialogs == []
    page.close()


def test_dialog_listener_would_catch_a_script(browser: Browser, tmp_path: Path) -> None:
    # The harness itself: a page that does run a script is caught by the same checks.
    bad = tmp_path / "bad.html"
    bad.write_text("<script>window.__pwned=1;alert(1)</script>")
    dialogs: list[Dialog] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d), d.dismiss()))
    page.goto(bad.as_uri())
    assert page.evaluate("typeof window.__pwned") == "number" and len(dialogs) == 1
    page.close()


@pytest.mark.parametrize(("contact", "greeted"), [
    ("Marisol Vega", "Marisol"), ("Dr. Kwame Mensah", "Kwame"), ("Prof. Dr. Ana Ruiz", "Ana"),
    ("Ms. O'Neil", "O'Neil"), ("J.", "J."), (None, "Acme"),
])
def test_the_page_greets_the_contact_by_their_first_name(contact: str | None,
                                                          greeted: str) -> None:
    from markupsafe import Markup

    from journeymap.render.meet import PublicClient

    client = PublicClient(name="Acme", contact=contact, welcome=Markup(""), team=(), steps=(),
                          prepared_on="")
    assert client.greeting_name == greeted
