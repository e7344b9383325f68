"""The wall's printouts from a real build: the map as A3 and A1 posters on one sheet each,
and the touchpoints as sticky-note cards, six to an A4 sheet, each with its day and owner.
Read back with pdfinfo, pdftotext and pdftoppm."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from journeymap import load_workspace
from journeymap.model import when_in_words

MM = 72 / 25.4  # PDF points per millimetre


def info(pdf: Path) -> tuple[int, float, float]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", out)
    assert size
    return pages, float(size.group(1)) / MM, float(size.group(2)) / MM


def text(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def squeeze(words: str) -> str:
    return re.sub(r"[\s\-\u00ad]", "", words)


@pytest.fixture(scope="module")
def journey_folder(example_site: Path) -> Path:
    return example_site / "journeys" / "client-love"


@pytest.mark.parametrize(("name", "width", "height"), [("poster-a3", 420, 297),
                                                       ("poster-a1", 841, 594)])
def test_a_poster_is_the_whole_map_on_one_sheet(journey_folder: Path, example_site: Path,
                                                name: str, width: int, height: int) -> None:
    pdf = journey_folder / f"{name}.pdf"
    pages, w, h = info(pdf)
    assert pages == 1 and abs(w - width) < 1 and abs(h - height) < 1
    journey = load_workspace(example_site.parent, "journeys").workspace.journeys["client-love"]
    drawn = squeeze(text(pdf, "-raw"))
    notes = [n for s in journey.stages for _, ns in s.lanes for n in ns]
    for words in [t.title for t in journey.touchpoints] + notes + list(journey.parking_lot):
        assert squeeze(words) in drawn, words
    assert "Present" not in text(pdf)  # the presenter's button is for the screen
    # Drawn to the sheet's size: the type grows with the paper, so the A1 poster's pixels
    # at one resolution are the A3's at twice it (its image is about as full of ink).
    png = pdf.with_suffix(".png")
    subprocess.run(["pdftoppm", "-r", "20" if name == "poster-a1" else "40", "-png",
                    "-singlefile", str(pdf), str(png.with_suffix(""))], check=True)
    assert png.stat().st_size > 20_000


def test_the_cards_are_sticky_notes_with_day_and_owner(journey_folder: Path,
                                                      example_site: Path) -> None:
    pdf = journey_folder / "cards.pdf"
    ws = load_workspace(example_site.parent, "journeys").workspace
    journey = ws.journeys["client-love"]
    pages, w, h = info(pdf)
    assert (round(w), round(h)) == (210, 297)
    assert pages == -(-len(journey.touchpoints) // 6)  # six to a sheet
    page_texts = [text(pdf, "-f", str(n), "-l", str(n), "-raw") for n in range(1, pages + 1)]
    for index, tp in enumerate(journey.touchpoints):
        card = page_texts[index // 6]
        block = card[card.index(when_in_words(tp, "card") + "\n" + tp.title.split()[0]):]
        owner = f"Owner: {ws.ref_label(journey, tp.owner)}"
        assert squeeze(tp.title) in squeeze(block[:300]) and owner in block[:300], tp.id
