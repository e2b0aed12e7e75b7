"""The gzip encoding of a /metrics body: one gzip member, compressed in pieces by a shared pool as it is sent."""

from __future__ import annotations

import ctypes
import gzip
import random
import zlib
from concurrent.futures import Future

import pytest

from ksm_shard import gzipbody
from ksm_shard.gzipbody import gzip_body
from ksm_shard.store import ResourceOutput, exposition


def lines(i: int, version: int = 0) -> tuple[bytes, bytes, bytes]:
    return (f'a{{o="{i}"}} {version}\n'.encode(), f'b{{o="{i}"}} 1\n'.encode(), b"" if i % 3 else f"c{i}\n".encode())


def published_output(n: int, seed: int = 0) -> ResourceOutput:
    """A three-family resource whose store is published and holds objects u0..u(n-1)."""
    out = ResourceOutput("things", [b"# HELP a x\n", b"# HELP b x\n", b"# HELP c x\n"], ["a", "b", "c"])
    slot = out.new_slot()
    slot.current.publish()
    for i in range(n):
        slot.current.put(f"u{i}", lines(i + seed))
    return out


def single_member(data: bytes) -> bytes:
    """Decode ``data`` as exactly one gzip member (as curl does): fails if anything follows the first member."""
    d = zlib.decompressobj(31)
    out = d.decompress(data)
    assert d.eof and d.unused_data == b"", "not a single complete gzip member"
    return out


@pytest.mark.parametrize("piece_size", [1, 64, 1000, gzipbody.PIECE_SIZE])
def test_the_body_is_one_gzip_member_of_exactly_the_plain_bytes(piece_size: int) -> None:
    out = published_output(300)
    for openmetrics in (False, True):
        plain = exposition([out], openmetrics=openmetrics)
        encoded = list(gzip_body(plain, piece_size))
        assert single_member(b"".join(encoded)) == b"".join(plain)
        if piece_size == 64:  # many pieces: each went out as its own segment, in order
            assert len(encoded) > 10
    assert gzip.decompress(b"".join(gzip_body([]))) == b""  # nothing to serve is still a gzip body


def test_bodies_stay_exact_under_random_churn() -> None:
    rng = random.Random(5)
    out = published_output(0)
    store = out.slots[0].current
    for step in range(300):
        uid = f"u{rng.randrange(30)}"
        if rng.random() < 0.4:
            store.delete(uid)
        else:
            store.put(uid, lines(int(uid[1:]), version=step))
        if step % 7 == 0:
            plain = exposition([out])
            assert single_member(b"".join(gzip_body(plain, rng.choice((1, 50, 500))))) == b"".join(plain)


def test_crc_without_libz_combine_is_the_same(monkeypatch) -> None:  # noqa: ANN001
    plain = exposition([published_output(200)])
    with_combine = b"".join(gzip_body(plain, 100))
    monkeypatch.setattr(gzipbody, "_crc32_combine", None)
    without = b"".join(gzip_body(plain, 100))
    assert without == with_combine  # the same CRC either way; zlib checks it while decoding
    assert single_member(without) == b"".join(plain)


def test_isal_is_used_and_the_zlib_fallback_makes_a_valid_body(monkeypatch) -> None:  # noqa: ANN001
    assert gzipbody.deflate is not zlib  # isal is a dependency: ~3x zlib's deflate speed
    plain = exposition([published_output(300)])
    gz = b"".join(gzip_body(plain, 500))
    assert single_member(gz) == b"".join(plain)
    monkeypatch.setattr(gzipbody, "deflate", zlib)
    monkeypatch.setattr(gzipbody, "_crc32_combine", gzipbody._load_crc32_combine())
    assert gzipbody._crc32_combine is not None
    assert gzipbody._crc32_combine._flags_ & ctypes._FUNCFLAG_PYTHONAPI  # libz's, called keeping the GIL
    gz_zlib = b"".join(gzip_body(plain, 500))
    assert single_member(gz_zlib) == b"".join(plain) and gz_zlib != gz  # another encoder, same text


def test_segments_from_one_reused_compressor_stand_alone_in_any_order(monkeypatch) -> None:  # noqa: ANN001
    # Pieces that repeat each other's text: a compressor that kept its history would refer back to earlier ones.
    pieces = [b"".join(b'kube_pod_info{namespace="ns",pod="p%d",uid="u%d"} 1\n' % (i, j) for j in range(40))
              for i in range(60)]  # fmt: skip
    for module in (gzipbody.deflate, zlib):
        monkeypatch.setattr(gzipbody, "deflate", module)
        segs = [gzipbody.segment(c) for c in pieces]
        order = list(range(len(pieces))) * 2
        random.Random(7).shuffle(order)
        raw = b"".join(segs[i][0] for i in order) + gzipbody.FINAL_BLOCK
        assert zlib.decompress(raw, -15) == b"".join(pieces[i] for i in order)
        assert all(crc == zlib.crc32(c) and size == len(c) for (_, crc, size), c in zip(segs, pieces, strict=True))
    assert len(gzipbody._compressors.by_module) >= 2  # one compressor per module, reused


class _InlinePool:
    """Runs each piece when submitted, counting them."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, fn, *args):  # noqa: ANN001, ANN202
        self.submitted += 1
        f: Future = Future()
        f.set_result(fn(*args))
        return f


def test_a_body_is_compressed_only_a_few_pieces_ahead_of_what_was_sent(monkeypatch) -> None:  # noqa: ANN001
    pool = _InlinePool()
    monkeypatch.setattr(gzipbody, "_compress_pool", lambda: pool)
    plain = exposition([published_output(500)])
    stream = gzip_body(plain, 100)
    assert next(stream) == gzipbody.HEADER
    next(stream)  # the first segment
    assert pool.submitted == gzipbody.AHEAD + 1  # bounded memory per scrape, whatever the body's size
    stream.close()  # the client went away: nothing more is compressed
    assert pool.submitted == gzipbody.AHEAD + 1
    assert len(list(gzip_body(plain, 100))) > 3 * gzipbody.AHEAD  # (the body has many more pieces than that)


def test_the_shared_pool_is_started_once() -> None:
    assert gzipbody._compress_pool() is gzipbody._compress_pool()
    assert gzipbody._compress_pool()._max_workers == gzipbody.COMPRESS_THREADS


def test_a_piece_is_copied_into_the_threads_reused_buffer_and_compressed_exactly() -> None:
    cells = [b"x%d\n" % i * (i + 1) for i in range(200)]
    first = gzipbody._compress_piece(cells)
    buffer = gzipbody._compressors.piece
    assert len(buffer) >= sum(map(len, cells))
    second = gzipbody._compress_piece(cells[::-1])
    assert gzipbody._compressors.piece is buffer  # reused: no fresh mapping to fault in per piece
    for seg, parts in ((first, cells), (second, cells[::-1])):
        data, crc, size = seg
        assert zlib.decompress(data + gzipbody.FINAL_BLOCK, -15) == b"".join(parts)
        assert (crc, size) == (zlib.crc32(b"".join(parts)), len(b"".join(parts)))
    big = [b"y" * gzipbody.PIECE_SIZE, b"z" * gzipbody.PIECE_SIZE * 2]  # oversized: joined once, buffer kept small
    data, _, size = gzipbody._compress_piece(big)
    assert size == 3 * gzipbody.PIECE_SIZE and gzipbody._compressors.piece is buffer
    assert zlib.decompress(data + gzipbody.FINAL_BLOCK, -15) == b"".join(big)
