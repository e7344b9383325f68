"""No cyclic garbage collection while a build runs (host/memory.py), and under a live
server, none until a second after it: the browser is told of the new site first."""

from __future__ import annotations

import datetime as dt
import gc
import time
import weakref
from collections.abc import Iterator

import pytest
from conftest import AS_OF

from journeymap.host.memory import CollectionPause
from journeymap.model import Workspace
from journeymap.render.renderer import Renderer


@pytest.fixture(autouse=True)
def collection_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()




def test_a_build_turns_collection_off_and_its_end_on() -> None:
    pause = CollectionPause()
    pause.pause()
    assert not gc.isenabled()
    pause.resume()
    assert gc.isenabled()


def test_under_a_live_server_collection_comes_back_once_it_is_idle() -> None:
    pause = CollectionPause(idle=0.5)
    pause.pause()
    pause.resume(later=True)
    assert not gc.isenabled()  # the browser is answered first
    deadline = time.monotonic() + 5
    while not gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gc.isenabled()


def test_a_build_begun_meanwhile_keeps_it_off_until_its_own_end() -> None:
    pause = CollectionPause(idle=0.5)
    pause.pause()
    pause.resume(later=True)
    pause.pause()  # the next rebuild, before the server was idle long enough
    time.sleep(1.2)
    assert not gc.isenabled()
    pause.resume()
    assert gc.isenabled()


def test_collection_left_off_by_someone_else_stays_off() -> None:
    gc.disable()
    pause = CollectionPause()
    pause.pause()
    pause.resume()
    assert not gc.isenabled()


def test_a_renderer_goes_with_its_last_reference_not_at_a_collection(
    example_workspace: Workspace
) -> None:
    """Under a live server each build replaces the renderer: the old one, and the agenda of
    every schedule it holds, must go then (by reference counting), not wait for a full
    collection, which at a thousand clients holds the server for half a second."""
    renderer = Renderer(example_workspace, dt.date.fromisoformat(AS_OF))
    for page in renderer.pages():  # every recipe, the people's pages' (clients_of) among them
        renderer.recipe(page)
    renderer.render(renderer.pages()[0])
    gone, agenda_gone = weakref.ref(renderer), weakref.ref(renderer.agenda)
    gc.disable()
    del renderer
    assert gone() is None and agenda_gone() is None


class Knot:
    """An object in a cycle: only a collection frees it."""

    def __init__(self) -> None:
        self.me = self


def _collected(pause: CollectionPause, count: int) -> None:
    """A build paused and resumed `count` times, each time until its collection ran."""
    for _ in range(count):
        made = pause.collections
        pause.pause()
        pause.resume(later=True)
        deadline = time.monotonic() + 5
        while pause.collections == made and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)  # the collection itself, after the count


def test_what_a_collection_keeps_is_frozen_and_looked_at_again_every_so_often() -> None:
    pause = CollectionPause(idle=0.05, full_every=3)
    try:
        held = [Knot()]
        knot = weakref.ref(held[0])
        _collected(pause, 1)
        assert gc.get_freeze_count() > 0  # the survivors: left out of the next collections
        held.clear()  # a frozen knot, now garbage...
        _collected(pause, 1)
        assert knot() is not None  # ...that the next collection does not look at...
        _collected(pause, 1)
        assert knot() is None  # ...and the third (full_every) frees
    finally:
        gc.unfreeze()
