"""DaemonSet families (upstream internal/store/daemonset.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    deletion_timestamp,
    labels_family,
    metadata_generation,
    namespace_name,
    status_count,
)

status_current_number_scheduled = status_count("currentNumberScheduled")
status_desired_number_scheduled = status_count("desiredNumberScheduled")
status_number_available = status_count("numberAvailable")
status_number_misscheduled = status_count("numberMisscheduled")
status_number_ready = status_count("numberReady")
status_number_unavailable = status_count("numberUnavailable")
status_observed_generation = status_count("observedGeneration")
status_updated_number_scheduled = status_count("updatedNumberScheduled")


RESOURCE = ResourceDef(
    kind=KINDS["daemonsets"],
    identity_labels=("namespace", "daemonset"),
    identity=namespace_name,
    families=(
        Family("kube_daemonset_created", "When the DaemonSet was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_daemonset_status_current_number_scheduled", "Nodes running at least one daemon pod that should run it (status.currentNumberScheduled).", status_current_number_scheduled, stability=STABLE),
        Family("kube_daemonset_status_desired_number_scheduled", "Nodes that should run the daemon pod (status.desiredNumberScheduled).", status_desired_number_scheduled, stability=STABLE),
        Family("kube_daemonset_status_number_available", "Nodes whose daemon pod has been available for minReadySeconds (status.numberAvailable).", status_number_available, stability=STABLE),
        Family("kube_daemonset_status_number_misscheduled", "Nodes running the daemon pod that should not run it (status.numberMisscheduled).", status_number_misscheduled, stability=STABLE),
        Family("kube_daemonset_status_number_ready", "Nodes whose daemon pod is ready (status.numberReady).", status_number_ready, stability=STABLE),
        Family("kube_daemonset_status_number_unavailable", "Nodes that should run the daemon pod but have none available (status.numberUnavailable).", status_number_unavailable, stability=STABLE),
        Family("kube_daemonset_status_observed_generation", "The generation the daemonset controller last acted on.", status_observed_generation, stability=STABLE),
        Family("kube_daemonset_status_updated_number_scheduled", "Nodes running the updated daemon pod (status.updatedNumberScheduled).", status_updated_number_scheduled, stability=STABLE),
        Family("kube_daemonset_metadata_generation", "The DaemonSet's metadata.generation.", metadata_generation, stability=STABLE),
        Family("kube_daemonset_deletion_timestamp", "When the DaemonSet was marked for deletion, in Unix seconds.", deletion_timestamp),
        annotations_family("daemonset", "DaemonSet annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("daemonset", "DaemonSet labels allowed by --metric-labels-allowlist, as Prometheus labels."),
    ),
)  # fmt: skip
