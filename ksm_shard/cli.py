"""Command line: kube-state-metrics v2 flags (same names, syntax and defaults) and the sub-commands.

    ksm-shard [flags]        run the exporter (gunicorn, two ports)
    ksm-shard version        print the version
    ksm-shard demo [...]     simulated cluster + three shards + the union check
    ksm-shard sim [...]      run the simulated apiserver alone

Bad flags exit with status 2 and one line on stderr, like upstream.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence

from ksm_shard import __version__
from ksm_shard.flagtypes import (
    non_negative,
    parse_allowlist,
    parse_bool,
    parse_duration,
    parse_list,
    parse_regex_list,
    port,
)
from ksm_shard.kube.kinds import KINDS
from ksm_shard.options import Options
from ksm_shard.optionsfile import (
    NO_CUSTOM_RESOURCES,
    NO_GO_RUNTIME,
    NO_OBJECT_LIMIT,
    OptionsFileError,
    options_from_file,
    read_options_file,
)
from ksm_shard.resources import DEFAULT_RESOURCES, RESOURCES

PROG = "ksm-shard"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2 (argparse prints usage too)
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="kube-state-metrics, horizontally sharded.", allow_abbrev=False)
    boolflag = {"nargs": "?", "const": True, "default": False, "type": parse_bool, "metavar": "BOOL"}
    p.add_argument("--kubeconfig", help="Absolute path to the kubeconfig file (default: in-cluster config).")
    p.add_argument("--apiserver", help="The URL of the apiserver to use as a master.")
    p.add_argument(
        "--resources",
        type=parse_list,
        default=None,
        help=f"Comma-separated list of resources to be enabled. Defaults to {','.join(DEFAULT_RESOURCES)}",
    )
    p.add_argument(
        "--namespaces",
        type=parse_list,
        default=[],
        help="Comma-separated list of namespaces to be enabled. Defaults to all namespaces.",
    )
    p.add_argument(
        "--namespaces-denylist",
        type=parse_list,
        default=[],
        help="Comma-separated list of namespaces not to be enabled.",
    )
    p.add_argument("--shard", type=non_negative, default=0, help="The instance's shard index (0-based).")
    p.add_argument("--total-shards", type=non_negative, default=1, help="The total number of shards.")
    p.add_argument("--host", default="::", help="Host to expose metrics on.")
    p.add_argument("--port", type=port, default=8080, help="Port to expose metrics on.")
    p.add_argument("--telemetry-host", default="::", help="Host to expose kube-state-metrics self metrics on.")
    p.add_argument("--telemetry-port", type=port, default=8081, help="Port to expose self metrics on.")
    p.add_argument("--enable-gzip-encoding", **boolflag, help="Gzip responses when requested by clients.")
    p.add_argument(
        "--metric-labels-allowlist",
        type=parse_allowlist,
        default={},
        help="Label keys per resource for kube_<resource>_labels, e.g. pods=[app,team],nodes=[*].",
    )
    p.add_argument(
        "--metric-annotations-allowlist",
        type=parse_allowlist,
        default={},
        help="Annotation keys per resource for kube_<resource>_annotations, same syntax.",
    )
    p.add_argument(
        "--metric-allowlist",
        type=parse_regex_list,
        default=[],
        help="Comma-separated regexes of metric families to keep (unanchored). Excludes --metric-denylist.",
    )
    p.add_argument(
        "--metric-denylist",
        type=parse_regex_list,
        default=[],
        help="Comma-separated regexes of metric families to drop (unanchored). Excludes --metric-allowlist.",
    )
    p.add_argument(
        "--metric-opt-in-list",
        type=parse_regex_list,
        default=[],
        help="Comma-separated regexes of opt-in metric families to enable.",
    )
    p.add_argument(
        "--pod",
        help="Name of this pod (downward API); with --pod-namespace, the shard is the pod's "
        "StatefulSet ordinal and the shard count its replicas, followed live (overrides --shard/--total-shards).",
    )
    p.add_argument("--pod-namespace", help="Namespace of this pod (downward API), for --pod.")
    p.add_argument("--node", help="Export only pods bound to this node (per-node sharding; needs --resources=pods).")
    p.add_argument(
        "--track-unscheduled-pods",
        **boolflag,
        help="Export only pods not bound to a node (pairs with --node replicas; needs --resources=pods).",
    )
    p.add_argument(
        "--server-side-sharding",
        **{**boolflag, "default": True},
        help="Ask the apiserver to filter each shard's objects (KEP-5866 shardSelector) and fall back to "
        "client-side filtering when it does not; --server-side-sharding=false always filters here.",
    )
    p.add_argument("-v", "--v", dest="verbosity", type=int, default=0, help="Log level verbosity.")
    p.add_argument(
        "--tls-config",
        default="",
        help="Path to a TLS / basic-auth configuration (Prometheus exporter-toolkit web config) for both ports.",
    )
    p.add_argument(
        "--server-read-timeout",
        type=parse_duration,
        default=60.0,
        help="Longest time to read a whole request on the metrics port, headers and body (default 1m0s).",
    )
    p.add_argument(
        "--server-read-header-timeout",
        type=parse_duration,
        default=5.0,
        help="Longest time to read a request's headers on the metrics port; the telemetry port uses 5s "
        "(default 5s).",
    )
    p.add_argument(
        "--server-write-timeout",
        type=parse_duration,
        default=60.0,
        help="Longest time to write a /metrics response; a stalled scraper is cut off (default 1m0s).",
    )
    p.add_argument(
        "--server-idle-timeout",
        type=parse_duration,
        default=300.0,
        help="How long an idle keep-alive connection stays open (default 5m0s).",
    )
    p.add_argument(
        "--use-apiserver-cache",
        **boolflag,
        help="List with resourceVersion=0 at start-up so the apiserver may answer from its watch cache instead of "
        "etcd (a relist after 410 Gone always reads the latest state).",
    )
    p.add_argument(
        "--config",
        default="",
        help="Path to a kube-state-metrics options file (YAML, keys as upstream's: resources, metric_denylist, "
        "port, ...); its values override the flags. It is re-read while running: a valid change restarts the "
        "worker with it.",
    )
    p.add_argument(
        "--continue-without-config",
        **boolflag,
        help="Start on the flags alone when the --config file is missing or invalid, and apply it once it is.",
    )
    _add_compatibility_flags(p, boolflag)
    return p


def _apply_options_file(args: argparse.Namespace, ignored: list[tuple[str, str]]) -> tuple[bytes | None, str]:
    """--config: the file's values over the flags' in ``args``. Returns its bytes, or None and why not when
    --continue-without-config let start-up go on without it."""
    path = args.config
    try:
        raw = read_options_file(path)
        values, notes = options_from_file(raw)
    except (OSError, OptionsFileError) as e:
        why = f"cannot read it: {e.strerror or e}" if isinstance(e, OSError) else str(e)
        if not args.continue_without_config:
            raise UsageError(f"--config {path}: {why}") from None
        ignored.append((f"--config={path}", f"{why}; running on the flags until the file can be applied"))
        return None, why
    for dest, value in values.items():
        setattr(args, dest, value)
    ignored.extend(notes)
    return raw, ""


# Upstream flags with no counterpart here. Accepted, and logged at start-up, where that is harmless (logging to
# files, Go runtime tuning); refused with a clear message where ignoring them would change what is served or who
# may read it.
_KLOG_FLAGS = {  # klog: ksm-shard logs to stderr, its level set by -v
    "--logtostderr": True, "--alsologtostderr": True, "--add_dir_header": True, "--one_output": True,
    "--skip_headers": True, "--skip_log_headers": True, "--legacy_stderr_threshold_behavior": True,
    "--log_dir": False, "--log_file": False, "--log_file_max_size": False, "--stderrthreshold": False,
    "--alsologtostderrthreshold": False, "--log_backtrace_at": False, "--vmodule": False,
}  # fmt: skip
_UNSUPPORTED = {
    "--custom-resource-state-config": NO_CUSTOM_RESOURCES,
    "--custom-resource-state-config-file": NO_CUSTOM_RESOURCES,
    "--custom-resource-state-only": NO_CUSTOM_RESOURCES,
    "--continue-without-custom-resource-state-config-file": NO_CUSTOM_RESOURCES,
    "--auth-filter": "Kubernetes authn/authz of scrapers is not supported by ksm-shard; use --tls-config "
    "(client certificates, basic auth) or a proxy such as kube-rbac-proxy",
    "--object-limit": NO_OBJECT_LIMIT,
}
_UNSUPPORTED_BOOL = {"--custom-resource-state-only", "--continue-without-custom-resource-state-config-file",
                     "--auth-filter"}  # fmt: skip


def _dest(flag: str) -> str:
    return "compat_" + flag.lstrip("-").replace("-", "_")


def _add_compatibility_flags(p: argparse.ArgumentParser, boolflag: dict) -> None:
    g = p.add_argument_group("kube-state-metrics flags without effect here (accepted so manifests keep working)")
    for flag, is_bool in _KLOG_FLAGS.items():
        kind = {**boolflag, "default": None} if is_bool else {"metavar": "VALUE"}
        g.add_argument(flag, dest=_dest(flag), **kind, help="klog; logged and ignored: ksm-shard logs to stderr.")
    g.add_argument("--auto-gomemlimit", dest=_dest("--auto-gomemlimit"), **{**boolflag, "default": None},
                   help="Go runtime tuning; logged and ignored (no Go runtime).")  # fmt: skip
    g.add_argument("--auto-gomemlimit-ratio", dest=_dest("--auto-gomemlimit-ratio"), type=float, metavar="RATIO",
                   help="Go runtime tuning; logged and ignored (no Go runtime).")  # fmt: skip
    g = p.add_argument_group("kube-state-metrics flags ksm-shard refuses (start-up fails with the reason)")
    for flag, why in _UNSUPPORTED.items():
        if flag in _UNSUPPORTED_BOOL:
            g.add_argument(flag, dest=_dest(flag), **{**boolflag, "default": None}, help=f"Refused when true: {why}.")
        elif flag == "--object-limit":
            g.add_argument(flag, dest=_dest(flag), type=non_negative, metavar="N", help=f"Refused unless 0: {why}.")
        else:
            g.add_argument(flag, dest=_dest(flag), metavar="VALUE", help=f"Refused: {why}.")


def _compatibility(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The ignored upstream flags that were given, as (flag=value, why); UsageError for a refused one."""
    for flag, why in _UNSUPPORTED.items():
        value = getattr(args, _dest(flag))
        if value is None or value is False or (flag == "--object-limit" and value == 0):
            continue
        raise UsageError(f"{flag}: {why}")
    ignored = []
    for flag, is_bool in _KLOG_FLAGS.items():
        value = getattr(args, _dest(flag))
        if value is None or (flag == "--logtostderr" and value is True):  # stderr is where ksm-shard logs
            continue
        shown = str(value).lower() if is_bool else value
        ignored.append((f"{flag}={shown}", "klog flag; ksm-shard logs to stderr (level: -v)"))
    for flag in ("--auto-gomemlimit", "--auto-gomemlimit-ratio"):
        value = getattr(args, _dest(flag))
        if value is not None:
            ignored.append((f"{flag}={str(value).lower()}", NO_GO_RUNTIME))
    return ignored


def parse_options(argv: Sequence[str]) -> Options:
    """argv (without the program name) -> validated Options; raises UsageError with one clear line."""
    args = build_parser().parse_args(list(argv))
    ignored_flags = _compatibility(args)
    loaded_at = time.time()
    config_bytes, config_error = _apply_options_file(args, ignored_flags) if args.config else (None, "")
    resources = args.resources if args.resources is not None else list(DEFAULT_RESOURCES)
    if not resources:
        raise UsageError("--resources: no resource given")
    for r in resources:
        if r not in RESOURCES:
            if r in KINDS:
                raise UsageError(f"--resources: resource {r!r} is not supported yet by ksm-shard {__version__}")
            raise UsageError(f"--resources: unknown resource {r!r}")
    if args.total_shards < 1:
        raise UsageError(f"--total-shards must be at least 1, got {args.total_shards}")
    if args.shard >= args.total_shards:
        raise UsageError(f"--shard {args.shard} must be smaller than --total-shards {args.total_shards}")
    if bool(args.pod) != bool(args.pod_namespace):
        raise UsageError("--pod and --pod-namespace go together")
    if args.pod and not re.search(r"-\d+$", args.pod):
        raise UsageError(f"--pod {args.pod!r} has no StatefulSet ordinal suffix (like name-0)")
    if args.node and args.track_unscheduled_pods:
        raise UsageError("--node and --track-unscheduled-pods are mutually exclusive")
    if (args.node or args.track_unscheduled_pods) and resources != ["pods"]:
        flag = "--node" if args.node else "--track-unscheduled-pods"
        raise UsageError(f"{flag} selects pods by node and needs --resources=pods (serve other resources elsewhere)")
    if args.metric_allowlist and args.metric_denylist:
        raise UsageError("--metric-allowlist and --metric-denylist are mutually exclusive")
    if args.port == args.telemetry_port and args.host == args.telemetry_host:
        raise UsageError(f"--port and --telemetry-port are both {args.port}")
    for flag, table in (("--metric-labels-allowlist", args.metric_labels_allowlist),
                        ("--metric-annotations-allowlist", args.metric_annotations_allowlist)):  # fmt: skip
        for r in table:
            if r != "*" and r not in KINDS:
                raise UsageError(f"{flag}: unknown resource {r!r}")
    return Options(
        kubeconfig=args.kubeconfig,
        apiserver=args.apiserver,
        resources=resources,
        namespaces=args.namespaces,
        namespaces_denylist=args.namespaces_denylist,
        shard=args.shard,
        total_shards=args.total_shards,
        host=args.host,
        port=args.port,
        telemetry_host=args.telemetry_host,
        telemetry_port=args.telemetry_port,
        enable_gzip_encoding=args.enable_gzip_encoding,
        verbosity=args.verbosity,
        labels_allowlist=args.metric_labels_allowlist,
        annotations_allowlist=args.metric_annotations_allowlist,
        metric_allowlist=args.metric_allowlist,
        metric_denylist=args.metric_denylist,
        metric_opt_in_list=args.metric_opt_in_list,
        pod=args.pod,
        pod_namespace=args.pod_namespace,
        node=args.node,
        track_unscheduled_pods=args.track_unscheduled_pods,
        server_side_sharding=args.server_side_sharding,
        tls_config=args.tls_config,
        server_read_timeout=args.server_read_timeout,
        server_read_header_timeout=args.server_read_header_timeout,
        server_write_timeout=args.server_write_timeout,
        server_idle_timeout=args.server_idle_timeout,
        use_apiserver_cache=args.use_apiserver_cache,
        ignored_flags=ignored_flags,
        config_file=args.config,
        config_bytes=config_bytes,
        config_error=config_error,
        loaded_at=loaded_at,
    )


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "version":
        print(f"{PROG} {__version__}")
        return 0
    if argv and argv[0] == "demo":
        from ksm_shard import demo

        return demo.main(argv[1:])
    if argv and argv[0] == "sim":
        from ksm_shard.sim import __main__ as sim_main

        return sim_main.main(argv[1:])
    if argv and argv[0] == "help":
        argv = ["--help"]
    try:
        options = parse_options(argv)
    except UsageError as e:
        return _fail(str(e))
    if options.tls_config:
        from ksm_shard.webconfig import WebConfigError, load_web_config

        try:
            load_web_config(options.tls_config)
        except WebConfigError as e:
            return _fail(str(e))
    from ksm_shard.kube.client import ConfigError, load_configuration

    try:
        load_configuration(options.kubeconfig, options.apiserver)  # fail fast, before forking a worker
    except ConfigError as e:
        return _fail(str(e))
    from ksm_shard.server import GunicornServer

    GunicornServer(options, reparse=lambda: parse_options(argv)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
