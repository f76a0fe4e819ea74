"""Deeply nested RDF bodies are refused before a parser can crash or stall on them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.errors import RdfFormatError
from kg.model.nesting import MAX_DEPTH, check_depth
from server import create_app

TOKEN = "s3cret"


def _json_ld(levels: int) -> bytes:
    return ('{"@id":"http://x/a","http://x/p":' + '{"http://x/p":' * levels + '"1"' + "}" * levels + "}").encode()


def _rdf_xml(levels: int) -> bytes:
    inner = '<rdf:Description rdf:about="http://x/a"><ex:p>' * levels + "1" + "</ex:p></rdf:Description>" * levels
    return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://x/">'
            + inner + "</rdf:RDF>").encode()


@pytest.mark.parametrize(("data", "fmt"), [(_json_ld, ox.RdfFormat.JSON_LD), (_rdf_xml, ox.RdfFormat.RDF_XML)])
def test_depth_is_counted_before_parsing(data, fmt) -> None:
    check_depth(data(10), fmt)
    with pytest.raises(RdfFormatError, match=f"deeper than {MAX_DEPTH} levels"):
        check_depth(data(5_000), fmt)


def test_brackets_inside_strings_do_not_count() -> None:
    check_depth(('{"@id":"http://x/a","http://x/p":"' + "[{" * 10_000 + '"}').encode(), ox.RdfFormat.JSON_LD)


@pytest.fixture
def client():
    app = create_app(Settings(store=":memory:", autoload=False, write_token=TOKEN))
    yield app.test_client()
    app.extensions["newsgraph"].close()


def test_a_graph_store_put_nested_5000_levels_is_a_400_and_the_server_lives(client) -> None:
    # This body killed the whole server (a stack overflow in the JSON-LD parser).
    response = client.put("/store?graph=http://x/g", data=_json_ld(5_000),
                          headers={"Content-Type": "application/ld+json", "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    assert f"deeper than {MAX_DEPTH} levels" in response.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": "ASK { GRAPH <http://x/g> { ?s ?p ?o } }"}).get_json() \
        == {"head": {}, "boolean": False}
