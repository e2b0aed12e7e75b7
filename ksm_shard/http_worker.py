"""gunicorn's gthread worker with request read deadlines (``--server-read-header-timeout``, ``--server-read-timeout``).

gthread reads requests with blocking sockets and no deadline, so a client that sends its headers one byte a
minute holds a thread forever (a slowloris). Go's net/http, which upstream uses, bounds that with ReadHeaderTimeout
and ReadTimeout; here the request parser's socket is wrapped so that every ``recv`` waits at most until the
request's deadline: headers must arrive within the header timeout, the whole request within the read timeout.
A client past its deadline is disconnected (logged at debug level, like any premature disconnect).
"""

from __future__ import annotations

import logging
import socket
import time

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import TConn, ThreadWorker

log = logging.getLogger(__name__)

TELEMETRY_READ_HEADER_TIMEOUT = 5.0  # upstream's telemetry server: a fixed ReadHeaderTimeout, no ReadTimeout


class DeadlineReader:
    """The socket as gunicorn's request parser sees it: ``recv`` fails once the request's deadline has passed."""

    __slots__ = ("sock", "deadline", "phase")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline: float | None = None
        self.phase = "headers"

    def recv(self, size: int) -> bytes:
        deadline = self.deadline
        if deadline is None:
            return self.sock.recv(size)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise NoMoreData(f"request {self.phase} not read in time")
        previous = self.sock.gettimeout()
        self.sock.settimeout(remaining)
        try:
            return self.sock.recv(size)
        except TimeoutError:
            raise NoMoreData(f"request {self.phase} not read in time") from None
        finally:
            self.sock.settimeout(previous)

    def __getattr__(self, name: str):  # noqa: ANN204 - everything else is the socket's
        return getattr(self.sock, name)


class _HandshakeSocket(socket.socket):
    """A fresh client socket whose blocking mode carries a timeout, which the TLS socket wrapped around it inherits.

    gthread switches the socket to blocking right before the TLS handshake; without this a client that stops in
    the middle of its handshake would hold a thread forever.
    """

    __slots__ = ()
    handshake_timeout: float | None = TELEMETRY_READ_HEADER_TIMEOUT  # set by the worker from the flags

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.settimeout(self.handshake_timeout)
        else:
            super().setblocking(False)


class _DeadlineConn(TConn):
    """A gthread connection whose HTTP/1 parser reads through a DeadlineReader."""

    header_timeout = 0.0
    read_timeout = 0.0
    reader: DeadlineReader | None = None
    started = 0.0

    def init(self) -> None:
        if not self.initialized and self.cfg.is_ssl and type(self.sock) is socket.socket:
            self.sock.__class__ = _HandshakeSocket  # same layout: only setblocking differs, for the handshake
        super().init()  # runs before every request on the connection (a no-op after the first)
        if self.is_http2 or self.parser is None:
            return
        unreader = getattr(self.parser, "unreader", None)
        if unreader is None or not hasattr(unreader, "sock"):
            return
        if self.reader is None:
            self.reader = DeadlineReader(unreader.sock)
            unreader.sock = self.reader
        self.started = time.monotonic()
        limits = [t for t in (self.header_timeout, self.read_timeout) if t > 0]
        self.reader.phase = "headers"
        self.reader.deadline = self.started + min(limits) if limits else None

    def headers_read(self) -> None:
        """From here on only the whole-request deadline applies (a body, if any)."""
        if self.reader is not None:
            self.reader.phase = "body"
            self.reader.deadline = self.started + self.read_timeout if self.read_timeout > 0 else None


class DeadlineThreadWorker(ThreadWorker):
    """gthread, with read deadlines per listener: the metrics port's from the flags, the telemetry port's fixed."""

    def init_process(self) -> None:
        options = getattr(self.app, "options", None)
        if options is not None:
            # One bound for every TLS handshake (it precedes knowing much about the request): the longer of the
            # two ports' header timeouts, or none when the metrics port has no header or read limit.
            limits = [t for t in (options.server_read_header_timeout, options.server_read_timeout) if t > 0]
            _HandshakeSocket.handshake_timeout = max(min(limits), TELEMETRY_READ_HEADER_TIMEOUT) if limits else None
        super().init_process()  # runs the worker's loop

    def handle_quit(self, sig, frame) -> None:  # noqa: ANN001 - a signal handler
        # Ctrl-C reaches the whole process group and the master then sends SIGQUIT: a second quit signal landing
        # inside the first one's ThreadPoolExecutor.shutdown re-entered it and waited forever on the lock the
        # first held, and the worker outlived its master (seen in the demo). The first one is already quitting.
        if getattr(self, "_quitting", False):
            return
        self._quitting = True
        super().handle_quit(sig, frame)

    def handle(self, conn: TConn):  # noqa: ANN201 - gunicorn's protocol (bool or a sentinel)
        if not isinstance(conn, _DeadlineConn):
            conn.__class__ = _DeadlineConn  # TConn is built inside gthread's accept(); only its reads change
            header_timeout, read_timeout = self._limits(conn)
            conn.header_timeout = header_timeout
            conn.read_timeout = read_timeout
        return super().handle(conn)

    def handle_request(self, req, conn: TConn):  # noqa: ANN001, ANN201
        if isinstance(conn, _DeadlineConn):
            conn.headers_read()
        return super().handle_request(req, conn)

    def _limits(self, conn: TConn) -> tuple[float, float]:
        options = getattr(self.app, "options", None)
        if options is None:
            return TELEMETRY_READ_HEADER_TIMEOUT, 0.0
        port = conn.server[1] if isinstance(conn.server, tuple) and len(conn.server) > 1 else None
        if port == options.telemetry_port:
            return TELEMETRY_READ_HEADER_TIMEOUT, 0.0
        return options.server_read_header_timeout, options.server_read_timeout
