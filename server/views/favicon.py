"""The site's icon, at /favicon.svg (linked from every page) and /favicon.ico (asked for by habit)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_file

from kg.model import formats

blueprint = Blueprint("favicon", __name__)
ICON = Path(__file__).resolve().parent.parent / "static" / "favicon.svg"
# A browser asks for the icon with every page it opens: a month's cache spares those requests.
MAX_AGE = 30 * 24 * 3600


# Listed last, added first: url_for names /favicon.svg.
@blueprint.route("/favicon.ico")
@blueprint.route("/favicon.svg")
def favicon() -> Response:
    """The icon, an SVG of our own, cached for a month (browsers that ask for .ico read SVG too)."""
    return send_file(ICON, mimetype=formats.SVG, max_age=MAX_AGE, conditional=True, etag=True)
