"""The controls catalogue's contracts: metadata validated, id == module name, every module listed,
NOT_ASSESSED on missing inputs, ERROR when a control raises (the others still run)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from analysis.rules import base
from analysis.rules.assessment import assess
from analysis.rules.base import (
    ERROR,
    FAIL,
    NOT_ASSESSED,
    PASS,
    Control,
    ControlDefinitionError,
    Input,
    Mappings,
    Remediation,
)
from analysis.rules.registry import AREAS, control_modules

GOOD = dict(
    id="iam_example_control",
    title="An example",
    severity="high",
    practice="identity",
    service="iam",
    rationale="Because.",
    remediation=Remediation(console="Do it.", cli="aws iam x", terraform='resource "x" "y" {}'),
    inputs=(Input(service="iam", operation="GetAccountSummary", regional=False),),
    mappings=Mappings(fsbp=("IAM.6",), nist=("AC-6(10)",)),
)


def test_a_valid_control_is_accepted() -> None:
    assert Control(**GOOD).id == "iam_example_control"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"id": "Bad-Id"}, "snake_case"),
        ({"severity": "severe"}, "severity"),
        ({"practice": "vibes"}, "practice"),
        ({"rationale": " "}, "rationale is empty"),
        ({"inputs": ()}, "inputs is empty"),
        ({"mappings": Mappings(fsbp=("IAM.9",))}, "FSBP"),  # a Security Hub control outside FSBP
        ({"mappings": Mappings(cis=("one",))}, "CIS"),
        ({"mappings": Mappings(fsbp=("IAM-9",))}, "FSBP"),
        ({"mappings": Mappings(nist=("ac2",))}, "NIST"),
        ({"remediation": Remediation(console="x", cli="", terraform="y")}, "remediation.cli"),
    ],
)
def test_invalid_metadata_is_refused(change: dict[str, object], complaint: str) -> None:
    with pytest.raises(ControlDefinitionError, match=complaint):
        Control(**{**GOOD, **change})  # type: ignore[arg-type]


def test_control_ids_are_module_names_and_every_module_is_listed() -> None:
    modules = control_modules()
    assert modules, "the catalogue has controls"
    ids = [m.CONTROL.id for m in modules]
    assert len(ids) == len(set(ids)), "control ids are unique"
    for module in modules:
        assert module.CONTROL.id == module.__name__.rsplit(".", 1)[1]
        assert callable(module.evaluate)
    for package_name in AREAS.values():
        try:
            package = importlib.import_module(package_name)
        except ModuleNotFoundError:
            continue
        on_disk = {m.name for m in pkgutil.iter_modules([str(Path(package.__file__).parent)])}
        on_disk = {n for n in on_disk if not n.startswith("_")}
        assert on_disk == set(package.CONTROL_MODULES), f"{package_name}: every control module is listed"


def _fake_module(control_id: str, evaluate: object) -> SimpleNamespace:
    return SimpleNamespace(CONTROL=Control(**{**GOOD, "id": control_id}), evaluate=evaluate)  # type: ignore[arg-type]


def test_a_control_that_raises_gives_one_error_and_the_others_still_run(demo_inventory: object) -> None:
    def broken(ctx: object) -> list[object]:
        raise KeyError("boom")

    from analysis.rules.iam import iam_root_mfa

    result = assess(demo_inventory, modules=[_fake_module("iam_broken_one", broken), iam_root_mfa])  # type: ignore[arg-type]
    errors = [r for r in result.results if r.status == ERROR]
    assert len(errors) == 1 and errors[0].control_id == "iam_broken_one" and "KeyError" in errors[0].message
    assert result.by_control("iam_root_mfa"), "the next control ran"


def test_statuses_are_validated() -> None:
    with pytest.raises(ValueError, match="status"):
        base.Result(
            control_id="x",
            status="OK",
            account_id="",
            region="global",
            resource_arn="",
            resource_id="",
            message="",
        )
    assert {PASS, FAIL, NOT_ASSESSED, ERROR} == set(base.STATUSES)


def test_the_garbage_collector_is_paused_during_controls_and_restored(demo_inventory: object) -> None:
    import gc

    seen: list[bool] = []

    def observe(ctx: object) -> list[object]:
        seen.append(gc.isenabled())
        return []

    assert gc.isenabled()
    assess(demo_inventory, modules=[_fake_module("iam_observer_one", observe)])  # type: ignore[arg-type]
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        assess(demo_inventory, modules=[_fake_module("iam_observer_one", observe)])  # type: ignore[arg-type]
        assert not gc.isenabled(), "a caller's disabled collector stays disabled"
    finally:
        gc.enable()
