"""``delibe bench``: how fast are the averages (and the jury) for a whole university?

Synthetic MMI-like cohorts: one semester of 5 UEs and 20 modules (ressources feeding 1–3 UEs, SAÉ, a
portfolio, a stage-like module), 6 evaluations per module (one module with a rattrapage, one with a
session 2), a few immediate evaluations, ~2 % ABS, ~1 % EXC, ~0.3 % ATT, ~0.5 % missing values and ~10 % of
students not enrolled in an optional module. For each size: the vectorised engine's median time, the
reference implementation's (skipped above ``--reference-max`` students, it is slow on purpose), their
ratio, and the time of one dense ``np.einsum`` of grades × weights on the same arrays, a lower bound for
any exact computation that reads every grade.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import click

if "numpy" not in sys.modules:
    # OpenBLAS's worker threads spin while waiting: on a small machine shared with other work they make
    # the products slower, not faster. The benchmark (and any batch job) runs BLAS on one thread unless
    # told otherwise (``--blas-threads`` or the usual environment variables).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from delibe.engine.model import UE, Module, ModuleKind, frozen_map
from delibe.engine.moyennes import (
    CODE_ABS,
    CODE_ATT,
    CODE_EXC,
    Evaluation,
    EvaluationType,
    GradeTable,
    SemesterSpec,
    compute_semester,
    compute_semester_reference,
)

N_UE, N_MODULES, EVALS_PER_MODULE = 5, 20, 6


def synthetic_spec(seed: int = 0) -> SemesterSpec:
    rng = np.random.default_rng(seed)
    ues = tuple(UE(f"UE1.{k + 1}", 1, f"C{k + 1}", 1, 6) for k in range(N_UE))
    modules = []
    for m in range(N_MODULES):
        if m < 14:  # ressources, each feeding 1 to 3 UEs
            fed = rng.choice(N_UE, size=int(rng.integers(1, 4)), replace=False)
            kind, code = ModuleKind.RESSOURCE, f"R1.{m + 1:02d}"
        elif m < 18:  # SAÉ feeding 2 UEs
            fed = rng.choice(N_UE, size=2, replace=False)
            kind, code = ModuleKind.SAE, f"SAÉ 1.{m - 13:02d}"
        else:  # portfolio and a stage-like SAÉ feeding every UE
            fed = np.arange(N_UE)
            kind, code = (ModuleKind.PORTFOLIO, "Portfolio") if m == 18 else (ModuleKind.STAGE, "Stage")
        coefs = {ues[int(u)].code: float(rng.integers(1, 13)) for u in fed}
        modules.append(Module(code, code, 1, kind, coefficients=frozen_map(coefs)))
    evaluations = []
    for k, module in enumerate(modules):
        for j in range(EVALS_PER_MODULE):
            poids = None
            if j == 0 and len(module.coefficients) > 1:  # an evaluation weighted unevenly between its UEs
                poids = frozen_map({u: float(rng.integers(0, 3)) for u in module.coefficients})
            evaluations.append(
                Evaluation(
                    f"{module.code}/{j + 1}",
                    module.code,
                    coefficient=float(rng.choice([0.5, 1, 1, 2, 3])),
                    note_max=float(rng.choice([20, 20, 20, 10, 40])),
                    poids=poids,
                    immediate=(j == 5 and k % 4 == 0),
                )
            )
    evaluations.append(
        Evaluation(f"{modules[0].code}/rattrapage", modules[0].code, type=EvaluationType.RATTRAPAGE)
    )
    evaluations.append(
        Evaluation(f"{modules[1].code}/session2", modules[1].code, type=EvaluationType.SESSION2)
    )
    return SemesterSpec(ues, tuple(modules), tuple(evaluations))


def synthetic_grades(spec: SemesterSpec, n: int, seed: int = 1) -> GradeTable:
    rng = np.random.default_rng(seed)
    note_max = np.array([e.note_max for e in spec.evaluations])
    level = rng.normal(11, 3, size=(n, 1))  # each student has a level; grades scatter around it
    values = np.clip(rng.normal(level, 3, size=(n, len(spec.evaluations))), 0, 20) / 20 * note_max
    values = np.round(values * 4) / 4
    draw = rng.random(values.shape)
    values[draw < 0.02] = CODE_ABS
    values[(draw >= 0.02) & (draw < 0.03)] = CODE_EXC
    values[(draw >= 0.03) & (draw < 0.033)] = CODE_ATT
    immediate = np.array([e.immediate for e in spec.evaluations])
    values[((draw >= 0.033) & (draw < 0.038)) & immediate] = np.nan  # missing, in immediate evaluations
    if n > 10:  # one evaluation still incomplete: it must not count for anyone
        values[0, 3] = np.nan
    second = np.array([e.type is not EvaluationType.NORMALE for e in spec.evaluations])
    values[:, second] = np.where(rng.random((n, int(second.sum()))) < 0.15, values[:, second], np.nan)
    enrolled = np.ones((n, len(spec.modules)), dtype=bool)
    enrolled[:, 13] = rng.random(n) > 0.1  # an optional module
    return GradeTable(tuple(f"e{i:06d}" for i in range(n)), values, enrolled=enrolled)


def median_time(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def einsum_bound(spec: SemesterSpec, table: GradeTable, repeat: int) -> float:
    """One dense product of the /20 grades (students × evaluations) by the weights (evaluations × UEs)."""
    scale = np.array([20 / e.note_max for e in spec.evaluations])
    notes = np.fmax(table.values, 0) * scale
    weights = np.array(
        [[e.coefficient * spec.weights(e)[u] for u in spec.ue_codes] for e in spec.evaluations]
    )
    plain = median_time(lambda: np.einsum("se,eu->su", notes, weights), repeat)
    optimised = median_time(lambda: np.einsum("se,eu->su", notes, weights, optimize=True), repeat)
    return min(plain, optimised)


def load_jury_bench() -> Callable[[int, int], float] | None:
    """``bench/jury.py``'s ``bench_jury(n_students, repeat)`` if the jury engine's benchmark is there."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[3]):
        path = root / "bench" / "jury.py"
        if path.is_file():
            spec = importlib.util.spec_from_file_location("delibe_bench_jury", path)
            if spec is None or spec.loader is None:
                return None
            module: ModuleType = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            function = getattr(module, "bench_jury", None)
            return function if callable(function) else None
    return None


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "défaut"),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def run(
    sizes: list[int], repeat: int, reference_max: int, echo: Callable[[str], None] = print
) -> tuple[dict[str, str], list[dict[str, object]]]:
    spec = synthetic_spec()
    jury = load_jury_bench()
    info = machine()
    echo(
        f"{len(spec.ues)} UE, {len(spec.modules)} modules, {len(spec.evaluations)} évaluations; "
        f"{info['nproc']} cœurs, {info['cpu']}, Python {info['python']}, numpy {info['numpy']}, "
        f"BLAS {info['blas_threads']} thread(s), charge {info['load']}; médianes sur {repeat} mesures "
        f"(référence: {min(repeat, 3)})"
    )
    header = [
        "étudiants",
        "vectorisé (s)",
        "référence (s)",
        "réf./vect.",
        "einsum (s)",
        "vect./einsum",
        "objets→tableau (s)",
    ]
    if jury is not None:
        header.append("jury (s)")
    echo("| " + " | ".join(header) + " |")
    echo("|" + "---|" * len(header))
    rows = []
    for n in sizes:
        table = synthetic_grades(spec, n)
        vect = median_time(lambda table=table: compute_semester(spec, table), repeat)
        ref = None
        if n <= reference_max:
            ref = median_time(
                lambda table=table: compute_semester_reference(spec, table), max(1, min(repeat, 3))
            )
        bound = einsum_bound(spec, table, repeat)
        conversion = None
        if n <= reference_max:
            students = [table.student(spec, i) for i in range(n)]
            conversion = median_time(
                lambda students=students: GradeTable.from_students(spec, students), max(1, min(repeat, 3))
            )
        jury_time = jury(n, repeat) if jury is not None else None
        row = {
            "students": n,
            "vectorised": vect,
            "reference": ref,
            "ratio_reference": None if ref is None else ref / vect,
            "einsum": bound,
            "ratio_einsum": vect / bound,
            "conversion": conversion,
            "jury": jury_time,
        }
        rows.append(row)
        cells = [
            f"{n:,}".replace(",", " "),
            f"{vect:.4f}",
            "sautée (trop lente)" if ref is None else f"{ref:.3f}",
            "—" if ref is None else f"{ref / vect:.0f}×",
            f"{bound:.4f}",
            f"{vect / bound:.1f}×",
            "—" if conversion is None else f"{conversion:.3f}",
        ]
        if jury is not None:
            cells.append("—" if jury_time is None else f"{jury_time:.4f}")
        echo("| " + " | ".join(cells) + " |")
        sys.stdout.flush()
    return info, rows


@click.command()
@click.option(
    "--sizes",
    default="300,5000,50000",
    show_default=True,
    help="Tailles de cohortes, séparées par des virgules.",
)
@click.option(
    "--repeat", default=5, show_default=True, type=click.IntRange(1), help="Mesures par taille (médiane)."
)
@click.option(
    "--reference-max",
    default=5000,
    show_default=True,
    type=int,
    help="Au-delà de ce nombre d'étudiants, l'implémentation de référence (lente) n'est pas mesurée.",
)
def bench(sizes: str, repeat: int, reference_max: int) -> None:
    """Mesurer la vitesse des moyennes (vectorisées et de référence) et, s'il est là, du jury."""
    try:
        parsed = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise click.BadParameter(
            f"« {sizes} »: attendu des entiers séparés par des virgules, ex. 300,5000", param_hint="--sizes"
        ) from None
    if not parsed or min(parsed) < 1:
        raise click.BadParameter("au moins une taille ≥ 1", param_hint="--sizes")
    run(parsed, repeat, reference_max, echo=click.echo)
