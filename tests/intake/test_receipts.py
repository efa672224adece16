"""Receipts on deliveries: the furthest status is kept, ``failed`` is final, the provider's
id finds its delivery, and a read model from before receipts is rebuilt with them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.errors import InvalidValueError
from eventdesk.intake.model import Delivery
from eventdesk.intake.receipts import ProviderMessage, provider_message_id, provider_records
from eventdesk.projections.intake import DELIVERIES

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def delivered() -> Delivery:
    delivery = Delivery(
        channel="whatsapp", incident="INC0000001", message={}, actor="bob", timestamp=AT
    )
    delivery.record_attempt(ok=True, at=AT, provider_id="wamid.1", actor="outbox")
    return delivery


def replayed(delivery: Delivery) -> Delivery:
    """The delivery rebuilt from its events alone."""
    rebuilt = None
    for domain_event in delivery.collect_events():
        rebuilt = domain_event.mutate(rebuilt)
    assert isinstance(rebuilt, Delivery)
    return rebuilt


@pytest.mark.parametrize(
    ("statuses", "kept", "recorded"),
    [
        (["sent", "delivered", "read"], "read", 3),
        (["read", "delivered", "sent"], "read", 1),
        (["delivered", "delivered"], "delivered", 1),
        (["sent", "failed", "read"], "failed", 2),
        (["read", "failed"], "failed", 2),
    ],
)
def test_the_furthest_status_is_kept_and_failed_is_final(statuses, kept, recorded):
    delivery = delivered()
    told = [delivery.record_receipt(s, at=AT, actor="intake") for s in statuses]
    assert delivery.receipt == kept and sum(told) == recorded
    rebuilt = replayed(delivery)
    assert (rebuilt.receipt, rebuilt.state, rebuilt.version) == (kept, "delivered", 2 + recorded)


def test_an_unknown_status_is_refused():
    # Fail to record a status no provider reports.
    with pytest.raises(InvalidValueError, match="receipt status"):
        delivered().record_receipt("seen", at=AT, actor="intake")


def test_the_providers_id_is_remembered_only_for_a_delivered_message():
    delivery = delivered()
    [remembered] = provider_records(delivery, actor="outbox", at=AT)
    assert isinstance(remembered, ProviderMessage)
    assert remembered.id == provider_message_id("whatsapp", "wamid.1")
    assert remembered.delivery == str(delivery.id)
    pending = Delivery(channel="sms", incident="INC0000001", message={}, actor="b", timestamp=AT)
    assert provider_records(pending, actor="outbox", at=AT) == []
    assert provider_message_id("sms", "wamid.1") != remembered.id


def test_a_deliveries_table_from_before_receipts_is_rebuilt_with_them(tmp_path: Path, note_channel):
    db = str(tmp_path / "eventdesk.db")
    clock = ManualClock(AT)
    with ServiceDesk(db=db, clock=clock) as desk:
        desk.intake.receive("note", note_channel.payload("n-1", "ana@acme.example", "Hello"))
        desk.reply("INC0000001", "Hello Ana")
        clock.advance(timedelta(minutes=1))
        assert [d.state for d in desk.intake.deliveries()] == ["delivered"]
    with sqlite3.connect(db) as connection:  # the table as it was before receipts
        connection.execute(f"ALTER TABLE {DELIVERIES} DROP COLUMN receipt")
    with ServiceDesk(db=db, clock=clock) as desk:
        [delivery] = desk.intake.deliveries()
        assert (delivery.state, delivery.attempts, delivery.receipt) == ("delivered", 1, None)
