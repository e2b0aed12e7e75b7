"""The churn soak and the relist RSS measurement run at tiny sizes and write well-formed reports (not whether the
verdicts pass: that is what the full-size runs are for). Both run at once, as subprocesses, to stay under a minute."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pngcheck import assert_png

REPO = Path(__file__).resolve().parent.parent
SOAK_TARGETS = {"rss_peak_growth", "rss_level_growth", "rss_drift", "worker_restarts", "output_exact"}
RELIST_TARGETS = {
    "relist_peak_unchanged",
    "relist_series_unchanged",
    "relist_peak_changed",
    "relist_series_changed",
    "worker_restarts",
}

pytest.importorskip("matplotlib", reason="the benchmark plots need: pip install -r benchmarks/requirements.txt")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    cmds = {
        # through the suite's command: --scenario soak dispatches to benchmarks.soak
        "soak": [sys.executable, "-m", "benchmarks", "--scenario", "soak", "--minutes", "0.4", "--pods", "1500",
                 "--scrape-interval", "4", "--sample-interval", "0.5", "--name", "soak-tiny"],
        "relist": [sys.executable, "-m", "benchmarks.relist", "--pods", "2000", "--name", "relist-tiny"],
    }  # fmt: skip
    procs = {}
    outs = {}
    for name, cmd in cmds.items():
        outs[name] = tmp_path_factory.mktemp(name)
        procs[name] = subprocess.Popen(
            [*cmd, "--out", str(outs[name])], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
    done = {}
    try:
        for name, p in procs.items():
            stdout, stderr = p.communicate(timeout=150)
            assert p.returncode == 0, f"{name}: {stdout[-3000:]}{stderr[-5000:]}"
            done[name] = (outs[name], stdout)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    return done


def _load(out: Path, stem_suffix: str) -> tuple[dict, str]:
    jsons = list(out.glob(f"*-{stem_suffix}.json"))
    assert len(jsons) == 1, sorted(p.name for p in out.iterdir())
    results = json.loads(jsons[0].read_text())
    md = (out / jsons[0].name.replace(".json", ".md")).read_text()
    assert len(results["plots"]) == 1
    for name in results["plots"].values():
        assert f"]({name})" in md
        assert_png(out / name)
    return results, md


def _check_targets(results: dict, md: str, stdout: str, ids: set[str]) -> None:
    targets = {t["id"]: t for t in results["targets"]}
    assert set(targets) == ids
    for t in targets.values():
        assert t["verdict"] in ("PASS", "FAIL"), t
        assert t["basis"] and t["value"] is not None
        assert f"{t['verdict']}  {t['description']}" in stdout
    overall = "PASS" if all(t["verdict"] == "PASS" for t in targets.values()) else "FAIL"
    assert results["verdict"] == overall
    assert f"## Verdict: **{overall}**" in md
    assert f"verdict: {overall}" in stdout
    assert md.count("**PASS**") + md.count("**FAIL**") == len(ids) + 1  # one per target, plus the verdict line
    assert {"cpus", "memory_bytes", "python", "commit"} <= results["machine"].keys()


@pytest.mark.timeout(240)
def test_soak_writes_a_well_formed_report(reports: dict[str, tuple[Path, str]]) -> None:
    out, stdout = reports["soak"]
    results, md = _load(out, "soak-tiny")
    assert results["schema"] == "ksm-shard-soak/1"
    assert results["config"]["minutes"] == 0.4 and results["config"]["pods"] == 1500
    _check_targets(results, md, stdout, SOAK_TARGETS)

    samples = results["rss_samples"]
    assert len(samples) >= 30 and all(r > 0 for _, r in samples)
    assert [t for t, _ in samples] == sorted(t for t, _ in samples)
    soak = results["soak"]
    assert soak["end_s"] - soak["start_s"] >= 0.4 * 60 - 1
    assert soak["changes"] > 0 and soak["events_received"] > 0
    assert {s["encoding"] for s in results["scrapes"]} == {"plain", "gzip"}
    assert all(s["series"] > 0 and s["latency_ms"] > 0 for s in results["scrapes"])

    f = results["flatness"]
    assert f["warmup_s"] == pytest.approx(0.2 * 0.4 * 60)
    assert f["post_warmup_samples"] >= 10
    assert f["baseline_bytes"] > 0 and f["last_max_bytes"] >= f["last_median_bytes"]
    assert f["peak_growth"] == pytest.approx(f["last_max_bytes"] / f["first_max_bytes"] - 1)
    assert f["level_growth"] == pytest.approx(f["last_median_bytes"] / f["baseline_bytes"] - 1)
    assert f["peak_over_level"] == pytest.approx(f["last_max_bytes"] / f["baseline_bytes"] - 1)
    assert isinstance(f["drift"], float) and isinstance(f["slope_bytes_per_s"], float)
    # a correctness check, not a memory one: after churn the exporter must still serve the truth
    assert results["truth"]["ok"], results["truth"]["verdict"]
    assert results["exporter"]["worker_restarts"] == 0

    lines = md.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("| After sync MB"))
    table = lines[head : head + 3]
    assert len({row.count("|") for row in table}) == 1


@pytest.mark.timeout(240)
def test_relist_writes_a_well_formed_report(reports: dict[str, tuple[Path, str]]) -> None:
    out, stdout = reports["relist"]
    results, md = _load(out, "relist-tiny")
    assert results["schema"] == "ksm-shard-relist/1"
    assert results["config"]["pods"] == 2000 and results["config"]["mode"] == "unsharded"
    _check_targets(results, md, stdout, RELIST_TARGETS)

    assert results["sync"]["ready_s"] > 0 and results["sync"]["rss_sync_bytes"] > 0
    assert results["sync"]["owned_pods"] == results["cluster"]["objects"]["pods"] == 2000
    assert [r["kind"] for r in results["relists"]] == ["unchanged", "changed"]
    for rec in results["relists"]:
        assert rec["pods_lists"] >= 1 and rec["pods_relists"] >= 1  # a real 410 relist, done
        assert rec["list_pages"] >= 1 and rec["relist_s"] > 0
        assert rec["samples"] >= 2
        assert rec["peak_rss_bytes"] >= rec["rss_before_bytes"] * 0.5 > 0
        assert rec["peak_ratio"] == pytest.approx(rec["peak_rss_bytes"] / rec["rss_before_bytes"])
        assert rec["series_after"] == rec["series_before"] > 0
    assert results["relists"][1]["touched"] == 2000

    lines = md.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("| Phase |"))
    table = lines[head : lines.index("", head)]
    assert len(table) == 2 + 1 + len(results["relists"])
    assert len({row.count("|") for row in table}) == 1
