"""Runs and run steps: ``/v1/threads/{thread_id}/runs/**`` and ``POST /v1/threads/runs`` (create and run)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.surfaces.assistants.routes.streaming import sse_response
from mockserver.surfaces.http import JSONResponse, api_context, json_body, query_params


def run_response(request: Request, run: dict[str, Any]) -> Response:
    """A run as JSON, with ``openai-poll-after-ms`` so the SDK's poll helpers barely sleep between reads."""
    return JSONResponse(run, headers={"openai-poll-after-ms": str(request.app.state.config.poll_after_ms)})


def include_values(request: Request) -> list[str]:
    return [*request.query_params.getlist("include[]"), *request.query_params.getlist("include")]


async def create_run(request: Request) -> Response:
    store, project = api_context(request)
    thread_id = request.path_params["thread_id"]
    body = await json_body(request, lambda: store.assistants.get_thread(project, thread_id))
    if body.get("stream") is True:
        return sse_response(
            store, project, store.assistants.create_run_stream(project, thread_id, body, include_values(request))
        )
    return run_response(request, store.assistants.create_run(project, thread_id, body, include_values(request)))


async def create_thread_and_run(request: Request) -> Response:
    store, project = api_context(request)
    body = await json_body(request)
    if body.get("stream") is True:
        return sse_response(store, project, store.assistants.create_thread_and_run_stream(project, body))
    return run_response(request, store.assistants.create_thread_and_run(project, body))


async def list_runs(request: Request) -> Response:
    store, project = api_context(request)
    return JSONResponse(store.assistants.list_runs(project, request.path_params["thread_id"], query_params(request)))


async def retrieve_run(request: Request) -> Response:
    store, project = api_context(request)
    p = request.path_params
    return run_response(request, store.assistants.get_run(project, p["thread_id"], p["run_id"]))


async def modify_run(request: Request) -> Response:
    store, project = api_context(request)
    p = request.path_params
    body = await json_body(request, lambda: store.assistants.check_run(project, p["thread_id"], p["run_id"]))
    return run_response(request, store.assistants.modify_run(project, p["thread_id"], p["run_id"], body))


async def cancel_run(request: Request) -> Response:
    store, project = api_context(request)
    p = request.path_params
    return run_response(request, store.assistants.cancel_run(project, p["thread_id"], p["run_id"]))


async def submit_tool_outputs(request: Request) -> Response:
    store, project = api_context(request)
    p = request.path_params
    body = await json_body(request, lambda: store.assistants.check_run(project, p["thread_id"], p["run_id"]))
    if body.get("stream") is True:
        return sse_response(
            store, project, store.assistants.submit_tool_outputs_stream(project, p["thread_id"], p["run_id"], body)
        )
    return run_response(request, store.assistants.submit_tool_outputs(project, p["thread_id"], p["run_id"], body))


async def list_steps(request: Request) -> Response:
    store, project = api_context(request)
    p = request.path_params
    query = query_params(request)
    return JSONResponse(
        store.assistants.list_run_steps(project, p["thread_id"], p["run_id"], query, include_values(request))
    )


async def retrieve_step(request: Request) -> Response:
    store, project = api_context(request)
    p = request.path_params
    step = store.assistants.get_run_step(project, p["thread_id"], p["run_id"], p["step_id"], include_values(request))
    return JSONResponse(step)


#: ``POST /v1/threads/runs`` must be listed before ``/v1/threads/{thread_id}`` (it would match as a thread id).
create_and_run_routes = [Route("/v1/threads/runs", create_thread_and_run, methods=["POST"])]

routes = [
    Route("/v1/threads/{thread_id}/runs", create_run, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs", list_runs, methods=["GET"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}", retrieve_run, methods=["GET"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}", modify_run, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}/cancel", cancel_run, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs", submit_tool_outputs, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}/steps", list_steps, methods=["GET"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}", retrieve_step, methods=["GET"]),
]
