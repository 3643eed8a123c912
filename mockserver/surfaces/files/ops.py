"""File operations: upload, list, retrieve, delete, download; and the public operations other surfaces use.

Public operations for other surfaces (``store.files``), documented in docs/files.md ("For other surfaces"):

- :meth:`FilesOps.get_file` / :meth:`FilesOps.check_file`: a file object, or the real 404 (``check_file``
  honours the project's reference-check switch and the ``param`` the caller reports);
- :meth:`FilesOps.references_checked`: whether unknown ids are refused in this project;
- :meth:`FilesOps.read_content`: the stored bytes, whatever the purpose (the fake's own use and tests);
- :meth:`FilesOps.create_output_file`: a file the server makes (code interpreter images: ``assistants_output``).
"""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.store import locked
from mockserver.surfaces.files import form as f
from mockserver.surfaces.files import shapes
from mockserver.surfaces.files.checks import check_content, check_expires_after, check_upload_purpose
from mockserver.surfaces.files.persist import PersistOps
from mockserver.surfaces.files.state import FilesState
from mockserver.surfaces.files.uploads import UploadOps

#: ``limit`` of ``GET /v1/files``: 1..10 000, default 10 000 (V-spec; every other list defaults to 20).
FILES_LIMIT_MAX = 10_000


class FilesOps(UploadOps, PersistOps):
    name = "files"

    # -- creating ----------------------------------------------------------------------------------------

    @locked
    def create_file(self, project: str, content_type: str | None, body: bytes) -> dict[str, Any]:
        """``POST /v1/files`` from the raw multipart body: every check first, then one file is stored."""
        form = f.read_form(content_type, body, f.FILE_FIELDS)
        upload = f.file_field(form, "file")
        purpose = f.text_field(form, "purpose", "purpose")
        if purpose is None:
            raise e.missing_param("purpose")
        check_upload_purpose(purpose)
        anchor = f.text_field(form, "expires_after[anchor]", "expires_after.anchor")
        seconds = f.int_field(form, "expires_after[seconds]", "expires_after.seconds")
        expires_after = None
        if anchor is not None or seconds is not None:
            expires_after = check_expires_after({"anchor": anchor, "seconds": seconds}, present=True)
        check_content(purpose, upload.filename, len(upload.data))
        p = self._project(project)
        return self._store_file(p, self._state(p), purpose, upload.filename, upload.data, upload.content_type,
                                expires_after)  # fmt: skip

    @locked
    def create_output_file(self, project: str, filename: str, content: bytes, content_type: str) -> dict[str, Any]:
        """A file the server makes (purpose ``assistants_output``): code interpreter images, for instance."""
        p = self._project(project)
        return self._store_file(p, self._state(p), "assistants_output", filename, content, content_type, None)

    # -- reading -----------------------------------------------------------------------------------------

    @locked
    def list_files(self, project: str, query: dict[str, str]) -> dict[str, Any]:
        """``GET /v1/files``: ``purpose`` filter, ``order`` (desc), ``limit`` (1..10 000, default 10 000), ``after``."""
        params = v.parse_list_query({k: val for k, val in query.items() if k != "limit"})
        params["limit"] = list_limit(query.get("limit"), FILES_LIMIT_MAX, FILES_LIMIT_MAX)
        purpose = query.get("purpose") or None
        p = self._project(project)
        state = self._state(p)
        index = state.index if purpose is None else state.by_purpose.get(purpose)
        if index is None:
            return shapes.list_page([], False)
        page = index.page(limit=params["limit"], order=params["order"], after=params["after"])
        return shapes.list_page([state.files[i] for i in page.ids], page.has_more)

    @locked
    def get_file(self, project: str, file_id: str, param: str | None = "id") -> dict[str, Any]:
        """The file object, or 404 ``No such File object: <id>`` with ``param`` (V-real)."""
        return self._file(self._project(project), file_id, param)

    @locked
    def find_object(self, project: str, object_id: str) -> dict[str, Any] | None:
        """The file or upload with this id as the API returns it, or None: for the inspector, which looks without
        touching (no expiry sweep, unlike a read)."""
        state: FilesState = self._project(project).states[self.name]
        upload = state.uploads.get(object_id)
        return state.files.get(object_id) or (upload.data if upload is not None else None)

    @locked
    def check_file(self, project: str, file_id: str, param: str | None) -> dict[str, Any] | None:
        """For references from other surfaces: the file, or the 404 naming ``param``; ``None`` for an unknown id
        when the project's reference checks are off."""
        p = self._project(project)
        state = self._state(p)
        if file_id not in state.files and not state.reference_checks:
            return None
        return self._file(p, file_id, param)

    @locked
    def sweep(self, project: str) -> None:
        """Apply expiry now (vector stores call it before reading, so an expired file is never searched)."""
        self._state(self._project(project))

    @locked
    def exists(self, project: str, file_id: str) -> bool:
        return file_id in self._state(self._project(project)).files

    @locked
    def references_checked(self, project: str) -> bool:
        return bool(self._state(self._project(project)).reference_checks)

    @locked
    def set_reference_checks(self, project: str, enabled: bool) -> None:
        v.expect_bool(enabled, "reference_checks")
        self._state(self._project(project)).reference_checks = enabled

    @locked
    def delete_file(self, project: str, file_id: str) -> dict[str, Any]:
        p = self._project(project)
        state = self._state(p)
        self._file(p, file_id)
        self._remove(p, state, file_id)
        return shapes.file_deleted(file_id)

    @locked
    def download(self, project: str, file_id: str) -> tuple[bytes, str]:
        """``GET /v1/files/{id}/content``: the exact bytes and their media type; ``assistants``/``user_data``
        files are refused, as by the real API (V-real)."""
        p = self._project(project)
        data = self._file(p, file_id)
        if data["purpose"] in shapes.NO_DOWNLOAD_PURPOSES:
            raise e.InvalidRequestError(e.FILE_DOWNLOAD_FORBIDDEN.format(purpose=data["purpose"]))
        state = self._state(p)
        return state.content[file_id], state.content_types[file_id]

    @locked
    def read_content(self, project: str, file_id: str) -> bytes:
        """The stored bytes of any file (no purpose check): what a test reads back, what search indexes."""
        p = self._project(project)
        self._file(p, file_id)
        return self._state(p).content[file_id]

    @locked
    def content_type(self, project: str, file_id: str) -> str:
        p = self._project(project)
        self._file(p, file_id)
        return self._state(p).content_types[file_id]


def list_limit(raw: str | None, default: int, maximum: int) -> int:
    """A list's ``limit`` query value (the files list has its own range: 1..10 000, default 10 000)."""
    if raw is None:
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise e.InvalidRequestError(
            e.QUERY_NOT_INTEGER.format(param="limit", value=raw), param="limit", code="invalid_type"
        ) from None
    v.check_range(limit, "limit", 1, maximum, integer=True)
    return limit
