"""A small SVG picture of a resource's neighbourhood, drawn on the server (no script, no network)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pyoxigraph as ox
from markupsafe import Markup, escape

from kg.model.iris import Iris
from kg.model.vocab import NG
from kg.publish import describe as kd

MAX_NODES = 14
WIDTH, HEIGHT = 720, 420
# Colours by kind of entity, so that states, people and events read apart at a glance.
COLOURS = {
    "state": "#2f6db3", "person": "#b3542f", "event": "#6b8e23", "organization": "#7a4fb0",
    "place": "#2a8f86", "facility": "#8c6d1f", "office": "#a33a6b", "tenure": "#777777",
    "agreement": "#4b6584", "relation": "#4b6584", "article": "#444444", "source": "#444444",
}
# ng:involves is inferred from the roles: an edge of its own would hide the role's name.
SKIPPED = {kd.RDF_TYPE, kd.OWL_SAME_AS, str(NG.involves)}


def _clip(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def neighbourhood_svg(desc: kd.Description, iris: Iris, page_url: Callable[[str], str | None]) -> Markup:
    """The resource in the middle, what it links to and what links to it around it."""
    neighbours: dict[str, tuple[str, bool]] = {}  # iri -> (property, outgoing?)
    for s, outgoing in [(s, True) for s in desc.outgoing] + [(s, False) for s in desc.incoming]:
        if s.predicate in SKIPPED or not isinstance(s.value, ox.NamedNode):
            continue
        iri = s.value.value
        if iris.parse_entity(iri) is None or "#" in iri or iri == desc.iri:
            continue
        neighbours.setdefault(iri, (s.predicate, outgoing))
        if len(neighbours) >= MAX_NODES:
            break
    cx, cy = WIDTH / 2, HEIGHT / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="picture" '
        f'role="img" aria-label="Neighbourhood of {escape(desc.label(desc.iri))}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse">'
        '<path d="M0,0L10,5L0,10z" fill="#999"/></marker></defs>',
    ]
    nodes = []
    count = max(len(neighbours), 1)
    for n, (iri, (predicate, outgoing)) in enumerate(neighbours.items()):
        angle = 2 * math.pi * n / count - math.pi / 2
        x, y = cx + 0.40 * WIDTH * math.cos(angle), cy + 0.38 * HEIGHT * math.sin(angle)
        x1, y1, x2, y2 = (cx, cy, x, y) if outgoing else (x, y, cx, cy)
        # Stop the arrow short of the node it points at.
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        x2, y2 = x2 - dx / length * 14, y2 - dy / length * 14
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#bbb" '
            'marker-end="url(#arrow)"/>'
        )
        mx, my = (cx + x) / 2, (cy + y) / 2
        parts.append(
            f'<text x="{mx:.1f}" y="{my:.1f}" class="edge">{escape(kd.short_name(predicate))}</text>'
        )
        ref = iris.parse_entity(iri)
        colour = COLOURS.get(ref.kind if ref else "", "#555")
        # Only our own pages are linked: an IRI from the data never becomes an href here.
        url = page_url(iri)
        start, end = (f'<a href="{escape(url)}">', "</a>") if url else ("<g>", "</g>")
        nodes.append(
            f'{start}<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{colour}"/>'
            f'<text x="{x:.1f}" y="{y + 22:.1f}" class="node">{escape(_clip(desc.label(iri)))}</text>'
            f'<title>{escape(desc.label(iri))}</title>{end}'
        )
    ref = iris.parse_entity(desc.iri)
    colour = COLOURS.get(ref.kind if ref else "", "#555")
    parts += nodes
    parts.append(
        f'<circle cx="{cx}" cy="{cy}" r="16" fill="{colour}" stroke="#222" stroke-width="2"/>'
        f'<text x="{cx}" y="{cy + 32}" class="node centre">{escape(_clip(desc.label(desc.iri), 40))}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
