"""Shared by the Lambda controls: the listing input and the per-function gap."""

from __future__ import annotations

from analysis.model.lambda_functions import LambdaFunction
from analysis.rules.base import Control, Input, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import field_gap

LIST_FUNCTIONS = Input(service="lambda", operation="ListFunctions")
GET_POLICY = Input(service="lambda", operation="GetPolicy")
GET_URL = Input(service="lambda", operation="GetFunctionUrlConfig")


def function_gap(
    ctx: AssessmentContext, control: Control, fn: LambdaFunction, *, state: str, operation: str
) -> Result | None:
    return field_gap(
        ctx,
        control,
        fn,
        resource_id=fn.name,
        state=state,
        service="lambda",
        operation=operation,
        param="FunctionName",
        value=fn.name,
    )
