"""Self-metrics on the telemetry port, through prometheus_client (upstream's kube_state_metrics_* names)."""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable

import prometheus_client
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ksm_shard import __version__
from ksm_shard.optionsfile import config_hash

# Upstream exposes no *_created series for its counters; dashboards should see the same families.
prometheus_client.disable_created_metrics()


class Telemetry:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        prometheus_client.ProcessCollector(registry=self.registry)
        prometheus_client.PlatformCollector(registry=self.registry)
        prometheus_client.GCCollector(registry=self.registry)
        self.list_total = Counter(
            "kube_state_metrics_list", "Number of LIST calls to the apiserver, by resource and result.",
            ["resource", "result"], registry=self.registry,
        )  # fmt: skip
        self.watch_total = Counter(
            "kube_state_metrics_watch", "Number of WATCH calls to the apiserver, by resource and result.",
            ["resource", "result"], registry=self.registry,
        )  # fmt: skip
        build = Gauge(
            "kube_state_metrics_build_info", "Build information of this ksm-shard exporter (constant 1).",
            ["version", "python_version", "kubernetes_client_version", "platform"], registry=self.registry,
        )  # fmt: skip
        build.labels(__version__, platform.python_version(), _client_version(), platform.machine()).set(1)
        self.request_duration = Histogram(
            "http_request_duration_seconds", "Latency of requests to the main /metrics endpoint.",
            ["handler", "method"], registry=self.registry,
        )  # fmt: skip

        # --config: upstream's three families, labelled type="config" and the file's cleaned path
        self.config_hash = Gauge(
            "kube_state_metrics_config_hash", "Hash of the options file in use (48 bits of its MD5).",
            ["type", "filename"], registry=self.registry,
        )  # fmt: skip
        self.config_reload_successful = Gauge(
            "kube_state_metrics_last_config_reload_successful",
            "1 if the options file was last read and applied successfully, 0 if not.",
            ["type", "filename"], registry=self.registry,
        )  # fmt: skip
        self.config_reload_success_time = Gauge(
            "kube_state_metrics_last_config_reload_success_timestamp_seconds",
            "When the options file in use was applied (Unix time).", ["type", "filename"], registry=self.registry,
        )  # fmt: skip

    def options_file_applied(self, path: str, raw: bytes, when: float) -> None:
        filename = os.path.normpath(path)
        self.config_hash.labels("config", filename).set(config_hash(raw))
        self.config_reload_successful.labels("config", filename).set(1)
        self.config_reload_success_time.labels("config", filename).set(when)

    def options_file_failed(self, path: str) -> None:
        self.config_reload_successful.labels("config", os.path.normpath(path)).set(0)

    def on_list(self, resource_label: str, result: str) -> None:
        self.list_total.labels(resource_label, result).inc()

    def on_watch(self, resource_label: str, result: str) -> None:
        self.watch_total.labels(resource_label, result).inc()

    def watch_exporter(self, exporter) -> None:  # noqa: ANN001 - ksm_shard.exporter.Exporter
        self.registry.register(_ExporterCollector(exporter))


def _client_version() -> str:
    try:  # from the installed metadata: kubernetes.__version__ would import the whole client (kube/k8s_import.py)
        from importlib.metadata import version

        return version("kubernetes")
    except Exception:  # noqa: BLE001
        return "unknown"


class _ExporterCollector(Collector):
    """Per-resource state read from the reflectors at scrape time (no locking, no hot-path counters)."""

    def __init__(self, exporter) -> None:  # noqa: ANN001
        self.exporter = exporter

    def collect(self) -> Iterable[Metric]:
        # The shard assignment can change at run time (auto-sharding): read it from the served view.
        shard = self.exporter.shard
        ordinal = GaugeMetricFamily("kube_state_metrics_shard_ordinal", "The shard index of this replica.",
                                    labels=["shard_ordinal"])  # fmt: skip
        total = GaugeMetricFamily("kube_state_metrics_total_shards", "The number of shards objects are split into.")
        if shard is not None:
            ordinal.add_metric([str(shard.shard)], shard.shard)
            total.add_metric([], shard.total_shards)
        yield from (ordinal, total)
        owned = GaugeMetricFamily("ksm_shard_owned_objects", "Objects this shard owns and exports, by resource.",
                                  labels=["resource"])  # fmt: skip
        server_side = GaugeMetricFamily(
            "ksm_shard_server_side_sharding",
            "1 when the apiserver filtered every stream of the resource to this shard (KEP-5866 shardInfo), "
            "0 when this replica filters client-side.",
            labels=["resource"],
        )
        synced = GaugeMetricFamily("ksm_shard_resource_synced", "1 once every stream of the resource finished "
                                   "its first full LIST.", labels=["resource"])  # fmt: skip
        events = CounterMetricFamily("ksm_shard_watch_events", "Watch events received, by resource and whether "
                                     "this shard owned the object.", labels=["resource", "owned"])  # fmt: skip
        last_error = GaugeMetricFamily("ksm_shard_resource_last_error_status", "HTTP status of the current "
                                       "list/watch failure of the resource (0 when healthy; 403: RBAC).",
                                       labels=["resource"])  # fmt: skip
        relists = CounterMetricFamily("ksm_shard_relists", "LISTs forced by an expired resourceVersion (410 Gone).",
                                      labels=["resource"])  # fmt: skip
        per_resource: dict[str, list] = {}
        for r in self.exporter.reflectors:
            per_resource.setdefault(r.kind.resource, []).append(r)
        for name, refls in sorted(per_resource.items()):
            owned.add_metric([name], sum(len(r.slot.current) for r in refls))
            server_side.add_metric([name], 1 if all(r.server_side_filtered for r in refls) else 0)
            synced.add_metric([name], 1 if all(r.synced.is_set() for r in refls) else 0)
            events.add_metric([name, "true"], sum(r.events_owned for r in refls))
            events.add_metric([name, "false"], sum(r.events_skipped for r in refls))
            relists.add_metric([name], sum(r.relists for r in refls))
            last_error.add_metric([name], max((r.last_error_status or 0) for r in refls))
        yield from (owned, server_side, synced, events, relists, last_error)
