"""The hot path's shortcuts give the same answers as the general code they bypass.

format_value's integer path against its float path, the IPv4 regex of pods against ipaddress, and Fused
generators: a member called alone yields what the renderer writes for that family.
"""

from __future__ import annotations

import ipaddress
import itertools
import random
from dataclasses import replace

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.render import format_value
from ksm_shard.resources.base import FusedMember
from ksm_shard.resources.pods import RESOURCE as PODS
from ksm_shard.resources.pods import _ip_family, _parsed_ip_family
from ksm_shard.sim.cluster import generate_cluster


def test_integer_format_equals_float_format() -> None:
    rng = random.Random(7)
    edges = [10**k + d for k in range(5, 17) for d in (-1, 0, 1, 7, 10 ** (k - 1))]
    for v in edges + [rng.randrange(10**6, 10**15) for _ in range(20000)]:
        assert format_value(v) == format_value(float(v)), v  # every integer below 2**53 is exact as a float64
    assert format_value(1795167003) == "1.795167003e+09"
    assert format_value(268435456) == "2.68435456e+08"
    assert format_value(1000000) == "1e+06"
    assert format_value(999999999999999) == "9.99999999999999e+14"


def _parses_as_ipv4(s: str) -> bool:
    try:
        return ipaddress.ip_address(s).version == 4
    except ValueError:
        return False


def test_ipv4_regex_accepts_exactly_what_ipaddress_accepts() -> None:
    octets = ("0", "00", "01", "1", "9", "10", "99", "100", "199", "200", "249", "250", "255", "256", "300", "1000",
              "\u0663", "", "a", " 1", "1 ")  # fmt: skip
    for combo in itertools.product(octets, repeat=4):
        s = ".".join(combo)
        assert (_ip_family(s) == "4") == (_parsed_ip_family(s) == "4") == _parses_as_ipv4(s), s
    for s in ("1.2.3.4\n", "1.2.3", "1.2.3.4.5", "::ffff:1.2.3.4", "fd00::1", "fe80::1%eth0", "10.0.0.1"):
        assert _ip_family(s) == _parsed_ip_family(s), s


def test_fused_members_called_alone_match_the_rendered_families() -> None:
    everything = GenerationOptions(family_filter=lambda name, opt_in: True)
    renderer = ResourceRenderer(PODS, everything)
    members = [(i, f) for i, f in enumerate(renderer.families) if isinstance(f.gen, FusedMember)]
    assert len(members) > 30
    # each member as a plain generator of its own (FusedMember.__call__), in a resource with only that family
    alone = [ResourceRenderer(replace(PODS, families=(replace(f, gen=lambda o, g=f.gen: g(o)),)), everything)
             for _, f in members]  # fmt: skip
    for pod in generate_cluster(200, seed=3)["pods"]:
        out = renderer.render(pod)
        assert out is not None
        for (i, fam), r in zip(members, alone, strict=True):
            assert r.render(pod) == (out[i],), fam.name
    assert renderer.errors == 0
