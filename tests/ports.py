"""A dead upstream that stays dead: for tests of what happens when nothing answers."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator


@contextlib.contextmanager
def refused_base_url() -> Iterator[str]:
    """``http://127.0.0.1:PORT/v1`` where a connection is refused for as long as the block runs.

    The port is bound but not listening: connecting is refused, and the port cannot be handed to another server
    meanwhile. (A port freed by stopping a server can: the next server started with port 0, even the recorder
    that is meant to forward to the dead one, may get it, and then forwards to itself.)
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        sock.close()
