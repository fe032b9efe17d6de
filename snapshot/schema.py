"""The snapshot file format: one SQLite database per collection.

The schema is documented in docs/snapshot.md; any change here bumps
SCHEMA_VERSION and is described there.
"""

from __future__ import annotations

FORMAT_NAME = "aws-org-audit-snapshot"
SCHEMA_VERSION = 1

# Outcomes of one API call, as stored in calls.outcome.
OUTCOME_OK = "ok"
OUTCOME_THROTTLED_THEN_OK = "throttled_then_ok"
OUTCOME_ACCESS_DENIED = "access_denied"
OUTCOME_REGION_DISABLED = "region_disabled"
OUTCOME_NOT_SUBSCRIBED = "not_subscribed"
OUTCOME_ABSENT = "absent"  # AWS answered that the thing does not exist (e.g. no password policy)
OUTCOME_ERROR = "error"

OUTCOMES = (
    OUTCOME_OK,
    OUTCOME_THROTTLED_THEN_OK,
    OUTCOME_ACCESS_DENIED,
    OUTCOME_REGION_DISABLED,
    OUTCOME_NOT_SUBSCRIBED,
    OUTCOME_ABSENT,
    OUTCOME_ERROR,
)
# Outcomes whose pages are a complete answer from AWS.
SUCCESS_OUTCOMES = frozenset({OUTCOME_OK, OUTCOME_THROTTLED_THEN_OK})
# Outcomes that are a final answer: a resumed collection does not ask again.
FINAL_OUTCOMES = frozenset(
    {
        OUTCOME_OK,
        OUTCOME_THROTTLED_THEN_OK,
        OUTCOME_ACCESS_DENIED,
        OUTCOME_REGION_DISABLED,
        OUTCOME_NOT_SUBSCRIBED,
        OUTCOME_ABSENT,
    }
)

DDL = """
CREATE TABLE IF NOT EXISTS manifest (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);
CREATE TABLE IF NOT EXISTS calls (
    id            INTEGER PRIMARY KEY,
    call_key      TEXT NOT NULL UNIQUE,   -- account|region|service|operation|canonical parameters
    account_id    TEXT NOT NULL,
    region        TEXT NOT NULL,          -- 'global' for global services
    service       TEXT NOT NULL,          -- boto3 client name
    operation     TEXT NOT NULL,          -- API operation name, e.g. ListAccounts
    parameters    TEXT NOT NULL,          -- canonical JSON
    identity_arn  TEXT NOT NULL,          -- who made the call
    started_at    TEXT NOT NULL,          -- ISO-8601 UTC
    duration_ms   REAL NOT NULL,
    outcome       TEXT NOT NULL,
    error_code    TEXT,
    error_message TEXT,
    attempts      INTEGER NOT NULL,
    page_count    INTEGER NOT NULL,
    record_sha256 TEXT NOT NULL           -- SHA-256 of this row's fields and its pages' SHA-256s
);
CREATE INDEX IF NOT EXISTS calls_by_op ON calls (service, operation, account_id, region);
CREATE TABLE IF NOT EXISTS pages (
    call_id  INTEGER NOT NULL REFERENCES calls (id),
    page_no  INTEGER NOT NULL,
    body     BLOB NOT NULL,               -- zlib-compressed canonical JSON of the page
    sha256   TEXT NOT NULL,               -- SHA-256 of the uncompressed JSON
    PRIMARY KEY (call_id, page_no)
);
"""

# Manifest keys (values are JSON).
M_FORMAT = "format"
M_SCHEMA_VERSION = "schema_version"
M_TOOL_VERSION = "tool_version"
M_STARTED_AT = "started_at"
M_FINISHED_AT = "finished_at"
M_IDENTITY = "identity"  # STS GetCallerIdentity of the collecting principal
M_ORGANIZATION_ID = "organization_id"
M_MANAGEMENT_ACCOUNT_ID = "management_account_id"
M_SCOPE = "scope"  # what was asked for: accounts, ous, regions, services, method, member role
M_ACCOUNT_OUTCOMES = "account_outcomes"  # {account_id: {"status": ..., "detail": ...}}
M_STATUS = "status"  # "collecting" | "complete" | "cancelled"
M_INTEGRITY_DIGEST = "integrity_digest"  # written at finish; see snapshot.integrity
M_RUNS = "runs"  # list of {started_at, finished_at, resumed, status}
