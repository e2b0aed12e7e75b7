"""Golden test: CronJobs as the apiserver serves them -> the exact lines upstream would write."""

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources import cron
from ksm_shard.resources.cronjobs import RESOURCE


@pytest.fixture(autouse=True)
def utc_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """Upstream evaluates schedules without spec.timeZone in the process's local zone: pin it to UTC."""
    monkeypatch.setattr(cron, "LOCAL", UTC)


JOB_TEMPLATE = {
    "spec": {
        "template": {
            "spec": {"containers": [{"name": "report", "image": "busybox:1.36"}], "restartPolicy": "OnFailure"}
        }
    }
}

# A running CronJob with a time zone: two Jobs active, last scheduled 2018-03-11 12:34:56 in Shanghai.
REPORT = {
    "metadata": {
        "name": "report",
        "namespace": "batch",
        "uid": "7d3c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a",
        "resourceVersion": "11111",
        "generation": 1,
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app": "report"},
        "annotations": {"app.k8s.io/owner": "@foo"},
    },
    "spec": {
        "schedule": "0 */6 * * *",
        "timeZone": "Asia/Shanghai",
        "startingDeadlineSeconds": 300,
        "concurrencyPolicy": "Forbid",
        "suspend": False,
        "jobTemplate": JOB_TEMPLATE,
        "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 1,
    },
    "status": {
        "active": [
            {"kind": "Job", "namespace": "batch", "name": "report-28000000", "uid": "j-1", "apiVersion": "batch/v1"},
            {"kind": "Job", "namespace": "batch", "name": "report-28000360", "uid": "j-2", "apiVersion": "batch/v1"},
        ],
        "lastScheduleTime": "2018-03-11T04:34:56Z",
        "lastSuccessfulTime": "2018-03-10T02:00:05Z",
    },
}

# Never scheduled yet, no time zone: the next run is computed from the creation time in the local zone.
FRESH = {
    "metadata": {
        "name": "cleanup",
        "namespace": "ops",
        "uid": "u-2",
        "resourceVersion": "42",
        "generation": 1,
        "creationTimestamp": "2018-03-11T11:04:56Z",
    },
    "spec": {
        "schedule": "25 * * * *",
        "concurrencyPolicy": "Allow",
        "suspend": False,
        "jobTemplate": JOB_TEMPLATE,
        "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 1,
    },
    "status": {},
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def family(out: list[str], name: str) -> list[str]:
    return [x for x in out if x.startswith(name + "{")]


def test_default_families() -> None:
    i = 'namespace="batch",cronjob="report"'
    assert lines(ResourceRenderer(RESOURCE), REPORT) == [
        f'kube_cronjob_info{{{i},schedule="0 */6 * * *",concurrency_policy="Forbid",timezone="Asia/Shanghai"}} 1',
        f"kube_cronjob_created{{{i}}} 1.501569018e+09",
        f"kube_cronjob_status_active{{{i}}} 2",
        f"kube_cronjob_status_last_schedule_time{{{i}}} 1.520742896e+09",
        f"kube_cronjob_status_last_successful_time{{{i}}} 1.520647205e+09",
        f"kube_cronjob_spec_suspend{{{i}}} 0",
        f"kube_cronjob_spec_starting_deadline_seconds{{{i}}} 300",
        # 12:34:56 in Shanghai -> 18:00 Shanghai = 10:00 UTC
        f"kube_cronjob_next_schedule_time{{{i}}} 1.5207624e+09",
        f"kube_cronjob_metadata_resource_version{{{i}}} 11111",
        f"kube_cronjob_spec_successful_job_history_limit{{{i}}} 3",
        f"kube_cronjob_spec_failed_job_history_limit{{{i}}} 1",
    ]


def test_never_scheduled_uses_creation_time_and_local_zone() -> None:
    i = 'namespace="ops",cronjob="cleanup"'
    assert lines(ResourceRenderer(RESOURCE), FRESH) == [
        f'kube_cronjob_info{{{i},schedule="25 * * * *",concurrency_policy="Allow",timezone="local"}} 1',
        f"kube_cronjob_created{{{i}}} 1.520766296e+09",
        f"kube_cronjob_status_active{{{i}}} 0",
        f"kube_cronjob_spec_suspend{{{i}}} 0",
        f"kube_cronjob_next_schedule_time{{{i}}} 1.5207675e+09",  # 11:04:56 -> 11:25:00
        f"kube_cronjob_metadata_resource_version{{{i}}} 42",
        f"kube_cronjob_spec_successful_job_history_limit{{{i}}} 3",
        f"kube_cronjob_spec_failed_job_history_limit{{{i}}} 1",
    ]


def test_local_zone_applies_only_without_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    obj = {
        "metadata": {"name": "midnight", "namespace": "n", "creationTimestamp": "2024-01-01T12:00:00Z"},
        "spec": {"schedule": "0 0 * * *"},
    }
    r = ResourceRenderer(RESOURCE)
    i = 'namespace="n",cronjob="midnight"'
    assert family(lines(r, obj), "kube_cronjob_next_schedule_time") == [
        f"kube_cronjob_next_schedule_time{{{i}}} 1.7041536e+09"  # 2024-01-02T00:00Z
    ]
    monkeypatch.setattr(cron, "LOCAL", ZoneInfo("Asia/Kolkata"))
    assert family(lines(r, obj), "kube_cronjob_next_schedule_time") == [
        f"kube_cronjob_next_schedule_time{{{i}}} 1.7041338e+09"  # midnight IST = 2024-01-01T18:30Z
    ]
    with_tz = {**obj, "spec": {"schedule": "0 0 * * *", "timeZone": "UTC"}}
    assert family(lines(r, with_tz), "kube_cronjob_next_schedule_time") == [
        f"kube_cronjob_next_schedule_time{{{i}}} 1.7041536e+09"
    ]


def test_spring_forward_in_time_zone() -> None:
    # 02:30 does not exist in New York on 2024-03-10: upstream's cron library runs it right after the gap (03:30).
    obj = {
        "metadata": {"name": "dst", "namespace": "n", "creationTimestamp": "2024-01-01T00:00:00Z"},
        "spec": {"schedule": "30 2 * * *", "timeZone": "America/New_York", "suspend": False},
        "status": {"lastScheduleTime": "2024-03-09T07:30:00Z"},
    }
    assert family(lines(ResourceRenderer(RESOURCE), obj), "kube_cronjob_next_schedule_time") == [
        'kube_cronjob_next_schedule_time{namespace="n",cronjob="dst"} 1.7100558e+09'  # 2024-03-10T07:30Z
    ]


def test_suspended_invalid_and_unscheduled() -> None:
    r = ResourceRenderer(RESOURCE)
    suspended = {**REPORT, "spec": {**REPORT["spec"], "suspend": True}}
    out = lines(r, suspended)
    assert family(out, "kube_cronjob_next_schedule_time") == []
    assert family(out, "kube_cronjob_spec_suspend") == [
        'kube_cronjob_spec_suspend{namespace="batch",cronjob="report"} 1'
    ]
    assert family(out, "kube_cronjob_schedule_invalid") == []

    # A step as large as its range: the Kubernetes API accepts it, upstream's parser does not.
    for spec in ({"schedule": "*/60 * * * *"}, {"schedule": "0 * * * *", "timeZone": "Mars/Olympus_Mons"}):
        bad = {**REPORT, "spec": {**REPORT["spec"], **spec}}
        out = lines(r, bad)
        assert family(out, "kube_cronjob_next_schedule_time") == []
        assert family(out, "kube_cronjob_schedule_invalid") == [
            'kube_cronjob_schedule_invalid{namespace="batch",cronjob="report"} 1'
        ]

    # Neither lastScheduleTime nor creationTimestamp: nothing to compute from.
    bare = {"metadata": {"name": "bare", "namespace": "n"}, "spec": {"schedule": "@hourly"}}
    i = 'namespace="n",cronjob="bare"'
    assert lines(r, bare) == [
        f'kube_cronjob_info{{{i},schedule="@hourly",concurrency_policy="",timezone="local"}} 1',
        f"kube_cronjob_status_active{{{i}}} 0",
        f"kube_cronjob_spec_suspend{{{i}}} 0",
    ]
    assert r.errors == 0


def test_never_firing_schedule_reports_go_zero_time() -> None:
    obj = {
        "metadata": {"name": "feb30", "namespace": "n", "creationTimestamp": "2024-01-01T00:00:00Z"},
        "spec": {"schedule": "0 0 30 2 *"},
    }
    assert family(lines(ResourceRenderer(RESOURCE), obj), "kube_cronjob_next_schedule_time") == [
        'kube_cronjob_next_schedule_time{namespace="n",cronjob="feb30"} -6.21355968e+10'
    ]


def test_zero_last_schedule_time_falls_back_to_creation() -> None:
    obj = {**FRESH, "status": {"lastScheduleTime": "0001-01-01T00:00:00Z"}}
    out = lines(ResourceRenderer(RESOURCE), obj)
    i = 'namespace="ops",cronjob="cleanup"'
    assert family(out, "kube_cronjob_next_schedule_time") == [f"kube_cronjob_next_schedule_time{{{i}}} 1.5207675e+09"]
    assert family(out, "kube_cronjob_status_last_schedule_time") == [
        f"kube_cronjob_status_last_schedule_time{{{i}}} -6.21355968e+10"  # set (non-nil), so it is written
    ]


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    obj = {
        "metadata": {"name": "odd", "namespace": "n", "creationTimestamp": "not a time", "resourceVersion": "abc"},
        "spec": {
            "schedule": ["0", "*"],
            "timeZone": 7,
            "suspend": "true",
            "startingDeadlineSeconds": "300",
            "successfulJobsHistoryLimit": None,
        },
        "status": {"active": "x", "lastScheduleTime": "soon", "lastSuccessfulTime": 5},
    }
    i = 'namespace="n",cronjob="odd"'
    assert lines(r, obj) == [
        f'kube_cronjob_info{{{i},schedule="",concurrency_policy="",timezone="local"}} 1',
        f"kube_cronjob_status_active{{{i}}} 0",
        f"kube_cronjob_spec_suspend{{{i}}} 0",
        f"kube_cronjob_schedule_invalid{{{i}}} 1",  # an empty schedule does not parse
    ]
    assert len(lines(r, {"metadata": {"name": "s", "namespace": "n"}, "spec": "x", "status": []})) == 4
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"cronjobs": ["app"]},
        annotations_allowlist={"cronjobs": ["app.k8s.io/owner"]},
    )
    out = lines(ResourceRenderer(RESOURCE, opts), REPORT)
    i = 'namespace="batch",cronjob="report"'
    assert out[:2] == [
        f'kube_cronjob_annotations{{{i},annotation_app_k8s_io_owner="@foo"}} 1',
        f'kube_cronjob_labels{{{i},label_app="report"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_cronjob_annotations",
        "kube_cronjob_labels",
        "kube_cronjob_info",
        "kube_cronjob_created",
        "kube_cronjob_status_active",
        "kube_cronjob_status_last_schedule_time",
        "kube_cronjob_status_last_successful_time",
        "kube_cronjob_spec_suspend",
        "kube_cronjob_spec_starting_deadline_seconds",
        "kube_cronjob_next_schedule_time",
        "kube_cronjob_schedule_invalid",
        "kube_cronjob_metadata_resource_version",
        "kube_cronjob_spec_successful_job_history_limit",
        "kube_cronjob_spec_failed_job_history_limit",
    ]
    assert r.headers[9].decode().startswith("# HELP kube_cronjob_next_schedule_time [STABLE] ")
    assert r.headers[10].decode().startswith("# HELP kube_cronjob_schedule_invalid 1 ")  # ALPHA: no tag
