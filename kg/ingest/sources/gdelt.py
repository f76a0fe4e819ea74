"""A reader of GDELT event and mention tables: each row -> a typed record or a RowError.

Formats, told apart per row by the number of fields:
- 61: GDELT 2.0 events export (tab-separated, no header);
- 58: GDELT 1.0 daily export (2.0 without the three *Geo_ADM2Code columns);
- 57: GDELT 1.0 backfile (58 without SOURCEURL);
- 16: GDELT 2.0 mentions table;
- 63: a comma CSV re-exported by pandas, with a header (an index column, the 61 2.0 fields,
  then Confidence). Its header mislabels columns, so fields are taken by position, and its
  EventBaseCode / EventRootCode lost their leading zeros, so both are rebuilt from EventCode.

A file is comma CSV when its first line has no tab; otherwise it is tab-separated.
Plain files and .zip archives (GDELT's download format, one member) are read as streams.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.errors import SourceFormatError
from kg.ingest.sources import RowError

EVENT_FORMATS = {61: "2.0", 58: "1.0", 57: "1.0-backfile"}
MENTION_FIELDS = 16
PANDAS_FIELDS = 63



@dataclass(frozen=True, slots=True)
class Actor:
    """One side of an event as GDELT codes it; empty codes are None."""

    code: str
    name: str | None
    country_code: str | None
    known_group_code: str | None


@dataclass(frozen=True, slots=True)
class Geo:
    """A GDELT place: type 1 country, 2 US state, 3 US city, 4 world city, 5 world region."""

    type: int
    full_name: str | None
    country_code: str | None  # FIPS 10-4
    adm1_code: str | None
    lat: float | None
    long: float | None
    feature_id: str | None


@dataclass(frozen=True, slots=True)
class GdeltEvent:
    """One row of an events table, whatever its format."""

    line: int
    format: str
    event_id: int
    date: dt.date
    actor1: Actor | None
    actor2: Actor | None
    is_root_event: bool
    event_code: str
    quad_class: int | None
    goldstein: float | None
    num_mentions: int | None
    num_sources: int | None
    num_articles: int | None
    avg_tone: float | None
    action_geo: Geo | None
    source_url: str | None
    confidence: int | None  # percent, only in the pandas re-exports


@dataclass(frozen=True, slots=True)
class GdeltMention:
    """One row of the 2.0 mentions table: an article that mentions an event."""

    line: int
    event_id: int
    event_time: dt.datetime
    mention_time: dt.datetime
    mention_type: int
    source_name: str | None
    identifier: str
    sentence_id: int | None
    confidence: int | None
    doc_tone: float | None


Record = GdeltEvent | GdeltMention


class _Bad(ValueError):
    """A field that does not parse; the message names the column."""


@contextmanager
def open_text(path: Path) -> Iterator[IO[str]]:
    """The file as text, unzipping a .zip archive of one member on the fly."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise ValueError(f"{path}: expected one file in the archive, found {len(members)}")
            with archive.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
    else:
        # GDELT text is UTF-8; a stray bad byte becomes U+FFFD rather than failing the file.
        with path.open(encoding="utf-8", errors="replace", newline="") as stream:
            yield stream


def read_fields(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every data row, streaming; a pandas CSV's header is skipped."""
    with open_text(path) as stream:
        first = stream.readline()
        if not first:
            return
        if "\t" in first or first.strip() == "":
            yield 1, _split_tsv(first)
            for number, line in enumerate(stream, start=2):
                yield number, _split_tsv(line)
            return
        rows = csv.reader(_chain(first, stream))
        header = next(rows)
        if not _looks_like_header(header):
            yield 1, header
        for fields in rows:
            yield rows.line_num, fields


def parse_fields(file: str, line: int, fields: list[str]) -> Record | RowError:
    """One row's fields -> a record, or a RowError naming file, line and reason."""
    try:
        count = len(fields)
        if count in EVENT_FORMATS:
            return _event(line, EVENT_FORMATS[count], fields, None)
        if count == PANDAS_FIELDS:
            # The base and root code columns are never read: both are prefixes of EventCode.
            return _event(line, "2.0-pandas", fields[1:62], _opt_int(fields[62], "Confidence"))
        if count == MENTION_FIELDS:
            return _mention(line, fields)
        return RowError(
            file, line,
            f"{count} fields; expected 57 or 58 (GDELT 1.0 events), 61 (2.0 events), "
            f"16 (2.0 mentions) or 63 (pandas CSV export)",
        )
    except _Bad as exc:
        return RowError(file, line, str(exc))


def read_records(path: Path) -> Iterator[Record | RowError]:
    """Every row of a file as a record or a RowError."""
    name = str(path)
    for line, fields in read_fields(path):
        yield parse_fields(name, line, fields)


def _split_tsv(line: str) -> list[str]:
    return line.rstrip("\r\n").split("\t")


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest


SNIFFED_ROWS = 20


def check_gdelt_file(path: Path) -> None:
    """Refuse a file none of whose first rows is a GDELT event or mention, before any is read.

    :raises SourceFormatError: naming the file and what its first row is instead.
    """
    name = str(path)
    first: RowError | None = None
    for number, (line, fields) in enumerate(read_fields(path)):
        record = parse_fields(name, line, fields)
        if not isinstance(record, RowError):
            return
        first = first or record
        if number + 1 >= SNIFFED_ROWS:
            break
    if first is not None:
        raise SourceFormatError(
            f"{name} does not look like a GDELT file: none of its first rows reads as an event or a "
            f"mention (line {first.line}: {first.reason}); give a GDELT 1.0 or 2.0 events export, "
            "or a 2.0 mentions file, tab-separated as GDELT publishes them"
        )


def _looks_like_header(fields: list[str]) -> bool:
    return len(fields) > 1 and not fields[1].strip().isdigit()


def _event(line: int, fmt: str, f: list[str], confidence: int | None) -> GdeltEvent:
    # Positions of the blocks after AvgTone differ: 1.0 has no ADM2 codes, hence 7-field geo blocks.
    geo_width = 8 if fmt.startswith("2.0") else 7
    action = 35 + 2 * geo_width
    url = f[35 + 3 * geo_width + 1].strip() if len(f) > 35 + 3 * geo_width + 1 else ""
    event_code = f[26].strip()
    if not event_code:
        raise _Bad("EventCode is empty")
    return GdeltEvent(
        line=line,
        format=fmt,
        event_id=_int(f[0], "GLOBALEVENTID"),
        date=_day(f[1], "SQLDATE"),
        actor1=_actor(f, 5),
        actor2=_actor(f, 15),
        is_root_event=f[25].strip() == "1",
        event_code=event_code,
        quad_class=_opt_int(f[29], "QuadClass"),
        goldstein=_opt_float(f[30], "GoldsteinScale"),
        num_mentions=_opt_int(f[31], "NumMentions"),
        num_sources=_opt_int(f[32], "NumSources"),
        num_articles=_opt_int(f[33], "NumArticles"),
        avg_tone=_opt_float(f[34], "AvgTone"),
        action_geo=_geo(f, action, geo_width, "ActionGeo"),
        source_url=url or None,
        confidence=confidence,
    )


def _actor(f: list[str], at: int) -> Actor | None:
    code = f[at].strip()
    if not code:
        return None
    return Actor(code, _opt(f[at + 1]), _opt(f[at + 2]), _opt(f[at + 3]))


def _geo(f: list[str], at: int, width: int, column: str) -> Geo | None:
    kind = _opt_int(f[at], f"{column}_Type")
    if not kind:
        return None
    feature = f[at + width - 1]
    return Geo(
        type=kind,
        full_name=_opt(f[at + 1]),
        country_code=_opt(f[at + 2]),
        adm1_code=_opt(f[at + 3]),
        lat=_opt_float(f[at + width - 3], f"{column}_Lat"),
        long=_opt_float(f[at + width - 2], f"{column}_Long"),
        feature_id=_opt(feature),
    )


def _mention(line: int, f: list[str]) -> GdeltMention:
    identifier = f[5].strip()
    if not identifier:
        raise _Bad("MentionIdentifier is empty")
    return GdeltMention(
        line=line,
        event_id=_int(f[0], "GLOBALEVENTID"),
        event_time=_timestamp(f[1], "EventTimeDate"),
        mention_time=_timestamp(f[2], "MentionTimeDate"),
        mention_type=_int(f[3], "MentionType"),
        source_name=_opt(f[4]),
        identifier=identifier,
        sentence_id=_opt_int(f[6], "SentenceID"),
        confidence=_opt_int(f[11], "Confidence"),
        doc_tone=_opt_float(f[13], "MentionDocTone"),
    )


def _opt(text: str) -> str | None:
    text = text.strip()
    return text or None


def _int(text: str, column: str) -> int:
    value = _opt_int(text, column)
    if value is None:
        raise _Bad(f"{column} is empty")
    return value


def _opt_int(text: str, column: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            # pandas writes integer columns that held a gap as floats ("5.0").
            number = float(text)
        except ValueError:
            raise _Bad(f"{column} {text!r} is not a whole number") from None
        if not number.is_integer():
            raise _Bad(f"{column} {text!r} is not a whole number") from None
        return int(number)


def _opt_float(text: str, column: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise _Bad(f"{column} {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _Bad(f"{column} {text!r} is not a finite number")
    return value


def _day(text: str, column: str) -> dt.date:
    text = text.strip()
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise _Bad(f"{column} {text!r} is not a day written YYYYMMDD") from None


def _timestamp(text: str, column: str) -> dt.datetime:
    text = text.strip()
    try:
        if len(text) != 14 or not text.isdigit():
            raise ValueError
        return dt.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        raise _Bad(f"{column} {text!r} is not a time written YYYYMMDDHHMMSS") from None
