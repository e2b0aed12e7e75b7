"""``--tls-config``: the Prometheus exporter-toolkit web configuration file, for both ports.

The file format is exporter-toolkit's (``tls_server_config``, ``http_server_config``, ``basic_auth_users``)::

    tls_server_config:
      cert_file: server.crt          # relative paths resolve against this file's directory
      key_file: server.key
      client_auth_type: RequireAndVerifyClientCert
      client_ca_file: ca.crt
      min_version: TLS13
    http_server_config:
      headers:
        Strict-Transport-Security: max-age=31536000
    basic_auth_users:
      prometheus: $2b$10$...          # bcrypt hash

Three pieces, for a gunicorn ``BaseApplication``:

* ``load_web_config(path)`` parses and validates the whole file up front (certificates and keys are loaded once,
  bcrypt hashes are checked) and raises ``WebConfigError`` with one line naming the bad key;
* ``WebConfig.gunicorn_settings()`` gives the TLS settings, including an ``ssl_context`` hook that builds the
  ``SSLContext`` itself (exact min/max versions, client CAs from ``client_ca_file`` only) and rebuilds it when the
  certificate, key or CA files change on disk, as exporter-toolkit re-reads them for each new connection;
* ``basic_auth_middleware(app, config)`` wraps the WSGI app: configured response headers and HTTP basic auth.

Differences from exporter-toolkit, all forced by Python's ``ssl`` module or out of scope, each logged or refused:
``curve_preferences`` and ``http2`` are accepted and ignored (logged); ``RequestClientCert`` does not ask for a client
certificate (the app never reads it, and OpenSSL cannot take one without verifying it); ``RequireAnyClientCert``
needs ``client_ca_file`` and verifies against it; inline ``cert``/``key``/``client_ca``, ``client_allowed_sans`` and
``rate_limit`` are refused as unsupported.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
import ssl
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class WebConfigError(ValueError):
    """An invalid web configuration file; ``str()`` is one line: ``<file>: <key>: <problem>``."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        super().__init__(f"{path}: {key}: {problem}" if key else f"{path}: {problem}")


# --- the vocabulary of the file ----------------------------------------------------------------------------------

TLS_VERSIONS = {
    "TLS10": ssl.TLSVersion.TLSv1,
    "TLS11": ssl.TLSVersion.TLSv1_1,
    "TLS12": ssl.TLSVersion.TLSv1_2,
    "TLS13": ssl.TLSVersion.TLSv1_3,
}
_VERSION_NAMES = {v: k for k, v in TLS_VERSIONS.items()}

# client_auth_type -> (cert_reqs, client_ca_file required)
CLIENT_AUTH_TYPES = {
    "NoClientCert": (ssl.CERT_NONE, False),
    "RequestClientCert": (ssl.CERT_NONE, False),  # requesting without verifying is impossible with Python's ssl
    "RequireAnyClientCert": (ssl.CERT_REQUIRED, True),  # verified against client_ca_file (see the module doc)
    "RequireClientCert": (ssl.CERT_REQUIRED, True),  # exporter-toolkit's old name for RequireAnyClientCert
    "VerifyClientCertIfGiven": (ssl.CERT_OPTIONAL, True),
    "RequireAndVerifyClientCert": (ssl.CERT_REQUIRED, True),
}

# Go's crypto/tls.CipherSuites() names (what exporter-toolkit accepts) -> OpenSSL names. The TLS 1.3 suites are
# accepted and have no effect, as in Go: TLS 1.3 suites are not configurable and always enabled.
TLS13_CIPHER_SUITES = frozenset({"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
CIPHER_SUITES = {
    "TLS_RSA_WITH_AES_128_CBC_SHA": "AES128-SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA": "AES256-SHA",
    "TLS_RSA_WITH_AES_128_GCM_SHA256": "AES128-GCM-SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384": "AES256-GCM-SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": "ECDHE-ECDSA-AES128-SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": "ECDHE-ECDSA-AES256-SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": "ECDHE-RSA-AES128-SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": "ECDHE-RSA-AES256-SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": "ECDHE-ECDSA-AES128-GCM-SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": "ECDHE-ECDSA-AES256-GCM-SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-RSA-CHACHA20-POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-ECDSA-CHACHA20-POLY1305",
}
CURVES = ("CurveP256", "CurveP384", "CurveP521", "X25519")

# exporter-toolkit's allowed response headers, with the allowed values where they are an enumeration.
EXTRA_HEADERS: dict[str, tuple[str, ...]] = {
    "Strict-Transport-Security": (),
    "X-Content-Type-Options": ("nosniff",),
    "X-Frame-Options": ("deny", "sameorigin"),
    "X-XSS-Protection": (),
    "Content-Security-Policy": (),
}

_TOP_KEYS = ("tls_server_config", "http_server_config", "basic_auth_users")
_TLS_KEYS = (
    "cert_file",
    "key_file",
    "client_auth_type",
    "client_ca_file",
    "cipher_suites",
    "curve_preferences",
    "min_version",
    "max_version",
    "prefer_server_cipher_suites",
)
_HTTP_KEYS = ("headers", "http2")
_UNSUPPORTED = {
    "rate_limit": "not supported by ksm-shard",
    "tls_server_config.cert": "inline certificates are not supported by ksm-shard: use cert_file",
    "tls_server_config.key": "inline keys are not supported by ksm-shard: use key_file",
    "tls_server_config.client_ca": "inline client CAs are not supported by ksm-shard: use client_ca_file",
    "tls_server_config.client_allowed_sans": "not supported by ksm-shard",
}
_BCRYPT_HASH = re.compile(r"\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}")
_BOOLS = {
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"), False),
}


# --- YAML: every scalar a string (as Go decodes into string fields), duplicate keys refused ----------------------


class _Loader(yaml.BaseLoader):
    def construct_scalar(self, node: yaml.ScalarNode) -> str | None:  # type: ignore[override]
        value = super().construct_scalar(node)
        if node.style is None and value in ("", "~", "null", "Null", "NULL"):
            return None
        return value

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
        out: dict = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, "keys must be strings", key_node.start_mark
                )
            if key in out:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
                )
            out[key] = self.construct_object(value_node, deep=True)
        return out


# --- the configuration -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TLSServerConfig:
    """``tls_server_config``, validated; paths are absolute."""

    cert_file: str
    key_file: str
    client_auth_type: str = "NoClientCert"
    client_ca_file: str = ""
    min_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2
    max_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3
    cipher_suites: tuple[str, ...] = ()  # as configured (Go names)
    openssl_ciphers: str = ""  # the TLS <= 1.2 ones in OpenSSL's syntax; "" keeps Python's defaults
    prefer_server_cipher_suites: bool = True
    curve_preferences: tuple[str, ...] = ()  # validated, not applied

    @property
    def cert_reqs(self) -> ssl.VerifyMode:
        return CLIENT_AUTH_TYPES[self.client_auth_type][0]

    def build_context(self) -> ssl.SSLContext:
        """A server ``SSLContext`` built from the files as they are now (``ssl.SSLError``/``OSError`` if unusable)."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = self.min_version
        ctx.maximum_version = self.max_version
        ctx.options |= ssl.OP_NO_RENEGOTIATION  # Go's server never renegotiates either
        if self.prefer_server_cipher_suites:
            ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE
        else:
            ctx.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
        if self.openssl_ciphers:
            ctx.set_ciphers(self.openssl_ciphers)
        ctx.load_cert_chain(self.cert_file, self.key_file, password=_no_password)
        ctx.verify_mode = self.cert_reqs
        if self.cert_reqs != ssl.CERT_NONE:
            ctx.load_verify_locations(cafile=self.client_ca_file)
        return ctx

    def files(self) -> tuple[str, ...]:
        """The files the context is built from (watched for changes by the ``ssl_context`` hook)."""
        return tuple(f for f in (self.cert_file, self.key_file, self.client_ca_file) if f)


@dataclass(frozen=True)
class WebConfig:
    """A parsed ``--tls-config`` file. ``tls`` is None when the file configures no TLS (plain HTTP)."""

    path: str
    tls: TLSServerConfig | None = None
    headers: tuple[tuple[str, str], ...] = ()
    http2: bool = True
    basic_auth_users: Mapping[str, str] = field(default_factory=dict)  # user -> bcrypt hash

    @property
    def tls_enabled(self) -> bool:
        return self.tls is not None

    def gunicorn_settings(self) -> dict[str, Any]:
        """gunicorn settings serving TLS on every bind ({} without TLS): set each with ``cfg.set(key, value)``.

        ``certfile``/``keyfile`` switch gunicorn to TLS; ``ssl_context`` is the hook that actually builds the
        context (called for each new connection; it caches the context until a file changes). ``ca_certs``,
        ``cert_reqs`` and ``ciphers`` say the same for gunicorn's own default factory, which the hook does not use.
        """
        if self.tls is None:
            return {}
        t = self.tls
        return {
            "certfile": t.cert_file,
            "keyfile": t.key_file,
            "ca_certs": t.client_ca_file or None,
            "cert_reqs": t.cert_reqs,
            "ciphers": t.openssl_ciphers or None,
            "ssl_context": SSLContextHook(t),
        }

    def describe(self) -> str:
        """One line for the startup log."""
        parts = []
        if self.tls is None:
            parts.append("TLS disabled")
        else:
            t = self.tls
            parts.append(
                f"TLS enabled ({_VERSION_NAMES[t.min_version]}-{_VERSION_NAMES[t.max_version]}, "
                f"client_auth_type {t.client_auth_type})"
            )
        if self.basic_auth_users:
            parts.append(f"basic auth for {len(self.basic_auth_users)} user(s)")
        if self.headers:
            parts.append(f"{len(self.headers)} extra response header(s)")
        return f"web config {self.path}: " + ", ".join(parts)


def _no_password() -> bytes:
    # Without a callback OpenSSL would prompt on the terminal for an encrypted key.
    raise ValueError("encrypted private keys are not supported")


def load_web_config(path: str) -> WebConfig:
    """Read and validate a web configuration file; ``WebConfigError`` names the first bad key."""
    try:
        with open(path, "rb") as f:
            text = f.read()
    except OSError as e:
        raise WebConfigError(path, "", f"cannot read: {e.strerror or e}") from e
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - a BaseLoader subclass builds only str, list and dict
    except yaml.YAMLError as e:
        raise WebConfigError(path, "", "invalid YAML: " + " ".join(str(e).split())) from e
    return _Parser(path).parse(doc)


class _Parser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.dir = os.path.dirname(os.path.abspath(path))

    def error(self, key: str, problem: str) -> WebConfigError:
        return WebConfigError(self.path, key, problem)

    def section(self, value: Any, key: str, allowed: tuple[str, ...]) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, "must be a mapping")
        for k in value:
            full = f"{key}.{k}" if key else k
            if full in _UNSUPPORTED:
                raise self.error(full, _UNSUPPORTED[full])
            if k not in allowed:
                raise self.error(full, f"unknown key (allowed: {', '.join(allowed)})")
        return value

    def string(self, value: Any, key: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(key, "must be a string")
        return value

    def strings(self, value: Any, key: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, "must be a list")
        return [self.string(v, f"{key}[{i}]") for i, v in enumerate(value)]

    def boolean(self, value: Any, key: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, str) or value not in _BOOLS:
            raise self.error(key, "must be true or false")
        return _BOOLS[value]

    def file(self, value: str, key: str) -> str:
        path = os.path.join(self.dir, value)  # an absolute value stays as it is
        try:
            with open(path, "rb"):
                pass
        except OSError as e:
            raise self.error(key, f"cannot read {path}: {e.strerror or e}") from e
        return path

    def parse(self, doc: Any) -> WebConfig:
        top = self.section(doc, "", _TOP_KEYS)
        tls = self.tls(self.section(top.get("tls_server_config"), "tls_server_config", _TLS_KEYS))
        http = self.section(top.get("http_server_config"), "http_server_config", _HTTP_KEYS)
        headers = self.headers(http.get("headers"))
        http2 = self.boolean(http.get("http2"), "http_server_config.http2", True)
        if http.get("http2") is not None and http2:
            log.info("web config: http_server_config.http2 is accepted and ignored: ksm-shard serves HTTP/1.1")
        users = self.users(top.get("basic_auth_users"))
        return WebConfig(path=self.path, tls=tls, headers=headers, http2=http2, basic_auth_users=users)

    def tls(self, sec: dict) -> TLSServerConfig | None:
        k = "tls_server_config."
        cert = self.string(sec.get("cert_file"), k + "cert_file")
        key = self.string(sec.get("key_file"), k + "key_file")
        auth = self.string(sec.get("client_auth_type"), k + "client_auth_type")
        ca = self.string(sec.get("client_ca_file"), k + "client_ca_file")
        if not (cert or key or auth or ca):
            # exporter-toolkit: no certificate, no client auth -> plain HTTP, whatever else the section says.
            if sec:
                log.warning("web config: tls_server_config has no cert_file and key_file: TLS is disabled")
            return None
        if not cert:
            raise self.error(k + "cert_file", "missing" + (" (key_file is set)" if key else ""))
        if not key:
            raise self.error(k + "key_file", "missing (cert_file is set)")

        auth = auth or "NoClientCert"
        if auth not in CLIENT_AUTH_TYPES:
            want = ", ".join(CLIENT_AUTH_TYPES)
            raise self.error(k + "client_auth_type", f"invalid value {auth!r} (want one of {want})")
        needs_ca = CLIENT_AUTH_TYPES[auth][1]
        if needs_ca and not ca:
            why = ""
            if auth in ("RequireAnyClientCert", "RequireClientCert"):
                why = " (Python's ssl module verifies every client certificate it requires)"
            raise self.error(k + "client_ca_file", f"required with client_auth_type {auth}{why}")
        if ca and auth == "NoClientCert":
            raise self.error(k + "client_ca_file", "set, but client_auth_type is NoClientCert")
        if auth == "RequestClientCert":
            log.info("web config: client_auth_type RequestClientCert: client certificates are not requested")
        elif auth in ("RequireAnyClientCert", "RequireClientCert"):
            log.warning("web config: client_auth_type %s: client certificates are verified with client_ca_file", auth)

        min_version = self.version(sec.get("min_version"), k + "min_version", ssl.TLSVersion.TLSv1_2)
        max_version = self.version(sec.get("max_version"), k + "max_version", ssl.TLSVersion.TLSv1_3)
        if min_version > max_version:
            raise self.error(k + "min_version", "greater than max_version")

        suites = self.strings(sec.get("cipher_suites"), k + "cipher_suites")
        openssl_ciphers = self.ciphers(suites, k + "cipher_suites")
        curves = self.strings(sec.get("curve_preferences"), k + "curve_preferences")
        for i, c in enumerate(curves):
            if c not in CURVES:
                raise self.error(f"{k}curve_preferences[{i}]", f"unknown curve {c!r} (want one of {', '.join(CURVES)})")
        if curves:
            log.info("web config: tls_server_config.curve_preferences is accepted and ignored (OpenSSL's defaults)")

        config = TLSServerConfig(
            cert_file=self.file(cert, k + "cert_file"),
            key_file=self.file(key, k + "key_file"),
            client_auth_type=auth,
            client_ca_file=self.file(ca, k + "client_ca_file") if ca else "",
            min_version=min_version,
            max_version=max_version,
            cipher_suites=tuple(suites),
            openssl_ciphers=openssl_ciphers,
            prefer_server_cipher_suites=self.boolean(
                sec.get("prefer_server_cipher_suites"), k + "prefer_server_cipher_suites", True
            ),
            curve_preferences=tuple(curves),
        )
        self.check_files(config)
        return config

    def version(self, value: Any, key: str, default: ssl.TLSVersion) -> ssl.TLSVersion:
        name = self.string(value, key)
        if not name:
            return default
        if name not in TLS_VERSIONS:
            raise self.error(key, f"unknown TLS version {name!r} (want one of {', '.join(TLS_VERSIONS)})")
        return TLS_VERSIONS[name]

    def ciphers(self, suites: list[str], key: str) -> str:
        names = []
        probe = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        for i, suite in enumerate(suites):
            if suite in TLS13_CIPHER_SUITES:
                continue
            if suite not in CIPHER_SUITES:
                raise self.error(
                    f"{key}[{i}]",
                    f"unknown or insecure cipher suite {suite!r} (want Go's names, one of {', '.join(CIPHER_SUITES)})",
                )
            openssl = CIPHER_SUITES[suite]
            try:
                probe.set_ciphers(openssl)
                available = openssl in {c["name"] for c in probe.get_ciphers()}
            except ssl.SSLError:
                available = False
            if not available:
                raise self.error(f"{key}[{i}]", f"cipher suite {suite!r} ({openssl}) is not available in this OpenSSL")
            names.append(openssl)
        if suites and len(names) < len(suites):
            log.info("web config: TLS 1.3 cipher suites in cipher_suites have no effect: TLS 1.3 enables them all")
        return ":".join(names)

    def check_files(self, c: TLSServerConfig) -> None:
        k = "tls_server_config."
        probe = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            probe.load_verify_locations(cafile=c.cert_file)
        except ssl.SSLError as e:
            raise self.error(k + "cert_file", f"no PEM certificate in {c.cert_file}: {e}") from e
        try:
            probe.load_cert_chain(c.cert_file, c.key_file, password=_no_password)
        except ValueError as e:
            raise self.error(k + "key_file", f"{c.key_file}: {e}") from e
        except ssl.SSLError as e:
            raise self.error(k + "key_file", f"{c.key_file} is not a PEM private key matching cert_file: {e}") from e
        if c.client_ca_file:
            try:
                ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_verify_locations(cafile=c.client_ca_file)
            except ssl.SSLError as e:
                raise self.error(k + "client_ca_file", f"no PEM certificate in {c.client_ca_file}: {e}") from e
        try:
            c.build_context()
        except (ssl.SSLError, ValueError) as e:
            raise self.error("tls_server_config", f"cannot build a TLS context: {e}") from e

    def headers(self, value: Any) -> tuple[tuple[str, str], ...]:
        key = "http_server_config.headers"
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.error(key, "must be a mapping")
        out = []
        for name, v in value.items():
            hk = f"{key}.{name}"
            if name not in EXTRA_HEADERS:
                raise self.error(hk, f"this header can not be configured (allowed: {', '.join(EXTRA_HEADERS)})")
            v = self.string(v, hk)
            allowed = EXTRA_HEADERS[name]
            if allowed and v not in allowed:
                raise self.error(hk, f"invalid value {v!r} (want one of {', '.join(allowed)})")
            if not v or any(ch in v for ch in "\r\n\0"):
                raise self.error(hk, "empty or contains a line break")
            out.append((name, v))
        return tuple(out)

    def users(self, value: Any) -> dict[str, str]:
        key = "basic_auth_users"
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, "must be a mapping of user name to bcrypt hash")
        out = {}
        for user, hashed in value.items():
            uk = f"{key}.{user}"
            if ":" in user:
                raise self.error(uk, "a user name can not contain ':'")
            hashed = self.string(hashed, uk)
            m = _BCRYPT_HASH.fullmatch(hashed)
            if not m or not 4 <= int(m.group(1)) <= 31:
                raise self.error(uk, "not a bcrypt hash ($2a$, $2b$ or $2y$, cost 04 to 31, 60 characters)")
            out[user] = hashed
        if out:
            try:
                import bcrypt  # noqa: F401, PLC0415 - checked here so that a missing package fails at start
            except ImportError as e:
                raise self.error(key, "the bcrypt package is not installed") from e
        return out


# --- TLS: gunicorn's ssl_context hook ------------------------------------------------------------------------------


class SSLContextHook:
    """gunicorn's ``ssl_context(config, default_ssl_context_factory)`` setting (arity 2).

    gunicorn calls it for every accepted connection, in the worker thread that handshakes. The context is built
    once and rebuilt when a certificate, key or CA file changes (mtime, size or inode: a rotated Kubernetes secret
    swaps a symlink), so renewed certificates are served without a restart. A rebuild that fails (a file half
    written) keeps the previous context and logs a warning; the next change is tried again.
    """

    def __init__(self, tls: TLSServerConfig) -> None:
        self.tls = tls
        self._lock = threading.Lock()
        self._ctx: ssl.SSLContext | None = None
        self._stamp: tuple | None = None

    def _file_stamp(self) -> tuple:
        stamp = []
        for f in self.tls.files():
            try:
                st = os.stat(f)
                stamp.append((st.st_ino, st.st_size, st.st_mtime_ns))
            except OSError:
                stamp.append(None)
        return tuple(stamp)

    def context(self) -> ssl.SSLContext:
        stamp = self._file_stamp()
        ctx = self._ctx
        if ctx is not None and stamp == self._stamp:
            return ctx
        with self._lock:
            if self._ctx is None or stamp != self._stamp:
                try:
                    self._ctx = self.tls.build_context()
                    if self._stamp is not None:
                        log.info("web config: TLS files changed, certificates reloaded")
                except (OSError, ValueError, ssl.SSLError) as e:
                    if self._ctx is None:
                        raise
                    log.warning("web config: TLS files changed but cannot be loaded, keeping the previous ones: %s", e)
                self._stamp = stamp
            return self._ctx

    def __call__(self, config: Any, default_ssl_context_factory: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
        return self.context()


# --- HTTP: response headers and basic auth -------------------------------------------------------------------------

_UNAUTHORIZED = b"Unauthorized\n"
_BCRYPT_MAX = 72  # bcrypt reads at most 72 bytes of a password (Go and htpasswd truncate as well)
_CACHE_SIZE = 64


def basic_auth_middleware(app: WSGIApp, config: WebConfig) -> WSGIApp:
    """Wrap a WSGI app with the configured response headers and HTTP basic auth (``app`` itself if neither)."""
    if not config.basic_auth_users and not config.headers:
        return app
    return _WebMiddleware(app, config)


class _WebMiddleware:
    """Extra headers on every response; with users, 401 + ``WWW-Authenticate: Basic`` unless the credentials match.

    bcrypt is slow by design (tens of milliseconds at cost 10): a successful check is cached in memory, keyed by an
    HMAC (per-process random key) of user, stored hash and password, so a scrape with the right credentials pays it
    once. Failures are not cached: the cache can only be filled by someone who knows a password. The checks are
    serialized (one bcrypt at a time, as exporter-toolkit does) so a burst of bad requests costs one core at most.
    An unknown user is checked against a configured hash all the same, so timing does not reveal which users exist.
    """

    def __init__(self, app: WSGIApp, config: WebConfig) -> None:
        self.app = app
        self.headers = list(config.headers)
        self._header_names = {name.lower() for name, _ in self.headers}
        self.users = {user.encode(): hashed.encode() for user, hashed in config.basic_auth_users.items()}
        self._decoy = next(iter(self.users.values()), b"")
        self._key = os.urandom(32)
        self._cache: OrderedDict[bytes, None] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._bcrypt_lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.headers:
            start_response = self._add_headers(start_response)
        if self.users and not self.authorized(environ.get("HTTP_AUTHORIZATION", "")):
            start_response(
                "401 Unauthorized",
                [
                    ("WWW-Authenticate", "Basic"),
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(_UNAUTHORIZED))),
                ],
            )
            return [_UNAUTHORIZED]
        return self.app(environ, start_response)

    def _add_headers(self, start_response: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers} & self._header_names
            extra = [h for h in self.headers if h[0].lower() not in present] if present else self.headers
            return start_response(status, list(headers) + extra, exc_info)

        return wrapped

    def authorized(self, header: str) -> bool:
        scheme, _, encoded = header.strip().partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        user, sep, password = decoded.partition(b":")
        if not sep:
            return False
        password = password[:_BCRYPT_MAX]
        hashed = self.users.get(user)
        known = hashed is not None
        if not known:
            hashed = self._decoy
        digest = hmac.new(self._key, digestmod=hashlib.sha256)
        for part in (user, hashed, password):
            digest.update(len(part).to_bytes(4, "big"))
            digest.update(part)
        cache_key = digest.digest()
        with self._cache_lock:
            if cache_key in self._cache:
                self._cache.move_to_end(cache_key)
                return known
        with self._bcrypt_lock:
            ok = _checkpw(password, hashed)
        if not (ok and known):
            return False
        with self._cache_lock:
            self._cache[cache_key] = None
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return True


def _checkpw(password: bytes, hashed: bytes) -> bool:
    import bcrypt  # noqa: PLC0415 - only configurations with users need it

    try:
        return bcrypt.checkpw(password, hashed)
    except ValueError:
        return False
