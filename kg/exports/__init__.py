"""Exports: the checked model as RDF, as a networkx graph and as the interactive page, written atomically."""
