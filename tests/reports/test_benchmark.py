"""Benchmarking: standardised features, k-means with a seed, and each operation set
against its cluster's medians."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventdesk import InvalidValueError
from eventdesk.reports.benchmark import FEATURE_NAMES, benchmark
from eventdesk.reports.clusters import kmeans, standardise

from .conftest import OFFICE


def test_standardised_columns_have_mean_zero_and_spread_one() -> None:
    scaled = standardise([[1, 10, 5], [3, 30, 5]])
    assert scaled == [(-1.0, -1.0, 0.0), (1.0, 1.0, 0.0)]


def test_kmeans_finds_separate_groups_the_same_way_every_time() -> None:
    points = [(0.0, 0.1), (0.2, 0.0), (9.0, 9.1), (0.1, 0.2), (9.2, 8.9)]
    assert kmeans(points, 2, seed=1) == [0, 0, 1, 0, 1]
    assert all(kmeans(points, 2, seed=seed) == [0, 0, 1, 0, 1] for seed in range(20))
    # No more clusters than distinct points; one cluster is everyone.
    assert kmeans([(1.0,), (1.0,)], 4) == [0, 0]
    assert kmeans(points, 1) == [0] * 5


def build_operations(desk, clock) -> None:
    """Two dedicated operations on chat, office hours, two agents each; two small shared
    ones on email, round the clock."""
    tenancy = desk.tenancy
    desk.sla.import_calendar(OFFICE)
    for name in ("acme", "globex"):
        tenancy.register_tenant(name, model="dedicated", service_manager="sofia", calendar="office")
        tenancy.form_team(f"{name}-team", kind="dedicated", tenant=name, calendar="office")
        tenancy.register_agent(f"{name}-1", teams=[f"{name}-team"])
        tenancy.register_agent(f"{name}-2", teams=[f"{name}-team"])
        for _ in range(4):
            desk.open_incident("Chat", impact=2, urgency=2, channel="chat", tenant=name)
    for name in ("hooli", "initech"):
        tenancy.register_tenant(name, model="shared", service_manager="sofia", hourly_rate=50)
        desk.open_incident("Mail", impact=3, urgency=3, channel="email", tenant=name)
    clock.advance(timedelta(hours=1))


def test_operations_are_grouped_with_their_peers(desk, clock) -> None:
    build_operations(desk, clock)
    result = benchmark(desk, k=2, seed=7)
    assert [c["operations"] for c in result.clusters] == [["acme", "globex"], ["hooli", "initech"]]
    acme = result.operations[0]
    assert acme["operation"] == "acme"
    assert acme["features"] == {
        "incidents_per_agent": 2.0,
        "contacts_per_incident": 1.0,
        "reassignments_per_incident": 0.0,
        "median_resolution_hours": 0.0,
        "email_share": 0.0,
        "chat_share": 1.0,
        "voice_share": 0.0,
        "self_service_share": 0.0,
        "coverage_hours": 40.0,
        "agents": 2.0,
        "teams": 1.0,
        "specialist_groups": 0.0,
    }
    # Alike within the cluster: acme stands at its cluster's median on every feature.
    assert acme["against_cluster"] == dict.fromkeys(FEATURE_NAMES, "at")
    assert result.clusters[1]["medians"]["coverage_hours"] == 168.0
    # The same seed gives the same answer.
    assert benchmark(desk, k=2, seed=7).to_dict() == result.to_dict()


def test_a_benchmark_needs_tenants_and_a_number_of_clusters(desk, clock) -> None:
    # Fail to benchmark a desk without tenants, or into no clusters.
    with pytest.raises(InvalidValueError, match="tenant"):
        benchmark(desk)
    build_operations(desk, clock)
    with pytest.raises(InvalidValueError, match="k"):
        benchmark(desk, k=0)
