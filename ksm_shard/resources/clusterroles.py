"""ClusterRole families (upstream internal/store/clusterrole.go)."""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    ALPHA,
    Family,
    ResourceDef,
    annotations_family,
    created,
    info,
    labels_family,
    name_only,
    resource_version,
)

RESOURCE = ResourceDef(
    kind=KINDS["clusterroles"],
    identity_labels=("clusterrole",),
    identity=name_only,
    families=(
        annotations_family("clusterrole", "ClusterRole annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("clusterrole", "ClusterRole labels allowed by --metric-labels-allowlist, as Prometheus labels.", stability=ALPHA),
        Family("kube_clusterrole_info", "Constant 1 for every ClusterRole.", info),
        Family("kube_clusterrole_created", "When the ClusterRole was created, in Unix seconds.", created),
        Family("kube_clusterrole_metadata_resource_version", "The ClusterRole's metadata.resourceVersion as a number.", resource_version),
    ),
)  # fmt: skip
