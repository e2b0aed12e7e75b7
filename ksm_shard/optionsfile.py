"""``--config``: kube-state-metrics' options file, a YAML mapping whose keys are the yaml names of upstream's options
(``resources``, ``metric_denylist``, ``port``, ``use_api_server_cache``, ...), applied over the command line.

A key in the file replaces the flag's value (the whole value: a ``resources`` mapping in the file is the resource
list, not an addition to ``--resources``). Set-valued keys are mappings whose keys are the entries, as upstream
writes them (``resources: {pods: {}, nodes: {}}``); a YAML list is accepted too. Durations are Go durations
(``1m30s``) or integer nanoseconds. Keys of features ksm-shard lacks are refused like their flags; keys without
effect here, and unknown keys (upstream ignores those), are reported so start-up can log them.

The file is re-read while the exporter runs (``OptionsFileWatcher``): a change that parses is applied by restarting
the worker with the new options, like upstream restarts itself; one that does not is logged, reported in telemetry
(``kube_state_metrics_last_config_reload_successful`` 0) and the running options stay.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

import yaml

from ksm_shard.flagtypes import (
    compile_regexes,
    non_negative,
    parse_allowlist,
    parse_bool,
    parse_duration,
    parse_list,
    port,
)

log = logging.getLogger(__name__)


class OptionsFileError(ValueError):
    pass


def read_options_file(path: str) -> bytes:
    """The file's bytes; OSError when it cannot be read."""
    with open(path, "rb") as f:
        return f.read()


def config_hash(raw: bytes) -> float:
    """Upstream's ``kube_state_metrics_config_hash`` value: the MD5's first 6 bytes as a little-endian integer
    (48 bits, exact in a float64)."""
    return float(int.from_bytes(hashlib.md5(raw).digest()[:6], "little"))  # noqa: S324 - a fingerprint, not security


# --- value converters: YAML value -> what the flag's argparse type would have produced ---------------------------


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise OptionsFileError(f"want a string, got {_shown(v)}")
    return str(v)


def _flag(convert: Callable[[str], Any]) -> Callable[[Any], Any]:
    """A converter that reads the value as the flag's text would be read."""

    def read(v: Any) -> Any:
        if isinstance(v, bool) or v is None or not isinstance(v, (str, int)):
            raise OptionsFileError(f"want a number, got {_shown(v)}")
        return convert(str(v))

    return read


def _boolean(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return parse_bool(v)
    raise OptionsFileError(f"want true or false, got {_shown(v)}")


def _duration(v: Any) -> float:
    if isinstance(v, int) and not isinstance(v, bool):
        return v / 1e9  # yaml.v3 reads an integer into a time.Duration as nanoseconds
    if isinstance(v, str):
        return parse_duration(v)
    raise OptionsFileError(f"want a duration like 1m30s, got {_shown(v)}")


def _entries(v: Any) -> list[str]:
    """A set: a mapping's keys (upstream's form), a list, or a comma-separated string."""
    if v is None:
        return []
    if isinstance(v, dict):
        for key, value in v.items():
            if value not in (None, {}):
                raise OptionsFileError(f"entry {key!r} has a value ({_shown(value)}); write {key}: {{}}")
        items = list(v)
    elif isinstance(v, list):
        items = v
    elif isinstance(v, str):
        return parse_list(v)
    else:
        raise OptionsFileError(f"want a mapping of entries, got {_shown(v)}")
    return _stripped(items)


def _stripped(items: list) -> list[str]:
    return [t for t in (_text(x).strip() for x in items) if t]


def _regexes(v: Any) -> list[re.Pattern[str]]:
    return compile_regexes(_entries(v))


def _names(v: Any) -> list[str]:
    if isinstance(v, list):
        return _stripped(v)
    return parse_list(_text(v))


def _allowlist(v: Any) -> dict[str, list[str]]:
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise OptionsFileError(f"want a mapping of resource: [keys], got {_shown(v)}")
    parts = []
    for resource, keys in v.items():
        keys = [] if keys is None else keys
        if not isinstance(keys, list):
            raise OptionsFileError(f"{resource}: want a list of keys, got {_shown(keys)}")
        parts.append(f"{_text(resource)}=[{','.join(_text(k) for k in keys)}]")
    return parse_allowlist(",".join(parts))


def _shown(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


# yaml key -> (argparse dest of the flag, converter)
_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "resources": ("resources", _entries),
    "namespaces": ("namespaces", _names),
    "namespaces_denylist": ("namespaces_denylist", _names),
    "metric_allowlist": ("metric_allowlist", _regexes),
    "metric_denylist": ("metric_denylist", _regexes),
    "metric_opt_in_list": ("metric_opt_in_list", _regexes),
    "labels_allow_list": ("metric_labels_allowlist", _allowlist),
    "annotations_allow_list": ("metric_annotations_allowlist", _allowlist),
    "apiserver": ("apiserver", _text),
    "kubeconfig": ("kubeconfig", _text),
    "host": ("host", _text),
    "telemetry_host": ("telemetry_host", _text),
    "port": ("port", _flag(port)),
    "telemetry_port": ("telemetry_port", _flag(port)),
    "shard": ("shard", _flag(non_negative)),
    "total_shards": ("total_shards", _flag(non_negative)),
    "pod": ("pod", _text),
    "namespace": ("pod_namespace", _text),  # upstream's name for --pod-namespace
    "node": ("node", _text),
    "track_unscheduled_pods": ("track_unscheduled_pods", _boolean),
    "enable_gzip_encoding": ("enable_gzip_encoding", _boolean),
    "use_api_server_cache": ("use_apiserver_cache", _boolean),
    "tls_config": ("tls_config", _text),
    "server_read_timeout": ("server_read_timeout", _duration),
    "server_write_timeout": ("server_write_timeout", _duration),
    "server_idle_timeout": ("server_idle_timeout", _duration),
    "server_read_header_timeout": ("server_read_header_timeout", _duration),
}
# Why an upstream option is refused or has no effect; the same words for its flag (cli.py) and its key here.
NO_CUSTOM_RESOURCES = "custom resource state metrics are not supported by ksm-shard"
NO_OBJECT_LIMIT = "a cap on listed objects is not supported by ksm-shard (it would drop series silently)"
NO_GO_RUNTIME = "Go runtime tuning; ksm-shard has no Go runtime"
_REFUSED: dict[str, tuple[Callable[[Any], bool], str]] = {  # key -> (is the value harmless?, why not)
    "custom_resource_config": (lambda v: not v, NO_CUSTOM_RESOURCES),
    "custom_resource_config_file": (lambda v: not v, NO_CUSTOM_RESOURCES),
    "custom_resources_only": (lambda v: v is False or v is None, NO_CUSTOM_RESOURCES),
    "object_limit": (lambda v: v in (0, None), NO_OBJECT_LIMIT),
}
_WITHOUT_EFFECT = {
    "auto-gomemlimit": NO_GO_RUNTIME,
    "auto-gomemlimit-ratio": NO_GO_RUNTIME,
    "help": "not an option of a running exporter",
}


def options_from_file(raw: bytes) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The file's options as {argparse dest: value}, and the keys that have no effect as (key: value, why).

    Raises OptionsFileError naming the key for anything that is not valid or not supported."""
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as e:
        raise OptionsFileError(f"not valid YAML: {' '.join(str(e).split())}") from None
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        raise OptionsFileError(f"want a mapping of option names to values, got {_shown(data)}")
    values: dict[str, Any] = {}
    ignored: list[tuple[str, str]] = []
    for key, value in data.items():
        key = str(key)
        if key in _KEYS:
            dest, convert = _KEYS[key]
            try:
                values[dest] = convert(value)
            except (OptionsFileError, argparse.ArgumentTypeError) as e:
                raise OptionsFileError(f"{key}: {e}") from None
        elif key in _REFUSED:
            harmless, why = _REFUSED[key]
            if not harmless(value):
                raise OptionsFileError(f"{key}: {why}")
        elif key in _WITHOUT_EFFECT:
            ignored.append((f"{key}: {_shown(value)} (options file)", _WITHOUT_EFFECT[key]))
        else:
            ignored.append((f"{key} (options file)", "not an option of kube-state-metrics; ignored as upstream does"))
    return values, ignored


class OptionsFileWatcher:
    """Re-reads the options file every ``interval`` seconds in a daemon thread.

    ``validate`` parses the whole command line again with the file's new contents (raising on anything wrong);
    when it passes, ``on_change`` is called once and the watcher stops (the worker is about to be replaced).
    A change that does not pass is logged once per content and reported through ``on_failure``."""

    def __init__(self, path: str, loaded: bytes | None, validate: Callable[[], object],
                 on_change: Callable[[], None], on_failure: Callable[[str], None],
                 interval: float = 5.0) -> None:  # fmt: skip
        self.path = path
        self.loaded = loaded
        self.validate = validate
        self.on_change = on_change
        self.on_failure = on_failure
        self.interval = interval
        self._rejected: bytes | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="options-file", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def check(self) -> bool:
        """One look at the file; True when a valid change was handed to ``on_change``."""
        try:
            raw = read_options_file(self.path)
        except OSError:
            return False  # gone or unreadable for now (a ConfigMap update swaps a symlink): the next look decides
        if raw == self.loaded or raw == self._rejected:
            return False
        try:
            self.validate()
        except Exception as e:  # noqa: BLE001 - any reason the new options are unusable
            self._rejected = raw
            log.error("options file %s changed but cannot be used, keeping the running options: %s", self.path, e)
            self.on_failure(str(e))
            return False
        log.info("options file %s changed: restarting with the new options", self.path)
        self.on_change()
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self.check():
                return
