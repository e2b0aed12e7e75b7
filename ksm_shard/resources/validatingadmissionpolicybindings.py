"""ValidatingAdmissionPolicyBinding families (upstream internal/store/validatingadmissionpolicybinding.go)."""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import NONE, Family, ResourceDef, created
from ksm_shard.resources.mutatingadmissionpolicybindings import binding_info
from ksm_shard.resources.mutatingwebhookconfigurations import cluster_identity


def validation_action(obj: dict) -> list | tuple:
    spec = obj.get("spec")
    actions = spec.get("validationActions") if spec.__class__ is dict else None
    if actions.__class__ is not list:
        return NONE
    return [((a,), 1) for a in actions if a.__class__ is str]


RESOURCE = ResourceDef(
    kind=KINDS["validatingadmissionpolicybindings"],
    identity_labels=("namespace", "validatingadmissionpolicybinding"),
    identity=cluster_identity,
    families=(
        Family("kube_validatingadmissionpolicybinding_info", "Constant 1 per ValidatingAdmissionPolicyBinding, with its policy and parameter reference.",
               binding_info, ("policy_name", "param_name", "param_namespace", "param_not_found_action")),
        Family("kube_validatingadmissionpolicybinding_created", "When the ValidatingAdmissionPolicyBinding was created, in Unix seconds.", created),
        Family("kube_validatingadmissionpolicybinding_validation_action", "Constant 1 per action (Deny, Warn, Audit) in the binding's validationActions.",
               validation_action, ("action",)),
    ),
)  # fmt: skip
