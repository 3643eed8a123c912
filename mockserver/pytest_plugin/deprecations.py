"""Hide exactly the SDK's Assistants deprecation warnings in tests that use the fake.

The SDK marks every Assistants method deprecated: threads, messages, runs and run steps warn "The Assistants API
is deprecated in favor of the Responses API", the assistants resource warns a bare "deprecated". A suite running
with ``filterwarnings = error`` would fail every such test. A warnings filter only sees a message and a
category, and other SDK resources (files, images, ...) also warn a bare "deprecated": so the filter's message
matcher looks one step up the stack, at the function the SDK's ``@deprecated`` wrapper is about to call, and
matches only the Assistants resource's. Set ``mockserver_assistants_deprecations = show`` to keep them.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from typing import Any

THREADS_MESSAGE = "The Assistants API is deprecated"
#: The SDK module whose functions warn a bare "deprecated" (the assistants resource, sync and async).
ASSISTANTS_MODULE = "openai.resources.beta.assistants"
#: How many frames up from the filter's ``match`` the ``@deprecated`` wrapper may be (it is the first).
_FRAMES = 4


class _NeverIssued(Warning):
    """A category nobody warns with: adding a filter for it is the public way to make new filters take effect."""


class AssistantsDeprecationMatcher:
    """A ``warnings.filters`` message matcher: the filter machinery calls ``match(text)`` while ``warn`` runs."""

    def match(self, text: str) -> bool:
        if text.startswith(THREADS_MESSAGE):
            return True
        if text != "deprecated":
            return False
        frame = sys._getframe(1)
        for _ in range(_FRAMES):
            if frame is None:
                break
            if frame.f_code.co_name == "wrapper":
                wrapped = frame.f_locals.get("arg")
                return str(getattr(wrapped, "__module__", "")).startswith(ASSISTANTS_MODULE)
            frame = frame.f_back  # type: ignore[assignment]
        return False

    def __repr__(self) -> str:
        return "<the openai SDK's Assistants deprecation warnings>"


@contextlib.contextmanager
def hidden_assistants_deprecations() -> Iterator[None]:
    """For the duration: ignore the SDK's Assistants deprecation warnings, and only those (filters restored)."""
    with warnings.catch_warnings():
        filters: Any = warnings.filters  # a matcher stands where the type stubs expect a compiled pattern
        filters.insert(0, ("ignore", AssistantsDeprecationMatcher(), DeprecationWarning, None, 0))
        warnings.filterwarnings("ignore", category=_NeverIssued, append=True)
        yield
