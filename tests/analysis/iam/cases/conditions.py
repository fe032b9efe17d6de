"""Condition operator cases: every family, IfExists, set operators, AND/OR, absent and unknown keys."""

from __future__ import annotations

from tests.analysis.iam.cases import MULTI, SETS, VARS, cond_case

A, C, D = "allow", "conditional", "implicit_deny"

CASES = [
    # -- String ---------------------------------------------------------------------------------
    cond_case(
        "StringEquals: exact, case-sensitive match",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {"aws:PrincipalTag/team": "blue"},
        A,
    ),
    cond_case(
        "StringEquals is case-sensitive on values",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {"aws:PrincipalTag/team": "Blue"},
        D,
    ),
    cond_case(
        "condition key names are case-insensitive",
        {"StringEquals": {"AWS:PRINCIPALTAG/TEAM": "blue"}},
        {"aws:principaltag/team": "blue"},
        A,
    ),
    cond_case(
        "StringNotEquals: negated matching",
        {"StringNotEquals": {"aws:PrincipalTag/team": "red"}},
        {"aws:PrincipalTag/team": "blue"},
        A,
    ),
    cond_case(
        "StringNotEquals with the value present does not match",
        {"StringNotEquals": {"aws:PrincipalTag/team": "red"}},
        {"aws:PrincipalTag/team": "red"},
        D,
    ),
    cond_case(
        "StringEqualsIgnoreCase ignores case",
        {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "BLUE"}},
        {"aws:PrincipalTag/team": "blue"},
        A,
    ),
    cond_case(
        "StringNotEqualsIgnoreCase: negated, case ignored",
        {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "BLUE"}},
        {"aws:PrincipalTag/team": "blue"},
        D,
    ),
    cond_case(
        "StringLike: * matches any run of characters",
        {"StringLike": {"s3:prefix": "home/*"}},
        {"s3:prefix": "home/alice/x"},
        A,
    ),
    cond_case(
        "StringLike: ? matches one character", {"StringLike": {"s3:prefix": "v?"}}, {"s3:prefix": "v1"}, A
    ),
    cond_case(
        "StringLike: ? does not match two characters",
        {"StringLike": {"s3:prefix": "v?"}},
        {"s3:prefix": "v12"},
        D,
    ),
    cond_case(
        "StringLike is case-sensitive", {"StringLike": {"s3:prefix": "Home/*"}}, {"s3:prefix": "home/a"}, D
    ),
    cond_case(
        "StringNotLike: negated pattern",
        {"StringNotLike": {"s3:prefix": "secret/*"}},
        {"s3:prefix": "public/a"},
        A,
    ),
    cond_case(
        "StringNotLike with a matching value fails",
        {"StringNotLike": {"s3:prefix": "secret/*"}},
        {"s3:prefix": "secret/a"},
        D,
    ),
    # -- absent keys ---------------------------------------------------------------------------
    cond_case(
        "a key absent from the request: positive operators are false",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {"aws:PrincipalTag/team": None},
        D,
    ),
    cond_case(
        "absent key with a negated operator (StringNotLike) is true",
        {"StringNotLike": {"aws:PrincipalTag/team": "red*"}},
        {"aws:PrincipalTag/team": None},
        A,
    ),
    cond_case(
        "absent key with StringNotEquals is true",
        {"StringNotEquals": {"aws:PrincipalTag/team": "red"}},
        {"aws:PrincipalTag/team": None},
        A,
    ),
    cond_case(
        "...IfExists: true when the key is absent",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {"ec2:InstanceType": None},
        A,
    ),
    cond_case(
        "...IfExists: evaluated normally when present",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {"ec2:InstanceType": "m5.large"},
        D,
    ),
    cond_case(
        "...IfExists: present and matching",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {"ec2:InstanceType": "t3.micro"},
        A,
    ),
    # -- unknown keys ----------------------------------------------------------------------------
    cond_case(
        "a key unknown offline leaves the condition pending (never a silent allow)",
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        {},
        C,
        pending=["aws:MultiFactorAuthPresent"],
    ),
    cond_case(
        "unknown keys pending, known ones decided (AND)",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:PrincipalTag/team": "blue"},
        C,
        pending=["aws:SourceIp"],
    ),
    cond_case(
        "a known false key decides even if another is unknown (AND)",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:PrincipalTag/team": "red"},
        D,
    ),
    cond_case(
        "IfExists with an unknown key is pending",
        {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}},
        {},
        C,
        pending=["aws:SourceVpc"],
    ),
    # -- multiple keys and values ---------------------------------------------------------------
    cond_case(
        "several values for one key: OR",
        {"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}},
        {"aws:PrincipalTag/team": "blue"},
        A,
        page=MULTI,
    ),
    cond_case(
        "several values for one key: none matches",
        {"StringEquals": {"aws:PrincipalTag/team": ["red", "green"]}},
        {"aws:PrincipalTag/team": "blue"},
        D,
        page=MULTI,
    ),
    cond_case(
        "negated operator with several values: the value must match none (NOR)",
        {"StringNotEquals": {"aws:PrincipalTag/team": ["red", "blue"]}},
        {"aws:PrincipalTag/team": "blue"},
        D,
        page=MULTI,
    ),
    cond_case(
        "negated operator with several values, none matching",
        {"StringNotEquals": {"aws:PrincipalTag/team": ["red", "green"]}},
        {"aws:PrincipalTag/team": "blue"},
        A,
        page=MULTI,
    ),
    cond_case(
        "several keys under one operator: AND (both hold)",
        {"StringEquals": {"aws:PrincipalTag/team": "blue", "aws:PrincipalTag/env": "prod"}},
        {"aws:PrincipalTag/team": "blue", "aws:PrincipalTag/env": "prod"},
        A,
        page=MULTI,
    ),
    cond_case(
        "several keys under one operator: AND (one fails)",
        {"StringEquals": {"aws:PrincipalTag/team": "blue", "aws:PrincipalTag/env": "prod"}},
        {"aws:PrincipalTag/team": "blue", "aws:PrincipalTag/env": "dev"},
        D,
        page=MULTI,
    ),
    cond_case(
        "several operators: AND",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}, "Bool": {"aws:SecureTransport": "true"}},
        {"aws:PrincipalTag/team": "blue", "aws:SecureTransport": "false"},
        D,
        page=MULTI,
    ),
    # -- Numeric ---------------------------------------------------------------------------------
    cond_case("NumericEquals", {"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, A),
    cond_case("NumericNotEquals", {"NumericNotEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"}, A),
    cond_case(
        "NumericLessThan (false at equality)",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "10"},
        D,
    ),
    cond_case(
        "NumericLessThanEquals (true at equality)",
        {"NumericLessThanEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": "10"},
        A,
    ),
    cond_case(
        "NumericGreaterThan",
        {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}},
        {"aws:MultiFactorAuthAge": "7200"},
        A,
    ),
    cond_case(
        "NumericGreaterThanEquals",
        {"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "3600"}},
        {"aws:MultiFactorAuthAge": "100"},
        D,
    ),
    cond_case(
        "Numeric operators compare numbers, not strings (9 < 10)",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "9"},
        A,
    ),
    cond_case(
        "a non-numeric request value does not match",
        {"NumericEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": "ten"},
        D,
    ),
    cond_case(
        "Numeric with decimals",
        {"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "1.5"}},
        {"aws:MultiFactorAuthAge": "1.25"},
        A,
    ),
    # -- Date ------------------------------------------------------------------------------------
    cond_case(
        "DateLessThan with ISO 8601",
        {"DateLessThan": {"aws:CurrentTime": "2026-12-31T23:59:59Z"}},
        {"aws:CurrentTime": "2026-06-01T00:00:00Z"},
        A,
    ),
    cond_case(
        "DateGreaterThan after the date",
        {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2025-06-01T00:00:00Z"},
        D,
    ),
    cond_case(
        "Date operators accept epoch seconds",
        {"DateGreaterThan": {"aws:EpochTime": "1700000000"}},
        {"aws:EpochTime": "1800000000"},
        A,
    ),
    cond_case(
        "DateEquals on a date without time",
        {"DateEquals": {"aws:CurrentTime": "2026-01-15"}},
        {"aws:CurrentTime": "2026-01-15T00:00:00Z"},
        A,
    ),
    cond_case(
        "DateNotEquals",
        {"DateNotEquals": {"aws:CurrentTime": "2026-01-15T00:00:00Z"}},
        {"aws:CurrentTime": "2026-01-16T00:00:00Z"},
        A,
    ),
    cond_case(
        "DateLessThanEquals at equality",
        {"DateLessThanEquals": {"aws:TokenIssueTime": "2026-01-15T00:00:00Z"}},
        {"aws:TokenIssueTime": "2026-01-15T00:00:00+00:00"},
        A,
    ),
    cond_case(
        "DateGreaterThanEquals before",
        {"DateGreaterThanEquals": {"aws:TokenIssueTime": "2026-01-15T00:00:00Z"}},
        {"aws:TokenIssueTime": "2026-01-14T00:00:00Z"},
        D,
    ),
    cond_case(
        "a malformed date does not match",
        {"DateLessThan": {"aws:CurrentTime": "2026-12-31T00:00:00Z"}},
        {"aws:CurrentTime": "yesterday"},
        D,
    ),
    # -- Bool ------------------------------------------------------------------------------------
    cond_case("Bool true", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "true"}, A),
    cond_case(
        "Bool false vs true", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "false"}, D
    ),
    cond_case(
        "Bool compares true/false case-insensitively",
        {"Bool": {"aws:SecureTransport": "True"}},
        {"aws:SecureTransport": "true"},
        A,
    ),
    cond_case(
        "Bool with an absent key is false",
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        {"aws:MultiFactorAuthPresent": None},
        D,
    ),
    cond_case(
        "BoolIfExists with an absent key is true",
        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        {"aws:MultiFactorAuthPresent": None},
        A,
    ),
    # -- Binary ----------------------------------------------------------------------------------
    cond_case(
        "BinaryEquals compares base64-encoded bytes",
        {"BinaryEquals": {"key": "QmluYXJ5VmFsdWU="}},
        {"key": "QmluYXJ5VmFsdWU="},
        A,
    ),
    cond_case(
        "BinaryEquals with other bytes", {"BinaryEquals": {"key": "QmluYXJ5VmFsdWU="}}, {"key": "T3RoZXI="}, D
    ),
    # -- IP --------------------------------------------------------------------------------------
    cond_case(
        "IpAddress within a CIDR",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "203.0.113.7"},
        A,
    ),
    cond_case(
        "IpAddress outside the CIDR",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "198.51.100.7"},
        D,
    ),
    cond_case(
        "IpAddress with a single address (implicit /32)",
        {"IpAddress": {"aws:SourceIp": "203.0.113.7"}},
        {"aws:SourceIp": "203.0.113.7"},
        A,
    ),
    cond_case(
        "NotIpAddress outside the CIDR",
        {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:SourceIp": "203.0.113.7"},
        A,
    ),
    cond_case(
        "NotIpAddress inside the CIDR",
        {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:SourceIp": "10.1.2.3"},
        D,
    ),
    cond_case(
        "IpAddress with IPv6",
        {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
        {"aws:SourceIp": "2001:db8::1"},
        A,
    ),
    cond_case(
        "IpAddress: an IPv4 address is not in an IPv6 range",
        {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
        {"aws:SourceIp": "10.0.0.1"},
        D,
    ),
    cond_case(
        "IpAddress with several ranges: OR",
        {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}},
        {"aws:SourceIp": "192.168.1.1"},
        A,
    ),
    # -- ARN -------------------------------------------------------------------------------------
    cond_case(
        "ArnLike with wildcards per segment",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:topic"},
        A,
    ),
    cond_case(
        "ArnLike: another account does not match",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:999999999999:topic"},
        D,
    ),
    cond_case(
        "ArnEquals",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::logs"}},
        {"aws:SourceArn": "arn:aws:s3:::logs"},
        A,
    ),
    cond_case(
        "ArnNotEquals",
        {"ArnNotEquals": {"aws:SourceArn": "arn:aws:s3:::logs"}},
        {"aws:SourceArn": "arn:aws:s3:::other"},
        A,
    ),
    cond_case(
        "ArnNotLike with a matching ARN fails",
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}},
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin-x"},
        D,
    ),
    cond_case(
        "ArnLike: a * in one segment does not span colons",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:t"},
        D,
    ),
    cond_case(
        "ArnLike is case-sensitive",
        {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::Logs"}},
        {"aws:SourceArn": "arn:aws:s3:::logs"},
        D,
    ),
    # -- Null ------------------------------------------------------------------------------------
    cond_case(
        "Null true: the key is absent",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": None},
        A,
    ),
    cond_case(
        "Null true with the key present",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"},
        D,
    ),
    cond_case(
        "Null false: the key is present",
        {"Null": {"aws:TokenIssueTime": "false"}},
        {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"},
        A,
    ),
    cond_case(
        "Null with an unknown key is pending",
        {"Null": {"aws:TokenIssueTime": "false"}},
        {},
        C,
        pending=["aws:TokenIssueTime"],
    ),
    # -- set operators -------------------------------------------------------------------------
    cond_case(
        "ForAnyValue: one request value matches",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["owner", "env"]},
        A,
        page=SETS,
    ),
    cond_case(
        "ForAnyValue: none matches",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["owner"]},
        D,
        page=SETS,
    ),
    cond_case(
        "ForAnyValue: false when the key is absent",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": None},
        D,
        page=SETS,
    ),
    cond_case(
        "ForAllValues: every request value in the set",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "team"]},
        A,
        page=SETS,
    ),
    cond_case(
        "ForAllValues: one value outside the set",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "owner"]},
        D,
        page=SETS,
    ),
    cond_case(
        "ForAllValues: true when the key is absent (use Null to guard)",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": None},
        A,
        page=SETS,
    ),
    cond_case(
        "ForAllValues:StringLike with patterns",
        {"ForAllValues:StringLike": {"aws:TagKeys": ["app-*"]}},
        {"aws:TagKeys": ["app-x", "app-y"]},
        A,
        page=SETS,
    ),
    cond_case(
        "ForAnyValue:StringNotEquals: some value outside the set",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["env", "x"]},
        A,
        page=SETS,
    ),
    cond_case(
        "ForAllValues:StringNotEquals: every value outside the set",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["env", "x"]},
        D,
        page=SETS,
    ),
    cond_case(
        "set operators on aws:PrincipalOrgPaths with StringLike",
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]}},
        {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"]},
        A,
        page=SETS,
    ),
    cond_case(
        "set operator with an unknown key is pending",
        {"ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}},
        {},
        C,
        page=SETS,
        pending=["aws:CalledVia"],
    ),
    # -- policy variables in condition values ---------------------------------------------------
    cond_case(
        "${aws:username} in a condition value",
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"aws:username": "alice", "s3:prefix": "home/alice/docs"},
        A,
        page=VARS,
    ),
    cond_case(
        "${aws:username} does not let bob in alice's home",
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"aws:username": "bob", "s3:prefix": "home/alice/docs"},
        D,
        page=VARS,
    ),
    cond_case(
        "a variable whose key is unknown leaves the condition pending",
        {"StringEquals": {"aws:ResourceTag/owner": "${aws:PrincipalTag/owner}"}},
        {"aws:ResourceTag/owner": "x"},
        C,
        page=VARS,
        pending=["aws:ResourceTag/owner"],
    ),
    cond_case(
        "${aws:PrincipalTag/x} matched against the resource tag",
        {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        {"aws:ResourceTag/team": "blue", "aws:PrincipalTag/team": "blue"},
        A,
        page=VARS,
    ),
    cond_case(
        "a variable with a default value when the key is absent",
        {"StringEquals": {"s3:prefix": "${aws:PrincipalTag/dept, 'none'}"}},
        {"aws:PrincipalTag/dept": None, "s3:prefix": "none"},
        A,
        page=VARS,
    ),
    # -- unknown operator ------------------------------------------------------------------------
    cond_case(
        "an operator IAM does not define cannot be decided: pending, not silently true",
        {"StringSortOf": {"aws:PrincipalTag/team": "blue"}},
        {"aws:PrincipalTag/team": "blue"},
        C,
        pending=["aws:PrincipalTag/team"],
    ),
]
