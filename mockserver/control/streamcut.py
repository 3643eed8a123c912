"""Cutting an SSE response after N events, for the ``cut_stream_after`` fault (see ``faults``)."""

from __future__ import annotations


class StreamCutter:
    """Counts SSE frames carrying an ``event:`` or ``data:`` line as a response streams, to cut it after ``after``
    events (Assistants frames carry both; Chat Completions chunks only ``data:``).

    Counting frames in the bytes (rather than hooking the stream generator) makes the cut work for any stream.
    """

    def __init__(self, after: int) -> None:
        self.after = after
        self.count = 0
        self._pending = b""

    def feed(self, chunk: bytes) -> tuple[bytes, bool]:
        """(bytes of ``chunk`` to send, whether to cut the connection after sending them)."""
        if self.count >= self.after:
            return b"", True
        data = self._pending + chunk
        pos = 0
        while True:
            end = data.find(b"\n\n", pos)
            if end < 0:
                break
            frame = data[pos:end]
            pos = end + 2
            if frame.startswith((b"event:", b"data:")) or b"\nevent:" in frame or b"\ndata:" in frame:
                self.count += 1
                if self.count >= self.after:
                    return chunk[: pos - len(self._pending)], True
        self._pending = data[pos:]
        return chunk, False
