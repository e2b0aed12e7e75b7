"""The kubernetes client imported light (ksm_shard/kube/k8s_import.py): only the modules we use, same behaviour."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path


def _run(code: str) -> dict:
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def _kubeconfig(tmp_path: Path, user: dict) -> Path:
    ca = tmp_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    cfg = {
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "k", "cluster": {"server": "https://10.0.0.1:6443", "certificate-authority": str(ca)}}],
        "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u"}}],
        "users": [{"name": "u", "user": user}],
    }  # fmt: skip
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(cfg))  # JSON is YAML
    return path


def test_the_exporter_does_not_import_the_client_models_and_the_full_client_still_works() -> None:
    got = _run("""
        import json, sys
        import ksm_shard.cli, ksm_shard.server, ksm_shard.exporter, ksm_shard.kube.client
        light = sorted(m for m in sys.modules if m.startswith("kubernetes"))
        import kubernetes.client
        from importlib.metadata import version
        print(json.dumps({"light": light, "api": kubernetes.client.CoreV1Api.__name__,
                          "model": kubernetes.client.V1Pod.__name__,
                          "version": kubernetes.__version__ == version("kubernetes")}))
    """)
    assert not any(m.startswith(("kubernetes.client.models", "kubernetes.client.api.")) for m in got["light"])
    assert "kubernetes.config.kube_config" not in got["light"]  # only with --kubeconfig
    assert len(got["light"]) < 30, got["light"]  # the full client is ~1000 modules
    assert got["api"] == "CoreV1Api" and got["model"] == "V1Pod" and got["version"]  # asked for: imported


def test_kubeconfig_with_a_token_and_an_exec_plugin_loads_as_before(tmp_path: Path) -> None:
    plugin = tmp_path / "plugin.py"
    cred = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "from-exec"}}
    plugin.write_text(f"import json\nprint(json.dumps({cred!r}))\n")
    exec_user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable,
                          "args": [str(plugin)], "interactiveMode": "Never"}}  # fmt: skip
    for user, token in (({"token": "static-token"}, "static-token"), (exec_user, "from-exec")):
        path = _kubeconfig(tmp_path, user)
        got = _run(f"""
            import json, sys
            from ksm_shard.kube.client import KubeClient, load_configuration
            cfg = load_configuration({str(path)!r}, None)
            client = KubeClient(cfg)
            print(json.dumps({{"host": client.host, "auth": client._headers().get("authorization"),
                               "ca": cfg.ssl_ca_cert, "pool": type(client._pool).__name__,
                               "models": any(m.startswith("kubernetes.client.models") for m in sys.modules)}}))
        """)
        assert got["host"] == "https://10.0.0.1:6443"
        assert got["auth"] == f"Bearer {token}"
        assert got["ca"] and got["pool"] == "PoolManager" and not got["models"]
