"""Lambda function URLs require IAM authentication (AuthType AWS_IAM)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, result
from analysis.rules.data._lambda import GET_URL, LIST_FUNCTIONS, function_gap

CONTROL = Control(
    id="lambda_function_url_auth",
    title="Lambda function URLs require IAM authentication",
    severity=HIGH,
    practice="data",
    service="lambda",
    scope="resource",
    rationale=(
        "A function URL with AuthType NONE is an HTTPS endpoint on the internet that anyone can "
        "call without credentials: every request runs the function with its execution role, and "
        "nothing in front (WAF, API keys, throttling per client) filters it. AuthType AWS_IAM makes "
        "callers sign requests, so only principals allowed lambda:InvokeFunctionUrl get through."
    ),
    remediation=Remediation(
        console=(
            "Lambda console > the function > Configuration > Function URL > Edit > Auth type AWS_IAM "
            "> Save (or delete the URL and put API Gateway with an authorizer in front)."
        ),
        cli="aws lambda update-function-url-config --function-name <function> --auth-type AWS_IAM",
        terraform=(
            'resource "aws_lambda_function_url" "api" {\n'
            "  function_name      = aws_lambda_function.api.function_name\n"
            '  authorization_type = "AWS_IAM"\n'
            "}"
        ),
    ),
    inputs=(LIST_FUNCTIONS, GET_URL),
    # Same check as Prowler awslambda_function_url_public. NIST from Prowler's NIST 800-53 Rev. 5 file
    # (Security Hub lists none). See docs/mappings.md.
    mappings=Mappings(
        nist=(
            "AC-2(6)",
            "AC-3",
            "AC-3(7)",
            "AC-4(21)",
            "AC-6",
            "AC-17",
            "AC-17(1)",
            "AC-17(4)",
            "AC-17(9)",
            "AC-17(10)",
            "MP-2",
            "SC-7(2)",
            "SC-7(3)",
            "SC-7(7)",
            "SC-7(9)",
            "SC-7(11)",
            "SC-7(12)",
            "SC-7(16)",
            "SC-7(20)",
            "SC-7(21)",
            "SC-7(24)",
            "SC-7(25)",
            "SC-7(26)",
            "SC-7(27)",
            "SC-7(28)",
            "SC-7",
            "SC-25",
        )
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_FUNCTIONS)
    for fn in ctx.inventory.lambda_functions.functions.values():
        gap = function_gap(ctx, CONTROL, fn, state=fn.url_state, operation="GetFunctionUrlConfig")
        if gap is not None:
            yield gap
            continue
        if fn.url is None:
            yield result(CONTROL, fn, PASS, f"Function {fn.name} has no function URL.", resource_id=fn.name)
            continue
        values = {
            "FunctionUrl": fn.url.url,
            "AuthType": fn.url.auth_type,
            "AllowOrigins": list(fn.url.allow_origins),
        }
        if fn.url.auth_type == "AWS_IAM":
            yield result(
                CONTROL,
                fn,
                PASS,
                f"The URL of function {fn.name} requires IAM-signed requests.",
                resource_id=fn.name,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                fn,
                FAIL,
                f"Function {fn.name} has a URL ({fn.url.url}) with AuthType {fn.url.auth_type}: anyone on the "
                "internet can invoke it without credentials.",
                resource_id=fn.name,
                values=values,
            )
