"""Resource policies of SNS topics, SQS queues, Secrets Manager secrets (never values), ECR repositories."""

from __future__ import annotations

from collectors.spec import Collector

# Being written: the operations are declared here as data (see collectors/spec.py).
COLLECTORS: tuple[Collector, ...] = ()
