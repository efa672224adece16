"""Contingency drills: a day of traffic, on virtual time, through the real engine."""

from eventdesk.drills.scenario import Scenario, ScenarioError
from eventdesk.drills.service import DrillResult, drill_history, record_drill, run_drill

__all__ = ["DrillResult", "Scenario", "ScenarioError", "drill_history", "record_drill", "run_drill"]
