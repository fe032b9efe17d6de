"""Each privilege-escalation technique: found when the attacker's policies allow it, gone when an SCP denies it.

Techniques follow Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and
Mitigation", and PMapper's edge checkers. SCPs: "SCPs affect all users and roles in
attached accounts" (AWS Organizations User Guide, "Service control policies"); the
engine applies them, so the same setup with an SCP denying the key action on the Prod OU
must lose the edge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analysis.trust.edges import ESCALATION_TECHNIQUES
from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.nodes import admin_node_id
from tests.analysis.model.builders import FakeCall
from tests.analysis.trust.org_builder import (
    ADMIN_POLICY,
    FULL_ACCESS,
    MP,
    PROD,
    PROD_OU,
    Acct,
    G,
    R,
    U,
    allow,
    deny,
    role_arn,
    trust,
    user_arn,
)

ATTACKER = user_arn(PROD, "attacker")
ADMIN = admin_node_id(PROD)
SERVICES = {
    "lambda-admin": "lambda.amazonaws.com",
    "ec2-admin": "ec2.amazonaws.com",
    "ecs-admin": "ecs-tasks.amazonaws.com",
    "glue-admin": "glue.amazonaws.com",
    "cfn-admin": "cloudformation.amazonaws.com",
    "codebuild-admin": "codebuild.amazonaws.com",
    "sagemaker-admin": "sagemaker.amazonaws.com",
    "datapipeline-admin": "datapipeline.amazonaws.com",
}
OWN_POLICY = f"arn:aws:iam::{PROD}:policy/attacker-policy"
FUNCTION = f"arn:aws:lambda:us-east-1:{PROD}:function:nightly"
INSTANCE = f"arn:aws:ec2:us-east-1:{PROD}:instance/i-0abc"


def _passrole(*actions: str) -> list[dict[str, Any]]:
    return [allow("iam:PassRole", *actions)]


# (technique on the edge, attacker's inline policies, expected edge target, the action an SCP denies)
CASES: list[tuple[str, list[dict[str, Any]], str, str]] = [
    (
        "iam:CreatePolicyVersion",
        [allow("iam:CreatePolicyVersion", resource=OWN_POLICY)],
        ADMIN,
        "iam:CreatePolicyVersion",
    ),
    (
        "iam:SetDefaultPolicyVersion",
        [allow("iam:SetDefaultPolicyVersion")],
        ADMIN,
        "iam:SetDefaultPolicyVersion",
    ),
    (
        "iam:AttachUserPolicy",
        [allow("iam:AttachUserPolicy", resource=ATTACKER)],
        ADMIN,
        "iam:AttachUserPolicy",
    ),
    ("iam:PutUserPolicy", [allow("iam:PutUserPolicy", resource=ATTACKER)], ADMIN, "iam:PutUserPolicy"),
    ("iam:AttachGroupPolicy", [allow("iam:AttachGroupPolicy")], ADMIN, "iam:AttachGroupPolicy"),
    ("iam:PutGroupPolicy", [allow("iam:PutGroupPolicy")], ADMIN, "iam:PutGroupPolicy"),
    (
        "iam:AttachRolePolicy",
        [allow("iam:AttachRolePolicy", "sts:AssumeRole")],
        ADMIN,
        "iam:AttachRolePolicy",
    ),
    ("iam:PutRolePolicy", [allow("iam:PutRolePolicy", "sts:AssumeRole")], ADMIN, "iam:PutRolePolicy"),
    ("iam:AddUserToGroup", [allow("iam:AddUserToGroup")], ADMIN, "iam:AddUserToGroup"),
    (
        "iam:UpdateAssumeRolePolicy",
        [allow("iam:UpdateAssumeRolePolicy")],
        role_arn(PROD, "lambda-admin"),
        "iam:UpdateAssumeRolePolicy",
    ),
    ("iam:CreateAccessKey", [allow("iam:CreateAccessKey")], user_arn(PROD, "victim"), "iam:CreateAccessKey"),
    (
        "iam:CreateLoginProfile",
        [allow("iam:CreateLoginProfile")],
        user_arn(PROD, "victim"),
        "iam:CreateLoginProfile",
    ),
    (
        "iam:UpdateLoginProfile",
        [allow("iam:UpdateLoginProfile")],
        user_arn(PROD, "victim"),
        "iam:UpdateLoginProfile",
    ),
    (
        "iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction",
        _passrole("lambda:CreateFunction", "lambda:InvokeFunction"),
        role_arn(PROD, "lambda-admin"),
        "lambda:CreateFunction",
    ),
    (
        "iam:PassRole+lambda:CreateFunction+lambda:CreateEventSourceMapping",
        _passrole("lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
        role_arn(PROD, "lambda-admin"),
        "lambda:CreateEventSourceMapping",
    ),
    (
        "iam:PassRole+ec2:RunInstances",
        _passrole("ec2:RunInstances"),
        role_arn(PROD, "ec2-admin"),
        "ec2:RunInstances",
    ),
    (
        "iam:PassRole+ecs:RegisterTaskDefinition+ecs:RunTask",
        _passrole("ecs:RegisterTaskDefinition", "ecs:RunTask"),
        role_arn(PROD, "ecs-admin"),
        "ecs:RunTask",
    ),
    (
        "iam:PassRole+glue:CreateDevEndpoint",
        _passrole("glue:CreateDevEndpoint"),
        role_arn(PROD, "glue-admin"),
        "glue:CreateDevEndpoint",
    ),
    (
        "iam:PassRole+cloudformation:CreateStack",
        _passrole("cloudformation:CreateStack"),
        role_arn(PROD, "cfn-admin"),
        "cloudformation:CreateStack",
    ),
    (
        "iam:PassRole+codebuild:CreateProject+codebuild:StartBuild",
        _passrole("codebuild:CreateProject", "codebuild:StartBuild"),
        role_arn(PROD, "codebuild-admin"),
        "codebuild:StartBuild",
    ),
    (
        "iam:PassRole+sagemaker:CreateNotebookInstance+sagemaker:CreatePresignedNotebookInstanceUrl",
        _passrole("sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"),
        role_arn(PROD, "sagemaker-admin"),
        "sagemaker:CreateNotebookInstance",
    ),
    (
        "iam:PassRole+sagemaker:CreateTrainingJob",
        _passrole("sagemaker:CreateTrainingJob"),
        role_arn(PROD, "sagemaker-admin"),
        "sagemaker:CreateTrainingJob",
    ),
    (
        "iam:PassRole+sagemaker:CreateProcessingJob",
        _passrole("sagemaker:CreateProcessingJob"),
        role_arn(PROD, "sagemaker-admin"),
        "sagemaker:CreateProcessingJob",
    ),
    (
        "iam:PassRole+datapipeline:CreatePipeline+datapipeline:PutPipelineDefinition+datapipeline:ActivatePipeline",
        _passrole(
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ),
        role_arn(PROD, "datapipeline-admin"),
        "datapipeline:ActivatePipeline",
    ),
    (
        "lambda:UpdateFunctionCode",
        [allow("lambda:UpdateFunctionCode", resource=FUNCTION)],
        role_arn(PROD, "lambda-admin"),
        "lambda:UpdateFunctionCode",
    ),
    (
        "ssm:SendCommand",
        [allow("ssm:SendCommand", resource=INSTANCE)],
        role_arn(PROD, "ec2-admin"),
        "ssm:SendCommand",
    ),
    (
        "ssm:StartSession",
        [allow("ssm:StartSession", resource=INSTANCE)],
        role_arn(PROD, "ec2-admin"),
        "ssm:StartSession",
    ),
    (
        "ec2-instance-connect:SendSSHPublicKey",
        [allow("ec2-instance-connect:SendSSHPublicKey")],
        role_arn(PROD, "ec2-admin"),
        "ec2-instance-connect:SendSSHPublicKey",
    ),
]


def _org(tmp_path: Path, policies: list[dict[str, Any]], scp_denies: str | None) -> TrustGraph:
    from tests.analysis.trust.org_builder import build_org

    roles = [
        R(
            name=name,
            trust=trust({"Service": service}),
            attached=[ADMIN_POLICY],
            profile="ec2-admin" if name == "ec2-admin" else None,
        )
        for name, service in SERVICES.items()
    ]
    # AttachRolePolicy / PutRolePolicy need a non-admin role the attacker can assume.
    roles.append(R(name="helper", trust=trust({"AWS": ATTACKER})))
    account = Acct(
        id=PROD,
        users=[
            U(name="attacker", policies=policies, attached=[OWN_POLICY], groups=["attackers"]),
            U(name="victim"),
        ],
        groups=[G(name="attackers"), G(name="admins", attached=[ADMIN_POLICY])],
        managed=[MP(name="attacker-policy", versions=[allow("s3:ListAllMyBuckets"), FULL_ACCESS])],
        roles=roles,
        extra_calls=(
            FakeCall(
                service="lambda",
                operation="ListFunctions",
                account_id=PROD,
                region="us-east-1",
                pages=[
                    {
                        "Functions": [
                            {
                                "FunctionName": "nightly",
                                "FunctionArn": FUNCTION,
                                "Role": role_arn(PROD, "lambda-admin"),
                            }
                        ]
                    }
                ],
            ),
            FakeCall(
                service="ec2",
                operation="DescribeInstances",
                account_id=PROD,
                region="us-east-1",
                pages=[
                    {
                        "Reservations": [
                            {
                                "OwnerId": PROD,
                                "Instances": [
                                    {
                                        "InstanceId": "i-0abc",
                                        "State": {"Name": "running"},
                                        "IamInstanceProfile": {
                                            "Arn": f"arn:aws:iam::{PROD}:instance-profile/ec2-admin"
                                        },
                                    }
                                ],
                            }
                        ]
                    }
                ],
            ),
        ),
    )
    scps = [("p-block", deny(scp_denies), [PROD_OU])] if scp_denies else []
    return build_trust_graph(build_org(tmp_path, account, scps=scps))


def _techniques(tg: TrustGraph, source: str, target: str) -> set[str]:
    return {e.technique for e in tg.edges_between(source, target)}


def test_the_table_covers_every_registered_technique() -> None:
    assert {c[0] for c in CASES} == set(ESCALATION_TECHNIQUES)
    assert len(ESCALATION_TECHNIQUES) >= 20


@pytest.mark.parametrize(("technique", "policies", "target", "blocked_by"), CASES, ids=[c[0] for c in CASES])
def test_technique_found_and_blocked_by_scp(
    tmp_path: Path, technique: str, policies: list[dict[str, Any]], target: str, blocked_by: str
) -> None:
    tg = _org(tmp_path / "open", policies, None)
    assert technique in _techniques(tg, ATTACKER, target), tg.edges_between(ATTACKER, target)
    edge = next(e for e in tg.edges_between(ATTACKER, target) if e.technique == technique)
    assert edge.statements, "the engine's deciding statements are the edge's evidence"
    assert ATTACKER not in tg.admins
    (tmp_path / "scp").mkdir()
    blocked = _org(tmp_path / "scp", policies, blocked_by)
    assert technique not in _techniques(blocked, ATTACKER, target)


def test_no_policy_no_escalation(tmp_path: Path) -> None:
    tg = _org(tmp_path, [allow("s3:GetObject")], None)
    assert [e for e in tg.all_edges() if e.source == ATTACKER and e.kind in ("escalation", "pass_role")] == []


def test_passrole_limited_to_one_role_gives_only_that_role(tmp_path: Path) -> None:
    policies = [
        allow("lambda:CreateFunction", "lambda:InvokeFunction"),
        allow("iam:PassRole", resource=role_arn(PROD, "ecs-admin")),
    ]
    tg = _org(tmp_path, policies, None)
    assert not tg.edges_between(ATTACKER, role_arn(PROD, "lambda-admin"))
