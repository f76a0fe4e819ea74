"""The shapes of things every stage shares: terms, IRIs, formats, facts, dates, SPARQL text,
the ontology, and the gazetteer of reference entities (read by ingestion, extraction and pages)."""
