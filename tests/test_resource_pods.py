# ruff: noqa: E501 - golden exposition lines are longer than the line limit
"""Golden tests: pods as the apiserver serves them -> the exact lines upstream would write, for all 60 families.

Expected lines use ``@`` for the identity labels (namespace, pod, uid) of the pod under test.
"""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.pods import RESOURCE


def lines(obj: dict, renderer: ResourceRenderer | None = None) -> list[str]:
    renderer = renderer or ResourceRenderer(RESOURCE)
    out = b"".join(renderer.render(obj)).decode().splitlines()
    assert renderer.errors == 0
    return out


def expand(obj: dict, templates: list[str]) -> list[str]:
    md = obj["metadata"]
    ident = f'namespace="{md.get("namespace", "")}",pod="{md["name"]}",uid="{md.get("uid", "")}"'
    return [t.replace("@", ident, 1) for t in templates]


def family(obj: dict, name: str, renderer: ResourceRenderer | None = None) -> list[str]:
    """Only the lines of one family."""
    return [x for x in lines(obj, renderer) if x.startswith(name + "{")]


# --- fixtures --------------------------------------------------------------------------------------------------

UID = "0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
RUNNING_POD = {
    "metadata": {
        "name": "web-7d9f8b6c5-x2k4p",
        "generateName": "web-7d9f8b6c5-",
        "namespace": "shop",
        "uid": UID,
        "resourceVersion": "982734",
        "creationTimestamp": "2024-05-01T10:00:00Z",
        "labels": {"app": "web", "pod-template-hash": "7d9f8b6c5"},
        "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-05-01T09:59:00Z"},
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": "web-7d9f8b6c5",
                "uid": "5a6b7c8d-0000-4000-8000-000000000001",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    },
    "spec": {
        "volumes": [
            {"name": "config", "configMap": {"name": "web-config", "defaultMode": 420}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "web-data", "readOnly": True}},
            {"name": "cache", "persistentVolumeClaim": {"claimName": "web-cache"}},
            {
                "name": "scratch",
                "ephemeral": {
                    "volumeClaimTemplate": {
                        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
                    }
                },
            },
        ],
        "initContainers": [
            {
                "name": "migrate",
                "image": "registry.example.com/web:1.4.2",
                "resources": {
                    "limits": {"cpu": "500m", "memory": "256Mi"},
                    "requests": {"cpu": "100m", "memory": "64Mi"},
                },
            },
            {
                "name": "log-shipper",
                "image": "fluent/fluent-bit:3.0",
                "restartPolicy": "Always",
                "resources": {"requests": {"cpu": "50m"}},
            },
        ],
        "containers": [
            {
                "name": "web",
                "image": "registry.example.com/web:1.4.2",
                "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                "resources": {
                    "limits": {
                        "cpu": "1500m",
                        "memory": "512Mi",
                        "ephemeral-storage": "2Gi",
                        "nvidia.com/gpu": "1",
                        "hugepages-2Mi": "64Mi",
                    },
                    "requests": {
                        "cpu": "250m",
                        "memory": "256Mi",
                        "nvidia.com/gpu": "1",
                        "pods": "1",
                        "attachable-volumes-aws-ebs": "2",
                    },
                },
            },
            {"name": "envoy", "image": "envoyproxy/envoy:v1.30.1"},
        ],
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "nodeSelector": {"kubernetes.io/os": "linux", "diskType": "ssd"},
        "serviceAccountName": "web",
        "serviceAccount": "web",
        "nodeName": "node-a1",
        "securityContext": {},
        "schedulerName": "default-scheduler",
        "tolerations": [
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"},
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
        ],
        "priorityClassName": "high",
        "priority": 1000,
        "runtimeClassName": "gvisor",
        "overhead": {"cpu": "250m", "memory": "120Mi"},
        "resourceClaims": [
            {"name": "gpu", "resourceClaimTemplateName": "gpu-template"},
            {"name": "shared", "resourceClaimName": "shared-gpu"},
            {"name": "pending", "resourceClaimTemplateName": "other-template"},
        ],
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
    },
    "status": {
        "phase": "Running",
        "conditions": [
            {
                "type": "PodReadyToStartContainers",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-05-01T10:00:05Z",
            },
            {
                "type": "Initialized",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-05-01T10:00:20Z",
            },
            {"type": "Ready", "status": "True", "lastProbeTime": None, "lastTransitionTime": "2024-05-01T10:01:00Z"},
            {
                "type": "ContainersReady",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-05-01T10:00:59Z",
            },
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-05-01T10:00:01Z",
            },
        ],
        "hostIP": "10.0.1.17",
        "hostIPs": [{"ip": "10.0.1.17"}],
        "podIP": "10.244.3.25",
        "podIPs": [{"ip": "10.244.3.25"}, {"ip": "fd00:10:244:3::19"}],
        "startTime": "2024-05-01T10:00:02Z",
        "initContainerStatuses": [
            {
                "name": "log-shipper",
                "state": {"running": {"startedAt": "2024-05-01T10:00:19Z"}},
                "lastState": {},
                "ready": True,
                "restartCount": 0,
                "image": "docker.io/fluent/fluent-bit:3.0",
                "imageID": "docker.io/fluent/fluent-bit@sha256:1111",
                "containerID": "containerd://aaaa",
                "started": True,
            },
            {
                "name": "migrate",
                "state": {
                    "terminated": {
                        "exitCode": 0,
                        "reason": "Completed",
                        "startedAt": "2024-05-01T10:00:06Z",
                        "finishedAt": "2024-05-01T10:00:18Z",
                        "containerID": "containerd://bbbb",
                    }
                },
                "lastState": {},
                "ready": True,
                "restartCount": 0,
                "image": "registry.example.com/web:1.4.2",
                "imageID": "registry.example.com/web@sha256:2222",
                "containerID": "containerd://bbbb",
                "started": False,
            },
        ],
        "containerStatuses": [
            {
                "name": "envoy",
                "state": {
                    "waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}
                },
                "lastState": {
                    "terminated": {
                        "exitCode": 1,
                        "reason": "Error",
                        "startedAt": "2024-05-01T10:20:00Z",
                        "finishedAt": "2024-05-01T10:20:03Z",
                        "containerID": "containerd://cccc",
                    }
                },
                "ready": False,
                "restartCount": 7,
                "image": "docker.io/envoyproxy/envoy:v1.30.1",
                "imageID": "docker.io/envoyproxy/envoy@sha256:3333",
                "containerID": "containerd://cccc",
                "started": False,
            },
            {
                "name": "web",
                "state": {"running": {"startedAt": "2024-05-01T10:05:00Z"}},
                "lastState": {
                    "terminated": {
                        "exitCode": 137,
                        "reason": "OOMKilled",
                        "startedAt": "2024-05-01T10:00:21Z",
                        "finishedAt": "2024-05-01T10:04:58Z",
                        "containerID": "containerd://dddd",
                    }
                },
                "ready": True,
                "restartCount": 1,
                "image": "registry.example.com/web:1.4.2",
                "imageID": "registry.example.com/web@sha256:2222",
                "containerID": "containerd://eeee",
                "started": True,
            },
        ],
        "qosClass": "Burstable",
        "resourceClaimStatuses": [{"name": "gpu", "resourceClaimName": "web-7d9f8b6c5-x2k4p-gpu-q8z7m"}],
    },
}

GATED_POD = {
    "metadata": {
        "name": "batch-runner",
        "namespace": "jobs",
        "uid": "11111111-2222-4333-8444-555555555555",
        "resourceVersion": "1200",
        "creationTimestamp": "2024-06-10T08:30:00Z",
    },
    "spec": {
        "containers": [
            {"name": "runner", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"], "resources": {}}
        ],
        "restartPolicy": "Never",
        "serviceAccountName": "default",
        "schedulerName": "default-scheduler",
        "schedulingGates": [{"name": "example.com/quota"}],
        "priority": 0,
    },
    "status": {
        "phase": "Pending",
        "conditions": [
            {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-06-10T08:30:01Z",
                "reason": "SchedulingGated",
                "message": "Scheduling is blocked due to non-empty scheduling gates",
            }
        ],
        "qosClass": "BestEffort",
    },
}

EVICTED_POD = {
    "metadata": {
        "name": "cache-0",
        "namespace": "shop",
        "uid": "99999999-8888-4777-8666-555555555555",
        "resourceVersion": "77",
        "creationTimestamp": "2024-07-01T00:00:00Z",
        "deletionTimestamp": "2024-07-02T12:00:30Z",
        "deletionGracePeriodSeconds": 30,
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "name": "cache",
                "uid": "u1",
                "controller": True,
                "blockOwnerDeletion": True,
            },
            {"apiVersion": "v1", "kind": "ConfigMap", "name": "cache-owner", "uid": "u2"},
        ],
    },
    "spec": {
        "containers": [{"name": "redis", "image": "redis:7"}],
        "nodeName": "node-b2",
        "hostNetwork": True,
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "serviceAccountName": "default",
    },
    "status": {
        "phase": "Failed",
        "reason": "Evicted",
        "message": "The node was low on resource: memory.",
        "conditions": [
            {
                "type": "DisruptionTarget",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-07-02T12:00:00Z",
                "reason": "TerminationByKubelet",
                "message": "The node was low on resource: memory.",
            },
            {
                "type": "Ready",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-07-02T12:00:05Z",
                "reason": "PodFailed",
            },
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-07-01T00:00:01Z",
            },
        ],
        "hostIP": "10.0.2.5",
        "podIP": "10.0.2.5",
        "podIPs": [{"ip": "10.0.2.5"}],
        "startTime": "2024-07-01T00:00:02Z",
        "containerStatuses": [
            {
                "name": "redis",
                "state": {
                    "terminated": {
                        "exitCode": 137,
                        "reason": "ContainerStatusUnknown",
                        "message": "The container could not be located when the pod was terminated",
                        "startedAt": None,
                        "finishedAt": None,
                    }
                },
                "lastState": {
                    "terminated": {
                        "exitCode": 137,
                        "reason": "OOMKilled",
                        "startedAt": "2024-07-02T11:00:00Z",
                        "finishedAt": None,
                    }
                },
                "ready": False,
                "restartCount": 4,
                "image": "docker.io/library/redis:7",
                "imageID": "",
                "started": False,
            }
        ],
        "qosClass": "BestEffort",
    },
}

COMPLETED_JOB_POD = {
    "metadata": {
        "name": "report-28571234-7xk2d",
        "namespace": "jobs",
        "uid": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
        "resourceVersion": "500",
        "creationTimestamp": "2024-06-11T02:00:00Z",
        "ownerReferences": [
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "name": "report-28571234",
                "uid": "j1",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    },
    "spec": {
        "containers": [{"name": "report", "image": "report:2"}, {"name": "upload", "image": "upload:1"}],
        "restartPolicy": "OnFailure",
        "nodeName": "node-c3",
        "schedulerName": "default-scheduler",
        "serviceAccountName": "report",
    },
    "status": {
        "phase": "Succeeded",
        "conditions": [
            {
                "type": "Initialized",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-06-11T02:00:02Z",
                "reason": "PodCompleted",
            },
            {
                "type": "Ready",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-06-11T02:03:00Z",
                "reason": "PodCompleted",
            },
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-06-11T02:00:01Z",
            },
        ],
        "startTime": "2024-06-11T02:00:01Z",
        "containerStatuses": [
            {
                "name": "report",
                "state": {
                    "terminated": {
                        "exitCode": 0,
                        "reason": "Completed",
                        "startedAt": "2024-06-11T02:00:03Z",
                        "finishedAt": "2024-06-11T02:02:59Z",
                    }
                },
                "lastState": {},
                "ready": False,
                "restartCount": 0,
                "image": "docker.io/library/report:2",
                "imageID": "docker.io/library/report@sha256:4444",
                "containerID": "containerd://ffff",
                "started": False,
            },
            {
                "name": "upload",
                "state": {
                    "terminated": {
                        "exitCode": 0,
                        "reason": "Completed",
                        "startedAt": "2024-06-11T02:00:03Z",
                        "finishedAt": "2024-06-11T02:01:30Z",
                    }
                },
                "lastState": {},
                "ready": False,
                "restartCount": 0,
                "image": "docker.io/library/upload:1",
                "imageID": "docker.io/library/upload@sha256:5555",
                "containerID": "containerd://9999",
                "started": False,
            },
        ],
        "qosClass": "BestEffort",
    },
}


INIT_CRASHLOOP_POD = {
    "metadata": {
        "name": "api-0",
        "namespace": "shop",
        "uid": "12345678-9abc-4def-8123-456789abcdef",
        "resourceVersion": "4242",
        "creationTimestamp": "2024-08-01T00:00:00Z",
    },
    "spec": {
        "initContainers": [{"name": "wait-db", "image": "busybox:1.36", "command": ["sh", "-c", "nc -z db 5432"]}],
        "containers": [{"name": "api", "image": "api:3"}],
        "restartPolicy": "Always",
        "nodeName": "node-a1",
        "schedulerName": "default-scheduler",
        "serviceAccountName": "api",
    },
    "status": {
        "phase": "Pending",
        "conditions": [
            {
                "type": "Initialized",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-08-01T00:00:02Z",
                "reason": "ContainersNotInitialized",
                "message": "containers with incomplete status: [wait-db]",
            },
            {
                "type": "Ready",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-08-01T00:00:02Z",
                "reason": "ContainersNotReady",
                "message": "containers with unready status: [api]",
            },
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2024-08-01T00:00:01Z",
            },
        ],
        "hostIP": "10.0.1.17",
        "podIP": "10.244.3.40",
        "podIPs": [{"ip": "10.244.3.40"}],
        "startTime": "2024-08-01T00:00:02Z",
        "initContainerStatuses": [
            {
                "name": "wait-db",
                "state": {
                    "waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container"}
                },
                "lastState": {
                    "terminated": {
                        "exitCode": 1,
                        "reason": "Error",
                        "startedAt": "2024-08-01T00:05:09Z",
                        "finishedAt": "2024-08-01T00:05:10Z",
                        "containerID": "containerd://1212",
                    }
                },
                "ready": False,
                "restartCount": 5,
                "image": "docker.io/library/busybox:1.36",
                "imageID": "docker.io/library/busybox@sha256:6666",
                "containerID": "containerd://1212",
                "started": False,
            }
        ],
        "containerStatuses": [
            {
                "name": "api",
                "state": {"waiting": {"reason": "PodInitializing"}},
                "lastState": {},
                "ready": False,
                "restartCount": 0,
                "image": "api:3",
                "imageID": "",
                "started": False,
            }
        ],
        "qosClass": "BestEffort",
    },
}

# --- golden outputs --------------------------------------------------------------------------------------------

RUNNING_LINES = [
    'kube_pod_container_info{@,container="web",image_spec="registry.example.com/web:1.4.2",image="registry.example.com/web:1.4.2",image_id="registry.example.com/web@sha256:2222",container_id="containerd://eeee"} 1',
    'kube_pod_container_info{@,container="envoy",image_spec="envoyproxy/envoy:v1.30.1",image="docker.io/envoyproxy/envoy:v1.30.1",image_id="docker.io/envoyproxy/envoy@sha256:3333",container_id="containerd://cccc"} 1',
    'kube_pod_container_resource_limits{@,container="web",node="node-a1",resource="cpu",unit="core"} 1.5',
    'kube_pod_container_resource_limits{@,container="web",node="node-a1",resource="memory",unit="byte"} 5.36870912e+08',
    'kube_pod_container_resource_limits{@,container="web",node="node-a1",resource="ephemeral_storage",unit="byte"} 2.147483648e+09',
    'kube_pod_container_resource_limits{@,container="web",node="node-a1",resource="nvidia_com_gpu",unit="integer"} 1',
    'kube_pod_container_resource_limits{@,container="web",node="node-a1",resource="hugepages_2Mi",unit="byte"} 6.7108864e+07',
    'kube_pod_container_resource_requests{@,container="web",node="node-a1",resource="cpu",unit="core"} 0.25',
    'kube_pod_container_resource_requests{@,container="web",node="node-a1",resource="memory",unit="byte"} 2.68435456e+08',
    'kube_pod_container_resource_requests{@,container="web",node="node-a1",resource="nvidia_com_gpu",unit="integer"} 1',
    'kube_pod_container_resource_requests{@,container="web",node="node-a1",resource="attachable_volumes_aws_ebs",unit="byte"} 2',
    'kube_pod_container_state_started{@,container="web"} 1.7145579e+09',
    'kube_pod_container_status_last_terminated_reason{@,container="envoy",reason="Error"} 1',
    'kube_pod_container_status_last_terminated_reason{@,container="web",reason="OOMKilled"} 1',
    'kube_pod_container_status_last_terminated_exitcode{@,container="envoy"} 1',
    'kube_pod_container_status_last_terminated_exitcode{@,container="web"} 137',
    'kube_pod_container_status_last_terminated_timestamp{@,container="envoy"} 1.714558803e+09',
    'kube_pod_container_status_last_terminated_timestamp{@,container="web"} 1.714557898e+09',
    'kube_pod_container_status_ready{@,container="envoy"} 0',
    'kube_pod_container_status_ready{@,container="web"} 1',
    'kube_pod_container_status_restarts_total{@,container="envoy"} 7',
    'kube_pod_container_status_restarts_total{@,container="web"} 1',
    'kube_pod_container_status_running{@,container="envoy"} 0',
    'kube_pod_container_status_running{@,container="web"} 1',
    'kube_pod_container_status_terminated{@,container="envoy"} 0',
    'kube_pod_container_status_terminated{@,container="web"} 0',
    'kube_pod_container_status_waiting{@,container="envoy"} 1',
    'kube_pod_container_status_waiting{@,container="web"} 0',
    'kube_pod_container_status_waiting_reason{@,container="envoy",reason="CrashLoopBackOff"} 1',
    "kube_pod_created{@} 1.7145576e+09",
    'kube_pod_info{@,host_ip="10.0.1.17",pod_ip="10.244.3.25",node="node-a1",created_by_kind="ReplicaSet",created_by_name="web-7d9f8b6c5",priority_class="high",host_network="false"} 1',
    'kube_pod_ips{@,ip="10.244.3.25",ip_family="4"} 1',
    'kube_pod_ips{@,ip="fd00:10:244:3::19",ip_family="6"} 1',
    'kube_pod_init_container_info{@,container="migrate",image_spec="registry.example.com/web:1.4.2",image="registry.example.com/web:1.4.2",image_id="registry.example.com/web@sha256:2222",container_id="containerd://bbbb",restart_policy=""} 1',
    'kube_pod_init_container_info{@,container="log-shipper",image_spec="fluent/fluent-bit:3.0",image="docker.io/fluent/fluent-bit:3.0",image_id="docker.io/fluent/fluent-bit@sha256:1111",container_id="containerd://aaaa",restart_policy="Always"} 1',
    'kube_pod_init_container_resource_limits{@,container="migrate",node="node-a1",resource="cpu",unit="core"} 0.5',
    'kube_pod_init_container_resource_limits{@,container="migrate",node="node-a1",resource="memory",unit="byte"} 2.68435456e+08',
    'kube_pod_init_container_resource_requests{@,container="migrate",node="node-a1",resource="cpu",unit="core"} 0.1',
    'kube_pod_init_container_resource_requests{@,container="migrate",node="node-a1",resource="memory",unit="byte"} 6.7108864e+07',
    'kube_pod_init_container_resource_requests{@,container="log-shipper",node="node-a1",resource="cpu",unit="core"} 0.05',
    'kube_pod_init_container_state_started{@,container="log-shipper"} 1.714557619e+09',
    'kube_pod_init_container_state_started{@,container="migrate"} 1.714557606e+09',
    'kube_pod_init_container_status_ready{@,container="log-shipper"} 1',
    'kube_pod_init_container_status_ready{@,container="migrate"} 1',
    'kube_pod_init_container_status_restarts_total{@,container="log-shipper"} 0',
    'kube_pod_init_container_status_restarts_total{@,container="migrate"} 0',
    'kube_pod_init_container_status_running{@,container="log-shipper"} 1',
    'kube_pod_init_container_status_running{@,container="migrate"} 0',
    'kube_pod_init_container_status_terminated{@,container="log-shipper"} 0',
    'kube_pod_init_container_status_terminated{@,container="migrate"} 1',
    'kube_pod_init_container_status_terminated_reason{@,container="migrate",reason="Completed"} 1',
    'kube_pod_init_container_status_waiting{@,container="log-shipper"} 0',
    'kube_pod_init_container_status_waiting{@,container="migrate"} 0',
    "kube_pod_overhead_cpu_cores{@} 0.25",
    "kube_pod_overhead_memory_bytes{@} 1.2582912e+08",
    'kube_pod_owner{@,owner_kind="ReplicaSet",owner_name="web-7d9f8b6c5",owner_is_controller="true"} 1',
    'kube_pod_resourceclaim_info{@,claim_name="gpu",resourceclaim_name="web-7d9f8b6c5-x2k4p-gpu-q8z7m",resourceclaim_template_name="gpu-template"} 1',
    'kube_pod_resourceclaim_info{@,claim_name="shared",resourceclaim_name="shared-gpu",resourceclaim_template_name=""} 1',
    'kube_pod_resourceclaim_info{@,claim_name="pending",resourceclaim_name="",resourceclaim_template_name="other-template"} 1',
    'kube_pod_restart_policy{@,type="Always"} 1',
    'kube_pod_runtimeclass_name_info{@,runtimeclass_name="gvisor"} 1',
    'kube_pod_spec_volumes_persistentvolumeclaims_info{@,volume="data",persistentvolumeclaim="web-data",ephemeral="false"} 1',
    'kube_pod_spec_volumes_persistentvolumeclaims_info{@,volume="cache",persistentvolumeclaim="web-cache",ephemeral="false"} 1',
    'kube_pod_spec_volumes_persistentvolumeclaims_info{@,volume="scratch",persistentvolumeclaim="web-7d9f8b6c5-x2k4p-scratch",ephemeral="true"} 1',
    'kube_pod_spec_volumes_persistentvolumeclaims_readonly{@,volume="data",persistentvolumeclaim="web-data",ephemeral="false"} 1',
    'kube_pod_spec_volumes_persistentvolumeclaims_readonly{@,volume="cache",persistentvolumeclaim="web-cache",ephemeral="false"} 0',
    'kube_pod_spec_volumes_persistentvolumeclaims_readonly{@,volume="scratch",persistentvolumeclaim="web-7d9f8b6c5-x2k4p-scratch",ephemeral="true"} 0',
    "kube_pod_start_time{@} 1.714557602e+09",
    'kube_pod_status_phase{@,phase="Pending"} 0',
    'kube_pod_status_phase{@,phase="Succeeded"} 0',
    'kube_pod_status_phase{@,phase="Failed"} 0',
    'kube_pod_status_phase{@,phase="Unknown"} 0',
    'kube_pod_status_phase{@,phase="Running"} 1',
    'kube_pod_status_qos_class{@,qos_class="BestEffort"} 0',
    'kube_pod_status_qos_class{@,qos_class="Burstable"} 1',
    'kube_pod_status_qos_class{@,qos_class="Guaranteed"} 0',
    'kube_pod_status_ready{@,condition="true"} 1',
    'kube_pod_status_ready{@,condition="false"} 0',
    'kube_pod_status_ready{@,condition="unknown"} 0',
    "kube_pod_status_ready_time{@} 1.71455766e+09",
    "kube_pod_status_initialized_time{@} 1.71455762e+09",
    "kube_pod_status_container_ready_time{@} 1.714557659e+09",
    'kube_pod_status_scheduled{@,condition="true"} 1',
    'kube_pod_status_scheduled{@,condition="false"} 0',
    'kube_pod_status_scheduled{@,condition="unknown"} 0',
    "kube_pod_status_scheduled_time{@} 1.714557601e+09",
    'kube_pod_tolerations{@,key="node.kubernetes.io/not-ready",operator="Exists",value="",effect="NoExecute",toleration_seconds="300"} 1',
    'kube_pod_tolerations{@,key="node.kubernetes.io/unreachable",operator="Exists",value="",effect="NoExecute",toleration_seconds="300"} 1',
    'kube_pod_tolerations{@,key="dedicated",operator="Equal",value="web",effect="NoSchedule",toleration_seconds=""} 1',
    'kube_pod_service_account{@,service_account="web"} 1',
    'kube_pod_scheduler{@,name="default-scheduler"} 1',
]

GATED_LINES = [
    "kube_pod_created{@} 1.7180082e+09",
    'kube_pod_info{@,host_ip="",pod_ip="",node="",created_by_kind="",created_by_name="",priority_class="",host_network="false"} 1',
    'kube_pod_owner{@,owner_kind="",owner_name="",owner_is_controller=""} 1',
    'kube_pod_restart_policy{@,type="Never"} 1',
    'kube_pod_status_phase{@,phase="Pending"} 1',
    'kube_pod_status_phase{@,phase="Succeeded"} 0',
    'kube_pod_status_phase{@,phase="Failed"} 0',
    'kube_pod_status_phase{@,phase="Unknown"} 0',
    'kube_pod_status_phase{@,phase="Running"} 0',
    'kube_pod_status_qos_class{@,qos_class="BestEffort"} 1',
    'kube_pod_status_qos_class{@,qos_class="Burstable"} 0',
    'kube_pod_status_qos_class{@,qos_class="Guaranteed"} 0',
    'kube_pod_status_reason{@,reason="SchedulingGated"} 1',
    'kube_pod_status_scheduled{@,condition="true"} 0',
    'kube_pod_status_scheduled{@,condition="false"} 1',
    'kube_pod_status_scheduled{@,condition="unknown"} 0',
    "kube_pod_status_unschedulable{@} 1",
    "kube_pod_status_unscheduled_time{@} 1.718008201e+09",
    'kube_pod_service_account{@,service_account="default"} 1',
    'kube_pod_scheduler{@,name="default-scheduler"} 1',
]

EVICTED_LINES = [
    'kube_pod_container_info{@,container="redis",image_spec="redis:7",image="docker.io/library/redis:7",image_id="",container_id=""} 1',
    'kube_pod_container_state_started{@,container="redis"} -6.21355968e+10',
    'kube_pod_container_status_last_terminated_reason{@,container="redis",reason="OOMKilled"} 1',
    'kube_pod_container_status_last_terminated_exitcode{@,container="redis"} 137',
    'kube_pod_container_status_last_terminated_timestamp{@,container="redis"} -6.21355968e+10',
    'kube_pod_container_status_ready{@,container="redis"} 0',
    'kube_pod_container_status_restarts_total{@,container="redis"} 4',
    'kube_pod_container_status_running{@,container="redis"} 0',
    'kube_pod_container_status_terminated{@,container="redis"} 1',
    'kube_pod_container_status_terminated_reason{@,container="redis",reason="ContainerStatusUnknown"} 1',
    'kube_pod_container_status_waiting{@,container="redis"} 0',
    "kube_pod_created{@} 1.719792e+09",
    "kube_pod_deletion_timestamp{@} 1.71992163e+09",
    'kube_pod_info{@,host_ip="10.0.2.5",pod_ip="10.0.2.5",node="node-b2",created_by_kind="StatefulSet",created_by_name="cache",priority_class="",host_network="true"} 1',
    'kube_pod_ips{@,ip="10.0.2.5",ip_family="4"} 1',
    'kube_pod_owner{@,owner_kind="StatefulSet",owner_name="cache",owner_is_controller="true"} 1',
    'kube_pod_owner{@,owner_kind="ConfigMap",owner_name="cache-owner",owner_is_controller="false"} 1',
    'kube_pod_restart_policy{@,type="Always"} 1',
    "kube_pod_start_time{@} 1.719792002e+09",
    'kube_pod_status_phase{@,phase="Pending"} 0',
    'kube_pod_status_phase{@,phase="Succeeded"} 0',
    'kube_pod_status_phase{@,phase="Failed"} 1',
    'kube_pod_status_phase{@,phase="Unknown"} 0',
    'kube_pod_status_phase{@,phase="Running"} 0',
    'kube_pod_status_qos_class{@,qos_class="BestEffort"} 1',
    'kube_pod_status_qos_class{@,qos_class="Burstable"} 0',
    'kube_pod_status_qos_class{@,qos_class="Guaranteed"} 0',
    'kube_pod_status_ready{@,condition="true"} 0',
    'kube_pod_status_ready{@,condition="false"} 1',
    'kube_pod_status_ready{@,condition="unknown"} 0',
    'kube_pod_status_reason{@,reason="Evicted"} 1',
    'kube_pod_status_reason{@,reason="TerminationByKubelet"} 1',
    'kube_pod_status_disruption_reason{@,reason="TerminationByKubelet"} 1',
    'kube_pod_status_scheduled{@,condition="true"} 1',
    'kube_pod_status_scheduled{@,condition="false"} 0',
    'kube_pod_status_scheduled{@,condition="unknown"} 0',
    "kube_pod_status_scheduled_time{@} 1.719792001e+09",
    'kube_pod_service_account{@,service_account="default"} 1',
    'kube_pod_scheduler{@,name="default-scheduler"} 1',
]

COMPLETED_LINES = [
    "kube_pod_completion_time{@} 1.718071379e+09",
    'kube_pod_container_info{@,container="report",image_spec="report:2",image="docker.io/library/report:2",image_id="docker.io/library/report@sha256:4444",container_id="containerd://ffff"} 1',
    'kube_pod_container_info{@,container="upload",image_spec="upload:1",image="docker.io/library/upload:1",image_id="docker.io/library/upload@sha256:5555",container_id="containerd://9999"} 1',
    'kube_pod_container_state_started{@,container="report"} 1.718071203e+09',
    'kube_pod_container_state_started{@,container="upload"} 1.718071203e+09',
    'kube_pod_container_status_ready{@,container="report"} 0',
    'kube_pod_container_status_ready{@,container="upload"} 0',
    'kube_pod_container_status_restarts_total{@,container="report"} 0',
    'kube_pod_container_status_restarts_total{@,container="upload"} 0',
    'kube_pod_container_status_running{@,container="report"} 0',
    'kube_pod_container_status_running{@,container="upload"} 0',
    'kube_pod_container_status_terminated{@,container="report"} 1',
    'kube_pod_container_status_terminated{@,container="upload"} 1',
    'kube_pod_container_status_terminated_reason{@,container="report",reason="Completed"} 1',
    'kube_pod_container_status_terminated_reason{@,container="upload",reason="Completed"} 1',
    'kube_pod_container_status_waiting{@,container="report"} 0',
    'kube_pod_container_status_waiting{@,container="upload"} 0',
    "kube_pod_created{@} 1.7180712e+09",
    'kube_pod_info{@,host_ip="",pod_ip="",node="node-c3",created_by_kind="Job",created_by_name="report-28571234",priority_class="",host_network="false"} 1',
    'kube_pod_owner{@,owner_kind="Job",owner_name="report-28571234",owner_is_controller="true"} 1',
    'kube_pod_restart_policy{@,type="OnFailure"} 1',
    "kube_pod_start_time{@} 1.718071201e+09",
    'kube_pod_status_phase{@,phase="Pending"} 0',
    'kube_pod_status_phase{@,phase="Succeeded"} 1',
    'kube_pod_status_phase{@,phase="Failed"} 0',
    'kube_pod_status_phase{@,phase="Unknown"} 0',
    'kube_pod_status_phase{@,phase="Running"} 0',
    'kube_pod_status_qos_class{@,qos_class="BestEffort"} 1',
    'kube_pod_status_qos_class{@,qos_class="Burstable"} 0',
    'kube_pod_status_qos_class{@,qos_class="Guaranteed"} 0',
    'kube_pod_status_ready{@,condition="true"} 0',
    'kube_pod_status_ready{@,condition="false"} 1',
    'kube_pod_status_ready{@,condition="unknown"} 0',
    "kube_pod_status_initialized_time{@} 1.718071202e+09",
    'kube_pod_status_scheduled{@,condition="true"} 1',
    'kube_pod_status_scheduled{@,condition="false"} 0',
    'kube_pod_status_scheduled{@,condition="unknown"} 0',
    "kube_pod_status_scheduled_time{@} 1.718071201e+09",
    'kube_pod_service_account{@,service_account="report"} 1',
    'kube_pod_scheduler{@,name="default-scheduler"} 1',
]


def test_running_pod_with_sidecar_and_init_containers() -> None:
    # container_info follows spec order (web, envoy); status families follow status order (envoy, web).
    # Absent: completion_time (nothing terminated), deletion_timestamp, status_reason (no known reason), the
    # unschedulable families, labels/annotations (no allowlist) and the opt-in nodeselectors.
    assert lines(RUNNING_POD) == expand(RUNNING_POD, RUNNING_LINES)


def test_scheduling_gated_pending_pod() -> None:
    # No container statuses yet -> no container samples; no owner -> one empty kube_pod_owner sample;
    # the SchedulingGated condition reason shows up in kube_pod_status_reason.
    assert lines(GATED_POD) == expand(GATED_POD, GATED_LINES)


def test_evicted_pod_with_unknown_container_status() -> None:
    # The kubelet's ContainerStatusUnknown termination has null startedAt/finishedAt: upstream reads them as Go's
    # zero time (-62135596800) for state_started and last_terminated_timestamp, and completion_time stays absent.
    assert lines(EVICTED_POD) == expand(EVICTED_POD, EVICTED_LINES)


def test_completed_job_pod() -> None:
    # completion_time is the latest finishedAt; no ready/container_ready time while the conditions are False.
    assert lines(COMPLETED_JOB_POD) == expand(COMPLETED_JOB_POD, COMPLETED_LINES)


INIT_CRASHLOOP_LINES = [
    'kube_pod_container_info{@,container="api",image_spec="api:3",image="api:3",image_id="",container_id=""} 1',
    'kube_pod_container_status_ready{@,container="api"} 0',
    'kube_pod_container_status_restarts_total{@,container="api"} 0',
    'kube_pod_container_status_running{@,container="api"} 0',
    'kube_pod_container_status_terminated{@,container="api"} 0',
    'kube_pod_container_status_waiting{@,container="api"} 1',
    'kube_pod_container_status_waiting_reason{@,container="api",reason="PodInitializing"} 1',
    "kube_pod_created{@} 1.7224704e+09",
    'kube_pod_info{@,host_ip="10.0.1.17",pod_ip="10.244.3.40",node="node-a1",created_by_kind="",created_by_name="",priority_class="",host_network="false"} 1',
    'kube_pod_ips{@,ip="10.244.3.40",ip_family="4"} 1',
    'kube_pod_init_container_info{@,container="wait-db",image_spec="busybox:1.36",image="docker.io/library/busybox:1.36",image_id="docker.io/library/busybox@sha256:6666",container_id="containerd://1212",restart_policy=""} 1',
    'kube_pod_init_container_status_last_terminated_reason{@,container="wait-db",reason="Error"} 1',
    'kube_pod_init_container_status_last_terminated_exitcode{@,container="wait-db"} 1',
    'kube_pod_init_container_status_last_terminated_timestamp{@,container="wait-db"} 1.72247071e+09',
    'kube_pod_init_container_status_ready{@,container="wait-db"} 0',
    'kube_pod_init_container_status_restarts_total{@,container="wait-db"} 5',
    'kube_pod_init_container_status_running{@,container="wait-db"} 0',
    'kube_pod_init_container_status_terminated{@,container="wait-db"} 0',
    'kube_pod_init_container_status_waiting{@,container="wait-db"} 1',
    'kube_pod_init_container_status_waiting_reason{@,container="wait-db",reason="CrashLoopBackOff"} 1',
    'kube_pod_owner{@,owner_kind="",owner_name="",owner_is_controller=""} 1',
    'kube_pod_restart_policy{@,type="Always"} 1',
    "kube_pod_start_time{@} 1.722470402e+09",
    'kube_pod_status_phase{@,phase="Pending"} 1',
    'kube_pod_status_phase{@,phase="Succeeded"} 0',
    'kube_pod_status_phase{@,phase="Failed"} 0',
    'kube_pod_status_phase{@,phase="Unknown"} 0',
    'kube_pod_status_phase{@,phase="Running"} 0',
    'kube_pod_status_qos_class{@,qos_class="BestEffort"} 1',
    'kube_pod_status_qos_class{@,qos_class="Burstable"} 0',
    'kube_pod_status_qos_class{@,qos_class="Guaranteed"} 0',
    'kube_pod_status_ready{@,condition="true"} 0',
    'kube_pod_status_ready{@,condition="false"} 1',
    'kube_pod_status_ready{@,condition="unknown"} 0',
    'kube_pod_status_scheduled{@,condition="true"} 1',
    'kube_pod_status_scheduled{@,condition="false"} 0',
    'kube_pod_status_scheduled{@,condition="unknown"} 0',
    "kube_pod_status_scheduled_time{@} 1.722470401e+09",
    'kube_pod_service_account{@,service_account="api"} 1',
    'kube_pod_scheduler{@,name="default-scheduler"} 1',
]


def test_init_container_in_crashloop() -> None:
    # Init:CrashLoopBackOff: the init container waits with its previous (failed) run in lastState.
    assert lines(INIT_CRASHLOOP_POD) == expand(INIT_CRASHLOOP_POD, INIT_CRASHLOOP_LINES)


BARE_LINES = [
    'kube_pod_info{@,host_ip="",pod_ip="",node="",created_by_kind="",created_by_name="",priority_class="",host_network="false"} 1',
    'kube_pod_owner{@,owner_kind="",owner_name="",owner_is_controller=""} 1',
    'kube_pod_restart_policy{@,type=""} 1',
    'kube_pod_service_account{@,service_account=""} 1',
    'kube_pod_scheduler{@,name=""} 1',
]


def test_empty_pod() -> None:
    obj = {"metadata": {"name": "p", "namespace": "n", "uid": "u"}}
    assert lines(obj) == expand(obj, BARE_LINES)


def test_wrongly_typed_fields_give_no_samples() -> None:
    obj = {"metadata": {"name": "p", "namespace": "n", "uid": "u"}, "spec": ["odd"], "status": "odd"}
    assert lines(obj) == expand(obj, BARE_LINES)
    obj = {
        "metadata": {"name": "p", "namespace": "n", "uid": "u", "ownerReferences": "odd"},
        "spec": {
            "containers": ["odd", {"name": "c", "resources": {"limits": {"cpu": ["odd"], "memory": "odd"}}}],
            "initContainers": {"odd": 1},
            "volumes": [None, {"name": "v", "persistentVolumeClaim": "odd"}],
            "tolerations": "odd",
            "overhead": {"cpu": {"odd": 1}},
            "resourceClaims": [None, {"name": "x"}],
            "nodeSelector": ["odd"],
        },
        "status": {
            "phase": ["odd"],
            "qosClass": 3,
            "conditions": [None, "odd", {"type": "Ready", "status": 1}],
            "containerStatuses": [None, {"name": "c", "state": "odd", "lastState": [], "restartCount": "x"}],
            "initContainerStatuses": "odd",
            "podIPs": [None, {"ip": 7}],
            "startTime": 5,
        },
    }
    r = ResourceRenderer(RESOURCE, GenerationOptions(family_filter=lambda name, opt_in: True))
    assert lines(obj, r) == expand(
        obj,
        [
            'kube_pod_container_info{@,container="c",image_spec="",image="",image_id="",container_id=""} 1',
            'kube_pod_container_status_ready{@,container="c"} 0',
            'kube_pod_container_status_restarts_total{@,container="c"} 0',
            'kube_pod_container_status_running{@,container="c"} 0',
            'kube_pod_container_status_terminated{@,container="c"} 0',
            'kube_pod_container_status_waiting{@,container="c"} 0',
            *BARE_LINES[:-2],
            'kube_pod_status_ready{@,condition="true"} 0',
            'kube_pod_status_ready{@,condition="false"} 0',
            'kube_pod_status_ready{@,condition="unknown"} 0',
            "kube_pod_nodeselectors{@} 1",
            *BARE_LINES[-2:],
        ],
    )


def test_status_reason_and_disruption_reason() -> None:
    obj = {
        "metadata": {"name": "p", "namespace": "n", "uid": "u"},
        "status": {
            "phase": "Failed",
            "reason": "OutOfcpu",
            "conditions": [
                {"type": "DisruptionTarget", "status": "False", "reason": "EvictionByEvictionAPI"},
                {"type": "DisruptionTarget", "status": "True", "reason": "SomethingNew"},
                {"type": "Ready", "status": "False", "reason": "NodeLost"},
            ],
            "containerStatuses": [
                {"name": "a", "state": {"terminated": {"exitCode": 1, "reason": "Shutdown"}}},
                {"name": "b", "state": {"waiting": {"reason": "Evicted"}}},  # only terminated reasons count
            ],
        },
    }
    assert family(obj, "kube_pod_status_reason") == expand(
        obj,
        [
            'kube_pod_status_reason{@,reason="NodeLost"} 1',
            'kube_pod_status_reason{@,reason="Shutdown"} 1',
            'kube_pod_status_reason{@,reason="Other"} 1',
        ],
    )
    assert family(obj, "kube_pod_status_disruption_reason") == expand(
        obj,
        [
            'kube_pod_status_disruption_reason{@,reason="EvictionByEvictionAPI"} 1',
            'kube_pod_status_disruption_reason{@,reason="Other"} 1',
        ],
    )
    # A known status.reason never adds "Other"; unknown reasons outside status.reason are ignored.
    obj["status"] = {"reason": "NodeAffinity", "conditions": [{"type": "Ready", "status": "False", "reason": "X"}]}
    assert family(obj, "kube_pod_status_reason") == expand(obj, ['kube_pod_status_reason{@,reason="NodeAffinity"} 1'])


def test_pod_ips_parsing() -> None:
    ips = ["10.1.2.3", "::ffff:10.1.2.4", "2001:db8::1", "::10.1.2.5", "fe80::1%eth0", "010.1.2.3", "nope", ""]
    obj = {"metadata": {"name": "p", "namespace": "n", "uid": "u"}, "status": {"podIPs": [{"ip": ip} for ip in ips]}}
    assert family(obj, "kube_pod_ips") == expand(
        obj,
        [
            'kube_pod_ips{@,ip="10.1.2.3",ip_family="4"} 1',
            'kube_pod_ips{@,ip="::ffff:10.1.2.4",ip_family="4"} 1',
            'kube_pod_ips{@,ip="2001:db8::1",ip_family="6"} 1',
            'kube_pod_ips{@,ip="::10.1.2.5",ip_family="6"} 1',
        ],
    )


def test_resource_names_units_and_rounding() -> None:
    limits = {
        "cpu": "1.0005",  # milli precision, rounded up
        "memory": "1.5",  # integer, rounded up
        "storage": "1k",
        "hugepages-1Gi": "2Gi",
        "attachable-volumes-csi-ebs.csi.aws.com": "25",
        "example.com/Foo.Bar": "3",
        "kubernetes.io/batteries": "1",  # native namespace: dropped
        "requests.example.com/x": "1",  # quota-style name: dropped
        "Example.com/gpu": "1",  # prefix is not a DNS subdomain: dropped
        "example.com/a/b": "1",  # not a qualified name: dropped
        "pods": "1",  # not a container resource: dropped
    }
    obj = {
        "metadata": {"name": "p", "namespace": "n", "uid": "u"},
        "spec": {"containers": [{"name": "c", "resources": {"limits": limits}}]},
    }
    assert family(obj, "kube_pod_container_resource_limits") == expand(
        obj,
        [
            'kube_pod_container_resource_limits{@,container="c",node="",resource="cpu",unit="core"} 1.001',
            'kube_pod_container_resource_limits{@,container="c",node="",resource="memory",unit="byte"} 2',
            'kube_pod_container_resource_limits{@,container="c",node="",resource="storage",unit="byte"} 1000',
            'kube_pod_container_resource_limits{@,container="c",node="",resource="hugepages_1Gi",unit="byte"} 2.147483648e+09',
            'kube_pod_container_resource_limits{@,container="c",node="",resource="attachable_volumes_csi_ebs_csi_aws_com",unit="byte"} 25',
            'kube_pod_container_resource_limits{@,container="c",node="",resource="example_com_Foo_Bar",unit="integer"} 3',
        ],
    )


def test_nodeselectors_opt_in() -> None:
    r = ResourceRenderer(RESOURCE, GenerationOptions(family_filter=lambda name, opt_in: True))
    assert family(RUNNING_POD, "kube_pod_nodeselectors", r) == expand(
        RUNNING_POD,
        ['kube_pod_nodeselectors{@,nodeselector_disk_type="ssd",nodeselector_kubernetes_io_os="linux"} 1'],
    )
    assert "kube_pod_nodeselectors" not in [f.name for f in ResourceRenderer(RESOURCE).families]


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"pods": ["app", "missing"]}, annotations_allowlist={"*": ["kubectl.kubernetes.io/*"]}
    )
    r = ResourceRenderer(RESOURCE, opts)
    assert family(RUNNING_POD, "kube_pod_annotations", r) == expand(
        RUNNING_POD, ['kube_pod_annotations{@,annotation_kubectl_kubernetes_io_restarted_at="2024-05-01T09:59:00Z"} 1']
    )
    assert family(RUNNING_POD, "kube_pod_labels", r) == expand(RUNNING_POD, ['kube_pod_labels{@,label_app="web"} 1'])
    assert family(GATED_POD, "kube_pod_labels", r) == expand(GATED_POD, ["kube_pod_labels{@} 1"])


def test_headers() -> None:
    r = ResourceRenderer(RESOURCE)
    headers = {h.decode().split()[2]: h.decode() for h in r.headers}
    assert len(headers) == 59
    assert (
        "# TYPE kube_pod_container_status_restarts_total counter\n"
        in headers["kube_pod_container_status_restarts_total"]
    )
    assert (
        "# TYPE kube_pod_init_container_status_restarts_total counter\n"
        in headers["kube_pod_init_container_status_restarts_total"]
    )
    assert headers["kube_pod_info"].startswith("# HELP kube_pod_info [STABLE] ")
    assert headers["kube_pod_ips"].startswith("# HELP kube_pod_ips ") and "[STABLE]" not in headers["kube_pod_ips"]
