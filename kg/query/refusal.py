"""What `kg query` and `kg serve` refuse to evaluate, found in the query's text before the engine reads it:
a federated query (`kg.query.federation`), and one nested deeper than the engine's stack holds
(`kg.limits.MAX_QUERY_NESTING`)."""

from __future__ import annotations

from kg.limits import MAX_QUERY_NESTING
from kg.query.federation import REFUSED, service_at
from kg.query.lexical import nested_beyond

TOO_DEEP = (
    f"the query nests brackets more than {MAX_QUERY_NESTING} deep: the engine cannot evaluate it (write it flatter)"
)


def refusal(query: str) -> tuple[str, int, int] | None:
    """(why, line, column, both from 1) of the first reason to refuse `query`; None when it may run."""
    if (service := service_at(query)) is not None:
        return REFUSED, *service
    if (deep := nested_beyond(query, MAX_QUERY_NESTING)) is not None:
        return TOO_DEEP, *deep
    return None
