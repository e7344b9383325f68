"""Graphviz diagrams of a journey: the flow of touchpoints and who is responsible for what.

`flow_dot` and `responsibility_dot` write DOT source (deterministic: same workspace, same
text); `render_svgs` turns many sources into SVG with one `dot` process and a cache on disk;
`inline_svg` makes an SVG fit to sit inside an HTML page.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import textwrap
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import graphviz

from ..cache import DiskCache, recipe
from ..exceptions import JourneymapError, MissingTool
from ..model import Journey, Touchpoint, Workspace, when_in_words
from ..vocabulary import CHANNEL_WORDS
from .palette import NEUTRAL, role_colours

FONT = "Helvetica,Arial,sans-serif"
COLUMNS = 4  # stage columns in a row of the flow
WRAP = 22  # characters per line of a node's title
INSTALL_HINT = ("Graphviz's 'dot' program is needed to draw the diagrams: install Graphviz "
                "(apt-get install graphviz, or see https://graphviz.org/download/)")


@dataclass
class RenderStats:
    """How many `dot` render processes ran, and how many graphs they drew (for tests)."""

    processes: int = 0
    graphs: int = 0


STATS = RenderStats()


# ---- shared pieces ------------------------------------------------------------------------


def _text(value: str) -> str:
    """Text for an HTML-like label: escaped, on one line.

    dot reads `\\N` (and `\\G`, ...) as the node's name even there; a doubled backslash is one.
    """
    return html.escape(" ".join(value.split()), quote=False).replace("\\", "\\\\")


def _plain(value: str) -> Any:
    """Text for a tooltip, a quoted escString that dot unescapes twice and then reads as XML."""
    text = " ".join(value.split()).replace("&", "&amp;").replace("\\", "\\" * 4)
    return graphviz.nohtml(text)


def _html(label: str) -> str:
    # The graphviz package passes a string in <...> through as an HTML-like label.
    return f"<{label}>"


def _wrapped(title: str) -> str:
    lines = textwrap.wrap(" ".join(title.split()), WRAP, break_long_words=True) or [""]
    return "<BR/>".join(_text(line) for line in lines)


def _digraph(graph_id: str, **attrs: str) -> graphviz.Digraph:
    # The id doubles as the graph's name (user text there would need other quoting rules),
    # and prefixes every id dot generates, so two diagrams can share a page.
    graph = graphviz.Digraph(graph_id)
    graph.attr(id=graph_id, fontname=FONT, fontsize="12", bgcolor="transparent", **attrs)
    graph.attr("node", fontname=FONT, fontsize="11")
    graph.attr("edge", fontname=FONT, fontsize="10")
    return graph


def _empty(graph: graphviz.Digraph, gid: str) -> str:
    graph.node("empty", "No touchpoints yet", shape="plaintext", id=f"{gid}-empty")
    return str(graph.source)


def _legend_row(rows: list[tuple[str, str, str]], title: str) -> str:
    """A legend of colour swatches, four to a line."""
    cells = [
        f'<TD BGCOLOR="{fill}" COLOR="{line}" BORDER="1" WIDTH="12" HEIGHT="12"></TD>'
        f'<TD ALIGN="LEFT">{_text(text)}</TD>'
        for fill, line, text in rows
    ]
    # The title on the first line only: Graphviz refuses an empty <B></B> on the others.
    heads = [f"<B>{_text(title)}</B>" if i == 0 else "" for i in range(0, len(cells), 4)]
    lines = "".join(f'<TR><TD ALIGN="LEFT">{head}</TD>{"".join(cells[i:i + 4])}</TR>'
                    for head, i in zip(heads, range(0, len(cells), 4), strict=True))
    return _html(f'<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1">{lines}</TABLE>')


# ---- the flow -----------------------------------------------------------------------------


def _flow_node(ws: Workspace, journey: Journey, tp: Touchpoint, gid: str,
               colours: dict[str, tuple[str, str]]) -> dict[str, str]:
    fill, line = colours.get(tp.owner, NEUTRAL)
    when = when_in_words(tp, 'short')
    if tp.channel:
        when += f" · {CHANNEL_WORDS.get(tp.channel, tp.channel)}"
    label = f'<B>{_wrapped(tp.title)}</B><BR/><FONT POINT-SIZE="9">{_text(when)}'
    if tp.surprise:
        label += "<BR/><I>surprise</I>"
    owner = ws.ref_label(journey, tp.owner)
    surprise = "; a surprise" if tp.surprise else ""
    return {
        "label": _html(label + "</FONT>"),
        "id": f"{gid}-tp-{tp.id}",
        "URL": f"#{tp.id}",
        "tooltip": _plain(f"{tp.title}: {when}; owned by {owner}{surprise}"),
        "shape": "box",
        "style": "rounded,filled,dashed" if tp.surprise else "rounded,filled",
        "penwidth": "2" if tp.surprise else "1",
        "fillcolor": fill,
        "color": line,
        "margin": "0.12,0.06",
    }


def flow_dot(ws: Workspace, journey: Journey) -> str:
    """The journey's touchpoints in day order, one cluster per stage, filled by owner role.

    Stages stand side by side as columns, COLUMNS to a row, so ~30 touchpoints fit a page.
    """
    colours = role_colours(journey)
    gid = f"jm-flow-{journey.id}"
    graph = _digraph(gid, rankdir="TB", newrank="true", compound="true", nodesep="0.25",
                     ranksep="0.3")
    stages = [s for s in journey.stages if journey.in_stage(s.id)]
    if not stages:
        return _empty(graph, gid)
    for stage in stages:
        with graph.subgraph(name=f"cluster_{stage.id}") as cluster:
            days = f"days {stage.start} to {stage.end}"
            cluster.attr(id=f"{gid}-stage-{stage.id}", style="rounded", color="#999999",
                         label=_html(f'<B>{_text(stage.title)}</B><BR/><FONT POINT-SIZE="10">'
                                     f"{days}</FONT>"),
                         tooltip=_plain(f"{stage.title}: {days}"))
            for tp in journey.in_stage(stage.id):
                cluster.node(f"tp.{tp.id}", **_flow_node(ws, journey, tp, gid, colours))
    legend = [(*colours[r], label) for r, label in journey.roles.items()]
    if any(tp.owner not in journey.roles for tp in journey.touchpoints):
        legend.append((*NEUTRAL, "A person named directly"))
    graph.node("legend", _legend_row(legend, "Owner"), shape="plaintext", id=f"{gid}-legend")
    # Each row of stages hangs from a row of invisible anchors chained left to right: dot
    # keeps the order of such a chain, where it would reorder the clusters themselves. The
    # legend heads the first row; each later row starts below the end of the longest stage
    # above it.
    above = "legend"
    for number in range(0, len(stages), COLUMNS):
        row = stages[number:number + COLUMNS]
        anchors = [f"anchor.{stage.id}" for stage in row]
        with graph.subgraph() as line:
            line.attr(rank="same")
            for anchor in anchors:
                line.node(anchor, "", shape="point", style="invis", width="0", height="0")
            for left, right in zip(anchors, anchors[1:], strict=False):
                line.edge(left, right, style="invis", weight="10")
        graph.edge(above, anchors[0], style="invis")
        for anchor, stage in zip(anchors, row, strict=True):
            graph.edge(anchor, f"tp.{journey.in_stage(stage.id)[0].id}", style="invis",
                       weight="10")
        longest = max(row, key=lambda s: len(journey.in_stage(s.id)))
        above = f"tp.{journey.in_stage(longest.id)[-1].id}"
    for before, after in zip(journey.touchpoints, journey.touchpoints[1:], strict=False):
        if before.stage == after.stage:
            graph.edge(f"tp.{before.id}", f"tp.{after.id}", color="#555555", arrowsize="0.7")
        else:  # from stage to stage, clipped to the clusters' borders
            graph.edge(f"tp.{before.id}", f"tp.{after.id}", ltail=f"cluster_{before.stage}",
                       lhead=f"cluster_{after.stage}", color="#999999", arrowsize="0.7",
                       constraint="false")
    return str(graph.source)


# ---- responsibilities ---------------------------------------------------------------------

EDGE_STYLES = (("owner", "solid", "owns"), ("support", "dashed", "supports"),
               ("informed", "dotted", "is informed of"))


def _fillers(ws: Workspace, journey: Journey, role: str) -> list[tuple[str, int]]:
    """(name, clients) of the people who fill a role for the journey's clients, most first."""
    counts = Counter(c.team[role] for c in ws.clients.values()
                     if c.journey == journey.id and role in c.team)
    named = [(ws.people[p].name if p in ws.people else p, n) for p, n in counts.items()]
    return sorted(named, key=lambda pair: (-pair[1], pair[0]))


def _left_cell(text: str, width: int) -> str:
    return _html(f'<TABLE BORDER="0" CELLPADDING="0"><TR><TD ALIGN="LEFT" WIDTH="{width}">'
                 f"{text}</TD></TR></TABLE>")


def responsibility_dot(ws: Workspace, journey: Journey) -> str:
    """Roles (and who fills them) and people, linked to what they own, support or hear of."""
    colours = role_colours(journey)
    gid = f"jm-resp-{journey.id}"
    graph = _digraph(gid, rankdir="LR", nodesep="0.08", ranksep="2.2")
    if not journey.touchpoints:
        return _empty(graph, gid)
    graph.attr("edge", arrowhead="none")
    small = '<BR/><FONT POINT-SIZE="9">{}</FONT>'
    direct = journey.named_directly()
    # Left: the roles in the journey's order, the people named directly, the legend. Edges
    # within a rank fix the order of a column (as clusters would not).
    with graph.subgraph() as left:
        left.attr(rank="same")
        for role, title in journey.roles.items():
            fill, line = colours[role]
            people = "".join(small.format(f"{_text(name)} · {n} client{'s' if n != 1 else ''}")
                             for name, n in _fillers(ws, journey, role))
            left.node(f"role.{role}", _html(f"<B>{_text(title)}</B>"
                                            f"{people or small.format('no client yet')}"),
                      id=f"{gid}-role-{role}", tooltip=_plain(f"Role: {title}"), shape="box",
                      style="rounded,filled", fillcolor=fill, color=line, margin="0.12,0.08")
        for person in direct:
            name = ws.ref_label(journey, person)
            left.node(f"person.{person}",
                      _html(f"<B>{_text(name)}</B>{small.format('named directly')}"),
                      id=f"{gid}-person-{person}", tooltip=_plain(name), shape="box",
                      style="rounded,filled", fillcolor=NEUTRAL[0], color=NEUTRAL[1],
                      margin="0.12,0.08")
        lines = "".join(
            f'<TR><TD WIDTH="36" HEIGHT="8" SIDES="B" BORDER="{2 if kind == "owner" else 1}" '
            f'STYLE="{style}" COLOR="#555555"></TD><TD ALIGN="LEFT">{words}</TD></TR>'
            for kind, style, words in EDGE_STYLES)
        left.node("legend", _html(f'<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1">{lines}'
                                  "</TABLE>"), id=f"{gid}-legend", shape="plaintext",
                  fontsize="10")
        order = [*(f"role.{r}" for r in journey.roles), *(f"person.{p}" for p in direct),
                 "legend"]
        for top, below in zip(order, order[1:], strict=False):
            left.edge(top, below, style="invis")
    # Right: the touchpoints in day order under a heading per stage, all one width with the
    # text on the left (the width is an estimate; a cell grows to fit its text).
    width = max(round(len(tp.title) * 5.6 + len(when_in_words(tp, 'short')) * 4.4) + 12
                for tp in journey.touchpoints)
    with graph.subgraph() as right:
        right.attr(rank="same")
        names: list[str] = []
        for stage in journey.stages:
            if not journey.in_stage(stage.id):
                continue
            names.append(f"stage.{stage.id}")
            right.node(names[-1], _left_cell(f"<B>{_text(stage.title)}</B>", width),
                       id=f"{gid}-stage-{stage.id}", shape="plaintext", height="0.25")
            for tp in journey.in_stage(stage.id):
                names.append(f"tp.{tp.id}")
                text = (f'{_text(tp.title)}  <FONT POINT-SIZE="9" COLOR="#555555">'
                        f"{_text(when_in_words(tp, 'short'))}</FONT>")
                right.node(names[-1], _left_cell(text, width), id=f"{gid}-tp-{tp.id}",
                           URL=f"#{tp.id}", tooltip=_plain(tp.title), shape="box",
                           style="rounded,filled", fillcolor="#F4F4F4", color="#999999",
                           height="0.3", margin="0.1,0.03")
        for top, below in zip(names, names[1:], strict=False):
            right.edge(top, below, style="invis")
    for tp in journey.touchpoints:
        for kind, style, words in EDGE_STYLES:
            for ref in (tp.owner,) if kind == "owner" else getattr(tp, kind):
                node = f"role.{ref}" if ref in journey.roles else f"person.{ref}"
                graph.edge(node, f"tp.{tp.id}", headport="w", style=style,
                           color=colours.get(ref, NEUTRAL)[1],
                           penwidth="1.6" if kind == "owner" else "1.2",
                           tooltip=_plain(f"{ws.ref_label(journey, ref)} {words} {tp.title}"))
    return str(graph.source)


# ---- rendering ----------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _dot_version(dot: str) -> str:
    result = subprocess.run([dot, "-V"], capture_output=True, text=True, check=False)
    return (result.stderr or result.stdout).strip()


def _dot() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise MissingTool(INSTALL_HINT)
    return dot


_SVG_DOC = re.compile(r"<\?xml.*?</svg>\s*", re.S)
_BATCH_ID = re.compile(r'(<g id=")page\d+,\d+_')  # dot marks every graph after the first
_CLUSTER = re.compile(r'<g id="[^"]*" class="cluster">\n<title>(.*)</title>\n')


def _clusters_in_source_order(svg: str, source: str) -> str:
    """dot 2.43 writes clusters in the order of their names' addresses in memory, which
    varies for the later graphs of a batch; put them back in the order the source gives."""
    lines = svg.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines[:-1]) if _CLUSTER.match(line + lines[i + 1])]
    if len(starts) < 2:
        return svg
    # The clusters come one after another, before the first node or edge (each of which
    # follows a comment) or the end of the graph.
    end = next((i for i in range(starts[-1], len(lines)) if lines[i].startswith("<!-- ")),
               len(lines) - 2)
    blocks = [lines[a:b] for a, b in zip(starts, [*starts[1:], end], strict=True)]

    def key(block: list[str]) -> tuple[int, str]:
        name = html.unescape(block[1].removeprefix("<title>").removesuffix("</title>\n"))
        at = source.find(name)
        return (at if at >= 0 else len(source), name)

    ordered = [line for block in sorted(blocks, key=key) for line in block]
    return "".join(lines[: starts[0]] + ordered + lines[end:])


def run_dot(sources: list[str]) -> list[str]:
    """Every source through one `dot -Tsvg` process; the SVG documents, in the same order."""
    STATS.processes += 1
    STATS.graphs += len(sources)
    try:
        out = graphviz.pipe("dot", "svg", "\n".join(sources).encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as error:
        raise MissingTool(INSTALL_HINT) from error
    except graphviz.CalledProcessError as error:
        message = (error.stderr or b"").decode("utf-8", "replace").strip()
        raise JourneymapError(f"Graphviz could not draw a diagram: {message}") from error
    docs = _SVG_DOC.findall(out.decode("utf-8"))
    if len(docs) != len(sources):
        raise JourneymapError(f"Graphviz drew {len(docs)} diagrams for {len(sources)} graphs")
    return [_clusters_in_source_order(_BATCH_ID.sub(r"\1", doc.rstrip() + "\n", count=1), src)
            for doc, src in zip(docs, sources, strict=True)]


def render_svgs(sources: Mapping[str, str], cache_dir: Path | None = None) -> dict[str, str]:
    """SVG for each named DOT source; the ones not cached are drawn by a single `dot` run."""
    if not sources:
        return {}
    dot = _dot()
    version = _dot_version(dot)
    keys = {name: recipe("dot", version, src) for name, src in sources.items()}
    cache = DiskCache(cache_dir, "dot")
    found: dict[str, str] = {}
    for key in set(keys.values()):
        kept = cache.get(key)
        if kept is not None:
            found[key] = kept.decode("utf-8")
    missing = sorted({key: sources[name] for name, key in keys.items() if key not in found}.items())
    if missing:
        for (key, _), svg in zip(missing, run_dot([src for _, src in missing]), strict=True):
            found[key] = svg
            cache.put(key, svg.encode("utf-8"))
    return {name: found[key] for name, key in keys.items()}


# ---- embedding ----------------------------------------------------------------------------

_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>\[]*(\[[^\]]*\])?>|<!--.*?-->", re.S)
_GRAPH_TITLE = re.compile(r'(<g id="[^"]*" class="graph"[^>]*>\s*)<title>[^<]*</title>\s*')
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_SIZE = re.compile(r'\s(width|height)="([\d.]+)(pt|px)?"')


def inline_svg(svg: str, label: str) -> str:
    """The SVG made to sit in an HTML page: no prolog, as wide as drawn but never wider than
    its container (the viewBox keeps its shape), and labelled for assistive technology."""
    # The graph's own title (its DOT name) would be the tooltip of the whole drawing.
    body = _GRAPH_TITLE.sub(r"\1", _PROLOG.sub("", svg), count=1).strip()
    tag = _SVG_TAG.search(body)
    if tag is None:
        raise ValueError("not an SVG document")
    style = "max-width:100%;height:auto"
    width = next((f"{value}{unit or 'px'}" for name, value, unit in _SIZE.findall(tag.group(0))
                  if name == "width"), None)
    if width is not None:
        style = f"width:{width};{style}"
    attrs = _SIZE.sub("", tag.group(0))[len("<svg"):-1]
    # Links inside (the flow's touchpoints) must stay reachable: an img's children are not.
    role = "group" if re.search(r"<a\b[^>]*\bhref=", body) else "img"
    new_tag = f'<svg{attrs} role="{role}" aria-label="{html.escape(label)}" style="{style}">'
    title = f"<title>{html.escape(label, quote=False)}</title>"
    return body[: tag.start()] + new_tag + title + body[tag.end():]


class SiteDiagrams:
    """Every journey's diagrams for one build, drawn on the first ask in one `dot` run
    (unchanged ones from the cache), which costs far less than a process per diagram."""

    LABELS = {"flow": "{}: touchpoints in day order, by stage",
              "responsibility": "{}: who owns, supports or hears of what"}

    def __init__(self, ws: Workspace, cache_dir: Path | None = None) -> None:
        self.ws = ws
        self.cache_dir = cache_dir
        self._svgs: dict[str, str] | None = None

    def inline(self, journey: Journey, kind: str) -> str:
        """A journey's `flow` or `responsibility` diagram as SVG to put inside a page."""
        if self._svgs is None:
            sources = {}
            for j in self.ws.journeys.values():
                sources[f"{j.id}/flow"] = flow_dot(self.ws, j)
                sources[f"{j.id}/responsibility"] = responsibility_dot(self.ws, j)
            self._svgs = render_svgs(sources, self.cache_dir)
        return inline_svg(self._svgs[f"{journey.id}/{kind}"],
                          self.LABELS[kind].format(journey.title))
