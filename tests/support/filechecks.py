"""What a written PNG or PDF holds beyond its magic bytes: image size and content, page count and text."""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG's header chunk (IHDR, always first)."""
    data = Path(path).read_bytes()
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def png_colours(path: Path) -> int:
    """How many distinct colours the image uses (a blank or one-colour image has 1)."""
    import matplotlib.image as mpimg
    import numpy as np
    pixels = mpimg.imread(str(path))
    flat = (pixels.reshape(-1, pixels.shape[-1]) * 255).round().astype(np.uint8)
    return len(np.unique(flat, axis=0))


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def pdf_text(path: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
