"""The Newsgraph ontology files (geopol.ttl, shapes.ttl), shipped as package data."""
