"""Files and vector stores through the SDK vs the bare-Starlette floor.

Calls: files.create (a 1 KiB upload: multipart parsing, storing), files.content (the bytes back), the two as
one round trip, and vector_stores.search on a store of 1,000 processed files (lexical scoring of every chunk).
Targets: upload/content ratio <= 1.3; search on 1,000 files <= 2.0 (its cost grows with the store).
"""

from __future__ import annotations

import argparse
import json
import statistics

from common import API_KEY, floor_server, interleaved, spread, table, us, verdict

from mockserver import MockServer

WORDS = ["refund", "shipping", "invoice", "warranty", "return", "exchange", "delivery", "payment", "account", "other"]


def main(quick: bool = False) -> bool:
    calls, repeats = (30, 5) if quick else (200, 11)
    files = 200 if quick else 1000
    blob = bytes(range(256)) * 4
    with MockServer() as ours:
        client = ours.client(api_key=API_KEY)
        ours.store.vector_stores.configure_processing(API_KEY, {"progress": "immediate"})
        store = client.vector_stores.create(name="bench")
        ids = []
        for i in range(files):
            text = f"document {i}: {WORDS[i % 10]} {WORDS[(i * 7) % 10]}"
            item = {"filename": f"doc{i}.txt", "purpose": "assistants", "content": text}
            ids.append(ours.store.files.seed_file(API_KEY, item)["id"])
        for start in range(0, files, 500):
            client.vector_stores.file_batches.create(vector_store_id=store.id, file_ids=ids[start : start + 500])
        made = client.files.create(file=("blob.png", blob), purpose="vision")
        search = {"vector_store_id": store.id, "query": "refund payment", "max_num_results": 10}
        canned = {
            ("POST", "/v1/files"): json.dumps(made.model_dump()).encode(),
            ("GET", f"/v1/files/{made.id}/content"): blob,
            ("POST", f"/v1/vector_stores/{store.id}/search"): json.dumps(
                client.vector_stores.search(**search).model_dump()
            ).encode(),
        }
        with floor_server(canned) as floor:
            floor_client = floor.client(api_key=API_KEY)

            def ops(c: object) -> dict[str, object]:
                sdk = c  # type: ignore[assignment]

                def round_trip() -> None:
                    new = sdk.files.create(file=("blob.png", blob), purpose="vision")  # type: ignore[attr-defined]
                    sdk.files.content(made.id if new.id == made.id else new.id).read()  # type: ignore[attr-defined]

                return {
                    "files.create (1 KiB)": lambda: sdk.files.create(file=("blob.png", blob), purpose="vision"),  # type: ignore[attr-defined]
                    "files.content (1 KiB)": lambda: sdk.files.content(made.id).read(),  # type: ignore[attr-defined]
                    "upload + content": round_trip,
                    f"search ({files} files)": lambda: sdk.vector_stores.search(**search),  # type: ignore[attr-defined]
                }

            rows, worst_io, search_ratio = [], 0.0, 0.0
            ours_ops, floor_ops = ops(client), ops(floor_client)
            for name in ours_ops:
                r = interleaved({"ours": ours_ops[name], "floor": floor_ops[name]}, calls=calls, repeats=repeats)
                mo, mf = statistics.median(r["ours"]), statistics.median(r["floor"])
                ratio = mo / mf
                if name.startswith("search"):
                    search_ratio = ratio
                else:
                    worst_io = max(worst_io, ratio)
                rows.append([name, us(mo), us(spread(r["ours"])), us(mf), us(spread(r["floor"])), f"{ratio:.3f}"])
    table(
        "Files and vector stores: mockserver vs bare Starlette floor (median per call, IQR)",
        ["call", "ours", "ours IQR", "floor", "floor IQR", "ratio"],
        rows,
    )
    io_ok = verdict("files upload/content worst ratio", worst_io, 1.3)
    return verdict(f"vector store search ({files} files) ratio", search_ratio, 2.0) and io_ok


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    raise SystemExit(0 if main(parser.parse_args().quick) else 1)
