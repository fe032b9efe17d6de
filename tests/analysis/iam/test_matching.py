"""Wildcards, case rules, policy variables, principals and the action catalogue."""

from __future__ import annotations

import pytest

from analysis.iam.actions import ActionCatalogue, well_formed_action
from analysis.iam.matching import (
    PRINCIPAL_ACCOUNT,
    PRINCIPAL_ANY,
    PRINCIPAL_DIRECT,
    PrincipalIdentity,
    UnknownVariable,
    arn_match,
    excluded_by_not_principal,
    match_action,
    match_principal,
    match_resource,
    substitute,
)

ALICE = PrincipalIdentity(
    arn="arn:aws:iam::111122223333:user/alice", account_id="111122223333", unique_id="AIDAX"
)


def known(**values: str):  # type: ignore[no-untyped-def]
    table = {k.replace("__", ":").lower(): (v,) for k, v in values.items()}
    return lambda key: table.get(key.lower())


def test_actions_are_case_insensitive_globs() -> None:
    assert match_action("S3:Get*", "s3:GetObject")
    assert match_action("iam:?etUser", "iam:GetUser")
    assert not match_action("s3:Get*", "s3:PutObject")
    assert match_action("*", "anything:AtAll")


def test_resources_are_case_sensitive_and_star_crosses_colons() -> None:
    none = known()
    assert match_resource("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", none)
    assert not match_resource("arn:aws:s3:::B/*", "arn:aws:s3:::b/x", none)
    assert match_resource(
        "arn:aws:logs:*:*:log-group:a*", "arn:aws:logs:eu-west-1:1:log-group:a:log-stream:s", none
    )
    assert not match_resource("arn:aws:s3:::b/*", "*", none)
    assert match_resource("*", "*", none)


def test_resource_variables() -> None:
    assert match_resource(
        "arn:aws:s3:::h/${aws:username}/*", "arn:aws:s3:::h/alice/x", known(aws__username="alice")
    )
    with pytest.raises(UnknownVariable):
        match_resource("arn:aws:s3:::h/${aws:username}/*", "arn:aws:s3:::h/alice/x", known())
    assert substitute("a${?}b${$}", known(), as_glob=False) == "a?b$"
    assert substitute("${aws:PrincipalTag/x, 'dflt'}", lambda k: (), as_glob=False) == "dflt"
    assert substitute("${aws:username}", lambda k: (), as_glob=False) is None


def test_arn_like_checks_each_component() -> None:
    assert arn_match("arn:aws:iam::*:role/*", "arn:aws:iam::1:role/a/b")
    assert not arn_match("arn:aws:iam::*", "arn:aws:iam::1:role/a")
    assert not arn_match("arn:aws:iam::1:role/a", "not-an-arn")


def test_principals() -> None:
    assert match_principal({"AWS": ("arn:aws:iam::111122223333:user/alice",)}, ALICE) == PRINCIPAL_DIRECT
    assert match_principal({"AWS": ("AIDAX",)}, ALICE) == PRINCIPAL_DIRECT
    assert match_principal({"AWS": ("111122223333",)}, ALICE) == PRINCIPAL_ACCOUNT
    assert match_principal({"AWS": ("arn:aws:iam::111122223333:root",)}, ALICE) == PRINCIPAL_ACCOUNT
    assert match_principal({"*": ("*",)}, ALICE) == PRINCIPAL_ANY
    assert match_principal({"AWS": ("arn:aws:iam::*:user/alice",)}, ALICE) is None  # no partial wildcards
    svc = PrincipalIdentity(arn="ec2.amazonaws.com", account_id="", service="ec2.amazonaws.com")
    assert match_principal({"Service": ("EC2.amazonaws.com",)}, svc) == PRINCIPAL_DIRECT
    assert excluded_by_not_principal({"AWS": ("arn:aws:iam::111122223333:user/alice",)}, ALICE)
    assert not excluded_by_not_principal({"AWS": ("111122223333",)}, ALICE)


def test_catalogue_expands_and_reports_unknown() -> None:
    catalogue = ActionCatalogue()
    gets = catalogue.expand("s3:get*")
    assert "s3:GetObject" in gets and all(a.lower().startswith("s3:get") for a in gets)
    assert len(catalogue.expand("*")) > 10000
    assert catalogue.canonical("IAM:passrole") == "iam:PassRole"
    assert catalogue.unknown_actions(["s3:GetObjekt", "s3:GetObject"]) == ("s3:GetObjekt",)
    assert catalogue.rcp_applies("s3") and not catalogue.rcp_applies("ec2")
    assert catalogue.version
    assert well_formed_action("s3:Get*") and not well_formed_action("s3 GetObject")
