"""Which models chat, embeddings and moderations accept (docs/chat.md "Models").

Any model name is accepted unless it names another kind of model (a chat request for ``text-embedding-3-small``
is the real 404), so tests can use snapshots and fine-tunes without a catalogue. Once a scenario or the control
plane replaced the project's model catalogue (the models surface), that catalogue is enforced too: a model not
in it is the real ``404 model_not_found``.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e

EMBEDDING_PREFIXES = ("text-embedding-",)
MODERATION_PREFIXES = ("omni-moderation-", "text-moderation-")
OTHER_PREFIXES = ("whisper-", "tts-", "dall-e-", "gpt-image-", "babbage-", "davinci-", "sora-")


def _not_found(model: str) -> e.NotFoundError:
    return e.NotFoundError(
        e.MODEL_DOES_NOT_EXIST.format(model=model),
        code="model_not_found",
        headers={"content-type": "application/json; charset=utf-8"},
    )


def _catalogue_allows(store: Any, project: str, model: str) -> bool:
    models = getattr(store, "models", None)
    if models is None or models.export_models(project) is None:  # the default catalogue is not enforced
        return True
    return bool(models.has_model(project, model))


def check_chat_model(store: Any, project: str, model: str) -> None:
    if not _catalogue_allows(store, project, model):
        raise _not_found(model)
    if model.startswith(EMBEDDING_PREFIXES + MODERATION_PREFIXES + OTHER_PREFIXES):
        raise e.NotFoundError(e.CHAT_NOT_CHAT_MODEL, param="model")


def check_embedding_model(store: Any, project: str, model: str) -> None:
    if not _catalogue_allows(store, project, model) or not model.startswith(EMBEDDING_PREFIXES):
        raise _not_found(model)


def check_moderation_model(store: Any, project: str, model: str) -> None:
    if not _catalogue_allows(store, project, model) or not model.startswith(MODERATION_PREFIXES):
        raise _not_found(model)
