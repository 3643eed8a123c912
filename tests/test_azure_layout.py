"""Azure OpenAI's request layout (/openai/..., api-version, api-key) served from the same state (issue 16, item 11)."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest

from mockserver import MockServer
from mockserver.azure import bearer_from_api_key, openai_path, without_api_version

from .clients import tracked

API_VERSION = "2024-10-21"


def azure(server: MockServer, **kwargs: Any) -> openai.AzureOpenAI:
    client = openai.AzureOpenAI(
        azure_endpoint=server.url, api_key="sk-azure", api_version=API_VERSION, max_retries=0,
        _strict_response_validation=True, **kwargs,
    )  # fmt: skip
    return tracked(client)


@pytest.mark.parametrize(
    ("azure_path", "expected"),
    [
        ("/openai/threads/thread_1/messages", "/v1/threads/thread_1/messages"),
        ("/openai/deployments/my-gpt/chat/completions", "/v1/chat/completions"),
        ("/openai/v1/responses", "/v1/responses"),
        ("/openai/assistants", "/v1/assistants"),
        ("/openai/", None),
        ("/openai/deployments/", None),
        ("/v1/threads", None),
    ],
)
def test_azure_paths_map_onto_openai_paths(azure_path: str, expected: str | None) -> None:
    assert openai_path(azure_path) == expected


def test_api_version_is_dropped_and_api_key_becomes_a_bearer_key() -> None:
    assert without_api_version(b"api-version=2024-10-21&limit=2") == b"limit=2"
    assert bearer_from_api_key([(b"api-key", b"k")]) == [(b"authorization", b"Bearer k")]
    kept = [(b"authorization", b"Bearer ad-token"), (b"api-key", b"k")]
    assert bearer_from_api_key(kept) == kept


def test_the_azure_sdk_client_shares_state_with_the_openai_one(fresh_server: MockServer) -> None:
    client = azure(fresh_server)
    assistant = client.beta.assistants.create(model="gpt-4o", name="Azure bot")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello from Azure"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    same_key = tracked(fresh_server.client(api_key="sk-azure"))
    assert same_key.beta.threads.messages.list(thread_id=thread.id).data[-1].content[0].text.value == (
        "Hello from Azure"
    )
    entry = fresh_server.requests(method="POST", path="/v1/threads")[0]
    assert "api-version" not in entry.query and entry.project == "sk-azure"


def test_a_client_with_a_deployment_and_the_deployment_endpoints(fresh_server: MockServer) -> None:
    client = azure(fresh_server, azure_deployment="my-gpt")
    assert client.beta.threads.create().id.startswith("thread_")  # not a deployment endpoint: /openai/threads
    completion = client.chat.completions.create(model="my-gpt", messages=[{"role": "user", "content": "Hi"}])
    assert completion.model == "my-gpt" and completion.choices[0].message.content
    assert fresh_server.requests(method="POST")[-1].path == "/v1/chat/completions"


def test_a_wrong_azure_key_is_the_real_401(fresh_server: MockServer) -> None:
    with (
        MockServer(config=fresh_server.config.__class__(api_key="sk-right")) as locked,
        pytest.raises(openai.AuthenticationError),
    ):
        azure(locked).beta.threads.create()


def test_the_async_azure_client(fresh_server: MockServer) -> None:
    async def go() -> str:
        async with openai.AsyncAzureOpenAI(
            azure_endpoint=fresh_server.url, api_key="sk-azure", api_version=API_VERSION, max_retries=0
        ) as client:
            thread = await client.beta.threads.create()
            return thread.id

    assert asyncio.run(go()).startswith("thread_")


def test_the_plugin_points_azure_clients_built_from_the_environment_at_the_fake(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import openai

        def test_azure_from_env(mockserver, monkeypatch):
            monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
            with openai.AzureOpenAI(max_retries=0) as client:
                thread = client.beta.threads.create()
            assert mockserver.last_request(method="POST").path == "/v1/threads"
            assert mockserver.last_request().project == mockserver.project
        """
    )
    inner.runpytest().assert_outcomes(passed=1)
