"""The defaults and fixed choices of `kg serve` and `kg push` that the command line shows, apart from the commands:
every `kg` command builds the whole parser, and importing the commands themselves (urllib, http.client…) was
25 ms of each start (`python -X importtime -m kg build`)."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30.0  # seconds a query may run; the real corpus's competency queries take 0.1 s at most
DEFAULT_QUERY_MEMORY = 4096
"""MB a query of `kg query` may take beyond the graph it runs on: a join variable forgotten (`{?a ?b ?c . ?d ?e ?f}
ORDER BY ?c`) took 3.85 GB in its first 5 s, and would have taken most of the machine's memory in its 30."""

AUTH_SCHEMES = ("basic", "digest")
PASSWORD_ENV = "KG_PUSH_PASSWORD"
DEFAULT_AT_ONCE = 2
"""Graphs sent at once: into a store on the same two cores, 2 took the 102 graphs of 100,000 synthetic facts
into Oxigraph in 35 s where 1 took 57 s, and into Virtuoso in 30 s where 1 took 58 s; 3 or 4 did no better, 8
worse."""
DEFAULT_PUSH_TIMEOUT = 300.0
"""Seconds one graph's PUT may take, answer included (the largest graph of 100,000 synthetic facts, 72,005 triples,
takes a few seconds: all 102 of them went to Virtuoso in 58 s)."""
QUADS_PER_REQUEST = 200_000
"""Triples sent in one request at most by `kg push --quads` (a larger graph goes alone): a request costs Oxigraph's
bulk loader 15 to 40 ms however small (the 2,466 graphs of 100,000 real-shaped facts spent most of their push
there), and 200,000 triples (about 40 MB of N-Quads) take it about a second; two such bodies are held at once."""
RESULT_FORMATS = ("table", "csv", "tsv", "json", "turtle", "ntriples")
"""What `kg query --format` writes: a table, the SPARQL results formats (`kg.query.sparql.SOLUTION_FORMATS`) and, for
a CONSTRUCT or DESCRIBE, the graph formats (`GRAPH_FORMATS`), in that order."""
