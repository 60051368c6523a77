"""Fault test of the background tasks: workers killed mid-batch, every document produced exactly once.

Builds the demo database (``delibe demo --no-serve``: 60 apprentices, BUT1 to BUT3) in a temporary folder
(SQLite; or the PostgreSQL of DATABASE_URL), queues one document batch per semester of the year (the PV,
a bulletin per student in PDF and JSON, the decision letters) and, when the e-mail app is there, one
e-mail per message asked (``--mails``), then starts ``--workers`` processes ``delibe worker``. As soon as
one of them has rendered part of a batch, it is killed (SIGKILL, by its process id) and a new worker is
started in its place. It waits until the queue is empty (bounded by ``--deadline``), then checks:

- every task finished successfully; the tasks of the killed worker were run again by another one;
- each batch has exactly one zip, no half-written file, and its zip holds every expected document once;
- every e-mail reached the SMTP server on the loopback exactly once (when e-mails are queued).

Prints the figures (``--markdown``: the table of docs/benchmarks.md). Exit status 1 when a check fails.

    .venv/bin/python bench/task_faults.py --markdown
    scripts/with-postgres.sh .venv/bin/python bench/task_faults.py    # PostgreSQL (DATABASE_URL)
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import pickle
import platform
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STALE_SECONDS = 20  # heartbeat silence after which the killed worker's task is given back (--stale)


def worker_command() -> list[str]:
    return [sys.executable, "-m", "delibe.cli", "worker", "--interval", "0.2"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--semesters", type=int, default=0, help="at most this many semesters (0: the whole year)")
    parser.add_argument("--mails", type=int, default=300, help="e-mails to send (when the e-mail app exists)")
    parser.add_argument("--deadline", type=float, default=1200, help="seconds before giving up (default 1200)")
    parser.add_argument("--stale", type=int, default=STALE_SECONDS,
                        help="DELIBE_WORKER_STALE_SECONDS of the workers (default 20, Délibé's default)")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="delibe-faults-"))
    smtp = SmtpServer() if args.mails else None
    env = {**os.environ, "DELIBE_VAR_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "delibe.config.settings.dev",
           "DELIBE_WORKER_STALE_SECONDS": str(args.stale), "DELIBE_DOCUMENTS_WORKERS": "1"}
    if smtp:
        env.update({"DELIBE_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "DELIBE_EMAIL_HOST": "127.0.0.1", "DELIBE_EMAIL_PORT": str(smtp.port),
                    "DELIBE_EMAIL_FROM": "Délibé <bench@delibe.invalid>"})
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "delibe.cli", "demo", "--no-serve"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    build_s = time.perf_counter() - started

    import django

    django.setup()
    from django_tasks_db.models import DBTaskResult

    from delibe.web.models import AcademicYear, SemesterRun
    from delibe.web.services import document_batches

    year = AcademicYear.objects.order_by("-label").first()
    runs = list(SemesterRun.objects.filter(academic_year=year).order_by("formation__slug", "semestre"))
    if args.semesters:
        runs = runs[: args.semesters]
    expected: dict[str, list[str]] = {}
    for run in runs:
        try:
            job_id = document_batches.start_batch(run, user=None, president="Mme la Présidente")
        except Exception as error:  # noqa: BLE001 — a semester without documents: said, then skipped
            print(f"S{run.semestre} {run.formation.slug} : pas de lot ({error})", file=sys.stderr)
            continue
        folder = document_batches.job_dir(job_id)
        with (folder / "documents.pickle").open("rb") as handle:
            expected[job_id] = [d.name for d in pickle.load(handle)]  # written by start_batch just above
    mail_check = _queue_mails(args.mails, smtp) if smtp else None

    log_dir = tmp / "logs"
    log_dir.mkdir()
    workers: list[subprocess.Popen[bytes]] = []

    def start_worker(name: str) -> subprocess.Popen[bytes]:
        log = (log_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(worker_command(), env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        workers.append(process)
        return process

    run_started = time.perf_counter()
    loads = [os.getloadavg()[0]]
    for n in range(args.workers):
        start_worker(f"worker-{n + 1}")
    killed: dict[str, object] = {}
    deadline = run_started + args.deadline
    try:
        while time.perf_counter() < deadline:
            if not killed:
                victim = _worker_in_the_middle_of_a_batch(workers, expected, document_batches)
                if victim is not None:
                    process, job_id, done = victim
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    killed = {"pid": process.pid, "job": job_id, "done": done,
                              "at_s": time.perf_counter() - run_started}
                    start_worker("worker-restarted")
            pending = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
            loads.append(os.getloadavg()[0])
            if killed and pending == 0:
                break
            time.sleep(0.3)
        else:
            print(f"délai dépassé ({args.deadline:.0f} s) : tâches encore en file", file=sys.stderr)
    finally:
        for process in workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    run_s = time.perf_counter() - run_started

    failures = []
    results = list(DBTaskResult.objects.all())
    not_ok = [r for r in results if r.status != "SUCCESSFUL"]
    if not_ok:
        failures.append(f"{len(not_ok)} tâche(s) non réussies : {[(r.task_path, r.status) for r in not_ok]}")
    if not killed:
        failures.append("aucun worker n'a été tué au milieu d'un lot (lots trop courts ?)")
    rerun = [r for r in results if len(r.worker_ids) > 1]
    documents = duplicates = missing = 0
    for job_id, names in expected.items():
        folder = document_batches.job_dir(job_id)
        zips = sorted(p.name for p in folder.iterdir() if p.name.endswith(".zip") or ".part" in p.name)
        if zips != ["documents.zip"]:
            failures.append(f"lot {job_id} : fichiers {zips}")
            continue
        with zipfile.ZipFile(folder / "documents.zip") as archive:
            inside = archive.namelist()
        counts = collections.Counter(inside)
        duplicates += sum(c - 1 for c in counts.values() if c > 1)
        missing += len(set(names) - set(counts))
        documents += len(counts)
    if duplicates or missing:
        failures.append(f"documents en double : {duplicates}, manquants : {missing}")
    mails = mail_check() if mail_check else None
    if smtp:
        smtp.stop()
    if mails and mails["failures"]:
        failures.extend(mails["failures"])

    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}",
        "database": django.db.connection.vendor,
        "build_demo_s": round(build_s, 1),
        "workers": args.workers,
        "batches": len(expected),
        "documents_expected": sum(len(v) for v in expected.values()),
        "documents_in_zips": documents,
        "duplicates": duplicates,
        "missing": missing,
        "tasks": len(results),
        "tasks_run_again": len(rerun),
        "killed": killed,
        "run_s": round(run_s, 1),
        "stale_s": args.stale,
        "load_average": {"start": round(loads[0], 1), "max": round(max(loads), 1), "end": round(loads[-1], 1)},
        "timings": _timings(results),
        "mails": mails,
        "failures": failures,
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.markdown:
        print(markdown(figures))
    return 1 if failures else 0


def _timings(results: list[Any]) -> dict[str, dict[str, float]]:
    """Per kind of task: how many, the median and slowest run (claim to finish, seconds), and the span from
    the first claim to the last finish; the e-mails' span says their throughput."""
    out: dict[str, dict[str, float]] = {}
    kinds: dict[str, list[Any]] = collections.defaultdict(list)
    for result in results:
        if result.started_at and result.finished_at:
            kinds[result.task_path.rsplit(".", 1)[-1]].append(result)
    for kind, done in kinds.items():
        durations = sorted((r.finished_at - r.started_at).total_seconds() for r in done)
        span = (max(r.finished_at for r in done) - min(r.started_at for r in done)).total_seconds()
        out[kind] = {"count": len(done), "median_s": round(durations[len(durations) // 2], 2),
                     "max_s": round(durations[-1], 2), "span_s": round(span, 1)}
    return out


def _worker_in_the_middle_of_a_batch(workers: list[subprocess.Popen[bytes]], expected: dict[str, list[str]],
                                     document_batches: Any) -> tuple[subprocess.Popen[bytes], str, int] | None:
    """(process, batch, documents done) of a live worker that has rendered part of a batch, else None."""
    for job_id in expected:
        status = document_batches.worker.read_status(document_batches.job_dir(job_id))
        total = status.get("total", 0)
        if status.get("state") == "running" and min(10, total // 4) <= status.get("done", 0) < total - 2:
            for process in workers:
                if process.poll() is None and process.pid == status.get("pid"):
                    return process, job_id, status["done"]
    return None


class SmtpServer:
    """A real SMTP server on the loopback (aiosmtpd) that counts the messages it receives by Message-ID."""

    def __init__(self) -> None:
        import socket
        import threading

        from aiosmtpd.controller import Controller

        self.received: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email

        message_id = email.message_from_bytes(envelope.content)["Message-ID"] or ""
        with self.lock:
            self.received[message_id.strip()] += 1
        return "250 Message accepted"

    def stop(self) -> None:
        self.controller.stop()


def _queue_mails(count: int, smtp: SmtpServer) -> Callable[[], dict[str, Any]]:
    """Queues ``count`` e-mails (a student's published results, each to its own address) as the web page
    does (a mailing, one task per mail); returns the function that checks what the server received."""
    from django.db import transaction

    from delibe.web.jobs.tasks import send_mail
    from delibe.web.mail.models import Mail, Mailing, MailStatus
    from delibe.web.models import SemesterRun
    from delibe.web.services.documents import published

    runs = [r for r in SemesterRun.objects.order_by("academic_year__label", "semestre") if published(r)]
    pairs = [(run, e.student) for run in runs for e in run.enrolments.select_related("student").order_by("id")]
    if not pairs:
        raise SystemExit("la démo n'a aucun semestre au jury clos : pas de courriel à envoyer")
    with transaction.atomic():
        mailings = {run.pk: Mailing.objects.create(run=run, subject=f"Banc d'essai S{run.semestre}") for run in runs}
        Mail.objects.bulk_create([
            Mail(mailing=mailings[run.pk], student=student, recipient=f"{student.nip}.{n}@bench.invalid",
                 status=MailStatus.QUEUED)
            for n, (run, student) in ((n, pairs[n % len(pairs)]) for n in range(count))])
        for pk in Mail.objects.filter(mailing__in=list(mailings.values())).order_by("id").values_list("pk", flat=True):
            send_mail.enqueue(pk)

    def check() -> dict[str, Any]:
        statuses = collections.Counter(Mail.objects.filter(mailing__in=mailings.values()).values_list("status", flat=True))
        sent_ids = set(Mail.objects.filter(mailing__in=mailings.values(), status=MailStatus.SENT)
                       .values_list("message_id", flat=True))
        with smtp.lock:
            received = dict(smtp.received)
        duplicates = sum(n - 1 for n in received.values() if n > 1)
        missing = len(sent_ids - set(received))
        failures = []
        if duplicates or missing:
            failures.append(f"courriels en double : {duplicates}, marqués envoyés mais non reçus : {missing}")
        if statuses.get(MailStatus.SENT, 0) + statuses.get(MailStatus.UNCERTAIN, 0) != count:
            failures.append(f"courriels : {dict(statuses)}")
        return {"queued": count, "received": sum(received.values()), "distinct": len(received),
                "duplicates": duplicates, "missing": missing, "statuses": dict(statuses), "failures": failures}

    return check


def markdown(f: dict[str, Any]) -> str:
    k = f["killed"] or {}
    rows = [
        ("Machine", f["machine"]),
        ("Base", f"{f['database']} (démo : 60 apprentis, construite en {f['build_demo_s']} s)"),
        ("Workers", f"{f['workers']} processus `delibe worker`, 1 processus de rendu chacun"),
        ("Lots (un par semestre de l'année)", f"{f['batches']} lots, {f['documents_expected']} documents attendus"),
        ("Worker tué (SIGKILL)", (f"pid {k.get('pid')} à {k.get('at_s', 0):.1f} s, "
                                 f"après {k.get('done')} document(s) de son lot ; un worker relancé")),
        ("Tâches reprises par un autre worker", (f"{f['tasks_run_again']} sur {f['tasks']} "
                                                f"(silence toléré : {f['stale_s']} s)")),
        ("Documents dans les zips", (f"{f['documents_in_zips']} : {f['duplicates']} en double, "
                                    f"{f['missing']} manquant(s)")),
        ("Durée (file vidée)", f"{f['run_s']} s"),
        ("Charge (load average 1 min : début, max, fin)",
         f"{f['load_average']['start']}, {f['load_average']['max']}, {f['load_average']['end']}"),
    ]
    for kind, t in f["timings"].items():
        rows.append((f"Tâches `{kind}`", (f"{t['count']}, médiane {t['median_s']} s, max {t['max_s']} s, "
                                         f"de la première prise à la dernière fin {t['span_s']} s")))
    if f["mails"]:
        m = f["mails"]
        rows.append(("E-mails (un par tâche, bulletin PDF joint)",
                     (f"{m['queued']} en file, {m['received']} reçus par le serveur SMTP du banc, "
                     f"{m['duplicates']} en double, {m['missing']} manquant(s), "
                     f"{m['statuses'].get('incertain', 0)} interrompu(s) pendant l'échange SMTP (non renvoyés)")))
    rows.append(("Résultat", "réussi" if not f["failures"] else "ÉCHEC : " + "; ".join(f["failures"])))
    return "| | |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)


if __name__ == "__main__":
    sys.exit(main())
