"""The thread bridge: run a plain function off the GUI thread, hear about it on the GUI thread.

Long work in this project is a plain function ``fn(progress, cancelled)``
(see DESIGN.md, "Pure core, thin Qt shell"). ``FunctionWorker`` runs one such
call on its own ``QThread`` and re-emits progress, result and error from an
object that lives on the GUI thread, so whatever listens to them runs on the
GUI thread even when it is a plain Python callable (PySide6 calls a plain
callable directly, in the emitting thread, unless a receiver object says
otherwise).
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from analysis.model.coverage import Coverage, Gap
from analysis.model.organizations import OrganizationModel, build_organization
from snapshot import Snapshot

Progress = Callable[[Any], None]
Cancelled = Callable[[], bool]
Job = Callable[[Progress, Cancelled], Any]


class _JobThread(QThread):
    """Runs the job; its signals are only connected, queued, to the ``FunctionWorker``."""

    reported = Signal(object)
    done = Signal(object, object)  # (result, exception or None)

    def __init__(self, *, job: Job, cancel_event: threading.Event) -> None:
        super().__init__()
        self._job = job
        self._cancel_event = cancel_event

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._job(self.reported.emit, self._cancel_event.is_set)
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            error = exc
        self.done.emit(result, error)


class FunctionWorker(QObject):
    """One run of ``job(progress, cancelled)`` on a thread of its own.

    Signals, all on the GUI thread: ``progress(value)``, then exactly one of
    ``succeeded(result)`` or ``failed(exception)``, then ``finished()``; by
    ``finished`` the thread has ended.
    """

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, *, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel_event = threading.Event()
        self._thread: _JobThread | None = _JobThread(job=job, cancel_event=self._cancel_event)
        self._thread.reported.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._thread.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._started = False
        self._finished = False

    def start(self) -> None:
        if self._started:
            raise RuntimeError("a FunctionWorker runs once")
        self._started = True
        assert self._thread is not None
        self._thread.start()

    def cancel(self) -> None:
        """Ask the job to stop; it sees ``cancelled() == True`` from now on."""
        self._cancel_event.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel_event.is_set()

    def is_running(self) -> bool:
        return self._started and not self._finished

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the thread has ended (for shutdown); True if it has."""
        return self._thread is None or self._thread.wait(msecs)

    @Slot(object)
    def _on_progress(self, value: object) -> None:
        if not self._finished:
            self.progress.emit(value)

    @Slot(object, object)
    def _on_done(self, result: object, error: object) -> None:
        thread = self._thread
        if thread is not None:
            thread.wait()  # run() has returned; the thread is ending
            self._thread = None
            thread.deleteLater()
        self._finished = True
        if error is None:
            self.succeeded.emit(result)
        else:
            self.failed.emit(error)
        self.finished.emit()
        self._drop_listeners()

    def _drop_listeners(self) -> None:
        """Disconnect every listener once the run is over.

        Listeners are usually lambdas that capture this worker (``lambda r: self._ready(worker, r)``):
        a reference cycle that only the cyclic collector could free, at a moment and on a thread of
        its choosing. Disconnecting here frees them by reference counting, now, on the GUI thread.
        """
        for signal in (self.progress, self.succeeded, self.failed, self.finished):
            with warnings.catch_warnings(), contextlib.suppress(RuntimeError, TypeError, SystemError):
                warnings.simplefilter("ignore", RuntimeWarning)  # "failed to disconnect": none connected
                signal.disconnect()


class LatestJobRunner(QObject):
    """Runs jobs one at a time where only the newest request matters (queries, layouts, what-ifs).

    ``run`` while a job runs asks the running one to stop (its ``cancelled()`` turns True), and
    keeps the new request as the one to start when the thread is free; a third request replaces
    the second, which never starts. Only the newest job's outcome is delivered, all on the GUI
    thread: ``started(label)``, ``progress(label, value)``, then one of ``succeeded(label, result)``,
    ``failed(label, error)`` or ``cancelled(label)`` (``cancel()``, or superseded), and ``idle()``
    when nothing runs or waits any more.
    """

    started = Signal(str)
    progress = Signal(str, object)
    succeeded = Signal(str, object)
    failed = Signal(str, object)
    cancelled = Signal(str)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker: FunctionWorker | None = None
        self._label = ""
        self._pending: tuple[str, Job] | None = None

    @property
    def label(self) -> str:
        """What runs, or would run next (the newest request)."""
        return self._pending[0] if self._pending is not None else self._label

    def is_busy(self) -> bool:
        return self._worker is not None or self._pending is not None

    def run(self, label: str, job: Job) -> None:
        if self._worker is None:
            self._start(label, job)
            return
        if self._pending is not None:
            self.cancelled.emit(self._pending[0])  # replaced before it started
        elif not self._worker.is_cancelled:
            self._worker.cancel()
            self.cancelled.emit(self._label)
        self._pending = (label, job)

    def cancel(self) -> None:
        """Stop the running job (its result is dropped) and forget the waiting one."""
        if self._pending is not None:
            self.cancelled.emit(self._pending[0])
            self._pending = None
        elif self._worker is not None and not self._worker.is_cancelled:
            self._worker.cancel()
            self.cancelled.emit(self._label)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the running job's thread has ended, dropping any waiting one (shutdown)."""
        self._pending = None
        worker = self._worker
        if worker is None:
            return True
        worker.cancel()
        return worker.wait(msecs)

    def _start(self, label: str, job: Job) -> None:
        worker = FunctionWorker(job=job, parent=self)
        self._worker = worker
        self._label = label
        worker.progress.connect(lambda value: self._progress(worker, label, value))
        worker.succeeded.connect(lambda result: self._succeeded(worker, label, result))
        worker.failed.connect(lambda error: self._failed(worker, label, error))
        worker.finished.connect(lambda: self._finished(worker))
        self.started.emit(label)
        worker.start()

    def _current(self, worker: FunctionWorker) -> bool:
        return worker is self._worker and not worker.is_cancelled

    def _progress(self, worker: FunctionWorker, label: str, value: object) -> None:
        if self._current(worker):
            self.progress.emit(label, value)

    def _succeeded(self, worker: FunctionWorker, label: str, result: object) -> None:
        if self._current(worker):
            self.succeeded.emit(label, result)

    def _failed(self, worker: FunctionWorker, label: str, error: object) -> None:
        if self._current(worker):
            self.failed.emit(label, error)

    def _finished(self, worker: FunctionWorker) -> None:
        worker.deleteLater()
        if worker is not self._worker:
            return
        self._worker = None
        pending, self._pending = self._pending, None
        if pending is not None:
            self._start(*pending)
        else:
            self.idle.emit()


# -- jobs the window runs ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LoadedSnapshot:
    """An opened snapshot and the models the views show."""

    snapshot: Snapshot
    organization: OrganizationModel
    gaps: list[Gap] = field(default_factory=list)  # what could not be collected (coverage view)

    @property
    def path(self) -> Path:
        return self.snapshot.path


def load_snapshot_job(path: str, *, allow_tampered: bool = False) -> Job:
    """A job that opens ``path`` and builds the organization model (raises ``SnapshotError``)."""

    def job(progress: Progress, cancelled: Cancelled) -> LoadedSnapshot | None:
        progress("checking the file's integrity")
        snapshot = Snapshot.open(path, allow_tampered=allow_tampered)
        try:
            if cancelled():
                snapshot.close()
                return None
            progress("reading the organization")
            organization = build_organization(snapshot)
            progress("reading what could not be collected")
            outcomes = snapshot.manifest.get("account_outcomes") or {}
            names = {k: str(v.get("name") or "") for k, v in outcomes.items()}
            gaps = Coverage(calls=snapshot.calls(), manifest=snapshot.manifest).gaps(names)
        except BaseException:
            snapshot.close()
            raise
        return LoadedSnapshot(snapshot=snapshot, organization=organization, gaps=gaps)

    return job


@dataclass(frozen=True, kw_only=True)
class AnalysisBundle:
    """The Inventory, policy engine and trust graph of the open snapshot (built once, on first need)."""

    inventory: Any  # analysis.model.inventory.Inventory
    engine: Any  # analysis.iam.PolicyEngine
    trust_graph: Any  # analysis.trust.TrustGraph
    actions: tuple[str, ...]  # the catalogue's actions, for the simulator's completion


def build_analysis_job(snapshot: Snapshot) -> Job:
    """A job that builds the Inventory, the policy engine and the trust graph of an open snapshot.

    Slow (seconds on a large organization), so not at open time: the window starts it the
    first time a tab that needs it is shown. Returns None when cancelled.
    """

    def job(progress: Progress, cancelled: Cancelled) -> AnalysisBundle | None:
        from analysis.iam import PolicyEngine
        from analysis.model.inventory import build_inventory
        from analysis.trust import TrustGraphCancelled, build_trust_graph

        progress("reading the inventory")
        inventory = build_inventory(snapshot)
        if cancelled():
            return None
        progress("indexing policies")
        engine = PolicyEngine(inventory=inventory)
        try:
            graph = build_trust_graph(
                inventory,
                engine=engine,
                progress=lambda done, total, message: progress(f"trust graph {done}/{total}: {message}"),
                cancelled=cancelled,
            )
        except TrustGraphCancelled:
            return None
        progress("loading the action catalogue")
        actions = tuple(sorted(engine.expand_actions("*")))
        return AnalysisBundle(inventory=inventory, engine=engine, trust_graph=graph, actions=actions)

    return job


@dataclass(frozen=True, kw_only=True)
class NetworkBundle:
    """The network analysis of the open snapshot: every exposure, the VPC links, the index for paths."""

    inventory: Any  # analysis.model.inventory.Inventory
    index: Any  # analysis.network.NetworkIndex
    report: Any  # analysis.network.results.ExposureReport
    links: tuple[Any, ...]  # analysis.network.results.VpcLink


def build_network_job(snapshot: Snapshot, *, inventory: Any = None) -> Job:
    """A job that runs the whole-organization network analysis (exposure and VPC links).

    Independent of the trust graph: it reads the Inventory itself unless given one already built
    (the analysis bundle's). Returns None when cancelled.
    """

    def job(progress: Progress, cancelled: Cancelled) -> NetworkBundle | None:
        from analysis.model.inventory import InventoryCancelled, build_inventory
        from analysis.network import (
            NetworkAnalysisCancelled,
            build_network_index,
            internet_exposure,
            vpc_connectivity,
        )

        inv = inventory
        if inv is None:
            try:
                inv = build_inventory(
                    snapshot,
                    progress=lambda done, total, message: progress(f"inventory {done}/{total}: {message}"),
                    cancelled=cancelled,
                )
            except InventoryCancelled:
                return None
        if cancelled():
            return None
        progress("indexing subnets, route tables, network ACLs and security groups")
        index = build_network_index(inv)
        try:
            report = internet_exposure(
                inv,
                index=index,
                progress=lambda done, total, message: progress(f"exposure {done}/{total}: {message}"),
                cancelled=cancelled,
            )
        except NetworkAnalysisCancelled:
            return None
        if cancelled():
            return None
        progress("connectivity between VPCs")
        links = tuple(vpc_connectivity(inv, index=index))
        return NetworkBundle(inventory=inv, index=index, report=report, links=links)

    return job


@dataclass(frozen=True, kw_only=True)
class AssessmentBundle:
    """The assessment of the open snapshot and the findings rows the views show (built in the worker)."""

    inventory: Any  # analysis.model.inventory.Inventory
    assessment: Any  # analysis.rules.assessment.Assessment
    rows: list[Any]  # ui.models.findings_model.FindingRow, one per result, in result order


def build_assessment_job(snapshot: Snapshot, *, inventory: Any = None, trust_graph: Any = None) -> Job:
    """A job that runs every control on the open snapshot and prepares the findings rows.

    Reuses the Inventory and trust graph when the window already built them. Progress values are
    ``(done, total, message)``. Returns None when cancelled.
    """

    def job(progress: Progress, cancelled: Cancelled) -> AssessmentBundle | None:
        from analysis.model.inventory import InventoryCancelled, build_inventory
        from analysis.rules.assessment import AssessmentCancelled, assess
        from analysis.rules.report import OrgPlaces
        from ui.models.findings_model import build_finding_rows

        inv = inventory
        if inv is None:
            try:
                inv = build_inventory(
                    snapshot,
                    progress=lambda done, total, message: progress((0, 0, f"inventory: {message}")),
                    cancelled=cancelled,
                )
            except InventoryCancelled:
                return None
        if cancelled():
            return None
        try:
            result = assess(
                inv,
                trust_graph=trust_graph,
                progress=lambda done, total, message: progress((done, total, message)),
                cancelled=cancelled,
            )
        except AssessmentCancelled:
            return None
        progress((0, 0, "preparing the findings table"))
        places = OrgPlaces(inv)
        rows = build_finding_rows(result.results, result.controls, place=places.place)
        return AssessmentBundle(inventory=inv, assessment=result, rows=rows)

    return job
