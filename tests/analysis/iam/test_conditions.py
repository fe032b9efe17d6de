"""Condition matchers one by one (IAM UG, "IAM JSON policy elements: Condition operators")."""

from __future__ import annotations

import pytest

from analysis.iam.conditions import evaluate_condition, evaluate_key, parse_date, parse_operator


def ctx(**values: object):  # type: ignore[no-untyped-def]
    table = {
        k.replace("__", ":").lower(): () if v is None else (v,) if isinstance(v, str) else tuple(v)  # type: ignore[arg-type]
        for k, v in values.items()
    }
    return lambda key: table.get(key.lower())


def test_parse_operator_prefix_and_suffix() -> None:
    p = parse_operator("ForAnyValue:StringLikeIfExists")
    assert (p.base, p.set_op, p.if_exists) == ("stringlike", "foranyvalue", True)
    assert parse_operator("forallvalues:stringequals").set_op == "forallvalues"
    assert parse_operator("Null").base == "null"


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("StringEquals", ("a",), "a", True),
        ("StringEquals", ("a",), "A", False),
        ("StringNotEquals", ("a",), "b", True),
        ("StringEqualsIgnoreCase", ("ABC",), "abc", True),
        ("StringLike", ("a*c",), "abbbc", True),
        ("StringLike", ("a?c",), "abbc", False),
        ("NumericLessThan", ("5",), "4.9", True),
        ("NumericGreaterThanEquals", ("5",), "5", True),
        ("DateGreaterThan", ("2026-01-01T00:00:00Z",), "2026-01-01T00:00:01Z", True),
        ("DateLessThan", ("1700000000",), "2020-01-01T00:00:00Z", True),
        ("Bool", ("false",), "FALSE", True),
        ("IpAddress", ("10.0.0.0/8",), "10.255.0.1", True),
        ("NotIpAddress", ("10.0.0.0/8",), "11.0.0.1", True),
        ("IpAddress", ("10.0.0.0/8",), "not-an-ip", False),
        ("ArnLike", ("arn:aws:iam::*:role/*",), "arn:aws:iam::1:role/x", True),
        ("ArnNotLike", ("arn:aws:iam::*:role/*",), "arn:aws:iam::1:user/x", True),
        ("BinaryEquals", ("AAE=",), "AAE=", True),
    ],
)
def test_one_operator(operator: str, policy: tuple[str, ...], request_value: str, expected: bool) -> None:
    assert evaluate_key(operator, "k", policy, ctx(k=request_value)) is expected


def test_unknown_key_is_none_and_absent_key_follows_the_operator() -> None:
    unknown = ctx()
    assert evaluate_key("StringEquals", "k", ("a",), unknown) is None
    absent = ctx(k=None)
    assert evaluate_key("StringEquals", "k", ("a",), absent) is False
    assert evaluate_key("StringNotEquals", "k", ("a",), absent) is True
    assert evaluate_key("StringEqualsIfExists", "k", ("a",), absent) is True
    assert evaluate_key("Null", "k", ("true",), absent) is True
    assert evaluate_key("ForAllValues:StringEquals", "k", ("a",), absent) is True
    assert evaluate_key("ForAnyValue:StringEquals", "k", ("a",), absent) is False


def test_unknown_operator_is_undecidable_not_true() -> None:
    assert evaluate_key("StringMaybe", "k", ("a",), ctx(k="a")) is None


def test_block_is_and_and_reports_unknown_keys() -> None:
    block = {"StringEquals": {"a": ("1",), "b": ("2",)}, "Bool": {"c": ("true",)}}
    assert evaluate_condition(block, ctx(a="1", b="2", c="true")).holds is True
    assert evaluate_condition(block, ctx(a="1", b="3")).holds is False
    outcome = evaluate_condition(block, ctx(a="1", b="2"))
    assert outcome.holds is None and [u[1] for u in outcome.unknown] == ["c"]


def test_policy_variables_in_values() -> None:
    check = ctx(**{"aws__username": "alice", "s3__prefix": "home/alice/"})
    assert evaluate_key("StringLike", "s3:prefix", ("home/${aws:username}/*",), check) is True
    assert evaluate_condition({"StringEquals": {"s3:prefix": ("${aws:userid}",)}}, check).holds is None


def test_parse_date_forms() -> None:
    assert parse_date("2026-01-15").year == 2026
    assert parse_date("2026-01-15T10:00:00Z") == parse_date("2026-01-15T11:00:00+01:00")
    assert parse_date("0").year == 1970
    with pytest.raises(ValueError):
        parse_date("soon")
