"""Lambda functions (regional): runtime, role, environment variable names, resource policy, function URLs.

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
        # Lists the unqualified function's URL and every alias's, with their AuthType.
        Op(
            operation="ListFunctionUrlConfigs",
            for_each=_EACH_FUNCTION,
            absent_codes=frozenset({"ResourceNotFoundException"}),
        ),
    ),
)

COLLECTORS: tuple[Collector, ...] = (COLLECTOR,)
