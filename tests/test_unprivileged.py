"""The exporter as it runs in the hardened StatefulSet: uid 65534, nothing writable but its temp dir."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ksm_shard.launch import free_ports, http_get
from ksm_shard.sim.apiserver import SimApiServer
from ksm_shard.sim.storage import Storage

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to uid 65534")


def _interpreter_usable_by_nobody() -> bool:
    try:
        return subprocess.run([sys.executable, "-c", "import ksm_shard"], user=65534, group=65534, cwd="/",
                              capture_output=True, timeout=30).returncode == 0  # fmt: skip
    except PermissionError:
        return False


def test_runs_as_nobody_and_writes_only_its_temp_dir(tmp_path: Path) -> None:
    if not _interpreter_usable_by_nobody():
        pytest.skip(f"{sys.executable} (or the installed packages) is not readable by uid 65534 on this machine")
    storage = Storage()
    storage.create("configmaps", {"kind": "ConfigMap", "apiVersion": "v1",
                                  "metadata": {"name": "c", "namespace": "default"}})  # fmt: skip
    sim = SimApiServer(storage)
    sim.start()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    os.chown(tmp, 65534, 65534)
    marker = time.time()
    port, tport = free_ports(2)
    env = {"PATH": os.environ["PATH"], "TMPDIR": str(tmp), "HOME": str(tmp), "XDG_RUNTIME_DIR": str(tmp),
           "PYTHONDONTWRITEBYTECODE": "1"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "ksm_shard", f"--apiserver={sim.url}", "--host=127.0.0.1", f"--port={port}",
         "--telemetry-host=127.0.0.1", f"--telemetry-port={tport}", "--resources=configmaps"],
        env=env, cwd="/", user=65534, group=65534, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        ready = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if http_get(f"http://127.0.0.1:{port}/readyz", timeout=2)[0] == 200:
                    ready = True
                    break
            except OSError:
                pass
            time.sleep(0.2)
        assert ready, proc.stdout.read().decode() if proc.poll() is not None else "not ready"
        assert b'configmap="c"' in http_get(f"http://127.0.0.1:{port}/metrics")[1]
        ps = subprocess.run(["ps", "-o", "uid=", "--ppid", str(proc.pid)], capture_output=True, text=True)
        assert {u.strip() for u in ps.stdout.split()} == {"65534"}  # the gunicorn worker too
    finally:
        proc.terminate()
        proc.wait(20)
        sim.stop()
    # nothing written outside the temp dir: the package tree got no new files
    package = Path(__import__("ksm_shard").__file__).parent
    newer = [p for p in package.rglob("*") if p.stat().st_mtime > marker]
    assert newer == []
