"""The gzip encoding of a /metrics body, compressed as it is sent, in pieces by a small pool of threads.

The body (the store's cells, see ``store.exposition``) is cut into pieces of about PIECE_SIZE plain bytes; each
is compressed on its own into a raw deflate *segment* ending on a byte boundary without the final-block bit.
A segment ends with ``Z_FULL_FLUSH``, which also resets the compressor's history: the next segment refers only
to its own bytes, so the segments in body order are one valid deflate stream. The response is a single gzip
member: a fixed header, the segments, an empty final block, and the CRC-32 and length of the whole body, the CRC
combined from the pieces' own (zlib's ``crc32_combine``). One member matters: curl and Python's gzip reader
handle a body of many members badly (curl stops after the first; ``gzip.decompress`` is quadratic in their
number).

Why at scrape time, in pieces of a megabyte, rather than cached per store cell: a cell is a few KB, and alone it
compresses ~4x; in megabyte pieces the body compresses ~5x (the history window sees more repetition). ISA-L's
level 1 runs at ~0.8-1 GB/s here and releases the GIL: a 1M-series body (~170 MB) costs ~0.3 CPU-s, ~0.25 s on
two idle cores. A cache of compressed cells cost ~47 MB of memory per 1.2M series (on top of the 200 MB of
cells) and a thread compressing changed cells ahead of predicted scrapes; what it bought was latency under
churn on a busy machine (compressing ahead, between scrapes), and only for a periodic scraper.
"""

from __future__ import annotations

import ctypes
import struct
import threading
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

try:  # ISA-L's deflate: 3-8x zlib's speed at level 1 with about the same ratio; the same format
    from isal import isal_zlib as deflate
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the fallback where its wheel is missing
    deflate = zlib

LEVEL = 1  # scrapes are latency-bound; level 1 already makes the text ~5x smaller (ISA-L's 0: as fast, ~3.5x)
PIECE_SIZE = 1 << 20  # plain bytes per segment: ~1 ms of compression, few enough GIL hand-offs per scrape
COMPRESS_THREADS = 2  # the pool all gzip scrapes share: the machine's cores, not one per concurrent scrape
AHEAD = 4  # pieces a scrape has queued or compressed beyond the one being sent (bounds its extra memory)
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip, deflate, no name, no mtime, unknown OS
FINAL_BLOCK = b"\x03\x00"  # an empty fixed-Huffman block with the final bit: ends the deflate stream

Segment = tuple[bytes, int, int]  # (raw deflate bytes, CRC-32 of the plain bytes, number of plain bytes)
EMPTY_SEGMENT: Segment = (b"", 0, 0)


class _Compressors(threading.local):
    """Each thread's raw deflate compressor per module (ISA-L, or zlib where tests swap it in), reused from segment
    to segment: ISA-L's state is an ~80 KB heap block plus a ~280 KB mapping, and short-lived heap blocks between
    the store's long-lived cells fragment the heap. And the buffer a piece's cells are copied into."""

    def __init__(self) -> None:
        self.by_module: dict[object, object] = {}
        self.piece = bytearray()


_compressors = _Compressors()


def segment(data: bytes | memoryview) -> Segment:
    """``data`` as a raw deflate segment (at LEVEL) that can be followed by any other segment."""
    if not data:
        return EMPTY_SEGMENT
    by_module = _compressors.by_module
    c = by_module.get(deflate)
    if c is None:
        c = by_module[deflate] = deflate.compressobj(LEVEL, deflate.DEFLATED, -15)
    try:
        out = c.compress(data) + c.flush(deflate.Z_FULL_FLUSH)  # byte-aligned, history reset: stands alone
    except BaseException:
        del by_module[deflate]  # half a segment may be inside it: never reuse it
        raise
    return out, deflate.crc32(data), len(data)


def _load_crc32_combine() -> Callable[[int, int, int], int] | None:
    if deflate is not zlib:
        return deflate.crc32_combine
    # dlopen by soname, never ctypes.util.find_library: that spawns ldconfig/gcc, at import time in the arbiter.
    # PyDLL keeps the GIL for the call (microseconds): CDLL would let go of it, and the scrape thread would then
    # wait behind busy watch threads to take it back, once per piece (sharding.py measured such waits).
    combine = None
    for name in ("libz.so.1", "libz.so", "libz.1.dylib"):
        try:
            libz = ctypes.PyDLL(name)
            combine = getattr(libz, "crc32_combine64", None) or libz.crc32_combine
            break
        except (OSError, AttributeError):
            continue
    if combine is None:
        return None
    combine.restype = ctypes.c_ulong
    combine.argtypes = [ctypes.c_ulong, ctypes.c_ulong, ctypes.c_int64]
    if combine(zlib.crc32(b"ab"), zlib.crc32(b"cd"), 2) != zlib.crc32(b"abcd"):
        return None  # not the zlib we think it is: compute CRCs from the plain bytes instead
    return combine


_crc32_combine = _load_crc32_combine()


class GzipTrailer:
    """The CRC-32 and length of the plain body, from its segments in body order."""

    __slots__ = ("crc", "size")

    def __init__(self) -> None:
        self.crc = 0
        self.size = 0

    def add(self, seg: Segment) -> None:
        data, crc, size = seg
        if not size:
            return
        if _crc32_combine is not None:
            self.crc = _crc32_combine(self.crc, crc, size)
        else:  # no libz to call: the CRC from the segment's own bytes, decompressed (slow, but exact)
            plain = zlib.decompressobj(-zlib.MAX_WBITS).decompress(data)  # a segment has no final block
            self.crc = zlib.crc32(plain, self.crc)
        self.size += size

    def close(self) -> bytes:
        """The bytes that end the member: the empty final block, then the CRC and length."""
        return FINAL_BLOCK + struct.pack("<II", self.crc & 0xFFFFFFFF, self.size & 0xFFFFFFFF)


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _compress_pool() -> ThreadPoolExecutor:
    """The pool, started by the first gzip scrape (in the worker, after gunicorn forked it)."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(COMPRESS_THREADS, thread_name_prefix="gzip")
    return _pool


def _pieces(parts: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    """The buffers grouped, in order, into runs of at least ``size`` bytes (the last may be shorter)."""
    run: list[bytes] = []
    n = 0
    for p in parts:
        run.append(p)
        n += len(p)
        if n >= size:
            yield run
            run, n = [], 0
    if run:
        yield run


def _compress_piece(buffers: list[bytes]) -> Segment:
    """The buffers as one segment, copied together into the thread's reused buffer first.

    Not ``b"".join``: a fresh 1 MB block is a fresh mapping (above the worker's mmap threshold, memory.py), and
    faulting its pages in cost more than the copy (joining a 164 MB body in 2 MB pieces: ~125 ms of CPU, ~35%
    of the whole gzip scrape). Compressing the cells one by one would skip the copy, but each call releases and
    retakes the GIL: tens of thousands of hand-offs per scrape, each a wait behind busy watch threads.
    """
    size = sum(map(len, buffers))
    if len(buffers) == 1 or size > 2 * PIECE_SIZE:  # nothing to copy together; or a rare oversized piece
        return segment(buffers[0] if len(buffers) == 1 else b"".join(buffers))
    local = _compressors
    if len(local.piece) < size:
        local.piece = bytearray(max(size, PIECE_SIZE + (PIECE_SIZE >> 3)))
    with memoryview(local.piece) as view:
        pos = 0
        for b in buffers:
            end = pos + len(b)
            view[pos:end] = b
            pos = end
        with view[:pos] as data:
            return segment(data)


def gzip_body(parts: Iterable[bytes], piece_size: int = PIECE_SIZE) -> Iterator[bytes]:
    """The buffers' concatenation gzip-encoded (one member), yielded as it is compressed.

    Pieces are compressed by the shared pool, up to AHEAD of the one being yielded, so sending overlaps with
    compressing. A scrape that ends early (the client went away) cancels what it had queued.
    """
    pool = _compress_pool()
    trailer = GzipTrailer()
    queued: deque[Future[Segment]] = deque()

    def oldest() -> bytes:
        seg = queued.popleft().result()
        trailer.add(seg)
        return seg[0]

    yield HEADER
    try:
        for piece in _pieces(parts, piece_size):
            queued.append(pool.submit(_compress_piece, piece))
            if len(queued) > AHEAD:
                yield oldest()
        while queued:
            yield oldest()
    finally:
        for future in queued:
            future.cancel()
    yield trailer.close()
