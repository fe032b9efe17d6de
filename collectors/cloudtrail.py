"""CloudTrail trails, status, event/insight selectors.

CloudTrail is regional, and a trail shows in more places than it lives: a
multi-region trail is listed in every region of its account and an organization
trail in every region of every member account, as a "shadow trail"
(CloudTrail API reference, DescribeTrails, ``includeShadowTrails``). We list
with shadow trails in every region (that is what each account and region sees),
and ask for status and selectors only in each trail's home region, from the
trails listed with ``includeShadowTrails=False``: one call per trail instead of
one per trail, account and region. An organization trail's status is therefore
read in the management account (or wherever it was created).

moto does not show an organization trail in member accounts (AWS does).
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

# The trails whose home is this account and region: per-trail calls are made for these only.
_HOME_TRAILS = From(sources=("DescribeTrailsHomeRegion",), path="trailList[].TrailARN", param="Name")

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="cloudtrail",
        service="cloudtrail",
        scope="regional",
        description="Trails (with shadow and organization trails), logging status, event and insight selectors",
        ops=(
            # What this account and region sees, including shadow and organization trails.
            Op(operation="DescribeTrails", params={"includeShadowTrails": True}),
            Op(
                operation="DescribeTrails",
                name="DescribeTrailsHomeRegion",
                params={"includeShadowTrails": False},
            ),
            Op(operation="GetTrailStatus", for_each=_HOME_TRAILS),
            Op(
                operation="GetEventSelectors",
                for_each=From(sources=_HOME_TRAILS.sources, path=_HOME_TRAILS.path, param="TrailName"),
            ),
            # "If you run GetInsightSelectors on a trail that does not have Insights events enabled,
            # the operation throws the exception InsightNotEnabledException" (API reference).
            Op(
                operation="GetInsightSelectors",
                for_each=From(sources=_HOME_TRAILS.sources, path=_HOME_TRAILS.path, param="TrailName"),
                absent_codes=frozenset({"InsightNotEnabledException"}),
            ),
        ),
    ),
)
