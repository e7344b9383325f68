"""The map first (host/catch_up.py): which rebuilds defer, when the deferred outputs are made,
and how a catch-up gives way to a newer edit. The whole round under `journeymap serve`, in
real Chromium, is in test_edit_serve.py (a card dragged to another stage)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from journeymap.host.catch_up import CatchUp, Superseded
from journeymap.host.files import SiteFiles


def test_only_the_rebuild_after_an_edit_defers() -> None:
    catch_up = CatchUp()
    assert catch_up.start() is False  # a build of its own (the watcher's, the first)
    catch_up.edited()
    assert catch_up.start() is True
    assert catch_up.start() is False  # the edit's rebuild took it


def _after_an_edit(delay: float, deferred: int) -> tuple[CatchUp, threading.Event]:
    """A catch-up whose last rebuild followed an edit and deferred `deferred` outputs, and
    the event its rebuild request sets."""
    asked = threading.Event()
    catch_up = CatchUp(delay=delay)
    catch_up.rebuild = asked.set
    catch_up.edited()
    catch_up.start()
    catch_up.done(deferred)
    return catch_up, asked


def test_deferred_outputs_are_made_by_a_rebuild_asked_for_a_moment_later() -> None:
    catch_up, asked = _after_an_edit(0.05, 0)  # nothing deferred: no rebuild asked for
    assert not catch_up.owed()
    assert not asked.wait(0.3)
    catch_up.edited()
    catch_up.start()
    catch_up.done(12)
    assert not catch_up.owed()  # not yet: the watcher's echo of the edit is skipped
    assert asked.wait(5)
    assert catch_up.owed()  # now, so that the live server does not skip it
    assert catch_up.start() is False  # the catch-up makes everything
    assert not catch_up.owed()


def test_an_edit_during_the_wait_asks_for_its_own_rebuild_instead() -> None:
    catch_up, asked = _after_an_edit(0.2, 5)
    catch_up.edited()  # the timer is off: this edit's rebuild comes first, and defers
    assert not asked.wait(0.5)
    assert catch_up.start() is True  # ...and asks for the catch-up again when it ends
    catch_up.done(5)
    assert asked.wait(5)


def test_a_catch_up_gives_way_to_a_newer_edit_and_says_nothing_of_it() -> None:
    catch_up = CatchUp()
    logger = logging.getLogger("test.catch_up.build")
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    logger.addHandler(Keep())
    logger.propagate = False
    catch_up.quiet_stop(logger)
    catch_up.start()
    catch_up.check()  # no edit waits: it goes on
    logger.error("Error reading page 'clients/x.md': real trouble")
    catch_up.edited()
    with pytest.raises(Superseded):
        catch_up.check()
    logger.error("Error reading page 'clients/y.md':")  # the host's line for the stop
    logger.error("something else")
    assert seen == ["Error reading page 'clients/x.md': real trouble", "something else"]
    assert catch_up.start() is True  # the edit's rebuild, which defers
    catch_up.check()  # ...and never stops for another edit: it is quick
    catch_up.edited()
    catch_up.check()


def test_an_edit_that_a_build_began_before_is_never_skipped_as_an_echo() -> None:
    """The editor writes, then says so: a build that began in between saw the new file, and
    gives way to the edit. The next rebuild is owed though no file changed since."""
    catch_up = CatchUp()
    assert catch_up.start() is False
    catch_up.edited()
    with pytest.raises(Superseded):
        catch_up.check()
    assert catch_up.owed()
    assert catch_up.start() is True
    assert not catch_up.owed()


def _checking(catch_up: CatchUp) -> tuple[threading.Thread, list[str]]:
    """A build's thread at its next `check`, and what came of it ("on" or "stopped")."""
    came: list[str] = []

    def build() -> None:
        try:
            catch_up.check()
            came.append("on")
        except Superseded:
            came.append("stopped")

    thread = threading.Thread(target=build, daemon=True)
    thread.start()
    return thread, came


def test_a_catch_up_waits_while_an_edit_is_worked_out() -> None:
    """It shared the interpreter with the edit, which then took two to three times as long;
    it waits at its next output, and stops if the edit wrote a file."""
    catch_up = CatchUp()
    assert catch_up.start() is False  # a catch-up
    with catch_up.editing():
        thread, came = _checking(catch_up)
        thread.join(0.3)
        assert thread.is_alive() and came == []  # waiting for the edit
        catch_up.edited()  # it wrote a journey file
    thread.join(5)
    assert came == ["stopped"]


def test_an_edit_that_wrote_nothing_lets_the_catch_up_go_on() -> None:
    catch_up = CatchUp()
    catch_up.start()
    with catch_up.editing():  # refused, say: nothing written
        thread, came = _checking(catch_up)
        thread.join(0.2)
        assert thread.is_alive()
    thread.join(5)
    assert came == ["on"]


def test_the_wait_for_an_edit_is_bounded_and_never_holds_the_edits_own_build() -> None:
    catch_up = CatchUp(hold=0.2)
    catch_up.start()
    with catch_up.editing():
        start = time.monotonic()
        catch_up.check()  # an edit that takes too long: the catch-up goes on
        assert 0.15 < time.monotonic() - start < 3
        catch_up.edited()
        assert catch_up.start() is True  # the edit's own rebuild
        start = time.monotonic()
        catch_up.check()
        assert time.monotonic() - start < 0.1


def test_a_catch_up_gives_way_to_a_save_and_stays_owed() -> None:
    """A file saved by hand while a catch-up runs: the rebuild after it makes (or defers
    again) what the catch-up had yet to make, and is not skipped as an echo."""
    catch_up, asked = _after_an_edit(0.01, 7)
    assert asked.wait(5)
    waiting = [False]
    catch_up.saved = lambda: waiting[0]
    assert catch_up.start() is False and catch_up.catching_up
    catch_up.check()  # no save waits
    assert not catch_up.owed()
    waiting[0] = True
    with pytest.raises(Superseded):
        catch_up.check()
    assert catch_up.owed()
    assert catch_up.start() is False and catch_up.catching_up  # it goes on, from the start
    waiting[0] = False
    catch_up.check()
    catch_up.done(0)
    assert catch_up.start() is False and not catch_up.catching_up  # an ordinary build...
    waiting[0] = True
    catch_up.check()  # ...is not stopped by a save: the host rebuilds after it as usual


def test_the_pages_a_stopped_build_wrote_are_made_again(tmp_path: Path) -> None:
    """Its search index was never written: a later build makes those pages (and indexes
    them) again, as files older than any source."""
    page = tmp_path / "clients" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>new</p>")
    SiteFiles(dirty=True).unmake([str(page), str(tmp_path / "gone.html")])
    assert page.stat().st_mtime == 0
    assert page.read_text() == "<p>new</p>"
