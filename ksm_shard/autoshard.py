"""Auto-sharding for StatefulSet replicas (--pod, --pod-namespace): the shard comes from the pod, the count from
the StatefulSet, and a resize hands over without gaps or duplicates.

The ordinal is the pod name's numeric suffix; the shard count is the owning StatefulSet's ``spec.replicas``,
followed with a watch (field selector on its name). On a change, every replica prepares the view for the new
assignment beside the one it serves (``Exporter.prepare``) and announces it on its own Pod once synced
(annotation ``ksm-shard.io/prepared-shards``). A replica swaps to its new view only when every replica of the
new count has announced the same count, prepared or already serving (``ksm-shard.io/serving-shards``); so all
replicas switch within a watch round-trip of each other, and a scrape sees at most one transitional union.
Replicas scaled away keep serving their old range until every remaining replica serves the new count, then
retire. If a peer never gets ready, a replica swaps anyway after ``handover_timeout`` seconds.

Needs RBAC in the replica's namespace: get/list/watch on its StatefulSet, get/list/watch/patch on its pods.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable

import msgspec

from ksm_shard.kube.client import KubeClient

log = logging.getLogger(__name__)

PREPARED = "ksm-shard.io/prepared-shards"
SERVING = "ksm-shard.io/serving-shards"
_ORDINAL = re.compile(r"-(\d+)$")


def pod_ordinal(name: str) -> int | None:
    m = _ORDINAL.search(name)
    return int(m.group(1)) if m else None


def statefulset_owner(pod: dict) -> str | None:
    for ref in pod.get("metadata", {}).get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("kind") == "StatefulSet" and ref.get("controller"):
            return ref.get("name")
    return None


def _annotation(obj: dict | None, key: str) -> str | None:
    if not obj:
        return None
    ann = obj.get("metadata", {}).get("annotations") or {}
    return ann.get(key)


class ObjectWatch:
    """A tiny informer for a few control-plane objects: LIST, then WATCH; keeps name -> object; notifies."""

    def __init__(
        self,
        client: KubeClient,
        path: str,
        on_change: Callable[[], None],
        stop: threading.Event,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        watch_timeout: int = 300,
    ) -> None:
        self.client = client
        self.path = path
        self.on_change = on_change
        self.stop = stop
        self.query = [(k, v) for k, v in (("labelSelector", label_selector), ("fieldSelector", field_selector)) if v]
        self.watch_timeout = watch_timeout
        self.objects: dict[str, dict] = {}
        self.synced = threading.Event()

    def run(self) -> None:
        backoff = 0.2
        rv = None
        while not self.stop.is_set():
            try:
                if rv is None:
                    resp = self.client.get(self.path, self.query)
                    try:
                        body = msgspec.json.decode(resp.read())
                    finally:
                        resp.release_conn()
                    self.objects = {o["metadata"]["name"]: o for o in body.get("items") or []}
                    rv = body["metadata"]["resourceVersion"]
                    self.synced.set()
                    self.on_change()
                rv = self._watch(rv)
                backoff = 0.2
            except Exception as e:  # noqa: BLE001 - retried with backoff; a 410 relists
                if self.stop.is_set():
                    return
                log.warning("%s: %s", self.path, e)
                if "410" in str(e) or "Expired" in str(e):
                    rv = None
                self.stop.wait(random.uniform(0, backoff))
                backoff = min(backoff * 2, 10.0)

    def _watch(self, rv: str) -> str | None:
        q = [*self.query, ("watch", "true"), ("allowWatchBookmarks", "true"), ("resourceVersion", rv),
             ("timeoutSeconds", str(self.watch_timeout))]  # fmt: skip
        resp = self.client.get(self.path, q, read_timeout=self.watch_timeout + 30)
        try:
            pending = b""
            for chunk in resp.stream(1 << 16):
                if self.stop.is_set():
                    return rv
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                for line in lines:
                    if not line:
                        continue
                    event = msgspec.json.decode(line)
                    obj = event.get("object") or {}
                    t = event.get("type")
                    if t == "ERROR":
                        raise RuntimeError(f"watch error {obj.get('code')} {obj.get('reason')}: {obj.get('message')}")
                    rv = obj.get("metadata", {}).get("resourceVersion") or rv
                    if t in ("ADDED", "MODIFIED"):
                        self.objects[obj["metadata"]["name"]] = obj
                    elif t == "DELETED":
                        self.objects.pop(obj["metadata"]["name"], None)
                    else:
                        continue
                    self.on_change()
        finally:
            resp.release_conn()
        return rv


class AutoSharder:
    """Derives this replica's shard from its Pod and StatefulSet and drives the exporter's re-sharding."""

    def __init__(
        self, exporter, client: KubeClient, pod: str, namespace: str, *, handover_timeout: float = 120.0  # noqa: ANN001
    ) -> None:  # fmt: skip
        self.exporter = exporter
        self.client = client
        self.pod = pod
        self.namespace = namespace
        self.handover_timeout = handover_timeout
        self.ordinal = pod_ordinal(pod)
        self.statefulset: str | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._announced: dict[str, str | None] = {}
        self._prepared_at: float | None = None
        self.sts_watch: ObjectWatch | None = None
        self.pod_watch: ObjectWatch | None = None

    def start(self) -> None:
        threading.Thread(target=self.run, name="autoshard", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _pod_path(self, name: str) -> str:
        return f"/api/v1/namespaces/{self.namespace}/pods/{name}"

    def _discover(self) -> None:
        """Find the controlling StatefulSet; retry until the apiserver answers and the pod is set up right."""
        backoff = 0.5
        while not self._stop.is_set():
            try:
                resp = self.client.get(self._pod_path(self.pod))
                try:
                    pod = msgspec.json.decode(resp.read())
                finally:
                    resp.release_conn()
                self.statefulset = statefulset_owner(pod)
                if self.statefulset and self.ordinal is not None:
                    # A restarted process must not advertise what its previous life had prepared or served.
                    self._annotate({PREPARED: None, SERVING: None})
                    return
                log.error("pod %s/%s is not a StatefulSet replica with an ordinal suffix; waiting",
                          self.namespace, self.pod)  # fmt: skip
            except Exception as e:  # noqa: BLE001
                log.warning("auto-sharding: cannot read pod %s/%s: %s", self.namespace, self.pod, e)
            self._stop.wait(random.uniform(0, backoff))
            backoff = min(backoff * 2, 30.0)

    def run(self) -> None:
        self._discover()
        if self._stop.is_set():
            return
        log.info("auto-sharding: pod %s is ordinal %d of StatefulSet %s/%s", self.pod, self.ordinal,
                 self.namespace, self.statefulset)  # fmt: skip
        self.sts_watch = ObjectWatch(
            self.client, f"/apis/apps/v1/namespaces/{self.namespace}/statefulsets", self._wake.set, self._stop,
            field_selector=f"metadata.name={self.statefulset}",
        )  # fmt: skip
        threading.Thread(target=self.sts_watch.run, name="autoshard-sts", daemon=True).start()
        while not self._stop.is_set():
            self._wake.wait(1.0)
            self._wake.clear()
            try:
                self._reconcile()
            except Exception as e:  # noqa: BLE001
                log.warning("auto-sharding: %s", e)

    def _start_pod_watch(self, sts: dict) -> None:
        labels = (sts.get("spec", {}).get("selector") or {}).get("matchLabels") or {}
        selector = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
        self.pod_watch = ObjectWatch(
            self.client, f"/api/v1/namespaces/{self.namespace}/pods", self._wake.set, self._stop,
            label_selector=selector or None,
        )  # fmt: skip
        threading.Thread(target=self.pod_watch.run, name="autoshard-pods", daemon=True).start()

    def _peers(self) -> dict[int, dict]:
        peers: dict[int, dict] = {}
        for p in (self.pod_watch.objects if self.pod_watch else {}).values():
            if statefulset_owner(p) == self.statefulset and (o := pod_ordinal(p["metadata"]["name"])) is not None:
                peers[o] = p
        return peers

    def _annotate(self, values: dict[str, str | None]) -> None:
        if all(self._announced.get(k, "unset") == v for k, v in values.items()):
            return
        self.client.patch(self._pod_path(self.pod), {"metadata": {"annotations": values}})
        self._announced.update(values)

    def _reconcile(self) -> None:
        sts = self.sts_watch.objects.get(self.statefulset) if self.sts_watch else None
        if sts is None:
            return
        if self.pod_watch is None:
            self._start_pod_watch(sts)
        if not self.pod_watch.synced.is_set():
            return
        replicas = sts.get("spec", {}).get("replicas")
        total = replicas if isinstance(replicas, int) else 1
        me = self.ordinal
        exporter = self.exporter
        peers = self._peers()
        serving_all = all(_annotation(peers.get(j), SERVING) == str(total) for j in range(total))
        if me >= total:
            # Scaled away: hold our old range until every remaining replica serves the new count.
            if exporter.view is not None and serving_all:
                log.info("auto-sharding: scaled away (%d replicas); successors serve everything, retiring", total)
                exporter.retire()
            return
        view = exporter.view
        if view is not None and view.shard.total_shards == total:
            self._annotate({PREPARED: str(total), SERVING: str(total)})
            return
        pending = exporter.pending
        if pending is None or pending.shard.total_shards != total:
            log.info("auto-sharding: preparing shard %d of %d", me, total)
            exporter.prepare(me, total)
            self._prepared_at = None
            threading.Thread(target=self._wake_when_synced, args=(exporter.pending,), daemon=True).start()
            return
        if not pending.ready():
            return
        if self._prepared_at is None:
            self._prepared_at = time.monotonic()
        self._annotate({PREPARED: str(total)})
        everyone = all(
            str(total) in (_annotation(peers.get(j), PREPARED), _annotation(peers.get(j), SERVING))
            for j in range(total)
        )
        waited = time.monotonic() - self._prepared_at
        if everyone or waited > self.handover_timeout:
            if not everyone:
                log.warning("auto-sharding: peers not ready after %.0fs, serving shard %d of %d anyway", waited, me,
                            total)  # fmt: skip
            exporter.swap(pending)
            self._annotate({SERVING: str(total)})

    def _wake_when_synced(self, view) -> None:  # noqa: ANN001
        while not self._stop.is_set() and view is self.exporter.pending:
            if view.wait_ready(0.5):
                self._wake.set()
                return
