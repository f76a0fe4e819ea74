"""/store: the SPARQL 1.1 Graph Store HTTP Protocol on ?graph=IRI and ?default."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, Response, request
from werkzeug.wsgi import wrap_file

from kg.ingest.writer import remove_graph
from kg.model import formats
from kg.model.iris import Iris
from kg.query.engine import QueryJob
from kg.store import AnyStore
from server.http import negotiation
from server.http.answers import etag_matches, query_answer
from server.http.protocol import (
    BadRequest,
    GraphTarget,
    NotFound,
    PreconditionFailed,
    UnsupportedMediaType,
    media_type_of,
    parse_graph_target,
)
from server.state import state
from server.views import as_response

blueprint = Blueprint("graph_store", __name__)
T = TypeVar("T")


def _target() -> GraphTarget:
    target = parse_graph_target(request.args.to_dict(flat=False))
    if target is None:
        raise BadRequest("name the graph: ?graph=IRI, or ?default for the default graph")
    return target


def _dataset_response() -> Response:
    """The whole dataset, every graph, in a negotiated dataset format (TriG, N-Quads, JSON-LD)."""
    fmt = negotiation.for_kind(formats.DATASET, request.headers.get("Accept"), request.args.get("format"))
    # Spooled to disk past 8 MiB: a large store is never held whole in memory.
    body = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    state().store.dump(body, fmt.media_type)
    body.seek(0)
    return Response(wrap_file(request.environ, body), content_type=fmt.content_type,
                    direct_passthrough=True, headers={"Vary": "Accept"})


def _name(target: GraphTarget) -> str:
    return "the default graph" if target.graph is None else f"graph <{target.graph}>"


def _require_existing(target: GraphTarget) -> None:
    if not state().store.graph_exists(target.graph):
        raise NotFound(f"{_name(target)} does not exist")


@blueprint.route("/store", methods=["GET"])
def get_graph() -> Response:
    """A graph's triples, or with neither ?graph nor ?default the whole dataset (HEAD: no body)."""
    ng = state()
    if parse_graph_target(request.args.to_dict(flat=False)) is None:
        return _dataset_response()
    target = _target()
    _require_existing(target)
    fmt = negotiation.for_kind(
        formats.GRAPH, request.headers.get("Accept"), request.args.get("format")
    )
    return as_response(query_answer(
        ng.engine, _graph_job(target, fmt), method=request.method,
        if_none_match=request.headers.get("If-None-Match"),
    ))


def _graph_job(target: GraphTarget, fmt: formats.Format) -> QueryJob:
    """The query behind GET of one graph in one format (its ETag is the graph's)."""
    if target.graph is None:
        sparql = "CONSTRUCT WHERE { ?s ?p ?o }"
    else:
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{target.graph}> {{ ?s ?p ?o }} }}"
    # The real default graph here, not the union that queries see by default.
    return QueryJob(sparql, ((formats.GRAPH, fmt.name),), union_default_graph=False)


def _write(target: GraphTarget, change: Callable[[AnyStore], T]) -> T:
    """Apply a change to a graph under the write lock, once its If-Match / If-None-Match hold.

    :raises PreconditionFailed: when If-Match names none of the graph's current ETags (in any
        format) or it does not exist, or If-None-Match names one of them (or "*") and it does.
    """
    ng = state()
    if_match, if_none_match = request.headers.get("If-Match"), request.headers.get("If-None-Match")

    def check(store: AnyStore) -> None:
        exists = store.graph_exists(target.graph)
        etags = [ng.engine.etag(_graph_job(target, fmt)) or ""
                 for fmt in formats.formats_for(formats.GRAPH)] if exists else []
        if if_match and not any(etag_matches(etag, if_match, strong=True) for etag in etags):
            raise PreconditionFailed(f"If-Match: {_name(target)} is not as you last saw it")
        if if_none_match and any(etag_matches(etag, if_none_match) for etag in etags):
            raise PreconditionFailed(f"If-None-Match: {_name(target)} exists as you named it")

    return ng.engine.write(change, check=check if if_match or if_none_match else None)


def _body_quads(target: GraphTarget) -> list:
    """The request's triples as quads of the target graph: one RDF document, or the files of
    a multipart/form-data upload merged (as `curl -F file=@data.ttl` sends them, GSP 5.5).

    :raises UnsupportedMediaType: when a document's type is not one we read.
    :raises RdfFormatError: when one does not parse.
    """
    ng = state()
    base = target.graph or request.base_url
    media_type = media_type_of(request.content_type)
    if media_type == formats.MULTIPART_FORM:
        uploads = [upload for _, upload in request.files.items(multi=True)]
        if not uploads:  # a PUT of nothing must not empty the graph by mistake
            raise BadRequest("the multipart body has no file parts; send each document as a file "
                             "(curl -F 'file=@data.ttl')")
        quads = []
        for upload in uploads:
            # The part's own type, else its file name's extension (curl sends octet-stream).
            fmt = formats.rdf_parser_format(media_type_of(upload.content_type))
            if fmt is None and upload.filename and "." in upload.filename:
                fmt = formats.by_name(upload.filename.rsplit(".", 1)[1])
            quads += ng.engine.parse(upload.read(), _readable(fmt, upload.filename or "a part").media_type,
                                    graph=target.graph, base_iri=base)
        return quads
    fmt = _readable(formats.rdf_parser_format(media_type), f"Content-Type {media_type or '(none)'}")
    return ng.engine.parse(request.get_data(), fmt.media_type, graph=target.graph, base_iri=base)


def _readable(fmt: formats.Format | None, what: str) -> formats.Format:
    if fmt is None or fmt.rdf is None:
        readable = [f.media_type for f in formats.formats_for(formats.GRAPH)]
        raise UnsupportedMediaType(f"cannot read a graph from {what}; use one of: " + ", ".join(readable))
    return fmt


@blueprint.route("/store", methods=["PUT"])
def put_graph() -> Response:
    """Replace a graph with the request body: 201 when it is new, 204 otherwise."""
    ng = state()
    ng.require_writer(request.headers.get("Authorization"))
    target = _target()
    quads = _body_quads(target)

    def replace(store: AnyStore) -> bool:
        existed = store.graph_exists(target.graph)  # under the write lock: one PUT gets the 201
        store.replace_graph(target.graph, quads)
        return existed

    return Response(status=204 if _write(target, replace) else 201)


@blueprint.route("/store", methods=["POST"])
def post_graph() -> Response:
    """Add the request body's triples to a graph: 201 when it is new, 204 otherwise.

    A POST to the Graph Store itself (no ?graph, no ?default) makes a new graph with an IRI
    we choose, and answers 201 with that IRI in Location (GSP 5.5).
    """
    ng = state()
    ng.require_writer(request.headers.get("Authorization"))
    new = parse_graph_target(request.args.to_dict(flat=False)) is None
    target = GraphTarget(Iris(ng.settings.base_iri).new_store_graph()) if new else _target()
    quads = _body_quads(target)

    def add(store: AnyStore) -> bool:
        existed = store.graph_exists(target.graph)
        if quads:
            store.add(quads)
        elif target.graph is not None:
            store.create_graph(target.graph)  # an empty body still makes the graph exist
        return existed

    existed = _write(target, add)
    if new:
        return Response(status=201, headers={"Location": str(target.graph)})
    return Response(status=204 if existed else 201)


@blueprint.route("/store", methods=["DELETE"])
def delete_graph() -> Response:
    """Remove a graph (empty the default graph): 204, or 404 when it does not exist."""
    ng = state()
    ng.require_writer(request.headers.get("Authorization"))
    target = _target()
    _require_existing(target)
    if target.graph is None:
        _write(target, lambda store: store.clear_graph(None))
    else:
        iris = Iris(ng.settings.base_iri)
        _write(target, lambda store: remove_graph(store, iris, target.graph))
    return Response(status=204)
