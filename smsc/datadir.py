"""One server per data dir: a lock file held for the server's whole life.

Two ``smsc serve`` on one SQLite store would each take the other's queue and show each
other's messages. The first takes an exclusive ``flock`` on ``<data dir>/smsc.lock`` and
writes its PID and addresses into it; a second finds the lock taken and is refused with that
text. The kernel drops the lock when the holder's process ends, however it ends (SIGKILL and
crashes included), so a stale file never blocks a restart; the file itself stays.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

__all__ = ["LOCK_NAME", "DataDirBusyError", "DataDirLock"]

LOCK_NAME = "smsc.lock"


class DataDirBusyError(Exception):
    """Another process holds the data dir. ``holder`` is what it wrote (PID, addresses)."""

    def __init__(self, data_dir: Path, holder: str) -> None:
        self.data_dir = data_dir
        self.holder = holder
        super().__init__(f"data dir {data_dir} is in use by another smsc serve ({holder})")


class DataDirLock:
    """An exclusive lock on a data dir; ``acquire`` it, ``describe`` the holder, ``release``."""

    def __init__(self, data_dir: Path, fd: int) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, data_dir: str | Path) -> DataDirLock:
        """Take the lock (creating the dir and the file), or raise DataDirBusyError."""
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode(errors="replace").strip()
            os.close(fd)
            raise DataDirBusyError(data_dir, holder or "PID unknown: it is starting") from None
        except BaseException:
            os.close(fd)
            raise
        lock = cls(data_dir, fd)
        lock.describe(f"PID {os.getpid()}, starting")
        return lock

    def describe(self, holder: str) -> None:
        """Write what a refused second server is told about this one (PID, addresses)."""
        if self._fd is None:
            return
        data = holder.encode()
        os.pwrite(self._fd, data, 0)
        os.ftruncate(self._fd, len(data))

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
