"""`journeymap export`: the map as PNG and PDF, a diagram as SVG, the journey as Mermaid."""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest
from conftest import AS_OF, REPO, copy_workspace, run

from journeymap.workspace.load import load_workspace

JOURNEY = load_workspace(REPO, "journeys").workspace.journeys["client-love"]
TOUCHPOINTS = JOURNEY.touchpoints
TITLES = [tp.title for tp in TOUCHPOINTS]
# The workshop wall's notes, exported with the map: every lane's and the parking lot's.
NOTES = [note for stage in JOURNEY.stages for _, notes in stage.lanes for note in notes]
NOTES += list(JOURNEY.parking_lot)


def squeeze(text: str) -> str:
    """Text without spaces and hyphens: titles wrap, and hyphenate, differently on paper."""
    return re.sub(r"[\s\-\u00ad]", "", text)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_workspace(tmp_path_factory.mktemp("export"))


def export(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(["journeymap", "export", *args, "--as-of", AS_OF], ws)


def test_png_is_the_map_at_projector_size(ws: Path) -> None:
    result = export(ws, "client-love", "--format", "png", "-o", "map.png")
    assert result.returncode == 0, result.stderr
    data = (ws / "map.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 1920 and height >= 1080


def test_pdf_is_one_landscape_page_with_every_touchpoint(ws: Path) -> None:
    result = export(ws, "client-love", "--format", "pdf")  # default name: <journey>.pdf
    assert result.returncode == 0, result.stderr
    pdf = ws / "client-love.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info
    width, height = (float(x) for x in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height
    text = squeeze(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                  text=True).stdout)
    missing = [t for t in TITLES if squeeze(t) not in text]
    assert missing == []
    # In the order Chromium drew them (notes side by side interleave their lines otherwise).
    drawn = squeeze(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                                   text=True).stdout)
    assert len(NOTES) > 10 and [n for n in NOTES if squeeze(n) not in drawn] == []


@pytest.mark.parametrize("diagram", ["flow", "responsibility"])
def test_svg_diagrams_are_the_same_bytes_every_time(ws: Path, diagram: str) -> None:
    one = export(ws, "client-love", "--format", "svg", "--diagram", diagram, "-o", "-")
    two = export(ws, "client-love", "--format", "svg", "--diagram", diagram, "-o", "-")
    assert one.returncode == 0, one.stderr
    assert one.stdout == two.stdout and one.stdout.lstrip().startswith("<?xml")
    # Every touchpoint is drawn, linked to its row on the journey page.
    assert [tp.id for tp in TOUCHPOINTS if f'href="#{tp.id}"' not in one.stdout] == []


def test_mermaid_block_for_github(ws: Path) -> None:
    result = export(ws, "--format", "mermaid", "-o", "-")  # the only journey is the default
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "```mermaid" and lines[1] == "journey" and lines[-1] == "```"
    tasks = [line for line in lines if line.startswith("    ")]
    assert len(tasks) == len(TITLES)


def test_unknown_journey_is_a_usage_error(ws: Path) -> None:
    result = export(ws, "client-lvoe", "--format", "svg")
    assert result.returncode == 2
    assert "no journey 'client-lvoe' (did you mean 'client-love'?)" in result.stderr
    assert "Traceback" not in result.stderr
