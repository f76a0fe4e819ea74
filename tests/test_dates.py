from __future__ import annotations

import datetime as dt

import pytest

from kg.model.dates import parse_date

MONDAY = dt.date(2025, 6, 23)


@pytest.mark.parametrize(
    ("text", "lexical", "precision"),
    [
        ("2025-06-22", "2025-06-22", "day"),
        ("2025-06", "2025-06", "month"),
        ("2025", "2025", "year"),
        ("Monday", "2025-06-23", "day"),  # published on a Monday: that very day
        ("on Sunday", "2025-06-22", "day"),
        ("Friday", "2025-06-20", "day"),
        ("last Monday", "2025-06-16", "day"),
        ("yesterday", "2025-06-22", "day"),
        ("today", "2025-06-23", "day"),
    ],
)
def test_dates_resolve_against_publication_with_precision(text: str, lexical: str, precision: str) -> None:
    date = parse_date(text, MONDAY)
    assert (date.lexical, date.precision) == (lexical, precision)


def test_precision_chooses_the_xsd_datatype() -> None:
    assert parse_date("2025").datatype.endswith("#gYear")
    assert parse_date("2025-06").datatype.endswith("#gYearMonth")
    assert parse_date("2025-06-01").datatype.endswith("#date")


@pytest.mark.parametrize("text", ["2025-02-30", "June 2025", "next week", "2025-13"])
def test_unreadable_dates_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match=text):
        parse_date(text, MONDAY)


def test_relative_date_without_publication_date_is_refused() -> None:
    with pytest.raises(ValueError, match="publication date"):
        parse_date("Monday")
