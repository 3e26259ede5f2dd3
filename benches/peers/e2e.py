#!/usr/bin/env python3
"""The Python side of the end-to-end run: file in, result out.

Reads a CSV portfolio (one row per candidate, the TOML keys as headers, as
`bench.py --write-csv` writes it) with pandas, scores every candidate with
numpy as the criteria file says, ranks them all (argsort), chooses the
leaders (the best `leaders` eligible ones, by argpartition) and prints the
plan as JSON, or nothing with `--output none`.

    e2e.py PORTFOLIO.csv [--criteria FILE] [--output json|none]

Ties: totals are compared on spearhead's 1e-9 grid and equal ones keep file
order, which is id order for the generated files (zero-padded ids, written
in order). The JSON has the leaders and, per candidate in rank order, its
rank, id, total, role, eligibility and seven scores: spearhead's plan also
carries each follower's reasons in words, which this script does not write.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the criteria reader and the scores, shared)


def scores(df: pd.DataFrame, cr: bench.Criteria) -> np.ndarray:
    """The N x 7 matrix of per-criterion scores, in bench.CRITERIA order."""

    def lookup(column: str, levels: tuple[str, ...], scale: dict[str, float]) -> np.ndarray:
        codes = pd.Categorical(df[column], categories=levels).codes
        if (codes < 0).any():
            sys.exit(f"{column}: a level that is not one of {', '.join(levels)}")
        return np.array([scale[level] for level in levels])[codes]

    remedial = df["remedial"].to_numpy(dtype=bool)
    phase = lookup("phase", bench.PHASE, cr.phase)
    phase = np.where(remedial, np.minimum(phase, cr.remedial), phase)
    sponsorship = lookup("sponsor_motivation", bench.MOTIVATION, cr.motivation) * lookup(
        "sponsor_level", bench.SPONSOR_LEVEL, cr.level
    )
    columns = [
        bench.duration_score(df["duration_months"].to_numpy(dtype=np.float64), cr),
        lookup("visibility", bench.VISIBILITY, cr.visibility),
        lookup("change", bench.CHANGE, cr.tangibility),
        phase,
        lookup("bottom_line", bench.BOTTOM_LINE, cr.bottom_line),
        lookup("lead", bench.LEAD, cr.lead),
        sponsorship,
    ]
    return np.column_stack(columns)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("portfolio", type=Path, help="CSV portfolio")
    ap.add_argument("--criteria", type=Path, default=bench.default_criteria())
    ap.add_argument("--output", choices=("json", "none"), default="json")
    args = ap.parse_args()

    cr = bench.load_criteria(args.criteria)
    df = pd.read_csv(args.portfolio)
    matrix = scores(df, cr)
    w = cr.weights
    totals = matrix @ w / w.sum()
    keys = bench.grid(totals)

    # Eligible: the total and every score reach their minimums, on the grid.
    eligible = keys >= bench.grid(np.float64(cr.min_score))
    for j, c in enumerate(bench.CRITERIA):
        if c in cr.mins:
            eligible &= bench.grid(matrix[:, j]) >= bench.grid(np.float64(cr.mins[c]))

    # The whole ranking, best first, ties in file order.
    order = np.argsort(-keys, kind="stable")
    # The leaders: the best k eligible, found without sorting them all.
    candidates = np.flatnonzero(eligible)
    k = min(cr.leaders, candidates.size)
    leaders = bench.numpy_top_k(matrix[candidates], w, k) if k else candidates[:0]
    leaders = candidates[leaders]

    if args.output == "none":
        return
    ids = df["id"].to_numpy()
    role = np.full(len(df), "pull", dtype=object)
    role[leaders] = "lead"
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(order) + 1),
            "id": ids[order],
            "score": totals[order],
            "role": role[order],
            "eligible": eligible[order],
        }
        | {c: matrix[order, j] for j, c in enumerate(bench.CRITERIA)}
    )
    sys.stdout.write('{"leaders": ')
    sys.stdout.write(json.dumps(ids[leaders].tolist()))
    sys.stdout.write(', "ranking": ')
    sys.stdout.write(out.to_json(orient="records", double_precision=15))
    sys.stdout.write("}\n")


if __name__ == "__main__":
    main()
