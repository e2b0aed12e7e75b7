"""The rendered store: one copy of the bytes in per-family cells, changes folded only where lines changed."""

from __future__ import annotations

import random
import threading
import time

import pytest

from ksm_shard.store import ROWS_PER_BUCKET, ObjectStore, Relist, ScrapeGate


def lines(i: int, version: int = 0) -> tuple[bytes, bytes, bytes]:
    return (f'a{{o="{i}"}} {version}\n'.encode(), f'b{{o="{i}"}} 1\n'.encode(), b"" if i % 3 else f"c{i}\n".encode())


def body(store: ObjectStore) -> list[bytes]:
    return [cell for col in store.family_columns() for cell in col]


def as_set(store: ObjectStore) -> set[bytes]:
    return {line for cell in body(store) for line in cell.splitlines()}


def test_cells_hold_every_objects_lines_once() -> None:
    store = ObjectStore(3, n_buckets=8)
    for i in range(100):
        store.put(f"u{i}", lines(i))
    expected = {line for i in range(100) for chunk in lines(i) for line in chunk.splitlines()}
    assert as_set(store) == expected
    assert sum(len(c) for c in body(store)) == sum(len(c) for i in range(100) for c in lines(i))
    assert store.get("u42") == lines(42) and store.get("nope") is None and len(store) == 100


def test_a_change_rewrites_only_the_cells_whose_lines_changed() -> None:
    store = ObjectStore(3, n_buckets=8)
    for i in range(100):
        store.put(f"u{i}", lines(i))
    first = store.family_columns()
    store.put("u5", lines(5, version=7))  # only family "a" changes
    store.put("u6", lines(6))  # nothing changes
    second = store.family_columns()
    same = sum(1 for a, b in zip(first, second, strict=True) for x, y in zip(a, b, strict=True) if x is y)
    assert same == 8 * 3 - 1  # one cell of 24 rewritten
    assert b'a{o="5"} 7\n' in b"".join(body(store)) and b'a{o="5"} 0\n' not in b"".join(body(store))
    assert store.get("u5") == lines(5, version=7)


def mixed_lines(rng: random.Random, i: int) -> tuple[bytes, ...]:
    """Lines where each family changes (or empties) on its own, so changes touch different subsets of families."""
    return tuple(b"" if rng.random() < 0.25 else f'{f}{{o="{i}"}} {rng.randrange(3)}\n'.encode() for f in "abcd")


@pytest.mark.parametrize("fold_each", [False, True], ids=["batched", "one-change-per-fold"])
def test_deletes_and_row_reuse_keep_cells_exact(fold_each: bool) -> None:
    rng = random.Random(3)
    store = ObjectStore(4, n_buckets=4)
    truth: dict[str, tuple[bytes, ...]] = {}

    def expected() -> list[bytes]:
        return sorted(ln for ch in truth.values() for c in ch for ln in c.splitlines())

    for step in range(3000):
        uid = f"u{rng.randrange(200)}"
        if rng.random() < 0.3:
            assert store.delete(uid) == (uid in truth)
            truth.pop(uid, None)
        else:
            truth[uid] = mixed_lines(rng, int(uid[1:]))
            store.put(uid, truth[uid])
        if fold_each:  # a fold per change: its one-row paths (one update, one delete, one fresh row)
            store.fold_all()
        if step % 41 == 0:  # staged changes read back before they are folded
            assert all(store.get(u) == ch for u, ch in truth.items())
        if step % 97 == 0:  # scrapes now and then fold what is staged
            assert sorted(ln for cell in body(store) for ln in cell.splitlines()) == expected()
    assert sorted(ln for cell in body(store) for ln in cell.splitlines()) == expected()
    assert all(store.get(u) == ch for u, ch in truth.items()) and len(store) == len(truth)


def test_staged_changes_are_folded_before_they_pile_up() -> None:
    store = ObjectStore(3)
    for i in range(20000):
        store.put(f"u{i}", lines(i))
    buckets = [b for b in store._buckets if b is not None]
    staged = sum(len(b.pending) for b in buckets)
    assert staged <= 3 * len(buckets) + 20000 // 16  # never a full second copy of the lines
    # nor more than ~1/16 of any bucket's objects (a bound on the staged copies' memory under heavy churn)
    assert max(len(b.pending) - (len(b.rows) >> 4) for b in buckets) <= 2


def doubled_buckets(peak: int) -> int:
    """The buckets a store grown from one to ``peak`` objects has: doubled past ROWS_PER_BUCKET per bucket."""
    n = 1
    while peak > ROWS_PER_BUCKET * n:
        n *= 2
    return n


def test_buckets_double_as_the_store_grows_and_shrink_back_on_clear() -> None:
    store = ObjectStore(3)
    for i in range(5000):
        store.put(f"u{i}", lines(i), str(i))
    assert len(store._buckets) == doubled_buckets(5000) >= 32  # several doublings
    assert max(len(b.rows) for b in store._buckets if b is not None) < 3 * ROWS_PER_BUCKET
    assert all(store.get(f"u{i}") == lines(i) and store.version(f"u{i}") == str(i) for i in range(5000))
    assert as_set(store) == {ln for i in range(5000) for c in lines(i) for ln in c.splitlines()}
    store.clear()
    assert len(store) == 0 and body(store) == []


def test_relist_commits_in_one_step_and_keeps_unchanged_cells() -> None:
    store = ObjectStore(3, n_buckets=8)
    for i in range(100):
        store.put(f"u{i}", lines(i), "1")
    before = store.family_columns()
    relist = Relist()
    for i in range(100):
        if i == 7:
            continue  # deleted while we were away
        if store.version(f"u{i}") == "1" and i != 8:
            relist.keep(f"u{i}")
        else:
            relist.put(f"u{i}", lines(i, version=2), "2")
    relist.put("new", lines(1000), "3")
    assert store.family_columns() == before  # nothing visible before the commit
    assert store.commit(relist) == (2, 1)
    text = b"".join(body(store))
    assert b'o="7"' not in text and b'a{o="8"} 2\n' in text and b'a{o="1000"} 0\n' in text
    assert len(store) == 100 and store.version("u8") == "2" and store.version("u9") == "1"


def test_worker_malloc_tuning_applies_on_glibc_and_yields_to_the_environment(monkeypatch) -> None:  # noqa: ANN001
    import platform

    from ksm_shard import memory as server

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    for key in [k for k in __import__("os").environ if k.startswith("MALLOC_")]:
        monkeypatch.delenv(key)
    if platform.libc_ver()[0] == "glibc":
        assert server.tune_malloc() is True
        assert server._malloc_trim is not None
        server.release_free_memory()
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert server.tune_malloc() is False  # an operator's own setting is left alone


_ARENAS_SCRIPT = """
import ctypes, tempfile, threading
from ksm_shard.memory import tune_malloc
assert tune_malloc()
def rewrite_cells():  # what a watch thread's fold does: new cells, the old ones freed
    cells = [b"x" * 20000 for _ in range(100)]
    for i in range(1000):
        cells[i % 100] = b"y" * (20000 + i % 7)
threads = [threading.Thread(target=rewrite_cells) for _ in range(4)]
for t in threads:
    t.start()
rewrite_cells()
for t in threads:
    t.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
with tempfile.NamedTemporaryFile(suffix=".xml") as out:
    f = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, f)
    libc.fclose(f)
    print(open(out.name).read().count("<heap nr="))
"""


def test_every_thread_of_a_tuned_worker_allocates_from_one_arena() -> None:
    # Cells are freed by whichever thread rewrites them next; a second arena kept the holes a scrape's fold left
    # in the watch thread's arena, and RSS swung ~100 MB above the store (memory.tune_malloc).
    import os
    import platform
    import subprocess
    import sys

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("malloc tuning is glibc's")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", _ARENAS_SCRIPT], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1"]


def test_a_large_relist_stages_changed_objects_compressed_and_commits_them_exactly() -> None:
    def pod(i: int, v: int) -> tuple[bytes, ...]:  # pod-sized lines: a few hundred bytes per family
        head = f'{{namespace="shop",pod="web-{i}",uid="1b9f2a7e-0000-4000-8000-{i:012d}"'.encode()
        return tuple(b"".join(b"kube_pod_f%d%s,c=\"%d\"} %d\n" % (f, head, c, v) for c in range(3)) for f in range(3))

    store = ObjectStore(3)
    for i in range(3000):
        store.put(f"u{i}", pod(i, 0), "1")
    relist = Relist()
    for i in range(3000):
        relist.put(f"u{i}", pod(i, 5), "2")
    staged = sum(len(packed) for packed, *_ in relist.changed.values())
    assert staged < sum(len(c) for i in range(3000) for c in pod(i, 5)) / 2  # packed beyond the first 1000
    assert store.commit(relist) == (3000, 0) and not relist.changed
    assert all(store.get(f"u{i}") == pod(i, 5) for i in range(3000))
    assert as_set(store) == {ln for i in range(3000) for c in pod(i, 5) for ln in c.splitlines()}


def test_watch_threads_trim_the_heap_at_most_every_interval(monkeypatch) -> None:  # noqa: ANN001
    from ksm_shard import memory

    calls: list[int] = []
    monkeypatch.setattr(memory, "release_free_memory", lambda: calls.append(1))
    monkeypatch.setattr(memory, "_trimmed_at", 0.0)
    for _ in range(50):
        memory.release_free_memory_now_and_then()
    assert len(calls) == 1
    monkeypatch.setattr(memory, "_trimmed_at", memory._trimmed_at - memory.TRIM_INTERVAL)
    memory.release_free_memory_now_and_then()
    assert len(calls) == 2


def test_a_bucket_split_keeps_updates_deletes_and_reused_rows_exact() -> None:
    store = ObjectStore(3)
    truth: dict[str, tuple[bytes, ...]] = {}
    peak = 0
    for i in range(3000):  # deletes and updates between the doublings: free rows and rewritten cells get split
        store.put(f"u{i}", lines(i), "1")
        truth[f"u{i}"] = lines(i)
        peak = max(peak, len(truth))
        if i % 7 == 3:
            store.delete(f"u{i - 2}")
            truth.pop(f"u{i - 2}")
        if i % 11 == 5:
            store.put(f"u{i - 4}", lines(i - 4, version=2), "2")
            truth[f"u{i - 4}"] = lines(i - 4, version=2)
    assert len(store._buckets) == doubled_buckets(peak) >= 16
    for i in range(0, 3000, 5):  # and the split buckets take further changes
        if f"u{i}" in truth:
            store.put(f"u{i}", lines(i, version=3), "3")
            truth[f"u{i}"] = lines(i, version=3)
    assert all(store.get(u) == ch for u, ch in truth.items()) and len(store) == len(truth)
    assert as_set(store) == {ln for ch in truth.values() for c in ch for ln in c.splitlines()}
    assert store.version("u0") == "3" and store.version("u1") == "2" and store.version("u4") == "1"


def test_rows_of_deleted_objects_are_compacted_away_when_churn_replaces_objects() -> None:
    # Churn replaces pods by new ones whose UIDs hash to other buckets: a deleted object's row is not always
    # reused, and without compaction each bucket kept the bookkeeping of its high-water mark of rows.
    store = ObjectStore(3, n_buckets=1)
    for i in range(30):
        store.put(f"u{i}", lines(i))
    for i in range(0, 30, 3):
        store.delete(f"u{i}")
        store.delete(f"u{i + 1}")
    store.fold_all()
    (bucket,) = store._buckets
    assert bucket.n_rows == 10 and not bucket.free and len(bucket.row_hashes) == 10 * 3
    assert len(bucket.lens) == 10 * 3
    assert as_set(store) == {ln for i in range(2, 30, 3) for c in lines(i) for ln in c.splitlines()}
    assert all(store.get(f"u{i}") == lines(i) for i in range(2, 30, 3)) and store.get("u0") is None

    # Random replacements and updates across buckets: the lines stay exact through many compactions.
    store = ObjectStore(3, n_buckets=16)
    rng = random.Random(3)
    live = {f"u{i}": 0 for i in range(400)}  # uid -> version of its lines
    for uid in live:
        store.put(uid, lines(int(uid[1:])))
    for step in range(20000):
        uid = rng.choice(list(live))
        if step % 2:
            store.delete(uid)
            del live[uid]
            uid = f"u{400 + step}"
            live[uid] = 0
        else:
            live[uid] += 1
        store.put(uid, lines(int(uid[1:]), live[uid]))
    store.fold_all()
    buckets = [b for b in store._buckets if b is not None]
    assert all(len(b.free) <= 8 + (len(b.rows) >> 2) for b in buckets)
    assert all(len(b.row_hashes) == len(b.lens) == b.n_rows * 3 for b in buckets)
    assert as_set(store) == {ln for uid, v in live.items() for c in lines(int(uid[1:]), v) for ln in c.splitlines()}
    assert all(store.get(uid) == lines(int(uid[1:]), v) for uid, v in live.items())


def test_staged_objects_are_one_packed_buffer_each_and_fold_exactly() -> None:
    store = ObjectStore(3, n_buckets=4, published=False)  # a first LIST fills it unpublished
    for i in range(40):
        store.put(f"u{i}", lines(i))
    staged = [c for b in store._buckets if b is not None for c in b.pending.values()]
    assert staged and all(c.__class__ is bytes for c in staged)  # one buffer per object, not one per family
    assert all(store.get(f"u{i}") == lines(i) for i in range(40))  # readable while staged
    store.publish()
    assert not any(b.pending for b in store._buckets if b is not None)
    assert as_set(store) == {line for i in range(40) for chunk in lines(i) for line in chunk.splitlines()}
    assert all(store.get(f"u{i}") == lines(i) for i in range(40))
    store.put("u3", lines(3, version=7))  # a watch event after the LIST: packed too (no small objects pinning
    assert [c.__class__ for b in store._buckets if b for c in b.pending.values()] == [bytes]  # pymalloc arenas)
    assert store.get("u3") == lines(3, version=7) and b"a{o=\"3\"} 7\n" in b"".join(body(store))
    store.delete("u4")
    assert store.get("u4") is None and None in [v for b in store._buckets if b for v in b.pending.values()]
    assert b'a{o="4"}' not in b"".join(body(store)) and len(store) == 39


def _held(gate: ScrapeGate) -> tuple[threading.Thread, list[float]]:
    """A watch calling ``gate.wait()`` now, in a thread; the list gets how long it was held back, then when
    (monotonic) it was let go."""
    took: list[float] = []

    def watch() -> None:
        t = time.monotonic()
        gate.wait()
        now = time.monotonic()
        took.extend((now - t, now))

    th = threading.Thread(target=watch)
    th.start()
    return th, took


def test_scrape_gate_holds_watches_until_the_scrape_is_done() -> None:
    gate = ScrapeGate(hold=5.0, every=0.0)
    gate.enter()
    gate.enter()  # two scrapes at once: held until both are done
    th, took = _held(gate)
    time.sleep(0.3)
    gate.leave()
    time.sleep(0.2)
    assert not took  # still held: one scrape is left
    left = time.monotonic()
    gate.leave()
    th.join(5)
    assert took and took[0] < 2.0 and took[1] >= left, took  # let go by the last leave, not by the 5 s bound
    t = time.monotonic()
    gate.wait()  # no scrape: not held (a hold would last 5 s; 1 s leaves room for a descheduled thread)
    assert time.monotonic() - t < 1.0


def test_scrape_gate_bounds_how_long_and_how_often_it_holds() -> None:
    gate = ScrapeGate(hold=1.5, every=30.0)
    gate.enter()  # a scrape that never ends (a stalled client)
    th, took = _held(gate)
    th.join(10)
    assert took and 1.3 < took[0] < 4.0, took  # held at most ``hold``
    gate.leave()
    gate.enter()  # the next scrape within ``every``: no hold at all
    t = time.monotonic()
    gate.wait()
    assert time.monotonic() - t < 0.75
    gate.leave()
