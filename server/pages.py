"""HTML pages. For now only a placeholder query page; the real one is built separately."""

from __future__ import annotations

from flask import render_template


def query_page(endpoint: str) -> str:
    """The HTML answered to a browser that opens the endpoint without a query."""
    return render_template("sparql.html", endpoint=endpoint)
