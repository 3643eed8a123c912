"""The network guard: while a test uses the fake, an ``openai`` client that would reach the real API fails at once.

A client built with an explicit ``base_url="https://api.openai.com/v1"`` (or an ``AzureOpenAI`` with a real
endpoint) ignores ``OPENAI_BASE_URL``: without the guard that test would spend real money, or hang on the
network. The guard wraps the SDK's request builder (every request, sync and async, Azure included, passes
through it before anything is sent) and raises :class:`NetworkGuardError`, which the SDK does not retry.
Only real OpenAI hosts are refused: other local servers, and the recording proxy's own upstream traffic (it
does not go through the SDK), are untouched. Off: ``mockserver_network_guard = false``.
"""

from __future__ import annotations

import sys
from typing import Any

#: Hosts that are the real API: OpenAI's own and Azure OpenAI's.
REAL_HOST_SUFFIXES = (".openai.com", ".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com")
REAL_HOSTS = ("openai.com",)


class NetworkGuardError(RuntimeError):
    """An SDK request to the real OpenAI API during a test that uses mockserver."""


def is_real_api(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host in REAL_HOSTS or host.endswith(REAL_HOST_SUFFIXES)


class NetworkGuard:
    """Installs the check while a test runs and removes it afterwards (only if ``openai`` is imported)."""

    def __init__(self, fake_url: str) -> None:
        self.fake_url = fake_url
        self._original: Any = None
        self._owner: Any = None

    def install(self) -> None:
        module = sys.modules.get("openai._base_client")
        owner = getattr(module, "BaseClient", None)
        if owner is None or self._original is not None:
            return
        original = owner.__dict__["_build_request"]
        fake_url = self.fake_url

        def _build_request(client: Any, *args: Any, **kwargs: Any) -> Any:
            request = original(client, *args, **kwargs)
            host = str(request.url.host)
            if is_real_api(host):
                raise NetworkGuardError(
                    f"mockserver network guard: this test uses the fake OpenAI API ({fake_url}/v1), but an openai "
                    f"client is about to send {request.method} {request.url} to the real API. The client was "
                    "probably built with an explicit base_url or azure_endpoint: build it without one (the plugin "
                    "sets OPENAI_BASE_URL), or use the openai_client fixture / mockserver.client(). To allow real "
                    "traffic in this suite: `mockserver_network_guard = false` in the ini file."
                )
            return request

        _build_request.__wrapped__ = original  # type: ignore[attr-defined]
        owner._build_request = _build_request
        self._original, self._owner = original, owner

    def remove(self) -> None:
        if self._original is not None:
            self._owner._build_request = self._original
        self._original = self._owner = None
