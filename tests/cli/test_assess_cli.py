"""``main.py assess`` on the demo organization: the JSON document (docs/assessment.md), the workpaper's
waivers applied (and an expired one saying so), OCSF Compliance Findings with their required
attributes, and user errors as one ``error:`` line with exit status 2.

Runs in-process through ``cli.main.main``; stderr is not a terminal under pytest, so progress
is plain lines and any other stderr line must be the one ``error:`` line.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from cli.main import main

PROGRESS_LINE = re.compile(r"^ *\d+\.\ds \S.*$")
RESULT_KEYS = {
    "key",
    "control_id",
    "status",
    "assessed_status",
    "severity",
    "title",
    "service",
    "practice",
    "account_id",
    "account_name",
    "ou_path",
    "ou_ids",
    "region",
    "resource_arn",
    "resource_id",
    "message",
    "mappings",
    "evidence",
    "waiver",
    "note",
}


@pytest.fixture(scope="module")
def snapshot(demo_snapshot_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo snapshot (so a workpaper beside it is this module's own)."""
    path = tmp_path_factory.mktemp("assess-cli") / "demo.snapshot"
    shutil.copyfile(demo_snapshot_path, path)
    return path


@pytest.fixture(scope="module")
def plain(snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The assessment without a workpaper, and its OCSF findings."""
    out = tmp_path_factory.mktemp("assess-out")
    status = main(["assess", str(snapshot), "--json", str(out / "a.json"), "--ocsf", str(out / "o.json")])
    assert status == 0
    return {
        "doc": json.loads((out / "a.json").read_text()),
        "ocsf": json.loads((out / "o.json").read_text()),
    }


def errors_of(err: str) -> list[str]:
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert all(PROGRESS_LINE.match(line) for line in lines if not line.startswith("error: ")), lines
    return errors


def test_document_has_every_result_with_its_metadata_and_evidence(plain: dict[str, Any]) -> None:
    doc = plain["doc"]
    assert doc["format"] == "awb-assessment" and doc["format_version"] == 1
    assert doc["snapshot"]["organization_id"].startswith("o-")
    controls = {c["id"]: c for c in doc["controls"]}
    assert len(controls) == doc["summary"]["controls"] > 0
    results = doc["results"]
    assert len(results) == doc["summary"]["results"] > 0
    assert sum(doc["summary"]["by_status"].values()) == len(results)
    for r in results:
        assert set(r) >= RESULT_KEYS, set(RESULT_KEYS) - set(r)
        assert r["status"] == r["assessed_status"]  # no workpaper: nothing waived
        c = controls[r["control_id"]]
        assert (r["severity"], r["title"], r["practice"]) == (c["severity"], c["title"], c["practice"])
        assert r["mappings"] == c["mappings"]
    fails = [r for r in results if r["status"] == "FAIL"]
    assert fails
    for r in results:
        ev = r["evidence"]
        assert set(ev) == {"call_ids", "statements", "path", "hops", "values"}
        assert all(isinstance(ev[k], list) for k in ("call_ids", "statements", "path", "hops"))
        assert isinstance(ev["values"], dict)
    with_evidence = [r for r in fails if r["evidence"]["call_ids"] or r["evidence"]["values"]]
    assert len(with_evidence) > 0.9 * len(fails)
    # an account-level result names the account and where it sits in the OU tree
    root_mfa = [r for r in results if r["control_id"] == "iam_root_mfa" and r["account_id"]]
    assert root_mfa and all(r["account_name"] and r["ou_path"][0] == "Root" for r in root_mfa)
    # the exposure command's document and the trust findings ride along
    assert doc["exposure"]["summary"]["exposures"] > 0
    assert doc["trust_findings"] and {"kind", "resource", "account_id", "title"} <= set(
        doc["trust_findings"][0]
    )


def test_ocsf_findings_have_the_required_attributes(plain: dict[str, Any]) -> None:
    findings, doc = plain["ocsf"], plain["doc"]
    assert len(findings) == len(doc["results"])
    uids = set()
    for f in findings:
        for key in (
            "activity_id",
            "category_uid",
            "class_uid",
            "type_uid",
            "time",
            "severity_id",
            "metadata",
        ):
            assert key in f, key
        assert (f["class_uid"], f["category_uid"], f["type_uid"]) == (2003, 2, 200301)
        assert (
            f["metadata"]["version"]
            and f["metadata"]["product"]["name"]
            and f["metadata"]["product"]["vendor_name"]
        )
        assert f["finding_info"]["uid"] and f["finding_info"]["title"]
        assert f["compliance"]["control"] and f["compliance"]["status_id"] in (1, 2, 3, 99)
        assert f["compliance"]["status_code"] in ("PASS", "FAIL", "NOT_ASSESSED", "ERROR")
        assert f["status_id"] == 1 and f["status"] == "New"
        assert f["resources"] and f["resources"][0]["uid"]
        assert f["cloud"]["provider"] == "AWS" and "uid" in f["cloud"]["account"]
        assert isinstance(f["time"], int) and 1 <= f["severity_id"] <= 5
        uids.add(f["finding_info"]["uid"])
    assert len(uids) == len(findings)  # one id per result
    by_code = {f["compliance"]["status_code"]: f["compliance"] for f in findings}
    assert by_code["FAIL"]["status"] == "Fail" and by_code["PASS"]["status"] == "Pass"
    cis = next(f for f in findings if f["metadata"]["event_code"] == "iam_root_mfa")
    assert "CIS 1.4" in cis["compliance"]["requirements"]
    assert any(s.startswith("CIS AWS Foundations Benchmark") for s in cis["compliance"]["standards"])


def test_waivers_from_the_workpaper_beside_the_snapshot(
    snapshot: Path, plain: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = [
        r for r in plain["doc"]["results"] if r["control_id"] == "iam_root_mfa" and r["status"] == "FAIL"
    ]
    assert len(failing) >= 2
    waived, expired = failing[0], failing[1]
    workpaper = {
        "format": "awb-workpaper",
        "format_version": 1,
        "waivers": [
            {
                "control_id": "iam_root_mfa",
                "resource_pattern": "*",
                "accounts": [waived["account_id"]],
                "reason": "root sealed in a safe, MFA device ordered",
                "owner": "ciso@example.com",
                "expires": "2999-12-31",
            },
            {
                "control_id": "iam_*",
                "resource_pattern": expired["resource_arn"],
                "reason": "old exception",
                "owner": "ops",
                "expires": "2001-01-31",
            },
        ],
        "notes": [
            {
                "control_id": "iam_root_mfa",
                "resource_arn": waived["resource_arn"],
                "account_id": waived["account_id"],
                "region": waived["region"],
                "text": "asked the client on Monday",
            }
        ],
        "signoff": {"name": "R. Viewer", "time": "2025-01-02T10:00:00Z"},
    }
    beside = snapshot.with_name(snapshot.name + ".workpaper.json")
    beside.write_text(json.dumps(workpaper))
    try:
        status = main(["assess", str(snapshot), "--json", str(tmp_path / "a.json")])
    finally:
        beside.unlink()
    out = capsys.readouterr().out
    assert status == 0
    assert "1 note(s), signed off by R. Viewer" in out
    doc = json.loads((tmp_path / "a.json").read_text())
    by_key = {r["key"]: r for r in doc["results"]}
    w = by_key[waived["key"]]
    assert (w["status"], w["assessed_status"]) == ("WAIVED", "FAIL")
    assert w["waiver"]["applies"] and w["waiver"]["reason"].startswith("root sealed")
    assert w["waiver"]["owner"] == "ciso@example.com" and w["waiver"]["expires"] == "2999-12-31"
    assert w["note"]["text"] == "asked the client on Monday"
    e = by_key[expired["key"]]
    assert e["status"] == "FAIL" and not e["waiver"]["applies"]
    assert e["waiver"]["message"].startswith("waiver expired on 2001-01-31")
    assert doc["summary"]["by_status"]["WAIVED"] == 1
    assert doc["workpaper"]["signoff"]["name"] == "R. Viewer"
    # PASS results are never waived, even by a matching waiver
    passing = [
        r for r in doc["results"] if r["control_id"] == "iam_root_mfa" and r["assessed_status"] == "PASS"
    ]
    assert all(r["status"] == "PASS" for r in passing)


def test_a_corrupt_workpaper_is_one_error_line_and_left_alone(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "wp.json"
    bad.write_text('{"format": "awb-workpaper", "waivers": [')
    status = main(["assess", str(snapshot), "--workpaper", str(bad), "--json", str(tmp_path / "a.json")])
    err = capsys.readouterr().err
    assert status == 2
    assert errors_of(err) == [f"error: {bad}: not valid JSON (line 1, column 41: Expecting value)"]
    assert bad.read_text() == '{"format": "awb-workpaper", "waivers": ['
    assert not (tmp_path / "a.json").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--json", "-", "--ocsf", "-"], "error: --json and --ocsf cannot both write to stdout"),
        ([], "error: say where to write: --json OUT and/or --ocsf OUT ('-' for stdout)"),
        (
            ["--json", "/nonexistent-dir/a.json"],
            "error: /nonexistent-dir/a.json: folder /nonexistent-dir does not exist",
        ),
    ],
)
def test_user_errors(
    snapshot: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["assess", str(snapshot), *argv])
    assert status == 2
    assert errors_of(capsys.readouterr().err) == [message]


def test_missing_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["assess", str(tmp_path / "none.snapshot"), "--json", str(tmp_path / "a.json")])
    assert status == 2
    assert errors_of(capsys.readouterr().err) == [
        f"error: {tmp_path / 'none.snapshot'}: no such snapshot file"
    ]


def test_json_to_stdout(snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["assess", str(snapshot), "--json", "-"])
    out = capsys.readouterr().out
    assert status == 0
    assert json.loads(out)["format"] == "awb-assessment"
