#!/usr/bin/env bash
# End to end, file to result: spearhead's `rank` example against a pandas
# and numpy script (e2e.py), on the same generated candidates on disk.
# Not run in CI: it builds in release, installs Python packages and writes
# files of up to 231 MB.
#
#   bash benches/peers/e2e.sh
#
# Environment:
#   SIZES    candidate counts            (default "100000 1000000")
#   REPEATS  timed runs of each command  (default 5)
#   PYTHON   interpreter for the venv    (default python3.11)
#
# For each N it writes target/peers/e2e-N.toml and e2e-N.csv (once: the
# candidates never change), then runs every command REPEATS times in turn
# (A B C ... A B C ...) so that a drift of the machine's speed hits all of
# them alike, with the output thrown away, each timed as a whole process by
# /usr/bin/time (wall seconds and maximum resident memory). It prints one
# markdown table of medians, with each spearhead run divided by the Python
# run it answers:
#
#   spearhead-toml-json   rank --json FILE.toml        / python-csv-json
#   spearhead-toml-table  rank FILE.toml               / python-csv-none
#   spearhead-csv-table   rank FILE.csv                / python-csv-none
#   python-csv-json       e2e.py FILE.csv              (read_csv, score, rank, top-k, JSON)
#   python-csv-none       e2e.py FILE.csv --output none (the same without output)
#
# Before timing, the leaders of spearhead's JSON and the script's must agree.
# The load average (/proc/loadavg) before and after each size's runs is
# printed under the table: on a shared machine, figures count only beside
# it and as ratios within the one run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/peers-venv"
out_dir="$root/target/peers"
sizes="${SIZES:-100000 1000000}"
repeats="${REPEATS:-5}"
python="${PYTHON:-python3.11}"

if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating $venv with $python" >&2
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt"
(cd "$root" && cargo build --quiet --release --example rank)
rank="$root/target/release/examples/rank"
py="$venv/bin/python"
mkdir -p "$out_dir"

# The rank example's flags for a file of N candidates, when its default
# limits would refuse it.
limits() {
    if "$rank" --help 2>&1 | grep -q -- --max-candidates; then
        echo "--max-candidates $1 --max-bytes 1073741824"
    fi
}

results="$out_dir/e2e-results.txt"
loads="$out_dir/e2e-loads.txt"
: >"$results"
: >"$loads"
for n in $sizes; do
    toml="$out_dir/e2e-$n.toml"
    csv="$out_dir/e2e-$n.csv"
    if [[ ! -s "$toml" || ! -s "$csv" ]]; then
        echo "writing $n candidates to $toml and $csv" >&2
        "$py" "$here/bench.py" -n "$n" --peers none \
            --write-portfolio "$toml" --write-csv "$csv" >/dev/null
    fi
    # shellcheck disable=SC2046 # limits prints flags, split on purpose
    set -- $(limits "$n")
    declare -A commands=(
        [spearhead-toml-json]="$rank $* --json $toml"
        [spearhead-toml-table]="$rank $* $toml"
        [python-csv-json]="$py $here/e2e.py $csv"
        [python-csv-none]="$py $here/e2e.py $csv --output none"
    )
    if "$rank" "$@" "$csv" >/dev/null 2>&1; then
        commands[spearhead-csv-table]="$rank $* $csv"
    fi

    # The two sides must choose the same leaders.
    leaders() { "$py" -c 'import json, sys; print(json.load(sys.stdin)["leaders"])'; }
    # shellcheck disable=SC2086 # the commands are words, split on purpose
    ours="$(${commands[spearhead-toml-json]} | leaders)"
    # shellcheck disable=SC2086
    theirs="$(${commands[python-csv-json]} | leaders)"
    if [[ "$ours" != "$theirs" ]]; then
        echo "N=$n: the leaders differ: spearhead $ours, Python $theirs" >&2
        exit 1
    fi
    echo "# N=$n: both choose $ours" >&2

    echo "N=$n before: $(cat /proc/loadavg)" >>"$loads"
    for ((run = 1; run <= repeats; run++)); do
        for name in "${!commands[@]}"; do
            # shellcheck disable=SC2086
            /usr/bin/time -f "$name $n %e %M" -a -o "$results" \
                ${commands[$name]} >/dev/null
        done
    done
    echo "N=$n after: $(cat /proc/loadavg)" >>"$loads"
    unset commands
done

"$py" - "$results" <<'EOF'
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    name, n, wall, rss_kb = line.split()
    runs[(name, int(n))].append((float(wall), int(rss_kb)))

answers = {
    "spearhead-toml-json": "python-csv-json",
    "spearhead-toml-table": "python-csv-none",
    "spearhead-csv-table": "python-csv-none",
}
print("| command | N | median wall (s) | max resident (MB) | / Python's | runs |")
print("| --- | ---: | ---: | ---: | --- | ---: |")
for (name, n), times in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    wall = statistics.median(t for t, _ in times)
    rss = max(r for _, r in times) / 1024
    ratio = "-"
    if name in answers and (answers[name], n) in runs:
        theirs = statistics.median(t for t, _ in runs[(answers[name], n)])
        ratio = f"{wall / theirs:.2f}x {answers[name]}"
    print(f"| {name} | {n:,} | {wall:.3f} | {rss:,.0f} | {ratio} | {len(times)} |")
EOF
echo
echo "Load average (1, 5, 15 minutes; runnable/all; last pid):"
sed 's/^/    /' "$loads"
