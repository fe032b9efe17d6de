"""Lambda functions: runtime, execution role, environment variable names, resource policy, URL.

Only variable *names* are kept: the collector redacts values before they reach the snapshot.
The runtime string is kept as AWS gives it (end-of-support is judged by a control); image
functions have no runtime.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analysis.model.coverage import Coverage
from analysis.model.policy_doc import PolicyDocument
from analysis.model.records import Record, partition_of
from analysis.model.resource_policies import PerResource, as_str, items, policy_answer
from analysis.model.source import PageSource, bulk_parsing


@dataclass(frozen=True, kw_only=True)
class FunctionUrl:
    url: str | None
    auth_type: str | None  # NONE (public) | AWS_IAM
    allow_origins: tuple[str, ...]  # CORS


@dataclass(frozen=True, kw_only=True)
class LambdaFunction(Record):
    name: str
    runtime: str | None  # e.g. python3.7; None for container images
    package_type: str | None  # Zip | Image
    handler: str | None
    role_arn: str | None
    env_var_names: tuple[str, ...]
    kms_key_arn: str | None  # environment encryption key
    last_modified: str | None
    vpc_id: str | None
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    layers: tuple[str, ...]
    policy: PolicyDocument | None
    policy_state: str  # absent: no resource-based policy
    url: FunctionUrl | None  # the unqualified function's URL
    url_state: str  # absent: no function URL

    @property
    def url_auth_type(self) -> str | None:
        return self.url.auth_type if self.url else None


@dataclass(frozen=True, kw_only=True)
class LambdaInventory:
    functions: Mapping[str, LambdaFunction]


def normalize_lambda(source: PageSource, coverage: Coverage) -> LambdaInventory:
    partition = partition_of(source.manifest)
    functions: dict[str, LambdaFunction] = {}
    with bulk_parsing():
        policies = PerResource(source, service="lambda", operation="GetPolicy", param="FunctionName")
        urls = PerResource(source, service="lambda", operation="GetFunctionUrlConfig", param="FunctionName")
        for page in source.pages("lambda", "ListFunctions"):
            for fn in items(page.body, "Functions"):
                name = as_str(fn.get("FunctionName"))
                if name is None:
                    continue
                where = {"account_id": page.account_id, "region": page.region, "value": name}
                p = policies.answer(**where)
                policy, policy_state = policy_answer(p, (p.body or {}).get("Policy"))
                u = urls.answer(**where)
                url = None
                if u.body is not None:
                    cors = u.body.get("Cors") or {}
                    origins = cors.get("AllowOrigins") if isinstance(cors, dict) else None
                    url = FunctionUrl(
                        url=as_str(u.body.get("FunctionUrl")),
                        auth_type=as_str(u.body.get("AuthType")),
                        allow_origins=tuple(o for o in origins or () if isinstance(o, str)),
                    )
                env = (fn.get("Environment") or {}).get("Variables")
                vpc = fn.get("VpcConfig") or {}
                arn = f"arn:{partition}:lambda:{page.region}:{page.account_id}:function:{name}"
                functions[arn] = LambdaFunction(
                    arn=arn,
                    account_id=page.account_id,
                    region=page.region,
                    call_ids=(page.call.id, *p.call_ids, *u.call_ids),
                    name=name,
                    runtime=as_str(fn.get("Runtime")),
                    package_type=as_str(fn.get("PackageType")),
                    handler=as_str(fn.get("Handler")),
                    role_arn=as_str(fn.get("Role")),
                    env_var_names=tuple(sorted(env)) if isinstance(env, dict) else (),
                    kms_key_arn=as_str(fn.get("KMSKeyArn")),
                    last_modified=as_str(fn.get("LastModified")),
                    vpc_id=as_str(vpc.get("VpcId")),
                    subnet_ids=tuple(s for s in vpc.get("SubnetIds") or () if isinstance(s, str)),
                    security_group_ids=tuple(
                        s for s in vpc.get("SecurityGroupIds") or () if isinstance(s, str)
                    ),
                    layers=tuple(str(x.get("Arn")) for x in items(fn, "Layers") if x.get("Arn")),
                    policy=policy,
                    policy_state=policy_state,
                    url=url,
                    url_state=u.state,
                )
    return LambdaInventory(functions=functions)
