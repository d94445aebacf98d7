"""Every file the tool writes goes through one atomic write (model/files.py): whole or not at all,
with the permissions a plain file would get."""

from __future__ import annotations

import os
import stat

import pytest

from model.files import write_atomically


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_writes_the_bytes_and_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        path = write_atomically(tmp_path / "sub" / "a.xlsx", lambda fh: fh.write(b"abc"))
    finally:
        os.umask(old)
    assert path.read_bytes() == b"abc"
    assert _mode(path) == 0o640  # 0666 less the umask: never wider than a plain open() would make it
    assert [p.name for p in path.parent.iterdir()] == ["a.xlsx"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_and_nothing_else(tmp_path):
    path = tmp_path / "a.png"
    path.write_bytes(b"old")

    def broken(fh):
        fh.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(path, broken)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]


def test_the_writers_use_it(tmp_path):
    """The case workbook (template), the results workbook and the PNG are written through it."""
    import inspect

    from model.case import workbook
    from model.results.excel import png, stream
    for module in (workbook, png, stream):
        source = inspect.getsource(module)
        assert "write_atomically" in source and "os.replace" not in source and "mkstemp" not in source
