"""Class pages: /class/{Name} lists the instances of an ontology class, sorted and paged."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response, render_template, request, url_for

from kg.model import formats
from kg.model.vocab import NG_IRI
from kg.publish.ontology_doc import Term
from server.http.protocol import NotFound, page_number
from server.state import state

blueprint = Blueprint("classes", __name__)


@cache
def ontology_classes() -> dict[str, Term]:
    """The classes of the ontology by local name (State, Meeting, …)."""
    # Read once: the ontology is a packaged file, and parsing it takes longer than a page.
    from kg.model.ontology import ontology_graph
    from kg.publish.ontology_doc import ontology_doc

    return {t.name: t for t in ontology_doc(ontology_graph()).classes}


def _local_classes(iris: list[str], classes: dict[str, Term]) -> list[str]:
    """The names of the ontology classes among iris (schema:, prov: parents have no page here)."""
    return [iri[len(NG_IRI):] for iri in iris if iri.startswith(NG_IRI) and iri[len(NG_IRI):] in classes]


@blueprint.route("/class/<name>")
def class_page(name: str) -> Response:
    """The instances of one ontology class with their labels, 100 a page, and how many there are."""
    classes = ontology_classes()
    term = classes.get(name)
    if term is None:
        raise NotFound(f"The ontology has no class called “{name}”; "
                       f"{url_for('ontology_pages.ontology', _external=True)} lists them all.")
    number = page_number(request.args.get("page"))
    ng = state()
    # The engine's version changes with every write, so a new instance shows on the next load.
    page = ng.caches.instances.page(term.iri, ng.engine.version, number)
    if number > page.pages:
        raise NotFound(f"{term.name} has {page.total} instances on {page.pages} page(s); "
                       f"there is no page {number}.")
    shown = term.name + (f", page {page.page} of {page.pages}" if page.pages > 1 else "")
    html = render_template(
        "class.html",
        title=f"Instances of {shown}",
        term=term,
        page=page,
        parents=_local_classes(term.parents, classes),
        children=_local_classes(term.children, classes),
    )
    return Response(html, content_type=formats.HTML_CONTENT_TYPE)
