"""RDS instances' public accessibility and snapshots' public restore attributes."""

from __future__ import annotations

from collectors.spec import Collector

# Being written: the operations are declared here as data (see collectors/spec.py).
COLLECTORS: tuple[Collector, ...] = ()
