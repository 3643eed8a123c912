"""The example app's tests: mockserver's pytest plugin, no setup code, no network."""

from __future__ import annotations

import pytest
from support_bot import answer


@pytest.mark.mockserver(scenario="returns", runs={"strict": True})
def test_the_bot_answers_from_the_script(mockserver):
    assert answer("How do I return a parcel?") == "You can return any item within 30 days."
    created = mockserver.last_request(method="POST", path="/v1/assistants")
    assert created.body["name"] == "Support bot"


def test_an_inline_rule(mockserver):
    mockserver.add_rule(match={"contains": "hours"}, reply="We are open 9 to 5.")
    assert answer("What are your opening hours?") == "We are open 9 to 5."


@pytest.mark.mockserver(runs={"strict": True})
def test_an_unscripted_question_fails_the_run(mockserver):
    with pytest.raises(RuntimeError, match="failed"):
        answer("Something nobody planned for")
    mockserver.expect_script_miss("nobody planned")


@pytest.mark.mockserver(faults=[{"method": "POST", "path": "/v1/assistants", "status": 500, "times": 1}])
def test_a_transient_outage_is_retried_by_the_sdk(mockserver):
    assert answer("Is anyone there?").startswith("Hello from mockserver!")  # the default reply
    assert [r.status for r in mockserver.requests(method="POST", path="/v1/assistants")] == [500, 200]
