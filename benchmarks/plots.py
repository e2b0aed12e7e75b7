"""PNG plots of a report (matplotlib, Agg): CPU and memory per shard vs shard count, scrape latency vs series."""

from __future__ import annotations

from pathlib import Path

MB = 1e6
MODE_STYLE = {"server": ("tab:blue", "o"), "client": ("tab:orange", "s")}


def require_matplotlib() -> None:
    """Raise ImportError with the install hint when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "the benchmark plots need matplotlib: pip install -r benchmarks/requirements.txt (or pass --no-plots)"
        ) from e


def _pyplot():  # noqa: ANN202
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _series_by_mode(rows: list[dict], key: str) -> dict[str, tuple[list[int], list[float]]]:
    """Per mode, (shard counts, values); the unsharded row starts every mode's line."""
    base = next((r for r in rows if r["shards"] == 1), None)
    out = {}
    for mode in ("server", "client"):
        pts = ([(1, base[key])] if base and base.get(key) is not None else []) + [
            (r["shards"], r[key]) for r in rows if r["mode"] == mode and r.get(key) is not None
        ]
        if len(pts) > (1 if base else 0):
            pts.sort()
            out[mode] = ([p[0] for p in pts], [p[1] for p in pts])
    return out


def cpu_memory(results: dict, path: Path) -> None:
    plt = _pyplot()
    rows = results["summary"]
    fig, (ax_cpu, ax_mem) = plt.subplots(1, 2, figsize=(11, 4.2))
    shard_counts = sorted({r["shards"] for r in rows})
    for mode, (xs, ys) in _series_by_mode(rows, "cpu_ready_s").items():
        color, marker = MODE_STYLE[mode]
        ax_cpu.plot(xs, ys, marker=marker, color=color, label=f"{mode}-side: CPU to ready")
    base = next((r for r in rows if r["shards"] == 1), None)
    if base:
        ideal = [base["cpu_ready_s"] / n for n in shard_counts]
        ax_cpu.plot(shard_counts, ideal, ls=":", color="gray", label="unsharded / N")
    startup = (results.get("startup") or {}).get("cpu_s")
    if startup:
        ax_cpu.axhline(startup, ls="--", color="tab:red", lw=1, label="startup cost of a replica")
    ax_cpu.set_title("CPU seconds to first readiness, per shard")
    ax_cpu.set_xlabel("shards")
    ax_cpu.set_ylabel("CPU s (mean per shard)")
    for key, ls, label in (("rss_sync_mb", "-", "after sync"), ("rss_churn_mb", "--", "after churn")):
        for mode, (xs, ys) in _series_by_mode(rows, key).items():
            color, marker = MODE_STYLE[mode]
            ax_mem.plot(xs, ys, marker=marker, ls=ls, color=color, label=f"{mode}-side: RSS {label}")
    for mode, (xs, ys) in _series_by_mode(rows, "bytes_plain_mb").items():
        color, _ = MODE_STYLE[mode]
        ax_mem.plot(xs, [1.3 * y + 60 for y in ys], ls=":", color=color, lw=1, label=f"{mode}: 1.3 x body + 60 MB")
    ax_mem.set_title("Memory per shard")
    ax_mem.set_xlabel("shards")
    ax_mem.set_ylabel("RSS MB (mean per shard)")
    for ax in (ax_cpu, ax_mem):
        ax.set_xticks(shard_counts)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"ksm-shard {results['scenario']['name']}: {results['scenario']['pods']:,} pods", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def scrape_latency(results: dict, path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.8))
    styles = {
        ("idle", "plain"): ("tab:blue", "o", "plain"),
        ("idle", "gzip"): ("tab:green", "s", "gzip"),
        ("churn", "plain"): ("tab:red", "^", "plain, under churn"),
        ("churn", "gzip"): ("tab:purple", "v", "gzip, under churn"),
    }
    for (cond, enc), (color, marker, label) in styles.items():
        xs, p99, p50 = [], [], []
        for run in results["runs"]:
            for r in run["per_shard"]:
                s = r.get("scrape", {}).get(cond, {}).get(enc)
                if s and r.get("series"):
                    xs.append(r["series"])
                    p99.append(s["p99_ms"])
                    p50.append(s["p50_ms"])
        if xs:
            ax.scatter(xs, p99, color=color, marker=marker, label=f"p99 {label}")
            ax.scatter(xs, p50, color=color, marker=marker, facecolors="none", label=f"p50 {label}")
    ax.scatter([1_000_000], [300], marker="*", s=160, color="tab:red", label="target: 1M series, p99 300 ms plain")
    ax.scatter([1_000_000], [400], marker="*", s=160, color="tab:purple", label="target: 1M series, p99 400 ms gzip")
    ax.axvline(1_000_000, ls=":", lw=1, color="gray")
    ax.set_xlabel("series in the shard's /metrics")
    ax.set_ylabel("scrape latency ms")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, ncol=2)
    ax.set_title(f"Scrape latency vs series count ({results['scenario']['name']})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_plots(results: dict, out_dir: Path, stem: str) -> dict[str, str]:
    """Write the PNGs; returns title -> file name (relative to ``out_dir``)."""
    plots = {
        "CPU and memory per shard vs shard count": f"{stem}-cpu-memory.png",
        "Scrape latency vs series count": f"{stem}-scrape-latency.png",
    }
    cpu_memory(results, out_dir / plots["CPU and memory per shard vs shard count"])
    scrape_latency(results, out_dir / plots["Scrape latency vs series count"])
    return plots
