"""Point the ``openai`` SDK at the fake for one test, wherever the code under test builds its client, then undo it.

Two ways in: ``OPENAI_*`` environment variables (read by ``OpenAI()`` / ``AsyncOpenAI()``) and the attributes the
SDK builds its module-level client from (``openai.beta.threads.create(...)`` without a client). The SDK is
never imported here: if the test imports it, the module client it builds is dropped afterwards.
"""

from __future__ import annotations

import os
import sys
from typing import Any

#: Environment variables the SDK reads that must not leak the developer's real settings into a test.
ENV_REMOVED = ("OPENAI_ORG_ID", "AZURE_OPENAI_AD_TOKEN")
#: ``openai`` module attributes its lazily built module client is made from.
#: ``http_client``: building a module client stores its HTTP client there (a module-level setter), and closing
#: that client after the test would leave every later module client a closed one. ``azure_endpoint`` and
#: ``api_version`` are filled from the environment when a module client is built.
MODULE_ATTRS = (
    "api_key", "base_url", "project", "organization", "api_type", "_client", "http_client", "azure_endpoint",
    "api_version",
)  # fmt: skip


class SdkEnvironment:
    """What :meth:`patch` changed, so that :meth:`restore` can put it back (also when the test failed)."""

    def __init__(self) -> None:
        self._saved_env: dict[str, str | None] = {}
        self._saved_module: dict[str, Any] | None = None

    def patch(self, base_url: str, api_key: str, project: str | None) -> None:
        wanted: dict[str, str | None] = {
            "OPENAI_BASE_URL": base_url,
            "OPENAI_API_KEY": api_key,
            "OPENAI_PROJECT_ID": project,
            # AzureOpenAI() reads these instead (OPENAI_API_VERSION, the user's choice, is left alone).
            "AZURE_OPENAI_ENDPOINT": base_url.removesuffix("/v1"),
            "AZURE_OPENAI_API_KEY": api_key,
            # With both kinds of settings present the SDK's module client needs to be told which it is (as the
            # module attribute ``api_type`` below, for an SDK imported later).
            "OPENAI_API_TYPE": "openai",
            **dict.fromkeys(ENV_REMOVED),
        }
        for name, value in wanted.items():
            self._saved_env[name] = os.environ.get(name)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        sdk = sys.modules.get("openai")
        if sdk is not None:
            self._saved_module = {name: getattr(sdk, name) for name in MODULE_ATTRS if hasattr(sdk, name)}
            patched = {
                "api_key": api_key,
                "base_url": base_url + "/",  # the module client does not add it
                "project": project,
                "organization": None,
                "api_type": "openai",
                "_client": None,
                "http_client": None,
                "azure_endpoint": None,
                "api_version": None,
            }
            for name in self._saved_module:
                setattr(sdk, name, patched[name])

    def restore(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env = {}
        sdk = sys.modules.get("openai")
        if sdk is not None:
            built = getattr(sdk, "_client", None)
            saved = self._saved_module or {}
            if built is not None and built is not saved.get("_client"):
                built.close()  # the module client built during the test talks to this server only
            for name in MODULE_ATTRS:
                if name in saved:
                    setattr(sdk, name, saved[name])
            if self._saved_module is None and hasattr(sdk, "_client"):
                # imported during the test: forget the module client made from the test's environment
                for name in ("_client", "http_client", "azure_endpoint", "api_version"):
                    if hasattr(sdk, name):
                        setattr(sdk, name, None)
        self._saved_module = None
