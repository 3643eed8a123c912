"""A tiny support bot built on the OpenAI Assistants API: the application under test in this example.

It builds its own client (``OpenAI()`` reads ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``), as production code does;
the tests in ``tests/`` run it against mockserver without changing a line here.
"""

from __future__ import annotations

import openai

INSTRUCTIONS = "You are a support bot. Answer briefly."


def answer(question: str, *, model: str = "gpt-4o") -> str:
    """Ask the assistant one question in a new thread and return its reply."""
    with openai.OpenAI() as client:
        assistant = client.beta.assistants.create(model=model, name="Support bot", instructions=INSTRUCTIONS)
        thread = client.beta.threads.create(messages=[{"role": "user", "content": question}])
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        if run.status != "completed":
            raise RuntimeError(f"the run ended {run.status}: {run.last_error}")
        reply = client.beta.threads.messages.list(thread_id=thread.id, run_id=run.id).data[0]
        return "".join(part.text.value for part in reply.content if part.type == "text")
