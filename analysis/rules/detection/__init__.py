"""Detection and response controls (Security Hub, GuardDuty, IAM Access Analyzer, EventBridge routing)."""

CONTROL_MODULES = (
    "detection_securityhub_enabled",
    "detection_securityhub_standards",
    "detection_guardduty_enabled",
    "detection_guardduty_org_auto_enable",
    "detection_guardduty_protection_plans",
    "detection_access_analyzer_organization",
    "detection_access_analyzer_findings",
    "detection_findings_routed_to_responder",
)
