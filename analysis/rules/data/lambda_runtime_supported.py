"""Lambda functions run on runtimes that still receive security patches (Lambda.2)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, result
from analysis.rules.data._lambda import LIST_FUNCTIONS
from analysis.rules.data._lambda_runtimes import RUNTIMES_AS_OF, deprecation_date, past_end_of_support

CONTROL = Control(
    id="lambda_runtime_supported",
    title="Lambda functions use runtimes that are not past end of support",
    severity=MEDIUM,
    practice="data",
    service="lambda",
    scope="resource",
    rationale=(
        "Once Lambda deprecates a runtime its language, libraries and operating system no longer "
        "get security patches, and AWS no longer supports functions using it; they keep running "
        "with whatever vulnerabilities are found later. The deprecation dates come from the Lambda "
        "runtimes page (see _lambda_runtimes.py) and are compared with the collection time."
    ),
    remediation=Remediation(
        console=(
            "Lambda console > the function > Code > Runtime settings > Edit > choose a supported "
            "runtime of the same language, test, and save."
        ),
        cli="aws lambda update-function-configuration --function-name <function> --runtime python3.13",
        terraform=(
            'resource "aws_lambda_function" "report" {\n'
            '  function_name = "legacy-report"\n'
            '  runtime       = "python3.13"\n'
            '  handler       = "app.handler"\n'
            "  role          = aws_iam_role.report.arn\n"
            '  filename      = "build/report.zip"\n'
            "}"
        ),
    ),
    inputs=(LIST_FUNCTIONS,),
    # Same check as Security Hub CSPM Lambda.2; Prowler awslambda_function_using_supported_runtimes. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("Lambda.2",), nist=("CA-9(1)", "CM-2", "SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_FUNCTIONS)
    for fn in ctx.inventory.lambda_functions.functions.values():
        if fn.package_type == "Image" or fn.runtime is None:
            continue  # container images carry their own runtime (Security Hub ignores them too)
        when = deprecation_date(fn.runtime)
        past = past_end_of_support(fn.runtime, ctx.now)
        values = {
            "Runtime": fn.runtime,
            "DeprecationDate": when.isoformat() if when else None,
            "CollectedAt": ctx.now.isoformat(),
            "RuntimeTableAsOf": RUNTIMES_AS_OF.isoformat(),
        }
        if past is None:
            yield ctx.not_assessed(
                CONTROL,
                account_id=fn.account_id,
                region=fn.region,
                reason=f"runtime {fn.runtime} of function {fn.name} is not in the runtime table "
                f"(as of {RUNTIMES_AS_OF.isoformat()})",
                call_ids=fn.call_ids,
                resource_arn=fn.arn,
                resource_id=fn.name,
            )
        elif past:
            yield result(
                CONTROL,
                fn,
                FAIL,
                f"Function {fn.name} runs on {fn.runtime}, deprecated on {when}: it no longer receives security patches.",
                resource_id=fn.name,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                fn,
                PASS,
                f"Function {fn.name} runs on {fn.runtime}, supported until {when}.",
                resource_id=fn.name,
                values=values,
            )
