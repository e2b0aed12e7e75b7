"""Golden test: PersistentVolumes as the apiserver serves them -> the exact lines upstream would write."""

# ruff: noqa: E501

import pytest

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.persistentvolumes import RESOURCE

ALL = GenerationOptions(family_filter=lambda name, opt_in: True)  # also the opt-in csi_attributes family

# A dynamically provisioned CSI volume, bound, being deleted.
CSI_PV = {
    "apiVersion": "v1",
    "kind": "PersistentVolume",
    "metadata": {
        "name": "pvc-9e8d7c6b",
        "uid": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "resourceVersion": "772010",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "deletionTimestamp": "2024-03-05T10:00:00Z",
        "finalizers": ["kubernetes.io/pv-protection", "external-provisioner.volume.kubernetes.io/finalizer"],
        "labels": {"topology.kubernetes.io/zone": "eu-west-1a"},
        "annotations": {"pv.kubernetes.io/provisioned-by": "rbd.csi.ceph.com"},
    },
    "spec": {
        "capacity": {"storage": "8Gi"},
        "csi": {
            "driver": "rbd.csi.ceph.com",
            "volumeHandle": "0001-0009-rook-ceph-0000000000000002-4d1e",
            "fsType": "ext4",
            "volumeAttributes": {
                "clusterID": "rook-ceph",
                "mapOptions": "krbd:rxbounce",
                "mounter": "rbd",
                "pool": "replicapool",
            },
        },
        "accessModes": ["ReadWriteOnce"],
        "claimRef": {
            "kind": "PersistentVolumeClaim",
            "namespace": "shop",
            "name": "data-db-0",
            "uid": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
            "apiVersion": "v1",
            "resourceVersion": "771990",
        },
        "persistentVolumeReclaimPolicy": "Delete",
        "storageClassName": "ceph-block",
        "volumeMode": "Block",
    },
    "status": {"phase": "Bound", "lastPhaseTransitionTime": "2024-03-01T09:00:00Z"},
}

CSI_ID = 'persistentvolume="pvc-9e8d7c6b"'
EMPTY_SOURCES = 'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""'


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_all_families_of_a_csi_volume() -> None:
    assert lines(ResourceRenderer(RESOURCE, ALL), CSI_PV) == [
        f'kube_persistentvolume_claim_ref{{{CSI_ID},name="data-db-0",claim_namespace="shop"}} 1',
        f'kube_persistentvolume_status_phase{{{CSI_ID},phase="Pending"}} 0',
        f'kube_persistentvolume_status_phase{{{CSI_ID},phase="Available"}} 0',
        f'kube_persistentvolume_status_phase{{{CSI_ID},phase="Bound"}} 1',
        f'kube_persistentvolume_status_phase{{{CSI_ID},phase="Released"}} 0',
        f'kube_persistentvolume_status_phase{{{CSI_ID},phase="Failed"}} 0',
        f'kube_persistentvolume_info{{{CSI_ID},storageclass="ceph-block",gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="rbd.csi.ceph.com",csi_volume_handle="0001-0009-rook-ceph-0000000000000002-4d1e",local_path="",local_fs="",host_path="",host_path_type="",reclaim_policy="Delete"}} 1',
        f"kube_persistentvolume_capacity_bytes{{{CSI_ID}}} 8.589934592e+09",
        f"kube_persistentvolume_created{{{CSI_ID}}} 1.501569018e+09",
        f"kube_persistentvolume_deletion_timestamp{{{CSI_ID}}} 1.7096328e+09",
        f'kube_persistentvolume_csi_attributes{{{CSI_ID},csi_mounter="rbd",csi_map_options="krbd:rxbounce"}} 1',
        f'kube_persistentvolume_volume_mode{{{CSI_ID},volumemode="Block"}} 1',
        f'kube_persistentvolume_access_mode{{{CSI_ID},access_mode="ReadWriteOnce"}} 1',
    ]


def test_default_families_leave_out_the_opt_in_one() -> None:
    out = lines(ResourceRenderer(RESOURCE), CSI_PV)
    assert not any(line.startswith("kube_persistentvolume_csi_attributes") for line in out)
    assert len(out) == 12


def test_empty_cases() -> None:
    # A statically created volume without claim, source, capacity, mode or phase.
    obj = {"metadata": {"name": "bare"}, "spec": {}, "status": {}}
    assert lines(ResourceRenderer(RESOURCE, ALL), obj) == [
        f'kube_persistentvolume_info{{persistentvolume="bare",storageclass="",{EMPTY_SOURCES},reclaim_policy=""}} 1',
        'kube_persistentvolume_capacity_bytes{persistentvolume="bare"} 0',
        'kube_persistentvolume_volume_mode{persistentvolume="bare",volumemode="Filesystem"} 1',
    ]


def test_csi_without_the_ceph_attributes() -> None:
    obj = {"metadata": {"name": "v"}, "spec": {"csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0abc"}}}
    out = lines(ResourceRenderer(RESOURCE, ALL), obj)
    assert 'kube_persistentvolume_csi_attributes{persistentvolume="v",csi_mounter="",csi_map_options=""} 1' in out
    obj = {"metadata": {"name": "v"}, "spec": {"csi": {"driver": "d", "volumeAttributes": {"mounter": "rbd-nbd"}}}}
    out = lines(ResourceRenderer(RESOURCE, ALL), obj)
    assert (
        'kube_persistentvolume_csi_attributes{persistentvolume="v",csi_mounter="rbd-nbd",csi_map_options=""} 1' in out
    )


def info_line(obj: dict) -> str:
    return next(x for x in lines(ResourceRenderer(RESOURCE), obj) if x.startswith("kube_persistentvolume_info"))


@pytest.mark.parametrize(
    ("source", "want"),
    [
        (
            {"gcePersistentDisk": {"pdName": "disk-1", "fsType": "ext4"}},
            'gce_persistent_disk_name="disk-1",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""',
        ),
        (
            {"awsElasticBlockStore": {"volumeID": "aws://eu-west-1a/vol-0abc", "fsType": "ext4"}},
            'gce_persistent_disk_name="",ebs_volume_id="aws://eu-west-1a/vol-0abc",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""',
        ),
        (
            {"azureDisk": {"diskName": "az-disk", "diskURI": "/subscriptions/x/disks/az-disk"}},
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="az-disk",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""',
        ),
        (
            {
                "fc": {
                    "targetWWNs": ["500a0981891b8dc5", "500a0981991b8dc5"],
                    "lun": 3,
                    "wwids": ["3600508b400105e210000900000490000"],
                }
            },
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="3600508b400105e210000900000490000",fc_lun="3",fc_target_wwns="500a0981891b8dc5,500a0981991b8dc5",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""',
        ),
        (
            {"fc": {"wwids": ["a", "b"]}},  # no lun (nil pointer) -> empty
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="a,b",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""',
        ),
        (
            {
                "iscsi": {
                    "targetPortal": "10.0.2.15:3260",
                    "iqn": "iqn.2001-04.com.example:storage",
                    "lun": 7,
                    "initiatorName": "iqn.1994-05.com.redhat:node",
                }
            },
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="10.0.2.15:3260",iscsi_iqn="iqn.2001-04.com.example:storage",iscsi_lun="7",iscsi_initiator_name="iqn.1994-05.com.redhat:node",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""',
        ),
        (
            {"iscsi": {"targetPortal": "10.0.2.15", "iqn": "iqn.x"}},  # lun is a plain int: 0 when omitted
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="10.0.2.15",iscsi_iqn="iqn.x",iscsi_lun="0",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""',
        ),
        (
            {"nfs": {"server": "nfs.example.com", "path": "/exports/data"}},
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="nfs.example.com",nfs_path="/exports/data",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""',
        ),
        (
            {"local": {"path": "/mnt/disks/ssd1", "fsType": "xfs"}},
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="/mnt/disks/ssd1",local_fs="xfs",host_path="",host_path_type=""',
        ),
        (
            {"hostPath": {"path": "/var/data", "type": "DirectoryOrCreate"}},
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="/var/data",host_path_type="DirectoryOrCreate"',
        ),
        (
            {"hostPath": {"path": "/var/data"}},
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="/var/data",host_path_type=""',
        ),
        # Two sources (invalid, but decodable): the first in upstream's switch order wins.
        (
            {"hostPath": {"path": "/h"}, "nfs": {"server": "s", "path": "/p"}},
            'gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="s",nfs_path="/p",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type=""',
        ),
        # A source kind the info family does not describe (cephfs) leaves every source label empty.
        ({"cephfs": {"monitors": ["10.0.0.1:6789"]}}, EMPTY_SOURCES),
    ],
)
def test_info_volume_sources(source: dict, want: str) -> None:
    obj = {
        "metadata": {"name": "v"},
        "spec": {"storageClassName": "manual", "persistentVolumeReclaimPolicy": "Retain", **source},
    }
    assert (
        info_line(obj)
        == f'kube_persistentvolume_info{{persistentvolume="v",storageclass="manual",{want},reclaim_policy="Retain"}} 1'
    )


def test_released_phase_unbound_claim_and_capacity_rounding() -> None:
    obj = {
        "metadata": {"name": "old", "creationTimestamp": "2024-01-01T00:00:00Z"},
        "spec": {
            "capacity": {"storage": "1500m"},
            "nfs": {"server": "nfs", "path": "/x"},
            "accessModes": ["ReadWriteMany", "ReadOnlyMany"],
            "claimRef": {"name": "gone"},
            "persistentVolumeReclaimPolicy": "Retain",
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Released"},
    }
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        'kube_persistentvolume_claim_ref{persistentvolume="old",name="gone",claim_namespace=""} 1',
        'kube_persistentvolume_status_phase{persistentvolume="old",phase="Pending"} 0',
        'kube_persistentvolume_status_phase{persistentvolume="old",phase="Available"} 0',
        'kube_persistentvolume_status_phase{persistentvolume="old",phase="Bound"} 0',
        'kube_persistentvolume_status_phase{persistentvolume="old",phase="Released"} 1',
        'kube_persistentvolume_status_phase{persistentvolume="old",phase="Failed"} 0',
        'kube_persistentvolume_info{persistentvolume="old",storageclass="",gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="nfs",nfs_path="/x",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type="",reclaim_policy="Retain"} 1',
        'kube_persistentvolume_capacity_bytes{persistentvolume="old"} 2',  # rounded up, like Quantity.Value
        'kube_persistentvolume_created{persistentvolume="old"} 1.7040672e+09',
        'kube_persistentvolume_volume_mode{persistentvolume="old",volumemode="Filesystem"} 1',
        'kube_persistentvolume_access_mode{persistentvolume="old",access_mode="ReadWriteMany"} 1',
        'kube_persistentvolume_access_mode{persistentvolume="old",access_mode="ReadOnlyMany"} 1',
    ]


def test_odd_shapes_do_not_crash() -> None:
    obj = {
        "metadata": {"name": "odd"},
        "spec": {"claimRef": "x", "capacity": {"storage": "lots"}, "accessModes": "RWO", "csi": None,
                 "fc": {"lun": "3", "wwids": "abc"}, "volumeMode": None},
        "status": {"phase": ["Bound"]},
    }  # fmt: skip
    r = ResourceRenderer(RESOURCE, ALL)
    assert lines(r, obj) == [
        'kube_persistentvolume_info{persistentvolume="odd",storageclass="",gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type="",reclaim_policy=""} 1',
        'kube_persistentvolume_capacity_bytes{persistentvolume="odd"} 0',
        'kube_persistentvolume_volume_mode{persistentvolume="odd",volumemode="Filesystem"} 1',
    ]
    assert r.errors == 0
    assert lines(r, {"metadata": {"name": "nospec"}, "spec": None})[0].startswith(
        'kube_persistentvolume_info{persistentvolume="nospec"'
    )


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"persistentvolumes": ["topology.kubernetes.io/zone"]},
                             annotations_allowlist={"persistentvolumes": ["pv.kubernetes.io/provisioned-by"]})  # fmt: skip
    out = lines(ResourceRenderer(RESOURCE, opts), CSI_PV)
    assert out[1:3] == [
        f'kube_persistentvolume_annotations{{{CSI_ID},annotation_pv_kubernetes_io_provisioned_by="rbd.csi.ceph.com"}} 1',
        f'kube_persistentvolume_labels{{{CSI_ID},label_topology_kubernetes_io_zone="eu-west-1a"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    assert [h.decode().split()[2] for h in r.headers] == [
        "kube_persistentvolume_claim_ref",
        "kube_persistentvolume_annotations",
        "kube_persistentvolume_labels",
        "kube_persistentvolume_status_phase",
        "kube_persistentvolume_info",
        "kube_persistentvolume_capacity_bytes",
        "kube_persistentvolume_created",
        "kube_persistentvolume_deletion_timestamp",
        "kube_persistentvolume_volume_mode",
        "kube_persistentvolume_access_mode",
    ]
    assert r.headers[0].decode().startswith("# HELP kube_persistentvolume_claim_ref [STABLE] ")
    names = [h.decode().split()[2] for h in ResourceRenderer(RESOURCE, ALL).headers]
    assert names[8] == "kube_persistentvolume_csi_attributes"
