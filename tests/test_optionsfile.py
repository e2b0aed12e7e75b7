"""--config: upstream's options file over the flags, re-read while running (unit tests, then a real process)."""

from __future__ import annotations

import hashlib
import struct
import time
from pathlib import Path

import pytest
from conftest import wait_for
from factories import configmap, pod

from ksm_shard.cli import UsageError, parse_options
from ksm_shard.launch import ExporterProcess, http_get
from ksm_shard.optionsfile import OptionsFileWatcher, config_hash, options_from_file
from ksm_shard.sim.apiserver import SimApiServer
from ksm_shard.sim.storage import Storage

FULL = b"""
resources: {pods: {}, nodes: {}}
namespaces: [a, b]
namespaces_denylist: [kube-system]
metric_allowlist: {"kube_pod_.*": {}, "kube_node_info": {}}
metric_opt_in_list: {kube_pod_nodeselectors: {}}
labels_allow_list: {pods: [app, team], nodes: ["*"]}
annotations_allow_list: {pods: []}
apiserver: https://10.0.0.1:6443
kubeconfig: /etc/kube/config
host: 0.0.0.0
telemetry_host: 127.0.0.1
port: 9100
telemetry_port: 9101
shard: 1
total_shards: 4
enable_gzip_encoding: true
use_api_server_cache: true
server_read_timeout: 30s
server_write_timeout: 90000000000
server_idle_timeout: 2m
server_read_header_timeout: 1s
object_limit: 0
custom_resources_only: false
"""


def write(tmp_path: Path, text: bytes | str, name: str = "config.yaml") -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


def test_every_key_is_read_as_its_flag(tmp_path: Path) -> None:
    o = parse_options(["--config", write(tmp_path, FULL)])
    assert o.resources == ["pods", "nodes"] and o.namespaces == ["a", "b"]
    assert o.namespaces_denylist == ["kube-system"]
    assert [p.pattern for p in o.metric_allowlist] == ["kube_pod_.*", "kube_node_info"]
    assert [p.pattern for p in o.metric_opt_in_list] == ["kube_pod_nodeselectors"]
    assert o.labels_allowlist == {"pods": ["app", "team"], "nodes": ["*"]} and o.annotations_allowlist == {"pods": []}
    assert (o.apiserver, o.kubeconfig, o.host, o.telemetry_host) == (
        "https://10.0.0.1:6443", "/etc/kube/config", "0.0.0.0", "127.0.0.1",
    )  # fmt: skip
    assert (o.port, o.telemetry_port, o.shard, o.total_shards) == (9100, 9101, 1, 4)
    assert o.enable_gzip_encoding is True and o.use_apiserver_cache is True
    assert (o.server_read_timeout, o.server_write_timeout, o.server_idle_timeout) == (30.0, 90.0, 120.0)
    assert o.server_read_header_timeout == 1.0
    assert o.config_bytes == FULL and o.ignored_flags == []


def test_the_file_overrides_the_flags_it_names_and_only_those(tmp_path: Path) -> None:
    path = write(tmp_path, "port: 9100\nresources:\n  configmaps: {}\n")
    o = parse_options(["--config", path, "--port=9000", "--resources=pods", "--namespaces=x", "--shard=1",
                       "--total-shards=2"])  # fmt: skip
    assert (o.port, o.resources) == (9100, ["configmaps"])  # the file wins, and replaces the whole list
    assert (o.namespaces, o.shard, o.total_shards) == (["x"], 1, 2)  # flags the file does not name
    assert o.config_file == path
    empty = parse_options(["--config", write(tmp_path, "", "empty.yaml"), "--port=9000"])
    assert empty.port == 9000 and empty.config_bytes == b""


def test_pod_namespace_and_node_keys(tmp_path: Path) -> None:
    o = parse_options(["--config", write(tmp_path, "pod: ksm-2\nnamespace: monitoring\n")])
    assert (o.pod, o.pod_namespace) == ("ksm-2", "monitoring")
    o = parse_options(["--config", write(tmp_path, "resources: {pods: {}}\nnode: node-7\n", "n.yaml")])
    assert o.node == "node-7" and o.field_selector("pods", True) == "spec.nodeName=node-7"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("port: [1]", "port: want a number"),
        ("port: 70000", "port: port must be in 1..65535"),
        ("enable_gzip_encoding: sometimes", "enable_gzip_encoding: invalid boolean value"),
        ("server_idle_timeout: soon", "server_idle_timeout: invalid duration"),
        ("resources: {pods: 1}", "resources: entry 'pods' has a value"),
        ("resources: {widgets: {}}", "--resources: unknown resource 'widgets'"),
        ("metric_denylist: {'kube_(': {}}", "metric_denylist: invalid regular expression 'kube_('"),
        ("labels_allow_list: [pods]", "labels_allow_list: want a mapping"),
        ("total_shards: 2\nshard: 2", "--shard 2 must be smaller than --total-shards 2"),
        ("custom_resource_config_file: /crs.yaml", "custom_resource_config_file: custom resource state metrics"),
        ("custom_resources_only: true", "custom_resources_only: custom resource state metrics"),
        ("object_limit: 100", "object_limit: a cap on listed objects is not supported"),
        ("resources: [pods\n", "not valid YAML"),
        ("- pods\n", "want a mapping of option names to values"),
    ],
)
def test_a_bad_file_is_a_usage_error_naming_the_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as e:
        parse_options(["--config", path])
    assert fragment in str(e.value) and "\n" not in str(e.value), str(e.value)


def test_keys_without_effect_and_unknown_keys_are_reported(tmp_path: Path) -> None:
    o = parse_options(["--config", write(tmp_path, "auto-gomemlimit: true\nportt: 1\nport: 9100\n")])
    assert o.port == 9100
    assert [flag for flag, _ in o.ignored_flags] == ["auto-gomemlimit: True (options file)", "portt (options file)"]


def test_a_missing_file_stops_start_up_unless_told_to_continue(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    with pytest.raises(UsageError, match="--config .*nope.yaml: cannot read it: No such file"):
        parse_options(["--config", missing])
    o = parse_options(["--config", missing, "--continue-without-config", "--port=9000"])
    assert o.port == 9000 and o.config_bytes is None and o.config_file == missing
    assert [flag for flag, _ in o.ignored_flags] == [f"--config={missing}"]
    bad = write(tmp_path, "port: nope")
    o = parse_options(["--config", bad, "--continue-without-config"])
    assert o.config_bytes is None and "port: invalid integer 'nope'" in o.ignored_flags[0][1]


def test_config_hash_is_upstreams_48_bit_md5_prefix() -> None:
    raw = b"resources:\n  pods: {}\n"
    digest = hashlib.md5(raw).digest()  # noqa: S324
    (expected,) = struct.unpack("<Q", digest[:6] + b"\0\0")  # little-endian, the top two bytes zero
    assert config_hash(raw) == float(expected) and config_hash(raw) < 2**48
    assert config_hash(raw) != config_hash(raw + b"\n")


def test_options_from_file_returns_flag_destinations() -> None:
    values, ignored = options_from_file(b"namespace: mon\nuse_api_server_cache: false\nhelp: true\n")
    assert values == {"pod_namespace": "mon", "use_apiserver_cache": False} and len(ignored) == 1


def test_watcher_hands_over_a_valid_change_once_and_reports_a_bad_one_once(tmp_path: Path) -> None:
    path = write(tmp_path, "port: 9100\n")
    loaded = Path(path).read_bytes()
    changes: list[int] = []
    failures: list[str] = []

    def validate() -> None:
        parse_options(["--config", path])

    watcher = OptionsFileWatcher(path, loaded, validate, lambda: changes.append(1), failures.append, interval=0.05)
    assert not watcher.check() and not changes and not failures  # unchanged
    Path(path).write_text("port: nope\n")
    assert not watcher.check() and not watcher.check()
    assert changes == [] and len(failures) == 1 and "port: invalid integer 'nope'" in failures[0]  # once per content
    Path(path).unlink()
    assert not watcher.check() and len(failures) == 1  # gone for a moment (a ConfigMap symlink swap): wait
    Path(path).write_text("port: 9200\n")
    watcher.start()
    assert wait_for(lambda: changes == [1], timeout=5)
    time.sleep(0.2)
    assert changes == [1]  # then it stops: the worker is being replaced


def _telemetry_config_lines(proc: ExporterProcess) -> dict[str, float]:
    _, body, _ = http_get(proc.telemetry_url + "/metrics")
    out = {}
    for line in body.decode().splitlines():
        if line.startswith(("kube_state_metrics_config_hash", "kube_state_metrics_last_config_reload")):
            name, value = line.rsplit(" ", 1)
            out[name.split("{")[0]] = float(value)
    return out


def serves(proc: ExporterProcess) -> bool:
    try:
        return b"kube_configmap_info{" in proc.metrics()
    except OSError:
        return False


def test_a_running_exporter_applies_a_changed_file_and_keeps_running_on_a_bad_one(tmp_path: Path) -> None:
    storage = Storage()
    for i in range(3):
        storage.create("configmaps", configmap(f"cm-{i}"))
        storage.create("pods", pod(f"p-{i}"))
    server = SimApiServer(storage)
    server.start()
    path = write(tmp_path, "resources: {configmaps: {}}\nmetric_denylist: {kube_configmap_created: {}}\n")
    proc = ExporterProcess(server.url, ["--config", path, "--resources=pods"], log_dir=tmp_path).start()
    try:
        proc.wait_ready(60)
        body = proc.metrics()
        assert body.count(b"kube_configmap_info{") == 3 and b"kube_pod_info{" not in body
        assert b"kube_configmap_created" not in body
        first = _telemetry_config_lines(proc)
        assert first["kube_state_metrics_last_config_reload_successful"] == 1
        assert first["kube_state_metrics_config_hash"] == config_hash(Path(path).read_bytes())
        assert time.time() - 120 < first["kube_state_metrics_last_config_reload_success_timestamp_seconds"]

        Path(path).write_text("resources: {configmaps: {}, pods: {}}\n")

        def serves_pods() -> bool:
            try:
                return proc.metrics().count(b"kube_pod_info{") == 3
            except OSError:
                return False

        assert wait_for(serves_pods, timeout=40), proc._log_tail()
        assert b"kube_configmap_created{" in proc.metrics()  # the denylist went with the old file
        second = _telemetry_config_lines(proc)
        assert second["kube_state_metrics_config_hash"] == config_hash(Path(path).read_bytes())

        Path(path).write_text("resources: [\n")  # a bad edit: logged, reported, the running options stay
        assert wait_for(
            lambda: _telemetry_config_lines(proc)["kube_state_metrics_last_config_reload_successful"] == 0,
            timeout=20,
        )  # fmt: skip
        assert proc.metrics().count(b"kube_pod_info{") == 3
        assert "changed but cannot be used, keeping the running options" in proc.log_path.read_text()

        # A new port cannot be bound while the old worker holds the listeners: it waits for the next start, the
        # rest applies, and the process stays up (gunicorn's master used to exit on the failed bind).
        Path(path).write_text("resources: {configmaps: {}}\nport: 1\n")
        assert wait_for(lambda: "new listen addresses take effect at the next start" in proc.log_path.read_text(),
                        timeout=20)  # fmt: skip
        assert wait_for(lambda: serves(proc) and b"kube_pod_info{" not in proc.metrics(), timeout=40)
        assert proc.proc.poll() is None
    finally:
        proc.stop()
        server.stop()


def test_continue_without_config_starts_on_the_flags_and_applies_the_file_once_it_appears(tmp_path: Path) -> None:
    storage = Storage()
    storage.create("configmaps", configmap("cm-0"))
    storage.create("pods", pod("p-0"))
    server = SimApiServer(storage)
    server.start()
    path = tmp_path / "later.yaml"
    args = ["--config", str(path), "--continue-without-config", "--resources=configmaps"]
    proc = ExporterProcess(server.url, args, log_dir=tmp_path).start()
    try:
        proc.wait_ready(60)
        assert serves(proc) and b"kube_pod_info{" not in proc.metrics()
        assert _telemetry_config_lines(proc) == {"kube_state_metrics_last_config_reload_successful": 0.0}
        assert f"--config={path}: ignored: cannot read it" in proc.log_path.read_text()
        time.sleep(6)  # a look at the still missing file restarts nothing
        assert proc.log_path.read_text().count("Booting worker") == 1
        path.write_text("resources: {pods: {}}\n")

        def pods_only() -> bool:
            try:
                body = proc.metrics()
            except OSError:
                return False
            return b"kube_pod_info{" in body and b"kube_configmap_info{" not in body

        assert wait_for(pods_only, timeout=40), proc._log_tail()
        assert _telemetry_config_lines(proc)["kube_state_metrics_last_config_reload_successful"] == 1
    finally:
        proc.stop()
        server.stop()
