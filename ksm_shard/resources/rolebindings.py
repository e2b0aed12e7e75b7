"""RoleBinding families (upstream internal/store/rolebinding.go)."""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    ALPHA,
    Family,
    ResourceDef,
    annotations_family,
    created,
    labels_family,
    namespace_name,
    resource_version,
)


def binding_info(obj: dict) -> tuple:
    # roleRef is a required (non-pointer) struct upstream: its kind/name are "" when absent.
    ref = obj.get("roleRef")
    if ref.__class__ is not dict:
        return ((("", ""), 1),)
    kind, name = ref.get("kind"), ref.get("name")
    return (((kind if kind.__class__ is str else "", name if name.__class__ is str else ""), 1),)


RESOURCE = ResourceDef(
    kind=KINDS["rolebindings"],
    identity_labels=("namespace", "rolebinding"),
    identity=namespace_name,
    families=(
        annotations_family("rolebinding", "RoleBinding annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("rolebinding", "RoleBinding labels allowed by --metric-labels-allowlist, as Prometheus labels.", stability=ALPHA),
        Family("kube_rolebinding_info", "Constant 1 per RoleBinding, with the kind and name of the role it grants.", binding_info, ("roleref_kind", "roleref_name")),
        Family("kube_rolebinding_created", "When the RoleBinding was created, in Unix seconds.", created),
        Family("kube_rolebinding_metadata_resource_version", "The RoleBinding's metadata.resourceVersion as a number.", resource_version),
    ),
)  # fmt: skip
