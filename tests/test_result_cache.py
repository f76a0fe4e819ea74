"""The result cache: a repeated query is answered without running until the next write, and
a full cache gives the garbage collector nothing more to walk through."""

from __future__ import annotations

import gc

from kg.config import Settings
from kg.query.engine import InProcessEngine, QueryJob
from kg.store import Store

COUNT = QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", (("solutions", "json"),))


def _engine() -> InProcessEngine:
    return InProcessEngine(Store(None), Settings(store=":memory:", autoload=False))


def test_a_repeated_query_is_answered_from_the_cache_until_a_write() -> None:
    engine = _engine()
    first = engine.run(COUNT)
    body = first.body()
    again = engine.run(COUNT)
    assert (first.cached, again.cached) == (False, True)
    assert again.body() == body
    engine.write(lambda store: store.update("INSERT DATA { <http://a> <http://b> <http://c> }"))
    after = engine.run(COUNT)
    assert not after.cached
    assert after.body() != body


def test_cached_results_give_the_garbage_collector_nothing_to_track() -> None:
    engine = _engine()
    engine.run(COUNT).body()
    gc.collect()
    before = len(gc.get_objects())
    for i in range(2_000):
        job = QueryJob(f"ASK {{ <http://example.org/{i}> ?p ?o }}", (("boolean", "json"),))
        assert engine.run(job).body()
    assert engine.run(job).cached  # they are all in the cache
    gc.collect()
    # Objects as keys and entries were about five tracked objects a result: 10,000 here.
    assert len(gc.get_objects()) - before < 200
