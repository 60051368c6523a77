"""Load test of grade entry through the real HTTP endpoint of the grid, on loopback only.

Starts Délibé with a real server (``delibe serve``, Django's threaded server; ``--server gunicorn`` for
gunicorn) on 127.0.0.1, creates a bench department (one BUT1 S1, ``--students`` students, as many
evaluations as needed, one staff account per client), then ``--clients`` threads log in (login form,
CSRF) and save ``--grades`` distinct grades in total through POST /evaluations/<id>/note/, the request the
grid sends. The cells are dealt round-robin, so every evaluation is written by many clients at once.

A second, small phase makes pairs of clients update the same grade from the same version at the same
moment: exactly one of each pair must get 200 and the other 409.

Then it checks the database: zero lost, duplicated or wrong grades, one audit entry per save. Prints
throughput and latency percentiles (and ``--markdown`` a row for docs/benchmarks.md). Bounded in count
(--grades) and in time (--deadline seconds: the run stops and fails past it).

    scripts/with-postgres.sh .venv/bin/python bench/load_grades.py            # PostgreSQL (DATABASE_URL)
    .venv/bin/python bench/load_grades.py --grades 500 --clients 10           # SQLite in a temp dir
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PASSWORD = "bench-mot-de-passe-42"
DEPARTMENT = "bench-charge"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delibe.config.settings.base")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def prepare(n_clients: int, n_students: int, n_evaluations: int) -> tuple[list[int], list[int], list[str]]:
    """Creates (or reuses) the bench data; returns evaluation ids, student ids and usernames."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from delibe.web.models import (
        AcademicYear,
        Department,
        Enrolment,
        Evaluation,
        Membership,
        Role,
        SemesterRun,
        Student,
    )
    from delibe.web.services.formations import store_formation_text

    call_command("migrate", verbosity=0, interactive=False)
    department, _ = Department.objects.get_or_create(code=DEPARTMENT, defaults={"nom": "Banc de charge"})
    text = (ROOT / "formations" / "but-mmi-dijon.yaml").read_text(encoding="utf-8")
    text = text.replace("id: but-mmi-dijon", "id: but-bench-charge", 1)
    version = store_formation_text(department, "but-bench-charge", text)
    year, _ = AcademicYear.objects.get_or_create(
        label="2031-2032", defaults={"debut": dt.date(2031, 9, 1), "fin": dt.date(2032, 7, 1)})
    run, _ = SemesterRun.objects.get_or_create(formation=version, semestre=1, academic_year=year)
    Evaluation.objects.filter(semester=run).delete()  # a rerun starts from empty evaluations
    students = list(Student.objects.filter(department=department).order_by("pk")[:n_students])
    for i in range(len(students), n_students):
        students.append(Student.objects.create(
            department=department, formation=version, parcours="Créa", nip=f"BENCH{i:06d}", nom=f"Charge{i:04d}",
            prenom="Test"))
    existing = set(Enrolment.objects.filter(semester=run).values_list("student_id", flat=True))
    Enrolment.objects.bulk_create([Enrolment(student=s, semester=run, parcours="Créa") for s in students
                                   if s.pk not in existing])
    evaluations = Evaluation.objects.bulk_create([
        Evaluation(semester=run, module_code="R1.01", titre=f"Charge {i}", note_max=20) for i in range(n_evaluations)
    ])
    User = get_user_model()
    usernames = []
    for i in range(n_clients):
        name = f"bench{i:03d}"
        user = User.objects.filter(username=name).first() or User.objects.create_user(name, password=PASSWORD)
        Membership.objects.get_or_create(user=user, department=department, role=Role.SCOLARITE)
        usernames.append(name)
    return [e.pk for e in evaluations], [s.pk for s in students], usernames


class Client:
    """One browser: a cookie jar, the login form with its CSRF token, then JSON saves like saisie.js."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(f"{base}/connexion/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        request = urllib.request.Request(f"{base}/connexion/", data=body.encode(),
                                         headers={"Referer": f"{base}/connexion/"})
        response = self.opener.open(request, timeout=30)
        if "/connexion/" in response.geturl():
            raise RuntimeError(f"connexion refusée pour {username}")
        self.csrf = next(c.value for c in self.jar if c.name == "csrftoken")
        self.retries = 0

    def save(self, evaluation: int, student: int, value: str, version: int) -> tuple[int, float, dict]:
        payload = json.dumps({"student": student, "value": value, "version": version}).encode()
        request = urllib.request.Request(
            f"{self.base}/evaluations/{evaluation}/note/", data=payload, method="POST",
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf, "X-Requested-With": "fetch",
                     "Referer": f"{self.base}/evaluations/{evaluation}/saisie/"})
        start = time.perf_counter()
        for attempt in range(4):
            try:
                with self.opener.open(request, timeout=30) as response:
                    status, body = response.status, response.read()
                break
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
                break
            except (ConnectionError, urllib.error.URLError):
                # The server's listen queue overflowed (runserver: 10): the connection was refused or
                # reset. Retry as a browser user would; if the first attempt was in fact committed, the
                # retry gets a 409 whose current value is ours (counted as a retry, not a loss).
                if attempt == 3:
                    raise
                self.retries += 1
                time.sleep(0.05 * (attempt + 1))
        elapsed = time.perf_counter() - start
        if status == 409 and version == 0 and self.retries:
            current = json.loads(body).get("current", {})
            if current.get("value") and Decimal(str(current["value"]).replace(",", ".")) == Decimal(
                    value.replace(",", ".")):
                status, body = 200, json.dumps(current).encode()
        try:
            data = json.loads(body)
        except ValueError:
            data = {"raw": body[:200].decode(errors="replace")}
        return status, elapsed, data


def start_server(port: int, server: str, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "delibe.config.settings.base")
    env["DELIBE_LOGIN_MAX_FAILURES"] = "1000"
    if server == "gunicorn":
        cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "delibe.config.wsgi", "--bind", f"{HOST}:{port}",
               "--workers", str(workers), "--threads", "8", "--log-level", "warning"]
    else:
        cmd = [str(ROOT / ".venv" / "bin" / "delibe"), "serve", "--host", HOST, "--port", str(port), "--no-migrate"]
    log = open(os.path.join(tempfile.gettempdir(), f"delibe-load-server-{port}.log"), "w+b")  # noqa: SIM115 (the server writes to it for its whole life)
    process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    process.log_path = log.name  # type: ignore[attr-defined]  # printed and removed by main()
    for _ in range(200):
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("le serveur s'est arrêté : " + Path(log.name).read_text()[-2000:]) from None
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("le serveur n'a pas démarré en 20 s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--grades", type=int, default=5000)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--conflicts", type=int, default=100, help="pairs of simultaneous stale updates")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds; the run fails past it")
    parser.add_argument("--server", choices=("runserver", "gunicorn"), default="runserver")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--markdown", action="store_true", help="also print a docs/benchmarks.md row")
    args = parser.parse_args()
    if args.clients < 1 or args.grades < 1 or args.clients > 200 or args.grades > 100_000:
        parser.error("bornes : 1 ≤ clients ≤ 200, 1 ≤ grades ≤ 100 000")
    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="delibe-load-")
        os.environ["DELIBE_VAR_DIR"] = tmp
    setup_django()
    from django.db import connection

    n_evaluations = -(-args.grades // args.students)
    evaluations, students, usernames = prepare(args.clients, args.students, n_evaluations)
    cells = [(e, s) for e in evaluations for s in students][: args.grades]
    rng = random.Random(2026)
    rng.shuffle(cells)
    expected = {cell: f"{rng.randint(0, 2000) / 100:.2f}" for cell in cells}
    connection.close()

    port = free_port()
    server = start_server(port, args.server, args.workers)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + args.deadline
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures: list[str] = []
    lock = threading.Lock()
    try:
        clients: list[Client | None] = [None] * args.clients

        def log_in(i: int) -> None:
            clients[i] = Client(base, usernames[i])

        threads = [threading.Thread(target=log_in, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1.0, deadline - time.monotonic()))
        if any(c is None for c in clients):
            raise RuntimeError("certains clients n'ont pas pu se connecter")

        def work(i: int) -> None:
            client = clients[i]
            for evaluation, student in cells[i :: args.clients]:
                if time.monotonic() > deadline:
                    with lock:
                        failures.append("délai dépassé")
                    return
                value = expected[(evaluation, student)]
                try:
                    status, elapsed, data = client.save(evaluation, student, value.replace(".", ","), 0)
                except OSError as error:
                    with lock:
                        failures.append(f"connexion : {error}")
                    continue
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
                    if status != 200:
                        failures.append(f"{status} {data}")

        start = time.perf_counter()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1.0, deadline - time.monotonic()))
        wall = time.perf_counter() - start

        # Phase 2: pairs of clients update the same grade from the same version at the same moment.
        pairs = cells[: min(args.conflicts, len(cells))]
        outcomes: dict[tuple[int, int], list[int]] = {cell: [] for cell in pairs}

        def race(i: int, chunk: list[tuple[int, int]]) -> None:
            client = clients[i]
            for n, (evaluation, student) in enumerate(chunk):
                value = f"{(i % 2) * 10 + 5 + n % 5}"
                status, _elapsed, _data = client.save(evaluation, student, value, 1)
                with lock:
                    outcomes[(evaluation, student)].append(status)

        n_pairs = max(1, min(args.clients // 2, len(pairs)))
        chunks = [pairs[k::n_pairs] for k in range(n_pairs)]
        threads = []
        for k, chunk in enumerate(chunks):
            threads += [threading.Thread(target=race, args=(2 * k, chunk)),
                        threading.Thread(target=race, args=(2 * k + 1, chunk))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    # Verification in the database.
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Grade

    grades = {(g.evaluation_id, g.student_id): g for g in Grade.objects.filter(evaluation_id__in=evaluations)}
    lost = [c for c in cells if c not in grades]
    extra = [c for c in grades if c not in expected]
    wrong = [c for c in cells if c in grades and c not in outcomes and grades[c].value != Decimal(expected[c])]
    conflict_ok = sum(1 for s in outcomes.values() if sorted(s) == [200, 409])
    raced_versions = sum(1 for c in outcomes if grades.get(c) is not None and grades[c].version == 2)
    audited = AuditEntry.objects.filter(evaluation_id__in=evaluations, object_type="grade").count()
    expected_audit = args.grades + conflict_ok

    lat_ms = [x * 1000 for x in latencies]
    print(f"serveur : {args.server}{f' ({args.workers} processus × 8 fils)' if args.server == 'gunicorn' else ''}, "
          f"base : {connection.vendor}, machine : {platform.machine()} {os.cpu_count()} cœurs, "
          f"Python {platform.python_version()}")
    print(f"{args.clients} clients, {len(latencies)} enregistrements en {wall:.2f} s : "
          f"{len(latencies) / wall:.0f} notes/s")
    if lat_ms:
        print(f"latence (ms) : médiane {statistics.median(lat_ms):.1f}, p95 {percentile(lat_ms, 95):.1f}, "
              f"p99 {percentile(lat_ms, 99):.1f}, max {max(lat_ms):.1f}")
    print(f"statuts : {dict(sorted(statuses.items()))} ; connexions refusées puis réessayées : "
          f"{sum(c.retries for c in clients if c)}")
    print(f"vérification : {len(grades)} notes en base pour {len(cells)} envoyées ; perdues {len(lost)}, "
          f"en trop {len(extra)}, valeur fausse {len(wrong)} ; journal {audited} entrées (attendu {expected_audit})")
    print(f"conflits simultanés : {conflict_ok}/{len(pairs)} paires avec exactement un 200 et un 409 ; "
          f"{raced_versions} notes en version 2")
    ok = (not failures and not lost and not extra and not wrong and conflict_ok == len(pairs)
          and raced_versions == len(pairs) and audited == expected_audit)
    if args.markdown and lat_ms:
        print(f"| {time.strftime('%Y-%m-%d')} | {args.server} | {connection.vendor} | {args.clients} | "
              f"{len(latencies)} | {wall:.1f} | {len(latencies) / wall:.0f} | {statistics.median(lat_ms):.0f} | "
              f"{percentile(lat_ms, 95):.0f} | {len(lost)} | {conflict_ok}/{len(pairs)} |")
    if failures:
        print("échecs :", [f[:200] for f in failures[:3]], file=sys.stderr)
        print("journal du serveur :", server.log_path, file=sys.stderr)
    print("RÉSULTAT :", "OK" if ok else "ÉCHEC")
    connection.close()
    if ok:  # keep the server's log and the SQLite file only when something must be looked at
        Path(server.log_path).unlink(missing_ok=True)
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
