"""KMS keys, rotation, key policies, aliases, grants (regional).

Every key the account can see is listed, AWS-managed ones included: their
policies and grants say which services may use them. Per-key calls take the
key id from ``ListKeys``.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

_EACH_KEY = From(sources=("ListKeys",), path="Keys[].KeyId", param="KeyId")

COLLECTOR = Collector(
    name="kms",
    service="kms",
    scope="regional",
    description="KMS keys (manager, spec, state, deletion date), rotation, key policies, aliases, grants",
    ops=(
        Op(operation="ListKeys"),
        # NotFoundException: the key was deleted between ListKeys and the per-key call.
        Op(operation="DescribeKey", for_each=_EACH_KEY, absent_codes=frozenset({"NotFoundException"})),
        # Automatic rotation exists only for symmetric encryption keys with KMS key material:
        # asymmetric, HMAC, imported and custom-key-store keys answer
        # UnsupportedOperationException, which is "not applicable", not a failure
        # (KMS API reference, GetKeyRotationStatus).
        Op(
            operation="GetKeyRotationStatus",
            for_each=_EACH_KEY,
            absent_codes=frozenset({"UnsupportedOperationException", "NotFoundException"}),
        ),
        # "default" is the only key policy name KMS supports (KMS API reference, GetKeyPolicy).
        Op(
            operation="GetKeyPolicy",
            params={"PolicyName": "default"},
            for_each=_EACH_KEY,
            absent_codes=frozenset({"NotFoundException"}),
        ),
        Op(operation="ListAliases"),
        # Denied on AWS-managed keys is common (their key policies do not grant kms:ListGrants to
        # the account); it is recorded as denied, per key.
        Op(operation="ListGrants", for_each=_EACH_KEY, absent_codes=frozenset({"NotFoundException"})),
    ),
)

COLLECTORS: tuple[Collector, ...] = (COLLECTOR,)
