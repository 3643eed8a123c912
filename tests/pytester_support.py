"""What the plugin tests' inner pytest runs share: their ini file and the import warm-up.

``tests/conftest.py`` turns them into the ``inner`` and ``warm_imports`` fixtures.
"""

from __future__ import annotations

import asyncio

#: Inner runs fail on any warning, like this suite, minus the SDK's deprecation notices and the re-import of the
#: already imported plugin by in-process runs. ``{extra}`` adds lines (more ini options).
INNER_INI = """
[pytest]
addopts = {addopts}
filterwarnings =
    error
    ignore:The Assistants API is deprecated:DeprecationWarning
    ignore:deprecated$:DeprecationWarning
    ignore::pytest.PytestAssertRewriteWarning
{extra}
"""


def inner_ini(extra: str = "", addopts: str = "-p no:randomly -p no:hypothesispytest") -> str:
    return INNER_INI.format(extra=extra, addopts=addopts)


def warm_sdk_imports() -> None:
    """Import what inner runs use, out here: pytester unloads modules an inner run imported first, so each run
    would import (and assertion-rewrite) the SDK's ~1,000 lazily loaded modules again."""
    from mockserver import MockServer

    async def use_async(server: MockServer) -> None:
        async with server.async_client() as client:
            await client.beta.threads.create()

    with MockServer() as server, server.client() as client:
        client.beta.threads.messages.list(thread_id=client.beta.threads.create().id)
        assistant = client.beta.assistants.create(model="gpt-4o")
        client.beta.threads.create_and_run_poll(assistant_id=assistant.id, thread={})
        asyncio.run(use_async(server))
