"""The query side: SPARQL over the built graph (kg query), a local endpoint (kg serve), a triple store (kg push)."""
