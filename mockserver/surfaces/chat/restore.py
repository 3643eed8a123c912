"""Stored completions from scenario files and exports: the exported form, with hand-written shortcuts.

An exported item is the stored completion exactly as reads return it plus ``messages`` (its input messages in
the ``GET .../messages`` form), so export -> apply -> export is lossless. A hand-written item may leave out
everything but ``model`` and ``choices`` (ids, usage, fingerprint and tier are filled in as create fills them)
and may write messages and choices in their request form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_TIMESTAMP
from mockserver.core.validation import join_param as join
from mockserver.surfaces.chat import shapes
from mockserver.surfaces.chat.inputs import ROLES, unknown

FIELDS = (
    "id", "object", "created", "model", "choices", "usage", "service_tier", "system_fingerprint", "metadata",
    "messages",
)  # fmt: skip
FINISH_REASONS = ["stop", "length", "tool_calls", "content_filter", "function_call"]


def check_stored(item: Any, param: str, *, completion_id: str, now: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the stored completion, its messages) for ``item``; ``completion_id``/``now`` fill a missing id/created."""
    body = v.expect_object(item, param) or {}
    unknown(body, FIELDS, param)
    if "object" in body and body["object"] != "chat.completion":
        raise e.InvalidRequestError(
            e.RESTORE_MISMATCH.format(
                param=join(param, "object"), expected="'chat.completion'", value=repr(body["object"])
            ),
            param=join(param, "object"),
        )
    model = v.expect_string(v.require(body, "model", param), join(param, "model")) or ""
    created = v.expect_int(body.get("created", now), join(param, "created"), minimum=0, maximum=MAX_TIMESTAMP) or 0
    raw_choices = v.expect_array(v.require(body, "choices", param), join(param, "choices")) or []
    choices = [_choice(c, i, join(join(param, "choices"), i)) for i, c in enumerate(raw_choices)]
    usage = v.expect_object(body.get("usage"), join(param, "usage"), nullable=True) or shapes.usage(0, 0)
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        v.expect_int(v.require(usage, key, join(param, "usage")), join(param, "usage." + key), minimum=0)
    tier = v.expect_string(body.get("service_tier", "default"), join(param, "service_tier"), nullable=True)
    fingerprint = v.expect_string(
        body.get("system_fingerprint", shapes.fingerprint(model)), join(param, "system_fingerprint"), nullable=True
    )
    metadata = v.check_metadata(body.get("metadata"), join(param, "metadata"))
    data = {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": choices,
        "usage": usage,
        "service_tier": tier,
        "system_fingerprint": fingerprint,
        "metadata": metadata,
    }
    raw_messages = v.expect_array(body.get("messages"), join(param, "messages"), nullable=True) or []
    messages = [_message(m, completion_id, i, join(join(param, "messages"), i)) for i, m in enumerate(raw_messages)]
    return data, messages


def _choice(raw: Any, index: int, param: str) -> dict[str, Any]:
    body = v.expect_object(raw, param) or {}
    unknown(body, ("index", "message", "logprobs", "finish_reason"), param)
    message = v.expect_object(v.require(body, "message", param), join(param, "message")) or {}
    if message.get("role", "assistant") != "assistant":
        raise e.invalid_value(message.get("role"), ["assistant"], join(param, "message.role"))
    content = v.expect_string(message.get("content"), join(param, "message.content"), nullable=True)
    refusal = v.expect_string(message.get("refusal"), join(param, "message.refusal"), nullable=True)
    calls = v.expect_array(message.get("tool_calls"), join(param, "message.tool_calls"), nullable=True)
    wire = {**shapes.message(content, refusal, calls), **{k: val for k, val in message.items() if k not in ("role",)}}
    finish = v.expect_enum(
        body.get("finish_reason", "tool_calls" if calls else "stop"), FINISH_REASONS, join(param, "finish_reason")
    )
    logprobs = v.expect_object(body.get("logprobs"), join(param, "logprobs"), nullable=True)
    return shapes.choice(
        v.expect_int(body.get("index", index), join(param, "index"), minimum=0) or 0, wire, logprobs, finish or "stop"
    )


def _message(raw: Any, completion_id: str, index: int, param: str) -> dict[str, Any]:
    body: Mapping[str, Any] = v.expect_object(raw, param) or {}
    role = v.require(body, "role", param)
    if role not in ROLES:
        raise e.InvalidRequestError(e.CHAT_BAD_ROLE.format(value=role), param=join(param, "role"), code="invalid_value")
    message_id = v.expect_string(body.get("id", f"{completion_id}-{index}"), join(param, "id")) or ""
    return shapes.store_message(message_id, dict(body))
