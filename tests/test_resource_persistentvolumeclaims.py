"""Golden test: PersistentVolumeClaims as the apiserver serves them -> the exact lines upstream would write."""

# ruff: noqa: E501

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.persistentvolumeclaims import RESOURCE

# A bound claim that is being expanded and deleted.
BOUND = {
    "apiVersion": "v1",
    "kind": "PersistentVolumeClaim",
    "metadata": {
        "name": "data-db-0",
        "namespace": "shop",
        "uid": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
        "resourceVersion": "772001",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "deletionTimestamp": "2024-03-05T10:00:00Z",
        "deletionGracePeriodSeconds": 0,
        "finalizers": ["kubernetes.io/pvc-protection"],
        "labels": {"app.kubernetes.io/name": "db", "statefulset.kubernetes.io/pod-name": "db-0"},
        "annotations": {
            "pv.kubernetes.io/bind-completed": "yes",
            "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
        },
    },
    "spec": {
        "accessModes": ["ReadWriteOnce", "ReadWriteOncePod"],
        "resources": {"requests": {"storage": "8Gi"}},
        "volumeName": "pvc-9e8d7c6b",
        "storageClassName": "gp3",
        "volumeMode": "Filesystem",
    },
    "status": {
        "phase": "Bound",
        "accessModes": ["ReadWriteOnce"],
        "capacity": {"storage": "8Gi"},
        "conditions": [
            {"type": "Resizing", "status": "True", "lastTransitionTime": "2024-03-05T09:59:00Z"},
            {"type": "FileSystemResizePending", "status": "False"},
        ],
    },
}

# A fresh claim: no class, volume or mode, nothing requested, phase not reported yet.
BARE = {
    "metadata": {"name": "scratch", "namespace": "dev"},
    "spec": {"resources": {}},
    "status": {},
}

ID = 'namespace="shop",persistentvolumeclaim="data-db-0"'


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    assert lines(ResourceRenderer(RESOURCE), BOUND) == [
        f'kube_persistentvolumeclaim_info{{{ID},storageclass="gp3",volumename="pvc-9e8d7c6b",volumemode="Filesystem"}} 1',
        f'kube_persistentvolumeclaim_status_phase{{{ID},phase="Lost"}} 0',
        f'kube_persistentvolumeclaim_status_phase{{{ID},phase="Bound"}} 1',
        f'kube_persistentvolumeclaim_status_phase{{{ID},phase="Pending"}} 0',
        f"kube_persistentvolumeclaim_resource_requests_storage_bytes{{{ID}}} 8.589934592e+09",
        f'kube_persistentvolumeclaim_access_mode{{{ID},access_mode="ReadWriteOnce"}} 1',
        f'kube_persistentvolumeclaim_access_mode{{{ID},access_mode="ReadWriteOncePod"}} 1',
        f'kube_persistentvolumeclaim_status_condition{{{ID},condition="Resizing",status="true"}} 1',
        f'kube_persistentvolumeclaim_status_condition{{{ID},condition="Resizing",status="false"}} 0',
        f'kube_persistentvolumeclaim_status_condition{{{ID},condition="Resizing",status="unknown"}} 0',
        f'kube_persistentvolumeclaim_status_condition{{{ID},condition="FileSystemResizePending",status="true"}} 0',
        f'kube_persistentvolumeclaim_status_condition{{{ID},condition="FileSystemResizePending",status="false"}} 1',
        f'kube_persistentvolumeclaim_status_condition{{{ID},condition="FileSystemResizePending",status="unknown"}} 0',
        f"kube_persistentvolumeclaim_created{{{ID}}} 1.501569018e+09",
        f"kube_persistentvolumeclaim_deletion_timestamp{{{ID}}} 1.7096328e+09",
    ]


def test_empty_cases() -> None:
    assert lines(ResourceRenderer(RESOURCE), BARE) == [
        'kube_persistentvolumeclaim_info{namespace="dev",persistentvolumeclaim="scratch",storageclass="",volumename="",volumemode=""} 1',
    ]


def test_pending_phase_and_small_request() -> None:
    obj = {
        "metadata": {"name": "c", "namespace": "n", "creationTimestamp": "2024-01-01T00:00:00Z"},
        "spec": {
            "accessModes": ["ReadWriteMany"],
            "resources": {"requests": {"storage": "1500m"}},
            "volumeMode": "Block",
        },
        "status": {"phase": "Pending"},
    }
    assert (
        lines(ResourceRenderer(RESOURCE), obj)
        == [
            'kube_persistentvolumeclaim_info{namespace="n",persistentvolumeclaim="c",storageclass="",volumename="",volumemode="Block"} 1',
            'kube_persistentvolumeclaim_status_phase{namespace="n",persistentvolumeclaim="c",phase="Lost"} 0',
            'kube_persistentvolumeclaim_status_phase{namespace="n",persistentvolumeclaim="c",phase="Bound"} 0',
            'kube_persistentvolumeclaim_status_phase{namespace="n",persistentvolumeclaim="c",phase="Pending"} 1',
            'kube_persistentvolumeclaim_resource_requests_storage_bytes{namespace="n",persistentvolumeclaim="c"} 2',  # rounded up
            'kube_persistentvolumeclaim_access_mode{namespace="n",persistentvolumeclaim="c",access_mode="ReadWriteMany"} 1',
            'kube_persistentvolumeclaim_created{namespace="n",persistentvolumeclaim="c"} 1.7040672e+09',
        ]
    )


def test_beta_storage_class_annotation_wins() -> None:
    r = ResourceRenderer(RESOURCE)
    head = 'kube_persistentvolumeclaim_info{namespace="n",persistentvolumeclaim="c",storageclass='
    for annotations, want in (({"volume.beta.kubernetes.io/storage-class": "legacy"}, "legacy"),
                              ({"volume.beta.kubernetes.io/storage-class": ""}, ""),  # present but empty still wins
                              ({"other": "x"}, "gp3")):  # fmt: skip
        obj = {
            "metadata": {"name": "c", "namespace": "n", "annotations": annotations},
            "spec": {"storageClassName": "gp3"},
        }
        assert lines(r, obj) == [f'{head}"{want}",volumename="",volumemode=""}} 1']


def test_odd_shapes_do_not_crash() -> None:
    obj = {
        "metadata": {"name": "c", "namespace": "n", "annotations": None},
        "spec": {"accessModes": "ReadWriteOnce", "resources": {"requests": {"storage": "lots"}}, "storageClassName": 3},
        "status": {"phase": 7, "conditions": {"type": "Resizing"}},
    }
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        'kube_persistentvolumeclaim_info{namespace="n",persistentvolumeclaim="c",storageclass="",volumename="",volumemode=""} 1',
    ]


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"persistentvolumeclaims": ["app.kubernetes.io/name"]},
                             annotations_allowlist={"persistentvolumeclaims": ["volume.kubernetes.io/*"]})  # fmt: skip
    out = lines(ResourceRenderer(RESOURCE, opts), BOUND)
    assert out[:2] == [
        f'kube_persistentvolumeclaim_labels{{{ID},label_app_kubernetes_io_name="db"}} 1',
        f'kube_persistentvolumeclaim_annotations{{{ID},annotation_volume_kubernetes_io_storage_provisioner="ebs.csi.aws.com"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    assert [h.decode().split()[2] for h in r.headers] == [
        "kube_persistentvolumeclaim_labels",
        "kube_persistentvolumeclaim_annotations",
        "kube_persistentvolumeclaim_info",
        "kube_persistentvolumeclaim_status_phase",
        "kube_persistentvolumeclaim_resource_requests_storage_bytes",
        "kube_persistentvolumeclaim_access_mode",
        "kube_persistentvolumeclaim_status_condition",
        "kube_persistentvolumeclaim_created",
        "kube_persistentvolumeclaim_deletion_timestamp",
    ]
    assert r.headers[0].decode().startswith("# HELP kube_persistentvolumeclaim_labels [STABLE] ")
    assert r.headers[6].decode().startswith("# HELP kube_persistentvolumeclaim_status_condition PersistentVolumeClaim")
