"""Security Hub hub, standards, organization configuration, administrator.

Security Hub is regional and must be enabled per account and region. Where it is
not, every operation answers ``InvalidAccessException`` ("Account is not subscribed
to AWS Security Hub"): that is an answer (not subscribed), not a failure.
``DescribeOrganizationConfiguration`` only answers in the administrator account;
elsewhere it is denied, which is normal and recorded as such.
"""

from __future__ import annotations

from collectors.spec import Collector, Op

NOT_SUBSCRIBED = frozenset({"InvalidAccessException"})

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="securityhub",
        service="securityhub",
        scope="regional",
        description="Security Hub subscription, enabled standards, organization configuration, administrator",
        ops=(
            Op(operation="DescribeHub", not_subscribed_codes=NOT_SUBSCRIBED),
            Op(operation="GetEnabledStandards", not_subscribed_codes=NOT_SUBSCRIBED),
            Op(operation="GetAdministratorAccount", not_subscribed_codes=NOT_SUBSCRIBED),
            Op(operation="DescribeOrganizationConfiguration", not_subscribed_codes=NOT_SUBSCRIBED),
        ),
    ),
)
