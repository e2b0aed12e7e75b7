"""The exporter's settings, as parsed from the command line (see cli.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Options:
    kubeconfig: str | None = None
    apiserver: str | None = None
    resources: list[str] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)  # empty: all namespaces, one cluster-wide stream
    namespaces_denylist: list[str] = field(default_factory=list)
    shard: int = 0
    total_shards: int = 1
    server_side_sharding: bool = True
    host: str = "::"
    port: int = 8080
    telemetry_host: str = "::"
    telemetry_port: int = 8081
    enable_gzip_encoding: bool = False
    tls_config: str = ""  # --tls-config: exporter-toolkit web config (TLS, basic auth) for both ports
    server_read_timeout: float = 60.0  # seconds to read a whole request; 0: no limit
    server_read_header_timeout: float = 5.0  # seconds to read the request line and headers; 0: no limit
    server_write_timeout: float = 60.0  # seconds; 0: no limit
    server_idle_timeout: float = 300.0
    verbosity: int = 0
    labels_allowlist: dict[str, list[str]] = field(default_factory=dict)
    annotations_allowlist: dict[str, list[str]] = field(default_factory=dict)
    metric_allowlist: list[re.Pattern[str]] = field(default_factory=list)
    metric_denylist: list[re.Pattern[str]] = field(default_factory=list)
    metric_opt_in_list: list[re.Pattern[str]] = field(default_factory=list)
    pod: str | None = None  # auto-sharding: this pod's name (ordinal) and namespace, shard count from its StatefulSet
    pod_namespace: str | None = None
    node: str | None = None  # per-node pod sharding: only pods bound to this node
    track_unscheduled_pods: bool = False  # only pods not bound to any node
    use_apiserver_cache: bool = False  # first LIST with resourceVersion=0: served from the apiserver's watch cache
    # Upstream flags accepted so manifests keep working, but without effect here: (flag, why), logged at start-up.
    ignored_flags: list[tuple[str, str]] = field(default_factory=list)
    config_file: str = ""  # --config: the options file, re-read while running
    config_bytes: bytes | None = None  # its contents as applied; None: not applied (--continue-without-config)
    config_error: str = ""  # why not, then
    loaded_at: float = 0.0  # when these options were parsed (time.time())

    def namespace_field_selector(self) -> str | None:
        """``metadata.namespace!=x`` terms for --namespaces-denylist, applied to namespaced resources."""
        if not self.namespaces_denylist:
            return None
        return ",".join(f"metadata.namespace!={ns}" for ns in self.namespaces_denylist)

    def field_selector(self, resource: str, namespaced: bool) -> str | None:
        """The field selector of one resource's list/watch: namespace denylist, and the node for pods."""
        terms = []
        if namespaced and self.namespaces_denylist:
            terms.extend(f"metadata.namespace!={ns}" for ns in self.namespaces_denylist)
        if resource == "pods":
            if self.node:
                terms.append(f"spec.nodeName={self.node}")
            elif self.track_unscheduled_pods:
                terms.append("spec.nodeName=")
        return ",".join(terms) or None
