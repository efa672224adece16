"""``python -m bench --quick --json``: one JSON object, one key per figure of issue 9.

Only that the suite runs and reports every figure with its baseline and target (or
why it is skipped), not how fast anything is.
"""

from __future__ import annotations

import json
from collections.abc import Callable

SCRIPT = "__main__.py"
QUICK = ["--quick", "--only", "command_rate_sqlite,projection_rebuild_rate,"
         "server_peak_memory_mib,import_rate_bpi2013,sla_pass_scaling"]  # fmt: skip

FIGURES = {
    "command_rate_sqlite",
    "intake_rate_sqlite_concurrent",
    "command_rate_postgres",
    "intake_rate_postgres_2workers",
    "projection_rebuild_rate",
    "sla_pass_scaling",
    "routing_decision_us",
    "import_rate_bpi2013",
    "peer_ratio_django_helpdesk",
    "server_peak_memory_mib",
}


def test_json_has_a_key_per_figure_each_with_its_baseline_and_target(
    run_bench: Callable[..., str],
) -> None:
    report = json.loads(run_bench("--json", "--only", ",".join(sorted(FIGURES))))
    assert set(report) == FIGURES
    for key, entry in report.items():
        assert entry["baseline"] and entry["target"], key
        if entry["value"] is None:
            assert entry["skipped"], key  # a figure not measured says why
        else:
            assert entry["value"] > 0, key
            assert "details" in entry, key
    for measured in ("command_rate_sqlite", "projection_rebuild_rate", "sla_pass_scaling"):
        assert report[measured]["value"] is not None, report[measured]
    assert report["command_rate_sqlite"]["details"]["events"] == 60  # 30 incidents, 2 each
    imported = report["import_rate_bpi2013"]
    if imported["value"] is not None:  # the log is on this machine: its first 100 cases
        assert imported["details"]["cases"] == 100 and imported["details"]["ratio"] > 0
    memory = report["server_peak_memory_mib"]["details"]
    assert memory["smaller_store"]["events"] < memory["events"]


def test_the_table_names_every_figure_asked_for(run_bench: Callable[..., str]) -> None:
    output = run_bench()
    for key in ("command_rate_sqlite", "projection_rebuild_rate", "server_peak_memory_mib"):
        assert key in output
    assert output.splitlines()[0].split()[:2] == ["figure", "value"]
