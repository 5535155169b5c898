"""The layers of docs/design.md as a contract: import-linter checks the contracts in
pyproject.toml ([tool.importlinter]) against every import of pdu/, smsc/, carriers/ and
loadtests/. A broken contract fails here with import-linter's report (which import, through
which chain)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


PACKAGES = ("pdu", "smsc", "carriers", "loadtests")


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    return list(config["contracts"])


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    beside = Path(sys.executable).parent / "lint-imports"
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: install the test extras (scripts/test does)"
    return subprocess.run(
        [found, "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    proc = lint_imports(REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken." in proc.stdout, proc.stdout


def test_each_contract_catches_an_import_across_its_layer(tmp_path: Path) -> None:
    # A contract that cannot fail protects nothing: in a copy of the tree, one forbidden
    # import per contract must break exactly that many contracts.
    for name in PACKAGES:
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    core = tmp_path / "smsc" / "core.py"
    core = core if core.exists() else tmp_path / "smsc" / "core" / "__init__.py"
    forbidden = {
        tmp_path / "pdu" / "text.py": "import carriers.config",
        tmp_path / "carriers" / "network.py": "import smsc.model",
        tmp_path / "smsc" / "smpp" / "window.py": "import smsc.config",
        core: "import twisted.internet",
        tmp_path / "loadtests" / "client.py": "import smsc.store",
    }
    for path, line in forbidden.items():
        path.write_text(path.read_text() + f"\n{line}  # across the layer\n")
    proc = lint_imports(tmp_path)
    assert proc.returncode != 0
    assert f"Contracts: 0 kept, {len(contracts())} broken." in proc.stdout, proc.stdout


# Generated from the codec's tables (python -m pdu._codegen): long by design, never edited.
GENERATED = {Path("pdu/_generated.py")}
MAX_MODULE_LINES = 700  # docs/design.md: small modules with one job each


def test_no_hand_written_module_of_the_server_or_carriers_is_over_700_lines() -> None:
    long = {
        str(path.relative_to(REPO)): n
        for top in ("smsc", "carriers")
        for path in (REPO / top).rglob("*.py")
        if path.relative_to(REPO) not in GENERATED
        and (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these by concern (docs/design.md): {long}"
