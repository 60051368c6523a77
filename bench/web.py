"""Server time of the web pages of a big year on SQLite (issue 5).

Targets: « the jury table of a 300-student year renders in under 300 ms server time on SQLite; saving one
grade takes under 50 ms ».

Creates a throwaway SQLite database in a temporary directory (settings ``delibe.config.settings.test``
with ``DATABASE_URL`` pointing there, migrations run), builds one department with the MMI formation
(``formations/but-mmi-dijon.yaml``) and a BUT1 year of ``--students`` students (S1 and S2, every module
of the Créa parcours with 3 evaluations — 72 per semester —, grades drawn around each student's level,
~2 % ABS and ~1 % EXC, bulk-inserted), then measures with Django's test client, in process (no network,
no server: the time of ``client.get``/``client.post``, i.e. middleware, view, queries and template),
logged in as the department's scolarité:

- the jury table of the even semester (the year jury, ``/semestres/<S2>/jury/``) and of the odd one;
- the semester dashboard (``/semestres/<S1>/``, with the averages table);
- the « tableau récapitulatif » of S2 (issue 14: < 300 ms) and its XLSX export (< 2 s);
- saving one grade through the grid's request (``POST /evaluations/<id>/note/``), each save a
  different student: an update of an existing grade, and a first grade in an empty evaluation.

« froid » is the first request (nothing computed in the process yet: the formation parsed, the
averages cache empty); the median is over ``--repeat`` requests after one warm-up (saves: over
``--saves``). The pages are rendered with the averages cache of ``services.calcul`` as in a running
server. Prints a markdown table; removes its files at the end.

    .venv/bin/python bench/web.py [--students 300] [--repeat 7] [--saves 50]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-web-mot-de-passe"
EVALUATIONS_PER_MODULE = 3
TARGETS_MS = {"jury": 300.0, "save": 50.0, "recap": 300.0, "recap_xlsx": 2000.0}


def setup_django(directory: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "delibe.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{os.path.join(directory, 'bench-web.sqlite3')}"
    os.environ["DELIBE_VAR_DIR"] = directory
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def build(n_students: int, seed: int = 5) -> dict[str, object]:
    """The department, the formation, a BUT1 year (S1, S2) of ``n_students`` with graded evaluations."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from delibe.web.models import (
        AcademicYear,
        Department,
        Enrolment,
        Evaluation,
        Grade,
        GroupMembership,
        Membership,
        Role,
        SemesterRun,
        Student,
    )
    from delibe.web.services.formations import formation_model, load_formation_file
    from delibe.web.services.groupes import DEFAULT_PARTITION, ensure_groupe

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(seed)
    with transaction.atomic():
        department = Department.objects.create(code="mmi-bench", nom="MMI (banc web)")
        version = load_formation_file(department, "but-mmi-dijon", ROOT / "formations")
        formation = formation_model(version)
        year = AcademicYear.objects.create(label="2031-2032", debut=dt.date(2031, 9, 1), fin=dt.date(2032, 7, 15))
        runs = {
            s: SemesterRun.objects.create(
                formation=version, semestre=s, academic_year=year, modalite=str(formation.modalite),
                debut=dt.date(2031, 9, 1) if s == 1 else dt.date(2032, 1, 22),
                fin=dt.date(2032, 1, 20) if s == 1 else dt.date(2032, 6, 30),
            )
            for s in (1, 2)
        }
        Student.objects.bulk_create([
            Student(department=department, formation=version, parcours="Créa", nip=f"3100{i:05d}",
                    nom=f"Nom{i:04d}", prenom=rng.choice(("Camille", "Léa", "Hugo", "Manon", "Lucas", "Inès")))
            for i in range(n_students)
        ])
        students = list(Student.objects.filter(department=department).order_by("pk"))
        Enrolment.objects.bulk_create([
            Enrolment(student=s, semester=run, parcours="Créa", redoublant=i % 23 == 0)
            for run in runs.values() for i, s in enumerate(students)
        ])
        groups = {(run.pk, name): ensure_groupe(run, DEFAULT_PARTITION, name)[0]
                  for run in runs.values() for name in ("A1", "B1")}
        index = {s.pk: i for i, s in enumerate(students)}
        GroupMembership.objects.bulk_create([
            GroupMembership(enrolment=e, partition=g.partition, groupe=g)
            for e in Enrolment.objects.filter(semester__in=runs.values())
            if (g := groups[(e.semester_id, "AB"[index[e.student_id] % 2] + "1")])
        ])
        level = {s.pk: rng.gauss(12.0, 2.5) for s in students}
        evaluations: dict[int, list[Evaluation]] = {}
        for s, run in runs.items():
            evaluations[s] = Evaluation.objects.bulk_create([
                Evaluation(semester=run, module_code=m.code, titre=f"Évaluation {k + 1} — {m.titre}"[:200],
                           date=run.debut + dt.timedelta(days=20 + 30 * k + j % 9),
                           coefficient=rng.choice((1.0, 1.0, 2.0, 0.5)),
                           note_max=20.0 if (j + k) % 5 else 10.0)
                for j, m in enumerate(formation.modules_of(s, "Créa")) for k in range(EVALUATIONS_PER_MODULE)
            ])
        grades = []
        for s in runs:
            for evaluation in evaluations[s]:
                for student in students:
                    roll = rng.random()
                    if roll < 0.02:
                        grades.append(Grade(evaluation=evaluation, student=student, special="ABS"))
                    elif roll < 0.03:
                        grades.append(Grade(evaluation=evaluation, student=student, special="EXC"))
                    else:
                        raw = min(20.0, max(0.0, rng.gauss(level[student.pk], 3.0)))
                        value = round(raw * evaluation.note_max / 20 * 4) / 4
                        grades.append(Grade(evaluation=evaluation, student=student,
                                            value=Decimal(str(value)).quantize(Decimal("0.01"))))
        Grade.objects.bulk_create(grades, batch_size=5000)
        # The grid's first grades: an evaluation nobody graded yet.
        empty = Evaluation.objects.create(semester=runs[1], module_code="R1.01", titre="Évaluation vide",
                                          note_max=20.0)
        user = get_user_model().objects.create_user("scolarite-bench", password=PASSWORD)
        Membership.objects.create(user=user, department=department, role=Role.SCOLARITE)
    return {
        "runs": runs, "students": [s.pk for s in students], "evaluations": evaluations, "empty": empty,
        "grades": len(grades), "user": user,
    }


def timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def measure_page(client: object, url: str, repeat: int, cpu: dict[str, float] | None = None) -> dict[str, float]:
    """Wall time of ``repeat`` requests; with ``cpu``, also the median CPU time of this process per request
    (``cpu[url]``, ms): on a shared machine the wall time includes waiting for a core, the CPU time not."""
    cold, response = timed(lambda: client.get(url))
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    timed(lambda: client.get(url))  # type: ignore[attr-defined]  # warm-up
    times = []
    cpu_times = []
    for _ in range(repeat):
        started_cpu = time.process_time()
        elapsed, response = timed(lambda: client.get(url))
        cpu_times.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
        times.append(elapsed)
    if cpu is not None:
        cpu[url] = statistics.median(cpu_times)
    return {"cold": cold, "median": statistics.median(times), "min": min(times), "max": max(times),
            "n": len(times), "bytes": len(response.content)}


def measure_saves(client: object, evaluation: object, cells: list[tuple[int, int]], csrf: str) -> dict[str, float]:
    """One POST per (student, version read), each a different student; the first one is the cold call."""
    evaluation_id = evaluation.pk
    quarters = int(evaluation.note_max * 4)
    url = f"/evaluations/{evaluation_id}/note/"
    times = []
    rng = random.Random(evaluation_id)
    for student_id, version in cells:
        payload = json.dumps({"student": student_id, "value": f"{rng.randint(0, quarters) / 4:g}".replace(".", ","),
                              "version": version})
        elapsed, response = timed(lambda payload=payload: client.post(
            url, payload, content_type="application/json", HTTP_X_CSRFTOKEN=csrf))
        if response.status_code != 200:
            raise RuntimeError(f"POST {url}: {response.status_code} {response.content[:300]!r}")
        times.append(elapsed)
    rest = times[1:] or times
    return {"cold": times[0], "median": statistics.median(rest), "min": min(rest), "max": max(rest),
            "n": len(rest), "bytes": 0}


def machine() -> str:
    import sqlite3

    import django

    from delibe.cli.bench import machine as engine_machine  # one reading of /proc/cpuinfo for every bench

    m = engine_machine()
    return (f"{m['nproc']} cœurs, {m['cpu']}, Python {m['python']}, Django {django.get_version()}, "
            f"SQLite {sqlite3.sqlite_version}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7, help="page requests per measure (median), after a warm-up")
    parser.add_argument("--saves", type=int, default=50, help="grade saves per measure (median)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database (its path is printed)")
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="delibe-bench-web-")
    try:
        setup_django(directory)
        load_start = load()
        started = time.perf_counter()
        data = build(args.students)
        print(f"Données : {args.students} étudiants, BUT1 S1+S2, "
              f"{sum(len(v) for v in data['evaluations'].values())} évaluations, {data['grades']} notes "
              f"(construites en {time.perf_counter() - started:.1f} s).")
        from django.test import Client

        from delibe.web.models import Grade

        client = Client()
        assert client.login(username="scolarite-bench", password=PASSWORD)
        client.get("/")  # the session and the CSRF cookie
        csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        if not csrf:
            client.get(f"/evaluations/{data['empty'].pk}/saisie/")
            csrf = client.cookies["csrftoken"].value
        client = _enforce_csrf(client, csrf)
        s1, s2 = data["runs"][1], data["runs"][2]
        rows: list[tuple[str, dict[str, float], float | None]] = []
        rows.append((f"jury de l'année (S2, `/semestres/{s2.pk}/jury/`)", measure_page(client, f"/semestres/{s2.pk}/jury/", args.repeat), TARGETS_MS["jury"]))
        rows.append((f"jury du semestre impair (S1, `/semestres/{s1.pk}/jury/`)", measure_page(client, f"/semestres/{s1.pk}/jury/", args.repeat), TARGETS_MS["jury"]))
        rows.append((f"tableau de bord S1 (`/semestres/{s1.pk}/`)", measure_page(client, f"/semestres/{s1.pk}/", args.repeat), None))
        # issue 14: the « tableau récapitulatif » of the even semester (modules, UEs, ranks, RCUEs, codes)
        recap_cpu: dict[str, float] = {}
        rows.append((f"tableau récapitulatif S2 (`/semestres/{s2.pk}/recapitulatif/`)",
                     measure_page(client, f"/semestres/{s2.pk}/recapitulatif/", args.repeat, recap_cpu),
                     TARGETS_MS["recap"]))
        rows.append(("tableau récapitulatif S2 en XLSX (`recapitulatif.xlsx`)",
                     measure_page(client, f"/semestres/{s2.pk}/recapitulatif.xlsx", args.repeat, recap_cpu),
                     TARGETS_MS["recap_xlsx"]))
        students: list[int] = data["students"]
        chosen = random.Random(1).sample(students, min(args.saves + 1, len(students)))
        target = data["evaluations"][1][0]
        versions = dict(Grade.objects.filter(evaluation=target, student_id__in=chosen).values_list("student_id", "version"))
        rows.append(("enregistrer une note (mise à jour, `POST /evaluations/<id>/note/`)",
                     measure_saves(client, target, [(s, versions.get(s, 0)) for s in chosen], csrf), TARGETS_MS["save"]))
        rows.append(("enregistrer une note (première note de l'évaluation)",
                     measure_saves(client, data["empty"], [(s, 0) for s in chosen], csrf), TARGETS_MS["save"]))
        # After the saves the averages cache of both runs is stale: the jury page recomputes the year.
        rows.append(("jury de l'année juste après une note (moyennes recalculées)",
                     _after_save(client, s2.pk, target.pk, chosen[0], csrf), TARGETS_MS["jury"]))

        print(f"\n{machine()}; charge {load_start} au début, {load()} à la fin; "
              f"médianes sur {args.repeat} requêtes de page (après une de chauffe) et {args.saves} enregistrements.\n")
        print("| mesure | froid (ms) | médiane (ms) | min–max (ms) | n | objectif | |")
        print("|---|---|---|---|---|---|---|")
        for label, m, goal in rows:
            verdict = "" if goal is None else ("atteint" if m["median"] < goal else "**manqué**")
            print(f"| {label} | {m['cold']:.0f} | {m['median']:.1f} | {m['min']:.0f}–{m['max']:.0f} | {m['n']:.0f} | "
                  f"{'—' if goal is None else f'< {goal:.0f} ms'} | {verdict} |")
        if recap_cpu:
            print("\nTemps CPU du processus (médiane, ms ; sans l'attente d'un cœur libre) : "
                  + ", ".join(f"`{url}` {ms:.0f}" for url, ms in recap_cpu.items()))
        size = {label: m["bytes"] for label, m, _ in rows if m["bytes"]}
        print("\nTaille des pages : " + ", ".join(f"{k.split(' (')[0]} {v / 1024:.0f} Kio" for k, v in size.items()))
        if args.keep:
            print(f"\nBase conservée : {directory}")
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):  # django may not be set up
            connections.close_all()
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


def _enforce_csrf(client: object, csrf: str) -> object:
    """The grid's requests carry the CSRF token: check it as the browser's requests are checked."""
    from django.test import Client

    checked = Client(enforce_csrf_checks=True)
    checked.cookies = client.cookies
    return checked


def _after_save(client: object, run_id: int, evaluation_id: int, student_id: int, csrf: str) -> dict[str, float]:
    """The jury page right after a grade changed (the averages of the year computed again), 5 times; no
    warm-up: each measure follows a save."""
    from delibe.web.models import Grade

    times = []
    for k in range(5):
        version = Grade.objects.get(evaluation_id=evaluation_id, student_id=student_id).version
        client.post(f"/evaluations/{evaluation_id}/note/",
                    json.dumps({"student": student_id, "value": str(5 + k), "version": version}),
                    content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
        elapsed, response = timed(lambda: client.get(f"/semestres/{run_id}/jury/"))
        assert response.status_code == 200
        times.append(elapsed)
    return {"cold": times[0], "median": statistics.median(times), "min": min(times), "max": max(times),
            "n": len(times), "bytes": 0}


if __name__ == "__main__":
    sys.exit(main())
