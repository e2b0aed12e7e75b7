"""Run the simulated apiserver alone: ``python -m ksm_shard.sim`` or ``ksm-shard sim``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from ksm_shard.flagtypes import non_negative, non_negative_number, port_or_zero, positive_number
from ksm_shard.sim.apiserver import SimApiServer
from ksm_shard.sim.churn import Churner
from ksm_shard.sim.cluster import generate_cluster
from ksm_shard.sim.storage import Storage


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="ksm-shard sim", description="Simulated Kubernetes apiserver with a synthetic cluster."
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port_or_zero, default=0, help="0 picks a free port (printed)")
    p.add_argument("--pods", type=non_negative, default=3000, help="pods in the synthetic cluster")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--churn", type=non_negative_number, default=0.0, help="changes per second")
    p.add_argument("--bookmark-interval", type=positive_number, default=60.0,
                   help="seconds between watch bookmarks")  # fmt: skip
    p.add_argument("--no-shard-selector", action="store_true", help="behave like an apiserver without KEP-5866")
    p.add_argument("--token", help="require this bearer token")
    args = p.parse_args(argv)

    t0 = time.monotonic()
    storage = Storage()
    for resource, objs in generate_cluster(args.pods, seed=args.seed).items():
        storage.bulk_load(resource, objs)
    server = SimApiServer(storage, args.host, args.port, bookmark_interval=args.bookmark_interval,
                          shard_selector_supported=not args.no_shard_selector, token=args.token)  # fmt: skip
    server.start()
    print(f"simulated apiserver on {server.url} ({args.pods} pods, ready in {time.monotonic() - t0:.1f}s)", flush=True)
    churner = Churner(storage, args.churn, seed=args.seed) if args.churn > 0 else None
    if churner:
        churner.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while stopping: no traceback
    if churner:
        churner.stop()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
