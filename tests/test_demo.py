"""The README's main command, end to end: simulated cluster, 3 shard processes + 1 unsharded, union check."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import wait_for


@pytest.mark.parametrize("mode", [[], ["--client-side"]], ids=["server-side", "client-side"])
def test_demo_union_check_passes(mode: list[str]) -> None:
    p = subprocess.run(
        [sys.executable, "-m", "ksm_shard", "demo", "--check-only", "--pods", "1500", *mode],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert p.returncode == 0, p.stdout + p.stderr
    verdict = [line for line in p.stdout.splitlines() if line.startswith("union of 3 shards")]
    assert verdict and ": OK: " in verdict[0], p.stdout
    assert "missing 0, extra 0, duplicated 0" in verdict[0]
    assert p.stdout.count("/metrics   telemetry http://127.0.0.1:") == 4


@pytest.mark.parametrize(
    ("command", "flags", "message"),
    [
        ("demo", ["--shards", "0"], "--shards: must be at least 1, got 0"),
        ("demo", ["--pods", "-5"], "--pods: must not be negative, got -5"),
        ("demo", ["--churn", "nan"], "--churn: not a finite number: 'nan'"),
        ("demo", ["--pods", "many"], "--pods: invalid integer 'many'"),
        ("sim", ["--port", "70000"], "--port: port must be in 0..65535, got 70000"),
        ("sim", ["--bookmark-interval", "0"], "--bookmark-interval: must be greater than 0, got 0"),
        ("sim", ["--churn", "-1"], "--churn: must not be negative, got -1"),
    ],
)
def test_bad_numbers_are_usage_errors(command: str, flags: list[str], message: str) -> None:
    p = subprocess.run([sys.executable, "-m", "ksm_shard", command, *flags], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, p.stdout + p.stderr
    assert message in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert p.stdout == ""  # stopped before building a cluster


def test_demo_stops_cleanly_on_a_second_ctrl_c() -> None:
    """An impatient user presses Ctrl-C twice: no traceback, and no exporter process is left behind."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ksm_shard", "demo", "--pods", "200", "--shards", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "press Ctrl-C" in line:
                break
        assert any("press Ctrl-C" in line for line in lines), "".join(lines)
        group = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout
        pids = [int(x) for x in group.split()]
        assert len(pids) >= 4  # the demo and its exporters (gunicorn arbiters and workers)
        # A terminal delivers Ctrl-C to the whole foreground group; the second one lands while the demo stops.
        os.killpg(proc.pid, signal.SIGINT)
        time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    # Exporter workers finish their own shutdown after the demo returned; none may outlive it for long.
    assert wait_for(lambda: not _alive_ksm_processes(pids), timeout=30), _alive_ksm_processes(pids)


def _alive_ksm_processes(pids: list[int]) -> list[str]:
    """The command lines of those pids still running ksm-shard (not zombies, not a reused pid)."""
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                if "zombie" in f.read():
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "ksm_shard" in cmdline:
            alive.append(f"{pid}: {cmdline}")
    return alive
