"""Small, realistic objects for tests (as the apiserver serves them)."""

from __future__ import annotations

import uuid


def configmap(name: str, namespace: str = "default", **labels: str) -> dict:
    md: dict = {"name": name, "namespace": namespace, "uid": str(uuid.uuid4())}
    if labels:
        md["labels"] = labels
    return {"kind": "ConfigMap", "apiVersion": "v1", "metadata": md, "data": {"k": "v"}}


def pod(name: str, namespace: str = "default", node: str | None = "node-1", phase: str = "Running") -> dict:
    spec: dict = {"containers": [{"name": "app", "image": "registry.example.com/app:v1"}], "restartPolicy": "Always",
                  "schedulerName": "default-scheduler", "serviceAccountName": "default"}  # fmt: skip
    if node:
        spec["nodeName"] = node
    return {
        "kind": "Pod", "apiVersion": "v1",
        "metadata": {"name": name, "namespace": namespace, "uid": str(uuid.uuid4())},
        "spec": spec,
        "status": {"phase": phase, "qosClass": "BestEffort",
                   "containerStatuses": [{"name": "app", "ready": True, "restartCount": 0,
                                          "image": "registry.example.com/app:v1",
                                          "imageID": "registry.example.com/app@sha256:" + "a" * 64,
                                          "state": {"running": {"startedAt": "2026-11-20T10:00:00Z"}}}]},
    }  # fmt: skip
