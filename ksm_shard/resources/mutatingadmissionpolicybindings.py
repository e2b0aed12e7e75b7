"""MutatingAdmissionPolicyBinding families (upstream internal/store/mutatingadmissionpolicybinding.go)."""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import Family, ResourceDef, created
from ksm_shard.resources.mutatingwebhookconfigurations import cluster_identity


def _str(v: object) -> str:
    return v if v.__class__ is str else ""


def binding_info(obj: dict) -> tuple:
    """policy_name, and param_name/param_namespace/param_not_found_action from spec.paramRef ("" when unset)."""
    spec = obj.get("spec")
    if spec.__class__ is not dict:
        return ((("", "", "", ""), 1),)
    ref = spec.get("paramRef")
    if ref.__class__ is dict:
        labels = (_str(spec.get("policyName")), _str(ref.get("name")), _str(ref.get("namespace")),
                  _str(ref.get("parameterNotFoundAction")))  # fmt: skip
    else:
        labels = (_str(spec.get("policyName")), "", "", "")
    return ((labels, 1),)


RESOURCE = ResourceDef(
    kind=KINDS["mutatingadmissionpolicybindings"],
    identity_labels=("namespace", "mutatingadmissionpolicybinding"),
    identity=cluster_identity,
    families=(
        Family("kube_mutatingadmissionpolicybinding_info", "Constant 1 per MutatingAdmissionPolicyBinding, with its policy and parameter reference.",
               binding_info, ("policy_name", "param_name", "param_namespace", "param_not_found_action")),
        Family("kube_mutatingadmissionpolicybinding_created", "When the MutatingAdmissionPolicyBinding was created, in Unix seconds.", created),
    ),
)  # fmt: skip
