"""A real Prometheus (Debian's package) on 127.0.0.1 scraping targets listed in a file_sd file."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

from ksm_shard.launch import free_port, http_get

CONFIG = """
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: ksm-shard
    honor_labels: true
    file_sd_configs:
      - files: [{targets}]
        refresh_interval: 1s
"""


class Prometheus:
    def __init__(self, workdir: Path) -> None:
        if shutil.which("prometheus") is None:
            raise RuntimeError("prometheus is not installed (scripts/test.sh installs Debian's package)")
        self.workdir = workdir
        self.port = free_port()
        self.targets = workdir / "targets.json"
        self.set_targets([])
        (workdir / "prometheus.yml").write_text(CONFIG.format(targets=json.dumps(str(self.targets))))
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_targets(self, targets: dict[str, str] | list, telemetry: dict[str, str] | None = None) -> None:
        """{replica name: host:port} of the metrics ports (label endpoint="metrics") and of the telemetry ports
        (endpoint="telemetry"); each target carries a `pod` label, as kubernetes_sd relabelling would give."""
        groups = [{"targets": [addr], "labels": {"pod": name, "endpoint": "metrics"}}
                  for name, addr in dict(targets).items()]  # fmt: skip
        groups += [{"targets": [addr], "labels": {"pod": name, "endpoint": "telemetry"}}
                   for name, addr in (telemetry or {}).items()]  # fmt: skip
        tmp = self.targets.with_suffix(".tmp")
        tmp.write_text(json.dumps(groups))
        tmp.replace(self.targets)  # atomic, so Prometheus never reads half a file

    def start(self) -> Prometheus:
        log = open(self.workdir / "prometheus.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={self.workdir / 'prometheus.yml'}",
             f"--storage.tsdb.path={self.workdir / 'data'}", f"--web.listen-address=127.0.0.1:{self.port}",
             "--storage.tsdb.retention.time=1h"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if http_get(self.url + "/-/ready", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("prometheus did not become ready:\n" + (self.workdir / "prometheus.log").read_text()[-2000:])

    def query(self, expr: str) -> list[dict]:
        status, body, _ = http_get(self.url + "/api/v1/query?" + urllib.parse.urlencode({"query": expr}), timeout=30)
        data = json.loads(body)
        if status != 200 or data.get("status") != "success":
            raise RuntimeError(f"query {expr!r} failed: {body[:500]!r}")
        return data["data"]["result"]

    def scalar(self, expr: str) -> float | None:
        result = self.query(expr)
        return float(result[0]["value"][1]) if result else None

    def targets_up(self) -> dict[str, float]:
        return {r["metric"]["pod"]: float(r["value"][1]) for r in self.query('up{endpoint="metrics"}')}

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
