"""A strict ``multipart/form-data`` parser over a request body that is already in memory.

Why our own and not Starlette's form parser: that one needs the ``python-multipart`` package, spools files to
temporary files and answers malformed input with its own exception types. The app buffers every body anyway
(the body limit and the journal see all of it), so a parser over ``bytes`` is a few dozen lines, has no
dependency, and reports every malformation as :class:`MultipartError`, which the surfaces turn into a 400.

Accepted: the RFC 7578 form (parts separated by ``--boundary``, CRLF line ends, a ``Content-Disposition:
form-data; name=...`` header per part, an optional preamble and epilogue), quoted parameters with backslash
escapes, the percent escapes clients use in quoted names (``%22``, and ``%00``-``%1F`` for control characters: browsers
encode ``"`` CR LF, httpx every control character), and RFC 5987
``filename*=utf-8''...``. Refused: a missing or unusable boundary, no closing delimiter, a part without
``name``, header blocks that do not end, names or text values that are not UTF-8.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

#: RFC 2046: 1 to 70 characters from this set.
_BOUNDARY_RE = re.compile(r"^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$")
#: What clients percent-encode in quoted names (HTML5: ``"`` CR LF; httpx also every other control character).
_ESCAPE_RE = re.compile(r"%(22|[01][0-9A-F])")
#: Header blocks longer than this are not a form part (a client bug or an attack): refused, not searched.
MAX_HEADER_BYTES = 16 * 1024


class MultipartError(ValueError):
    """The body is not well-formed ``multipart/form-data``; the message says why (one short phrase)."""


@dataclass(frozen=True)
class Part:
    name: str
    data: bytes
    #: None for a plain field; the file name (possibly "") for a file part.
    filename: str | None = None
    content_type: str | None = None

    @property
    def is_file(self) -> bool:
        return self.filename is not None

    def text(self) -> str:
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            raise MultipartError(f"the value of field '{self.name}' is not UTF-8 text") from None


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """``("multipart/form-data", {"boundary": "x"})`` from a Content-Type header value (type lower-cased)."""
    if not content_type:
        return "", {}
    kind, _, rest = content_type.partition(";")
    return kind.strip().lower(), _params(rest)


def boundary_of(content_type: str | None) -> str | None:
    """The boundary when the Content-Type is ``multipart/form-data``, None when it is another type."""
    kind, params = media_type(content_type)
    if kind != "multipart/form-data":
        return None
    boundary = params.get("boundary")
    if boundary is None or not _BOUNDARY_RE.match(boundary) or boundary.endswith(" "):
        raise MultipartError("the Content-Type has no valid boundary")
    return boundary


def parse(body: bytes, boundary: str) -> list[Part]:
    """Every part in order. Raises :class:`MultipartError` on anything malformed."""
    delimiter = b"--" + boundary.encode("ascii")
    if body.startswith(delimiter):
        pos = len(delimiter)
    else:  # a preamble (ignored) ends with CRLF before the first delimiter
        found = body.find(b"\r\n" + delimiter)
        if found < 0:
            raise MultipartError("the body does not contain the boundary")
        pos = found + 2 + len(delimiter)
    separator = b"\r\n" + delimiter
    parts: list[Part] = []
    while True:
        if body.startswith(b"--", pos):
            return parts  # the closing delimiter; what follows is an epilogue
        # Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
        while pos < len(body) and body[pos] in b" \t":
            pos += 1
        if not body.startswith(b"\r\n", pos):
            raise MultipartError("a boundary is not followed by a line break")
        pos += 2
        head_end = body.find(b"\r\n\r\n", pos, pos + MAX_HEADER_BYTES)
        if head_end < 0:
            # A part with no headers at all starts with the blank line itself.
            if body.startswith(b"\r\n", pos):
                head_end = pos - 2
            else:
                raise MultipartError("a part's headers do not end")
        headers = _headers(body[pos:head_end]) if head_end > pos else {}
        data_start = head_end + 4
        data_end = body.find(separator, data_start)
        if data_end < 0:
            raise MultipartError("the body has no closing boundary")
        parts.append(_part(headers, body[data_start:data_end]))
        pos = data_end + len(separator)


def _headers(block: bytes) -> dict[str, str]:
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        raise MultipartError("a part's headers are not UTF-8") from None
    headers: dict[str, str] = {}
    for line in text.split("\r\n"):
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise MultipartError("a part has a malformed header line")
        headers[name.strip().lower()] = value.strip()
    return headers


def _part(headers: dict[str, str], data: bytes) -> Part:
    disposition = headers.get("content-disposition")
    if disposition is None:
        raise MultipartError("a part has no Content-Disposition header")
    kind, params = media_type(disposition)
    if kind != "form-data":
        raise MultipartError("a part's Content-Disposition is not form-data")
    name = params.get("name")
    if not name:
        raise MultipartError("a part has no name")
    filename = params.get("filename*")
    if filename is not None:
        charset, _, encoded = filename.partition("''")
        try:
            filename = unquote(encoded, encoding=charset or "utf-8", errors="strict")
        except (LookupError, UnicodeDecodeError):
            raise MultipartError("a part's filename* cannot be decoded") from None
    else:
        filename = params.get("filename")
    return Part(name=name, data=data, filename=filename, content_type=headers.get("content-type"))


def _params(text: str) -> dict[str, str]:
    """``; a=b; c="d e"`` as a dict (names lower-cased, quoted values unescaped, HTML5 escapes decoded)."""
    params: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t;":
            pos += 1
        if pos >= len(text):
            break
        eq = text.find("=", pos)
        if eq < 0:
            raise MultipartError("a header parameter has no value")
        key = text[pos:eq].strip().lower()
        pos = eq + 1
        if text.startswith('"', pos):
            value, pos = _quoted(text, pos + 1)
            value = _ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), value)
        else:
            end = text.find(";", pos)
            end = len(text) if end < 0 else end
            value, pos = text[pos:end].strip(), end
        params[key] = value
    return params


def _quoted(text: str, pos: int) -> tuple[str, int]:
    out: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            out.append(text[pos + 1])
            pos += 2
        elif char == '"':
            return "".join(out), pos + 1
        else:
            out.append(char)
            pos += 1
    raise MultipartError("a quoted header parameter does not end")
