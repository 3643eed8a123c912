"""Azure OpenAI's request layout, served from the same state as the OpenAI layout.

``AzureOpenAI(azure_endpoint=stub_url, api_key=..., api_version=...)`` sends:

- ``/openai/deployments/{deployment}/chat/completions?api-version=...`` for the deployment endpoints (chat,
  completions, embeddings, audio, images): the deployment name stands in the path, the body keeps ``model``;
- ``/openai/assistants``, ``/openai/threads/...``, ``/openai/files``... for the others (also when the client
  was given ``azure_deployment``);
- ``/openai/v1/...`` with Azure's v1 API (a plain ``OpenAI(base_url=stub_url + "/openai/v1")``);
- the key in an ``api-key`` header instead of ``Authorization: Bearer``.

This ASGI layer, outermost in the app, rewrites such a request into the OpenAI layout before anything else sees
it: ``/v1/...`` without ``api-version``, and ``api-key`` as a bearer key (so the same key is the same project,
whichever client sent it). The journal, faults, cassettes and strict checks then see ``/v1`` paths.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/openai/"
DEPLOYMENTS = "/openai/deployments/"


def openai_path(path: str) -> str | None:
    """The OpenAI-layout path for an Azure-layout ``path``; None when it is not one."""
    if path.startswith(DEPLOYMENTS):
        rest = path[len(DEPLOYMENTS) :].split("/", 1)
        return "/v1/" + rest[1] if len(rest) == 2 and rest[0] and rest[1] else None
    if path.startswith("/openai/v1/"):
        return path[len("/openai") :]
    if path.startswith(PREFIX) and len(path) > len(PREFIX):
        return "/v1/" + path[len(PREFIX) :]
    return None


def without_api_version(query: bytes) -> bytes:
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k != "api-version"]).encode("latin-1")


def bearer_from_api_key(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``api-key: K`` becomes ``authorization: Bearer K`` unless the request already has an authorization."""
    if any(k == b"authorization" for k, _ in headers):
        return headers
    key = next((v for k, v in headers if k == b"api-key"), None)
    if key is None:
        return headers
    return [*((k, v) for k, v in headers if k != b"api-key"), (b"authorization", b"Bearer " + key)]


class AzureLayout:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (path := openai_path(scope["path"])) is not None:
            changed: dict[str, Any] = {
                "path": path,
                "raw_path": path.encode("latin-1"),
                "query_string": without_api_version(scope.get("query_string", b"")),
                "headers": bearer_from_api_key(list(scope["headers"])),
                "mockserver.azure": True,
            }
            scope = {**scope, **changed}
        await self.app(scope, receive, send)
