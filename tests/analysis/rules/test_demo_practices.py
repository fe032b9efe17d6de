"""Issue 6, "done when": the demo organization's assessment shows failures in every practice area
of the white paper (so every part of the dashboard and the evidence pack has something to show)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from analysis.rules.assessment import assess
from analysis.rules.base import FAIL, PRACTICES


def test_the_demo_fails_somewhere_in_every_practice_area(demo_inventory: Any) -> None:
    result = assess(demo_inventory)
    practice_of = {c.id: c.practice for c in result.controls}
    failed = Counter(practice_of[r.control_id] for r in result.results if r.status == FAIL)
    assert set(PRACTICES) <= set(failed), f"no failure in {sorted(set(PRACTICES) - set(failed))}"
