"""Dates as articles give them: absolute with a precision, or relative to the publication date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from kg.model.vocab import XSD

Precision = Literal["day", "month", "year"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ABSOLUTE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_RELATIVE = re.compile(r"^(?:on\s+|last\s+)?(" + "|".join(_WEEKDAYS) + r")$")

_DATATYPES = {"day": XSD.date.value, "month": XSD.gYearMonth.value, "year": XSD.gYear.value}


@dataclass(frozen=True)
class FuzzyDate:
    """A date known to a day, a month or a year."""

    year: int
    month: int = 1
    day: int = 1
    precision: Precision = "day"

    @property
    def lexical(self) -> str:
        if self.precision == "year":
            return f"{self.year:04d}"
        if self.precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def datatype(self) -> str:
        """The XSD datatype whose value space matches the precision."""
        return _DATATYPES[self.precision]

    @classmethod
    def from_date(cls, value: dt.date) -> FuzzyDate:
        return cls(value.year, value.month, value.day, "day")


def parse_date(text: str, published: dt.date | None = None) -> FuzzyDate:
    """Read '2025-06-22', '2025-06', '2025', or a word relative to the publication date.

    Relative words: 'today', 'yesterday', a weekday ('Monday', 'on Monday', 'last Monday'),
    meaning the latest such day on or before the publication date: news reports past events.
    :raises ValueError: with a message that says which forms are accepted.
    """
    value = text.strip().lower()
    match = _ABSOLUTE.match(value)
    if match:
        year, month, day = match.groups()
        try:
            if day:
                return FuzzyDate.from_date(dt.date(int(year), int(month), int(day)))
            if month:
                dt.date(int(year), int(month), 1)
                return FuzzyDate(int(year), int(month), 1, "month")
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a real date: {exc}") from exc
        return FuzzyDate(int(year), 1, 1, "year")
    if value in {"today", "yesterday"} or _RELATIVE.match(value):
        if published is None:
            raise ValueError(f"relative date {text!r} needs the article's publication date")
        if value == "today":
            return FuzzyDate.from_date(published)
        back = 1
        if value != "yesterday":
            weekday = _WEEKDAYS.index(_RELATIVE.match(value).group(1))  # type: ignore[union-attr]
            back = (published.weekday() - weekday) % 7
            if back == 0 and value.startswith("last "):
                back = 7
        try:
            return FuzzyDate.from_date(published - dt.timedelta(days=back))
        except OverflowError as exc:  # datetime's calendar starts on 0001-01-01
            raise ValueError(
                f"relative date {text!r} resolves to a day before the year 1 (the article was "
                f"published {published.isoformat()}); give the date itself, or check 'published'"
            ) from exc
    raise ValueError(
        f"cannot read {text!r} as a date; use YYYY-MM-DD, YYYY-MM, YYYY, 'today', "
        "'yesterday' or a weekday such as 'Monday'"
    )
