"""Policy documents in every shape AWS APIs return them (IAM JSON policy elements reference)."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from analysis.model.policy_doc import parse_policy_document

DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "A",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": ["arn:aws:s3:::b/*"],
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Condition": {"Bool": {"aws:SecureTransport": False}, "NumericLessThan": {"s3:max-keys": 10}},
        },
        {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": "*", "Principal": "*"},
    ],
}


@pytest.mark.parametrize(
    "given",
    [DOC, json.dumps(DOC), urllib.parse.quote(json.dumps(DOC)), json.dumps(DOC).encode()],
    ids=["dict", "json-string", "url-encoded", "bytes"],
)
def test_every_encoding_parses_the_same(given: object) -> None:
    doc = parse_policy_document(given)
    assert doc.ok and doc.version == "2012-10-17"
    first, second = doc.statements
    assert first.sid == "A" and first.effect == "Allow"
    assert first.action == ("s3:GetObject",) and first.resource == ("arn:aws:s3:::b/*",)
    assert first.principal == {"AWS": ("arn:aws:iam::111122223333:root",)}
    # Condition values are compared as strings by IAM.
    assert first.condition == {
        "Bool": {"aws:SecureTransport": ("false",)},
        "NumericLessThan": {"s3:max-keys": ("10",)},
    }
    assert second.not_action == ("iam:*", "sts:*") and second.not_resource == ("*",)
    assert second.principal == {"*": ("*",)} and second.action is None


def test_single_statement_object() -> None:
    doc = parse_policy_document({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    assert len(doc.statements) == 1 and doc.statements[0].action == ("*",) and doc.version is None


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not an object"),
        ({"Version": "2012-10-17"}, "no Statement"),
        ({"Statement": 5}, "neither an object nor a list"),
        (None, "no policy document"),
    ],
)
def test_malformed_documents_are_kept_with_the_reason(given: object, error: str) -> None:
    doc = parse_policy_document(given)
    assert not doc.ok and error in (doc.error or "")
    assert doc.statements == ()
    if isinstance(given, str):
        assert doc.raw_text == given


def test_malformed_statements_are_flagged_not_dropped() -> None:
    doc = parse_policy_document(
        {
            "Statement": [
                {"Effect": "Permit", "Action": "s3:*"},
                {"Effect": "Allow", "Resource": "*"},
                "oops",
                {"Effect": "Allow", "Action": ["s3:*", {"x": 1}], "Principal": 7},
            ]
        }
    )
    assert doc.ok and len(doc.statements) == 4
    problems = " | ".join(doc.problems)
    assert "statement 0: Effect is 'Permit'" in problems
    assert "statement 1: neither Action nor NotAction" in problems
    assert "statement 2: statement is not an object" in problems
    assert "non-string value" in problems and "Principal is 7" in problems
    assert doc.statements[3].action == ("s3:*",)
