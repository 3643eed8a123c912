"""``PrefixRouter`` dispatches exactly as Starlette's router would over the same routes (the full match, else the
405 of a partial one, else the 404), while trying only the routes of the path's first two segments."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, Router
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.routing import PrefixRouter
from mockserver.store import Store

#: The app's own route table, each endpoint answering with its position: which route served a request is visible.
APP_ROUTES = [r for r in create_app(Store()).routes if isinstance(r, Route)]


def _endpoint(index: int) -> Any:
    async def endpoint(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"{index} {sorted(request.path_params.items())}")

    return endpoint


def _client(router_type: type[Router]) -> TestClient:
    routes = [Route(r.path, _endpoint(i), methods=sorted(r.methods or ())) for i, r in enumerate(APP_ROUTES)]
    app = Starlette()
    app.router = router_type(routes, redirect_slashes=False)
    return TestClient(app)


LINEAR, PREFIXED = _client(Router), _client(PrefixRouter)
SEGMENTS = [*sorted({s for r in APP_ROUTES for s in r.path.split("/") if s and "{" not in s}), "x", "thread_1", ""]


@st.composite
def paths(draw: st.DrawFn) -> str:
    if draw(st.booleans()):  # a served path, its parameters filled in
        template = draw(st.sampled_from(APP_ROUTES)).path
        parts = [draw(st.sampled_from(SEGMENTS)) if "{" in p else p for p in template.split("/")]
        return "/".join(parts) + draw(st.sampled_from(["", "/", "/x"]))
    return "/" + "/".join(draw(st.lists(st.sampled_from(SEGMENTS), max_size=5)))


@settings(max_examples=400, deadline=None)
@given(method=st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH"]), path=paths())
def test_the_prefix_router_picks_what_the_linear_router_picks(method: str, path: str) -> None:
    url = "http://testserver" + path  # absolute: a relative URL may not start with "//"
    expected, got = LINEAR.request(method, url), PREFIXED.request(method, url)
    assert (got.status_code, got.text) == (expected.status_code, expected.text)
    if got.status_code == 405:  # every method the path is served with (Starlette names only the first route's)
        served = {m for r in APP_ROUTES if r.path_regex.match(path) for m in r.methods or ()}
        assert got.headers["allow"] == ", ".join(sorted(served))


def test_every_route_is_reachable_and_a_wrong_method_is_a_405_with_allow() -> None:
    api = TestClient(create_app(Store()), headers={"Authorization": "Bearer sk-r", "OpenAI-Beta": "assistants=v2"})
    assert api.get("/v1/models").status_code == 200
    wrong = api.delete("/v1/models")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, HEAD"
    wrong = api.put("/v1/assistants/asst_x")  # three routes serve this path: the 405 names all their methods
    assert wrong.status_code == 405 and wrong.headers["allow"] == "DELETE, GET, HEAD, POST"
    unknown = api.get("/v1/nothing/here")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_url"
    for route in APP_ROUTES:
        filled = "/".join("x" if "{" in part else part for part in route.path.split("/"))
        method = sorted(route.methods or {"GET"})[0]
        answer = PREFIXED.request(method, filled)
        assert answer.status_code == 200 and answer.text == LINEAR.request(method, filled).text, route.path
