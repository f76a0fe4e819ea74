"""Malformed facts files are rejected with messages naming file, fact, field and problem, and write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MEETING_FACTS

from kg.config import Settings
from kg.errors import FactsError
from kg.ingest.sources.facts_yaml import parse_facts
from kg.ingest.writer import Ingestor
from kg.model.iris import Iris
from kg.store import Store

GOOD = MEETING_FACTS


def problems(text: str) -> list[str]:
    with pytest.raises(FactsError) as info:
        parse_facts(text, "bad.yaml")
    return info.value.problems


def test_yaml_syntax_error_names_the_file() -> None:
    with pytest.raises(FactsError, match=r"(?s)^bad.yaml: .*not valid YAML.*line 1"):
        parse_facts("article: [unclosed", "bad.yaml")


def test_missing_article_field_is_named() -> None:
    [problem] = problems(GOOD.replace("title: A test article, ", ""))
    assert problem.startswith("article, field 'title'")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("confidence: 0.5", "confidence: 1.5"), "fact 1 (key 'meeting'), field 'confidence'"),
        (("label: Putin", "lable: Putin"), "fact 1 (key 'meeting'), field 'lable': unknown field"),
        (("key: meeting", "key: Not A Slug"), "fact 1 (key 'Not A Slug'), field 'key'"),
    ],
)
def test_field_problems_name_fact_and_field(change: tuple[str, str], expected: str) -> None:
    text = GOOD.replace("    date: Monday", "    date: Monday\n    confidence: 0.5").replace(*change)
    assert any(p.startswith(expected) for p in problems(text)), problems(text)


@pytest.mark.parametrize("published", ["2025-02-30", "2025-13-45"])
def test_an_impossible_publication_date_is_named(published: str) -> None:
    # YAML itself used to fail on these (a ValueError, and a 500 over HTTP).
    [problem] = problems(GOOD.replace("published: 2025-06-23", f"published: {published}"))
    assert problem.startswith("article, field 'published'")


def test_an_impossible_fact_date_is_named() -> None:
    [problem] = mapping_problems(GOOD.replace("date: Monday", "date: 2025-02-30"))
    assert problem.startswith("fact 1 (key 'meeting'), field 'date'"), problem


TENURE = """
  - kind: tenure
    key: putin-president
    person: Vladimir Putin
    office: President of Russia
"""


@pytest.mark.parametrize(("start", "end", "refused"), [
    ("2025-01-01", "2024-01-01", True),
    ("2025-06", "2025-05-31", True),
    ("2025-06", "2025", False),  # the same year, as far as both say
    ("2012-05-07", "Monday", False),  # relative: not compared
])
def test_a_tenure_cannot_end_before_it_starts(start: str, end: str, refused: bool) -> None:
    text = GOOD + TENURE + f"    start: {start}\n    end: {end}\n"
    if refused:
        assert any(p.startswith("fact 2 (key 'putin-president')") and "before start" in p
                   for p in problems(text)), problems(text)
    else:
        parse_facts(text, "good.yaml")


def test_evidence_span_must_be_ordered() -> None:
    text = GOOD + "    evidence: [{start: 50, end: 10}]\n"
    assert any("field 'evidence.0'" in p and "greater than start" in p for p in problems(text))


def test_duplicate_fact_keys_are_refused() -> None:
    text = GOOD + GOOD.split("facts:\n", 1)[1]
    assert any("used twice" in p for p in problems(text))


def mapping_problems(text: str) -> list[str]:
    ingestor = Ingestor(Store(None), Iris(Settings().base_iri))
    with pytest.raises(FactsError) as info:
        ingestor.map(parse_facts(text, "bad.yaml"), "bad.yaml")
    return info.value.problems


def test_unknown_entity_is_named_with_a_suggestion() -> None:
    [problem] = mapping_problems(GOOD.replace("Abbas Araghchi", "Abas Araghchi"))
    assert problem.startswith("fact 1 (key 'meeting'), field 'participant':")
    assert "Abas Araghchi" in problem


def test_wrong_kind_of_entity_is_refused() -> None:
    text = GOOD.replace("participant: [Vladimir Putin, Abbas Araghchi]", "carrier: [Iran]")
    [problem] = mapping_problems(text)
    assert "field 'carrier'" in problem and "expected one of: person" in problem


def test_unknown_event_class_is_refused() -> None:
    [problem] = mapping_problems(GOOD.replace("type: Meeting", "type: Meting"))
    assert "field 'type'" in problem and "'Meting' is not a class of the ontology" in problem


def test_non_event_class_is_refused_for_an_event() -> None:
    [problem] = mapping_problems(GOOD.replace("type: Meeting", "type: State"))
    assert "'State' is not a kind of Event" in problem


def test_all_problems_are_reported_together() -> None:
    text = GOOD.replace("type: Meeting", "type: Meting").replace("date: Monday", "date: someday")
    assert len(mapping_problems(text)) == 2


def test_a_bad_file_writes_nothing_and_good_files_still_load(tmp_path: Path) -> None:
    (tmp_path / "a-good.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b-bad.yaml").write_text(
        GOOD.replace("test-1", "test-2").replace("Meeting", "Meting"), encoding="utf-8"
    )
    store = Store(str(tmp_path / "store"))
    summary = Ingestor(store, Iris(Settings().base_iri)).ingest_paths([tmp_path])
    assert summary.articles == 1
    [error] = summary.errors
    assert "b-bad.yaml" in error and "Meting" in error
    graphs = store.named_graphs()
    assert any(g.endswith("/graph/article/test-1") for g in graphs)
    assert not any("test-2" in g for g in graphs)
    assert not store.ask("ASK { ?s ?p ?o FILTER(CONTAINS(STR(?s), 'test-2')) }")
