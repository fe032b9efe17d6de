"""Lambda function policies do not let everyone invoke or manage the function (Lambda.1)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, FAIL, NOT_ASSESSED, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, result
from analysis.rules.data._lambda import GET_POLICY, LIST_FUNCTIONS, function_gap
from analysis.rules.data._policies import open_statements

CONTROL = Control(
    id="lambda_function_not_public",
    title="Lambda function policies do not allow public access",
    severity=CRITICAL,
    practice="data",
    service="lambda",
    scope="resource",
    rationale=(
        'A function policy statement for Principal "*" without a condition identifying the caller '
        "lets any AWS account invoke the function (and whatever it can reach with its execution "
        "role), or change it if management actions are granted. A service principal such as "
        "s3.amazonaws.com without aws:SourceAccount or aws:SourceArn is just as open: a bucket in "
        "any account can trigger the function."
    ),
    remediation=Remediation(
        console=(
            "Lambda console > the function > Configuration > Permissions > Resource-based policy "
            'statements: delete the statement with Principal "*" (or add source account and ARN '
            "conditions to service statements)."
        ),
        cli=(
            "aws lambda remove-permission --function-name <function> --statement-id <sid>\n"
            "aws lambda add-permission --function-name <function> --statement-id s3-invoke "
            "--action lambda:InvokeFunction --principal s3.amazonaws.com "
            "--source-account <account-id> --source-arn arn:aws:s3:::<bucket>"
        ),
        terraform=(
            'resource "aws_lambda_permission" "from_bucket" {\n'
            '  statement_id   = "AllowS3Invoke"\n'
            '  action         = "lambda:InvokeFunction"\n'
            "  function_name  = aws_lambda_function.worker.function_name\n"
            '  principal      = "s3.amazonaws.com"\n'
            "  source_arn     = aws_s3_bucket.uploads.arn\n"
            "  source_account = data.aws_caller_identity.current.account_id\n"
            "}"
        ),
    ),
    inputs=(LIST_FUNCTIONS, GET_POLICY),
    # Same check as Security Hub CSPM Lambda.1; Prowler awslambda_function_not_publicly_accessible. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("Lambda.1",),
        nist=(
            "AC-21",
            "AC-3",
            "AC-3(7)",
            "AC-4",
            "AC-4(21)",
            "AC-6",
            "SC-7",
            "SC-7(11)",
            "SC-7(16)",
            "SC-7(20)",
            "SC-7(21)",
            "SC-7(3)",
            "SC-7(4)",
            "SC-7(9)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_FUNCTIONS)
    for fn in ctx.inventory.lambda_functions.functions.values():
        gap = function_gap(ctx, CONTROL, fn, state=fn.policy_state, operation="GetPolicy")
        if gap is not None:
            yield gap
            continue
        if fn.policy is None:
            yield result(
                CONTROL, fn, PASS, f"Function {fn.name} has no resource-based policy.", resource_id=fn.name
            )
            continue
        if not fn.policy.ok:
            yield result(
                CONTROL,
                fn,
                NOT_ASSESSED,
                f"Not assessed: the policy of function {fn.name} could not be read ({fn.policy.error}).",
                resource_id=fn.name,
            )
            continue
        opened = open_statements(fn.policy, services_count=True)
        if opened:
            yield result(
                CONTROL,
                fn,
                FAIL,
                f"Function {fn.name} can be invoked or managed by any AWS account through its resource policy.",
                resource_id=fn.name,
                statements=tuple(o.describe("function policy") for o in opened),
                values={"actions": sorted({a for o in opened for a in o.statement.action or ("NotAction",)})},
            )
        else:
            yield result(
                CONTROL,
                fn,
                PASS,
                f"The resource policy of function {fn.name} names who may use it.",
                resource_id=fn.name,
            )
