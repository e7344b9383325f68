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
from test_privacy import TEAMS, business_of, write_workspace

from journeymap import meet_name
from journeymap.model import Action, Business, Workspace
from journeymap.render.meet import CSP, date_span, paragraphs
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
def business() -> Business:
    """The example's business, from its mkdocs.yml."""
    found = business_of(REPO)
    assert found is not None and found.logo is not None
    return found


@pytest.fixture(scope="module")
def harbor_html(ws: Workspace, business: Business) -> str:
    return Renderer(ws, AS_OF_DATE, theme_dir=REPO / "theme", business=business).files()[
        f"meet/{HARBOR}.html"].decode()


def words(html: str) -> str:
    """A page's text, one space between words."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


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
    # Each photo once, however many times the face is drawn (by <use> of its one copy), and
    # the business's logo once.
    assert len(sources) == len(set(sources)) == html.count("data:image/") == 4 + 1
    assert re.findall(r'<use href="([^"]*)"', html) == [f"#photo-{n}" for n in range(1, 5)] * 3
    links = re.findall(r'<a\b[^>]*\shref="([^"]*)"', html)
    assert links and all(link.startswith(("mailto:", "https://", "tel:")) for link in links), \
        links
    assert not [u for u in re.findall(r"url\(([^)]*)\)", html) if not u.startswith("data:")]
    for tag in ("<link", "<iframe", "<base", "<form", "<object", "<embed"):
        assert tag not in html.lower()


def test_meet_page_content(harbor_html: str) -> None:
    text = words(harbor_html)
    assert "Marisol, meet your team" in text
    assert "Marisol, welcome!" in text  # the welcome
    for name, role in (("Maya Okonkwo", "Partnerships lead"), ("Jonah Lindqvist", "Client lead"),
                       ("Sam Okafor", "Client assistant"), ("Rosa Delgado", "Founder")):
        assert name in text and role in text
    assert "Makes a very serious hot sauce" in text  # a fun fact
    assert "Watch Jonah's hello" in text and 'href="https://example.com/videos/' in harbor_html
    # Her journey, step by step: the coming client-visible touchpoints with their dates (by
    # hand: day 7 of a client who signed on Fri 20 Nov 2026 is Thu 26 Nov), and the done ones.
    assert "Kickoff meeting Thu 26 Nov 2026" in text
    assert "Day 30 review Sat 19 Dec 2026" in text
    assert text.index("Kickoff meeting") < text.index("Day 30 review")
    assert "Agreement signed Done · Fri 20 Nov 2026" in text
    # Not: surprises, internal touchpoints, `on:` ones (from her private dates), other
    # people, internal fields, the stages' intended feelings, the must-know note.
    for absent in ("A little welcome gift", "Sales-to-delivery handoff", "Birthday card",
                   "Their business's birthday", "Alex Rivera", "Noor Haddad", "+1 555 010",
                   "Pistachio", "Theo at Spoke", "community garden", "Client Love Journey",
                   "Welcomed by real people", "Looked after, and learning", "1pm"):
        assert absent not in text, absent


def test_the_journey_is_shown_stage_by_stage_with_its_promises(harbor_html: str) -> None:
    text = words(harbor_html)
    # Every stage with a promise or a step for her, in order, each with its promise and its
    # dates; the courting stage, with neither, is not there.
    stages = re.findall(r'<li class="stage[^"]*">\s*<div class="stage-head">\s*<h3>([^<]*)</h3>',
                        harbor_html)
    assert stages == ["Days 1-7", "Days 8-30", "Days 31-60", "Days 61-100", "Six months",
                      "Every year"]
    assert "Pre-game" not in text
    assert ("Days 1-7 20\u201326 Nov 2026 You are here You meet the people who will look after "
            "you, and by the end of the kickoff meeting you know exactly what your first "
            "hundred days hold.") in text
    assert "Days 8-30 27 Nov \u2013 19 Dec 2026 We set everything up" in text
    # The whole journey, not only the next year: the stage's steps in it, each once.
    assert text.count("Weekly check-in") == 3 and "Weekly check-in 3 of 3" in text
    assert "Annual review Fri 15 Oct 2027" in text
    # The steps done are ticked, and only they: Agreement signed and Meet your team.
    done = re.findall(r'<li class="step step--done">.*?<p class="step-title">([^<]*)',
                      harbor_html, re.S)
    assert done == ["Agreement signed", "Meet your team"]
    assert harbor_html.count('<span class="tick"') == 2
    # The next step, in the welcome.
    assert "Next: Kickoff meeting Thu 26 Nov 2026" in text


def test_the_business_is_on_the_page(harbor_html: str, business: Business) -> None:
    text = words(harbor_html)
    assert "<title>Meet your team · Harbor Street Bakery · Lantern &amp; Ledger</title>" \
        in harbor_html
    body = words(harbor_html[harbor_html.index("<body>"):])
    assert body.startswith("Lantern & Ledger For Harbor Street Bakery Marisol, meet your team")
    assert re.search(r'<img class="logo" src="data:image/png;base64,[A-Za-z0-9+/=]{100,}" '
                     r'alt="">', harbor_html)
    assert "14 Quay Street<br>Port Alder, ME 04011" in harbor_html
    assert '<a href="tel:+15550199">+1 555 0199</a>' in harbor_html
    assert '<a href="mailto:hello@example.com">hello@example.com</a>' in harbor_html
    assert '<a href="https://example.com/" rel="noopener noreferrer">example.com</a>' \
        in harbor_html
    # The call to action twice, in the welcome and under "How to reach us".
    assert harbor_html.count('href="https://example.com/book" rel="noopener noreferrer">'
                             'Book a call with your lead</a>') == 2
    assert "Prepared for Harbor Street Bakery by Lantern & Ledger on Tue 24 Nov 2026." in text


def test_a_page_without_business_details_has_none(ws: Workspace) -> None:
    html = Renderer(ws, AS_OF_DATE).files()[f"meet/{HARBOR}.html"].decode()
    assert 'class="brand"' not in html and 'class="business"' not in html
    assert "<title>Meet your team · Harbor Street Bakery</title>" in html
    assert "Prepared for Harbor Street Bakery on Tue 24 Nov 2026." in words(html)


def test_business_details_reach_the_page_through_the_cache(ws: Workspace, business: Business,
                                                           tmp_path: Path) -> None:
    # The meet page's cache entry is made from the business too, and from the logo's file.
    def page(details: Business) -> str:
        return Renderer(ws, AS_OF_DATE, cache_dir=tmp_path / "cache", business=details) \
            .files()[f"meet/{HARBOR}.html"].decode()

    logo = tmp_path / "logo.png"
    shutil.copy(business.logo, logo)  # type: ignore[arg-type]
    first = page(Business("Cedar & Pine", logo=logo))
    assert "Cedar &amp; Pine" in first
    renamed = page(Business("Oak & Ash", logo=logo, action=Action("Book a table",
                                                                   "https://example.com/t")))
    assert "Oak &amp; Ash" in renamed and "Book a table" in renamed
    logo.write_bytes(logo.read_bytes() + b"\0" * 16)  # a new logo, the same name
    assert page(Business("Oak & Ash", logo=logo, action=Action(
        "Book a table", "https://example.com/t"))) != renamed


@pytest.mark.parametrize(("text", "expected"), [
    ("One line.", ("One line.",)),
    ("A promise written\nover two lines.\n", ("A promise written over two lines.",)),
    ("First.\n\n  Second,\n  indented.", ("First.", "Second, indented.")),
    (None, ()), ("\n \n", ()),
])
def test_a_promise_is_plain_text_in_paragraphs(text: str | None,
                                               expected: tuple[str, ...]) -> None:
    assert paragraphs(text) == expected


@pytest.mark.parametrize(("first", "last", "expected"), [
    ("2026-11-20", "2026-11-26", "20\u201326 Nov 2026"),
    ("2026-11-27", "2026-12-19", "27 Nov \u2013 19 Dec 2026"),
    ("2026-12-21", "2027-01-18", "21 Dec 2026 \u2013 18 Jan 2027"),
    ("2026-12-21", "2026-12-21", "21 Dec 2026"),
])
def test_a_stages_dates_in_words(first: str, last: str, expected: str) -> None:
    assert date_span(dt.date.fromisoformat(first), dt.date.fromisoformat(last)) == expected


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


def test_a_word_longer_than_the_line_stays_on_the_page(browser: Browser, ws: Workspace,
                                                        business: Business,
                                                        tmp_path: Path) -> None:
    """A 200-letter business name or a pasted link in a promise breaks inside itself rather
    than running off a phone's screen (or cutting the logo off)."""
    import dataclasses

    long = dataclasses.replace(business, name="Lantern" * 30)
    journey = ws.journeys[ws.clients[HARBOR].journey]
    stages = [dataclasses.replace(stage, promise="x" * 400) for stage in journey.stages]
    wide = dataclasses.replace(ws, journeys={**ws.journeys,
                                             journey.id: dataclasses.replace(journey,
                                                                             stages=stages)})
    path = tmp_path / "meet.html"
    path.write_bytes(Renderer(wide, AS_OF_DATE, theme_dir=REPO / "theme",
                              business=long).files()[f"meet/{HARBOR}.html"])
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 844})
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        logo = page.locator(".brand .logo").first.bounding_box()
        assert logo is not None and logo["x"] >= 0 and logo["x"] + logo["width"] <= width
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
    if field.endswith(".email"):  # an address may not hold quotes or <> (test_business.py)
        return f"{field}+`{{x}}|!*~^$"  # the domain is added
    if field.endswith(".video"):  # this must stay a web address
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
