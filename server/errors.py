"""Flask's side of our answers: errors and built answers as Flask responses."""

from __future__ import annotations

from flask import Response

from server.answers import Answer, error_answer


def as_response(answer: Answer) -> Response:
    """A Flask response that sends an answer as it is."""
    response = Response(answer.body, status=answer.status, headers=answer.headers)
    # An answer has its Content-Length when it is known; an empty HEAD body is not "0".
    response.automatically_set_content_length = False
    return response


def error_response(error: Exception) -> Response:
    """A text/plain answer with the error's own message (the parser's, for a 400)."""
    return as_response(error_answer(error))
