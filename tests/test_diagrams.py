"""Graphviz diagrams drawn by the real `dot`: content, determinism, one process, the cache,
and the inline SVG as Chromium lays it out."""

from __future__ import annotations

import hashlib
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import pytest
from playwright.sync_api import Page

from journeymap.exceptions import JourneymapError, MissingTool
from journeymap.model import Journey, Workspace
from journeymap.render import diagrams
from journeymap.render.diagrams import (
    flow_dot,
    inline_svg,
    render_svgs,
    responsibility_dot,
)
from journeymap.render.palette import NEUTRAL, PALETTE
from journeymap.workspace.load import load_workspace

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

SMALL = """\
title: 'Odd: names, here; #1'
roles:
  sales: Sales & <friends>
  lead: Client lead
stages:
  - id: before
    title: 'Before: signing'
    from: -30
    to: 0
  - id: first
    title: First month
    from: 1
    to: 30
  - id: quiet
    title: Quiet stage
    from: 31
    to: 60
  - id: later
    title: Later
    from: 61
    to: 365
touchpoints:
  - id: odd-call
    title: 'Call: "hello" & <b>bye</b> \\N back\\slash'
    day: -10
    owner: sales
    channel: call
    feel: 2
  - id: long-gift
    title: 'Café ☕ gift, with a rather long title that wraps; #2 of 3 50% off'
    day: 5
    owner: pat-kim
    support: [lead]
    informed: [sales]
    surprise: true
    channel: gift
  - id: birthday-card
    title: 'title page: journey'
    on: birthday
    stage: later
    owner: lead
    informed: [pat-kim]
    feel: 5
"""
EMPTY = """\
title: Nothing yet
stages:
  - id: only
    title: Only
    from: 1
    to: 10
touchpoints: []
"""
FILES = {
    "journeys/small.yml": SMALL,
    "journeys/empty.yml": EMPTY,
    "journeys/team/pat-kim.md": "---\nname: Pat Kim\n---\nPat.\n",
    "journeys/clients/one.yml": ("name: One\njourney: small\nday_one: 2026-01-05\n"
                                 "team:\n  sales: pat-kim\n  lead: pat-kim\n"),
}


@pytest.fixture(scope="module")
def example(example_workspace: Workspace) -> tuple[Workspace, Journey]:
    return example_workspace, example_workspace.journeys["client-love"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("small")
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    loaded = load_workspace(root, "journeys")
    assert not loaded.problems, loaded.problems
    return loaded.workspace


def one_svg(source: str) -> str:
    return render_svgs({"g": source})["g"]


def groups(svg: str, cls: str) -> dict[str, ET.Element]:
    """The `<g class=cls>` elements of an SVG by id."""
    root = ET.fromstring(svg)
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g") if g.get("class") == cls}


def words(element: ET.Element) -> str:
    """The text drawn in an element, lines joined by spaces."""
    return " ".join(t.text or "" for t in element.iter(f"{SVG}text"))


def shape_of(node: ET.Element) -> ET.Element:
    return next(e for e in node.iter() if e.tag in (f"{SVG}path", f"{SVG}polygon"))


# ---- the flow -------------------------------------------------------------------------------


def test_flow_of_the_example(example: tuple[Workspace, Journey]) -> None:
    ws, journey = example
    svg = one_svg(flow_dot(ws, journey))
    nodes = groups(svg, "node")
    for tp in journey.touchpoints:
        node = nodes[f"jm-flow-client-love-tp-{tp.id}"]
        assert tp.title in words(node)
        link = node.find(f".//{SVG}a")
        assert link is not None and link.get(f"{XLINK}href") == f"#{tp.id}"
        assert (link.get(f"{XLINK}title") or "").startswith(tp.title)
        shape = shape_of(node)
        expected = PALETTE[list(journey.roles).index(tp.owner)]
        assert (shape.get("fill"), shape.get("stroke")) == tuple(c.lower() for c in expected)
        assert ("surprise" in words(node)) == tp.surprise
        assert ("stroke-dasharray" in shape.attrib) == tp.surprise
    clusters = groups(svg, "cluster")
    for stage in journey.stages:
        assert stage.title in words(clusters[f"jm-flow-client-love-stage-{stage.id}"])
    # The touchpoints chained in day order: one visible edge between each pair.
    assert len(groups(svg, "edge")) == len(journey.touchpoints) - 1
    assert re.search(r"<title>tp\.deep&#45;dive&#45;&gt;tp\.deep&#45;dive&#45;recap</title>", svg)
    legend = words(nodes["jm-flow-client-love-legend"])
    assert all(label in legend for label in journey.roles.values())


def test_flow_stages_read_left_to_right_then_down(example: tuple[Workspace, Journey]) -> None:
    ws, journey = example
    root = ET.fromstring(one_svg(flow_dot(ws, journey)))

    def corner(stage_id: str) -> tuple[float, float]:
        cluster = root.find(f".//{SVG}g[@id='jm-flow-client-love-stage-{stage_id}']")
        assert cluster is not None
        shape = shape_of(cluster)
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", shape.get("points") or
                                                shape.get("d") or "")]
        return min(numbers[0::2]), min(numbers[1::2])

    corners = [corner(s.id) for s in journey.stages]
    rows = [corners[i:i + diagrams.COLUMNS] for i in range(0, len(corners), diagrams.COLUMNS)]
    for row in rows:
        assert [x for x, _ in row] == sorted(x for x, _ in row)
    for upper, lower in zip(rows, rows[1:], strict=False):
        assert max(y for _, y in upper) < min(y for _, y in lower)


def test_flow_of_odd_titles_people_and_empty_stages(small: Workspace) -> None:
    journey = small.journeys["small"]
    svg = one_svg(flow_dot(small, journey))
    nodes = groups(svg, "node")
    for tp in journey.touchpoints:
        assert tp.title in words(nodes[f"jm-flow-small-tp-{tp.id}"])
    # A person as owner: the neutral colour, and a line in the legend for it.
    gift = nodes["jm-flow-small-tp-long-gift"]
    assert shape_of(gift).get("fill") == NEUTRAL[0].lower()
    assert "A person named directly" in words(nodes["jm-flow-small-legend"])
    assert "Sales & <friends>" in words(nodes["jm-flow-small-legend"])
    # Tooltips keep backslashes too (dot would read `\N` as the node's name).
    link = nodes["jm-flow-small-tp-odd-call"].find(f".//{SVG}a")
    assert link is not None
    assert link.get(f"{XLINK}title", "").startswith(journey.touchpoints[0].title + ": day -10")
    clusters = groups(svg, "cluster")
    assert "jm-flow-small-stage-quiet" not in clusters
    assert {"jm-flow-small-stage-before", "jm-flow-small-stage-first",
            "jm-flow-small-stage-later"} <= set(clusters)


def test_a_journey_without_touchpoints_draws_a_note(small: Workspace) -> None:
    journey = small.journeys["empty"]
    for source in (flow_dot(small, journey), responsibility_dot(small, journey)):
        assert "No touchpoints yet" in one_svg(source)


# ---- responsibilities -----------------------------------------------------------------------


def test_responsibilities_of_the_example(example: tuple[Workspace, Journey]) -> None:
    ws, journey = example
    svg = one_svg(responsibility_dot(ws, journey))
    nodes = groups(svg, "node")
    for tp in journey.touchpoints:
        assert tp.title in words(nodes[f"jm-resp-client-love-tp-{tp.id}"])
    for stage in journey.stages:
        assert stage.title in words(nodes[f"jm-resp-client-love-stage-{stage.id}"])
    lead = words(nodes["jm-resp-client-love-role-lead"])
    clients = [c for c in ws.clients.values() if c.journey == journey.id]
    for person in {c.team["lead"] for c in clients}:
        count = sum(c.team["lead"] == person for c in clients)
        assert f"{ws.people[person].name} · {count} client{'s' if count > 1 else ''}" in lead
    edges = groups(svg, "edge").values()
    dashes = [shape_of(e).get("stroke-dasharray") for e in edges]
    assert dashes.count(None) == len(journey.touchpoints)  # one owner each, solid
    assert dashes.count("5,2") == sum(len(tp.support) for tp in journey.touchpoints)
    assert dashes.count("1,5") == sum(len(tp.informed) for tp in journey.touchpoints)
    legend = words(nodes["jm-resp-client-love-legend"])
    assert all(w in legend for w in ("owns", "supports", "is informed of"))


def test_responsibilities_name_people_used_directly(small: Workspace) -> None:
    journey = small.journeys["small"]
    svg = one_svg(responsibility_dot(small, journey))
    nodes = groups(svg, "node")
    assert "Pat Kim" in words(nodes["jm-resp-small-person-pat-kim"])
    assert "Pat Kim · 1 client" in words(nodes["jm-resp-small-role-sales"])
    titles = {e.findtext(f"{SVG}title") for e in groups(svg, "edge").values()}
    assert {"person.pat-kim->tp.long-gift:w", "role.lead->tp.long-gift:w",
            "role.sales->tp.long-gift:w", "person.pat-kim->tp.birthday-card:w"} <= titles


# ---- rendering ------------------------------------------------------------------------------


def test_same_input_same_bytes_alone_or_in_a_batch(example: tuple[Workspace, Journey]) -> None:
    ws, journey = example
    assert flow_dot(ws, journey) == flow_dot(ws, journey)
    flow, resp = flow_dot(ws, journey), responsibility_dot(ws, journey)
    alone = {"flow": render_svgs({"flow": flow})["flow"], "resp": render_svgs({"r": resp})["r"]}
    # dot 2.43 numbers the graphs of a batch and orders the clusters of its later graphs by
    # memory addresses (a different order on most runs): each must come out as if alone.
    for _ in range(5):
        assert diagrams.run_dot([resp, flow, resp, flow]) == [alone["resp"], alone["flow"]] * 2
    assert render_svgs({"flow": flow, "resp": resp}) == alone


def test_many_graphs_one_dot_process(example: tuple[Workspace, Journey],
                                     small: Workspace) -> None:
    ws, journey = example
    sources = {
        "flow": flow_dot(ws, journey), "resp": responsibility_dot(ws, journey),
        "small-flow": flow_dot(small, small.journeys["small"]),
        "small-resp": responsibility_dot(small, small.journeys["small"]),
    }  # fmt: skip
    before = (diagrams.STATS.processes, diagrams.STATS.graphs)
    svgs = render_svgs(sources)
    assert (diagrams.STATS.processes, diagrams.STATS.graphs) == (before[0] + 1, before[1] + 4)
    for name, gid in (("flow", "jm-flow-client-love"), ("resp", "jm-resp-client-love"),
                      ("small-flow", "jm-flow-small"), ("small-resp", "jm-resp-small")):
        assert f'<g id="{gid.replace("-", "&#45;")}" class="graph"' in svgs[name]
        assert ET.fromstring(svgs[name]).tag == f"{SVG}svg"


def test_pipe_is_called_once_for_many_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    real_pipe = graphviz.pipe

    def counting_pipe(engine: str, fmt: str, data: bytes, **kwargs: object) -> bytes:
        calls.append(data)
        return bytes(real_pipe(engine, fmt, data, **kwargs))

    monkeypatch.setattr(graphviz, "pipe", counting_pipe)
    svgs = render_svgs({f"g{i}": f"digraph g{i} {{ a{i} -> b{i} }}" for i in range(5)})
    assert len(calls) == 1
    for i in range(5):
        assert f"<title>a{i}</title>" in svgs[f"g{i}"]
        assert f"<title>a{(i + 1) % 5}</title>" not in svgs[f"g{i}"]


def test_cache_skips_unchanged_graphs_and_replaces_broken_files(tmp_path: Path) -> None:
    sources = {"a": "digraph a { x -> y }", "b": "digraph b { p -> q }"}
    first = render_svgs(sources, tmp_path)
    cached = sorted((tmp_path / "dot").glob("*.svg"))
    assert len(cached) == 2
    version = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    key = hashlib.sha256(f"{version}\n{sources['a']}".encode()).hexdigest()
    assert (tmp_path / "dot" / f"{key}.svg").read_text(encoding="utf-8") == first["a"]

    runs = diagrams.STATS.processes
    assert render_svgs(sources, tmp_path) == first
    assert diagrams.STATS.processes == runs  # nothing drawn again

    # A half-written file and one of garbage are drawn again, in one run, and replaced.
    broken = tmp_path / "dot" / f"{key}.svg"
    broken.write_text(first["a"][: len(first["a"]) // 2], encoding="utf-8")
    other = next(p for p in cached if p != broken)
    other.write_bytes(b"\x00\xffnot svg")
    graphs = diagrams.STATS.graphs
    assert render_svgs(sources, tmp_path) == first
    assert (diagrams.STATS.processes, diagrams.STATS.graphs) == (runs + 1, graphs + 2)
    assert broken.read_text(encoding="utf-8") == first["a"]
    assert not [p for p in (tmp_path / "dot").iterdir() if p.name.startswith(".tmp")]

    # A changed graph is drawn; the unchanged one still comes from the cache.
    changed = {**sources, "b": "digraph b { p -> r }"}
    graphs = diagrams.STATS.graphs
    assert "<title>r</title>" in render_svgs(changed, tmp_path)["b"]
    assert diagrams.STATS.graphs == graphs + 1


def test_without_dot_the_error_says_how_to_install_it(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingTool) as caught:
        render_svgs({"a": "digraph a { x }"})
    assert isinstance(caught.value, JourneymapError)
    message = str(caught.value)
    assert "apt-get install graphviz" in message
    assert "https://graphviz.org/download/" in message


def test_a_dot_syntax_error_is_reported_with_dots_message() -> None:
    with pytest.raises(JourneymapError, match=r"Graphviz could not draw a diagram: .*syntax"):
        render_svgs({"bad": "digraph bad { a -> }"})


# ---- inline SVG -----------------------------------------------------------------------------


def test_inline_svg_has_no_prolog_and_scales(example: tuple[Workspace, Journey]) -> None:
    ws, journey = example
    raw = one_svg(flow_dot(ws, journey))
    assert raw.startswith("<?xml") and "<!DOCTYPE" in raw and "<!--" in raw
    inline = inline_svg(raw, 'Flow of the "Client Love" journey')
    assert inline.startswith("<svg")
    assert not re.search(r"<\?xml|<!DOCTYPE|<!--", inline)
    tag = re.match(r"<svg[^>]*>", inline)
    assert tag is not None
    assert "viewBox=" in tag.group(0)
    assert not re.search(r'\s(width|height)="', tag.group(0))
    assert "max-width:100%" in tag.group(0) and "height:auto" in tag.group(0)
    assert 'aria-label="Flow of the &quot;Client Love&quot; journey"' in tag.group(0)
    root = ET.fromstring(inline)  # still well-formed XML
    assert root.findtext(f"{SVG}title") == 'Flow of the "Client Love" journey'
    assert [t.text for t in root.iter(f"{SVG}title")].count("jm-flow-client-love") == 0
    assert root.get("role") == "group"  # it holds links, which an img's children are not
    plain = inline_svg(render_svgs({"a": "digraph a { x -> y }"})["a"], "Two boxes")
    assert ET.fromstring(plain).get("role") == "img"


def test_inline_svgs_in_a_page(page: Page, example: tuple[Workspace, Journey]) -> None:
    """Chromium: fits a narrow column, keeps its shape, small ones stay small, no duplicate
    ids with two diagrams on a page, and a touchpoint links to its row."""
    ws, journey = example
    svgs = render_svgs({"flow": flow_dot(ws, journey), "resp": responsibility_dot(ws, journey),
                        "tiny": "digraph tiny { a -> b }"})
    rows = "".join(f'<tr id="{tp.id}"><td>{tp.title}</td></tr>' for tp in journey.touchpoints)
    page.set_viewport_size({"width": 1000, "height": 800})
    page.set_content(
        "<!doctype html><html><body style='margin:0'>"
        f"<div id='narrow' style='width:400px'>{inline_svg(svgs['flow'], 'Flow')}</div>"
        f"<div id='wide' style='width:900px'>{inline_svg(svgs['tiny'], 'Tiny')}</div>"
        f"<div>{inline_svg(svgs['resp'], 'Who does what')}</div>"
        f"<table>{rows}</table></body></html>"
    )
    flow = page.locator("#narrow svg").bounding_box()
    view = [float(n) for n in re.findall(r'viewBox="([^"]+)"', svgs["flow"])[0].split()]
    assert flow is not None and flow["width"] == pytest.approx(400, abs=1)
    assert flow["height"] == pytest.approx(400 * view[3] / view[2], rel=0.02)
    tiny = page.locator("#wide svg").bounding_box()
    tiny_pt = float(re.findall(r'width="([\d.]+)pt"', svgs["tiny"])[0])
    assert tiny is not None and tiny["width"] == pytest.approx(tiny_pt * 4 / 3, abs=1)
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    page.set_viewport_size({"width": 1000, "height": 300})
    first = journey.touchpoints[0].id
    page.locator(f"#jm-flow-client-love-tp-{first} a").click()
    assert page.evaluate("location.hash") == f"#{first}"


def test_a_legend_of_more_than_four_owners_wraps(small: Workspace) -> None:
    """The flow's legend puts four owners to a line: a journey with more roles (here five,
    and a person named directly) draws a second line (Graphviz refused it once)."""
    import dataclasses

    journey = small.journeys["small"]
    roles = {**journey.roles, "care": "Care team", "founder": "Founder", "ops": "Operations"}
    bigger = dataclasses.replace(journey, roles=roles)
    ws = dataclasses.replace(small, journeys={journey.id: bigger})
    legend = groups(one_svg(flow_dot(ws, bigger)), "node")["jm-flow-small-legend"]
    for label in [*roles.values(), "A person named directly"]:
        assert label in words(legend)
