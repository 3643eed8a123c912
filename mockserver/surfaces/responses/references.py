"""Files and vector stores a Responses (or Conversations) request refers to, checked before anything is minted
(docs/responses.md, "Reference checks"; platform-surfaces.md 9.2 and 9.4, the wording INF):

- ``input_file`` / ``input_image`` parts with a ``file_id`` -> 404 ``No such File object: <id>``, naming the part
  (``input[0].content[1].file_id``);
- a ``file_search`` tool's ``vector_store_ids`` -> 404 ``Vector store with id '<id>' not found.`` with no param
  (the Responses API's "X with id not found" pattern); an expired store is the vector stores surface's 400;
- a ``code_interpreter`` tool's automatic container ``file_ids`` -> 404 ``No such File object: <id>`` naming the entry.

The files surface decides: with ``reference_checks: false`` (scenario or ``store.files.set_reference_checks``) unknown
ids pass, as everywhere else. Items given by ``item_reference`` were checked when they were first stored (the real API
keeps references to files deleted later), so only items sent in this request are looked at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.core import errors as e

if TYPE_CHECKING:
    from mockserver.store import Store


def check_request(store: Store, project: str, inputs: list[dict[str, Any]], tools: list[dict[str, Any]]) -> None:
    """What a create (or ``input_tokens``) body refers to: its ``input`` items' files and its tools' stores and
    files."""
    check_item_files(store, project, inputs, "input")
    check_tool_references(store, project, tools)


def check_item_files(store: Store, project: str, items: list[dict[str, Any]], param: str) -> None:
    """Every ``file_id`` content part of ``items`` (the checked items of ``param``, in request order) names a file."""
    for i, item in enumerate(items):
        content = item.get("content") if item.get("type") == "message" else None
        if not isinstance(content, list):
            continue
        for j, part in enumerate(content):
            file_id = part.get("file_id") if part.get("type") in ("input_file", "input_image") else None
            if file_id is not None:
                store.files.check_file(project, file_id, f"{param}[{i}].content[{j}].file_id")


def check_tool_references(store: Store, project: str, tools: list[dict[str, Any]]) -> None:
    """The vector stores of ``file_search`` tools and the files of ``code_interpreter`` containers exist."""
    for i, tool in enumerate(tools):
        if tool["type"] == "file_search":
            for k, store_id in enumerate(tool["vector_store_ids"]):
                try:
                    store.vector_stores.check_vector_store(project, store_id, f"tools[{i}].vector_store_ids[{k}]")
                except e.NotFoundError:
                    raise e.NotFoundError(e.RESPONSES_VECTOR_STORE_NOT_FOUND.format(id=store_id)) from None
        elif tool["type"] == "code_interpreter" and isinstance(tool["container"], dict):
            for j, file_id in enumerate(tool["container"].get("file_ids") or []):
                store.files.check_file(project, file_id, f"tools[{i}].container.file_ids[{j}]")
