"""Wires the data path for one replica: apiserver -> reflectors -> shard filter -> generators -> rendered store.

``Exporter`` owns the reflectors of the enabled resources (one per namespace for namespaced kinds when
--namespaces is given) and answers the two questions the HTTP layer asks: is every stream synced, and what is
the body of /metrics.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from ksm_shard.generator import GenerationOptions, ResourceRenderer, family_filter
from ksm_shard.kube.client import KubeClient
from ksm_shard.kube.reflector import Reflector, ReflectorConfig
from ksm_shard.options import Options
from ksm_shard.resources import RESOURCES
from ksm_shard.sharding import ShardFilter
from ksm_shard.store import ResourceOutput, exposition

log = logging.getLogger(__name__)


class Exporter:
    def __init__(
        self,
        options: Options,
        client: KubeClient,
        *,
        reflector_config: ReflectorConfig | None = None,
        on_list=None,  # noqa: ANN001 - callable(resource_label, result)
        on_watch=None,  # noqa: ANN001
    ) -> None:
        self.options = options
        self.client = client
        self.shard = ShardFilter(options.shard, options.total_shards)
        gen_opts = GenerationOptions(
            labels_allowlist=options.labels_allowlist,
            annotations_allowlist=options.annotations_allowlist,
            family_filter=family_filter(options.metric_allowlist, options.metric_denylist, options.metric_opt_in_list),
        )
        self.outputs: list[ResourceOutput] = []
        self.reflectors: list[Reflector] = []
        self._by_name: dict[str, ResourceOutput] = {}
        for name in sorted(set(options.resources)):  # upstream writes resources in alphabetical order
            rdef = RESOURCES[name]
            renderer = ResourceRenderer(rdef, gen_opts)
            out = ResourceOutput(
                name, renderer.headers, [f.name for f in renderer.families], renderer.openmetrics_headers
            )
            self.outputs.append(out)
            self._by_name[name] = out
            namespaced = rdef.kind.namespaced
            label = rdef.kind.telemetry_label
            for ns in options.namespaces if (namespaced and options.namespaces) else [None]:
                self.reflectors.append(
                    Reflector(
                        client, rdef.kind, renderer, out.new_slot(), self.shard,
                        namespace=ns,
                        field_selector=options.field_selector(name, namespaced),
                        server_side_sharding=options.server_side_sharding,
                        config=reflector_config,
                        on_list=(lambda result, label=label: on_list(label, result)) if on_list else None,
                        on_watch=(lambda result, label=label: on_watch(label, result)) if on_watch else None,
                    )
                )  # fmt: skip

    def start(self) -> None:
        log.info(
            "starting shard %d of %d: %d streams for %s",
            self.shard.shard, self.shard.total_shards, len(self.reflectors), ", ".join(self._by_name),
        )  # fmt: skip
        for r in self.reflectors:
            r.start()

    def stop(self) -> None:
        for r in self.reflectors:
            r.stop()

    def ready(self) -> bool:
        """True once every stream finished its first full LIST."""
        return all(r.synced.is_set() for r in self.reflectors)

    def wait_ready(self, timeout: float) -> bool:
        return all(r.synced.wait(timeout) for r in self.reflectors)

    def scrape(
        self,
        include: Collection[str] | None = None,
        exclude: Collection[str] | None = None,
        openmetrics: bool = False,
    ) -> list[bytes]:
        """The /metrics body as buffers, optionally restricted to some resources (?resources=, ?exclude_resources=)."""
        outputs = self.outputs
        if include:
            outputs = [o for o in outputs if o.name in include]
        if exclude:
            outputs = [o for o in outputs if o.name not in exclude]
        return exposition(outputs, openmetrics)

    def owned_objects(self) -> dict[str, int]:
        return {o.name: len(o) for o in self.outputs}
