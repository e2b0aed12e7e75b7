"""The worker's heap: glibc settings that keep RSS close to what the store holds, and giving free pages back.

A scrape folds staged changes into new cells on whichever gunicorn thread serves it, and glibc gives threads
arenas of their own (up to 8 per core), so the cells an arena freed were not reused by the next scrape's thread;
and new cells rarely fit the holes old ones left (they grow and shrink by a few bytes). Without this, RSS crept
up by about the churned share of the store per scrape (and with two arenas, swung by about that much).
"""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import Callable

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8  # glibc mallopt parameters
_malloc_trim: Callable[[int], int] | None = None
_trimmed_at = 0.0
TRIM_INTERVAL = 10.0  # seconds between the trims watch threads ask for (a trim of a 300 MB heap takes ~10 ms)


def tune_malloc() -> bool:
    """One arena for the process and a fixed mmap threshold (glibc only; elsewhere a no-op). True if applied.

    One arena, not the usual MALLOC_ARENA_MAX=2 advice: a cell is freed by whichever thread rewrites it next (the
    watch thread's fold or a scrape's), and a block freed into another thread's arena only serves that arena's
    threads. With two, every scrape's fold moved the cells it rewrote into its own arena and left holes in the
    watch thread's: in-process, 20k pods under 1k changes/s with a scrape every 15 s, the heap grew 244 -> 376 MB
    for ~235 MB in use, and RSS swung up to 405-426 MB between trims; with one, the heap stayed at 259-275 MB and
    RSS peaked at 310-326. Nearly all allocation happens under the GIL, so the arena lock is not contended (CPU
    per pod event end to end the same within noise: 174-237 us with one, 187-231 with two).

    A fixed 128 KB mmap threshold keeps 256 KB watch read buffers out of the heap, so they go back when done. (A
    1 MB threshold made a 200 MB plain scrape ~100 ms faster, since each write reused heap memory instead of
    page-faulting a fresh mapping, but RSS then crept up ~7% in 15 minutes of the churn soak: big short-lived
    blocks of many sizes between long-lived cells fragment the heap. Plain-HTTP responses are now written from the
    cells themselves, and TLS ones in writes sized under the threshold, server.py.)
    Environment settings (MALLOC_ARENA_MAX, ...) win: glibc applied them at start and they are left alone.
    """
    global _malloc_trim
    if any(k.startswith("MALLOC_") for k in os.environ):
        return False
    try:
        libc = ctypes.CDLL(None)  # the process's own symbols (glibc's); find_library would spawn ldconfig
        mallopt = libc.mallopt
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    trim.argtypes = [ctypes.c_size_t]
    _malloc_trim = trim
    ok = mallopt(M_ARENA_MAX, 1) == 1
    ok = mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1 and ok
    return mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024) == 1 and ok


def release_free_memory() -> None:
    """Give the heap's free pages back to the system (glibc's malloc_trim releases pages inside the heap too).

    Called after a scrape and after a (re)list, the two moments that free many cells or staged lines at once.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


def release_free_memory_now_and_then() -> None:
    """``release_free_memory`` at most every TRIM_INTERVAL seconds: a watch thread that handled events and is
    caught up calls this, so the heap a burst of churn grew goes back without waiting for a scrape."""
    global _trimmed_at
    now = time.monotonic()
    if now - _trimmed_at >= TRIM_INTERVAL:
        _trimmed_at = now
        release_free_memory()
