"""The async SDK (strict validation) against stored completions, embeddings (both encodings) and moderations."""

from __future__ import annotations

import asyncio

import openai
import pytest

from mockserver import MockServer

U = [{"role": "user", "content": "hi"}]


def test_async_stored_completions_embeddings_and_moderations(fresh_server: MockServer) -> None:
    async def run() -> None:
        strict = fresh_server.async_client(_strict_response_validation=True)
        loose = fresh_server.async_client()
        async with strict, loose:
            made = await strict.chat.completions.create(model="gpt-4o", messages=U, store=True, metadata={"k": "v"})
            listed = [c.id async for c in strict.chat.completions.list(metadata={"k": "v"})]
            assert listed == [made.id]
            assert (await strict.chat.completions.update(made.id, metadata={"k": "w"})).metadata == {"k": "w"}
            assert (await strict.chat.completions.retrieve(made.id)).metadata == {"k": "w"}
            messages = await loose.chat.completions.messages.list(made.id)
            assert [(m.id, m.role) for m in messages.data] == [(f"{made.id}-0", "user")]
            assert (await strict.chat.completions.delete(made.id)).deleted
            with pytest.raises(openai.NotFoundError):
                await strict.chat.completions.retrieve(made.id)

            floats = await strict.embeddings.create(model="text-embedding-3-small", input="hi", encoding_format="float")
            decoded = await loose.embeddings.create(model="text-embedding-3-small", input="hi")
            assert decoded.data[0].embedding == floats.data[0].embedding

            moderation = await strict.moderations.create(input=["a", "b"])
            assert [r.flagged for r in moderation.results] == [False, False]

    asyncio.run(run())
