"""What the WAF controls share: web ACLs per area, NOT_ASSESSED where ListWebACLs was not answered."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.waf import WebAcl
from analysis.rules.base import Control, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import WEB_ACLS, area_not_assessed, by_area, places


def web_acls(ctx: AssessmentContext, control: Control) -> Iterator[Result | WebAcl]:
    acls = by_area(ctx.inventory.waf.web_acls.values())
    for account_id, region in places(ctx):
        missing = area_not_assessed(ctx, control, account_id, region, (WEB_ACLS,))
        if missing is not None:
            yield missing
            continue
        yield from sorted(acls.get((account_id, region), ()), key=lambda a: (a.scope, a.name))
