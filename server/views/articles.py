"""POST /articles: ingest one facts document over HTTP, with the checks of `kg ingest`."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from kg.ingest.writer import Ingestor
from kg.model import formats
from kg.model.iris import Iris
from server.http.auth import require_writer
from server.http.protocol import BadRequest, UnsupportedMediaType, media_type_of
from server.state import state
from server.views.resources import page_url

blueprint = Blueprint("articles", __name__)


@blueprint.route("/articles", methods=["POST"])
def post_article() -> Response:
    """Check and write one article's facts (YAML): 201 with its IRI, or 400 naming every problem."""
    ng = state()
    require_writer(ng.settings, request.headers.get("Authorization"))
    media_type = media_type_of(request.content_type)
    if media_type not in formats.YAML_TYPES:
        raise UnsupportedMediaType(
            f"POST /articles takes a facts file as {formats.YAML_TYPES[0]}, not {media_type or 'no type'}"
        )
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the facts file is not UTF-8: {exc}") from exc
    iris = Iris(ng.settings.base_iri)
    # Checked and mapped before anything is written; written in one transaction.
    article = ng.engine.write(lambda store: Ingestor(store, iris).ingest_text(text, "request body"))
    iri = iris.article(article.article_id)
    body = {
        "article": iri,
        "graph": iris.article_graph(article.article_id),
        "facts": article.fact_count,
        "triples": article.triple_count,
    }
    return Response(
        json.dumps(body) + "\n", status=201, mimetype=formats.JSON,
        headers={"Location": page_url(iri) or iri},
    )
