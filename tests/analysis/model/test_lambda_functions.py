"""Lambda normalizer on a small fixture: public resource policy, URL with AuthType NONE, an image
function in a VPC, a function whose per-function calls were denied, a malformed entry."""

from __future__ import annotations

from pathlib import Path

from analysis.model.coverage import ABSENT, COLLECTED, DENIED
from analysis.model.lambda_functions import LambdaInventory, normalize_lambda
from tests.analysis.model.test_kms import data_source

A = "222222222222"


def _inventory(tmp_path: Path) -> LambdaInventory:
    return normalize_lambda(*data_source(tmp_path, "lambda"))


def fn_arn(name: str) -> str:
    return f"arn:aws:lambda:eu-west-1:{A}:function:{name}"


def test_functions_from_every_page(tmp_path: Path) -> None:
    inv = _inventory(tmp_path)
    assert set(inv.functions) == {fn_arn(n) for n in ("public-invoke", "url-open", "image-fn", "denied-fn")}


def test_runtime_role_and_only_variable_names(tmp_path: Path) -> None:
    fn = _inventory(tmp_path).functions[fn_arn("public-invoke")]
    assert fn.runtime == "python3.7" and fn.package_type == "Zip"
    assert fn.role_arn == f"arn:aws:iam::{A}:role/public-invoke-role"
    assert fn.env_var_names == ("DB_PASSWORD", "STAGE")
    assert "redacted" not in repr(fn.env_var_names)


def test_public_policy_and_urls(tmp_path: Path) -> None:
    inv = _inventory(tmp_path)
    public = inv.functions[fn_arn("public-invoke")]
    assert public.policy is not None and public.policy_state == COLLECTED
    assert public.policy.statements[0].principal == {"*": ("*",)}
    assert (public.url, public.url_state) == (None, ABSENT)
    open_url = inv.functions[fn_arn("url-open")]
    assert (open_url.policy, open_url.policy_state) == (None, ABSENT)
    assert open_url.url_auth_type == "NONE" and open_url.url is not None
    assert open_url.url.allow_origins == ("*",)


def test_image_function_in_a_vpc(tmp_path: Path) -> None:
    fn = _inventory(tmp_path).functions[fn_arn("image-fn")]
    assert fn.runtime is None and fn.package_type == "Image"
    assert (fn.vpc_id, fn.subnet_ids, fn.security_group_ids) == ("vpc-1", ("subnet-1", "subnet-2"), ("sg-1",))
    assert fn.layers == (f"arn:aws:lambda:eu-west-1:{A}:layer:deps:3",)
    assert fn.policy is not None and fn.policy.statements[0].principal == {"Service": ("s3.amazonaws.com",)}
    assert fn.url_auth_type == "AWS_IAM"


def test_denied_per_function_calls(tmp_path: Path) -> None:
    fn = _inventory(tmp_path).functions[fn_arn("denied-fn")]
    assert (fn.policy, fn.policy_state) == (None, DENIED)
    assert (fn.url, fn.url_state, fn.url_auth_type) == (None, DENIED, None)
