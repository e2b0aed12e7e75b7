"""CPU cost of the hot paths, in-process: watch events (owned / not owned) and scrape assembly.

    python -m benchmarks.hotpath [--pods 20000] [--shards 8] [--json]

Events are real pod watch lines from the synthetic cluster, encoded as the simulated apiserver sends them.
Times are CPU seconds (process_time) divided by the number of events or series.
"""

from __future__ import annotations

import argparse
import json
import time

from ksm_shard.generator import ResourceRenderer
from ksm_shard.gzipbody import gzip_body
from ksm_shard.kube.kinds import KINDS
from ksm_shard.kube.reflector import Reflector
from ksm_shard.resources import RESOURCES
from ksm_shard.sharding import ShardFilter
from ksm_shard.sim.cluster import generate_cluster
from ksm_shard.sim.storage import Storage, event_line, type_prefix
from ksm_shard.store import ResourceOutput, exposition


def pod_event_lines(pods: int) -> tuple[list[bytes], list[bytes]]:
    """MODIFIED lines of every pod as listed, and of a next version of each (a container restarted, new RV)."""
    storage = Storage()
    storage.bulk_load("pods", generate_cluster(pods)["pods"])
    prefix = type_prefix(KINDS["pods"])
    first, second = [], []
    for o in storage.list("pods"):
        raw = storage.get_raw("pods", o["metadata"]["namespace"], o["metadata"]["name"])
        first.append(event_line("MODIFIED", prefix, raw))
        o["metadata"]["resourceVersion"] = str(int(o["metadata"]["resourceVersion"]) + 1_000_000)
        for cs in o.get("status", {}).get("containerStatuses", [])[:1]:
            cs["restartCount"] = cs.get("restartCount", 0) + 1
            ended = {"exitCode": 137, "reason": "OOMKilled", "finishedAt": "2026-11-25T11:00:00Z"}
            cs["lastState"] = {"terminated": ended}
        second.append(event_line("MODIFIED", prefix, json.dumps(o, separators=(",", ":")).encode()))
    return first, second


def reflector(shard: ShardFilter, out: ResourceOutput, renderer: ResourceRenderer) -> Reflector:
    slot = out.new_slot()
    slot.current.publish()  # as after its first LIST: events now go to a served store
    return Reflector(None, KINDS["pods"], renderer, slot, shard)  # type: ignore[arg-type]


def measure(pods: int = 20000, shards: int = 8) -> dict:
    """The hot-path costs as a dict (CPU microseconds per event, scrape assembly milliseconds).

    Events are measured in steady state, as a watch sees them after the initial LIST: every pod is already in the
    store, and each event is its next version (one container restarted), so decode, render and the store's fold of
    the changed families are all paid.
    """
    listed, lines = pod_event_lines(pods)
    size = sum(map(len, lines)) / len(lines)
    renderer = ResourceRenderer(RESOURCES["pods"])
    shard = ShardFilter(0, shards)
    out = ResourceOutput("pods", renderer.headers, [f.name for f in renderer.families])
    r = reflector(shard, out, renderer)
    store = r.slot.current
    for ln in listed:
        r._handle_line(store, ln)
    owned, not_owned = [], []
    for ln in lines:
        i = ln.find(b'"uid":"') + 7
        (owned if r.shard.owns(ln[i : i + 36]) else not_owned).append(ln)

    t = time.process_time()
    for ln in not_owned:
        r._handle_line(store, ln)
    t_not = (time.process_time() - t) / max(1, len(not_owned))

    t = time.process_time()
    for ln in owned:
        r._handle_line(store, ln)
    t_owned = (time.process_time() - t) / max(1, len(owned))

    whole = ResourceOutput("pods", renderer.headers, [f.name for f in renderer.families])
    rw = reflector(ShardFilter(0, 1), whole, renderer)
    for ln in listed:
        rw._handle_line(rw.slot.current, ln)
    exposition([whole])  # as after the first scrape
    t = time.process_time()
    for ln in lines:
        rw._handle_line(rw.slot.current, ln)
    t_unsharded = (time.process_time() - t) / len(lines)

    exposition([whole])
    t = time.perf_counter()
    body = exposition([whole])
    t_scrape = time.perf_counter() - t
    series = sum(part.count(b"\n") for part in body) - 2 * len(renderer.headers)
    nbytes = sum(map(len, body))
    changes = lines[:: max(1, len(lines) // 1000)]  # ~1000 changes spread over the store
    for ln in changes:
        rw._handle_line(rw.slot.current, ln.replace(b'"restartCount":', b'"restartCount":1'))
    t = time.perf_counter()
    exposition([whole])
    t_dirty = time.perf_counter() - t
    for ln in changes:
        rw._handle_line(rw.slot.current, ln.replace(b'"restartCount":', b'"restartCount":2'))
    t = time.perf_counter()
    gz_bytes = sum(map(len, gzip_body(exposition([whole]))))
    t_dirty_gzip = time.perf_counter() - t
    return {
        "pods": len(lines),
        "shards": shards,
        "event_bytes_avg": size,
        "owned_events": len(owned),
        "not_owned_events": len(not_owned),
        "not_owned_us": t_not * 1e6,
        "owned_us": t_owned * 1e6,
        "unsharded_us": t_unsharded * 1e6,
        "scrape_series": series,
        "scrape_bytes": nbytes,
        "scrape_cached_ms": t_scrape * 1e3,
        "scrape_dirty_ms": t_dirty * 1e3,
        "scrape_dirty_gzip_ms": t_dirty_gzip * 1e3,
        "scrape_gzip_bytes": gz_bytes,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pods", type=int, default=20000)
    p.add_argument("--shards", type=int, default=8)
    p.add_argument("--json", action="store_true", help="print the numbers as one JSON object")
    args = p.parse_args(argv)
    m = measure(args.pods, args.shards)
    if args.json:
        print(json.dumps(m))
        return
    print(f"pod watch events: {m['pods']} ({m['event_bytes_avg'] / 1024:.1f} KiB average), shard 0 of {args.shards}")
    print(f"  not owned (client-side filter): {m['not_owned_us']:6.1f} us CPU per event")
    print(f"  owned (decode + render + store): {m['owned_us']:6.1f} us CPU per event")
    print(f"  unsharded, every event:          {m['unsharded_us']:6.1f} us CPU per event")
    print(f"scrape assembly, {m['scrape_series']} series / {m['scrape_bytes'] / 1e6:.1f} MB: "
          f"{m['scrape_cached_ms']:.1f} ms with all buckets cached, "
          f"{m['scrape_dirty_ms']:.1f} ms after ~1000 changes, gzip {m['scrape_dirty_gzip_ms']:.1f} ms "
          f"({m['scrape_gzip_bytes'] / 1e6:.1f} MB) after ~1000 more")  # fmt: skip


if __name__ == "__main__":
    main()
