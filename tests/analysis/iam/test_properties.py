"""Properties of the evaluator over random well-formed policies (hypothesis).

- it never crashes and always answers one of the four decisions, with reasons;
- adding a Deny statement anywhere never turns a deny into an allow (or a conditional allow);
- adding an Allow statement never turns an allow into a deny ("Policy evaluation logic": only
  an explicit Deny overrides an Allow).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.iam.engine import PrincipalSide, ResourceSide, context_resolver, evaluate_policies
from analysis.iam.matching import PrincipalIdentity, compile_statement, fast_match, match_statement
from analysis.iam.orgpolicies import OrgChain, OrgLevel
from analysis.iam.request import ALLOW, CONDITIONAL, EXPLICIT_DENY, IMPLICIT_DENY, AttachedPolicy, Decision
from analysis.model.policy_doc import parse_policy_document

ACCOUNT, OTHER = "111122223333", "444455556666"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
ACTIONS = [
    "*",
    "s3:*",
    "s3:Get*",
    "s3:GetObject",
    "s3:PutObject",
    "iam:*",
    "iam:?etRole",
    "ec2:Describe*",
    "kms:Decrypt",
]
RESOURCES = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::${aws:username}/*",
    "arn:aws:iam::*:role/*",
    "arn:aws:s3:::B/*",
]
REQUESTS = [
    ("s3:GetObject", "arn:aws:s3:::b/k"),
    ("s3:PutObject", "arn:aws:s3:::alice/x"),
    ("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/r"),
    ("kms:Decrypt", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k"),
    ("ec2:DescribeInstances", "*"),
]
KEYS = [
    "aws:SourceIp",
    "aws:PrincipalTag/team",
    "aws:username",
    "aws:MultiFactorAuthPresent",
    "aws:TagKeys",
    "aws:CurrentTime",
]
OPERATORS = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLikeIfExists",
    "StringEqualsIgnoreCase",
    "NumericLessThan",
    "DateGreaterThan",
    "Bool",
    "BoolIfExists",
    "IpAddress",
    "NotIpAddress",
    "ArnLike",
    "Null",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringLike",
    "BinaryEquals",
]
VALUES = [
    "true",
    "false",
    "blue",
    "10.0.0.0/8",
    "2026-01-01T00:00:00Z",
    "5",
    "b*",
    "arn:aws:iam::*:role/*",
    "AAE=",
]
PRINCIPALS: list[Any] = [
    "*",
    {"AWS": ALICE},
    {"AWS": ACCOUNT},
    {"AWS": f"arn:aws:iam::{OTHER}:root"},
    {"Service": "ec2.amazonaws.com"},
]

conditions = st.dictionaries(
    st.sampled_from(OPERATORS),
    st.dictionaries(
        st.sampled_from(KEYS),
        st.lists(st.sampled_from(VALUES), min_size=1, max_size=3),
        min_size=1,
        max_size=2,
    ),
    max_size=2,
)


@st.composite
def statements(draw: st.DrawFn, *, effect: str | None = None, principal: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    acts = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3))
    out["NotAction" if draw(st.booleans()) and len(acts) == 1 and acts[0] != "*" else "Action"] = (
        acts if len(acts) > 1 else acts[0]
    )
    res = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2))
    out["NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"] = res
    if principal:
        out["Principal"] = draw(st.sampled_from(PRINCIPALS))
    cond = draw(conditions)
    if cond:
        out["Condition"] = cond
    return out


def documents(principal: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda s: {"Version": "2012-10-17", "Statement": s},
        st.lists(statements(principal=principal), min_size=1, max_size=3),
    )


contexts = st.dictionaries(
    st.sampled_from(KEYS),
    st.one_of(
        st.just(()),
        st.lists(st.sampled_from([*VALUES, "1.2.3.4", "alice"]), min_size=1, max_size=2).map(tuple),
    ),
    max_size=4,
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "identity": draw(st.lists(documents(), max_size=2)),
        "boundary": draw(st.one_of(st.none(), documents())),
        "scp": draw(
            st.one_of(
                st.none(), st.lists(st.lists(documents(), min_size=1, max_size=2), min_size=1, max_size=2)
            )
        ),
        "resource_policy": draw(st.one_of(st.none(), documents(principal=True))),
        "resource_account": draw(st.sampled_from([ACCOUNT, OTHER, None])),
        "required": draw(st.booleans()),
        "request": draw(st.sampled_from(REQUESTS)),
        "context": draw(contexts),
    }


def _policy(kind: str, i: int, document: dict[str, Any]) -> AttachedPolicy:
    return AttachedPolicy(
        kind=kind, policy=f"{kind}-{i}", where="random", document=parse_policy_document(document)
    )


def evaluate(s: dict[str, Any]) -> Decision:
    scp = None
    if s["scp"] is not None:
        scp = OrgChain(
            applies=True,
            known=True,
            levels=tuple(
                OrgLevel(
                    node_id=f"n{i}",
                    where=f"level {i}",
                    policies=tuple(_policy("scp", j, d) for j, d in enumerate(level)),
                )
                for i, level in enumerate(s["scp"])
            ),
        )
    principal = PrincipalSide(
        who=PrincipalIdentity(arn=ALICE, account_id=ACCOUNT),
        kind="user",
        identity=tuple(_policy("identity", i, d) for i, d in enumerate(s["identity"])),
        boundary=_policy("boundary", 0, s["boundary"]) if s["boundary"] else None,
        scp=scp,
    )
    target = ResourceSide(
        account_id=s["resource_account"],
        policy=_policy("resource", 0, s["resource_policy"]) if s["resource_policy"] else None,
        state="collected" if s["resource_policy"] else "absent",
        required=s["required"],
    )
    action, resource = s["request"]
    values = {k.lower(): v for k, v in s["context"].items()}
    values.setdefault("aws:principalarn", (ALICE,))
    return evaluate_policies(
        action=action, resource=resource, principal=principal, target=target, context=context_resolver(values)
    )


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenarios())
def test_random_policies_never_crash(s: dict[str, Any]) -> None:
    d = evaluate(s)
    assert d.decision in (ALLOW, EXPLICIT_DENY, IMPLICIT_DENY, CONDITIONAL)
    assert d.reasons
    assert (d.decision == CONDITIONAL) == bool(d.conditions)


@SETTINGS
@given(scenarios(), statements(effect="Deny"), st.sampled_from(["identity", "boundary", "scp", "resource"]))
def test_adding_a_deny_never_turns_a_deny_into_an_allow(
    s: dict[str, Any], extra: dict[str, Any], where: str
) -> None:
    before = evaluate(s)
    after_s = dict(s)
    if where == "identity":
        after_s["identity"] = [*s["identity"], {"Statement": [extra]}]
    elif where == "boundary" and s["boundary"]:
        after_s["boundary"] = {"Statement": [*s["boundary"]["Statement"], extra]}
    elif where == "scp" and s["scp"]:
        after_s["scp"] = [[*s["scp"][0], {"Statement": [extra]}], *s["scp"][1:]]
    elif where == "resource" and s["resource_policy"]:
        after_s["resource_policy"] = {
            "Statement": [*s["resource_policy"]["Statement"], {**extra, "Principal": "*"}]
        }
    after = evaluate(after_s)
    if before.decision in (EXPLICIT_DENY, IMPLICIT_DENY):
        assert after.decision in (EXPLICIT_DENY, IMPLICIT_DENY), (before.reasons, after.reasons)
    if before.decision == EXPLICIT_DENY:
        assert after.decision == EXPLICIT_DENY


@SETTINGS
@given(scenarios(), statements(effect="Allow"))
def test_adding_an_identity_allow_never_turns_an_allow_into_a_deny(
    s: dict[str, Any], extra: dict[str, Any]
) -> None:
    before = evaluate(s)
    after = evaluate({**s, "identity": [*s["identity"], {"Statement": [extra]}]})
    if before.decision == ALLOW:
        assert after.decision == ALLOW


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda c: (
            st.lists(c, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    ["Effect", "Action", "NotAction", "Resource", "Principal", "Condition", "Statement", "x"]
                ),
                c,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_malformed_documents_never_crash(raw: Any) -> None:
    s = {
        "identity": [{"Statement": raw}, raw if isinstance(raw, dict) else {"Statement": [raw]}],
        "boundary": None,
        "scp": None,
        "resource_policy": raw if isinstance(raw, dict) else None,
        "resource_account": ACCOUNT,
        "required": False,
        "request": REQUESTS[0],
        "context": {},
    }
    assert evaluate(s).decision in (ALLOW, EXPLICIT_DENY, IMPLICIT_DENY, CONDITIONAL)


@SETTINGS
@given(
    statements(principal=True),
    st.sampled_from([*REQUESTS, ("*", "*"), ("s3:GetObject", "*")]),
    contexts,
    st.booleans(),
)
def test_compiled_fast_path_answers_like_the_reference_matcher(
    raw: dict[str, Any], request: tuple[str, str], context: dict[str, Any], with_principal: bool
) -> None:
    statement = parse_policy_document({"Statement": raw}).statements[0]
    values = {k.lower(): v for k, v in context.items()}
    resolve = context_resolver(values)
    who = PrincipalIdentity(arn=ALICE, account_id=ACCOUNT) if with_principal else None
    action, resource = request
    reference = match_statement(statement, action=action, resource=resource, context=resolve, who=who)
    fast = fast_match(
        compile_statement(statement),
        action=action,
        action_lower=action.lower(),
        resource=resource,
        context=resolve,
        who=who,
    )
    assert fast == reference


@SETTINGS
@given(scenarios(), st.sampled_from(["identity", "boundary", "scp", "resource"]))
def test_an_unconditional_deny_of_everything_in_any_layer_denies(s: dict[str, Any], where: str) -> None:
    """ "An explicit deny in any of these policies overrides the allow" (Policy evaluation logic)."""
    blanket: dict[str, Any] = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    after = dict(s)
    if where == "identity":
        after["identity"] = [*s["identity"], {"Statement": [blanket]}]
    elif where == "boundary":
        after["boundary"] = {"Statement": [*(s["boundary"] or {"Statement": []})["Statement"], blanket]}
    elif where == "scp":
        levels = s["scp"] or [[{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]]
        after["scp"] = [*levels[:-1], [*levels[-1], {"Statement": [blanket]}]]
    else:
        after["resource_policy"] = {
            "Statement": [
                *(s["resource_policy"] or {"Statement": []})["Statement"],
                {**blanket, "Principal": "*"},
            ]
        }
    d = evaluate(after)
    assert d.decision == EXPLICIT_DENY
    assert any(r.effect == "Deny" for r in d.deciding)
