"""Logging and monitoring controls: CloudTrail, AWS Config, and the CloudWatch alarms on CloudTrail events."""

CONTROL_MODULES = (
    "cloudtrail_multi_region_trail",
    "cloudtrail_organization_trail",
    "cloudtrail_trail_logging",
    "cloudtrail_management_events",
    "cloudtrail_log_file_validation",
    "cloudtrail_kms_encryption",
    "cloudtrail_cloudwatch_logs",
    "cloudtrail_bucket_not_public",
    "cloudtrail_bucket_access_logging",
    "cloudtrail_s3_data_events_write",
    "cloudtrail_s3_data_events_read",
    "config_recorder_enabled",
    "config_records_all_resources",
    "config_global_resources_recorded",
    "config_delivery_channel",
    "config_organization_aggregator",
)
