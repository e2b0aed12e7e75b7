"""A gzip body assembled from independently compressed pieces, so unchanged pieces are never compressed again.

Each piece of the exposition (a family header, a store cell) is compressed on its own into a raw deflate
*segment* ending on a byte boundary without the final-block bit. A segment ends with ``Z_FULL_FLUSH``, which
also resets the compressor's history: the next segment refers only to its own bytes, so any sequence of
segments is one valid deflate stream, and one compressor per thread makes them all; the body is a
single gzip member: a fixed header, the segments, an empty final block, and the CRC-32 and length of the whole
uncompressed body. The CRC comes from the pieces' own CRCs (zlib's ``crc32_combine``), so a scrape never reads
the uncompressed body at all. One member matters: curl and Python's gzip reader handle a body of many members
badly (curl stops after the first; ``gzip.decompress`` is quadratic in their number).
"""

from __future__ import annotations

import ctypes
import struct
import threading
import zlib
from collections.abc import Callable, Iterable

try:  # ISA-L's deflate: ~3x zlib's speed at level 1 with the same (slightly better) ratio; the same format
    from isal import isal_zlib as deflate
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the fallback where its wheel is missing
    deflate = zlib

LEVEL = 1  # scrapes are latency-bound; level 1 already makes the text 4-5x smaller
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip, deflate, no name, no mtime, unknown OS
FINAL_BLOCK = b"\x03\x00"  # an empty fixed-Huffman block with the final bit: ends the deflate stream

Segment = tuple[bytes, int, int]  # (raw deflate bytes, CRC-32 of the plain bytes, number of plain bytes)
EMPTY_SEGMENT: Segment = (b"", 0, 0)


class _Compressors(threading.local):
    """Each thread's raw deflate compressor per module (ISA-L, or zlib where tests swap it in), reused from segment
    to segment.

    A fresh compressor per segment cost 3x the compression itself: ISA-L's state is an ~80 KB heap block plus a
    ~280 KB mapping, allocated and freed for every 2.5 KB cell (24 -> 7.5 us per cell with the worker's malloc
    settings), and those short-lived heap blocks between long-lived cells fragmented the heap.
    """

    def __init__(self) -> None:
        self.by_module: dict[object, object] = {}


_compressors = _Compressors()


def segment(data: bytes) -> Segment:
    """``data`` as a raw deflate segment (at LEVEL) that can be followed by any other segment."""
    if not data:
        return EMPTY_SEGMENT
    by_module = _compressors.by_module
    c = by_module.get(deflate)
    if c is None:
        c = by_module[deflate] = deflate.compressobj(LEVEL, deflate.DEFLATED, -15)
    try:
        out = c.compress(data) + c.flush(deflate.Z_FULL_FLUSH)  # byte-aligned, history reset: stands alone
        # An exact-size copy: the flush's output is its 16 KB buffer shrunk in place, and a long-lived segment
        # left at the head of every such block peppered the heap (compressing ahead of scrapes under 2k
        # changes/s: RSS +100 MB in a minute, +35 MB with the copy).
        out = bytes(memoryview(out))
    except BaseException:
        del by_module[deflate]  # half a segment may be inside it: never reuse it
        raise
    return out, deflate.crc32(data), len(data)


def _load_crc32_combine() -> Callable[[int, int, int], int] | None:
    if deflate is not zlib:
        return deflate.crc32_combine
    # dlopen by soname, never ctypes.util.find_library: that spawns ldconfig/gcc, at import time in the arbiter.
    combine = None
    for name in ("libz.so.1", "libz.so", "libz.1.dylib"):
        try:
            libz = ctypes.CDLL(name)
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


class GzipBody:
    """Collects segments in body order and closes them into one gzip member."""

    __slots__ = ("parts", "crc", "size")

    def __init__(self) -> None:
        self.parts: list[bytes] = [HEADER]
        self.crc = 0
        self.size = 0

    def add(self, seg: Segment) -> None:
        data, crc, size = seg
        if not size:
            return
        self.parts.append(data)
        if _crc32_combine is not None:
            self.crc = _crc32_combine(self.crc, crc, size)
        else:  # no libz to call: the CRC from the segment's own bytes, decompressed (slow, but exact)
            plain = zlib.decompressobj(-zlib.MAX_WBITS).decompress(data)  # a segment has no final block
            self.crc = zlib.crc32(plain, self.crc)
        self.size += size

    def add_all(self, segs: Iterable[Segment]) -> None:
        combine = _crc32_combine
        if combine is None:
            for seg in segs:
                self.add(seg)
            return
        # add() inlined: a 1M-series body is ~60k segments, and this loop was half of a cached gzip scrape.
        append = self.parts.append
        crc, size = self.crc, self.size
        for data, seg_crc, seg_size in segs:
            if seg_size:
                append(data)
                crc = combine(crc, seg_crc, seg_size)
                size += seg_size
        self.crc, self.size = crc, size

    def close(self) -> list[bytes]:
        self.parts.append(FINAL_BLOCK + struct.pack("<II", self.crc & 0xFFFFFFFF, self.size & 0xFFFFFFFF))
        return self.parts
