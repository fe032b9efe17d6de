"""The edge checkers' pre-filter: could any Allow statement of a principal match an action?

Action matching follows the IAM User Guide, "IAM JSON policy elements: Action" (``*`` any
run of characters, ``?`` one character, case-insensitive) and "IAM JSON policy elements:
NotAction" (an Allow with NotAction allows every action it does not list). The index must
never rule out a principal the engine could allow: its answer is compared with the
statement-by-statement reference ``statement_allows_action``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.model.policy_doc import PolicyDocument, parse_policy_document
from analysis.trust.edges.base import PermissionIndex, statement_allows_action

ALICE = "arn:aws:iam::111122223333:user/alice"
BOB = "arn:aws:iam::111122223333:user/bob"


def index(policies: Mapping[str, Sequence[dict[str, Any] | None]]) -> PermissionIndex:
    docs = {
        arn: [
            None if s is None else parse_policy_document({"Version": "2012-10-17", "Statement": s})
            for s in sts
        ]
        for arn, sts in policies.items()
    }
    return PermissionIndex(lambda arn: docs.get(arn, []))


def test_action_wildcards_and_case() -> None:
    idx = index({ALICE: [[{"Effect": "Allow", "Action": ["iam:Put*", "s3:?etObject"], "Resource": "*"}]]})
    assert idx.might_allow(ALICE, "iam:PutRolePolicy")
    assert idx.might_allow(ALICE, "IAM:putrolepolicy")
    assert idx.might_allow(ALICE, "s3:GetObject") and idx.might_allow(ALICE, "s3:SetObject")
    assert not idx.might_allow(ALICE, "s3:GetObjectAcl")
    assert not idx.might_allow(ALICE, "iam:AttachRolePolicy")
    assert not idx.might_allow(BOB, "iam:PutRolePolicy")  # no policies at all


def test_regex_characters_in_a_pattern_are_literal() -> None:
    idx = index({ALICE: [[{"Effect": "Allow", "Action": "s3:Get.bject", "Resource": "*"}]]})
    assert idx.might_allow(ALICE, "s3:Get.bject")
    assert not idx.might_allow(ALICE, "s3:GetObject")


def test_not_action_allows_what_it_does_not_list() -> None:
    idx = index(
        {
            ALICE: [[{"Effect": "Allow", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}]],
            BOB: [
                [
                    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
                    {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
                ]
            ],
        }
    )
    assert idx.might_allow(ALICE, "s3:GetObject")
    assert not idx.might_allow(ALICE, "iam:PassRole") and not idx.might_allow(ALICE, "sts:AssumeRole")
    # Either statement is enough: iam:PassRole is outside the second one's NotAction.
    assert idx.might_allow(BOB, "iam:PassRole") and idx.might_allow(BOB, "s3:GetObject")


def test_denies_and_missing_documents_are_ignored() -> None:
    idx = index(
        {
            ALICE: [
                [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
                None,  # a managed policy whose document the snapshot lacks
                [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}],
            ],
        }
    )
    assert idx.might_allow(ALICE, "iam:PassRole")  # the engine decides the deny, not the pre-filter
    assert not idx.might_allow(ALICE, "s3:GetObject")
    assert idx.might_allow_any(ALICE, ("s3:GetObject", "iam:PassRole"))
    assert not idx.might_allow_any(ALICE, ("s3:GetObject", "ec2:RunInstances"))


def test_principals_with_different_policies_get_their_own_answers() -> None:
    # Answers are shared between principals with the same patterns, never across different ones.
    same = [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]
    carol = "arn:aws:iam::111122223333:role/carol"
    idx = index(
        {ALICE: [same], carol: [list(same)], BOB: [[{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]]}
    )
    assert idx.might_allow(ALICE, "iam:PassRole") and idx.might_allow(carol, "iam:PassRole")
    assert not idx.might_allow(BOB, "iam:PassRole")
    assert idx.might_allow(BOB, "s3:GetObject") and not idx.might_allow(ALICE, "s3:GetObject")


PATTERN = st.text(alphabet="ab:*?.", min_size=1, max_size=6)
ACTION = st.text(alphabet="abAB:.", min_size=1, max_size=6)
STATEMENT = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Allow", "Deny"]),
        "key": st.sampled_from(["Action", "NotAction"]),
        "patterns": st.lists(PATTERN, min_size=1, max_size=4),
    }
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(STATEMENT, min_size=1, max_size=3), max_size=3),
    st.lists(ACTION, min_size=1, max_size=6),
)
def test_same_answer_as_each_statement_on_its_own(
    documents: list[list[dict[str, Any]]], actions: list[str]
) -> None:
    parsed: list[PolicyDocument] = [
        parse_policy_document(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": s["Effect"], s["key"]: s["patterns"], "Resource": "*"} for s in doc],
            }
        )
        for doc in documents
    ]
    idx = PermissionIndex(lambda arn: parsed)
    for action in actions:
        expected = any(
            s.effect == "Allow" and statement_allows_action(s, action) for d in parsed for s in d.statements
        )
        assert idx.might_allow(ALICE, action) is expected, action
