"""The simulated apiserver in a process of its own, with a control channel for the benchmark harness.

    python -m benchmarks.simproc --pods 20000 --nodes 667 [--port 0] [--seed 0]

Builds ``Storage`` + ``SimApiServer`` + ``Churner`` and then reads one JSON command per line on stdin, answering
one JSON line on stdout (the first stdout line announces the URL). Running the apiserver apart from the harness
and the exporters keeps its CPU out of the exporters' numbers. Commands (``{"cmd": ..., ...}``):

* ``churn`` ``rate`` (changes/s, 0 stops), ``resources`` (list or null for all): (re)starts the churn thread.
* ``mode`` ``server_side`` (bool): whether LIST/WATCH honour ``shardSelector`` (new requests only).
* ``stats``: resource version, churn changes so far, watch backlog (events queued in the sim, not yet sent).
* ``marker`` ``name``: creates a ConfigMap ``default/<name>``; answers its uid. ``unmarker`` deletes it.
* ``counts``: objects per resource.  ``quit``: stop and exit.

``SimProcess`` is the harness side.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from typing import Any

MARKER_NAMESPACE = "default"
CHURN_SEED_OFFSET = 7919


# --- the child --------------------------------------------------------------------------------------------------------


class _Sim:
    def __init__(self, pods: int, nodes: int | None, seed: int, host: str, port: int) -> None:
        from ksm_shard.sim.apiserver import SimApiServer
        from ksm_shard.sim.churn import Churner
        from ksm_shard.sim.cluster import generate_cluster
        from ksm_shard.sim.storage import Storage

        self.storage = Storage()
        for resource, objs in generate_cluster(pods, seed=seed, nodes=nodes).items():
            self.storage.bulk_load(resource, objs)
        self.server = SimApiServer(self.storage, host, port, bookmark_interval=5.0)
        self.server.start()
        # Not the cluster's seed: the churner draws new UIDs from its Random, and with the generator's seed it
        # would replay the generator's UID sequence, giving new pods the UIDs of existing objects.
        self.churner = Churner(self.storage, 0.0, seed=seed + CHURN_SEED_OFFSET)

    def handle(self, msg: dict[str, Any]) -> dict[str, Any]:
        cmd = msg.get("cmd")
        if cmd == "churn":
            ch = self.churner
            ch.stop()
            ch.rate = float(msg.get("rate") or 0.0)
            res = msg.get("resources")
            ch.resources = frozenset(res) if res else None
            ch.start()
            return {"ok": True, "changes": ch.changes}
        if cmd == "mode":
            self.server.shard_selector_supported = bool(msg["server_side"])
            return {"ok": True}
        if cmd == "stats":
            backlog = [w.queue.qsize() for w in self.storage.watchers()]
            return {
                "ok": True,
                "rv": self.storage.resource_version,
                "changes": self.churner.changes,
                "time": time.monotonic(),
                "watchers": len(backlog),
                "backlog": sum(backlog),
                "backlog_max": max(backlog, default=0),
            }
        if cmd == "marker":
            obj = {"metadata": {"name": msg["name"], "namespace": MARKER_NAMESPACE}, "data": {"t": str(time.time())}}
            stored = self.storage.create("configmaps", obj)
            return {"ok": True, "uid": stored["metadata"]["uid"]}
        if cmd == "unmarker":
            self.storage.delete("configmaps", MARKER_NAMESPACE, msg["name"])
            return {"ok": True}
        if cmd == "counts":
            from ksm_shard.kube.kinds import KINDS

            return {"ok": True, "counts": {r: self.storage.count(r) for r in KINDS if self._has(r)}}
        if cmd == "quit":
            self.churner.stop()
            self.server.stop()
            return {"ok": True}
        return {"ok": False, "error": f"unknown command {cmd!r}"}

    def _has(self, resource: str) -> bool:
        try:
            return self.storage.count(resource) > 0
        except KeyError:
            return False


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.simproc", description=__doc__.splitlines()[0])
    p.add_argument("--pods", type=int, required=True)
    p.add_argument("--nodes", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args(argv)
    t0 = time.monotonic()
    sim = _Sim(args.pods, args.nodes, args.seed, args.host, args.port)
    print(json.dumps({"url": sim.server.url, "build_s": time.monotonic() - t0}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = sim.handle(json.loads(line))
        except Exception as e:  # answer, never die: the harness is waiting for a line
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)
        if json.loads(line).get("cmd") == "quit":
            return 0
    sim.churner.stop()
    sim.server.stop()
    return 0


# --- the harness side -------------------------------------------------------------------------------------------------


class SimProcess:
    """Start ``python -m benchmarks.simproc`` and talk to it (thread-safe)."""

    def __init__(self, pods: int, nodes: int | None = None, seed: int = 0) -> None:
        self.pods, self.nodes, self.seed = pods, nodes, seed
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.build_s = 0.0
        self._lock = threading.Lock()

    def start(self, timeout: float = 900.0) -> SimProcess:
        self.start_async()
        self.wait_started(timeout)
        return self

    def start_async(self) -> None:
        cmd = [sys.executable, "-m", "benchmarks.simproc", "--pods", str(self.pods), "--seed", str(self.seed)]
        if self.nodes is not None:
            cmd += ["--nodes", str(self.nodes)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def wait_started(self, timeout: float = 900.0) -> None:
        hello = self._readline(timeout)
        self.url, self.build_s = hello["url"], hello["build_s"]

    def _readline(self, timeout: float) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        box: list[str] = []
        t = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        t.start()
        t.join(timeout)
        if not box or not box[0]:
            raise RuntimeError(f"simulated apiserver did not answer (exit code {self.proc.poll()})")
        return json.loads(box[0])

    def call(self, cmd: str, timeout: float = 120.0, **kw: Any) -> dict[str, Any]:
        with self._lock:
            assert self.proc is not None and self.proc.stdin is not None
            self.proc.stdin.write(json.dumps({"cmd": cmd, **kw}) + "\n")
            self.proc.stdin.flush()
            answer = self._readline(timeout)
        if not answer.get("ok"):
            raise RuntimeError(f"sim {cmd}: {answer.get('error')}")
        return answer

    def churn(self, rate: float, resources: list[str] | None = None) -> None:
        self.call("churn", rate=rate, resources=resources)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.call("quit", timeout=20)
            self.proc.wait(20)
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()

    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid


if __name__ == "__main__":
    sys.exit(main())
