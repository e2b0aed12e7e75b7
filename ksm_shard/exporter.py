"""Wires the data path for one replica: apiserver -> reflectors -> shard filter -> generators -> rendered store.

A ``ShardView`` is the complete state of one shard assignment: the reflectors of the enabled resources (one per
namespace for namespaced kinds when --namespaces is given) and their stores. ``Exporter`` serves one view and,
when the shard assignment changes (auto-sharding), builds the next view beside it and swaps atomically once that
one is synced: after the first readiness it never serves an empty or half-synced store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection

from ksm_shard.generator import GenerationOptions, ResourceRenderer, family_filter
from ksm_shard.kube.client import KubeClient
from ksm_shard.kube.reflector import Reflector, ReflectorConfig
from ksm_shard.options import Options
from ksm_shard.resources import RESOURCES
from ksm_shard.sharding import ShardFilter
from ksm_shard.store import ResourceOutput, exposition

log = logging.getLogger(__name__)

Callback = Callable[[str, str], None]  # (telemetry resource label, result)


class ShardView:
    """The reflectors and stores of every enabled resource for one (shard, total_shards)."""

    def __init__(
        self,
        options: Options,
        client: KubeClient,
        shard: ShardFilter,
        *,
        reflector_config: ReflectorConfig | None = None,
        on_list: Callback | None = None,
        on_watch: Callback | None = None,
    ) -> None:
        self.shard = shard
        gen_opts = GenerationOptions(
            labels_allowlist=options.labels_allowlist,
            annotations_allowlist=options.annotations_allowlist,
            family_filter=family_filter(options.metric_allowlist, options.metric_denylist, options.metric_opt_in_list),
        )
        self.outputs: list[ResourceOutput] = []
        self.reflectors: list[Reflector] = []
        for name in sorted(set(options.resources)):  # upstream writes resources in alphabetical order
            rdef = RESOURCES[name]
            renderer = ResourceRenderer(rdef, gen_opts)
            out = ResourceOutput(
                name, renderer.headers, [f.name for f in renderer.families], renderer.openmetrics_headers
            )
            self.outputs.append(out)
            namespaced = rdef.kind.namespaced
            label = rdef.kind.telemetry_label
            for ns in options.namespaces if (namespaced and options.namespaces) else [None]:
                self.reflectors.append(
                    Reflector(
                        client, rdef.kind, renderer, out.new_slot(), shard,
                        namespace=ns,
                        field_selector=options.field_selector(name, namespaced),
                        server_side_sharding=options.server_side_sharding,
                        list_from_cache=options.use_apiserver_cache,
                        config=reflector_config,
                        on_list=(lambda result, label=label: on_list(label, result)) if on_list else None,
                        on_watch=(lambda result, label=label: on_watch(label, result)) if on_watch else None,
                    )
                )  # fmt: skip

    def start(self) -> None:
        log.info(
            "starting shard %d of %d: %d streams for %s", self.shard.shard, self.shard.total_shards,
            len(self.reflectors), ", ".join(o.name for o in self.outputs),
        )  # fmt: skip
        for r in self.reflectors:
            r.start()

    def stop(self) -> None:
        for r in self.reflectors:
            r.stop()

    def ready(self) -> bool:
        """Every stream synced, or settled on an authorization/not-found error (retried, logged, in telemetry);
        and at least one synced, so a replica forbidden everything is never ready with nothing to serve."""
        return all(r.settled.is_set() for r in self.reflectors) and any(r.synced.is_set() for r in self.reflectors)

    def wait_ready(self, timeout: float) -> bool:
        return all(r.settled.wait(timeout) for r in self.reflectors) and self.ready()

    def scrape(
        self, include: Collection[str] | None, exclude: Collection[str] | None, openmetrics: bool
    ) -> list[bytes]:
        outputs = self.outputs
        if include:
            outputs = [o for o in outputs if o.name in include]
        if exclude:
            outputs = [o for o in outputs if o.name not in exclude]
        return exposition(outputs, openmetrics)


class Exporter:
    """Serves one ShardView; with auto-sharding, re-shards live by preparing the next view and swapping it in."""

    def __init__(
        self,
        options: Options,
        client: KubeClient,
        *,
        reflector_config: ReflectorConfig | None = None,
        on_list: Callback | None = None,
        on_watch: Callback | None = None,
    ) -> None:
        self.options = options
        self.client = client
        self._view_args = {"reflector_config": reflector_config, "on_list": on_list, "on_watch": on_watch}
        self._lock = threading.Lock()
        self.view: ShardView | None = None  # the view being served (None until the first shard assignment)
        self.pending: ShardView | None = None  # the next view, syncing beside the served one
        self.autosharder = None
        if options.pod:
            from ksm_shard.autoshard import AutoSharder

            self.autosharder = AutoSharder(self, client, options.pod, options.pod_namespace)
        else:
            self.view = self.make_view(options.shard, options.total_shards)

    def make_view(self, shard: int, total_shards: int) -> ShardView:
        return ShardView(self.options, self.client, ShardFilter(shard, total_shards), **self._view_args)

    @property
    def shard(self) -> ShardFilter | None:
        view = self.view
        return view.shard if view is not None else None

    @property
    def reflectors(self) -> list[Reflector]:
        view = self.view
        return view.reflectors if view is not None else []

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.autosharder is not None:
            self.autosharder.start()
        elif self.view is not None:
            self.view.start()

    def stop(self) -> None:
        if self.autosharder is not None:
            self.autosharder.stop()
        with self._lock:
            views = [v for v in (self.view, self.pending) if v is not None]
        for v in views:
            v.stop()

    # --- re-sharding -----------------------------------------------------------------------------------------

    def prepare(self, shard: int, total_shards: int) -> ShardView:
        """Start syncing the view for a new assignment beside the served one (replacing an older pending one)."""
        view = self.make_view(shard, total_shards)
        with self._lock:
            old_pending, self.pending = self.pending, view
        if old_pending is not None:
            old_pending.stop()
        view.start()
        return view

    def swap(self, view: ShardView) -> None:
        """Serve ``view`` (which must be the synced pending view) from now on; stop the previous one."""
        with self._lock:
            if self.pending is view:
                self.pending = None
            old, self.view = self.view, view  # one reference assignment: a scrape sees the old or the new view
        log.info("now serving shard %d of %d", view.shard.shard, view.shard.total_shards)
        if old is not None and old is not view:
            old.stop()

    def retire(self) -> None:
        """Stop serving (this replica was scaled away and its successors serve its objects)."""
        with self._lock:
            old, self.view = self.view, None
        if old is not None:
            old.stop()

    # --- what HTTP asks --------------------------------------------------------------------------------------

    def ready(self) -> bool:
        """True once the served view finished its first full LIST of every stream."""
        view = self.view
        return view is not None and view.ready()

    def wait_ready(self, timeout: float) -> bool:
        view = self.view
        return view is not None and view.wait_ready(timeout)

    def scrape(
        self,
        include: Collection[str] | None = None,
        exclude: Collection[str] | None = None,
        openmetrics: bool = False,
    ) -> list[bytes]:
        """The /metrics body as buffers, optionally restricted to some resources (?resources=, ?exclude_resources=)."""
        view = self.view
        if view is None:
            return []
        return view.scrape(include, exclude, openmetrics)

    def owned_objects(self) -> dict[str, int]:
        view = self.view
        return {o.name: len(o) for o in view.outputs} if view is not None else {}
