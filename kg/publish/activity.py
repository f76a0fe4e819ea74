"""The events one entity takes part in: newest first, counted per role, type and month, paged.

A state of the GDELT samples takes part in tens of thousands of events; reading each event's
date and type costs a look-up per event, so the index of an entity is built once per data
version (ActivityCache) and a page then reads only its own events (describe.timeline_entries).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field

from kg.model.vocab import NG
from kg.publish.describe import ROLES, Incoming, incoming
from kg.publish.refresh import Refreshing
from kg.store import Store

EVENTS_PER_PAGE = 50
CACHED_ENTITIES = 64  # indexes kept per data version; the busiest state's holds ~40k events


@dataclass(frozen=True)
class Activity:
    """The events of one entity (newest first, undated last), their counts, and what points at it."""

    iri: str
    incoming: Incoming = field(default_factory=lambda: Incoming({}, ()))
    events: tuple[str, ...] = ()
    by_role_type: dict[tuple[str, str], int] = field(default_factory=dict)  # (role, type) -> events
    by_role: dict[str, int] = field(default_factory=dict)  # role -> events
    by_type: dict[str, int] = field(default_factory=dict)  # asserted type -> events
    months: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" -> events, oldest first

    def pages(self, size: int = EVENTS_PER_PAGE) -> int:
        """How many pages of ``size`` events there are (at least one)."""
        return max(1, -(-len(self.events) // size))

    def page(self, number: int, size: int = EVENTS_PER_PAGE) -> tuple[str, ...]:
        """The events of page ``number`` (from 1), newest first."""
        start = (number - 1) * size
        return self.events[start:start + size] if number >= 1 else ()


def activity(store: Store, iri: str) -> Activity:
    """Every event iri takes part in (any role), with counts per role, asserted type and month,
    and the summary of what points at it (describe.incoming)."""
    roles = " ".join(f"<{r}>" for r in ROLES)
    rows = store.select(
        f"""SELECT ?event ?role ?date ?start ?type WHERE {{
          VALUES ?role {{ {roles} }}
          ?event ?role <{iri}> .
          ?event a <{NG.Event}> .
          OPTIONAL {{ ?event <{NG.date}> ?date }}
          OPTIONAL {{ ?event <{NG.startDate}> ?start }}
          OPTIONAL {{ GRAPH ?g {{ ?event a ?type }} FILTER(!STRENDS(STR(?g), "/inferred")) }}
        }}"""
    )
    dates: dict[str, str] = {}
    roles_of: dict[str, set[str]] = collections.defaultdict(set)
    types_of: dict[str, set[str]] = collections.defaultdict(set)
    for r in rows:
        event = r["event"].value
        roles_of[event].add(r["role"].value)
        when = r.get("date") or r.get("start")
        if when is not None:
            dates.setdefault(event, when.value)
        if "type" in r:
            types_of[event].add(r["type"].value)
    # Newest first by the date's text (ISO dates of any precision sort as text), undated
    # last ("" sorts first, so last when reversed); a stable sort keeps IRI order within a day.
    ordered = sorted(roles_of)
    ordered.sort(key=lambda e: dates.get(e, ""), reverse=True)
    by_role_type: collections.Counter[tuple[str, str]] = collections.Counter()
    by_role: collections.Counter[str] = collections.Counter()
    by_type: collections.Counter[str] = collections.Counter()
    months: collections.Counter[str] = collections.Counter()
    for event, event_roles in roles_of.items():
        types = types_of.get(event) or {str(NG.Event)}
        by_role.update(event_roles)
        by_type.update(types)
        by_role_type.update((role, t) for role in event_roles for t in types)
        if event in dates and len(dates[event]) >= 7 and dates[event][4] == "-":
            months[dates[event][:7]] += 1
    return Activity(iri, incoming(store, iri), tuple(ordered), dict(by_role_type), dict(by_role),
                    dict(by_type), dict(sorted(months.items())))


class ActivityCache:
    """Activity per entity at the latest data version, the most recently used CACHED_ENTITIES
    of them (kg.publish.refresh: after a write, a slow rebuild shows the figures of before)."""

    def __init__(self, store: Store, size: int = CACHED_ENTITIES) -> None:
        self._kept: Refreshing[str, Activity] = Refreshing(lambda iri: activity(store, iri), size=size)

    def get(self, iri: str, version: object) -> Activity:
        """The entity's Activity at this data version (or, while it is rebuilt, the one before)."""
        return self._kept.get(iri, version)
