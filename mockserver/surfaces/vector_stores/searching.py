"""Search: ``POST /v1/vector_stores/{id}/search``, the results a ``file_search`` tool call finds, and scripted
results (docs/files.md, "Search" and "Scripted search results").

A store may carry scripted results: rules ``{"match": {"contains"|"equals"|"regex": ...}, "results":
[{"file_id", "score"?, "text"?}]}``. The first rule whose match accepts one of the queries supplies the results
(files not in the store, or not completed, are skipped; filters, ``score_threshold`` and ``max_num_results``
still apply); without a matching rule the lexical scoring of :mod:`.search` decides.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.project import Project
from mockserver.core.store import locked
from mockserver.surfaces.vector_stores import params as vp
from mockserver.surfaces.vector_stores import search as s
from mockserver.surfaces.vector_stores import shapes
from mockserver.surfaces.vector_stores.base import VectorStoresBase
from mockserver.surfaces.vector_stores.state import StoreState

SEARCH_FIELDS = ("query", "filters", "max_num_results", "ranking_options", "rewrite_query")
MATCH_KINDS = ("contains", "equals", "regex")


def check_search_script(rules: Any, param: str = "search") -> tuple[dict[str, Any], ...]:
    items = v.expect_array(rules, param) or []
    checked = []
    for i, rule in enumerate(items):
        where = f"{param}[{i}]"
        body = v.expect_object(rule, where) or {}
        _reject(body, ("match", "results"), where)
        match = v.expect_object(body.get("match"), f"{where}.match", nullable=True) or {}
        _reject(match, MATCH_KINDS, f"{where}.match")
        for kind, pattern in match.items():
            v.expect_string(pattern, f"{where}.match.{kind}")
            if kind == "regex":
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise e.InvalidRequestError(
                        e.SCRIPT_BAD_REGEX.format(param=f"{where}.match.regex", error=exc), param=f"{where}.match.regex"
                    ) from None
        results = []
        for j, item in enumerate(v.expect_array(v.require(body, "results", where), f"{where}.results") or []):
            at = f"{where}.results[{j}]"
            result = v.expect_object(item, at) or {}
            _reject(result, ("file_id", "score", "text"), at)
            entry: dict[str, Any] = {"file_id": v.expect_string(v.require(result, "file_id", at), f"{at}.file_id")}
            if "score" in result:
                entry["score"] = float(v.expect_number(result["score"], f"{at}.score", minimum=0, maximum=1) or 0)
            if "text" in result:
                entry["text"] = v.expect_string(result["text"], f"{at}.text")
            results.append(entry)
        checked.append({"match": dict(match), "results": results})
    return tuple(checked)


def _reject(body: dict[str, Any], allowed: tuple[str, ...], param: str) -> None:
    for key in body:
        if key not in allowed:
            raise e.InvalidRequestError(
                e.SCRIPT_UNKNOWN_FIELD.format(param=param, name=key, allowed=", ".join(allowed)),
                param=f"{param}.{key}",
            )


def _rule_matches(match: dict[str, str], query: str) -> bool:
    if "equals" in match and query.strip() != match["equals"].strip():
        return False
    if "contains" in match and match["contains"] not in query:
        return False
    return not ("regex" in match and re.search(match["regex"], query) is None)


class SearchOps(VectorStoresBase):
    def _candidates(self, ss: StoreState, queries: list[str]) -> list[tuple[float, int, int, str, str]]:
        """(score, file order, chunk position, file id, text) for one store, unsorted."""
        for rule in ss.search_script:
            if any(_rule_matches(rule["match"], q) for q in queries):
                found = []
                for i, result in enumerate(rule["results"]):
                    sf = ss.files.get(result["file_id"])
                    if sf is None or sf.status != "completed":
                        continue
                    text = result.get("text", sf.chunks[0][0] if sf.chunks else "")
                    score = result.get("score", max(0.05, round(1.0 - 0.05 * i, 4)))
                    found.append((score, sf.sequence, i, sf.data["id"], text))
                return found
        wanted = [s.words(q) for q in queries]
        found = []
        for sf in ss.files.values():
            if sf.status != "completed":
                continue
            for position, (text, chunk_words) in enumerate(sf.chunks):
                score = s.score(wanted, chunk_words)
                if score > 0:
                    found.append((score, sf.sequence, position, sf.data["id"], text))
        return found

    def _search(
        self,
        p: Project,
        stores: list[StoreState],
        queries: list[str],
        *,
        max_num_results: int,
        score_threshold: float,
        filters: dict[str, Any] | None,
    ) -> list[dict[str, Any]]:
        found: list[tuple[float, int, int, str, str, StoreState]] = []
        for ss in stores:
            self._settle(p, ss, read=True)
            self._touch(p, ss)
            found += [(*c, ss) for c in self._candidates(ss, queries)]
        results = []
        for score, _, _, file_id, text, ss in sorted(found, key=lambda c: (-c[0], c[1], c[2])):
            sf = ss.files[file_id]
            attributes = sf.data["attributes"]
            if score < score_threshold or (filters is not None and not s.matches_filter(filters, attributes)):
                continue
            results.append(shapes.search_result(file_id, sf.filename, score, attributes, text))
            if len(results) >= max_num_results:
                break
        return results

    @locked
    def search(self, project: str, store_id: str, body: dict[str, Any]) -> dict[str, Any]:
        p = self._project(project)
        ss = self._store(p, store_id)
        v.reject_unknown(body, SEARCH_FIELDS)
        queries = vp.queries(v.require(body, "query"))
        flt = None if body.get("filters") is None else vp.filters(body["filters"])
        limit = v.expect_int(body.get("max_num_results", 10), "max_num_results", minimum=1, maximum=50) or 10
        ranking = vp.ranking_options(body.get("ranking_options"))
        v.expect_bool(body.get("rewrite_query"), "rewrite_query", nullable=True)
        self._usable(p, ss)
        data = self._search(
            p, [ss], queries, max_num_results=limit, score_threshold=ranking["score_threshold"], filters=flt
        )
        return shapes.search_page(queries, data)

    @locked
    def search_results(
        self,
        project: str,
        store_ids: list[str],
        query: str | list[str],
        *,
        max_num_results: int = 10,
        score_threshold: float = 0.0,
        filters: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """What a ``file_search`` tool call finds across ``store_ids`` (best first): search result items
        (``file_id, filename, score, attributes, content``). Unknown or expired stores are skipped: the caller
        checked them when the reference was made. Counts as a use of each store (``last_active_at``)."""
        p = self._project(project)
        state = self._state(p)
        stores = [state.stores[i] for i in store_ids if i in state.stores]
        for ss in stores:
            self._refresh(p, ss)
        usable = [ss for ss in stores if ss.data["status"] != "expired"]
        queries = [query] if isinstance(query, str) else list(query)
        return self._search(
            p, usable, queries, max_num_results=max_num_results, score_threshold=score_threshold, filters=filters
        )

    @locked
    def script_search(self, project: str, store_id: str, rules: Any) -> list[dict[str, Any]]:
        """Replace the store's scripted search results; returns them normalized."""
        p = self._project(project)
        ss = self._store(p, store_id)
        ss.search_script = check_search_script(rules)
        return list(ss.search_script)
