"""A new user's first afternoon: a workspace laid out as FORMAT.md shows it, the commands a
README reader runs first, and the messages they meet, all through the real commands."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import AS_OF, BIN, HOST, REPO, run, tree

from journeymap.workspace.load import load_workspace

# mkdocs.yml as FORMAT.md shows it: a name and the plugin, no docs_dir, no docs/ folder.
BARE_CONFIG = "site_name: Our client journey\nplugins:\n  - journeymap\n"


def bare_workspace(target: Path, config: str = BARE_CONFIG) -> Path:
    """The example's journey files, with nothing beside them but `config`."""
    target.mkdir(parents=True)
    shutil.copytree(REPO / "journeys", target / "journeys")
    (target / "mkdocs.yml").write_text(config)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode())


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    return bare_workspace(tmp_path / "ws")


# ---- a workspace without docs/ --------------------------------------------------------------


def test_a_workspace_without_docs_checks_lints_formats_and_exports(bare: Path) -> None:
    check = run(["journeymap", "check"], bare)
    assert check.returncode == 0, check.stderr
    assert "journeys/ is valid" in check.stderr
    assert run(["journeymap", "lint"], bare).returncode == 0
    assert run(["journeymap", "fmt", "--check"], bare).returncode == 0
    mermaid = run(["journeymap", "export", "--format", "mermaid", "-o", "-"], bare)
    assert mermaid.returncode == 0 and mermaid.stdout.startswith("```mermaid"), mermaid.stderr
    assert not (bare / "docs").exists()  # nothing was made in the workspace for it


def test_a_workspace_without_docs_reviews_a_change(bare: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "user.name=T",
                        "-c", "user.email=t@example.com", *args], cwd=bare, check=True,
                       capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "first")
    journey = bare / "journeys" / "client-love.yml"
    journey.write_text(journey.read_text().replace("title: Deep Dive call", "title: Deep Dive",
                                                   1))
    review = run(["journeymap", "diff", "HEAD"], bare)
    assert review.returncode == 0, review.stderr
    assert "Deep Dive" in review.stdout


def test_a_workspace_without_docs_builds_and_says_what_the_host_needs(bare: Path) -> None:
    secret = {"JOURNEYMAP_SECRET": "s3cret"}  # without it, --strict fails: see below
    built = run(["journeymap", "build", "--as-of", AS_OF, "--strict", "--no-pdf"], bare, secret)
    assert built.returncode == 0, built.stderr
    assert (bare / "site" / "index.html").is_file()
    assert (bare / "site" / "journeys" / "client-love" / "index.html").is_file()
    host = HOST
    note = (f"mkdocs.yml:1:1: no docs/ folder: journeymap builds without one; for '{host} "
            f"build' and '{host} serve' too, add the line 'docs_dir: journeys' to mkdocs.yml")
    assert note in built.stderr.splitlines(), built.stderr
    assert "Traceback" not in built.stderr
    # The host's own build stops before any plugin runs; with the line the note gives, it
    # builds.
    assert run(["mkdocs", "build"], bare).returncode == 1
    (bare / "mkdocs.yml").write_text(BARE_CONFIG + "docs_dir: journeys\n")
    plain = run(["mkdocs", "build", "--strict"], bare, secret)
    assert plain.returncode == 0, plain.stderr
    quiet = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], bare)
    assert quiet.returncode == 0 and "no docs/ folder" not in quiet.stderr


def test_a_workspace_without_docs_is_served(bare: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795478400"}
    with log.open("w") as out:
        process = subprocess.Popen([str(BIN / "journeymap"), "serve", "--dev-addr",
                                    f"127.0.0.1:{port}"], cwd=bare, stdout=out,
                                   stderr=subprocess.STDOUT, env=env)
        try:
            url = f"http://127.0.0.1:{port}/journeys/client-love/"
            wait_for(lambda: "Client Love Journey" in fetch(url))
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert "docs_dir" not in log.read_text()
    assert "guessable" not in log.read_text()  # a preview, on this machine only


# ---- journeymap schema ------------------------------------------------------------------------


def test_schema_with_no_kind_lists_the_three(tmp_path: Path) -> None:
    index = run(["journeymap", "schema"], tmp_path)
    assert index.returncode == 0, index.stderr
    lines = index.stdout.splitlines()
    for kind, place in (("journey", "journeys/<id>.yml"), ("client", "journeys/clients/<id>.yml"),
                        ("person", "the front matter of journeys/team/<id>.md")):
        assert any(line.split() == [kind, *place.split(), "journeymap", "schema", kind]
                   for line in lines), index.stdout
    assert "journeymap schema --write schemas" in index.stdout
    # One kind, and --write, are as they were.
    one = run(["journeymap", "schema", "journey"], tmp_path)
    assert one.returncode == 0 and json.loads(one.stdout)["$id"] == "urn:journeymap:schema:journey"
    written = run(["journeymap", "schema", "--write", "s"], tmp_path)
    assert written.returncode == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "client.schema.json", "journey.schema.json", "person.schema.json"]


# ---- mistakes in the plugin's options -----------------------------------------------------------

OPTIONS_CONFIG = """site_name: Options
docs_dir: journeys
extra:
  analytics: !ENV [ANALYTICS_ID, "none"]
plugins:
  - search
  - journeymap:
      lint:
        no-surprize: off
        busy-week: {level: error, per-weeks: 8}
        first-100-days-gap:
          level: loud
"""
OPTION_LINES = [
    "mkdocs.yml:9:9: plugin option 'lint': unknown rule 'no-surprize' (did you mean "
    "'no-surprise'?)",
    "mkdocs.yml:10:35: plugin option 'lint': busy-week: unknown setting 'per-weeks' (did you "
    "mean 'per-week'?); this rule takes 'level', 'per-week', 'weeks'",
    "mkdocs.yml:12:18: plugin option 'lint': first-100-days-gap: level must be error, warning or "
    "off, got 'loud'",
]


def _lines(text: str) -> list[str]:
    """journeymap's lines of the output, without the host's level in front (the host's own
    lines, such as ProperDocs' advice to rename mkdocs.yml, left out)."""
    found = [line.split("-  ", 1)[1] if line.startswith(("ERROR ", "WARNING ")) else line
             for line in text.splitlines()]
    return [line for line in found if line.startswith(("mkdocs.yml:", "journeymap:"))]


def test_lint_option_mistakes_are_placed_in_mkdocs_yml_with_one_prefix(tmp_path: Path) -> None:
    ws = bare_workspace(tmp_path / "ws", OPTIONS_CONFIG)
    check = run(["journeymap", "check"], ws)
    assert check.returncode == 1
    assert _lines(check.stdout) == OPTION_LINES
    assert check.stderr == ("journeymap: 3 problems in mkdocs.yml's plugin options "
                            "(3 errors)\n")
    for command in (["journeymap", "build", "--no-pdf"], ["mkdocs", "build"]):
        built = run(command, ws)
        assert built.returncode == 1
        lines = _lines(built.stderr)
        assert lines[:3] == OPTION_LINES, built.stderr
        assert ("journeymap: 3 problems in mkdocs.yml's plugin options (listed above); the "
                "site was not built") in lines
        assert "journeymap: journeymap:" not in built.stderr and "Traceback" not in built.stderr
    annotations = run(["journeymap", "lint", "--format", "github"], ws)
    assert annotations.stdout.splitlines()[0] == (
        "::error file=mkdocs.yml,line=9,col=9::plugin option 'lint': unknown rule 'no-surprize' "
        "(did you mean 'no-surprise'?)")


def test_the_hosts_own_option_checks_are_placed_too(tmp_path: Path) -> None:
    config = ("site_name: Options\ndocs_dir: journeys\nplugins:\n  - journeymap:\n"
              "      pdf: maybe\n      cahce_dir: elsewhere\n      as_of: tomorrow\n")
    ws = bare_workspace(tmp_path / "ws", config)
    wrong_type = "mkdocs.yml:5:12: plugin option 'pdf' must be true or false, got 'maybe'"
    unknown = ("mkdocs.yml:6:7: warning: unknown plugin option 'cahce_dir' (did you mean "
               "'cache_dir'?): journeymap ignores it")
    check = run(["journeymap", "check"], ws)
    assert check.returncode == 1
    assert check.stdout.splitlines() == [wrong_type, unknown]
    built = run(["mkdocs", "build"], ws)
    assert built.returncode == 1 and _lines(built.stderr)[:2] == [wrong_type, unknown]
    assert "Config value 'plugins'" not in built.stderr  # the host's own words, unplaced
    # With the type right, the date is checked (by a build) and the unknown name only warned of.
    (ws / "mkdocs.yml").write_text(config.replace("maybe", "false"))
    built = run(["journeymap", "build"], ws)
    assert built.returncode == 1
    assert _lines(built.stderr)[:2] == [
        unknown, "mkdocs.yml:7:14: plugin option 'as_of' must be a date YYYY-MM-DD, got "
                 "'tomorrow'"]
    (ws / "mkdocs.yml").write_text(config.replace("maybe", "false").replace(
        "      as_of: tomorrow\n", ""))
    check = run(["journeymap", "check"], ws)
    assert check.returncode == 0 and check.stdout.splitlines() == [unknown]
    assert run(["journeymap", "build", "--strict", "--as-of", AS_OF], ws).returncode == 1
    assert not (ws / "elsewhere").exists()


def test_a_mkdocs_yml_that_cannot_be_read_for_positions_places_mistakes_on_line_1(
    tmp_path: Path,
) -> None:
    # MkDocs reads anchors; journeymap's reader does not, so it cannot say where.
    config = ("site_name: Options\ndocs_dir: journeys\ncopyright: &who Acme\n"
              "site_author: *who\nplugins:\n  - journeymap:\n      lint: {no-surprize: off}\n")
    ws = bare_workspace(tmp_path / "ws", config)
    check = run(["journeymap", "check"], ws)
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        "mkdocs.yml:1:1: plugin option 'lint': unknown rule 'no-surprize' (did you mean "
        "'no-surprise'?)"]


WORDS_CONFIG = """site_name: Options
docs_dir: journeys
plugins:
  - journeymap:
      guessable_meet_names: true
      words:
        clent: guest
        sales: [the host]
"""
WORD_LINES = [
    "mkdocs.yml:7:9: plugin option 'words': unknown word 'clent' (did you mean 'client'?); "
    "the words are client, clients, signing, signed, sales",
    "mkdocs.yml:8:16: plugin option 'words': 'sales' must be a word or a few on one line, got "
    "['the host']",
]


def test_words_option_mistakes_are_placed_in_mkdocs_yml_with_one_prefix(tmp_path: Path) -> None:
    ws = bare_workspace(tmp_path / "ws", WORDS_CONFIG)
    for command in (["journeymap", "check"], ["journeymap", "lint"]):
        found = run(command, ws)
        assert found.returncode == 1
        assert found.stdout.splitlines() == WORD_LINES
        assert found.stderr == "journeymap: 2 problems in mkdocs.yml's plugin options (2 errors)\n"
    for command in (["journeymap", "build", "--no-pdf"], ["mkdocs", "build"]):
        built = run(command, ws)
        assert built.returncode == 1
        lines = _lines(built.stderr)
        assert lines[:2] == WORD_LINES, built.stderr
        assert ("journeymap: 2 problems in mkdocs.yml's plugin options (listed above); the "
                "site was not built") in lines
        assert "journeymap: journeymap:" not in built.stderr and "Traceback" not in built.stderr
    assert not (ws / "site").exists()


BUSINESS_CONFIG = """site_name: Options
docs_dir: journeys
plugins:
  - journeymap:
      guessable_meet_names: true
      business:
        name: Cedar & Pine
        website: http://cedar.example
"""
BUSINESS_LINE = ("mkdocs.yml:8:18: 'website' in business must be a web address starting with "
                 "https://, got 'http://cedar.example'")


def test_business_option_mistakes_are_placed_and_counted_in_mkdocs_yml(tmp_path: Path) -> None:
    ws = bare_workspace(tmp_path / "ws", BUSINESS_CONFIG)
    check = run(["journeymap", "check"], ws)
    assert check.returncode == 1
    assert check.stdout.splitlines() == [BUSINESS_LINE]
    assert check.stderr == "journeymap: 1 problem in mkdocs.yml (1 error)\n"
    for command in (["journeymap", "build", "--no-pdf"], ["mkdocs", "build"]):
        built = run(command, ws)
        assert built.returncode == 1
        assert _lines(built.stderr)[:2] == [
            BUSINESS_LINE, "journeymap: 1 problem in mkdocs.yml (listed above); the site was "
                           "not built"], built.stderr
        assert "journeymap: journeymap:" not in built.stderr and "Traceback" not in built.stderr
    # With a journey file wrong too, the summary names both places.
    journey = ws / "journeys" / "client-love.yml"
    journey.write_text(journey.read_text().replace("title: Deep Dive call", "titel: x", 1))
    both = run(["journeymap", "check"], ws)
    assert both.returncode == 1
    assert both.stderr.startswith("journeymap: 2 problems in journeys/ and mkdocs.yml ")


# ---- a preview on a port already taken ----------------------------------------------------------


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


@pytest.mark.parametrize("command", ["journeymap", "mkdocs"])
def test_a_preview_on_a_taken_port_says_so_in_one_line_before_building(
    bare: Path, taken_port: int, command: str,
) -> None:
    if command == "mkdocs":
        (bare / "mkdocs.yml").write_text(BARE_CONFIG + "docs_dir: journeys\n")
    result = run([command, "serve", "--dev-addr", f"127.0.0.1:{taken_port}"], bare)
    assert result.returncode == 1
    ours = [line for line in _lines(result.stderr) if line.startswith("journeymap:")]
    shown = HOST if command == "mkdocs" else "journeymap"
    assert len(ours) == 1, result.stderr
    prefix = (f"journeymap: 127.0.0.1:{taken_port} is already in use (by another preview, or "
              f"another program): stop it, or choose another address: {shown} serve --dev-addr "
              "127.0.0.1:")
    assert ours[0].startswith(prefix), result.stderr
    suggested = int(ours[0].removeprefix(prefix))
    assert suggested > taken_port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", suggested))  # free, as said
    assert "Traceback" not in result.stderr and "Errno" not in result.stderr
    assert "Documentation built" not in result.stderr and "pages built" not in result.stderr
    if command == "journeymap":
        assert result.stderr.splitlines() == ours  # that line alone


def test_a_dev_addr_without_a_port_is_a_usage_error(bare: Path) -> None:
    result = run(["journeymap", "serve", "--dev-addr", "127.0.0.1"], bare)
    assert result.returncode == 2
    assert result.stderr == ("journeymap: --dev-addr must be IP:PORT, such as 127.0.0.1:8000, "
                             "got '127.0.0.1'\n")


# ---- meet pages without a secret ----------------------------------------------------------------


def _guessable_warning(ws: Path, line: int, col: int) -> str:
    first = min(path.stem for path in (ws / "journeys" / "clients").glob("*.yml"))
    return (f"mkdocs.yml:{line}:{col}: warning: meet pages are named by client id "
            f"(meet/{first}.html), so anyone with one client's link can guess another's: set "
            "the JOURNEYMAP_SECRET environment variable (or the 'secret' option), or "
            "'guessable_meet_names: true' for a site that is never published")


def test_a_build_without_a_secret_warns_once_and_fails_strict(bare: Path) -> None:
    warning = _guessable_warning(bare, 3, 5)
    built = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf"], bare)
    assert built.returncode == 0, built.stderr
    assert built.stderr.splitlines().count(warning) == 1, built.stderr
    first = min(path.stem for path in (bare / "journeys" / "clients").glob("*.yml"))
    assert (bare / "site" / "meet" / f"{first}.html").is_file()
    before = tree(bare / "site")
    strict = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf", "--strict"], bare)
    assert strict.returncode == 1 and warning in strict.stderr.splitlines()
    assert tree(bare / "site") == before
    (bare / "mkdocs.yml").write_text(BARE_CONFIG + "docs_dir: journeys\n")
    plain = run(["mkdocs", "build"], bare)
    assert plain.returncode == 0
    assert [line for line in _lines(plain.stderr) if "meet pages are named" in line] == [warning]


@pytest.mark.parametrize(("config", "env"), [
    (BARE_CONFIG, {"JOURNEYMAP_SECRET": "s3cret"}),
    (BARE_CONFIG.replace("  - journeymap\n", "  - journeymap:\n      secret: s3cret\n"), {}),
    (BARE_CONFIG.replace("  - journeymap\n",
                         "  - journeymap:\n      guessable_meet_names: true\n"), {}),
], ids=["environment", "option", "accepted"])
def test_a_secret_or_the_option_silences_it(tmp_path: Path, config: str,
                                            env: dict[str, str]) -> None:
    ws = bare_workspace(tmp_path / "ws", config)
    built = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf", "--strict"], ws, env=env)
    assert built.returncode == 0, built.stderr
    assert "meet pages are named" not in built.stderr
    clients = set(load_workspace(ws).workspace.clients)  # files and a CSV's rows
    assert len(clients) > len(list((ws / "journeys" / "clients").glob("*.yml")))
    names = {path.stem for path in (ws / "site" / "meet").glob("*.html")}
    if "guessable" in config:
        assert names == clients
    else:  # the secret names the files
        assert not names & clients and len(names) == len(clients)
        assert all(any(name.startswith(f"{c}-") for c in clients) for name in names)


def test_a_site_with_no_clients_has_no_meet_pages_to_warn_of(bare: Path) -> None:
    shutil.rmtree(bare / "journeys" / "clients")
    shutil.rmtree(bare / "journeys" / "surveys")  # its answers would name no client
    built = run(["journeymap", "build", "--as-of", AS_OF, "--no-pdf", "--strict"], bare)
    assert built.returncode == 0, built.stderr
    assert "meet pages are named" not in built.stderr


# ---- the README's first run, from journeymap init -----------------------------------------------


def test_a_new_workspaces_first_build_warning_is_explained_where_it_points(
    tmp_path: Path,
) -> None:
    made = run(["journeymap", "init", "shop"], tmp_path)
    assert made.returncode == 0, made.stderr
    ws = tmp_path / "shop"
    assert not (ws / "docs").exists()
    assert run(["journeymap", "check"], ws).returncode == 0
    built = run(["journeymap", "build", "--no-pdf"], ws)
    assert built.returncode == 0, built.stderr
    [warning] = [line for line in built.stderr.splitlines() if "meet pages are named" in line]
    line = int(warning.split(":")[1])
    # The line the warning names, and the comment under it, say what to do in a new
    # user's words: no need to look anything up.
    beside = "\n".join((ws / "mkdocs.yml").read_text().splitlines()[line - 1:line + 4])
    assert "- journeymap" in beside and "JOURNEYMAP_SECRET" in beside
    assert "guessable_meet_names: true" in beside
    # Done as it says, the build is clean (and --strict passes).
    strict = run(["journeymap", "build", "--no-pdf", "--strict"], ws,
                 env={"JOURNEYMAP_SECRET": "a long random text"})
    assert strict.returncode == 0, strict.stderr
    assert "warning" not in strict.stderr.lower()


def test_two_businesses_are_previewed_at_once_on_their_own_ports(tmp_path: Path) -> None:
    # As the README says: one workspace per business, one `journeymap serve` per port.
    sites = {name: (bare_workspace(tmp_path / name, BARE_CONFIG.replace(
        "Our client journey", f"{name} journeys")), free_port()) for name in ("Cedar", "Harbour")}
    processes = []
    try:
        for ws, port in sites.values():
            processes.append(subprocess.Popen(
                [str(BIN / "journeymap"), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=ws,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for name, (_, port) in sites.items():
            home = f"http://127.0.0.1:{port}/"
            wait_for(lambda home=home, name=name: f"{name} journeys" in fetch(home))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
