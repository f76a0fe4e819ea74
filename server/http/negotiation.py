"""Content negotiation: ?format= first, then the Accept header (parsed by werkzeug), else 406."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.model import formats
from kg.model.formats import Format
from server.http.protocol import NotAcceptable

HTML = formats.HTML


def _offer(kind: str) -> tuple[Format, ...]:
    return formats.formats_for(kind)


def choose(
    offered: Sequence[Format],
    accept: str | None,
    format_param: str | None = None,
    *,
    extra: Sequence[str] = (),
    for_any: Format | str | None = None,
) -> Format | str:
    """The format to answer in, or one of the extra media types (e.g. text/html) it won.

    format_param may hold several comma-separated values, spellings of one choice
    (SPARQLWrapper sends `tsv,text/tab-separated-values`): the first we know decides.
    for_any is what a client naming no type (no Accept, or only */*) gets; else offered[0].
    A results format asked for where only RDF is offered gets its RDF stand-in
    (kg.model.formats.graph_stand_in): JSON-LD for JSON, RDF/XML for XML, else Turtle.
    :raises NotAcceptable: when ?format= names something we do not offer here or the
        Accept header excludes everything we offer.
    """
    if format_param and format_param.strip(" ,"):
        return _by_param(offered, format_param, extra)
    if not accept or not accept.strip() or _names_no_type(accept):
        return for_any if for_any is not None else offered[0]
    candidates = [f.media_type for f in offered] + list(extra)
    candidates += [m for f in offered for m in f.aliases]
    best = _accept(accept).best_match(candidates)
    if best is None:
        # Only after everything offered failed: a type the client lists itself wins over a stand-in.
        stand_ins = _stand_ins(offered)
        best = _accept(accept).best_match([m for f in stand_ins for m in f.media_types])
        if best is not None:
            fmt = formats.by_media_type(best)
            assert fmt is not None
            return stand_ins[fmt]
        media_types = [f.media_type for f in offered] + list(extra)
        raise NotAcceptable(
            f"cannot answer in any type of Accept: {accept}; this resource is available as: "
            + ", ".join(media_types),
            media_types,
        )
    if best in extra:
        return best
    fmt = formats.by_media_type(best)
    assert fmt is not None
    return fmt


def _by_param(offered: Sequence[Format], format_param: str, extra: Sequence[str]) -> Format | str:
    """The format ?format= (or output=) names: a short name, synonym, extension or media type."""
    stand_ins = _stand_ins(offered)
    for value in format_param.split(","):
        wanted = value.strip().lower()
        for media_type in extra:
            if wanted in (media_type, media_type.split("/")[1]):
                return media_type
        fmt = formats.lookup(wanted) if wanted else None
        if fmt in offered:
            return fmt
        if fmt in stand_ins:
            return stand_ins[fmt]
    names = [f.name for f in offered] + [m.split("/")[1] for m in extra]
    raise NotAcceptable(
        f"format={format_param!r} is not offered here; use one of: " + ", ".join(names)
        + " (or their media types)",
        [f.media_type for f in offered] + list(extra),
    )


def _stand_ins(offered: Sequence[Format]) -> dict[Format, Format]:
    """Formats not offered here mapped to the offered format that answers in their place."""
    found = {}
    for fmt in formats.FORMATS:
        stand_in = formats.graph_stand_in(fmt)
        if fmt not in offered and stand_in in offered:
            found[fmt] = stand_in
    return found


def _names_no_type(accept: str) -> bool:
    """Whether an Accept header accepts anything without naming a type (wget's and curl's */*)."""
    entries = list(_accept(accept))
    return bool(entries) and all(value == "*/*" and quality > 0 for value, quality in entries)


def names(accept: str | None, fmt: Format) -> bool:
    """Whether an Accept header names one of fmt's media types itself, not only through */*."""
    if not accept:
        return False
    return any(value.lower() in fmt.media_types and quality > 0 for value, quality in _accept(accept))


@functools.lru_cache(maxsize=512)
def _accept(header: str) -> MIMEAccept:
    # Parameters (charset=utf-8, a JSON-LD profile, header=present) never rule out one of our
    # formats, but werkzeug matches them exactly, which turned `text/turtle; charset=utf-8`
    # into a 406: match on the bare media type, keeping each entry's q-value.
    parsed = parse_accept_header(header, MIMEAccept)
    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in parsed])


@functools.lru_cache(maxsize=512)  # clients send the same few Accept headers again and again
def for_kind(kind: str, accept: str | None, format_param: str | None = None) -> Format:
    """The format for a result of this kg.model.formats kind (SOLUTIONS, BOOLEAN, GRAPH…).

    :raises NotAcceptable: when nothing we offer for that kind is acceptable.
    """
    chosen = choose(_offer(kind), accept, format_param)
    assert isinstance(chosen, Format)
    return chosen
