"""Golden test: Nodes as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.nodes import RESOURCE, resource_units

NODE = {
    "metadata": {
        "name": "cp-1",
        "uid": "3c1e2a4b-7d8f-4e6a-9b0c-1d2e3f4a5b6c",
        "resourceVersion": "778899",
        "creationTimestamp": "2023-03-14T15:09:26Z",
        "deletionTimestamp": "2024-01-02T03:04:05Z",
        "labels": {
            "beta.kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": "cp-1",
            "node-role.kubernetes.io/control-plane": "",
            "node-role.kubernetes.io/ingress": "true",
            "node.kubernetes.io/exclude-from-external-load-balancers": "",
        },
        "annotations": {
            "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
            "node.alpha.kubernetes.io/ttl": "0",
        },
    },
    "spec": {
        "podCIDR": "10.244.0.0/24",
        "podCIDRs": ["10.244.0.0/24", "fd00:10:244::/64"],
        "providerID": "aws:///eu-west-1a/i-0abc123def4567890",
        "taints": [
            {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
            {"key": "dedicated", "value": "gpu", "effect": "NoExecute", "timeAdded": "2024-01-02T03:00:00Z"},
        ],
        "unschedulable": True,
    },
    "status": {
        "capacity": {
            "attachable-volumes-aws-ebs": "39",
            "cpu": "4",
            "ephemeral-storage": "102625208Ki",
            "example.com/a/b": "3",
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "64Mi",
            "kubernetes.io/batteries": "1",
            "memory": "16369604Ki",
            "nvidia.com/gpu": "1",
            "pods": "110",
        },
        "allocatable": {
            "cpu": "3920m",
            "ephemeral-storage": "94580335255",
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "64Mi",
            "memory": "15218628Ki",
            "nvidia.com/gpu": "1",
            "pods": "110",
        },
        "conditions": [
            {
                "type": "MemoryPressure",
                "status": "False",
                "lastHeartbeatTime": "2024-01-02T03:03:00Z",
                "lastTransitionTime": "2023-03-14T15:09:26Z",
                "reason": "KubeletHasSufficientMemory",
                "message": "kubelet has sufficient memory available",
            },
            {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure"},
            {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID"},
            {"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown"},
        ],
        "addresses": [
            {"type": "InternalIP", "address": "10.0.1.23"},
            {"type": "InternalIP", "address": "fd00::17"},
            {"type": "ExternalIP", "address": "203.0.113.10"},
            {"type": "Hostname", "address": "ip-10-0-1-23"},
            {"type": "InternalDNS", "address": "ip-10-0-1-23.eu-west-1.compute.internal"},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {
            "machineID": "ec2a1b3c4d5e6f708192a3b4c5d6e7f8",
            "systemUUID": "ec2a1b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
            "bootID": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "kernelVersion": "5.15.0-91-generic",
            "osImage": "Ubuntu 22.04.3 LTS",
            "containerRuntimeVersion": "containerd://1.7.2",
            "kubeletVersion": "v1.28.4",
            "kubeProxyVersion": "v1.28.4",
            "operatingSystem": "linux",
            "architecture": "amd64",
        },
    },
}

N = 'node="cp-1"'


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_full_node() -> None:
    assert lines(ResourceRenderer(RESOURCE), NODE) == [
        f"kube_node_created{{{N}}} 1.678806566e+09",
        f"kube_node_deletion_timestamp{{{N}}} 1.704164645e+09",
        f'kube_node_info{{{N},kernel_version="5.15.0-91-generic",os_image="Ubuntu 22.04.3 LTS",'
        'container_runtime_version="containerd://1.7.2",kubelet_version="v1.28.4",kubeproxy_version="deprecated",'
        'provider_id="aws:///eu-west-1a/i-0abc123def4567890",pod_cidr="10.244.0.0/24",'
        'system_uuid="ec2a1b3c-4d5e-6f70-8192-a3b4c5d6e7f8",internal_ip="fd00::17"} 1',
        f'kube_node_role{{{N},role="control-plane"}} 1',
        f'kube_node_role{{{N},role="ingress"}} 1',
        f'kube_node_spec_pod_cidrs{{{N},pod_cidr="10.244.0.0/24"}} 1',
        f'kube_node_spec_pod_cidrs{{{N},pod_cidr="fd00:10:244::/64"}} 1',
        f'kube_node_spec_taint{{{N},key="node-role.kubernetes.io/control-plane",value="",effect="NoSchedule"}} 1',
        f'kube_node_spec_taint{{{N},key="dedicated",value="gpu",effect="NoExecute"}} 1',
        f"kube_node_spec_unschedulable{{{N}}} 1",
        f'kube_node_status_allocatable{{{N},resource="cpu",unit="core"}} 3.92',
        f'kube_node_status_allocatable{{{N},resource="ephemeral_storage",unit="byte"}} 9.4580335255e+10',
        f'kube_node_status_allocatable{{{N},resource="hugepages_1Gi",unit="byte"}} 0',
        f'kube_node_status_allocatable{{{N},resource="hugepages_2Mi",unit="byte"}} 6.7108864e+07',
        f'kube_node_status_allocatable{{{N},resource="memory",unit="byte"}} 1.5583875072e+10',
        f'kube_node_status_allocatable{{{N},resource="nvidia_com_gpu",unit="integer"}} 1',
        f'kube_node_status_allocatable{{{N},resource="pods",unit="integer"}} 110',
        # example.com/a/b (two slashes) and kubernetes.io/batteries (native, prefixed) are not exported
        f'kube_node_status_capacity{{{N},resource="attachable_volumes_aws_ebs",unit="byte"}} 39',
        f'kube_node_status_capacity{{{N},resource="cpu",unit="core"}} 4',
        f'kube_node_status_capacity{{{N},resource="ephemeral_storage",unit="byte"}} 1.05088212992e+11',
        f'kube_node_status_capacity{{{N},resource="hugepages_1Gi",unit="byte"}} 0',
        f'kube_node_status_capacity{{{N},resource="hugepages_2Mi",unit="byte"}} 6.7108864e+07',
        f'kube_node_status_capacity{{{N},resource="memory",unit="byte"}} 1.6762474496e+10',
        f'kube_node_status_capacity{{{N},resource="nvidia_com_gpu",unit="integer"}} 1',
        f'kube_node_status_capacity{{{N},resource="pods",unit="integer"}} 110',
        f'kube_node_status_condition{{{N},condition="MemoryPressure",status="true"}} 0',
        f'kube_node_status_condition{{{N},condition="MemoryPressure",status="false"}} 1',
        f'kube_node_status_condition{{{N},condition="MemoryPressure",status="unknown"}} 0',
        f'kube_node_status_condition{{{N},condition="DiskPressure",status="true"}} 0',
        f'kube_node_status_condition{{{N},condition="DiskPressure",status="false"}} 1',
        f'kube_node_status_condition{{{N},condition="DiskPressure",status="unknown"}} 0',
        f'kube_node_status_condition{{{N},condition="PIDPressure",status="true"}} 0',
        f'kube_node_status_condition{{{N},condition="PIDPressure",status="false"}} 1',
        f'kube_node_status_condition{{{N},condition="PIDPressure",status="unknown"}} 0',
        f'kube_node_status_condition{{{N},condition="Ready",status="true"}} 0',
        f'kube_node_status_condition{{{N},condition="Ready",status="false"}} 0',
        f'kube_node_status_condition{{{N},condition="Ready",status="unknown"}} 1',
        f'kube_node_status_addresses{{{N},type="InternalIP",address="10.0.1.23"}} 1',
        f'kube_node_status_addresses{{{N},type="InternalIP",address="fd00::17"}} 1',
        f'kube_node_status_addresses{{{N},type="ExternalIP",address="203.0.113.10"}} 1',
        f'kube_node_status_addresses{{{N},type="Hostname",address="ip-10-0-1-23"}} 1',
        f'kube_node_status_addresses{{{N},type="InternalDNS",address="ip-10-0-1-23.eu-west-1.compute.internal"}} 1',
    ]


def test_empty_cases() -> None:
    # Only the info line (with empty fields and the literal "deprecated") and unschedulable=0 remain.
    obj = {"metadata": {"name": "bare"}}
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        'kube_node_info{node="bare",kernel_version="",os_image="",container_runtime_version="",kubelet_version="",'
        'kubeproxy_version="deprecated",provider_id="",pod_cidr="",system_uuid="",internal_ip=""} 1',
        'kube_node_spec_unschedulable{node="bare"} 0',
    ]
    # Present but empty collections, no role labels, schedulable, addresses without an InternalIP.
    obj = {
        "metadata": {"name": "w", "labels": {"kubernetes.io/os": "linux"}},
        "spec": {"taints": [], "podCIDRs": []},
        "status": {"capacity": {}, "conditions": [], "addresses": [{"type": "Hostname", "address": "w"}]},
    }
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        'kube_node_info{node="w",kernel_version="",os_image="",container_runtime_version="",kubelet_version="",'
        'kubeproxy_version="deprecated",provider_id="",pod_cidr="",system_uuid="",internal_ip=""} 1',
        'kube_node_spec_unschedulable{node="w"} 0',
        'kube_node_status_addresses{node="w",type="Hostname",address="w"} 1',
    ]


def test_odd_types_do_not_crash() -> None:
    obj = {
        "metadata": {"name": "odd", "labels": ["x"], "creationTimestamp": "not-a-time"},
        "spec": {"taints": "x", "podCIDRs": {"a": 1}, "unschedulable": "true"},
        "status": {"nodeInfo": [], "addresses": [None, 3], "allocatable": ["cpu"], "capacity": {"cpu": "lots"},
                   "conditions": [None]},
    }  # fmt: skip
    r = ResourceRenderer(RESOURCE)
    out = lines(r, obj)
    assert out[1:] == ['kube_node_spec_unschedulable{node="odd"} 0']
    assert lines(r, {"metadata": {"name": "odd2"}, "spec": None, "status": "x"})[1].startswith("kube_node_spec_")
    assert r.errors == 0


def test_resource_units() -> None:
    assert resource_units("cpu") == (("cpu", "core"),)
    assert resource_units("storage") == (("storage", "byte"),)
    assert resource_units("hugepages-2Mi") == (("hugepages_2Mi", "byte"),)
    assert resource_units("attachable-volumes-csi-ebs.csi.aws.com") == (
        ("attachable_volumes_csi_ebs_csi_aws_com", "byte"),
    )
    assert resource_units("example.com/Foo_bar") == (("example_com_Foo_bar", "integer"),)
    assert resource_units("squat.ai/fuse") == (("squat_ai_fuse", "integer"),)
    # Not exported: unprefixed unknown names, *kubernetes.io/ names, requests.*, invalid qualified names.
    for name in ("gpu", "kubernetes.io/x", "node.kubernetes.io/y", "requests.example.com/z", "Example.com/x",
                 "example.com/", "example.com/-x", "a/b/c", "example.com/" + "x" * 64):  # fmt: skip
        assert resource_units(name) == (), name
    # upstream's checks are independent: a hugepages-prefixed extended name is exported twice
    assert resource_units("hugepages-x.io/y") == (("hugepages_x_io_y", "byte"), ("hugepages_x_io_y", "integer"))


def test_cpu_rounds_up_to_milli() -> None:
    obj = {"metadata": {"name": "n"}, "status": {"allocatable": {"cpu": "1500u", "pods": 8}}}
    out = lines(ResourceRenderer(RESOURCE), obj)
    assert out[2:] == [
        'kube_node_status_allocatable{node="n",resource="cpu",unit="core"} 0.002',
        'kube_node_status_allocatable{node="n",resource="pods",unit="integer"} 8',
    ]


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"nodes": ["kubernetes.io/hostname", "node-role.kubernetes.io/*"]},
                             annotations_allowlist={"nodes": ["*"]})  # fmt: skip
    out = lines(ResourceRenderer(RESOURCE, opts), NODE)
    assert out[0] == (
        f"kube_node_annotations{{{N},annotation_kubeadm_alpha_kubernetes_io_cri_socket="
        '"unix:///var/run/containerd/containerd.sock",annotation_node_alpha_kubernetes_io_ttl="0"} 1'
    )
    assert out[4] == (
        f'kube_node_labels{{{N},label_kubernetes_io_hostname="cp-1",label_node_role_kubernetes_io_control_plane="",'
        'label_node_role_kubernetes_io_ingress="true"} 1'
    )


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_node_annotations",
        "kube_node_created",
        "kube_node_deletion_timestamp",
        "kube_node_info",
        "kube_node_labels",
        "kube_node_role",
        "kube_node_spec_pod_cidrs",
        "kube_node_spec_taint",
        "kube_node_spec_unschedulable",
        "kube_node_status_allocatable",
        "kube_node_status_capacity",
        "kube_node_status_condition",
        "kube_node_status_addresses",
    ]
    assert r.headers[3].decode().startswith("# HELP kube_node_info [STABLE] ")
    assert r.headers[5].decode().startswith("# HELP kube_node_role Constant")
