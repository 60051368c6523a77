"""A whole university on one installation (issue 19, item 7): generation, then a scripted walk of each role.

Run against PostgreSQL (``DATABASE_URL``; ``make load-test`` runs it on a throwaway cluster):

    bash scripts/with-postgres.sh .venv/bin/python bench/universite.py --departements 2 --etudiants 600

1. **Generation** (``services.demo.build_universite``, the demo's own generator, bulk inserts, one
   transaction per department): ``--departements`` departments of ``--etudiants`` students each over the
   three academic years 2021-2022 … 2023-2024 (a third arriving each year; past years graded, deliberated by
   the engine and closed; the current year graded, with absences and justifications). The first department's
   BUT1 of 2023-2024 holds ``--grande-promo`` students (600: the « 600-student year jury »).
2. **Walk** of the first department, role by role — scolarité, responsable, enseignant, étudiant,
   président de jury, an API token (scolarité), and the university's administrator (every department) —
   over their pages and API reads, with Django's test client in process: the server time of one request
   (middleware, view, queries, template; no network). Each address is read once cold (the process's
   averages cache empty for that semester) and then ``--repeat`` times: p50 and p95 (nearest rank) per
   address, the number of queries and the slowest query of each address (with ``--explain``, PostgreSQL's
   plan of the slowest queries of the walk).
3. **Targets**: every page p95 < 300 ms; the jury table of the 600-student year < 500 ms; the recap XLSX
   < 3 s; a department's backup (``delibe departement export``: the JSON document) < 30 s.

Prints markdown (docs/benchmarks.md, « Une université entière »). ``--keep`` keeps the generated data
(a second run with the same sizes skips the generation). Exit status 1 when a target is missed and
``--strict`` is given.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_P95_MS = 300.0
BIG_JURY_MS = 500.0
RECAP_XLSX_MS = 3000.0
BACKUP_MS = 30000.0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delibe.config.settings.base")
    os.environ.setdefault("DELIBE_VAR_DIR", tempfile.mkdtemp(prefix="delibe-universite-"))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Measure:
    role: str
    url: str
    label: str
    cold: float
    times: list[float]
    cpu: list[float]  # this process's CPU time per request: the wall time less waiting for a core and the database
    queries: int
    slowest_sql: str
    slowest_ms: float
    size: int
    target: float = PAGE_P95_MS

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 95)


@dataclass
class Walk:
    repeat: int
    measures: list[Measure] = field(default_factory=list)
    slow_sql: list[tuple[float, str, str]] = field(default_factory=list)  # (ms, address, sql)

    def get(self, client: object, role: str, url: str, label: str = "", *, target: float = PAGE_P95_MS,
            **headers: str) -> Measure:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        connection.queries_log.clear()  # a bounded deque (9,000): once full, a capture would count nothing
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, **headers)  # type: ignore[attr-defined]  # a Django test Client, typed as object here
        cold = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{role} GET {url}: {response.status_code}")
        size = len(getattr(response, "content", b"") or b"".join(response.streaming_content))
        times, cpu = [], []
        with CaptureQueriesContext(connection) as warm:
            for _ in range(self.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url, **headers)  # type: ignore[attr-defined]  # a Django test Client, typed as object here
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                assert response.status_code == 200
        queries = [q for q in captured.captured_queries]
        slowest = max(queries, key=lambda q: float(q["time"]), default={"sql": "", "time": "0"})
        for q in queries:
            self.slow_sql.append((float(q["time"]) * 1000, url, q["sql"]))
        measure = Measure(role, url, label or url, cold, times, cpu, len(warm.captured_queries) // max(1, self.repeat),
                          slowest["sql"], float(slowest["time"]) * 1000, size, target)
        self.measures.append(measure)
        print(f"  {role:12} {measure.p50:7.0f} {measure.p95:7.0f} ms  cpu {statistics.median(cpu):6.0f}  "
              f"froid {cold:6.0f}  {measure.queries:3} req.  {url}",
              flush=True)
        return measure


def login(username: str) -> object:
    from django.test import Client

    client = Client()
    assert client.login(username=username, password=f"{username}-demo"), username
    return client


def walk(repeat: int) -> tuple[Walk, dict[str, float]]:
    from delibe.api.tokens import create_token
    from delibe.web.models import Department, Enrolment, Evaluation, SemesterRun, Student, TeachingAssignment
    from delibe.web.services.demo import CURRENT, universite_code, universite_username

    w = Walk(repeat)
    department = Department.objects.get(code=universite_code(0))
    current = {r.semestre: r for r in SemesterRun.objects.filter(formation__department=department,
                                                                 academic_year__label=CURRENT)}
    past_run = SemesterRun.objects.filter(formation__department=department).exclude(
        academic_year__label=CURRENT).order_by("academic_year__label", "semestre").last()
    big = current[2]
    student = Student.objects.filter(department=department, user__isnull=False).first()
    someone = Enrolment.objects.filter(semester=big).select_related("student").order_by("student__nip").first().student
    s, d = someone.pk, department.pk
    extra: dict[str, float] = {}

    print("scolarité")
    c = login(universite_username("scolarite", 0))
    w.get(c, "scolarité", "/", "accueil")
    w.get(c, "scolarité", "/etudiants/", "liste des étudiants")
    w.get(c, "scolarité", "/etudiants/?q=Mar", "recherche d'étudiants")
    w.get(c, "scolarité", f"/etudiants/{s}/", "fiche étudiant")
    w.get(c, "scolarité", f"/journal/etudiants/{s}/", "journal d'un étudiant")
    w.get(c, "scolarité", f"/documents/etudiants/{s}/", "documents d'un étudiant")
    for semestre, run in sorted(current.items()):
        w.get(c, "scolarité", f"/semestres/{run.pk}/", f"tableau de bord S{semestre}")
    for semestre, run in sorted(current.items()):
        if semestre % 2 == 0:
            jury = w.get(c, "scolarité", f"/semestres/{run.pk}/jury/", f"jury de l'année (S{semestre})",
                         target=BIG_JURY_MS if run is big else PAGE_P95_MS)
            if run is big:
                extra["jury_600"] = jury.p95
            w.get(c, "scolarité", f"/semestres/{run.pk}/recapitulatif/", f"récapitulatif S{semestre}")
    xlsx = w.get(c, "scolarité", f"/semestres/{big.pk}/recapitulatif.xlsx", "récapitulatif XLSX (S2)",
                 target=RECAP_XLSX_MS)
    extra["recap_xlsx"] = xlsx.p95
    w.get(c, "scolarité", f"/semestres/{current[1].pk}/groupes/", "groupes S1")
    w.get(c, "scolarité", f"/semestres/{big.pk}/statistiques/", "statistiques S2")
    w.get(c, "scolarité", f"/departements/{d}/cohortes/", "cohortes")
    w.get(c, "scolarité", f"/departements/{d}/annees/", "années")
    w.get(c, "scolarité", f"/documents/semestres/{big.pk}/", "documents du semestre S2")
    w.get(c, "scolarité", f"/documents/semestres/{big.pk}/etudiants/{s}/bulletin/", "bulletin (page)")
    w.get(c, "scolarité", f"/journal/semestres/{current[1].pk}/", "journal du semestre")
    w.get(c, "scolarité", f"/assiduite/semestres/{current[1].pk}/appel/", "appel S1")
    w.get(c, "scolarité", "/assiduite/justificatifs/", "justificatifs")
    w.get(c, "scolarité", f"/assiduite/departements/{d}/rapports/", "rapports d'apprentis")
    w.get(c, "scolarité", f"/courriels/semestres/{big.pk}/", "envoi des résultats")
    w.get(c, "scolarité", "/personnes/", "personnes")
    if past_run is not None:
        w.get(c, "scolarité", f"/semestres/{past_run.pk}/jury/", "jury d'une année close")

    print("responsable")
    c = login(universite_username("responsable", 0))
    w.get(c, "responsable", "/", "accueil")
    w.get(c, "responsable", f"/formations/{big.formation_id}/", "formation")
    w.get(c, "responsable", f"/departements/{d}/reglages/", "réglages du département")
    w.get(c, "responsable", f"/semestres/{current[1].pk}/enseignements/", "enseignements S1")
    w.get(c, "responsable", f"/semestres/{current[3].pk}/", "tableau de bord S3")

    print("enseignant")
    teacher = universite_username("enseignant", 0)
    c = login(teacher)
    w.get(c, "enseignant", "/", "accueil")
    taught = TeachingAssignment.objects.filter(user__username=teacher, semester=current[1]).values_list(
        "module_code", flat=True).first()
    evaluation = Evaluation.objects.filter(semester=current[1], module_code=taught).first()
    w.get(c, "enseignant", f"/evaluations/{evaluation.pk}/saisie/", "saisie des notes (grille)")
    w.get(c, "enseignant", f"/evaluations/{evaluation.pk}/feuille.xlsx", "feuille de notes XLSX")
    w.get(c, "enseignant", f"/journal/evaluations/{evaluation.pk}/", "journal d'une évaluation")

    print("étudiant")
    c = login(universite_username("etudiant", 0))
    w.get(c, "étudiant", "/", "accueil")
    w.get(c, "étudiant", "/mes-resultats/", "mes résultats")
    w.get(c, "étudiant", f"/documents/etudiants/{student.pk}/", "mes documents")
    w.get(c, "étudiant", "/assiduite/mon-justificatif/", "déposer un justificatif")

    print("président")
    c = login(universite_username("president", 0))
    w.get(c, "président", "/", "accueil")
    for semestre in (4, 6):
        w.get(c, "président", f"/semestres/{current[semestre].pk}/jury/", f"jury de l'année (S{semestre})")
    w.get(c, "président", f"/semestres/{big.pk}/jury/etudiants/{s}/", "décisions d'un étudiant")

    print("API (jeton de la scolarité)")
    _, token = create_token(username=universite_username("scolarite", 0), name="banc universite")
    from django.test import Client

    api = Client()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for url in ("/api/v1/etudiants", f"/api/v1/etudiants/{s}", f"/api/v1/etudiants/{s}/bulletins/{big.pk}",
                "/api/v1/semestres", f"/api/v1/semestres/{current[1].pk}",
                f"/api/v1/semestres/{current[1].pk}/etudiants", f"/api/v1/semestres/{current[1].pk}/inscriptions",
                f"/api/v1/semestres/{current[1].pk}/evaluations", f"/api/v1/semestres/{current[1].pk}/enseignants",
                f"/api/v1/semestres/{big.pk}/jury?motifs=false", f"/api/v1/semestres/{big.pk}/jury/checklist",
                f"/api/v1/evaluations/{evaluation.pk}", f"/api/v1/evaluations/{evaluation.pk}/notes"):
        w.get(api, "API", url, **bearer)

    print("administrateur (toute l'université)")
    c = login("admin-universite")
    w.get(c, "administrateur", "/", "accueil")
    w.get(c, "administrateur", "/etudiants/", "liste des étudiants")
    w.get(c, "administrateur", "/etudiants/?q=Martin", "recherche d'étudiants")
    w.get(c, "administrateur", "/personnes/", "personnes")

    print("sauvegarde du département")
    from delibe.web.services.sauvegarde_json import dumps, export_department

    started, started_cpu = time.perf_counter(), time.process_time()
    text = dumps(export_department(department.code))
    extra["backup"] = (time.perf_counter() - started) * 1000
    extra["backup_cpu"] = (time.process_time() - started_cpu) * 1000
    extra["backup_bytes"] = len(text.encode("utf-8"))
    return w, extra


def explain(sql: str) -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def machine() -> str:
    import django
    from django.db import connection

    from delibe.cli.bench import machine as engine_machine

    m = engine_machine()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        db = cursor.fetchone()[0].split(",")[0]
    return f"{m['nproc']} cœurs, {m['cpu']}, Python {m['python']}, Django {django.get_version()}, {db}"


def report(w: Walk, extra: dict[str, float], summary: str, generation_s: float, args: argparse.Namespace,
           out: Callable[[str], None] = print) -> bool:
    ok = True
    out(f"\n{summary}\nGénération : {generation_s:.0f} s. {machine()}; charge {' '.join(f'{x:.2f}' for x in os.getloadavg())}.\n")
    out(f"Serveur mesuré : client de test de Django dans le processus ; p50/p95 sur {args.repeat} requêtes "
        "après une requête à froid ; « CPU » : temps CPU du processus Django (sans l'attente d'un cœur ni de "
        "PostgreSQL) ; « req. » : requêtes SQL d'une requête chaude.\n")
    out("| rôle | page | p50 (ms) | p95 (ms) | CPU p50 (ms) | froid (ms) | req. | objectif p95 | |")
    out("|---|---|---|---|---|---|---|---|---|")
    for m in w.measures:
        met = m.p95 < m.target
        ok &= met
        url = re.sub(r"\d+", "N", m.url)
        out(f"| {m.role} | {m.label} (`{url}`) | {m.p50:.0f} | {m.p95:.0f} | {statistics.median(m.cpu):.0f} | {m.cold:.0f} | "
            f"{m.queries} | "
            f"< {m.target:.0f} | {'atteint' if met else '**manqué**'} |")
    by_role: dict[str, list[float]] = {}
    for m in w.measures:
        by_role.setdefault(m.role, []).extend(m.times)
    out("\n| rôle | requêtes | p50 (ms) | p95 (ms) |")
    out("|---|---|---|---|")
    for role, times in by_role.items():
        out(f"| {role} | {len(times)} | {statistics.median(times):.0f} | {percentile(times, 95):.0f} |")
    backup_met = extra["backup"] < BACKUP_MS
    ok &= backup_met
    out(f"\nSauvegarde du département (`delibe departement export`, JSON de {extra['backup_bytes'] / 1e6:.1f} Mo) : "
        f"{extra['backup'] / 1000:.1f} s, dont {extra['backup_cpu'] / 1000:.1f} s de CPU (objectif < 30 s : {'atteint' if backup_met else '**manqué**'}).")
    out(f"Jury de l'année de {args.grande_promo or args.etudiants // 3} étudiants : p95 {extra.get('jury_600', 0):.0f} ms "
        f"(objectif < 500 ms) ; récapitulatif XLSX : p95 {extra.get('recap_xlsx', 0):.0f} ms (objectif < 3 s).")
    slowest = sorted(w.slow_sql, reverse=True)[: args.explain]
    if slowest:
        out("\nRequêtes SQL les plus lentes de la marche (requête à froid de chaque adresse) :\n")
        for ms, url, sql in slowest:
            out(f"- {ms:.0f} ms, `{re.sub(r'[0-9]+', 'N', url)}` : `{sql[:300]}{'…' if len(sql) > 300 else ''}`")
            plan = explain(sql) if args.explain_plans else ""
            if plan:
                out("\n```\n" + plan + "\n```\n")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--departements", type=int, default=20)
    parser.add_argument("--etudiants", type=int, default=600, help="étudiants par département (sur trois ans)")
    parser.add_argument("--grande-promo", type=int, default=600,
                        help="BUT1 2023-2024 du premier département (le jury d'une année de 600 étudiants)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--explain", type=int, default=8, help="requêtes SQL les plus lentes à lister")
    parser.add_argument("--explain-plans", action="store_true", help="et leur plan (EXPLAIN ANALYZE, PostgreSQL)")
    parser.add_argument("--walk-only", action="store_true", help="ne pas générer (données déjà là)")
    parser.add_argument("--generate-only", action="store_true", help="générer, sans la marche")
    parser.add_argument("--strict", action="store_true", help="statut 1 quand un objectif est manqué")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    from delibe.web.audit import context as audit_context
    from delibe.web.services.demo import build_universite

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    summary = ""
    if not args.walk_only:
        with audit_context.using("demo"):
            summary = build_universite(args.departements, args.etudiants, args.grande_promo,
                                       echo=lambda line: print(line, flush=True))
    generation = time.perf_counter() - started
    if not summary:
        from delibe.web.assiduite.models import AbsenceRecord
        from delibe.web.models import Department, Enrolment, Grade, JuryDecision, Student

        summary = (f"Données déjà là : {Department.objects.count()} départements, {Student.objects.count()} étudiants, "
                   f"{Enrolment.objects.count()} inscriptions, {Grade.objects.count()} notes, "
                   f"{JuryDecision.objects.count()} décisions de jury, {AbsenceRecord.objects.count()} absences.")
    print(summary, flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does within minutes of a bulk load
    if args.generate_only:
        return 0
    w, extra = walk(args.repeat)
    ok = report(w, extra, summary, generation, args)
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
