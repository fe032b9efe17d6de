"""What the IAM controls share: their inputs, dates, indexes built once per assessment, result builders.

Indexes (users per account, attachments, customer policies) are memoized per
:class:`AssessmentContext` in a weak dictionary: built by the first control that asks,
shared by the others, dropped with the context. (The trust findings by kind, which the report
reads too, are kept on the context itself: ``AssessmentContext.memo``.)
"""

from __future__ import annotations

import contextlib
import functools
import gc
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from analysis.model.coverage import ANSWERED, COLLECTED
from analysis.rules.base import FAIL, PASS, Control, Evidence, Input, Result
from analysis.rules.context import GLOBAL, AssessmentContext

if TYPE_CHECKING:
    from analysis.model.iam import AccountIamSummary, ManagedPolicy, User
    from analysis.model.policy_doc import PolicyDocument, Statement

T = TypeVar("T")

# The collected IAM operations the controls read (IAM is global: one call per account).
AUTH_DETAILS = Input(service="iam", operation="GetAccountAuthorizationDetails", regional=False)
CREDENTIAL_REPORT = Input(service="iam", operation="GetCredentialReport", regional=False)
PASSWORD_POLICY = Input(service="iam", operation="GetAccountPasswordPolicy", regional=False)
ACCOUNT_SUMMARY = Input(service="iam", operation="GetAccountSummary", regional=False)
VIRTUAL_MFA = Input(service="iam", operation="ListVirtualMFADevices", regional=False)
ACCESS_KEYS = Input(service="iam", operation="ListAccessKeys", regional=False)
KEY_LAST_USED = Input(service="iam", operation="GetAccessKeyLastUsed", regional=False)
ORG_ACCOUNTS = Input(service="organizations", operation="ListAccounts", regional=False)
SCPS = Input(service="organizations", operation="ListPolicies", regional=False)

_MEMO: weakref.WeakKeyDictionary[AssessmentContext, dict[str, Any]] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (restored after).

    Once the trust graph exists the heap holds millions of objects; building many small results
    then triggers full collections that walk all of them (seconds each at a few hundred accounts)
    while nothing built here needs the cycle collector.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def gc_paused_results(
    evaluate: Callable[[AssessmentContext], Iterable[Result]],
) -> Callable[[AssessmentContext], Iterator[Result]]:
    """Run a control's ``evaluate`` to the end with the cyclic GC paused (see ``gc_paused``).

    At 500 accounts a control that yields ~90,000 results otherwise spends most of its time in
    full collections over the Inventory and the trust graph.
    """

    @functools.wraps(evaluate)
    def run(ctx: AssessmentContext) -> Iterator[Result]:
        with gc_paused():
            results = list(evaluate(ctx))
        return iter(results)

    return run


def memo(ctx: AssessmentContext, key: str, build: Callable[[], T]) -> T:
    """``build()`` once per assessment context (every control of one assessment shares it)."""
    slot = _MEMO.setdefault(ctx, {})
    if key not in slot:
        slot[key] = build()
    value: T = slot[key]
    return value


# -- dates -------------------------------------------------------------------------------------------


def parse_date(value: str | None) -> datetime | None:
    """An ISO-8601 date of an IAM response or the credential report (naive dates taken as UTC)."""
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def days_since(ctx: AssessmentContext, value: str | None) -> int | None:
    """Whole days from ``value`` to the collection time (ctx.now); None when there is no date."""
    d = parse_date(value)
    if d is None:
        return None
    now = ctx.now if ctx.now.tzinfo else ctx.now.replace(tzinfo=UTC)
    return (now - d).days


# -- results -----------------------------------------------------------------------------------------


def result(
    control: Control,
    *,
    passed: bool,
    account_id: str,
    resource_arn: str,
    resource_id: str,
    message: str,
    evidence: Evidence | None = None,
    region: str = GLOBAL,
) -> Result:
    return Result(
        control_id=control.id,
        status=PASS if passed else FAIL,
        account_id=account_id,
        region=region,
        resource_arn=resource_arn,
        resource_id=resource_id,
        message=message,
        evidence=evidence or Evidence(),
    )


def account_result(
    ctx: AssessmentContext,
    control: Control,
    account_id: str,
    *,
    passed: bool,
    message: str,
    evidence: Evidence | None = None,
) -> Result:
    return result(
        control,
        passed=passed,
        account_id=account_id,
        resource_arn=ctx.account_arn(account_id),
        resource_id=account_id,
        message=message,
        evidence=evidence,
    )


def user_result(
    control: Control, user: User, *, passed: bool, message: str, evidence: Evidence | None = None
) -> Result:
    return result(
        control,
        passed=passed,
        account_id=user.account_id,
        resource_arn=user.arn,
        resource_id=user.name,
        message=message,
        evidence=evidence,
    )


def user_not_assessed(ctx: AssessmentContext, control: Control, user: User, reason: str) -> Result:
    return ctx.not_assessed(
        control,
        account_id=user.account_id,
        region=GLOBAL,
        reason=reason,
        call_ids=user.call_ids,
        resource_arn=user.arn,
        resource_id=user.name,
    )


def merge_ids(*groups: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(i for g in groups for i in g))


def root_has_no_credentials(summary: AccountIamSummary) -> bool:
    """GetAccountSummary says the root user has neither a password nor access keys.

    With centralized root access (AWS Organizations), member accounts can have their root
    credentials removed; AccountPasswordPresent is 0 then (IAM API reference, GetAccountSummary).
    Absent keys (older snapshots, emulators) never count as "no credentials".
    """
    values = summary.summary or {}
    return values.get("AccountPasswordPresent") == 0 and values.get("AccountAccessKeysPresent") == 0


# -- per account -------------------------------------------------------------------------------------


def users_by_account(ctx: AssessmentContext) -> Mapping[str, Sequence[User]]:
    def build() -> Mapping[str, Sequence[User]]:
        out: dict[str, list[User]] = defaultdict(list)
        for user in ctx.inventory.iam.users.values():
            out[user.account_id].append(user)
        for users in out.values():
            users.sort(key=lambda u: u.arn)
        return dict(out)

    return memo(ctx, "users_by_account", build)


def report_call_ids(ctx: AssessmentContext, account_id: str) -> tuple[int, ...]:
    """The GetCredentialReport call(s) of an account: the evidence of a credential report value."""
    return ctx.inventory.coverage.state(
        account_id=account_id, region=GLOBAL, service="iam", operation="GetCredentialReport"
    ).call_ids


def report_unusable(summary: AccountIamSummary | None) -> str | None:
    """Why the account's credential report cannot be read although the call was answered, or None."""
    if summary is None:
        return "the account's IAM data was not collected"
    if summary.credential_report_state != COLLECTED:
        return f"the credential report could not be read ({summary.credential_report_state})"
    return None


def accounts_with_users(
    ctx: AssessmentContext, control: Control, inputs: Sequence[Input]
) -> Iterator[tuple[str, Result | None, Sequence[User]]]:
    """Each account with its users, or the NOT_ASSESSED result when ``inputs`` were not answered there."""
    by_account = users_by_account(ctx)
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(control, account_id, GLOBAL, inputs)
        if gap is None and CREDENTIAL_REPORT in inputs:
            why = report_unusable(ctx.inventory.iam.accounts.get(account_id))
            if why is not None:
                gap = ctx.not_assessed(control, account_id=account_id, region=GLOBAL, reason=why)
        yield account_id, gap, by_account.get(account_id, ())


NO_REPORT_ROW = (
    "the credential report has no row for this user (IAM generates the report at most every "
    "4 hours: a user created since then is not in it)"
)


# -- policies ----------------------------------------------------------------------------------------


def allows_everything(st: Statement) -> bool:
    """An Allow of Action "*" on Resource "*" (the full administrative statement IAM.1 looks for)."""
    return (
        st.effect == "Allow"
        and st.action is not None
        and "*" in st.action
        and st.resource is not None
        and "*" in st.resource
    )


def admin_statements(doc: PolicyDocument | None) -> tuple[Statement, ...]:
    return tuple(st for st in (doc.statements if doc else ()) if allows_everything(st))


def describe_statement(where: str, st: Statement) -> str:
    sid = f" ({st.sid})" if st.sid else ""
    what = f"Action {list(st.action)}" if st.action is not None else f"NotAction {list(st.not_action or ())}"
    res = f"Resource {list(st.resource)}" if st.resource is not None else "NotResource"
    return f"{where}, statement {st.index}{sid}: {st.effect} {what} on {res}"


def attachments_by_account(ctx: AssessmentContext) -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    """account id -> managed policy ARN -> the users, groups and roles of that account it is attached to."""

    def build() -> Mapping[str, Mapping[str, tuple[str, ...]]]:
        iam = ctx.inventory.iam
        out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        principals: Iterable[Any] = (*iam.users.values(), *iam.groups.values(), *iam.roles.values())
        for p in principals:
            for arn in p.attached_policy_arns:
                out[p.account_id][arn].append(p.arn)
        return {a: {k: tuple(v) for k, v in m.items()} for a, m in out.items()}

    return memo(ctx, "attachments_by_account", build)


def customer_policies_by_account(ctx: AssessmentContext) -> Mapping[str, Sequence[ManagedPolicy]]:
    def build() -> Mapping[str, Sequence[ManagedPolicy]]:
        out: dict[str, list[ManagedPolicy]] = defaultdict(list)
        for p in ctx.inventory.iam.policies.values():
            if not p.aws_managed:
                out[p.account_id].append(p)
        for policies in out.values():
            policies.sort(key=lambda p: p.arn)
        return dict(out)

    return memo(ctx, "customer_policies_by_account", build)


def boundary_policy_arns(ctx: AssessmentContext) -> frozenset[str]:
    """Managed policies used as a permissions boundary by some user or role."""

    def build() -> frozenset[str]:
        iam = ctx.inventory.iam
        arns = {u.permissions_boundary_arn for u in iam.users.values()}
        arns |= {r.permissions_boundary_arn for r in iam.roles.values()}
        return frozenset(a for a in arns if a)

    return memo(ctx, "boundary_policy_arns", build)


def short_arn(arn: str) -> str:
    """``user/alice`` from ``arn:aws:iam::111:user/alice`` (messages stay readable)."""
    return arn.split(":", 5)[-1] if arn.startswith("arn:") else arn


# -- password policy -----------------------------------------------------------------------------------

NO_CUSTOM_POLICY = (
    "The account has no custom password policy (GetAccountPasswordPolicy: NoSuchEntity): IAM's default "
    "rules apply"
)


def password_policies(
    ctx: AssessmentContext, control: Control
) -> Iterator[tuple[str, Result | None, Mapping[str, Any] | None, tuple[int, ...]]]:
    """Per account: (id, NOT_ASSESSED result or None, the PasswordPolicy settings or None when absent, call ids)."""
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(control, account_id, GLOBAL)
        policy = ctx.inventory.iam.password_policies.get(account_id)
        if gap is None and policy is None:
            gap = ctx.not_assessed(
                control, account_id=account_id, region=GLOBAL, reason="the password policy was not normalized"
            )
        if gap is not None or policy is None:
            yield account_id, gap, None, ()
            continue
        if policy.state != COLLECTED:  # answered "absent": no custom policy
            yield account_id, None, None, policy.call_ids
            continue
        if policy.settings is None:
            gap = ctx.not_assessed(
                control,
                account_id=account_id,
                region=GLOBAL,
                reason="GetAccountPasswordPolicy answered without a PasswordPolicy",
                call_ids=policy.call_ids,
            )
            yield account_id, gap, None, policy.call_ids
            continue
        yield account_id, None, policy.settings, policy.call_ids


# -- credentials -------------------------------------------------------------------------------------------


def active_keys(user: User) -> tuple[list[tuple[str, str | None, str | None]], str] | None:
    """The user's active access keys as (id, created, last used), and where that came from; None if unknown.

    ListAccessKeys (one call per user) is the first source; when it was not answered, the
    credential report's access_key_1/2 columns stand in (they carry no key id).
    """
    if user.access_keys_state in ANSWERED:
        keys = [
            (k.access_key_id, k.created, k.last_used_date) for k in user.access_keys if k.status == "Active"
        ]
        return keys, "ListAccessKeys"
    row = user.credential_report
    if row is None:
        return None
    keys = []
    for n in (1, 2):
        if row.raw.get(f"access_key_{n}_active") == "true":
            last = row.raw.get(f"access_key_{n}_last_used_date")
            keys.append(
                (
                    f"access key {n}",
                    row.raw.get(f"access_key_{n}_last_rotated"),
                    last if last and last not in ("N/A", "no_information") else None,
                )
            )
    return keys, "the credential report"


def unused_credentials(ctx: AssessmentContext, user: User, days: int) -> tuple[list[str], dict[str, object]]:
    """The user's credentials not used for ``days`` days, by the CIS audit procedure on the credential report.

    A password counts from its last use, or from when it was set if it was never used; an
    active key from its last use, or from its creation (last rotation) if never used.
    """
    row = user.credential_report
    assert row is not None
    problems: list[str] = []
    values: dict[str, object] = {}
    if row.password_enabled:
        used = days_since(ctx, row.password_last_used)
        since = used if used is not None else days_since(ctx, row.password_last_changed)
        values["password_last_used"] = row.raw.get("password_last_used", "")
        values["password_last_changed"] = row.raw.get("password_last_changed", "")
        if since is not None and since >= days:
            problems.append(
                f"console password not used for {since} days"
                if used is not None
                else f"console password never used, set {since} days ago"
            )
    for n in (1, 2):
        if row.raw.get(f"access_key_{n}_active") != "true":
            continue
        last_used = row.raw.get(f"access_key_{n}_last_used_date")
        rotated = row.raw.get(f"access_key_{n}_last_rotated")
        values[f"access_key_{n}_last_used_date"] = last_used or ""
        values[f"access_key_{n}_last_rotated"] = rotated or ""
        used = days_since(ctx, last_used)
        since = used if used is not None else days_since(ctx, rotated)
        if since is not None and since >= days:
            problems.append(
                f"access key {n} not used for {since} days"
                if used is not None
                else f"access key {n} never used, created {since} days ago"
            )
    return problems, values


def evaluate_unused(ctx: AssessmentContext, control: Control, days: int) -> Iterator[Result]:
    """Per user: FAIL when a password or active key went unused for ``days`` days (credential report)."""
    for account_id, gap, users in accounts_with_users(ctx, control, (AUTH_DETAILS, CREDENTIAL_REPORT)):
        if gap is not None:
            yield gap
            continue
        report_ids = report_call_ids(ctx, account_id)
        for user in users:
            if user.credential_report is None:
                yield user_not_assessed(ctx, control, user, NO_REPORT_ROW)
                continue
            problems, values = unused_credentials(ctx, user, days)
            evidence = Evidence(call_ids=merge_ids(user.call_ids, report_ids), values=values)
            if problems:
                yield user_result(
                    control,
                    user,
                    passed=False,
                    message=f"{user.name}: " + "; ".join(problems) + ".",
                    evidence=evidence,
                )
            else:
                yield user_result(
                    control,
                    user,
                    passed=True,
                    message=f"Every credential was used within {days} days."
                    if values
                    else "No console password and no active access key.",
                    evidence=evidence,
                )


def service_wildcards(
    doc: PolicyDocument | None, *, every_service: bool = False
) -> list[tuple[Statement, list[str]]]:
    """Allow statements granting every action of a service: Action "svc:*", or NotAction "svc:*".

    Security Hub's IAM.21 fails on ``"Action": "<service>:*"`` and on ``"NotAction": "<service>:*"``
    in an Allow, and passes prefixes such as ``ec2:Describe*``. ``"*"`` (every service at once) is
    IAM.1's finding; with ``every_service`` it counts here too.
    """
    out: list[tuple[Statement, list[str]]] = []
    for st in doc.statements if doc else ():
        if st.effect != "Allow":
            continue
        hits = [a for a in st.action or () if (every_service and a == "*") or a.partition(":")[2] == "*"]
        hits += [f"NotAction {a}" for a in st.not_action or () if a.partition(":")[2] == "*"]
        if hits:
            out.append((st, hits))
    return out
