"""Service roles: AWS services a role trusts, and principals who can pass such a role to a service.

``iam:PassRole`` plus the action that makes the service run code or templates with the
role gives the caller the role's permissions (Rhino Security Labs, "AWS IAM Privilege
Escalation – Methods and Mitigation", methods 3 and 15-21; PMapper's per-service edge
checkers). A role can be passed only inside its own account (IAM User Guide, "Grant a user
permissions to pass a role to an AWS service"), so candidates are the caller's account's
roles that trust the service. ``iam:PassedToService`` is given to the engine as context.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from analysis.trust.edges.assume_role import ASSUME_ROLE, trust_ref
from analysis.trust.edges.base import BuildContext, Edge, engine_conditions, engine_statements
from analysis.trust.nodes import SERVICE, Node, service_node_id


@dataclass(frozen=True, kw_only=True)
class PassRoleTechnique:
    id: str
    service: str  # the service principal the role must trust
    actions: tuple[str, ...]  # besides iam:PassRole; resource "*"
    summary: str


PASS_ROLE_TECHNIQUES: tuple[PassRoleTechnique, ...] = (
    PassRoleTechnique(
        id="lambda_create_invoke",
        service="lambda.amazonaws.com",
        actions=("lambda:CreateFunction", "lambda:InvokeFunction"),
        summary="create a Lambda function with the role and invoke it",
    ),
    PassRoleTechnique(
        id="lambda_create_event_source",
        service="lambda.amazonaws.com",
        actions=("lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
        summary="create a Lambda function with the role and trigger it from an event source",
    ),
    PassRoleTechnique(
        id="ec2_run_instances",
        service="ec2.amazonaws.com",
        actions=("ec2:RunInstances",),
        summary="launch an EC2 instance with the role's instance profile and read its credentials",
    ),
    PassRoleTechnique(
        id="ecs_run_task",
        service="ecs-tasks.amazonaws.com",
        actions=("ecs:RegisterTaskDefinition", "ecs:RunTask"),
        summary="register an ECS task definition with the role and run it",
    ),
    PassRoleTechnique(
        id="glue_create_dev_endpoint",
        service="glue.amazonaws.com",
        actions=("glue:CreateDevEndpoint",),
        summary="create a Glue development endpoint with the role and SSH into it",
    ),
    PassRoleTechnique(
        id="cloudformation_create_stack",
        service="cloudformation.amazonaws.com",
        actions=("cloudformation:CreateStack",),
        summary="create a CloudFormation stack that acts with the role",
    ),
    PassRoleTechnique(
        id="codebuild_project",
        service="codebuild.amazonaws.com",
        actions=("codebuild:CreateProject", "codebuild:StartBuild"),
        summary="create a CodeBuild project with the role and start a build",
    ),
    PassRoleTechnique(
        id="sagemaker_notebook",
        service="sagemaker.amazonaws.com",
        actions=("sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"),
        summary="create a SageMaker notebook instance with the role and open it",
    ),
    PassRoleTechnique(
        id="sagemaker_training_job",
        service="sagemaker.amazonaws.com",
        actions=("sagemaker:CreateTrainingJob",),
        summary="run a SageMaker training job (your container) with the role",
    ),
    PassRoleTechnique(
        id="sagemaker_processing_job",
        service="sagemaker.amazonaws.com",
        actions=("sagemaker:CreateProcessingJob",),
        summary="run a SageMaker processing job (your container) with the role",
    ),
    PassRoleTechnique(
        id="datapipeline_pipeline",
        service="datapipeline.amazonaws.com",
        actions=(
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ),
        summary="create and activate a Data Pipeline that runs commands with the role",
    ),
)


def service_trusted_roles(ctx: BuildContext) -> dict[tuple[str, str], list[str]]:
    """(account id, service principal) -> roles of that account the service may assume."""
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for role in ctx.inventory.iam.roles.values():
        if role.service_linked:  # cannot be passed: only the service uses it
            continue
        for grant in ctx.trust_grants(role):
            if grant.principal_type == "Service" and grant.action == ASSUME_ROLE:
                key = (role.account_id, grant.value.lower())
                if role.arn not in out[key]:
                    out[key].append(role.arn)
    return out


def add_service_trust_edges(ctx: BuildContext) -> None:
    """Service principal -> role, for every role a service may assume."""
    iam = ctx.inventory.iam
    for role in iam.roles.values():
        for grant in ctx.trust_grants(role):
            if grant.principal_type != "Service" or grant.action != ASSUME_ROLE:
                continue
            source = ctx.node(
                Node(id=service_node_id(grant.value), kind=SERVICE, label=grant.value, detail="AWS service")
            )
            ctx.add(
                Edge(
                    source=source,
                    target=role.arn,
                    kind="service_trust",
                    technique=ASSUME_ROLE,
                    reason=f"the trust policy of {role.name} lets {grant.value} assume it",
                    conditions=grant.conditions,
                    statements=(trust_ref(role, grant.statement),),
                    call_ids=role.call_ids,
                )
            )


def add_pass_role_edges(ctx: BuildContext) -> None:
    """Principal -> role, where the principal can pass the role to a service and make it run."""
    from analysis.iam import Decision, Request

    trusted = service_trusted_roles(ctx)
    for account_id, principals in ctx.principals_by_account.items():
        # Techniques share actions (lambda:CreateFunction) and services (iam:PassRole to Lambda or
        # SageMaker): each request is evaluated once per account, not once per technique.
        actions_seen: dict[tuple[str, str], Decision | None] = {}
        passes_seen: dict[tuple[str, str, str], Decision] = {}
        for technique in PASS_ROLE_TECHNIQUES:
            roles = trusted.get((account_id, technique.service), [])
            if not roles:
                continue
            for principal in principals:
                if principal in ctx.admins or not ctx.might_allow(principal, "iam:PassRole"):
                    continue
                needed: list[Decision] = []
                for action in technique.actions:
                    key = (principal, action)
                    if key not in actions_seen:
                        actions_seen[key] = ctx.decide(principal, action, "*")
                    d = actions_seen[key]
                    if d is None:
                        break
                    needed.append(d)
                else:
                    for role_arn in roles:
                        if role_arn == principal:
                            continue
                        pass_key = (principal, role_arn, technique.service)
                        passed = passes_seen.get(pass_key)
                        if passed is None:
                            ctx.evaluations += 1
                            passed = ctx.engine.evaluate(
                                Request(
                                    principal_arn=principal,
                                    action="iam:PassRole",
                                    resource=role_arn,
                                    context={"iam:PassedToService": (technique.service,)},
                                )
                            )
                            passes_seen[pass_key] = passed
                        if passed.decision not in ("allow", "conditional"):
                            continue
                        decisions = (*needed, passed)
                        ctx.add(
                            Edge(
                                source=principal,
                                target=role_arn,
                                kind="pass_role",
                                technique="iam:PassRole+" + "+".join(technique.actions),
                                reason=f"can {technique.summary} ({technique.id})",
                                conditions=engine_conditions(decisions),
                                statements=engine_statements(decisions),
                                intra_org=True,
                            )
                        )
