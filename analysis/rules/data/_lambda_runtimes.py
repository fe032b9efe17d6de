"""When each Lambda-managed runtime stops (or stopped) receiving security patches: its deprecation date.

Source: AWS Lambda Developer Guide, "Lambda runtimes" (the supported and deprecated runtime
tables, column "Deprecation date"), as published on RUNTIMES_AS_OF; cross-checked with the
tflint-ruleset-aws rule aws_lambda_function_deprecated_runtime (November 2025) and endoflife.date
(February 2026). Security Hub Lambda.2 lists as supported, on the same date: dotnet8, java25,
java21, java17, java11, java8.al2, nodejs24.x, nodejs22.x, nodejs20.x, python3.14 to python3.10,
ruby3.4, ruby3.3, ruby3.2.

A runtime is past its end of support when the snapshot's collection time is on or after its
date. A runtime missing from this table is reported as not assessed (a runtime newer than the
table, or a custom name) rather than guessed: update the table from the page above.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

RUNTIMES_AS_OF = date(2026, 2, 11)

DEPRECATION_DATES: dict[str, date] = {
    # Supported on RUNTIMES_AS_OF, with their scheduled deprecation dates.
    "nodejs24.x": date(2028, 4, 30),
    "nodejs22.x": date(2027, 4, 30),
    "nodejs20.x": date(2026, 4, 30),
    "python3.14": date(2029, 6, 30),
    "python3.13": date(2029, 6, 30),
    "python3.12": date(2028, 10, 31),
    "python3.11": date(2026, 6, 30),
    "python3.10": date(2026, 6, 30),
    "java25": date(2029, 6, 30),
    "java21": date(2029, 6, 30),
    "java17": date(2026, 6, 30),
    "java11": date(2026, 6, 30),
    "java8.al2": date(2026, 6, 30),
    "dotnet10": date(2028, 11, 14),
    "dotnet8": date(2026, 11, 10),
    "ruby3.4": date(2028, 3, 31),
    "ruby3.3": date(2027, 3, 31),
    "ruby3.2": date(2026, 3, 31),
    "provided.al2023": date(2029, 6, 30),
    "provided.al2": date(2026, 6, 30),
    # Deprecated before RUNTIMES_AS_OF.
    "python3.9": date(2025, 12, 15),
    "nodejs18.x": date(2025, 9, 1),
    "dotnet6": date(2024, 11, 12),
    "python3.8": date(2024, 10, 14),
    "nodejs16.x": date(2024, 6, 12),
    "dotnet7": date(2024, 5, 14),
    "java8": date(2024, 1, 8),
    "go1.x": date(2024, 1, 8),
    "provided": date(2024, 1, 8),
    "nodejs14.x": date(2023, 12, 4),
    "python3.7": date(2023, 12, 4),
    "ruby2.7": date(2023, 11, 27),
    "dotnetcore3.1": date(2023, 4, 3),
    "nodejs12.x": date(2023, 3, 31),
    "python3.6": date(2022, 7, 18),
    "dotnet5.0": date(2022, 5, 10),
    "dotnetcore2.1": date(2022, 1, 5),
    "nodejs10.x": date(2021, 7, 30),
    "ruby2.5": date(2021, 7, 30),
    "python2.7": date(2021, 7, 15),
    "nodejs8.10": date(2020, 3, 6),
    "nodejs4.3": date(2020, 3, 5),
    "nodejs4.3-edge": date(2020, 3, 5),
    "nodejs6.10": date(2019, 8, 12),
    "dotnetcore1.0": date(2019, 7, 27),
    "dotnetcore2.0": date(2019, 5, 30),
    "nodejs": date(2016, 10, 31),
}


def deprecation_date(runtime: str) -> date | None:
    return DEPRECATION_DATES.get(runtime)


def past_end_of_support(runtime: str, at: datetime) -> bool | None:
    """True when ``runtime`` was deprecated on or before ``at``; None when it is not in the table."""
    when = DEPRECATION_DATES.get(runtime)
    if when is None:
        return None
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date() >= when
