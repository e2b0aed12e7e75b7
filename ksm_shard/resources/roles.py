"""Role families (upstream internal/store/role.go)."""

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
    namespace_name,
    resource_version,
)

RESOURCE = ResourceDef(
    kind=KINDS["roles"],
    identity_labels=("namespace", "role"),
    identity=namespace_name,
    families=(
        annotations_family("role", "Role annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("role", "Role labels allowed by --metric-labels-allowlist, as Prometheus labels.", stability=ALPHA),
        Family("kube_role_info", "Constant 1 for every Role.", info),
        Family("kube_role_created", "When the Role was created, in Unix seconds.", created),
        Family("kube_role_metadata_resource_version", "The Role's metadata.resourceVersion as a number.", resource_version),
    ),
)  # fmt: skip
