"""CronJob families (upstream internal/store/cronjob.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources import cron
from ksm_shard.resources.base import (
    NONE,
    ONE,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    labels_family,
    namespace_name,
    resource_version,
    ts_sample,
)


def _spec(obj: dict) -> dict:
    s = obj.get("spec")
    return s if s.__class__ is dict else {}


def _status(obj: dict) -> dict:
    s = obj.get("status")
    return s if s.__class__ is dict else {}


def _str(v: Any) -> str:
    return v if v.__class__ is str else ""


def _time_zone(spec: dict) -> str | None:
    """spec.timeZone (a pointer: None when unset)."""
    tz = spec.get("timeZone")
    return tz if tz.__class__ is str else None


def _unix(v: Any) -> int | None:
    """An RFC 3339 time as whole Unix seconds (rounded down); None when unset, unparsable or Go's zero time."""
    if v.__class__ is not str:
        return None
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return None
    t = math.floor(dt.timestamp())
    return None if t == cron.ZERO_TIME else t


def info(obj: dict) -> tuple:
    """``schedule, concurrency_policy, timezone`` (``local`` when spec.timeZone is unset)."""
    spec = _spec(obj)
    tz = _time_zone(spec)
    return (((_str(spec.get("schedule")), _str(spec.get("concurrencyPolicy")), "local" if tz is None else tz), 1),)


def status_active(obj: dict) -> tuple:
    active = _status(obj).get("active")
    return (((), len(active) if active.__class__ is list else 0),)


def status_last_schedule_time(obj: dict) -> tuple:
    return ts_sample(_status(obj).get("lastScheduleTime"))


def status_last_successful_time(obj: dict) -> tuple:
    return ts_sample(_status(obj).get("lastSuccessfulTime"))


def spec_suspend(obj: dict) -> tuple:
    return (((), 1 if _spec(obj).get("suspend") is True else 0),)


def _optional_int(key: str) -> Callable[[dict], tuple]:
    def gen(obj: dict) -> tuple:
        """A pointer integer of spec: one sample when set."""
        v = _spec(obj).get(key)
        return (((), v),) if v.__class__ is int else NONE

    gen.__name__ = f"spec_{key}"
    return gen


spec_starting_deadline_seconds = _optional_int("startingDeadlineSeconds")
spec_successful_job_history_limit = _optional_int("successfulJobsHistoryLimit")
spec_failed_job_history_limit = _optional_int("failedJobsHistoryLimit")


def next_schedule_time(obj: dict) -> tuple:
    """The first activation after status.lastScheduleTime, else after metadata.creationTimestamp.

    Deterministic: computed from those fields only (never the wall clock), in spec.timeZone when set, otherwise in
    the process's local zone (``cron.LOCAL``) like upstream. No sample when suspended, when the schedule does not
    parse, or when neither reference time is set. A schedule that never fires within five years yields Go's zero
    time (-62135596800), as upstream writes it.
    """
    spec = _spec(obj)
    if spec.get("suspend") is True:
        return NONE
    ref = _unix(_status(obj).get("lastScheduleTime"))
    if ref is None:
        ref = _unix(obj["metadata"].get("creationTimestamp"))
        if ref is None:
            return NONE
    t = cron.next_activation(cron.kube_spec(_str(spec.get("schedule")), _time_zone(spec)), ref)
    return NONE if t is None else (((), t),)


def schedule_invalid(obj: dict) -> tuple:
    """1 when the schedule (with the spec.timeZone prefix) does not parse; no sample otherwise."""
    spec = _spec(obj)
    try:
        cron.parse_standard(cron.kube_spec(_str(spec.get("schedule")), _time_zone(spec)))
    except cron.CronError:
        return ONE
    return NONE


RESOURCE = ResourceDef(
    kind=KINDS["cronjobs"],
    identity_labels=("namespace", "cronjob"),
    identity=namespace_name,
    families=(
        annotations_family("cronjob", "CronJob annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("cronjob", "CronJob labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_cronjob_info", "Constant 1 carrying the CronJob's schedule, concurrency policy and time zone.", info, ("schedule", "concurrency_policy", "timezone"), stability=STABLE),
        Family("kube_cronjob_created", "When the CronJob was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_cronjob_status_active", "Jobs of the CronJob currently running (entries of status.active).", status_active, stability=STABLE),
        Family("kube_cronjob_status_last_schedule_time", "When a Job was last scheduled successfully, in Unix seconds.", status_last_schedule_time, stability=STABLE),
        Family("kube_cronjob_status_last_successful_time", "When a Job of the CronJob last completed successfully, in Unix seconds.", status_last_successful_time, stability=STABLE),
        Family("kube_cronjob_spec_suspend", "1 when the CronJob is suspended (spec.suspend), else 0.", spec_suspend, stability=STABLE),
        Family("kube_cronjob_spec_starting_deadline_seconds", "Seconds a missed run may still start late (spec.startingDeadlineSeconds).", spec_starting_deadline_seconds, stability=STABLE),
        Family("kube_cronjob_next_schedule_time", "Next activation of the schedule after the last scheduled run (or after creation if it never ran), in Unix seconds; compare with the current time to spot delays.", next_schedule_time, stability=STABLE),
        Family("kube_cronjob_schedule_invalid", "1 for a CronJob whose schedule cannot be parsed in its time zone.", schedule_invalid),
        Family("kube_cronjob_metadata_resource_version", "The CronJob's metadata.resourceVersion as a number.", resource_version, stability=STABLE),
        Family("kube_cronjob_spec_successful_job_history_limit", "Finished successful Jobs the controller keeps (spec.successfulJobsHistoryLimit).", spec_successful_job_history_limit),
        Family("kube_cronjob_spec_failed_job_history_limit", "Failed Jobs the controller keeps (spec.failedJobsHistoryLimit).", spec_failed_job_history_limit),
    ),
)  # fmt: skip
