"""What travels between the server and its query workers."""

from __future__ import annotations

import dataclasses

from kg.query.engine import QueryJob
from kg.query.workers import _job_fields


def test_a_job_reaches_the_worker_whole() -> None:
    job = QueryJob(
        "ASK { ?s ?p ?o }", (("boolean", "xml"),), default_graphs=("http://example.org/a",),
        named_graphs=("http://example.org/b",), union_default_graph=False,
        base_iri="http://example.org/",
    )
    # Every field differs from its default, so a field left out of the message shows.
    for field in dataclasses.fields(QueryJob):
        assert getattr(job, field.name) != field.default
    assert QueryJob(*_job_fields(job)) == job
