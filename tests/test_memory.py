"""No cyclic garbage collection while a build runs (host/memory.py), and under a live
server, none until a second after it: the browser is told of the new site first."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest

from journeymap.host.memory import CollectionPause


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
