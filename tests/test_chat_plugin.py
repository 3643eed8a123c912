"""The pytest plugin with chat: a strict-mode miss on a chat completion fails the test at teardown."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("warm_imports")


def test_a_chat_miss_is_reported_at_teardown(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import openai
        import pytest

        RULES = [{"name": "hi", "match": {"equals": "hi"}, "reply": "hello"}]

        @pytest.mark.mockserver(runs={"strict": True}, script=RULES)
        def test_unscripted(openai_client):
            assert openai_client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
            ).choices[0].message.content == "hello"
            with pytest.raises(openai.InternalServerError):
                openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "bye"}])
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "mockserver saw 1 problem(s) during this test:",
            "  1. scripted model miss (run setting strict) in chat.completions for input 'bye': mockserver strict mode:"
            " no script rule matched this chat completion (last user message: 'bye'). Closest rules: 'hi' (equals"
            ' "hi").',
        ]
    )
