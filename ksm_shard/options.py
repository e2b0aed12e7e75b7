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
    verbosity: int = 0
    labels_allowlist: dict[str, list[str]] = field(default_factory=dict)
    annotations_allowlist: dict[str, list[str]] = field(default_factory=dict)
    metric_allowlist: list[re.Pattern[str]] = field(default_factory=list)
    metric_denylist: list[re.Pattern[str]] = field(default_factory=list)
    metric_opt_in_list: list[re.Pattern[str]] = field(default_factory=list)

    def namespace_field_selector(self) -> str | None:
        """``metadata.namespace!=x`` terms for --namespaces-denylist, applied to namespaced resources."""
        if not self.namespaces_denylist:
            return None
        return ",".join(f"metadata.namespace!={ns}" for ns in self.namespaces_denylist)
