"""Benchmark of the grade engine (delibe.engine.moyennes): ``python bench/moyennes.py [sizes] [repeat]``.

Same as ``delibe bench --sizes 300,5000,50000 --repeat 5``: synthetic MMI-like cohorts, vectorised vs
reference vs one dense einsum, and the jury engine's time when ``bench/jury.py`` is there.
"""

from __future__ import annotations

import sys

from delibe.cli.bench import run

if __name__ == "__main__":
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "300,5000,50000").split(",")]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    run(sizes, repeat, reference_max=5000)
