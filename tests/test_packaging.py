"""The package as a user gets it: ``pip install <repo>`` (not editable) in a venv of their own.

The wheel is built from a copy of the sources (so the build never writes into the work tree)
and read as a zip; one slow test installs it into a fresh venv and runs the command, ``python
-m smsc`` and a user's test file that takes the plugin's ``smsc`` fixture.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "smsc" / "http" / "static" / "ui"
# Installed with the test extras only: oracles and load tools, never needed at run time.
TEST_ONLY = {"pytest", "hypothesis", "smpplib", "aiosmpplib", "smpp-pdu3", "locust", "selenium"}


def _clean_env() -> dict[str, str]:
    """The environment of a user's shell: the repo is not on the import path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    shutil.copy(REPO / "pyproject.toml", src)
    shutil.copy(REPO / "README.md", src)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for pattern in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]:
        top = pattern.rstrip("*")
        shutil.copytree(REPO / top, src / top, ignore=skip)
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=out,
        env=_clean_env(),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (found,) = out.glob("smsc-*.whl")
    return found


def _dist_info(zf: zipfile.ZipFile, name: str) -> str:
    (path,) = [n for n in zf.namelist() if n.endswith(f".dist-info/{name}")]
    return zf.read(path).decode()


def test_wheel_holds_the_web_inbox_files(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for f in STATIC.iterdir():
            packed = f"smsc/http/static/ui/{f.name}"
            assert packed in names, f"{packed} missing from the wheel"
            assert zf.read(packed) == f.read_bytes()
    assert "smsc/__main__.py" in names  # python -m smsc


def test_wheel_declares_the_command_and_the_pytest_plugin(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        entry_points = configparser.ConfigParser()
        entry_points.read_string(_dist_info(zf, "entry_points.txt"))
    assert dict(entry_points["console_scripts"]) == {"smsc": "smsc.cli:main"}
    assert dict(entry_points["pytest11"]) == {"smsc": "smsc.pytest_plugin"}


def test_wheel_needs_no_test_only_package_at_run_time(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        metadata = Parser().parsestr(_dist_info(zf, "METADATA"))
    required = [r for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r]
    names = {r.split(";")[0].split(">")[0].split("=")[0].strip().lower() for r in required}
    assert "twisted" in names
    assert not names & TEST_ONLY, names & TEST_ONLY


USER_TEST = """
import urllib.request


def test_a_reply_reaches_the_inbox(smsc):
    message_id = smsc.send_mo("447700900123", "12345", "YES")
    assert smsc.wait_for_message(direction="mo", text="YES")["id"] == message_id
    with urllib.request.urlopen(smsc.http_url + "/", timeout=10) as page:
        assert b"inbox.js" in page.read()
"""


@pytest.mark.slow
def test_installed_into_a_fresh_venv_the_command_and_plugin_work(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    env = _clean_env()

    def run(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, check=False, cwd=app, env=env
        )
        assert proc.returncode == 0, f"{argv}:\n{proc.stdout}\n{proc.stderr}"
        return proc

    app = tmp_path / "app"  # the user's project: not the repo, so nothing is imported from it
    app.mkdir()
    run(sys.executable, "-m", "venv", str(venv))
    py, bin_ = str(venv / "bin" / "python"), venv / "bin"
    run(py, "-m", "pip", "install", "--quiet", str(wheel), "pytest", timeout=600)

    assert "serve" in run(str(bin_ / "smsc"), "--help").stdout
    assert "--smpp-port" in run(py, "-m", "smsc", "serve", "--help").stdout
    fixtures = run(str(bin_ / "pytest"), "--fixtures", "-p", "no:cacheprovider").stdout
    assert "fixtures defined from smsc.pytest_plugin" in fixtures, fixtures
    for name in ("smsc", "smsc_session", "smsc_fresh"):
        assert re.search(rf"^{name} ", fixtures, re.MULTILINE), fixtures
    (app / "test_app.py").write_text(USER_TEST)
    result = run(str(bin_ / "pytest"), "-q", "-p", "no:cacheprovider", "test_app.py")
    assert "1 passed" in result.stdout
