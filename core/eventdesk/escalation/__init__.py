"""Escalation targets: where an incident goes when its agents need someone else.

See :mod:`eventdesk.escalation.target` for the interface a plugin implements,
and docs/escalation-targets.md for the guide.
"""

from eventdesk.escalation.rules import EscalationRule
from eventdesk.escalation.service import (
    DeliveryAttempt,
    EscalationService,
    TargetInfo,
    UnknownEscalationTargetError,
)
from eventdesk.escalation.target import (
    Escalation,
    EscalationRequest,
    EscalationTarget,
    Sent,
    briefing,
)

__all__ = [
    "DeliveryAttempt",
    "Escalation",
    "EscalationRequest",
    "EscalationRule",
    "EscalationService",
    "EscalationTarget",
    "Sent",
    "TargetInfo",
    "UnknownEscalationTargetError",
    "briefing",
]
