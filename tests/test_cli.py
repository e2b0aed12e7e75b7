"""Flags: upstream names and syntax, one-line errors with exit status 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ksm_shard import __version__
from ksm_shard.cli import UsageError, main, parse_options
from ksm_shard.resources import DEFAULT_RESOURCES


def test_defaults_match_upstream() -> None:
    o = parse_options([])
    assert (o.port, o.telemetry_port, o.host, o.telemetry_host) == (8080, 8081, "::", "::")
    assert (o.shard, o.total_shards, o.enable_gzip_encoding) == (0, 1, False)
    assert o.resources == list(DEFAULT_RESOURCES)
    assert o.namespaces == [] and o.namespaces_denylist == []


def test_go_style_flags() -> None:
    o = parse_options(["--port=9090", "--telemetry-port", "9091", "--resources=pods,nodes", "--namespaces=a,b",
                       "--namespaces-denylist=kube-system", "--shard=2", "--total-shards=4",
                       "--enable-gzip-encoding", "-v=2"])  # fmt: skip
    assert (o.port, o.telemetry_port, o.shard, o.total_shards, o.verbosity) == (9090, 9091, 2, 4, 2)
    assert o.resources == ["pods", "nodes"] and o.namespaces == ["a", "b"]
    assert o.namespace_field_selector() == "metadata.namespace!=kube-system"
    assert o.enable_gzip_encoding is True
    assert parse_options(["--enable-gzip-encoding=false"]).enable_gzip_encoding is False


def test_allowlists() -> None:
    o = parse_options(["--metric-labels-allowlist=pods=[app,team],namespaces=[*]"])
    assert o.labels_allowlist == {"pods": ["app", "team"], "namespaces": ["*"]}


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--resources=pods,widgets"], "unknown resource 'widgets'"),
        (["--shard=3", "--total-shards=3"], "--shard 3 must be smaller than --total-shards 3"),
        (["--total-shards=0"], "--total-shards must be at least 1"),
        (["--shard=-1"], "must not be negative"),
        (["--port=70000"], "port must be in 1..65535"),
        (["--no-such-flag"], "unrecognized arguments"),
        (["--metric-labels-allowlist=pods=[a"], "malformed allowlist"),
        (["--metric-labels-allowlist=pods=[a*b*]"], "more than one '*'"),
    ],
)
def test_bad_flags_raise_one_line(argv: list[str], fragment: str) -> None:
    with pytest.raises(UsageError, match=None) as e:
        parse_options(argv)
    assert fragment in str(e.value)
    assert "\n" not in str(e.value)


def test_bad_flags_exit_2_with_one_line() -> None:
    p = subprocess.run([sys.executable, "-m", "ksm_shard", "--shard=5", "--total-shards=2"],
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0
    assert p.stderr.startswith("ksm-shard: error: ")


def test_unreadable_kubeconfig_exits_2(tmp_path, capsys) -> None:  # noqa: ANN001
    assert main(["--kubeconfig", str(tmp_path / "missing")]) == 2
    assert "cannot read kubeconfig" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("this: is: not: a kubeconfig\n")
    assert main(["--kubeconfig", str(bad)]) == 2
    assert "invalid kubeconfig" in capsys.readouterr().err


def test_no_cluster_configured_exits_2(capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    assert main([]) == 2
    assert "no cluster configured" in capsys.readouterr().err


def test_version(capsys) -> None:  # noqa: ANN001
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == f"ksm-shard {__version__}"


def test_server_timeouts_take_go_durations() -> None:
    o = parse_options(["--server-write-timeout=1m30s", "--server-idle-timeout=500ms"])
    assert (o.server_write_timeout, o.server_idle_timeout) == (90.0, 0.5)
    assert parse_options([]).server_write_timeout == 60.0
    o = parse_options(["--server-read-timeout=2m", "--server-read-header-timeout=0"])
    assert (o.server_read_timeout, o.server_read_header_timeout) == (120.0, 0.0)
    assert (parse_options([]).server_read_timeout, parse_options([]).server_read_header_timeout) == (60.0, 5.0)
    with pytest.raises(UsageError, match="invalid duration"):
        parse_options(["--server-write-timeout=soon"])
