"""A news corpus as JSON Lines: one article a line, with its text, id, title and (maybe) date.

Each line becomes a NewsRecord or, when it cannot be read, a RowError naming the line and
the reason; the reader never stops at a bad line. A missing date is no error (the BBC corpus
has none): the article's date is then unknown, and the graph says so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import ExtractionError
from kg.ingest.sources import RowError
from kg.ingest.sources.news_text import decode_article

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


@dataclass(frozen=True)
class CorpusFields:
    """Which field of a line holds what (the BBC corpus's names are the defaults)."""

    text: str = "text"
    id: str = "id"
    title: str = "title"
    date: str = "date"


@dataclass(frozen=True)
class NewsRecord:
    """One readable line of a corpus."""

    line: int
    source_id: str
    title: str
    text: str
    published: dt.date | None


def read_corpus(
    path: str | Path, fields: CorpusFields, max_bytes: int
) -> Iterator[NewsRecord | RowError]:
    """Every non-blank line of a JSONL corpus, read lazily: one line in memory at a time."""
    name = str(path)
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                yield _record(raw, number, fields, max_bytes, name)
            except _BadLine as exc:
                yield RowError(name, number, str(exc))


def count_lines(path: str | Path) -> int:
    """How many lines a file has (for a progress bar), read in blocks."""
    total = 0
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            total += block.count(b"\n")
    return total


class _BadLine(Exception):
    """Why one line is rejected (becomes a RowError, never leaves this module)."""


def _record(raw: bytes, number: int, fields: CorpusFields, max_bytes: int, name: str) -> NewsRecord:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _BadLine(f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})") from exc
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise _BadLine(f"a JSON {type(data).__name__}, not an object with the article's fields")
    text = _field(data, fields.text, "text")
    if not isinstance(text, str):
        raise _BadLine(f"field {fields.text!r} must be a string, not {type(text).__name__}")
    try:
        # Blank or NUL-bearing texts fail as files do; offsets later index this exact string.
        decode_article(text.encode("utf-8"), f"field {fields.text!r}", max_bytes)
    except ExtractionError as exc:
        raise _BadLine(str(exc)) from exc
    source_id = _field(data, fields.id, "id")
    if not isinstance(source_id, str | int) or isinstance(source_id, bool) or not str(source_id).strip():
        raise _BadLine(f"field {fields.id!r} must be a non-empty string or a number")
    title = _field(data, fields.title, "title")
    if not isinstance(title, str) or not title.strip():
        raise _BadLine(f"field {fields.title!r} must be a non-empty string")
    return NewsRecord(number, str(source_id).strip(), title.strip(), text, _date(data, fields.date))


def _field(data: dict[str, Any], name: str, role: str) -> Any:
    if name not in data:
        present = ", ".join(sorted(data)) or "none"
        raise _BadLine(
            f"no field {name!r} (the {role}; fields present: {present}); name it with --{role}-field"
        )
    return data[name]


def _date(data: dict[str, Any], name: str) -> dt.date | None:
    value = data.get(name)
    if value is None or value == "":
        return None  # not given: unknown, never guessed
    match = _DATE.match(str(value).strip())
    try:
        if match is None:
            raise ValueError("expected YYYY-MM-DD, optionally with a time")
        return dt.date.fromisoformat(match.group(1))
    except ValueError as exc:
        raise _BadLine(f"field {name!r}: cannot read {value!r} as a date: {exc}") from exc
