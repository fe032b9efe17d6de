"""Lambda functions (regional): runtime, role, environment variable names, resource policy, function URL.

Environment variable *values* never reach the snapshot: ``collectors/redact.py`` replaces them
in every ``ListFunctions`` page before it is written.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

_EACH_FUNCTION = From(sources=("ListFunctions",), path="Functions[].FunctionName", param="FunctionName")

COLLECTOR = Collector(
    name="lambda",
    service="lambda",
    scope="regional",
    description="Lambda functions (runtime, role, environment variable names), resource policies, function URLs",
    ops=(
        Op(operation="ListFunctions"),
        # ResourceNotFoundException: the function has no resource-based policy (Lambda API
        # reference, GetPolicy), or was deleted meanwhile.
        Op(
            operation="GetPolicy",
            for_each=_EACH_FUNCTION,
            absent_codes=frozenset({"ResourceNotFoundException"}),
        ),
        # The unqualified function's URL and its AuthType (NONE: anyone on the internet can invoke
        # it). ResourceNotFoundException: the function has no URL. ListFunctionUrlConfigs would also
        # list alias-qualified URLs, but moto 5.2 does not implement it (404) and the demo must
        # collect without failed calls: alias-qualified URLs are not collected.
        Op(
            operation="GetFunctionUrlConfig",
            for_each=_EACH_FUNCTION,
            absent_codes=frozenset({"ResourceNotFoundException"}),
        ),
    ),
)

COLLECTORS: tuple[Collector, ...] = (COLLECTOR,)
