"""The trust graph: who can become whom, and how a principal climbs to admin (issue 4).

``build_trust_graph(inventory)`` builds it with the policy engine; ``queries`` answers
auditors' questions over it; ``findings`` turns it into records for the controls; and
``queries.scp_what_if`` tests a draft SCP/RCP against today's permissions and paths. See
docs/trust-graph.md.
"""

from analysis.trust.graph import TrustGraph, TrustGraphCancelled, build_trust_graph

__all__ = ["TrustGraph", "TrustGraphCancelled", "build_trust_graph"]
