"""The Kubernetes API kinds kube-state-metrics knows: where to list and watch them.

Shared by the exporter (which paths to list/watch) and the simulated apiserver (what to serve).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    resource: str  # plural name, as in --resources and the API path
    kind: str
    group: str  # "" for the core group
    version: str
    namespaced: bool
    default_enabled: bool  # enabled by default in upstream kube-state-metrics
    telemetry_label: str  # the "resource" label upstream uses in its list/watch counters

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_prefix(self) -> str:
        """ "/api/v1" or "/apis/<group>/<version>"."""
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    def list_path(self, namespace: str | None = None) -> str:
        if namespace is not None and self.namespaced:
            return f"{self.group_prefix}/namespaces/{namespace}/{self.resource}"
        return f"{self.group_prefix}/{self.resource}"


KINDS: dict[str, Kind] = {
    "certificatesigningrequests": Kind(
        "certificatesigningrequests",
        "CertificateSigningRequest",
        "certificates.k8s.io",
        "v1",
        False,
        True,
        "*v1.CertificateSigningRequest",
    ),
    "clusterrolebindings": Kind(
        "clusterrolebindings",
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        False,
        False,
        "*v1.ClusterRoleBinding",
    ),
    "clusterroles": Kind(
        "clusterroles", "ClusterRole", "rbac.authorization.k8s.io", "v1", False, False, "*v1.ClusterRole"
    ),
    "configmaps": Kind("configmaps", "ConfigMap", "", "v1", True, True, "*v1.ConfigMap"),
    "cronjobs": Kind("cronjobs", "CronJob", "batch", "v1", True, True, "*v1.CronJob"),
    "daemonsets": Kind("daemonsets", "DaemonSet", "apps", "v1", True, True, "*v1.DaemonSet"),
    "deployments": Kind("deployments", "Deployment", "apps", "v1", True, True, "*v1.Deployment"),
    "endpoints": Kind("endpoints", "Endpoints", "", "v1", True, False, "*v1.Endpoints"),
    "endpointslices": Kind(
        "endpointslices", "EndpointSlice", "discovery.k8s.io", "v1", True, True, "*v1.EndpointSlice"
    ),
    "horizontalpodautoscalers": Kind(
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        "autoscaling",
        "v2",
        True,
        True,
        "*v2.HorizontalPodAutoscaler",
    ),
    "ingressclasses": Kind(
        "ingressclasses", "IngressClass", "networking.k8s.io", "v1", False, False, "*v1.IngressClass"
    ),
    "ingresses": Kind("ingresses", "Ingress", "networking.k8s.io", "v1", True, True, "*v1.Ingress"),
    "jobs": Kind("jobs", "Job", "batch", "v1", True, True, "*v1.Job"),
    "leases": Kind("leases", "Lease", "coordination.k8s.io", "v1", True, True, "*v1.Lease"),
    "limitranges": Kind("limitranges", "LimitRange", "", "v1", True, True, "*v1.LimitRange"),
    "mutatingadmissionpolicies": Kind(
        "mutatingadmissionpolicies",
        "MutatingAdmissionPolicy",
        "admissionregistration.k8s.io",
        "v1",
        False,
        True,
        "*v1.MutatingAdmissionPolicy",
    ),
    "mutatingadmissionpolicybindings": Kind(
        "mutatingadmissionpolicybindings",
        "MutatingAdmissionPolicyBinding",
        "admissionregistration.k8s.io",
        "v1",
        False,
        True,
        "*v1.MutatingAdmissionPolicyBinding",
    ),
    "mutatingwebhookconfigurations": Kind(
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "v1",
        False,
        True,
        "*v1.MutatingWebhookConfiguration",
    ),
    "namespaces": Kind("namespaces", "Namespace", "", "v1", False, True, "*v1.Namespace"),
    "networkpolicies": Kind(
        "networkpolicies", "NetworkPolicy", "networking.k8s.io", "v1", True, True, "*v1.NetworkPolicy"
    ),
    "nodes": Kind("nodes", "Node", "", "v1", False, True, "*v1.Node"),
    "persistentvolumeclaims": Kind(
        "persistentvolumeclaims", "PersistentVolumeClaim", "", "v1", True, True, "*v1.PersistentVolumeClaim"
    ),
    "persistentvolumes": Kind("persistentvolumes", "PersistentVolume", "", "v1", False, True, "*v1.PersistentVolume"),
    "poddisruptionbudgets": Kind(
        "poddisruptionbudgets", "PodDisruptionBudget", "policy", "v1", True, True, "*v1.PodDisruptionBudget"
    ),
    "pods": Kind("pods", "Pod", "", "v1", True, True, "*v1.Pod"),
    "replicasets": Kind("replicasets", "ReplicaSet", "apps", "v1", True, True, "*v1.ReplicaSet"),
    "replicationcontrollers": Kind(
        "replicationcontrollers", "ReplicationController", "", "v1", True, True, "*v1.ReplicationController"
    ),
    "resourcequotas": Kind("resourcequotas", "ResourceQuota", "", "v1", True, True, "*v1.ResourceQuota"),
    "rolebindings": Kind(
        "rolebindings", "RoleBinding", "rbac.authorization.k8s.io", "v1", True, False, "*v1.RoleBinding"
    ),
    "roles": Kind("roles", "Role", "rbac.authorization.k8s.io", "v1", True, False, "*v1.Role"),
    "secrets": Kind("secrets", "Secret", "", "v1", True, True, "*v1.Secret"),
    "serviceaccounts": Kind("serviceaccounts", "ServiceAccount", "", "v1", True, False, "*v1.ServiceAccount"),
    "services": Kind("services", "Service", "", "v1", True, True, "*v1.Service"),
    "statefulsets": Kind("statefulsets", "StatefulSet", "apps", "v1", True, True, "*v1.StatefulSet"),
    "storageclasses": Kind("storageclasses", "StorageClass", "storage.k8s.io", "v1", False, True, "*v1.StorageClass"),
    "validatingadmissionpolicies": Kind(
        "validatingadmissionpolicies",
        "ValidatingAdmissionPolicy",
        "admissionregistration.k8s.io",
        "v1",
        False,
        True,
        "*v1.ValidatingAdmissionPolicy",
    ),
    "validatingadmissionpolicybindings": Kind(
        "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding",
        "admissionregistration.k8s.io",
        "v1",
        False,
        True,
        "*v1.ValidatingAdmissionPolicyBinding",
    ),
    "validatingwebhookconfigurations": Kind(
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "v1",
        False,
        True,
        "*v1.ValidatingWebhookConfiguration",
    ),
    "volumeattachments": Kind(
        "volumeattachments", "VolumeAttachment", "storage.k8s.io", "v1", False, True, "*v1.VolumeAttachment"
    ),
}
