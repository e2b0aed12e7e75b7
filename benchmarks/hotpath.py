"""CPU cost of the hot paths, in-process: watch events (owned / not owned) and scrape assembly.

    python -m benchmarks.hotpath [--pods 20000] [--shards 8]

Events are real pod watch lines from the synthetic cluster, encoded as the simulated apiserver sends them.
Times are CPU seconds (process_time) divided by the number of events or series.
"""

from __future__ import annotations

import argparse
import time

from ksm_shard.generator import ResourceRenderer
from ksm_shard.kube.kinds import KINDS
from ksm_shard.kube.reflector import Reflector
from ksm_shard.resources import RESOURCES
from ksm_shard.sharding import ShardFilter
from ksm_shard.sim.cluster import generate_cluster
from ksm_shard.sim.storage import Storage, event_line, type_prefix
from ksm_shard.store import ResourceOutput, exposition


def pod_event_lines(pods: int) -> list[bytes]:
    storage = Storage()
    storage.bulk_load("pods", generate_cluster(pods)["pods"])
    prefix = type_prefix(KINDS["pods"])
    return [event_line("MODIFIED", prefix, storage.get_raw("pods", o["metadata"]["namespace"], o["metadata"]["name"]))
            for o in storage.list("pods")]  # fmt: skip


def reflector(shard: ShardFilter, out: ResourceOutput, renderer: ResourceRenderer) -> Reflector:
    return Reflector(None, KINDS["pods"], renderer, out.new_slot(), shard)  # type: ignore[arg-type]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pods", type=int, default=20000)
    p.add_argument("--shards", type=int, default=8)
    args = p.parse_args()

    lines = pod_event_lines(args.pods)
    size = sum(map(len, lines)) / len(lines)
    renderer = ResourceRenderer(RESOURCES["pods"])
    shard = ShardFilter(0, args.shards)
    out = ResourceOutput("pods", renderer.headers, [f.name for f in renderer.families])
    r = reflector(shard, out, renderer)
    store = r.slot.current
    owned = [ln for ln in lines if r.shard.owns(ln[ln.find(b'"uid":"') + 7 : ln.find(b'"uid":"') + 43])]
    not_owned = [ln for ln in lines if ln not in set(owned)]

    t = time.process_time()
    for ln in not_owned:
        r._handle_line(store, ln)
    t_not = (time.process_time() - t) / len(not_owned)

    t = time.process_time()
    for ln in owned:
        r._handle_line(store, ln)
    t_owned = (time.process_time() - t) / len(owned)

    whole = ResourceOutput("pods", renderer.headers, [f.name for f in renderer.families])
    rw = reflector(ShardFilter(0, 1), whole, renderer)
    t = time.process_time()
    for ln in lines:
        rw._handle_line(rw.slot.current, ln)
    t_unsharded = (time.process_time() - t) / len(lines)

    exposition([whole])  # first scrape joins every bucket
    t = time.perf_counter()
    body = exposition([whole])
    t_scrape = time.perf_counter() - t
    series = sum(part.count(b"\n") for part in body) - 2 * len(renderer.headers)
    nbytes = sum(map(len, body))
    for ln in lines[:: max(1, len(lines) // 1000)]:  # ~1000 changes spread over the buckets
        rw._handle_line(rw.slot.current, ln)
    t = time.perf_counter()
    exposition([whole])
    t_dirty = time.perf_counter() - t

    print(f"pod watch events: {len(lines)} ({size / 1024:.1f} KiB average), shard 0 of {args.shards}")
    print(f"  not owned (client-side filter): {t_not * 1e6:6.1f} us CPU per event")
    print(f"  owned (decode + render + store): {t_owned * 1e6:6.1f} us CPU per event")
    print(f"  unsharded, every event:          {t_unsharded * 1e6:6.1f} us CPU per event")
    print(f"scrape assembly, {series} series / {nbytes / 1e6:.1f} MB: {t_scrape * 1e3:.1f} ms with all buckets cached, "
          f"{t_dirty * 1e3:.1f} ms after ~1000 changes")  # fmt: skip


if __name__ == "__main__":
    main()
