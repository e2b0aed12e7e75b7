"""Flags: upstream names and syntax, one-line errors with exit status 2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ksm_shard import __version__
from ksm_shard.cli import UsageError, build_parser, main, parse_options
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


# Every flag of kube-state-metrics v2 (docs/developer/cli-arguments.md), with a value a manifest might pass.
UPSTREAM_FLAGS = [
    "--resources=pods", "--namespaces=a", "--namespaces-denylist=b", "--metric-allowlist=kube_pod_.*",
    "--metric-opt-in-list=x", "--metric-labels-allowlist=pods=[app]", "--metric-annotations-allowlist=pods=[a]",
    "--shard=0", "--total-shards=1", "--pod=ksm-0", "--pod-namespace=monitoring", "--node=n1",
    "--track-unscheduled-pods", "--custom-resource-state-config=spec: {}", "--custom-resource-state-config-file=/c",
    "--continue-without-custom-resource-state-config-file", "--custom-resource-state-only", "--object-limit=10",
    "--use-apiserver-cache", "--host=::", "--port=8080", "--telemetry-host=::", "--telemetry-port=8081",
    "--tls-config=/w.yml", "--auth-filter", "--enable-gzip-encoding", "--server-read-timeout=1m0s",
    "--server-write-timeout=1m0s", "--server-idle-timeout=5m0s", "--server-read-header-timeout=5s",
    "--kubeconfig=/k", "--apiserver=https://k", "--config=/o.yaml", "--continue-without-config",
    "--auto-gomemlimit", "--auto-gomemlimit-ratio=0.9", "--add_dir_header", "--alsologtostderr",
    "--alsologtostderrthreshold=2", "--legacy_stderr_threshold_behavior=false", "--log_backtrace_at=a.go:1",
    "--log_dir=/tmp", "--log_file=/tmp/k.log", "--log_file_max_size=1800", "--logtostderr", "--one_output",
    "--skip_headers", "--skip_log_headers", "--stderrthreshold=2", "-v=2", "--v=2", "--vmodule=a=2",
]  # fmt: skip


@pytest.mark.parametrize("flag", UPSTREAM_FLAGS)
def test_every_upstream_flag_is_known(flag: str) -> None:
    """A manifest written for kube-state-metrics never fails on an unknown flag: each one is served, accepted
    without effect (logged), or refused with the reason."""
    argv = [flag, "--resources=pods"] if flag.startswith(("--node", "--track-unscheduled")) else [flag]
    if flag.startswith("--pod"):  # they go together
        argv = ["--pod=ksm-0", "--pod-namespace=monitoring"]
    try:
        parse_options(argv)
    except UsageError as e:
        reason = "cannot read it" if flag.startswith("--config") else "not supported by ksm-shard"
        assert "unrecognized" not in str(e) and reason in str(e), str(e)


def test_flags_without_effect_are_accepted_and_listed() -> None:
    o = parse_options(["--logtostderr", "--log_file=/var/log/ksm.log", "--v=2", "--auto-gomemlimit",
                       "--auto-gomemlimit-ratio=0.8", "--alsologtostderr=false", "--object-limit=0",
                       "--auth-filter=false", "--custom-resource-state-only=false"])  # fmt: skip
    assert o.verbosity == 2
    assert [flag for flag, _ in o.ignored_flags] == [
        "--alsologtostderr=false", "--log_file=/var/log/ksm.log", "--auto-gomemlimit=true",
        "--auto-gomemlimit-ratio=0.8",
    ]  # fmt: skip
    assert all(why for _, why in o.ignored_flags)
    assert parse_options(["--logtostderr=true"]).ignored_flags == []  # already what ksm-shard does
    assert [f for f, _ in parse_options(["--logtostderr=false"]).ignored_flags] == ["--logtostderr=false"]
    assert parse_options([]).ignored_flags == []


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--custom-resource-state-config-file=/etc/crs.yaml"], "custom resource state metrics are not supported"),
        (["--custom-resource-state-only"], "custom resource state metrics are not supported"),
        (["--auth-filter"], "authn/authz of scrapers is not supported"),
        (["--auth-filter=true"], "authn/authz of scrapers is not supported"),
        (["--object-limit=1000"], "--object-limit: a cap on listed objects is not supported"),
        (["--object-limit=-1"], "must not be negative"),
        (["--logtostderr=sometimes"], "invalid boolean value"),
        (["--auto-gomemlimit-ratio=lots"], "invalid float value"),
    ],
)
def test_upstream_flags_that_would_change_the_output_are_refused(argv: list[str], fragment: str) -> None:
    with pytest.raises(UsageError) as e:
        parse_options(argv)
    assert fragment in str(e.value) and "\n" not in str(e.value)


def test_use_apiserver_cache() -> None:
    assert parse_options([]).use_apiserver_cache is False
    assert parse_options(["--use-apiserver-cache"]).use_apiserver_cache is True
    assert parse_options(["--use-apiserver-cache=false"]).use_apiserver_cache is False


def test_the_readme_names_every_flag() -> None:
    """README's flag documentation keeps up with the parser: each long flag appears there in backquotes."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    flags = {s for a in build_parser()._actions for s in a.option_strings if s.startswith("--") and s != "--help"}
    assert len(flags) > 40
    missing = sorted(f for f in flags if not re.search(rf"`{re.escape(f)}[`= ]", readme))
    assert not missing, missing
