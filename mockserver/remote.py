"""Drive a mockserver running in another process (``mockserver serve``, a container) through its control API.

``MockServer.connect(url)`` returns a :class:`RemoteServer` offering the control operations from Python.
Stdlib only (urllib), so talking to a remote stub adds no dependency::

    server = MockServer.connect("http://127.0.0.1:8000")
    server.add_fault(method="POST", path="/v1/threads", status=429, times=2)
    server.requests(method="POST")
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

DEFAULT_TIMEOUT = 30.0


class RemoteError(RuntimeError):
    """The control API answered with an error (``status``, and the OpenAI-shaped ``error`` object)."""

    def __init__(self, status: int, error: dict[str, Any], method: str, path: str) -> None:
        super().__init__(f"{method} {path} -> {status}: {error.get('message', error)}")
        self.status, self.error = status, error


class StubUnreachableError(ConnectionError):
    """Nothing answered at the stub's address (not started, stopped, wrong port, timed out)."""


class RemoteServer:
    """The control API of a running stub. ``project`` given here is the default for project-scoped calls."""

    def __init__(
        self, url: str, *, project: str | None = None, timeout: float = DEFAULT_TIMEOUT, token: str | None = None
    ) -> None:
        self.url = url.rstrip("/")
        if self.url.endswith("/v1"):
            self.url = self.url[:-3]
        self.project, self.timeout = project, timeout
        #: Sent as ``X-Mockserver-Token`` (needed off loopback or with ``--api-key``); default from the environment.
        self.token = token if token is not None else os.environ.get("MOCKSERVER_CONTROL_TOKEN")

    @property
    def base_url(self) -> str:
        """What ``OpenAI(base_url=...)`` wants."""
        return self.url + "/v1"

    def client(self, api_key: str = "sk-mockserver", **kwargs: Any) -> Any:
        """An ``openai.OpenAI`` bound to the stub, retries off (``openai`` is imported only here)."""
        import openai

        kwargs.setdefault("max_retries", 0)
        return openai.OpenAI(api_key=api_key, base_url=self.base_url, **kwargs)

    # -- transport ------------------------------------------------------------------------------------------

    def _call(self, verb: str, path: str, body: Any = None, /, *, project: str | None = None, **query: Any) -> Any:
        raw, status = self._send(verb, path, body, project=project, **query)
        try:
            return json.loads(raw or b"null")
        except ValueError:  # e.g. another service on that port
            message = f"not a mockserver control API answer: {raw[:200].decode('utf-8', 'replace')!r}"
            raise RemoteError(status, {"message": message}, verb, path) from None

    def _send(
        self, verb: str, path: str, body: Any = None, /, *, project: str | None = None, **query: Any
    ) -> tuple[bytes, int]:
        """One control request: the raw answer and its status; errors raised as :class:`RemoteError`."""
        project = project if project is not None else self.project
        params = {k: str(v) for k, v in query.items() if v is not None}
        if project is not None:
            params["project"] = project
        target = f"{self.url}/__mock__/{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(target, data=data, method=verb)
        if data is not None or verb in ("POST", "PUT"):
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("X-Mockserver-Token", self.token)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw, status = response.read(), response.status
        except urllib.error.HTTPError as exc:
            with exc:  # closes the connection behind the error response
                raw = exc.read()
            try:
                error = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                error = {"message": raw.decode("utf-8", "replace")}
            raise RemoteError(exc.code, error, verb, path) from None
        except (urllib.error.URLError, OSError) as exc:  # refused, reset, timed out: say where we looked
            reason = getattr(exc, "reason", exc)
            raise StubUnreachableError(f"cannot reach mockserver at {target.split('?')[0]}: {reason}") from exc
        return raw, status

    # -- operations (mirroring the control endpoints) ---------------------------------------------------------

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "health")
        return result

    def reset(self, project: str | None = None) -> None:
        """Return one project (or, with no project here or on the connection, every project) to the baseline."""
        self._call("POST", "reset", project=project)

    def export_state(self, project: str | None = None) -> dict[str, Any]:
        """One project's scenario document, or (no project) the whole state document."""
        result: dict[str, Any] = self._call("GET", "state", project=project)
        return result

    def import_state(self, document: dict[str, Any], project: str | None = None) -> list[str]:
        result: list[str] = self._call("POST", "state", document, project=project)["projects"]
        return result

    def save(self) -> dict[str, Any]:
        """Write the server's state file now (the server must run with ``--state-file``)."""
        result: dict[str, Any] = self._call("POST", "state/save")
        return result

    def load_scenario(
        self,
        name: str | None = None,
        *,
        document: dict[str, Any] | None = None,
        fixtures_dir: str | None = None,
        reset: bool = False,
        project: str | None = None,
    ) -> None:
        """Apply a scenario file (``name``: a name in the server's fixtures directory) or an inline ``document``.

        ``fixtures_dir`` is refused by the server (a remote caller may not choose which directory it reads);
        it is kept so that the error says so.

        With a project it is applied to that project; without one it becomes every project's baseline.
        """
        body: dict[str, Any] = {"name": name} if document is None else {"document": document}
        if fixtures_dir is not None:
            body["fixtures_dir"] = fixtures_dir
        if reset:
            body["reset"] = True
        self._call("POST", "scenario", body, project=project)

    def requests(self, project: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Journal entries as dicts; filters: method, path, path_contains, status, since, limit."""
        result: list[dict[str, Any]] = self._call("GET", "requests", project=project, **filters)["data"]
        return result

    def clear_requests(self, project: str | None = None) -> None:
        self._call("DELETE", "requests", project=project)

    def file_content(self, file_id: str, project: str | None = None) -> bytes:
        """The bytes of a file of the project, whatever its purpose (``assistants`` files included)."""
        raw, _ = self._send("GET", f"files/{urllib.parse.quote(file_id, safe='')}/content", project=project)
        return raw

    def now(self, project: str | None = None) -> Any:
        """The project's clock (Unix seconds), or ``{project: now}`` for every project."""
        result = self._call("GET", "clock", project=project)
        return result["now"] if "now" in result else result["projects"]

    def set_clock(self, when: int, project: str | None = None) -> Any:
        result = self._call("POST", "clock", {"set": when}, project=project)
        return result["now"] if "now" in result else result["projects"]

    def advance_clock(self, seconds: int, project: str | None = None) -> Any:
        result = self._call("POST", "clock", {"advance": seconds}, project=project)
        return result["now"] if "now" in result else result["projects"]

    def add_faults(self, faults: list[dict[str, Any]], project: str | None = None) -> list[dict[str, Any]]:
        """Schedule faults (see docs/stub.md); without a project they apply to every project."""
        result: list[dict[str, Any]] = self._call("POST", "faults", {"faults": faults}, project=project)["data"]
        return result

    def add_fault(self, project: str | None = None, **fault: Any) -> dict[str, Any]:
        """One fault from keyword arguments: ``add_fault(path="/v1/threads", status=429, times=2)``."""
        return self.add_faults([fault], project=project)[0]

    def faults(self, project: str | None = None) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "faults", project=project)["data"]
        return result

    def clear_faults(self, project: str | None = None) -> int:
        removed: int = self._call("DELETE", "faults", project=project)["removed"]
        return removed

    def add_rules(self, rules: list[dict[str, Any]], project: str | None = None) -> list[dict[str, Any]]:
        """Script rules for the scripted model (docs/runs.md); without a project they apply to every project."""
        result: list[dict[str, Any]] = self._call("POST", "script", {"rules": rules}, project=project)["rules"]
        return result

    def add_rule(self, project: str | None = None, **rule: Any) -> dict[str, Any]:
        return self.add_rules([rule], project=project)[0]

    def rules(self, project: str | None = None) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "script", project=project)["rules"]
        return result

    def script_misses(self, project: str | None = None) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "script", project=project)["misses"]
        return result

    def clear_rules(self, project: str | None = None) -> None:
        self._call("DELETE", "script", project=project)

    def run_settings(self, project: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "runs/settings", project=project)
        return result

    def configure_runs(self, project: str | None = None, **settings: Any) -> dict[str, Any]:
        """How runs progress and stream, e.g. ``configure_runs(progress="on_clock")`` (docs/runs.md)."""
        result: dict[str, Any] = self._call("POST", "runs/settings", settings, project=project)
        return result

    def server_errors(self) -> list[dict[str, Any]]:
        """Unexpected exceptions the server hit (bugs in the fake), with tracebacks."""
        result: list[dict[str, Any]] = self._call("GET", "errors")["data"]
        return result


def connect(
    url: str, *, project: str | None = None, timeout: float = DEFAULT_TIMEOUT, token: str | None = None
) -> RemoteServer:
    """A handle on the stub at ``url`` (``http://host:port``, with or without ``/v1``). Checks it answers."""
    server = RemoteServer(url, project=project, timeout=timeout, token=token)
    server.health()
    return server
