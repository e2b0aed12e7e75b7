"""Secret families (upstream internal/store/secret.go).

Secret payloads must never reach the exposition: every generator here reads only ``metadata`` and the
top-level ``type`` string, never ``data`` or ``stringData``; the reflector does not even decode those
(``decode_fields``). ``kubectl apply`` copies the whole Secret, values included, into the
last-applied-configuration annotation, so no allowlist can export that annotation (upstream would).
"""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    info,
    labels_family,
    namespace_name,
    owner_samples,
    resource_version,
)

LAST_APPLIED = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})


def secret_type(obj: dict) -> tuple:
    t = obj.get("type")
    return (((t if t.__class__ is str else "",), 1),)


RESOURCE = ResourceDef(
    kind=KINDS["secrets"],
    identity_labels=("namespace", "secret"),
    identity=namespace_name,
    families=(
        Family("kube_secret_info", "Constant 1 for every Secret.", info, stability=STABLE),
        Family("kube_secret_type", "Constant 1, labelled with the Secret's type.", secret_type, ("type",), stability=STABLE),
        annotations_family("secret", "Secret annotations allowed by --metric-annotations-allowlist, as Prometheus labels.",
                           never_export=LAST_APPLIED),
        labels_family("secret", "Secret labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_secret_created", "When the Secret was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_secret_metadata_resource_version", "The Secret's metadata.resourceVersion as a number.", resource_version),
        Family("kube_secret_owner", "Constant 1 per owner reference of the Secret (empty labels when it has none).", owner_samples,
               ("owner_kind", "owner_name", "owner_is_controller")),
    ),
    decode_fields=("metadata", "type"),
)  # fmt: skip
