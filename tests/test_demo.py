"""The README's main command, end to end: simulated cluster, 3 shard processes + 1 unsharded, union check."""

from __future__ import annotations

import subprocess
import sys

import pytest


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
