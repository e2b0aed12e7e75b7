"""Golden test: Jobs as the apiserver serves them -> the exact lines upstream would write."""

import json
from pathlib import Path

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.jobs import RESOURCE

SPEC = Path(__file__).parents[1].parent / "shared/spec/metrics.json"

TEMPLATE = {
    "metadata": {"labels": {"batch.kubernetes.io/job-name": "x"}},
    "spec": {"containers": [{"name": "main", "image": "busybox:1.36"}], "restartPolicy": "Never"},
}

# A Job a CronJob started that finished successfully (Kubernetes >= 1.31 also sets SuccessCriteriaMet).
COMPLETED = {
    "metadata": {
        "name": "report-28631520",
        "namespace": "batch",
        "uid": "3c1f6b1e-8f0e-4a55-9f51-6c2d1d0e9a01",
        "resourceVersion": "99120",
        "generation": 1,
        "creationTimestamp": "2024-06-01T02:00:00Z",
        "labels": {"batch.kubernetes.io/controller-uid": "3c1f6b1e", "team": "finance"},
        "annotations": {"batch.kubernetes.io/job-tracking": ""},
        "ownerReferences": [
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "name": "report",
                "uid": "9a0b",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    },
    "spec": {
        "parallelism": 1,
        "completions": 1,
        "backoffLimit": 6,
        "completionMode": "NonIndexed",
        "suspend": False,
        "template": TEMPLATE,
    },
    "status": {
        "conditions": [
            {
                "type": "SuccessCriteriaMet",
                "status": "True",
                "lastProbeTime": "2024-06-01T02:01:15Z",
                "lastTransitionTime": "2024-06-01T02:01:15Z",
                "reason": "CompletionsReached",
                "message": "Reached expected number of succeeded pods",
            },
            {
                "type": "Complete",
                "status": "True",
                "lastProbeTime": "2024-06-01T02:01:15Z",
                "lastTransitionTime": "2024-06-01T02:01:15Z",
                "reason": "CompletionsReached",
                "message": "Reached expected number of succeeded pods",
            },
        ],
        "startTime": "2024-06-01T02:00:03Z",
        "completionTime": "2024-06-01T02:01:15Z",
        "succeeded": 1,
        "terminating": 0,
        "uncountedTerminatedPods": {},
        "ready": 0,
    },
}

# A Job that hit its backoff limit.
FAILED = {
    "metadata": {"name": "migrate", "namespace": "db", "uid": "u-2", "creationTimestamp": "2024-06-01T02:00:00Z"},
    "spec": {"parallelism": 1, "completions": 1, "activeDeadlineSeconds": 3600, "backoffLimit": 2,
             "template": TEMPLATE},
    "status": {
        "conditions": [
            {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded",
             "message": "Job has reached the specified backoff limit", "lastTransitionTime": "2024-06-01T02:01:15Z"},
            {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
             "message": "Job has reached the specified backoff limit", "lastTransitionTime": "2024-06-01T02:01:15Z"},
        ],
        "startTime": "2024-06-01T02:00:03Z",
        "failed": 3,
        "ready": 0,
    },
}  # fmt: skip

# A running, resumed work-queue Job (completions unset) with pod failures but no Failed condition yet.
RUNNING = {
    "metadata": {"name": "crawl", "namespace": "web", "uid": "u-3", "creationTimestamp": "2024-06-02T08:30:00.123456Z"},
    "spec": {"parallelism": 4, "backoffLimit": 10, "suspend": False, "template": TEMPLATE},
    "status": {
        "conditions": [
            {"type": "Suspended", "status": "False", "reason": "JobResumed", "message": "Job resumed",
             "lastTransitionTime": "2024-06-02T08:31:00Z"},
        ],
        "startTime": "2024-06-02T08:31:00Z",
        "active": 4,
        "ready": 3,
        "failed": 2,
        "succeeded": 5,
    },
}  # fmt: skip


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_completed_job() -> None:
    i = 'namespace="batch",job_name="report-28631520"'
    assert lines(ResourceRenderer(RESOURCE), COMPLETED) == [
        f"kube_job_info{{{i}}} 1",
        f"kube_job_created{{{i}}} 1.7172072e+09",
        f"kube_job_spec_parallelism{{{i}}} 1",
        f"kube_job_spec_completions{{{i}}} 1",
        f"kube_job_status_succeeded{{{i}}} 1",
        f"kube_job_status_failed{{{i}}} 0",  # nothing failed: no reason label at all
        f"kube_job_status_active{{{i}}} 0",
        f"kube_job_status_ready{{{i}}} 0",
        f'kube_job_complete{{{i},condition="true"}} 1',
        f'kube_job_complete{{{i},condition="false"}} 0',
        f'kube_job_complete{{{i},condition="unknown"}} 0',
        f"kube_job_status_start_time{{{i}}} 1.717207203e+09",
        f"kube_job_status_completion_time{{{i}}} 1.717207275e+09",
        f'kube_job_owner{{{i},owner_kind="CronJob",owner_name="report",owner_is_controller="true"}} 1',
    ]


def test_failed_job() -> None:
    i = 'namespace="db",job_name="migrate"'
    assert lines(ResourceRenderer(RESOURCE), FAILED) == [
        f"kube_job_info{{{i}}} 1",
        f"kube_job_created{{{i}}} 1.7172072e+09",
        f"kube_job_spec_parallelism{{{i}}} 1",
        f"kube_job_spec_completions{{{i}}} 1",
        f"kube_job_spec_active_deadline_seconds{{{i}}} 3600",
        f"kube_job_status_succeeded{{{i}}} 0",
        f'kube_job_status_failed{{{i},reason="BackoffLimitExceeded"}} 1',
        f'kube_job_status_failed{{{i},reason="DeadlineExceeded"}} 0',
        f'kube_job_status_failed{{{i},reason="Evicted"}} 0',
        f"kube_job_status_active{{{i}}} 0",
        f"kube_job_status_ready{{{i}}} 0",
        f'kube_job_failed{{{i},condition="true"}} 1',
        f'kube_job_failed{{{i},condition="false"}} 0',
        f'kube_job_failed{{{i},condition="unknown"}} 0',
        f"kube_job_status_start_time{{{i}}} 1.717207203e+09",
        f'kube_job_owner{{{i},owner_kind="",owner_name="",owner_is_controller=""}} 1',
    ]


def test_running_job_with_failures_and_suspended_condition() -> None:
    i = 'namespace="web",job_name="crawl"'
    assert lines(ResourceRenderer(RESOURCE), RUNNING) == [
        f"kube_job_info{{{i}}} 1",
        f"kube_job_created{{{i}}} 1.717317e+09",  # sub-second part dropped
        f"kube_job_spec_parallelism{{{i}}} 4",
        f"kube_job_status_succeeded{{{i}}} 5",
        f'kube_job_status_failed{{{i},reason=""}} 2',  # no Failed condition yet: the count under reason=""
        f"kube_job_status_active{{{i}}} 4",
        f"kube_job_status_ready{{{i}}} 3",
        f"kube_job_status_start_time{{{i}}} 1.71731706e+09",
        f"kube_job_status_suspended{{{i}}} 0",
        f'kube_job_owner{{{i},owner_kind="",owner_name="",owner_is_controller=""}} 1',
    ]


def test_status_failed_with_unknown_reason_and_suspended_true() -> None:
    obj = {
        "metadata": {
            "name": "j",
            "namespace": "n",
            "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "p", "uid": "1"}],
        },
        "spec": {"suspend": True, "template": TEMPLATE},
        "status": {
            "failed": 1,
            "conditions": [
                {"type": "Failed", "status": "True", "reason": "PodFailurePolicy"},
                {"type": "Suspended", "status": "True", "reason": "JobSuspended"},
            ],
        },
    }
    i = 'namespace="n",job_name="j"'
    out = lines(ResourceRenderer(RESOURCE), obj)
    assert [
        x for x in out if x.startswith(("kube_job_status_failed", "kube_job_status_suspended", "kube_job_owner"))
    ] == [
        f'kube_job_status_failed{{{i},reason="BackoffLimitExceeded"}} 0',
        f'kube_job_status_failed{{{i},reason="DeadlineExceeded"}} 0',
        f'kube_job_status_failed{{{i},reason="Evicted"}} 0',
        f'kube_job_status_failed{{{i},reason=""}} 1',
        f"kube_job_status_suspended{{{i}}} 1",
        f'kube_job_owner{{{i},owner_kind="Pod",owner_name="p",owner_is_controller="false"}} 1',
    ]


def test_empty_cases() -> None:
    i = 'namespace="n",job_name="bare"'
    assert lines(ResourceRenderer(RESOURCE), {"metadata": {"name": "bare", "namespace": "n"}}) == [
        f"kube_job_info{{{i}}} 1",
        f"kube_job_status_succeeded{{{i}}} 0",
        f"kube_job_status_failed{{{i}}} 0",
        f"kube_job_status_active{{{i}}} 0",
        f"kube_job_status_ready{{{i}}} 0",
        f'kube_job_owner{{{i},owner_kind="",owner_name="",owner_is_controller=""}} 1',
    ]


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    obj = {
        "metadata": {"name": "odd", "namespace": "n", "ownerReferences": 5},
        "spec": {"parallelism": "2", "completions": None, "activeDeadlineSeconds": 1.5},
        "status": {
            "failed": 4,
            "startTime": 17,
            "conditions": [None, "Failed", {"type": "Failed", "status": "true", "reason": ["Evicted"]}],
        },
    }
    i = 'namespace="n",job_name="odd"'
    assert lines(r, obj) == [
        f"kube_job_info{{{i}}} 1",
        f"kube_job_status_succeeded{{{i}}} 0",
        f'kube_job_status_failed{{{i},reason="BackoffLimitExceeded"}} 0',
        f'kube_job_status_failed{{{i},reason="DeadlineExceeded"}} 0',
        f'kube_job_status_failed{{{i},reason="Evicted"}} 0',
        f'kube_job_status_failed{{{i},reason=""}} 4',
        f"kube_job_status_active{{{i}}} 0",
        f"kube_job_status_ready{{{i}}} 0",
        f'kube_job_failed{{{i},condition="true"}} 0',  # status compared case-sensitively, as upstream
        f'kube_job_failed{{{i},condition="false"}} 0',
        f'kube_job_failed{{{i},condition="unknown"}} 0',
        f'kube_job_owner{{{i},owner_kind="",owner_name="",owner_is_controller=""}} 1',
    ]
    assert lines(r, {"metadata": {"name": "s", "namespace": "n"}, "spec": "x", "status": []})[0].startswith(
        "kube_job_info"
    )
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"jobs": ["team", "missing"]}, annotations_allowlist={"*": ["*"]})
    out = lines(ResourceRenderer(RESOURCE, opts), COMPLETED)
    i = 'namespace="batch",job_name="report-28631520"'
    assert out[:3] == [
        f'kube_job_annotations{{{i},annotation_batch_kubernetes_io_job_tracking=""}} 1',
        f'kube_job_labels{{{i},label_team="finance"}} 1',
        f"kube_job_info{{{i}}} 1",
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_job_annotations",
        "kube_job_labels",
        "kube_job_info",
        "kube_job_created",
        "kube_job_spec_parallelism",
        "kube_job_spec_completions",
        "kube_job_spec_active_deadline_seconds",
        "kube_job_status_succeeded",
        "kube_job_status_failed",
        "kube_job_status_active",
        "kube_job_status_ready",
        "kube_job_complete",
        "kube_job_failed",
        "kube_job_status_start_time",
        "kube_job_status_completion_time",
        "kube_job_status_suspended",
        "kube_job_owner",
    ]
    assert r.headers[1].decode().startswith("# HELP kube_job_labels [STABLE] ")
    assert "[STABLE]" not in r.headers[10].decode()  # kube_job_status_ready is ALPHA


def test_status_failed_label_sets_match_catalog_variants() -> None:
    """Every emitted kube_job_status_failed label set is one of the catalog's label_variants."""
    variants = [["namespace", "job_name", "reason"], ["namespace", "job_name"]]
    if SPEC.exists():
        spec = next(r for r in json.loads(SPEC.read_text())["resources"] if r["name"] == "jobs")
        variants = next(f for f in spec["families"] if f["name"] == "kube_job_status_failed")["label_variants"]
    r = ResourceRenderer(RESOURCE)
    seen = set()
    for obj in (COMPLETED, FAILED, RUNNING):
        for line in lines(r, obj):
            if line.startswith("kube_job_status_failed{"):
                body = line[line.index("{") + 1 : line.rindex("}")]
                seen.add(tuple(kv.split("=", 1)[0] for kv in body.split('",') if kv))
    assert seen == {tuple(v) for v in variants}
