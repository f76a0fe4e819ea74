"""Article text as read and as given: HTML entities decoded, offsets kept in the original."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass(frozen=True)
class ReadText:
    """The decoded text, and for each of its characters the offset it came from in the original."""

    original: str
    decoded: str
    origin: tuple[int, ...]  # len(decoded) + 1 entries; the last is len(original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the decoded characters start..end."""
        return self.origin[start], self.origin[end]


def read_text(original: str) -> ReadText:
    """Decode HTML entities (the BBC texts keep &#233; and &amp;) and remember where each character was."""
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _ENTITY.finditer(original):
        decoded = html.unescape(match.group(0))
        if decoded == match.group(0):
            continue  # not an entity html knows: keep the characters as they are
        pieces.append(original[last:match.start()])
        origin.extend(range(last, match.start()))
        pieces.append(decoded)
        origin.extend([match.start()] * len(decoded))
        last = match.end()
    pieces.append(original[last:])
    origin.extend(range(last, len(original)))
    origin.append(len(original))
    return ReadText(original, "".join(pieces), tuple(origin))
