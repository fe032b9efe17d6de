"""The Evidence sheet: every snapshot call the pack cites, each response page as collected.

The calls cited are those of the Findings rows (after the filters), and, when their sheets are in the
pack, those of the escalation paths (trust findings) and of the internet exposures (the Inventory
records of the interface and of every hop). One row per page (a call with no page, such as a denied
one, has one row): account, region, service, operation, parameters, call time, identity, outcome,
page number, the page's stored SHA-256 and its JSON exactly as stored, read back through the
snapshot's hash check. JSON longer than Excel's cell limit continues on the rows below ("2 of 3"),
never cut: joining the parts in order gives the stored bytes. A page that fails its SHA-256 check
is not shown; its row says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from exports.sheets.results_scope import Scoped, in_account_scope
from exports.xlsx_writer import Column, SheetSpec, split_text

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

SHEET = SheetSpec(
    "Evidence",
    (
        # The first nine are what a printed page shows: which call, when, how it ended, which part.
        Column("Call id", 9, kind="int"),
        Column("Account id", 15),
        Column("Region", 13),
        Column("Service", 15),
        Column("Operation", 30),
        Column("Called at (UTC)", 25),
        Column("Outcome", 16),
        Column("Page", 7, kind="int"),
        Column("Part", 9),
        Column("JSON as collected", 100),
        Column("Account name", 20),
        Column("Parameters", 30),
        Column("Identity", 36),
        Column("Error", 30),
        Column("Pages", 7, kind="int"),
        Column("Page SHA-256", 66),
        Column("Check", 30),
    ),
    print_columns=9,
)
VERIFIED = "SHA-256 verified"


def cited_calls(data: PackData, options: ExportOptions, findings: Iterable[Scoped]) -> list[int]:
    """The call ids the pack cites, ascending."""
    ids: set[int] = set()
    for s in findings:
        ids.update(s.result.evidence.call_ids)
    if "Escalation paths" in options.sheets:
        for f in data.trust_findings:
            if in_account_scope(data, options, f.account_id):
                ids.update(f.call_ids)
    if "Internet exposure" in options.sheets and data.exposure is not None:
        inventory = data.inventory
        for e in data.exposure.exposures:
            if not in_account_scope(data, options, e.account_id):
                continue
            for arn in (e.network_interface_arn, *(h.arn for h in e.hops)):
                record = inventory.get(arn) if arn else None
                if record is not None:
                    ids.update(record.call_ids)
    return sorted(ids)


def rows(data: PackData, options: ExportOptions) -> Iterator[tuple[Any, ...]]:
    from exports.sheets.findings import finding_items

    yield from call_rows(data, cited_calls(data, options, finding_items(data, options)))


def call_rows(
    data: PackData, call_ids: Iterable[int], first_row: MutableMapping[int, int] | None = None
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``call_ids``; ``first_row[call id]`` is set to the index of each call's first row."""
    from snapshot import PageTamperedError, Snapshot, SnapshotCorruptError
    from snapshot.codec import canonical_json
    from snapshot.reader import check_header, open_existing

    index = 0
    names: dict[str, str] = {}
    path = data.snapshot_path
    # Opened without recomputing the digest over all records: the pack's data did that once.
    conn = check_header(open_existing(path, read_only=True), path)
    snapshot = Snapshot(
        path=path,
        conn=conn,
        manifest=dict(data.manifest),
        integrity=data.integrity,
        problems=list(data.integrity_problems),
    )
    with snapshot as snap:
        for call_id in call_ids:
            if first_row is not None:
                first_row[call_id] = index
            try:
                call = snap.call(call_id)
            except KeyError:
                index += 1
                yield (call_id, *([None] * 15), "no such call in the snapshot")
                continue
            name = names.get(call.account_id)
            if name is None:
                name = names[call.account_id] = data.inventory.account_name(call.account_id)
            error = f"{call.error_code}: {call.error_message or ''}".strip() if call.error_code else None
            params = split_text(canonical_json(call.parameters))

            def row(
                page: int | None,
                part: str | None,
                text: str | None,
                param: str | None,
                digest: str | None,
                pages: int | None,
                check: str,
                call: Any = call,
                name: str = name,
                error: str | None = error,
            ) -> tuple[Any, ...]:
                return (
                    call.id, call.account_id, call.region, call.service, call.operation, call.started_at,
                    call.outcome, page, part, text, name, param, call.identity_arn, error, pages, digest, check,
                )  # fmt: skip

            try:
                pages = snap.raw_pages(call_id)
            except (PageTamperedError, SnapshotCorruptError) as exc:
                index += 1
                yield row(None, None, None, params[0], None, call.page_count, f"NOT SHOWN: {exc}")
                continue
            if not pages:
                index += 1
                yield row(None, None, None, params[0], None, 0, "no pages: see the outcome")
                continue
            for page_no, (body, digest) in enumerate(pages, start=1):
                parts = split_text(body.decode("utf-8"))
                n = max(len(parts), len(params) if page_no == 1 else 1)
                for k in range(n):
                    index += 1
                    param = params[k] if page_no == 1 and k < len(params) else None
                    text = parts[k] if k < len(parts) else None
                    yield row(page_no, f"{k + 1} of {n}", text, param, digest, len(pages), VERIFIED)
