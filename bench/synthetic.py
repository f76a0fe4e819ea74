"""Deterministic synthetic facts files, for benchmarks and crash tests (not real news)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

_STATES = (
    "Iran",
    "Russia",
    "United States",
    "Israel",
    "China",
    "Pakistan",
    "Ukraine",
    "Iraq",
    "France",
    "Germany",
    "India",
    "Turkey",
    "Egypt",
    "Saudi Arabia",
    "Japan",
    "Brazil",
)
_PERSONS = ("Vladimir Putin", "Ali Khamenei", "Abbas Araghchi", "Vassily Nebenzia")
_EVENTS = (
    "Meeting",
    "Visit",
    "Statement",
    "Condemnation",
    "CeasefireCall",
    "MediationOffer",
    "Assurance",
    "Coordination",
    "Appeal",
    "Accusation",
    "Airstrike",
)


def synthetic_article(index: int, facts_per_article: int = 10) -> str:
    """The YAML of synthetic article number ``index``: the same index gives the same text."""
    rng = random.Random(index)
    published = dt.date(2020, 1, 1) + dt.timedelta(days=index % 2000)
    lines = [
        "article:",
        f"  id: synthetic-{index:06d}",
        f"  title: Synthetic report number {index}",
        "  publisher: Reuters",
        f"  published: {published.isoformat()}",
        "facts:",
    ]
    for n in range(facts_per_article):
        agent, other = rng.sample(_STATES, 2)
        lines += [
            f"  - key: fact-{n}",
            f"    type: {rng.choice(_EVENTS)}",
            f"    label: Synthetic event {n} of report {index}",
            f"    date: {(published - dt.timedelta(days=rng.randrange(7))).isoformat()}",
            f"    agent: [{agent}]",
            f"    target: [{other}]",
            f"    participant: [{rng.choice(_PERSONS)}]",
            f"    confidence: {rng.randrange(50, 100) / 100}",
            f"    evidence: [{{start: {n * 100}, end: {n * 100 + 80}}}]",
        ]
    return "\n".join(lines) + "\n"


def write_synthetic_articles(folder: Path, count: int, facts_per_article: int = 10) -> list[Path]:
    """Write ``count`` synthetic facts files into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"synthetic-{index:06d}.yaml"
        path.write_text(synthetic_article(index, facts_per_article), encoding="utf-8")
        paths.append(path)
    return paths
