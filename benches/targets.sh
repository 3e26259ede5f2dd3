#!/usr/bin/env bash
# One run of every criterion bench that an issue sets a target for, then
# their medians (benches/medians.py). How BENCHMARKS.md's tables were made:
#
#   bash benches/targets.sh > target/targets.txt
#
# Each bench warms up 2 s and measures 5 s (criterion's defaults are 3 and
# 5). The load average (/proc/loadavg) is printed before and after each
# bench binary: a figure counts only beside it, and as a ratio to a
# reference from the same run. About 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(--warm-up-time 2 --measurement-time 5 --noplot)
run() { # bench, filter
    echo "load before $1: $(cut -d' ' -f1-3 /proc/loadavg)"
    cargo bench --quiet --bench "$1" -- "$2" "${flags[@]}" >/dev/null 2>&1
    echo "load after $1: $(cut -d' ' -f1-3 /proc/loadavg)"
}
cargo bench --quiet --no-run >/dev/null 2>&1
run rank '^n=(100000|1000000)/(sum7|leaders|leaders_constrained|leaders_unconstrained_same_portfolio|rank|plan|plan_json|plan_json_writer)$'
run parse '^parse/(criteria|portfolio_10k|portfolio_1m|portfolio_1m_csv|portfolio_1m_lex)$'
run robustness '^smaa/'
run stability ''
run waves ''
python3 benches/medians.py target
