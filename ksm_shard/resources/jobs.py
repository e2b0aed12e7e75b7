"""Job families (upstream internal/store/job.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    info,
    labels_family,
    namespace_name,
    ts_sample,
)

_FAILURE_REASONS = ("BackoffLimitExceeded", "DeadlineExceeded", "Evicted")
_NO_FAILURES = (((), 0),)  # status.failed == 0: one sample without the reason label


def _spec(obj: dict) -> dict:
    s = obj.get("spec")
    return s if s.__class__ is dict else {}


def _status(obj: dict) -> dict:
    s = obj.get("status")
    return s if s.__class__ is dict else {}


def _optional(v: Any) -> tuple:
    """A pointer integer: one sample when set, none otherwise."""
    return (((), v),) if v.__class__ is int else NONE


def _count(v: Any) -> tuple:
    """A non-pointer integer: always one sample, 0 when unset."""
    return (((), v if v.__class__ is int else 0),)


def spec_parallelism(obj: dict) -> tuple:
    return _optional(_spec(obj).get("parallelism"))


def spec_completions(obj: dict) -> tuple:
    return _optional(_spec(obj).get("completions"))


def spec_active_deadline_seconds(obj: dict) -> tuple:
    return _optional(_spec(obj).get("activeDeadlineSeconds"))


def status_succeeded(obj: dict) -> tuple:
    return _count(_status(obj).get("succeeded"))


def status_active(obj: dict) -> tuple:
    return _count(_status(obj).get("active"))


def status_ready(obj: dict) -> tuple:
    return _count(_status(obj).get("ready"))


def _conditions(obj: dict) -> list:
    conds = _status(obj).get("conditions")
    return conds if conds.__class__ is list else []


def status_failed(obj: dict) -> tuple | list:
    """Label pairs vary: no reason label when nothing failed, else per Failed condition the known reasons as 0/1,
    plus ``reason=""`` carrying status.failed when no known reason matched."""
    status = _status(obj)
    failed = status.get("failed")
    if failed.__class__ is not int or failed == 0:
        return _NO_FAILURES
    out = []
    known = False
    conds = status.get("conditions")
    if conds.__class__ is list:
        for c in conds:
            if c.__class__ is not dict or c.get("type") != "Failed":
                continue
            reason = c.get("reason")
            for r in _FAILURE_REASONS:
                hit = reason == r
                known = known or hit
                out.append(((("reason", r),), 1 if hit else 0))
    if not known:
        out.append(((("reason", ""),), failed))
    return out


def _condition_of_type(ctype: str) -> Callable[[dict], list]:
    def gen(obj: dict) -> list:
        """Three samples ``condition=true|false|unknown`` per condition of this type, 1 on its status."""
        out = []
        for c in _conditions(obj):
            if c.__class__ is dict and c.get("type") == ctype:
                st = c.get("status")
                out.append((("true",), 1 if st == "True" else 0))
                out.append((("false",), 1 if st == "False" else 0))
                out.append((("unknown",), 1 if st == "Unknown" else 0))
        return out

    gen.__name__ = f"condition_{ctype.lower()}"
    return gen


condition_complete = _condition_of_type("Complete")
condition_failed = _condition_of_type("Failed")


def status_start_time(obj: dict) -> tuple:
    return ts_sample(_status(obj).get("startTime"))


def status_completion_time(obj: dict) -> tuple:
    return ts_sample(_status(obj).get("completionTime"))


def status_suspended(obj: dict) -> list:
    out = []
    for c in _conditions(obj):
        if c.__class__ is dict and c.get("type") == "Suspended":
            out.append(((), 1 if c.get("status") == "True" else 0))
    return out


def owner(obj: dict) -> tuple:
    """``owner_kind, owner_name, owner_is_controller`` per owner reference; one empty sample without owners."""
    refs = obj["metadata"].get("ownerReferences")
    out = []
    if refs.__class__ is list:
        for ref in refs:
            if ref.__class__ is dict:
                out.append(
                    (
                        (
                            ref.get("kind", ""),
                            ref.get("name", ""),
                            "true" if ref.get("controller") is True else "false",
                        ),
                        1,
                    )
                )
    return tuple(out) if out else ((("", "", ""), 1),)


RESOURCE = ResourceDef(
    kind=KINDS["jobs"],
    identity_labels=("namespace", "job_name"),
    identity=namespace_name,
    families=(
        annotations_family("job", "Job annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("job", "Job labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_job_info", "Constant 1 for every Job.", info, stability=STABLE),
        Family("kube_job_created", "When the Job was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_job_spec_parallelism", "Most pods the Job may run at once (spec.parallelism).", spec_parallelism, stability=STABLE),
        Family("kube_job_spec_completions", "Successful pods the Job needs to finish (spec.completions).", spec_completions, stability=STABLE),
        Family("kube_job_spec_active_deadline_seconds", "Seconds after its start time before the Job is terminated (spec.activeDeadlineSeconds).", spec_active_deadline_seconds, stability=STABLE),
        Family("kube_job_status_succeeded", "Pods of the Job that succeeded (status.succeeded).", status_succeeded, stability=STABLE),
        Family("kube_job_status_failed", "Pods of the Job that failed (status.failed), split by the Failed condition's reason.", status_failed, ("reason",), stability=STABLE, pairs=True),
        Family("kube_job_status_active", "Pods of the Job that are running (status.active).", status_active, stability=STABLE),
        Family("kube_job_status_ready", "Pods of the Job that are ready (status.ready).", status_ready),
        Family("kube_job_complete", "The Job's Complete condition, 1 on its current status.", condition_complete, ("condition",), stability=STABLE),
        Family("kube_job_failed", "The Job's Failed condition, 1 on its current status.", condition_failed, ("condition",), stability=STABLE),
        Family("kube_job_status_start_time", "When the Job controller started the Job, in Unix seconds.", status_start_time, stability=STABLE),
        Family("kube_job_status_completion_time", "When the Job completed, in Unix seconds.", status_completion_time, stability=STABLE),
        Family("kube_job_status_suspended", "1 when the Job's Suspended condition is True, else 0.", status_suspended),
        Family("kube_job_owner", "The Job's owner references (kind, name, whether it is the controller).", owner, ("owner_kind", "owner_name", "owner_is_controller"), stability=STABLE),
    ),
)  # fmt: skip
