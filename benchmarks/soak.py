"""Churn soak: one real ``ksm-shard`` exporter under steady churn for ``--minutes``; is its RSS flat?

    python -m benchmarks.soak [--minutes 30] [--pods 20000] [--rate 200] [--out benchmarks/results]

The simulated apiserver (``benchmarks.simproc``, a process of its own) serves a synthetic cluster; one unsharded
exporter (gunicorn arbiter + worker, over HTTP) syncs it; then the churner changes pods at ``--rate`` changes/s
(``Churner`` with ``resources=pods``: container restarts, readiness flips, pending pods starting, pods replaced by
their controllers -- a delete and a create, so the pod count stays put) while the harness scrapes ``/metrics``
every ``--scrape-interval`` seconds like Prometheus (alternating plain and gzip) and samples the gunicorn worker's
RSS (``/proc/<worker>/statm``, as ``measure.py`` does) every ``--sample-interval`` seconds.

Verdict (issue #7: "a 30-minute churn soak shows RSS flat within 5%"), over the samples after the warm-up
(``min(20% of the run, 5 min)``), split by time into thirds:

* ``peak growth``: max RSS of the last third / max RSS of the first third - 1 <= 5%;
* ``level growth``: median RSS of the last third / median RSS of the first third - 1 <= 5%;
* ``slope``: least-squares slope of RSS over the post-warm-up samples, extrapolated over the whole run
  (slope x run length / the first-third median) <= 5%.

Peaks are compared with peaks and levels with levels: RSS swings with the scrapes (a scrape folds the changes
staged since the previous one, a gzip scrape holds a few compressed pieces in flight; the heap is trimmed
between), and a swing is not growth. The swing is reported too (``peak_over_level``: last-third max /
first-third median - 1, the single number earlier reports used as "growth", which a steady swing of more than 5%
fails however flat RSS is).

A falling RSS does not fail (no leak); both numbers are reported signed. At the end the churn stops, the exporter
drains, and its /metrics must equal a freshly started exporter's exactly (``union_check`` with one shard).
Writes ``<date>-<name>.json``, ``.md`` and ``-rss.png`` (name: ``soak`` by default).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import Shard, count_series, proc_rss, scrape, start_shard
from benchmarks.report import target
from benchmarks.simproc import SimProcess

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "benchmarks" / "results"
MB = 1e6
WARMUP_FRACTION = 0.2
WARMUP_MAX_S = 300.0
FLAT_TOLERANCE = 0.05


def log(msg: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- shared with benchmarks.relist ------------------------------------------------------------------------------------


class RssSampler:
    """A daemon thread sampling the RSS of a shard's gunicorn worker every ``interval`` seconds.

    ``samples`` holds ``(seconds since t0, rss bytes)``. If the worker is gone (RSS 0: gunicorn replaced it) the
    new worker is looked up and counted in ``worker_restarts`` -- a soak whose worker restarts proves nothing.
    """

    def __init__(self, shard: Shard, interval: float, t0: float | None = None) -> None:
        self.shard = shard
        self.interval = interval
        self.t0 = time.monotonic() if t0 is None else t0
        self.samples: list[tuple[float, int]] = []
        self.worker_restarts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def start(self) -> RssSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        nxt = time.monotonic()
        while not self._stop.is_set():
            rss = proc_rss(self.shard.worker)
            if rss == 0 and self.shard.proc.proc is not None and self.shard.proc.proc.poll() is None:
                try:
                    old = self.shard.worker
                    if self.shard.find_worker(10) != old:
                        self.worker_restarts += 1
                    rss = proc_rss(self.shard.worker)
                except (RuntimeError, TimeoutError):
                    pass
            if rss:
                self.samples.append((time.monotonic() - self.t0, rss))
            nxt += self.interval
            self._stop.wait(max(0.0, nxt - time.monotonic()))

    def between(self, a: float, b: float) -> list[int]:
        return [r for t, r in list(self.samples) if a <= t <= b]


def machine() -> dict:
    from benchmarks.runner import machine as _machine

    return _machine()


def verdict_lines(targets: list[dict]) -> list[str]:
    out = []
    for t in targets:
        v = "-" if t["value"] is None else f"{t['value']:.3f}"
        out.append(f"{t['verdict']}  {t['description']}: {v} {t['unit']} (threshold {t['threshold']:g})")
    return out


def write_json(results: dict, out_dir: Path, stem: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{stem}.json"
    path.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n")
    return path


def pyplot():  # noqa: ANN201
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def linear_fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares (slope, intercept) of y over x; (0, mean) with fewer than two distinct x."""
    n = len(points)
    if n == 0:
        return 0.0, math.nan
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    if sxx == 0:
        return 0.0, my
    slope = sum((p[0] - mx) * (p[1] - my) for p in points) / sxx
    return slope, my - slope * mx


# --- the soak ---------------------------------------------------------------------------------------------------------


@dataclass
class SoakConfig:
    minutes: float = 30.0
    pods: int = 20000
    nodes: int | None = None
    rate: float = 200.0
    resources: tuple[str, ...] | None = ("pods",)
    scrape_interval_s: float = 15.0
    sample_interval_s: float = 2.0
    seed: int = 0
    name: str = "soak"
    extra_args: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.minutes * 60.0

    @property
    def warmup_s(self) -> float:
        return min(WARMUP_FRACTION * self.duration_s, WARMUP_MAX_S)


def analyze(samples: list[tuple[float, int]], start: float, duration: float, warmup: float) -> dict:
    """The flatness numbers of RSS samples ``(t, bytes)``; the soak ran from ``start`` for ``duration`` s."""
    post = [(t - start, r) for t, r in samples if start + warmup <= t <= start + duration]
    out: dict = {"warmup_s": warmup, "post_warmup_samples": len(post)}
    if len(post) < 3:
        out.update(baseline_bytes=None, last_max_bytes=None, peak_growth=None, level_growth=None, peak_over_level=None,
                   slope_bytes_per_s=None, drift=None)  # fmt: skip
        return out
    span = post[-1][0] - post[0][0]
    first = [r for t, r in post if t <= post[0][0] + span / 3] or [post[0][1]]
    last = [r for t, r in post if t >= post[0][0] + 2 * span / 3] or [post[-1][1]]
    baseline = statistics.median(first)
    slope, intercept = linear_fit([(t, float(r)) for t, r in post])
    out.update(
        baseline_bytes=baseline,
        first_third_samples=len(first),
        last_third_samples=len(last),
        first_max_bytes=max(first),
        last_max_bytes=max(last),
        last_min_bytes=min(last),
        last_median_bytes=statistics.median(last),
        peak_growth=max(last) / max(first) - 1,
        level_growth=statistics.median(last) / baseline - 1,
        peak_over_level=max(last) / baseline - 1,
        slope_bytes_per_s=slope,
        intercept_bytes=intercept,  # at t = soak start
        drift=slope * duration / baseline,
        min_bytes=min(r for _, r in post),
        max_bytes=max(r for _, r in post),
    )
    return out


class Soak:
    def __init__(self, cfg: SoakConfig, log_dir: str | None = None) -> None:
        self.cfg = cfg
        self.log_dir = log_dir or tempfile.mkdtemp(prefix="ksm-bench-soak-")
        self.sim = SimProcess(cfg.pods, cfg.nodes, cfg.seed)

    def run(self) -> dict:
        cfg = self.cfg
        t_start = time.monotonic()
        host = machine()  # at the start: the commit being measured, not one made during the run
        log(
            f"{cfg.pods} pods, {cfg.rate:g} changes/s ({','.join(cfg.resources or ['all'])}), {cfg.minutes:g} min; "
            f"logs in {self.log_dir}"
        )
        self.sim.start()
        counts0 = self.sim.call("counts")["counts"]
        log(f"simulated apiserver {self.sim.url} built in {self.sim.build_s:.1f}s ({counts0['pods']} pods)")
        shard = None
        sampler = None
        try:
            shard = start_shard(self.sim.url, 0, 1, log_dir=self.log_dir, name="soak", extra=cfg.extra_args)
            sampler = RssSampler(shard, cfg.sample_interval_s, t0=shard.started).start()
            ready_s = shard.wait_ready(max(180.0, cfg.pods / 300))
            rss_sync = shard.rss()
            log(f"exporter ready in {ready_s:.1f}s, worker RSS {rss_sync / MB:.0f} MB")
            scrapes = []
            stats0 = self.sim.call("stats")
            self.sim.churn(cfg.rate, list(cfg.resources) if cfg.resources else None)
            soak_start = time.monotonic() - shard.started
            cpu0 = shard.worker_cpu()
            tel0 = shard.telemetry()
            deadline = time.monotonic() + cfg.duration_s
            next_scrape = time.monotonic()
            i = 0
            while time.monotonic() < deadline:
                now = time.monotonic()
                if now >= next_scrape:
                    scrapes.append(self._scrape(shard, gz=(i % 2 == 1), t=now - shard.started))
                    i += 1
                    next_scrape += cfg.scrape_interval_s
                    s = scrapes[-1]
                    log(
                        f"t={s['t_s'] - soak_start:6.0f}s scrape {s['encoding']:5} {s['latency_ms']:7.0f} ms, "
                        f"{s['series']} series, RSS {s['rss_after_bytes'] / MB:.0f} MB, "
                        f"churn {s['sim_changes'] - stats0['changes']} changes"
                    )
                time.sleep(max(0.0, min(next_scrape, deadline) - time.monotonic()))
            soak_end = time.monotonic() - shard.started
            stats1 = self.sim.call("stats")
            cpu1 = shard.worker_cpu()
            tel1 = shard.telemetry()
            self.sim.churn(0)
            sampler.stop()
            counts1 = self.sim.call("counts")["counts"]
            drained = self._drain(shard)
            check = self._truth(shard)
            log(f"end: {check['verdict']}")
        finally:
            if sampler is not None:
                sampler.stop()
            if shard is not None:
                shard.proc.stop()
            self.sim.stop()
        o0, n0 = tel0.events()
        o1, n1 = tel1.events()
        dt = stats1["time"] - stats0["time"]
        flat = analyze(sampler.samples, soak_start, soak_end - soak_start, cfg.warmup_s)
        results = {
            "schema": "ksm-shard-soak/1",
            "name": cfg.name,
            "date": time.strftime("%Y-%m-%d"),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(time.time() - (time.monotonic() - t_start))),
            "duration_s": time.monotonic() - t_start,
            "config": {
                **cfg.__dict__,
                "resources": list(cfg.resources) if cfg.resources else None,
                "duration_s": cfg.duration_s,
                "warmup_s": cfg.warmup_s,
            },
            "machine": host,
            "source": os.environ.get("KSM_BENCH_SOURCE", "working tree"),
            "cluster": {"objects_start": counts0, "objects_end": counts1, "sim_build_s": self.sim.build_s},
            "exporter": {"ready_s": ready_s, "rss_sync_bytes": rss_sync, "worker_restarts": sampler.worker_restarts},
            "soak": {
                "start_s": soak_start,
                "end_s": soak_end,
                "changes": stats1["changes"] - stats0["changes"],
                "achieved_rate": (stats1["changes"] - stats0["changes"]) / dt if dt > 0 else None,
                "events_received": (o1 - o0) + (n1 - n0),
                "worker_cpu_s": cpu1 - cpu0,
                "drain_s": drained,
            },
            "rss_samples": [[round(t, 2), r] for t, r in sampler.samples],
            "scrapes": scrapes,
            "flatness": flat,
            "truth": check,
            "log_dir": self.log_dir,
        }
        results["targets"] = targets(results)
        results["verdict"] = "PASS" if all(t["verdict"] == "PASS" for t in results["targets"]) else "FAIL"
        return results

    def _scrape(self, shard: Shard, *, gz: bool, t: float) -> dict:
        stats, _ = scrape(shard, 1, compressed=gz)
        tel = shard.telemetry()
        sim = self.sim.call("stats")
        return {
            "t_s": t,
            "encoding": "gzip" if gz else "plain",
            "latency_ms": stats.latencies[0] * 1e3,
            "bytes": stats.bytes,
            "series": stats.series,
            "rss_after_bytes": shard.rss(),
            "owned_objects": int(tel.total("ksm_shard_owned_objects")),
            "owned_pods": int(tel.total("ksm_shard_owned_objects", resource="pods")),
            "events": sum(tel.events()),
            "sim_changes": sim["changes"],
            "sim_backlog": sim["backlog"],
        }

    def _drain(self, shard: Shard, timeout: float = 120.0) -> float | None:
        """Seconds until the exporter's watch event counter stops moving and the sim has nothing queued."""
        t0 = time.monotonic()
        last = None
        while time.monotonic() - t0 < timeout:
            backlog = self.sim.call("stats")["backlog"]
            total = sum(shard.telemetry().events())
            if total == last and backlog == 0:
                return time.monotonic() - t0
            last = total
            time.sleep(0.5)
        return None

    def _truth(self, shard: Shard) -> dict:
        """The soaked exporter's /metrics vs a freshly started exporter's: exact multiset equality."""
        from ksm_shard.launch import union_check

        body = shard.proc.metrics()
        ref = start_shard(self.sim.url, 0, 1, log_dir=self.log_dir, name="reference", extra=self.cfg.extra_args)
        try:
            ref.wait_ready(max(180.0, self.cfg.pods / 300))
            reference = ref.proc.metrics()
        finally:
            ref.proc.stop()
        body_again = shard.proc.metrics()
        ok, verdict = union_check([body_again], reference)
        if not ok and body != body_again:  # a late event between the two reads: judge on the later body
            verdict += " (the soaked exporter's output changed during the check)"
        return {
            "ok": ok,
            "verdict": verdict,
            "series": count_series(body_again),
            "reference_series": count_series(reference),
        }


def targets(results: dict) -> list[dict]:
    f = results["flatness"]
    run_min = results["config"]["duration_s"] / 60
    warm = f["warmup_s"]
    base = f.get("baseline_bytes")
    thirds = (
        f"; warm-up {warm:.0f} s (min(20% of the run, 5 min)), {f['post_warmup_samples']} samples after it, "
        "split by time into thirds"
    )
    basis_p = (
        f"max RSS of the last third ({f['last_max_bytes'] / MB:.0f} MB) / max of the first third "
        f"({f['first_max_bytes'] / MB:.0f} MB) - 1{thirds}"
        if base
        else "too few samples"
    )
    basis_l = (
        f"median RSS of the last third ({f['last_median_bytes'] / MB:.0f} MB) / median of the first third "
        f"({base / MB:.0f} MB) - 1; the swing with the scrapes: last-third max {f['peak_over_level'] * 100:+.1f}% "
        "over the first-third median"
        if base
        else "too few samples"
    )
    basis_s = (
        f"least-squares slope {f['slope_bytes_per_s'] / 1e3 * 60:+.1f} kB/min over the post-warm-up "
        f"samples, x {run_min:g} min run, / the first-third median"
        if base
        else "too few samples"
    )
    restarts = results["exporter"]["worker_restarts"]
    truth = results["truth"]
    return [
        target(
            "rss_peak_growth",
            "RSS peak growth after warm-up <= 5% (last-third max vs first-third max)",
            f.get("peak_growth"),
            FLAT_TOLERANCE,
            "ratio",
            basis_p,
        ),
        target(
            "rss_level_growth",
            "RSS level growth after warm-up <= 5% (last-third median vs first-third median)",
            f.get("level_growth"),
            FLAT_TOLERANCE,
            "ratio",
            basis_l,
        ),
        target(
            "rss_drift",
            "RSS trend extrapolated over the run <= 5% (regression slope)",
            f.get("drift"),
            FLAT_TOLERANCE,
            "ratio",
            basis_s,
        ),
        target(
            "worker_restarts",
            "gunicorn worker never restarted",
            float(restarts),
            0,
            "restarts",
            "the sampled worker pid stayed the same for the whole run",
        ),
        target(
            "output_exact",
            "output after the soak == a fresh exporter's",
            0.0 if truth["ok"] else 1.0,
            0,
            "mismatch",
            truth["verdict"],
        ),
    ]


# --- report -----------------------------------------------------------------------------------------------------------


def plot(results: dict, path: Path) -> None:
    plt = pyplot()
    f = results["flatness"]
    s0 = results["soak"]["start_s"]
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(10, 6.2), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    ts = [(t - s0) / 60 for t, _ in results["rss_samples"]]
    rs = [r / MB for _, r in results["rss_samples"]]
    ax.plot(ts, rs, color="tab:blue", lw=1, label="worker RSS")
    ax.axvspan(min(ts, default=0), f["warmup_s"] / 60, color="gray", alpha=0.15, label="sync / warm-up")
    if f.get("baseline_bytes"):
        base = f["baseline_bytes"] / MB
        end = (results["soak"]["end_s"] - s0) / 60
        ax.hlines([base], f["warmup_s"] / 60, end, colors="tab:green", ls="--", lw=1, label="first-third median")
        ax.hlines(
            [base * (1 + FLAT_TOLERANCE)], f["warmup_s"] / 60, end, colors="tab:red", ls=":", lw=1, label="+5% (target)"
        )
        slope = f["slope_bytes_per_s"]
        xs = [f["warmup_s"], results["soak"]["end_s"] - s0]
        ax.plot(
            [x / 60 for x in xs],
            [(f["intercept_bytes"] + slope * x) / MB for x in xs],
            color="tab:orange",
            lw=1,
            label="linear fit",
        )
    for sc in results["scrapes"]:
        ax.axvline((sc["t_s"] - s0) / 60, color="lightgray", lw=0.5, zorder=0)
    ax.set_ylabel("RSS MB")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    for enc, color, marker in (("plain", "tab:blue", "o"), ("gzip", "tab:green", "s")):
        pts = [((sc["t_s"] - s0) / 60, sc["latency_ms"]) for sc in results["scrapes"] if sc["encoding"] == enc]
        if pts:
            ax2.scatter(*zip(*pts, strict=True), color=color, marker=marker, s=12, label=f"scrape {enc}")
    ax2.set_ylabel("scrape ms")
    ax2.set_xlabel("minutes since churn started")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=7)
    c = results["config"]
    fig.suptitle(
        f"ksm-shard churn soak: {c['pods']:,} pods, {c['rate']:g} changes/s, {c['minutes']:g} min "
        f"({results['verdict']})",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown(results: dict, plot_name: str | None) -> str:
    c, f, s, m = results["config"], results["flatness"], results["soak"], results["machine"]
    objs = results["cluster"]["objects_start"]
    objs1 = results["cluster"]["objects_end"]
    dirty = ", ksm_shard dirty" if m["ksm_shard_dirty"] and results["source"] == "working tree" else ""
    drain = "-" if s["drain_s"] is None else f"{s['drain_s']:.1f}"
    first_series = results["scrapes"][0]["series"] if results["scrapes"] else 0
    mb = lambda v: "-" if v is None else f"{v / MB:,.0f}"  # noqa: E731
    pct = lambda v: "-" if v is None else f"{v * 100:+.2f}%"  # noqa: E731
    lines = [
        f"# ksm-shard churn soak `{results['name']}`, {results['date']}",
        "",
        f"{c['pods']:,} pods ({objs.get('nodes', 0):,} nodes, {sum(objs.values()):,} objects); churn "
        f"{c['rate']:g} changes/s ({', '.join(c['resources'] or ['all resources'])}) for {c['minutes']:g} min; "
        f"scrape every {c['scrape_interval_s']:g} s (plain and gzip alternating), RSS sampled every "
        f"{c['sample_interval_s']:g} s. Machine: {m['cpus']} CPUs, {m['memory_bytes'] / 1e9:.0f} GB, Python "
        f"{m['python']}; code: {results['source']} ({m['commit']}{dirty}).",
        "",
        f"## Verdict: **{results['verdict']}**",
        "",
        "| Target | Measured | Threshold | Verdict | Basis |",
        "|---|---:|---:|---|---|",
    ]
    for t in results["targets"]:
        v = "-" if t["value"] is None else f"{t['value']:.4f}"
        lines.append(
            f"| {t['description']} | {v} {t['unit']} | {t['threshold']:g} | **{t['verdict']}** | {t['basis']} |"
        )
    lat = {e: [sc["latency_ms"] for sc in results["scrapes"] if sc["encoding"] == e] for e in ("plain", "gzip")}
    lines += [
        "",
        "## RSS (gunicorn worker)",
        "",
        "| After sync MB | First-third median / max MB | Last-third median / max MB | Min / max after warm-up MB "
        "| Level growth | Peak growth | Swing (last max / first median) | Trend over the run | Slope kB/min |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {mb(results['exporter']['rss_sync_bytes'])} | {mb(f.get('baseline_bytes'))} / "
        f"{mb(f.get('first_max_bytes'))} | {mb(f.get('last_median_bytes'))} / {mb(f.get('last_max_bytes'))} | "
        f"{mb(f.get('min_bytes'))} / {mb(f.get('max_bytes'))} | {pct(f.get('level_growth'))} | "
        f"{pct(f.get('peak_growth'))} | {pct(f.get('peak_over_level'))} | {pct(f.get('drift'))} | "
        + ("-" if f.get("slope_bytes_per_s") is None else f"{f['slope_bytes_per_s'] * 60 / 1e3:+,.1f}")
        + " |",
        "",
        "## Churn and scrapes",
        "",
        f"* churn: {s['changes']:,} changes in {(s['end_s'] - s['start_s']) / 60:.1f} min, achieved "
        f"{s['achieved_rate'] or 0:.0f}/s (requested {c['rate']:g}/s); {s['events_received']:,.0f} watch events "
        f"received; worker CPU {s['worker_cpu_s']:.0f} s; drained {drain} s "
        "after the churn stopped",
        f"* objects at start / end: pods {objs.get('pods', 0):,} / {objs1.get('pods', 0):,}; all "
        f"{sum(objs.values()):,} / {sum(objs1.values()):,}",
        f"* {len(results['scrapes'])} scrapes: plain median "
        f"{statistics.median(lat['plain']) if lat['plain'] else math.nan:.0f} ms, max "
        f"{max(lat['plain'], default=math.nan):.0f} ms; gzip median "
        f"{statistics.median(lat['gzip']) if lat['gzip'] else math.nan:.0f} ms, max "
        f"{max(lat['gzip'], default=math.nan):.0f} ms; series {first_series:,} "
        f"at the first scrape, {results['truth']['series']:,} at the end",
        f"* end check: {results['truth']['verdict']}",
        "",
        "How to read: the warm-up (the first min(20% of the run, 5 min) after the churn started) is excluded; the "
        "samples after it are split by time into thirds. *Level growth* compares the medians of the last and the "
        "first third, *peak growth* their maxima; *trend* is the least-squares slope over all post-warm-up samples "
        "times the run length, relative to the first-third median. All three must stay <= 5%; falling RSS passes. "
        "*Swing* (information, the single 'growth' number of earlier reports) is the last third's max over the "
        "first third's median: RSS swings with the scrapes (a scrape folds the changes staged since the previous "
        "one, a gzip scrape holds compressed pieces in flight; the heap is trimmed between), and a swing is not "
        "growth.",
    ]
    if plot_name:
        lines += ["", f"![RSS over time]({plot_name})"]
    return "\n".join(lines) + "\n"


def publish(results: dict, args: argparse.Namespace, plot_fn, markdown_fn) -> int:  # noqa: ANN001
    """Write ``<date>-<name>.json``, ``.md`` (and the RSS plot), print the verdicts; the exit code for ``--strict``.

    Shared by the soak and the relist measurement (each brings its own plot and Markdown)."""
    stem = f"{results['date']}-{results['name']}"
    args.out.mkdir(parents=True, exist_ok=True)
    png = None
    if not args.no_plots:
        png = args.out / f"{stem}-rss.png"
        plot_fn(results, png)
        results["plots"] = {"RSS over time": png.name}
    jpath = write_json(results, args.out, stem)
    mpath = args.out / f"{stem}.md"
    mpath.write_text(markdown_fn(results, png.name if png else None))
    for line in verdict_lines(results["targets"]):
        print(line)
    print(f"verdict: {results['verdict']}\nreport: {mpath}\nresults: {jpath}")
    if png:
        print(f"plot: {png}")
    return 1 if args.strict and results["verdict"] == "FAIL" else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=30.0, help="churn duration (default 30)")
    p.add_argument("--pods", type=int, default=20000, help="cluster size (default 20000, the medium scenario)")
    p.add_argument("--nodes", type=int, help="default: the generator's pods/30")
    p.add_argument("--rate", type=float, default=200.0, help="churn changes/s (default 200)")
    p.add_argument("--resources", default="pods", help="comma list of churned resources, or 'all' (default pods)")
    p.add_argument("--scrape-interval", type=float, default=15.0, dest="scrape_interval_s", help="seconds (15)")
    p.add_argument("--sample-interval", type=float, default=2.0, dest="sample_interval_s", help="seconds (2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--name", default="soak", help="report file stem: <date>-<name>.* (default soak)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report directory (default {DEFAULT_OUT})")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG (no matplotlib needed)")
    p.add_argument("--strict", action="store_true", help="exit 1 when the verdict is FAIL")
    p.add_argument("--from-json", type=Path, help="re-render the report (Markdown, plot) of an existing results JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    res = None if args.resources == "all" else tuple(r for r in args.resources.split(",") if r)
    cfg = SoakConfig(
        minutes=args.minutes,
        pods=args.pods,
        nodes=args.nodes,
        rate=args.rate,
        resources=res,
        scrape_interval_s=args.scrape_interval_s,
        sample_interval_s=args.sample_interval_s,
        seed=args.seed,
        name=args.name,
    )
    if not args.no_plots:
        from benchmarks.plots import require_matplotlib

        require_matplotlib()
    if args.from_json:
        results = json.loads(args.from_json.read_text())
        results["flatness"] = analyze(
            [(t, r) for t, r in results["rss_samples"]],
            results["soak"]["start_s"],
            results["soak"]["end_s"] - results["soak"]["start_s"],
            results["config"]["warmup_s"],
        )
        results["targets"] = targets(results)
        results["verdict"] = "PASS" if all(t["verdict"] == "PASS" for t in results["targets"]) else "FAIL"
    else:
        results = Soak(cfg).run()
    return publish(results, args, plot, markdown)


if __name__ == "__main__":
    sys.exit(main())
