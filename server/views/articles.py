"""POST /articles and DELETE /articles/ID: one article over HTTP, with the checks of `kg ingest`."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request

from kg.ingest.facts_quads import ArticleQuads
from kg.ingest.sources.facts_yaml import parse_facts
from kg.ingest.sources.news_text import decode_article
from kg.ingest.writer import Ingestor, delete_articles
from kg.model import formats
from kg.model.iris import Iris
from kg.store import AnyStore
from server.http.protocol import BadRequest, UnsupportedMediaType, media_type_of
from server.state import state
from server.views.resources import page_url

blueprint = Blueprint("articles", __name__)


@blueprint.route("/articles", methods=["POST"])
def post_article() -> Response:
    """Check and write one article's facts (and text, if sent): 201 with its IRI, or 400 naming each problem.

    The body is the facts file (YAML), or the facts and the article's text together: a form
    (multipart or URL-encoded) with the parts `facts` and `text`, or JSON {"facts": …, "text": …}.
    Evidence spans are then checked against the text, as `kg ingest` checks them against
    the text_file.
    """
    ng = state()
    ng.require_writer(request.headers.get("Authorization"))
    facts, text = _facts_and_text(ng.settings.max_article_bytes)
    iris = Iris(ng.settings.base_iri)

    parsed = parse_facts(facts, "request body")

    def write(store: AnyStore) -> tuple[bool, ArticleQuads]:
        # Checked and mapped before anything is written; written in one transaction.
        replaced = store.has_graph(iris.article_graph(parsed.article.id))
        return replaced, Ingestor(store, iris).ingest_facts(parsed, "request body", article_text=text)

    replaced, article = ng.engine.write(write)
    iri = iris.article(article.article_id)
    body = {
        "article": iri,
        "graph": iris.article_graph(article.article_id),
        "facts": article.fact_count,
        "triples": article.triple_count,
        "warnings": article.warnings,  # written, but perhaps not as meant (as `kg ingest` warns)
    }
    # 201 for a new article, 200 for one that replaces the article of the same id.
    where = "Content-Location" if replaced else "Location"
    return Response(
        json.dumps(body) + "\n", status=200 if replaced else 201, mimetype=formats.JSON,
        headers={where: page_url(iri) or iri},
    )


@blueprint.route("/articles/<path:article_id>", methods=["DELETE"])
def delete_article(article_id: str) -> Response:
    """Delete one article whole (graphs, record, provenance, text): 200 naming it, or 404."""
    ng = state()
    ng.require_writer(request.headers.get("Authorization"))
    iris = Iris(ng.settings.base_iri)
    [iri] = ng.engine.write(lambda store: delete_articles(store, iris, [article_id]))
    return Response(json.dumps({"deleted": iri}) + "\n", mimetype=formats.JSON)


def _facts_and_text(max_text_bytes: int) -> tuple[str, str | None]:
    """The facts document and the article text (None: not sent) of the request body."""
    media_type = media_type_of(request.content_type)
    if media_type in formats.YAML_TYPES:
        return _utf8(request.get_data(), "the facts file"), None
    if media_type in (formats.MULTIPART_FORM, formats.FORM):
        facts, text = _part("facts"), _part("text")
        if facts is None:
            raise BadRequest("the form has no part named 'facts' (the facts file, YAML)")
        return _utf8(facts, "the 'facts' part"), _article_text(text, "the 'text' part", max_text_bytes)
    if media_type == formats.JSON:
        return _json_facts_and_text(max_text_bytes)
    raise UnsupportedMediaType(
        f"POST /articles takes a facts file as {formats.YAML_TYPES[0]}, or the facts with the "
        f"article's text as a form, {formats.MULTIPART_FORM} (parts 'facts' and 'text'), or {formats.JSON} "
        f"({{\"facts\": …, \"text\": …}}); not {media_type or 'no type'}"
    )


def _json_facts_and_text(max_text_bytes: int) -> tuple[str, str | None]:
    try:
        body: Any = json.loads(request.get_data())
    except ValueError as exc:  # includes UnicodeDecodeError
        raise BadRequest(f"the JSON body does not parse: {exc}") from exc
    if not isinstance(body, dict) or "facts" not in body:
        raise BadRequest('the JSON body must be an object with "facts" (and "text", the article\'s text)')
    facts, text = body["facts"], body.get("text")
    if not isinstance(facts, str | dict):
        raise BadRequest('"facts" must be the facts file as a string, or the same document as a JSON object')
    if text is not None and not isinstance(text, str):
        raise BadRequest('"text" must be the article\'s text, a string')
    # YAML reads JSON: a facts document given as an object goes through the same reader.
    document = facts if isinstance(facts, str) else json.dumps(facts)
    encoded = None if text is None else text.encode("utf-8")
    return document, _article_text(encoded, 'the "text" member', max_text_bytes)


def _part(name: str) -> bytes | None:
    """A form part as bytes, sent as a field (-F name=value) or as a file (-F name=@file)."""
    if name in request.files:
        return request.files[name].read()
    value = request.form.get(name)
    return None if value is None else value.encode("utf-8")


def _article_text(data: bytes | None, where: str, max_bytes: int) -> str | None:
    return None if data is None else decode_article(data, where, max_bytes)


def _utf8(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{where} is not UTF-8: {exc}") from exc
