"""--tls-config (exporter-toolkit web config): parsing, every validation error, the middleware, and real gunicorn
servers over HTTPS (certificates made at test time with the openssl CLI).

Run as a script (``python tests/test_webconfig.py CONFIG PORT PORT``) this file is the gunicorn server under test:
a trivial WSGI app on two binds with the config's gunicorn settings and middleware, as ksm_shard/server.py does.
"""

from __future__ import annotations

import base64
import http.client
import logging
import os
import shutil
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ksm_shard import webconfig
from ksm_shard.launch import free_ports
from ksm_shard.webconfig import WebConfig, WebConfigError, basic_auth_middleware, load_web_config

PASSWORD = "s3cret"


# --- certificates ------------------------------------------------------------------------------------------------


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def _ca(d: Path, name: str) -> None:
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", f"{name}.key", "-out", f"{name}.crt", "-days", "2", "-subj", f"/CN={name}",
        cwd=d,
    )  # fmt: skip


def _leaf(d: Path, name: str, ca: str, ext: str) -> None:
    (d / f"{name}.ext").write_text(ext)
    _openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}",
        cwd=d,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key", "-CAcreateserial",
        "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext",
        cwd=d,
    )  # fmt: skip


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ca -> server (127.0.0.1) and client; rogue-ca -> rogue client; a bcrypt hash of PASSWORD (cost 4)."""
    if shutil.which("openssl") is None:
        pytest.fail("the openssl CLI is needed to make test certificates")
    d = tmp_path_factory.mktemp("pki")
    _ca(d, "ca")
    _ca(d, "rogue-ca")
    _leaf(d, "server", "ca", "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n"
          "subjectAltName=IP:127.0.0.1,DNS:localhost\n")  # fmt: skip
    _leaf(d, "client", "ca", "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\n")
    _leaf(d, "rogue", "rogue-ca", "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\n")
    _openssl(
        "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-aes256",
        "-pass", "pass:x", "-out", "encrypted.key",
        cwd=d,
    )  # fmt: skip
    (d / "garbage.pem").write_text("not a certificate\n")
    return d


@pytest.fixture(scope="module")
def bcrypt_hash() -> str:
    import bcrypt

    return bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()


def _write(d: Path, text: str, name: str = "web.yml") -> str:
    path = d / name
    path.write_text(textwrap.dedent(text))
    return str(path)


# --- parsing -----------------------------------------------------------------------------------------------------


def test_full_config_parses_with_relative_paths(pki: Path, bcrypt_hash: str) -> None:
    path = _write(
        pki,
        f"""\
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
          min_version: TLS13
          max_version: TLS13
          cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]
          prefer_server_cipher_suites: false
          curve_preferences: [X25519, CurveP256]
        http_server_config:
          http2: true
          headers:
            X-Frame-Options: deny
            Strict-Transport-Security: max-age=31536000
        basic_auth_users:
          prometheus: {bcrypt_hash}
        """,
    )
    cfg = load_web_config(path)
    t = cfg.tls
    assert t is not None and cfg.tls_enabled
    assert t.cert_file == str(pki / "server.crt") and t.key_file == str(pki / "server.key")
    assert t.client_ca_file == str(pki / "ca.crt")
    assert t.cert_reqs == ssl.CERT_REQUIRED
    assert t.min_version == t.max_version == ssl.TLSVersion.TLSv1_3
    assert t.openssl_ciphers == "ECDHE-ECDSA-AES128-GCM-SHA256"
    assert t.prefer_server_cipher_suites is False
    assert t.curve_preferences == ("X25519", "CurveP256")
    assert cfg.headers == (("X-Frame-Options", "deny"), ("Strict-Transport-Security", "max-age=31536000"))
    assert cfg.basic_auth_users == {"prometheus": bcrypt_hash}
    assert "TLS enabled (TLS13-TLS13" in cfg.describe()

    settings = cfg.gunicorn_settings()
    assert settings["certfile"] == t.cert_file and settings["keyfile"] == t.key_file
    assert settings["ca_certs"] == t.client_ca_file and settings["cert_reqs"] == ssl.CERT_REQUIRED
    assert settings["ciphers"] == "ECDHE-ECDSA-AES128-GCM-SHA256"
    ctx = settings["ssl_context"](None, None)
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_3 and ctx.verify_mode == ssl.CERT_REQUIRED
    assert not ctx.options & ssl.OP_CIPHER_SERVER_PREFERENCE


def test_settings_pass_gunicorn_validation(pki: Path) -> None:
    from gunicorn.config import Config

    cfg = load_web_config(_write(pki, "tls_server_config: {cert_file: server.crt, key_file: server.key}\n"))
    gconf = Config()
    for key, value in cfg.gunicorn_settings().items():
        gconf.set(key, value)  # the ssl_context validator checks the hook's arity (2)
    assert gconf.is_ssl and gconf.cert_reqs == ssl.CERT_NONE and gconf.ciphers is None


def test_absolute_paths_and_defaults(pki: Path, tmp_path: Path) -> None:
    path = _write(
        tmp_path, f"tls_server_config:\n  cert_file: {pki / 'server.crt'}\n  key_file: {pki / 'server.key'}\n"
    )
    t = load_web_config(path).tls
    assert t is not None
    assert t.cert_file == str(pki / "server.crt")
    assert (t.min_version, t.max_version) == (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3)
    assert t.client_auth_type == "NoClientCert" and t.cert_reqs == ssl.CERT_NONE
    assert t.prefer_server_cipher_suites is True and t.openssl_ciphers == ""


@pytest.mark.parametrize("text", ["", "---\n", "# nothing\n", "tls_server_config:\nhttp_server_config:\n"])
def test_empty_config_is_plain_http(tmp_path: Path, text: str) -> None:
    cfg = load_web_config(_write(tmp_path, text))
    assert cfg.tls is None and cfg.gunicorn_settings() == {} and not cfg.basic_auth_users
    app = object()
    assert basic_auth_middleware(app, cfg) is app  # type: ignore[arg-type]


def test_tls_section_without_certificate_disables_tls(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ksm_shard.webconfig"):
        cfg = load_web_config(_write(tmp_path, "tls_server_config:\n  min_version: TLS13\n"))
    assert cfg.tls is None
    assert "TLS is disabled" in caplog.text


@pytest.mark.parametrize(
    ("auth", "reqs"),
    [
        ("NoClientCert", ssl.CERT_NONE),
        ("RequestClientCert", ssl.CERT_NONE),
        ("RequireAnyClientCert", ssl.CERT_REQUIRED),
        ("RequireClientCert", ssl.CERT_REQUIRED),
        ("VerifyClientCertIfGiven", ssl.CERT_OPTIONAL),
        ("RequireAndVerifyClientCert", ssl.CERT_REQUIRED),
    ],
)
def test_client_auth_types(pki: Path, auth: str, reqs: ssl.VerifyMode) -> None:
    ca = "" if auth == "NoClientCert" else "\n  client_ca_file: ca.crt"
    text = f"tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: {auth}{ca}\n"
    t = load_web_config(_write(pki, text, f"auth-{auth}.yml")).tls
    assert t is not None and t.cert_reqs == reqs
    assert t.build_context().verify_mode == reqs


def test_ignored_settings_are_logged(pki: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = """\
        tls_server_config: {cert_file: server.crt, key_file: server.key, curve_preferences: [CurveP384]}
        http_server_config: {http2: true}
        """
    with caplog.at_level(logging.INFO, logger="ksm_shard.webconfig"):
        load_web_config(_write(pki, text))
    assert "curve_preferences is accepted and ignored" in caplog.text
    assert "http2 is accepted and ignored" in caplog.text


TLS = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
BAD_CONFIGS = [
    ("foo: 1\n", "foo: unknown key"),
    ("- a\n- b\n", ": must be a mapping"),
    ("tls_server_config: [a]\n", "tls_server_config: must be a mapping"),
    ("tls_server_config: {cert_filee: x}\n", "tls_server_config.cert_filee: unknown key"),
    ("http_server_config: {gzip: true}\n", "http_server_config.gzip: unknown key"),
    ("rate_limit: {burst: 1}\n", "rate_limit: not supported"),
    ("tls_server_config: {cert: abc, key: abc}\n", "tls_server_config.cert: inline certificates are not supported"),
    (TLS + "  client_allowed_sans: [a]\n", "tls_server_config.client_allowed_sans: not supported"),
    ("a: 1\na: 2\n", "invalid YAML: while reading a mapping"),
    ("tls_server_config: {cert_file: [\n", "invalid YAML"),
    ("tls_server_config: {key_file: server.key}\n", "tls_server_config.cert_file: missing (key_file is set)"),
    ("tls_server_config: {cert_file: server.crt}\n", "tls_server_config.key_file: missing (cert_file is set)"),
    ("tls_server_config: {client_auth_type: RequireAndVerifyClientCert}\n", "tls_server_config.cert_file: missing"),
    ("tls_server_config: {cert_file: nope.crt, key_file: server.key}\n", "tls_server_config.cert_file: cannot read"),
    ("tls_server_config: {cert_file: server.crt, key_file: nope.key}\n", "tls_server_config.key_file: cannot read"),
    ("tls_server_config: {cert_file: [a], key_file: server.key}\n", "tls_server_config.cert_file: must be a string"),
    ("tls_server_config: {cert_file: garbage.pem, key_file: server.key}\n", "tls_server_config.cert_file: no PEM"),
    ("tls_server_config: {cert_file: server.crt, key_file: client.key}\n", "tls_server_config.key_file: "),
    ("tls_server_config: {cert_file: server.crt, key_file: garbage.pem}\n", "tls_server_config.key_file: "),
    (
        "tls_server_config: {cert_file: server.crt, key_file: encrypted.key}\n",
        "tls_server_config.key_file: ",  # and no terminal prompt for a pass phrase
    ),
    (TLS + "  client_auth_type: Always\n", "tls_server_config.client_auth_type: invalid value 'Always'"),
    (TLS + "  client_auth_type: RequireAndVerifyClientCert\n", "tls_server_config.client_ca_file: required"),
    (TLS + "  client_auth_type: VerifyClientCertIfGiven\n", "tls_server_config.client_ca_file: required"),
    (TLS + "  client_auth_type: RequireAnyClientCert\n", "tls_server_config.client_ca_file: required"),
    (TLS + "  client_ca_file: ca.crt\n", "tls_server_config.client_ca_file: set, but client_auth_type is NoClientCert"),
    (
        TLS + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: nope.crt\n",
        "tls_server_config.client_ca_file: cannot read",
    ),
    (
        TLS + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: garbage.pem\n",
        "tls_server_config.client_ca_file: no PEM certificate",
    ),
    (TLS + "  min_version: TLS14\n", "tls_server_config.min_version: unknown TLS version 'TLS14'"),
    (TLS + "  max_version: SSL3\n", "tls_server_config.max_version: unknown TLS version"),
    (TLS + "  min_version: TLS13\n  max_version: TLS12\n", "tls_server_config.min_version: greater than max_version"),
    (TLS + "  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n", "tls_server_config.cipher_suites[0]: unknown or insecure"),
    (TLS + "  cipher_suites: [ECDHE-RSA-AES128-GCM-SHA256]\n", "tls_server_config.cipher_suites[0]: unknown"),
    (TLS + "  cipher_suites: TLS_AES_128_GCM_SHA256\n", "tls_server_config.cipher_suites: must be a list"),
    (TLS + "  curve_preferences: [CurveP256, P-999]\n", "tls_server_config.curve_preferences[1]: unknown curve"),
    (TLS + "  prefer_server_cipher_suites: maybe\n", "tls_server_config.prefer_server_cipher_suites: must be true"),
    ("http_server_config: {http2: 2}\n", "http_server_config.http2: must be true or false"),
    ("http_server_config: {headers: [a]}\n", "http_server_config.headers: must be a mapping"),
    ("http_server_config: {headers: {X-Foo: bar}}\n", "http_server_config.headers.X-Foo: this header can not be"),
    (
        "http_server_config: {headers: {X-Frame-Options: allow}}\n",
        "http_server_config.headers.X-Frame-Options: invalid",
    ),
    ("http_server_config: {headers: {X-Content-Type-Options: sniff}}\n", "headers.X-Content-Type-Options: invalid"),
    ('http_server_config: {headers: {X-XSS-Protection: "1\\nX: y"}}\n', "headers.X-XSS-Protection: empty or contains"),
    ("basic_auth_users: [alice]\n", "basic_auth_users: must be a mapping"),
    ("basic_auth_users: {alice: password}\n", "basic_auth_users.alice: not a bcrypt hash"),
    ("basic_auth_users: {alice: [x]}\n", "basic_auth_users.alice: must be a string"),
    ("basic_auth_users: {alice: $2b$03$" + "a" * 53 + "}\n", "basic_auth_users.alice: not a bcrypt hash"),
    ("basic_auth_users: {alice: $2x$10$" + "a" * 53 + "}\n", "basic_auth_users.alice: not a bcrypt hash"),
    ("basic_auth_users: {alice: $2b$10$" + "a" * 52 + "}\n", "basic_auth_users.alice: not a bcrypt hash"),
    ("basic_auth_users: {'a:b': $2b$10$" + "a" * 53 + "}\n", "basic_auth_users.a:b: a user name can not contain"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS, ids=[m for _, m in BAD_CONFIGS])
def test_validation_errors(pki: Path, text: str, message: str) -> None:
    path = _write(pki, text, "bad.yml")
    with pytest.raises(WebConfigError) as err:
        load_web_config(path)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_unreadable_config_file(tmp_path: Path) -> None:
    with pytest.raises(WebConfigError, match="cannot read: No such file or directory"):
        load_web_config(str(tmp_path / "missing.yml"))


def test_hash_is_not_echoed_in_errors(tmp_path: Path) -> None:
    with pytest.raises(WebConfigError) as err:
        load_web_config(_write(tmp_path, "basic_auth_users: {alice: hunter2-not-a-hash}\n"))
    assert "hunter2" not in str(err.value)


# --- the ssl_context hook ----------------------------------------------------------------------------------------


def test_context_is_cached_and_reloaded_when_files_change(pki: Path, tmp_path: Path) -> None:
    for name in ("server.crt", "server.key", "client.crt", "client.key"):
        shutil.copy(pki / name, tmp_path / name)
    cfg = load_web_config(_write(tmp_path, "tls_server_config: {cert_file: server.crt, key_file: server.key}\n"))
    hook = cfg.gunicorn_settings()["ssl_context"]
    first = hook(None, None)
    assert hook(None, None) is first

    # A rotated pair (another valid certificate and key) is picked up by the next connection.
    for name in ("crt", "key"):
        data = (tmp_path / f"client.{name}").read_bytes()
        (tmp_path / f"server.{name}").write_bytes(data)
        os.utime(tmp_path / f"server.{name}", ns=(time.time_ns(), time.time_ns() + 10**9))
    second = hook(None, None)
    assert second is not first

    # A half-written file keeps the previous context.
    (tmp_path / "server.key").write_text("-----BEGIN PRIVATE KEY-----\n")
    assert hook(None, None) is second


# --- the middleware (in process) ---------------------------------------------------------------------------------


def _inner(environ: dict, start_response) -> list[bytes]:  # noqa: ANN001
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Frame-Options", "sameorigin")])
    return [b"ok"]


def _call(app, authorization: str | None = None) -> tuple[str, dict[str, str], bytes]:  # noqa: ANN001
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/metrics"}
    if authorization is not None:
        environ["HTTP_AUTHORIZATION"] = authorization
    seen: dict = {}

    def start_response(status: str, headers: list, exc_info=None) -> None:  # noqa: ANN001
        seen["status"], seen["headers"] = status, headers

    body = b"".join(app(environ, start_response))
    names = [k.lower() for k, _ in seen["headers"]]
    assert len(names) == len(set(names)), seen["headers"]  # never a duplicate header
    return seen["status"], dict(seen["headers"]), body


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def auth_config(bcrypt_hash: str) -> WebConfig:
    return WebConfig(
        path="web.yml",
        headers=(("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "deny")),
        basic_auth_users={"prometheus": bcrypt_hash, "other": bcrypt_hash},
    )


def test_middleware_answers_401_without_valid_credentials(auth_config: WebConfig) -> None:
    app = basic_auth_middleware(_inner, auth_config)
    for header in (
        None,
        "",
        "Bearer abc",
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        _basic("prometheus", "wrong"),
        _basic("prometheus", PASSWORD + "x"),
        _basic("nobody", PASSWORD),
        _basic("Prometheus", PASSWORD),
    ):
        status, headers, body = _call(app, header)
        assert status == "401 Unauthorized", header
        assert headers["WWW-Authenticate"] == "Basic"
        assert body == b"Unauthorized\n"
        assert headers["X-Content-Type-Options"] == "nosniff"  # the configured headers on every response


def test_middleware_passes_valid_credentials_with_headers(auth_config: WebConfig) -> None:
    app = basic_auth_middleware(_inner, auth_config)
    status, headers, body = _call(app, _basic("prometheus", PASSWORD))
    assert (status, body) == ("200 OK", b"ok")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "sameorigin"  # the app's own value wins, as in exporter-toolkit
    assert "WWW-Authenticate" not in headers
    assert _call(app, "basic " + _basic("prometheus", PASSWORD)[6:])[0] == "200 OK"  # scheme is case-insensitive


def test_middleware_caches_successful_bcrypt_checks(auth_config: WebConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = webconfig._checkpw

    def counting(password: bytes, hashed: bytes) -> bool:
        calls.append((password, hashed))
        return real(password, hashed)

    monkeypatch.setattr(webconfig, "_checkpw", counting)
    app = basic_auth_middleware(_inner, auth_config)
    for _ in range(5):
        assert _call(app, _basic("prometheus", PASSWORD))[0] == "200 OK"
    assert len(calls) == 1
    for _ in range(3):
        assert _call(app, _basic("prometheus", "wrong"))[0] == "401 Unauthorized"
    assert len(calls) == 4  # failures are not cached
    assert _call(app, _basic("nobody", PASSWORD))[0] == "401 Unauthorized"
    assert len(calls) == 5  # an unknown user still pays one bcrypt check (no user enumeration by timing)
    assert _call(app, _basic("other", PASSWORD))[0] == "200 OK"
    assert len(calls) == 6  # the cache is per user


def test_middleware_with_headers_only(tmp_path: Path) -> None:
    cfg = load_web_config(_write(tmp_path, "http_server_config: {headers: {X-XSS-Protection: '1; mode=block'}}\n"))
    status, headers, body = _call(basic_auth_middleware(_inner, cfg))
    assert (status, body) == ("200 OK", b"ok") and headers["X-XSS-Protection"] == "1; mode=block"


def test_long_passwords_compare_like_bcrypt(tmp_path: Path) -> None:
    import bcrypt

    long = "p" * 80
    hashed = bcrypt.hashpw(long[:72].encode(), bcrypt.gensalt(rounds=4)).decode()
    app = basic_auth_middleware(_inner, WebConfig(path="x", basic_auth_users={"u": hashed}))
    assert _call(app, _basic("u", long))[0] == "200 OK"  # bcrypt reads 72 bytes; bcrypt 5 would raise instead


# --- real gunicorn over HTTPS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    procs: list[subprocess.Popen] = []

    def start(config: str) -> tuple[int, int]:
        ports = free_ports(2)
        log = tmp_path_factory.mktemp("gunicorn") / "log"
        proc = subprocess.Popen(
            [sys.executable, __file__, config, str(ports[0]), str(ports[1])],
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
            cwd=Path(__file__).resolve().parents[1],
        )
        procs.append(proc)
        deadline = time.monotonic() + 15
        for port in ports:
            while True:
                assert proc.poll() is None, log.read_text()
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.05)
        return ports

    yield start
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _client(pki: Path, cert: str | None = None, **versions: ssl.TLSVersion) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(pki / "ca.crt"))
    if cert:
        ctx.load_cert_chain(str(pki / f"{cert}.crt"), str(pki / f"{cert}.key"))
    for attr, version in versions.items():
        setattr(ctx, attr, version)
    return ctx


def _get(port: int, ctx: ssl.SSLContext, authorization: str | None = None) -> tuple[int, dict[str, str], bytes, str]:
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    try:
        conn.request("GET", "/metrics", headers={"Authorization": authorization} if authorization else {})
        resp = conn.getresponse()
        body = resp.read()
        cipher = conn.sock.cipher()[0]
        return resp.status, dict(resp.getheaders()), body, cipher
    finally:
        conn.close()


@pytest.fixture(scope="module")
def strict_server(pki: Path, bcrypt_hash: str, serve) -> tuple[int, int]:  # noqa: ANN001
    """TLS 1.3 only, client certificates from ca required, basic auth, two extra headers."""
    config = _write(
        pki,
        f"""\
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
          min_version: TLS13
        http_server_config:
          headers:
            Strict-Transport-Security: max-age=31536000
            X-Content-Type-Options: nosniff
        basic_auth_users:
          prometheus: {bcrypt_hash}
        """,
        "strict.yml",
    )
    return serve(config)


@pytest.fixture(scope="module")
def tls12_server(pki: Path, serve) -> tuple[int, int]:  # noqa: ANN001
    """Server certificate only, at most TLS 1.2 with one cipher suite: no client certificate, no basic auth."""
    config = _write(
        pki,
        """\
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          max_version: TLS12
          cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]
        """,
        "tls12.yml",
    )
    return serve(config)


def test_https_with_client_certificate_and_basic_auth_on_both_ports(pki: Path, strict_server: tuple[int, int]) -> None:
    ctx = _client(pki, "client")
    for port in strict_server:
        status, headers, body, _ = _get(port, ctx, _basic("prometheus", PASSWORD))
        assert status == 200, body
        assert body == f"hello {port} https".encode()
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_basic_auth_over_https(pki: Path, strict_server: tuple[int, int]) -> None:
    ctx = _client(pki, "client")
    for port in strict_server:
        for authorization in (None, _basic("prometheus", "wrong"), _basic("root", PASSWORD)):
            status, headers, body, _ = _get(port, ctx, authorization)
            assert status == 401
            assert headers["WWW-Authenticate"] == "Basic"
            assert body == b"Unauthorized\n"
            assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("cert", "alert"),
    [(None, "CERTIFICATE_REQUIRED"), ("rogue", "UNKNOWN_CA")],
    ids=["no-client-cert", "client-cert-from-other-ca"],
)
def test_client_certificate_is_required_and_verified(
    pki: Path, strict_server: tuple[int, int], cert: str | None, alert: str
) -> None:
    ctx = _client(pki, cert)
    for port in strict_server:
        # TLS 1.3: the client finishes its side of the handshake first and reads the server's alert with the
        # response; a reset racing the alert is a refusal all the same.
        with pytest.raises((OSError, http.client.HTTPException)) as err:
            _get(port, ctx, _basic("prometheus", PASSWORD))
        if isinstance(err.value, ssl.SSLError):
            assert alert in str(err.value)
        assert not isinstance(err.value, ssl.SSLCertVerificationError)  # the server's certificate was fine


def test_tls12_is_refused_when_min_version_is_tls13(pki: Path, strict_server: tuple[int, int]) -> None:
    ctx = _client(pki, "client", maximum_version=ssl.TLSVersion.TLSv1_2)
    with pytest.raises(ssl.SSLError):
        _get(strict_server[0], ctx, _basic("prometheus", PASSWORD))


def test_server_certificate_must_match_the_clients_ca(pki: Path, strict_server: tuple[int, int]) -> None:
    ctx = ssl.create_default_context(cafile=str(pki / "rogue-ca.crt"))
    ctx.load_cert_chain(str(pki / "client.crt"), str(pki / "client.key"))
    with pytest.raises(ssl.SSLCertVerificationError):
        _get(strict_server[0], ctx, _basic("prometheus", PASSWORD))


def test_tls12_cipher_suite_and_max_version(pki: Path, tls12_server: tuple[int, int]) -> None:
    for port in tls12_server:
        status, _, body, cipher = _get(port, _client(pki))
        assert (status, body) == (200, f"hello {port} https".encode())
        assert cipher == "ECDHE-ECDSA-AES256-GCM-SHA384"
    with pytest.raises(ssl.SSLError):
        _get(tls12_server[0], _client(pki, minimum_version=ssl.TLSVersion.TLSv1_3))


def test_plain_http_is_refused_on_tls_ports(tls12_server: tuple[int, int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", tls12_server[1], timeout=10)
    try:
        with pytest.raises((OSError, http.client.HTTPException)):
            conn.request("GET", "/metrics")
            resp = conn.getresponse()
            resp.read()
            raise AssertionError(f"plain HTTP answered {resp.status}")
    finally:
        conn.close()


# --- the server under test (run as a script) ---------------------------------------------------------------------


def _serve_forever(config_path: str, port: int, telemetry_port: int) -> None:
    from gunicorn.app.base import BaseApplication

    config = load_web_config(config_path)

    def hello(environ: dict, start_response) -> list[bytes]:  # noqa: ANN001
        body = f"hello {environ['SERVER_PORT']} {environ['wsgi.url_scheme']}".encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    class Server(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": [f"127.0.0.1:{port}", f"127.0.0.1:{telemetry_port}"],
                "workers": 1,
                "worker_class": "gthread",
                "threads": 4,
                "graceful_timeout": 2,
                "control_socket_disable": True,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
            }
            settings.update(config.gunicorn_settings())
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):  # noqa: ANN202
            return basic_auth_middleware(hello, config)

    Server().run()


if __name__ == "__main__":
    _serve_forever(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))


# --- the real exporter process with --tls-config -----------------------------------------------------------------


def test_exporter_serves_both_ports_over_tls_with_basic_auth(pki: Path, bcrypt_hash: str, tmp_path: Path) -> None:
    from ksm_shard.launch import ExporterProcess
    from ksm_shard.sim.apiserver import SimApiServer
    from ksm_shard.sim.storage import Storage

    config = _write(tmp_path, f"""
        tls_server_config:
          cert_file: {pki / "server.crt"}
          key_file: {pki / "server.key"}
        basic_auth_users:
          prometheus: {bcrypt_hash}
    """)  # fmt: skip
    storage = Storage()
    storage.create("configmaps", {"kind": "ConfigMap", "apiVersion": "v1",
                                  "metadata": {"name": "tls-check", "namespace": "default"}})  # fmt: skip
    sim = SimApiServer(storage)
    sim.start()
    proc = ExporterProcess(sim.url, ["--resources=configmaps", f"--tls-config={config}"], log_dir=tmp_path).start()
    ctx = ssl.create_default_context(cafile=str(pki / "ca.crt"))

    def get(port: int, path: str, auth: str | None) -> tuple[int, bytes]:
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
        headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()

    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(proc.port, "/readyz", f"prometheus:{PASSWORD}")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        status, body = get(proc.port, "/metrics", f"prometheus:{PASSWORD}")
        assert status == 200 and b'configmap="tls-check"' in body
        assert get(proc.port, "/metrics", None) == (401, b"Unauthorized\n")
        assert get(proc.port, "/metrics", "prometheus:wrong")[0] == 401
        assert get(proc.telemetry_port, "/metrics", None)[0] == 401
        assert get(proc.telemetry_port, "/metrics", f"prometheus:{PASSWORD}")[0] == 200
        with pytest.raises((ssl.SSLError, ConnectionError, http.client.HTTPException, OSError)):
            plain = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
            plain.request("GET", "/metrics")
            if plain.getresponse().status == 200:
                raise AssertionError("plain HTTP must not be served")
            raise ConnectionError("refused as expected")
    finally:
        proc.stop()
        sim.stop()


def test_bad_tls_config_exits_2_with_one_line(tmp_path: Path) -> None:
    config = _write(tmp_path, "tls_server_config:\n  cert_file: /nope.crt\n  key_file: /nope.key\n")
    p = subprocess.run([sys.executable, "-m", "ksm_shard", "--apiserver=http://127.0.0.1:1", f"--tls-config={config}"],
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert p.returncode == 2
    assert p.stderr.startswith("ksm-shard: error: ") and p.stderr.strip().count("\n") == 0
    assert "cert_file" in p.stderr


def test_a_stalled_tls_handshake_is_cut_off(pki: Path, tmp_path: Path) -> None:
    from ksm_shard.launch import ExporterProcess
    from ksm_shard.sim.apiserver import SimApiServer
    from ksm_shard.sim.storage import Storage

    tls = f"tls_server_config: {{cert_file: {pki / 'server.crt'}, key_file: {pki / 'server.key'}}}\n"
    config = _write(tmp_path, tls)
    storage = Storage()
    storage.create("configmaps", {"metadata": {"name": "tls-stall", "namespace": "default"}})
    sim = SimApiServer(storage)
    sim.start()
    args = ["--resources=configmaps", f"--tls-config={config}", "--server-read-header-timeout=1s"]
    proc = ExporterProcess(sim.url, args, log_dir=tmp_path).start()
    ctx = ssl.create_default_context(cafile=str(pki / "ca.crt"))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                ready = http.client.HTTPSConnection("127.0.0.1", proc.port, context=ctx, timeout=5)
                ready.request("GET", "/readyz")
                if ready.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        stalled = socket.create_connection(("127.0.0.1", proc.port), timeout=15)
        stalled.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # the start of a ClientHello, then nothing
        started = time.monotonic()
        conn = http.client.HTTPSConnection("127.0.0.1", proc.port, context=ctx, timeout=10)
        conn.request("GET", "/metrics")
        r = conn.getresponse()
        assert r.status == 200 and b'configmap="tls-stall"' in r.read()
        try:
            assert stalled.recv(4096) == b""  # the server gave up on the handshake and closed
        except ConnectionResetError:
            pass
        took = time.monotonic() - started
        assert 4.0 <= took <= 12.0, took  # TLS handshakes get at least the telemetry port's 5 s
    finally:
        proc.stop()
        sim.stop()
