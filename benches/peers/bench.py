#!/usr/bin/env python3
"""Rank the same generated candidates with peer Python MCDM libraries.

Peers: pymcdm's WSM, scikit-criteria's WeightedSumModel, and a plain numpy
baseline. Every peer ranks the same N x 7 decision matrix, built from
candidates drawn with the splitmix64 generator that spearhead's Rust
benchmark uses (see README.md), scored as criteria.toml says.

Only the ranking step is timed (median of --repeats runs). Generation,
scoring into the matrix and building a peer's input object are not; where
building the object is significant (scikit-criteria's DecisionMatrix) its
median is reported on its own.

stdout: lines starting with `#` are for people; every other line is one JSON
object per (peer, N), which run.sh turns into a markdown table.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# The seven criteria, in spearhead's order: the columns of the matrix.
CRITERIA = (
    "duration",
    "visibility",
    "tangibility",
    "phase",
    "bottom_line",
    "lead",
    "sponsorship",
)

# Evidence levels. A draw `next() % len(levels)` picks the level at that
# position, so the order of these tuples is part of the generator's spec.
VISIBILITY = ("low", "moderate", "high")
CHANGE = ("technology", "process", "cultural")
PHASE = ("diagnosis", "design", "development", "implementation", "sustainment")
BOTTOM_LINE = ("direct", "indirect", "none")
LEAD = ("unproven", "experienced", "credible")
SPONSOR_LEVEL = ("executive", "managing_director", "director", "manager")
MOTIVATION = ("weak", "moderate", "strong")

# splitmix64
SEED = 42
MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
DRAWS_PER_CANDIDATE = 9

# spearhead compares totals on a 1e-9 grid (src/rank.rs): totals closer than
# that tie and are ordered by id. The baseline does the same, so its top-k is
# the one spearhead picks whatever the summation order.
GRID = 1e9

# How many candidates are checked against the scalar reference code.
SELF_CHECK = 2000


# --------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------


class SplitMix64:
    """The reference generator, one draw at a time (slow, obviously right)."""

    def __init__(self, seed: int = SEED) -> None:
        self.state = seed & MASK

    def next(self) -> int:
        self.state = (self.state + GAMMA) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * MIX1) & MASK
        z = ((z ^ (z >> 27)) * MIX2) & MASK
        return z ^ (z >> 31)


def candidate_id(i: int) -> str:
    return f"c{i:07d}"


def reference_candidates(n: int) -> list[dict]:
    """The first n candidates, drawn one by one in the spec's order."""
    rng = SplitMix64()
    out = []
    for i in range(n):
        c = {"id": candidate_id(i)}
        c["duration_months"] = 1 + rng.next() % 48
        c["visibility"] = VISIBILITY[rng.next() % 3]
        c["change"] = CHANGE[rng.next() % 3]
        c["phase"] = PHASE[rng.next() % 5]
        c["remedial"] = rng.next() % 4 == 0
        c["bottom_line"] = BOTTOM_LINE[rng.next() % 3]
        c["lead"] = LEAD[rng.next() % 3]
        c["sponsor_level"] = SPONSOR_LEVEL[rng.next() % 4]
        c["sponsor_motivation"] = MOTIVATION[rng.next() % 3]
        out.append(c)
    return out


def generate(n: int) -> dict[str, np.ndarray]:
    """All n candidates at once, as level indices into the tuples above.

    splitmix64's state after j calls is seed + j * GAMMA (mod 2^64), so the
    j-th output needs no sequential loop. Candidate i uses calls 9i+1..9i+9,
    i.e. row i of the (n, 9) array. numpy's uint64 arithmetic wraps mod 2^64.
    """
    u = np.uint64
    z = np.arange(1, DRAWS_PER_CANDIDATE * n + 1, dtype=np.uint64)
    z *= u(GAMMA)
    z += u(SEED)
    z ^= z >> u(30)
    z *= u(MIX1)
    z ^= z >> u(27)
    z *= u(MIX2)
    z ^= z >> u(31)
    d = z.reshape(n, DRAWS_PER_CANDIDATE)

    def pick(col: int, k: int) -> np.ndarray:
        return (d[:, col] % u(k)).astype(np.intp)

    return {
        "duration_months": (d[:, 0] % u(48) + u(1)).astype(np.float64),
        "visibility": pick(1, 3),
        "change": pick(2, 3),
        "phase": pick(3, 5),
        "remedial": d[:, 4] % u(4) == 0,
        "bottom_line": pick(5, 3),
        "lead": pick(6, 3),
        "sponsor_level": pick(7, 4),
        "sponsor_motivation": pick(8, 3),
    }


# --------------------------------------------------------------------------
# Criteria and scores
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    weights: np.ndarray  # in CRITERIA order
    full: tuple[float, float]
    zero: tuple[float, float]
    visibility: dict[str, float]
    tangibility: dict[str, float]
    phase: dict[str, float]
    remedial: float
    bottom_line: dict[str, float]
    lead: dict[str, float]
    motivation: dict[str, float]
    level: dict[str, float]
    leaders: int
    min_score: float
    # Per-criterion `min`, if any. Not part of the ranking job; only used for
    # the informational "leaders" line that mirrors spearhead's eligibility.
    mins: dict[str, float]


def load_criteria(path: Path) -> Criteria:
    with path.open("rb") as f:
        raw = tomllib.load(f)

    def table(section: str, key: str, levels: tuple[str, ...]) -> dict[str, float]:
        values = raw[section][key]
        return {level: float(values[level]) for level in levels}

    def pair(section: str, key: str) -> tuple[float, float]:
        lo, hi = raw[section][key]
        return float(lo), float(hi)

    try:
        return Criteria(
            weights=np.array([float(raw[c]["weight"]) for c in CRITERIA]),
            full=pair("duration", "full"),
            zero=pair("duration", "zero"),
            visibility=table("visibility", "scores", VISIBILITY),
            tangibility=table("tangibility", "scores", CHANGE),
            phase=table("phase", "scores", PHASE),
            remedial=float(raw["phase"]["remedial"]),
            bottom_line=table("bottom_line", "scores", BOTTOM_LINE),
            lead=table("lead", "scores", LEAD),
            motivation=table("sponsorship", "motivation", MOTIVATION),
            level=table("sponsorship", "level", SPONSOR_LEVEL),
            leaders=int(raw["selection"]["leaders"]),
            min_score=float(raw["selection"].get("min_score", 0.0)),
            mins={c: float(raw[c]["min"]) for c in CRITERIA if "min" in raw[c]},
        )
    except KeyError as e:
        sys.exit(f"{path}: missing key {e}: this script needs a complete criteria file")


def duration_score(m, cr: Criteria):
    """1 inside `full`, 0 at or beyond `zero`, linear in between.

    Works on a float or an array; written as spearhead's src/score.rs does it
    so the floats are the same bit for bit.
    """
    lo, hi = cr.zero
    a, b = cr.full
    m = np.asarray(m, dtype=np.float64)
    # The ramps are only selected where their denominator is positive; the
    # errstate hides the division by zero of an empty ramp (a == lo, b == hi).
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = (m - lo) / (a - lo)
        falling = (hi - m) / (hi - b)
    return np.select(
        [m < a, m > b],
        [np.where(m <= lo, 0.0, rising), np.where(m >= hi, 0.0, falling)],
        default=1.0,
    )


def score_matrix(ev: dict[str, np.ndarray], cr: Criteria) -> np.ndarray:
    """The N x 7 decision matrix of per-criterion scores in [0, 1]."""

    def lookup(levels: tuple[str, ...], scale: dict[str, float], codes: np.ndarray):
        return np.array([scale[level] for level in levels])[codes]

    phase = lookup(PHASE, cr.phase, ev["phase"])
    phase = np.where(ev["remedial"], np.minimum(phase, cr.remedial), phase)
    sponsorship = lookup(MOTIVATION, cr.motivation, ev["sponsor_motivation"]) * lookup(
        SPONSOR_LEVEL, cr.level, ev["sponsor_level"]
    )
    columns = [
        duration_score(ev["duration_months"], cr),
        lookup(VISIBILITY, cr.visibility, ev["visibility"]),
        lookup(CHANGE, cr.tangibility, ev["change"]),
        phase,
        lookup(BOTTOM_LINE, cr.bottom_line, ev["bottom_line"]),
        lookup(LEAD, cr.lead, ev["lead"]),
        sponsorship,
    ]
    return np.ascontiguousarray(np.column_stack(columns), dtype=np.float64)


def reference_scores(c: dict, cr: Criteria) -> list[float]:
    """One candidate's seven scores, straight from the spec."""
    m = c["duration_months"]
    lo, hi = cr.zero
    a, b = cr.full
    if m < lo or m > hi:
        duration = 0.0
    elif m < a:
        duration = (m - lo) / (a - lo)
    elif m > b:
        duration = (hi - m) / (hi - b)
    else:
        duration = 1.0
    phase = cr.phase[c["phase"]]
    if c["remedial"]:
        phase = min(phase, cr.remedial)
    return [
        duration,
        cr.visibility[c["visibility"]],
        cr.tangibility[c["change"]],
        phase,
        cr.bottom_line[c["bottom_line"]],
        cr.lead[c["lead"]],
        cr.motivation[c["sponsor_motivation"]] * cr.level[c["sponsor_level"]],
    ]


def self_check(ev: dict[str, np.ndarray], matrix: np.ndarray, cr: Criteria) -> None:
    """The vectorised generator and scores match the one-by-one reference."""
    n = min(len(matrix), SELF_CHECK)
    names = {
        "visibility": VISIBILITY,
        "change": CHANGE,
        "phase": PHASE,
        "bottom_line": BOTTOM_LINE,
        "lead": LEAD,
        "sponsor_level": SPONSOR_LEVEL,
        "sponsor_motivation": MOTIVATION,
    }
    for i, c in enumerate(reference_candidates(n)):
        fast = {
            "id": candidate_id(i),
            "duration_months": int(ev["duration_months"][i]),
            "remedial": bool(ev["remedial"][i]),
        }
        fast |= {key: levels[ev[key][i]] for key, levels in names.items()}
        if fast != c:
            sys.exit(f"self-check: candidate {i}: vectorised {fast} != reference {c}")
        want = reference_scores(c, cr)
        if not np.allclose(matrix[i], want, rtol=0, atol=1e-15):
            sys.exit(f"self-check: candidate {i}: scores {matrix[i]} != reference {want}")


# --------------------------------------------------------------------------
# Ranking: baseline and peers
# --------------------------------------------------------------------------


def grid(totals: np.ndarray) -> np.ndarray:
    return np.rint(totals * GRID).astype(np.int64)


def numpy_full_ranking(matrix: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Every index, best first: grid total descending, index ascending."""
    keys = grid(matrix @ w / w.sum())
    # A stable sort keeps equal keys in index order: ties broken by id.
    return np.argsort(-keys, kind="stable")


def numpy_top_k(matrix: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """The best k indices, best first, with the same ties rule, in O(N)."""
    keys = grid(matrix @ w / w.sum())
    if k >= len(keys):
        return np.argsort(-keys, kind="stable")
    # argpartition finds the k-th best key but picks arbitrarily among equal
    # ones, so take everything strictly better, then the lowest-index ties.
    kth = keys[np.argpartition(-keys, k - 1)[k - 1]]
    better = np.flatnonzero(keys > kth)
    tied = np.flatnonzero(keys == kth)[: k - better.size]
    top = np.concatenate([better, tied])
    return top[np.lexsort((top, -keys[top]))]


def top_k_from_ranks(ranks: np.ndarray, k: int) -> np.ndarray:
    """A peer's best k: its rank ascending (1 = best), ties by index."""
    return np.lexsort((np.arange(len(ranks)), ranks))[:k]


@dataclass
class Peer:
    name: str
    method: str
    # Builds the peer's input object (not timed as ranking); None: nothing to build.
    build: Callable[[], object] | None
    # Ranks from what build returned (or the matrix); returns the top-k indices
    # derived from its result, outside the timed region.
    rank: Callable[[object], object]
    top_k: Callable[[object], np.ndarray]


def make_peers(matrix: np.ndarray, w: np.ndarray, k: int, wanted: set[str]) -> list[Peer]:
    peers = []
    w_unit = w / w.sum()  # pymcdm warns unless the weights sum to 1; same ranking
    ones = np.ones(matrix.shape[1], dtype=int)  # every criterion is a profit one

    if "numpy" in wanted:
        peers.append(
            Peer(
                "numpy",
                "M @ w / w.sum(), argsort (full ranking)",
                None,
                lambda _: numpy_full_ranking(matrix, w),
                lambda order: order[:k],
            )
        )
        peers.append(
            Peer(
                "numpy-topk",
                "M @ w / w.sum(), argpartition (top-k)",
                None,
                lambda _: numpy_top_k(matrix, w, k),
                lambda top: top,
            )
        )

    if wanted & {"pymcdm", "pymcdm-novalidate"}:
        from pymcdm.methods import WSM

        # WSM normalises each column first (default: sum normalisation, which
        # rejects zeros and would change the weighted sum). The scores are
        # already on one [0, 1] scale, so pass the documented
        # `normalization_function(x, cost)` hook an identity.
        def identity(x, cost=False):
            return x

        wsm = WSM(normalization_function=identity)

        def pymcdm_rank(validation: bool):
            def run(_):
                # The validation warns about dominant alternatives (an
                # all-maxima candidate exists for large N); the warning is noise.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pref = wsm(matrix, w_unit, ones, validation=validation)
                return pref, wsm.rank(pref)

            return run

        if "pymcdm" in wanted:
            peers.append(
                Peer(
                    "pymcdm",
                    "WSM()(M, w, types) + WSM.rank (validation on, the default)",
                    None,
                    pymcdm_rank(True),
                    lambda out: top_k_from_ranks(out[1], k),
                )
            )
        if "pymcdm-novalidate" in wanted:
            peers.append(
                Peer(
                    "pymcdm-novalidate",
                    "WSM()(M, w, types, validation=False) + WSM.rank",
                    None,
                    pymcdm_rank(False),
                    lambda out: top_k_from_ranks(out[1], k),
                )
            )

    if "skcriteria" in wanted:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import skcriteria as skc
            from skcriteria.agg.simple import WeightedSumModel

        # skcriteria.madm.simple is the deprecated alias of skcriteria.agg.simple.
        model = WeightedSumModel()
        peers.append(
            Peer(
                "skcriteria",
                "WeightedSumModel().evaluate(dm)",
                lambda: skc.mkdm(
                    matrix,
                    objectives=[max] * matrix.shape[1],
                    weights=w_unit,
                    criteria=list(CRITERIA),
                ),
                model.evaluate,
                lambda result: top_k_from_ranks(result.values, k),
            )
        )
    return peers


def timed(fn: Callable[[], object], repeats: int, budget: float):
    """Median seconds of up to `repeats` runs, fewer once `budget` seconds are spent."""
    times = []
    out = None
    for _ in range(repeats):
        out = None  # free the last result before the next run
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        if sum(times) >= budget:
            break
    return statistics.median(times), times, out


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def eligible_leaders(matrix: np.ndarray, totals: np.ndarray, cr: Criteria) -> np.ndarray:
    """spearhead's leaders: the best `leaders` of the eligible candidates.

    Eligible: total >= min_score and every score >= its criterion's `min`,
    both on the 1e-9 grid. Not part of the timed job; printed so the ids can
    be compared with `cargo run --release --example rank`, which shows these.
    """
    keys = grid(totals)
    ok = keys >= grid(np.float64(cr.min_score))
    for j, c in enumerate(CRITERIA):
        if c in cr.mins:
            ok &= grid(matrix[:, j]) >= grid(np.float64(cr.mins[c]))
    idx = np.flatnonzero(ok)
    return idx[np.lexsort((idx, -keys[idx]))][: cr.leaders]


def describe(indices: np.ndarray, totals: np.ndarray) -> str:
    return ", ".join(f"{candidate_id(int(i))} ({totals[i]:.6f})" for i in indices)


def write_portfolio(path: Path, ev: dict[str, np.ndarray]) -> None:
    """The candidates as a spearhead portfolio file, for the Rust example."""
    levels = {
        "visibility": VISIBILITY,
        "change": CHANGE,
        "phase": PHASE,
        "bottom_line": BOTTOM_LINE,
        "lead": LEAD,
        "sponsor_level": SPONSOR_LEVEL,
        "sponsor_motivation": MOTIVATION,
    }
    n = len(ev["duration_months"])
    with path.open("w") as f:
        f.write(f"# {n} candidates from benches/peers/bench.py (splitmix64, seed {SEED})\n")
        for i in range(n):
            f.write(f'\n[[candidate]]\nid = "{candidate_id(i)}"\n')
            f.write(f"duration_months = {int(ev['duration_months'][i])}\n")
            for key in ("visibility", "change", "phase"):
                f.write(f'{key} = "{levels[key][ev[key][i]]}"\n')
            f.write(f"remedial = {'true' if ev['remedial'][i] else 'false'}\n")
            for key in ("bottom_line", "lead", "sponsor_level", "sponsor_motivation"):
                f.write(f'{key} = "{levels[key][ev[key][i]]}"\n')


def write_csv(path: Path, ev: dict[str, np.ndarray]) -> None:
    """The candidates as a CSV portfolio: one row each, the TOML keys as headers.

    The same candidates as write_portfolio, for the end-to-end run (e2e.sh):
    pandas reads this, spearhead reads the TOML (and this, once it reads CSV).
    """
    import pandas as pd

    levels = {
        "visibility": VISIBILITY,
        "change": CHANGE,
        "phase": PHASE,
        "bottom_line": BOTTOM_LINE,
        "lead": LEAD,
        "sponsor_level": SPONSOR_LEVEL,
        "sponsor_motivation": MOTIVATION,
    }
    n = len(ev["duration_months"])
    columns = {"id": [candidate_id(i) for i in range(n)]}
    columns["duration_months"] = ev["duration_months"].astype(np.int64)
    for key in ("visibility", "change", "phase"):
        columns[key] = np.array(levels[key])[ev[key]]
    columns["remedial"] = np.where(ev["remedial"], "true", "false")
    for key in ("bottom_line", "lead", "sponsor_level", "sponsor_motivation"):
        columns[key] = np.array(levels[key])[ev[key]]
    pd.DataFrame(columns).to_csv(path, index=False, lineterminator="\n")


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for dist in ("numpy", "pymcdm", "scikit-criteria", "scipy", "pandas"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def default_criteria() -> Path:
    return ROOT / "criteria.toml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--criteria",
        type=Path,
        default=None,
        help="criteria file (default: criteria.toml at the repo root)",
    )
    ap.add_argument("-n", "--n", type=int, nargs="+", default=[1000], help="candidate counts")
    ap.add_argument("-r", "--repeats", type=int, default=5, help="timed runs per peer (median)")
    ap.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="stop repeating a peer once its runs took this many seconds in all",
    )
    ap.add_argument(
        "--peers",
        default="numpy,pymcdm,pymcdm-novalidate,skcriteria",
        help="comma-separated subset of numpy,pymcdm,pymcdm-novalidate,skcriteria",
    )
    ap.add_argument(
        "--write-portfolio",
        type=Path,
        metavar="PATH",
        help="also write the candidates (one N only) as a portfolio file for the Rust example",
    )
    ap.add_argument(
        "--write-csv",
        type=Path,
        metavar="PATH",
        help="also write the candidates (one N only) as a CSV portfolio, the TOML keys as headers",
    )
    args = ap.parse_args()
    criteria_path = args.criteria or default_criteria()
    cr = load_criteria(criteria_path)
    wanted = set(args.peers.split(","))
    if (args.write_portfolio or args.write_csv) and len(args.n) != 1:
        sys.exit("--write-portfolio and --write-csv need exactly one N")

    print(f"# criteria: {criteria_path}")
    print(f"# versions: {json.dumps(versions())}")
    for n in args.n:
        ev = generate(n)
        matrix = score_matrix(ev, cr)
        self_check(ev, matrix, cr)
        if args.write_portfolio:
            write_portfolio(args.write_portfolio, ev)
            print(f"# wrote {n} candidates to {args.write_portfolio}")
        if args.write_csv:
            write_csv(args.write_csv, ev)
            print(f"# wrote {n} candidates to {args.write_csv}")
        del ev

        w = cr.weights
        k = min(cr.leaders, n)
        totals = matrix @ w / w.sum()
        expected = numpy_top_k(matrix, w, k)
        print(f"# N={n}: top-{k} by weighted sum (ties by id): {describe(expected, totals)}")
        leaders = eligible_leaders(matrix, totals, cr)
        print(f"# N={n}: leaders by spearhead's eligibility rule: {describe(leaders, totals)}")
        expected_keys = sorted(grid(totals[expected]))

        for peer in make_peers(matrix, w, k, wanted):
            build_s = None
            arg = matrix
            if peer.build is not None:
                build_s, _, arg = timed(peer.build, args.repeats, args.budget)
            median_s, times, out = timed(lambda: peer.rank(arg), args.repeats, args.budget)
            top = np.asarray(peer.top_k(out))
            if set(top.tolist()) == set(expected.tolist()):
                agrees = "yes"
            elif sorted(grid(totals[top])) == expected_keys:
                # Same totals up to 1e-9; the peer split a tie by float noise.
                agrees = "yes, up to 1e-9 ties"
            else:
                agrees = "NO"
            del out, arg
            record = {
                "peer": peer.name,
                "method": peer.method,
                "n": n,
                "runs": len(times),
                "median_s": median_s,
                "candidates_per_s": n / median_s if median_s > 0 else None,
                "build_median_s": build_s,
                "top_k_agrees": agrees,
                "top_k_ids": [candidate_id(int(i)) for i in top],
            }
            print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
