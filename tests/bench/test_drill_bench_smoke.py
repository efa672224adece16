"""bench/drill.py runs and prints its figures (only that it works, not how fast)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

SCRIPT = "drill.py"
QUICK = ["--contacts", "60"]


def test_the_table_gives_the_drill_rate_and_the_ratio(run_bench: Callable[..., str]) -> None:
    output = run_bench()
    assert re.search(r"^drill of one day: \d+ contacts, [\d,]+ events stored", output, re.M)
    drill = re.search(
        r"^drill through the real desk\s+\d+\.\d{3}\s+([\d,.]+)\s+(\d+\.\d\d)$", output, re.M
    )
    assert drill and float(drill.group(1).replace(",", "")) > 0, output
    assert float(drill.group(2)) > 0, output
    assert re.search(r"^raw insert of the rows \(baseline\)\s+\d+\.\d{3}", output, re.M), output


def test_json_counts_the_contacts_and_events(run_bench: Callable[..., str]) -> None:
    figures = json.loads(run_bench("--json"))
    # A Poisson day of about 60 contacts: each opens an incident, which is then resolved
    # or cancelled, with its work item: several events per contact.
    assert 20 < figures["contacts"] < 120
    assert figures["events"] > 3 * figures["contacts"]
    assert figures["contacts_per_second"] > 0 and figures["ratio"] > 0
