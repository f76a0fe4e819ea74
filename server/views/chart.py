"""A small bar chart of an entity's events per month, drawn on the server as inline SVG (no script)."""

from __future__ import annotations

from markupsafe import Markup, escape

MAX_MONTHS = 120  # the latest ten years: the chart stays small however long the record
WIDTH, HEIGHT, AXIS = 600, 90, 16


def _month_range(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from first to last."""
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def months_svg(months: dict[str, int]) -> Markup:
    """Bars of events per month ("YYYY-MM" -> count), months without events included; empty
    markup when there are none."""
    if not months:
        return Markup("")
    keys = sorted(months)
    span = _month_range(keys[0], keys[-1])[-MAX_MONTHS:]
    top = max(months.get(m, 0) for m in span) or 1
    step = WIDTH / len(span)
    bars = []
    for n, month in enumerate(span):
        count = months.get(month, 0)
        if not count:
            continue
        height = max(1.0, (HEIGHT - AXIS) * count / top)
        bars.append(
            f'<rect x="{n * step:.1f}" y="{HEIGHT - AXIS - height:.1f}" width="{max(step - 1, 1):.1f}" '
            f'height="{height:.1f}"><title>{escape(month)}: {count:,} events</title></rect>'
        )
    total = sum(months.get(m, 0) for m in span)
    summary = f"{total:,} events from {span[0]} to {span[-1]}, at most {top:,} in a month"
    return Markup(
        f'<svg class="months" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(summary)}"><title>{escape(summary)}</title>'
        f'<g class="bars" fill="#4a6fa5">{"".join(bars)}</g>'
        f'<text x="0" y="{HEIGHT - 3}" font-size="11">{escape(span[0])}</text>'
        f'<text x="{WIDTH}" y="{HEIGHT - 3}" font-size="11" text-anchor="end">{escape(span[-1])}</text>'
        f'<text x="{WIDTH}" y="11" font-size="11" text-anchor="end">max {top:,}</text></svg>'
    )
