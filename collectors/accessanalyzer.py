"""IAM Access Analyzer analyzers and active finding counts.

Analyzers are regional. ``ListAnalyzers`` without a ``type`` lists every type
(ACCOUNT, ORGANIZATION, and the unused-access ones) in one call. Active findings
of the external-access analyzers (ACCOUNT, ORGANIZATION: resources shared outside
the zone of trust) are listed per analyzer with ``ListFindings`` filtered on
``status = ACTIVE``: the pages are the evidence, their length is the count.
``ListFindings`` is granted by SecurityAudit; it does not serve unused-access
analyzers (that needs ``ListFindingsV2``, a separate IAM action), whose findings
are about unused permissions, not exposure. moto does not implement Access Analyzer.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

ACTIVE_FILTER = {"status": {"eq": ["ACTIVE"]}}

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="accessanalyzer",
        service="accessanalyzer",
        scope="regional",
        description="IAM Access Analyzer analyzers (account and organization) and their active findings",
        ops=(
            Op(operation="ListAnalyzers"),
            Op(
                operation="ListFindings",
                params={"filter": ACTIVE_FILTER},
                for_each=From(
                    sources=("ListAnalyzers",),
                    path="analyzers[?type=='ACCOUNT' || type=='ORGANIZATION'].arn",
                    param="analyzerArn",
                ),
            ),
        ),
    ),
)
