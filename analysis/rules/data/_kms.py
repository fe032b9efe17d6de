"""Shared by the KMS controls: the inputs they read and the DescribeKey gap of one key."""

from __future__ import annotations

from analysis.model.kms import KmsKey
from analysis.rules.base import Control, Input, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import field_gap

LIST_KEYS = Input(service="kms", operation="ListKeys")
DESCRIBE_KEY = Input(service="kms", operation="DescribeKey")
KEY_ROTATION = Input(service="kms", operation="GetKeyRotationStatus")
KEY_POLICY = Input(service="kms", operation="GetKeyPolicy")


def key_label(key: KmsKey) -> str:
    return f"{key.key_id} ({', '.join(key.aliases)})" if key.aliases else key.key_id


def describe_gap(ctx: AssessmentContext, control: Control, key: KmsKey) -> Result | None:
    return field_gap(
        ctx,
        control,
        key,
        resource_id=key.key_id,
        state=key.describe_state,
        service="kms",
        operation="DescribeKey",
        param="KeyId",
        value=key.key_id,
    )
