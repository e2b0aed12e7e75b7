"""Reading a watch response body: big reads, HTTP/1.1 chunked framing decoded here, and reads taken in bursts.

A watch sends one small HTTP chunk per event. Read through urllib3 that is a readline and a read per event on an
8 KiB buffer, ~40 us of Python each; here one read of up to 256 KiB takes whatever has arrived and the framing of
all its chunks is stripped with a few ``find`` calls. (Over TLS a read returns one record, so the reader keeps
reading while the socket or the TLS buffer has more.)

Bursts: when a read has taken everything the socket had (the stream is caught up), the reader waits ``pause``
seconds before the next read. Events that arrive meanwhile wait in the socket buffer and are then handled back to
back. Waking a thread for each event is what costs at low rates: measured on this project's 2-core machines, a
pod event handled alone after an 8 ms idle costs ~5x the CPU of one handled right after another (cold caches and
CPU state; benchmarks/README.md). The pause adds at most ``pause`` to the time an event takes to show in /metrics,
and never limits throughput: a reader that is not caught up never waits.
"""

from __future__ import annotations

import select
import threading
from collections.abc import Callable, Iterator

# Above glibc's mmap threshold (128 KiB, memory.py): each read's buffer is a mapping of its own, shrunk to what
# the read took and unmapped when handled, never a heap block freed between the store's long-lived cells.
READ_SIZE = 1 << 18


class ChunkedFramingError(ValueError):
    """The body is not valid HTTP/1.1 chunked framing."""


class StreamCut(ConnectionError):
    """The connection ended before the body's last chunk: a broken stream, not one the server ended."""


class ChunkDecoder:
    """Incremental decoder of a chunked body: ``feed`` raw bytes, get the payload bytes they complete."""

    __slots__ = ("_left", "_head", "_need_crlf", "done")

    def __init__(self) -> None:
        self._left = 0  # payload bytes still to come in the current chunk
        self._head = b""  # an incomplete chunk-size line (or chunk-ending CRLF) carried to the next feed
        self._need_crlf = False  # the CRLF after a chunk's payload is still to be skipped
        self.done = False  # the last (zero-size) chunk was seen

    def feed(self, data: bytes) -> bytes:
        if self._head:
            data = self._head + data
            self._head = b""
        out: list[bytes] = []
        pos, end = 0, len(data)
        while pos < end and not self.done:
            if self._left:
                take = min(self._left, end - pos)
                out.append(data[pos : pos + take])
                pos += take
                self._left -= take
                if self._left == 0:
                    self._need_crlf = True
                continue
            if self._need_crlf:
                if end - pos < 2:
                    self._head = data[pos:]
                    break
                if data[pos : pos + 2] != b"\r\n":
                    raise ChunkedFramingError("chunk payload not followed by CRLF")
                pos += 2
                self._need_crlf = False
                continue
            nl = data.find(b"\r\n", pos)
            if nl < 0:
                if end - pos > 1024:
                    raise ChunkedFramingError("chunk-size line longer than 1 KiB")
                self._head = data[pos:]
                break
            size_text = data[pos:nl].split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ChunkedFramingError(f"bad chunk size {size_text[:40]!r}") from None
            if size < 0:
                raise ChunkedFramingError(f"bad chunk size {size_text[:40]!r}")
            pos = nl + 2
            if size == 0:
                self.done = True  # trailers, if any, are not read: the connection is closed after a watch
            else:
                self._left = size
        return b"".join(out) if len(out) != 1 else out[0]


def _raw_file(resp):  # noqa: ANN001, ANN202 - urllib3 / http.client internals, checked here
    """The buffered socket file under a chunked, uncompressed urllib3 response; None for anything else."""
    encoding = getattr(resp, "headers", {}).get("Content-Encoding", "identity").lower()
    if not resp.chunked or encoding not in ("identity", ""):
        return None  # a plain or compressed body: urllib3 bounds and decodes it
    fp = getattr(getattr(resp, "_fp", None), "fp", None)
    return fp if fp is not None and hasattr(fp, "read1") else None


def _readable(sock) -> bool:  # noqa: ANN001
    """Whether more of the stream can be read now without waiting."""
    pending = getattr(sock, "pending", None)  # TLS: bytes decrypted but not yet read
    if pending is not None and pending() > 0:
        return True
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):  # closed under us (a stop): let the next read say so
        return True


def watch_payload(
    resp, stop: threading.Event, pause: float = 0.0, on_pause: Callable[[], None] | None = None  # noqa: ANN001
) -> Iterator[bytes]:
    """The payload bytes of a streamed response as they arrive, in blocks of whatever one read took.

    The caller must close ``resp`` afterwards: its connection is not reusable, http.client did not see the reads.
    Ends at the end of the body, or early when ``stop`` is set during a pause. ``on_pause`` runs before each pause
    (the reader is caught up: a moment for housekeeping).
    """
    fp = _raw_file(resp)
    if fp is None:
        yield from resp.stream(1 << 16) if resp.chunked else iter(lambda: resp.read1(1 << 16), b"")
        return
    sock = getattr(getattr(resp, "_connection", None), "sock", None) if pause else None
    decoder = ChunkDecoder()
    # (Not readinto1 into a reused buffer: after copying what the buffer held it may block for more.)
    read1 = fp.read1
    while True:
        data = read1(READ_SIZE)
        if not data:
            if stop.is_set():
                return
            raise StreamCut("watch stream ended without its last chunk")  # as urllib3 says: a failure, backed off
        caught_up = False
        if sock is not None and len(data) < READ_SIZE:
            # Take what else has arrived (over TLS a read returns one record, ~one event) into this block; when
            # nothing more is there the stream is caught up. One readiness check per read decides both.
            pieces, size = [data], len(data)
            while size < READ_SIZE:
                if not _readable(sock):
                    caught_up = True
                    break
                more = read1(READ_SIZE - size)
                if not more:
                    break
                pieces.append(more)
                size += len(more)
            if len(pieces) > 1:
                data = b"".join(pieces)
        payload = decoder.feed(data)
        if payload:
            yield payload
        if decoder.done:
            return
        if caught_up:
            if on_pause is not None:
                on_pause()
            if stop.wait(pause):
                return
