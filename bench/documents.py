"""Benchmark: render N bulletins (PDF) of one semester, as ``delibe documents lot`` does.

    .venv/bin/python bench/documents.py            # 300 bulletins, 2 worker processes
    .venv/bin/python bench/documents.py -n 50 -w 1

Target (issue 17): 300 bulletins in under 10 s on a 2-core machine. The engine is DELIBE_PDF_MOTEUR's
(Typst by default); bench/pdf_engines.py compares both engines in one run. Prints the wall time, the time per
bulletin and the pages; no assertion (a shared machine's timing is not a test).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def _pages(pdf: bytes) -> str:
    """Pages of one PDF, by pdfinfo (poppler) when it is installed."""
    import shutil
    import subprocess

    if not shutil.which("pdfinfo"):
        return "?"
    out = subprocess.run(["pdfinfo", "-"], check=False, input=pdf, capture_output=True).stdout.decode()
    match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    return match.group(1) if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="nombre de bulletins (défaut 300)")
    parser.add_argument("-w", "--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--json", action="store_true", help="ajouter le JSON de chaque bulletin")
    parser.add_argument("--court", action="store_true",
                        help="version courte (sans le détail des évaluations: ReportConfig.details_evaluations)")
    args = parser.parse_args()

    from delibe.reports import batch, examples

    started = time.perf_counter()
    bulletins = examples.cohort(args.n)
    if args.court:
        from dataclasses import replace

        config = replace(examples.CONFIG, details_evaluations=False)
        bulletins = [replace(b, config=config) for b in bulletins]
    docs = batch.semester_documents(bulletins, json=args.json)
    prepared = time.perf_counter()
    # warm-up outside the measure: the engine's import and fonts (paid once per process; the workers of
    # write_zip pay it again, inside the measure)
    from delibe.reports import bulletin

    bulletin.to_pdf(examples.bulletin(jury=False))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "lot.zip"
        t0 = time.perf_counter()
        batch.write_zip(docs, target, workers=args.workers)
        elapsed = time.perf_counter() - t0
        with zipfile.ZipFile(target) as zf:
            sizes = [i.file_size for i in zf.infolist()]
            first = zf.read(zf.namelist()[0])
    pages = _pages(first)
    print(f"{args.n} bulletins, {args.workers} processus: {elapsed:.1f} s "
          f"({elapsed / args.n * 1000:.0f} ms par bulletin; données préparées en {prepared - started:.2f} s); "
          f"{sum(sizes) / 1e6:.1f} Mo, {pages} page(s) pour le premier; cible: < 10 s pour 300"
          + (" (version courte)" if args.court else ""))


if __name__ == "__main__":
    main()
