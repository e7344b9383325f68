"""The benchmark tools: a deterministic, valid generated workspace, and a run that reports."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from types import ModuleType

from conftest import AS_OF, REPO, run, tree

from journeymap.workspace.load import load_workspace

BENCH = REPO / "benchmarks"
AS_OF_DATE = dt.date.fromisoformat(AS_OF)


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


generate = _module("generate")


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    generate.generate(tmp_path / "a", 12, 5, 7, AS_OF_DATE)
    # The command line and the function write the same thing.
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--clients", "12", "--people", "5",
                    "--seed", "7", "--out", str(tmp_path / "b"), "--as-of", AS_OF], check=True)
    generate.generate(tmp_path / "c", 12, 5, 8, AS_OF_DATE)
    a, b, c = (tree(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c
    assert len([k for k in a if k.startswith("journeys/clients/")]) == 12
    assert len([k for k in a if k.startswith("journeys/team/") and k.endswith(".md")]) == 5


def test_a_non_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = subprocess.run([sys.executable, str(BENCH / "generate.py"), "--clients", "1",
                             "--people", "1", "--out", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its chunks' CRCs and its pixel data."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, {}
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == zlib.crc32(
            kind + body)
        chunks[kind] = body
        at += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    assert b"IEND" in chunks
    return width, height


def test_a_generated_workspace_is_realistic_passes_check_and_builds(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    generate.generate(ws, 10, 6, 3, AS_OF_DATE)

    checked = run(["journeymap", "check"], ws)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ": error:" not in checked.stdout
    # Its only findings: the clients who never told us their business's birthday (the
    # generator leaves some undated on purpose), which lint's `missing-date` says.
    findings = checked.stdout.splitlines()
    assert all("has no date 'anniversary'" in f and f.endswith("[missing-date]")
               for f in findings), findings
    assert (f"journeymap: {len(findings)} problem" in checked.stderr if findings
            else "1 journey, 6 people, 10 clients" in checked.stderr), checked.stderr

    loaded = load_workspace(ws, "journeys")
    assert not loaded.errors
    w = loaded.workspace
    (journey,) = w.journeys.values()
    assert len(journey.stages) == 7
    assert 28 <= len(journey.touchpoints) <= 34
    phases = {"assess", "admit", "affirm", "activate", "acclimate", "accomplish", "adopt",
              "advocate"}
    assert {t.phase for t in journey.touchpoints} == phases
    assert any(t.on == "birthday" for t in journey.touchpoints)
    assert any(t.repeat and t.repeat.yearly for t in journey.touchpoints)
    assert any(t.repeat and t.repeat.times > 1 for t in journey.touchpoints)
    assert any(t.surprise for t in journey.touchpoints)
    assert any(t.client_visible for t in journey.touchpoints)
    assert any(t.uses for t in journey.touchpoints)
    for client in w.clients.values():
        assert -400 <= (client.day_one - AS_OF_DATE).days <= 10
        assert set(client.team.values()) <= set(w.people)
        assert client.preferences and client.goals and client.handoff and client.welcome
        # Nothing is logged as done before it was due, or after the build date.
        for tp_id, dates in client.done.items():
            tp = journey.touchpoint(tp_id)
            assert tp is not None
            for done in dates:
                assert done <= AS_OF_DATE
                if tp.day is not None:
                    assert done >= client.date_of(tp.day)
    assert any(c.done for c in w.clients.values())
    for person in w.people.values():
        assert person.photo is not None and person.bio
        assert _png_size(person.photo.read_bytes()) == (96, 96)

    built = run(["journeymap", "build", "--as-of", AS_OF], ws)
    assert built.returncode == 0, built.stdout + built.stderr
    site = ws / "site"
    assert len([p for p in (site / "clients").iterdir() if (p / "index.html").is_file()]) == 10
    assert len(list((site / "assets" / "journeymap" / "people").glob("*.png"))) == 6


def test_a_small_benchmark_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "10", "--repeat", "1", "--out",
         str(out), "--serve-timeout", "120", "--profile"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert set(report["meta"]) >= {"as_of", "python", "journeymap", "mkdocs", "pdf"}
    (size,) = report["sizes"]
    # Per client a page and a packet, a profile for each of the 7 people, and 5 others.
    assert size["clients"] == 10 and size["pages"] == 2 * 10 + 7 + 5
    figures = ("cold_build_s", "bare_mkdocs_s", "ratio_vs_bare", "warm_rebuild_s", "check_s",
               "peak_rss_mb", "serve_start_s", "serve_reload_s", "edit_to_map_s",
               "card_to_map_s", "form_to_map_s")
    for key in figures:
        assert isinstance(size[key], float) and size[key] > 0, (key, size[key])
    assert size["peak_rss_mb"] > 20  # a Python process with MkDocs loaded, not a shell
    pdf = report["meta"]["pdf"] == "measured"
    for key in ("cold_build_pdf_s", "peak_rss_pdf_mb", "pdf_ratio", "pdf_ms_each",
                "warm_rebuild_pdf_s"):
        assert (isinstance(size[key], float) if pdf else size[key] == "n/a"), (key, size[key])
    if pdf:  # the ratio is of the two cold builds; each PDF costs a positive time
        assert size["pdf_ratio"] == round(size["cold_build_pdf_s"] / size["cold_build_s"], 2)
        assert 0 < size["pdf_ms_each"] < 1000 * size["cold_build_pdf_s"]
    assert set(report["exponents"]) >= set(figures)
    assert all(v is None for v in report["exponents"].values())  # one size: no slope
    # The table and the profile are printed; the profile is saved beside the JSON.
    assert "save->page" in result.stdout and "drop->map" in result.stdout
    assert "card->map" in result.stdout and "form->map" in result.stdout
    assert "cumulative" in result.stdout and "journeymap/cli.py" in result.stdout
    assert out.with_suffix(".prof").is_file()


def test_a_cold_load_parsed_by_two_workers_is_the_same_load(tmp_path: Path) -> None:
    from journeymap import LoadCache
    from journeymap.cache import DiskCache

    generate.generate(tmp_path / "ws", 40, 5, 3, AS_OF_DATE)
    alone = load_workspace(tmp_path / "ws", "journeys")
    cache = LoadCache(store=DiskCache(tmp_path / "cache", "parsed"))
    shared = load_workspace(tmp_path / "ws", "journeys", cache, workers=2)
    assert (shared.workspace, shared.problems) == (alone.workspace, alone.problems)
    # This process parsed its share; the other worker's reached it through the cache on disk.
    assert len(list((tmp_path / "cache" / "parsed").iterdir())) == 41  # a journey, 40 clients
    assert 0 < cache.parsed["client"] < 40


def test_the_generator_can_write_its_clients_as_csv(tmp_path: Path) -> None:
    # The same seed as YAML files or as CSV rows: the same clients (who they are and what
    # they answered); a row holds no logs, so done and left are the YAML files' alone.
    generate.generate(tmp_path / "yaml", 12, 5, 7, AS_OF_DATE)
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--clients", "12", "--people",
                    "5", "--seed", "7", "--out", str(tmp_path / "csv"), "--as-of", AS_OF,
                    "--csv"], check=True)
    files = tree(tmp_path / "csv")
    assert [k for k in files if k.startswith("journeys/clients/")] == [
        "journeys/clients/clients.csv"]
    assert "journeys/surveys/answers.csv" in files
    from_yaml, from_csv = (load_workspace(tmp_path / x, "journeys") for x in ("yaml", "csv"))
    assert from_csv.errors == []
    assert sorted(from_csv.workspace.clients) == sorted(from_yaml.workspace.clients)
    for ident, mine in from_csv.workspace.clients.items():
        theirs = from_yaml.workspace.clients[ident]
        assert mine.path == "journeys/clients/clients.csv"
        for key in ("name", "contact", "day_one", "team", "welcome", "dates", "preferences",
                    "cares_about", "goals", "handoff", "household"):
            assert getattr(mine, key) == getattr(theirs, key), (ident, key)
        assert [(f.date, f.touchpoint, f.feel, f.said) for f in mine.feedback] == \
            [(f.date, f.touchpoint, f.feel, f.said) for f in theirs.feedback]
        assert mine.done == {} and mine.left is None
    assert any(c.feedback for c in from_csv.workspace.clients.values())
    # Some clients are couples: a person of the household with a birthday of their own.
    assert any(c.household and "birthday" in c.household[0].dates
               for c in from_csv.workspace.clients.values())
