"""``python -m benchmarks``: run a scenario against the simulated apiserver and write the report."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.scenarios import FULL, SCENARIOS, Scenario, customized

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "benchmarks" / "results"
SOURCE_ENV = "KSM_BENCH_SOURCE"


def _floats(s: str) -> tuple[float, ...]:
    return tuple(float(x) for x in s.split(",") if x)


def _ints(s: str) -> tuple[int, ...]:
    return tuple(int(x) for x in s.split(",") if x)


def _modes(s: str) -> tuple[str, ...]:
    modes = tuple(x for x in s.split(",") if x)
    bad = [m for m in modes if m not in ("server", "client")]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown mode(s) {', '.join(bad)}: use server and/or client")
    return modes


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark ksm-shard replicas (real processes over HTTP) against the simulated apiserver and "
        "write benchmarks/results/<date>-<scenario>.{json,md} plus PNG plots. See benchmarks/README.md.",
    )
    names = ", ".join(f"{n} ({s.pods:,} pods)" for n, s in SCENARIOS.items())
    p.add_argument("--scenario", default="medium", help=f"one of: {names}; or 'full' ({', '.join(FULL)}); or "
                   "'soak' / 'relist' (python -m benchmarks.soak / .relist, with their own options)")  # fmt: skip
    p.add_argument("--quick", action="store_true", help="the quick scenario: 3k pods, shards 1 and 3, < 2 minutes")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report directory (default {DEFAULT_OUT})")
    p.add_argument("--rev", help="benchmark ksm_shard/ as of this git revision (a snapshot: edits to the working "
                   "tree during the run do not matter); default: the working tree")  # fmt: skip
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots (no matplotlib needed)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target FAILs")
    p.add_argument("--from-json", type=Path, help="re-render the report (tables, plots) of an existing results JSON")
    g = p.add_argument_group("scenario overrides")
    g.add_argument("--pods", type=int)
    g.add_argument("--nodes", type=int)
    g.add_argument("--shards", type=_ints, help="comma list, e.g. 1,2,4,8 (1 = the unsharded reference)")
    g.add_argument("--modes", type=_modes, help="server,client")
    g.add_argument("--event-rates", type=_floats, help="pod churn rates of the CPU-per-event windows, e.g. 200,1000")
    g.add_argument("--event-window", type=float, dest="event_window_s", help="seconds per event window")
    g.add_argument("--scrapes", type=int, help="scrapes per shard, encoding and condition")
    g.add_argument("--ramp-rates", type=_floats, help="churn ramp, e.g. 250,500,1000,2000")
    g.add_argument("--ramp-window", type=float, dest="ramp_window_s", help="seconds per ramp step")
    g.add_argument("--name", help="scenario name in the report file names")
    return p


def scenarios_from(args: argparse.Namespace) -> list[Scenario]:
    names = ["quick"] if args.quick else (list(FULL) if args.scenario == "full" else [args.scenario])
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario {unknown[0]!r}: use one of {', '.join(SCENARIOS)} or full")
    overrides = {
        k: getattr(args, k)
        for k in ("pods", "nodes", "shards", "modes", "event_rates", "event_window_s", "scrapes", "ramp_rates",
                  "ramp_window_s", "name")
    }  # fmt: skip
    return [customized(SCENARIOS[n], **overrides) for n in names]


def _reexec_on_snapshot(args: argparse.Namespace, argv: list[str]) -> int:
    """Run this command again with ``ksm_shard`` from ``git archive <rev>`` first on the import path."""
    sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", args.rev], capture_output=True, text=True,
                         check=True).stdout.strip()  # fmt: skip
    snap = tempfile.mkdtemp(prefix=f"ksm-bench-src-{sha}-")
    try:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.rev, "ksm_shard"], capture_output=True,
                                 check=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", snap], input=archive, check=True)
        rest = _strip(argv, "--rev", "--out")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([snap, str(REPO)]), **{SOURCE_ENV: f"{args.rev} ({sha})"})
        cmd = [sys.executable, "-m", "benchmarks", *rest, "--out", str(args.out.resolve())]
        return subprocess.run(cmd, cwd=snap, env=env).returncode
    finally:
        shutil.rmtree(snap, ignore_errors=True)


def _strip(argv: list[str], *options: str) -> list[str]:
    """``argv`` without ``--opt value`` and ``--opt=value`` of the given options."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in options:
            skip = True
        elif not any(a.startswith(o + "=") for o in options):
            out.append(a)
    return out


def render(results: dict, out_dir: Path, *, plots: bool) -> tuple[Path, Path, dict[str, str]]:
    from benchmarks import report

    report.build(results)
    stem = f"{results['date']}-{results['scenario']['name']}"
    written: dict[str, str] = {}
    if plots:
        from benchmarks.plots import write_plots

        out_dir.mkdir(parents=True, exist_ok=True)
        written = write_plots(results, out_dir, stem)
    jpath, mpath = report.write(results, out_dir, stem, written)
    return jpath, mpath, written


# Measurements with their own options, reached through ``--scenario NAME`` (every other argument goes to them).
SEPARATE = {"soak": "benchmarks.soak", "relist": "benchmarks.relist"}


def _separate(argv: list[str]) -> tuple[str, list[str]] | None:
    """``(module, remaining argv)`` when ``argv`` asks for ``--scenario soak`` or ``--scenario relist``."""
    for i, a in enumerate(argv):
        if a == "--scenario" and i + 1 < len(argv) and argv[i + 1] in SEPARATE:
            return SEPARATE[argv[i + 1]], argv[:i] + argv[i + 2 :]
        if a.startswith("--scenario=") and a.split("=", 1)[1] in SEPARATE:
            return SEPARATE[a.split("=", 1)[1]], argv[:i] + argv[i + 1 :]
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    separate = _separate(argv)
    if separate:
        import importlib

        pre = argparse.ArgumentParser(add_help=False)
        pre.add_argument("--rev")
        pre.add_argument("--out", type=Path, default=DEFAULT_OUT)
        known, _ = pre.parse_known_args(separate[1])
        if known.rev and not os.environ.get(SOURCE_ENV):
            return _reexec_on_snapshot(known, argv)  # runs ``--scenario soak|relist`` again on the snapshot
        return importlib.import_module(separate[0]).main(_strip(separate[1], "--rev"))
    args = parser().parse_args(argv)
    if not args.no_plots:
        try:
            from benchmarks.plots import require_matplotlib

            require_matplotlib()
        except ImportError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    if args.rev and not os.environ.get(SOURCE_ENV):
        return _reexec_on_snapshot(args, argv)

    from benchmarks import report

    if args.from_json:
        results = json.loads(args.from_json.read_text())
        all_results = [results]
        outs = [render(results, args.out, plots=not args.no_plots)]
    else:
        from benchmarks.runner import Runner

        all_results, outs = [], []
        for sc in scenarios_from(args):
            t0 = time.monotonic()
            results = Runner(sc).run()
            results["source"] = os.environ.get(SOURCE_ENV, "working tree")
            outs.append(render(results, args.out, plots=not args.no_plots))
            all_results.append(results)
            print(f"scenario {sc.name} done in {(time.monotonic() - t0) / 60:.1f} min", file=sys.stderr)
    failed = False
    for results, (jpath, mpath, plots) in zip(all_results, outs, strict=True):
        print(f"\n== {results['scenario']['name']}: {mpath}")
        print(report.summary_table(results["summary"]))
        print()
        for line in report.verdict_lines(results["targets"]):
            print(line)
        print(f"report: {mpath}\nresults: {jpath}")
        for name in plots.values():
            print(f"plot: {args.out / name}")
        failed = failed or any(t["verdict"] == "FAIL" for t in results["targets"])
    return 1 if args.strict and failed else 0
