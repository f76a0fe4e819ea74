"""Dates as a sentence gives them: explicit ones with their precision, relative ones against
the publication date when it is known (never guessed without it)."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
DAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? {_MONTH},? (\d{{4}})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH},? (\d{{4}})\b")
_IN_YEAR = re.compile(r"\b(?:in|In|since|of) ((?:19|20)\d{2})\b")
_WEEKDAY = re.compile(r"\b(?:on|On|last|Last) (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_RELATIVE = re.compile(r"\b(yesterday|today|last month|last year|last week)\b", re.IGNORECASE)


def find_date(sentence: str, published: dt.date | None) -> str | None:
    """The first date a sentence fixes, as YYYY-MM-DD, YYYY-MM or YYYY; None when it fixes none."""
    if m := _DAY_MONTH_YEAR.search(sentence):
        return _day(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    if m := _MONTH_DAY_YEAR.search(sentence):
        return _day(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
    if m := _MONTH_YEAR.search(sentence):
        return f"{int(m[2]):04d}-{MONTHS[m[1].lower()]:02d}"
    if m := _IN_YEAR.search(sentence):
        return m[1]
    if published is None:
        return None
    if m := _WEEKDAY.search(sentence):
        back = (published.weekday() - DAYS[m[1].lower()]) % 7
        return (published - dt.timedelta(days=back)).isoformat()
    if m := _RELATIVE.search(sentence):
        word = m[1].lower()
        if word == "today":
            return published.isoformat()
        if word == "yesterday":
            return (published - dt.timedelta(days=1)).isoformat()
        if word == "last month":
            first = published.replace(day=1) - dt.timedelta(days=1)
            return f"{first.year:04d}-{first.month:02d}"
        if word == "last year":
            return f"{published.year - 1:04d}"
    return None


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None  # "31 February": no such day, so no date rather than a wrong one
