"""Reading the files slint checks, within a size limit, without blocking on special files.

Light on purpose (no parser imported): the config path, discovery and the fixer use it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The largest file slint reads: a generated template or module beyond it is skipped
# with a warning (each file is held in memory several times over: bytes, text, trees).
MAX_FILE_BYTES = 10_000_000

# Opening a FIFO for reading blocks until a writer comes; O_NONBLOCK returns at once
# (it changes nothing for a regular file).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class DiscoveryError(Exception):
    """A path given on the command line that cannot be checked (`slint.discovery`)."""


class FileTooBig(OSError):
    """A file over `MAX_FILE_BYTES`, not read (an OSError: code that cannot read a file
    for any reason goes on without it)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes, over slint's limit for one file")
        self.size = size


def too_big_warning(display: str, size: int) -> str:
    return (
        f"{display}: {size / 1_000_000:.1f} MB, over slint's "
        f"{MAX_FILE_BYTES // 1_000_000} MB limit for one file; skipped"
    )


def read_limited(path: Path) -> bytes:
    """The bytes of `path`, refused (`FileTooBig`) without reading them when it has
    more than `MAX_FILE_BYTES`. OSError as from `Path.read_bytes`."""
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        if stat.S_ISREG(status.st_mode) and status.st_size > MAX_FILE_BYTES:
            raise FileTooBig(status.st_size)
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:  # it grew while being read, or reports no size
        raise FileTooBig(len(data))
    return data


def read_text_limited(path: Path, errors: str = "strict") -> str:
    """`read_limited`, decoded as UTF-8 (a BOM is dropped)."""
    return read_limited(path).decode("utf-8-sig", errors)
