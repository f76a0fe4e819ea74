"""Facts files that do not trap: facts naming each other, undated events, words for tenures and
relations, and errors that say what to write (did you mean, how to declare, which line)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from pyoxigraph import Literal, NamedNode

from kg.config import Settings
from kg.errors import FactsError
from kg.ingest.bootstrap import initialize
from kg.ingest.facts_quads import ArticleQuads, article_quads
from kg.ingest.sources.facts_yaml import parse_facts, read_facts_file
from kg.ingest.writer import Ingestor
from kg.model.gazetteer import Gazetteer
from kg.model.iris import Iris
from kg.model.vocab import NG, RDFS, SKOS, as_node
from kg.publish.describe import describe
from kg.publish.summary import summary
from kg.store import Store
from server import create_app

IRIS = Iris("https://example.org/kg/")
HEAD = "article: {id: traps, title: A trap test, publisher: Reuters, published: 2025-06-23}\n"
AGREEMENT = """
  - kind: agreement
    key: deal
    agreement: china-iran-cooperation
    label: China-Iran Cooperation Programme
    parties: [China, Iran]
"""
DEAL = as_node(IRIS.entity("agreement", "china-iran-cooperation"))


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.bundled()


def mapped(text: str, gazetteer: Gazetteer, name: str = "traps.yaml") -> ArticleQuads:
    return article_quads(parse_facts(text, name), iris=IRIS, resolve=gazetteer.resolve, source_name=name,
                         ingested_at=dt.datetime(2025, 6, 24, tzinfo=dt.UTC))


def graph(article: ArticleQuads) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in article.graphs[IRIS.article_graph(article.article_id)]}


def problems(text: str, gazetteer: Gazetteer) -> list[str]:
    with pytest.raises(FactsError) as caught:
        mapped(text, gazetteer)
    return caught.value.problems


@pytest.mark.parametrize("ref", ["China-Iran Cooperation Programme", "agreement/china-iran-cooperation", "deal"])
def test_a_fact_names_an_agreement_that_another_fact_defines(gazetteer: Gazetteer, ref: str) -> None:
    text = HEAD + "facts:" + AGREEMENT + f"""
  - key: signing
    type: AgreementSigning
    label: China and Iran sign their cooperation programme
    date: 2025-06-20
    participant: [China, Iran]
    about: [{ref}]
"""
    signing = as_node(IRIS.event("traps", "signing"))
    assert (signing, as_node(NG.about), DEAL) in graph(mapped(text, gazetteer))


def test_a_fact_names_an_event_that_another_fact_defines(gazetteer: Gazetteer) -> None:
    text = HEAD + """facts:
  - {key: talks, type: Meeting, label: Chinese and Iranian envoys meet, date: 2025-06-20, participant: [China, Iran]}
  - {key: praise, type: Statement, label: China praises the talks, date: 2025-06-21, agent: [China],
     about: [talks, Chinese and Iranian envoys meet]}
"""
    about = {o for s, p, o in graph(mapped(text, gazetteer)) if p == as_node(NG.about)}
    assert about == {as_node(IRIS.event("traps", "talks"))}


def test_declaring_a_fact_defined_agreement_too_leaves_it_one_label(gazetteer: Gazetteer) -> None:
    text = HEAD + """entities:
  - {key: agreement/china-iran-cooperation, type: Agreement, label: the 25-year pact}
facts:""" + AGREEMENT + """
  - {key: praise, type: Statement, label: Iran praises the pact, date: 2025-06-21, agent: [Iran],
     about: [the 25-year pact]}
"""
    triples = graph(mapped(text, gazetteer))
    labels = {o for s, p, o in triples if s == DEAL and p == RDFS.label}
    assert labels == {Literal("China-Iran Cooperation Programme", language="en")}
    assert (DEAL, SKOS.altLabel, Literal("the 25-year pact", language="en")) in triples
    assert (as_node(IRIS.event("traps", "praise")), as_node(NG.about), DEAL) in triples


def test_an_undated_event_stays_undated_and_its_page_still_reads(gazetteer: Gazetteer) -> None:
    text = HEAD + """facts:
  - {key: talks, type: Meeting, label: Chinese and Iranian envoys meet, participant: [China, Iran],
     location: Beijing}
"""
    talks = as_node(IRIS.event("traps", "talks"))
    triples = graph(mapped(text, gazetteer))
    assert not any(s == talks and p == as_node(NG.date) for s, p, o in triples)
    assert (talks, as_node(NG.notStated), as_node(NG.date)) in triples

    settings = Settings(store=":memory:", autoload=False)
    store = Store(None)
    initialize(store, settings)
    Ingestor(store, Iris(settings.base_iri)).ingest_text(text, "traps.yaml")
    event = Iris(settings.base_iri).event("traps", "talks")
    words = summary(store, describe(store, Iris(settings.base_iri), event))
    assert "Beijing" in words and "2025" not in words, words  # no date, not the publication's
    app = create_app(settings, store=store)
    page = app.test_client().get("/id/event/traps-talks.html")
    assert page.status_code == 200
    assert "Chinese and Iranian envoys meet" in page.get_data(as_text=True)
    assert "2025-06-23" not in page.get_data(as_text=True).split("<h1", 1)[1].split("IRI", 1)[0]
    app.extensions["newsgraph"].close()


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ("facts:\n  - {key: m, type: Meetng, label: M, date: 2025, participant: [Iran]}",
         "'Meetng' is not a class of the ontology; did you mean Meeting?"),
        ("facts:\n  - {key: m, type: meeting, label: M, date: 2025, participant: [Iran]}",
         "did you mean Meeting?"),
        ("entities:\n  - {key: person/jane-roe, type: Persn, label: Jane Roe}",
         "did you mean Person?"),
    ],
)
def test_a_misspelt_type_gets_did_you_mean(gazetteer: Gazetteer, facts: str, expected: str) -> None:
    [problem] = problems(HEAD + facts + "\n", gazetteer)
    assert expected in problem, problem


def test_a_misspelt_field_or_kind_gets_did_you_mean() -> None:
    text = HEAD + "facts:\n  - {key: a, kind: agreemnt}\n  - {key: b, type: Meeting, lable: B}\n"
    with pytest.raises(FactsError) as caught:
        parse_facts(text, "traps.yaml")
    joined = "\n".join(caught.value.problems)
    assert "fact 1 (key 'a'), field 'kind': 'agreemnt' is no kind of fact; did you mean agreement?" in joined
    assert "fact 2 (key 'b'), field 'lable': unknown field (did you mean 'label'?)" in joined


def test_an_unknown_name_says_how_to_declare_it_and_the_example_works(gazetteer: Gazetteer) -> None:
    text = HEAD + """facts:
  - {key: m, type: Statement, label: BBC News reports a statement, date: 2025, agent: [Iran],
     reported_by: BBC News}
"""
    [problem] = problems(text, gazetteer)
    assert "no entity is called 'BBC News'" in problem and "declare it under 'entities:'" in problem
    example = problem.split("e.g. ", 1)[1].split(" (or another kind", 1)[0]
    assert yaml.safe_load(example) == [{"key": "source/bbc-news", "type": "NewsSource", "label": "BBC News"}]
    # Pasted under entities:, the line is all the file lacked.
    fixed = mapped(text.replace("facts:", f"entities:\n  {example}\nfacts:"), gazetteer)
    source = as_node(IRIS.entity("source", "bbc-news"))
    assert (as_node(IRIS.event("traps", "m")), as_node(NG.reportedBy), source) in graph(fixed)


def test_a_yaml_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(HEAD + "facts:\n  - key: m\n    label: Iran: a statement\n", encoding="utf-8")
    with pytest.raises(FactsError) as caught:
        read_facts_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: 1 problem(s)")
    assert "line 4, column 16: not valid YAML" in message
    assert "label: Iran: a statement" in message  # the line itself, with a caret under the column
    assert "<unicode string>" not in message


@pytest.mark.parametrize(
    ("tenure", "label"),
    [
        ("{kind: tenure, key: t, person: Vladimir Putin, office: President of Russia, start: 2012-05-07}",
         "Vladimir Putin, President of Russia, since 2012-05-07"),
        ("{kind: tenure, key: t, person: Vladimir Putin, office: President of Russia, former: true,"
         " start: 2000-05-07, end: 2008-05-07}",
         "Vladimir Putin, President of Russia, 2000-05-07 to 2008-05-07"),
        ("{kind: tenure, key: t, person: Vladimir Putin, office: President of Russia, former: true}",
         "Vladimir Putin, former President of Russia"),
    ],
)
def test_a_tenure_is_labelled_in_words(gazetteer: Gazetteer, tenure: str, label: str) -> None:
    triples = graph(mapped(HEAD + f"facts:\n  - {tenure}\n", gazetteer))
    labels = {o.value for s, p, o in triples if p == RDFS.label and "/id/tenure/" in s.value}
    assert labels == {label}


def test_a_generated_relation_label_keeps_the_parties_capitals(gazetteer: Gazetteer) -> None:
    text = HEAD + "facts:\n  - {kind: relation, key: r, type: Partnership, between: [Iran, China]}\n"
    relation = NamedNode(IRIS.entity("relation", "china-iran-partnership"))
    labels = {o.value for s, p, o in graph(mapped(text, gazetteer)) if s == relation and p == RDFS.label}
    assert labels == {"Partnership between China and Iran"}


def test_a_value_of_the_wrong_shape_is_named_in_words_with_an_example() -> None:
    from kg.ingest.sources.facts_yaml import parse_facts

    text = ("article: {id: Bad_Id, title: T, language: english, url: 'not a url'}\n"
            "facts:\n  - {key: m, type: Meeting, label: L, participant: Brazil}\n")
    with pytest.raises(FactsError) as caught:
        parse_facts(text, "shapes.yaml")
    problems = caught.value.problems
    assert "article, field 'id': 'Bad_Id' is not lower-case letters and digits joined by single or " \
           "double hyphens, as in world--g7-summit" in problems
    assert "article, field 'language': 'english' is not a language tag, as in en or pt-BR" in problems
    assert any(p.startswith("article, field 'url': 'not a url' is not an absolute http(s) URL") for p in problems)
    assert "fact 1 (key 'm'), field 'participant': give a list, even of one, as in [Brazil]" in problems
    assert not any("String should match pattern" in p for p in problems)


def test_an_article_id_of_thousands_of_characters_is_refused() -> None:
    from kg.ingest.sources.facts_yaml import parse_facts

    with pytest.raises(FactsError, match="field 'id'"):
        parse_facts(f"article: {{id: {'a' * 3000}, title: T}}\nfacts: []\n", "long.yaml")


def test_a_repeated_key_is_said_in_the_same_run_as_other_mistakes() -> None:
    from kg.ingest.sources.facts_yaml import parse_facts

    text = ("article: {id: twice, title: T}\nfacts:\n"
            "  - {key: m, type: Meeting, label: L, participant: Brazil}\n"
            "  - {key: m, type: Meeting, label: L2, participant: [Brazil, Iran]}\n")
    with pytest.raises(FactsError) as caught:
        parse_facts(text, "twice.yaml")
    assert caught.value.problems == [
        "fact 1 (key 'm'), field 'participant': give a list, even of one, as in [Brazil]",
        "facts: fact key 'm' is used twice",
    ]
