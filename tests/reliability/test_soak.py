"""A short soak: 100 binds held while four of them submit with receipts for 15 s; the
server's resident memory must not keep growing after a warm-up. The long run (1,000 binds,
10 minutes) is ``benchmarks/soak.py``; its result is in docs/reliability.md."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from .conftest import REPO

# Generous for allocator noise; the memory store, which keeps every message, grows by more
# than this in the same run (see docs/reliability.md).
GROWTH_LIMIT_KIB = 20 * 1024


def load_soak() -> ModuleType:
    spec = importlib.util.spec_from_file_location("soak", REPO / "benchmarks" / "soak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("soak", module)
    spec.loader.exec_module(module)
    return module


def test_memory_stays_flat_under_load_with_100_binds() -> None:
    result = load_soak().soak(100, 15.0, sample=1.0, warmup=5.0, drain=3.0)
    assert result["server_alive"]
    assert result["bound"] == 100
    assert result["closed_by_server"] == 0
    assert result["refused"] == 0
    assert result["submitted"] > 0
    assert result["receipts"] > 0
    growth = result["rss_end_kib"] - result["rss_after_warmup_kib"]
    assert growth < GROWTH_LIMIT_KIB, (
        f"RSS grew by {growth} KiB after warm-up over {result['submitted']} messages: "
        f"{result['samples']}"
    )
