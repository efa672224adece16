"""Scenarios of features/import.feature: the excerpts of both logs under docs/replay/."""

from __future__ import annotations

import gzip
from pathlib import Path

from eventdesk import ServiceDesk
from eventdesk.replay.bpi2013 import read_bpi2013
from eventdesk.replay.importer import import_log, imported_numbers
from eventdesk.replay.model import ImportReport
from eventdesk.replay.servicenow import read_servicenow
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("import.feature")

EXCERPTS = Path(__file__).resolve().parents[2] / "docs" / "replay"
BPI_XES = EXCERPTS / "bpi2013-excerpt.xes"
FORMS = {"XES": BPI_XES, "CSV": EXCERPTS / "bpi2013-excerpt.csv"}
SERVICENOW = EXCERPTS / "servicenow-excerpt.csv"


def number_of(desk: ServiceDesk, source: str, case_id: str) -> str:
    return {case: number for number, case in imported_numbers(desk, source).items()}[case_id]


@when("the desk imports the BPI 2013 excerpt", target_fixture="report")
def import_bpi(desk: ServiceDesk) -> ImportReport:
    return import_log(desk, read_bpi2013(BPI_XES))


@when(parsers.parse("the desk imports the BPI 2013 excerpt as {form}"), target_fixture="report")
def import_bpi_as(desk: ServiceDesk, form: str, tmp_path: Path) -> ImportReport:
    if form == "gzipped XES":
        path = tmp_path / "excerpt.xes.gz"
        path.write_bytes(gzip.compress(BPI_XES.read_bytes()))
    else:
        path = FORMS[form]
    return import_log(desk, read_bpi2013(path))


@given("the desk imported the ServiceNow excerpt", target_fixture="report")
@when("the desk imports the ServiceNow excerpt", target_fixture="report")
@when("the desk imports the ServiceNow excerpt again", target_fixture="report")
def import_servicenow(desk: ServiceDesk) -> ImportReport:
    return import_log(desk, read_servicenow(SERVICENOW))


@then(
    parsers.parse('the service request "{case}" went through "{events}"'),
    target_fixture="number",
)
def went_through(desk: ServiceDesk, case: str, events: str) -> str:
    number = number_of(desk, "bpi2013", case)
    assert [entry.type for entry in desk.history(number)] == events.split(", ")
    return number


@then(parsers.parse('it was put on hold awaiting "{first}" and then awaiting "{second}"'))
def held_for(desk: ServiceDesk, number: str, first: str, second: str) -> None:
    reasons = [e.changes["hold_reason"][1] for e in desk.history(number) if e.type == "PutOnHold"]
    assert reasons == [f"awaiting_{first}", f"awaiting_{second}"]


@then("its events are at the times the log gives, by the owners it names")
def at_source_times(desk: ServiceDesk, number: str) -> None:
    log = read_bpi2013(BPI_XES)
    case = next(c for c in log.cases if c.case_id == "1-523391859")
    history = desk.history(number)
    rows = {(row.at, row.actor) for row in case.rows}
    assert {(entry.at, entry.actor) for entry in history[1:]} == rows
    assert (history[0].at, history[0].actor) == (case.opening.at, case.opening.actor)


@then(
    parsers.parse(
        'the service request "{case}" was escalated {escalations:d} times '
        "and reassigned {reassignments:d} times in all"
    )
)
def escalated(desk: ServiceDesk, case: str, escalations: int, reassignments: int) -> None:
    number = number_of(desk, "bpi2013", case)
    kinds = [entry.type for entry in desk.history(number)]
    assert kinds.count("FunctionallyEscalated") == escalations
    assert desk.get_incident(number).reassignment_count == reassignments


@then(parsers.parse("{count:d} of the {total:d} service requests went back to a team it had left"))
def ping_pong(desk: ServiceDesk, count: int, total: int) -> None:
    from eventdesk.replay.figures import case_figures, incident_trails

    figures = case_figures(incident_trails(desk, imported_numbers(desk, "bpi2013")).values())
    assert (figures.ping_pong, figures.cases) == (count, total)


@then(
    parsers.parse(
        "{cases:d} service requests were imported from {rows:d} rows, "
        "with {rejected:d} row rejected"
    )
)
def imported(report: ImportReport, cases: int, rows: int, rejected: int) -> None:
    assert (report.cases_imported, report.rows_read, len(report.rejected)) == (
        cases,
        rows,
        rejected,
    )


@then(
    parsers.parse(
        'the rejected row is row {row:d} of "{case}", "{status}", '
        "which has no place in the lifecycle"
    )
)
def rejected_row(report: ImportReport, row: int, case: str, status: str) -> None:
    [rejection] = report.rejected
    assert (rejection.row, rejection.case_id, rejection.status) == (row, case, status)
    assert rejection.reason == f"status {status!r} has no place in the lifecycle"


@then(
    parsers.parse("{imported:d} incidents were imported and {skipped:d} were found imported before")
)
def skipped(report: ImportReport, imported: int, skipped: int) -> None:
    assert (report.cases_imported, report.cases_skipped) == (imported, skipped)


@then(parsers.parse("the desk holds {count:d} incidents"))
def holds(desk: ServiceDesk, count: int) -> None:
    assert desk.list_incidents().total == count


@then(parsers.parse('the ServiceNow incident "{case}" is closed after {reopenings:d} reopening'))
def closed_after_reopening(desk: ServiceDesk, case: str, reopenings: int) -> None:
    incident = desk.get_incident(number_of(desk, "servicenow", case))
    assert (incident.state, incident.reopen_count) == ("closed", reopenings)


@then(
    parsers.parse(
        'the {count:d} rows of "{case}" in state "{state}" are rejected: no place in the lifecycle'
    )
)
def rejected_rows(report: ImportReport, count: int, case: str, state: str) -> None:
    rows = [r for r in report.rejected if r.case_id == case and r.status == state]
    assert len(rows) == count
    assert {r.reason for r in rows} == {f"status {state!r} has no place in the lifecycle"}
