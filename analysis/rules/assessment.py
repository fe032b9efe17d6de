"""Run every control on an Inventory: the assessment, recomputed from the snapshot, never stored in it.

``assess`` is a plain function (progress callback, cancel flag) the CLI, the GUI worker and the
benchmark call. A control that raises gives one ``ERROR`` result naming the exception; the other
controls still run. The returned :class:`Assessment` keeps the context the controls shared
(``context``): what is written from it afterwards (the trust findings of the report) reads the
indexes the controls built instead of computing them again.
"""

from __future__ import annotations

import contextlib
import gc
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from analysis.rules.base import ERROR, Control, Evidence, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.registry import control_modules

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory
    from analysis.network.results import ExposureReport
    from analysis.trust.graph import TrustGraph

Progress = Callable[[int, int, str], None]


class AssessmentCancelled(Exception):
    pass


@dataclass(frozen=True, kw_only=True)
class Assessment:
    controls: tuple[Control, ...]
    results: tuple[Result, ...]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)  # control id -> seconds
    # The context every control read (the Inventory, the trust graph, the exposure and the
    # indexes built from them); None when the assessment was made some other way.
    context: AssessmentContext | None = field(default=None, compare=False, repr=False)

    def counts(self) -> Counter[str]:
        return Counter(r.status for r in self.results)

    def by_control(self, control_id: str) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.control_id == control_id)


def assess(
    inventory: Inventory,
    *,
    modules: Sequence[ModuleType] | None = None,
    trust_graph: TrustGraph | None = None,
    exposure: ExposureReport | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Assessment:
    started = time.perf_counter()
    mods = tuple(modules) if modules is not None else control_modules()
    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    ctx = AssessmentContext(inventory=inventory, trust_graph=trust_graph, exposure=exposure)
    results: list[Result] = []
    timings: dict[str, float] = {}
    with gc_paused():
        _run_controls(mods, ctx, results, timings, report, is_cancelled)
    report(len(mods), len(mods), "assessment ready")
    return Assessment(
        controls=tuple(m.CONTROL for m in mods),
        results=tuple(results),
        seconds=time.perf_counter() - started,
        timings=timings,
        context=ctx,
    )


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (its previous state is restored).

    With the Inventory and the trust graph in memory (about 12 million objects at 500 accounts)
    each full collection walks them all: 5 to 10 s of CPU, and the many small results the
    controls and the report build trigger them. Nothing the assessment builds needs the cycle
    collector: reference counting frees its temporaries.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_controls(
    mods: Sequence[ModuleType],
    ctx: AssessmentContext,
    results: list[Result],
    timings: dict[str, float],
    report: Progress,
    is_cancelled: Callable[[], bool],
) -> None:
    for i, module in enumerate(mods):
        if is_cancelled():
            raise AssessmentCancelled()
        control: Control = module.CONTROL
        report(i, len(mods), f"{control.id}")
        t0 = time.perf_counter()
        try:
            results.extend(module.evaluate(ctx))
        except Exception as exc:  # one broken control must not hide the others' results
            results.append(
                Result(
                    control_id=control.id,
                    status=ERROR,
                    account_id="",
                    region="global",
                    resource_arn="",
                    resource_id="",
                    message=f"the control failed: {type(exc).__name__}: {exc}",
                    evidence=Evidence(values={"traceback": traceback.format_exc(limit=5)}),
                )
            )
        timings[control.id] = time.perf_counter() - t0
