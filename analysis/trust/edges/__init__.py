"""Edge checkers, one per kind or service, in the order the build runs them (PMapper-style plain map).

Order matters: admin edges come before escalation (administrators are not examined for
escalation), and trust edges before the IAM-policy techniques (which look at the roles a
principal can already assume).
"""

from __future__ import annotations

from collections.abc import Callable

from analysis.trust.edges.admin import add_admin_edges
from analysis.trust.edges.assume_role import add_assume_role_edges
from analysis.trust.edges.base import BuildContext, Edge, EdgeCondition
from analysis.trust.edges.escalation.compute import add_compute_edges
from analysis.trust.edges.escalation.credentials import add_credential_edges
from analysis.trust.edges.escalation.iam_policies import add_iam_policy_edges
from analysis.trust.edges.federation import add_federation_edges
from analysis.trust.edges.identity_center import add_identity_center_edges
from analysis.trust.edges.service_roles import add_pass_role_edges, add_service_trust_edges

EdgeChecker = Callable[[BuildContext], None]

EDGE_CHECKERS: dict[str, EdgeChecker] = {
    "assume_role": add_assume_role_edges,
    "federation": add_federation_edges,
    "identity_center": add_identity_center_edges,
    "service_trust": add_service_trust_edges,
    "admin": add_admin_edges,
    "pass_role": add_pass_role_edges,
    "escalation.iam_policies": add_iam_policy_edges,
    "escalation.credentials": add_credential_edges,
    "escalation.compute": add_compute_edges,
}

# The published techniques the checkers implement (technique string on the edge -> checker).
ESCALATION_TECHNIQUES: tuple[str, ...] = (
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction",
    "iam:PassRole+lambda:CreateFunction+lambda:CreateEventSourceMapping",
    "iam:PassRole+ec2:RunInstances",
    "iam:PassRole+ecs:RegisterTaskDefinition+ecs:RunTask",
    "iam:PassRole+glue:CreateDevEndpoint",
    "iam:PassRole+cloudformation:CreateStack",
    "iam:PassRole+codebuild:CreateProject+codebuild:StartBuild",
    "iam:PassRole+sagemaker:CreateNotebookInstance+sagemaker:CreatePresignedNotebookInstanceUrl",
    "iam:PassRole+sagemaker:CreateTrainingJob",
    "iam:PassRole+sagemaker:CreateProcessingJob",
    "iam:PassRole+datapipeline:CreatePipeline+datapipeline:PutPipelineDefinition+datapipeline:ActivatePipeline",
    "lambda:UpdateFunctionCode",
    "ssm:SendCommand",
    "ssm:StartSession",
    "ec2-instance-connect:SendSSHPublicKey",
)

__all__ = ["EDGE_CHECKERS", "ESCALATION_TECHNIQUES", "BuildContext", "Edge", "EdgeChecker", "EdgeCondition"]
