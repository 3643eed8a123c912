"""The inspector in a real browser: Debian's Chromium driven by Playwright's Python API (marker ``browser``).

Playwright rather than Selenium: one pip package (no chromedriver whose version must match the browser), it
reports console errors and page exceptions as events, intercepts requests to stand up a page of another origin
without a second server, and waits on page state instead of sleeping. It never downloads a browser here:
``executable_path`` points at the system's Chromium, started with the flags a closed network needs.

Without Chromium (or Playwright) these tests skip, except under ``CI=true``, where that is a failure. Set
``UPDATE_SCREENSHOTS=1`` to rewrite docs/inspector.png (the README's picture) from :func:`test_readme_screenshot`.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver import MockServer
from mockserver.core.errors import mask_key

from .clients import tracked

pytestmark = pytest.mark.browser

#: Headless, no sandbox (CI runs as root), and nothing that phones home: the network here is closed.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "docs" / "inspector.png"
WEATHER_RULE: dict[str, Any] = {
    "name": "weather",
    "match": {"contains": "weather"},
    "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
    "then": [{"text": "It is 21 °C and sunny in Paris."}],
}
WEATHER_TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
}


def _chromium() -> str | None:
    """``MOCKSERVER_CHROMIUM`` when set (and only it), else Debian's ``chromium``."""
    chosen = os.environ.get("MOCKSERVER_CHROMIUM")
    candidates = [chosen] if chosen is not None else [shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    path = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    problem = (
        "Playwright is not installed (pip install -e '.[test]')"
        if sync_playwright is None
        else "no Chromium found (apt-get install chromium, or set MOCKSERVER_CHROMIUM)"
        if path is None
        else None
    )
    if problem is not None:
        if in_ci:
            pytest.fail(f"browser tests must run in CI: {problem}")
        pytest.skip(problem)
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(fixtures_dir=ROOT / "fixtures") as s:
        yield s


class UI:
    """A page of the inspector, the project this test uses, and every console error the page logged."""

    def __init__(self, server: MockServer, page: Any, project: str) -> None:
        self.server, self.page, self.project = server, page, project
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.sdk = tracked(server.client(api_key=project, _strict_response_validation=True))

    def open(self, view: str = "browse", target: str = "") -> None:
        self.page.goto(f"{self.server.url}/__mock__/ui#/p/{self.project}/{view}{'/' + target if target else ''}")

    def weather_run(self) -> tuple[Any, Any]:
        self.server.add_rule(project=self.project, **WEATHER_RULE)
        assistant = self.sdk.beta.assistants.create(model="gpt-4o", name="Forecaster", tools=[WEATHER_TOOL])
        thread = self.sdk.beta.threads.create(messages=[{"role": "user", "content": "What's the weather in Paris?"}])
        run = self.sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        calls = run.required_action.submit_tool_outputs.tool_calls
        outputs = [{"tool_call_id": call.id, "output": '{"temp_c": 21}'} for call in calls]
        run = self.sdk.beta.threads.runs.submit_tool_outputs_and_poll(
            thread_id=thread.id, run_id=run.id, tool_outputs=outputs
        )
        return thread, run


@pytest.fixture
def ui(browser: Any, server: MockServer, request: pytest.FixtureRequest) -> Iterator[UI]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    view = UI(server, page, f"sk-{request.node.name.replace('_', '-')[:40]}")
    yield view
    context.close()
    assert view.errors == [], "the page logged console errors"


def test_the_page_loads_without_console_errors(ui: UI) -> None:
    from playwright.sync_api import expect

    ui.sdk.beta.threads.create()
    ui.open()
    expect(ui.page.locator("#project")).to_have_value(ui.project)
    expect(ui.page.locator("#detail h2")).to_have_text(f"Project {ui.project}")
    for view in ("journal", "model", "controls", "browse"):
        ui.page.click(f"#tab-{view}")
        expect(ui.page.locator(f"#view-{view}")).to_be_visible()


def test_a_thread_created_through_the_sdk_appears_with_its_messages(ui: UI) -> None:
    from playwright.sync_api import expect

    ui.open()  # before the project exists: the page shows it once its first request arrives
    expect(ui.page.locator("#live")).to_have_attribute("data-state", "live")
    thread = ui.sdk.beta.threads.create(
        messages=[{"role": "user", "content": "Hello inspector"}, {"role": "assistant", "content": "Hi there"}]
    )
    ui.page.locator("#objects").get_by_text(thread.id).click()
    expect(ui.page.locator("#detail h2").first).to_have_text(f"Thread {thread.id}")
    expect(ui.page.locator("#detail .card .msg-text")).to_have_text(["Hello inspector", "Hi there"])
    message = ui.sdk.beta.threads.messages.list(thread_id=thread.id, order="asc").data[0]
    ui.page.locator(f'[data-id="{message.id}"] details.json summary').click()
    expect(ui.page.locator(f'[data-id="{message.id}"] pre.json')).to_contain_text('"object": "thread.message"')


def test_a_runs_steps_and_tool_calls_show(ui: UI) -> None:
    from playwright.sync_api import expect

    _, run = ui.weather_run()
    ui.open("browse", run.id)  # a deep link to the run: its thread, with the run highlighted
    card = ui.page.locator(f'.card[data-id="{run.id}"]')
    expect(card).to_have_class("card target")
    expect(card.locator(".badge").first).to_have_text("completed")
    expect(card).to_contain_text("answered by")
    expect(card).to_contain_text("rule weather")
    expect(card.locator(".tool")).to_contain_text("get_weather()")
    expect(card.locator(".tool")).to_contain_text('{"city":"Paris"}')
    expect(card.locator(".tool")).to_contain_text('{"temp_c": 21}')
    expect(card.locator(".timeline li")).to_have_count(7)
    expect(card).to_contain_text(f"{run.usage.total_tokens}")
    expect(ui.page.locator("#detail")).to_contain_text("It is 21 °C and sunny in Paris.")
    ui.page.click("#tab-model")
    expect(ui.page.locator("#view-model")).to_contain_text(run.id)


def test_sections_the_page_has_no_view_for_show_as_json(ui: UI) -> None:
    from playwright.sync_api import expect

    upload = ui.sdk.files.create(file=("notes.txt", b"hello world", "text/plain"), purpose="assistants")
    store = ui.sdk.vector_stores.create(name="docs", file_ids=[upload.id])
    ui.open()
    nav = ui.page.locator("#objects")
    expect(nav.locator("h2")).to_contain_text(["Threads (0)", "Assistants (0)", "files (1)", "vector stores (1)"])
    nav.get_by_text(store.id).click()
    expect(ui.page.locator("#detail h2")).to_have_text(store.id)
    expect(ui.page.locator("#detail")).to_contain_text('"name": "docs"')
    ui.page.locator("#detail details.json summary").click()
    expect(ui.page.locator("#detail details.json pre")).to_contain_text('"object": "vector_store"')


def test_a_request_made_by_the_sdk_appears_in_the_live_journal_within_a_second(ui: UI) -> None:
    from playwright.sync_api import expect

    ui.sdk.beta.threads.create()
    ui.open("journal")
    expect(ui.page.locator("#live")).to_have_attribute("data-state", "live")
    rows = ui.page.locator("#journal tbody tr")
    expect(rows).to_have_count(1)
    thread = ui.sdk.beta.threads.create(metadata={"from": "sdk"})
    row = rows.nth(1)
    expect(row).to_contain_text("POST", timeout=1000)
    expect(row).to_contain_text("/v1/threads")
    row.click()
    detail = ui.page.locator("#request-detail")
    expect(detail).to_contain_text('"from": "sdk"')
    detail.get_by_text("Headers (credentials masked)").click()
    authorization = detail.locator("tr", has_text="authorization")
    expect(authorization).to_have_text(f"authorizationBearer {mask_key(ui.project)}")
    # Filters: only 404s of this project.
    ui.page.fill("#journal-filters input[name=status]", "404")
    ui.page.press("#journal-filters input[name=status]", "Enter")
    expect(rows).to_have_count(0)
    with pytest.raises(Exception, match="404"):
        ui.sdk.beta.threads.retrieve(thread.id + "x")
    expect(rows).to_have_count(1, timeout=1000)


def test_reset_and_clock_controls_work(ui: UI) -> None:
    from playwright.sync_api import expect

    ui.sdk.beta.threads.create()
    before = ui.server.store.now(ui.project)
    ui.open("controls")
    ui.page.fill("#advance-seconds", "3600")
    ui.page.click("#advance")
    expect(ui.page.locator("#notice")).to_have_text("Clock advanced.")
    assert ui.server.store.now(ui.project) == before + 3600
    expect(ui.page.locator("#clock")).to_have_text("2025-01-01T01:00:00Z")
    ui.page.fill("#set-time", "")
    ui.page.click("#set-clock")  # an empty field is refused on the page, not sent as 0 (1970)
    expect(ui.page.locator("#notice")).to_contain_text("whole number of seconds")
    assert ui.server.store.now(ui.project) == before + 3600
    ui.page.fill("#set-time", str(before + 86_400))
    ui.page.click("#set-clock")
    expect(ui.page.locator("#clock")).to_have_text("2025-01-02T00:00:00Z")
    with ui.page.expect_download() as info:
        ui.page.click("#download")
    assert info.value.suggested_filename == f"{ui.project}.scenario.json"
    downloaded = json.loads(Path(info.value.path()).read_text())
    assert downloaded == ui.server.export(ui.project) and downloaded["clock"] == before + 86_400
    ui.page.click("#reset")
    expect(ui.page.locator("#notice")).to_have_text(f"Reset {ui.project}.")
    assert ui.server.export(ui.project).get("threads", []) == []
    assert ui.server.store.now(ui.project) == before


def test_scenario_and_fault_controls(ui: UI) -> None:
    from playwright.sync_api import expect

    ui.sdk.beta.threads.create()
    ui.open("controls")
    ui.page.select_option("#scenario-name", "long_conversation")
    ui.page.click("#load-scenario")
    expect(ui.page.locator("#notice")).to_have_text("Scenario loaded.")
    assert [t["id"] for t in ui.server.export(ui.project)["threads"]] == ["thread_LongConversation00000000"]
    ui.page.fill("#fault-json", '{"method": "POST", "path": "/v1/threads", "status": 503, "times": 1}')
    ui.page.click("#add-fault")
    expect(ui.page.locator("#faults tr")).to_have_count(2)
    expect(ui.page.locator("#faults")).to_contain_text("status 503")
    assert [f["status"] for f in ui.server.faults(ui.project)] == [503]
    ui.page.fill("#fault-json", '{"status": 7}')
    ui.page.click("#add-fault")
    expect(ui.page.locator("#notice")).to_contain_text("status")  # the control plane's own error, shown
    expect(ui.page.locator("#notice")).to_have_class("notice error")
    ui.page.click("#clear-faults")
    expect(ui.page.locator("#faults")).to_have_text("No faults.")
    assert ui.server.faults(ui.project) == []
    ui.errors.clear()  # the refused fault is a 400 the browser logs


def test_a_control_token_in_the_fragment_is_sent_as_a_header_and_leaves_the_url(ui: UI) -> None:
    from playwright.sync_api import expect

    ui.sdk.beta.threads.create()
    sent: list[str | None] = []
    ui.page.on("request", lambda r: sent.append(r.headers.get("x-mockserver-token")) if "/api/" in r.url else None)
    ui.page.goto(f"{ui.server.url}/__mock__/ui#token=s3cret")
    expect(ui.page.locator("#live")).to_have_attribute("data-state", "live")
    assert "s3cret" not in ui.page.url
    assert sent and set(sent) == {"s3cret"}


def test_controls_are_refused_cross_origin(ui: UI) -> None:
    thread = ui.sdk.beta.threads.create()
    before = ui.server.store.now(ui.project)
    with _other_site() as evil:  # a page of another origin on this machine (so the browser lets it try)
        ui.page.goto(evil)
        outcomes = _attack(ui)
    # The simple requests reached the server (the data-plane one is journaled: a 401 without a key)...
    assert outcomes == ["sent", "sent", "sent", "blocked", "sent"]
    assert [(r.path, r.status) for r in ui.server.requests(project="")][-1:] == [("/v1/threads", 401)]
    # ...and the control plane refused them all: nothing was reset, the clock did not move, no fault was added.
    assert ui.server.store.now(ui.project) == before
    assert ui.sdk.beta.threads.retrieve(thread.id).id == thread.id
    assert ui.server.faults(ui.project) == []
    ui.errors.clear()  # the browser logs the blocked CORS request; that is the point of this test


@contextlib.contextmanager
def _other_site() -> Iterator[str]:
    """A one-page site on another loopback port: the origin a malicious page would have."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>elsewhere</title><p>another site"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}/"
    finally:
        site.shutdown()
        site.server_close()
        thread.join()


def _attack(ui: UI) -> Any:
    return ui.page.evaluate(
        """async ([base, project]) => {
            const out = [];
            const attempts = [
                ["/__mock__/reset", "{}", "text/plain", "no-cors"],
                ["/__mock__/clock", '{"advance": 3600}', "text/plain", "no-cors"],
                ["/__mock__/faults", '{"status": 500}', "application/x-www-form-urlencoded", "no-cors"],
                ["/__mock__/clock", '{"advance": 3600}', "application/json", "cors"],
                ["/v1/threads", "{}", "text/plain", "no-cors"],
            ];
            for (const [path, body, type, mode] of attempts) {
                try {
                    await fetch(`${base}${path}?project=${project}`, {method: "POST", body, mode,
                        headers: {"Content-Type": type}});
                    out.push("sent");
                } catch (err) { out.push("blocked"); }
            }
            return out;
        }""",
        [ui.server.url, ui.project],
    )


def test_a_narrow_window_has_no_sideways_scroll_and_every_view_is_keyboard_reachable(ui: UI) -> None:
    from playwright.sync_api import expect

    ui.weather_run()
    ui.page.set_viewport_size({"width": 420, "height": 800})
    ui.open()
    ui.page.locator("#objects a").nth(1).click()
    expect(ui.page.locator("#detail h2").first).to_contain_text("Thread")
    assert ui.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ui.page.reload()  # focus starts at the top of the document
    expect(ui.page.locator("#detail h2").first).to_contain_text("Thread")
    for _ in range(12):
        ui.page.keyboard.press("Tab")
        if ui.page.evaluate("document.activeElement.id") == "tab-journal":
            break
    else:
        pytest.fail("the Journal tab cannot be reached with Tab")
    ui.page.keyboard.press("Enter")
    expect(ui.page.locator("#view-journal")).to_be_visible()
    expect(ui.page.locator("#journal tbody tr").first).to_be_visible()
    ui.page.locator("#journal tbody tr").first.focus()
    ui.page.keyboard.press("Enter")
    expect(ui.page.locator("#request-detail h3")).to_contain_text("POST /v1/assistants")
    assert ui.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_rows_on_screen_stay_put_while_the_journal_streams(ui: UI) -> None:
    from playwright.sync_api import expect

    thread = ui.sdk.beta.threads.create()
    ui.open("journal")
    ui.page.uncheck("#journal-filters input[name=follow]")
    rows = ui.page.locator("#journal tbody tr")
    expect(rows).to_have_count(1)
    first = rows.first.bounding_box()
    filters = ui.page.locator("#journal-filters").bounding_box()
    for _ in range(40):
        ui.sdk.beta.threads.retrieve(thread.id)
    expect(rows).to_have_count(41)
    assert rows.first.bounding_box() == first
    assert ui.page.locator("#journal-filters").bounding_box() == filters


def test_readme_screenshot(ui: UI, tmp_path: Path) -> None:
    """The README's picture: a thread with a tool-calling run, at 1280x800."""
    from playwright.sync_api import expect

    ui.project = "sk-demo"
    ui.sdk = tracked(ui.server.client(api_key=ui.project, _strict_response_validation=True))
    ui.server.reset(ui.project)
    _, run = ui.weather_run()
    ui.sdk.beta.threads.create(messages=[{"role": "user", "content": "Plan a trip to Lyon"}])
    ui.open("browse", run.id)
    expect(ui.page.locator(f'.card[data-id="{run.id}"]')).to_have_class("card target")
    target = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "inspector.png"
    ui.page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
