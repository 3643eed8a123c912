"""One project's files and uploads.

File objects are wire dicts never mutated in place; content is ``bytes`` (immutable), so :meth:`clone` copies
containers only and a reset to a baseline holding large files costs no byte copies.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.pagination import SortedIndex


@dataclass
class UploadState:
    data: dict[str, Any]
    mime_type: str
    #: ``expires_after.seconds`` for the file the upload becomes (None: the purpose's default).
    file_expires_after: int | None = None
    #: part id -> (wire part, bytes), in the order the parts arrived.
    parts: dict[str, tuple[dict[str, Any], bytes]] = field(default_factory=dict)
    sequence: int = 0

    def clone(self) -> UploadState:
        return UploadState(
            data=self.data,
            mime_type=self.mime_type,
            file_expires_after=self.file_expires_after,
            parts=dict(self.parts),
            sequence=self.sequence,
        )


@dataclass
class FilesState:
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    content: dict[str, bytes] = field(default_factory=dict)
    #: The media type the file was uploaded with (or made with); ``files.content`` answers with it.
    content_types: dict[str, str] = field(default_factory=dict)
    #: Creation sequence per file (listing ties and export order).
    sequences: dict[str, int] = field(default_factory=dict)
    index: SortedIndex = field(default_factory=SortedIndex)
    by_purpose: dict[str, SortedIndex] = field(default_factory=dict)
    #: (expires_at, file id), ascending: files leave the project once the clock reaches their expiry.
    expiring: list[tuple[int, str]] = field(default_factory=list)
    uploads: dict[str, UploadState] = field(default_factory=dict)
    #: Reference checks (docs/files.md): other surfaces refuse unknown file and vector store ids unless off.
    reference_checks: bool = True

    def add(self, data: dict[str, Any], content: bytes, content_type: str, sequence: int) -> None:
        file_id = data["id"]
        self.files[file_id] = data
        self.content[file_id] = content
        self.content_types[file_id] = content_type
        self.sequences[file_id] = sequence
        self.index.add(file_id, data["created_at"], sequence)
        self.by_purpose.setdefault(data["purpose"], SortedIndex()).add(file_id, data["created_at"], sequence)
        if data["expires_at"] is not None:
            insort(self.expiring, (data["expires_at"], file_id))

    def remove(self, file_id: str) -> dict[str, Any]:
        data = self.files.pop(file_id)
        del self.content[file_id], self.content_types[file_id], self.sequences[file_id]
        self.index.remove(file_id)
        self.by_purpose[data["purpose"]].remove(file_id)
        if data["expires_at"] is not None:
            self.expiring.remove((data["expires_at"], file_id))
        return data

    def clone(self) -> FilesState:
        return FilesState(
            files=dict(self.files),
            content=dict(self.content),
            content_types=dict(self.content_types),
            sequences=dict(self.sequences),
            index=self.index.copy(),
            by_purpose={purpose: index.copy() for purpose, index in self.by_purpose.items()},
            expiring=list(self.expiring),
            uploads={upload_id: upload.clone() for upload_id, upload in self.uploads.items()},
            reference_checks=self.reference_checks,
        )
