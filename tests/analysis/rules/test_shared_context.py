"""One assessment, one context: what the controls built is what the report reads.

The trust findings of ``assess --json`` are the index the IAM controls built (escalation search,
administrators, trust policies); read from the assessment's own context they are not searched a
second time, and they are the same findings a fresh context computes.
"""

from __future__ import annotations

from typing import Any

import pytest

from analysis.rules.assessment import assess
from analysis.rules.context import AssessmentContext
from analysis.rules.iam import iam_escalation_path_to_admin, iam_principal_with_admin
from analysis.rules.report import collect_trust_findings


def test_the_assessment_keeps_the_context_its_controls_shared(demo_inventory: Any) -> None:
    result = assess(demo_inventory, modules=[iam_principal_with_admin])
    ctx = result.context
    assert isinstance(ctx, AssessmentContext) and ctx.inventory is demo_inventory
    built = []
    assert ctx.memo("test.key", lambda: built.append(1) or "value") == "value"
    assert ctx.memo("test.key", lambda: built.append(2) or "other") == "value" and built == [1]


def test_trust_findings_read_from_the_assessment_are_not_searched_again(
    demo_inventory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = assess(demo_inventory, modules=[iam_escalation_path_to_admin])
    assert result.context is not None
    fresh = collect_trust_findings(
        AssessmentContext(inventory=demo_inventory, trust_graph=result.context.trust_graph)
    )
    assert any(f.kind == "escalation_path_to_admin" for f in fresh)

    def searched_again(tg: object) -> Any:
        raise AssertionError("the escalation search ran a second time")

    monkeypatch.setattr("analysis.trust.findings.escalation_findings", searched_again)
    shared = collect_trust_findings(result.context)
    assert shared == fresh
    with pytest.raises(AssertionError, match="second time"):
        collect_trust_findings(
            AssessmentContext(inventory=demo_inventory, trust_graph=result.context.trust_graph)
        )
