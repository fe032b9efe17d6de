"""``main.py simulate``, ``paths`` and ``scp-whatif`` on a small hand-built organization.

The snapshot is written the way tests/analysis/trust builds theirs (real SnapshotWriter,
real build_inventory); the subcommands run in-process through ``cli.main.main`` (and once as
a subprocess, for the no-traceback promise). Expected decisions follow the IAM User Guide,
"Policy evaluation logic" (explicit deny wins; an SCP Deny applies to the accounts below the
OU) and the Organizations white paper's "test SCPs before implementing them".

stderr is not a terminal under pytest: progress comes as plain lines ("  1.2s inventory
3/14: normalizing iam"), and every other stderr line must be the one ``error:`` line.
"""

from __future__ import annotations

import io
import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from analysis.trust.nodes import admin_node_id, external_node_id
from cli.main import main
from tests.analysis.trust.org_builder import (
    ADMIN_POLICY,
    DEV,
    DEV_OU,
    EXTERNAL,
    PROD,
    PROD_OU,
    Acct,
    R,
    U,
    allow,
    build_org,
    deny,
    role_arn,
    trust,
    user_arn,
)

REPO = Path(__file__).resolve().parents[2]
CAROL, BOB, ALICE, DAVE = (
    user_arn(DEV, "carol"),
    user_arn(DEV, "bob"),
    user_arn(PROD, "alice"),
    user_arn(DEV, "dave"),
)
CI, VENDOR = role_arn(PROD, "ci"), role_arn(PROD, "vendor")
BUCKET = "arn:aws:s3:::data"


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    build_org(
        tmp,
        Acct(
            id=PROD,
            users=[U(name="alice", attached=[ADMIN_POLICY])],
            roles=[
                R(name="ci", trust=trust({"AWS": DEV}), attached=[ADMIN_POLICY]),
                R(name="vendor", trust=trust({"AWS": EXTERNAL}), policies=[allow("s3:ListBucket")]),
            ],
        ),
        Acct(
            id=DEV,
            users=[
                U(name="bob", policies=[allow("sts:AssumeRole")]),
                U(name="carol", policies=[allow("iam:CreateAccessKey")]),
                U(
                    name="dave",
                    policies=[
                        allow("ec2:StopInstances", condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
                    ],
                ),
            ],
        ),
        scps=[("p-nodelete", deny("s3:DeleteBucket"), [PROD_OU])],
        name="org",
    )
    return tmp / "org.awb"


PROGRESS_LINE = re.compile(r"^ *\d+\.\ds \S.*$")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def split_stderr(err: str) -> tuple[list[str], list[str]]:
    """(progress lines, error lines); anything else on stderr fails the test."""
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    progress = [line for line in lines if not line.startswith("error: ")]
    assert all(PROGRESS_LINE.match(line) for line in progress), progress
    assert not errors or lines[-1] == errors[-1]  # the error is the last word
    return progress, errors


def one_error(err: str) -> str:
    _, errors = split_stderr(err)
    assert len(errors) == 1, err
    return errors[0]


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    status, out, err = run_cli(capsys, *argv, "--json")
    _, errors = split_stderr(err)
    assert errors == []
    return status, json.loads(out)


# -- simulate -------------------------------------------------------------------------------------


def test_simulate_allow_lists_the_deciding_statements(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(
        capsys, "simulate", str(snap), "--principal", ALICE, "--action", "iam:CreateUser"
    )
    assert status == 0
    assert out.splitlines()[0] == f"{ALICE} iam:CreateUser on *: ALLOW"
    assert ADMIN_POLICY in out and "Reasons:" in out
    status, data = run_json(capsys, "simulate", str(snap), "--principal", ALICE, "--action", "iam:CreateUser")
    assert status == 0 and data["decision"] == "allow" and data["exit_status"] == 0
    kinds = {(d["kind"], d["policy"]) for d in data["deciding"]}
    assert ("identity", ADMIN_POLICY) in kinds
    assert set(data["deciding"][0]) == {"kind", "policy", "where", "index", "sid", "effect"}
    assert data["request"] == {
        "principal": ALICE,
        "action": "iam:CreateUser",
        "resource": "*",
        "context": {},
    }
    assert data["reasons"]


def test_simulate_scp_deny_wins_over_admin(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # IAM User Guide, "Policy evaluation logic": an explicit deny in any policy overrides allows.
    status, data = run_json(
        capsys, "simulate", str(snap), "--principal", ALICE, "--action", "s3:DeleteBucket",
        "--resource", BUCKET,
    )  # fmt: skip
    assert status == 1 and data["decision"] == "explicit_deny"
    deny_refs = [d for d in data["deciding"] if d["effect"] == "Deny"]
    assert deny_refs and deny_refs[0]["kind"] == "scp" and deny_refs[0]["policy"] == "p-nodelete"


def test_simulate_implicit_deny(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(
        capsys, "simulate", str(snap), "--principal", BOB, "--action", "s3:GetObject",
        "--resource", f"{BUCKET}/x",
    )  # fmt: skip
    assert status == 1 and "IMPLICIT DENY" in out.splitlines()[0]


def test_simulate_conditional_then_settled_by_context(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # aws:SourceIp cannot be known offline: allowed only if it holds.
    args = ("simulate", str(snap), "--principal", DAVE, "--action", "ec2:StopInstances")
    status, data = run_json(capsys, *args)
    assert status == 4 and data["decision"] == "conditional"
    cond = data["conditions"][0]
    assert (cond["operator"], cond["key"], cond["values"]) == ("IpAddress", "aws:SourceIp", ["10.0.0.0/8"])
    status, out, _ = run_cli(capsys, *args)
    assert status == 4 and "aws:SourceIp" in out and "Allowed only if" in out
    assert run_cli(capsys, *args, "--context", "aws:SourceIp=10.1.2.3")[0] == 0
    assert run_cli(capsys, *args, "--context", "aws:SourceIp=192.168.1.1")[0] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--principal", user_arn(DEV, "nobody"), "--action", "s3:GetObject"], "is not a user or role"),
        (["--principal", ALICE, "--action", "s3:GetObject", "--context", "novalue"], "expected KEY=VALUE"),
        (["--principal", ALICE, "--action", "GetObject"], "expected service:Action"),
    ],
)
def test_simulate_user_errors_are_one_line(
    snap: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run_cli(capsys, "simulate", str(snap), *argv)
    assert status == 2 and out == ""
    assert message in one_error(err)


def test_bad_snapshot_files_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.awb"
    junk.write_text("not a snapshot")
    for path in (junk, tmp_path / "missing.awb"):
        for argv in (
            ["simulate", str(path), "--principal", ALICE, "--action", "s3:GetObject"],
            ["paths", str(path), "--to-admin", PROD],
        ):
            status, out, err = run_cli(capsys, *argv)
            assert status == 2 and out == "" and one_error(err)


def test_subprocess_error_has_no_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.awb"
    junk.write_bytes(b"\x00" * 512)
    proc = subprocess.run(
        [sys.executable, "main.py", "scp-whatif", str(junk), "--policy", str(junk), "--target", PROD],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


# -- paths ----------------------------------------------------------------------------------------


def test_paths_to_admin_hop_by_hop(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "paths", str(snap), "--to-admin", PROD)
    assert status == 0 and data["query"] == "to-admin" and data["goal"] == admin_node_id(PROD)
    sources = {s["id"]: s for s in data["sources"]}
    assert sources[ALICE]["distance"] == 1
    bob = sources[BOB]
    assert bob["distance"] == 2 and bob["kind"] == "user"
    path = bob["paths"][0]
    assert path["nodes"] == [BOB, CI, admin_node_id(PROD)] and not path["escalation"]
    first = path["steps"][0]["edges"][0]
    assert first["kind"] == "assume_role" and first["technique"] == "sts:AssumeRole"
    assert any(s["kind"] == "trust" and s["policy"] == CI for s in first["statements"])
    carol = sources[CAROL]
    assert carol["distance"] == 3 and carol["paths"][0]["escalation"]
    assert carol["paths"][0]["steps"][0]["edges"][0]["technique"] == "iam:CreateAccessKey"
    # Nearest first.
    assert [s["distance"] for s in data["sources"]] == sorted(s["distance"] for s in data["sources"])

    status, out, _ = run_cli(capsys, "paths", str(snap), "--to-admin", PROD)
    assert status == 0 and out.startswith(f"Who can reach admin of account {PROD}:")
    assert "iam:CreateAccessKey" in out and "(escalation)" in out and "by Allow [trust]" in out
    status, data = run_json(capsys, "paths", str(snap), "--to-admin", DEV)
    assert status == 0 and data["sources"] == []


def test_paths_from_an_external_account(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "paths", str(snap), "--from", external_node_id(EXTERNAL))
    assert status == 0 and data["source"]["kind"] == "external_account"
    reached = {r["id"]: r for r in data["reachable"]}
    assert VENDOR in reached and admin_node_id(PROD) not in reached
    assert reached[VENDOR]["paths"][0]["steps"][0]["edges"][0]["intra_org"] is False
    status, out, _ = run_cli(capsys, "paths", str(snap), "--from", BOB)
    assert status == 0 and CI in out and admin_node_id(PROD) in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--to-admin", "123456789012"], "not an account of this snapshot"),
        (["--from", "arn:aws:iam::1:user/x"], "not a node of the trust graph"),
        (["--to-admin", PROD, "--limit", "0"], "--limit"),
    ],
)
def test_paths_user_errors(
    snap: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run_cli(capsys, "paths", str(snap), *argv)
    assert status == 2 and out == "" and message in one_error(err)


# -- scp-whatif -----------------------------------------------------------------------------------


def test_scp_whatif_lost_permissions_and_cut_paths(
    snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "deny-assume.json"
    policy.write_text(json.dumps(deny("sts:AssumeRole")))
    argv = ("scp-whatif", str(snap), "--policy", str(policy), "--target", DEV_OU)
    status, data = run_json(capsys, *argv)
    assert status == 0 and data["accounts"] == [DEV] and data["policy_type"] == "SERVICE_CONTROL_POLICY"
    lost = {p["principal"]: p["permissions"] for p in data["lost"]}
    bob = next(x for x in lost[BOB] if x["action"] == "sts:AssumeRole")
    assert bob["before"]["decision"] == "allow" and bob["after"]["decision"] == "explicit_deny"
    assert any(d["kind"] == "scp" and d["effect"] == "Deny" for d in bob["after"]["deciding"])
    assert ALICE not in lost  # PROD is not under the Dev OU
    cut = {(c["source"], c["account_id"]) for c in data["cut_paths"]}
    assert (BOB, PROD) in cut and (CAROL, PROD) in cut and (ALICE, PROD) not in cut
    status, out, _ = run_cli(capsys, *argv)
    assert status == 0 and "Principals that would lose permissions" in out
    assert "sts:AssumeRole: allow -> explicit deny" in out and "Paths to admin that would be cut: " in out


def test_scp_whatif_on_an_account_removes_admins(
    snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "deny-all.json"
    policy.write_text(json.dumps(deny("*")))
    status, data = run_json(capsys, "scp-whatif", str(snap), "--policy", str(policy), "--target", PROD)
    assert status == 0 and data["accounts"] == [PROD]
    assert ALICE in data["admins_lost"] and CI in data["admins_lost"]


@pytest.mark.parametrize(
    ("content", "target", "message"),
    [
        ("{not json", PROD, "not valid JSON"),
        (json.dumps({"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}), PROD, "Effect"),
        (json.dumps([1, 2]), PROD, "not an object"),
        (json.dumps({"Version": "2012-10-17", "Statement": []}), PROD, "no statements"),
        (json.dumps(deny("s3:*")), "ou-nope-12345678", "not a root, OU or account"),
    ],
)
def test_scp_whatif_user_errors(
    snap: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    target: str,
    message: str,
) -> None:
    policy = tmp_path / "draft.json"
    policy.write_text(content)
    status, out, err = run_cli(capsys, "scp-whatif", str(snap), "--policy", str(policy), "--target", target)
    assert status == 2 and out == "" and message in one_error(err)


def test_scp_whatif_missing_policy_file(
    snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run_cli(
        capsys, "scp-whatif", str(snap), "--policy", str(tmp_path / "nope.json"), "--target", PROD
    )
    assert status == 2 and "no such policy file" in err


# -- progress and Ctrl-C ---------------------------------------------------------------------------


def test_paths_progress_on_stderr_json_on_stdout(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "paths", str(snap), "--to-admin", PROD, "--json")
    assert status == 0 and json.loads(out)["query"] == "to-admin"
    progress, errors = split_stderr(err)
    assert errors == []
    text = "\n".join(progress)
    # Every step of both long phases, in order, each ending on its "ready" line.
    assert "opening " in progress[0] and "integrity digest" in progress[0]
    assert re.search(r"inventory (\d+)/\1: inventory ready", text)
    assert re.search(r"trust graph (\d+)/\1: trust graph ready", text)
    assert text.index("inventory ready") < text.index("trust graph 0/") < text.index("searching paths")
    assert "edges: assume role" in text


def test_scp_whatif_progress_covers_the_second_graph(
    snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "deny-assume.json"
    policy.write_text(json.dumps(deny("sts:AssumeRole")))
    status, out, err = run_cli(
        capsys, "scp-whatif", str(snap), "--policy", str(policy), "--target", DEV_OU, "--json"
    )
    assert status == 0 and json.loads(out)["accounts"] == [DEV]
    progress, errors = split_stderr(err)
    text = "\n".join(progress)
    assert errors == [] and "what-if 0/" in text and "today's permissions against the draft's" in text
    assert re.search(r"what-if (\d+)/\1: graph with the draft: trust graph ready", text)
    assert re.search(r"what-if (\d+)/\1: paths to admin the draft would cut", text)
    assert text.index("graph with the draft: trust graph ready") < text.index("paths to admin the draft")


def _interrupt_during(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[str]:
    """Replace ``module.name`` by a function that reports one step and then receives a real SIGINT,
    the way Ctrl-C arrives in the middle of a build."""
    real = getattr(module, name)
    seen: list[str] = []

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        progress = kwargs.get("progress")
        if progress is not None:
            progress(0, 10, "working")
        seen.append(name)
        signal.raise_signal(signal.SIGINT)  # Python's default handler raises KeyboardInterrupt here
        return real(*args, **kwargs)  # pragma: no cover - never reached

    monkeypatch.setattr(module, name, interrupted)
    return seen


@pytest.mark.parametrize("command", ["paths", "scp-whatif"])
def test_ctrl_c_during_the_graph_is_one_line_and_status_1(
    snap: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    import analysis.trust

    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    seen = _interrupt_during(monkeypatch, analysis.trust, "build_trust_graph")
    policy = tmp_path / "p.json"
    policy.write_text(json.dumps(deny("s3:*")))
    argv = (
        ["paths", str(snap), "--to-admin", PROD]
        if command == "paths"
        else ["scp-whatif", str(snap), "--policy", str(policy), "--target", PROD]
    )
    status, out, err = run_cli(capsys, *argv, "--json")
    assert seen == ["build_trust_graph"]
    assert status == 1 and out == ""
    line = one_error(err)
    assert line.startswith("error: cancelled (Ctrl-C)") and "nothing was written" in line
    assert "trust graph 0/10: working" in err


def test_ctrl_c_in_simulate_is_not_a_deny(
    snap: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import analysis.model.inventory

    _interrupt_during(monkeypatch, analysis.model.inventory, "build_inventory")
    status, out, err = run_cli(
        capsys, "simulate", str(snap), "--principal", ALICE, "--action", "iam:CreateUser", "--json"
    )
    assert status == 130 and out == "" and one_error(err).startswith("error: cancelled (Ctrl-C)")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_step_progress_plain_lines_throttle_repeated_messages() -> None:
    from cli.progress import StepProgress

    stream, clock = io.StringIO(), FakeClock()
    progress = StepProgress(stream=stream, interactive=False, plain_interval_s=5.0, clock=clock)
    report = progress.phase("what-if")
    for i in range(10):  # a loop reporting the same step: one line, then one per 5 s
        clock.now += 1.0
        report(i, 10, "checking principals")
    report(10, 10, "checking principals")  # the end of a phase is always shown
    progress.note("searching paths")
    lines = stream.getvalue().splitlines()
    assert lines == [
        "   1.0s what-if 0/10: checking principals",
        "   6.0s what-if 5/10: checking principals",
        "  10.0s what-if 10/10: checking principals",
        "  10.0s searching paths",
    ]


def test_step_progress_bar_on_a_terminal() -> None:
    from cli.progress import StepProgress

    stream, clock = io.StringIO(), FakeClock()
    progress = StepProgress(stream=stream, interactive=True, min_interval_s=0.5, clock=clock)
    report = progress.phase("trust graph")
    report(0, 4, "edges: assume role")
    report(1, 4, "edges: assume role")  # same message within 0.5 s: not redrawn
    clock.now += 1.0
    report(2, 4, "edges: pass role")
    report(4, 4, "trust graph ready")
    progress.close()
    out = stream.getvalue()
    frames = [f.strip() for f in out.split("\r") if f.strip()]
    assert (
        frames[0].startswith("[....................]") and "trust graph 0/4: edges: assume role" in frames[0]
    )
    assert frames[1].startswith("[##########..........]") and "2/4: edges: pass role" in frames[1]
    assert "1/4" not in out
    # The finished phase is a line of its own, and nothing is left open.
    assert out.endswith("   1.0s trust graph 4/4: trust graph ready\n")


# -- the demo organization (one module-scoped build, ~30 s) ---------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The demo snapshot, with role ARNs by (account name, role name) and account ids by name."""
    from analysis.model.inventory import build_inventory
    from collectors.demo.build import build_demo_snapshot
    from snapshot import Snapshot

    path = build_demo_snapshot(tmp_path_factory.mktemp("demo-cli") / "demo.snapshot")
    with Snapshot.open(path) as s:
        inv = build_inventory(s)
    roles = {f"{inv.account_name(r.account_id)}/{r.name}": arn for arn, r in inv.iam.roles.items()}
    accounts = {inv.account_name(a): a for a in inv.organization.accounts}
    return path, roles, accounts


def test_demo_escalation_path_and_simulation(
    demo: tuple[Path, dict[str, str], dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, roles, accounts = demo
    deployer = roles["web-prod/LambdaDeployer"]
    status, data = run_json(capsys, "paths", str(path), "--to-admin", accounts["web-prod"])
    assert status == 0
    sources = {s["id"]: s for s in data["sources"]}
    esc = sources[deployer]["paths"][0]
    assert esc["escalation"] and esc["nodes"][-1] == admin_node_id(accounts["web-prod"])
    assert any(e["kind"] in ("escalation", "pass_role") for st in esc["steps"] for e in st["edges"])
    # What a GitHub Actions role can reach, hop by hop.
    deploy = roles["shared-services/GitHubActionsDeploy"]
    status, out, _ = run_cli(capsys, "paths", str(path), "--from", deploy)
    assert status == 0 and out.startswith("What GitHubActionsDeploy [role] can reach")
    # A role that is admin is allowed anything its SCPs allow.
    status, sim = run_json(
        capsys, "simulate", str(path), "--principal", roles["web-prod/OrganizationAccountAccessRole"],
        "--action", "iam:CreateUser",
    )  # fmt: skip
    assert status == 0 and sim["decision"] == "allow"
