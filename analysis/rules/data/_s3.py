"""Shared by the S3 controls: their inputs, the per-bucket loop with coverage gaps, and the
effective Block Public Access of a bucket (bucket and account settings combined).

S3 applies the most restrictive combination of the bucket's and the account's Block Public
Access settings (S3 User Guide, "Blocking public access to your Amazon S3 storage"): a setting
is in force when it is on at either level.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from analysis.model.coverage import ABSENT, COLLECTED
from analysis.model.s3 import PublicAccessBlock, S3Bucket
from analysis.rules.base import Control, Input, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.data._common import field_gap, listing_gaps

LIST_BUCKETS = Input(service="s3", operation="ListBuckets", regional=False)
ACCOUNT_BPA = Input(service="s3control", operation="GetPublicAccessBlock", regional=False)
SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def bucket_input(operation: str) -> Input:
    return Input(service="s3", operation=operation, regional=False)


def each_bucket(
    ctx: AssessmentContext, control: Control, needs: Sequence[tuple[str, str]]
) -> Iterator[S3Bucket | Result]:
    """Listing gaps, then every bucket: the bucket itself, or NOT_ASSESSED when one of the
    ``(state attribute, operation)`` it needs was not answered."""
    yield from listing_gaps(ctx, control, LIST_BUCKETS)
    for bucket in ctx.inventory.s3.buckets.values():
        gap = None
        for attr, operation in needs:
            gap = field_gap(
                ctx,
                control,
                bucket,
                resource_id=bucket.name,
                state=getattr(bucket, attr),
                service="s3",
                operation=operation,
                param="Bucket",
                value=bucket.name,
                call_region=GLOBAL,
            )
            if gap is not None:
                break
        yield gap if gap is not None else bucket


def settings_of(config: PublicAccessBlock | None) -> dict[str, bool]:
    if config is None:
        return dict.fromkeys(SETTINGS, False)
    return {
        "BlockPublicAcls": config.block_public_acls,
        "IgnorePublicAcls": config.ignore_public_acls,
        "BlockPublicPolicy": config.block_public_policy,
        "RestrictPublicBuckets": config.restrict_public_buckets,
    }


@dataclass(frozen=True, kw_only=True)
class BlockSettings:
    """Each setting at the bucket and account levels (None: that level is unknown), and in force."""

    bucket: dict[str, bool] | None
    account: dict[str, bool] | None
    unknown_reason: str  # why a level is unknown ("" when both are known)
    call_ids: tuple[int, ...]

    def in_force(self, setting: str) -> bool | None:
        """True when on at a known level; False when off at both; None when off where known and
        the other level is unknown."""
        levels = (self.bucket, self.account)
        if any(level is not None and level[setting] for level in levels):
            return True
        if any(level is None for level in levels):
            return None
        return False

    def values(self) -> dict[str, object]:
        return {
            "bucket": self.bucket if self.bucket is not None else "unknown",
            "account": self.account if self.account is not None else "unknown",
        }


def block_settings(ctx: AssessmentContext, bucket: S3Bucket) -> BlockSettings:
    """The bucket's Block Public Access settings and its account's, each None when not answered."""
    reasons: list[str] = []
    call_ids: list[int] = []
    bucket_level: dict[str, bool] | None = None
    if bucket.public_access_block_state in (COLLECTED, ABSENT):
        bucket_level = settings_of(bucket.public_access_block)
    else:
        state = ctx.inventory.coverage.state(
            account_id=bucket.account_id,
            region=GLOBAL,
            service="s3",
            operation="GetPublicAccessBlock",
            parameters={"Bucket": bucket.name},
        )
        reasons.append(state.reason if not state.answered else "the bucket-level settings could not be read")
        call_ids.extend(state.call_ids)
    account_level: dict[str, bool] | None = None
    account = ctx.inventory.s3.account_block(bucket.account_id)
    if account is not None and account.state in (COLLECTED, ABSENT):
        account_level = settings_of(account.configuration)
        call_ids.extend(account.call_ids)
    else:
        state = ctx.inventory.coverage.state(
            account_id=bucket.account_id, region=GLOBAL, service="s3control", operation="GetPublicAccessBlock"
        )
        reasons.append(state.reason if not state.answered else "the account-level settings could not be read")
        call_ids.extend(state.call_ids)
    return BlockSettings(
        bucket=bucket_level,
        account=account_level,
        unknown_reason="; ".join(reasons),
        call_ids=tuple(call_ids),
    )
