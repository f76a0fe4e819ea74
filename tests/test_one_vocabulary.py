"""Terms and media types are spelled once: vocabularies in kg/model/vocab.py, media types in formats.py."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.model.vocab import (
    NG_IRI,
    ONTOLOGY_IRI,
    PREFIXES,
    RDF,
    RDFS,
    VOID,
    WD,
    XSD,
    Vocabulary,
    as_node,
    typed,
)

ROOT = Path(__file__).resolve().parent.parent


def sources() -> list[Path]:
    """The code and templates of kg/ and server/, as they are now."""
    return sorted(p for folder in ("kg", "server") for p in (ROOT / folder).rglob("*")
                  if p.suffix in (".py", ".html", ".js") and p.is_file())

NAMESPACES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/2002/07/owl#", "http://www.w3.org/ns/prov#",
    "http://schema.org/", "http://purl.org/dc/terms/", "http://rdfs.org/ns/void#",
    "http://www.w3.org/ns/sparql-service-description#", "http://www.w3.org/2004/02/skos/core#",
    "http://xmlns.com/foaf/0.1/", "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "http://www.wikidata.org/entity/", "http://www.wikidata.org/prop/direct/", ONTOLOGY_IRI,
)
MEDIA_TYPE_LITERAL = re.compile(r"""^[rbfu]*["'](application|text|multipart|image)/[\w.+-]+""", re.IGNORECASE)


def test_the_sources_are_found() -> None:
    found = sources()
    assert ROOT / "kg" / "model" / "vocab.py" in found and len(found) > 40


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_no_module_but_vocab_spells_a_vocabulary(namespace: str) -> None:
    spelled = [str(p.relative_to(ROOT)) for p in sources()
               if p.name != "vocab.py" and namespace in p.read_text(encoding="utf-8")]
    assert spelled == [], f"{namespace} is retyped in {spelled}; import it from kg.model.vocab"


def test_no_module_but_formats_spells_a_media_type() -> None:
    found = []
    for path in sources():
        if path.suffix != ".py" or path.name == "formats.py":
            continue
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        for token in tokens:
            if token.type == tokenize.STRING and MEDIA_TYPE_LITERAL.match(token.string):
                found.append(f"{path.relative_to(ROOT)}:{token.start[0]}: {token.string[:40]}")
    assert found == [], "media types belong in kg/model/formats.py:\n" + "\n".join(found)


def test_terms_are_named_nodes_that_print_as_sparql() -> None:
    assert RDF.type == ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert f"?s {RDFS.label} ?o" == "?s <http://www.w3.org/2000/01/rdf-schema#label> ?o"
    assert VOID["class"].value == VOID.iri + "class"  # a Python keyword, by item
    assert str(RDFS) == RDFS.iri == PREFIXES["rdfs"]
    assert PREFIXES["ng"] == NG_IRI == ONTOLOGY_IRI + "#"


def test_a_term_a_closed_vocabulary_does_not_list_fails_loudly() -> None:
    with pytest.raises(AttributeError, match="'lable' is not a term of .*rdf-schema#.*vocab.py"):
        _ = RDFS.lable
    with pytest.raises(AttributeError):
        _ = XSD["strnig"]


def test_an_open_vocabulary_takes_names_from_data() -> None:
    assert WD["Q794"] == ox.NamedNode("http://www.wikidata.org/entity/Q794")
    assert Vocabulary("https://example.org/v#").anything.value == "https://example.org/v#anything"


def test_helpers() -> None:
    node = ox.NamedNode("https://example.org/x")
    assert as_node(node) is node and as_node("https://example.org/x") == node
    assert typed("3", "integer") == ox.Literal("3", datatype=XSD.integer)
    with pytest.raises(AttributeError):
        typed("3", "integre")
