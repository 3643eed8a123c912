"""Faults across an export: what is left of each fault, and where its seeded draws had got to."""

from __future__ import annotations

from mockserver.scenarios import export_project, load_document
from mockserver.store import Store


def _fires(store: Store, n: int) -> str:
    return "".join("x" if store.faults.match_fault("p", "GET", "/v1/threads/t") else "." for _ in range(n))


def test_a_counted_fault_continues_with_what_is_left() -> None:
    original = Store(seed="s")
    original.faults.add_faults("p", [{"status": 500, "times": 3}])
    _fires(original, 1)
    loaded = Store(seed="s")
    loaded.set_baseline([load_document(export_project(original, "p")).apply])
    assert _fires(loaded, 4) == _fires(original, 4) == "xx.."


def test_a_probabilistic_fault_continues_its_draws_after_export() -> None:
    original = Store(seed="s")
    original.faults.add_faults("p", [{"status": 500, "probability": 0.5, "times": 5}])
    _fires(original, 6)
    loaded = Store(seed="s")
    loaded.set_baseline([load_document(export_project(original, "p")).apply])
    assert _fires(loaded, 12) == _fires(original, 12)
