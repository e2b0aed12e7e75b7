"""Run one scenario: the simulated apiserver in its own process, real ``ksm-shard`` replicas, every measurement.

For each configuration (the unsharded exporter once, then every shard count > 1 in every sharding mode):

1. start the replicas one after the other (each timed alone: time and CPU to first ``/readyz`` 200, RSS); a
   sharded configuration also syncs an unsharded replica alone just before its shards and again just after them:
   the mean of the two is the reference its shards' sync CPU is compared with (seconds apart, so in the same
   phase of a noisy machine);
2. idle CPU over a short window (subtracted from the churn windows);
3. scrapes without churn, plain and gzip (latency, body size, series);
4. steady pod churn windows (one per rate): CPU per received watch event, owned and not owned;
5. scrapes under churn (all resources, ``scrape_churn_rate``);
6. a churn ramp: per rate, the lag of a marker ConfigMap created mid-window until it shows in its owner's
   /metrics, and each shard's drain time after the window (until its watch event counters stop moving);
7. RSS after churn, then the union check against a freshly started unsharded exporter (exact multiset equality).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.measure import (
    ScrapeStats,
    Shard,
    Telemetry,
    owner_of,
    percentile,
    scrape,
    start_shard,
    wait_visible,
)
from benchmarks.scenarios import Scenario
from benchmarks.simproc import SimProcess
from ksm_shard.launch import union_check

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Runner:
    def __init__(self, scenario: Scenario, *, log: Log = _stderr, log_dir: str | None = None) -> None:
        self.sc = scenario
        self.log = log
        self.log_dir = log_dir or tempfile.mkdtemp(prefix=f"ksm-bench-{scenario.name}-")
        self.sim = SimProcess(scenario.pods, scenario.nodes, scenario.seed)
        self._markers = 0

    # --- the whole scenario -------------------------------------------------------------------------------------------

    def run(self) -> dict:
        t0 = time.monotonic()
        sc = self.sc
        self.log(f"scenario {sc.name}: {sc.pods} pods, shards {sc.shards}, modes {sc.modes}; logs in {self.log_dir}")
        precompile()
        self.sim.start_async()  # builds the cluster on one core while the micro benchmark runs on the other
        try:
            micro = self.hotpath()
            self.sim.wait_started()
            counts = self.sim.call("counts")["counts"]
            self.log(f"simulated apiserver {self.sim.url} built in {self.sim.build_s:.1f}s ({counts['pods']} pods)")
            startup = self.startup_baseline()
            runs = []
            configs = [("unsharded", 1)] if 1 in sc.shards else []
            configs += [(mode, n) for mode in sc.modes for n in sc.shards if n > 1]
            for mode, n in configs:
                runs.append(self.run_config(mode, n))
        finally:
            self.sim.stop()
        return {
            "schema": "ksm-shard-bench/1",
            "scenario": sc.to_json(),
            "date": time.strftime("%Y-%m-%d"),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "duration_s": time.monotonic() - t0,
            "machine": machine(),
            "cluster": {"objects": counts, "sim_build_s": self.sim.build_s},
            "startup": startup,
            "micro": micro,
            "runs": runs,
            "log_dir": self.log_dir,
        }

    def hotpath(self) -> dict:
        """The in-process micro benchmark, in a child process so it does not disturb the harness."""
        n = max(s for s in self.sc.shards)
        self.log(f"in-process hot path ({self.sc.hotpath_pods} pods, shard 0 of {n})")
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.hotpath", "--json", "--pods", str(self.sc.hotpath_pods), "--shards",
             str(max(2, n))],
            capture_output=True, text=True, check=True, timeout=900,
        )  # fmt: skip
        return json.loads(out.stdout.strip().splitlines()[-1])

    def _alone(self, name: str, timeout: float, extra: Sequence[str] = ()) -> dict:
        """One unsharded replica started alone, until ready, then stopped: time and CPU to ready, RSS."""
        s = start_shard(self.sim.url, 0, 1, log_dir=self.log_dir, name=name, extra=extra)
        try:
            ready = s.wait_ready(timeout)
            return {"ready_s": ready, "cpu_s": s.cpu(), "rss_bytes": s.rss()}
        finally:
            s.proc.stop()

    def startup_baseline(self) -> dict:
        """CPU and time to ready of a replica exporting one tiny resource: the fixed cost of a replica."""
        out = self._alone("startup", 120, ["--resources=storageclasses"])
        self.log(f"startup baseline: ready in {out['ready_s']:.2f}s, {out['cpu_s']:.2f} CPU s")
        return out

    # --- one configuration --------------------------------------------------------------------------------------------

    def sync_reference(self, tag: str, ready_timeout: float) -> float:
        """CPU seconds to first readiness of an unsharded replica synced alone (then stopped)."""
        out = self._alone(f"{tag}-sync-reference", ready_timeout)
        self.log(f"[{tag}] unsharded sync reference: ready {out['ready_s']:.2f}s, {out['cpu_s']:.2f} CPU s")
        return out["cpu_s"]

    def run_config(self, mode: str, n: int) -> dict:
        sc = self.sc
        self.sim.call("mode", server_side=(mode != "client"))
        tag = f"{mode}-{n}"
        self.log(f"[{tag}] starting {n} replica(s)")
        shards: list[Shard] = []
        per: list[dict] = []
        ready_timeout = max(180.0, sc.pods / 300)
        references = [self.sync_reference(tag, ready_timeout)] if n > 1 else []
        try:
            for i in range(n):
                s = start_shard(self.sim.url, i, n, log_dir=self.log_dir, name=f"{tag}-shard{i}")
                shards.append(s)
                ready = s.wait_ready(ready_timeout)
                rec = {"index": i, "ready_s": ready, "cpu_ready_s": s.cpu(), "worker_cpu_ready_s": s.worker_cpu(),
                       "rss_sync_bytes": s.rss()}  # fmt: skip
                tel = s.telemetry()
                rec["owned_objects"] = int(tel.total("ksm_shard_owned_objects"))
                rec["owned_pods"] = int(tel.total("ksm_shard_owned_objects", resource="pods"))
                rec["server_side"] = tel.total("ksm_shard_server_side_sharding", resource="pods") > 0
                per.append(rec)
                self.log(f"[{tag}] shard {i}: ready {ready:.2f}s, {rec['cpu_ready_s']:.2f} CPU s, "
                         f"RSS {rec['rss_sync_bytes'] / 1e6:.0f} MB, {rec['owned_objects']} objects")  # fmt: skip
            run: dict = {"mode": mode, "shards": n, "per_shard": per}
            if references:
                references.append(self.sync_reference(tag, ready_timeout))
                run["sync_reference"] = {"cpu_ready_s": sum(references) / len(references), "samples": references}
            self.idle(shards, per)
            self.scrapes(shards, per, "idle")
            run["event_windows"] = [self.event_window(shards, per, rate) for rate in sc.event_rates]
            run["scrape_churn"] = self.scrapes_under_churn(shards, per)
            run["ramp"] = self.ramp(shards, per, tag)
            for s, rec in zip(shards, per, strict=True):
                rec["rss_churn_bytes"] = s.rss()
            run["union"] = self.union(shards, tag)
            self.log(f"[{tag}] union: {run['union']['verdict']}")
            return run
        finally:
            self.sim.churn(0)
            for s in shards:
                s.proc.stop()

    def idle(self, shards: list[Shard], per: list[dict]) -> None:
        time.sleep(0.5)
        c0, t0 = [s.worker_cpu() for s in shards], time.monotonic()
        time.sleep(self.sc.idle_window_s)
        dt = time.monotonic() - t0
        for s, rec, c in zip(shards, per, c0, strict=True):
            rec["idle_cpu_per_s"] = (s.worker_cpu() - c) / dt

    def scrapes(self, shards: list[Shard], per: list[dict], condition: str) -> None:
        """Back-to-back scrapes per shard, plain then gzip; under churn, gzip ones come at a cadence instead."""
        for s, rec in zip(shards, per, strict=True):
            plain, _ = scrape(s, self.sc.scrapes, compressed=False)
            rec.setdefault("scrape", {})[condition] = {"plain": plain.summary()}
            if condition == "idle":
                gz, _ = scrape(s, self.sc.scrapes, compressed=True)
                rec["scrape"][condition]["gzip"] = gz.summary()
                rec["series"], rec["bytes_plain"], rec["bytes_gzip"] = plain.series, plain.bytes, gz.bytes
        if condition != "idle":
            for rec, gz in zip(per, self.gzip_rounds(shards), strict=True):
                rec["scrape"][condition]["gzip"] = gz.summary()

    def gzip_rounds(self, shards: list[Shard]) -> list[ScrapeStats]:
        """Gzip scrapes as Prometheus makes them: each shard once every ``gzip_scrape_interval_s``; the first
        ``gzip_warmup_rounds`` rounds are not counted."""
        interval = self.sc.gzip_scrape_interval_s
        stats = [ScrapeStats([], 0, 0) for _ in shards]
        start = time.monotonic()
        for r in range(self.sc.gzip_warmup_rounds + self.sc.scrapes):
            time.sleep(max(0.0, start + r * interval - time.monotonic()))
            for s, st in zip(shards, stats, strict=True):
                one, _ = scrape(s, 1, compressed=True, count=False)
                if r >= self.sc.gzip_warmup_rounds:
                    st.latencies.extend(one.latencies)
                    st.bytes = one.bytes
        return stats

    def scrapes_under_churn(self, shards: list[Shard], per: list[dict]) -> dict:
        rate = self.sc.scrape_churn_rate
        a = self.sim.call("stats")
        self.sim.churn(rate)
        time.sleep(1.0)
        try:
            self.scrapes(shards, per, "churn")
        finally:
            self.sim.churn(0)
        b = self.sim.call("stats")
        achieved = (b["changes"] - a["changes"]) / (b["time"] - a["time"])
        self.drain(shards)
        worst = max(r["scrape"]["churn"]["plain"]["p99_ms"] for r in per)
        self.log(f"scrapes under {rate:g}/s churn (achieved {achieved:.0f}/s): worst plain p99 {worst:.0f} ms")
        return {"rate": rate, "achieved": achieved}

    def event_window(self, shards: list[Shard], per: list[dict], rate: float) -> dict:
        """Pod churn at ``rate`` for ``event_window_s``: CPU per received watch event, per shard."""
        tel0 = [s.telemetry() for s in shards]
        cpu0 = [s.worker_cpu() for s in shards]
        a = self.sim.call("stats")
        self.sim.churn(rate, ["pods"])
        time.sleep(self.sc.event_window_s)
        b = self.sim.call("stats")
        cpu1 = [s.worker_cpu() for s in shards]
        tel1 = [s.telemetry() for s in shards]
        self.sim.churn(0)
        dt = b["time"] - a["time"]
        achieved = (b["changes"] - a["changes"]) / dt
        for i, rec in enumerate(per):
            rec.setdefault("event_windows", []).append(_event_costs(rate, dt, cpu1[i] - cpu0[i], rec["idle_cpu_per_s"],
                                                                     tel0[i], tel1[i]))  # fmt: skip
        self.drain(shards)
        ws = [r["event_windows"][-1] for r in per]
        owned = sum(w["owned"] for w in ws)
        cpu = sum(w["cpu_net_s"] for w in ws)
        recv = sum(w["owned"] + w["not_owned"] for w in ws)
        self.log(f"pod churn {rate:g}/s (achieved {achieved:.0f}/s, {dt:.1f}s): {recv:.0f} events received "
                 f"({owned:.0f} owned), {cpu / max(recv, 1) * 1e6:.1f} us CPU per received event")  # fmt: skip
        return {"rate": rate, "achieved": achieved, "window_s": dt}

    def drain(self, shards: list[Shard], timeout: float = 60.0) -> list[float | None]:
        """Seconds after now until each shard's watch event counters stop moving (and the sim's queues are empty)."""
        t0 = time.monotonic()
        last: list[float | None] = [None] * len(shards)
        done: list[float | None] = [None] * len(shards)
        prev_t = t0
        while time.monotonic() - t0 < timeout and any(d is None for d in done):
            backlog = self.sim.call("stats")["backlog"]
            now = time.monotonic()
            for i, s in enumerate(shards):
                if done[i] is not None:
                    continue
                owned, not_owned = s.telemetry().events()
                total = owned + not_owned
                if last[i] == total and backlog == 0:
                    done[i] = prev_t - t0
                last[i] = total
            prev_t = now
            time.sleep(0.2)
        return done

    def ramp(self, shards: list[Shard], per: list[dict], tag: str) -> list[dict]:
        """Raise the churn rate until no shard keeps up (or the simulated apiserver cannot go faster)."""
        sc = self.sc
        steps = []
        alive = [True] * len(shards)
        for rate in sc.ramp_rates:
            name = f"bench-marker-{self._markers}"
            self._markers += 1
            a = self.sim.call("stats")
            self.sim.churn(rate)
            time.sleep(sc.ramp_window_s / 2)
            uid = self.sim.call("marker", name=name)["uid"]
            owner = owner_of(shards, uid)
            lag = wait_visible(owner, name, timeout=sc.ramp_window_s / 2 + 10 * sc.lag_bound_s)
            rest = sc.ramp_window_s / 2 - (lag or 0.0)
            if rest > 0:
                time.sleep(rest)
            b = self.sim.call("stats")
            self.sim.churn(0)
            backlog = b["backlog"]
            drains = self.drain(shards)
            self.sim.call("unmarker", name=name)
            achieved = (b["changes"] - a["changes"]) / (b["time"] - a["time"])
            sim_limited = achieved < 0.9 * rate
            lag_ok = lag is not None and lag <= sc.lag_bound_s
            for i, (rec, d) in enumerate(zip(per, drains, strict=True)):
                ok = d is not None and d <= sc.lag_bound_s and (shards[i] is not owner or lag_ok)
                rec.setdefault("ramp", []).append({"rate": rate, "achieved": achieved, "drain_s": d, "keeps_up": ok})
                if ok and alive[i]:  # kept up with what the simulated apiserver delivered
                    rec["max_sustained_rate"] = max(rec.get("max_sustained_rate", 0.0), achieved)
                alive[i] = alive[i] and ok
            step = {"rate": rate, "achieved": achieved, "marker_lag_s": lag, "owner": owner.index,
                    "backlog_at_stop": backlog, "max_drain_s": max((d for d in drains if d is not None), default=None),
                    "all_keep_up": all(r["ramp"][-1]["keeps_up"] for r in per), "sim_limited": sim_limited}  # fmt: skip
            steps.append(step)
            lag_txt = f"{lag:.2f}s" if lag is not None else "timeout"
            drain_txt = f"{step['max_drain_s']:.2f}s" if step["max_drain_s"] is not None else "timeout"
            self.log(f"[{tag}] ramp {rate:g}/s: achieved {achieved:.0f}/s{' (sim-limited)' if sim_limited else ''}, "
                     f"marker lag {lag_txt}, drain {drain_txt}, all shards keep up: {step['all_keep_up']}")  # fmt: skip
            # the simulated apiserver stalls now and then on 2 cores: give up only when it falls short twice in a row
            if not any(alive) or (sim_limited and len(steps) > 1 and steps[-2]["sim_limited"]):
                break
        for rec, ok in zip(per, alive, strict=True):
            rec.setdefault("max_sustained_rate", 0.0)
            rec["max_rate_is_lower_bound"] = ok  # never fell behind: the ramp or the simulator ran out first
        return steps

    def union(self, shards: list[Shard], tag: str) -> dict:
        ref = start_shard(self.sim.url, 0, 1, log_dir=self.log_dir, name=f"{tag}-reference")
        try:
            ref.wait_ready(max(180.0, self.sc.pods / 300))
            reference = ref.proc.metrics()
            bodies = [s.proc.metrics() for s in shards]
        finally:
            ref.proc.stop()
        ok, verdict = union_check(bodies, reference)
        return {"ok": ok, "verdict": verdict}


def _event_costs(rate: float, dt: float, cpu: float, idle_per_s: float, t0: Telemetry, t1: Telemetry) -> dict:
    o0, n0 = t0.events()
    o1, n1 = t1.events()
    po0, pn0 = t0.events("pods")
    po1, pn1 = t1.events("pods")
    net = max(0.0, cpu - idle_per_s * dt)
    owned, not_owned = o1 - o0, n1 - n0
    recv = owned + not_owned
    return {
        "rate": rate,
        "window_s": dt,
        "cpu_s": cpu,
        "cpu_net_s": net,
        "owned": owned,
        "not_owned": not_owned,
        "pods_owned": po1 - po0,
        "pods_not_owned": pn1 - pn0,
        "us_per_event": net / recv * 1e6 if recv else None,
        "us_per_owned_event": net / owned * 1e6 if owned and not not_owned else None,
    }


def precompile() -> None:
    """Bytecode for the package, as the image has it (Dockerfile: compileall): a source checkout run with
    PYTHONDONTWRITEBYTECODE would otherwise compile ksm_shard in every replica it starts (~0.12 CPU-s each)."""
    import compileall

    import ksm_shard

    compileall.compile_dir(str(Path(ksm_shard.__file__).parent), quiet=1)


def machine() -> dict:
    import os

    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, timeout=10).stdout.strip()  # fmt: skip
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "ksm_shard"], capture_output=True, text=True,
                                    cwd=Path(__file__).parent.parent, timeout=10).stdout.strip())  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", False
    return {
        "cpus": os.cpu_count(),
        "memory_bytes": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit,
        "ksm_shard_dirty": dirty,
    }


__all__ = ["Runner", "machine", "percentile"]
