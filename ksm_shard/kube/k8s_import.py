"""Import the parts of the official ``kubernetes`` client we use, without the package ``__init__``s that import
all of it.

``import kubernetes.client`` runs ``kubernetes/__init__.py`` and ``kubernetes/client/__init__.py``, which import
every API class and every model (~1000 modules): 23 MB of RSS and ~0.3 CPU-s at each replica start, for classes
we never build (responses are raw bytes the reflector decodes). We use the client's configuration, its kubeconfig
and in-cluster loaders (auth, exec plugins, token refresh) and its urllib3 pool, which live in a few small modules;
the kubeconfig loader (with yaml, requests and oauthlib, 7 MB) only when a kubeconfig is given.

So the packages ``kubernetes``, ``kubernetes.client``, ``kubernetes.config`` and ``kubernetes.utils`` are
registered as modules with their
real ``__path__`` whose own ``__init__`` runs only when something asks for a name they would define: their
submodules import normally, and ``kubernetes.client.CoreV1Api`` (say, from other code in the same process) still
works, the first such access importing the whole package as usual. Nothing here changes the client's behaviour;
only the moment its unused parts are imported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

_LAZY = ("kubernetes", "kubernetes.client", "kubernetes.config", "kubernetes.utils")


def _lazy_package(name: str) -> types.ModuleType:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ImportError(f"{name} is not an importable package")
    module = importlib.util.module_from_spec(spec)
    state = {"loaded": False}

    def __getattr__(attr: str) -> object:  # noqa: N807 - PEP 562 module attribute hook
        if state["loaded"]:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}")
        state["loaded"] = True  # before running it: the real __init__ asks for names it is about to define
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        return getattr(module, attr)

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


def import_light() -> None:
    """Register the lazy packages (once; a no-op where ``kubernetes`` was imported already)."""
    if "kubernetes" in sys.modules:
        return
    try:
        for name in _LAZY:
            _lazy_package(name)
    except ImportError:
        for name in _LAZY:
            sys.modules.pop(name, None)
        return
    # What kube_config and incluster_config import from the package by name, from their own modules.
    client = sys.modules["kubernetes.client"]
    client.Configuration = importlib.import_module("kubernetes.client.configuration").Configuration
    client.ApiClient = _ApiClient


class _ApiClient:
    """Stands for ``kubernetes.client.ApiClient`` until one is built (kube_config builds one to talk to an OIDC
    issuer): then the real class is imported and built."""

    def __new__(cls, *args: object, **kwargs: object) -> object:
        from kubernetes.client.api_client import ApiClient

        return ApiClient(*args, **kwargs)
