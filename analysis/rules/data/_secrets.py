"""Shared by the Secrets Manager hygiene controls: the listing and the unused/rotation window."""

from __future__ import annotations

from analysis.rules.base import Input

LIST_SECRETS = Input(service="secretsmanager", operation="ListSecrets")
MAX_DAYS = 90  # Security Hub's default for SecretsManager.3 (unusedForDays) and .4 (maxDaysSinceRotation)
