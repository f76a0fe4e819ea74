"""Write a synthetic N-Quads dataset shaped like ingested news (docs/CONTRACTS.md) for
bench/endpoint.py: `python bench/endpoint_data.py --articles 40000 out.nq` (~1.2M quads)."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

NG = "https://w3id.org/newsgraph/ontology#"
BASE = "https://w3id.org/newsgraph/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
XSD_DATE = "<http://www.w3.org/2001/XMLSchema#date>"
EVENTS = ("Meeting", "Visit", "Statement", "Condemnation", "Airstrike", "Summit")
AGREEMENTS = ("Treaty", "Accord", "MemorandumOfUnderstanding")


def _ng(term: str) -> str:
    return f"<{NG}{term}>"


def write(out: Path, articles: int, seed: int = 7) -> int:
    """Write the dataset; returns the number of quads."""
    rng = random.Random(seed)
    states = [f"<{BASE}id/state/s{i:03d}>" for i in range(200)]
    count = 0
    with open(out, "w", encoding="utf-8") as f:
        def quad(s: str, p: str, o: str, g: str) -> None:
            nonlocal count
            f.write(f"{s} {p} {o} {g} .\n")
            count += 1

        onto, ref, meta = (f"<{BASE}graph/{n}>" for n in ("ontology", "reference", "meta"))
        for name in EVENTS:
            quad(_ng(name), SUBCLASS, _ng("Event"), onto)
        for name in AGREEMENTS:
            quad(_ng(name), SUBCLASS, _ng("Agreement"), onto)
        for i, state in enumerate(states):
            quad(state, RDF_TYPE, _ng("State"), ref)
            quad(state, LABEL, f'"State number {i}"@en', ref)
        for a in range(articles):
            graph = f"<{BASE}graph/article/a{a}>"
            article = f"<{BASE}id/article/a{a}>"
            day = f'"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"'
            quad(article, RDF_TYPE, _ng("Article"), meta)
            quad(article, "<https://schema.org/headline>", f'"Report {a} on talks"', meta)
            quad(graph, "<http://www.w3.org/ns/prov#wasDerivedFrom>", article, meta)
            for n in range(3):
                event = f"<{BASE}id/event/a{a}-{n}>"
                kind = rng.choice(EVENTS)
                agent, other = rng.sample(states, 2)
                quad(event, RDF_TYPE, _ng(kind), graph)
                quad(event, LABEL, f'"{kind} {n} of report {a}"@en', graph)
                quad(event, _ng("agent"), agent, graph)
                quad(event, _ng("recipient"), other, graph)
                quad(event, _ng("date"), f"{day}^^{XSD_DATE}", graph)
                quad(event, _ng("datePrecision"), '"day"', graph)
                quad(event, _ng("factKey"), f'"fact-{n}"', graph)
            if a % 4 == 0:
                agreement = f"<{BASE}id/agreement/a{a}>"
                quad(agreement, RDF_TYPE, _ng(rng.choice(AGREEMENTS)), graph)
                for party in rng.sample(states, 2):
                    quad(agreement, _ng("party"), party, graph)
                quad(agreement, _ng("signingDate"), f"{day}^^{XSD_DATE}", graph)
    return count


def main() -> None:
    """Command line: the number of articles and the output file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=40000)
    args = parser.parse_args()
    print(f"{write(args.out, args.articles)} quads in {args.out}")


if __name__ == "__main__":
    main()
