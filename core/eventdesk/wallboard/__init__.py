"""The supervisors' wallboard: live queues, SLA risk, agents' capacity and the half-hour
intervals, served by ``eventdesk serve`` at ``/wallboard``. See docs/wallboard.md."""

from eventdesk.wallboard.board import Supervision, snapshot, supervision

__all__ = ["Supervision", "snapshot", "supervision"]
