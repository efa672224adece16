"""Read models: every event applied exactly once, resumed where they stopped, rebuildable."""

from __future__ import annotations

import threading
import time

from eventdesk import ServiceDesk


def busy_morning(desk: ServiceDesk, incidents: int) -> None:
    for n in range(1, incidents + 1):
        number = desk.open_incident(f"Issue {n}", impact=1 + n % 3, urgency=1 + n % 2).number
        desk.start(number)
        if n % 3 == 0:
            desk.hold(number, "awaiting_caller")
        if n % 4 == 0:
            desk.resolve(number, "fixed")


def positions(desk: ServiceDesk) -> dict[str, int]:
    return {p.name: desk.projector.position(p) for p in desk.projector.projections}


def all_rows(desk: ServiceDesk) -> list:
    return list(desk.list_incidents(limit=1000).items)


def test_each_read_model_tracks_how_far_it_has_got(desk):
    assert set(positions(desk)) == {
        "definitions",
        "incident_list",
        "sla_timers",
        "work_log",
        "contacts",
        "dead_letters",
        "deliveries",
        "knowledge",
        "api_tokens",
        "metrics",
    }
    assert set(positions(desk).values()) == {0}

    busy_morning(desk, 6)
    head = desk.projector.head()
    assert head == len(desk.recorder.select_notifications(start=1, limit=1000))
    # Commands do not wait for the read models: they catch up when read.
    assert set(positions(desk).values()) == {0}

    assert desk.catch_up() == head  # each event counted once, however many read models
    assert set(positions(desk).values()) == {head}
    assert desk.catch_up() == 0

    desk.comment("INC0000001", "one more event")
    assert desk.catch_up() == 1
    assert set(positions(desk).values()) == {head + 1}


def test_a_read_model_catches_up_in_pages(desk):
    busy_morning(desk, 5)
    head = desk.projector.head()

    assert desk.projector.catch_up(page_size=3) == head
    assert set(positions(desk).values()) == {head}
    assert len(all_rows(desk)) == 5


def test_a_desk_opened_later_resumes_where_the_read_models_stopped(desk, another_desk):
    busy_morning(desk, 4)
    desk.catch_up()
    caught_up_to = desk.projector.head()
    busy_morning_numbers = [item.number for item in all_rows(desk)]
    desk.open_incident("Late arrival", impact=2, urgency=2)
    desk.comment("INC0000001", "after the catch-up")
    desk.close()

    later = another_desk()

    assert positions(later) == dict.fromkeys(positions(later), caught_up_to)
    assert later.catch_up() == 2  # only the two new events
    assert [item.number for item in all_rows(later)] == [*busy_morning_numbers, "INC0000005"]


def test_two_desks_catching_up_at_once_apply_each_event_once(desk, another_desk):
    busy_morning(desk, 40)
    head = desk.projector.head()
    other = another_desk()
    start_together = threading.Barrier(2)
    applied: dict[str, dict[str, int]] = {}
    failures: list[BaseException] = []

    def catch_up(name: str, service_desk: ServiceDesk) -> None:
        try:
            start_together.wait(timeout=10)
            applied[name] = service_desk.projector.catch_up_each(page_size=3)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [
        threading.Thread(target=catch_up, args=("a", desk)),
        threading.Thread(target=catch_up, args=("b", other)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    # Between them the two desks applied each event once to each read model.
    for name in positions(desk):
        assert applied["a"][name] + applied["b"][name] == head
    assert positions(desk) == positions(other) == dict.fromkeys(positions(desk), head)
    assert all_rows(desk) == all_rows(other)
    assert len(all_rows(desk)) == 40


def test_rebuilding_gives_the_same_rows(desk, clock):
    busy_morning(desk, 12)
    clock.advance(hours=1)
    desk.declare_major("INC0000006")  # impact 1, urgency 1
    desk.assign("INC0000002", "network", "bob")
    before = all_rows(desk)
    head = desk.projector.head()

    assert desk.rebuild_projections() == head

    assert all_rows(desk) == before
    assert set(positions(desk).values()) == {head}


def test_a_rebuild_by_another_desk_gives_the_same_rows(desk, another_desk):
    busy_morning(desk, 8)
    before = all_rows(desk)
    other = another_desk()

    other.rebuild_projections()

    assert all_rows(other) == before
    assert all_rows(desk) == before


def test_a_save_on_postgresql_waits_for_an_earlier_uncommitted_insert(postgres_url, clock):
    """Ids must become visible in number order, or a reader would skip one for ever.

    Another transaction takes the next id and holds it uncommitted; a save must
    wait for it instead of committing a higher id first.
    """
    desk = ServiceDesk(db=postgres_url, clock=clock)
    schema = desk.store.pg_schema
    other = desk.store.connect_postgres()
    other.autocommit = False
    other.execute(
        f'INSERT INTO "{schema}".servicedesk_events '
        "(originator_id, originator_version, topic, state) "
        "VALUES (gen_random_uuid(), 1, 'held', ''::bytea)"
    )
    saved = threading.Event()
    saver = threading.Thread(
        target=lambda: (desk.open_incident("Mail down", impact=2, urgency=2), saved.set())
    )
    saver.start()
    try:
        watcher = desk.store.connect_postgres()
        waiting = False
        for _ in range(200):
            waiting = bool(
                watcher.execute(
                    "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE NOT l.granted AND c.relname = 'servicedesk_events' AND n.nspname = %s",
                    [schema],
                ).fetchall()
            )
            if waiting or saved.is_set():
                break
            time.sleep(0.05)
        watcher.close()
        assert not saved.is_set(), "the save committed past an earlier, uncommitted id"
        assert waiting
    finally:
        other.rollback()
        other.close()
        saver.join(timeout=30)
    assert saved.is_set()
    assert desk.list_incidents().total == 1
    desk.close()
