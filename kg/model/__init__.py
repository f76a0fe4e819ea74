"""The vocabulary and the shapes of things: terms, IRIs, formats, facts, dates, SPARQL text, the ontology."""
