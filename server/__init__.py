"""The Newsgraph web layer: HTTP in, calls of kg, HTTP out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from kg.config import Settings
from kg.errors import KgError
from kg.query import QueryEngine, open_engine
from kg.store import AnyStore, open_configured_store
from server.body_limit import BodyLimit
from server.errors import error_response
from server.fast_path import QueryFastPath
from server.protocol import PayloadTooLarge, ProtocolError

# Fetch's CORS: every response names the origins and the headers a script may read; the
# methods, request headers and how long to remember them matter only to a preflight.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Type, ETag, Location, Retry-After, WWW-Authenticate",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type, If-None-Match",
    "Access-Control-Max-Age": "86400",
}


@dataclass
class Newsgraph:
    """What the views need: settings, the store and the query engine over it."""

    settings: Settings
    store: AnyStore
    engine: QueryEngine

    def close(self) -> None:
        """Stop the query workers; the caller that opened the store closes it."""
        self.engine.close()


def state() -> Newsgraph:
    """The Newsgraph state of the current app."""
    return current_app.extensions["newsgraph"]


def create_app(settings: Settings | None = None, *, store: AnyStore | None = None) -> Flask:
    """A Flask app serving the SPARQL endpoint and the Graph Store over settings.store.

    Reads NEWSGRAPH_* variables only when settings is None.
    """
    settings = Settings.from_env() if settings is None else settings
    store = open_configured_store(settings) if store is None else store
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    newsgraph = Newsgraph(settings, store, open_engine(store, settings))
    app.extensions["newsgraph"] = newsgraph
    fast_path = QueryFastPath(app.wsgi_app, newsgraph, extra_headers=CORS_HEADERS)
    app.wsgi_app = BodyLimit(fast_path, settings.max_request_bytes, extra_headers=CORS_HEADERS)  # type: ignore[method-assign]

    from server import graph_store, sparql

    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(graph_store.blueprint)
    from server import ontology_pages, pages  # linked-data pages: entities, search, VoID

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(ontology_pages.blueprint)
    from server import articles  # POST /articles: facts files over HTTP

    app.register_blueprint(articles.blueprint)

    @app.before_request
    def limit_query_string() -> None:
        if len(request.query_string) > settings.max_request_bytes:
            raise PayloadTooLarge(
                f"the query string is longer than {settings.max_request_bytes} bytes; "
                "POST the query instead"
            )

    @app.after_request
    def cors(response: Response) -> Response:
        # Browser clients (YASGUI, Comunica) call the endpoint from other origins.
        headers = response.headers
        # One pass over the headers: `key in headers` raises and catches an error per miss.
        present = {key.lower() for key, _ in headers.items()}
        wanted = CORS_HEADERS | PREFLIGHT_HEADERS if request.method == "OPTIONS" else CORS_HEADERS
        for key, value in wanted.items():
            if key.lower() not in present:
                headers[key] = value
        asked = request.headers.get("Access-Control-Request-Headers")
        if request.method == "OPTIONS" and asked:
            # A preflight may name any header a client library adds (X-Requested-With…):
            # queries are public and writes need the token, so every header may come.
            headers["Access-Control-Allow-Headers"] = asked
        if response.status_code in (201, 204) and not response.is_streamed and not response.get_data():
            headers.pop("Content-Type", None)  # Flask's default text/html labels nothing here
        return response

    app.register_error_handler(ProtocolError, error_response)
    app.register_error_handler(KgError, error_response)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        # werkzeug's own errors (404 route, 413 body) in the same text/plain shape as ours.
        response = Response(
            f"{error.description}\n", status=error.code or 500, mimetype="text/plain"
        )
        for key, value in error.get_headers():
            if key.lower() != "content-type":
                response.headers[key] = value
        return response

    return app
