"""The server's coalescing transport: what one loop step writes leaves as one write, in order, and nothing held is
lost when the connection is closed or aborted (mockserver/server.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from mockserver.server import _CoalescingTransport


class RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.events: list[str] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0

    def close(self) -> None:
        self.events.append("close")
        self.closing = True

    def abort(self) -> None:
        self.events.append("abort")
        self.closing = True

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else None


def test_one_loop_step_is_one_write_and_later_steps_are_their_own() -> None:
    async def scenario() -> RecordingTransport:
        real = RecordingTransport()
        held = _CoalescingTransport(real, asyncio.get_running_loop())
        held.write(b"HTTP/1.1 200 OK\r\n\r\n")
        held.writelines([b"event 1\n", b"event 2\n"])
        assert real.writes == [] and held.get_write_buffer_size() == 35
        await asyncio.sleep(0)
        held.write(b"event 3\n")
        await asyncio.sleep(0)
        assert held.get_extra_info("peername") == ("127.0.0.1", 1), "the rest is the transport's own"
        return real

    real = asyncio.run(scenario())
    assert real.writes == [b"HTTP/1.1 200 OK\r\n\r\nevent 1\nevent 2\n", b"event 3\n"]


def test_close_and_abort_send_what_was_written_first_and_a_large_write_is_not_held() -> None:
    async def scenario() -> list[RecordingTransport]:
        loop = asyncio.get_running_loop()
        closed, aborted, large = RecordingTransport(), RecordingTransport(), RecordingTransport()
        for real, end in ((closed, "close"), (aborted, "abort")):
            held = _CoalescingTransport(real, loop)
            held.write(b"last words")
            getattr(held, end)()
        big = _CoalescingTransport(large, loop)
        big.write(b"x" * _CoalescingTransport.FLUSH_AT)
        assert large.writes == [b"x" * _CoalescingTransport.FLUSH_AT]
        await asyncio.sleep(0)
        return [closed, aborted, large]

    closed, aborted, large = asyncio.run(scenario())
    assert (closed.writes, closed.events) == ([b"last words"], ["close"])
    assert (aborted.writes, aborted.events) == ([b"last words"], ["abort"])
    assert len(large.writes) == 1, "the scheduled flush finds nothing left"
