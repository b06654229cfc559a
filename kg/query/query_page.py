"""The query page `kg serve` answers at `/`, in place of the engine's own.

It is the engine's query editor (YASGUI, which the engine serves as `yasgui.min.js`), set up for this
graph: queries go to this server's read-only `/query`, the editor opens on a first query with the
vocabularies' prefixes, and it offers only the completions it can make from the query itself.  The
engine's page completed prefixes from prefix.cc and terms from lov.linkeddata.es, fetched on every load
and keystroke: a query page that reached the web, where everything else `kg serve` does stays on this
machine.  Its `Content-Security-Policy` holds the page to its own address whatever the editor tries.
"""

from __future__ import annotations

import json

from kg.vocab import VOCABULARIES

_SHOWN_PREFIXES = ("kgo", "rdf", "rdfs", "skos", "prov", "oa", "schema", "xsd")
FIRST_QUERY = (
    "".join(f"PREFIX {name}: <{VOCABULARIES[name]}>\n" for name in _SHOWN_PREFIXES)
    + "\n# Every claim, with the modality of its firmest evidence; see the README's SPARQL section for more.\n"
    + "SELECT ?claim ?label ?modality\nWHERE {\n  ?claim a kgo:Claim ; rdfs:label ?label ;\n"
    + "         kgo:modality/rdfs:label ?modality .\n}\nORDER BY ?label\nLIMIT 50\n"
)
POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
"""Scripts, styles, images and requests from this server only (the editor's setup is inline)."""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>syria-russia-kg: SPARQL</title>
<link href="./yasgui.min.css" rel="stylesheet" type="text/css">
<script src="./yasgui.min.js"></script>
<link rel="icon" type="image/svg+xml" href="./logo.svg">
</head>
<body>
<div id="yasgui"></div>
<script>
  const endpoint = new URL("query", window.location.href).href;
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  Yasgui.Yasqe.defaults.value = FIRST_QUERY;
  window.yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
  });
</script>
</body>
</html>
"""

QUERY_PAGE = _PAGE.replace("FIRST_QUERY", json.dumps(FIRST_QUERY).replace("</", "<\\/")).encode("utf-8")
