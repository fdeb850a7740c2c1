"""Write a file so that a reader sees the old complete file or the new complete one, never a part."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_file_atomic(path: str | Path, data: str | bytes, mode: int | None = 0o644, fsync: bool = True) -> Path:
    """Write ``data`` (text as UTF-8) to a temporary file in ``path``'s folder, then rename it over
    ``path``. ``mode``: the file's permissions (None keeps the temporary file's 0600); ``fsync``: flush it
    to disk before the rename (off for files rewritten many times a second, such as progress)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
