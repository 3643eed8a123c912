"""The chat wire objects: the only place their JSON is spelled out (platform-surfaces.md sections 6.2-6.8).

Key orders follow real captures: completion ``id, object, created, model, choices, usage, service_tier,
system_fingerprint``; message ``role, content, (tool_calls,) refusal, annotations``; chunk ``id, object,
created, model, service_tier, system_fingerprint, choices(, usage)``.
"""

from __future__ import annotations

import hashlib
from typing import Any


def fingerprint(model: str) -> str:
    """``fp_`` + 10 hex, a function of the model name only (INF: real ones change with deployments)."""
    return "fp_" + hashlib.sha256(model.encode()).hexdigest()[:10]


def service_tier(requested: str | None) -> str:
    """What a response reports: ``default`` unless another tier was asked for; ``fast`` is served as priority."""
    if requested in (None, "auto", "default"):
        return "default"
    return "priority" if requested == "fast" else str(requested)


def usage(prompt: int, completion: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def message(content: str | None, refusal: str | None, tool_calls: list[dict[str, Any]] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        out["tool_calls"] = tool_calls
    out["refusal"] = refusal
    out["annotations"] = []
    return out


def function_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def custom_call(call_id: str, name: str, text: str) -> dict[str, Any]:
    return {"id": call_id, "type": "custom", "custom": {"name": name, "input": text}}


def choice(index: int, msg: dict[str, Any], logprobs: dict[str, Any] | None, finish_reason: str) -> dict[str, Any]:
    return {"index": index, "message": msg, "logprobs": logprobs, "finish_reason": finish_reason}


def completion(
    completion_id: str,
    created: int,
    model: str,
    choices: list[dict[str, Any]],
    use: dict[str, Any],
    tier: str,
) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": choices,
        "usage": use,
        "service_tier": tier,
        "system_fingerprint": fingerprint(model),
    }


def stored(data: dict[str, Any], metadata: dict[str, str]) -> dict[str, Any]:
    """A stored completion as reads return it: the create response plus ``metadata`` (INF, section 6.8)."""
    return {**data, "metadata": metadata}


def chunk(data: dict[str, Any], choices: list[dict[str, Any]], use: Any = ..., *, with_usage: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": data["id"],
        "object": "chat.completion.chunk",
        "created": data["created"],
        "model": data["model"],
        "service_tier": data["service_tier"],
        "system_fingerprint": data["system_fingerprint"],
        "choices": choices,
    }
    if with_usage:  # with include_usage every chunk carries "usage": null, the last one the totals
        out["usage"] = None if use is ... else use
    return out


def chunk_choice(index: int, delta: dict[str, Any], logprobs: Any, finish_reason: str | None) -> dict[str, Any]:
    return {"index": index, "delta": delta, "logprobs": logprobs, "finish_reason": finish_reason}


def deleted(completion_id: str) -> dict[str, Any]:
    return {"object": "chat.completion.deleted", "id": completion_id, "deleted": True}


def store_message(message_id: str, msg: dict[str, Any]) -> dict[str, Any]:
    """An input message of a stored completion (``GET .../messages``): role as sent (the spec and the SDK say
    ``assistant`` only: docs/chat.md), text content, ``refusal`` (required by the spec), parts.

    ``content_parts`` lists text and image parts when the content was an array, else null (V-spec example).
    """
    content = msg.get("content")
    parts = msg.get("content_parts")
    text: str | None = content if isinstance(content, str) or content is None else None
    if isinstance(content, list):
        parts = [p for p in content if isinstance(p, dict) and p.get("type") in ("text", "image_url")]
        texts = [p["text"] for p in content if isinstance(p, dict) and p.get("type") == "text"]
        text = "\n".join(texts) if texts else None
    out: dict[str, Any] = {"id": message_id, "role": msg["role"], "content": text, "refusal": msg.get("refusal")}
    out["name"] = msg.get("name")
    out["content_parts"] = parts
    if msg["role"] == "assistant":
        out["tool_calls"] = msg.get("tool_calls")
        out["function_call"] = msg.get("function_call")
    if msg["role"] == "tool":
        out["tool_call_id"] = msg.get("tool_call_id")
    return out
