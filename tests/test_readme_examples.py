"""The README is checked: its example queries give the output it shows, every setting is documented."""

from __future__ import annotations

import io
import re

import pytest
from conftest import PROJECT_ROOT

from kg.config import describe_settings, settings_table
from kg.query.output import write_result
from kg.store import Store

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"\$ kg query --file (docs/examples/\S+)\n(.*?)```", README, flags=re.S)


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("path", "shown"), EXAMPLES, ids=[p for p, _ in EXAMPLES])
def test_readme_example_output_is_real(seeded: Store, path: str, shown: str) -> None:
    query = (PROJECT_ROOT / path).read_text(encoding="utf-8")
    out = io.StringIO()
    write_result(seeded.query(query), "table", out)
    assert out.getvalue() == shown


@pytest.mark.parametrize("env", [row[1] for row in describe_settings()])
def test_every_setting_is_documented(env: str) -> None:
    assert f"`{env}`" in README


def test_the_settings_table_is_the_generated_one() -> None:
    # Regenerate it with `python -m kg.config` after changing kg/config.py.
    assert settings_table() in README


@pytest.mark.parametrize("path", [p for p, _ in EXAMPLES])
def test_readme_shows_the_query_text_of_each_example(path: str) -> None:
    query = (PROJECT_ROOT / path).read_text(encoding="utf-8")
    assert f"```sparql\n{query}```\n\n```console\n$ kg query --file {path}\n" in README


def test_readme_says_labels_are_language_tagged() -> None:
    assert '`rdfs:label "Vladimir Putin"@en`' in README
    assert "matches nothing" in README


def test_readme_involves_example_finds_every_event_of_a_party(seeded: Store) -> None:
    from kg.model.vocab import sparql_prefixes

    found = re.search(r"```sparql\n(SELECT \?event WHERE \{ \?event ng:involves <[^>]+> \})\n```", README)
    assert found, "the README shows ng:involves in one line"
    events = {row["event"].value for row in seeded.select(sparql_prefixes() + found[1])}
    roles = seeded.select(sparql_prefixes() + """SELECT DISTINCT ?event WHERE {
        VALUES ?role { ng:agent ng:recipient ng:target ng:participant ng:mediator ng:carrier }
        ?event ?role <https://w3id.org/newsgraph/id/state/iran> }""")
    assert events == {row["event"].value for row in roles} and events
