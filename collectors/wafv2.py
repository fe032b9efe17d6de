"""WAFv2 web ACLs (regional, and CloudFront scope in us-east-1), rules, associations, logging."""

from __future__ import annotations

from collectors.spec import Collector

# Being written: the operations are declared here as data (see collectors/spec.py).
COLLECTORS: tuple[Collector, ...] = ()
