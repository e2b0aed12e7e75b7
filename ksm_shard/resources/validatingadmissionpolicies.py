"""ValidatingAdmissionPolicy families (upstream internal/store/validatingadmissionpolicy.go)."""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import Family, ResourceDef, created
from ksm_shard.resources.mutatingadmissionpolicies import policy_labels
from ksm_shard.resources.mutatingwebhookconfigurations import cluster_identity


def policy_info(obj: dict) -> tuple:
    spec = obj.get("spec")
    return ((policy_labels(spec if spec.__class__ is dict else {}), 1),)


RESOURCE = ResourceDef(
    kind=KINDS["validatingadmissionpolicies"],
    identity_labels=("namespace", "validatingadmissionpolicy"),
    identity=cluster_identity,
    families=(
        Family("kube_validatingadmissionpolicy_info", "Constant 1 per ValidatingAdmissionPolicy, with its parameter kind and failure policy.",
               policy_info, ("param_api_version", "param_kind", "failure_policy")),
        Family("kube_validatingadmissionpolicy_created", "When the ValidatingAdmissionPolicy was created, in Unix seconds.", created),
    ),
)  # fmt: skip
