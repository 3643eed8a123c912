"""One project's vector stores: each store's wire object, its files (with their search chunks), its batches.

A store's ``file_counts``, ``usage_bytes`` and ``status`` are derived from its files and recomputed whenever
one changes (:meth:`StoreState.refresh` in ``ops``). :class:`StoreFile` and :class:`Batch` are immutable
(changes make new ones), so :meth:`VectorStoresState.clone` copies containers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core.pagination import SortedIndex

#: One search chunk: its text and the set of its words (computed once, when the file completes).
Chunk = tuple[str, frozenset[str]]
DEFAULT_PROCESSING: dict[str, Any] = {"progress": "on_read", "reads": 1}
PROGRESS_MODES = ["immediate", "on_read", "on_clock"]


@dataclass(frozen=True)
class StoreFile:
    data: dict[str, Any]
    filename: str
    sequence: int
    batch_id: str | None = None
    #: Reads seen while in progress (``on_read``) and the clock time processing began (``on_clock``).
    reads: int = 0
    since: int = 0
    chunks: tuple[Chunk, ...] = ()
    #: The extracted text (what ``/content`` serves and chunks come from); empty until completed.
    text: str = ""

    @property
    def status(self) -> str:
        return str(self.data["status"])


@dataclass(frozen=True)
class Batch:
    data: dict[str, Any]
    file_ids: tuple[str, ...]
    sequence: int
    cancelled: bool = False


@dataclass
class StoreState:
    data: dict[str, Any]
    sequence: int
    files: dict[str, StoreFile] = field(default_factory=dict)
    file_index: SortedIndex = field(default_factory=SortedIndex)
    batches: dict[str, Batch] = field(default_factory=dict)
    batch_index: SortedIndex = field(default_factory=SortedIndex)
    #: Scripted search results (docs/files.md, "Scripted search results"), normalized.
    search_script: tuple[dict[str, Any], ...] = ()

    def clone(self) -> StoreState:
        return StoreState(
            data=self.data,
            sequence=self.sequence,
            files=dict(self.files),
            file_index=self.file_index.copy(),
            batches=dict(self.batches),
            batch_index=self.batch_index.copy(),
            search_script=self.search_script,
        )


@dataclass
class VectorStoresState:
    stores: dict[str, StoreState] = field(default_factory=dict)
    index: SortedIndex = field(default_factory=SortedIndex)
    #: How attached files progress from ``in_progress`` (docs/files.md, "Processing").
    processing: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_PROCESSING))

    def clone(self) -> VectorStoresState:
        return VectorStoresState(
            stores={store_id: store.clone() for store_id, store in self.stores.items()},
            index=self.index.copy(),
            processing=dict(self.processing),
        )
