"""The apiserver side: client and auth, resource kinds, the reflector."""

from ksm_shard.kube.k8s_import import import_light

import_light()  # before anything imports the kubernetes client: only the parts we use (k8s_import)
