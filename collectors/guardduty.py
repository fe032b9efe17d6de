"""GuardDuty detectors, features, organization administrator.

GuardDuty is regional: one detector per account and region when enabled; an
empty ``ListDetectors`` is the answer "not enabled here". The organization
configuration (auto-enable for new members and per feature) is read through
the administrator's detector; asked with a member's detector, GuardDuty answers
``BadRequestException`` ("not the administrator"), recorded as absent with its
message (the detector id came from ``ListDetectors`` in the same account, so a
malformed request is not the cause). ``ListOrganizationAdminAccounts`` answers
only in the management account; elsewhere it is denied, which is normal and
recorded as such.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

_DETECTORS = From(sources=("ListDetectors",), path="DetectorIds[]", param="DetectorId")

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="guardduty",
        service="guardduty",
        scope="regional",
        description="GuardDuty detectors and features, organization auto-enable, administrator accounts",
        ops=(
            Op(operation="ListDetectors"),
            Op(operation="GetDetector", for_each=_DETECTORS),
            Op(operation="GetAdministratorAccount", for_each=_DETECTORS),
            Op(operation="ListOrganizationAdminAccounts"),
            Op(
                operation="DescribeOrganizationConfiguration",
                for_each=_DETECTORS,
                absent_codes=frozenset({"BadRequestException"}),
            ),
        ),
    ),
)
