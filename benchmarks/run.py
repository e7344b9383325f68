"""How journeymap's build, check and live preview scale with the number of clients.

    .venv/bin/python benchmarks/run.py [--sizes 10,100,1000] [--repeat K] [--out FILE]
                                       [--pdf/--no-pdf] [--serve/--no-serve] [--profile]

For each size, in a temporary folder: a generated workspace (benchmarks/generate.py) and a
plain MkDocs site with the same pages as Markdown. Every figure is the median of K runs,
each in a fresh process. Prints a table and writes JSON (default benchmarks/results.json).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import os
import platform
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from generate import AS_OF, generate

BIN = Path(sys.executable).parent
JOURNEYMAP = BIN / "journeymap"
MKDOCS = BIN / "mkdocs"
CHROMIUM = "/usr/lib/chromium/chromium"
HERE = Path(__file__).resolve().parent
NA = "n/a"
PROFILES: list[str] = []  # printed after the table

# Figures in table order: JSON key, column heading, unit.
FIGURES = (
    ("cold_build_s", "cold", "s"),
    ("cold_build_pdf_s", "cold+pdf", "s"),
    ("pdf_ratio", "pdf ratio", "x"),
    ("pdf_ms_each", "per PDF", "ms"),
    ("bare_mkdocs_s", "bare mkdocs", "s"),
    ("ratio_vs_bare", "ratio", "x"),
    ("warm_rebuild_s", "warm", "s"),
    ("warm_rebuild_pdf_s", "warm+pdf", "s"),
    ("check_s", "check", "s"),
    ("peak_rss_mb", "RSS", "MB"),
    ("peak_rss_pdf_mb", "RSS+pdf", "MB"),
    ("serve_start_s", "serve up", "s"),
    ("serve_reload_s", "save->page", "s"),
    ("edit_to_map_s", "drop->map", "s"),
    ("card_to_map_s", "card->map", "s"),
    ("form_to_map_s", "form->map", "s"),
)


class BenchError(Exception):
    """A command failed or timed out; the message says which and shows its output."""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float
    output: str = ""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _env() -> dict[str, str]:
    # Builds are pinned with --as-of; a stray SOURCE_DATE_EPOCH must not change them.
    return {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}


def measure(args: list[str], cwd: Path, timeout: float = 3600) -> Run:
    """Wall time and peak RSS of one command in a fresh process.

    os.wait4 gives the rusage of that child alone (with the grandchildren it waited for,
    such as `dot`), unlike RUSAGE_CHILDREN, which keeps the maximum over every child so far.
    """
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=_env(), stdout=output,
                                   stderr=subprocess.STDOUT)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode(errors="replace")
        if process.returncode != 0:
            raise BenchError(f"{' '.join(args)} exited {process.returncode} in {cwd}:\n"
                             f"{text[-3000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, text)  # ru_maxrss is in KiB on Linux


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


# ---- capabilities ----------------------------------------------------------------------------


def pdf_flags() -> tuple[list[str], list[str]] | None:
    """(flags for a build with PDFs, flags for one without), or None without PDF support.

    PDF output is detected from `journeymap build --help`, so this file needs no change
    when the flag lands.
    """
    help_text = subprocess.run([str(JOURNEYMAP), "build", "--help"], capture_output=True,
                               text=True, env=_env(), check=True).stdout
    options = set(re.findall(r"(?<![\w-])--[\w-]+", help_text))
    if "--pdf" not in options:
        return None
    return ["--pdf"], (["--no-pdf"] if "--no-pdf" in options else [])


def version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(module)
    except PackageNotFoundError:
        return "unknown"


# ---- the plain MkDocs site to compare with ---------------------------------------------------

BARE_YML = """\
site_name: Plain pages
docs_dir: docs
theme:
  name: mkdocs
  highlightjs: false
plugins:
  - search
nav:
  - Home: index.md
  - {journey}: journeys/{journey_id}.md
  - Clients: clients/index.md
  - Team: team/index.md
  - playbook.md
not_in_nav: |
  /clients/*.md
  !/clients/index.md
  /team/*.md
  !/team/index.md
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_bare(ws: Path, bare: Path, as_of: dt.date) -> int:
    """The same pages as plain Markdown (tables instead of templates); returns the page count.

    Built from the workspace with journeymap's own loader, so both sites say the same things.
    """
    from journeymap.derive.schedule import Occurrence, agenda, current_stage
    from journeymap.workspace.load import load_or_raise

    w = load_or_raise(ws, "journeys").workspace
    plan = agenda(w, as_of)
    docs = bare / "docs"
    for folder in ("journeys", "clients", "team"):
        (docs / folder).mkdir(parents=True, exist_ok=True)
    shutil.copy(ws / "docs" / "playbook.md", docs / "playbook.md")
    people = sorted(w.people.values(), key=lambda p: p.name)
    clients = sorted(w.clients.values(), key=lambda c: (c.name.lower(), c.id))
    (journey,) = w.journeys.values()

    def name(person_id: str | None) -> str:
        person = w.people.get(person_id or "")
        return f"[{person.name}](../team/index.md#{person.id})" if person else "nobody"

    def table(found: list[Occurrence], show_client: bool) -> list[str]:
        client_head = "Client | " if show_client else ""
        head = f"| Date | Day | {client_head}Touchpoint | Owner | Status |"
        lines = [head, "|" + " --- |" * (5 + show_client)]
        for o in found:
            client = (f"[{_cell(o.client.name)}](../clients/{o.client.id}.md) | "
                      if show_client else "")
            lines.append(f"| {o.date or 'to ask'} | {o.day or ''} | {client}"
                         f"{_cell(o.touchpoint.title)} | {name(o.owner)} | {o.status} |")
        return lines

    client_rows = ["| Client | Contact | Signed | Stage | Lead |", "|" + " --- |" * 5]
    for c in clients:
        stage = current_stage(journey, c, as_of) or "-"
        client_rows.append(f"| [{_cell(c.name)}](../clients/{c.id}.md) | {_cell(c.contact or '')} "
                           f"| {c.day_one} | {stage} | {name(c.team.get('lead'))} |")
    home = ["# Client journeys", "", f"As of {as_of}.", "", "## Overdue", "",
            *table(plan.with_status("overdue"), True), "", "## Due in the next 7 days", "",
            *table(plan.with_status("due"), True), "", "## Clients", "",
            *(row.replace("../clients/", "clients/").replace("../team/", "team/")
              for row in client_rows)]
    (docs / "index.md").write_text("\n".join(home).replace("(../", "(") + "\n")
    (docs / "clients" / "index.md").write_text(
        "\n".join(["# Clients", "", *client_rows]).replace("../clients/", "") + "\n")

    stages = [f"# {journey.title}", "", journey.summary or ""]
    for part in journey.stages:
        stages += ["", f"## {part.title}", "", part.feel or "", ""]
        for tp in journey.in_stage(part.id):
            stages += [f"### {tp.title}", "", f"Owner: {journey.role_label(tp.owner)}. "
                       f"Channel: {tp.channel or '-'}. Phase: {tp.phase}.", "",
                       tp.description or "", ""]
    (docs / "journeys" / f"{journey.id}.md").write_text("\n".join(stages) + "\n")

    team = ["# Team", ""]
    for p in people:
        photo = f"![{p.name}]({p.id}{p.photo.suffix})" if p.photo else ""
        if p.photo:
            shutil.copy(p.photo, docs / "team" / f"{p.id}{p.photo.suffix}")
        team += [f"## {p.name}", "", photo, "", f"*{p.title or ''}*, {p.pronouns or ''}", "",
                 p.bio, "", *(f"- {fact}" for fact in p.fun_facts), ""]
    (docs / "team" / "index.md").write_text("\n".join(team))

    for c in clients:
        page = [f"# {c.name}", "", f"Contact: {c.contact or ''}. Signed {c.day_one}.", "",
                c.welcome or "", "", "## Team", "",
                *(f"- {journey.roles[role]}: {name(who)}" for role, who in c.team.items()),
                "", "## Schedule", "", *table(plan.schedules[c.id], False), "",
                "## Goals", "", *(f"- {g}" for g in c.goals), "", "## Handoff", "",
                c.handoff or "", ""]
        (docs / "clients" / f"{c.id}.md").write_text("\n".join(page))
        # journeymap makes a handoff packet per client: so does the plain site.
        first_100 = [o for o in plan.schedules[c.id] if o.day is not None and o.day <= 100]
        packet = [f"# Handoff: {c.name}", "", "## Preferences", "",
                  *(f"- {key}: {_cell(str(value))}" for key, value in c.preferences.items()),
                  "", "## Goals", "", *(f"- {g}" for g in c.goals), "", "## What sales learned",
                  "", c.handoff or "", "", "## The first 100 days", "",
                  *table(first_100, False), ""]
        (docs / "clients" / f"{c.id}-handoff.md").write_text("\n".join(packet))

    due_soon = [o for o in plan.with_status("overdue") + plan.with_status("due")]
    for p in people:  # and a profile per person
        theirs = [c for c in clients if p.id in c.team.values()]
        profile = [f"# {p.name}", "", f"*{p.title or ''}*", "", p.bio, "", "## Clients", "",
                   *(f"- [{_cell(c.name)}](../clients/{c.id}.md)" for c in theirs), "",
                   "## Overdue and due", "",
                   *table([o for o in due_soon if o.owner == p.id], True), ""]
        (docs / "team" / f"{p.id}.md").write_text("\n".join(profile))

    (bare / "mkdocs.yml").write_text(BARE_YML.format(journey=journey.title, journey_id=journey.id))
    return 2 * len(clients) + len(people) + 5


# ---- measurements ----------------------------------------------------------------------------


def clean(ws: Path) -> None:
    """Forget every earlier build: the site and journeymap's cache, if it keeps one on disk."""
    for folder in ("site", ".site.spare", ".journeymap-cache"):
        shutil.rmtree(ws / folder, ignore_errors=True)


def cold_build(ws: Path, as_of: dt.date, flags: list[str], quiet: bool = True) -> Run:
    clean(ws)
    return measure([str(JOURNEYMAP), "build", "--as-of", as_of.isoformat(),
                    *(["-q"] if quiet else []), *flags], ws)


# The build's own line for its PDF stage: how many were printed, and how long the stage took.
PDF_LINE = re.compile(r"journeymap: \d+ PDFs \((\d+) printed, .*\) in ([\d.]+) s")


def pdf_stage_ms(run: Run) -> float | None:
    """Milliseconds per printed PDF in a build's PDF stage, from its log; None if not shown."""
    match = PDF_LINE.search(run.output)
    if match is None or int(match.group(1)) == 0:
        return None
    return 1000 * float(match.group(2)) / int(match.group(1))


def bare_build(bare: Path) -> Run:
    shutil.rmtree(bare / "site", ignore_errors=True)
    return measure([str(MKDOCS), "build", "-q"], bare)


def edit_client(ws: Path, key: str, suffix: str) -> tuple[Path, str]:
    """Append `suffix` to the `key:` line of the first client file (or the `key` cell of the
    first row of a clients CSV); returns the old value."""
    files = sorted((ws / "journeys" / "clients").glob("*.yml"))
    if not files:
        return _edit_row(ws / "journeys" / "clients" / "clients.csv", key, suffix)
    file = files[0]
    text = file.read_text()
    match = re.search(rf"^{key}: (.*)$", text, re.M)
    assert match, f"no {key}: line in {file}"
    file.write_text(text[: match.end()] + suffix + text[match.end():])
    return file, match.group(1)


def _edit_row(file: Path, key: str, suffix: str) -> tuple[Path, str]:
    # Written back as generate.py wrote it, so that only the edited row's bytes change.
    with file.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    column = rows[0].index(key)
    old = rows[1][column]
    rows[1][column] = old + suffix
    with file.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)
    return file, old


def warm_rebuild(ws: Path, as_of: dt.date, flags: list[str], number: int) -> Run:
    """A rebuild right after a build with the same flags, with one client file changed in
    between.

    The first rebuild after a build into an empty folder copies the site to `.site.spare/`;
    every later one brings that copy up to date in place, then swaps the two. Measured: the
    later ones.
    """
    build = [str(JOURNEYMAP), "build", "--as-of", as_of.isoformat(), "-q", *flags]
    # The site and its spare (each keeps its own stamps) as these flags make them: every
    # page of a build without PDFs says so where the PDF links would be, so a rebuild into a
    # folder last built with PDFs would make every page again.
    for _ in range(2):
        measure(build, ws)
    edit_client(ws, "contact", f" {number}")
    return measure(build, ws)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if condition():
            return time.perf_counter() - start
        time.sleep(0.05)
    raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode())
    except (urllib.error.URLError, OSError):
        return ""


def _edit_mode(page: Any, url: str, timeout: float) -> None:
    """The journey map at `url`, its editor ready and edit mode on."""
    page.goto(url)
    page.wait_for_selector("html[data-jm-editor=ready]", timeout=timeout * 1000)
    if page.get_attribute(".jm-ed-toggle", "aria-pressed") != "true":
        page.click(".jm-ed-toggle")


def edit_to_map(page: Any, url: str, repeat: int, timeout: float) -> list[float]:
    """[seconds from dropping a point of the emotion curve to the redrawn map], with the
    map's editor (edit mode on): the edit is written, the site rebuilt, the page reloaded
    by live reload and its editor ready again, showing the new feel."""
    _edit_mode(page, url, timeout)
    times = []
    for _ in range(repeat):
        point = page.locator(".jm-curve-point").first
        point.scroll_into_view_if_needed()
        feel = int(point.inner_text())
        wanted = 5 if feel < 5 else 1
        box, curve = point.bounding_box(), point.locator("xpath=..").bounding_box()
        x = box["x"] + box["width"] / 2
        page.mouse.move(x, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(x, curve["y"] + curve["height"] * (0.14 if wanted == 5 else 0.86),
                        steps=4)
        # The editor marks the page each time it shows it anew (reloaded or in place).
        page.evaluate("window.__jmMark = document.documentElement.dataset.jmShown")
        start = time.perf_counter()
        page.mouse.up()
        page.wait_for_function(
            "n => document.documentElement.dataset.jmShown !== window.__jmMark"
            " && document.documentElement.dataset.jmEditor === 'ready'"
            " && document.querySelector('.jm-curve-point').textContent.trim() === String(n)",
            arg=wanted, timeout=timeout * 1000)
        times.append(time.perf_counter() - start)
    return times


def card_to_map(page: Any, url: str, repeat: int, timeout: float) -> list[float]:
    """[seconds from dropping a card in the next stage's column to the redrawn map]: the
    first card of the journey's second stage dragged above the first card of its third, and
    back again, each drop a new day for that touchpoint, so that every schedule of the
    journey (all of its clients' pages and calendars) changes."""
    _edit_mode(page, url, timeout)
    stages = page.eval_on_selector_all(".jm-map-cards", "els => els.map(e => e.dataset.stage)")
    if len(stages) < 3:
        return []
    here, there = stages[1], stages[2]
    card_id = page.get_attribute(f'.jm-map-cards[data-stage="{here}"] .jm-map-card',
                                 "data-touchpoint")
    times = []
    for number in range(repeat):
        target = there if number % 2 == 0 else here
        card = page.locator(f'.jm-map-card[data-touchpoint="{card_id}"]')
        card.scroll_into_view_if_needed()
        first = page.locator(f'.jm-map-cards[data-stage="{target}"] .jm-map-card').first
        box, aim = card.bounding_box(), first.bounding_box()
        page.mouse.move(box["x"] + 20, box["y"] + 10)
        page.mouse.down()
        page.mouse.move(aim["x"] + 20, aim["y"] + 4, steps=8)  # above its first card
        page.evaluate("window.__jmMark = document.documentElement.dataset.jmShown")
        start = time.perf_counter()
        page.mouse.up()
        page.wait_for_function(
            "([stage, id]) => document.documentElement.dataset.jmShown !== window.__jmMark"
            " && document.documentElement.dataset.jmEditor === 'ready'"
            " && document.querySelector(`.jm-map-cards[data-stage='${stage}']"
            " .jm-map-card[data-touchpoint='${id}']`)",
            arg=[target, card_id], timeout=timeout * 1000)
        times.append(time.perf_counter() - start)
    return times


def form_to_map(page: Any, url: str, repeat: int, timeout: float) -> list[float]:
    """[seconds from submitting the editor's form to the redrawn map]: a touchpoint added
    from the `+` of the journey's second stage (its first day, the first role: every
    schedule of the journey gains it), then deleted from its card's form, in turn."""
    _edit_mode(page, url, timeout)
    stages = page.eval_on_selector_all(".jm-map-cards", "els => els.map(e => e.dataset.stage)")
    if len(stages) < 2:
        return []
    dialog = page.locator("dialog.jm-ed-dialog")
    times = []
    for number in range(repeat):
        card_id = f"benchmark-call-{number // 2}"
        if number % 2 == 0:
            page.locator(f'.jm-map-stage[data-stage="{stages[1]}"] .jm-ed-add').click()
            dialog.locator("input[name=title]").fill(f"Benchmark call {number // 2}")
            dialog.locator("input[name=id]").fill(card_id)
            submit, wanted = dialog.locator(".jm-ed-save"), 1
        else:
            page.locator(f'.jm-map-card[data-touchpoint="{card_id}"]').click()
            page.once("dialog", lambda confirm: confirm.accept())  # "Delete ...?"
            submit, wanted = dialog.locator(".jm-ed-delete"), 0
        page.evaluate("window.__jmMark = document.documentElement.dataset.jmShown")
        start = time.perf_counter()
        submit.click()
        page.wait_for_function(
            "([id, wanted]) => document.documentElement.dataset.jmShown !== window.__jmMark"
            " && document.documentElement.dataset.jmEditor === 'ready'"
            " && document.querySelectorAll(`.jm-map-card[data-touchpoint='${id}']`).length"
            " === wanted", arg=[card_id, wanted], timeout=timeout * 1000)
        times.append(time.perf_counter() - start)
    return times


def serve_reload(
    ws: Path, as_of: dt.date, repeat: int, timeout: float
) -> tuple[float, list[float], list[float], list[float], list[float]]:
    """(seconds until `journeymap serve` answers, [seconds from a save to the changed page],
    [seconds from a drop on the map to the redrawn map], [the same for a card dragged to
    another stage: card_to_map], [the same for a submitted form: form_to_map]).

    Chromium shows a client page; we rename the client and wait until MkDocs' live reload
    has rebuilt the site and reloaded the page with the new name. Then the journey map, in
    edit mode: a curve point dragged to another feel (see edit_to_map), a card to another
    stage (see card_to_map), and a touchpoint added and deleted with the form (form_to_map).
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    file = min((ws / "journeys" / "clients").glob("*.yml"))
    original = file.read_text()
    match = re.search(r"^name: (.*)$", original, re.M)
    assert match, f"no name: line in {file}"
    port = free_port()
    url = f"http://127.0.0.1:{port}/clients/{file.stem}/"
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        server = subprocess.Popen(
            [str(JOURNEYMAP), "serve", "-a", f"127.0.0.1:{port}", "--as-of", as_of.isoformat()],
            cwd=ws, env=_env(), stdout=output, stderr=subprocess.STDOUT)
        try:
            try:
                _wait(lambda: server.poll() is not None or match.group(1) in _fetch(url),
                      timeout, "journeymap serve to start")
                if server.poll() is not None:
                    raise BenchError(f"journeymap serve stopped (exit {server.returncode})")
            except BenchError as error:
                output.seek(0)
                shown = output.read().decode(errors="replace")[-3000:]
                raise BenchError(f"{error}:\n{shown}") from None
            started = time.perf_counter() - start
            times = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                            args=["--disable-gpu", "--disable-dev-shm-usage"])
                page = browser.new_page()
                page.goto(url)

                def shows(words: str, wanted: bool) -> bool:
                    """Whether the page has `words` (or lacks them); False mid-reload."""
                    try:
                        return (words in str(page.evaluate("document.body.innerText"))) == wanted
                    except PlaywrightError:
                        return False

                for number in range(1, repeat + 1):
                    renamed = f"{match.group(1)} renamed {number}"
                    file.write_text(original[: match.start(1)] + renamed + original[match.end(1):])
                    times.append(_wait(partial(shows, renamed, True), timeout,
                                       "the page to show the new name"))
                    # Undo, and let that rebuild land too, so each save starts on a quiet server.
                    file.write_text(original)
                    _wait(partial(shows, renamed, False), timeout, "the page to show the old name")
                journey = min((ws / "journeys").glob("*.yml")).stem
                edits = edit_to_map(page, f"http://127.0.0.1:{port}/journeys/{journey}/",
                                    repeat, timeout)
                cards = card_to_map(page, f"http://127.0.0.1:{port}/journeys/{journey}/",
                                    repeat, timeout)
                forms = form_to_map(page, f"http://127.0.0.1:{port}/journeys/{journey}/",
                                    max(2, repeat), timeout)
                browser.close()
        finally:
            file.write_text(original)
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return round(started, 3), times, edits, cards, forms


def profile(ws: Path, as_of: dt.date, flags: list[str], target: Path) -> str:
    """A cProfile of one cold build, saved to `target`; returns its top entries as text."""
    clean(ws)
    measure([sys.executable, "-m", "cProfile", "-o", str(target), str(JOURNEYMAP), "build",
             "--as-of", as_of.isoformat(), "-q", *flags], ws)
    text = io.StringIO()
    stats = pstats.Stats(str(target), stream=text)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(15)
    # Paths relative to site-packages and to the repository read as `mkdocs/...`, `journeymap/...`.
    shown = text.getvalue()
    prefixes = {*(p for p in sys.path if p.endswith("-packages")), str(HERE.parent),
                sysconfig.get_paths()["stdlib"]}
    for prefix in sorted(prefixes, key=len, reverse=True):
        shown = shown.replace(prefix + os.sep, "")
    return shown


# ---- one size, and the whole run -------------------------------------------------------------


def people_for(clients: int) -> int:
    """A team that grows with the client list: 7 people for 10 clients, 106 for 1000.

    About twenty-five clients per lead: the workload lint finds only a few busy weeks.
    """
    return 6 + clients // 10


def bench_size(clients: int, repeat: int, args: argparse.Namespace,
               pdf: tuple[list[str], list[str]] | None) -> dict[str, Any]:
    as_of: dt.date = args.as_of
    no_pdf = pdf[1] if pdf else []
    result: dict[str, Any] = {"clients": clients, "people": people_for(clients),
                              "repeat": repeat}
    runs: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix=f"journeymap-bench-{clients}-") as tmp:
        ws, bare = Path(tmp) / "ws", Path(tmp) / "bare"
        generate(ws, clients, people_for(clients), args.seed, as_of, args.csv)
        result["pages"] = write_bare(ws, bare, as_of)

        log(f"[{clients}] cold builds")
        cold = [cold_build(ws, as_of, no_pdf) for _ in range(repeat)]
        runs["cold_build_s"] = [r.seconds for r in cold]
        runs["peak_rss_mb"] = [r.peak_rss_mb for r in cold]
        if pdf and args.pdf:
            log(f"[{clients}] cold builds with PDFs")
            # Not quiet: the PDF stage's own time is in the build's log.
            with_pdf = [cold_build(ws, as_of, pdf[0], quiet=False) for _ in range(repeat)]
            runs["cold_build_pdf_s"] = [r.seconds for r in with_pdf]
            runs["peak_rss_pdf_mb"] = [r.peak_rss_mb for r in with_pdf]
            each = [ms for ms in map(pdf_stage_ms, with_pdf) if ms is not None]
            if each:
                runs["pdf_ms_each"] = each
            log(f"[{clients}] rebuilds with PDFs after one client edit")
            runs["warm_rebuild_pdf_s"] = [warm_rebuild(ws, as_of, pdf[0], n).seconds
                                          for n in range(1, repeat + 1)]
        log(f"[{clients}] bare mkdocs builds")
        runs["bare_mkdocs_s"] = [bare_build(bare).seconds for _ in range(repeat)]
        log(f"[{clients}] warm rebuilds")
        runs["warm_rebuild_s"] = [warm_rebuild(ws, as_of, no_pdf, n).seconds
                                  for n in range(1, repeat + 1)]
        log(f"[{clients}] checks")
        runs["check_s"] = [measure([str(JOURNEYMAP), "check"], ws).seconds for _ in range(repeat)]
        if args.serve:
            log(f"[{clients}] live preview")
            try:
                started, reloads, edits, cards, forms = serve_reload(ws, as_of, repeat,
                                                                     args.serve_timeout)
                result["serve_start_s"] = started
                runs["serve_reload_s"] = reloads
                runs["edit_to_map_s"] = edits
                if cards:
                    runs["card_to_map_s"] = cards
                if forms:
                    runs["form_to_map_s"] = forms
            except BenchError as error:  # reported, not fatal: the other figures still count
                log(f"[{clients}] live preview: {error}")
                result["serve_error"] = str(error)
        if args.profile and clients == max(args.sizes):
            log(f"[{clients}] profiled cold build")
            target = args.out.with_suffix(".prof")
            result["profile"] = str(target)
            PROFILES.append(f"Profile of the {clients}-client cold build ({target}):\n"
                            + profile(ws, as_of, no_pdf, target))

    figures: dict[str, Any] = {}
    for key, _, _ in FIGURES:
        if key in runs:
            figures[key] = median(runs[key])
        else:
            figures[key] = result.pop(key, NA if "pdf" in key else None)
    cold_s, bare_s = figures["cold_build_s"], figures["bare_mkdocs_s"]
    figures["ratio_vs_bare"] = round(cold_s / bare_s, 2) if bare_s else None
    with_pdf = figures["cold_build_pdf_s"]
    figures["pdf_ratio"] = round(with_pdf / cold_s, 2) if isinstance(with_pdf, float) else NA
    runs_shown = {k: [round(v, 3) for v in vs] for k, vs in runs.items()}
    return {**result, **figures, "runs": runs_shown}


def exponent(sizes: list[dict[str, Any]], key: str) -> float | None:
    """The log-log slope between the smallest and largest size: 1.0 means linear."""
    points = [(s["clients"], s[key]) for s in sizes
              if isinstance(s.get(key), int | float) and s[key] > 0 and s["clients"] > 0]
    if len(points) < 2 or points[0][0] == points[-1][0]:
        return None
    (n1, y1), (n2, y2) = points[0], points[-1]
    return round(math.log(y2 / y1) / math.log(n2 / n1), 2)


def table(report: dict[str, Any]) -> str:
    def show(value: Any) -> str:
        if value is None:
            return "-"
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    heads = ["clients", "pages"] + [f"{h} ({u})" for _, h, u in FIGURES]
    rows = [[str(s["clients"]), str(s["pages"])] + [show(s[k]) for k, _, _ in FIGURES]
            for s in report["sizes"]]
    rows.append(["exponent", ""] + [show(report["exponents"][k]) for k, _, _ in FIGURES])
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in [heads, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10,100,1000",
                        type=lambda s: sorted({int(x) for x in s.split(",") if x.strip()}),
                        help="client counts, comma-separated (default: 10,100,1000)")
    parser.add_argument("--repeat", type=int, metavar="K",
                        help="runs per figure (default: 3 below 1000 clients, else 1)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json", metavar="FILE")
    parser.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=True,
                        help="also time builds with PDFs, if journeymap build offers --pdf")
    parser.add_argument("--serve", action=argparse.BooleanOptionalAction, default=True,
                        help="time a save until the page shows it under journeymap serve")
    parser.add_argument("--serve-timeout", type=float, default=600, metavar="SECONDS")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the largest cold build into FILE with suffix .prof")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--csv", action="store_true",
                        help="generate the clients as one CSV file (and their feedback as "
                             "survey answers) instead of a YAML file each")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for tool in (JOURNEYMAP, MKDOCS):
        if not tool.is_file():
            print(f"run.py: {tool} not found: run this with the virtualenv's python",
                  file=sys.stderr)
            return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)  # before the profile is written there
    pdf = pdf_flags()
    sizes = []
    try:
        for clients in args.sizes:
            repeat = args.repeat or (3 if clients < 1000 else 1)
            sizes.append(bench_size(clients, repeat, args, pdf))
    except BenchError as error:
        print(f"run.py: {error}", file=sys.stderr)
        return 1
    report = {
        "meta": {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "as_of": args.as_of.isoformat(), "seed": args.seed,
            "python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "journeymap": version("journeymap"),
            "mkdocs": version("mkdocs"),
            "pdf": ("measured" if args.pdf else "skipped") if pdf else "not supported",
        },
        "sizes": sizes,
        "exponents": {key: exponent(sizes, key) for key, _, _ in FIGURES},
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))
    for text in PROFILES:
        print("\n" + text.rstrip())
    print(f"\nWrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
