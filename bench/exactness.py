"""The cost of exact averages (ADR 0011): the same benchmarks on the code before exactness and on the
working tree, alternated in one run so that both see the same machine load.

    python bench/exactness.py [--base REV] [--rounds N]

REV (default: the last commit before exact averages) is checked out in a temporary git worktree; each
round runs, in a fresh process per side, the vectorised averages of a synthetic MMI semester (quarter-point
grades, as `delibe bench`) at 300, 5,000 and 50,000 students and the vectorised BUT1 year jury of 50,000
students (`bench/jury.py`). Prints a Markdown table of the medians over the rounds, old and new side by
side, and their ratio; the new side also counts the UE cells computed exactly because their double lay
within 1e-9 of the bar.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE_EXACTNESS = "a10c0ac"

SNIPPET = r"""
import importlib.util, json, sys, time, statistics
from pathlib import Path
from delibe.cli.bench import synthetic_spec, synthetic_grades, median_time
from delibe.engine.moyennes import compute_semester
root = Path(sys.argv[1])
out = {}
spec = synthetic_spec()
for n in (300, 5000, 50000):
    table = synthetic_grades(spec, n)
    compute_semester(spec, table)
    out[f"moyennes {n}"] = median_time(lambda: compute_semester(spec, table), 5)
    result = compute_semester(spec, table)
    out[f"exact cells {n}"] = len(getattr(result, "exact_cells", {}))
loader = importlib.util.spec_from_file_location("jury_bench", root / "bench" / "jury.py")
module = importlib.util.module_from_spec(loader); loader.loader.exec_module(module)
out["jury 50000"] = module.bench_jury(50000, 5)
print(json.dumps(out))
"""


def measure(tree: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", SNIPPET, str(tree)], env=env, check=True, capture_output=True,
                          text=True, cwd=tree)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=BEFORE_EXACTNESS, help="révision de référence (avant l'exactitude)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="delibe-bench-") as tmp:
        old_tree = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old_tree), args.base],
                       check=True)
        try:
            rounds: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
            for _ in range(args.rounds):
                rounds["old"].append(measure(old_tree))
                rounds["new"].append(measure(ROOT))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old_tree)], check=False)
    keys = [k for k in rounds["new"][0] if not k.startswith("exact cells")]
    print(f"| mesure ({args.rounds} tours, médianes) | avant ({args.base}) | exact | exact / avant | "
          "cellules calculées exactement |")
    print("|---|---|---|---|---|")
    for key in keys:
        old = statistics.median(r[key] for r in rounds["old"])
        new = statistics.median(r[key] for r in rounds["new"])
        n = key.split()[-1]
        cells = rounds["new"][0].get(f"exact cells {n}", "—") if key.startswith("moyennes") else "—"
        print(f"| {key} étudiants | {old * 1000:.1f} ms | {new * 1000:.1f} ms | {new / old:.2f}× | {cells} |")


if __name__ == "__main__":
    main()
