"""The Newsgraph web layer: HTTP in, calls of kg, HTTP out."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from kg.config import Settings
from kg.errors import KgError
from kg.query import open_engine
from kg.store import AnyStore, open_configured_store
from server.http.protocol import ProtocolError
from server.state import Newsgraph
from server.views import error_response
from server.wsgi import ERROR_KEY, Middleware


def create_app(settings: Settings | None = None, *, store: AnyStore | None = None) -> Flask:
    """A Flask app serving the SPARQL endpoint, the Graph Store and the pages over settings.store.

    Reads NEWSGRAPH_* variables only when settings is None.
    """
    settings = Settings.from_env() if settings is None else settings
    store = open_configured_store(settings, through_server=False) if store is None else store
    app = Flask(__name__)
    # Middleware checks the size of every body; multipart forms are werkzeug's to read.
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    newsgraph = Newsgraph(settings, store, open_engine(store, settings))
    app.extensions["newsgraph"] = newsgraph
    app.wsgi_app = Middleware(app.wsgi_app, newsgraph)  # type: ignore[method-assign]

    from server.views import articles, classes, favicon, graph_store, ontology, resources, sparql

    for module in (sparql, graph_store, resources, ontology, articles, classes, favicon):
        app.register_blueprint(module.blueprint)

    @app.before_request
    def raise_early_error() -> None:
        # An error server.wsgi met before Flask saw the request: answered like any other.
        error = request.environ.get(ERROR_KEY)
        if error is not None:
            raise error

    @app.after_request
    def no_type_for_nothing(response: Response) -> Response:
        if response.status_code in (201, 204) and not response.is_streamed and not response.get_data():
            response.headers.pop("Content-Type", None)  # Flask's default text/html labels nothing here
        return response

    for error_class in (ProtocolError, KgError, HTTPException):
        app.register_error_handler(error_class, error_response)
    return app
