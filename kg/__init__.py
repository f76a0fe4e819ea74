"""Newsgraph core: ontology terms, facts, ingestion and the store. Never imports the web layer."""
