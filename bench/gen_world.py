"""One account as the synthetic AWS sees it: who it is, where it works, and its answers.

Each ``bench/gen_<area>.py`` module declares ``HANDLERS``: ``(service, operation) -> handler``,
a handler being ``handler(ctx, region, params) -> pages | ApiError``. The real
``collectors.calls.CallExecutor`` asks the questions (expanding for-each, nested and
cross-service ops exactly as in a collection); the handlers only answer them. An area builds
its content for one account and region once, on first use (:meth:`AccountContext.cached`),
and records what the Inventory will hold in :attr:`AccountContext.tally`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.gen_common import HEX, Answer, ApiError, Tally, _ident
from bench.gen_org import _Account, _Org

Handler = Callable[["AccountContext", str, Mapping[str, Any]], Answer]

# Where accounts run their workloads: most in us-east-1, some in eu-west-1 (the demo's regions).
HOME_REGIONS = ("us-east-1", "us-east-1", "us-east-1", "eu-west-1", "eu-west-1")


def stable_rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


def stable_hex(n: int, *parts: object) -> str:
    """Hex digits that depend only on ``parts``: ids other accounts can compute without building them."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()
    return digest[:n]


@dataclass(frozen=True, kw_only=True)
class OrgFacts:
    """What every account's content may refer to: the organization's shared accounts and places."""

    org: _Org
    seed: int
    regions: tuple[str, ...]
    account_index: Mapping[str, int]  # account id -> position (for CIDRs and names)
    management: _Account
    security: _Account
    log_archive: _Account
    network: _Account
    shared_services: _Account
    roles_per_account: int = 200
    users_per_account: int = 50
    # The first workload account has one of every rare thing, so that a small organization
    # still exercises every collector op (classic balancers, peering, cluster snapshots...).
    showcase: str = ""

    @classmethod
    def build(
        cls, org: _Org, *, seed: int, regions: Sequence[str], roles_per_account: int, users_per_account: int
    ) -> OrgFacts:
        return cls(
            org=org,
            seed=seed,
            regions=tuple(regions),
            roles_per_account=roles_per_account,
            users_per_account=users_per_account,
            showcase=next((a.id for a in org.accounts if a.kind == "workload" and a.status == "ACTIVE"), ""),
            account_index={a.id: i for i, a in enumerate(org.accounts)},
            management=org.management,
            security=org.account_of_kind("security-tooling"),
            log_archive=org.account_of_kind("log-archive"),
            network=org.account_of_kind("network"),
            shared_services=org.account_of_kind("shared-services"),
        )

    @property
    def home_region_of_management(self) -> str:
        return self.regions[0] if self.regions else "us-east-1"

    def home_region(self, account: _Account) -> str:
        """Where an account runs most of its resources (one of the collected regions)."""
        if account.kind in ("management", "log-archive", "security-tooling", "network", "shared-services"):
            return self.home_region_of_management
        pick = stable_rng("home", self.seed, account.id).choice(HOME_REGIONS)
        return pick if pick in self.regions else self.home_region_of_management

    def is_prod(self, account: _Account) -> bool:
        return "prod" in account.name and "nonprod" not in account.name

    def log_bucket(self) -> str:
        return f"aws-controltower-logs-{self.log_archive.id}-{self.home_region_of_management}"

    def org_trail_arn(self) -> str:
        region = self.home_region_of_management
        return f"arn:aws:cloudtrail:{region}:{self.management.id}:trail/aws-controltower-BaselineCloudTrail"


@dataclass
class AccountContext:
    """One collected account: its identity there, the org facts, and lazily built content per region."""

    facts: OrgFacts
    account: _Account
    identity_arn: str
    tally: Tally
    fate: float  # a per-account draw deciding rare conditions (SCP denials, missing services)
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    _chance: random.Random | None = None

    @property
    def id(self) -> str:
        return self.account.id

    @property
    def seed(self) -> int:
        return self.facts.seed

    @property
    def home(self) -> str:
        return self.facts.home_region(self.account)

    @property
    def index(self) -> int:
        return self.facts.account_index.get(self.account.id, 0)

    def rng(self, *parts: object) -> random.Random:
        return stable_rng(self.seed, self.account.id, *parts)

    @property
    def showcase(self) -> bool:
        return self.account.id == self.facts.showcase

    def rare(self, rng: random.Random, p: float) -> bool:
        """A rare condition: drawn with probability ``p``, always true in the showcase account."""
        draw = rng.random() < p
        return draw or self.showcase

    def chance(self, p: float) -> bool:
        """True with probability ``p``, from one sequence per account (calls come in a fixed order)."""
        if self._chance is None:
            self._chance = self.rng("chance")
        return self._chance.random() < p

    def cached(self, area: str, region: str, build: Callable[[AccountContext, str], Any]) -> Any:
        key = (area, region)
        if key not in self._cache:
            self._cache[key] = build(self, region)
        return self._cache[key]

    def hexid(self, prefix: str, *parts: object, n: int = 17) -> str:
        """A deterministic EC2-style id (``vpc-0123...``) for this account and ``parts``."""
        return f"{prefix}-{stable_hex(n, self.seed, self.account.id, *parts)}"

    def random_hex(self, rng: random.Random, n: int) -> str:
        return _ident(rng, HEX, n)

    def deny(self, action: str, *, code: str = "AccessDenied", scp: bool = False) -> ApiError:
        """``action`` as IAM names it (``s3:GetBucketPolicy``); ``code`` as the service spells it."""
        why = (
            " with an explicit deny in a service control policy"
            if scp
            else " because no identity-based policy allows the action"
        )
        return ApiError(
            code=code,
            message=f"User: {self.identity_arn} is not authorized to perform: {action}{why}",
            status=403,
        )


def tags(name: str, **more: str) -> list[dict[str, str]]:
    return [{"Key": "Name", "Value": name}, *({"Key": k, "Value": v} for k, v in more.items())]
