"""Start and talk to ksm-shard exporter processes on this machine (used by the demo, tests and benchmarks)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

_handed_out: set[int] = set()


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` distinct free ports, none handed out before by this process. Two bind-and-close calls can get
    the same ephemeral port back (an exporter then refused "--port and --telemetry-port are both N"), and a port
    handed out stays unbound until its process starts, so the sockets stay bound until all are chosen and ports
    already given out are skipped."""
    with contextlib.ExitStack() as stack:
        ports: list[int] = []
        while len(ports) < count:
            s = stack.enter_context(socket.socket())
            s.bind((host, 0))
            port = s.getsockname()[1]
            if port not in _handed_out:
                ports.append(port)
                _handed_out.add(port)
        return ports


def free_port(host: str = "127.0.0.1") -> int:
    return free_ports(1, host)[0]


def http_get(url: str, timeout: float = 30.0, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


class ExporterProcess:
    """One ``ksm-shard`` replica as a child process on 127.0.0.1."""

    def __init__(self, apiserver: str, args: Sequence[str] = (), *, log_dir: str | os.PathLike | None = None,
                 name: str = "ksm-shard") -> None:  # fmt: skip
        self.port, self.telemetry_port = free_ports(2)
        self.name = name
        self.args = [
            "--apiserver", apiserver, "--host", "127.0.0.1", "--port", str(self.port),
            "--telemetry-host", "127.0.0.1", "--telemetry-port", str(self.telemetry_port), *args,
        ]  # fmt: skip
        self.log_path = Path(log_dir) / f"{name}.log" if log_dir else None
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def telemetry_url(self) -> str:
        return f"http://127.0.0.1:{self.telemetry_port}"

    def start(self) -> ExporterProcess:
        out = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        env = dict(os.environ, KUBERNETES_SERVICE_HOST="")  # never pick up an in-cluster config by accident
        self.proc = subprocess.Popen([sys.executable, "-m", "ksm_shard", *self.args], stdout=out,
                                     stderr=subprocess.STDOUT, env=env)  # fmt: skip
        return self

    def status(self, path: str) -> int:
        try:
            return http_get(self.url + path, timeout=5)[0]
        except OSError:
            return 0

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}{self._log_tail()}")
            if self.status("/readyz") == 200:
                return
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} not ready after {timeout}s{self._log_tail()}")

    def metrics(self, query: str = "", headers: dict[str, str] | None = None) -> bytes:
        status, body, _ = http_get(self.url + "/metrics" + query, headers=headers)
        if status != 200:
            raise RuntimeError(f"{self.name} /metrics answered {status}")
        return body

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def _log_tail(self) -> str:
        if self.log_path and self.log_path.exists():
            return "\n--- log tail ---\n" + self.log_path.read_text(errors="replace")[-3000:]
        return ""


def sample_lines(body: bytes) -> list[str]:
    """The sample lines of a text exposition (comments and blank lines dropped)."""
    return [line for line in body.decode().split("\n") if line and not line.startswith("#")]


def union_check(shard_bodies: Iterable[bytes], reference: bytes) -> tuple[bool, str]:
    """Is the multiset union of the shards' samples exactly the unsharded exporter's? With a one-line verdict."""
    union: Counter[str] = Counter()
    per_shard = []
    for body in shard_bodies:
        lines = sample_lines(body)
        per_shard.append(len(lines))
        union.update(lines)
    ref = Counter(sample_lines(reference))
    missing = ref - union
    extra = union - ref
    dupes = sum(n - 1 for n in union.values() if n > 1)
    ok = not missing and not extra and dupes == 0
    verdict = (
        f"{'OK' if ok else 'MISMATCH'}: shards {'+'.join(map(str, per_shard))} = {sum(per_shard)} series, "
        f"unsharded {sum(ref.values())}; missing {sum(missing.values())}, extra {sum(extra.values())}, "
        f"duplicated {dupes}"
    )
    return ok, verdict


@contextlib.contextmanager
def exporters(apiserver: str, arg_sets: Sequence[Sequence[str]], log_dir: str | None = None, names=None):  # noqa: ANN001
    procs = [ExporterProcess(apiserver, a, log_dir=log_dir, name=(names[i] if names else f"ksm-shard-{i}"))
             for i, a in enumerate(arg_sets)]  # fmt: skip
    try:
        for p in procs:
            p.start()
        yield procs
    finally:
        for p in procs:
            p.stop()
