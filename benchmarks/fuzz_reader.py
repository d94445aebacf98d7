"""Fuzz the case reader: mutate valid workbooks and check that it never raises, only reports.

Not part of the test suite. Run: ``.venv/bin/python benchmarks/fuzz_reader.py --minutes 10``
(``--seed N`` for another sequence, ``--save DIR`` to keep the inputs that fail).

Seeds: the corpus base case (tests/support/malformed.py), the template, and the default case in inputs/.
Each input is one of three kinds of mutation, in turn:

- ``cells``: one to four cells, rows, columns or sheet names of a seed's grid changed to odd
  values (NaN, infinity, huge integers, booleans, dates, error codes, formulas, long or unicode
  text, ids from elsewhere, blank, ``*``), written as a bare .xlsx;
- ``xml``: the XML of one part of a seed's zip (a sheet, the workbook, the shared strings, the
  relationships, the content types) changed: a cell's type or value, a reference, a span deleted
  or repeated, merged ranges, sheet states, a dimension, random characters;
- ``bytes``: the file's bytes flipped, truncated, repeated or spliced.

The oracle, for every input: ``check_workbook`` returns ``(case, report)`` and raises nothing; the
case is there exactly when the report has no error; every issue prints; the file is not changed;
reading takes less than ``--timeout`` seconds. A failure is counted by its kind and the place it
was raised, and the first input of each is saved.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import io
import math
import random
import re
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from openpyxl import load_workbook  # noqa: E402

from support.malformed import corpus_grid, write_base  # noqa: E402
from model.case.reader import check_workbook  # noqa: E402
from model.case.template import write_template  # noqa: E402
from test_reader import write_plain_xlsx  # noqa: E402

ODD_VALUES = [
    None, "", " ", "*", "**", ",", " , ", "-", "0", "-0", "1e309", "NaN", "nan", "inf", "-inf", "Infinity",
    0, -1, -0.0, 1, 2, 3, 7, 1.5, -2.5, 1e-320, 1e308, -1e308, 10**20, 10**400 // 10**100, 2**63,
    math.nan, math.inf, -math.inf, True, False, datetime.datetime(2026, 1, 31), datetime.datetime(1899, 12, 30),
    "yes", "no", "maybe", "TRUE", "x", "#N/A", "#DIV/0!", "#REF!", "#VALUE!", "=1+1", "=A1", "=SUM(", "'quoted",
    "Ω" * 3, "名前", "a\u00a0b", "tab\tnewline\n", "x" * 300, "X" * 5000, "CN", "free", "free, CN",
    "us_plant>cn_baotou", "PLANT>SUP_CN", "*, REE", "REE", "dual_use", "in_force", "scenario", "off", "quota",
    "licence", "ban", "rule", "outage", "price", "max_share_origin", "min_suppliers", "own", "warehouse", "magnet",
]

XML_TOKENS = [
    "NaN", "INF", "-INF", "1E+400", "1e-400", "99999999999999999999999999", "1" * 5000, "", " ", "abc", "1,5",
    "0x10", "-", "TRUE", "2026-01-01T00:00:00", "#NUM!", "-1", "0", "4294967296", "1.5",
]
CELL_TYPES = ["n", "s", "b", "e", "d", "str", "inlineStr", "zz", ""]
XML_SNIPPETS = [
    '<mergeCells count="1"><mergeCell ref="A1:C3"/></mergeCells>', '<mergeCell ref="B2:B9"/>',
    '<mergeCell ref="A1:XFD1048576"/>', '<mergeCell ref="ZZZ"/>', '<dimension ref="A1:XFD1"/>',
    '<dimension ref="A1:C1048576"/>', '<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    '<row r="0"/>', '<c r="A1" t="s"><v>999999</v></c>', '<c r="A1" t="b"><v>2</v></c>',
    '<c r="A1" t="d"><v>yesterday</v></c>', '<c r="XFE1"><v>1</v></c>', '<c r="A0"><v>1</v></c>',
    '<c><v>1</v></c>', '<c r="A1" s="999"><v>1</v></c>', '<f>1/0</f>', '<is><t>x</t></is>',
    'state="hidden"', 'state="veryHidden"', 'sheetId="1"', 'r:id="rId999"', "&amp;", "&bogus;", "<![CDATA[x]]>",
]


class Timeout(BaseException):
    """Raised by the alarm: a BaseException, so that the reader's own ``except Exception`` lets it through."""


def _alarm(signum, frame):
    raise Timeout()


# --------------------------------------------------------------------------------------------------
# seeds
# --------------------------------------------------------------------------------------------------


def grid_of(path: Path) -> dict[str, list[list]]:
    wb = load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def seeds(work: Path) -> tuple[list[dict], list[bytes]]:
    """Grids (for cell mutations) and files (for XML and byte mutations)."""
    base = write_base(work / "seed_base.xlsx")
    template = write_template(work / "seed_template.xlsx")
    default = ROOT / "inputs" / "rare_earth_magnets.xlsx"
    grids = [corpus_grid(), grid_of(template)]
    files = [base.read_bytes(), template.read_bytes()]
    if default.exists():
        grids.append(grid_of(default))
        files.append(default.read_bytes())
    plain = write_plain_xlsx(work / "seed_plain.xlsx", corpus_grid())
    files.append(plain.read_bytes())
    return grids, files


# --------------------------------------------------------------------------------------------------
# mutations
# --------------------------------------------------------------------------------------------------


def odd_value(rng: random.Random, grid: dict):
    if rng.random() < 0.25:  # a value from elsewhere in the workbook: an id, a header, a list
        sheet = rng.choice(list(grid))
        rows = grid[sheet]
        if rows:
            line = rng.choice(rows)
            if line:
                return rng.choice(line)
    return rng.choice(ODD_VALUES)


def mutate_cells(rng: random.Random, grid: dict) -> dict:
    grid = copy.deepcopy(grid)
    for _ in range(rng.randint(1, 4)):
        sheet = rng.choice(list(grid))
        rows = grid[sheet]
        op = rng.random()
        if op < 0.60 or not rows:
            if not rows:
                rows.append([])
            r = rng.randrange(len(rows) + 1)
            if r == len(rows):
                rows.append([])
            line = rows[r]
            c = rng.randrange(len(line) + 2)
            line.extend([None] * (c + 1 - len(line)))
            line[c] = odd_value(rng, grid)
        elif op < 0.68:
            del rows[rng.randrange(len(rows))]
        elif op < 0.74:
            rows.insert(rng.randrange(len(rows) + 1), list(rng.choice(rows)))
        elif op < 0.80:
            c = rng.randrange(max(len(rows[0]), 1))
            for line in rows:
                if c < len(line):
                    del line[c]
        elif op < 0.86:
            new = rng.choice([sheet.upper(), sheet + " ", " " + sheet, sheet + "_old", rng.choice(list(grid)) + " ",
                              "x" * 31, sheet[:-1]])
            if new not in grid and len(new) <= 31:
                grid = {(new if k == sheet else k): v for k, v in grid.items()}
        elif op < 0.92:
            del grid[sheet]
            if not grid:
                grid["empty"] = []
        else:
            grid[sheet] = rows[:1] if rng.random() < 0.5 else []
    return grid


def _mutate_xml(rng: random.Random, text: str) -> str:
    op = rng.random()
    if op < 0.25:  # a value
        spans = [m.span(1) for m in re.finditer(r"<v>([^<]*)</v>", text)]
        if spans:
            a, b = rng.choice(spans)
            return text[:a] + rng.choice(XML_TOKENS) + text[b:]
    if op < 0.40:  # a cell's type
        spans = [m.span() for m in re.finditer(r'<c r="[A-Z]+\d+"', text)]
        if spans:
            a, b = rng.choice(spans)
            t = rng.choice(CELL_TYPES)
            return text[:b] + (f' t="{t}"' if t else "") + text[b:]
    if op < 0.50:  # an attribute's value (a reference, a count, an id)
        spans = [m.span(1) for m in re.finditer(r'="([^"]*)"', text)]
        if spans:
            a, b = rng.choice(spans)
            return text[:a] + rng.choice(["", "A1", "ZZ0", "-1", "999999", "B2:A1", "rId1", "hidden", "x" * 40,
                                          "veryHidden", "1048577", "A1:XFD1048576"]) + text[b:]
    if op < 0.65:  # a snippet inserted
        at = rng.choice([m.end() for m in re.finditer(r">", text)] or [0])
        return text[:at] + rng.choice(XML_SNIPPETS) + text[at:]
    if op < 0.80:  # a span deleted or repeated
        if len(text) > 2:
            a = rng.randrange(len(text))
            b = min(len(text), a + rng.randint(1, 200))
            return text[:a] + (text[a:b] * 2 if rng.random() < 0.5 else "") + text[b:]
    if op < 0.90:  # the sheet's rows shuffled (r= attributes then disagree with the order)
        rows = re.findall(r"<row [^>]*>.*?</row>", text, flags=re.S)
        if len(rows) > 2:
            a, b = rng.sample(range(len(rows)), 2)
            return text.replace(rows[a], "\0", 1).replace(rows[b], rows[a], 1).replace("\0", rows[b], 1)
    chars = list(text)  # random characters
    for _ in range(rng.randint(1, 5)):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice('<>"&=/ 0aZ\x00\u00e9')
    return "".join(chars)


def mutate_xml(rng: random.Random, data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    members = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    xml_parts = [k for k, (name, _) in enumerate(members) if name.endswith((".xml", ".rels"))]
    sheets = [k for k in xml_parts if "worksheets/" in members[k][0]]
    for _ in range(rng.randint(1, 3)):
        k = rng.choice(sheets if sheets and rng.random() < 0.6 else xml_parts)
        name, body = members[k]
        text = body.decode("utf-8", errors="replace")
        members[k] = (name, _mutate_xml(rng, text).encode("utf-8", errors="replace"))
    if rng.random() < 0.05 and len(members) > 1:  # a part missing
        del members[rng.randrange(len(members))]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members:
            z.writestr(name, body)
    return out.getvalue()


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    op = rng.random()
    if op < 0.4:
        for _ in range(rng.randint(1, 16)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif op < 0.6:
        data = data[: rng.randrange(len(data))]
    elif op < 0.8:
        a = rng.randrange(len(data))
        b = min(len(data), a + rng.randint(1, 4096))
        data[a:a] = data[a:b]
    else:
        a = rng.randrange(len(data))
        data[a:a + rng.randint(1, 64)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
    return bytes(data)


# --------------------------------------------------------------------------------------------------
# the oracle
# --------------------------------------------------------------------------------------------------


def check(path: Path, timeout: float) -> tuple[str | None, str]:
    """(None, what the reader said) if it behaved; else (a short signature of what went wrong, "")."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        case, report = check_workbook(path)
        text = [str(i) for i in report.issues]
    except Timeout:
        return f"slow: more than {timeout:g} s", ""
    except Exception as exc:  # what the fuzzer is looking for
        tb = traceback.extract_tb(exc.__traceback__)
        ours = [f for f in tb if "/model/" in f.filename.replace("\\", "/")] or tb
        where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
        message = re.sub(r"\d+", "N", str(exc).replace(str(path), "PATH"))[:80]
        return f"raised {exc.__class__.__name__} at {where}: {message}", ""
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if (case is None) == report.ok:
        return "case and report disagree", ""
    if any(not t for t in text):
        return "an issue prints as nothing", ""
    if hashlib.sha256(path.read_bytes()).hexdigest() != before:
        return "the input was changed", ""
    if case is not None:
        return None, "a case"
    return None, "a file-level error" if all(not i.sheet for i in report.errors) else "cell or sheet errors"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="how long to run (default 10)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds one read may take (default 20)")
    ap.add_argument("--save", type=Path, default=None, help="directory for the first input of each failure")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    signal.signal(signal.SIGALRM, _alarm)
    work = Path(tempfile.mkdtemp(prefix="fuzz_reader_"))
    save = args.save or work / "failures"
    save.mkdir(parents=True, exist_ok=True)
    grids, files = seeds(work)
    kinds = ["cells", "xml", "bytes"]
    tried, outcomes, failures, slowest = Counter(), Counter(), {}, (0.0, "")
    t0 = time.monotonic()
    deadline = t0 + args.minutes * 60
    n = 0
    while time.monotonic() < deadline:
        kind = kinds[n % len(kinds)]
        path = work / "input.xlsx"
        if kind == "cells":
            write_plain_xlsx(path, mutate_cells(rng, rng.choice(grids)))
        elif kind == "xml":
            path.write_bytes(mutate_xml(rng, rng.choice(files)))
        else:
            path.write_bytes(mutate_bytes(rng, rng.choice(files)))
        started = time.monotonic()
        problem, said = check(path, args.timeout)
        took = time.monotonic() - started
        if took > slowest[0]:
            slowest = (took, kind)
        n += 1
        tried[kind] += 1
        if n % 500 == 0:
            print(f"[{time.monotonic() - t0:7.1f}s] {n} inputs", flush=True)
        if problem is None:
            outcomes[f"{kind}: {said}"] += 1
            continue
        if problem not in failures:
            kept = save / f"failure_{len(failures) + 1}_{kind}.xlsx"
            kept.write_bytes(path.read_bytes())
            failures[problem] = [0, kept]
            print(f"[{time.monotonic() - t0:7.1f}s] new failure ({kind}): {problem} -> {kept}", flush=True)
        failures[problem][0] += 1
    elapsed = time.monotonic() - t0
    print(f"\n{n} inputs in {elapsed:.0f} s ({n / elapsed:.1f}/s): " + ", ".join(f"{k} {v}" for k, v in tried.items()))
    print(f"slowest read: {slowest[0]:.2f} s ({slowest[1]})")
    print("the reader said: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"failures: {sum(c for c, _ in failures.values())} inputs, {len(failures)} distinct")
    for problem, (count, kept) in sorted(failures.items(), key=lambda kv: -kv[1][0]):
        print(f"  {count:6d}  {problem}  (first: {kept})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
