"""What every fuzz and limit test shares: the example budget, the figures each reports,
and the store's consistency checks (events counted; read models equal a rebuild)."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from eventdesk import ServiceDesk
from eventdesk.intake.service import IntakeResult
from hypothesis import HealthCheck, settings

# `make test` runs a small budget; CI sets EVENTDESK_FUZZ_EXAMPLES (say 2000) and runs
# `pytest -m fuzz` for the long variant (docs/security.md).
DEFAULT_EXAMPLES = 30
EXAMPLES = int(os.environ.get("EVENTDESK_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))

# The figures every test reached, by test, printed in pytest's terminal summary.
REPORTED: dict[str, Counter[str]] = {}


def budget(examples: int | None = None) -> settings:
    """Hypothesis settings with the fuzz budget (``examples`` scales it: a share of it)."""
    return settings(
        max_examples=max(1, examples if examples is not None else EXAMPLES),
        deadline=None,
        derandomize=False,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
        database=None,
    )


def figures(name: str) -> Counter[str]:
    """The counter of figures of one test (shown once the run ends)."""
    return REPORTED.setdefault(name, Counter())


# How intake words a payload a channel crashed on (kept, but a parser defect to fix).
DEFECT = "channel failed to read it:"


def count_results(counter: Counter[str], results: list[IntakeResult]) -> None:
    counter["payloads tried"] += 1
    if all(r.taken for r in results):
        counter["taken"] += 1
    else:
        counter["refused"] += 1
    for result in results:
        if result.reason and DEFECT in result.reason:
            counter["channel defects"] += 1
        if result.status == "dead_letter":
            counter["dead-lettered"] += 1
        elif result.status == "unauthenticated":
            counter["unauthenticated (dead-lettered)"] += 1


def read_models(desk: ServiceDesk) -> dict[str, list[str]]:
    """Every row of every read model, order aside."""
    desk.catch_up()
    db = desk.projector.db
    return {
        table: sorted(repr(sorted(row.items())) for row in db.execute(f"SELECT * FROM {table}"))
        for projection in desk.projector.projections
        for table in projection.tables
    }


def assert_read_models_equal_a_rebuild(desk: ServiceDesk) -> int:
    """The read models as they are equal those rebuilt from the events; returns the
    number of events replayed."""
    kept = read_models(desk)
    replayed = desk.projector.rebuild()
    assert read_models(desk) == kept
    return replayed


def assert_refusal_kept(desk: ServiceDesk, before: int, results: list[IntakeResult]) -> None:
    """Every refused message has its dead letter, readable; a payload refused whole
    recorded nothing but its dead letters."""
    for result in results:
        if not result.taken:
            assert result.reason, result
            assert result.dead_letter is not None, result
            letter = desk.dead_letters.show(result.dead_letter)
            assert letter.reason == result.reason
    if results and not any(r.taken for r in results):
        assert desk.projector.head() - before == len(results)


def report(terminalreporter: Any) -> None:
    if not REPORTED:
        return
    terminalreporter.section("hardening figures")
    for name, counter in sorted(REPORTED.items()):
        shown = ", ".join(f"{value} {key}" for key, value in counter.items())
        terminalreporter.write_line(f"{name}: {shown}")
