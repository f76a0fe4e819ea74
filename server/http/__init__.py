"""HTTP without Flask: SPARQL Protocol parsing, negotiation, answers, auth and the one error table."""
