"""Benchmark of the year jury for a whole promotion (vectorised path, delibe.engine.jury.cohort).

``bench_jury(n_students, repeat)`` returns the median seconds of ``repeat`` runs of the BUT1 year jury
of a synthetic MMI promotion (10 UEs, 5 RCUEs, averages drawn around 11 with some undefined ones).
Run ``python bench/jury.py [n_students] [repeat]`` for a one-line report.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from delibe.engine.jury.cohort import deliberate_cohort, year_ue_order
from delibe.engine.jury.synthetic import mmi_like_formation


def synthetic_averages(n_students: int, n_ues: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    averages = np.clip(rng.normal(11.0, 3.0, size=(n_students, n_ues)), 0.0, 20.0)
    averages[rng.random((n_students, n_ues)) < 0.01] = np.nan
    return averages


def bench_jury(n_students: int, repeat: int) -> float:
    formation = mmi_like_formation()
    order = year_ue_order(formation, "Créa", 1)
    averages = synthetic_averages(n_students, len(order))
    deliberate_cohort(formation, "Créa", 1, averages[:10], ue_order=order)  # warm the structure cache
    timings = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        deliberate_cohort(formation, "Créa", 1, averages, ue_order=order)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    r = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"jury BUT1 (10 UE, 5 RCUE), {n} étudiants: médiane {bench_jury(n, r) * 1000:.1f} ms sur {r} essais")
