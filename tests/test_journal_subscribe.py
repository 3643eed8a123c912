"""Journal subscriptions (what the inspector's live journal streams from): delivery on the subscriber's loop from
any thread, bounded queues that count what they drop, clear and close notices, and lookup by index."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from mockserver.control.journal import Journal


def _record(journal: Journal, path: str = "/v1/threads", project: str = "p") -> Any:
    return journal.record(
        method="POST", path=path, query="", raw_headers=[], raw_body=b"", status=200, project=project, request_id="r"
    )


def test_entries_recorded_on_the_loop_or_another_thread_arrive_in_order() -> None:
    async def scenario() -> list[int]:
        journal = Journal()
        _record(journal)  # before subscribing: not delivered
        subscription = journal.subscribe()
        _record(journal)
        worker = threading.Thread(target=lambda: [_record(journal) for _ in range(3)])
        worker.start()
        worker.join()
        got = []
        for _ in range(4):
            notice = await subscription.get(timeout=5)
            assert notice is not None and notice[0] == "entry"
            got.append(notice[1].index)
        assert await subscription.get(timeout=0) is None  # nothing more: get() times out instead of spinning
        subscription.close()
        return got

    assert asyncio.run(scenario()) == [1, 2, 3, 4]


def test_a_slow_reader_drops_entries_beyond_its_limit_and_counts_them() -> None:
    async def scenario() -> None:
        journal = Journal()
        subscription = journal.subscribe(limit=2)
        for _ in range(5):
            _record(journal)
        assert subscription.dropped == 3
        first, second = await subscription.get(0), await subscription.get(0)
        assert first is not None and second is not None
        assert [first[1].index, second[1].index] == [0, 1]
        journal.clear("p")  # notices other than entries are never dropped
        assert await subscription.get(0) == ("cleared", "p")

    asyncio.run(scenario())


def test_closing_ends_every_feed_and_late_subscribers_start_closed_until_reopened() -> None:
    async def scenario() -> None:
        journal = Journal()
        subscription = journal.subscribe()
        assert journal.subscriber_count == 1
        journal.close_subscribers()
        assert await subscription.get(1) == ("closed", None)
        assert journal.subscriber_count == 0
        _record(journal)
        assert await subscription.get(0) is None  # a closed feed receives nothing more
        late = journal.subscribe()
        assert await late.get(1) == ("closed", None)
        journal.reopen()
        fresh = journal.subscribe()
        _record(journal)
        notice = await fresh.get(1)
        assert notice is not None and notice[0] == "entry"
        fresh.close()
        fresh.close()  # idempotent
        assert journal.subscriber_count == 0

    asyncio.run(scenario())


def test_a_subscriber_whose_loop_is_gone_does_not_break_recording() -> None:
    journal = Journal()

    async def subscribe() -> None:
        journal.subscribe()

    asyncio.run(subscribe())  # the loop closes with the subscription still registered
    thread = threading.Thread(target=_record, args=(journal,))
    thread.start()
    thread.join()
    assert journal.next_index() == 1


def test_get_by_index_survives_drops_and_clears() -> None:
    journal = Journal(limit=3)
    for project in ["a", "b", "a", "b", "a"]:
        _record(journal, project=project)
    assert journal.get(0) is None and journal.get(1) is None  # dropped by the limit
    entry = journal.get(3)
    assert entry is not None and entry.index == 3
    journal.clear("b")
    assert journal.get(3) is None
    found = journal.get(4)
    assert found is not None and found.index == 4 and journal.get(99) is None
