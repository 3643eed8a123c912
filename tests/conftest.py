"""Fixtures shared by the project's own tests (the pytest plugin's fixtures are tested separately)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.app import create_app
from mockserver.store import Store

from .clients import close_tracked
from .pytester_support import inner_ini, warm_sdk_imports

# No timing assertions, hypothesis's included: its default 200 ms deadline per example fails tests on a loaded
# machine (a 2-core CI runner with xdist workers), which says nothing about the code.
settings.register_profile("mockserver", deadline=None)
settings.load_profile("mockserver")

API_KEY = "sk-test-key"
HEADERS = {"Authorization": f"Bearer {API_KEY}", "OpenAI-Beta": "assistants=v2"}
#: The official schema lives beside the checkout (../shared), not in it: it is the project's reference
#: material, shared read-only between sessions and CI, not something this repository ships or edits.
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture(autouse=True)
def _close_tracked_clients() -> Iterator[None]:
    """Close the SDK clients a test registered with ``tests.clients.tracked``."""
    yield
    close_tracked()


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def api(store: Store) -> Iterator[TestClient]:
    """In-process HTTP client over a fresh app, sending a key and the beta header by default."""
    with TestClient(create_app(store), headers=HEADERS, raise_server_exceptions=True) as client:
        yield client


@pytest.fixture(scope="session")
def live_server() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture
def fresh_server(live_server: MockServer) -> MockServer:
    live_server.reset()
    return live_server


@pytest.fixture
def sdk(fresh_server: MockServer) -> Iterator[Any]:
    """The real ``openai.OpenAI`` client, strict response validation on, against a fresh server."""
    client = fresh_server.client(api_key=API_KEY, _strict_response_validation=True)
    yield client
    client.close()


@pytest.fixture
def async_sdk(fresh_server: MockServer) -> Iterator[Any]:
    """The real ``openai.AsyncOpenAI`` client (strict validation); close it inside the test's event loop."""
    client = fresh_server.async_client(api_key=API_KEY, _strict_response_validation=True)
    yield client
    if not client.is_closed():
        asyncio.run(client.close())


@pytest.fixture(scope="module")
def warm_imports() -> None:
    """For plugin test modules (``pytestmark = pytest.mark.usefixtures("warm_imports")``): see warm_sdk_imports."""
    warm_sdk_imports()


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    """pytester with the inner runs' shared ini written."""
    pytester.makeini(inner_ini())
    return pytester
