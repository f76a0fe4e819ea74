"""Read article text (plain UTF-8) for extraction, refusing what is not text with the reason.

The text is kept exactly as given (no newline translation, no stripping), because evidence
offsets index it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kg.errors import ExtractionError
from kg.model.iris import slugify

STDIN = "-"


def decode_article(data: bytes, name: str, max_bytes: int, size: int | None = None) -> str:
    """The text of an article given as bytes; ``name`` says in errors where it came from.

    ``size`` is the whole input's size when ``data`` holds only its start.
    :raises ExtractionError: the input is too large, binary (NUL bytes), not UTF-8, or empty.
    """
    if len(data) > max_bytes:
        how_large = f"{size:,} bytes" if size else "the text"
        raise ExtractionError(
            f"{name}: {how_large} is more than the {max_bytes:,} bytes an article may have; "
            "split it, or raise --max-article-bytes (NEWSGRAPH_MAX_ARTICLE_BYTES)"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ExtractionError(f"{name}: a binary file (NUL byte at offset {nul}), not plain text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExtractionError(
            f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it first, e.g. iconv -f windows-1252 -t utf-8"
        ) from exc
    if not text.strip():
        raise ExtractionError(f"{name}: empty, there is no text to read facts from")
    return text


def read_article(path: str | Path, max_bytes: int) -> str:
    """The text of an article file, or of standard input for '-'.

    :raises ExtractionError: it cannot be read, or is not article text (see decode_article).
    """
    stdin = str(path) == STDIN
    name = "<stdin>" if stdin else str(path)
    size = None
    try:
        # One byte more than allowed is enough to know that the input is too large.
        if stdin:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(path, "rb") as stream:
                data = stream.read(max_bytes + 1)
                size = Path(path).stat().st_size
    except OSError as exc:
        raise ExtractionError(f"{name}: cannot read it: {exc.strerror or exc}") from exc
    return decode_article(data, name, max_bytes, size)


def article_id_for(path: str | Path) -> str:
    """The article id of a text file: its name without the extension, as a slug ('stdin' for '-')."""
    if str(path) == STDIN:
        return "stdin"
    return slugify(Path(path).stem) or "article"
