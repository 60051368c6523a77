"""Benchmark: the two PDF engines of the documents side by side, in the same run (issue 17).

    .venv/bin/python bench/pdf_engines.py                  # everything below, 300 bulletins, 3 rounds
    .venv/bin/python bench/pdf_engines.py -n 60 --rounds 1 --no-demo   # quicker

1. CPU of one document, per engine (WeasyPrint, the previous path; Typst, reports/typeset.py): the
   detailed bulletin (median of 12 different students), the PV of 300 students, the letter, the diploma
   transcript and the attestation (median of 15 students each) and the fiche formation. Each round runs each engine in a fresh process
   (import and fonts paid before the measure, as in a batch worker); every document is rendered once per
   process, so Typst's memoisation of an identical input never makes a repeat look free.
2. Wall time of N detailed bulletins in a zip with 2 worker processes (``batch.write_zip``), per engine.
3. With ``--demo`` (default): the web batch of every semester of the demo's current year (``delibe demo``
   data: ``run_documents`` then ``write_zip``, as the web worker does), per engine, on a throwaway database.

Prints a Markdown table: medians, and the ratio old / new. Timings depend on the machine's load; the
ratio measured in one run is the comparable number. No assertion.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from delibe.reports.data import PVData

ENGINES = ("weasyprint", "typst")
FORMATION = ROOT / "formations" / "but-mmi-dijon.yaml"
TARGETS = {"bulletin": "≤ 0,060 s", "pv-300": "< 2 s", "fiche": "< 1 s"}


def pv_of(n: int) -> PVData:
    """The example PV with ``n`` students (the example's five rows repeated, each with its own student)."""
    from delibe.reports import examples
    from delibe.reports.adapters import pv_stats

    base = examples.pv()
    rows = tuple(replace(base.rows[i % len(base.rows)], etudiant=examples._etudiant(i)) for i in range(n))
    return replace(base, rows=rows, stats=pv_stats(rows, base.ue_columns + base.rcue_columns))


def measure_one_process(n_bulletins: int) -> dict[str, list[float]]:
    """In this process (the engine comes from DELIBE_PDF_MOTEUR): CPU seconds of each document."""
    from delibe.engine.fiche import build_fiche
    from delibe.formations import load_formation
    from delibe.reports import bulletin, diplome, examples, lettre, pv
    from delibe.reports.formation_pdf import fiche_pdf

    formation = load_formation(FORMATION)
    # warm-up, as a batch worker after its first documents: import, fonts, each template once, with
    # other data than the measured documents (another student, another diploma, other semesters)
    other = examples._etudiant(9)
    bulletin.to_pdf(examples.bulletin(jury=False))
    pv.to_pdf(pv_of(20))
    lettre.to_pdf(replace(examples.lettre(), etudiant=other))
    diplome.releve_pdf(examples.releve_diplome("DUT"))
    diplome.attestation_pdf(examples.attestation("BUT"))
    fiche_pdf(build_fiche(formation, "Créa", (1, 2)), examples.CONFIG)
    cohort = examples.cohort(n_bulletins, seed=7)
    fiche = build_fiche(formation, "Créa", (5, 6))
    big_pv = pv_of(300)
    students = [examples._etudiant(30 + i) for i in range(15)]  # one document per student, as in a batch
    jobs: dict[str, list[Callable[[], bytes]]] = {
        "bulletin": [functools.partial(bulletin.to_pdf, b) for b in cohort],
        "lettre": [functools.partial(lettre.to_pdf, replace(examples.lettre(), etudiant=e)) for e in students],
        "releve": [functools.partial(diplome.releve_pdf, replace(examples.releve_diplome("BUT"), etudiant=e))
                   for e in students],
        "attestation": [functools.partial(diplome.attestation_pdf, replace(examples.attestation("DUT"), etudiant=e))
                        for e in students],
        "fiche": [lambda: fiche_pdf(fiche, examples.CONFIG)],
        # last: after a PV of 300 rows, Typst's memo cache is large and the next small documents pay for
        # it until it is evicted
        "pv-300": [lambda: pv.to_pdf(big_pv)],
    }
    out: dict[str, list[float]] = {}
    for name, calls in jobs.items():
        for call in calls:
            t = time.process_time()
            call()
            out.setdefault(name, []).append(time.process_time() - t)
    return out


def _child(engine: str, n_bulletins: int) -> dict[str, list[float]]:
    env = {**os.environ, "DELIBE_PDF_MOTEUR": engine, "RAYON_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, __file__, "--child", str(n_bulletins)], env=env, check=True,
                            capture_output=True, text=True)
    loaded: dict[str, list[float]] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def batch_wall(engine: str, n: int, workers: int) -> float:
    """Wall seconds of ``n`` detailed bulletins into a zip (worker start-up included)."""
    from delibe.reports import batch, examples

    os.environ["DELIBE_PDF_MOTEUR"] = engine
    docs = batch.semester_documents(examples.cohort(n, seed=3), json=False)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        batch.write_zip(docs, Path(tmp) / "lot.zip", workers=workers)
        return time.perf_counter() - t


def demo_batches(workers: int) -> dict[str, tuple[float, int, int]]:
    """Every document of every semester of the demo's current year, per engine: wall seconds, files, zips."""
    directory = tempfile.mkdtemp(prefix="delibe-bench-pdf-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "delibe.config.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/demo.sqlite3"
    os.environ["DELIBE_VAR_DIR"] = directory
    import django

    django.setup()
    from django.core.management import call_command

    from delibe.reports import batch
    from delibe.web.audit import context as audit_context
    from delibe.web.models import AcademicYear, SemesterRun
    from delibe.web.services import demo as demo_service
    from delibe.web.services.documents import run_documents

    call_command("migrate", verbosity=0, interactive=False)
    with audit_context.using("demo"):
        demo_service.ensure_demo(echo=lambda *_: None)
    year = AcademicYear.objects.order_by("-label").first()
    runs = list(SemesterRun.objects.filter(academic_year=year).order_by("formation_id", "semestre"))
    documents = [run_documents(run) for run in runs]
    out = {}
    for engine in ENGINES:
        os.environ["DELIBE_PDF_MOTEUR"] = engine
        t = time.perf_counter()
        for k, docs in enumerate(documents):
            batch.write_zip(docs, Path(directory) / f"{engine}-{k}.zip", workers=workers)
        out[engine] = (time.perf_counter() - t, sum(len(d) for d in documents), len(documents))
    print(f"année de démonstration {year.label if year else '?'}: {len(runs)} semestres", file=sys.stderr)
    shutil.rmtree(directory, ignore_errors=True)
    return out


def fmt(seconds: float) -> str:
    return f"{seconds:.3f}".replace(".", ",") + " s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="bulletins du lot (défaut 300)")
    parser.add_argument("-w", "--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--rounds", type=int, default=3, help="processus par moteur pour les documents seuls")
    parser.add_argument("--bulletins", type=int, default=12, help="bulletins différents mesurés par processus")
    parser.add_argument("--demo", action=argparse.BooleanOptionalAction, default=True,
                        help="mesurer aussi le lot web de l'année de démonstration")
    parser.add_argument("--demo-seulement", action="store_true", help="seulement le lot web de la démonstration")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure_one_process(args.child)))
        return
    if not args.demo_seulement:
        documents_and_batch(args)
    if args.demo or args.demo_seulement:
        result = demo_batches(args.workers)
        print("\nLot web de l'année de démonstration (tous les documents de chaque semestre)\n")
        print("| moteur | mur | fichiers | zips |")
        print("|---|---|---|---|")
        for engine, (wall, files, zips) in result.items():
            print(f"| {engine} | {fmt(wall)} | {files} | {zips} |")
        print(f"\nrapport: {result['weasyprint'][0] / result['typst'][0]:.1f}× (cible: ≥ 5×)")


def documents_and_batch(args: argparse.Namespace) -> None:

    per_engine: dict[str, dict[str, list[float]]] = {e: {} for e in ENGINES}
    for _ in range(args.rounds):
        for engine in ENGINES:  # alternate, so that a change of the machine's load hits both
            for name, values in _child(engine, args.bulletins).items():
                per_engine[engine].setdefault(name, []).extend(values)
    print(f"CPU d'un document (médiane; {args.rounds} processus par moteur, {args.bulletins} bulletins chacun)\n")
    print("| document | WeasyPrint | Typst | rapport | cible |")
    print("|---|---|---|---|---|")
    for name in per_engine["typst"]:
        old, new = (statistics.median(per_engine[e][name]) for e in ENGINES)
        print(f"| {name} | {fmt(old)} | {fmt(new)} | {old / new:.1f}× | {TARGETS.get(name, '')} |")

    print(f"\nLot de {args.n} bulletins détaillés, {args.workers} processus (batch.write_zip)\n")
    print("| moteur | mur | mur par bulletin |")
    print("|---|---|---|")
    walls = {}
    for engine in ENGINES:
        walls[engine] = wall = batch_wall(engine, args.n, args.workers)
        print(f"| {engine} | {fmt(wall)} | {fmt(wall / args.n)} |")
    print(f"\nrapport des murs: {walls['weasyprint'] / walls['typst']:.1f}× (cible: < 10 s pour 300 sur 2 cœurs)")


if __name__ == "__main__":
    main()
