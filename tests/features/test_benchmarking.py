"""Scenarios of features/benchmarking.feature: operations grouped with their peers."""

from __future__ import annotations

from datetime import timedelta

from eventdesk import ManualClock, ServiceDesk
from eventdesk.reports.benchmark import Benchmark, benchmark
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("benchmarking.feature")

SEED = 7


@given("these client operations:")
def operations(desk: ServiceDesk, clock: ManualClock, datatable: list[list[str]]) -> None:
    tenancy = desk.tenancy
    for client, model, agents, incidents, channel in datatable[1:]:
        tenancy.register_tenant(client, model=model, service_manager="sofia", hourly_rate=50)
        if model == "dedicated":
            tenancy.form_team(f"{client}-team", kind="dedicated", tenant=client)
            for number in range(int(agents)):
                tenancy.register_agent(f"{client}-{number}", teams=[f"{client}-team"])
        for _ in range(int(incidents)):
            desk.open_incident("Help", impact=2, urgency=2, channel=channel, tenant=client)
    clock.advance(timedelta(hours=1))


@when(parsers.parse("the operations are benchmarked in {k:d} groups"), target_fixture="result")
def benchmarked(desk: ServiceDesk, k: int) -> Benchmark:
    return benchmark(desk, k=k, seed=SEED)


@then("the groups are:")
def groups(result: Benchmark, datatable: list[list[str]]) -> None:
    shown = {str(c["cluster"]): ", ".join(c["operations"]) for c in result.clusters}
    assert shown == {group: clients.strip() for group, clients in datatable[1:]}


@then(parsers.parse('in its group, "{client}" stands {position} the median on "{feature}"'))
def stands(result: Benchmark, client: str, position: str, feature: str) -> None:
    operation = next(o for o in result.operations if o["operation"] == client)
    assert operation["against_cluster"][feature] == position


@then("benchmarking again with the same seed gives the same groups")
def again(desk: ServiceDesk, result: Benchmark) -> None:
    assert benchmark(desk, k=result.k, seed=SEED).to_dict() == result.to_dict()
