"""``ksm-shard demo``: a simulated cluster, three shards and one unsharded exporter, and the union check.

Everything runs on 127.0.0.1: the simulated apiserver in this process, the exporters as real ``ksm-shard``
processes (gunicorn), exactly as they would run against a cluster.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import threading
import time

from ksm_shard.flagtypes import non_negative, non_negative_number, positive
from ksm_shard.launch import exporters, union_check
from ksm_shard.sim.apiserver import SimApiServer
from ksm_shard.sim.churn import Churner
from ksm_shard.sim.cluster import generate_cluster
from ksm_shard.sim.storage import Storage


def start_simulated_cluster(pods: int, *, seed: int = 0, shard_selector: bool = True,
                            bookmark_interval: float = 30.0) -> tuple[Storage, SimApiServer]:  # fmt: skip
    storage = Storage()
    for resource, objs in generate_cluster(pods, seed=seed).items():
        storage.bulk_load(resource, objs)
    server = SimApiServer(storage, bookmark_interval=bookmark_interval, shard_selector_supported=shard_selector)
    server.start()
    return storage, server


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="ksm-shard demo", description=__doc__.splitlines()[0])
    p.add_argument("--pods", type=non_negative, default=3000,
                   help="pods in the simulated cluster (default 3000)")  # fmt: skip
    p.add_argument("--shards", type=positive, default=3, help="number of shards (default 3)")
    p.add_argument("--churn", type=non_negative_number, default=5.0,
                   help="changes per second after the check (default 5)")  # fmt: skip
    p.add_argument("--client-side", action="store_true", help="simulate an apiserver without shardSelector support")
    p.add_argument("--check-only", action="store_true", help="exit after the union check (status 0 when exact)")
    args = p.parse_args(argv)

    t0 = time.monotonic()
    storage, server = start_simulated_cluster(args.pods, shard_selector=not args.client_side)
    counts = {r: len(storage.list(r)) for r in ("namespaces", "nodes", "deployments", "pods", "jobs", "configmaps")}
    print(f"simulated apiserver: {server.url}  ({', '.join(f'{n} {r}' for r, n in counts.items())})")
    log_dir = tempfile.mkdtemp(prefix="ksm-shard-demo-")
    arg_sets = [["--shard", str(i), "--total-shards", str(args.shards)] for i in range(args.shards)] + [[]]
    names = [f"shard-{i}" for i in range(args.shards)] + ["unsharded"]
    with exporters(server.url, arg_sets, log_dir=log_dir, names=names) as procs:
        for proc in procs:
            proc.wait_ready()
        mode = "client-side filtering" if args.client_side else "server-side shardSelector"
        print(f"all exporters ready after {time.monotonic() - t0:.1f}s ({mode}); logs in {log_dir}")
        for proc in procs:
            print(f"  {proc.name:10s} metrics {proc.url}/metrics   telemetry {proc.telemetry_url}/metrics")
        ok, verdict = union_check([p.metrics() for p in procs[:-1]], procs[-1].metrics())
        print(f"union of {args.shards} shards vs unsharded exporter: {verdict}")
        if args.check_only:
            server.stop()
            return 0 if ok else 1
        churner = Churner(storage, args.churn)
        churner.start()
        print(f"churning {args.churn:g} changes/s; press Ctrl-C to stop")
        done = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        try:
            while not done.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while stopping: no traceback
        churner.stop()
    server.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
