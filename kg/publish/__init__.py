"""Getting data out: descriptions, statistics, VoID, search, validation, ontology docs."""
