#!/usr/bin/env bash
# Peer benchmark: rank the same generated candidates with pymcdm,
# scikit-criteria and plain numpy, and print a markdown table of medians.
# Not run in CI: it installs packages and takes a few minutes.
#
#   bash benches/peers/run.sh [bench.py options, e.g. --criteria FILE]
#
# Environment:
#   SIZES    candidate counts          (default "1000 100000 1000000")
#   REPEATS  timed runs per peer, median (default 5)
#   PYTHON   interpreter for the venv  (default python3.11)
#
# The venv lives in target/peers-venv and the raw output of the last run in
# target/peers/last-run.txt (target/ is git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/peers-venv"
out_dir="$root/target/peers"
sizes="${SIZES:-1000 100000 1000000}"
repeats="${REPEATS:-5}"
python="${PYTHON:-python3.11}"

if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating $venv with $python" >&2
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt"

mkdir -p "$out_dir"
log="$out_dir/last-run.txt"
# shellcheck disable=SC2086 # $sizes is a list of numbers, split on purpose
"$venv/bin/python" "$here/bench.py" -n $sizes --repeats "$repeats" "$@" | tee "$log"

echo
# Lines of bench.py's output that are not comments are JSON records.
"$venv/bin/python" - "$log" <<'EOF'
import json
import sys

records = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]


def ms(seconds):
    if seconds is None:
        return "-"
    v = seconds * 1e3
    return f"{v:,.0f}" if v >= 100 else f"{v:.3g}"


def rate(per_s):
    return "-" if per_s is None else f"{per_s / 1e6:.3g} M"


print("| peer | N | median ranking (ms) | candidates/s | build (ms) | runs | top-k agrees |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
for r in records:
    print(
        f"| {r['peer']} | {r['n']:,} | {ms(r['median_s'])} | {rate(r['candidates_per_s'])}"
        f" | {ms(r['build_median_s'])} | {r['runs']} | {r['top_k_agrees']} |"
    )
EOF
