"""Reading GDELT files: every format told apart per row, every bad row reported with file and line."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from conftest import SHARED

from kg.ingest.sources.gdelt import GdeltEvent, GdeltMention, RowError, read_records

GDELT = SHARED / "data" / "gdelt"
V1 = GDELT / "gdelt1_events_sample_2016-07-28.tsv"


def _by_id(path: Path) -> dict[int, GdeltEvent]:
    return {r.event_id: r for r in read_records(path) if isinstance(r, GdeltEvent)}


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("gdelt1_events_sample_2016-07-28.tsv", {"1.0": 509, "1.0-backfile": 201}),
        ("gdelt2_export_20191024143000.tsv", {"2.0": 2111}),
        ("gdelt2_export_20170101073000.tsv", {"2.0": 720}),
        ("gdelt2_mentions_20170101073000.tsv", {"mention": 1983}),
        ("gdelt2_events_with_confidence_20201113.csv", {"2.0-pandas": 2824}),
        ("gdelt2_events_with_confidence_20201114.csv", {"2.0-pandas": 2601}),
        ("gdelt2_events_with_confidence_20201115.csv", {"2.0-pandas": 3929}),
    ],
)
def test_every_row_of_the_samples_is_read(name: str, kinds: dict[str, int]) -> None:
    seen = Counter(
        "error" if isinstance(r, RowError) else "mention" if isinstance(r, GdeltMention) else r.format
        for r in read_records(GDELT / name)
    )
    assert seen == kinds


def test_a_58_column_row_of_gdelt_1() -> None:
    event = _by_id(V1)[564111704]
    assert (event.format, event.date, event.event_code) == ("1.0", dt.date(2016, 7, 27), "112")
    assert event.actor1 is not None and event.actor1.country_code == "CHN"
    assert event.actor2 is not None and event.actor2.country_code == "AUS"
    assert event.source_url == (
        "http://www.morningstaronline.co.uk/a-7348-China-US-accused-of-fanning-the-flames-in-South-China-Sea"
    )


def test_a_57_column_backfile_row_has_no_url() -> None:
    event = _by_id(V1)[1552839]
    assert (event.format, event.date, event.event_code) == ("1.0-backfile", dt.date(1982, 1, 2), "1312")
    assert event.actor1 is not None and event.actor1.code == "CAN"
    assert event.actor2 is not None and event.actor2.code == "POL"
    assert event.source_url is None
    assert event.action_geo is not None and event.action_geo.country_code == "CA"


def test_the_pandas_export_is_read_by_position_with_codes_kept_whole() -> None:
    events = _by_id(GDELT / "gdelt2_events_with_confidence_20201113.csv")
    event = events[954680550]
    assert (event.event_code, event.confidence, event.goldstein) == ("190", 10, -10.0)
    assert event.action_geo is not None
    assert (event.action_geo.full_name, event.action_geo.country_code) == ("Helmand, Helmand, Afghanistan", "AF")
    assert (event.action_geo.lat, event.action_geo.long, event.action_geo.feature_id) == (31.0, 64.0, "-3377342")
    assert event.source_url is not None and event.source_url.startswith("https://www.elystandard.co.uk/")
    # The file's base and root code columns lost their zeros; ours come from EventCode.
    assert all(len(e.event_code) >= 3 for e in events.values())
    assert any(e.event_code.startswith("0") for e in events.values())


def test_a_mention_row() -> None:
    mention = next(r for r in read_records(GDELT / "gdelt2_mentions_20170101073000.tsv"))
    assert isinstance(mention, GdeltMention)
    assert mention.event_id == 613300832
    assert mention.mention_time == dt.datetime(2017, 1, 1, 7, 30, tzinfo=dt.UTC)
    assert mention.source_name == "chinatopix.com" and mention.confidence == 100


def test_malformed_rows_are_reported_with_file_line_and_reason(tmp_path: Path) -> None:
    good = (V1.read_text(encoding="utf-8").splitlines())[0].split("\t")
    bad_date = list(good)
    bad_date[1] = "20161345"
    bad_id = list(good)
    bad_id[0] = "x12"
    bad_tone = list(good)
    bad_tone[34] = "warm"
    lines = ["\t".join(good), "only\tthree\tfields", "\t".join(bad_date), "\t".join(bad_id), "\t".join(bad_tone)]
    path = tmp_path / "broken.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = list(read_records(path))
    assert isinstance(records[0], GdeltEvent)
    errors = [r for r in records if isinstance(r, RowError)]
    assert [(e.file, e.line) for e in errors] == [(str(path), n) for n in (2, 3, 4, 5)]
    assert "3 fields" in errors[0].reason
    assert "SQLDATE '20161345'" in errors[1].reason
    assert "GLOBALEVENTID 'x12'" in errors[2].reason
    assert "AvgTone 'warm'" in errors[3].reason
    assert str(errors[0]).startswith(f"{path}, line 2: ")


def test_a_zip_archive_is_read_like_its_member(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "20170101073000.export.CSV.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(GDELT / "gdelt2_export_20170101073000.tsv", "20170101073000.export.CSV")
    assert sum(isinstance(r, GdeltEvent) for r in read_records(archive)) == 720
