"""The plugin's `business` option: checked like a journey file, at its lines in mkdocs.yml,
and shown on the clients' meet pages (HTML and PDF) by a real build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import AS_OF, REPO, copy_workspace, run

from journeymap.model import Action, Business
from journeymap.workspace.business import load_business

LOGO = REPO / "theme" / "logo.png"
HEAD = "site_name: t\ndocs_dir: docs\nplugins:\n  - search\n  - journeymap:\n      business:\n"


def checked(tmp_path: Path, option: str, head: str = HEAD) -> tuple[Business | None, list[str]]:
    """The option's lines (under `business:`, indented 8) in a mkdocs.yml, loaded as MkDocs
    would read them (here: plain YAML), then checked; the problems as `path:line:col: text`."""
    config = tmp_path / "mkdocs.yml"
    config.write_text(head + option)
    plugins = yaml.safe_load(config.read_text())["plugins"]
    value = next(p["journeymap"] for p in plugins if isinstance(p, dict))["business"]
    business, problems = load_business(value, config)
    return business, [str(p) for p in problems]


def test_every_detail_is_read(tmp_path: Path) -> None:
    (tmp_path / "theme").mkdir()
    shutil.copy(LOGO, tmp_path / "theme" / "logo.png")
    business, problems = checked(tmp_path, (
        "        name: Cedar & Pine\n"
        "        logo: theme/logo.png\n"
        "        address: |\n          12 Harbour Road\n          Port Alder\n"
        '        phone: "+1 555 0123"\n'
        "        email: hello@example.com\n"
        "        website: https://example.com/\n"
        "        action: {label: Book a table, url: 'https://example.com/book'}\n"))
    assert problems == []
    assert business == Business(
        "Cedar & Pine", logo=(tmp_path / "theme" / "logo.png").resolve(),
        address="12 Harbour Road\nPort Alder\n", phone="+1 555 0123", email="hello@example.com",
        website="https://example.com/", action=Action("Book a table", "https://example.com/book"))


def test_no_option_is_no_business(tmp_path: Path) -> None:
    assert load_business(None, tmp_path / "mkdocs.yml") == (None, [])


@pytest.mark.parametrize(("option", "expected"), [
    ("        name: Cedar\n        phone: 5550123\n",
     "mkdocs.yml:8:16: 'phone' in business must be text, got 5550123: put it in quotes, "
     '"5550123", to keep it as written'),
    ("        name: Cedar\n        website: http://example.com\n",
     "mkdocs.yml:8:18: 'website' in business must be a web address starting with https://, "
     "got 'http://example.com'"),
    ("        name: Cedar\n        action: {label: Go, url: 'javascript:alert(1)'}\n",
     "mkdocs.yml:8:34: 'url' in business action must be a web address starting with "
     "https://, or a mailto: or tel: address, got 'javascript:alert(1)'"),
    ("        name: Cedar\n        action: {label: Call us, url: 'tel:+1 555 0123'}\n",
     "mkdocs.yml:8:39: 'url' in business action must be a web address starting with "
     "https://, or a mailto: or tel: address, got 'tel:+1 555 0123'"),
    ("        name: Cedar\n        action:\n          url: https://example.com/\n",
     "mkdocs.yml:9:11: missing key 'label' in business action"),
    ("        name: Cedar\n        adress: 1 Road\n",
     "mkdocs.yml:8:9: unknown key 'adress' in business (did you mean 'address'?)"),
    ("        address: 1 Road\n", "mkdocs.yml:7:9: missing key 'name' in business"),
    ("        name: [Cedar]\n", "mkdocs.yml:7:15: 'name' in business must be text, got a list"),
    ("        name: Cedar\n        email: cedar\n",
     "mkdocs.yml:8:16: 'email' in business must be an email address like hello@example.com, "
     "got 'cedar'"),
    ("        name: Cedar\n        logo: theme/logo.png\n",
     "mkdocs.yml:8:15: logo 'theme/logo.png' does not exist"),
    ("        name: Cedar\n        logo: ../logo.png\n",
     "mkdocs.yml:8:15: logo '../logo.png' is outside the workspace folder: keep it inside "
     "(theme/logo.png, say)"),
    ("        name: Cedar\n        logo: /etc/passwd\n",
     "mkdocs.yml:8:15: logo '/etc/passwd' must be a path relative to the workspace folder "
     "(where mkdocs.yml is), with '/' between folders"),
    ("        name: Cedar\n        logo: logo.svg\n",
     "mkdocs.yml:8:15: logo 'logo.svg' is an SVG, which can hold scripts and links, and a "
     "client's page runs none: save the logo as a PNG"),
    ("        name: Cedar\n        logo: notes.png\n",
     "mkdocs.yml:8:15: logo 'notes.png' is not a PNG image (its content does not start as "
     "one): save it again as a real image"),
    ("        name: Cedar\n        email: a@example.com?cc=b@example.com\n",
     "mkdocs.yml:8:16: 'email' in business must be an email address like hello@example.com, "
     "got 'a@example.com?cc=b@example.com'"),
    ("        name: Cedar\n        email: 'x\"onmouseover=alert(1)@example.com'\n",
     "mkdocs.yml:8:16: 'email' in business must be an email address like hello@example.com, "
     "got 'x\"onmouseover=alert(1)@example.com'"),
    ("        name: Cedar\n        logo: " + "a" * 300 + ".png\n",
     "mkdocs.yml:8:15: logo '" + "a" * 57 + "...' cannot be read: File name too long"),
    ("        name: Cedar\n        working_days: [mon, tues]\n",
     "mkdocs.yml:8:29: 'working_days' in business must be one of mon, tue, wed, thu, fri, "
     "sat, sun, got 'tues' (did you mean 'tue'?)"),
    ("        name: Cedar\n        working_days: []\n",
     "mkdocs.yml:8:23: 'working_days' lists no day: name at least one, or leave it out for "
     "every day"),
    ("        name: Cedar\n        closed: [2026-12-25, christmas]\n",
     "mkdocs.yml:8:30: 'closed' in business must be a date YYYY-MM-DD, got 'christmas'"),
    ("        name: Cedar\n        logo: mkdocs.yml\n",
     "mkdocs.yml:8:15: logo 'mkdocs.yml' must be an image file: .jpg, .jpeg, .png, .webp, .gif"),
])
def test_mistakes_are_reported_at_their_place(tmp_path: Path, option: str,
                                              expected: str) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg">'
                                       "<script>alert(1)</script></svg>")
    (tmp_path / "notes.png").write_text("name: not an image\n")
    business, problems = checked(tmp_path, option)
    assert problems == [expected]


def test_a_business_that_is_not_a_mapping(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\nplugins:\n  - journeymap:\n      business: Cedar & Pine\n")
    assert [str(p) for p in load_business("Cedar & Pine", config)[1]] == [
        "mkdocs.yml:4:17: plugin option 'business' must be a mapping of keys (name, logo, "
        "address, phone, email, website, action), got 'Cedar & Pine'"]


def test_a_logo_too_large_or_through_a_link_out(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(LOGO.read_bytes() + b"\0" * 1_000_000)
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.png"
    shutil.copy(LOGO, outside)
    os.symlink(outside, tmp_path / "linked.png")
    large = tmp_path / "large.png"
    large.write_bytes(LOGO.read_bytes() + b"\0" * 300_000)
    for name, expected in (
        ("big.png", "mkdocs.yml:8:15: logo 'big.png' is 1.0 MB, more than the 1 MB a logo may "
                    "be (every client's page embeds it): save it smaller, a few hundred pixels "
                    "across"),
        ("linked.png", "mkdocs.yml:8:15: logo 'linked.png' is outside the workspace folder: "
                       "keep it inside (theme/logo.png, say)"),
        ("large.png", "mkdocs.yml:8:15: warning: logo 'large.png' is 306 kB: every client's "
                      "page embeds it; a logo a few hundred pixels across is a few tens of kB"),
    ):
        business, problems = checked(tmp_path, f"        name: Cedar\n        logo: {name}\n")
        assert problems == [expected]
        assert (business is not None and business.logo is not None) == (name == "large.png")


def test_positions_survive_tags_mkdocs_reads_and_an_option_it_inherited(tmp_path: Path) -> None:
    # `!ENV` and Material's `!!python/name:` are MkDocs' own: the positions are found all
    # the same. An option the file does not hold (INHERIT) is reported at its first line.
    head = ("site_name: !ENV [SITE, 'x']\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
            "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n" + HEAD[13:])
    config = tmp_path / "mkdocs.yml"
    config.write_text(head + "        name: Cedar\n        phone: 5550123\n")
    problems = load_business({"name": "Cedar", "phone": 5550123}, config)[1]
    assert [(p.line, p.col) for p in problems] == [(11, 16)]
    config.write_text("INHERIT: base.yml\nsite_name: t\n")
    problems = load_business({"name": "Cedar", "phone": 5550123}, config)[1]
    assert [(p.line, p.col) for p in problems] == [(1, 1)]


def test_a_value_read_from_the_environment_is_shown_as_read(tmp_path: Path) -> None:
    # `phone: !ENV PHONE` with PHONE=5550123: MkDocs hands over the number; the message shows
    # it, not the variable's name.
    config = tmp_path / "mkdocs.yml"
    config.write_text(HEAD + "        name: Cedar\n        phone: !ENV PHONE\n")
    problems = [str(p) for p in load_business({"name": "Cedar", "phone": 5550123}, config)[1]]
    assert problems == ["mkdocs.yml:8:16: 'phone' in business must be text, got 5550123: put "
                        'it in quotes, "5550123", to keep it as written']


# ---- through the command line and a real build --------------------------------------------


def test_check_and_build_report_the_option_at_its_line(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    config = ws / "mkdocs.yml"
    config.write_text(config.read_text().replace('phone: "+1 555 0199"', "phone: 5550199")
                      .replace("logo: theme/logo.png", "logo: theme/logo.svg"))
    line = next(n for n, text in enumerate(config.read_text().splitlines(), 1)
                if "phone:" in text)
    for command in (["journeymap", "check"], ["journeymap", "build", "--as-of", AS_OF]):
        result = run(command, ws)
        said = result.stdout + result.stderr
        assert result.returncode == 1, said
        assert f"mkdocs.yml:{line}:16: 'phone' in business must be text, got 5550199" in said
        assert f"mkdocs.yml:{line - 4}:15: logo 'theme/logo.svg' is an SVG" in said
        assert "Traceback" not in said
    assert not (ws / "site").exists()


def test_the_built_meet_page_and_pdf_show_the_business(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    run(["journeymap", "build", "--as-of", AS_OF], ws, check=True)
    html = (ws / "site" / "meet" / "harbor-street-bakery.html").read_text()
    assert '<span class="brand-name">Lantern &amp; Ledger</span>' in html
    assert re.search(r'<img class="logo" src="data:image/png;base64,', html)
    text = subprocess.run(["pdftotext", "-layout", str(ws / "site" / "meet" /
                                                         "harbor-street-bakery.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for words in ("Lantern & Ledger", "14 Quay Street", "+1 555 0199",
                  "Book a call with your lead:", "https://example.com/book"):
        assert words in text, words
    # And on no internal page: the option is for clients' pages only.
    assert "Quay Street" not in (ws / "site" / "clients" / "harbor-street-bakery" /
                                 "index.html").read_text()


@pytest.mark.parametrize(("phone", "href"), [
    ("+1 555 0199", "tel:+15550199"),
    ("(020) 7946-0018", "tel:02079460018"),
    ("555.0123", "tel:5550123"),
    ("+1 555 0199 ext. 45", None),  # would dial 45 after the number
    ("1-800-FLOWERS", None),  # would dial 1800
    ("+44 20 7946 0018 or +44 20 7946 0019", None),  # two numbers in one
])
def test_the_phone_links_only_a_number_it_can_dial_as_written(phone: str,
                                                              href: str | None) -> None:
    from journeymap.render.meet import public_business

    shown = public_business(Business(name="Cedar", phone=phone))
    assert shown is not None and shown.phone == phone and shown.phone_href == href
