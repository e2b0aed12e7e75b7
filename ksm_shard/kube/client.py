"""Raw HTTP access to the apiserver, with the official client's configuration, auth and connection pool.

We use ``kubernetes`` for what it does well (kubeconfig, in-cluster service account with token refresh, exec
plugins, client certificates, proxies, the urllib3 pool) and nothing on the hot path: responses are raw bytes that
the reflector decodes itself. The typed models are never built.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

import kubernetes.client.configuration
import kubernetes.client.rest
import kubernetes.config.config_exception
import kubernetes.config.incluster_config
import msgspec
import urllib3

from ksm_shard import __version__


class ConfigError(Exception):
    """The cluster connection cannot be configured (bad kubeconfig, not in a cluster, ...)."""


class ApiError(Exception):
    """A non-2xx answer from the apiserver, with the Status it sent."""

    def __init__(self, status: int, reason: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message
        self.retry_after = retry_after


def load_configuration(kubeconfig: str | None, apiserver: str | None) -> kubernetes.client.configuration.Configuration:
    """Configuration from --kubeconfig, else the in-cluster service account, else a bare --apiserver URL."""
    cfg = kubernetes.client.configuration.Configuration()
    if kubeconfig:
        if not os.access(kubeconfig, os.R_OK):
            raise ConfigError(f"cannot read kubeconfig {kubeconfig!r}")
        from kubernetes.config import kube_config  # only with a kubeconfig: it brings yaml, requests and oauthlib

        try:
            kube_config.load_kube_config(
                config_file=kubeconfig, client_configuration=cfg, persist_config=False
            )
        except Exception as e:  # noqa: BLE001 - the client raises several types for a bad file
            raise ConfigError(f"invalid kubeconfig {kubeconfig!r}: {e}") from e
    else:
        try:
            kubernetes.config.incluster_config.load_incluster_config(client_configuration=cfg)
        except kubernetes.config.config_exception.ConfigException as e:
            if not apiserver:
                raise ConfigError(
                    "no cluster configured: pass --kubeconfig or --apiserver, or run in a pod "
                    f"(in-cluster config: {e}); `ksm-shard demo` runs against a simulated cluster"
                ) from e
    if apiserver:
        cfg.host = apiserver.rstrip("/")
    return cfg


def _retry_after(headers: urllib3.HTTPHeaderDict) -> float | None:
    v = headers.get("Retry-After")
    if v is None:
        return None
    try:
        return max(0.0, float(v))
    except ValueError:
        return None


class KubeClient:
    """GET requests to the apiserver returning the raw urllib3 response (streamed, not preloaded)."""

    def __init__(self, configuration: kubernetes.client.configuration.Configuration, pool_size: int = 64) -> None:
        configuration.connection_pool_maxsize = max(configuration.connection_pool_maxsize or 0, pool_size)
        self.configuration = configuration
        self.host = configuration.host.rstrip("/")
        self._rest = kubernetes.client.rest.RESTClientObject(configuration)  # what ApiClient would build
        self._pool = self._rest.pool_manager
        self._user_agent = f"ksm-shard/{__version__}"

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": self._user_agent}
        # auth_settings() runs the refresh hook (rotated service-account tokens, exec plugins) and yields headers.
        for setting in self.configuration.auth_settings().values():
            if setting.get("in") == "header" and setting.get("value"):
                headers[setting["key"]] = setting["value"]
        return headers

    def get(
        self,
        path: str,
        query: list[tuple[str, str]] | None = None,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float | None = 60.0,
    ) -> urllib3.BaseHTTPResponse:
        """GET ``path``; raises ApiError for non-2xx answers. The caller must read and release the response."""
        url = self.host + path + ("?" + urlencode(query) if query else "")
        resp = self._pool.request(
            "GET",
            url,
            headers=self._headers(),
            preload_content=False,
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            retries=False,
            redirect=False,
        )
        if resp.status >= 300:
            try:
                body = resp.read()
            finally:
                resp.release_conn()
            reason, message = "", body[:500].decode("utf-8", "replace")
            try:
                status = msgspec.json.decode(body)
                if isinstance(status, dict):
                    reason = str(status.get("reason", ""))
                    message = str(status.get("message", message))
            except msgspec.DecodeError:
                pass
            raise ApiError(resp.status, reason, message, _retry_after(resp.headers))
        return resp

    def patch(self, path: str, body: dict, *, timeout: float = 10.0) -> dict:
        """JSON merge patch of one object (used only for this replica's own Pod annotations)."""
        headers = {**self._headers(), "Content-Type": "application/merge-patch+json"}
        resp = self._pool.request(
            "PATCH", self.host + path, body=msgspec.json.encode(body), headers=headers, preload_content=False,
            timeout=urllib3.Timeout(connect=timeout, read=timeout), retries=False, redirect=False,
        )  # fmt: skip
        try:
            data = resp.read()
        finally:
            resp.release_conn()
        if resp.status >= 300:
            raise ApiError(resp.status, "", data[:500].decode("utf-8", "replace"), _retry_after(resp.headers))
        return msgspec.json.decode(data)

    def close(self) -> None:
        self._pool.clear()
