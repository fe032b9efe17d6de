"""AWS Config recorders, status, delivery channels, rules, compliance, aggregators, conformance packs.

Config is regional: a recorder records only its own region (global resource types
such as IAM are recorded where ``includeGlobalResourceTypes`` says), so gaps are
per account and region. ``DescribeConfigurationRecorders`` and
``DescribeDeliveryChannels`` have no paginator (an account has at most one
customer-managed recorder and one delivery channel per region, AWS Config
developer guide, "Managing the Configuration Recorder").

Order matters only for moto: ``DescribeComplianceByConfigRule`` and
``DescribeConformancePacks`` are not implemented there (in-process moto raises
NotImplementedError), so they come last.
"""

from __future__ import annotations

from collectors.spec import Collector, Op

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="config",
        service="config",
        scope="regional",
        description="Configuration recorders and their status, delivery channels, rules and compliance, "
        "aggregators, conformance packs",
        ops=(
            Op(operation="DescribeConfigurationRecorders"),
            Op(operation="DescribeConfigurationRecorderStatus"),
            Op(operation="DescribeDeliveryChannels"),
            Op(operation="DescribeConfigRules"),
            Op(operation="DescribeConfigurationAggregators"),
            Op(operation="DescribeComplianceByConfigRule"),
            Op(operation="DescribeConformancePacks"),
        ),
    ),
)
