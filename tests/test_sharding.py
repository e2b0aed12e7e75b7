"""The ownership rule (KEP-5866): FNV-1a-64 of the UID, contiguous hash ranges."""

import ctypes
import random
import uuid

import pytest

from ksm_shard import sharding
from ksm_shard.sharding import ShardFilter, fnv1a64, fnv1a64_py, shard_of, shard_range, shard_selector


def reference_fnv1a64(data: bytes) -> int:
    # Written independently from the spec: offset basis 14695981039346656037, prime 1099511628211.
    h = 14695981039346656037
    for b in data:
        h ^= b
        h = (h * 1099511628211) % 2**64
    return h


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", 0xCBF29CE484222325),  # the offset basis
        (b"a", 0xAF63DC4C8601EC8C),  # published FNV-1a test vector
        (b"foobar", 0x85944171F73967E8),  # published FNV-1a test vector
    ],
)
def test_known_vectors(data: bytes, expected: int) -> None:
    assert fnv1a64(data) == expected
    assert fnv1a64_py(data) == expected  # the fallback where the C hash is not installed
    assert reference_fnv1a64(data) == expected


def test_the_fast_c_hash_is_in_use_and_agrees_with_the_fallback() -> None:
    assert fnv1a64 is not fnv1a64_py  # fnv-c is a dependency: the hot path must not silently run the slow loop
    rng = random.Random(11)
    for n in range(300):
        data = rng.randbytes(n % 70)
        assert fnv1a64(data) == fnv1a64_py(data)


def test_the_ownership_hash_keeps_the_gil() -> None:
    # cffi lets go of the GIL around every call; taking it back behind a busy thread (another reflector listing,
    # a fold) cost ~100 us per object. The C function is called through ctypes.PyDLL, which keeps the GIL.
    fn = sharding._fnv1a64_gil
    assert fn is not None
    assert fn._flags_ & ctypes._FUNCFLAG_PYTHONAPI
    assert sharding.fnv1a64(b"foobar") == fn(b"foobar", 6) == 0x85944171F73967E8


def test_owns_is_the_same_with_every_hash_binding(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    uids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)).encode() for _ in range(500)]
    filters = [ShardFilter(i, 8) for i in range(8)]
    expected = [[shard_of(u, 8) == i for u in uids] for i in range(8)]
    assert [[f.owns(u) for u in uids] for f in filters] == expected
    monkeypatch.setattr(sharding, "_fnv1a64_gil", None)  # fnv-c's symbol not loadable: its cffi wrapper
    monkeypatch.setattr(sharding, "fnv1a64", sharding._fnv1a64_cffi)
    assert [[f.owns(u) for u in uids] for f in filters] == expected
    monkeypatch.setattr(sharding, "fnv1a64", fnv1a64_py)
    assert [[f.owns(u) for u in uids] for f in filters] == expected


def test_matches_independent_implementation_on_uids() -> None:
    rng = random.Random(7)
    for _ in range(200):
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4)).encode()
        assert fnv1a64(uid) == reference_fnv1a64(uid) == fnv1a64_py(uid)


def test_upstream_test_uid_lands_in_first_half() -> None:
    # kube-state-metrics' own sharding test uses "test_uid"; its hash is below 2**63, so shard 0 of 2.
    assert fnv1a64(b"test_uid") < 2**63
    assert shard_of("test_uid", 2) == 0


@pytest.mark.parametrize("n", range(1, 65))
def test_ranges_tile_the_hash_space(n: int) -> None:
    ranges = [shard_range(i, n) for i in range(n)]
    assert ranges[0][0] == 0
    assert ranges[-1][1] == 2**64
    for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
        assert end == start
    assert all(start < end for start, end in ranges)


def test_owns_agrees_with_shard_of_and_is_exclusive() -> None:
    rng = random.Random(1)
    filters = [ShardFilter(i, 5) for i in range(5)]
    for _ in range(2000):
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        owners = [f.shard for f in filters if f.owns(uid.encode())]
        assert owners == [shard_of(uid, 5)]


def test_balance_within_3_percent_for_8_shards() -> None:
    rng = random.Random(42)
    counts = [0] * 8
    n = 100_000
    for _ in range(n):
        counts[shard_of(str(uuid.UUID(int=rng.getrandbits(128), version=4)), 8)] += 1
    expected = n / 8
    assert all(abs(c - expected) / expected <= 0.03 for c in counts), counts


def test_selector_format_is_zero_padded_and_ends_at_2_64() -> None:
    assert shard_selector(0, 2) == "shardRange(object.metadata.uid,'0x0000000000000000','0x8000000000000000')"
    assert shard_selector(2, 3) == "shardRange(object.metadata.uid,'0xaaaaaaaaaaaaaaaa','0x10000000000000000')"


def test_invalid_shard_arguments() -> None:
    with pytest.raises(ValueError):
        shard_range(3, 3)
    with pytest.raises(ValueError):
        shard_range(0, 0)
