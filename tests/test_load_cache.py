"""The parse cache on disk: a new process reuses unchanged files' parses, never stale ones."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest
from conftest import copy_workspace

from journeymap.cache import DiskCache
from journeymap.workspace.load import LoadCache, load_workspace


def _load(ws: Path, store: Path) -> tuple[object, list[object]]:
    loaded = load_workspace(ws, "journeys", LoadCache(store=DiskCache(store, "parsed")))
    return loaded.workspace, list(loaded.problems)


def test_a_new_process_reuses_parses_and_sees_edits(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    store = tmp_path / "cache"
    fresh = _load(ws, store)
    entries = sorted((store / "parsed").iterdir())
    files = [*ws.glob("journeys/*.yml"), *ws.glob("journeys/clients/*.yml"),
             *ws.glob("journeys/clients/*.csv"), *ws.glob("journeys/surveys/*.csv")]
    assert len(entries) == len(files)  # journeys, clients, CSV; people depend on their photos
    assert _load(ws, store) == fresh  # from the entries, the same model and problems

    # The entries are what a new process reads: a planted one shows through.
    cache = DiskCache(store, "parsed")
    for entry in entries:
        parsed = pickle.loads(cache.get(entry.name) or b"")
        draft = parsed.record
        if getattr(getattr(draft, "client", None), "id", None) == "harbor-street-bakery":
            draft.client = dataclasses.replace(draft.client, name="Planted")
            cache.put(entry.name, pickle.dumps(parsed))
    workspace, _ = _load(ws, store)
    assert workspace.clients["harbor-street-bakery"].name == "Planted"  # type: ignore[attr-defined]

    client = ws / "journeys" / "clients" / "harbor-street-bakery.yml"
    client.write_text(client.read_text().replace("contact: Marisol Vega", "contact: M. Vega"))
    workspace, _ = _load(ws, store)
    assert workspace.clients["harbor-street-bakery"].contact == "M. Vega"  # type: ignore[attr-defined]
    assert len(list((store / "parsed").iterdir())) == len(files) + 1


def test_damaged_or_foreign_entries_are_parsed_again(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    store = tmp_path / "cache"
    fresh = _load(ws, store)
    entries = sorted((store / "parsed").iterdir())
    half = len(entries) // 2
    for entry in entries[:half]:  # cut short, as by a crash mid-write
        entry.write_bytes(entry.read_bytes()[:100])
    cache = DiskCache(store, "parsed")
    for entry in entries[half:]:  # well formed, but not a parse (another version's model)
        cache.put(entry.name, pickle.dumps({"not": "a parse"}))
    assert _load(ws, store) == fresh
    cache.put(entries[0].name, b"not a pickle at all")
    assert _load(ws, store) == fresh


def test_a_broken_file_is_reported_from_the_cache_too(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    client = ws / "journeys" / "clients" / "harbor-street-bakery.yml"
    client.write_text(client.read_text().replace("name:", "nmae:", 1))
    store = tmp_path / "cache"
    _, first = _load(ws, store)
    _, second = _load(ws, store)
    assert first == second and any("nmae" in str(p) for p in first)


def test_a_parse_on_disk_is_named_after_the_code_that_made_it(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """Parses on disk are pickles of model objects: another model (a new field) must not read
    an old one back, even under the same version."""
    from journeymap.cache import DiskCache
    from journeymap.workspace import load

    file = tmp_path / "c.yml"
    file.write_text("name: C\n")
    cache = load.LoadCache(store=DiskCache(tmp_path / "cache", "parsed"))
    before = cache.key("client", "journeys/clients/c.yml", file)
    monkeypatch.setattr(load, "parser_code", lambda: "another model")
    assert cache.key("client", "journeys/clients/c.yml", file) != before


def test_a_load_from_the_same_parses_is_the_last_one_again(tmp_path: Path) -> None:
    """The map's editor loads the workspace at every page the preview serves: a load of
    unchanged files gives the last result itself; any change (an edit, a new file, one
    removed) loads anew."""
    ws = copy_workspace(tmp_path / "ws")
    cache = LoadCache()
    first = load_workspace(ws, "journeys", cache)
    assert load_workspace(ws, "journeys", cache) is first
    bakery = ws / "journeys/clients/harbor-street-bakery.yml"
    text = bakery.read_text()
    bakery.write_text(text.replace("name: Harbor Street Bakery", "name: Harbour Street Bakery"))
    edited = load_workspace(ws, "journeys", cache)
    assert edited is not first
    assert edited.workspace.clients["harbor-street-bakery"].name == "Harbour Street Bakery"
    (ws / "journeys/clients/a-new-client.yml").write_text(
        text.replace("name: Harbor Street Bakery", "name: A New Client"))
    added = load_workspace(ws, "journeys", cache)
    assert "a-new-client" in added.workspace.clients
    (ws / "journeys/clients/a-new-client.yml").unlink()
    removed = load_workspace(ws, "journeys", cache)
    assert "a-new-client" not in removed.workspace.clients
    assert removed is not edited
    fresh = load_workspace(ws, "journeys", LoadCache())  # as a load with no cache has it
    for same in (edited, fresh):
        assert (same.workspace, same.problems) == (removed.workspace, removed.problems)
