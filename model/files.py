"""Writing a file whole or not at all: every file the tool writes (results workbooks, the frontier
PNG, case workbooks and the template, the generated docs) goes through :func:`write_atomically`.

The bytes go to a temporary name in the target's folder, are flushed to disk, and the file is renamed
into place (``os.replace``): a reader never sees half a file, a failed or interrupted write leaves
whatever was there, and nothing half-written stays behind. The file gets the permissions a plain
``open()`` would give it (0666 less the umask), never wider. Whether a file may be replaced at all is
the caller's to decide before it writes (a results workbook of this tool, ``--force``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable


def write_atomically(path: Path | str, write: Callable[[BinaryIO], object]) -> Path:
    """Call ``write(fh)`` on a temporary file beside ``path``, then rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f"{path.suffix}.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private (0600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path
