"""The Flask views, one module per part of the site, and how they send answers and errors."""

from __future__ import annotations

from flask import Response, render_template, request

from server.http.answers import Answer
from server.http.errors import error_answer


def as_response(answer: Answer) -> Response:
    """A Flask response that sends an answer as it is."""
    response = Response(answer.body, status=answer.status, headers=answer.headers)
    # An answer has its Content-Length when it is known; an empty HEAD body is not "0".
    response.automatically_set_content_length = False
    return response


def error_response(error: Exception) -> Response:
    """Every error of every request, in the one shape of server.http.errors."""
    return as_response(error_answer(error, request.headers.get("Accept"), _error_page))


def _error_page(status: int, title: str, message: str) -> str:
    return render_template("error.html", title=title, message=message)
