"""ksm-shard: kube-state-metrics as a horizontally sharded Python exporter."""

__version__ = "0.1.0"
