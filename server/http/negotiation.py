"""Content negotiation: ?format= first, then the Accept header (parsed by werkzeug), else 406."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.model import formats
from kg.model.formats import Format
from server.http.protocol import NotAcceptable

HTML = "text/html"


def _offer(kind: str) -> tuple[Format, ...]:
    return formats.formats_for(kind)


def choose(
    offered: Sequence[Format],
    accept: str | None,
    format_param: str | None = None,
    *,
    extra: Sequence[str] = (),
) -> Format | str:
    """The format to answer in, or one of the extra media types (e.g. text/html) it won.

    :raises NotAcceptable: when ?format= names something we do not offer here or the
        Accept header excludes everything we offer.
    """
    names = [f.name for f in offered]
    if format_param:
        wanted = format_param.strip().lower()
        for media_type in extra:
            if wanted in (media_type, media_type.split("/")[1]):
                return media_type
        fmt = formats.lookup(wanted)
        if fmt is None or fmt not in offered:
            raise NotAcceptable(
                f"format={format_param!r} is not offered here; use one of: "
                + ", ".join(names + [m.split("/")[1] for m in extra]),
                [f.media_type for f in offered] + list(extra),
            )
        return fmt
    if not accept or not accept.strip():
        return offered[0]
    candidates = [f.media_type for f in offered] + list(extra)
    candidates += [m for f in offered for m in f.aliases]
    best = _accept(accept).best_match(candidates)
    if best is None:
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
