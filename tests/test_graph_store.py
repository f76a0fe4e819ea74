"""The Graph Store HTTP Protocol on /store against a real server."""

from __future__ import annotations

import pytest
import rdflib
import requests
from endpoint_server import ARTICLE_GRAPH, GRAPH, ID, TOKEN, running_server

AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEW = "http://example.org/graphs/new"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("gsp")) as running:
        yield running


def fetch(server, graph: str | None, accept: str = "text/turtle") -> requests.Response:
    params = {"default": ""} if graph is None else {"graph": graph}
    return requests.get(server.store, params=params, headers={"Accept": accept})


def test_get_a_named_graph(server) -> None:
    response = fetch(server, GRAPH + "reference")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert len(graph) == 6
    assert (rdflib.URIRef(ID + "state/france"), rdflib.RDFS.label,
            rdflib.Literal("France", lang="en")) in graph


@pytest.mark.parametrize(("accept", "rdflib_format"), [("application/trig", "trig"), ("application/n-quads", "nquads")])
def test_get_without_graph_is_the_whole_dataset(server, accept: str, rdflib_format: str) -> None:
    response = requests.get(server.store, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
    dataset = rdflib.Dataset()
    dataset.parse(data=response.content, format=rdflib_format)
    graphs = {str(g.identifier) for g in dataset.graphs()}
    assert {GRAPH + "reference", ARTICLE_GRAPH} <= graphs


def test_whole_dataset_in_a_triples_only_format_is_406(server) -> None:
    assert requests.get(server.store, headers={"Accept": "text/turtle"}).status_code == 406


def test_head_matches_get(server) -> None:
    head = requests.head(server.store, params={"graph": ARTICLE_GRAPH})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == fetch(server, ARTICLE_GRAPH).headers["Content-Type"]
    assert requests.head(server.store, params={"graph": NEW + "/none"}).status_code == 404


def test_missing_graph_is_404(server) -> None:
    assert fetch(server, "http://example.org/graphs/none").status_code == 404


def test_put_post_get_delete_cycle(server) -> None:
    turtle = "<http://example.org/a> <http://example.org/p> 1 ."
    created = requests.put(server.store, params={"graph": NEW}, data=turtle,
                           headers={**AUTH, "Content-Type": "text/turtle"})
    assert created.status_code == 201
    replaced = requests.put(server.store, params={"graph": NEW}, data=turtle,
                            headers={**AUTH, "Content-Type": "text/turtle"})
    assert replaced.status_code == 204
    added = requests.post(
        server.store, params={"graph": NEW},
        data='<http://example.org/a> <http://example.org/p> "two" .',
        headers={**AUTH, "Content-Type": "application/n-triples"},
    )
    assert added.status_code == 204
    graph = rdflib.Graph().parse(data=fetch(server, NEW, "application/n-triples").content,
                                 format="nt")
    assert set(graph.objects()) == {rdflib.Literal(1), rdflib.Literal("two")}
    # The query endpoint sees the write at once (a new data version).
    ask = requests.get(server.sparql, params={"query": 'ASK { ?s ?p "two" }'})
    assert ask.json()["boolean"] is True
    assert requests.delete(server.store, params={"graph": NEW}, headers=AUTH).status_code == 204
    assert fetch(server, NEW).status_code == 404
    assert requests.delete(server.store, params={"graph": NEW}, headers=AUTH).status_code == 404


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_an_empty_body_creates_an_empty_graph(server, method: str) -> None:
    graph = f"http://example.org/graphs/empty-{method.lower()}"
    created = requests.request(method, server.store, params={"graph": graph}, data=b"",
                               headers={**AUTH, "Content-Type": "text/turtle"})
    assert created.status_code == 201
    assert "Content-Type" not in created.headers  # nothing to label
    fetched = fetch(server, graph, "application/n-triples")
    assert fetched.status_code == 200 and fetched.content.strip() == b""
    again = requests.request(method, server.store, params={"graph": graph}, data=b"",
                             headers={**AUTH, "Content-Type": "text/turtle"})
    assert again.status_code == 204


def test_only_one_of_two_racing_puts_creates_the_graph(server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def put(graph: str) -> int:
        return requests.put(server.store, params={"graph": graph}, data="<http://a> <http://b> 1 .",
                            headers={**AUTH, "Content-Type": "text/turtle"}).status_code

    with ThreadPoolExecutor(4) as pool:
        for n in range(10):
            graph = f"http://example.org/graphs/race-{n}"
            assert sorted(pool.map(put, [graph, graph])) == [201, 204]


def test_conditional_requests(server) -> None:
    graph = "http://example.org/graphs/conditional"
    turtle = {**AUTH, "Content-Type": "text/turtle"}
    # If-None-Match: * creates only; If-Match: * replaces only.
    assert requests.put(server.store, params={"graph": graph}, data="<http://a> <http://b> 1 .",
                        headers={**turtle, "If-Match": "*"}).status_code == 412
    assert requests.put(server.store, params={"graph": graph}, data="<http://a> <http://b> 1 .",
                        headers={**turtle, "If-None-Match": "*"}).status_code == 201
    assert requests.put(server.store, params={"graph": graph}, data="<http://a> <http://b> 2 .",
                        headers={**turtle, "If-None-Match": "*"}).status_code == 412
    seen = fetch(server, graph)
    etag = seen.headers["ETag"]
    assert fetch(server, graph).headers["ETag"] == etag
    revalidated = requests.get(server.store, params={"graph": graph},
                               headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert revalidated.status_code == 304 and not revalidated.content
    # A lost update is refused: the writer names the version it saw.
    assert requests.put(server.store, params={"graph": graph}, data="<http://a> <http://b> 3 .",
                        headers={**turtle, "If-Match": etag}).status_code == 204
    stale = requests.put(server.store, params={"graph": graph}, data="<http://a> <http://b> 4 .",
                         headers={**turtle, "If-Match": etag})
    assert stale.status_code == 412 and stale.headers["Content-Type"].startswith("text/plain")
    current = fetch(server, graph)
    assert b"3" in current.content
    # A refused write changes nothing, its ETag included: the holder of it may still write.
    assert requests.put(server.store, params={"graph": graph}, data="<http://a> <http://b> 6 .",
                        headers={**turtle, "If-Match": '"not-it"'}).status_code == 412
    assert fetch(server, graph).headers["ETag"] == current.headers["ETag"]
    # If-Match compares strongly (RFC 9110 13.1.1): the weak form of the tag does not match.
    assert requests.put(server.store, params={"graph": graph}, data="<http://a> <http://b> 5 .",
                        headers={**turtle, "If-Match": "W/" + current.headers["ETag"]}).status_code == 412
    assert requests.put(server.store, params={"graph": graph}, data="<http://a> <http://b> 5 .",
                        headers={**turtle, "If-Match": current.headers["ETag"]}).status_code == 204


def test_post_to_the_store_itself_creates_a_new_graph(server) -> None:
    posted = requests.post(server.store, data="<http://example.org/n> <http://example.org/p> 7 .",
                           headers={**AUTH, "Content-Type": "text/turtle"})
    assert posted.status_code == 201
    graph = posted.headers["Location"]
    assert graph.startswith(GRAPH + "store/")
    content = rdflib.Graph().parse(data=fetch(server, graph).content, format="turtle")
    assert set(content.objects()) == {rdflib.Literal(7)}
    second = requests.post(server.store, data="", headers={**AUTH, "Content-Type": "text/turtle"})
    assert second.status_code == 201 and second.headers["Location"] != graph


def test_a_multipart_upload_merges_its_files(server) -> None:
    graph = "http://example.org/graphs/uploaded"
    # Two files under one field name, as `curl -F file=@a.ttl -F file=@b.nt` sends them.
    files = [
        ("file", ("a.ttl", b"<http://example.org/u> <http://example.org/p> 1 .", "text/turtle")),
        # curl -F sends a file as octet-stream: its extension says what it is.
        ("file", ("b.nt", b'<http://example.org/u> <http://example.org/p> "2" .\n',
                  "application/octet-stream")),
    ]
    response = requests.post(server.store, params={"graph": graph}, files=files, headers=AUTH)
    assert response.status_code == 201, response.text
    content = rdflib.Graph().parse(data=fetch(server, graph).content, format="turtle")
    assert set(content.objects()) == {rdflib.Literal(1), rdflib.Literal("2")}
    # Text fields only: no document, so nothing is replaced by an empty graph.
    no_files = requests.put(server.store, params={"graph": graph}, headers=AUTH,
                            files={"data": (None, "<http://example.org/u> <http://example.org/p> 3 .")})
    assert no_files.status_code == 400
    assert len(rdflib.Graph().parse(data=fetch(server, graph).content, format="turtle")) == 2
    unreadable = requests.post(server.store, params={"graph": graph}, headers=AUTH,
                               files={"x": ("notes.txt", b"hello", "application/octet-stream")})
    assert unreadable.status_code == 415 and "notes.txt" in unreadable.text


def test_deleting_someone_else_s_graph_leaves_its_namesake_alone(server) -> None:
    graph = "http://example.org/graphs/theirs"
    for name in (graph, graph + "/inferred"):  # not ours: the two are unrelated
        assert requests.put(server.store, params={"graph": name}, data="<http://a> <http://b> 1 .",
                            headers={**AUTH, "Content-Type": "text/turtle"}).status_code == 201
    assert requests.delete(server.store, params={"graph": graph}, headers=AUTH).status_code == 204
    assert fetch(server, graph + "/inferred").status_code == 200


def test_the_whole_dataset_says_it_varies_with_accept(server) -> None:
    assert requests.get(server.store, headers={"Accept": "application/trig"}).headers["Vary"] == "Accept"


def test_default_graph(server) -> None:
    jsonld = '{"@id": "http://example.org/d", "http://example.org/p": "in default"}'
    put = requests.put(server.store, params={"default": ""}, data=jsonld,
                       headers={**AUTH, "Content-Type": "application/ld+json"})
    assert put.status_code == 204
    graph = rdflib.Graph().parse(data=fetch(server, None).content, format="turtle")
    assert len(graph) == 1  # only the real default graph, not the union queries see
    assert requests.delete(server.store, params={"default": ""}, headers=AUTH).status_code == 204
    assert len(rdflib.Graph().parse(data=fetch(server, None).content, format="turtle")) == 0


@pytest.mark.parametrize(
    ("method", "params", "kwargs", "status"),
    [
        ("PUT", {"graph": NEW}, {"data": "not turtle at all <",
                                 "headers": {**AUTH, "Content-Type": "text/turtle"}}, 400),
        ("PUT", {"graph": NEW}, {"data": "x", "headers": {**AUTH, "Content-Type": "image/png"}},
         415),
        ("PUT", {"graph": NEW}, {"data": "<http://a> <http://b> <http://c> <http://g> .",
                                 "headers": {**AUTH, "Content-Type": "application/n-quads"}},
         400),
        ("GET", {"graph": NEW, "default": ""}, {}, 400),
        ("GET", {"graph": ARTICLE_GRAPH}, {"headers": {"Accept": "image/png"}}, 406),
        # Not absolute IRIs (these were 500s: the check let them through to pyoxigraph).
        ("GET", {"graph": "_:b0"}, {}, 400),
        ("GET", {"graph": "1http://x"}, {}, 400),
        ("DELETE", {"graph": "http://example.org/%zz"}, {"headers": AUTH}, 400),
        ("PUT", {"graph": "http://[::1"}, {"data": "<http://a> <http://b> <http://c> .",
                                           "headers": {**AUTH, "Content-Type": "text/turtle"}}, 400),
        # Quoted triples parse, but a graph here holds plain triples only.
        ("PUT", {"graph": NEW}, {"data": "<< <http://a> <http://b> <http://c> >> <http://q> 1 .",
                                 "headers": {**AUTH, "Content-Type": "text/turtle"}}, 400),
    ],
)
def test_errors(server, method, params, kwargs, status) -> None:
    response = requests.request(method, server.store, params=params, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("text/plain")
