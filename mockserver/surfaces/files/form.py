"""Reading the multipart forms of ``POST /v1/files`` and ``POST /v1/uploads/{id}/parts`` into checked values.

Every malformation is an :class:`~mockserver.core.errors.InvalidRequestError` (400), never an exception the
app would turn into a 500. A body that is not multipart at all has no ``file``: the real API's answer to a
form without one (platform-surfaces.md 2.5, INF).
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass

from mockserver.core import errors as e
from mockserver.core import multipart
from mockserver.core import validation as v

_MEDIA_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")
_INTEGER_RE = re.compile(r"^-?[0-9]{1,18}$")
FILE_FIELDS = ("file", "purpose", "expires_after[anchor]", "expires_after[seconds]")
PART_FIELDS = ("data",)


@dataclass(frozen=True)
class Upload:
    """The file part of a form: its name, bytes and the media type the file is served with."""

    filename: str
    data: bytes
    content_type: str


def read_form(content_type: str | None, body: bytes, allowed: tuple[str, ...]) -> dict[str, multipart.Part]:
    """The form's parts by name; unknown names, repeated names and malformed bodies are 400s."""
    try:
        boundary = multipart.boundary_of(content_type)
        parts = [] if boundary is None else multipart.parse(body, boundary)
    except multipart.MultipartError as exc:
        raise e.InvalidRequestError(e.MULTIPART_INVALID.format(reason=exc)) from None
    form: dict[str, multipart.Part] = {}
    for part in parts:
        if part.name in form:
            raise e.InvalidRequestError(e.MULTIPART_DUPLICATE.format(name=part.name), param=part.name)
        form[part.name] = part
    v.reject_unknown(form, allowed)
    return form


def text_field(form: dict[str, multipart.Part], name: str, param: str) -> str | None:
    part = form.get(name)
    if part is None:
        return None
    if part.is_file:
        raise e.InvalidRequestError(
            e.INVALID_TYPE.format(param=param, expected="a string", actual="a file"), param=param, code="invalid_type"
        )
    try:
        return part.text()
    except multipart.MultipartError as exc:
        raise e.InvalidRequestError(e.MULTIPART_INVALID.format(reason=exc), param=param) from None


def int_field(form: dict[str, multipart.Part], name: str, param: str) -> int | None:
    """A form field holding an integer (forms carry text: ``"3600"``)."""
    text = text_field(form, name, param)
    if text is None:
        return None
    stripped = text.strip()
    if not _INTEGER_RE.match(stripped):
        raise e.InvalidRequestError(
            e.QUERY_NOT_INTEGER.format(param=param, value=text), param=param, code="invalid_type"
        )
    return int(stripped)


def file_field(form: dict[str, multipart.Part], name: str) -> Upload:
    """The required file part ``name``; a plain text field there is the wrong type."""
    part = form.get(name)
    if part is None:
        raise e.missing_param(name)
    if not part.is_file:
        raise e.InvalidRequestError(
            e.INVALID_TYPE.format(param=name, expected="a file", actual="a string"), param=name, code="invalid_type"
        )
    filename = part.filename or "upload"
    return Upload(filename=filename, data=part.data, content_type=media_type(part.content_type, filename))


def media_type(declared: str | None, filename: str) -> str:
    """What ``files.content`` answers with: the part's declared type unless it is the generic one, else a guess
    from the file name, else ``application/octet-stream`` (docs/files.md, "Content type")."""
    kind = multipart.media_type(declared)[0]
    # Only a plain ``type/subtype`` is kept: it is sent back as a header, so nothing else may pass through.
    if _MEDIA_TYPE_RE.match(kind) and kind != "application/octet-stream":
        return kind
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
