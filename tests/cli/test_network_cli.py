"""``main.py exposure`` and ``main.py path`` on the demo organization (collectors/demo/seed_network.py:
one truly exposed host, the traps a rule-level check gets wrong, apps reachable only through
internet-facing load balancers).

The commands run in-process through ``cli.main.main`` (and once as a subprocess, for the exit
status and no traceback). stderr is not a terminal under pytest: progress is plain lines, and
any other stderr line must be the one ``error:`` line. What is reachable follows the VPC User
Guide (route tables, network ACLs are stateless: the return traffic must pass too; an instance
needs a public IP to be reached through an internet gateway) and the ELB User Guide (an
internet-facing load balancer forwards to private targets).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cli.main import main

REPO = Path(__file__).resolve().parents[2]
PROGRESS_LINE = re.compile(r"^ *\d+\.\ds \S.*$")
EXPOSED = "hub-web-exposed"
TRAPS = ("hub-app-behind-nat", "hub-web-nacl-denied", "hub-web-no-return", "hub-web-no-public-ip")
BEHIND_ALB = ("web-app-waf", "web-app-nowaf")


class Demo:
    def __init__(self, path: Path, instances: dict[str, str], enis: dict[str, str], accounts: dict[str, str]):
        self.path, self.instances, self.enis, self.accounts = str(path), instances, enis, accounts


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo snapshot (~30 s, once), with instance ids and primary ENIs by Name tag."""
    from analysis.model.inventory import build_inventory
    from collectors.demo.build import build_demo_snapshot
    from snapshot import Snapshot

    path = build_demo_snapshot(tmp_path_factory.mktemp("demo-network-cli") / "demo.snapshot")
    with Snapshot.open(path) as s:
        inv = build_inventory(s)
    net = inv.network
    instances = {i.name: i.instance_id for i in net.instances.values() if i.name}
    enis = {
        i.name: i.network_interface_ids[0]
        for i in net.instances.values()
        if i.name and i.network_interface_ids
    }
    accounts = {inv.account_name(a): a for a in inv.organization.accounts}
    return Demo(path, instances, enis, accounts)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def errors_of(err: str) -> list[str]:
    """The ``error:`` lines of stderr; every other line must be a progress line."""
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert all(PROGRESS_LINE.match(line) for line in lines if not line.startswith("error: ")), lines
    assert not errors or lines[-1] == errors[-1]
    return errors


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    status, out, err = run_cli(capsys, *argv, "--json")
    assert errors_of(err) == []
    return status, json.loads(out)


# -- exposure -----------------------------------------------------------------------------------


def test_exposure_json_has_the_exposed_host_and_not_the_traps(
    demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    status, data = run_json(capsys, "exposure", demo.path)
    assert status == 0
    by_eni: dict[str, list[dict[str, Any]]] = {}
    for e in data["exposures"]:
        by_eni.setdefault(e["network_interface_id"], []).append(e)
    exposed = by_eni[demo.enis[EXPOSED]]
    ports = {(e["ports"]["protocol"], e["ports"]["from_port"]) for e in exposed if e["via"] == "direct"}
    assert {("tcp", 22), ("tcp", 443)} <= ports
    ssh = next(e for e in exposed if e["ports"]["from_port"] == 22 and e["via"] == "direct")
    assert ssh["instance_id"] == demo.instances[EXPOSED] and "SSH" in ssh["management"]
    kinds = [h["kind"] for h in ssh["hops"]]
    assert kinds[0] == "internet" and kinds[-1] == "network_interface"
    assert {"internet_gateway", "route_table", "network_acl", "security_group"} <= set(kinds)
    assert all(h["verdict"] == "allow" and h["rule"] for h in ssh["hops"])
    for trap in TRAPS:
        assert demo.enis[trap] not in by_eni, trap
    # The private apps are reached only through their internet-facing load balancers.
    for app in BEHIND_ALB:
        via = {e["via"] for e in by_eni[demo.enis[app]]}
        assert via == {"load_balancer"}, app
    # The open SSH rule of hub-web-open: reachable at path level on the exposed host only.
    ssh_rules = [r for r in data["open_rules"] if r["ports"]["from_port"] == 22 and r["reachable"]]
    assert ssh_rules and all(r["reachable_on"] == [demo.enis[EXPOSED]] for r in ssh_rules)
    assert data["summary"]["exposures"] == len(data["exposures"]) and data["interfaces_checked"] > 0
    assert data["filter"] == {"accounts": None, "management_only": False}


def test_exposure_management_only_and_account_filter(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(
        capsys, "exposure", demo.path, "--management-only", "--account", demo.accounts["network"]
    )
    assert status == 0
    assert data["exposures"] and all(e["management"] for e in data["exposures"])
    assert {e["account_id"] for e in data["exposures"]} == {demo.accounts["network"]}
    assert not any(e["ports"]["from_port"] == 443 for e in data["exposures"])
    assert all(r["account_id"] == demo.accounts["network"] for r in data["open_rules"])
    # web-prod's exposures are all through load balancers on 8080: none on a management port.
    status, data = run_json(
        capsys, "exposure", demo.path, "--management-only", "--account", demo.accounts["web-prod"]
    )
    assert status == 0 and data["exposures"] == []


def test_exposure_text_explains_each_hop(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "exposure", demo.path)
    assert status == 0 and errors_of(err) == []
    assert out.startswith("Internet exposure: ")
    assert f"{demo.enis[EXPOSED]} ({demo.instances[EXPOSED]} {EXPOSED})" in out
    assert "tcp/22 [SSH]" in out and "Management ports reachable from the internet: " in out
    assert "    1. internet internet: allow" in out
    assert "not reachable from the internet (rule level only)" in out or "attached to nothing" in out


def test_exposure_unknown_account_and_bad_file(
    demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, "exposure", demo.path, "--account", "000000000000")
    assert status == 2 and out == ""
    assert errors_of(err) == ["error: --account 000000000000: not an account of this snapshot"]
    status, out, err = run_cli(capsys, "exposure", str(tmp_path / "missing.snapshot"))
    assert status == 2 and errors_of(err) == [
        f"error: {tmp_path / 'missing.snapshot'}: no such snapshot file"
    ]


# -- path -----------------------------------------------------------------------------------------


def test_path_to_the_exposed_host_is_reachable(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(
        capsys, "path", demo.path, "--from", "internet", "--to", demo.instances[EXPOSED], "--port", "22"
    )
    assert status == 0 and data["exit_status"] == 0
    assert data["reachable"] is True and data["blocked_by"] is None
    assert data["destination"]["id"] == demo.instances[EXPOSED]
    assert data["destination"]["network_interface_id"] == demo.enis[EXPOSED]
    assert (data["protocol"], data["port"]) == ("tcp", 22)
    assert data["hops"][0]["kind"] == "internet" and all(h["verdict"] == "allow" for h in data["hops"])
    status, out, _ = run_cli(
        capsys, "path", demo.path, "--from", "internet", "--to", demo.instances[EXPOSED], "--port", "443"
    )
    assert status == 0 and out.splitlines()[0].endswith("tcp/443: REACHABLE") and "Path:" in out


@pytest.mark.parametrize(
    ("trap", "blocker"),
    [
        ("hub-web-nacl-denied", "network_acl"),
        ("hub-web-no-return", "network_acl"),
        ("hub-app-behind-nat", None),
        ("hub-web-no-public-ip", None),
    ],
)
def test_path_to_a_trap_is_blocked(
    demo: Demo, capsys: pytest.CaptureFixture[str], trap: str, blocker: str | None
) -> None:
    status, data = run_json(
        capsys, "path", demo.path, "--from", "internet", "--to", demo.instances[trap], "--port", "22"
    )
    assert status == 1 and data["exit_status"] == 1 and data["reachable"] is False
    assert data["blocked_by"] is not None and data["blocked_by"]["verdict"] == "deny"
    assert data["hops"][-1] == data["blocked_by"] and data["explanation"]
    if blocker is not None:
        assert data["blocked_by"]["kind"] == blocker
    status, out, _ = run_cli(
        capsys, "path", demo.path, "--from", "internet", "--to", demo.instances[trap], "--port", "22"
    )
    assert status == 1 and ": NOT REACHABLE" in out.splitlines()[0] and "  blocked by " in out


def test_path_user_errors(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(
        capsys, "path", demo.path, "--from", "internet", "--to", "i-0000000000000dead", "--port", "22"
    )
    (error,) = errors_of(err)
    assert status == 2 and out == "" and error.startswith("error: --to i-0000000000000dead: ")
    for argv, message in (
        (["--port", "70000"], "error: --port 70000: expected 0-65535"),
        ([], "error: --port is required for tcp"),
        (
            ["--protocol", "gre", "--port", "1"],
            "error: --protocol gre: expected one of tcp, udp, icmp, icmpv6, all",
        ),
    ):
        status, out, err = run_cli(
            capsys, "path", demo.path, "--from", "internet", "--to", demo.instances[EXPOSED], *argv
        )
        assert status == 2 and errors_of(err) == [message]
    # A value only the engine can judge (an ICMP type beyond 255) is one line too, not a traceback.
    status, out, err = run_cli(
        capsys,
        "path",
        demo.path,
        "--from",
        "internet",
        "--to",
        demo.instances[EXPOSED],
        "--protocol",
        "icmp",
        "--port",
        "300",
    )
    (error,) = errors_of(err)
    assert status == 2 and out == "" and error.startswith("error: ")


def test_path_subprocess_exit_status_and_no_traceback(demo: Demo) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "main.py",
            "path",
            demo.path,
            "--from",
            "internet",
            "--to",
            demo.instances["hub-web-nacl-denied"],
            "--port",
            "443",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "NOT REACHABLE" in proc.stdout
