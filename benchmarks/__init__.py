"""Benchmarks for ksm-shard (not part of the unit tests)."""
