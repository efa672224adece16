"""``eventdesk report``: the terminal summary, --json, --html, and its errors."""

from __future__ import annotations

from pathlib import Path

from .conftest import failed_in_one_line, json_of, succeeded


def test_a_report_on_the_terminal_as_json_and_as_a_page(eventdesk, tmp_path: Path) -> None:
    for summary, channel in (("Mail is down", "email"), ("VPN drops", "chat")):
        succeeded(
            eventdesk("incident", "open", "-s", summary, "-i", "2", "-u", "2", "--channel", channel)
        )
    succeeded(eventdesk("incident", "resolve", "INC0000001", "--code", "fixed"))

    shown = succeeded(eventdesk("report", "--period", "month")).stdout
    assert shown.startswith("Report — all tenants: incidents opened from the start to ")
    for title in ("Summary", "By priority", "By channel", "By team", "By month", "SLA attainment"):
        assert title in shown

    report = json_of(eventdesk("report", "--json", "--since", "2026-01-01"))
    assert report["since"] == "2026-01-01T00:00:00.000000Z"
    assert report["period"] == "week"
    assert (report["summary"]["incidents"], report["summary"]["resolved"]) == (2, 1)
    assert {m["channel"]: m["share"] for m in report["channel_mix"]} == {"chat": 0.5, "email": 0.5}
    assert report["backlog"]["open"] == 1

    page = tmp_path / "week.html"
    written = succeeded(eventdesk("report", "--html", str(page))).stdout
    assert written.rstrip().endswith(f"Wrote {page}")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_bad_requests_fail_in_one_line(eventdesk, tmp_path: Path) -> None:
    # Fail to report from a date that is not one, backwards, or for a tenant the desk lacks.
    assert "since" in failed_in_one_line(eventdesk("report", "--since", "last tuesday"))
    assert "since" in failed_in_one_line(
        eventdesk("report", "--since", "2026-03-02", "--until", "2026-03-01")
    )
    assert "nobody" in failed_in_one_line(eventdesk("report", "--tenant", "nobody"))
    # Fail to write the page where no file can be.
    missing = tmp_path / "no" / "such" / "folder" / "report.html"
    assert "cannot write" in failed_in_one_line(eventdesk("report", "--html", str(missing)))
    # A period that is not one is a misuse of the command.
    assert eventdesk("report", "--period", "fortnight").exit_code == 2


def test_a_benchmark_of_the_tenants_operations(eventdesk) -> None:
    for name, model in (("acme", "shared"), ("globex", "shared")):
        succeeded(eventdesk("tenant", "add", name, "--model", model, "--manager", "sofia"))
    succeeded(
        eventdesk(
            "incident",
            "open",
            "-s",
            "Mail",
            "-i",
            "2",
            "-u",
            "2",
            "--tenant",
            "acme",
            "--channel",
            "email",
        )
    )
    result = json_of(eventdesk("benchmark", "-k", "2", "--seed", "3", "--json"))
    assert (result["k"], result["seed"]) == (2, 3)
    assert [o["operation"] for o in result["operations"]] == ["acme", "globex"]
    assert result["operations"][0]["features"]["email_share"] == 1.0
    assert sorted(op for c in result["clusters"] for op in c["operations"]) == ["acme", "globex"]
    shown = succeeded(eventdesk("benchmark", "-k", "2")).stdout
    assert "Each operation against its cluster's medians" in shown
    # Fail to cluster into no clusters.
    assert "k" in failed_in_one_line(eventdesk("benchmark", "-k", "0"))
