"""The trust graph view (issue 4), in parts: ``view`` wires ``jobs`` (queries as plain jobs),
``filters``, ``pathfinder``, ``details`` (the node panel) and ``canvas`` (pyqtgraph drawing)."""

from ui.views.trust_graph.jobs import (
    QUERIES,
    QUERY_ADMIN,
    QUERY_ADMIN_FROM,
    QUERY_ENTRY,
    QUERY_ESCALATE,
    QUERY_OUTSIDE,
    QUERY_REACH,
    QueryOutcome,
    QueryResult,
)
from ui.views.trust_graph.view import TrustGraphView

__all__ = [
    "QUERIES",
    "QUERY_ADMIN",
    "QUERY_ADMIN_FROM",
    "QUERY_ENTRY",
    "QUERY_ESCALATE",
    "QUERY_OUTSIDE",
    "QUERY_REACH",
    "QueryOutcome",
    "QueryResult",
    "TrustGraphView",
]
