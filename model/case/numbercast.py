"""openpyxl's number cast made tolerant of what other programs write in a number cell, for one read.

openpyxl 3.1 reads a number cell's text with ``int()`` or ``float()`` (``openpyxl.worksheet._reader.
_cast_number``, a private function) and raises from inside the row iterator on ``NaN``, ``INF`` or
``1,5``: the whole sheet would be lost and the cell unknown. :func:`tolerant_number_cast` replaces
that function while a workbook is read and puts openpyxl's own back afterwards, so that nothing else
in the process (the writers, a user's own openpyxl code) sees a changed openpyxl.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_original = None


def _tolerant_cast_number(original):
    """openpyxl's number cast, tolerant: ``NaN`` and ``INF`` read as the floats they name (the reader
    then says 'expected a finite number' at the cell) and other text reads as text ('expected a
    number' at the cell). A cell openpyxl reads is read exactly as before."""
    def cast(value):
        try:
            return original(value)
        except (ValueError, OverflowError):
            try:
                return float(value)
            except (ValueError, OverflowError):
                return str(value)
    cast._sourcing_tolerant = True
    return cast


def _reader_module():
    try:
        from openpyxl.worksheet import _reader
    except ImportError:  # pragma: no cover - another openpyxl layout: the per-sheet guard still holds
        return None
    return _reader if callable(getattr(_reader, "_cast_number", None)) else None


@contextmanager
def tolerant_number_cast():
    """While the block runs, openpyxl casts number cells tolerantly; on leaving, its own cast is
    back. Nested or concurrent reads share one replacement; the last to leave restores it."""
    global _depth, _original
    module = _reader_module()
    if module is None:  # pragma: no cover - see _reader_module
        yield
        return
    with _lock:
        if _depth == 0:
            _original = module._cast_number
            module._cast_number = _tolerant_cast_number(_original)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                module._cast_number = _original
                _original = None
