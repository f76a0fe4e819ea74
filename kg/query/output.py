"""Write a query result to a terminal: an aligned table, or a standard results format."""

from __future__ import annotations

from typing import IO

import pyoxigraph as ox

from kg.model import formats
from kg.store.remote import GraphResult


def write_result(result: object, output_format: str, out: IO[str]) -> None:
    """Write a SELECT, ASK or CONSTRUCT/DESCRIBE result in the named format."""
    if isinstance(result, ox.QueryBoolean):
        out.write(("true" if bool(result) else "false") + "\n")
        return
    if isinstance(result, ox.QueryTriples | GraphResult):
        fmt = formats.by_name("turtle" if output_format == "table" else output_format)
        if fmt is None or fmt.rdf is None:
            fmt = formats.by_name("turtle")
        _write_lines(out, ox.serialize(result, format=fmt.rdf, prefixes=_prefixes()).decode("utf-8"))
        return
    if output_format == "table":
        _write_table(result, out)
        return
    fmt = formats.by_name(output_format)
    if fmt is None or fmt.results is None:
        fmt = formats.by_name("json")
    _write_lines(out, result.serialize(format=fmt.results).decode("utf-8"))  # type: ignore[attr-defined]


def _write_lines(out: IO[str], text: str) -> None:
    # A terminal's prompt goes on a line of its own: XML and JSON results end without one.
    out.write(text if text.endswith("\n") or not text else text + "\n")


def _prefixes() -> dict[str, str]:
    from kg.model.vocab import PREFIXES

    return PREFIXES


def _write_table(solutions: object, out: IO[str]) -> None:
    names = [v.value for v in solutions.variables]  # type: ignore[attr-defined]
    rows = [[_cell(s[n]) for n in names] for s in solutions]  # type: ignore[attr-defined]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    out.write("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)
