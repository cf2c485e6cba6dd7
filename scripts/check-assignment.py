#!/usr/bin/env python3
"""Compare Sterk's exact batch assignment (crates/matching) with SciPy's linear_sum_assignment.

For each seed, the Rust example `check_instance` prints a generated instance exactly as the
solver sees it (rows = help requests with their lexicographic priority weight, columns =
volunteers with capacity and a load cost per extra request, sparse edges = pairs that passed the
hard filters) and the objective it found. This script builds the dense equivalent: one column per
volunteer *slot* (slot u costs slot_cost[u]) and one "unassigned" column per request (weight 0),
non-edges forbidden, and maximises with SciPy. Objectives must be equal.

Weights are integers; the instances are small (about 10 requests) so every weight, including the
lexicographic priority part, stays below 2**53 and float64 is exact.

Usage: pip install scipy; python3 scripts/check-assignment.py [instances] [requests] [volunteers]
"""
import json
import os
import subprocess
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(seed, n, m, exe):
    out = subprocess.run([exe, str(seed), str(n), str(m)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def scipy_objective(inst):
    n, m = inst["rows"], inst["cols"]
    row_w = [int(w) for w in inst["row_weight"]]
    slots = []  # (volunteer, slot cost)
    for j in range(m):
        for c in inst["slot_cost"][j]:
            slots.append((j, c))
    cols = len(slots) + n
    forbidden = -(2**52)
    w = np.full((n, cols), float(forbidden))
    for i, j, e in inst["edges"]:
        for s, (jj, c) in enumerate(slots):
            if jj == j:
                w[i, s] = float(row_w[i] + e - c)
    for i in range(n):
        w[i, len(slots) + i] = 0.0
    assert np.abs(w[w > forbidden]).max(initial=0) < 2**53
    r, c = linear_sum_assignment(w, maximize=True)
    total = 0
    for i, s in zip(r, c):
        if s < len(slots):
            j, cost = slots[s]
            e = next(e for (ii, jj, e) in inst["edges"] if ii == i and jj == j)
            total += row_w[i] + e - cost
    return total


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    m = int(sys.argv[3]) if len(sys.argv) > 3 else 14
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "-q", "-p", "sterk-matching", "--example", "check_instance"],
                   check=True, cwd=ROOT)
    exe = os.path.join(target, "debug", "examples", "check_instance")
    same = 0
    edges = 0
    for seed in range(1, count + 1):
        inst = run(seed, n, m, exe)
        edges += len(inst["edges"])
        ours = int(inst["objective"])
        theirs = scipy_objective(inst)
        if ours != theirs:
            print(f"seed {seed}: sterk {ours} != scipy {theirs}")
        else:
            same += 1
    print(f"{same}/{count} instances ({n} requests x {m} volunteers, {edges} candidate pairs in all): "
          f"same total objective as scipy.optimize.linear_sum_assignment")
    sys.exit(0 if same == count else 1)


if __name__ == "__main__":
    main()
