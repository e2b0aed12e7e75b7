"""Relist RSS: does a full relist of the pods (after 410 Gone) double the exporter's memory?

    python -m benchmarks.relist [--pods 150000] [--nodes N] [--client-shards 0] [--out benchmarks/results]

Issue #7: "relisting 150k pods does not double RSS (stream and decode page by page, swap when done)". One real
``ksm-shard`` exporter (gunicorn arbiter + worker, over HTTP) syncs a synthetic cluster served by the simulated
apiserver (in a process of its own, like ``benchmarks.simproc`` plus fault commands); it is scraped once; then the
pods are relisted twice, each time forced the way a real apiserver forces it: the pods watch is cut and the
reconnecting watch gets a 410 Gone ERROR event (``SimApiServer.fail_next(..., watch_event=True)`` +
``drop_watches()``), so the reflector LISTs every pod page by page into a new store and swaps it in.

1. ``unchanged``: nothing changed while the watch was down (the common 410: the reflector reuses the rendered
   lines of objects whose resourceVersion did not move, so old and new store share them);
2. ``changed``: first every pod watch stream is stalled and every pod is modified (an annotation, which changes
   its resourceVersion but not its series), so the relist decodes and renders all of them again while the old
   store is still being served: the worst case for "two copies".

The worker's RSS (``/proc/<worker>/statm``) is sampled every ``--sample-interval`` (0.2 s) from its start to the end.
A relist is done when the exporter's telemetry counts one more successful pods LIST
(``kube_state_metrics_list_total{resource="*v1.Pod",result="success"}``) and its 410 relist counter
(``ksm_shard_relists_total{resource="pods"}``) moved. Then /metrics is scraped again: same series count (and, with
no churn, the same samples). Verdict per relist: peak RSS during it <= 1.5 x the RSS just before it.

Why unsharded by default: it holds every pod's rendered lines, so "old store + new store" is the largest absolute
and relative amount memory can grow by; a client-side shard (``--client-shards N``: shard 0 of N, the apiserver
ignores ``shardSelector``) receives and decodes the same LIST pages but keeps only 1/N of them, so its doubling
risk is smaller (its decode buffers weigh more relative to its store, which the option lets one measure).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import Shard, count_series, proc_rss, start_shard
from benchmarks.report import target
from benchmarks.simproc import SimProcess, _Sim
from benchmarks.soak import MB, RssSampler, machine, publish, pyplot

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "benchmarks" / "results"
PEAK_RATIO = 1.5
POD_LABEL = "*v1.Pod"  # the telemetry label of the pods reflector (Kind.telemetry_label)
PODS_WATCH = r"^/api/v1/pods\?(.*&)?watch=(true|1)"  # only the watch: a LIST must never get the 410
TOUCH_KEY = "ksm-bench/relist"


def log(msg: str) -> None:
    print(f"[relist {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- the simulated apiserver with fault commands (child process) -----------------------------------------------------


class _FaultSim(_Sim):
    """``benchmarks.simproc``'s child plus: ``stall_watches``, ``touch_pods``, ``relist_pods``."""

    def handle(self, msg: dict[str, Any]) -> dict[str, Any]:
        cmd = msg.get("cmd")
        if cmd == "stall_watches":
            return {"ok": True, "stalled": self.server.stall_watches(float(msg["seconds"]))}
        if cmd == "touch_pods":
            t0 = time.monotonic()
            n = 0
            for pod in self.storage.list("pods"):
                md = pod["metadata"]
                patch = {"metadata": {"annotations": {TOUCH_KEY: str(msg.get("value", "1"))}}}
                self.storage.patch("pods", md.get("namespace"), md["name"], patch)
                n += 1
            return {"ok": True, "touched": n, "seconds": time.monotonic() - t0}
        if cmd == "relist_pods":
            # The next pods watch answers 410 Gone as an ERROR event; cutting every stream makes it come at once.
            self.server.fail_next("GET", PODS_WATCH, 410, watch_event=True)
            return {"ok": True, "dropped": self.server.drop_watches()}
        if cmd == "pod_lists":
            # Times (time.monotonic, the harness's clock too) of the pods LIST page requests since ``since``.
            since = float(msg.get("since", 0.0))
            with self.server._lock:
                reqs = list(zip(self.server.requests, self.server.request_times, strict=True))
            times = [
                t
                for (method, path, query), t in reqs
                if t >= since and method == "GET" and path == "/api/v1/pods" and query.get("watch") not in ("true", "1")
            ]
            return {"ok": True, "times": times}
        return super().handle(msg)


def child_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.relist --sim-child")
    p.add_argument("--pods", type=int, required=True)
    p.add_argument("--nodes", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    t0 = time.monotonic()
    sim = _FaultSim(args.pods, args.nodes, args.seed, "127.0.0.1", 0)
    print(json.dumps({"url": sim.server.url, "build_s": time.monotonic() - t0}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        try:
            answer = sim.handle(msg)
        except Exception as e:  # answer, never die: the harness is waiting for a line
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)
        if msg.get("cmd") == "quit":
            return 0
    sim.churner.stop()
    sim.server.stop()
    return 0


class FaultSimProcess(SimProcess):
    def start_async(self) -> None:
        import subprocess

        cmd = [
            sys.executable,
            "-m",
            "benchmarks.relist",
            "--sim-child",
            "--pods",
            str(self.pods),
            "--seed",
            str(self.seed),
        ]
        if self.nodes is not None:
            cmd += ["--nodes", str(self.nodes)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)


# --- the harness ------------------------------------------------------------------------------------------------------


def pod_counters(shard: Shard) -> tuple[float, float]:
    """(successful pods LISTs, 410 relists of pods) from the exporter's telemetry."""
    tel = shard.telemetry()
    return (
        tel.total("kube_state_metrics_list_total", resource=POD_LABEL, result="success"),
        tel.total("ksm_shard_relists_total", resource="pods"),
    )


class Relist:
    def __init__(
        self,
        pods: int,
        nodes: int | None = None,
        *,
        client_shards: int = 0,
        sample_interval: float = 0.2,
        seed: int = 0,
        name: str | None = None,
        phases: tuple[str, ...] = ("unchanged", "changed"),
        log_dir: str | None = None,
    ) -> None:
        self.pods, self.nodes, self.client_shards = pods, nodes, client_shards
        self.sample_interval = sample_interval
        self.phases = phases
        self.name = name or (f"relist-{pods // 1000}k" if pods % 1000 == 0 else f"relist-{pods}pods")
        self.log_dir = log_dir or tempfile.mkdtemp(prefix="ksm-bench-relist-")
        self.sim = FaultSimProcess(pods, nodes, seed)
        self.timeout = max(300.0, pods / 200)

    def run(self) -> dict:
        t_start = time.monotonic()
        host = machine()  # at the start: the commit being measured, not one made during the run
        mode = f"client-side shard 0 of {self.client_shards}" if self.client_shards > 1 else "unsharded"
        log(f"{self.pods} pods, {mode}; logs in {self.log_dir}")
        self.sim.start(timeout=1800)
        counts = self.sim.call("counts")["counts"]
        log(f"simulated apiserver {self.sim.url} built in {self.sim.build_s:.1f}s ({counts['pods']} pods)")
        shard = sampler = None
        phases: list[dict] = []
        try:
            n = self.client_shards
            if n > 1:
                self.sim.call("mode", server_side=False)
            shard = start_shard(self.sim.url, 0, max(n, 1), log_dir=self.log_dir, name="relist")
            sampler = RssSampler(shard, self.sample_interval, t0=shard.started).start()
            ready_s = shard.wait_ready(self.timeout)
            sync = {
                "ready_s": ready_s,
                "rss_sync_bytes": shard.rss(),
                "peak_rss_bytes": max(sampler.between(0, ready_s), default=0),
            }
            sync["peak_rss_bytes"] = max(sync["peak_rss_bytes"], sync["rss_sync_bytes"])
            tel = shard.telemetry()
            sync["owned_pods"] = int(tel.total("ksm_shard_owned_objects", resource="pods"))
            sync["owned_objects"] = int(tel.total("ksm_shard_owned_objects"))
            log(
                f"ready in {ready_s:.1f}s: RSS {sync['rss_sync_bytes'] / MB:.0f} MB (peak during sync "
                f"{sync['peak_rss_bytes'] / MB:.0f} MB), {sync['owned_pods']} pods owned"
            )
            body = shard.proc.metrics()
            sync["series"] = count_series(body)
            sync["bytes_plain"] = len(body)
            sync["rss_after_scrape_bytes"] = shard.rss()
            log(
                f"scrape: {sync['series']} series, {len(body) / MB:.0f} MB; "
                f"RSS {sync['rss_after_scrape_bytes'] / MB:.0f} MB"
            )
            for i, kind in enumerate(self.phases):
                phases.append(self.relist(shard, sampler, kind, i, body))
                body = shard.proc.metrics()
        finally:
            if sampler is not None:
                sampler.stop()
            if shard is not None:
                shard.proc.stop()
            self.sim.stop()
        results = {
            "schema": "ksm-shard-relist/1",
            "name": self.name,
            "date": time.strftime("%Y-%m-%d"),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(time.time() - (time.monotonic() - t_start))),
            "duration_s": time.monotonic() - t_start,
            "config": {
                "pods": self.pods,
                "nodes": self.nodes,
                "client_shards": self.client_shards,
                "mode": "client" if self.client_shards > 1 else "unsharded",
                "sample_interval_s": self.sample_interval,
                "phases": list(self.phases),
                "peak_ratio_threshold": PEAK_RATIO,
            },
            "machine": host,
            "source": os.environ.get("KSM_BENCH_SOURCE", "working tree"),
            "cluster": {"objects": counts, "sim_build_s": self.sim.build_s},
            "sync": sync,
            "relists": phases,
            "worker_restarts": sampler.worker_restarts,
            "rss_samples": [[round(t, 2), r] for t, r in sampler.samples],
            "log_dir": self.log_dir,
        }
        results["targets"] = targets(results)
        results["verdict"] = "PASS" if all(t["verdict"] == "PASS" for t in results["targets"]) else "FAIL"
        return results

    def relist(self, shard: Shard, sampler: RssSampler, kind: str, index: int, body_before: bytes) -> dict:
        rec: dict = {"kind": kind}
        lists0, relists0 = pod_counters(shard)
        if kind == "changed":
            stalled = self.sim.call("stall_watches", seconds=3600)["stalled"]
            touched = self.sim.call("touch_pods", value=str(index), timeout=1800)
            rec.update(stalled_streams=stalled, touched=touched["touched"], touch_s=touched["seconds"])
            log(
                f"[{kind}] stalled {stalled} watch streams, modified {touched['touched']} pods in "
                f"{touched['seconds']:.1f}s"
            )
        time.sleep(max(1.0, 5 * self.sample_interval))  # a few samples of the steady state right before
        t_rel = time.monotonic() - shard.started
        before = sampler.between(t_rel - 1.0, t_rel) or [shard.rss()]
        rec["rss_before_bytes"] = max(before)
        rec["dropped_streams"] = self.sim.call("relist_pods")["dropped"]
        t0 = time.monotonic()
        done_at = None
        started = False
        while time.monotonic() - t0 < self.timeout:
            if shard.proc.proc is not None and shard.proc.proc.poll() is not None:
                raise RuntimeError(f"exporter exited with {shard.proc.proc.returncode}{shard.proc._log_tail()}")
            try:
                lists, relists = pod_counters(shard)
            except OSError:
                time.sleep(self.sample_interval)
                continue
            started = started or relists > relists0
            if started and lists > lists0:
                done_at = time.monotonic()
                break
            time.sleep(self.sample_interval)
        if done_at is None:
            raise TimeoutError(f"[{kind}] pods relist not done after {self.timeout:.0f}s (410 seen: {started})")
        t_done = done_at - shard.started
        rec["relist_s"] = done_at - t0  # from the forced 410 to the telemetry showing the new store (0.2 s polls)
        pages = self.sim.call("pod_lists", since=t0)["times"]
        rec["list_pages"] = len(pages)
        # the LIST itself: from its first page request to the telemetry poll that saw it done (the rest of relist_s
        # is the reconnect and the reflector's backoff after the cut stream)
        rec["list_s"] = done_at - pages[0] if pages else None
        time.sleep(1.0)  # samples just after the swap: the old store is freed only then
        during = sampler.between(t_rel, t_done + 1.0)
        rec["peak_rss_bytes"] = max(during, default=0)
        rec["rss_after_bytes"] = proc_rss(shard.worker)
        rec["samples"] = len(during)
        rec["t_start_s"], rec["t_done_s"] = t_rel, t_done
        after = shard.proc.metrics()
        rec["rss_after_scrape_bytes"] = proc_rss(shard.worker)
        rec["series_before"] = count_series(body_before)
        rec["series_after"] = count_series(after)
        rec["identical_output"] = same_samples(body_before, after)
        rec["peak_ratio"] = rec["peak_rss_bytes"] / rec["rss_before_bytes"] if rec["rss_before_bytes"] else None
        lists, relists = pod_counters(shard)
        rec["pods_lists"], rec["pods_relists"] = lists - lists0, relists - relists0
        log(
            f"[{kind}] relist done in {rec['relist_s']:.1f}s (LIST {rec['list_s'] or 0:.1f}s, {rec['list_pages']} "
            f"pages): RSS before {rec['rss_before_bytes'] / MB:.0f} MB, peak "
            f"{rec['peak_rss_bytes'] / MB:.0f} MB (x{rec['peak_ratio']:.2f}), after {rec['rss_after_bytes'] / MB:.0f}"
            f" MB, after scrape {rec['rss_after_scrape_bytes'] / MB:.0f} MB; series {rec['series_before']} -> "
            f"{rec['series_after']}{' (identical output)' if rec['identical_output'] else ''}"
        )
        return rec


def same_samples(a: bytes, b: bytes) -> bool | None:
    """Do two expositions hold the same lines? Byte equality first (the store keeps its order); else sorted lines,
    except for huge bodies (None: not compared, the series count still is)."""
    if a == b:
        return True
    if len(a) + len(b) > 400 * MB:
        return None
    return sorted(a.split(b"\n")) == sorted(b.split(b"\n"))


def targets(results: dict) -> list[dict]:
    out = []
    for rec in results["relists"]:
        k = rec["kind"]
        out.append(
            target(
                f"relist_peak_{k}",
                f"peak RSS during the relist ({k}) <= {PEAK_RATIO:g} x RSS before",
                rec["peak_ratio"],
                PEAK_RATIO,
                "ratio",
                f"{rec['peak_rss_bytes'] / MB:.0f} MB peak over {rec['samples']} samples "
                f"({results['config']['sample_interval_s']:g} s) from the forced 410 to 1 s after the new store was "
                f"in / {rec['rss_before_bytes'] / MB:.0f} MB just before; relist took {rec['relist_s']:.1f} s",
            )
        )
        out.append(
            target(
                f"relist_series_{k}",
                f"series count unchanged by the relist ({k})",
                float(abs(rec["series_after"] - rec["series_before"])),
                0,
                "series",
                f"{rec['series_before']:,} before, {rec['series_after']:,} after"
                + {True: "; identical samples", False: "; samples differ", None: ""}[rec["identical_output"]],
            )
        )
    out.append(
        target(
            "worker_restarts",
            "gunicorn worker never restarted",
            float(results["worker_restarts"]),
            0,
            "restarts",
            "the sampled worker pid stayed the same for the whole run",
        )
    )
    return out


# --- report -----------------------------------------------------------------------------------------------------------


def plot(results: dict, path: Path) -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(10, 4.8))
    ts = [t for t, _ in results["rss_samples"]]
    rs = [r / MB for _, r in results["rss_samples"]]
    ax.plot(ts, rs, color="tab:blue", lw=1, label="worker RSS")
    ax.axvspan(0, results["sync"]["ready_s"], color="gray", alpha=0.15, label="initial sync")
    colors = {"unchanged": "tab:green", "changed": "tab:orange"}
    for rec in results["relists"]:
        c = colors.get(rec["kind"], "tab:purple")
        ax.axvspan(
            rec["t_start_s"],
            rec["t_done_s"],
            color=c,
            alpha=0.2,
            label=f"relist, {rec['kind']} ({rec['relist_s']:.1f} s, peak x{rec['peak_ratio']:.2f})",
        )
        ax.hlines(
            [PEAK_RATIO * rec["rss_before_bytes"] / MB],
            rec["t_start_s"],
            rec["t_done_s"],
            colors="tab:red",
            ls=":",
            lw=1,
        )
    ax.plot([], [], color="tab:red", ls=":", lw=1, label=f"{PEAK_RATIO:g} x RSS before (target)")
    ax.set_xlabel("seconds since the exporter started")
    ax.set_ylabel("RSS MB")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    c = results["config"]
    fig.suptitle(f"ksm-shard relist RSS: {c['pods']:,} pods, {c['mode']} ({results['verdict']})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def markdown(results: dict, plot_name: str | None) -> str:
    c, m, s = results["config"], results["machine"], results["sync"]
    objs = results["cluster"]["objects"]
    dirty = ", ksm_shard dirty" if m["ksm_shard_dirty"] and results["source"] == "working tree" else ""
    mode = "unsharded" if c["mode"] == "unsharded" else f"client-side shard 0 of {c['client_shards']}"
    lines = [
        f"# ksm-shard relist RSS `{results['name']}`, {results['date']}",
        "",
        f"{c['pods']:,} pods ({objs.get('nodes', 0):,} nodes, {sum(objs.values()):,} objects); one exporter, {mode}; "
        f"RSS of the gunicorn worker sampled every {c['sample_interval_s']:g} s. Machine: {m['cpus']} CPUs, "
        f"{m['memory_bytes'] / 1e9:.0f} GB, Python {m['python']}; code: {results['source']} ({m['commit']}{dirty}). "
        f"Simulated apiserver built in {results['cluster']['sim_build_s']:.0f} s; run time "
        f"{results['duration_s'] / 60:.1f} min.",
        "",
        f"## Verdict: **{results['verdict']}**",
        "",
        "| Target | Measured | Threshold | Verdict | Basis |",
        "|---|---:|---:|---|---|",
    ]
    for t in results["targets"]:
        v = "-" if t["value"] is None else f"{t['value']:.3f}"
        lines.append(
            f"| {t['description']} | {v} {t['unit']} | {t['threshold']:g} | **{t['verdict']}** | {t['basis']} |"
        )
    lines += [
        "",
        "## Numbers",
        "",
        "| Phase | Time s | LIST s (pages) | RSS before MB | Peak RSS MB | Growth MB | Peak / before | "
        "Peak / RSS after sync | RSS after MB | After scrape MB | Series |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| initial sync (ready) | {s['ready_s']:.1f} | - | - | {s['peak_rss_bytes'] / MB:,.0f} | - | - | - | "
        f"{s['rss_sync_bytes'] / MB:,.0f} | {s['rss_after_scrape_bytes'] / MB:,.0f} | {s['series']:,} |",
    ]
    for r in results["relists"]:
        lines.append(
            f"| relist, {r['kind']} | {r['relist_s']:.1f} | {_num(r.get('list_s'))} ({r.get('list_pages', 0)}) | "
            f"{r['rss_before_bytes'] / MB:,.0f} | "
            f"{r['peak_rss_bytes'] / MB:,.0f} | {(r['peak_rss_bytes'] - r['rss_before_bytes']) / MB:+,.0f} | "
            f"{r['peak_ratio']:.2f} | "
            f"{r['peak_rss_bytes'] / s['rss_sync_bytes']:.2f} | {r['rss_after_bytes'] / MB:,.0f} | "
            f"{r['rss_after_scrape_bytes'] / MB:,.0f} | {r['series_after']:,} |"
        )
    touched = next((r for r in results["relists"] if r["kind"] == "changed"), None)
    lines += [
        "",
        f"Plain /metrics body: {s['bytes_plain'] / MB:,.0f} MB. "
        + (
            f"Before the `changed` relist {touched['touched']:,} pods were modified in {touched['touch_s']:.0f} s "
            f"with {touched['stalled_streams']} watch streams stalled. "
            if touched
            else ""
        )
        + "How to read: *RSS before* is the highest sample of the second before the 410 was forced (after a "
        "scrape, so the steady state of a scraped exporter); *peak* the highest sample from the 410 until one "
        "second after the telemetry showed the new pods LIST done; *time* runs from the 410 to that telemetry poll "
        "(0.2 s resolution), *LIST* from the relist's first page request (after the reconnect and the reflector's "
        "backoff for the cut stream) to the same poll. `unchanged`: the relist reuses the rendered lines of "
        "objects whose resourceVersion did not change; `changed`: every pod changed while the watch was down, so "
        "every pod is decoded and rendered again while the old store is still served. RSS rarely falls back after "
        "a peak: CPython keeps freed arenas for reuse. *Peak / RSS after sync* (information, no target) compares "
        "with the store alone, before any scrape: the first scrape's buffers, once freed, stay in the process and "
        "a relist can fill them without growing RSS, so this stricter ratio shows how much of the store was "
        "really held twice.",
    ]
    if plot_name:
        lines += ["", f"![RSS over time]({plot_name})"]
    return "\n".join(lines) + "\n"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.relist", description=__doc__.splitlines()[0])
    p.add_argument("--pods", type=int, default=150000, help="cluster size (default 150000)")
    p.add_argument("--nodes", type=int, help="default: the generator's pods/30 (5000 at 150k)")
    p.add_argument(
        "--client-shards",
        type=int,
        default=0,
        help="measure client-side shard 0 of N instead of the unsharded exporter",
    )
    p.add_argument("--phases", default="unchanged,changed", help="relists to force, in order (default both)")
    p.add_argument("--sample-interval", type=float, default=0.2, help="RSS sampling period, seconds (0.2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--name", help="report file stem: <date>-<name>.* (default relist-<pods>)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report directory (default {DEFAULT_OUT})")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG (no matplotlib needed)")
    p.add_argument("--strict", action="store_true", help="exit 1 when the verdict is FAIL")
    p.add_argument("--from-json", type=Path, help="re-render the report (Markdown, plot) of an existing results JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--sim-child"]:
        return child_main(argv[1:])
    args = parser().parse_args(argv)
    phases = tuple(x for x in args.phases.split(",") if x)
    bad = [x for x in phases if x not in ("unchanged", "changed")]
    if bad or not phases:
        raise SystemExit(f"unknown phase(s) {bad}: use unchanged and/or changed")
    if not args.no_plots:
        from benchmarks.plots import require_matplotlib

        require_matplotlib()
    if args.from_json:
        results = json.loads(args.from_json.read_text())
        results["targets"] = targets(results)
        results["verdict"] = "PASS" if all(t["verdict"] == "PASS" for t in results["targets"]) else "FAIL"
    else:
        results = Relist(
            args.pods,
            args.nodes,
            client_shards=args.client_shards,
            sample_interval=args.sample_interval,
            seed=args.seed,
            name=args.name,
            phases=phases,
        ).run()
    return publish(results, args, plot, markdown)


if __name__ == "__main__":
    sys.exit(main())
