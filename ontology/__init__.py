"""The ontology files (geopol.ttl, shapes.ttl) as package data; kg.model.ontology reads them."""
