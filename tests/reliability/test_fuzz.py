"""The atheris fuzz target for the framer and decoder, run briefly (20,000 inputs from a seed
corpus of one valid PDU per type). The long run is a documented command in
docs/reliability.md."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TARGET = REPO / "fuzz" / "fuzz_framer.py"
RUNS = 20_000

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (it ships Linux wheels for CPython; pip install atheris)",
)


def test_fuzz_target_survives_a_brief_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(TARGET), "--seed-corpus", str(corpus)], check=True)
    proc = subprocess.run(
        [
            sys.executable,
            str(TARGET),
            f"-runs={RUNS}",
            "-max_len=4096",
            "-rss_limit_mb=1024",
            "-max_total_time=60",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert "Uncaught Python exception" not in output
    assert f"Done {RUNS} runs" in output, output[-2000:]
