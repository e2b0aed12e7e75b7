"""Benchmark scenarios: cluster size, shard counts, sharding modes, churn rates and measurement windows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class Scenario:
    name: str
    pods: int
    nodes: int | None = None  # None: the generator's default, pods/30 (5000 nodes at 150k pods)
    shards: tuple[int, ...] = (1, 2, 4, 8)  # 1 is the unsharded reference, run once (no shardSelector is sent)
    modes: tuple[str, ...] = ("server", "client")  # server-side shardSelector / client-side filtering
    event_rates: tuple[float, ...] = (200.0, 1000.0)  # steady pod churn windows for CPU per event
    event_window_s: float = 15.0
    idle_window_s: float = 3.0
    scrapes: int = 10  # per shard, per encoding, per condition (p99 is nearest-rank: the max below 100)
    scrape_churn_rate: float = 1000.0  # churn (all resources) during the "under churn" scrapes
    # Under churn, gzip scrapes come as Prometheus' do: every shard once per interval, after warm-up rounds (an
    # exporter learns the cadence from the last three; measuring back-to-back scrapes after minutes without any
    # measures a scraper nobody runs).
    gzip_scrape_interval_s: float = 5.0
    gzip_warmup_rounds: int = 3
    ramp_rates: tuple[float, ...] = (250.0, 500.0, 1000.0, 2000.0, 4000.0)
    ramp_window_s: float = 8.0
    lag_bound_s: float = 2.0  # a shard keeps up when marker lag and drain time after the window stay below this
    hotpath_pods: int = 20000
    seed: int = 0

    def to_json(self) -> dict:
        return asdict(self)


SCENARIOS: dict[str, Scenario] = {
    "quick": Scenario(
        "quick",
        pods=3000,
        shards=(1, 3),
        event_rates=(1000.0,),
        event_window_s=3.0,
        idle_window_s=1.0,
        scrapes=3,
        gzip_scrape_interval_s=1.0,
        ramp_rates=(500.0, 1500.0),
        ramp_window_s=1.5,
        hotpath_pods=3000,
    ),
    "medium": Scenario("medium", pods=20000),
    "10k": Scenario("10k", pods=10000),
    "50k": Scenario("50k", pods=50000, event_window_s=20.0),
    "150k": Scenario("150k", pods=150000, nodes=5000, event_window_s=20.0, scrapes=5),
}
FULL = ("10k", "medium", "50k", "150k")  # --scenario full runs these one after the other


def customized(base: Scenario, **overrides: object) -> Scenario:
    kw = {k: v for k, v in overrides.items() if v is not None}
    if "pods" in kw and "name" not in kw:
        kw["name"] = f"{kw['pods'] // 1000}k" if kw["pods"] % 1000 == 0 else f"{kw['pods']}pods"
    return replace(base, **kw)
