"""Registry of the resource kinds we export, one module per kind (a declarative table of families)."""

from __future__ import annotations

from ksm_shard.resources import configmaps, deployments, jobs, namespaces, nodes, pods
from ksm_shard.resources.base import ResourceDef

_MODULES = (configmaps, deployments, jobs, namespaces, nodes, pods)

RESOURCES: dict[str, ResourceDef] = {m.RESOURCE.name: m.RESOURCE for m in _MODULES}

DEFAULT_RESOURCES: tuple[str, ...] = tuple(sorted(n for n, r in RESOURCES.items() if r.kind.default_enabled))
