#!/usr/bin/env python3
"""Prints the median of every criterion bench in target/criterion, by full id.

Usage: benches/medians.py [TARGET_DIR] [REGEX]

Criterion keeps each bench's samples in
target/criterion/<group>/<bench>/new/{benchmark,estimates}.json; this reads
the median (in ns) and prints `full_id<TAB>median_ns<TAB>human`, sorted by id.
"""
import json
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target") / "criterion"
pattern = re.compile(sys.argv[2] if len(sys.argv) > 2 else "")


def human(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


rows = []
for bench in root.glob("**/new/benchmark.json"):
    full_id = json.loads(bench.read_text())["full_id"]
    if not pattern.search(full_id):
        continue
    estimates = json.loads((bench.parent / "estimates.json").read_text())
    rows.append((full_id, estimates["median"]["point_estimate"]))
for full_id, ns in sorted(rows):
    print(f"{full_id}\t{ns:.0f}\t{human(ns)}")
