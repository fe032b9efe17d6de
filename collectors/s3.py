"""S3 buckets: region, policy, policy status, ACL, Block Public Access (bucket and account), encryption, versioning, logging, object lock, ownership."""

from __future__ import annotations

from collectors.spec import Collector

# Being written: the operations are declared here as data (see collectors/spec.py).
COLLECTORS: tuple[Collector, ...] = ()
