"""The ontology at its namespace IRI, its version IRI and its SHACL shapes, by negotiation.

The ontology is a hash namespace, so /ontology answers directly: documentation for people,
Turtle (the source file, comments and all) or another RDF format for machines.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from rdflib import OWL, URIRef

from kg.model import formats
from kg.model.formats import Format
from kg.model.vocab import NG_IRI
from server.http import negotiation
from server.views.resources import (
    DOCUMENT_FORMATS,
    HTML_EXT,
    negotiate_document,
    not_found,
)

blueprint = Blueprint("ontology_pages", __name__)
RDFLIB_NAMES = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml"}


@blueprint.route("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """The ontology's owl:versionIRI: the ontology itself while that version is the current one."""
    from kg.model.ontology import ONTOLOGY_IRI, ontology_graph

    current = ontology_graph().value(URIRef(ONTOLOGY_IRI), OWL.versionIRI)
    if current is None or str(current) != f"{ONTOLOGY_IRI}/{version}":
        return not_found(f"There is no version {version} of the ontology here; "
                          f"{ONTOLOGY_IRI} is the current one.")
    return ontology()


@blueprint.route("/shapes")
@blueprint.route("/shapes.<ext>")
def shapes(ext: str | None = None) -> Response:
    """The SHACL shapes the data is checked against, in RDF (the ontology's rdfs:seeAlso)."""
    from kg.model.ontology import shapes_graph

    if ext is None:
        chosen = negotiation.choose(DOCUMENT_FORMATS, request.headers.get("Accept"),
                                    request.args.get("format"))
        assert isinstance(chosen, Format)
    else:
        chosen = _document_format(ext)
    data = shapes_graph().serialize(format=RDFLIB_NAMES[chosen.name], encoding="utf-8")
    return Response(data, content_type=chosen.content_type, headers={"Vary": "Accept"})


def _document_format(ext: str) -> Format:
    """The document format of a file extension (.ttl, .jsonld…); 404 for any other."""
    found = formats.by_name(ext)
    if found is None or found not in DOCUMENT_FORMATS:
        abort(404)
    return found


@blueprint.route("/ontology")
@blueprint.route("/ontology.<ext>")
def ontology(ext: str | None = None) -> Response:
    """The ontology: documentation for people, Turtle (and other RDF) for machines."""
    from kg.model.ontology import ontology_graph, ontology_turtle

    if ext is None:
        chosen = negotiate_document()
    elif ext == HTML_EXT:
        chosen = negotiation.HTML
    else:
        chosen = _document_format(ext)
    headers = {"Vary": "Accept"}
    if ext is None:  # negotiated: name the document that was chosen (RFC 9110 8.7)
        extension = chosen.extension if isinstance(chosen, Format) else HTML_EXT
        headers["Content-Location"] = f"{request.host_url}ontology.{extension}"
    if isinstance(chosen, Format):
        if chosen.name == "turtle":
            data = ontology_turtle().encode()  # the source file, with its comments and layout
        else:
            data = ontology_graph().serialize(format=RDFLIB_NAMES[chosen.name], encoding="utf-8")
        return Response(data, content_type=chosen.content_type, headers=headers)
    from kg.publish.ontology_doc import ontology_doc

    documents = [(f, f"{request.host_url}ontology.{f.extension}") for f in DOCUMENT_FORMATS]
    html = render_template("ontology.html", title="Newsgraph ontology", doc=ontology_doc(ontology_graph()),
                           documents=documents, namespace=NG_IRI)
    return Response(html, content_type=formats.HTML_CONTENT_TYPE, headers=headers)
