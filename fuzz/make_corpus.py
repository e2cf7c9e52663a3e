#!/usr/bin/env python3
"""Builds the fuzz targets' seed corpora from fixtures/ (python3, standard library only).

Usage: fuzz/make_corpus.py OUT_DIR
Writes OUT_DIR/<target>/<sha1 of the seed> for every target (the directory is emptied first), so
that no fixture is duplicated in git: the seeds are made at run time from what the repository
already holds. Seeds longer than a target's -max_len (scripts/fuzz) are cut into pieces.
"""
import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# Keep in step with the -max_len values in scripts/fuzz.
MAX_LEN = {
    "json_splitter": 65536,
    "csv_splitter": 65536,
    "record_parser": 16384,
    "format_detect": 8192,
    "input_source": 16384,
    "timestamp": 64,
    "escape": 1024,
    "ingest": 98304,
    "segment": 32768,
}
PER_TARGET_LIMIT = 400  # seeds per target (libFuzzer minimises from there)
NEXT_FILE = b"\n--minetrace-fuzz-next-file--\n"  # fuzz/ingest_fuzz.cpp kNextFile


def stored_files():
    """(path, stored bytes) of every input fixture (not the expectations)."""
    for sub in ("ingest", "scenarios"):
        for p in sorted((FIXTURES / sub).rglob("*")):
            if not p.is_file() or p.name.endswith(".expect.json") or p.name == "expected.json":
                continue
            yield p, p.read_bytes()


def content(data):
    """Decompressed content (gzip) or the bytes themselves."""
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    return data


def pieces(data, limit):
    """data itself when short enough, else consecutive pieces of at most `limit` bytes that end
    on a line end where one is near (so they start on a record boundary)."""
    if len(data) <= limit:
        return [data]
    out, start = [], 0
    while start < len(data) and len(out) < 8:
        end = min(len(data), start + limit)
        if end < len(data):
            nl = data.rfind(b"\n", start, end)
            if nl > start + limit // 2:
                end = nl + 1
        out.append(data[start:end])
        start = end
    return out


def json_records(data):
    """Each record of a JSON Lines file, array or wrapper, re-serialized compactly."""
    text = data.decode("utf-8-sig", errors="replace")
    docs = []
    try:
        docs.append(json.loads(text))
    except ValueError:
        for line in text.splitlines():
            try:
                docs.append(json.loads(line))
            except ValueError:
                continue
    out = []
    for doc in docs:
        items = doc if isinstance(doc, list) else [doc]
        for item in items:
            if not isinstance(item, dict):
                continue
            for key in ("records", "value", "items"):
                if isinstance(item.get(key), list):
                    out.extend(r for r in item[key] if isinstance(r, dict))
                    break
            else:
                if isinstance(item.get("tables"), list):
                    for table in item["tables"]:
                        for row in table.get("rows", [])[:20]:
                            one = {"tables": [{"name": table.get("name"),
                                               "columns": table.get("columns"), "rows": [row]}]}
                            out.append(one)
                else:
                    out.append(item)
    return [json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() for r in out]


def csv_rows(data):
    """Header plus one row, for each row of a CSV export."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) < 2:
        return []
    out = []
    for row in rows[1:40]:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows([rows[0], row])
        out.append(("\ufeff" + buf.getvalue()).encode())
    return out


def json_strings(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for v in value:
            json_strings(v, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(k)
            json_strings(v, out)


TIME_RE = re.compile(
    rb'\d{4}-\d\d-\d\d[Tt ]\d{1,2}:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:?\d\d)?'
    rb'|\d{1,2}/\d{1,2}/\d{4},? \d{1,2}:\d\d:\d\d(?:\.\d+)?(?: ?[AP]M)?'
    rb'|(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d (?:GMT|UTC|[+-]\d{4})')

EXTRA_TIMES = [b"2025-04-14T03:15:37.0081234Z", b"1/2/2026 3:04:05 PM", b"1700000000",
               b"Fri, 21 Jul 2017 01:00:51 GMT", b"2016-12-31T23:59:60Z", b"2024-02-29 00:00:00",
               b"9999-12-31T23:59:59.999999-23:59", b"1900-01-01T00:00:00+23:59",
               b"3/4/2026, 10:11:12\xe2\x80\xafAM +02:00", b"2026-01-02t03:04:05z"]

EXTRA_TEXT = ["", "plain", "=cmd|' /C calc'!A0", "-1", "+3e2", " @sum(1)", "\t=1", "a,b\r\n\"c\"",
              "<script>alert('x')&amp;</script>", "\x1b[31mred\x1b[0m\x07", "\x7f\x00\x01",
              "\u202eevil\u202c", "\u2066iso\u2069", "\u200e\u200f\u061c", "\u0085\u009b",
              "\u2028\u2029", "caf\u00e9 \u65e5\u672c \U0001f600", "\ufeffbom"]
EXTRA_BYTES = [b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x80",
               b"ok\x80ok", b"\xc2\x85"]


def zstd_frame(data):
    """A zstd frame: from the zstd tool when installed, else one of raw (stored) blocks."""
    if shutil.which("zstd"):
        return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, stdout=subprocess.PIPE,
                              check=True).stdout
    # Frame_Header_Descriptor: Single_Segment (0x20) with a 1-byte content size, or 0xA0 with 4.
    size = len(data).to_bytes(1, "little") if len(data) < 256 else len(data).to_bytes(4, "little")
    out = bytearray(b"\x28\xb5\x2f\xfd" + bytes([0x20 if len(data) < 256 else 0xA0]) + size)
    pos = 0
    while True:
        chunk = data[pos:pos + 65536]
        pos += len(chunk)
        last = pos >= len(data)
        out += ((len(chunk) << 3) | int(last)).to_bytes(3, "little")  # Raw_Block header
        out += chunk
        if last:
            return bytes(out)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUT_DIR")
    out_dir = Path(sys.argv[1])
    seeds = {name: {} for name in MAX_LEN}

    def add(target, data):
        if len(seeds[target]) >= PER_TARGET_LIMIT:
            return
        for piece in pieces(data, MAX_LEN[target]):
            seeds[target].setdefault(hashlib.sha1(piece).hexdigest(), piece)

    # Hand-written edge cases first (the per-target limit keeps the first seeds).
    for t in EXTRA_TIMES:
        add("timestamp", t)
    for text in EXTRA_TEXT:
        add("escape", text.encode())
    for b in EXTRA_BYTES:
        add("escape", b)
    files = list(stored_files())
    small = [(p, d) for p, d in files if len(d) <= 16384]
    strings = []
    for path, stored in files:
        data = content(stored)
        is_csv = path.name.endswith((".csv", ".csv.gz"))
        add("ingest", stored)
        add("segment", data[:MAX_LEN["segment"]])
        add("input_source", stored)
        add("format_detect", data[:MAX_LEN["format_detect"]])
        add("csv_splitter" if is_csv else "json_splitter", data)
        for seed in (csv_rows(data) if is_csv else json_records(data))[:30]:
            add("record_parser", seed)
        for match in TIME_RE.findall(data)[:20]:
            add("timestamp", match)
        if not is_csv:
            try:
                for line in data.decode("utf-8-sig", errors="replace").splitlines()[:5]:
                    json_strings(json.loads(line), strings)
            except ValueError:
                pass
    # Compressed and multi-file forms of the small fixtures.
    for path, stored in small:
        data = content(stored)
        add("ingest", gzip.compress(data, mtime=0))
        add("ingest", zstd_frame(data))
        add("input_source", zstd_frame(data))
        add("input_source", zlib.compress(data))  # no gzip header: plain content to the reader
    for (_, a), (_, b) in zip(small, small[1:]):
        add("ingest", a + NEXT_FILE + b)
    for text in sorted(set(strings), key=lambda t: (len(t), t)):
        add("escape", text.encode())

    shutil.rmtree(out_dir, ignore_errors=True)
    for target, by_hash in seeds.items():
        d = out_dir / target
        d.mkdir(parents=True)
        for name, data in by_hash.items():
            (d / name).write_bytes(data)
    print("fuzz seeds: " + ", ".join(f"{t} {len(s)}" for t, s in seeds.items()))


if __name__ == "__main__":
    main()
